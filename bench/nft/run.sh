#!/bin/sh
# run.sh - the nftables benchmark: new-connection rate through a router
# enforcing compiled policy sets of 10, 1k and 10k policies, against the
# same traffic with no ruleset, in one run.
#
#   sh bench/nft/run.sh [SIZES]          SIZES default "10 1000 10000"
#
# A router namespace forwards between 4 client and 2 server namespaces
# (veth pairs, 10.1.0.0/24 and 10.1.1.0/24).  For each policy set, gen.c
# writes a cluster of N policies and N pods (plus the bench's own pods,
# selected by about N/100 of the policies and allowed to talk on TCP/8080),
# netpolc compiles it in node mode, and `nft -f` loads it on the router
# (timed).  load.c then opens as many short TCP connections as it can for
# BENCH_SECONDS (default 3) from the clients to the servers through the router.
# The configurations are measured in ROUNDS (default 3) interleaved rounds;
# the median rate of each is compared with the median of "none" (no table
# at all, so not even conntrack runs on the router).  "ct-only" is a table
# with just the stateful rules, to show what conntrack alone costs.
#
# Prints a table and writes it, with the machine and the date, into
# bench/nft/RESULTS.md.  Needs root, nft and ip netns; cleans up on exit.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
SIZES=${1:-"10 1000 10000"}
SECONDS_PER=${BENCH_SECONDS:-3}
ROUNDS=${ROUNDS:-3}
CONC=${CONC:-64}
[ "$(id -u)" = 0 ] || { echo "bench/nft: needs root"; exit 1; }
command -v nft >/dev/null || { echo "bench/nft: needs nft"; exit 1; }
[ -x ./netpolc ] || make -s || exit 1

P="npb$$"
R="${P}r"
tmp=$(mktemp -d)
server_pid=""
made=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	for ns in $made; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

CC=${CC:-cc}
FLAGS="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -O2"
$CC $FLAGS -o "$tmp/gen" bench/nft/gen.c &&
	$CC $FLAGS -o "$tmp/load" bench/nft/load.c &&
	$CC $FLAGS -o "$tmp/server" tests/e2e/server.c || exit 1

mkns() {
	ip netns add "$1" || exit 1
	made="$made $1"
	ip -n "$1" link set lo up
}
mkns "$R"
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
# connections end with an RST: let the router forget them quickly
ip netns exec "$R" sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_close=1 2>/dev/null
link() { # link NS IP N
	ip link add "v$3" netns "$R" type veth peer name eth0 netns "$1" || exit 1
	ip -n "$R" addr add 10.255.255.254/32 dev "v$3"
	ip -n "$R" link set "v$3" up
	ip -n "$R" route add "$2/32" dev "v$3"
	ip -n "$1" link set eth0 up
	ip -n "$1" addr add "$2/32" dev eth0
	ip -n "$1" route add default via 10.255.255.254 dev eth0 onlink
	ip netns exec "$1" sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
}
targets=""
for i in 1 2 3 4; do
	mkns "${P}c$i"
	link "${P}c$i" "10.1.0.$i" "c$i"
done
for i in 1 2; do
	mkns "${P}s$i"
	link "${P}s$i" "10.1.1.$i" "s$i"
done
for i in 1 2 3 4; do
	for j in 1 2; do targets="$targets ${P}c$i/10.1.1.$j/8080"; done
done
mkdir -p "$tmp/srv"
"$tmp/server" "$tmp/srv" 8080 "${P}s1" "${P}s2" &
server_pid=$!
while [ ! -f "$tmp/srv/ready" ]; do sleep 0.05; done

cat >"$tmp/ct-only.nft" <<'EOF'
table inet netpolc {}
delete table inet netpolc
table inet netpolc {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
		ct state invalid drop
	}
}
EOF
: >"$tmp/none.nft"

# compile every size once (compile time and ruleset size are reported too)
for n in $SIZES; do
	"$tmp/gen" "$n" >"$tmp/c$n.json"
	t0=$(date +%s.%N)
	./netpolc compile -q -t nftables -o "$tmp/p$n.nft" "$tmp/c$n.json" || exit 1
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{ printf "%.2f\n", $2 - $1 }' >"$tmp/compile$n"
	grep -c . "$tmp/p$n.nft" >"$tmp/lines$n"
	grep -c '^	set ' "$tmp/p$n.nft" >"$tmp/sets$n" || true
	grep -c '^	chain ' "$tmp/p$n.nft" >"$tmp/chains$n" || true
done

apply() { # apply CONFIG: print the load time in seconds
	ip netns exec "$R" nft delete table inet netpolc 2>/dev/null
	case $1 in
	none) echo 0; return ;;
	ct-only) f="$tmp/ct-only.nft" ;;
	*) f="$tmp/p$1.nft" ;;
	esac
	t0=$(date +%s.%N)
	ip netns exec "$R" nft -f "$f" || { echo "bench/nft: nft -f $f failed" >&2; exit 1; }
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }'
}

