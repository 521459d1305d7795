#!/bin/sh
# run.sh - benchmark `netpolc cidr` against Debian's iprange on the same inputs.
#
#   sh bench/cidr/run.sh            (from anywhere; builds what it needs)
#
# Generates seeded lists (gen.c) of 10k, 100k and 1M IPv4 prefixes with
# overlap, adjacency, nesting and duplicates, plus 100k IPv6 prefixes;
# times `netpolc cidr --merge` against `iprange --optimize`, and
# `netpolc cidr --exclude` against `iprange --except` (removing a tenth as
# many other prefixes).  Each command runs REPS times (default 5; four
# times as many below 1M entries); the table shows the fastest wall time and the peak RSS (wait4 rusage, via
# measure.c).  Outputs must agree: same number of lines, and the same
# lines once iprange's bare single addresses get their /32.  Figures go to
# stdout and to bench/cidr/RESULTS.md.
#
# Environment: NETPOLC (binary, default ./netpolc, built if missing), REPS,
# OUT (work directory, default bench/out/cidr).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${OUT:-$top/bench/out/cidr}
netpolc=${NETPOLC:-$top/netpolc}
reps=${REPS:-5}
results=$here/RESULTS.md

die() {
	echo "bench/cidr: $*" >&2
	exit 1
}

if ! command -v iprange >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y iprange >/dev/null 2>&1 ||
			{ apt-get update >/dev/null && apt-get install -y iprange >/dev/null; } ||
			die "cannot install iprange"
	else
		die "iprange is not installed; as root: apt-get install -y iprange"
	fi
fi
if [ -z "${NETPOLC:-}" ]; then
	make -C "$top" -s netpolc || die "cannot build netpolc"
fi
[ -x "$netpolc" ] || die "no netpolc binary at $netpolc"

mkdir -p "$out"
cc -O2 -o "$out/gen" "$here/gen.c"
cc -O2 -o "$out/measure" "$here/measure.c"

for n in 10000 100000 1000000; do
	[ -s "$out/v4-$n.txt" ] || "$out/gen" 1 $n >"$out/v4-$n.txt"
	[ -s "$out/ex-$n.txt" ] || "$out/gen" 7 $((n / 10)) >"$out/ex-$n.txt"
done
[ -s "$out/v6-100000.txt" ] || "$out/gen" 3 100000 6 >"$out/v6-100000.txt"

# best NAME OUTFILE CMD...: run CMD $n_reps times; sets best_t (min seconds) and best_kb (max RSS).
best() {
	name=$1
	file=$2
	shift 2
	best_t=
	best_kb=0
	i=0
	while [ $i -lt "$n_reps" ]; do
		line=$("$out/measure" "$file" "$@" 2>"$out/$name.err") || die "$name: measure failed"
		t=${line%% *}
		rest=${line#* }
		kb=${rest%% *}
		status=${rest#* }
		[ "$status" = 0 ] || { cat "$out/$name.err" >&2; die "$name: exit status $status"; }
		if [ -z "$best_t" ] || awk "BEGIN { exit !($t < $best_t) }"; then
			best_t=$t
		fi
		[ "$kb" -gt "$best_kb" ] && best_kb=$kb
		i=$((i + 1))
	done
}

# same OURS THEIRS: equal line counts and equal lines (iprange prints a single address bare).
same() {
	a=$(wc -l <"$1")
	b=$(wc -l <"$2")
	[ "$a" = "$b" ] || die "output counts differ: netpolc $a, iprange $b ($1, $2)"
	sed 's#^\([0-9.]*\)$#\1/32#' "$2" | cmp -s "$1" - || die "outputs differ: $1 $2"
	count=$a
}

rows=
row() {
	rows="$rows$1
"
}

hdr=$(printf '%-8s %8s %8s %11s %11s %7s %12s %12s' workload input output netpolc_s iprange_s ratio netpolc_rss iprange_rss)
echo "$hdr"
for n in 10000 100000 1000000; do
	n_reps=$reps
	[ $n -lt 1000000 ] && n_reps=$((reps * 4)) # short runs: more samples against noise
	in=$out/v4-$n.txt
	ex=$out/ex-$n.txt
	best merge-np "$out/np-merge-$n.out" "$netpolc" cidr --merge "$in"
	np_t=$best_t np_kb=$best_kb
	best merge-ip "$out/ip-merge-$n.out" iprange --optimize "$in"
	same "$out/np-merge-$n.out" "$out/ip-merge-$n.out"
	r=$(printf '%-8s %8s %8s %11.4f %11.4f %7.2f %9s KiB %9s KiB' merge $n $count "$np_t" "$best_t" \
		"$(awk "BEGIN { print $np_t / $best_t }")" "$np_kb" "$best_kb")
	echo "$r"
	row "$r"

	best exclude-np "$out/np-exclude-$n.out" "$netpolc" cidr --exclude "$ex" "$in"
	np_t=$best_t np_kb=$best_kb
	best exclude-ip "$out/ip-exclude-$n.out" iprange "$in" --except "$ex"
	same "$out/np-exclude-$n.out" "$out/ip-exclude-$n.out"
	r=$(printf '%-8s %8s %8s %11.4f %11.4f %7.2f %9s KiB %9s KiB' exclude $n $count "$np_t" "$best_t" \
		"$(awk "BEGIN { print $np_t / $best_t }")" "$np_kb" "$best_kb")
	echo "$r"
	row "$r"
done
# IPv6: iprange 1.0.x reads IPv4 only, so netpolc runs alone
n_reps=$reps
best merge6-np "$out/np-merge6.out" "$netpolc" cidr --merge "$out/v6-100000.txt"
r=$(printf '%-8s %8s %8s %11.4f %11s %7s %9s KiB %12s' merge-v6 100000 "$(wc -l <"$out/np-merge6.out")" \
	"$best_t" - - "$best_kb" -)
echo "$r"
row "$r"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
	echo "# netpolc cidr vs iprange"
	echo
	echo "Written by \`bench/cidr/run.sh\`; do not edit by hand."
	echo
	echo "- machine: $(nproc) CPUs, ${cpu:-unknown CPU}; $(uname -sr)"
	echo "- $(iprange --version 2>&1 | head -1); netpolc $(cd "$top" && git rev-parse --short HEAD 2>/dev/null || echo '(no commit)')"
	echo "- inputs: bench/cidr/gen.c (seeded); exclude lists are a tenth of the input size"
	echo "- times: fastest of $reps runs ($((reps * 4)) below 1M entries), wall clock; RSS: peak resident set size"
	echo "- ratio: netpolc time / iprange time (below 1.0: netpolc is faster)"
	echo
	echo '```'
	echo "$hdr"
	printf '%s' "$rows"
	echo '```'
} >"$results"
echo "bench/cidr: all outputs agree; figures written to ${results#"$top"/}"
