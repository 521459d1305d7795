#!/bin/sh
# check-fmt.sh - netpolc fmt over every .np file of the repository
# (examples, goldens, e2e cases, fuzz corpus), each in a copy of its
# directory (includes are relative to the file):
#
#   1. a file netpolc reads: `fmt -w` then `fmt -w` again leaves the file
#      as the first pass wrote it, not even replaced (same inode); `fmt`
#      to stdout prints that text; the model is unchanged (`compile -t
#      dsl` of the file before and after is the same but for its header);
#   2. a file with errors: `fmt` exits 1 and prints nothing, `fmt -w`
#      leaves it byte for byte;
#   3. -w is all or nothing (a good and a bad file: neither changes) and
#      keeps the file's mode.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
nc=$top/${BUILD:-build}/netpolc
[ -x "$nc" ] || nc=$top/netpolc
[ -x "$nc" ] || { echo "check-fmt: no netpolc binary (run make first)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
good=0 bad=0 fail=0

failed() {
	echo "FAIL fmt/$1: $2"
	[ -s "$tmp/err" ] && sed 's/^/    /' "$tmp/err" | head -10
	fail=$((fail + 1))
}

# the repository's .np files (outside a git checkout: every one but builds')
files=$(git ls-files '*.np' 2>/dev/null)
[ -n "$files" ] || files=$(find . -name '*.np' -not -path './build*' | sed 's|^\./||')
for f in $(printf '%s\n' $files | LC_ALL=C sort); do
	rm -rf "$tmp/d"
	cp -r "$(dirname "$f")" "$tmp/d"
	c="$tmp/d/$(basename "$f")"
	cp "$c" "$tmp/orig"
	if ! "$nc" fmt "$c" >"$tmp/out" 2>"$tmp/err"; then
		if [ -s "$tmp/out" ]; then
			failed "$f" "output printed despite errors"
		elif "$nc" fmt -w "$c" 2>/dev/null || ! cmp -s "$c" "$tmp/orig"; then
			failed "$f" "fmt -w changed a file with errors"
		else
			bad=$((bad + 1))
		fi
		continue
	fi
	"$nc" compile -q -t dsl "$c" >"$tmp/model1" 2>/dev/null
	if ! "$nc" fmt -w "$c" 2>"$tmp/err" || ! cmp -s "$c" "$tmp/out"; then
		failed "$f" "fmt -w did not write what fmt prints"
		continue
	fi
	ino=$(stat -c %i "$c")
	cp "$c" "$tmp/once"
	if ! "$nc" fmt -w "$c" 2>"$tmp/err" || ! cmp -s "$c" "$tmp/once" ||
		[ "$(stat -c %i "$c")" != "$ino" ]; then
		failed "$f" "fmt is not idempotent (or rewrote an unchanged file)"
		diff -u "$tmp/once" "$c" | sed 's/^/    /' | head -20
		continue
	fi
	"$nc" compile -q -t dsl "$c" >"$tmp/model2" 2>/dev/null
	if [ "$(sed 1d "$tmp/model1")" != "$(sed 1d "$tmp/model2")" ]; then
		failed "$f" "formatting changed the model"
		diff -u "$tmp/model1" "$tmp/model2" | sed 's/^/    /' | head -20
		continue
	fi
	good=$((good + 1))
done

# all or nothing, and the mode kept
mkdir -p "$tmp/w"
printf 'namespace   ops\n' >"$tmp/w/a.np"
printf 'policy ops/b { allow ingress from pods app= }\n' >"$tmp/w/b.np"
printf 'policy ops/c {   allow ingress }\n' >"$tmp/w/c.np"
chmod 640 "$tmp/w/c.np"
cp "$tmp/w/a.np" "$tmp/w/a.orig"
if "$nc" fmt -w "$tmp/w/a.np" "$tmp/w/b.np" 2>"$tmp/err" || ! cmp -s "$tmp/w/a.np" "$tmp/w/a.orig"; then
	failed all-or-nothing "a file was rewritten although another has errors"
fi
if ! "$nc" fmt -w "$tmp/w/a.np" "$tmp/w/c.np" 2>"$tmp/err" ||
	[ "$(cat "$tmp/w/a.np")" != "namespace ops" ] ||
	[ "$(stat -c %a "$tmp/w/c.np")" != 640 ] || ls "$tmp/w" | grep -q '\.np\.'; then
	failed write "fmt -w of two files: wrong text, mode or a temporary file left"
fi

echo "fmt: $good files formatted idempotently, $bad with errors left alone, $fail failed"
[ $good -gt 5 ] && [ $bad -gt 0 ] && [ $fail = 0 ]
