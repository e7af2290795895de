#!/bin/sh
# The README's rule section must be exactly the rule docs (regenerate with
# `make update`).
sh tests/tools/readme_rules.sh README.md > build/README.expected
if cmp -s README.md build/README.expected; then
  echo "ok   README rule section matches analysis/docs"
  echo "1 passed, 0 failed"
else
  echo "FAIL README rule section differs from analysis/docs (run: make update)"
  diff README.md build/README.expected | head -20
  echo "0 passed, 1 failed"
  exit 1
fi
