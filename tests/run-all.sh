#!/bin/sh
# run-all.sh - the whole test suite (make check): cmocka unit tests, golden
# tests, then the end-to-end bench when it can run.  Ends with one line
# "N passed, N failed" over every test binary and suite.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
pass=0
fail=0
failed=""
run() {
	name=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $name"
	fi
}
vg=""
if [ "${VALGRIND:-}" = 1 ]; then
	vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
fi
for t in "$@"; do
	run "$(basename "$t")" $vg "$t"
done
if [ -n "$vg" ]; then
	run golden env VALGRIND_CMD="$vg" sh tests/run-golden.sh
else
	run golden sh tests/run-golden.sh
fi
for s in tests/check-*.sh; do
	[ -f "$s" ] || continue
	run "$(basename "$s" .sh)" sh "$s"
done
if [ -f tests/e2e/run.sh ] && [ -z "$vg" ]; then
	run e2e sh tests/e2e/run.sh
fi
echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
