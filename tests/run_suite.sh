#!/bin/sh
# Runs every suite against one build variant: unit tests, rule fixtures and
# the quiet corpus, CLI cases, LSP transcripts. Each suite ends with a line
# "N passed, N failed"; their sum is written to OUT/suite.result and the
# script fails when anything failed.
# usage: tests/run_suite.sh OUT VARIANT
set -u
out=$1
variant=$2
pass=0
fail=0
log="$out/suite.log"
: > "$log"

tally() { # name, then the command
  name=$1; shift
  printf '== %s (%s)\n' "$name" "$variant"
  "$@" > "$out/last.log" 2>&1
  rc=$?
  cat "$out/last.log" >> "$log"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out/last.log" | tail -n 1)
  if [ -z "$line" ]; then
    cat "$out/last.log"
    echo "   $name: no result line (exit $rc)"
    fail=$((fail + 1))
    return
  fi
  p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
  f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$f" -ne 0 ]; then grep -E '^(FAIL|  )' "$out/last.log" | head -n 60; fi
  echo "   $line"
  pass=$((pass + p))
  fail=$((fail + f))
}

for t in "$out"/tests/test_*; do
  [ -x "$t" ] || continue
  tally "unit $(basename "$t")" "$t"
done
tally "rule fixtures" "$out/tests/fixture_runner" tests/fixtures
tally "quiet corpus" "$out/tests/fixture_runner" --quiet tests/corpus
tally "cli" sh tests/cli/run.sh "$out/hybridls"
tally "lsp transcripts" "$out/tests/lsp_runner" "$out/hybridls" tests/lsp
tally "lsp harness self-test" "$out/tests/lsp_runner" "$out/tests/lsp_runner" tests/lsp/selftest
tally "editor clients" sh tests/clients/run.sh "$out/hybridls"
# Load, stalled and vanished clients, 50 MB and 10,000-deep inputs, --fix
# crash safety and valgrind over the transcripts: once, on the release
# build (valgrind and timing-bound checks do not mix with ASan).
if [ "$variant" = release ]; then
  tally "reliability" sh tests/reliability/run.sh "$out"
fi
tally "docs" sh tests/tools/check_readme.sh
echo "$pass $fail" > "$out/suite.result"
echo "$variant: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
