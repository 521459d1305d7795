/*
 * arena.c - chained-block bump allocator.
 */
#include "lib/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/util.h"

struct arena_block {
	struct arena_block *next;
	size_t size;
	_Alignas(16) char data[];
};

#define ARENA_BLOCK	(64 * 1024)
#define ARENA_BLOCK_MAX (8 * 1024 * 1024)
#define HUGE_PAGE	(2 * 1024 * 1024)

/*
 * huge_pages: ask for transparent huge pages in the 2 MiB-aligned part of
 * a big block.  Every first touch of a 4 KiB page is a fault, and on a
 * virtual machine a fault costs several microseconds: for inputs of
 * hundreds of MB the faults were a third of the time.  Only a hint: where
 * huge pages are off or unavailable, nothing changes.
 */
static void huge_pages(void *p, size_t n)
{
	uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
}

void *arena_alloc(struct arena *a, size_t n)
{
	char *p;
	n = st_add(n, 15) & ~(size_t)15;
	if (!n)
		n = 16;
	if ((size_t)(a->end - a->cur) < n || !a->cur) {
		/* blocks grow with the arena (64 KiB up to 8 MiB): few mallocs for big inputs */
		size_t grow = a->total / 8 < ARENA_BLOCK       ? ARENA_BLOCK
			      : a->total / 8 > ARENA_BLOCK_MAX ? ARENA_BLOCK_MAX
							       : a->total / 8;
		size_t sz = n > grow / 4 ? n : grow;
		struct arena_block *b = xmalloc(st_add(sizeof(*b), sz));
		b->size = sz;
		if (sz >= HUGE_PAGE)
			huge_pages(b->data, sz);
		if (n > grow / 4 && a->head) {
			/* big allocation: own block, keep the current one open */
			b->next = a->head->next;
			a->head->next = b;
			a->total += n;
			return b->data;
		}
		b->next = a->head;
		a->head = b;
		a->cur = b->data;
		a->end = b->data + sz;
	}
	p = a->cur;
	a->cur += n;
	a->total += n;
	return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

void *arena_array(struct arena *a, size_t nmemb, size_t size)
{
	return arena_zalloc(a, st_mult(nmemb, size));
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, st_add(n, 1));
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void *arena_memdup(struct arena *a, const void *src, size_t n)
{
	void *p = arena_alloc(a, n);
	if (n)
		memcpy(p, src, n);
	return p;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char *p;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("vsnprintf failed");
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;
	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->cur = a->end = NULL;
	a->total = 0;
}
