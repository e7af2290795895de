#!/bin/sh
# The `check --fix` case for symbolic links (cmd: !sh tests/cli/fixlinks.sh).
# In a temporary directory:
#   src/own.py          a real file with a safe fix
#   src/alias.py        a link to own.py, inside the given directory
#   outside.py          a file outside the given paths
#   src/link.py         a link to ../outside.py, given explicitly
# `check --fix src src/link.py` must fix own.py once (through the first path
# that reaches it, keeping alias.py a link), refuse link.py (exit 2), and
# leave outside.py untouched.
set -u
bin=${HYBRIDLS:?HYBRIDLS must name the hybridls binary}
fixture=$(pwd)/tests/cli/cases/fix-multi/input/multi.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/src"
cp "$fixture" "$work/src/own.py"
cp "$fixture" "$work/outside.py"
ln -s own.py "$work/src/alias.py"
ln -s ../outside.py "$work/src/link.py"
cd "$work" || exit 2
"$bin" check --no-color --fix src src/link.py > out.txt 2> err.txt
status=$?
sed 's/^/stderr: /' err.txt
echo "exit $status"
for f in src/alias.py src/link.py; do
  if [ -L "$f" ]; then echo "$f is still a link"; else echo "$f is no longer a link"; fi
done
if cmp -s outside.py "$fixture"; then echo "outside.py untouched"; else echo "outside.py CHANGED"; fi
if cmp -s src/own.py "$fixture"; then echo "src/own.py NOT fixed"; else echo "src/own.py fixed"; fi
ls -a src | tr '\n' ' '
echo
exit "$status"
