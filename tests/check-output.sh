#!/bin/sh
# check-output.sh - the output file contract: written atomically, never
# created or changed when an error is reported, devices written in place.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${NETPOLC:-$top/netpolc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL output: $*"; }
printf 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n  ingress:\n  - ports: [{port: 0}]\n' >"$tmp/bad.yaml"
good=$top/examples/tutorial

"$bin" compile -q -t json "$tmp/bad.yaml" -o "$tmp/new.json" 2>/dev/null
rc=$?
[ $rc = 1 ] && [ ! -e "$tmp/new.json" ] && ok || bad "an error created the output file (status $rc)"

echo "previous contents" >"$tmp/old.json"
"$bin" compile -q -t json "$tmp/bad.yaml" -o "$tmp/old.json" 2>/dev/null
[ "$(cat "$tmp/old.json")" = "previous contents" ] && ok || bad "an error changed an existing output file"

"$bin" compile -q -t json "$good" -o "$tmp/old.json" && "$bin" compile -q -t json "$good" >"$tmp/stdout.json" &&
	cmp -s "$tmp/old.json" "$tmp/stdout.json" && ok || bad "-o FILE and stdout differ"
[ -z "$(ls "$tmp" | grep -v -e '^bad.yaml$' -e '^old.json$' -e '^stdout.json$')" ] && ok ||
	bad "temporary files left behind: $(ls "$tmp")"

chmod 600 "$tmp/old.json"
"$bin" compile -q -t json "$good" -o "$tmp/old.json"
[ "$(stat -c %a "$tmp/old.json")" = 600 ] && ok || bad "rewriting changed the file mode"

"$bin" compile -q -t json "$good" -o "$tmp/no/such/dir/out.json" 2>/dev/null
[ $? = 1 ] && ok || bad "an unwritable output path did not give status 1"

if [ "$(id -u)" = 0 ] && mknod "$tmp/null" c 1 3 2>/dev/null; then
	"$bin" compile -q -t json "$good" -o "$tmp/null"
	[ -c "$tmp/null" ] && ok || bad "a character device was replaced by a regular file"
else
	echo "SKIPPED: output: device check needs root and mknod"
fi
echo "output: $pass passed, $fail failed"
[ $fail = 0 ]
