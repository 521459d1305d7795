#!/bin/sh
# update.sh - what survives a policy update: an open TCP connection and a
# UDP flow from a client pod to a server pod, node mode, IPv4 and IPv6,
# for every backend of BACKENDS (tests/e2e/backends.sh).
#
#   policy v1   the server admits the client on TCP/7000 and UDP/7000
#   policy v2   the server admits the client on TCP/7001 only
#
# With v1 applied, the client opens both flows and exchanges a byte on
# each; v2 is applied over v1 (the backend's own update); the same flows
# exchange again, and a new client tries fresh flows.  Expected, for every
# stateful backend: the established flows survive (replies and further
# packets of allowed connections pass), fresh flows are denied by v2.
#
#   sh tests/e2e/update.sh [--backends "bpf nftables"]     (default: every backend)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/e2e/backends.sh
BACKENDS=${E2E_BACKENDS:-$ALL_BACKENDS}
# Under a sanitizer build (make asan-check) the sanitized compiler's update
# is checked with nftables: the other backends' are the plain build's to prove.
case "${BUILD:-build}" in
build) ;;
*) BACKENDS=${E2E_BACKENDS:-nftables} ;;
esac
[ "${1:-}" = --backends ] && BACKENDS=$2
NETPOLC=${NETPOLC:-./netpolc}
skip() {
	echo "SKIPPED: update: $*"
	exit 0
}
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
command -v ip >/dev/null 2>&1 || skip "ip not installed (apt-get install iproute2)"
[ -x "$NETPOLC" ] || skip "$NETPOLC is not built (make)"

tmp=$(mktemp -d)
P=npu$$
R=${P}r
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for ns in "$R" "${P}c" "${P}s"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
${CC:-cc} -std=c11 -O1 -o "$tmp/flow" tests/e2e/flow.c || { echo "FAIL update: building flow.c"; exit 1; }
ip netns add "$R" 2>/dev/null || skip "ip netns add failed (no network namespaces here)"
ip netns add "${P}c" && ip netns add "${P}s" || exit 1
ip netns exec "$R" sh -c 'sysctl -qw net.ipv4.ip_forward=1; sysctl -qw net.ipv6.conf.all.forwarding=1
	sysctl -qw net.ipv6.conf.all.accept_dad=0; sysctl -qw net.ipv6.conf.default.accept_dad=0'
k=0
for pod in c s; do
	ns=${P}$pod
	ip4=10.77.0.$((k + 1))
	ip6=fd77::$((k + 1))
	ip netns exec "$ns" sh -c 'sysctl -qw net.ipv6.conf.all.accept_dad=0; sysctl -qw net.ipv6.conf.default.accept_dad=0'
	ip link add "v$k" netns "$R" type veth peer name eth0 netns "$ns" || exit 1
	ip -n "$R" link set "v$k" up && ip -n "$R" link set lo up
	ip -n "$R" addr add 10.77.0.254/32 dev "v$k"
	ip -n "$R" addr add fe80::1/64 dev "v$k" nodad
	ip -n "$R" route add "$ip4/32" dev "v$k"
	ip -n "$R" -6 route add "$ip6/128" dev "v$k"
	ip -n "$ns" link set lo up && ip -n "$ns" link set eth0 up
	ip -n "$ns" addr add "$ip4/32" dev eth0
	ip -n "$ns" addr add "$ip6/128" dev eth0 nodad
	ip -n "$ns" route add default via 10.77.0.254 dev eth0 onlink
	ip -n "$ns" -6 route add default via fe80::1 dev eth0
	k=$((k + 1))
done

inventory() {
	cat <<EOF2
apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: demo, labels: {app: client}}
status: {podIPs: [{ip: 10.77.0.1}, {ip: "fd77::1"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: demo, labels: {app: server}}
status: {podIPs: [{ip: 10.77.0.2}, {ip: "fd77::2"}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: server-in, namespace: demo}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports:
EOF2
}
{ inventory; echo "    - {protocol: TCP, port: 7000}"; echo "    - {protocol: UDP, port: 7000}"; } >"$tmp/v1.yaml"
{ inventory; echo "    - {protocol: TCP, port: 7001}"; } >"$tmp/v2.yaml"

ip netns exec "${P}s" "$tmp/flow" serve 7000 &
pids="$pids $!"
sleep 0.5

# exchange FD OUT: one line to the client, wait for its answer
exchange() {
	n=$(wc -l <"$2")
	echo >&"$1"
	i=0
	while [ "$(wc -l <"$2")" -le "$n" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	tail -1 "$2"
}

failed=0
for be in $BACKENDS; do
	if command -v "be_${be}_check" >/dev/null 2>&1 && ! why=$("be_${be}_check" 2>&1); then
		echo "SKIPPED: update backend $be: $(echo "$why" | tr '\n' ' ')"
		continue
	fi
	for addr in 10.77.0.2 fd77::2; do
		label="$be node mode, $addr"
		be_"${be}"_compile "$tmp/v1.$be" "$tmp/v1.yaml" && be_"${be}"_apply "$R" "$tmp/v1.$be" ||
			{ echo "FAIL update [$label]: applying v1"; failed=$((failed + 1)); continue; }
		rm -f "$tmp/in" && mkfifo "$tmp/in" && : >"$tmp/out"
		ip netns exec "${P}c" "$tmp/flow" client "$addr" 7000 <"$tmp/in" >"$tmp/out" &
		cpid=$!
		exec 3>"$tmp/in"
		before=$(exchange 3 "$tmp/out")
		t0=$(date +%s%N)
		be_"${be}"_compile "$tmp/v2.$be" "$tmp/v2.yaml" && be_"${be}"_apply "$R" "$tmp/v2.$be" ||
			{ echo "FAIL update [$label]: applying v2"; failed=$((failed + 1)); }
		t1=$(date +%s%N)
		after=$(exchange 3 "$tmp/out")
		exec 3>&-
		wait "$cpid" 2>/dev/null
		fresh=$(echo | ip netns exec "${P}c" "$tmp/flow" client "$addr" 7000)
		echo "update [$label]: v1: $before | after v2 (compile+apply $(((t1 - t0) / 1000000)) ms): $after | fresh flows: $fresh"
		if [ "$before" != "tcp ok udp ok" ] || [ "$after" != "tcp ok udp ok" ] ||
			[ "$fresh" != "tcp lost udp lost" ]; then
			echo "FAIL update [$label]: want v1 'tcp ok udp ok', after v2 'tcp ok udp ok', fresh 'tcp lost udp lost'"
			failed=$((failed + 1))
		fi
		be_"${be}"_clean "$R"
		be_"${be}"_clean "$R"
	done
done
echo "update: $BACKENDS: $failed failed"
[ $failed = 0 ]