configs="ct-only $SIZES"
# cpu_ticks: CPU time so far of the server and the softirq threads (clock ticks)
ksoft=$(pgrep -x 'ksoftirqd/[0-9]*' | tr '\n' ' ')
cpu_ticks() {
	for pid in $server_pid $ksoft; do
		cat "/proc/$pid/stat" 2>/dev/null
	done | awk '{ s += $14 + $15 } END { print s + 0 }'
}
tck=$(getconf CLK_TCK)
measure() { # measure CONFIG: apply it, run the load, print "rate conn-per-cpu-second"
	lt=$(apply "$1")
	echo "$lt" >>"$tmp/load-$1"
	c0=$(cpu_ticks)
	# shellcheck disable=SC2086
	out=$("$tmp/load" $((SECONDS_PER * 1000)) "$CONC" $targets)
	c1=$(cpu_ticks)
	# per CPU second: the load generator's own time plus the server's and softirqs'
	out="$out $(echo "$out $c0 $c1 $tck" | awk '{ printf "percpu %.0f", $2 / ($10 + ($12 - $11) / $13) }')"
	echo "$out" >>"$tmp/rate-$1"
	echo "round $r $1: nft -f ${lt}s, $out" >&2
	echo "$out" | awk '{ print $8, $12 }'
}
# Other processes share the cores, so the rate drifts over a run: every
# configuration is measured right after its own "none" reference and the
# ratio of each such pair is what counts.
r=1
while [ $r -le "$ROUNDS" ]; do
	for c in $configs; do
		ref=$(measure none)
		got=$(measure "$c")
		echo "$got $ref" | awk '{ printf "%.4f\n", $1 / $3 }' >>"$tmp/ratio-$c"
		echo "$got $ref" | awk '{ printf "%.4f\n", $2 / $4 }' >>"$tmp/cratio-$c"
	done
	r=$((r + 1))
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
pct() { median | awk '{ printf "%.1f%%", 100 * $1 }'; }
range() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f-%.0f", 100 * lo, 100 * hi }'; }
base=$(awk '{ print $8 }' "$tmp/rate-none" | median | awk '{ printf "%.0f", $1 }')
cbase=$(awk '{ print $12 }' "$tmp/rate-none" | median | awk '{ printf "%.0f", $1 }')
{
	echo "# nftables backend benchmark"
	echo
	echo "Generated by \`sh bench/nft/run.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores,"
	echo "kernel $(uname -r), $(nft --version); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
	echo
	echo "New TCP connections through the router namespace ($CONC in flight, 4 clients ->"
	echo "2 servers, ${SECONDS_PER}s per measurement).  Each configuration was measured"
	echo "$ROUNDS times, each time right after the same traffic with no ruleset at all"
	echo "(\"none\": no table, so no conntrack either); the ratios are medians of those"
	echo "pairs (min-max in brackets).  \"conn/s\" is wall-clock rate; \"conn/CPU-s\""
	echo "divides by the CPU time of the bench's own processes (load generator, server,"
	echo "softirq threads), which other work on a shared machine disturbs much less."
	echo
	echo "| policies | script lines | sets | chains | compile s | nft -f s | conn/s | vs none | conn/CPU-s | vs none | vs conntrack only |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	echo "| none (no table) | - | - | - | - | - | $base | 100% | $cbase | 100% | - |"
	ct=$(median <"$tmp/cratio-ct-only")
	for c in $configs; do
		rate=$(awk '{ print $8 }' "$tmp/rate-$c" | median | awk '{ printf "%.0f", $1 }')
		crate=$(awk '{ print $12 }' "$tmp/rate-$c" | median | awk '{ printf "%.0f", $1 }')
		fails=$(cat "$tmp/rate-"* | awk '{ s += $4 } END { print s }')
		lt=$(median <"$tmp/load-$c")
		wall="$(pct <"$tmp/ratio-$c") ($(range <"$tmp/ratio-$c"))"
		cpu="$(pct <"$tmp/cratio-$c") ($(range <"$tmp/cratio-$c"))"
		vsct=$(echo "$(median <"$tmp/cratio-$c") $ct" | awk '{ printf "%.1f%%", 100 * $1 / $2 }')
		case $c in
		ct-only) echo "| conntrack rules only | 8 | 0 | 1 | - | $lt | $rate | $wall | $crate | $cpu | 100% |" ;;
		*) echo "| $c | $(cat "$tmp/lines$c") | $(cat "$tmp/sets$c") | $(cat "$tmp/chains$c") | $(cat "$tmp/compile$c") | $lt | $rate | $wall | $crate | $cpu | $vsct |" ;;
		esac
	done
	echo
	echo "Failed connections (all configurations): $fails.  \"vs conntrack only\" is the"
	echo "CPU ratio of the policy set over that of the conntrack-only table: what"
	echo "evaluating the policies costs beyond the stateful rules every configuration needs."
	cat <<'EOF2'

## Reading the figures

- The per-packet work of the compiled ruleset does not grow with the number
  of policies: a new connection costs two verdict-map lookups (source ->
  egress program, destination -> ingress program, hash maps with one entry
  per endpoint address) and, inside each program, at most five set lookups
  per run of rules (small sets are written as up to three plain
  comparisons).  Established packets stop at the first rule.
- The reference "none" has no table at all, so the router does not even run
  connection tracking.  Every stateful ruleset (the issue requires
  `ct state established,related accept`) pays for conntrack: allocating,
  hashing and expiring an entry per connection.  These connections carry
  four packets each (SYN, SYN-ACK, ACK, RST), the worst case for that cost;
  the "conntrack rules only" row measures it alone.
- Load time: `nft -f` grows with the number of chains (one per program;
  nearly every pod of the generated clusters has policies of its own).  The
  kernel looks sets up by name with a linear search of the table, which
  made an earlier version that gave every program its own sets (20k sets at
  10k policies) load in about 24 s; sets of at most three elements are now
  plain rules, which brought that to about 2 s.
- The machine is shared with other work (see the load average above), so the
  wall-clock rates drift from one measurement to the next; the pairing with
  an adjacent "none" measurement and the CPU-normalised column are there to
  see through that.
EOF2

} >"$tmp/results.md"
cat "$tmp/results.md"
cp "$tmp/results.md" bench/nft/RESULTS.md
