#!/bin/sh
# check-manpage.sh - the man page documents the whole command line: every
# command of `netpolc --help`, every option of every `netpolc CMD --help`,
# every target of `netpolc compile -t help` and every option a target
# declares; and it renders without a warning (groff -man -ww).
#
# An option is documented when it is the tag of a tagged paragraph (.TP):
# under a subsection of OPTIONS named after its command, or under one not
# named after a command (options of every command); a target's option
# under TARGETS.  A command is the first word of a .TP tag under COMMANDS, a
# target of one under TARGETS.  Adding an option without documenting it
# fails here.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${NETPOLC:-$top/netpolc}
page=${MANPAGE:-$top/netpolc.1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL manpage: $*"; }

# the help texts: commands, options per command, targets and their options
"$bin" --help >"$tmp/help" || bad "netpolc --help failed"
commands=$(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p' "$tmp/help")
[ -n "$commands" ] && ok || bad "no command found in netpolc --help"
"$bin" compile -t help >"$tmp/targets" || bad "netpolc compile -t help failed"
targets=$(sed -n 's/^\([a-z][a-z0-9-]*\) .*/\1/p' "$tmp/targets")
[ -n "$targets" ] && ok || bad "no target found in netpolc compile -t help"
# options: the long names of the tags of an options list ("  -o, --output OUT  help")
long_opts() {
	sed -n 's/^  \(-[A-Za-z], \)\{0,1\}--\([a-z0-9][a-z0-9-]*\).*/\2/p' "$1"
}

# the page's tags: "SECTION<TAB>SUBSECTION<TAB>tag text", roff escapes undone
awk '
	function clean(s) {
		gsub(/\\f[BIRP]/, "", s); gsub(/\\-/, "-", s); gsub(/\\ /, " ", s)
		gsub(/^\.[A-Z]+ /, "", s); gsub(/"/, "", s)
		return s
	}
	/^\.SH / { sh = clean(substr($0, 5)); ss = ""; next }
	/^\.SS / { ss = clean(substr($0, 5)); next }
	tp { print sh "\t" ss "\t" clean($0); tp = 0; next }
	/^\.TP/ { tp = 1 }
' "$page" >"$tmp/tags"
[ -s "$tmp/tags" ] && ok || bad "no tagged paragraph in $page"

# has_tag SECTION SUBSECTION-REGEX WORD-REGEX: a tag of SECTION (and a
# matching subsection) holds WORD-REGEX as a whole word
has_tag() {
	awk -F '\t' -v sh="$1" -v ss="$2" -v w="$3" '
		$1 == sh && $2 ~ ("^(" ss ")$") && (" " $3 " ") ~ ("[ ,]" w "[ ,]") { found = 1 }
		END { exit !found }
	' "$tmp/tags"
}

# subsections of OPTIONS not named after a command hold options every command has
general=$(awk -F '\t' '$1 == "OPTIONS" { print $2 }' "$tmp/tags" | sort -u | while read -r s; do
	printf '%s\n' "$commands" | grep -qx "$s" || printf '%s|' "$s"
done)
general=${general%|}

for c in $commands; do
	has_tag COMMANDS '.*' "$c" && ok || bad "command '$c' is not under COMMANDS"
	# its own options: the list after "options:" (compile then lists the targets')
	"$bin" "$c" --help | sed -n '/^options:/,/^$/p' >"$tmp/cmd" || bad "netpolc $c --help failed"
	n=0
	for o in $(long_opts "$tmp/cmd"); do
		n=$((n + 1))
		has_tag OPTIONS "$c${general:+|$general}" "--$o" && ok ||
			bad "option --$o of '$c' is not under OPTIONS, subsection $c"
	done
	[ $n -gt 0 ] && ok || bad "no option found in netpolc $c --help"
done
for o in version; do
	grep -q -- "--$o" "$tmp/help" || continue
	has_tag OPTIONS "$general" "--$o" && ok || bad "option --$o is not under OPTIONS"
done
for t in $targets; do
	has_tag TARGETS '.*' "$t" && ok || bad "target '$t' is not under TARGETS"
done
for o in $(long_opts "$tmp/targets" | sort -u); do
	has_tag TARGETS '.*' "--$o" && ok || bad "target option --$o is not under TARGETS"
done
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS TARGETS 'EXIT STATUS' FILES EXAMPLES \
	'SEE ALSO'; do
	grep -q "^\.SH \"\{0,1\}$s\"\{0,1\}$" "$page" && ok || bad "no section $s"
done

# it renders, without a warning
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$page" >"$tmp/groff" 2>&1
	rc=$?
	[ $rc = 0 ] && [ ! -s "$tmp/groff" ] && ok || {
		bad "groff -man -ww reports (status $rc):"
		sed 's/^/    /' "$tmp/groff"
	}
else
	bad "groff is not installed (Debian package groff-base; sh .ci/deps.sh installs it)"
fi

echo "manpage: $pass passed, $fail failed"
[ $fail = 0 ]
