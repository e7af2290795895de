#!/bin/sh
# The reliability suite (tests/reliability/README.md): load, a client that
# stops reading, a client that disappears, a 50 MB document, deep nesting
# through check, --fix crash safety, and valgrind over the transcripts.
# usage: tests/reliability/run.sh OUT    (OUT holds hybridls, tests/lsp_runner
#        and tests/reldriver; `make reliability` builds them)
# Set RELIABILITY_SKIP to a list of names (load stall gone huge deep fix
# valgrind) to leave some out. Ends with "N passed, N failed".
set -u
out=$1
bin=$out/hybridls
work=$out/reliability
mkdir -p "$work"
skip=" ${RELIABILITY_SKIP:-} "
pass=0; fail=0
step() { # name, then the command; each prints "ok"/"FAIL" lines
  name=$1; shift
  case "$skip" in *" $name "*) echo "== $name: skipped (RELIABILITY_SKIP)"; return;; esac
  echo "== $name"
  start=$(date +%s)
  if "$@" > "$work/$name.log" 2>&1; then
    pass=$((pass + 1)); rc=ok
  else
    fail=$((fail + 1)); rc=FAIL
  fi
  grep -vE '^(hybridls: |ok   )' "$work/$name.log" | grep -E '^( |FAIL|skip|[0-9]+ passed)' | sed 's/^/  /'
  echo "$rc $name ($(( $(date +%s) - start )) s)"
}
step load "$out/tests/reldriver" load "$bin" "$work"
step stall "$out/tests/reldriver" stall "$bin"
step gone "$out/tests/reldriver" gone "$bin"
step huge "$out/tests/reldriver" huge "$bin"
step deep sh tests/reliability/deep.sh "$bin" "$work"
step fix sh tests/reliability/fix_crash.sh "$bin"
step valgrind sh tests/reliability/valgrind.sh "$bin" "$out/tests/lsp_runner"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
