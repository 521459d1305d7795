#!/bin/sh
# check-demo.sh - `make demo` (examples/demo.sh) runs to the end with the
# binary under test and writes a non-empty output for every target that
# `compile -t help` lists: the README's first command stays true.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
NETPOLC=${NETPOLC:-$top/netpolc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
pass=0
if NETPOLC=$NETPOLC DEMO_OUT=$tmp/out sh "$top/examples/demo.sh" >"$tmp/log" 2>&1; then
	pass=$((pass + 1))
else
	echo "FAIL demo: examples/demo.sh exited non-zero"
	tail -20 "$tmp/log" | sed 's/^/    /'
	fail=$((fail + 1))
fi
for t in $("$NETPOLC" compile -t help | awk '/^[^ ]/ {print $1}'); do
	if grep -q "^== compiled -t $t -> " "$tmp/log" && [ -n "$(ls -A "$tmp/out" 2>/dev/null)" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL demo: no output for target $t"
		fail=$((fail + 1))
	fi
done
echo "demo: $pass passed, $fail failed"
[ $fail = 0 ]
