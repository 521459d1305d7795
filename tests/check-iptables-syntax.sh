#!/bin/sh
# check-iptables-syntax.sh - iptables itself must accept what netpolc writes.
#
# For every tests/golden/iptables/<case>/ that compiles without error, and
# for a few random e2e scenarios (tests/e2e/gen.c), the current binary
# compiles the inputs again (for iptables and ip6tables, node mode, and for
# the golden cases with the case's own arguments) and both implementations
# Debian ships (iptables-nft-restore, iptables-legacy-restore) check the
# result with --test, inside a network namespace made for the purpose, so
# the host's tables are never read or touched.  Then the --coexist form is
# applied with --noflush twice over a table holding somebody else's rules:
# those must be exactly as before, and the second application must leave
# the same ruleset as the first (no duplicated jumps).  Prints a loud
# SKIPPED line and exits 0 when it cannot run.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
NETPOLC=${NETPOLC:-$top/netpolc}
SEEDS=${SYNTAX_SEEDS:-5}
skip() {
	echo "SKIPPED: check-iptables-syntax: $*"
	exit 0
}
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v ip >/dev/null 2>&1 || skip "ip not installed (apt-get install iproute2)"
for v in nft legacy; do
	command -v "iptables-$v-restore" >/dev/null 2>&1 ||
		skip "iptables-$v-restore not installed (apt-get install iptables)"
done
[ -x "$NETPOLC" ] || skip "$NETPOLC is not built (make)"
ns="npc-ipt-$$"
tmp=$(mktemp -d)
ip netns add "$ns" 2>/dev/null || { rm -rf "$tmp"; skip "ip netns add failed (no network namespaces here)"; }
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP PIPE
in_ns() { ip netns exec "$ns" "$@"; }
pass=0
fail=0

# check NAME FILE6 FILE4: both implementations accept both files
check() {
	for v in nft legacy; do
		for f in 4 6; do
			file=$2
			[ $f = 6 ] && file=$3
			tool=iptables-$v-restore
			[ $f = 6 ] && tool=ip6tables-$v-restore
			if out=$(in_ns "$tool" --test "$file" 2>&1); then
				pass=$((pass + 1))
			else
				fail=$((fail + 1))
				echo "FAIL $tool --test: $1"
				printf '%s\n' "$out" | sed 's/^/    /' | head -10
			fi
		done
	done
}

