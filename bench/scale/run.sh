#!/usr/bin/env bash
#
# run.sh - the scale benchmark: netpolc on whole clusters against a bare
# jansson load of the same file, in one run.
#
#     bench/scale/run.sh [SIZE...]        SIZE: 1k 10k 50k (default: all three)
#
# Builds bench/out/gen (gen.c genpol.c genutil.c) and bench/out/jload,
# generates each cluster once (bench/out/scale-SIZE-sSEED.json, again when
# the generator changes), then runs each of
#     jload FILE                                    (the reference)
#     netpolc check -q FILE
#     netpolc compile -q -t json FILE -o -          (stdout to /dev/null)
# RUNS times, taking the median wall time, the median cpu (user + system)
# time and the largest peak RSS.  ("-o /dev/null" is avoided: netpolc writes
# its output atomically, a temporary file renamed over the target, which
# would replace the device.)  Prints the absolute figures, the ratios
# netpolc/jload and the cost per pod at each size with its growth from one
# size to the next (1.00 = linear); the same text goes to
# bench/scale/RESULTS.md with the machine, its load and the date.
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
LINEAR=1.20 # largest per-pod growth between sizes still called linear

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

# need PROGRAM PACKAGE: install PACKAGE when PROGRAM is missing (as root), else stop
need() {
	command -v "$1" >/dev/null && return 0
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y "$2" >/dev/null 2>&1 ||
			{ apt-get update >/dev/null && apt-get install -y "$2" >/dev/null; }
	else
		echo "run.sh: $1 is missing; run: sudo apt-get install -y $2" >&2
		exit 1
	fi
}
need /usr/bin/time time
need bc bc
need pkg-config pkgconf
if ! pkg-config --exists jansson; then
	echo "run.sh: jansson not found; run: sudo apt-get install -y libjansson-dev pkgconf" >&2
	exit 1
fi

mkdir -p "$OUT"
# stale TARGET SOURCE...: TARGET is missing or older than a source
stale() {
	local t=$1 src
	shift
	[ -e "$t" ] || return 0
	for src in "$@"; do
		[ "$src" -nt "$t" ] && return 0
	done
	return 1
}
GEN_SRCS=("$HERE/gen.c" "$HERE/genpol.c" "$HERE/genutil.c" "$HERE/gen.h")
# shellcheck disable=SC2046,SC2086 # flag lists are split on purpose
if stale "$OUT/gen" "${GEN_SRCS[@]}"; then
	$CC $WARN -O2 -o "$OUT/gen" "$HERE/gen.c" "$HERE/genpol.c" "$HERE/genutil.c"
fi
# shellcheck disable=SC2046,SC2086
if stale "$OUT/jload" "$HERE/jload.c" "$ROOT/lib/arena.c" "$ROOT/lib/util.c"; then
	$CC $WARN -O2 -D_GNU_SOURCE -I"$ROOT" $(pkg-config --cflags jansson) -o "$OUT/jload" \
		"$HERE/jload.c" "$ROOT/lib/arena.c" "$ROOT/lib/util.c" $(pkg-config --libs jansson)
fi
if [ ! -x "$NETPOLC" ]; then
	make -C "$ROOT" -s netpolc
fi

# ---- measuring --------------------------------------------------------

# measure CMD...: run CMD RUNS times (stdout to /dev/null); print "SECONDS
# KB CPU" (median wall time, largest peak RSS, median user+system time) or
# "FAIL MESSAGE".
measure() {
	local tf=$OUT/.time.$$ ef=$OUT/.err.$$ times=() cpus=() kb=0 t0 t1 rc i k u s
	for ((i = 0; i < RUNS; i++)); do
		t0=$EPOCHREALTIME
		rc=0
		/usr/bin/time -f '%M %U %S' -o "$tf" "$@" >/dev/null 2>"$ef" || rc=$?
		t1=$EPOCHREALTIME
		if [ $rc -ne 0 ]; then
			echo "FAIL exit $rc: $(grep -v '^Command exited' "$ef" | head -n 1)"
			rm -f "$tf" "$ef"
			return
		fi
		times+=("$(echo "$t1 - $t0" | bc -l)")
		read -r k u s <<<"$(tail -n 1 "$tf")"
		cpus+=("$(echo "$u + $s" | bc -l)")
		[ "$k" -gt "$kb" ] && kb=$k
	done
	rm -f "$tf" "$ef"
	printf '%s %s %s\n' "$(median "${times[@]}")" "$kb" "$(median "${cpus[@]}")"
}

median() { printf '%s\n' "$@" | sort -g | sed -n "$((($# + 1) / 2))p"; }

fmt() { printf "%.${2:-2}f" "$1"; }
ratio() { echo "scale=4; $1 / $2" | bc -l; }

# the revision measured (taken now: commits may land while this runs)
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "uncommitted")
dirty=$(git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || echo " + local changes")
declare -A T M C PODS BYTES
TOOLS=(jload check compile)

for s in "${SIZES[@]}"; do
	read -r pods pols nss <<<"$(spec "$s")"
	f=$OUT/scale-$s-s$SEED.json
	if stale "$f" "${GEN_SRCS[@]}"; then
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
		jload) load0=${load0:-$(cut -d' ' -f1-3 /proc/loadavg)}; r=$(measure "$OUT/jload" "$f") ;;
		check) r=$(measure "$NETPOLC" check -q "$f") ;;
		compile) r=$(measure "$NETPOLC" compile -q -t json "$f" -o -) ;;
		esac
		case $r in
		FAIL*) T[$s,$tool]=$r; M[$s,$tool]=; C[$s,$tool]= ;;
		*) read -r "T[$s,$tool]" "M[$s,$tool]" "C[$s,$tool]" <<<"$r" ;;
		esac
	done
