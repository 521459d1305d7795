#!/bin/sh
# check-nft-syntax.sh - nft itself must accept what netpolc writes now.
#
# Runs the current binary ($NETPOLC, default ./netpolc) on
#   - the arguments of every golden case that compiles to nftables
#     ("compile ... -t nftables ..." with expected.status 0), in its
#     directory, as run-golden.sh does;
#   - the inputs of every Calico golden case that loads (calico-in/CI-*),
#     compiled to nftables: tiers, orders, Deny and Pass;
#   - NFT_SYNTAX_SEEDS (default 10) seeded random scenarios of the e2e
#     generator (tests/e2e/gen.c), in node mode and in host mode for their
#     first pod;
# and checks each output with `nft -c -f` (check only: nothing is
# committed) inside a network namespace made for the purpose, so the
# host's ruleset is never read or touched.  Each output is then applied
# twice beside a bystander table, which must stay as it was.  Prints a
# loud SKIPPED line and exits 0 when it cannot run (not root, no nft, no
# network namespaces).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${NETPOLC:-$top/netpolc}
seeds=${NFT_SYNTAX_SEEDS:-10}
skip() {
	echo "SKIPPED: check-nft-syntax: $*"
	exit 0
}
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v nft >/dev/null 2>&1 || skip "nft not installed (apt-get install nftables)"
command -v ip >/dev/null 2>&1 || skip "ip not installed (apt-get install iproute2)"
if [ ! -x "$bin" ]; then
	echo "FAIL check-nft-syntax: $bin is not built (make)"
	exit 1
fi
tmp=$(mktemp -d)
ns="npc-syntax-$$"
cleanup() {
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE
ip netns add "$ns" 2>/dev/null || skip "ip netns add failed (no network namespaces here)"
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
failed() {
	fail=$((fail + 1))
	echo "FAIL $1"
	[ -n "${2:-}" ] && sed 's/^/    /' "$2" | head -20
}

# check NAME FILE: nft accepts FILE, applies it twice, and leaves the bystander alone
check() {
	if ip netns exec "$ns" nft -c -f "$2" >"$tmp/nft.err" 2>&1; then
		pass=$((pass + 1))
	else
		failed "nft -c: $1" "$tmp/nft.err"
	fi
	if ! ip netns exec "$ns" nft -f "$2" >/dev/null 2>&1 ||
		! ip netns exec "$ns" nft -f "$2" >/dev/null 2>&1; then
		failed "nft -f twice: $1"
	elif ! ip netns exec "$ns" nft list table inet bystander 2>/dev/null | grep -q 'tcp dport 9'; then
		failed "bystander table changed: $1"
	fi
	ip netns exec "$ns" nft flush ruleset
	bystander
}

# compile NAME DIR ARGS...: run netpolc ARGS in DIR, then check its output
compile() {
	name=$1
	dir=$2
	shift 2
	if ! (cd "$dir" && "$bin" "$@" >"$tmp/out.nft" 2>"$tmp/err"); then
		failed "netpolc failed: $name" "$tmp/err"
	elif [ ! -s "$tmp/out.nft" ]; then
		failed "netpolc wrote nothing: $name"
	else
		check "$name" "$tmp/out.nft"
	fi
}

bystander

# 1. the golden cases that compile to nftables, with their own arguments
for args in $(find "$top/tests/golden" -name args | LC_ALL=C sort); do
	dir=$(dirname "$args")
	name=${dir#"$top/tests/golden/"}
	[ "$(cat "$dir/expected.status" 2>/dev/null)" = 0 ] || continue
	case " $(cat "$args") " in
	" compile "*" -t nftables "*) ;;
	*) continue ;;
	esac
	eval "set -- $(cat "$args")"
	compile "$name" "$dir" "$@"
done

# 2. the Calico golden inputs that load, compiled to nftables
for dir in "$top"/tests/golden/calico-in/CI-*; do
	[ "$(cat "$dir/expected.status" 2>/dev/null)" = 0 ] || continue
	set --
	for f in "$dir"/*.yaml "$dir"/*.json; do
		[ -f "$f" ] && set -- "$@" "$(basename "$f")"
	done
	[ $# -gt 0 ] || continue
	compile "calico-in/$(basename "$dir") as nftables" "$dir" compile -q -t nftables "$@"
done

# 3. random scenarios, node mode and host mode
if ! ${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$tmp/gen" "$top/tests/e2e/gen.c" 2>"$tmp/err"; then
	failed "building tests/e2e/gen.c" "$tmp/err"
else
	s=1
	while [ "$s" -le "$seeds" ]; do
		f="$tmp/random-$s.yaml"
		if ! "$tmp/gen" "$s" >"$f"; then
			failed "random/seed-$s: the generator failed"
			s=$((s + 1))
			continue
		fi
		compile "random/seed-$s node" "$tmp" compile -q -t nftables "$f"
		ep=$(awk '/^kind: Pod/ { p = 1; next }
			p && /^  name:/ { n = $2 }
			p && /^  namespace:/ { print $2 "/" n; exit }' "$f")
		if [ -n "$ep" ]; then
			compile "random/seed-$s host $ep" "$tmp" compile -q -t nftables --endpoint "$ep" "$f"
		fi
		s=$((s + 1))
	done
fi
echo "check-nft-syntax: $pass passed, $fail failed"
[ $fail = 0 ]
