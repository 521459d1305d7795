/*
 * test_yaml.c - the YAML reader: scalar typing, locations, streams, keys,
 * anchors and aliases, merge keys, caps and libyaml errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frontend/node.h"
#include "lib/arena.h"
#include "lib/diag.h"
#include "lib/strbuf.h"

struct parsed {
	struct arena a;
	struct diag d;
	struct doc_list docs;
	int rc;
};

static void parse_lim(struct parsed *p, const char *text, const struct input_limits *lim)
{
	struct input_limits def;
	memset(p, 0, sizeof(*p));
	diag_init(&p->d);
	if (!lim) {
		input_limits_default(&def);
		lim = &def;
	}
	p->rc = yaml_parse(&p->a, &p->d, lim, "t.yaml", text, strlen(text), &p->docs);
}

static void parse(struct parsed *p, const char *text)
{
	parse_lim(p, text, NULL);
}

static void release(struct parsed *p)
{
	diag_release(&p->d);
	arena_release(&p->a);
}

static void dump(const struct parsed *p)
{
	for (size_t i = 0; i < p->d.nr; i++)
		print_error("  %u:%u: %s\n", p->d.v[i]->loc.line, p->d.v[i]->loc.col,
			    p->d.v[i]->msg);
}

/* expect_clean: no diagnostics, rc 0 and ndocs documents. */
#define expect_clean(p, ndocs)                          \
	do {                                            \
		if ((p)->d.nr)                          \
			dump(p);                        \
		assert_int_equal((p)->d.nr, 0);         \
		assert_int_equal((p)->rc, 0);           \
		assert_int_equal((p)->docs.n, (ndocs)); \
	} while (0)

/* expect_error: record i is an error at line:col whose message contains needle. */
static void expect_error_at(const struct parsed *p, size_t i, unsigned line, unsigned col,
			    const char *needle, const char *file, int fline)
{
	const struct diag_record *r;
	if (i >= p->d.nr) {
		dump(p);
		_fail(file, fline);
	}
	r = p->d.v[i];
	if (r->level != DIAG_ERROR || r->loc.line != line || r->loc.col != col ||
	    !strstr(r->msg, needle)) {
		print_error("want error %u:%u containing '%s'; got:\n", line, col, needle);
		dump(p);
		_fail(file, fline);
	}
}
#define expect_error(p, i, line, col, needle) \
	expect_error_at((p), (i), (line), (col), (needle), __FILE__, __LINE__)

/* at: follow a path of keys and indexes ("spec/ports/0/port") from n. */
static const struct node *at(const struct node *n, const char *path)
{
	char buf[256];
	char *save = NULL;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *tok = strtok_r(buf, "/", &save); n && tok; tok = strtok_r(NULL, "/", &save)) {
		if (n->kind == NODE_SEQ) {
			size_t i = strtoul(tok, NULL, 10);
			n = i < n->n ? n->items[i] : NULL;
		} else {
			n = node_get(n, tok);
		}
	}
	return n;
}

/* ---- typing -------------------------------------------------------------- */

struct typing {
	const char *text; /* the value after "v: " */
	enum node_kind kind;
	long long ival; /* NODE_INT value, NODE_BOOL 0/1 */
};

