#!/bin/sh
# Deep nesting through `hybridls check` (issue 7: "no recursion that such
# input can exhaust"): each file nests one construct 10,000 deep before a
# tf.function with a print, and check must finish normally (exit 1) and
# report that HY201 on the right line. Expressions (parentheses, lists,
# dicts, calls, subscripts, lambdas, conditional expressions, unary
# operators, `not`, `await`, powers; 50,000-long binary, comparison and
# attribute chains) are ~100 KB each; nested blocks (def, if; one space of
# indentation per level) are ~50 MB each, as 10,000 levels of indentation
# must be. The server side is tests/lsp/hostile_deep_nesting.rpc and
# `reldriver huge`.
# usage: tests/reliability/deep.sh BINARY WORKDIR   Ends with "N passed, N failed".
set -u
bin=$1; dir=$2/deep
rm -rf "$dir"; mkdir -p "$dir"
pass=0; fail=0
gen_expr() { # name, prefix, unit, count, middle, closing unit
  awk -v pre="$2" -v u="$3" -v n="$4" -v mid="$5" -v c="$6" 'BEGIN {
    printf "import tensorflow as tf\nx = %s", pre
    for (i = 0; i < n; i++) printf "%s", u
    printf "%s", mid
    for (i = 0; i < n; i++) printf "%s", c
    printf "\n@tf.function\ndef f(x):\n    print(x)\n" }' > "$dir/$1.py"
}
gen_block() { # name, header
  awk -v h="$2" 'BEGIN {
    print "import tensorflow as tf"
    for (i = 0; i < 10000; i++) { printf "%*s%s\n", i, "", h }
    printf "%*spass\n", 10000, ""
    printf "@tf.function\ndef f(x):\n    print(x)\n" }' > "$dir/$1.py"
}
gen_expr parens "" "(" 10000 "1" ")"
gen_expr lists "" "[" 10000 "" "]"
gen_expr dicts "" "{1: " 10000 "1" "}"
gen_expr calls "" "g(" 10000 "" ")"
gen_expr subscripts "" "a[" 10000 "0" "]"
gen_expr lambdas "" "lambda: " 10000 "1" ""
gen_expr conditionals "" "1 if x else " 10000 "1" ""
gen_expr unary "" "-" 10000 "1" ""
gen_expr nots "" "not " 10000 "x" ""
gen_expr awaits "" "await " 10000 "x" ""
gen_expr powers "" "2 ** " 10000 "2" ""
gen_expr binary "" "a + " 50000 "1" ""
gen_expr comparisons "" "a < " 50000 "b" ""
gen_expr attributes "a" ".b" 50000 "" ""
gen_block defs "def f(x):"
gen_block ifs "if x:"
for f in "$dir"/*.py; do
  name=$(basename "$f" .py)
  line=$(wc -l < "$f")
  start=$(date +%s%N)
  "$bin" check --format json "$f" > "$dir/$name.json" 2> "$dir/$name.err"
  rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ "$rc" -ne 1 ]; then
    fail=$((fail + 1)); echo "FAIL $name: exit $rc"; tail -n 3 "$dir/$name.err" | sed 's/^/  /'
  elif ! grep -q "\"rule\": *\"HY201\"" "$dir/$name.json" || ! grep -q "\"line\": *$line" "$dir/$name.json"; then
    fail=$((fail + 1)); echo "FAIL $name: HY201 on line $line not reported"
  else
    pass=$((pass + 1)); echo "ok   $name ($(wc -c < "$f") bytes, $ms ms)"
  fi
done
rm -rf "$dir"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
