# shellcheck shell=sh disable=SC2154  # $R, $tmp, $NETPOLC: set by the bench that sources this
# backends.sh - the firewall backends of the e2e benches (run.sh, update.sh),
# sourced.  The router namespace is $R; node mode applies there, host mode
# in a pod namespace.
# For each backend B of BACKENDS:
#   be_B_compile OUT ARGS...  compile the inputs ARGS to OUT (a file or directory)
#   be_B_apply NETNS OUT      apply OUT inside NETNS with the backend's real tool
#   be_B_clean NETNS          remove what be_B_apply made (quietly)
#   be_B_sabotage OUT         the self-test: turn the drops of isolation into allows
#   be_B_check                optional: can it work here? (else prints why, fails)
# ALL_BACKENDS is the default of both benches.
ALL_BACKENDS="nftables iptables_nft iptables_legacy iptables_nft_ipset bpf"

be_nftables_compile() {
	o=$1
	shift
	"$NETPOLC" compile -q -t nftables -o "$o" "$@"
}
be_nftables_apply() { ip netns exec "$1" nft -f "$2"; }
be_nftables_clean() { ip netns exec "$1" nft delete table inet netpolc 2>/dev/null; }
be_nftables_sabotage() { sed -i 's/^\t\tdrop comment/\t\treturn comment/' "$1"; }

# iptables: OUT is a directory holding v4 (iptables-restore) and v6
# (ip6tables-restore), compiled from the same inputs and applied together
# with one of the two implementations Debian's iptables package ships
# (VARIANT nft or legacy).
ipt_compile() {
	o=$1
	shift
	mkdir -p "$o" && "$NETPOLC" compile -q -t iptables -o "$o/v4" "$@" &&
		"$NETPOLC" compile -q -t ip6tables -o "$o/v6" "$@"
}
ipt_apply() { ip netns exec "$2" "iptables-$1-restore" "$3/v4" && ip netns exec "$2" "ip6tables-$1-restore" "$3/v6"; }
ipt_clean() {
	for t in iptables ip6tables; do
		ip netns exec "$2" "$t-$1" -F && ip netns exec "$2" "$t-$1" -X
	done 2>/dev/null
}
ipt_sabotage() { sed -i '/--comment "isolated by/s/ -j DROP$/ -j RETURN/' "$1/v4" "$1/v6"; }

be_iptables_nft_compile() { ipt_compile "$@"; }
be_iptables_nft_apply() { ipt_apply nft "$@"; }
be_iptables_nft_clean() { ipt_clean nft "$@"; }
be_iptables_nft_sabotage() { ipt_sabotage "$@"; }
be_iptables_legacy_compile() { ipt_compile "$@"; }
be_iptables_legacy_apply() { ipt_apply legacy "$@"; }
be_iptables_legacy_clean() { ipt_clean legacy "$@"; }
be_iptables_legacy_sabotage() { ipt_sabotage "$@"; }

# iptables_nft_ipset: the same with --ipset, the sets in OUT/s4 and OUT/s6.
# ipsets live in the network namespace, like the rules: restore the sets in
# the router's namespace first (the rules reference them), then the rules;
# remove the rules first, then our sets.
be_iptables_nft_ipset_compile() {
	o=$1
	shift
	mkdir -p "$o" && "$NETPOLC" compile -q -t iptables --ipset "$o/s4" -o "$o/v4" "$@" &&
		"$NETPOLC" compile -q -t ip6tables --ipset "$o/s6" -o "$o/v6" "$@"
}
be_iptables_nft_ipset_apply() {
	ip netns exec "$1" ipset restore <"$2/s4" && ip netns exec "$1" ipset restore <"$2/s6" &&
		ipt_apply nft "$@"
}
be_iptables_nft_ipset_clean() {
	ipt_clean nft "$@"
	for s in $(ip netns exec "$1" ipset list -n 2>/dev/null | grep '^NETPOLC-S'); do
		ip netns exec "$1" ipset destroy "$s"
	done 2>/dev/null
}
be_iptables_nft_ipset_sabotage() { ipt_sabotage "$@"; }

# bpf: OUT is a seed directory; node mode attaches on the router's veths
# v<k>, host mode on the pod's eth0.  The sabotage unhooks every program.
be_bpf_devs() {
	if [ "$1" = "$R" ]; then
		ip -n "$R" -o link show | sed -n 's/^[0-9]*: \(v[0-9]*\)@.*/--dev \1/p'
	else
		echo "--dev eth0"
	fi
}
be_bpf_compile() {
	o=$1
	shift
	"$NETPOLC" compile -q -t bpf -o "$o" "$@"
}
# shellcheck disable=SC2046
be_bpf_apply() { ip netns exec "$1" "$NETPOLC" bpf attach "$2" $(be_bpf_devs "$1"); }
# shellcheck disable=SC2046
be_bpf_clean() { ip netns exec "$1" "$NETPOLC" bpf detach $(be_bpf_devs "$1") 2>/dev/null; }
be_bpf_sabotage() {
	sed -i 's/"prog": \[[0-9]*, [0-9]*\]/"prog": [0, 0]/; s/^"host": \[.*\]/"host": [0, 0]/' "$1/maps.json"
}
# be_bpf_check: can this kernel load the datapath? (else the bench skips, saying why)
be_bpf_check() {
	"$NETPOLC" compile -q -t bpf -o "$tmp/bpfcheck" \
		--namespace default --labels app=x --ip 10.9.9.9 examples/tutorial >/dev/null 2>&1 ||
		{ echo "netpolc compile -t bpf failed"; return 1; }
	ip -n "$R" link add npcchk0 type veth peer name npcchk1 || { echo "no veth"; return 1; }
	ip netns exec "$R" "$NETPOLC" bpf attach "$tmp/bpfcheck" --dev npcchk0 2>&1 || return 1
	ip -n "$R" link del npcchk0
}

