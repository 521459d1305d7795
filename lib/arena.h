/*
 * arena.h - bump allocator that owns the document tree, the policy model,
 * the endpoint IR and their strings for one run.
 *
 * Nothing allocated from an arena is freed individually; arena_release()
 * frees everything at once.  Allocations are 16-byte aligned.
 */
#ifndef NETPOLC_ARENA_H
#define NETPOLC_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	char *cur, *end;
	size_t total; /* bytes handed out, for --stats and benchmarks */
};

#define ARENA_INIT \
	{          \
		0  \
	}

void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
/* arena_array: zeroed array of nmemb elements of size bytes (overflow-checked). */
void *arena_array(struct arena *a, size_t nmemb, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void *arena_memdup(struct arena *a, const void *p, size_t n);
__attribute__((format(printf, 2, 3))) char *arena_printf(struct arena *a, const char *fmt, ...);
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
void arena_release(struct arena *a);

#endif
