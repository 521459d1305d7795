#!/bin/sh
# run.sh - the firewall benchmark: new-connection rate through a router
# enforcing compiled policy sets of 10, 1k and 10k policies, every firewall
# configuration side by side, against the same traffic with no ruleset, in
# one run.
#
#   sh bench/fw/run.sh [SIZES]        SIZES default "10 1000 10000"
#   CONFIGS="ct-only nftables iptables ipset bpf rule-per-peer" (the default)
#
# A router namespace forwards between 4 client and 2 server namespaces
# (veth pairs, 10.1.0.0/24 and 10.1.1.0/24).  For each policy set, gen.c
# writes a cluster of N policies and N pods (plus the bench's own pods,
# selected by about N/100 of the policies and allowed to talk on TCP/8080).
# A configuration C is three functions below (cfg_C_compile N OUT,
# cfg_C_apply OUT, cfg_C_clean):
#
#   ct-only        an nftables table with just the stateful rules
#   nftables       netpolc -t nftables, node mode, nft -f
#   iptables       netpolc -t iptables, node mode, iptables-nft-restore
#   ipset          the same with --ipset: ipset restore, then iptables-nft-restore
#   bpf            netpolc -t bpf, node mode, netpolc bpf attach on the
#                  router's six veths (tc ingress and egress)
#   rule-per-peer  the same policies as a linear ruleset of the shape
#                  kube-router and Capirca emit (rule-per-peer.awk)
#
# load.c opens as many short TCP connections as it can for BENCH_SECONDS
# (default 3) from the clients to the servers through the router.  The
# configurations are measured in ROUNDS (default 3) interleaved rounds, each
# right after a "none" reference (no ruleset at all, so not even conntrack).
# Prints a table and writes it, with the machine and the date, into
# bench/fw/RESULTS.md (above its "<!-- analysis -->" marker: the text
# below it is kept).  Needs root, nft, iptables and ip netns; cleans up on exit.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
SIZES=${1:-"10 1000 10000"}
SECONDS_PER=${BENCH_SECONDS:-3}
ROUNDS=${ROUNDS:-3}
CONC=${CONC:-64}
[ "$(id -u)" = 0 ] || { echo "bench/fw: needs root"; exit 1; }
command -v nft >/dev/null || { echo "bench/fw: needs nft"; exit 1; }
command -v iptables-nft-restore >/dev/null || { echo "bench/fw: needs iptables"; exit 1; }
command -v ipset >/dev/null || { echo "bench/fw: needs ipset"; exit 1; }
CONFIGS=${CONFIGS:-"ct-only nftables iptables ipset bpf rule-per-peer"}
[ -x ./netpolc ] && [ -f ./netpolc.bpf.o ] || make -s || exit 1

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
$CC $FLAGS -o "$tmp/gen" bench/fw/gen.c &&
	$CC $FLAGS -o "$tmp/load" bench/fw/load.c &&
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

# ---- the configurations: cfg_C_compile N OUT, cfg_C_apply OUT, cfg_C_clean ----
cfg_ct_only_compile() { cp "$tmp/ct-only.nft" "$2"; }
cfg_ct_only_apply() { ip netns exec "$R" nft -f "$1"; }
cfg_ct_only_clean() { ip netns exec "$R" nft delete table inet netpolc 2>/dev/null; }
cfg_nftables_compile() { ./netpolc compile -q -t nftables -o "$2" "$tmp/c$1.json"; }
cfg_nftables_apply() { ip netns exec "$R" nft -f "$1"; }
cfg_nftables_clean() { cfg_ct_only_clean; }
cfg_iptables_compile() { ./netpolc compile -q -t iptables -o "$2" "$tmp/c$1.json"; }
cfg_iptables_apply() { ip netns exec "$R" iptables-nft-restore "$1"; }
cfg_iptables_clean() {
	ip netns exec "$R" iptables-nft -F 2>/dev/null
	ip netns exec "$R" iptables-nft -X 2>/dev/null
}
cfg_ipset_compile() { ./netpolc compile -q -t iptables --ipset "$2.sets" -o "$2" "$tmp/c$1.json"; }
cfg_ipset_apply() {
	ip netns exec "$R" ipset restore <"$1.sets" && ip netns exec "$R" iptables-nft-restore "$1"
}
cfg_ipset_clean() {
	cfg_iptables_clean
	for s in $(ip netns exec "$R" ipset list -n 2>/dev/null); do
		ip netns exec "$R" ipset destroy "$s"
	done
}
devs="--dev vc1 --dev vc2 --dev vc3 --dev vc4 --dev vs1 --dev vs2"
cfg_bpf_compile() {
	mkdir -p "$2" && ./netpolc compile -q --stats -t bpf -o "$2" "$tmp/c$1.json" 2>"$2.stats"
}
# shellcheck disable=SC2086
cfg_bpf_apply() { ip netns exec "$R" ./netpolc bpf attach "$1" $devs; }
# shellcheck disable=SC2086
cfg_bpf_clean() { ip netns exec "$R" ./netpolc bpf detach $devs 2>/dev/null; }
# rule-per-peer: the netpolc iptables file rewritten into the linear shape
cfg_rule_per_peer_compile() {
	./netpolc compile -q -t iptables -o "$2.in" "$tmp/c$1.json" || return 1
	awk -f bench/fw/rule-per-peer.awk "$2.in" >"$2"
}
cfg_rule_per_peer_apply() { cfg_iptables_apply "$@"; }
cfg_rule_per_peer_clean() { cfg_iptables_clean; }
fn() { echo "$1" | tr - _; }

