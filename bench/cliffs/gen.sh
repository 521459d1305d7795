#!/bin/sh
#
# gen.sh - inputs for the cliffs benchmark: one shape at one size, as a
# kubectl-style JSON List on stdout.
#
#     bench/cliffs/gen.sh SHAPE N
#
# Every input has one namespace "bench" with two pods (app=web, app=db), so
# that policies select endpoints and the passes have rules to work on.
#
#   peers     one policy, one ingress rule with N ipBlock peers (distinct
#             /32s in a scattered order) on TCP 443
#   rules     one policy with N ingress rules, each one ipBlock peer (a
#             distinct /32) on one of 16 TCP ports, cycling
#   policies  N policies of one ingress rule each (one ipBlock peer on one of
#             16 ports), selecting app=web
#
# Addresses: the i-th /32 is 10.0.0.0 + (i * 2654435761) mod 2^24, a
# bijection on 10.0.0.0/8 for i < 2^24, so no two peers are equal and they
# arrive out of order.
set -eu

usage() {
	echo "usage: gen.sh peers|rules|policies N" >&2
	exit 2
}
[ $# -eq 2 ] || usage
case $1 in peers | rules | policies) ;; *) usage ;; esac
case $2 in '' | *[!0-9]*) usage ;; esac

exec awk -v shape="$1" -v n="$2" '
function ip(i,    x) {
	x = (i * 2654435761) % 16777216
	return sprintf("10.%d.%d.%d", int(x / 65536), int(x / 256) % 256, x % 256)
}
function pod(name, app, addr) {
	printf "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\",", name
	printf "\"namespace\":\"bench\",\"labels\":{\"app\":\"%s\"}},", app
	printf "\"spec\":{\"containers\":[{\"name\":\"c\"}]},"
	printf "\"status\":{\"podIP\":\"%s\",\"podIPs\":[{\"ip\":\"%s\"}]}},\n", addr, addr
}
function policy_head(name) {
	printf "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\","
	printf "\"metadata\":{\"name\":\"%s\",\"namespace\":\"bench\"},", name
	printf "\"spec\":{\"podSelector\":{\"matchLabels\":{\"app\":\"web\"}},"
	printf "\"policyTypes\":[\"Ingress\"],\"ingress\":["
}
function ports(p) {
	return sprintf("\"ports\":[{\"protocol\":\"TCP\",\"port\":%d}]", p)
}
function port_of(i) {
	return 8000 + (i % 16)
}
BEGIN {
	printf "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n"
	printf "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"bench\"}},\n"
	pod("web-0", "web", "192.168.0.1")
	pod("db-0", "db", "192.168.0.2")
	if (shape == "peers") {
		policy_head("many-peers")
		printf "{\"from\":[\n"
		for (i = 0; i < n; i++) {
			printf "%s{\"ipBlock\":{\"cidr\":\"%s/32\"}}\n", i ? "," : "", ip(i)
		}
		printf "],%s}]}}\n", ports(443)
	} else if (shape == "rules") {
		policy_head("many-rules")
		for (i = 0; i < n; i++) {
			printf "%s{\"from\":[{\"ipBlock\":{\"cidr\":\"%s/32\"}}],%s}\n",
			       i ? "," : "", ip(i), ports(port_of(i))
		}
		printf "]}}\n"
	} else {
		for (i = 0; i < n; i++) {
			policy_head(sprintf("p-%d", i))
			printf "{\"from\":[{\"ipBlock\":{\"cidr\":\"%s/32\"}}],%s}]}}%s\n",
			       ip(i), ports(port_of(i)), i + 1 < n ? "," : ""
		}
	}
	printf "]}\n"
}'
