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
#   2. `netpolc table --port P... --family F -o json` of INPUTS must equal
#      that of the .np file byte for byte (pod list, external addresses and
#      every cell) for TCP, UDP and SCTP ports, both families (JSON, pod by
#      pod: the text shows a workload's pods as one, and the language keeps
#      no workloads);
#   3. `-t dsl` of the .np file must equal the .np file but for its
#      header line (the printer is a fixed point).
#
# Random scenarios with admin and baseline policies (AdminNetworkPolicy,
# BaselineAdminNetworkPolicy, ClusterNetworkPolicy, Nodes) go through every
# step: the language and -t k8s say them, and the counts at the end require
# that most of them did.
#
# And through Kubernetes YAML (`-t k8s --inventory`), for every input the
# language can say:
#
#   4. `-t k8s INPUTS` gives policies and an inventory whose tables equal
#      those of INPUTS (every probe, both families, the pod list too);
#   5. `-t k8s` of that output is the same two files but for their header
#      lines (idempotent);
#   6. `-t k8s` of the .np file gives the same policies, and `-t dsl` of
#      either conversion gives the .np file again (DSL -> k8s -> DSL);
#   7. an input Kubernetes cannot say (deny, tiers, orders in namespaced
#      policies, Calico policies) is refused with "cannot say" errors only.
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
cases=0 random=0 admin=0 skipped=0 tables=0 fail=0 k8s=0 k8s_refused=0
PROBES="tcp/53 tcp/80 tcp/81 tcp/443 tcp/4000 tcp/5432 tcp/8080 tcp/8150 tcp/9000 tcp/9090
udp/53 udp/81 udp/5005 sctp/80 sctp/3868 sctp/9000 sctp/9050"
# Under a sanitizer build (make asan-check) the examples, e2e cases and
# random scenarios still all go through, but only one golden case in three
# and on fewer probes: the code paths are the same, the runs fewer.
every=1
case "${BUILD:-build}" in build) ;; *) PROBES="tcp/53 tcp/80 udp/53 sctp/80" every=3 ;; esac

# same_but_header A B: the files are equal but for their first lines.
same_but_header() {
	cmp -s "$1" "$2" || [ "$(sed 1d "$1")" = "$(sed 1d "$2")" ]
}

# k8s_refusals N: every error in $tmp/kerr says what NetworkPolicy cannot
# say, and there are N of them (N empty: at least one).
k8s_refusals() {
	ke=$(grep -c ': error: ' "$tmp/kerr")
	kr=$(grep -c ': error: a Kubernetes NetworkPolicy cannot say ' "$tmp/kerr")
	[ "$ke" = "$kr" ] && [ "$kr" -gt 0 ] && { [ -z "$1" ] || [ "$kr" = "$1" ]; }
}

