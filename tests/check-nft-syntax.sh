#!/bin/sh
# check-nft-syntax.sh - nft itself must accept every golden nftables output.
#
# For each tests/golden/nftables/<case>/ whose expected.status is 0, runs
# `nft -c -f expected.stdout` (check only: nothing is committed) inside a
# network namespace made for the purpose, so the host's ruleset is never
# read or touched.  Prints a loud SKIPPED line and exits 0 when it cannot
# run (not root, no nft, no network namespaces).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
skip() {
	echo "SKIPPED: check-nft-syntax: $*"
	exit 0
}
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v nft >/dev/null 2>&1 || skip "nft not installed (apt-get install nftables)"
command -v ip >/dev/null 2>&1 || skip "ip not installed (apt-get install iproute2)"
ns="npc-syntax-$$"
ip netns add "$ns" 2>/dev/null || skip "ip netns add failed (no network namespaces here)"
trap 'ip netns del "$ns" 2>/dev/null' EXIT
trap 'exit 130' INT TERM HUP PIPE
ip netns exec "$ns" nft list ruleset >/dev/null 2>&1 || skip "nft does not work inside a network namespace"

# a table of someone else's, which applying our scripts must leave alone
bystander() {
	ip netns exec "$ns" nft -f - <<'EOF2'
table inet bystander {
	chain input {
		type filter hook input priority filter; policy accept;
		tcp dport 9 counter accept
	}
}
EOF2
}
pass=0
fail=0
bystander
for dir in $(find "$top/tests/golden/nftables" -name args | LC_ALL=C sort); do
	dir=$(dirname "$dir")
	name=${dir#"$top/tests/golden/"}
	[ "$(cat "$dir/expected.status" 2>/dev/null)" = 0 ] || continue
	[ -s "$dir/expected.stdout" ] || continue
	if out=$(ip netns exec "$ns" nft -c -f "$dir/expected.stdout" 2>&1); then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL nft -c: $name"
		printf '%s\n' "$out" | sed 's/^/    /' | head -20
	fi
	# applying twice must work too (the second run replaces the table),
	# and leave the bystander's table as it was
	if ! ip netns exec "$ns" nft -f "$dir/expected.stdout" >/dev/null 2>&1 ||
		! ip netns exec "$ns" nft -f "$dir/expected.stdout" >/dev/null 2>&1; then
		fail=$((fail + 1))
		echo "FAIL nft -f twice: $name"
	elif ! ip netns exec "$ns" nft list table inet bystander 2>/dev/null | grep -q 'tcp dport 9'; then
		fail=$((fail + 1))
		echo "FAIL bystander table changed: $name"
	fi
	ip netns exec "$ns" nft flush ruleset
	bystander
done
echo "check-nft-syntax: $pass passed, $fail failed"
[ $fail = 0 ]