done

# ---- report -----------------------------------------------------------

ok() { [[ ${T[$1,$2]} != FAIL* ]]; }
calc() { echo "scale=6; $1" | bc -l; }
# per_pod UNIT SIZE TOOL: wall us, cpu us or KiB per pod
per_pod() {
	case $1 in
	T) calc "${T[$2,$3]} * 1000000 / ${PODS[$2]}" ;;
	C) calc "${C[$2,$3]} * 1000000 / ${PODS[$2]}" ;;
	M) calc "${M[$2,$3]} / ${PODS[$2]}" ;;
	esac
}
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
load1=$(cut -d' ' -f1-3 /proc/loadavg)
report=$OUT/.report.$$
{
	echo "# Scale benchmark results"
	echo
	echo "Written by \`bench/scale/run.sh\`; do not edit by hand (rerun it)."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) CPUs, ${cpu:-unknown CPU}, $mem RAM, Linux $(uname -r);" \
		"load average ${load0:-?} before, $load1 after"
	echo "- netpolc: \`${NETPOLC#"$ROOT"/}\`, revision $rev$dirty; $($CC --version | head -n 1); jansson $(pkg-config --modversion jansson)"
	echo "- method: $RUNS runs each; wall = median wall time, cpu = median user+system time," \
		"MiB = largest peak RSS (/usr/bin/time %M); generator seed $SEED"
	echo "- reference: \`jload FILE\` = json_load_file() with jansson allocating from netpolc's arena, released at once, nothing else"
	echo "- check = \`netpolc check -q FILE\`; compile = \`netpolc compile -q -t json FILE -o -\` (stdout to /dev/null)"
	echo
	echo "## Absolute figures and ratios to the bare load"
	echo
	echo "Times in seconds: wall (cpu).  Ratios: netpolc / jload."
	echo
	echo "| size | input | jload s | jload MiB | check s | check MiB | check/jload wall, cpu, mem | compile s | compile MiB | compile/jload wall, cpu, mem |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	for s in "${SIZES[@]}"; do
		read -r pods pols nss <<<"$(spec "$s")"
		line="| $s ($pods pods, $pols policies, $nss ns) | $(fmt "$(calc "${BYTES[$s]} / 1048576")" 0) MiB"
		for tool in "${TOOLS[@]}"; do
			if ok "$s" "$tool"; then
				line+=" | $(fmt "${T[$s,$tool]}") ($(fmt "${C[$s,$tool]}"))"
				line+=" | $(fmt "$(calc "${M[$s,$tool]} / 1024")" 0)"
			else
				line+=" | ${T[$s,$tool]} | -"
			fi
			[ "$tool" = jload ] && continue
			if ok "$s" "$tool" && ok "$s" jload; then
				line+=" | $(fmt "$(ratio "${T[$s,$tool]}" "${T[$s,jload]}")")x,"
				line+=" $(fmt "$(ratio "${C[$s,$tool]}" "${C[$s,jload]}")")x,"
				line+=" $(fmt "$(ratio "${M[$s,$tool]}" "${M[$s,jload]}")")x"
			else
				line+=" | -"
			fi
		done
		echo "$line |"
	done
	echo
	echo "## Cost per pod and its growth (linearity)"
	echo
	echo "Microseconds of wall and cpu time and KiB of peak memory per pod; (xN) = per-pod cost"
	echo "at this size divided by the per-pod cost at the previous size (1.00 = linear)."
	echo
	echo "| size | jload wall | check wall | compile wall | jload cpu | check cpu | compile cpu | jload KiB | check KiB | compile KiB |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	prev=
	for s in "${SIZES[@]}"; do
		line="| $s"
		for unit in T C M; do
			for tool in "${TOOLS[@]}"; do
				if ! ok "$s" "$tool"; then
					line+=" | -"
					continue
				fi
				v=$(per_pod $unit "$s" "$tool")
				line+=" | $(fmt "$v" 1)"
				if [ -n "$prev" ] && ok "$prev" "$tool"; then
					line+=" (x$(fmt "$(ratio "$v" "$(per_pod $unit "$prev" "$tool")")"))"
				fi
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
			line="- $s:"
			for unit in T C M; do
				case $unit in
				T) name=wall; r=$(ratio "${T[$s,check]}" "${T[$s,jload]}") ;;
				C) name=cpu; r=$(ratio "${C[$s,check]}" "${C[$s,jload]}") ;;
				M) name=memory; r=$(ratio "${M[$s,check]}" "${M[$s,jload]}") ;;
				esac
				if (($(echo "$r <= $GOAL" | bc -l))); then v=met; else v="NOT met"; fi
				line+=" $name $(fmt "$r")x ($v);"
			done
			echo "${line%;}"
		else
			echo "- $s: check failed: ${T[$s,check]}"
		fi
	done
	prev=
	for s in "${SIZES[@]}"; do
		if [ -n "$prev" ] && ok "$s" check && ok "$prev" check; then
			g=$(ratio "$(per_pod C "$s" check)" "$(per_pod C "$prev" check)")
			if (($(echo "$g <= $LINEAR" | bc -l))); then v=linear; else v="NOT linear"; fi
			echo "- $prev -> $s: check cpu per pod x$(fmt "$g") ($v: at most x$LINEAR)"
		fi
		prev=$s
	done
} >"$report"
cat "$report"
mv "$report" "$HERE/RESULTS.md"
echo >&2
echo "written to bench/scale/RESULTS.md" >&2
