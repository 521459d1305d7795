/*
 * test_json.c - the JSON reader: values, positions from the scanner,
 * syntax errors with positions, duplicates, big integers, NUL, caps.
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
#include "lib/util.h"

struct parsed {
	struct arena a;
	struct diag d;
	struct doc_list docs;
	int rc;
};

static void parse_n(struct parsed *p, const char *text, size_t len, const struct input_limits *lim)
{
	struct input_limits def;
	memset(p, 0, sizeof(*p));
	diag_init(&p->d);
	if (!lim) {
		input_limits_default(&def);
		lim = &def;
	}
	p->rc = json_parse(&p->a, &p->d, lim, "t.json", text, len, &p->docs);
}

static void parse(struct parsed *p, const char *text)
{
	parse_n(p, text, strlen(text), NULL);
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

#define expect_clean(p, ndocs)                          \
	do {                                            \
		if ((p)->d.nr)                          \
			dump(p);                        \
		assert_int_equal((p)->d.nr, 0);         \
		assert_int_equal((p)->rc, 0);           \
		assert_int_equal((p)->docs.n, (ndocs)); \
	} while (0)

static void expect_error_at(const struct parsed *p, size_t i, unsigned line, unsigned col,
			    const char *msg, const char *file, int fline)
{
	const struct diag_record *r;
	if (i >= p->d.nr) {
		dump(p);
		_fail(file, fline);
	}
	r = p->d.v[i];
	if (r->level != DIAG_ERROR || r->loc.line != line || r->loc.col != col ||
	    !strstr(r->msg, msg)) {
		print_error("want error %u:%u containing '%s'; got:\n", line, col, msg);
		dump(p);
		_fail(file, fline);
	}
}
#define expect_error(p, i, line, col, msg) \
	expect_error_at((p), (i), (line), (col), (msg), __FILE__, __LINE__)

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

#define assert_loc(n, l, c)                           \
	do {                                          \
		assert_non_null(n);                   \
		assert_int_equal((n)->loc.line, (l)); \
		assert_int_equal((n)->loc.col, (c));  \
	} while (0)

static void test_json_values(void **state)
{
	struct parsed p;
	const struct node *r;
	(void)state;
	parse(&p, "{\"s\": \"x\", \"i\": 80, \"neg\": -12, \"f\": 1.5, \"e\": 1e3, \"t\": true, "
		  "\"fa\": false, \"n\": null, \"yes\": \"yes\", \"m\": {}, \"a\": [], "
		  "\"max\": 9223372036854775807, \"min\": -9223372036854775808, "
		  "\"big\": 9223372036854775808, \"huge\": -123456789012345678901234567890, "
		  "\"zero\": -0}");
	expect_clean(&p, 1);
	r = p.docs.docs[0];
	assert_int_equal(r->kind, NODE_MAP);
	assert_int_equal(at(r, "s")->kind, NODE_STR);
	assert_string_equal(at(r, "s")->str, "x");
	assert_int_equal(at(r, "i")->kind, NODE_INT);
	assert_int_equal(at(r, "i")->ival, 80);
	assert_string_equal(at(r, "i")->str, "80");
	assert_true(at(r, "neg")->ival == -12);
	assert_int_equal(at(r, "f")->kind, NODE_FLOAT);
	assert_string_equal(at(r, "f")->str, "1.5");
	assert_int_equal(at(r, "e")->kind, NODE_FLOAT);
	assert_int_equal(at(r, "t")->kind, NODE_BOOL);
	assert_true(at(r, "t")->bval);
	assert_int_equal(at(r, "fa")->kind, NODE_BOOL);
	assert_false(at(r, "fa")->bval);
	assert_int_equal(at(r, "n")->kind, NODE_NULL);
	assert_int_equal(at(r, "yes")->kind, NODE_STR); /* no YAML 1.1 typing in JSON */
	assert_int_equal(at(r, "m")->kind, NODE_MAP);
	assert_int_equal(at(r, "m")->n, 0);
	assert_int_equal(at(r, "a")->kind, NODE_SEQ);
	assert_int_equal(at(r, "a")->n, 0);
	assert_int_equal(at(r, "max")->kind, NODE_INT);
	assert_true(at(r, "max")->ival == 9223372036854775807LL);
	assert_int_equal(at(r, "min")->kind, NODE_INT);
	assert_true(at(r, "min")->ival == -9223372036854775807LL - 1);
	/* integers beyond long long keep their text */
	assert_int_equal(at(r, "big")->kind, NODE_FLOAT);
	assert_string_equal(at(r, "big")->str, "9223372036854775808");
	assert_int_equal(at(r, "huge")->kind, NODE_FLOAT);
	assert_string_equal(at(r, "huge")->str, "-123456789012345678901234567890");
	assert_int_equal(at(r, "zero")->kind, NODE_INT);
	assert_int_equal(at(r, "zero")->ival, 0);
	release(&p);
}

