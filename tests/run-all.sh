#!/bin/sh
# run-all.sh - the whole test suite (make check): cmocka unit tests, golden
# tests, the check scripts, then the end-to-end bench.  Ends with one line
# "N passed, N failed" over every test binary and suite, after a line with
# the seconds each one took.
#
# The bench, the nft checks and check-hostfw.sh (the host-firewall options on
# real packets) need root (network namespaces, nft).  Without
# root the run fails, saying so and how to run it, unless NO_E2E=1 (make
# check NO_E2E=1) opts out explicitly; the summary line then says what was
# left out.  Under valgrind (VALGRIND=1) the bench is not run.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
pass=0
fail=0
failed=""
times=""
run() {
	name=$1
	shift
	t0=$(date +%s)
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $name"
	fi
	times="$times $name=$(($(date +%s) - t0))s"
}
no_root_msg="the end-to-end bench, the nft checks and check-hostfw need root (network namespaces, nft): run
    sudo make check
or leave them out explicitly with
    make check NO_E2E=1"
optout=""
if [ "${NO_E2E:-}" = 1 ]; then
	optout=" (e2e not run: NO_E2E=1)"
elif [ "$(id -u)" != 0 ] && [ "${VALGRIND:-}" != 1 ]; then
	echo "FAIL: $no_root_msg"
	echo
	run root false
fi
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
if [ -f tests/e2e/run.sh ] && [ -z "$vg" ] && [ -z "$optout" ]; then
	run e2e sh tests/e2e/run.sh
fi
if [ -f tests/e2e/update.sh ] && [ -z "$vg" ]; then
	run e2e-update sh tests/e2e/update.sh
fi
echo
echo "time:$times"
[ -n "$failed" ] && echo "failed:$failed"
case "$failed" in
*" root"*) printf 'FAIL: %s\n' "$no_root_msg" ;;
esac
echo "$pass passed, $fail failed$optout"
[ $fail = 0 ]