static const struct typing typings[] = {
	{ "80", NODE_INT, 80 },
	{ "0", NODE_INT, 0 },
	{ "-0", NODE_INT, 0 },
	{ "00", NODE_INT, 0 },
	{ "+5", NODE_INT, 5 },
	{ "-5", NODE_INT, -5 },
	{ "1_000", NODE_INT, 1000 },
	{ "1__0", NODE_INT, 10 },
	{ "0x50", NODE_INT, 80 },
	{ "0X1f", NODE_INT, 31 },
	{ "-0x10", NODE_INT, -16 },
	{ "0x_1f", NODE_INT, 31 },
	{ "0o17", NODE_INT, 15 },
	{ "017", NODE_INT, 15 },
	{ "0b101", NODE_INT, 5 },
	{ "-0b11", NODE_INT, -3 },
	{ "9223372036854775807", NODE_INT, 9223372036854775807LL },
	{ "-9223372036854775808", NODE_INT, -9223372036854775807LL - 1 },
	{ "9223372036854775808", NODE_FLOAT, 0 },  /* a uint64 in go-yaml */
	{ "18446744073709551616", NODE_FLOAT, 0 }, /* only a float fits */
	{ "0xFFFFFFFFFFFFFFFFF", NODE_STR, 0 },	   /* no number at all */
	{ "08", NODE_INT, 8 },			   /* not octal: a float, and integral */
	{ "0x", NODE_STR, 0 },
	{ "0b", NODE_STR, 0 },
	{ "+", NODE_STR, 0 },
	{ "1.5", NODE_FLOAT, 0 },
	{ "1.", NODE_INT, 1 }, /* integral floats are integers in JSON */
	{ ".5", NODE_FLOAT, 0 },
	{ "-.5e3", NODE_INT, -500 },
	{ "1e3", NODE_INT, 1000 },
	{ "1_0.5", NODE_FLOAT, 0 },
	{ "._5", NODE_STR, 0 },
	{ "1e999", NODE_STR, 0 },  /* overflows: go-yaml keeps the text */
	{ "1e-999", NODE_INT, 0 }, /* Go reads it as 0 */
	{ ".inf", NODE_FLOAT, 0 },
	{ "-.Inf", NODE_FLOAT, 0 },
	{ "+.INF", NODE_FLOAT, 0 },
	{ ".NaN", NODE_FLOAT, 0 },
	{ ".iNf", NODE_STR, 0 },
	{ "+.nan", NODE_STR, 0 },
	{ "y", NODE_BOOL, 1 },
	{ "Y", NODE_BOOL, 1 },
	{ "yes", NODE_BOOL, 1 },
	{ "Yes", NODE_BOOL, 1 },
	{ "YES", NODE_BOOL, 1 },
	{ "true", NODE_BOOL, 1 },
	{ "True", NODE_BOOL, 1 },
	{ "TRUE", NODE_BOOL, 1 },
	{ "on", NODE_BOOL, 1 },
	{ "On", NODE_BOOL, 1 },
	{ "ON", NODE_BOOL, 1 },
	{ "n", NODE_BOOL, 0 },
	{ "N", NODE_BOOL, 0 },
	{ "no", NODE_BOOL, 0 },
	{ "No", NODE_BOOL, 0 },
	{ "NO", NODE_BOOL, 0 },
	{ "false", NODE_BOOL, 0 },
	{ "False", NODE_BOOL, 0 },
	{ "FALSE", NODE_BOOL, 0 },
	{ "off", NODE_BOOL, 0 },
	{ "Off", NODE_BOOL, 0 },
	{ "OFF", NODE_BOOL, 0 },
	{ "yEs", NODE_STR, 0 },
	{ "tRUE", NODE_STR, 0 },
	{ "oN", NODE_STR, 0 },
	{ "", NODE_NULL, 0 },
	{ "~", NODE_NULL, 0 },
	{ "null", NODE_NULL, 0 },
	{ "Null", NODE_NULL, 0 },
	{ "NULL", NODE_NULL, 0 },
	{ "nULL", NODE_STR, 0 },
	{ "2024-01-01", NODE_STR, 0 },
	{ "2001-12-14t21:59:43.10-05:00", NODE_STR, 0 },
	{ "1:20", NODE_STR, 0 },
	{ "10.0.0.0/8", NODE_STR, 0 },
	{ "abc", NODE_STR, 0 },
	{ "<<", NODE_STR, 0 },
	{ "\"80\"", NODE_STR, 0 },
	{ "'true'", NODE_STR, 0 },
	{ "\"\"", NODE_STR, 0 },
	{ "|-\n  80", NODE_STR, 0 },
	{ ">-\n  yes", NODE_STR, 0 },
	{ "!!str 80", NODE_STR, 0 },
	{ "!!str", NODE_STR, 0 },
	{ "! 80", NODE_STR, 0 },
	{ "!!int \"80\"", NODE_INT, 80 },
	{ "!!int 0x10", NODE_INT, 16 },
	{ "!!float 1", NODE_INT, 1 }, /* as JSON: 1 */
	{ "!!float \"2.5\"", NODE_FLOAT, 0 },
	{ "!!bool 'on'", NODE_BOOL, 1 },
	{ "!!null ''", NODE_NULL, 0 },
	{ "!!timestamp 2001-01-01", NODE_STR, 0 },
};