static void test_json_key_order(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct parsed p;
	(void)state;
	strbuf_addch(&sb, '{');
	for (int i = 0; i < 300; i++)
		strbuf_addf(&sb, "%s\"k%d\": %d", i ? ", " : "", (i * 7919) % 300, i);
	strbuf_addch(&sb, '}');
	parse(&p, sb.buf);
	expect_clean(&p, 1);
	assert_int_equal(p.docs.docs[0]->n, 300);
	for (int i = 0; i < 300; i++) {
		char want[16];
		snprintf(want, sizeof(want), "k%d", (i * 7919) % 300);
		assert_string_equal(p.docs.docs[0]->pairs[i].key->str, want);
		assert_int_equal(p.docs.docs[0]->pairs[i].value->ival, i);
		assert_int_equal(p.docs.docs[0]->pairs[i].key->loc.line, 1);
	}
	release(&p);
	strbuf_release(&sb);
}

static void test_json_locations(void **state)
{
	struct parsed p;
	const struct node *r;
	(void)state;
	parse(&p, "\n"
		  "  {\n"
		  "    \"kind\": \"Pod\",\n"
		  "    \"esc\\\"aped\": \"a\\\\\", \"n\" :\t7,\n"
		  "    \"spec\": {\"ports\": [ 80,\r\n"
		  "       {\"é\": \"ü\", \"x\": [true, null, -1.5e3, \"\"]}]},\n"
		  "    \"last\": []\n"
		  "  }\n");
	expect_clean(&p, 1);
	r = p.docs.docs[0];
	assert_loc(r, 2, 3);
	assert_loc(r->pairs[0].key, 3, 5);
	assert_loc(r->pairs[0].value, 3, 13);
	assert_loc(r->pairs[1].key, 4, 5);
	assert_string_equal(r->pairs[1].key->str, "esc\"aped");
	assert_loc(r->pairs[1].value, 4, 18);
	assert_loc(r->pairs[2].key, 4, 25);
	assert_loc(at(r, "n"), 4, 31);
	assert_loc(at(r, "spec"), 5, 13);
	assert_loc(at(r, "spec/ports"), 5, 23);
	assert_loc(at(r, "spec/ports/0"), 5, 25);
	assert_loc(at(r, "spec/ports/1"), 6, 8);
	/* columns count characters: é and ü are one each */
	assert_loc(at(r, "spec/ports/1")->pairs[0].value, 6, 14);
	assert_loc(at(r, "spec/ports/1")->pairs[1].key, 6, 19);
	assert_loc(at(r, "spec/ports/1/x"), 6, 24);
	assert_loc(at(r, "spec/ports/1/x/1"), 6, 31);
	assert_loc(at(r, "spec/ports/1/x/2"), 6, 37);
	assert_loc(at(r, "spec/ports/1/x/3"), 6, 45);
	assert_loc(at(r, "last"), 7, 13);
	release(&p);
}

static void test_json_locations_one_long_line(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct parsed p;
	(void)state;
	strbuf_addstr(&sb, "[");
	for (int i = 0; i < 20000; i++)
		strbuf_addf(&sb, "%s{\"a\":\"\\u00e9%d\"}", i ? "," : "", i % 10);
	strbuf_addstr(&sb, "]");
	parse(&p, sb.buf);
	expect_clean(&p, 1);
	/* each element is 15 bytes plus a comma; the escape is plain ASCII text */
	for (int i = 0; i < 20000; i += 997) {
		const struct node *e = p.docs.docs[0]->items[i];
		char want[8];
		assert_loc(e, 1, 2 + 16 * (unsigned)i);
		assert_loc(e->pairs[0].value, 1, 2 + 16 * (unsigned)i + 5);
		snprintf(want, sizeof(want), "\xc3\xa9%d", i % 10);
		assert_string_equal(e->pairs[0].value->str, want);
	}
	release(&p);
	strbuf_release(&sb);
}

