#!/bin/sh
# check-tutorial.sh - the seed tutorial's verification steps through the
# command line: `netpolc query` must give Kubernetes' verdict (SEMANTICS.md
# §10) and name the policy that decides it; `netpolc check` must point at
# the tutorial's mistakes.  Prints every mismatch and exits 1 if any.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
nc=${BUILD:-build}/netpolc
[ -x "$nc" ] || nc=./netpolc
if [ ! -x "$nc" ]; then
	echo "check-tutorial: no netpolc binary (run make first)" >&2
	exit 1
fi

T=examples/tutorial
VERIFY="$T/00-inventory.yaml $T/10-default-deny-all.yaml $T/20-allow-nginx.yaml"
EXCEPT="$T/00-inventory.yaml $T/10-default-deny-all.yaml $T/40-allow-except-untrusted.yaml"
NGINX=nginx-example/nginx-deployment-7c5ddbdf54-x2kqz
out=$(mktemp)
trap 'rm -f "$out"' EXIT INT TERM
pass=0
fail=0

bad() {
	fail=$((fail + 1))
	echo "FAIL: $1"
	echo "  command: $2"
	echo "  output:"
	sed 's/^/    /' "$out"
}

# query NAME WORD STATUS 'NEEDLE...' -- ARGS...: run `netpolc query ARGS`; the
# exit status must be STATUS (0 allow, 3 deny), the first word WORD, and every NEEDLE (a fixed
# string, separated by '|') must appear in the output.
query() {
	name=$1 word=$2 want=$3 needles=$4
	shift 5
	"$nc" query "$@" >"$out" 2>&1
	st=$?
	cmd="netpolc query $*"
	if [ "$st" != "$want" ]; then
		bad "$name: exit status $st, expected $want" "$cmd"
		return
	fi
	first=$(sed -n '1s/[: ].*//p' "$out")
	if [ "$first" != "$word" ]; then
		bad "$name: first word '$first', expected '$word'" "$cmd"
		return
	fi
	old_ifs=$IFS
	IFS='|'
	for n in $needles; do
		if ! grep -qF -- "$n" "$out"; then
			IFS=$old_ifs
			bad "$name: output does not contain '$n'" "$cmd"
			return
		fi
	done
	IFS=$old_ifs
	pass=$((pass + 1))
}

# check NAME STATUS 'NEEDLE...' -- ARGS...: the same for `netpolc check` (output: stderr).
check() {
	name=$1 want=$2 needles=$3
	shift 4
	"$nc" check "$@" >"$out" 2>&1
	st=$?
	cmd="netpolc check $*"
	if [ "$st" != "$want" ]; then
		bad "$name: exit status $st, expected $want" "$cmd"
		return
	fi
	old_ifs=$IFS
	IFS='|'
	for n in $needles; do
		if ! grep -qF -- "$n" "$out"; then
			IFS=$old_ifs
			bad "$name: output does not contain '$n'" "$cmd"
			return
		fi
	done
	IFS=$old_ifs
	pass=$((pass + 1))
}

# Verify the configuration: a pod in nginx-example is denied by its own egress.
# shellcheck disable=SC2086
query verify-same-namespace deny 3 \
	"egress of nginx-example/test-pod|denied|default-deny-all|allowed by nginx-example/allow-nginx" \
	-- --from nginx-example/test-pod --to $NGINX --port 80 $VERIFY
# shellcheck disable=SC2086
query verify-same-namespace-by-address deny 3 "default-deny-all" \
	-- --from 10.244.1.11 --to 10.244.1.10 --port tcp/80 $VERIFY
# shellcheck disable=SC2086
query verify-same-namespace-ipv6 deny 3 "default-deny-all" \
	-- --from fd00:244:1::11 --to fd00:244:1::10 --port tcp/80 $VERIFY
# A pod in another namespace, without policies, is allowed on TCP/80 ...
# shellcheck disable=SC2086
query verify-other-namespace allow 0 "allow-nginx|not isolated" \
	-- --from test/test-pod --to $NGINX --port 80 $VERIFY
# shellcheck disable=SC2086
query verify-other-namespace-template allow 0 "allow-nginx" \
	-- --from test/test-pod --to nginx-example/nginx-deployment --port tcp/80 $VERIFY
# ... and only there.
# shellcheck disable=SC2086
query verify-other-namespace-443 deny 3 "default-deny-all" \
	-- --from test/test-pod --to $NGINX --port tcp/443 $VERIFY
# shellcheck disable=SC2086
query verify-other-namespace-udp deny 3 "default-deny-all" \
	-- --from test/test-pod --to $NGINX --port udp/80 $VERIFY
# DNS is blocked too.
# shellcheck disable=SC2086
query verify-dns-blocked deny 3 "default-deny-all" \
	-- --from nginx-example/test-pod --to 10.96.0.10 --port udp/53 $VERIFY
# An external client is never isolated (rule 5).
# shellcheck disable=SC2086
query verify-external-client allow 0 "external address" \
	-- --from 203.0.113.7 --to $NGINX --port 80 $VERIFY

# allow-except-untrusted while default-deny-all stands: both denied.
# shellcheck disable=SC2086
query except-untrusted deny 3 "default-deny-all" \
	-- --from nginx-example/untrusted-pod --to $NGINX --port 80 $EXCEPT
# shellcheck disable=SC2086
query except-trusted deny 3 "egress of nginx-example/trusted-pod|default-deny-all|allow-except-untrusted" \
	-- --from nginx-example/trusted-pod --to $NGINX --port 80 $EXCEPT

# allow-from-trusted-namespace works because the inventory labels the namespace.
query trusted-namespace allow 0 "allow-from-trusted-namespace" \
	-- --from trusted-namespace/test-pod --to $NGINX --port 80 \
	"$T/00-inventory.yaml" "$T/30-allow-from-trusted-namespace.yaml"
query trusted-namespace-other deny 3 "allow-from-trusted-namespace" \
	-- --from test/test-pod --to $NGINX --port 80 \
	"$T/00-inventory.yaml" "$T/30-allow-from-trusted-namespace.yaml"

# deny-from-certain-pods allows app=test.
query deny-from-certain-pods allow 0 "deny-from-certain-pods" \
	-- --from default/test --to default/production --port 80 \
	examples/policies/00-inventory.yaml examples/policies/05-deny-from-certain-pods.yaml

# check: the verify step's unusable allowance and the "deny" that allows.
# shellcheck disable=SC2086
check check-verify 0 "allow-nginx|cannot use it|default-deny-all|DNS" -- $VERIFY
check check-deny-name 0 "named like a deny|deny-from-certain-pods" -- examples/policies

# An unknown pod is an error, not a verdict.
# shellcheck disable=SC2086
"$nc" query --from nginx-example/nope --to $NGINX --port 80 $VERIFY >"$out" 2>&1
st=$?
if [ "$st" = 1 ] && grep -qF "nginx-example/nope" "$out"; then
	pass=$((pass + 1))
else
	bad "unknown-pod: exit status $st, expected 1 and the name in the message" \
		"netpolc query --from nginx-example/nope ..."
fi

echo "check-tutorial: $pass passed, $fail failed"
[ "$fail" = 0 ]
