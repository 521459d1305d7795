#!/bin/sh
# check-calico-roundtrip.sh - Kubernetes policy -> `-t calico` -> Calico
# frontend must not change a single verdict.
#
# For every Kubernetes test input with an inventory (examples/, the golden
# nftables inputs, tests/e2e/cases/) and for seeded random scenarios of the
# e2e generator (tests/e2e/gen.c, seeds 1..ROUNDTRIP_SEEDS, default 60, 15
# under a sanitizer build):
#
#   1. `netpolc compile -t calico INPUTS` gives the Calico policies;
#   2. the inputs without their NetworkPolicy documents give the inventory
#      (checked: converting it yields no policy);
#   3. `netpolc table --port P... --family F -o json` on INPUTS must equal,
#      byte for byte (the pod list, every cell, the external addresses),
#      the table on inventory + Calico policies, for TCP, UDP and SCTP
#      ports that the inputs name (single ports, named ports' numbers,
#      ports inside endPort ranges; up to 30 in one table) and both
#      address families.
#
# A fixed input that netpolc rejects or that the backend cannot convert is
# skipped with its reason; a random scenario never is.  Any mismatch prints
# both tables and the script exits 1; so does running fewer random cases
# than asked.  Ends with one summary line.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
nc=${BUILD:-build}/netpolc
[ -x "$nc" ] || nc=./netpolc
if [ ! -x "$nc" ]; then
	echo "check-calico-roundtrip: no netpolc binary (run make first)" >&2
	exit 1
fi
nc=$(cd "$(dirname "$nc")" && pwd)/$(basename "$nc")
seeds=${ROUNDTRIP_SEEDS:-60}
# under a sanitizer build (make asan-check) the random part is shortened
case "${BUILD:-build}" in build) ;; *) seeds=${ROUNDTRIP_SEEDS:-15} ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cases=0
random=0
skipped=0
tables=0
cells=0
fail=0

# The ports a fixed case is checked on, plus the TCP ports its inputs
# mention; 200, 4000, 5005, 8150, 9050 lie inside endPort ranges of the
# inputs.  A random case is checked on the generator's probes plus
# RANDOM_PROBES (named ports' numbers and range ends of its port pool).
FIXED_TCP="53 80 81 200 443 4000 5432 8080 8150 9000"
FIXED_UDP="53 81 5005"
FIXED_SCTP="80 3868 9000 9050"
RANDOM_PROBES="tcp/80 tcp/81 tcp/8080 tcp/9090 udp/53 udp/81 sctp/9000"

# inventory_of FILE...: the YAML streams without their Kubernetes
# NetworkPolicies: a document is cut at every "---" line, and the items of
# a List document ("- " at the start of a line) are judged one by one.
inventory_of() {
	awk '
	function is_policy(text) {
		if (text ~ /kind:[ \t]*(BaselineAdmin|Admin|Cluster)NetworkPolicy([ \t]*[,}\n]|[ \t]*$)/ &&
		    text ~ /apiVersion:[ \t]*policy\.networking\.k8s\.io\//)
			return 1
		return text ~ /kind:[ \t]*NetworkPolicy([ \t]*[,}\n]|[ \t]*$)/ &&
			text ~ /apiVersion:[ \t]*networking\.k8s\.io\//
	}
	function flush(   i, item, out, inlist) {
		if (n == 0) return
		out = ""
		if (doc ~ /(^|\n)kind:[ \t]*List[ \t]*\n/) {
			item = ""
			inlist = 0
			for (i = 1; i <= n; i++) {
				if (line[i] ~ /^- /) {
					if (inlist && !is_policy(item)) out = out item
					item = ""
					inlist = 1
				}
				if (inlist && line[i] ~ /^[^ -]/) {
					if (!is_policy(item)) out = out item
					item = ""
					inlist = 0
				}
				if (inlist) item = item line[i] "\n"
				else out = out line[i] "\n"
			}
			if (inlist && !is_policy(item)) out = out item
		} else if (!is_policy(doc)) {
			out = doc
		}
		if (out != "") printf "---\n%s", out
		n = 0
		doc = ""
	}
	FNR == 1 { flush() }
	/^---/ { flush(); next }
	{ line[++n] = $0; doc = doc $0 "\n" }
	END { flush() }
	' "$@"
}

# files_of PATH...: the input files a path list stands for, in netpolc's order.
files_of() {
	for p in "$@"; do
		if [ -d "$p" ]; then
			find "$p" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) |
				LC_ALL=C sort
		else
			printf '%s\n' "$p"
		fi
	done
}

# ports_of FILE...: port numbers the inputs mention (port, endPort, containerPort).
ports_of() {
	cat "$@" | grep -oE '"?(port|endPort|containerPort)"?:[ ]*[0-9]+' | grep -oE '[0-9]+$' |
		sort -un | tr '\n' ' '
}

# npods FILE: the pods of a `table -o json` (the names in its "pods" array)
npods() {
	sed -n 's/.*"pods":\[\([^]]*\)\].*/\1/p' "$1" | tr ',' '\n' | grep -c .
}

