/*
 * yamlout.c - YAML scalars and comments from user text (see yamlout.h).
 */
#include "backends/yamlout.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"

/*
 * utf8_next: decode one code point of s at *i (advancing *i); -1 if the
 * bytes there are not well-formed UTF-8 (overlong forms, surrogates and
 * values above U+10FFFF included).
 */
static long utf8_next(const unsigned char *s, size_t *i)
{
	unsigned c = s[*i];
	unsigned need, min;
	unsigned long cp;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1, min = 0x80, cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2, min = 0x800, cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3, min = 0x10000, cp = c & 0x07;
	} else {
		return -1;
	}
	for (unsigned k = 1; k <= need; k++) {
		unsigned b = s[*i + k];
		if ((b & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (b & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*i += need + 1;
	return (long)cp;
}

bool yaml_utf8_ok(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; u[i];)
		if (utf8_next(u, &i) < 0)
			return false;
	return true;
}

/*
 * yaml_needs_escape: code points that must not appear raw inside a YAML
 * scalar or comment: C0 controls, DEL, C1 controls, the YAML 1.1 line
 * breaks NEL/LS/PS (U+0085 is C1) and the byte-order mark.
 */
static bool yaml_needs_escape(long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0xfeff;
}

/* Words a YAML 1.1 or 1.2 reader resolves to a bool, null, merge or value (any case). */
static const char *const yaml_special_words[] = {
	"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", "<<", "=",
};

/*
 * yaml_numeric_like: s could be read as a number or a timestamp by some
 * YAML reader (ints in any base, sexagesimal "1:4", floats, .inf/.nan,
 * "2001-12-14 21:59:43.10 -5").  Deliberately broad: it starts like a
 * number and uses only characters those forms use.
 */
static bool yaml_numeric_like(const char *s)
{
	static const char numeric_chars[] = "0123456789_:.+- "
					    "abcdefABCDEFxXoOtTzZiInN";

	if (!((s[0] >= '0' && s[0] <= '9') || s[0] == '+' || s[0] == '.'))
		return false;
	return s[strspn(s, numeric_chars)] == '\0';
}

/* yaml_plain_ok: s can be written as a plain scalar and read back as this string. */
static bool yaml_plain_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	if (strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]) || s[n - 1] == ' ' || s[n - 1] == ':')
		return false;
	if (strstr(s, ": ") || strstr(s, " #"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(yaml_special_words); i++)
		if (!strcasecmp(s, yaml_special_words[i]))
			return false;
	return !yaml_numeric_like(s);
}

int yaml_scalar(struct strbuf *out, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t start = out->len;

	if (yaml_plain_ok(s)) {
		strbuf_addstr(out, s);
		return 0;
	}
	strbuf_addch(out, '"');
	for (size_t i = 0; u[i];) {
		size_t at = i;
		long cp = utf8_next(u, &i);

		if (cp < 0) {
			out->len = start;
			out->buf[start] = '\0';
			return -1;
		}
		if (cp == '"' || cp == '\\') {
			strbuf_addch(out, '\\');
			strbuf_addch(out, (int)cp);
		} else if (cp == '\n') {
			strbuf_addstr(out, "\\n");
		} else if (cp == '\t') {
			strbuf_addstr(out, "\\t");
		} else if (cp == '\r') {
			strbuf_addstr(out, "\\r");
		} else if (cp < 0x80 && yaml_needs_escape(cp)) {
			strbuf_addf(out, "\\x%02x", (unsigned)cp);
		} else if (yaml_needs_escape(cp)) {
			strbuf_addf(out, "\\u%04lx", (unsigned long)cp);
		} else {
			strbuf_add(out, u + at, i - at);
		}
	}
	strbuf_addch(out, '"');
	return 0;
}

void yaml_comment(struct strbuf *out, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; u[i];) {
		size_t at = i;
		long cp = utf8_next(u, &i);

		if (cp < 0) {
			strbuf_addf(out, "\\x%02x", u[at]);
			i = at + 1;
		} else if (cp == '\\') {
			strbuf_addstr(out, "\\\\");
		} else if (yaml_needs_escape(cp)) {
			strbuf_addf(out, cp < 0x100 ? "\\x%02lx" : "\\u%04lx", (unsigned long)cp);
		} else {
			strbuf_add(out, u + at, i - at);
		}
	}
}
