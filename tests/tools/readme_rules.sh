#!/bin/sh
# Prints README.md with the part between the rule markers replaced by the
# rule docs (analysis/docs/HYnnn.md, in rules.def order), so the README shows
# exactly the text `hybridls explain` and hovers show. Each rule gets an
# anchor #hynnn, the target of the diagnostics' codeDescription links.
# usage: tests/tools/readme_rules.sh README.md > README.new
set -e
readme=$1
codes=$(sed -n 's/^AN_RULE(\(HY[0-9]*\),.*/\1/p' analysis/rules.def)
awk '{print} /<!-- rules:begin -->/ {exit}' "$readme"
for c in $codes; do
  lower=$(echo "$c" | tr 'A-Z' 'a-z')
  echo
  echo "<a id=\"$lower\"></a>"
  echo
  sed -e 's/^### /#### /' -e 's/^## /### /' "analysis/docs/$c.md"
done
echo
awk '/<!-- rules:end -->/ {f=1} f {print}' "$readme"
