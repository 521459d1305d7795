#!/bin/sh
# check-oom.sh - fail the Nth allocation, for N = 1, 2, ... until a run
# succeeds: every failing run must exit 1 with "netpolc: out of memory",
# never crash, and never create the output file.  check writes the output
# with -o; check_stdout runs a command that writes to standard output only.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${NETPOLC:-$top/netpolc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
runs=0
check() {
	run_oom "$@" -o "$tmp/out"
}
check_stdout() {
	run_oom "$@"
}
run_oom() {
	n=1
	while :; do
		rm -rf "$tmp/out" # a directory after an OUT_DIR backend
		NETPOLC_FAIL_ALLOC=$n "$bin" "$@" >/dev/null 2>"$tmp/err"
		rc=$?
		runs=$((runs + 1))
		if [ $rc = 0 ] && ! grep -q "out of memory" "$tmp/err"; then
			break
		fi
		if [ $rc != 1 ] || ! grep -q "^netpolc: out of memory$" "$tmp/err" || [ -e "$tmp/out" ]; then
			echo "FAIL oom: netpolc $* with allocation $n failing: status $rc"
			sed 's/^/    /' "$tmp/err" | head -5
			[ -e "$tmp/out" ] && echo "    and the output file was written"
			fail=1
			break
		fi
		n=$((n + 1))
		[ $n -gt 20000 ] && { echo "FAIL oom: no success after 20000 runs"; fail=1; break; }
	done
}
check compile -q -t json "$top/examples/tutorial"
check compile -q -t calico "$top/examples/policies"
for t in $("$bin" compile -t help | awk '/^[^ ]/ {print $1}'); do
	[ "$t" = json ] || [ "$t" = calico ] || check compile -q -t "$t" "$top/examples/tutorial"
done
check_stdout test "$top/examples/tests/cluster-admin.yaml" "$top/examples/cluster-admin"
check_stdout query --from shop/frontend --to shop/backend --port http "$top/examples/cluster-admin"
echo "oom: $runs runs"
[ $fail = 0 ] && echo "oom: 1 passed, 0 failed" || echo "oom: 0 passed, 1 failed"
exit $fail
