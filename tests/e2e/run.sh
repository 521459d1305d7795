#!/bin/sh
# run.sh - the end-to-end bench: real packets through compiled firewall rules.
#
#   sh tests/e2e/run.sh [--seeds N] [--sample N] [--backends "B..."] [--only PATTERN] [--keep]
#
# Builds a virtual cluster out of network namespaces: a router namespace
# and one namespace per pod slot, each pod joined to the router by a veth
# pair, /32 and /128 routes on the router, forwarding on.  Addresses come
# from 10.0.0.0/8 and fd00::/8 only, and only inside the namespaces made
# here; the host's own interfaces and tables are never touched.  One server
# process (server.c) listens in every pod namespace.
#
# Scenarios: the seed tutorial's policies (examples/), the hand-written
# cases in tests/e2e/cases/, YAML or the policy language (.np), each with
# cases/inventory.yaml unless it says "# inventory: own"), and N seeded
# random scenarios (gen.c, a third of them with admin and baseline
# policies; 100 in `make check`, 200 in `make e2e`, `make e2e SEEDS=N`
# for more).  For each scenario:
#
#   1. the pods get their inventory addresses (slots are reused);
#   2. `netpolc table -o json` gives the expected truth table for every
#      probed protocol/port and both families;
#   3. for every firewall backend of the list (BACKENDS below): node mode,
#      the compiled rules applied with the backend's real tool on the
#      router, every (source, destination, protocol, port) cell probed
#      (probe.c) and compared; then host mode, the router cleaned, `compile
#      --endpoint` applied inside every pod namespace, probed and compared
#      again.
#
# The first backend of the list runs every random scenario; the others run
# the first --sample of them (E2E_SAMPLE, default 30: what `make check`
# runs), `make e2e` runs them all.  A self-test first sabotages each
# backend's output (drops turned into allows) and must see mismatches.
#
# Mismatches are printed as grids.  Exit status: 0 every cell agreed, 1 a
# mismatch or a bench failure.  Prints "SKIPPED: e2e: <reason>" and exits 0
# when it cannot run (not root, no nft, no network namespaces).
# Everything it made is removed on every exit path.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# the backends: be_<name>_compile/apply/clean/sabotage[/check]
. tests/e2e/backends.sh
seeds=${E2E_SEEDS:-100}
sample=${E2E_SAMPLE:-30}
# The firewall backends, each a name and four functions below
BACKENDS=${E2E_BACKENDS:-$ALL_BACKENDS}
# Under a sanitizer build (make asan-check) the bench checks the sanitized
# compiler on every hand-written case and 10 random scenarios, applied with
# nftables: the other backends' syntax is the plain build's to prove.
case "${BUILD:-build}" in
build) ;;
*) seeds=${E2E_SEEDS:-10} sample=${E2E_SAMPLE:-0} BACKENDS=${E2E_BACKENDS:-nftables} ;;
esac
only=""
keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--seeds) seeds=$2; shift 2 ;;
	--sample) sample=$2; shift 2 ;;
	--backends) BACKENDS=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	*) echo "usage: $0 [--seeds N] [--sample N] [--backends \"B...\"] [--only PATTERN] [--keep]" >&2; exit 2 ;;
	esac
done

skip() {
	echo "SKIPPED: e2e: $*"
	exit 0
}
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, nft)"
command -v nft >/dev/null 2>&1 || skip "nft not installed (apt-get install nftables)"
command -v ip >/dev/null 2>&1 || skip "ip not installed (apt-get install iproute2)"
for be in $BACKENDS; do
	case " $ALL_BACKENDS " in
	*" $be "*) ;;
	*) echo "e2e: unknown backend $be (known: $ALL_BACKENDS)" >&2; exit 2 ;;
	esac
	case $be in
	iptables_*)
		v=${be#iptables_}
		v=${v%%_*}
		command -v "iptables-$v-restore" >/dev/null 2>&1 ||
			skip "iptables-$v-restore not installed (apt-get install iptables)"
		;;
	esac
	case $be in
	*_ipset) command -v ipset >/dev/null 2>&1 || skip "ipset not installed (apt-get install ipset)" ;;
	esac
