#!/bin/sh
# check-pictures.sh - the pictures netpolc draws (table, list and diff with
# -o svg and -o html), read back by an independent checker
# (tests/pictures/svgcheck.c, built here):
#
#   1. every picture is well formed (XML for SVG, and the HTML page);
#   2. table: the colour of every part of every cell is the verdict
#      `table -o json` gives, pod by pod, for every pod and external
#      address the cell's row and column stand for, and every pair of the
#      JSON is in exactly one cell (several ports, both families, the
#      examples, the table goldens' inputs and a generated cluster of 60
#      workloads in 6 namespaces, some of whose pods behave differently);
#   3. names from the input cannot break out: a file named like markup
#      (which reaches the hover text of every cell) gives well-formed
#      pictures without that markup;
#   4. the same input gives the same bytes twice.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
nc=$top/${BUILD:-build}/netpolc
[ -x "$nc" ] || nc=$top/netpolc
[ -x "$nc" ] || { echo "check-pictures: no netpolc binary (run make first)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# shellcheck disable=SC2046
if ! ${CC:-cc} -std=c11 -D_GNU_SOURCE -O1 -o "$tmp/svgcheck" tests/pictures/svgcheck.c \
	$(pkg-config --cflags --libs jansson) 2>"$tmp/err"; then
	echo "FAIL pictures: svgcheck does not build"
	sed 's/^/    /' "$tmp/err"
	exit 1
fi

# failures and cases are counted in files: some run in subshells
bad() {
	echo "FAIL pictures/$1"
	sed 's/^/    /' "$tmp/err" | head -10
	echo >>"$tmp/failures"
}
case_() { echo >>"$tmp/cases"; }

# table_case NAME ARGS...: svg and html of table ARGS against its JSON
table_case() {
	name=$1
	shift
	case_
	if ! "$nc" table -q "$@" -o json >"$tmp/t.json" 2>"$tmp/err"; then
		bad "$name: table -o json failed"
		return
	fi
	for f in svg html; do
		"$nc" table -q "$@" -o $f >"$tmp/t.$f" 2>"$tmp/err" || { bad "$name: table -o $f failed"; continue; }
		opt=
		[ $f = html ] && opt=--html
		"$tmp/svgcheck" $opt "$tmp/t.$f" "$tmp/t.json" >/dev/null 2>"$tmp/err" || bad "$name -o $f"
	done
}

# 2. the examples and every table golden's inputs, several ports, both families
for fam in 4 6; do
	for ex in cluster-admin shop tutorial policies; do
		table_case "examples/$ex/$fam" "examples/$ex" --family $fam --port 80 --port udp/53 --port 443 --port 8080
	done
done
for a in $(grep -l '^table' tests/golden/*/*/args | LC_ALL=C sort); do
	d=$(dirname "$a")
	args=$(sed -e 's/^table//' -e 's/-o [^ ]*//' "$a")
	[ "$(cat "$d/expected.status")" = 0 ] || continue
	case "$args" in *--help*) continue ;; esac
	for fam in 4 6; do
		# shellcheck disable=SC2086
		(cd "$d" && eval "set -- $args" && table_case "$d/$fam" "$@" --family $fam --port 80 --port udp/53 --port sctp/8080)
	done
done

# a generated cluster: 6 namespaces of 10 Deployments of 2 pods; ingress
# isolated everywhere, the first five apps open to their namespace on 80,
# app0 to 192.168.0.0/16 but 192.168.1.0/24 on 443, ns0's egress only to
# 10.0.0.0/8, and one pod of ns1/app3 (labelled odd) open to everything
gen() {
	for s in 0 1 2 3 4 5; do
		printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns%s\n---\n' $s
		for a in 0 1 2 3 4 5 6 7 8 9; do
			printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app%s\n  namespace: ns%s\n' $a $s
			printf 'spec:\n  selector:\n    matchLabels:\n      app: app%s\n  template:\n    metadata:\n      labels:\n        app: app%s\n---\n' $a $a
			for p in 0 1; do
				odd=
				[ $s$a$p = 131 ] && odd='
    odd: "yes"'
				printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: app%s-7d4b9c-%s\n  namespace: ns%s\n  labels:\n    app: app%s%s\n' $a $p $s $a "$odd"
				printf 'status:\n  podIP: 10.%s.%s.%s\n---\n' $s $a $p
			done
		done
		printf 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: isolate\n  namespace: ns%s\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n---\n' $s
		printf 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: ns%s\nspec:\n  podSelector:\n    matchExpressions:\n    - {key: app, operator: In, values: [app0, app1, app2, app3, app4]}\n  ingress:\n  - from:\n    - podSelector: {}\n    ports:\n    - port: 80\n---\n' $s
		printf 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: partners\n  namespace: ns%s\nspec:\n  podSelector:\n    matchLabels:\n      app: app0\n  ingress:\n  - from:\n    - ipBlock:\n        cidr: 192.168.0.0/16\n        except: [192.168.1.0/24]\n    ports:\n    - port: 443\n---\n' $s
	done
	printf 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: egress\n  namespace: ns0\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.0.0.0/8\n---\n'
	printf 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: odd\n  namespace: ns1\nspec:\n  podSelector:\n    matchLabels:\n      odd: "yes"\n  ingress:\n  - {}\n'
}
gen >"$tmp/cluster.yaml"
table_case generated "$tmp/cluster.yaml" --port 80 --port 443 --port udp/53
"$nc" table -q "$tmp/cluster.yaml" --port 80 --port 443 -o svg >"$tmp/g.svg" 2>"$tmp/err"
# 59 workloads as one peer each, ns1/app3's two pods apart, and 3 external
# peers: 10.0.0.0/8, 192.168.0.0/16 but 192.168.1.0/24, and every other
# address (192.168.1.0/24 behaves like them, so it is one of them)
rows=$(grep -c '<text class="row' "$tmp/g.svg")
[ "$rows" = 64 ] || { echo "64 rows expected, $rows found" >"$tmp/err"; bad "generated: grouping"; }

