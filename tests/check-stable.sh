#!/bin/sh
# check-stable.sh - compiled output is diff-stable: on a cluster of 1,000
# policies and pods (bench/fw/gen.c), leaving one policy out or editing one
# of its ports changes only a few lines of every target's output (names of
# programs, chains, sets, podsets, groups and BPF program ids derive from
# content, never from a running counter), and the same input compiles to
# the same bytes twice.  Renumbering anything would change thousands.
#
# Each target's changed lines (diff's < and > lines) must stay within
# LIMIT; the figures are printed, so a change that makes them grow shows.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${NETPOLC:-$top/netpolc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
N=1000
K=437   # the policy dropped or edited: one of the ordinary ones
LIMIT=100   # about one policy's own text in the most verbose target (json)
pass=0
fail=0
${CC:-cc} -std=c11 -Wall -Wextra -Werror -O2 -o "$tmp/gen" "$top/bench/fw/gen.c" || exit 1
# one file name for every variant: paths must not matter either
for v in base drop edit; do
	mkdir -p "$tmp/$v"
	case $v in
	base) "$tmp/gen" $N >"$tmp/$v/cluster.json" ;;
	drop) "$tmp/gen" $N drop $K >"$tmp/$v/cluster.json" ;;
	edit) "$tmp/gen" $N edit $K >"$tmp/$v/cluster.json" ;;
	esac
done

# out TARGET VARIANT: the file to compare (bpf: the seed's maps.json)
out() {
	case $1 in
	bpf) echo "$tmp/$2/out.bpf/maps.json" ;;
	*) echo "$tmp/$2/out.$1" ;;
	esac
}

changed() { diff "$1" "$2" | grep -c '^[<>]'; }

for t in nftables iptables bpf json calico k8s dsl; do
	ok=1
	for v in base drop edit; do
		if ! (cd "$tmp/$v" && "$bin" compile -q -t "$t" cluster.json -o "out.$t" 2>"$tmp/err"); then
			echo "FAIL check-stable: -t $t on the $v cluster:"
			sed 's/^/    /' "$tmp/err" | head -5
			ok=0
		fi
	done
	if [ $ok = 1 ]; then
		(cd "$tmp/base" && "$bin" compile -q -t "$t" cluster.json -o "again.$t")
		again=$tmp/base/again.$t
		[ "$t" = bpf ] && again=$again/maps.json
		if ! cmp -s "$(out "$t" base)" "$again"; then
			echo "FAIL check-stable: -t $t: the same input gave different output"
			ok=0
		fi
		lines=$(wc -l <"$(out "$t" base)")
		d=$(changed "$(out "$t" base)" "$(out "$t" drop)")
		e=$(changed "$(out "$t" base)" "$(out "$t" edit)")
		echo "check-stable: -t $t: $lines lines; one policy dropped: $d changed, one port edited: $e changed"
		if [ "$d" -gt $LIMIT ] || [ "$e" -gt $LIMIT ] || [ "$d" = 0 ] || [ "$e" = 0 ]; then
			echo "FAIL check-stable: -t $t: a one-policy change must change between 1 and $LIMIT lines"
			ok=0
		fi
	fi
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "check-stable: $pass passed, $fail failed"
[ $fail = 0 ]
