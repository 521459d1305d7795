#!/bin/sh
# check-output.sh - the output file contract: written atomically, never
# created or changed when an error (or a usage error) is reported, devices
# written in place, symbolic links followed, temporary files removed on a
# signal.
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

# a policy NetworkPolicy cannot say: neither the policies nor the inventory file
printf 'namespace x\npolicy x/p {\n  deny ingress\n}\n' >"$tmp/deny.np"
"$bin" compile -q -t k8s "$tmp/deny.np" -o "$tmp/k8s.yaml" --inventory "$tmp/inv.yaml" 2>/dev/null
rc=$?
[ $rc = 1 ] && [ ! -e "$tmp/k8s.yaml" ] && [ ! -e "$tmp/inv.yaml" ] && ok ||
	bad "a refused -t k8s created an output file (status $rc)"
rm -f "$tmp/deny.np"

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

ln -s old.json "$tmp/link.json"
"$bin" compile -q -t json "$good" -o "$tmp/link.json" && [ -L "$tmp/link.json" ] &&
	cmp -s "$tmp/old.json" "$tmp/stdout.json" && ok || bad "-o onto a symbolic link did not write its target"
rm -f "$tmp/link.json"

"$bin" compile -q -t json "$good" -o "$tmp/usage.json" --table x 2>/dev/null
rc=$?
[ $rc = 2 ] && [ ! -e "$tmp/usage.json" ] && ok || bad "a usage error created the output file (status $rc)"

# a signal at any moment: the target is old or new, never partial, and no temporary file stays
echo "previous contents" >"$tmp/sig.json"
"$bin" compile -q -t json "$good" -o "$tmp/sig.json" &
pid=$!
kill -TERM $pid 2>/dev/null
wait $pid 2>/dev/null
{ [ "$(cat "$tmp/sig.json")" = "previous contents" ] || cmp -s "$tmp/sig.json" "$tmp/stdout.json"; } &&
	[ -z "$(ls "$tmp" | grep 'sig.json.')" ] && ok || bad "a signal left a temporary or partial file"
rm -f "$tmp/sig.json"

if [ "$(id -u)" = 0 ] && mknod "$tmp/null" c 1 3 2>/dev/null; then
	"$bin" compile -q -t json "$good" -o "$tmp/null"
	[ -c "$tmp/null" ] && ok || bad "a character device was replaced by a regular file"
else
	echo "SKIPPED: output: device check needs root and mknod"
fi
echo "output: $pass passed, $fail failed"
[ $fail = 0 ]
