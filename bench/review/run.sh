#!/usr/bin/env bash
#
# run.sh - list and diff on the 10k-pod bench cluster against check, in one run.
#
#     bench/review/run.sh
#
# Generates the cluster with bench/scale's generator (10000 pods, 1000
# policies, 150 namespaces, seed 1: bench/out/scale-10k-s1.json) when it is
# missing, then runs RUNS times each of
#     netpolc check -q FILE                          (the reference)
#     netpolc list -q --by pod|workload|namespace FILE
#     netpolc diff -q --by pod|workload|namespace FILE FILE
#     netpolc diff -q --by pod|namespace FILE EDITED
# EDITED being FILE with one NetworkPolicy removed and one pod relabelled
# (written with python3 once; the rows are left out without python3)
# (stdout to /dev/null) and prints, per command, the median wall time, the
# median cpu (user + system) time, the largest peak RSS and the ratios to
# check of wall and cpu time.  The goal (issue 13): list and diff at most
# 3x check.  The machine may be shared: read the load average printed.
#
# Environment: NETPOLC (default ./netpolc), RUNS (default 3), CC (default cc).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/bench/out
NETPOLC=${NETPOLC:-$ROOT/netpolc}
RUNS=${RUNS:-3}
CC=${CC:-cc}
F=$OUT/scale-10k-s1.json

mkdir -p "$OUT"
[ -x "$NETPOLC" ] || make -C "$ROOT" -s netpolc
if [ ! -s "$F" ]; then
	$CC -std=c11 -O2 -o "$OUT/gen" "$ROOT/bench/scale/gen.c" "$ROOT/bench/scale/genpol.c" \
		"$ROOT/bench/scale/genutil.c"
	"$OUT/gen" --pods 10000 --policies 1000 --namespaces 150 --seed 1 -o "$F.tmp" 2>/dev/null
	mv "$F.tmp" "$F"
fi

E=$OUT/scale-10k-s1-edit.json
if [ ! -s "$E" ] && command -v python3 >/dev/null; then
	python3 - "$F" "$E" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
items = d["items"]
pols = [i for i, x in enumerate(items) if x["kind"] == "NetworkPolicy"]
del items[pols[2]]
pods = [x for x in items if x["kind"] == "Pod"]
pods[5]["metadata"].setdefault("labels", {})["tier"] = "frontend"
json.dump(d, open(sys.argv[2] + ".tmp", "w"))
PY
	mv "$E.tmp" "$E"
fi

median() { printf '%s\n' "$@" | sort -g | sed -n "$((($# + 1) / 2))p"; }

# measure ARGS...: "WALL CPU KB" (medians of RUNS, largest peak RSS)
measure() {
	local tf=$OUT/.rtime.$$ walls=() cpus=() kb=0 t0 t1 k u s i
	for ((i = 0; i < RUNS; i++)); do
		t0=$EPOCHREALTIME
		/usr/bin/time -f '%M %U %S' -o "$tf" "$NETPOLC" "$@" >/dev/null || [ $? -eq 3 ]
		t1=$EPOCHREALTIME
		walls+=("$(echo "$t1 - $t0" | bc -l)")
		read -r k u s <<<"$(tail -n 1 "$tf")" # diff's status 3 adds a line first
		cpus+=("$(echo "$u + $s" | bc -l)")
		[ "$k" -gt "$kb" ] && kb=$k
	done
	rm -f "$tf"
	echo "$(median "${walls[@]}") $(median "${cpus[@]}") $kb"
}

echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- netpolc: revision $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || echo ' + local changes'); $RUNS runs each, medians"
echo
echo "| command | wall s | cpu s | peak MiB | vs check wall | vs check cpu |"
echo "|---|---|---|---|---|---|"
read -r cw cc ck <<<"$(measure check -q "$F")"
row() {
	# shellcheck disable=SC2016 # the backquotes are Markdown
	printf '| `%s` | %.2f | %.2f | %d | %.2f | %.2f |\n' "$1" "$2" "$3" "$(($4 / 1024))" \
		"$(echo "$2 / $cw" | bc -l)" "$(echo "$3 / $cc" | bc -l)"
}
row "check -q FILE" "$cw" "$cc" "$ck"
for by in pod workload namespace; do
	read -r w c k <<<"$(measure list -q --by $by "$F")"
	row "list -q --by $by FILE" "$w" "$c" "$k"
done
for by in pod workload namespace; do
	read -r w c k <<<"$(measure diff -q --by $by "$F" "$F")"
	row "diff -q --by $by FILE FILE" "$w" "$c" "$k"
done
for by in pod namespace; do
	[ -s "$E" ] || break
	read -r w c k <<<"$(measure diff -q --by $by "$F" "$E")"
	row "diff -q --by $by FILE EDITED" "$w" "$c" "$k"
done
echo
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
