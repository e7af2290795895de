#!/bin/sh
# The command-line suite: runs every case of tests/cli/cases against a built
# hybridls and compares exactly.
#
#   tests/cli/run.sh HYBRIDLS_BINARY
#   tests/cli/run.sh --update HYBRIDLS_BINARY [CASE...]
#
# --update rewrites expected, status and stderr (the latter when the case has
# one or the command wrote to stderr) of the named cases, or of all cases,
# from the binary's output; review the result with `git diff` before keeping
# it.
#
# A case is a directory tests/cli/cases/<name>/ holding
#   cmd       the arguments, one line, shell-quoted, relative to the repo root
#             (the working directory of every case); a line starting with '!'
#             is instead a whole shell command line, with the binary in
#             $HYBRIDLS (for cases that need set-up, such as check --fix on
#             a copy: tests/cli/fixcase.sh)
#   expected  the exact stdout
#   status    the exact exit status
#   stderr    the exact stderr (optional; not compared when absent)
# Every case whose output is a SARIF report (its cmd has "--format sarif" and
# its status is 0 or 1) is also checked for the required SARIF 2.1.0 structure by tests/cli/sarif_check.js.
#
# The directory-walk cases need files git cannot hold (.git/, node_modules/,
# __pycache__/, symlinks made here), so the tree build/cli-walk is rebuilt
# from tests/cli/data/walk on every run.
#
# Prints "ok   name" or "FAIL name" with a diff, then "N passed, N failed";
# exits 1 when anything failed.
set -u

update=0
if [ "${1:-}" = "--update" ]; then
  update=1
  shift
fi
if [ $# -lt 1 ] || { [ $# -gt 1 ] && [ "$update" -eq 0 ]; }; then
  echo "usage: tests/cli/run.sh [--update] HYBRIDLS_BINARY [CASE...]" >&2
  exit 2
fi
bin=$1
shift
case "$bin" in /*) ;; *) bin="$(pwd)/$bin" ;; esac
if [ ! -x "$bin" ]; then
  echo "tests/cli/run.sh: $bin is not an executable" >&2
  exit 2
fi
cases=tests/cli/cases
HYBRIDLS=$bin
export HYBRIDLS

run_cmd() { # the cmd line
  case "$1" in
  '!'*) eval "${1#!}" ;;
  *) eval "\"\$bin\" $1" ;;
  esac
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# --- the walk tree ----------------------------------------------------------
walk=build/cli-walk
rm -rf "$walk"
mkdir -p build
cp -R tests/cli/data/walk "$walk"
hidden_src='import tensorflow as tf


@tf.function
def step(x):
    print("hidden", x)
    return x
'
for d in .git node_modules/lib __pycache__ env/lib/python3.11 .venv/lib venv .tox .mypy_cache \
         site-packages pkg/__pycache__; do
  mkdir -p "$walk/$d"
  printf '%s' "$hidden_src" > "$walk/$d/hidden.py"
done
: > "$walk/env/pyvenv.cfg"
mkdir -p "$tmp/outside"
printf '%s' "$hidden_src" > "$tmp/outside/outside.py"
ln -s "$tmp/outside" "$walk/linked_dir"
ln -s "$tmp/outside/outside.py" "$walk/linked_outside.py"
ln -s pkg/module.py "$walk/linked_inside.py"

# --- the cases ----------------------------------------------------------------
pass=0
fail=0

report() { # name, ok (0/1), detail file
  if [ "$2" -eq 0 ]; then
    echo "ok   $1"
    pass=$((pass + 1))
  else
    echo "FAIL $1"
    sed 's/^/  /' "$3"
    fail=$((fail + 1))
  fi
}

have_node=1
command -v node >/dev/null 2>&1 || have_node=0

for dir in "$cases"/*/; do
  dir=${dir%/}
  [ -d "$dir" ] || continue
  name=$(basename "$dir")
  if [ "$update" -eq 1 ] && [ $# -gt 0 ]; then
    wanted=0
    for c in "$@"; do [ "$c" = "$name" ] && wanted=1; done
    [ "$wanted" -eq 1 ] || continue
  fi
  if [ "$update" -eq 1 ] && [ -f "$dir/cmd" ]; then
    cmd=$(cat "$dir/cmd")
    run_cmd "$cmd" > "$dir/expected" 2> "$tmp/err"
    echo $? > "$dir/status"
    if [ -f "$dir/stderr" ] || [ -s "$tmp/err" ]; then cp "$tmp/err" "$dir/stderr"; fi
  fi
  if [ ! -f "$dir/cmd" ] || [ ! -f "$dir/expected" ] || [ ! -f "$dir/status" ]; then
    echo "incomplete case (needs cmd, expected, status)" > "$tmp/detail"
    report "$name" 1 "$tmp/detail"
    continue
  fi
  cmd=$(cat "$dir/cmd")
  run_cmd "$cmd" > "$tmp/out" 2> "$tmp/err"
  rc=$?
  : > "$tmp/detail"
  bad=0
  if ! diff -u "$dir/expected" "$tmp/out" > "$tmp/diff" 2>&1; then
    { echo "stdout differs:"; cat "$tmp/diff"; } >> "$tmp/detail"
    bad=1
  fi
  want=$(cat "$dir/status")
  if [ "$rc" != "$want" ]; then
    echo "exit status $rc, expected $want" >> "$tmp/detail"
    bad=1
  fi
  if [ -f "$dir/stderr" ] && ! diff -u "$dir/stderr" "$tmp/err" > "$tmp/diff" 2>&1; then
    { echo "stderr differs:"; cat "$tmp/diff"; } >> "$tmp/detail"
    bad=1
  fi
  report "$name" "$bad" "$tmp/detail"

  # A run that printed a report (status 0 or 1) in SARIF is validated too.
  case "$want:$cmd" in
  [01]:*"--format sarif"* | [01]:*"--format=sarif"*)
    if [ "$have_node" -eq 0 ]; then
      echo "node is not installed" > "$tmp/detail"
      report "$name [sarif structure]" 1 "$tmp/detail"
    else
      node tests/cli/sarif_check.js "$tmp/out" > "$tmp/detail" 2>&1
      report "$name [sarif structure]" $? "$tmp/detail"
    fi
    ;;
  esac
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