# 1. the golden cases, compiled again with their own arguments, both families
for args in $(find "$top/tests/golden/iptables" -name args | LC_ALL=C sort); do
	dir=$(dirname "$args")
	name=${dir#"$top/tests/golden/"}
	[ "$(cat "$dir/expected.status")" = 0 ] || continue
	# the --ipset form (its sets on stderr there) is checked with its sets in 4.
	# shellcheck disable=SC2046
	if ! (cd "$dir" && eval "set -- $(sed 's| --ipset /dev/stderr||' args)" && shift 2 && shift &&
		"$NETPOLC" compile -q -t iptables "$@" >"$tmp/v4" &&
		"$NETPOLC" compile -q -t ip6tables "$@" >"$tmp/v6"); then
		fail=$((fail + 1))
		echo "FAIL compile: $name"
		continue
	fi
	check "$name" "$tmp/v4" "$tmp/v6"
done

# 2. random scenarios, node mode
CC=${CC:-cc}
$CC -std=c11 -D_GNU_SOURCE -O2 -o "$tmp/gen" "$top/tests/e2e/gen.c" || { echo "FAIL building gen"; exit 1; }
s=1
while [ $s -le "$SEEDS" ]; do
	"$tmp/gen" $s >"$tmp/s.yaml" || { echo "FAIL gen $s"; fail=$((fail + 1)); }
	if "$NETPOLC" compile -q -t iptables "$tmp/s.yaml" >"$tmp/v4" 2>/dev/null &&
		"$NETPOLC" compile -q -t ip6tables "$tmp/s.yaml" >"$tmp/v6" 2>/dev/null; then
		check "random seed $s" "$tmp/v4" "$tmp/v6"
	fi
	s=$((s + 1))
done

# save VARIANT: the filter table's chains and rules, without counters
save() { in_ns "iptables-$1-save" -t filter 2>/dev/null | grep '^[-:]' | sed 's/ \[[0-9:]*\]$//'; }

# 3. --coexist with --noflush: foreign rules untouched, re-applying changes nothing
foreign() {
	in_ns "iptables-$1" -F && in_ns "iptables-$1" -X
	in_ns "iptables-$1" -N OTHER &&
		in_ns "iptables-$1" -A OTHER -p tcp --dport 22 -j ACCEPT &&
		in_ns "iptables-$1" -A FORWARD -j OTHER &&
		in_ns "iptables-$1" -A INPUT -p tcp --dport 9 -j DROP &&
		in_ns "iptables-$1" -P FORWARD DROP
}
"$NETPOLC" compile -q -t iptables --coexist "$top/examples/tutorial" >"$tmp/co" || {
	echo "FAIL compile --coexist"
	exit 1
}
jump=$(sed -n 's/^#   \(iptables -C .*\)$/\1/p' "$tmp/co")
for v in nft legacy; do
	foreign $v || { echo "FAIL setting up foreign rules ($v)"; fail=$((fail + 1)); continue; }
	save $v | grep -v NETPOLC >"$tmp/before"
	ok=1
	for round in 1 2; do
		in_ns "iptables-$v-restore" --noflush "$tmp/co" || ok=0
		in_ns sh -c "$(echo "$jump" | sed "s/iptables /iptables-$v /g")" || ok=0
		save $v >"$tmp/after$round"
	done
	grep -v NETPOLC "$tmp/after2" >"$tmp/others"
	if [ $ok = 0 ]; then
		echo "FAIL --coexist ($v): applying failed"
	elif ! cmp -s "$tmp/before" "$tmp/others"; then
		ok=0
		echo "FAIL --coexist ($v): foreign rules changed"
		diff -u "$tmp/before" "$tmp/others" | sed 's/^/    /' | head -20
	elif ! cmp -s "$tmp/after1" "$tmp/after2"; then
		ok=0
		echo "FAIL --coexist ($v): applying twice differs from once"
		diff -u "$tmp/after1" "$tmp/after2" | sed 's/^/    /' | head -20
	elif [ "$(grep -c -- '-A FORWARD -j NETPOLC-FORWARD' "$tmp/after2")" != 1 ]; then
		ok=0
		echo "FAIL --coexist ($v): not exactly one jump from FORWARD"
	fi
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	in_ns "iptables-$v" -P FORWARD ACCEPT
	in_ns "iptables-$v" -F
	in_ns "iptables-$v" -X
done
# the self-contained file: applying twice gives the same ruleset
"$NETPOLC" compile -q -t iptables "$top/examples/tutorial" >"$tmp/sc"
for v in nft legacy; do
	in_ns "iptables-$v-restore" "$tmp/sc" && save $v >"$tmp/a1" &&
		in_ns "iptables-$v-restore" "$tmp/sc" && save $v >"$tmp/a2"
	if [ -s "$tmp/a1" ] && cmp -s "$tmp/a1" "$tmp/a2"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL self-contained ($v): applying twice differs from once"
	fi
	in_ns "iptables-$v" -F
	in_ns "iptables-$v" -X
done

# 4. --ipset: the sets first, then the rules, with both implementations.
# Re-applying refills every set aside and swaps it in: a probe looking up
# a member all along never misses, the members are the same after, and no
# spare set is left.
if command -v ipset >/dev/null 2>&1; then
	g=$top/tests/golden/iptables/I-10-ipset
	"$NETPOLC" compile -q -t iptables --endpoint edge/gw --ipset "$tmp/s4" -o "$tmp/r4" \
		"$g/input.yaml"
	set=$(sed -n 's/^create \([^ ]*\) hash:net .* -exist$/\1/p' "$tmp/s4" | grep -v -- '-N$' | head -1)
	members() { in_ns ipset list | grep -c '^[0-9]'; }
	for v in nft legacy; do
		ok=1
		in_ns ipset restore <"$tmp/s4" && in_ns "iptables-$v-restore" "$tmp/r4" || ok=0
		m1=$(members)
		rm -f "$tmp/stop"
		in_ns sh -c "until [ -e $tmp/stop ]; do ipset test $set 10.116.0.1 2>/dev/null ||
			echo miss; done" >"$tmp/probe" 2>&1 &
		for i in 1 2 3 4 5 6 7 8 9 10; do
			in_ns ipset restore <"$tmp/s4" && in_ns "iptables-$v-restore" "$tmp/r4" || ok=0
		done
		touch "$tmp/stop"
		wait
		m2=$(members)
		spare=$(in_ns ipset list -n | grep -c -- '-N$')
		if [ $ok = 1 ] && [ "$m1" = 18 ] && [ "$m2" = 18 ] && [ "$spare" = 0 ] &&
			[ ! -s "$tmp/probe" ]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL --ipset ($v): applied $ok, members $m1 then $m2, spares $spare," \
				"misses $(wc -l <"$tmp/probe")"
		fi
		in_ns "iptables-$v" -F
		in_ns "iptables-$v" -X
		in_ns ipset destroy
	done
else
	echo "SKIPPED: --ipset checks: ipset not installed (apt-get install ipset)"
fi
echo "check-iptables-syntax: $pass passed, $fail failed"
[ $fail = 0 ]