static void test_json_top_level(void **state)
{
	struct parsed p;
	(void)state;
	parse(&p, "  \"just a string\"  ");
	expect_clean(&p, 1);
	assert_int_equal(p.docs.docs[0]->kind, NODE_STR);
	assert_loc(p.docs.docs[0], 1, 3);
	release(&p);
	parse(&p, "null");
	expect_clean(&p, 0);
	release(&p);
	parse(&p, "");
	expect_clean(&p, 0);
	release(&p);
	parse(&p, " \n\t\r\n ");
	expect_clean(&p, 0);
	release(&p);
	parse(&p, "42");
	expect_clean(&p, 1);
	assert_int_equal(p.docs.docs[0]->ival, 42);
	release(&p);
}

static void test_json_nul_in_strings(void **state)
{
	struct parsed p;
	const struct node *v;
	(void)state;
	parse(&p, "{\"k\": \"a\\u0000b\"}");
	expect_clean(&p, 1);
	v = node_get(p.docs.docs[0], "k");
	assert_int_equal(v->len, 3);
	assert_memory_equal(v->str, "a\0b", 4);
	release(&p);
	/* a NUL in a key is not allowed by jansson */
	parse(&p, "{\n  \"a\\u0000\": 1}");
	assert_int_equal(p.rc, -1);
	expect_error(&p, 0, 2, 3, "NUL byte in object key not supported");
	release(&p);
}

static void test_json_syntax_errors(void **state)
{
	struct parsed p;
	(void)state;
	parse(&p, "{\"a\" 1}");
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.docs.n, 0);
	expect_error(&p, 0, 1, 6, "':' expected near '1'");
	release(&p);

	parse(&p, "{\n  \"a\": tru,\n  \"b\": 2\n}");
	expect_error(&p, 0, 2, 8, "invalid token near 'tru'");
	release(&p);

	parse(&p, "{\"a\": 1,}");
	expect_error(&p, 0, 1, 9, "string or '}' expected near '}'");
	release(&p);

	parse(&p, "[1, 2");
	expect_error(&p, 0, 1, 6, "']' expected near end of file");
	release(&p);

	parse(&p, "{\"é\": 1, \"x\": é}");
	expect_error(&p, 0, 1, 15, "invalid token near 'é'");
	release(&p);

	parse(&p, "{\"a\": 1} x");
	expect_error(&p, 0, 1, 10, "end of file expected near 'x'");
	release(&p);

	parse(&p, "[\"ab\ncd\"]");
	expect_error(&p, 0, 1, 2, "unexpected newline");
	release(&p);

	parse(&p, "[\n 1e400]");
	expect_error(&p, 0, 2, 2, "real number overflow");
	release(&p);

	/* a token too long for jansson to quote is still located at its start */
	parse(&p, "{\"k\":\n   \"a long string with a bad escape \\q inside\"}");
	assert_int_equal(p.d.nr, 1);
	expect_error(&p, 0, 2, 4, "invalid escape");
	release(&p);

	parse(&p, "[01]");
	expect_error(&p, 0, 1, 2, "invalid token");
	release(&p);

	parse(&p, "{'a': 1}");
	expect_error(&p, 0, 1, 2, "near '''");
	release(&p);
}

static void test_json_raw_nul(void **state)
{
	struct parsed p;
	(void)state;
	/* jansson alone would accept the first two */
	parse_n(&p, "[1\0]", 4, NULL);
	assert_int_equal(p.rc, -1);
	expect_error(&p, 0, 1, 3, "invalid control character U+0000");
	release(&p);
	parse_n(&p, "{\"a\":\ntrue\0}", 12, NULL);
	expect_error(&p, 0, 2, 5, "U+0000");
	release(&p);
	parse_n(&p, "[\"a\0\"]", 6, NULL);
	expect_error(&p, 0, 1, 4, "U+0000");
	release(&p);
}

static void test_json_duplicate_keys(void **state)
{
	struct parsed p;
	const struct diag_record *r;
	(void)state;
	parse(&p, "{\n"
		  "  \"metadata\": {\"name\": \"a\", \"labels\": {\"name\": \"x\"},\n"
		  "               \"n\\u0061me\": \"b\"}\n"
		  "}");
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.d.nr, 1);
	expect_error(&p, 0, 3, 16, "duplicate object key");
	r = p.d.v[0];
	assert_non_null(r->notes);
	assert_int_equal(r->notes->loc.line, 2);
	assert_int_equal(r->notes->loc.col, 16);
	release(&p);
}