static void test_yaml_scalar_typing(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(typings) / sizeof(typings[0]); i++) {
		const struct typing *t = &typings[i];
		struct strbuf sb = STRBUF_INIT;
		struct parsed p;
		const struct node *v;
		strbuf_addf(&sb, "v: %s\n", t->text);
		parse(&p, sb.buf);
		if (p.d.nr || p.docs.n != 1) {
			print_error("case '%s':\n", t->text);
			dump(&p);
			fail();
		}
		v = node_get(p.docs.docs[0], "v");
		assert_non_null(v);
		if (v->kind != t->kind) {
			print_error("case '%s': kind %s, want %s\n", t->text,
				    node_kind_name(v->kind), node_kind_name(t->kind));
			fail();
		}
		if (t->kind == NODE_INT)
			assert_true(v->ival == t->ival);
		if (t->kind == NODE_BOOL)
			assert_int_equal(v->bval, t->ival != 0);
		release(&p);
		strbuf_release(&sb);
	}
}

static void test_yaml_scalar_text_kept(void **state)
{
	struct parsed p;
	const struct node *r;
	(void)state;
	parse(&p, "a: 0x50\nb: yes\nc: 9223372036854775808\nd: \"x\\0y\"\ne: 'it''s'\n");
	expect_clean(&p, 1);
	r = p.docs.docs[0];
	assert_string_equal(at(r, "a")->str, "0x50");
	assert_string_equal(at(r, "b")->str, "yes");
	assert_string_equal(at(r, "c")->str, "9223372036854775808");
	assert_int_equal(at(r, "d")->len, 3);
	assert_memory_equal(at(r, "d")->str, "x\0y", 4);
	assert_string_equal(at(r, "e")->str, "it's");
	assert_string_equal(r->str, "");
	release(&p);
}

static void test_yaml_bad_tags(void **state)
{
	struct parsed p;
	(void)state;
	parse(&p, "a: !!int abc\nb: !foo x\nc: !!binary aGk=\nd: !!set {x: 1}\ne: !!bool 1\n"
		  "f: !!int {}\ng: !!map []\nh: !!seq {}\n");
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.docs.n, 0);
	expect_error(&p, 0, 1, 4, "cannot read \"abc\" as !!int");
	expect_error(&p, 1, 2, 4, "unsupported YAML tag \"!foo\"");
	expect_error(&p, 2, 3, 4, "unsupported YAML tag !!binary");
	expect_error(&p, 3, 4, 4, "unsupported YAML tag !!set");
	expect_error(&p, 4, 5, 4, "cannot read \"1\" as !!bool");
	expect_error(&p, 5, 6, 4, "unsupported YAML tag !!int on a mapping");
	expect_error(&p, 6, 7, 4, "unsupported YAML tag !!map on a sequence");
	expect_error(&p, 7, 8, 4, "unsupported YAML tag !!seq on a mapping");
	assert_int_equal(p.d.nr, 8);
	release(&p);
}

/* ---- locations ----------------------------------------------------------- */

