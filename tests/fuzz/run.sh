#!/bin/sh
# run.sh - build and run libFuzzer targets.
#
#   tests/fuzz/run.sh NAME...        e.g. tests/fuzz/run.sh fuzz_yaml fuzz_json
#
# Each NAME is built from tests/fuzz/NAME.c with clang, libFuzzer, ASan and
# UBSan (every UB report aborts) against the whole library (built by the
# Makefile into build-fuzz/), then run for FUZZ_SECONDS seconds (default
# 20) on a working corpus build-fuzz/corpus/NAME, seeded from
# tests/fuzz/corpus/NAME/ and by tests/fuzz/NAME.seeds.sh DIR when it
# exists (and tests/fuzz/NAME.dict when it exists).
# A crash, sanitizer report, leak, timeout or out-of-memory stops that
# target; the input is saved under build-fuzz/artifacts/NAME/ and the
# script exits 1 once every target ran.  Replay one input with
#   build-fuzz/NAME build-fuzz/artifacts/NAME/crash-...
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

if [ $# -eq 0 ]; then
	echo "usage: $0 NAME..." >&2
	exit 2
fi
CLANG=${CLANG:-clang}
secs=${FUZZ_SECONDS:-20}
out=build-fuzz
san=address,undefined
pkgs="yaml-0.1 jansson"

make -s BUILD=$out CC="$CLANG" SANITIZE=fuzzer-no-link,$san CFLAGS="-O1 -g" $out/libnetpolc.a ||
	exit 1

failed=""
for name in "$@"; do
	src=tests/fuzz/$name.c
	if [ ! -f "$src" ]; then
		echo "run.sh: no $src" >&2
		failed="$failed $name"
		continue
	fi
	echo "== $name: building"
	# shellcheck disable=SC2046
	if ! "$CLANG" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I. -O1 -g \
		-fsanitize=fuzzer,$san -fno-sanitize-recover=all -fno-omit-frame-pointer \
		-o $out/$name "$src" $out/libnetpolc.a $(pkg-config --cflags --libs $pkgs); then
		failed="$failed $name"
		continue
	fi
	mkdir -p $out/corpus/$name $out/artifacts/$name
	if [ -d tests/fuzz/corpus/$name ]; then
		cp tests/fuzz/corpus/$name/* $out/corpus/$name/ 2>/dev/null
	fi
	if [ -f tests/fuzz/$name.seeds.sh ]; then
		sh tests/fuzz/$name.seeds.sh $out/corpus/$name
	fi
	dict=""
	if [ -f tests/fuzz/$name.dict ]; then
		dict=-dict=tests/fuzz/$name.dict
	fi
	echo "== $name: fuzzing for $secs s"
	# shellcheck disable=SC2086
	if ! $out/$name -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=16384 -print_final_stats=1 $dict \
		-artifact_prefix=$out/artifacts/$name/ $out/corpus/$name; then
		echo "== $name: FAILED (input saved in $out/artifacts/$name/)" >&2
		failed="$failed $name"
		continue
	fi
	echo "== $name: ok"
done
if [ -n "$failed" ]; then
	echo "fuzz failures:$failed" >&2
	exit 1
fi
exit 0
