#!/bin/sh
# fuzz_pipeline.seeds.sh DIR - seed the whole-pipeline target from the
# golden cases: each case's YAML files joined into one stream (policies
# with their inventory), each JSON file alone, and each policy-language
# file behind the flag byte 0x01 that makes the target read it as such.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$1
mkdir -p "$dir"
for args in $(find "$top/tests/golden" -name args | LC_ALL=C sort); do
	case=$(dirname "$args")
	id=$(echo "${case#"$top/tests/golden/"}" | tr '/' '_')
	yamls=$(find "$case" -maxdepth 1 \( -name '*.yaml' -o -name '*.yml' \) | LC_ALL=C sort)
	if [ -n "$yamls" ]; then
		for f in $yamls; do
			cat "$f"
			printf '\n---\n'
		done >"$dir/golden_$id.yaml"
	fi
	for f in $(find "$case" -maxdepth 1 -name '*.json' | LC_ALL=C sort); do
		cp "$f" "$dir/golden_${id}_$(basename "$f")"
	done
	for f in $(find "$case" -maxdepth 1 -name '*.np' | LC_ALL=C sort); do
		{ printf '\001'; cat "$f"; } >"$dir/golden_${id}_$(basename "$f")"
	done
done
exit 0