static void test_yaml_locations(void **state)
{
	struct parsed p;
	const struct node *r, *ports;
	(void)state;
	parse(&p, "# comment\n"
		  "kind: NetworkPolicy\n"
		  "spec:\n"
		  "  ports:\n"
		  "    - port: 80\n"
		  "      protocol: TCP\n"
		  "    - {port: \"é\", x: 1}\n"
		  "  empty:\n"
		  "list: [a,  b]\n");
	expect_clean(&p, 1);
	r = p.docs.docs[0];
	assert_int_equal(r->loc.line, 2);
	assert_int_equal(r->loc.col, 1);
	assert_string_equal(r->loc.file, "t.yaml");
	assert_int_equal(r->pairs[0].key->loc.line, 2);
	assert_int_equal(r->pairs[0].key->loc.col, 1);
	assert_int_equal(r->pairs[0].value->loc.col, 7);
	ports = at(r, "spec/ports");
	assert_int_equal(ports->kind, NODE_SEQ);
	assert_int_equal(ports->loc.line, 5);
	assert_int_equal(ports->loc.col, 5);
	assert_int_equal(at(r, "spec/ports/0")->loc.col, 7);
	assert_int_equal(at(r, "spec/ports/0/port")->loc.line, 5);
	assert_int_equal(at(r, "spec/ports/0/port")->loc.col, 13);
	assert_int_equal(at(r, "spec/ports/0/protocol")->loc.line, 6);
	assert_int_equal(at(r, "spec/ports/0/protocol")->loc.col, 17);
	assert_int_equal(at(r, "spec/ports/1")->loc.col, 7);
	assert_int_equal(at(r, "spec/ports/1/port")->loc.col, 14);
	/* columns count characters: "é" is one */
	assert_int_equal(at(r, "spec/ports/1")->pairs[1].key->loc.col, 19);
	assert_int_equal(at(r, "spec/ports/1/x")->loc.col, 22);
	assert_int_equal(at(r, "spec/empty")->kind, NODE_NULL);
	assert_int_equal(at(r, "spec/empty")->loc.line, 8);
	assert_int_equal(at(r, "list/1")->loc.line, 9);
	assert_int_equal(at(r, "list/1")->loc.col, 12);
	release(&p);
}

/* ---- streams ------------------------------------------------------------- */

static void test_yaml_multi_document(void **state)
{
	struct parsed p;
	(void)state;
	parse(&p, "---\n"
		  "---\n"
		  "a: 1\n"
		  "---\n"
		  "~\n"
		  "--- # only a comment\n"
		  "...\n"
		  "---\n"
		  "- b\n"
		  "...\n");
	expect_clean(&p, 2);
	assert_int_equal(p.docs.docs[0]->kind, NODE_MAP);
	assert_int_equal(p.docs.docs[0]->loc.line, 3);
	assert_int_equal(p.docs.docs[1]->kind, NODE_SEQ);
	assert_int_equal(p.docs.docs[1]->loc.line, 9);
	release(&p);
}

static void test_yaml_empty_inputs(void **state)
{
	struct parsed p;
	(void)state;
	parse(&p, "");
	expect_clean(&p, 0);
	release(&p);
	parse(&p, "# nothing here\n\n   # at all\n");
	expect_clean(&p, 0);
	release(&p);
	parse(&p, "\n\n\n");
	expect_clean(&p, 0);
	release(&p);
	parse(&p, "--- ~\n--- null\n---\n");
	expect_clean(&p, 0);
	release(&p);
}

/* ---- keys ---------------------------------------------------------------- */

static void test_yaml_duplicate_keys(void **state)
{
	struct parsed p;
	const struct diag_record *r;
	(void)state;
	parse(&p, "a: 1\n---\nmetadata:\n  name: x\n  labels: {}\n  name: y\n---\nb: 2\n");
	assert_int_equal(p.rc, -1);
	expect_error(&p, 0, 6, 3, "duplicate key \"name\"");
	r = p.d.v[0];
	assert_non_null(r->notes);
	assert_int_equal(r->notes->loc.line, 4);
	assert_int_equal(r->notes->loc.col, 3);
	assert_int_equal(p.d.nr, 1);
	/* the documents around the bad one are still read */
	assert_int_equal(p.docs.n, 2);
	assert_non_null(node_get(p.docs.docs[0], "a"));
	assert_non_null(node_get(p.docs.docs[1], "b"));
	release(&p);
}

static void test_yaml_duplicate_keys_big_mapping(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct parsed p;
	(void)state;
	for (int i = 0; i < 500; i++)
		strbuf_addf(&sb, "k%d: %d\n", i, i);
	strbuf_addstr(&sb, "k250: again\n\"k7\": again\n");
	parse(&p, sb.buf);
	assert_int_equal(p.d.nr, 2);
	expect_error(&p, 0, 501, 1, "duplicate key \"k250\"");
	assert_int_equal(p.d.v[0]->notes->loc.line, 251);
	expect_error(&p, 1, 502, 1, "duplicate key \"k7\"");
	assert_int_equal(p.d.v[1]->notes->loc.line, 8);
	release(&p);
	strbuf_release(&sb);
}