static void test_json_depth_cap(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct parsed p;
	(void)state;
	for (int i = 0; i < 64; i++)
		strbuf_addstr(&sb, "[");
	for (int i = 0; i < 64; i++)
		strbuf_addstr(&sb, "]");
	parse(&p, sb.buf);
	expect_clean(&p, 1);
	release(&p);

	strbuf_reset(&sb);
	strbuf_addstr(&sb, "{\"a\":\n");
	for (int i = 0; i < 65; i++)
		strbuf_addstr(&sb, "[");
	for (int i = 0; i < 65; i++)
		strbuf_addstr(&sb, "]");
	strbuf_addstr(&sb, "}");
	parse(&p, sb.buf);
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.d.nr, 1);
	expect_error(&p, 0, 2, 64, "JSON nesting is deeper than 64 levels");
	release(&p);

	/* deeper than jansson's own limit: the same message, at the same place */
	strbuf_reset(&sb);
	for (int i = 0; i < 100000; i++)
		strbuf_addstr(&sb, "[");
	parse(&p, sb.buf);
	assert_int_equal(p.d.nr, 1);
	expect_error(&p, 0, 1, 65, "JSON nesting is deeper than 64 levels");
	release(&p);
	strbuf_release(&sb);
}

static void test_json_no_node_cap(void **state)
{
	struct input_limits lim;
	struct parsed p;
	const char *text = "{\"a\": [1, 2], \"b\": {}}";
	(void)state;
	/* max_nodes is about YAML aliases; JSON is bounded by its size */
	input_limits_default(&lim);
	lim.max_nodes = 1;
	parse_n(&p, text, strlen(text), &lim);
	expect_clean(&p, 1);
	release(&p);
}

static void test_json_not_nul_terminated(void **state)
{
	struct parsed p;
	char *buf = malloc(8);
	(void)state;
	memcpy(buf, "[1, 23]", 7);
	buf[7] = '5'; /* outside the text */
	parse_n(&p, buf, 7, NULL);
	expect_clean(&p, 1);
	assert_int_equal(p.docs.docs[0]->items[1]->ival, 23);
	release(&p);
	free(buf);
}

/* ---- the direct reader against jansson ---- */

static void assert_same_node(const struct node *x, const struct node *y)
{
	assert_int_equal(x->kind, y->kind);
	assert_string_equal(x->loc.file, y->loc.file);
	assert_int_equal(x->loc.line, y->loc.line);
	assert_int_equal(x->loc.col, y->loc.col);
	assert_int_equal(x->loc.end_line, y->loc.end_line);
	assert_int_equal(x->loc.end_col, y->loc.end_col);
	assert_int_equal(x->len, y->len);
	assert_memory_equal(x->str, y->str, x->len + 1);
	assert_int_equal(x->ival, y->ival);
	assert_int_equal(x->bval, y->bval);
	assert_int_equal(x->n, y->n);
	for (size_t i = 0; i < x->n; i++) {
		if (x->kind == NODE_MAP) {
			assert_same_node(x->pairs[i].key, y->pairs[i].key);
			assert_same_node(x->pairs[i].value, y->pairs[i].value);
		} else {
			assert_same_node(x->items[i], y->items[i]);
		}
	}
}

/* assert_same_reading: json_parse and json_parse_jansson agree on text (status, messages, tree). */
static void assert_same_reading(const char *text, size_t len)
{
	struct parsed p, q;
	struct input_limits lim;
	input_limits_default(&lim);
	lim.max_depth = 6;
	memset(&p, 0, sizeof(p));
	memset(&q, 0, sizeof(q));
	diag_init(&p.d);
	diag_init(&q.d);
	p.rc = json_parse(&p.a, &p.d, &lim, "t.json", text, len, &p.docs);
	q.rc = json_parse_jansson(&q.a, &q.d, &lim, "t.json", text, len, &q.docs);
	if (p.rc != q.rc || p.docs.n != q.docs.n || p.d.nr != q.d.nr)
		print_error("text: %.*s\n", (int)len, text);
	assert_int_equal(p.rc, q.rc);
	assert_int_equal(p.d.nr, q.d.nr);
	for (size_t i = 0; i < p.d.nr; i++) {
		assert_string_equal(p.d.v[i]->msg, q.d.v[i]->msg);
		assert_int_equal(p.d.v[i]->loc.line, q.d.v[i]->loc.line);
		assert_int_equal(p.d.v[i]->loc.col, q.d.v[i]->loc.col);
	}
	assert_int_equal(p.docs.n, q.docs.n);
	if (p.docs.n)
		assert_same_node(p.docs.docs[0], q.docs.docs[0]);
	release(&p);
	release(&q);
}

