#!/usr/bin/env bash
#
# run.sh - the scale benchmark: netpolc on whole clusters against a bare
# jansson load of the same file, in one run.
#
#     bench/scale/run.sh [SIZE...]        SIZE: 1k 10k 50k (default: all three)
#
# Builds bench/out/gen and bench/out/jload, generates each cluster once
# (bench/out/scale-SIZE-sSEED.json, regenerated when gen.c changes), then
# measures, RUNS times each, the wall time (median) and peak RSS (largest)
# of
#     jload FILE                                    (the reference)
#     netpolc check -q FILE
#     netpolc compile -q -t json FILE -o -          (stdout to /dev/null)
# and prints a table with the absolute figures, the netpolc/jload ratios
# and the cost per pod at each size with its growth from one size to the
# next (1.00 = linear).  The same text goes to bench/scale/RESULTS.md with
# the machine and the date.
#
# Environment: NETPOLC (binary, default ./netpolc, built with make if
# missing), RUNS (default 3), SEED (default 1), CC (default cc).
#
# The goal (issue "Scale"): check at most 2x the bare load, in time and in
# memory, at every size, and cost growing linearly with the input.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/scale
OUT=$ROOT/bench/out
NETPOLC=${NETPOLC:-$ROOT/netpolc}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
CC=${CC:-cc}
WARN="-std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
-Wold-style-definition -Wwrite-strings -Wvla -Wformat=2 -Wpointer-arith -Wundef -fno-common"
GOAL=2

# size -> pods policies namespaces
spec() {
	case $1 in
	1k) echo 1000 100 20 ;;
	10k) echo 10000 1000 150 ;;
	50k) echo 50000 10000 600 ;;
	*) echo "run.sh: unknown size '$1' (1k, 10k or 50k)" >&2; exit 2 ;;
	esac
}

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1k 10k 50k)
for s in "${SIZES[@]}"; do spec "$s" >/dev/null; done

# ---- tools ------------------------------------------------------------

if [ ! -x /usr/bin/time ]; then
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
	else
		echo "run.sh: /usr/bin/time is missing; run: sudo apt-get install -y time" >&2
		exit 1
	fi
fi
if ! pkg-config --exists jansson; then
	echo "run.sh: jansson not found; run: sudo apt-get install -y libjansson-dev pkgconf" >&2
	exit 1
fi

mkdir -p "$OUT"
build() { # build NAME: bench/scale/NAME.c -> bench/out/NAME, when out of date
	if [ ! -x "$OUT/$1" ] || [ "$HERE/$1.c" -nt "$OUT/$1" ]; then
		# shellcheck disable=SC2046,SC2086 # flag lists are split on purpose
		$CC $WARN -O2 $(pkg-config --cflags jansson) -o "$OUT/$1" "$HERE/$1.c" \
			$(pkg-config --libs jansson)
	fi
}
build gen
build jload
if [ ! -x "$NETPOLC" ]; then
	make -C "$ROOT" -s netpolc
fi

# ---- measuring --------------------------------------------------------

# measure OUTFILE CMD...: run CMD RUNS times (stdout to /dev/null); print
# "SECONDS KB" (median wall time, largest peak RSS) or "FAIL MESSAGE".
measure() {
	local tf=$OUT/.time.$$ ef=$OUT/.err.$$ times=() kb=0 t0 t1 rc i k
	for ((i = 0; i < RUNS; i++)); do
		t0=$EPOCHREALTIME
		rc=0
		/usr/bin/time -f '%M' -o "$tf" "$@" >/dev/null 2>"$ef" || rc=$?
		t1=$EPOCHREALTIME
		if [ $rc -ne 0 ]; then
			echo "FAIL exit $rc: $(grep -v '^Command exited' "$ef" | head -n 1)"
			rm -f "$tf" "$ef"
			return
		fi
		times+=("$(echo "$t1 - $t0" | bc -l)")
		k=$(tail -n 1 "$tf")
		[ "$k" -gt "$kb" ] && kb=$k
	done
	rm -f "$tf" "$ef"
	printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(((RUNS + 1) / 2))p")" "$kb"
}

fmt() { printf "%.${2:-2}f" "$1"; }
ratio() { echo "scale=4; $1 / $2" | bc -l; }

declare -A T M PODS BYTES
TOOLS=(jload check compile)