done
NETPOLC=${NETPOLC:-./netpolc}
[ -x "$NETPOLC" ] || skip "$NETPOLC is not built (make)"

NSLOTS=10
PORTS=53,80,81,443,5353,8080,8081,9000,9090,9091
DEFAULT_PROBES="tcp/80 tcp/81 tcp/443 tcp/8080 udp/53 udp/80 sctp/80 sctp/9000"
TIMEOUT_MS=${E2E_TIMEOUT_MS:-300}
GW4=10.255.255.254
P="npe$$"
R="${P}r"
tmp=$(mktemp -d)
server_pid=""
made_ns=""

cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	for ns in $made_ns; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ $keep = 1 ]; then echo "e2e: kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

# ---- build the helpers ----
CC=${CC:-cc}
WARN="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
 -Wmissing-prototypes -Wold-style-definition -Wwrite-strings -Wvla -Wpointer-arith -O2"
bin="$tmp/bin"
mkdir -p "$bin"
lib=${BUILD:-build}/libnetpolc.a
[ -f "$lib" ] || skip "$lib is not built (make)"
# inventory links netpolc's own library: a sanitizer build needs the runtime too
inventory() {
	# shellcheck disable=SC2086
	$CC $WARN -I. -o "$bin/inventory" tests/e2e/inventory.c "$lib" \
		$(pkg-config --libs yaml-0.1 jansson) "$@"
}
# shellcheck disable=SC2086
$CC $WARN -o "$bin/server" tests/e2e/server.c &&
	$CC $WARN -o "$bin/probe" tests/e2e/probe.c &&
	$CC $WARN -o "$bin/gen" tests/e2e/gen.c &&
	{ inventory 2>/dev/null || inventory -fsanitize=address,undefined; } ||
	{ echo "e2e: building the bench helpers failed"; exit 1; }

# ---- the cluster ----
mkns() {
	ip netns add "$1" || return 1
	made_ns="$made_ns $1"
	ip -n "$1" link set lo up
}
mkns "$R" 2>/dev/null || skip "ip netns add failed (no network namespaces here)"
ip netns exec "$R" nft list ruleset >/dev/null 2>&1 || skip "nft does not work inside a network namespace"
# a backend whose datapath cannot work here is left out, loudly (be_B_check)
skipped=""
kept=""
for be in $BACKENDS; do
	if command -v "be_${be}_check" >/dev/null 2>&1 && ! why=$("be_${be}_check" 2>&1); then
		echo "SKIPPED: e2e backend $be: $(echo "$why" | tr '\n' ' ')"
		skipped="$skipped $be"
	else
		kept="$kept $be"
	fi
