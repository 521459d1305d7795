/*
 * test_jsonout.c - the streamed JSON writer: byte for byte what jansson's
 * json_dump(JSON_INDENT(2) | JSON_SORT_KEYS) writes for the same value
 * (nesting, empty containers, escapes), and text that is not UTF-8 kept
 * as escapes instead of dropped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "backends/jsonout.h"
#include "lib/strbuf.h"

/* assert_like_jansson: the writer's text equals jansson's dump of v (consumed). */
static void assert_like_jansson(const struct strbuf *out, json_t *v)
{
	char *want = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	assert_non_null(want);
	assert_string_equal(out->buf, want);
	free(want);
	json_decref(v);
}

static void test_jsonout_nested(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct jsonout j;
	json_t *v = json_object(), *a = json_array(), *o = json_object();
	(void)state;

	jsonout_init(&j, &sb);
	jsonout_open_object(&j);
	jsonout_key(&j, "a");
	jsonout_open_array(&j);
	jsonout_int(&j, -3);
	jsonout_open_object(&j);
	jsonout_close_object(&j);
	jsonout_open_array(&j);
	jsonout_close_array(&j);
	jsonout_bool(&j, true);
	jsonout_close_array(&j);
	jsonout_key(&j, "b");
	jsonout_open_object(&j);
	jsonout_key(&j, "x");
	jsonout_stringf(&j, "%s/%d", "ns", 7);
	jsonout_key(&j, "y");
	jsonout_bool(&j, false);
	jsonout_close_object(&j);
	jsonout_key(&j, "c");
	jsonout_string(&j, "");
	jsonout_close_object(&j);
	jsonout_release(&j);

	json_array_append_new(a, json_integer(-3));
	json_array_append_new(a, json_object());
	json_array_append_new(a, json_array());
	json_array_append_new(a, json_true());
	json_object_set_new(o, "y", json_false());
	json_object_set_new(o, "x", json_string("ns/7"));
	json_object_set_new(v, "c", json_string(""));
	json_object_set_new(v, "b", o);
	json_object_set_new(v, "a", a);
	assert_like_jansson(&sb, v);
	strbuf_release(&sb);
}

static void test_jsonout_empty_root(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct jsonout j;
	(void)state;

	jsonout_init(&j, &sb);
	jsonout_open_array(&j);
	jsonout_close_array(&j);
	jsonout_release(&j);
	assert_like_jansson(&sb, json_array());
	strbuf_release(&sb);
}

static void test_jsonout_escapes(void **state)
{
	static const char s[] = "q\" b\\ \b\f\n\r\t \x01\x1f / \x7f caf\xc3\xa9 \xe2\x82\xac";
	struct strbuf sb = STRBUF_INIT;
	struct jsonout j;
	json_t *v = json_object();
	(void)state;

	jsonout_init(&j, &sb);
	jsonout_open_object(&j);
	jsonout_key(&j, s);
	jsonout_string(&j, s);
	jsonout_close_object(&j);
	jsonout_release(&j);
	json_object_set_new(v, s, json_string(s));
	assert_like_jansson(&sb, v);
	strbuf_release(&sb);
}

static void test_jsonout_not_utf8(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct jsonout j;
	(void)state;

	/* jansson's json_string() refuses these bytes, and the value would vanish */
	assert_null(json_string("f\xff.yaml"));
	jsonout_init(&j, &sb);
	jsonout_open_array(&j);
	jsonout_string(&j, "f\xff\xc3\xa9.yaml");
	jsonout_close_array(&j);
	jsonout_release(&j);
	assert_string_equal(sb.buf, "[\n  \"f\\u00FF\\u00C3\\u00A9.yaml\"\n]");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonout_nested),
		cmocka_unit_test(test_jsonout_empty_root),
		cmocka_unit_test(test_jsonout_escapes),
		cmocka_unit_test(test_jsonout_not_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
