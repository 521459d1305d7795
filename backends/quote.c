/*
 * quote.c - quoting user text for firewall scripts (see quote.h).
 */
#include "backends/quote.h"

#include <string.h>

#include "lib/hash.h"
#include "lib/util.h"

static bool quote_safe(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c && strchr(" -_./:[](),=@+", c) != NULL;
}

bool quote_verbatim(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!quote_safe((unsigned char)s[i]))
			return false;
	return true;
}

static size_t quote_width(unsigned char c)
{
	return quote_safe(c) ? 1 : 3;
}

static void quote_put(struct strbuf *out, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	if (quote_safe(c)) {
		strbuf_addch(out, c);
		return;
	}
	strbuf_addch(out, '%');
	strbuf_addch(out, hex[c >> 4]);
	strbuf_addch(out, hex[c & 15]);
}

#define QUOTE_MARK_LEN 10 /* "~HHHHHHHH~" */

void quote_text(struct strbuf *out, const char *s, size_t n, size_t max)
{
	size_t total = 0, i, start, used, room, tail_room;

	if (max && max < 32)
		BUG("quote_text: max %zu too small", max);
	for (i = 0; i < n; i++)
		total += quote_width((unsigned char)s[i]);
	strbuf_addch(out, '"');
	if (!max || total <= max) {
		for (i = 0; i < n; i++)
			quote_put(out, (unsigned char)s[i]);
		strbuf_addch(out, '"');
		return;
	}
	room = max - QUOTE_MARK_LEN;
	tail_room = room / 3;
	used = 0;
	for (i = 0; i < n && used + quote_width((unsigned char)s[i]) <= room - tail_room; i++) {
		used += quote_width((unsigned char)s[i]);
		quote_put(out, (unsigned char)s[i]);
	}
	start = n;
	used = 0;
	while (start > i && used + quote_width((unsigned char)s[start - 1]) <= tail_room) {
		start--;
		used += quote_width((unsigned char)s[start]);
	}
	strbuf_addf(out, "~%08x~", (unsigned)(hash_bytes(HASH_INIT, s, n) & 0xffffffffu));
	for (; start < n; start++)
		quote_put(out, (unsigned char)s[start]);
	strbuf_addch(out, '"');
}
