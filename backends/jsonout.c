/*
 * jsonout.c - streamed JSON in jansson's indented layout (see jsonout.h).
 */
#include "backends/jsonout.h"

#include <stdarg.h>
#include <string.h>

#include "backends/yamlout.h"
#include "lib/util.h"

void jsonout_init(struct jsonout *j, struct strbuf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	strbuf_init(&j->scratch);
}

void jsonout_release(struct jsonout *j)
{
	if (j->depth)
		BUG("JSON output left %u containers open", j->depth);
	strbuf_release(&j->scratch);
}

static void indent(struct jsonout *j, unsigned depth)
{
	strbuf_addch(j->out, '\n');
	for (unsigned i = 0; i < depth; i++)
		strbuf_add(j->out, "  ", 2);
}

/* entry: what goes before a value or a key: nothing after a key, else a separator. */
static void entry(struct jsonout *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->depth)
		return;
	if (j->nonempty[j->depth])
		strbuf_addch(j->out, ',');
	j->nonempty[j->depth] = true;
	indent(j, j->depth);
}

static void open_container(struct jsonout *j, char c)
{
	entry(j);
	if (j->depth >= JSONOUT_MAX_DEPTH)
		BUG("JSON output nested deeper than %d", JSONOUT_MAX_DEPTH);
	strbuf_addch(j->out, c);
	j->nonempty[++j->depth] = false;
}

static void close_container(struct jsonout *j, char c)
{
	if (!j->depth || j->after_key)
		BUG("unbalanced JSON output");
	if (j->nonempty[j->depth--])
		indent(j, j->depth);
	strbuf_addch(j->out, c);
}

void jsonout_open_object(struct jsonout *j)
{
	open_container(j, '{');
}

void jsonout_close_object(struct jsonout *j)
{
	close_container(j, '}');
}

void jsonout_open_array(struct jsonout *j)
{
	open_container(j, '[');
}

void jsonout_close_array(struct jsonout *j)
{
	close_container(j, ']');
}

static void quoted(struct strbuf *out, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	bool utf8 = yaml_utf8_ok(s);

	strbuf_addch(out, '"');
	for (; *u; u++) {
		switch (*u) {
		case '"':
			strbuf_add(out, "\\\"", 2);
			break;
		case '\\':
			strbuf_add(out, "\\\\", 2);
			break;
		case '\b':
			strbuf_add(out, "\\b", 2);
			break;
		case '\f':
			strbuf_add(out, "\\f", 2);
			break;
		case '\n':
			strbuf_add(out, "\\n", 2);
			break;
		case '\r':
			strbuf_add(out, "\\r", 2);
			break;
		case '\t':
			strbuf_add(out, "\\t", 2);
			break;
		default:
			if (*u < 0x20 || (*u >= 0x80 && !utf8))
				strbuf_addf(out, "\\u%04X", *u);
			else
				strbuf_addch(out, *u);
		}
	}
	strbuf_addch(out, '"');
}

void jsonout_key(struct jsonout *j, const char *key)
{
	if (j->after_key)
		BUG("JSON key without a value");
	entry(j);
	quoted(j->out, key);
	strbuf_add(j->out, ": ", 2);
	j->after_key = true;
}

void jsonout_string(struct jsonout *j, const char *s)
{
	entry(j);
	quoted(j->out, s);
}

void jsonout_stringf(struct jsonout *j, const char *fmt, ...)
{
	va_list ap;
	strbuf_reset(&j->scratch);
	va_start(ap, fmt);
	strbuf_vaddf(&j->scratch, fmt, ap);
	va_end(ap);
	jsonout_string(j, j->scratch.buf);
}

void jsonout_int(struct jsonout *j, long long v)
{
	entry(j);
	strbuf_addf(j->out, "%lld", v);
}

void jsonout_bool(struct jsonout *j, bool v)
{
	entry(j);
	strbuf_addstr(j->out, v ? "true" : "false");
}
