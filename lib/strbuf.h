/*
 * strbuf.h - growable, always NUL-terminated byte buffer used for all output.
 *
 * Invariants: buf is never NULL (STRBUF_INIT points it at a shared empty
 * string until the first append), buf[len] == '\0', len < alloc once
 * anything was allocated.
 */
#ifndef NETPOLC_STRBUF_H
#define NETPOLC_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len, alloc;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT                   \
	{                             \
		.buf = strbuf_slopbuf \
	}

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
__attribute__((format(printf, 2, 3))) void strbuf_addf(struct strbuf *sb, const char *fmt, ...);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* strbuf_detach: hand the buffer (malloc'ed, NUL-terminated) to the caller. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

#endif
