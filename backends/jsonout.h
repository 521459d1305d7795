/*
 * jsonout.h - streamed JSON, written straight into a strbuf in the layout
 * of jansson's json_dump(JSON_INDENT(2)): the JSON backend writes the IR
 * of hundreds of thousands of rules without building a value tree first
 * (that tree was a fifth of the time and half the heap of a big compile).
 *
 * The caller writes object members in sorted key order (byte order, as
 * JSON_SORT_KEYS) and balances every open with a close.
 */
#ifndef NETPOLC_JSONOUT_H
#define NETPOLC_JSONOUT_H

#include <stdbool.h>

#include "lib/strbuf.h"

#define JSONOUT_MAX_DEPTH 16

struct jsonout {
	struct strbuf *out;
	struct strbuf scratch; /* jsonout_stringf's text */
	unsigned depth;
	bool after_key;			      /* a key was written: its value comes next */
	bool nonempty[JSONOUT_MAX_DEPTH + 1]; /* the container at this depth has an entry */
};

void jsonout_init(struct jsonout *j, struct strbuf *out);
/* jsonout_release: frees the writer's own memory; every container must be closed. */
void jsonout_release(struct jsonout *j);
void jsonout_open_object(struct jsonout *j);
void jsonout_close_object(struct jsonout *j);
void jsonout_open_array(struct jsonout *j);
void jsonout_close_array(struct jsonout *j);
/* jsonout_key: the next member's key; a value call must follow. */
void jsonout_key(struct jsonout *j, const char *key);
/*
 * jsonout_string: s escaped as jansson does (", \, control characters).
 * In a string that is not valid UTF-8 every byte above 0x7F becomes a
 * \u00XX escape, where jansson's json_string() would drop the value.
 */
void jsonout_string(struct jsonout *j, const char *s);
/* jsonout_stringf: the formatted text as a string value. */
__attribute__((format(printf, 2, 3))) void jsonout_stringf(struct jsonout *j, const char *fmt, ...);
void jsonout_int(struct jsonout *j, long long v);
void jsonout_bool(struct jsonout *j, bool v);

#endif