static void test_yaml_distinct_keys_that_look_alike(void **state)
{
	struct parsed p;
	(void)state;
	parse(&p, "a: 1\n\"a \": 2\nA: 3\n\"a\\0\": 4\n");
	expect_clean(&p, 1);
	assert_int_equal(p.docs.docs[0]->n, 4);
	release(&p);
}

static void test_yaml_non_string_keys(void **state)
{
	struct parsed p;
	(void)state;
	parse(&p, "80: http\nyes: 1\n? [a]\n: b\n~: c\n\"443\": ok\n? {k: v}\n: d\n");
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.docs.n, 0);
	expect_error(&p, 0, 1, 1, "mapping key 80 is an integer, not a string");
	expect_error(&p, 1, 2, 1, "mapping key yes is a boolean");
	expect_error(&p, 2, 3, 3, "mapping key must be a string, not a sequence");
	expect_error(&p, 3, 5, 1, "mapping key must be a string, not null");
	expect_error(&p, 4, 7, 3, "mapping key must be a string, not a mapping");
	assert_int_equal(p.d.nr, 5);
	release(&p);
	/* an alias as a key is reported where it is used */
	parse(&p, "a: &m {x: 1}\nb:\n  ? *m\n  : v\n");
	expect_error(&p, 0, 3, 5, "mapping key must be a string, not a mapping");
	release(&p);
}

/* ---- anchors, aliases, merge keys ---------------------------------------- */

static void test_yaml_alias_shares_node(void **state)
{
	struct parsed p;
	const struct node *r;
	(void)state;
	parse(&p, "sel: &s\n  matchLabels: {app: web}\nfrom:\n  - podSelector: *s\n  - "
		  "podSelector: *s\n"
		  "port: &p 80\nother: *p\n");
	expect_clean(&p, 1);
	r = p.docs.docs[0];
	assert_ptr_equal(at(r, "sel"), at(r, "from/0/podSelector"));
	assert_ptr_equal(at(r, "sel"), at(r, "from/1/podSelector"));
	assert_ptr_equal(at(r, "port"), at(r, "other"));
	assert_int_equal(at(r, "other")->kind, NODE_INT);
	/* the shared node keeps its own position (that of its anchor) */
	assert_int_equal(at(r, "from/1/podSelector")->loc.line, 1);
	assert_int_equal(at(r, "from/1/podSelector")->loc.col, 6);
	release(&p);
}

static void test_yaml_anchor_redefined_and_scoped(void **state)
{
	struct parsed p;
	(void)state;
	parse(&p, "a: &x 1\nb: &x 2\nc: *x\n---\nd: *x\n");
	assert_int_equal(p.rc, -1);
	/* anchors do not cross documents */
	expect_error(&p, 0, 5, 4, "unknown anchor \"x\"");
	assert_int_equal(p.d.nr, 1);
	assert_int_equal(p.docs.n, 1);
	assert_int_equal(node_get(p.docs.docs[0], "c")->ival, 2);
	release(&p);
}

static void test_yaml_alias_errors(void **state)
{
	struct parsed p;
	(void)state;
	parse(&p, "a: *nope\n---\nb: &r [1, *r]\n");
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.docs.n, 0);
	expect_error(&p, 0, 1, 4, "unknown anchor \"nope\" referenced");
	expect_error(&p, 1, 3, 11, "anchor \"r\" value contains itself");
	release(&p);
}

static const char *const laughs =
	"a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
	"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
	"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
	"h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
	"i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
	"---\n"
	"z: 1\n";

static void test_yaml_alias_bomb(void **state)
{
	struct parsed p;
	(void)state;
	parse(&p, laughs);
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.docs.n, 0); /* reading stops at the bomb */
	assert_int_equal(p.d.nr, 1);
	assert_int_equal(p.d.v[0]->loc.line, 8);
	assert_non_null(strstr(p.d.v[0]->msg, "YAML alias expansion exceeds 16777216 nodes"));
	assert_non_null(strstr(p.d.v[0]->msg, "billion laughs"));
	release(&p);
}

