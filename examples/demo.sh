#!/bin/sh
# demo.sh - compile the bundled examples (make demo runs this after building).
set -eu
cd "$(dirname "$0")/.."
out=${DEMO_OUT:-build/demo}
netpolc=${NETPOLC:-./netpolc}
mkdir -p "$out"
tut=examples/tutorial
echo "== netpolc check: the tutorial's cluster and policies"
"$netpolc" check $tut || true
echo
echo "== netpolc query: the tutorial's 'verify' step, as Kubernetes decides it"
"$netpolc" query $tut --from nginx-example/test-pod --to nginx-example/nginx-deployment-7c5ddbdf54-x2kqz --port tcp/80 || true
"$netpolc" query $tut --from test/test-pod --to nginx-example/nginx-deployment-7c5ddbdf54-x2kqz --port tcp/80 || true
echo
echo "== netpolc test: the verdicts the tutorial expects (examples/tests/tutorial.yaml)"
"$netpolc" test examples/tests/tutorial.yaml $tut
"$netpolc" test examples/tests/cluster-admin.yaml examples/cluster-admin
echo
echo "== netpolc table: who may open TCP/80 to whom"
"$netpolc" table $tut --port tcp/80
echo
# the targets are the unindented lines of -t help (indented ones are their options)
for t in $("$netpolc" compile -t help | awk '/^[^ ]/ {print $1}'); do
	case $t in
	json) ext=json ;;
	nftables) ext=nft ;;
	iptables) ext=v4 ;;
	ip6tables) ext=v6 ;;
	calico) ext=calico.yaml ;;
	k8s) ext=k8s.yaml ;;
	dsl) ext=np ;;
	*) ext=$t ;;
	esac
	f="$out/tutorial.$ext"
	"$netpolc" compile -q -t "$t" $tut -o "$f"
	if [ -d "$f" ]; then
		echo "== compiled -t $t -> $f/ ($(ls "$f" | tr '\n' ' '))"
	else
		echo "== compiled -t $t -> $f ($(wc -l <"$f") lines)"
	fi
done
echo
dsl=examples/dsl/host-firewall.np
echo "== the policy language: hosts and policies of a fleet in one file ($dsl)"
"$netpolc" table $dsl --port tcp/5432
"$netpolc" compile -q -t nftables --endpoint fleet/web1 $dsl -o "$out/web1.nft"
echo "== compiled the firewall of host fleet/web1 -> $out/web1.nft ($(wc -l <"$out/web1.nft") lines)"
