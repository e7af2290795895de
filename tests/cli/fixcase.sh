#!/bin/sh
# A `check --fix` case: runs the fixes on copies of a case's input files and
# prints everything a reviewer (and the expected output) needs to see that
# they are right.
#
#   tests/cli/fixcase.sh CASE_DIR RULE...      (cmd: !sh tests/cli/fixcase.sh ...)
#
# CASE_DIR/input/ holds the Python files; RULE... are the codes whose
# findings the fixes must remove. The binary is $HYBRIDLS (set by run.sh).
# The copies live in a temporary directory inside CASE_DIR, removed at the
# end; every command runs from there so the printed paths are stable.
#
# Printed, in order:
#   the findings before; the output and status of `check --fix`; the fixed
#   files; whether each fixed file parses (python3's own parser); whether
#   each RULE's findings are gone; new findings (rules found after the fix
#   that were not found before: must be none); whether a second --fix
#   changes nothing; whether `check --diff` on the original, applied with
#   patch(1), gives exactly the files --fix wrote.
# Exits with the status of the first `check --fix`.
set -u
bin=${HYBRIDLS:?HYBRIDLS must name the hybridls binary}
case_dir=$1
shift
work=$(mktemp -d "$case_dir/work.XXXXXX") || exit 2
work=$(cd "$work" && pwd) # absolute, so the trap still finds it after the cd below
trap 'rm -rf "$work"' EXIT INT TERM
for copy in before src patched; do cp -R "$case_dir/input" "$work/$copy"; done
cd "$work" || exit 2

codes() { # the rule codes of a text report, one per line, sorted
  sed -n 's/^[^ ]*:[0-9]*:[0-9]*: \(HY[0-9]*\) .*/\1/p' | sort
}

echo "== findings before"
"$bin" check --no-color before > out.txt 2>&1
cat out.txt
codes < out.txt > codes_before.txt

echo "== check --fix"
"$bin" check --no-color --fix src > out.txt 2> err.txt
status=$?
cat out.txt
sed 's/^/stderr: /' err.txt
echo "exit $status"
codes < out.txt > codes_after.txt

echo "== fixed files"
for f in src/*.py; do
  echo "--- $f"
  cat "$f"
  if [ -n "$(tail -c 1 "$f")" ]; then echo; echo "(no newline at end of file)"; fi
done

echo "== checks"
for f in src/*.py; do
  if python3 -c 'import ast, sys; ast.parse(open(sys.argv[1], encoding="utf-8").read(), sys.argv[1])' "$f" 2> parse.txt; then
    echo "$f parses"
  else
    echo "$f does not parse:"
    cat parse.txt
  fi
done
for rule in "$@"; do
  n=$(grep -c "^$rule\$" codes_after.txt)
  if [ "$n" -eq 0 ]; then echo "$rule fixed: no finding left"; else echo "$rule NOT fixed: $n left"; fi
done
new=$(comm -13 codes_before.txt codes_after.txt | sort -u | tr '\n' ' ')
echo "new findings: ${new:-none}"
cp -R src second
"$bin" check --no-color --fix second > /dev/null 2> err.txt
if diff -r src second > /dev/null && [ ! -s err.txt ]; then
  echo "second --fix: nothing changed"
else
  echo "second --fix changed something:"
  diff -r src second
  cat err.txt
fi
"$bin" check --diff before > diff.txt 2> err.txt
echo "check --diff: exit $?"
cat err.txt
(cd patched && patch -s -p2 < ../diff.txt)
if diff -r src patched > /dev/null; then
  echo "--diff applied with patch: same as --fix"
else
  echo "--diff applied with patch differs from --fix:"
  diff -r src patched
fi
exit "$status"
