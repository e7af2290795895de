#!/bin/sh
# `check --fix` removes the named temporary files a killed run left
# (`.NAME.hybridls-PID-N` of a process that no longer exists, the one
# window between naming a temporary file and renaming it), and nothing else:
# not one of a live process, not other names.
# usage: tests/cli/fixstale.sh   (HYBRIDLS names the binary)
set -u
d=build/cli-fix-stale
rm -rf "$d"; mkdir -p "$d"
cp tests/cli/cases/fix-hy306/input/config.py "$d/config.py"
dead=4194300
while kill -0 "$dead" 2>/dev/null; do dead=$((dead + 1)); done
echo partial > "$d/.config.py.hybridls-$dead-0"
echo partial > "$d/.config.py.hybridls-$$-0"
echo partial > "$d/.config.py.hybridls-a1b2c3"
echo partial > "$d/.notes.hybridls-$dead"
"$HYBRIDLS" check --fix --no-color "$d" > /dev/null 2>&1
echo "exit $?"
for f in "$dead-0" "$$-0" a1b2c3; do
  if [ -e "$d/.config.py.hybridls-$f" ]; then s=kept; else s=removed; fi
  case $f in $dead-0) what="a dead process's";; $$-0) what="a live process's";; *) what="another name's";; esac
  echo "$what temporary file: $s"
done
[ -e "$d/.notes.hybridls-$dead" ] && echo "a name without a counter: kept" || echo "a name without a counter: removed"
grep -q "run_functions_eagerly(False)" "$d/config.py" && echo "config.py fixed"
rm -rf "$d"
