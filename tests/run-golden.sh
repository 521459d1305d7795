#!/bin/sh
# run-golden.sh - run every golden case under tests/golden/.
#
# A case is a directory holding `args` (one line: the arguments after
# `netpolc`, paths relative to the case directory), its input files and
# the expectations expected.stdout, expected.stderr, expected.status.
# The command runs inside the case directory.  `args` may name "$OUT", an
# output directory that does not exist yet (compile -t bpf -o "$OUT"): the
# files the command writes there are appended to its stdout, each after a
# line "== NAME ==", in name order; a file it writes at "$OUT" itself
# (compile -t k8s --inventory "$OUT") after a line "== $OUT ==".  With -g the expectations
# are (re)written from the current output: review the diff before
# committing.  Prints one line per failure with a unified diff, then
# "golden: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${NETPOLC:-$top/netpolc}
update=0
[ "${1:-}" = "-g" ] && { update=1; shift; }
filter=${1:-}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
for args in $(find "$top/tests/golden" -name args | LC_ALL=C sort); do
	dir=$(dirname "$args")
	name=${dir#"$top/tests/golden/"}
	case "$name" in *"$filter"*) ;; *) continue ;; esac
	rm -rf "$tmp/out"
	# shellcheck disable=SC2046
	(cd "$dir" && OUT="$tmp/out" && eval "set -- $(cat args)" && ${VALGRIND_CMD:-} "$bin" "$@" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null)
	echo $? >"$tmp/status"
	if [ -f "$tmp/out" ]; then
		printf '== $OUT ==\n' >>"$tmp/stdout"
		cat "$tmp/out" >>"$tmp/stdout"
	elif [ -d "$tmp/out" ]; then
		for f in $(cd "$tmp/out" && ls | LC_ALL=C sort); do
			printf '== %s ==\n' "$f" >>"$tmp/stdout"
			cat "$tmp/out/$f" >>"$tmp/stdout"
		done
	fi
	if [ $update = 1 ]; then
		cp "$tmp/stdout" "$dir/expected.stdout"
		cp "$tmp/stderr" "$dir/expected.stderr"
		cp "$tmp/status" "$dir/expected.status"
		pass=$((pass + 1))
		continue
	fi
	ok=1
	for f in stdout stderr status; do
		if ! cmp -s "$dir/expected.$f" "$tmp/$f"; then
			[ $ok = 1 ] && echo "FAIL golden/$name"
			ok=0
			diff -u "$dir/expected.$f" "$tmp/$f" | sed 's/^/    /' | head -40
		fi
	done
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "golden: $pass passed, $fail failed"
[ $fail = 0 ]