# roundtrip NAME KIND INPUT...: KIND is "fixed" (may be skipped) or "random".
roundtrip() {
	name=$1 kind=$2
	shift 2
	d=$tmp/case
	rm -rf "$d"
	mkdir -p "$d/inv"
	if ! "$nc" compile -t calico "$@" >"$d/calico.yaml" 2>"$d/err"; then
		if [ "$kind" = random ]; then
			echo "FAIL calico-roundtrip/$name: compile -t calico failed"
			sed 's/^/    /' "$d/err" | head -20
			fail=$((fail + 1))
		else
			echo "skip calico-roundtrip/$name: compile -t calico rejects it: $(head -1 "$d/err")"
			skipped=$((skipped + 1))
		fi
		return
	fi
	files_of "$@" >"$d/files"
	# shellcheck disable=SC2046
	inventory_of $(cat "$d/files") >"$d/inv/inventory.yaml"
	if "$nc" compile -t calico "$d/inv" 2>/dev/null | grep -q '^kind:'; then
		echo "skip calico-roundtrip/$name: its NetworkPolicies are not separate YAML documents"
		skipped=$((skipped + 1))
		return
	fi
	if ! grep -qE '^kind: (Global)?NetworkPolicy' "$d/calico.yaml"; then
		echo "skip calico-roundtrip/$name: no policy"
		skipped=$((skipped + 1))
		return
	fi
	if [ "$kind" = fixed ] && ! "$nc" table --port 80 "$@" >/dev/null 2>"$d/err"; then
		echo "skip calico-roundtrip/$name: netpolc table rejects it: $(head -1 "$d/err")"
		skipped=$((skipped + 1))
		return
	fi
	if [ "$kind" = random ]; then
		probes="$RANDOM_PROBES $(sed -n '1s/^# probe://p' "$1")"
	else
		# shellcheck disable=SC2046
		probes=""
		for p in $FIXED_TCP $(ports_of $(cat "$d/files")); do probes="$probes tcp/$p"; done
		for p in $FIXED_UDP; do probes="$probes udp/$p"; done
		for p in $FIXED_SCTP; do probes="$probes sctp/$p"; done
	fi
	# one table per family and at most 30 ports (table takes 32)
	# shellcheck disable=SC2086
	printf '%s\n' $probes | sort -u | awk '{ printf "%s--port %s", NR % 30 == 1 ? (NR > 1 ? "\n" : "") : " ", $0 } END { print "" }' >"$d/chunks"
	ok=1
	n=""
	while read -r ports; do
		for fam in 4 6; do
			# shellcheck disable=SC2086
			"$nc" table $ports --family $fam -o json "$@" >"$d/k8s.out" 2>"$d/k8s.err"
			st1=$?
			# shellcheck disable=SC2086
			"$nc" table $ports --family $fam -o json "$d/inv" "$d/calico.yaml" \
				>"$d/cal.out" 2>"$d/cal.err"
			st2=$?
			tables=$((tables + 1))
			if [ $st1 != 0 ] || [ $st2 != 0 ] || ! cmp -s "$d/k8s.out" "$d/cal.out"; then
				if [ $ok = 1 ]; then
					echo "FAIL calico-roundtrip/$name"
					echo "    inputs: $*"
				fi
				ok=0
				echo "    table $ports --family $fam: exit $st1 (Kubernetes) vs $st2 (Calico)"
				diff -u "$d/k8s.out" "$d/cal.out" | sed 's/^/    /' | head -40
				sed 's/^/    k8s: /' "$d/k8s.err" | head -5
				sed 's/^/    calico: /' "$d/cal.err" | head -5
				continue
			fi
			[ -n "$n" ] || n=$(npods "$d/k8s.out")
			cells=$((cells + n * n * $(echo "$ports" | wc -w) / 2))
		done
	done <"$d/chunks"
	if [ $ok = 1 ]; then
		cases=$((cases + 1))
		[ "$kind" = random ] && random=$((random + 1))
	else
		fail=$((fail + 1))
	fi
}

# fixed inputs: the examples, the golden nftables inputs, the e2e cases
roundtrip examples/tutorial fixed examples/tutorial
roundtrip examples/policies fixed examples/policies
for a in tests/golden/nftables/*/args; do
	dir=$(dirname "$a")
	set --
	for w in $(cat "$a"); do
		case "$w" in
		*.yaml | *.yml | *.json) [ -e "$dir/$w" ] && set -- "$@" "$dir/$w" ;;
		*) [ -d "$dir/$w" ] && set -- "$@" "$dir/$w" ;;
		esac
	done
	[ $# -gt 0 ] && roundtrip "$(basename "$dir")" fixed "$@"
done
for f in tests/e2e/cases/*.yaml; do
	[ -f "$f" ] || continue
	case "$f" in */inventory.yaml) continue ;; esac
	if grep -q '^# inventory: own' "$f" || [ ! -f tests/e2e/cases/inventory.yaml ]; then
		roundtrip "e2e-$(basename "$f" .yaml)" fixed "$f"
	else
		roundtrip "e2e-$(basename "$f" .yaml)" fixed tests/e2e/cases/inventory.yaml "$f"
	fi
done

# random scenarios
if ! ${CC:-cc} -O1 -o "$tmp/gen" tests/e2e/gen.c 2>"$tmp/gen.err"; then
	echo "FAIL calico-roundtrip: cannot build tests/e2e/gen.c"
	sed 's/^/    /' "$tmp/gen.err"
	exit 1
fi
s=1
while [ $s -le "$seeds" ]; do
	if ! "$tmp/gen" $s >"$tmp/seed-$s.yaml"; then
		echo "FAIL calico-roundtrip/seed-$s: the generator failed"
		fail=$((fail + 1))
	else
		roundtrip "seed-$s" random "$tmp/seed-$s.yaml"
	fi
	rm -f "$tmp/seed-$s.yaml"
	s=$((s + 1))
done

echo "calico-roundtrip: $cases cases equal ($random random), $tables tables, $cells cells; $skipped skipped, $fail failed"
if [ "$random" -lt "$seeds" ] && [ $fail = 0 ]; then
	echo "FAIL calico-roundtrip: only $random of $seeds random cases ran"
	exit 1
fi
[ $fail = 0 ]
