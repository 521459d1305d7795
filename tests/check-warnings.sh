#!/bin/sh
# check-warnings.sh - warnings in CI: a realistic repository (workloads with
# their pods) compiles under --werror for every node and target; a warning
# class made an error (-W error=CLASS) fails without writing the output
# file; -q does not hide a class made an error; every example passes check
# --werror.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${NETPOLC:-$top/netpolc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL warnings: $*"; }
shop=$top/examples/shop
templates=$top/tests/golden/nftables/N-28-template-folded/input.yaml

for target in nftables iptables ip6tables json; do
	for node in "" node-1 node-2; do
		rm -f "$tmp/out"
		"$bin" compile -t $target ${node:+--node "$node"} --werror "$shop" -o "$tmp/out" 2>"$tmp/err"
		rc=$?
		[ $rc = 0 ] && [ -s "$tmp/out" ] && [ ! -s "$tmp/err" ] && ok ||
			bad "compile -t $target ${node:+--node $node} --werror examples/shop: status $rc: $(head -1 "$tmp/err")"
	done
done

for ex in shop cluster-admin; do
	"$bin" check --werror "$top/examples/$ex" 2>"$tmp/err" && ok ||
		bad "check --werror examples/$ex: $(head -1 "$tmp/err")"
done

# a workload without pods: its own class, an error when asked, no output
"$bin" compile -t nftables --node node-1 -W error=template-missing-ip "$templates" -o "$tmp/t.nft" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && [ ! -e "$tmp/t.nft" ] && grep -q 'error: .*\[-Werror=template-missing-ip\]' "$tmp/err" && ok ||
	bad "-W error=template-missing-ip: status $rc, output $(ls "$tmp")"
"$bin" compile -q -t nftables --node node-1 -W error=template-missing-ip "$templates" -o "$tmp/t.nft" 2>/dev/null
rc=$?
[ $rc = 1 ] && [ ! -e "$tmp/t.nft" ] && ok || bad "-q hid a class made an error (status $rc)"
"$bin" compile -t nftables --node node-1 --werror -W no-template-missing-ip "$templates" -o "$tmp/t.nft" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && [ -s "$tmp/t.nft" ] && [ ! -s "$tmp/err" ] && ok ||
	bad "--werror -W no-template-missing-ip: status $rc: $(head -1 "$tmp/err")"
"$bin" compile -t nftables --node node-1 --werror -W no-error=template-missing-ip "$templates" -o "$tmp/t2.nft" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && cmp -s "$tmp/t.nft" "$tmp/t2.nft" && grep -q 'warning: .*\[-Wtemplate-missing-ip\]' "$tmp/err" && ok ||
	bad "--werror -W no-error=template-missing-ip: status $rc"

# an unknown class is a usage error, whatever the command
for cmd in "check" "compile -t json" "table --port 80" "list" "query --from a/b --to c/d --port 80"; do
	# shellcheck disable=SC2086
	"$bin" $cmd -W no-such-class "$shop" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc = 2 ] && [ "$(wc -l <"$tmp/err")" = 2 ] && ok || bad "$cmd -W no-such-class: status $rc"
done

# the README and the man page describe every class --help lists
"$bin" check --help | sed -n '/^warning classes/,$p' | awk 'NR > 1 && NF { print $1 }' >"$tmp/classes"
[ "$(wc -l <"$tmp/classes")" -ge 20 ] && ok || bad "check --help lists $(wc -l <"$tmp/classes") classes"
while read -r cls; do
	grep -q "^| \`$cls\` |" "$top/README.md" && ok || bad "README.md does not describe -W$cls"
	grep -q "^\.B $(echo "$cls" | sed 's/-/\\\\-/g')\$" "$top/netpolc.1" && ok ||
		bad "netpolc.1 does not describe -W$cls"
done <"$tmp/classes"

echo "warnings: $pass passed, $fail failed"
[ $fail = 0 ]
