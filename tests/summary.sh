#!/bin/sh
# Adds up the results of the variants run by `make test`.
pass=0; fail=0
for d in "$@"; do
  read -r p f < "$d/suite.result" || { echo "missing $d/suite.result"; exit 1; }
  pass=$((pass + p)); fail=$((fail + f))
done
echo "all variants: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