for s in "${SIZES[@]}"; do
	read -r pods pols nss <<<"$(spec "$s")"
	f=$OUT/scale-$s-s$SEED.json
	if [ ! -s "$f" ] || [ "$HERE/gen.c" -nt "$f" ]; then
		echo "generating $s: $pods pods, $pols policies, $nss namespaces" >&2
		"$OUT/gen" --pods "$pods" --policies "$pols" --namespaces "$nss" --seed "$SEED" \
			-o "$f.tmp" 2>/dev/null
		mv "$f.tmp" "$f"
	fi
	PODS[$s]=$pods
	BYTES[$s]=$(stat -c %s "$f")
	for tool in "${TOOLS[@]}"; do
		echo "measuring $s: $tool" >&2
		case $tool in
		jload) r=$(measure "$OUT/jload" "$f") ;;
		check) r=$(measure "$NETPOLC" check -q "$f") ;;
		compile) r=$(measure "$NETPOLC" compile -q -t json "$f" -o -) ;;
		esac
		case $r in
		FAIL*) T[$s,$tool]=$r; M[$s,$tool]= ;;
		*) T[$s,$tool]=${r% *}; M[$s,$tool]=${r#* } ;;
		esac
	done
done

# ---- report -----------------------------------------------------------

ok() { [[ ${T[$1,$2]} != FAIL* ]]; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "uncommitted")
report=$OUT/.report.$$
{
	echo "# Scale benchmark results"
	echo
	echo "Written by \`bench/scale/run.sh\`; do not edit by hand (rerun it)."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) CPUs, ${cpu:-unknown CPU}, $mem RAM, Linux $(uname -r)"
	echo "- netpolc: revision $rev; $($CC --version | head -n 1); jansson $(pkg-config --modversion jansson)"
	echo "- method: median wall time of $RUNS runs, largest peak RSS (/usr/bin/time %M); seed $SEED"
	echo "- reference: \`jload FILE\` = json_load_file() + json_decref(), nothing else"
	echo "- check = \`netpolc check -q FILE\`; compile = \`netpolc compile -q -t json FILE -o -\` (stdout to /dev/null)"
	echo
	echo "## Absolute figures and ratios to the bare load"
	echo
	echo "| size | input | jload s | jload MiB | check s | check MiB | check/jload time | check/jload mem | compile s | compile MiB | compile/jload time | compile/jload mem |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
	for s in "${SIZES[@]}"; do
		read -r pods pols nss <<<"$(spec "$s")"
		line="| $s ($pods pods, $pols policies, $nss ns) | $(fmt "$(echo "${BYTES[$s]} / 1048576" | bc -l)" 0) MiB"
		for tool in "${TOOLS[@]}"; do
			if ok "$s" "$tool"; then
				line+=" | $(fmt "${T[$s,$tool]}") | $(fmt "$(echo "${M[$s,$tool]} / 1024" | bc -l)" 0)"
			else
				line+=" | ${T[$s,$tool]} | -"
			fi
			if [ "$tool" != jload ]; then
				if ok "$s" "$tool" && ok "$s" jload; then
					line+=" | $(fmt "$(ratio "${T[$s,$tool]}" "${T[$s,jload]}")")x"
					line+=" | $(fmt "$(ratio "${M[$s,$tool]}" "${M[$s,jload]}")")x"
				else
					line+=" | - | -"
				fi
			fi
		done
		echo "$line |"
	done
	echo
	echo "## Cost per pod and its growth (linearity)"
	echo
	echo "Time in microseconds and peak memory in KiB per pod; growth = per-pod cost at this size"
	echo "divided by the per-pod cost at the previous size (1.00 = linear, 1.50 = 50% more per pod)."
	echo
	echo "| size | jload us/pod | check us/pod | compile us/pod | jload KiB/pod | check KiB/pod | compile KiB/pod |"
	echo "|---|---|---|---|---|---|---|"
	prev=
	for s in "${SIZES[@]}"; do
		line="| $s"
		for unit in T M; do
			for tool in "${TOOLS[@]}"; do
				if ! ok "$s" "$tool"; then
					line+=" | -"
					continue
				fi
				if [ $unit = T ]; then
					v=$(echo "${T[$s,$tool]} * 1000000 / ${PODS[$s]}" | bc -l)
				else
					v=$(echo "${M[$s,$tool]} / ${PODS[$s]}" | bc -l)
				fi
				cell=$(fmt "$v" 1)
				if [ -n "$prev" ] && ok "$prev" "$tool"; then
					if [ $unit = T ]; then
						pv=$(echo "${T[$prev,$tool]} * 1000000 / ${PODS[$prev]}" | bc -l)
					else
						pv=$(echo "${M[$prev,$tool]} / ${PODS[$prev]}" | bc -l)
					fi
					cell+=" (x$(fmt "$(ratio "$v" "$pv")"))"
				fi
				line+=" | $cell"
			done
		done
		echo "$line |"
		prev=$s
	done
	echo
	echo "## Goal: check <= ${GOAL}x the bare load at every size, linear growth"
	echo
	for s in "${SIZES[@]}"; do
		if ok "$s" check && ok "$s" jload; then
			rt=$(ratio "${T[$s,check]}" "${T[$s,jload]}")
			rm_=$(ratio "${M[$s,check]}" "${M[$s,jload]}")
			vt=$( (($(echo "$rt <= $GOAL" | bc -l))) && echo met || echo "NOT met")
			vm=$( (($(echo "$rm_ <= $GOAL" | bc -l))) && echo met || echo "NOT met")
			echo "- $s: time $(fmt "$rt")x ($vt), memory $(fmt "$rm_")x ($vm)"
		else
			echo "- $s: check failed: ${T[$s,check]}"
		fi
	done
} >"$report"
cat "$report"
mv "$report" "$HERE/RESULTS.md"
echo >&2
echo "written to bench/scale/RESULTS.md" >&2
