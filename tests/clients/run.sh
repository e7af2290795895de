#!/bin/sh
# The editor-client suite: the VS Code extension's wiring and its server
# conversation through Microsoft's LSP client library (node:test), the .vsix,
# the other editors' config snippets and the pre-commit hooks, and Neovim
# headless. Installs what is missing: the pinned npm packages (npm ci, from
# the lockfiles) and Debian's neovim.
# usage: tests/clients/run.sh BINARY        (from any directory)
# Ends with "N passed, N failed, N skipped"; exits 1 when anything failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -eq 1 ] || { echo "usage: tests/clients/run.sh BINARY" >&2; exit 2; }
case $1 in /*) bin=$1 ;; *) bin=$(pwd)/$1 ;; esac
pass=0
fail=0
skip=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

broken() { # name, reason
  echo "FAIL $1"
  echo "  $2"
  fail=$((fail + 1))
}

if [ ! -x "$bin" ]; then
  broken "server binary" "$bin is not an executable"
  echo "$pass passed, $fail failed, $skip skipped"
  exit 1
fi

# --- set-up: npm packages, the .vsix, neovim ---
ready=1
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  broken "set-up" "node and npm are needed (make deps installs them)"
  ready=0
elif ! make --no-print-directory -s -C "$root" tests/clients/node_modules/.package-lock.json vsix >"$work/setup.log" 2>&1; then
  broken "set-up: npm ci and make vsix" "$(tail -n 20 "$work/setup.log")"
  ready=0
fi
if ! command -v nvim >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing neovim"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim; } >"$work/apt.log" 2>&1 ||
    tail -n 20 "$work/apt.log"
fi

# --- node:test suites ---
if [ "$ready" -eq 1 ]; then
  version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$root/editors/vscode/package.json")
  (cd "$root/tests/clients" &&
    HYBRIDLS_BIN=$bin HYBRIDLS_VSIX="$root/editors/vscode/hybridls-$version.vsix" \
      node --test --test-reporter=tap vscode/ snippets/) >"$work/node.tap" 2>&1
  rc=$?
  # One line per test (subtests indented), failures with their details.
  grep -E '^ *(not )?ok [0-9]+ ' "$work/node.tap" | sed -E 's/^( *)ok [0-9]+ - /\1ok   node: /; s/^( *)not ok [0-9]+ - /\1FAIL node: /'
  if grep -q '^ *not ok ' "$work/node.tap"; then
    grep -E '^ +(error|expected|actual|stack|failureType|location):|^ +[-+] ' "$work/node.tap" | head -n 80 | sed 's/^/  /'
  fi
  p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$work/node.tap")
  f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$work/node.tap")
  s=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$work/node.tap")
  if [ -z "$p" ] || [ -z "$f" ]; then
    tail -n 40 "$work/node.tap"
    broken "node --test" "no summary (exit $rc)"
  else
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + ${s:-0}))
  fi
fi

# --- Neovim, headless ---
if command -v nvim >/dev/null 2>&1; then
  for scenario in ontype onsave missing; do
    out="$work/nvim-$scenario.log"
    (cd "$root" && HYBRIDLS_BIN=$bin HYBRIDLS_ROOT=$root timeout 300 \
      nvim --headless -u NONE -i NONE -n -c "luafile tests/clients/nvim/$scenario.lua") >"$out" 2>"$out.err" </dev/null
    rc=$?
    grep -E '^(ok   |FAIL |skip |  )' "$out"
    line=$(grep -E '^nvim [A-Za-z]+: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$out" | tail -n 1)
    if [ -z "$line" ]; then
      tail -n 20 "$out" "$out.err"
      broken "nvim $scenario" "no result line (exit $rc)"
      continue
    fi
    p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    s=$(echo "$line" | sed -E 's/.* ([0-9]+) skipped$/\1/')
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
  done
else
  broken "nvim" "neovim is not installed and could not be installed (apt-get install neovim)"
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