# 1. list and diff, every format that draws, on the diff goldens' inputs
for d in tests/golden/diff/D-0*; do
	[ -f "$d/args" ] || continue
	case_
	old=$(sed -n 's/^diff \([^ ]*\) \([^ ]*\) .*/\1/p' "$d/args")
	new=$(sed -n 's/^diff \([^ ]*\) \([^ ]*\) .*/\2/p' "$d/args")
	[ -n "$old" ] || continue
	for f in svg html; do
		opt=
		[ $f = html ] && opt=--html
		(cd "$d" && "$nc" diff -q "$old" "$new" -f ../inventory.yaml -o $f) >"$tmp/d.$f" 2>"$tmp/err"
		st=$?
		[ $st = 3 ] || [ $st = 0 ] || bad "$d: diff -o $f exited $st"
		"$tmp/svgcheck" $opt "$tmp/d.$f" >/dev/null 2>"$tmp/err" || bad "$d: diff -o $f"
		(cd "$d" && "$nc" list -q "$new" ../inventory.yaml -o $f) >"$tmp/l.$f" 2>"$tmp/err" ||
			bad "$d: list -o $f failed"
		"$tmp/svgcheck" $opt "$tmp/l.$f" >/dev/null 2>"$tmp/err" || bad "$d: list -o $f"
	done
done

# 3. hostile names: the file name reaches every hover text
h='x"><script>alert(1)]]>&amp;<!--'
mkdir -p "$tmp/h"
cp examples/cluster-admin/*.yaml "$tmp/h/"
mv "$tmp/h/$(ls "$tmp/h" | LC_ALL=C sort | tail -1)" "$tmp/h/$h.yaml"
for f in svg html; do
	case_
	opt=
	[ $f = html ] && opt=--html
	"$nc" table -q "$tmp/h" --port 53 --port udp/53 -o $f >"$tmp/h.$f" 2>"$tmp/err" || bad "hostile: table -o $f failed"
	"$nc" table -q "$tmp/h" --port 53 --port udp/53 -o json >"$tmp/h.json" 2>>"$tmp/err"
	"$tmp/svgcheck" $opt "$tmp/h.$f" "$tmp/h.json" >/dev/null 2>"$tmp/err" || bad "hostile: table -o $f"
	grep -q 'x&quot;&gt;&lt;script&gt;' "$tmp/h.$f" || { echo "the escaped name is not in the hover text" >"$tmp/err"; bad "hostile: table -o $f"; }
	if grep -q '<script\|]]>\|<!--' "$tmp/h.$f"; then
		grep -n '<script\|]]>\|<!--' "$tmp/h.$f" | head -3 >"$tmp/err"
		bad "hostile: markup from a name in table -o $f"
	fi
	"$nc" list -q "$tmp/h" -o $f >"$tmp/h.$f" 2>"$tmp/err"
	"$tmp/svgcheck" $opt "$tmp/h.$f" >/dev/null 2>"$tmp/err" || bad "hostile: list -o $f"
	grep -q '<script\|]]>\|<!--' "$tmp/h.$f" && { : >"$tmp/err"; bad "hostile: markup from a name in list -o $f"; }
done

# 4. byte-stable
for f in svg html; do
	case_
	"$nc" table -q "$tmp/cluster.yaml" --port 80 --port 443 -o $f >"$tmp/a.$f" 2>/dev/null
	"$nc" table -q "$tmp/cluster.yaml" --port 80 --port 443 -o $f >"$tmp/b.$f" 2>/dev/null
	cmp -s "$tmp/a.$f" "$tmp/b.$f" || { : >"$tmp/err"; bad "table -o $f differs between two runs"; }
done

: >>"$tmp/failures"
fail=$(wc -l <"$tmp/failures")
echo "pictures: $(wc -l <"$tmp/cases") cases, $fail failed"
[ "$fail" = 0 ]
