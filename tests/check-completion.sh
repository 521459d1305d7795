#!/bin/sh
# check-completion.sh - the bash completion (completion/netpolc.bash) knows
# the whole command line: every command of `netpolc --help`, every option
# of every `netpolc CMD --help`, every target of `netpolc compile -t help`
# and, after -t TARGET, that target's options; it offers nothing the help
# does not list.  The script is run by bash as the shell runs it, one
# completion at a time.  Then `make install DESTDIR=...` must place the
# binary, the BPF object, the man page and the completion.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${NETPOLC:-$top/netpolc}
script=${COMPLETION:-$top/completion/netpolc.bash}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL completion: $*"; }

if ! command -v bash >/dev/null 2>&1; then
	echo "FAIL completion: bash is not installed"
	exit 1
fi

# complete WORD...: what the completion offers for the last WORD (may be
# empty) after netpolc and the words before it, one per line, sorted
complete() {
	bash -c '
		. "$1" || exit 1
		shift
		COMP_WORDS=(netpolc "$@")
		COMP_CWORD=$#
		_netpolc
		printf "%s\n" "${COMPREPLY[@]}"
	' complete "$script" "$@" 2>"$tmp/err" | sort -u
	[ ! -s "$tmp/err" ] || bad "bash reported, completing '$*': $(cat "$tmp/err")"
}
# the long and short options of an options list ("  -o, --output OUT  help")
opts_of() {
	sed -n 's/^  \(-[A-Za-z]\), --\([a-z0-9][a-z0-9-]*\).*/\1\n--\2/p; s/^  --\([a-z0-9][a-z0-9-]*\).*/--\1/p' "$1"
}

"$bin" --help >"$tmp/help" || bad "netpolc --help failed"
commands=$(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p' "$tmp/help")
[ -n "$commands" ] && ok || bad "no command found in netpolc --help"
complete '' >"$tmp/offered"
for c in $commands; do
	grep -qx "$c" "$tmp/offered" && ok || bad "command '$c' is not completed"
done

for c in $commands; do
	"$bin" "$c" --help | sed -n '/^options:/,/^$/p' >"$tmp/list"
	opts_of "$tmp/list" | sort -u >"$tmp/want"
	[ -s "$tmp/want" ] || bad "no option found in netpolc $c --help"
	complete "$c" - >"$tmp/offered"
	for o in $(cat "$tmp/want"); do
		grep -qx -- "$o" "$tmp/offered" && ok || bad "option $o of '$c' is not completed"
	done
	for o in $(comm -13 "$tmp/want" "$tmp/offered"); do
		bad "'$c' completes $o, which its help does not list"
	done
done

"$bin" compile -t help >"$tmp/targets" || bad "netpolc compile -t help failed"
targets=$(sed -n 's/^\([a-z][a-z0-9-]*\) .*/\1/p' "$tmp/targets")
[ -n "$targets" ] && ok || bad "no target found in netpolc compile -t help"
complete compile -t '' >"$tmp/offered-targets"
for t in $targets; do
	grep -qx "$t" "$tmp/offered-targets" && ok || bad "target '$t' is not completed after -t"
	awk -v t="$t" '/^[^ ]/ { on = $1 == t; next } on' "$tmp/targets" >"$tmp/list"
	opts_of "$tmp/list" | sort -u >"$tmp/want"
	complete compile -t "$t" -- >"$tmp/offered"
	for o in $(cat "$tmp/want"); do
		grep -qx -- "$o" "$tmp/offered" && ok || bad "option $o of target $t is not completed"
	done
done
# an option of one target is not offered with another
complete compile -t json -- >"$tmp/offered"
grep -qx -- --table "$tmp/offered" && bad "-t json completes nftables' --table" || ok

# values and files
[ "$(complete query -o '')" = "$(printf 'json\ntext')" ] && ok || bad "query -o does not complete text, json"
[ "$(complete table -o '')" = "$(printf 'html\njson\nsvg\ntext')" ] && ok || bad "table -o does not complete its formats"
[ "$(complete diff -o '')" = "$(printf 'html\njson\nmarkdown\nsvg\ntext')" ] && ok || bad "diff -o does not complete its formats"
[ "$(complete list --by '')" = "$(printf 'namespace\npod\nworkload')" ] && ok || bad "--by does not complete its values"
[ "$(complete bpf '')" = "$(printf 'attach\ndetach')" ] && ok || bad "bpf does not complete attach, detach"
mkdir "$tmp/dir" && : >"$tmp/dir/policies.yaml"
[ "$(complete check "$tmp/dir/pol")" = "$tmp/dir/policies.yaml" ] && ok || bad "check does not complete file names"

# make install places every file
if [ -f "$top/netpolc" ] && [ -f "$top/netpolc.bpf.o" ]; then
	# -o all: install what is built, whatever BUILD this run tests
	make -s -C "$top" -o all -o netpolc -o netpolc.bpf.o install PREFIX=/usr DESTDIR="$tmp/root" >"$tmp/make" 2>&1 ||
		bad "make install failed: $(cat "$tmp/make")"
	files="bin/netpolc lib/netpolc/netpolc.bpf.o"
else
	make -s -C "$top" install-data PREFIX=/usr DESTDIR="$tmp/root" >"$tmp/make" 2>&1 ||
		bad "make install-data failed: $(cat "$tmp/make")"
	make -n -C "$top" -o all -o netpolc -o netpolc.bpf.o install PREFIX=/usr DESTDIR="$tmp/root" |
		grep -q 'completions/netpolc$' && ok || bad "make install does not install the completion"
	files=""
fi
for f in $files share/man/man1/netpolc.1 share/bash-completion/completions/netpolc; do
	[ -f "$tmp/root/usr/$f" ] && ok || bad "make install DESTDIR= did not place /usr/$f"
done
cmp -s "$tmp/root/usr/share/bash-completion/completions/netpolc" "$script" && ok ||
	bad "the installed completion differs from $script"

echo "completion: $pass passed, $fail failed"
[ $fail = 0 ]