static void test_yaml_alias_count_is_exact(void **state)
{
	struct input_limits lim;
	struct parsed p;
	const char *text = "a: &a [1, [2], 3]\nb: [*a, *a]\nc: *a\n";
	(void)state;
	/* each alias adds its target's 5 nodes: 15 in all */
	input_limits_default(&lim);
	lim.max_nodes = 15;
	parse_lim(&p, text, &lim);
	expect_clean(&p, 1);
	release(&p);
	lim.max_nodes = 14;
	parse_lim(&p, text, &lim);
	expect_error(&p, 0, 3, 4, "alias expansion exceeds 14 nodes");
	assert_int_equal(p.d.nr, 1);
	release(&p);
	/* aliases of aliases count their whole expansion */
	lim.max_nodes = 2 * 3 + 7; /* b adds 2 * 3, c adds b (1 + 2 * 3) */
	parse_lim(&p, "a: &a [x, y]\nb: &b [*a, *a]\nc: *b\n", &lim);
	expect_clean(&p, 1);
	release(&p);
	lim.max_nodes = 2 * 3 + 7 - 1;
	parse_lim(&p, "a: &a [x, y]\nb: &b [*a, *a]\nc: *b\n", &lim);
	expect_error(&p, 0, 3, 4, "alias expansion exceeds");
	release(&p);
	/* nodes written out are not counted (the file size bounds them) */
	lim.max_nodes = 1;
	parse_lim(&p, "[1, 2, 3, [4, 5], {a: b}]\n", &lim);
	expect_clean(&p, 1);
	release(&p);
}

static void test_yaml_merge_keys(void **state)
{
	struct parsed p;
	const struct node *r, *m;
	(void)state;
	/* (y would be a boolean key: YAML 1.1) */
	parse(&p, "base: &b {x: 1, k: 2}\n"
		  "more: &m {k: 20, z: 30}\n"
		  "one: {a: 0, <<: *b, k: 3}\n"
		  "two:\n  <<: [*b, *m]\n  w: 4\n"
		  "lit: {\"<<\": 5}\n");
	expect_clean(&p, 1);
	r = p.docs.docs[0];
	m = at(r, "one");
	assert_int_equal(m->n, 3);
	assert_string_equal(m->pairs[0].key->str, "a");
	assert_string_equal(m->pairs[1].key->str, "x");
	assert_string_equal(m->pairs[2].key->str, "k");
	assert_int_equal(m->pairs[2].value->ival, 3); /* the mapping's own key wins */
	assert_int_equal(at(m, "k")->ival, 3);
	m = at(r, "two");
	assert_int_equal(m->n, 4);
	assert_int_equal(at(m, "x")->ival, 1);
	assert_int_equal(at(m, "k")->ival, 2); /* earlier source wins */
	assert_int_equal(at(m, "z")->ival, 30);
	assert_int_equal(at(m, "w")->ival, 4);
	assert_ptr_equal(at(m, "x"), at(r, "base/x"));
	/* a quoted "<<" is an ordinary key */
	assert_int_equal(at(r, "lit/<<")->ival, 5);
	release(&p);

	/* so is an alias of an anchored merge key, as in go-yaml */
	parse(&p, "mm: {&k <<: {x: 1}}\nnn: {*k : 2}\n");
	expect_clean(&p, 1);
	assert_int_equal(at(p.docs.docs[0], "mm/x")->ival, 1);
	assert_int_equal(at(p.docs.docs[0], "nn/<<")->ival, 2);
	release(&p);
}

static void test_yaml_merge_key_errors(void **state)
{
	struct parsed p;
	(void)state;
	parse(&p, "a: {<<: 1}\nb: {<<: [{x: 1}, 2]}\n");
	assert_int_equal(p.rc, -1);
	expect_error(&p, 0, 1, 9, "merge key '<<' needs a mapping or a sequence of mappings");
	expect_error(&p, 1, 2, 18, "not an integer");
	release(&p);
}

/* ---- caps and errors ----------------------------------------------------- */