# k8s_convert NAME INPUT...: steps 4 (its conversion only), 5 and 6;
# k8s_ok is 1 when the tables are to be compared, 0 when refused or failed.
k8s_convert() {
	kname=$1
	shift
	k8s_ok=0
	rm -f "$tmp/k.yaml" "$tmp/k.inv.yaml"
	if ! "$nc" compile -t k8s --inventory "$tmp/k.inv.yaml" "$@" >"$tmp/k.yaml" 2>"$tmp/kerr"; then
		# a random scenario (Kubernetes objects only) is never refused
		if [ "$kind" != random ] && k8s_refusals "" && [ ! -e "$tmp/k.inv.yaml" ] &&
			[ ! -s "$tmp/k.yaml" ]; then
			echo "k8s refused $kname: $(grep error "$tmp/kerr" | head -1)"
			k8s_refused=$((k8s_refused + 1))
			return 0
		fi
		echo "FAIL k8s-roundtrip/$kname: compile -t k8s failed (or wrote output)"
		sed 's/^/    /' "$tmp/kerr" | head -20
		return 1
	fi
	"$nc" compile -q -t k8s --inventory "$tmp/kk.inv.yaml" "$tmp/k.yaml" "$tmp/k.inv.yaml" \
		>"$tmp/kk.yaml" 2>"$tmp/kerr"
	if ! same_but_header "$tmp/k.yaml" "$tmp/kk.yaml" ||
		! same_but_header "$tmp/k.inv.yaml" "$tmp/kk.inv.yaml"; then
		echo "FAIL k8s-roundtrip/$kname: -t k8s of its own output differs"
		diff -u "$tmp/k.yaml" "$tmp/kk.yaml" | sed 's/^/    /' | head -30
		diff -u "$tmp/k.inv.yaml" "$tmp/kk.inv.yaml" | sed 's/^/    /' | head -30
		sed 's/^/    /' "$tmp/kerr" | head -5
		return 1
	fi
	"$nc" compile -q -t k8s --inventory "$tmp/xk.inv.yaml" "$tmp/x.np" >"$tmp/xk.yaml" 2>"$tmp/kerr"
	"$nc" compile -q -t dsl "$tmp/k.yaml" "$tmp/k.inv.yaml" >"$tmp/kx.np" 2>>"$tmp/kerr"
	"$nc" compile -q -t dsl "$tmp/xk.yaml" "$tmp/xk.inv.yaml" >"$tmp/xkx.np" 2>>"$tmp/kerr"
	if ! same_but_header "$tmp/k.yaml" "$tmp/xk.yaml" ||
		! same_but_header "$tmp/x.np" "$tmp/kx.np" ||
		! same_but_header "$tmp/x.np" "$tmp/xkx.np"; then
		echo "FAIL k8s-roundtrip/$kname: DSL -> k8s -> DSL is not stable"
		diff -u "$tmp/k.yaml" "$tmp/xk.yaml" | sed 's/^/    /' | head -30
		diff -u "$tmp/x.np" "$tmp/kx.np" | sed 's/^/    /' | head -30
		diff -u "$tmp/x.np" "$tmp/xkx.np" | sed 's/^/    /' | head -30
		sed 's/^/    /' "$tmp/kerr" | head -5
		return 1
	fi
	k8s_ok=1
	return 0
}

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
	k8s_convert "$name" "$@" || ok=0
	probes=$PROBES
	[ "$kind" = random ] && probes="$probes $(sed -n '1s/^# probe://p' "$1")"
	# one table per family and at most 30 ports (table takes 32)
	printf '%s\n' $probes | sort -u | awk '{ printf "%s--port %s", NR % 30 == 1 ? (NR > 1 ? "\n" : "") : " ", $0 } END { print "" }' >"$tmp/chunks"
	while read -r ports; do
		for fam in 4 6; do
			# shellcheck disable=SC2086
			"$nc" table $ports --family $fam -o json "$@" >"$tmp/a.out" 2>/dev/null
			st1=$?
			# shellcheck disable=SC2086
			"$nc" table $ports --family $fam -o json "$tmp/x.np" >"$tmp/b.out" 2>/dev/null
			st2=$?
			tables=$((tables + 1))
			if [ $k8s_ok = 1 ]; then
				# shellcheck disable=SC2086
				"$nc" table -q $ports --family $fam -o json "$tmp/k.yaml" "$tmp/k.inv.yaml" \
					>"$tmp/c.out" 2>/dev/null
				st3=$?
				tables=$((tables + 1))
				if [ $st1 != $st3 ] || ! cmp -s "$tmp/a.out" "$tmp/c.out"; then
					[ $ok = 1 ] && echo "FAIL k8s-roundtrip/$name ($*)"
					ok=0
					echo "    table $ports --family $fam: exit $st1 vs $st3 (k8s)"
					diff -u "$tmp/a.out" "$tmp/c.out" | sed 's/^/    /' | head -30
				fi
			fi
			if [ $st1 != $st2 ] || ! cmp -s "$tmp/a.out" "$tmp/b.out"; then
				[ $ok = 1 ] && echo "FAIL dsl-roundtrip/$name ($*)"
				ok=0
				echo "    table $ports --family $fam: exit $st1 vs $st2 (dsl)"
				diff -u "$tmp/a.out" "$tmp/b.out" | sed 's/^/    /' | head -30
			fi
		done
	done <"$tmp/chunks"
	if [ $ok = 1 ]; then
		cases=$((cases + 1))
		[ $k8s_ok = 1 ] && k8s=$((k8s + 1))
		[ "$kind" = random ] && random=$((random + 1))
		[ "$kind" = random ] && grep -q '^apiVersion: policy.networking.k8s.io/' "$1" &&
			admin=$((admin + 1))
	else
		fail=$((fail + 1))
	fi
}

check examples/tutorial fixed examples/tutorial
check examples/policies fixed examples/policies
[ -d examples/dsl ] && check examples/dsl fixed examples/dsl
n=0
for a in tests/golden/nftables/*/args tests/golden/calico-in/CI-*/args; do
	n=$((n + 1))
	[ $((n % every)) = 0 ] || continue
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
echo "dsl-roundtrip: $cases cases equal ($random random), $k8s of them through k8s too, $tables tables; $admin random with admin or baseline policies; $k8s_refused refused by k8s alone; $skipped skipped, $fail failed"
[ $((k8s * 2)) -lt "$cases" ] && [ $fail = 0 ] && { echo "FAIL k8s-roundtrip: only $k8s of $cases cases went through k8s"; exit 1; }
[ "$random" -lt "$seeds" ] && [ $fail = 0 ] && { echo "FAIL dsl-roundtrip: only $random of $seeds random cases compared"; exit 1; }
[ $((admin * 4)) -lt "$seeds" ] && [ $fail = 0 ] && { echo "FAIL dsl-roundtrip: only $admin of $seeds random cases had admin policies"; exit 1; }
[ $fail = 0 ]
