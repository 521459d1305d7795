#!/bin/sh
# run.sh - the BPF backend benchmark: map entries against the flat
# programs' own size, compile time, and the time of `netpolc bpf attach`
# (first load) and of a policy update (a second attach: the other
# generation filled, one word switched), for policy sets of SIZES.
#
#   sh bench/bpf/run.sh [SIZES]          SIZES default "10 100 1000 10000"
#
# The policy sets are bench/fw/gen.c's (N policies, N pods, the bench's
# own pods selected by about N/100 of them).  The datapath is attached on
# 6 veths of a router namespace, as node mode would.  The new-connection
# rate is measured by bench/fw (not here).  Prints a table and writes it,
# with the machine and the date, into bench/bpf/RESULTS.md (the table
# only: the analysis there is kept).  Needs root and ip netns.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
SIZES=${1:-"10 100 1000 10000"}
[ "$(id -u)" = 0 ] || { echo "bench/bpf: needs root"; exit 1; }
[ -x ./netpolc ] && [ -f ./netpolc.bpf.o ] || make -s || exit 1
R="npbb$$"
tmp=$(mktemp -d)
cleanup() {
	ip netns del "$R" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$tmp/gen" bench/fw/gen.c || exit 1
ip netns add "$R" || exit 1
devs=""
for i in 0 1 2 3 4 5; do
	ip link add "v$i" netns "$R" type veth peer name "p$i" netns "$R" || exit 1
	ip -n "$R" link set "v$i" up
	devs="$devs --dev v$i"
done
ms() { echo $((($2 - $1) / 1000000)); }
now() { date +%s%N; }
table="$tmp/table"
{
	echo "| policies | programs | npc_ep | npc_cls4 | npc_verdict | flat address prefixes | flat port prefixes | compile ms | attach ms | update ms |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$table"
for n in $SIZES; do
	"$tmp/gen" "$n" >"$tmp/c$n.json"
	mkdir -p "$tmp/s$n"
	t0=$(now)
	./netpolc compile -q --stats -t bpf -o "$tmp/s$n" "$tmp/c$n.json" 2>"$tmp/stats" ||
		{ cat "$tmp/stats"; exit 1; }
	t1=$(now)
	line=$(grep "netpolc: bpf:" "$tmp/stats")
	# shellcheck disable=SC2086
	ip netns exec "$R" ./netpolc bpf attach "$tmp/s$n" $devs || exit 1
	t2=$(now)
	# shellcheck disable=SC2086
	ip netns exec "$R" ./netpolc bpf attach "$tmp/s$n" $devs || exit 1
	t3=$(now)
	# shellcheck disable=SC2086
	ip netns exec "$R" ./netpolc bpf detach $devs
	echo "$line" | sed -E 's/.*: ([0-9]+) programs, npc_ep ([0-9]+), npc_cls4 ([0-9]+), npc_cls6 [0-9]+, npc_verdict ([0-9]+) entries; the flat programs: ([0-9]+) address prefixes, ([0-9]+) port prefixes/| '"$n"' | \1 | \2 | \3 | \4 | \5 | \6 |/' |
		tr -d '\n' >>"$table"
	echo " $(ms "$t0" "$t1") | $(ms "$t1" "$t2") | $(ms "$t2" "$t3") |" >>"$table"
done
cat "$table"
{
	sed '/^<!-- table -->$/q' bench/bpf/RESULTS.md 2>/dev/null || echo "<!-- table -->"
	echo
	echo "$(date -u +%Y-%m-%d), $(uname -r), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
	echo
	cat "$table"
} >"$tmp/results"
cp "$tmp/results" bench/bpf/RESULTS.md