# compile every configuration and size once (ruleset sizes are reported too)
for n in $SIZES; do
	"$tmp/gen" "$n" >"$tmp/c$n.json"
	for c in $CONFIGS; do
		[ "$c" = ct-only ] && [ "$n" != "${SIZES%% *}" ] && continue
		f="$tmp/$c-$n.rules"
		t0=$(date +%s.%N)
		"cfg_$(fn "$c")_compile" "$n" "$f" || { echo "bench/fw: compiling $c for $n failed"; exit 1; }
		t1=$(date +%s.%N)
		echo "$t0 $t1" | awk '{ printf "%.2f\n", $2 - $1 }' >"$tmp/compile-$c-$n"
		# rules: nft rule lines inside chains, or iptables -A lines; set elements
		case $c in
		ct-only | nftables)
			awk '/^\tchain /{c=1} /^\t}/{c=0} c && /^\t\t[a-z]/ && !/^\t\ttype /{r++} END{print r+0}' "$f" ;;
		bpf) sed -nE 's/.*: ([0-9]+) programs,.*/\1 programs/p' "$f.stats" ;;
		*) grep -c '^-A ' "$f" ;;
		esac >"$tmp/rules-$c-$n"
		case $c in
		ipset) grep -c '^add ' "$f.sets" ;;
		bpf) sed -nE 's/.*npc_ep ([0-9]+), npc_cls4 ([0-9]+), npc_cls6 ([0-9]+), npc_verdict ([0-9]+) entries.*/\1 \2 \3 \4/p' "$f.stats" |
			awk '{ print $1 + $2 + $3 + $4 " map entries" }' ;;
		*) awk '/elements = \{/{e=1; next} e && /\}/{e=0} e{s++} END{print s+0}' "$f" ;;
		esac >"$tmp/elems-$c-$n"
	done
done

apply() { # apply CONFIG-N: print the load time in seconds
	for c in $CONFIGS; do "cfg_$(fn "$c")_clean"; done
	case $1 in none) echo 0; return ;; esac
	t0=$(date +%s.%N)
	"cfg_$(fn "${1%-*}")_apply" "$tmp/$1.rules" >&2 || { echo "bench/fw: applying $1 failed" >&2; exit 1; }
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }'
}

configs=""
for c in $CONFIGS; do
	case $c in
	ct-only) configs="$configs ct-only-${SIZES%% *}" ;;
	*) for n in $SIZES; do configs="$configs $c-$n"; done ;;
	esac
done
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
	echo "round $r $1: load ${lt}s, $out" >&2
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
	echo "# firewall benchmark"
	echo
	echo "Generated by \`sh bench/fw/run.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores,"
	echo "kernel $(uname -r), $(nft --version), $(iptables-nft --version), $(ipset --version | head -1);"
	echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
	echo
	echo "New TCP connections through the router namespace ($CONC in flight, 4 clients ->"
	echo "2 servers, ${SECONDS_PER}s per measurement, $ROUNDS rounds, each paired with a"
	echo "measurement of the same traffic with no ruleset: \"none\", no conntrack either)."
	echo "Ratios are medians of those pairs (min-max); \"conn/CPU-s\" divides by the CPU"
	echo "time of the bench's own processes, which other work disturbs less."
	echo
	echo "| configuration | policies | rules | set elements | compile s | load s | conn/s | vs none | conn/CPU-s | vs none | vs conntrack only |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	echo "| none (no table) | - | - | - | - | - | $base | 100% | $cbase | 100% | - |"
	ct=$(median <"$tmp/cratio-ct-only-${SIZES%% *}")
	fails=$(cat "$tmp/rate-"* | awk '{ s += $4 } END { print s }')
	for c in $configs; do
		rate=$(awk '{ print $8 }' "$tmp/rate-$c" | median | awk '{ printf "%.0f", $1 }')
		crate=$(awk '{ print $12 }' "$tmp/rate-$c" | median | awk '{ printf "%.0f", $1 }')
		lt=$(median <"$tmp/load-$c")
		wall="$(pct <"$tmp/ratio-$c") ($(range <"$tmp/ratio-$c"))"
		cpu="$(pct <"$tmp/cratio-$c") ($(range <"$tmp/cratio-$c"))"
		vsct=$(echo "$(median <"$tmp/cratio-$c") $ct" | awk '{ printf "%.1f%%", 100 * $1 / $2 }')
		n=${c##*-}
		case $c in ct-only-*) n=- ;; esac
		echo "| ${c%-*} | $n | $(cat "$tmp/rules-$c") | $(cat "$tmp/elems-$c") | $(cat "$tmp/compile-$c") | $lt | $rate | $wall | $crate | $cpu | $vsct |"
	done
	echo
	echo "Failed connections (all configurations): $fails."
} >"$tmp/results.md"
cat "$tmp/results.md"
# the reading of the figures, below its marker, is kept
{
	cat "$tmp/results.md"
	echo
	sed -n '/^<!-- analysis -->$/,$p' bench/fw/RESULTS.md 2>/dev/null
} >"$tmp/all.md"
cp "$tmp/all.md" bench/fw/RESULTS.md