done
BACKENDS=${kept# }
[ -n "$BACKENDS" ] || skip "no backend can run here:$skipped"
ip netns exec "$R" sh -c '
	sysctl -qw net.ipv4.ip_forward=1
	sysctl -qw net.ipv6.conf.all.forwarding=1
	sysctl -qw net.ipv4.conf.all.rp_filter=0
	sysctl -qw net.ipv4.conf.default.rp_filter=0
	sysctl -qw net.ipv6.conf.all.accept_dad=0
	sysctl -qw net.ipv6.conf.default.accept_dad=0' || { echo "e2e: router sysctls failed"; exit 1; }
i=0
while [ $i -lt $NSLOTS ]; do
	pns="${P}p$i"
	mkns "$pns" || { echo "e2e: cannot create $pns"; exit 1; }
	ip netns exec "$pns" sh -c '
		sysctl -qw net.ipv6.conf.all.accept_dad=0
		sysctl -qw net.ipv6.conf.default.accept_dad=0' || exit 1
	ip link add "v$i" netns "$R" type veth peer name eth0 netns "$pns" || { echo "e2e: veth failed"; exit 1; }
	ip -n "$R" addr add "$GW4/32" dev "v$i"
	ip -n "$R" addr add fe80::1/64 dev "v$i" nodad
	ip -n "$R" link set "v$i" up
	ip -n "$pns" link set eth0 up
	echo "- -" >"$tmp/slot$i"
	i=$((i + 1))
done
mkdir -p "$tmp/srv"
pods_ns=""
i=0
while [ $i -lt $NSLOTS ]; do pods_ns="$pods_ns ${P}p$i"; i=$((i + 1)); done
# shellcheck disable=SC2086
"$bin/server" "$tmp/srv" "$PORTS" $pods_ns &
server_pid=$!
n=0
while [ ! -f "$tmp/srv/ready" ]; do
	n=$((n + 1))
	[ $n -gt 100 ] && { echo "e2e: the server did not start"; exit 1; }
	sleep 0.05
done

# set_slot K IP4 IP6: give pod slot K these addresses (- for none), routed from the router
set_slot() {
	k=$1
	[ "$(cat "$tmp/slot$k")" = "$2 $3" ] && return 0
	pns="${P}p$k"
	ip -n "$pns" addr flush dev eth0 scope global
	ip -n "$R" route flush dev "v$k" proto static 2>/dev/null
	ip -n "$R" -6 route flush dev "v$k" proto static 2>/dev/null
	if [ "$2" != - ]; then
		ip -n "$pns" addr add "$2/32" dev eth0 || return 1
		ip -n "$pns" route replace default via "$GW4" dev eth0 onlink || return 1
		ip -n "$R" route replace "$2/32" dev "v$k" proto static || return 1
	fi
	if [ "$3" != - ]; then
		ip -n "$pns" addr add "$3/128" dev eth0 nodad || return 1
		ip -n "$pns" -6 route replace default via fe80::1 dev eth0 || return 1
		ip -n "$R" -6 route replace "$3/128" dev "v$k" proto static || return 1
	fi
	echo "$2 $3" >"$tmp/slot$k"
}

in_range4() { case "$1" in 10.*) return 0 ;; esac; return 1; }
in_range6() { case "$1" in [fF][dD][0-9a-fA-F][0-9a-fA-F]:*) return 0 ;; esac; return 1; }

# ---- one scenario ----
total=0
failed=0
failed_names=""

# scenario NAME PROBES INPUT...: run one scenario; returns non-zero on a mismatch
scenario() {
	name=$1
	probes=$2
	shift 2
	sd="$tmp/s"
	rm -rf "$sd"
	mkdir -p "$sd"
	total=$((total + 1))
	clean_tables
	if ! "$bin/inventory" "$@" >"$sd/pods" 2>"$sd/inv.err"; then
		echo "FAIL $name: the inputs do not load"
		sed 's/^/    /' "$sd/inv.err" | head -20
		return 1
	fi
	# slots: pods with an address in our ranges, in inventory order
	k=0
	: >"$sd/slots"
	while read -r pod ip4 ip6 hostnet; do
		in_range4 "$ip4" || ip4=-
		in_range6 "$ip6" || ip6=-
		[ "$hostnet" = 1 ] && continue
		[ "$ip4" = - ] && [ "$ip6" = - ] && continue
		if [ $k -ge $NSLOTS ]; then
			echo "note $name: more than $NSLOTS pods with addresses; $pod is not probed"
			continue
		fi
		set_slot $k "$ip4" "$ip6" || { echo "FAIL $name: addressing slot $k failed"; return 1; }
		echo "$k $pod $ip4 $ip6" >>"$sd/slots"
		k=$((k + 1))
	done <"$sd/pods"
	used=$k
	while [ $k -lt $NSLOTS ]; do
		set_slot $k - - || return 1
		k=$((k + 1))
	done
	# expected truth tables
	: >"$sd/tables"
	for pp in $probes; do
		case ",$PORTS," in
		*",${pp#*/},"*) ;;
		*) echo "FAIL $name: probe $pp: the server only listens on $PORTS"; return 1 ;;
		esac
		for fam in 4 6; do
			t="$sd/t-$(echo "$pp" | tr / -)-$fam.json"
			if ! "$NETPOLC" table --port "$pp" --family $fam -o json "$@" >"$t" 2>"$sd/table.err"; then
				echo "FAIL $name: netpolc table --port $pp --family $fam failed"
				sed 's/^/    /' "$sd/table.err" | head -20
				return 1
			fi
			echo "table $t" >>"$sd/tables"
		done
	done
	for be in $scen_backends; do
		run_backend "$be" "$@" || return 1
	done
	[ "${E2E_VERBOSE:-0}" = 1 ] && echo "ok $name ($used pods): $(tail -1 "$sd/out")"
	return 0
}

