#!/bin/sh
# valgrind memcheck over the end-to-end transcript suite: every
# tests/lsp/*.rpc is played by lsp_runner against
#   valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible BINARY serve
# so a memory error or a leak makes the server exit 99 where the transcript
# expects 0 or 1, and the transcript fails. Transcripts whose timing cannot
# survive valgrind's slowdown (the 64 MiB and 10 MiB bodies) are listed in
# SLOW and skipped, with a line saying so.
# usage: tests/reliability/valgrind.sh BINARY LSP_RUNNER [TRANSCRIPT...]
# Ends with "N passed, N failed".
set -u
bin=$1; runner=$2; shift 2
command -v valgrind >/dev/null 2>&1 || { echo "skipped: valgrind not installed"; echo "0 passed, 0 failed"; exit 0; }
SLOW="hostile_oversized_body hostile_too_large hostile_long_line"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wrap="$tmp/hybridls-valgrind"
cat > "$wrap" <<WRAP
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
  --show-leak-kinds=definite,indirect,possible --log-file="$tmp/vg.%p.log" "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "\$@"
WRAP
chmod +x "$wrap"
[ $# -gt 0 ] || set -- tests/lsp/*.rpc
pass=0; fail=0
for t in "$@"; do
  name=$(basename "$t" .rpc)
  case " $SLOW " in *" $name "*) echo "skip $name (too slow under valgrind)"; continue;; esac
  # valgrind slows the server ten- to fifty-fold: longer limits, same checks.
  if LSP_RUNNER_TIME_SCALE=6 "$runner" "$wrap" "$t" > "$tmp/out" 2>&1; then
    pass=$((pass + 1)); echo "ok   $name"
  else
    fail=$((fail + 1)); echo "FAIL $name"; sed 's/^/  /' "$tmp/out" | head -n 20
  fi
  for log in "$tmp"/vg.*.log; do
    [ -s "$log" ] && { echo "  valgrind report ($name):"; sed 's/^/  | /' "$log" | head -n 40; }
    rm -f "$log"
  done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
