#!/bin/sh
# check-dsl-roundtrip.sh - any input -> `-t dsl` -> the policy language
# reader must not change a single verdict, and the language's own output
# must read back to itself.
#
# For every test input with an inventory (examples/, the golden nftables
# and Calico inputs, tests/e2e/cases/ in YAML and in the language) and for
# seeded random scenarios of the e2e generator (seeds 1..ROUNDTRIP_SEEDS,
# default 60, 15 under a sanitizer build):
#
#   1. `netpolc compile -t dsl INPUTS` gives one .np file, inventory
#      (namespaces, hosts) and policies;
#   2. `netpolc table --port P --family F` of INPUTS must equal that of
#      the .np file byte for byte (pod list and every cell) for TCP, UDP
#      and SCTP ports, both families;
#   3. `-t dsl` of the .np file must equal the .np file but for its
#      header line (the printer is a fixed point).
#
# A fixed input that netpolc or the backend rejects is skipped with its
# reason; a random scenario never is.  Ends with one summary line.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
nc=${BUILD:-build}/netpolc
[ -x "$nc" ] || nc=./netpolc
[ -x "$nc" ] || { echo "check-dsl-roundtrip: no netpolc binary (run make first)" >&2; exit 1; }
seeds=${ROUNDTRIP_SEEDS:-60}
case "${BUILD:-build}" in build) ;; *) seeds=${ROUNDTRIP_SEEDS:-15} ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cases=0 random=0 refused=0 skipped=0 tables=0 fail=0
PROBES="tcp/53 tcp/80 tcp/81 tcp/443 tcp/4000 tcp/5432 tcp/8080 tcp/8150 tcp/9000 tcp/9090
udp/53 udp/81 udp/5005 sctp/80 sctp/3868 sctp/9000 sctp/9050"

# check NAME KIND INPUT...: KIND is "fixed" (may be skipped) or "random".
check() {
	name=$1 kind=$2
	shift 2
	if ! "$nc" compile -t dsl "$@" >"$tmp/x.np" 2>"$tmp/err" ||
		! "$nc" table --port 80 "$@" >/dev/null 2>>"$tmp/err"; then
		if [ "$kind" = fixed ]; then
			echo "skip dsl-roundtrip/$name: $(grep error "$tmp/err" | head -1)"
			skipped=$((skipped + 1))
			return
		fi
		# The language has no cluster-wide policies: a random scenario with
		# some must be refused at each of them, never compiled without them.
		nk=$(grep -c '^kind: \(Baseline\)*AdminNetworkPolicy$\|^kind: ClusterNetworkPolicy$' "$1")
		ne=$(grep -c ': error: ' "$tmp/err")
		nr=$(grep -c ': error: the policy language cannot say an* \(Baseline\)*\(Admin\|Cluster\)NetworkPolicy$' "$tmp/err")
		if [ "$nk" -gt 0 ] && [ "$ne" = "$nk" ] && [ "$nr" = "$nk" ]; then
			refused=$((refused + 1))
			return
		fi
		echo "FAIL dsl-roundtrip/$name: compile -t dsl failed"
		sed 's/^/    /' "$tmp/err" | head -20
		fail=$((fail + 1))
		return
	fi
	ok=1
	"$nc" compile -t dsl "$tmp/x.np" >"$tmp/y.np" 2>"$tmp/err"
	if ! cmp -s "$tmp/x.np" "$tmp/y.np" && [ "$(sed 1d "$tmp/x.np")" != "$(sed 1d "$tmp/y.np")" ]; then
		echo "FAIL dsl-roundtrip/$name: -t dsl of its own output differs"
		diff -u "$tmp/x.np" "$tmp/y.np" | sed 's/^/    /' | head -30
		sed 's/^/    /' "$tmp/err" | head -5
		ok=0
	fi
	probes=$PROBES
	[ "$kind" = random ] && probes="$probes $(sed -n '1s/^# probe://p' "$1")"
	for probe in $(printf '%s\n' $probes | sort -u); do
		for fam in 4 6; do
			"$nc" table --port "$probe" --family $fam "$@" >"$tmp/a.out" 2>/dev/null
			st1=$?
			"$nc" table --port "$probe" --family $fam "$tmp/x.np" >"$tmp/b.out" 2>/dev/null
			st2=$?
			tables=$((tables + 1))
			# the language keeps no workload kinds: templates are hosts
			sed -i 's/ (template)$//' "$tmp/a.out"
			if [ $st1 != $st2 ] || ! cmp -s "$tmp/a.out" "$tmp/b.out"; then
				[ $ok = 1 ] && echo "FAIL dsl-roundtrip/$name ($*)"
				ok=0
				echo "    table --port $probe --family $fam: exit $st1 vs $st2 (dsl)"
				diff -u "$tmp/a.out" "$tmp/b.out" | sed 's/^/    /' | head -30
			fi
		done
	done
	if [ $ok = 1 ]; then
		cases=$((cases + 1))
		[ "$kind" = random ] && random=$((random + 1))
	else
		fail=$((fail + 1))
	fi
}

check examples/tutorial fixed examples/tutorial
check examples/policies fixed examples/policies
[ -d examples/dsl ] && check examples/dsl fixed examples/dsl
for a in tests/golden/nftables/*/args tests/golden/calico-in/CI-*/args; do
	dir=$(dirname "$a")
	set --
	for w in $(cat "$a"); do
		case "$w" in
		*.yaml | *.yml | *.json | *.np) [ -e "$dir/$w" ] && set -- "$@" "$dir/$w" ;;
		*) [ -d "$dir/$w" ] && set -- "$@" "$dir/$w" ;;
		esac
	done
	[ $# -gt 0 ] && check "$(basename "$dir")" fixed "$@"
done
for f in tests/e2e/cases/[0-9]*.yaml tests/e2e/cases/[0-9]*.np; do
	[ -f "$f" ] || continue
	if grep -q '^# inventory: own' "$f"; then
		check "e2e-$(basename "$f")" fixed "$f"
	else
		check "e2e-$(basename "$f")" fixed tests/e2e/cases/inventory.yaml "$f"
	fi
done

if ! ${CC:-cc} -O1 -o "$tmp/gen" tests/e2e/gen.c 2>"$tmp/gen.err"; then
	echo "FAIL dsl-roundtrip: cannot build tests/e2e/gen.c"
	exit 1
fi
s=1
while [ $s -le "$seeds" ]; do
	"$tmp/gen" $s >"$tmp/seed.yaml" && check "seed-$s" random "$tmp/seed.yaml"
	s=$((s + 1))
done
echo "dsl-roundtrip: $cases cases equal ($random random), $tables tables; $refused random with cluster-wide policies refused as the language cannot say them; $skipped skipped, $fail failed"
[ $((random + refused)) -lt "$seeds" ] && [ $fail = 0 ] && { echo "FAIL dsl-roundtrip: only $random of $seeds random cases ran"; exit 1; }
[ $((random * 2)) -lt "$seeds" ] && [ $fail = 0 ] && { echo "FAIL dsl-roundtrip: only $random of $seeds random cases compared"; exit 1; }
[ $fail = 0 ]