# run_backend BE INPUT...: node mode, then host mode, with backend BE
run_backend() {
	be=$1
	shift
	# random scenarios beyond the sample run on the first backend only
	if [ "${random_seed:-0}" -gt "$sample" ] && [ "$be" != "${BACKENDS%% *}" ]; then
		return 0
	fi
	clean_tables
	install_rules "$be" "$R" "$sd/node.$be" "the $be node-mode ruleset" "$@" || return 1
	probe_round "$name [$be node mode]"
	report "$name" "$be node" $rc "$sd/node.$be" || return 1
	clean_tables
	# host mode, in every pod namespace
	while read -r k pod ip4 ip6; do
		install_rules "$be" "${P}p$k" "$sd/h$k.$be" "the $be host-mode ruleset of $pod" \
			--endpoint "$pod" "$@" || return 1
	done <"$sd/slots"
	probe_round "$name [$be host mode]"
	report "$name" "$be host" $rc "$sd/h0.$be" || return 1
	clean_tables
}

# install_rules BE NETNS OUT WHAT ARGS...: compile ARGS to OUT with backend
# BE, sabotage it when the self-test asks, and apply it in NETNS (marked
# dirty for clean_tables); reports a failure with the tool's messages.
install_rules() {
	ib=$1 ns=$2 out=$3 what=$4
	shift 4
	if ! "be_${ib}_compile" "$out" "$@" 2>"$sd/compile.err"; then
		echo "FAIL $name: netpolc compile failed for $what"
		sed 's/^/    /' "$sd/compile.err" | head -20
		return 1
	fi
	[ "${sabotaging:-0}" = 1 ] && "be_${ib}_sabotage" "$out"
	echo "$ib $ns" >>"$tmp/dirty"
	if ! "be_${ib}_apply" "$ns" "$out" 2>"$sd/apply.err"; then
		echo "FAIL $name: $ib rejected $what"
		sed 's/^/    /' "$sd/apply.err" | head -20
		return 1
	fi
}

# clean_tables: remove what every backend applied, in every namespace it touched
clean_tables() {
	[ -s "$tmp/dirty" ] || return 0
	sort -u "$tmp/dirty" | while read -r cb ns; do
		"be_${cb}_clean" "$ns"
	done
	: >"$tmp/dirty"
}

# probe_round LABEL: probe every cell; sets rc.  A cell that was allowed
# but did not answer within the timeout may just have been slow on a busy
# machine, so a disagreement is probed once more with a long timeout
# before it counts.
probe_round() {
	plan "$1" "$TIMEOUT_MS" >"$sd/plan"
	rc=0
	"$bin/probe" "$sd/plan" >"$sd/out" 2>&1 || rc=$?
	[ $rc = 1 ] || return 0
	cp "$sd/out" "$sd/out.first"
	plan "$1" 2000 >"$sd/plan"
	rc=0
	"$bin/probe" "$sd/plan" >"$sd/out" 2>&1 || rc=$?
}

plan() {
	echo "label $1"
	echo "timeout $2"
	echo "sctplog $tmp/srv/sctp.log"
	echo "flush $R"
	while read -r k pod ip4 ip6; do
		echo "flush ${P}p$k"
		echo "slot $pod ${P}p$k $ip4 $ip6"
	done <"$sd/slots"
	cat "$sd/tables"
}