static const char *const reader_samples[] = {
	"{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
	"  {\"kind\": \"Pod\", \"metadata\": {\"name\": \"w\", \"labels\": {\"app\": \"web\"}},\n"
	"   \"status\": {\"podIP\": \"10.0.0.1\"}},\n"
	"\t{\"kind\":\"NetworkPolicy\",\"spec\":{\"ingress\":[{\"ports\":[{\"port\":80},"
	"{\"port\":-0},{\"port\":0.5},{\"endPort\":12345678901234567890123}]}]}}\r\n]}\n",
	"  [1, -2, 3.25, -0.0, 1e3, 2E-2, true, false, null, \"\", {}, [], [[]], {\"a\": {}}]  ",
	"{\"s\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\", \"e\": "
	"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\","
	" \"u\": \"\\u00e9\\u20AC\\u0041\\ud83d\\ude00\\u0000x\"}",
	"{\"a\": 1, \"b\": 2, \"a\": 3}",
	"{\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,"
	"\"k10\":10,\"k11\":11,\"k12\":12,\"k13\":13,\"k14\":14,\"k15\":15,\"k16\":16,"
	"\"k17\":17,\"k1\":18}",
	"{\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,"
	"\"k10\":10,\"k11\":11,\"k12\":12,\"k13\":13,\"k14\":14,\"k15\":15,\"k16\":16,"
	"\"k17\":17,\"k18\":18}",
	"\"top\"",
	"42",
	"null",
	"[[[[[[[1]]]]]]]",
	"[[[[[1]]]]]",
	"{\"a\\u0000\": 1}",
	"{\"a\" : [ 1 , 2 ] , \"b\"\n:\n\"c\" }",
	"[01, 1.]",
	"[1,]",
	"{\"a\":1,}",
	"[1 2]",
	"[truex]",
	"\"bad \x01 control\"",
	"\"bad \xc3( utf8\"",
	"\"\\ud800\"",
	"\"\\x\"",
	"[1] [2]",
};

static void test_json_direct_reader_samples(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(reader_samples); i++)
		assert_same_reading(reader_samples[i], strlen(reader_samples[i]));
}

/* random edits of the samples: wherever the direct reader accepts a text, it reads what jansson
 * reads */
static void test_json_direct_reader_mutations(void **state)
{
	static const char bytes[] = "{}[]\":,\\ 0123456789eE.-+untfalsx\n\t\r\x01\x80\xc3\xa9";
	uint64_t seed = 20261206;
	char buf[1024];
	(void)state;
	for (int iter = 0; iter < 4000; iter++) {
		const char *src;
		size_t len;
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		src = reader_samples[(seed >> 33) % ARRAY_SIZE(reader_samples)];
		len = strlen(src);
		memcpy(buf, src, len);
		for (int m = 0; m < 1 + iter % 3 && len; m++) {
			size_t at;
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			at = (seed >> 33) % len;
			switch ((seed >> 20) % 3) {
			case 0: /* replace */
				buf[at] = bytes[(seed >> 40) % (sizeof(bytes) - 1)];
				break;
			case 1: /* delete */
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			default: /* insert */
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = bytes[(seed >> 40) % (sizeof(bytes) - 1)];
				len++;
			}
		}
		assert_same_reading(buf, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_values),
		cmocka_unit_test(test_json_key_order),
		cmocka_unit_test(test_json_locations),
		cmocka_unit_test(test_json_locations_one_long_line),
		cmocka_unit_test(test_json_top_level),
		cmocka_unit_test(test_json_nul_in_strings),
		cmocka_unit_test(test_json_syntax_errors),
		cmocka_unit_test(test_json_raw_nul),
		cmocka_unit_test(test_json_duplicate_keys),
		cmocka_unit_test(test_json_depth_cap),
		cmocka_unit_test(test_json_no_node_cap),
		cmocka_unit_test(test_json_not_nul_terminated),
		cmocka_unit_test(test_json_direct_reader_samples),
		cmocka_unit_test(test_json_direct_reader_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
