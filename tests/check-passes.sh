#!/bin/sh
# check-passes.sh - the IR passes keep the meaning: every firewall output of
# the golden tests (nftables, iptables, ip6tables; node and host mode) is
# byte-identical whether the passes ran (merge, group) or not (--stop-after
# resolve, merge), because the flat programs are built from the meaning of
# the rules and shared by content.  A pass that changed a verdict, or a flat
# lowering that depended on what the passes did, fails here.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${NETPOLC:-$top/netpolc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
for a in "$top"/tests/golden/*/*/args; do
	d=$(dirname "$a")
	# shellcheck disable=SC2046
	set -- $(cat "$a")
	[ "${1:-}" = compile ] || continue
	case " $* " in
	*" -t nftables "* | *" -t iptables "* | *" -t ip6tables "*) ;;
	*) continue ;;
	esac
	(cd "$d" && "$bin" "$@" >"$tmp/all" 2>/dev/null)
	st=$?
	[ $st = 0 ] || continue
	for stop in resolve merge; do
		(cd "$d" && "$bin" "$@" --stop-after $stop >"$tmp/$stop" 2>/dev/null)
		if [ $? = 0 ] && cmp -s "$tmp/all" "$tmp/$stop"; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL passes/$(basename "$d"): --stop-after $stop changes the output"
			diff -u "$tmp/all" "$tmp/$stop" | sed 's/^/    /' | head -20
		fi
	done
done
echo "passes: $pass passed, $fail failed"
[ $pass -gt 20 ] || { echo "FAIL passes: only $pass outputs compared"; exit 1; }
[ $fail = 0 ]