report() {
	case $3 in
	0) return 0 ;;
	1)
		echo "FAIL $1 ($2 mode): packets disagree with netpolc table"
		sed 's/^/    /' "$sd/out"
		if [ "${E2E_SHOW_RULES:-0}" = 1 ] && [ -f "$4" ]; then
			echo "    ---- ruleset ($2 mode) ----"
			sed 's/^/    /' "$4"
		fi
		;;
	*)
		echo "FAIL $1 ($2 mode): the prober failed"
		sed 's/^/    /' "$sd/out" | head -20
		;;
	esac
	return 1
}

run_scenario() {
	name=$1
	case "$name" in *"$only"*) ;; *) return 0 ;; esac
	if ! scenario "$@"; then
		failed=$((failed + 1))
		failed_names="$failed_names $name"
	fi
}

# probes_of FILE: the "# probe: ..." line of a scenario file, or the default list
probes_of() {
	p=$(sed -n 's/^# probe: *//p' "$1" | head -1)
	echo "${p:-$DEFAULT_PROBES}"
}

start=$(date +%s)

# 0. self-test: for every backend, a ruleset whose isolation drops were
# turned into allows must be caught, or the bench is blind
scen_backends=$BACKENDS
if [ -z "$only" ] && [ -d examples/tutorial ]; then
	sabotaging=1
	for be in $BACKENDS; do
		scen_backends=$be
		if scenario "selftest-$be" "tcp/80 sctp/80" examples/tutorial >"$tmp/selftest.out" 2>&1; then
			echo "FAIL selftest-$be: a sabotaged ruleset went unnoticed; the bench cannot see drops"
			sed 's/^/    /' "$tmp/selftest.out"
			failed=$((failed + 1))
			failed_names="$failed_names selftest-$be"
		elif ! grep -q "MISMATCH selftest-$be \[$be node mode\]" "$tmp/selftest.out"; then
			echo "FAIL selftest-$be: the sabotaged ruleset failed for another reason"
			sed 's/^/    /' "$tmp/selftest.out"
			failed=$((failed + 1))
			failed_names="$failed_names selftest-$be"
		fi
		[ "${E2E_VERBOSE:-0}" = 1 ] && sed "s/^/selftest-$be: /" "$tmp/selftest.out"
	done
	sabotaging=0
	scen_backends=$BACKENDS
fi

# 1. the seed tutorial: the whole of each example set, then each policy alone
for set in examples/tutorial examples/policies; do
	[ -d "$set" ] || continue
	run_scenario "$(basename "$set")/all" "$DEFAULT_PROBES" "$set"
	for f in "$set"/*.yaml; do
		case "$f" in */00-*) continue ;; esac
		run_scenario "$(basename "$set")/$(basename "$f" .yaml)" "$DEFAULT_PROBES" "$set/00-inventory.yaml" "$f"
	done
done

# 2. hand-written corners of SEMANTICS.md
# (.np cases are written in the policy language and read through it)
for f in tests/e2e/cases/[0-9]*.yaml tests/e2e/cases/[0-9]*.np; do
	[ -f "$f" ] || continue
	case_name=$(basename "$f"); case_name=cases/${case_name%.*}
	if grep -q '^# inventory: own' "$f"; then
		run_scenario "$case_name" "$(probes_of "$f")" "$f"
	else
		run_scenario "$case_name" "$(probes_of "$f")" tests/e2e/cases/inventory.yaml "$f"
	fi
done

# 3. random scenarios
s=1
while [ "$s" -le "$seeds" ]; do
	f="$tmp/random-$s.yaml"
	if "$bin/gen" "$s" >"$f"; then
		random_seed=$s
		run_scenario "random/seed-$s" "$(probes_of "$f")" "$f"
		random_seed=0
	else
		echo "FAIL random/seed-$s: the generator failed"
		failed=$((failed + 1))
	fi
	s=$((s + 1))
done

end=$(date +%s)
echo "e2e: $total scenarios ($BACKENDS; $sample random on all), $failed failed ($((end - start)) s)${failed_names:+; failed:$failed_names}${skipped:+; SKIPPED:$skipped}"
[ $failed = 0 ]