static void test_yaml_depth_cap(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct parsed p;
	(void)state;
	for (int i = 0; i < 64; i++)
		strbuf_addch(&sb, '[');
	for (int i = 0; i < 64; i++)
		strbuf_addch(&sb, ']');
	parse(&p, sb.buf);
	expect_clean(&p, 1);
	release(&p);

	strbuf_reset(&sb);
	for (int i = 0; i < 100000; i++)
		strbuf_addch(&sb, '[');
	parse(&p, sb.buf);
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.d.nr, 1);
	expect_error(&p, 0, 1, 65, "YAML nesting is deeper than 64 levels");
	release(&p);

	/* block style counts the same way */
	strbuf_reset(&sb);
	for (int i = 0; i < 70; i++)
		strbuf_addf(&sb, "%*sk:\n", i, "");
	parse(&p, sb.buf);
	assert_int_equal(p.d.nr, 1);
	expect_error(&p, 0, 65, 65, "deeper than 64");
	release(&p);
	strbuf_release(&sb);
}

static void test_yaml_syntax_errors(void **state)
{
	struct parsed p;
	(void)state;
	parse(&p, "ok: 1\n---\nspec:\n\tports: 1\n");
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.docs.n, 1); /* the complete first document survives */
	expect_error(&p, 0, 4, 1, "tab");
	release(&p);

	parse(&p, "a: b: c\n");
	expect_error(&p, 0, 1, 5, "mapping values are not allowed in this context");
	release(&p);

	parse(&p, "a: 1\nname: \"unterminated\n");
	expect_error(&p, 0, 3, 1,
		     "found unexpected end of stream (while scanning a quoted scalar)");
	assert_non_null(p.d.v[0]->notes);
	assert_int_equal(p.d.v[0]->notes->loc.line, 2);
	assert_int_equal(p.d.v[0]->notes->loc.col, 7);
	release(&p);

	parse(&p, "- [a, b\n");
	expect_error(&p, 0, 2, 1,
		     "did not find expected ',' or ']' (while parsing a flow sequence)");
	release(&p);

	parse(&p, "a: x\x01y\n");
	expect_error(&p, 0, 1, 5, "control characters are not allowed");
	release(&p);

	parse(&p, "key: value\n  bad: indent\n");
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.d.nr, 1);
	assert_int_equal(p.d.v[0]->loc.line, 2);
	release(&p);

	parse(&p, "@foo\n");
	expect_error(&p, 0, 1, 1, "found character that cannot start any token");
	release(&p);
}

static void test_yaml_garbage_never_crashes(void **state)
{
	static const char *const inputs[] = {
		"}{",	   "]]]",	    "- - - -\n  -",	  "? ? ?",
		"&a *a",   "!<!> x",	    "%YAML 9.9\n---\n",	  "a: &",
		"*",	   "[*a, &a 1]",    "{a: 1, a: 2, a: 3}", "'",
		"\"\\x\"", "--- |\n a\n b", "a:\n- b\n-c",	  "\"\\uD800\"",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct parsed p;
		parse(&p, inputs[i]);
		for (size_t j = 0; j < p.d.nr; j++)
			assert_true(p.d.v[j]->loc.line >= 1);
		release(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_scalar_typing),
		cmocka_unit_test(test_yaml_scalar_text_kept),
		cmocka_unit_test(test_yaml_bad_tags),
		cmocka_unit_test(test_yaml_locations),
		cmocka_unit_test(test_yaml_multi_document),
		cmocka_unit_test(test_yaml_empty_inputs),
		cmocka_unit_test(test_yaml_duplicate_keys),
		cmocka_unit_test(test_yaml_duplicate_keys_big_mapping),
		cmocka_unit_test(test_yaml_distinct_keys_that_look_alike),
		cmocka_unit_test(test_yaml_non_string_keys),
		cmocka_unit_test(test_yaml_alias_shares_node),
		cmocka_unit_test(test_yaml_anchor_redefined_and_scoped),
		cmocka_unit_test(test_yaml_alias_errors),
		cmocka_unit_test(test_yaml_alias_bomb),
		cmocka_unit_test(test_yaml_alias_count_is_exact),
		cmocka_unit_test(test_yaml_merge_keys),
		cmocka_unit_test(test_yaml_merge_key_errors),
		cmocka_unit_test(test_yaml_depth_cap),
		cmocka_unit_test(test_yaml_syntax_errors),
		cmocka_unit_test(test_yaml_garbage_never_crashes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
