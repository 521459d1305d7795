#!/usr/bin/env bash
#
# run.sh - the cliffs benchmark: does 4 times the input cost at most 5 times
# the time?  For each input shape of gen.sh (one rule with N ipBlock peers,
# one policy with N rules, N small policies) and each size, times
#     netpolc check -q FILE
#     netpolc compile -q -t json FILE -o -        (stdout to /dev/null)
# RUNS times, and prints the min and median cpu time (user + system), the
# median wall time and, for each step from one size to the next, the ratio
# of the cpu medians.  Exits 1 if a ratio
# exceeds GOAL (5) or a run fails or times out.
#
#     bench/cliffs/run.sh [SIZE...]        default: 25000 100000 400000
#
# Sizes should grow by a factor of 4 (the goal is stated for that step).
# Inputs are generated once into bench/out/cliffs-SHAPE-SIZE.json (again when
# gen.sh changes).  Environment: NETPOLC (binary, default ./netpolc, built
# with make if missing), RUNS (default 3), TIMEOUT (seconds per run, default
# 600), SHAPES (default "peers rules policies").  Markdown on stdout.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/cliffs
OUT=$ROOT/bench/out
NETPOLC=${NETPOLC:-$ROOT/netpolc}
RUNS=${RUNS:-3}
TIMEOUT=${TIMEOUT:-600}
GOAL=5
read -r -a SHAPES <<<"${SHAPES:-peers rules policies}"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(25000 100000 400000)

for prog in bc timeout /usr/bin/time; do
	command -v "$prog" >/dev/null || { echo "run.sh: $prog is missing" >&2; exit 1; }
done
[ -x "$NETPOLC" ] || make -C "$ROOT" -s netpolc
mkdir -p "$OUT"

median() { printf '%s\n' "$@" | sort -g | sed -n "$((($# + 1) / 2))p"; }
minimum() { printf '%s\n' "$@" | sort -g | head -n 1; }
fmt() { printf '%.2f' "$1"; }

# measure CMD...: RUNS runs of CMD; prints "MIN MEDIAN WALL" (cpu seconds,
# user + system, and the median wall time) or "FAIL REASON".  The ratios use
# cpu time: on a shared machine the wall time also measures the neighbours.
measure() {
	local cpus=() walls=() t0 t1 rc i u s tf=$OUT/.cliffs-time.$$ ef=$OUT/.cliffs-err.$$
	for ((i = 0; i < RUNS; i++)); do
		t0=$EPOCHREALTIME
		rc=0
		/usr/bin/time -f '%U %S' -o "$tf" timeout "$TIMEOUT" "$@" >/dev/null 2>"$ef" || rc=$?
		t1=$EPOCHREALTIME
		if [ $rc -eq 124 ]; then
			echo "FAIL timeout ${TIMEOUT}s"
			return
		elif [ $rc -ne 0 ]; then
			echo "FAIL exit $rc: $(head -n 1 "$ef")"
			return
		fi
		read -r u s <<<"$(tail -n 1 "$tf")"
		cpus+=("$(echo "$u + $s" | bc -l)")
		walls+=("$(echo "$t1 - $t0" | bc -l)")
	done
	rm -f "$tf" "$ef"
	echo "$(minimum "${cpus[@]}") $(median "${cpus[@]}") $(median "${walls[@]}")"
}

rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "# netpolc $(basename "$NETPOLC") (worktree at $rev), $(date -u '+%Y-%m-%d %H:%M UTC')," \
	"$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs each"
echo
echo "| shape | command | size | cpu min s | cpu median s | wall median s | x prev (cpu median) |"
echo "|---|---|---|---|---|---|---|"
status=0
for shape in "${SHAPES[@]}"; do
	for cmd in check compile; do
		prev=
		for n in "${SIZES[@]}"; do
			f=$OUT/cliffs-$shape-$n.json
			if [ ! -s "$f" ] || [ "$HERE/gen.sh" -nt "$f" ]; then
				sh "$HERE/gen.sh" "$shape" "$n" >"$f.tmp"
				mv "$f.tmp" "$f"
			fi
			case $cmd in
			check) r=$(measure "$NETPOLC" check -q "$f") ;;
			compile) r=$(measure "$NETPOLC" compile -q -t json "$f" -o -) ;;
			esac
			if [[ $r == FAIL* ]]; then
				echo "| $shape | $cmd | $n | ${r#FAIL } | - | - | - |"
				status=1
				break # larger sizes would only take longer
			fi
			read -r tmin tmed twall <<<"$r"
			ratio=-
			if [ -n "$prev" ]; then
				ratio=$(fmt "$(echo "$tmed / $prev" | bc -l)")
				if (($(echo "$ratio > $GOAL" | bc -l))); then
					ratio="$ratio (over $GOAL)"
					status=1
				fi
			fi
			echo "| $shape | $cmd | $n | $(fmt "$tmin") | $(fmt "$tmed") | $(fmt "$twall") | $ratio |"
			# a time under 10 ms is mostly start-up: no ratio from it
			if (($(echo "$tmed < 0.01" | bc -l))); then prev=; else prev=$tmed; fi
		done
	done
done
echo
if [ $status -eq 0 ]; then
	echo "every step: at most ${GOAL}x the time for 4x the input"
else
	echo "FAILED: a step over ${GOAL}x, or a run failed"
fi
exit $status
