#!/bin/sh
# gen.sh N: N NetworkPolicies as a YAML stream (the bench input).
n=${1:-10000}
awk -v n="$n" 'BEGIN {
	for (i = 0; i < n; i++) {
		printf "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		printf "metadata: {name: p%d, namespace: ns%d}\nspec:\n", i, i % 50
		printf "  podSelector: {matchLabels: {app: a%d}}\n  ingress:\n", i % 97
		printf "  - from:\n    - podSelector: {matchLabels: {app: b%d}}\n", i % 89
		printf "    - ipBlock: {cidr: 10.%d.0.0/16, except: [10.%d.1.0/24]}\n", i % 250, i % 250
		printf "    ports: [{protocol: TCP, port: %d}, {protocol: UDP, port: 53}]\n", 1000 + i % 5000
	}
}'
