#!/bin/sh
# run.sh: time `netpolc check` of 10k policies as YAML and as the policy language.
set -eu
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh bench/dsl/gen.sh 10000 >"$tmp/p.yaml"
./netpolc compile -t dsl "$tmp/p.yaml" >"$tmp/p.np"
for f in p.yaml p.np; do
	best=999
	for r in 1 2 3 4 5; do
		s=$(date +%s.%N)
		./netpolc check -q "$tmp/$f" >/dev/null 2>&1 || true
		e=$(date +%s.%N)
		best=$(echo "$s $e $best" | awk '{t = $2 - $1; print (t < $3 ? t : $3)}')
	done
	echo "$f $(wc -c <"$tmp/$f") bytes: best of 5 ${best}s"
done
