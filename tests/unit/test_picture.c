/*
 * test_picture.c - unit tests for cli/picture.c: the one escaping function
 * every name goes through, against hostile names, and the renderer's
 * invariants (a cell per pair, its parts, byte-stable output).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/picture.h"

static char *escaped(const char *s)
{
	static char buf[1024];
	struct strbuf sb = STRBUF_INIT;
	pic_escape(&sb, s);
	snprintf(buf, sizeof(buf), "%s", sb.buf ? sb.buf : "");
	strbuf_release(&sb);
	return buf;
}

static void test_picture_escape_markup(void **state)
{
	(void)state;
	assert_string_equal(escaped("x\"><script>alert(1)</script>"),
			    "x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_string_equal(escaped("]]><!-- &amp; 'a'"), "]]&gt;&lt;!-- &amp;amp; &#39;a&#39;");
	assert_string_equal(escaped("plain-name.ns"), "plain-name.ns");
	assert_string_equal(escaped(""), "");
}

static void test_picture_escape_bytes(void **state)
{
	(void)state;
	/* UTF-8 is kept; control characters, stray and overlong bytes are not */
	assert_string_equal(escaped("caf\xc3\xa9 \xe2\x86\x92"), "caf\xc3\xa9 \xe2\x86\x92");
	assert_string_equal(escaped("a\x01z\x7f"), "a&#xFFFD;z&#xFFFD;");
	assert_string_equal(escaped("tab\tnl\n"), "tab\tnl\n");
	assert_string_equal(escaped("\xff\xc3"), "&#xFFFD;&#xFFFD;");
	assert_string_equal(escaped("\xc0\xbc"), "&#xFFFD;&#xFFFD;");		  /* overlong '<' */
	assert_string_equal(escaped("\xed\xa0\x80"), "&#xFFFD;&#xFFFD;&#xFFFD;"); /* surrogate */
	assert_string_equal(escaped("\xef\xbf\xbe"), "&#xFFFD;&#xFFFD;&#xFFFD;"); /* U+FFFE */
}

static void cell(void *ctx, size_t i, size_t j, struct pic_cell *out)
{
	(void)ctx;
	out->part[0] = i == j ? PIC_ALLOW : PIC_DENY;
	out->part[1] = PIC_SOME;
	strbuf_addf(&out->title, "%zu<%zu", i, j);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)); p++)
		n++;
	return n;
}

static void test_picture_svg(void **state)
{
	static const struct pic_peer peers[] = {
		{ "ns<a>", "one", "ns/one", PIC_NONE },
		{ "ns<a>", "two&", NULL, PIC_ADDED },
		{ "external", "10.0.0.0/8", "10.0.0.0/8", PIC_REMOVED },
	};
	static const struct pic_legend legend[] = { { PIC_ALLOW, "allowed" } };
	struct picture p = { 0 };
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	(void)state;
	p.title = "t\"";
	p.rows = peers;
	p.nrows = 3;
	p.legend = legend;
	p.nlegend = 1;
	p.nparts = 2;
	p.cell = cell;
	pic_svg(&p, &a);
	pic_svg(&p, &b);
	assert_string_equal(a.buf, b.buf);
	assert_int_equal(count(a.buf, "<g class=\"cell\""), 9);
	assert_int_equal(count(a.buf, "<rect class=\"s-some\""), 9);
	assert_int_equal(count(a.buf, "<rect class=\"s-allow\""), 3);
	assert_int_equal(count(a.buf, "<title>2&lt;0</title>"), 1);
	assert_int_equal(count(a.buf, "ns<a>"), 0);
	assert_int_equal(count(a.buf, ">ns&lt;a&gt;</text>"), 2); /* a row band and a column band */
	assert_int_equal(count(a.buf, "<text class=\"row"), 3);
	assert_int_equal(count(a.buf, "<text class=\"col"), 3);
	strbuf_reset(&a);
	pic_html(&p, &a);
	assert_true(strncmp(a.buf, "<!DOCTYPE html>", 15) == 0);
	assert_int_equal(count(a.buf, "<?xml"), 0);
	assert_int_equal(count(a.buf, "<g class=\"cell\""), 9);
	assert_int_equal(count(a.buf, "<title>t&quot;</title>"), 2);
	strbuf_release(&a);
	strbuf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_picture_escape_markup),
		cmocka_unit_test(test_picture_escape_bytes),
		cmocka_unit_test(test_picture_svg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
