/*
 * util.c - allocation wrappers with one out-of-memory path and a
 * fail-the-Nth-allocation hook for tests.
 */
#include "lib/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long fail_at = -1; /* -1: not read yet, 0: disabled */
static long alloc_count;

void util_fail_alloc_reset(void)
{
	fail_at = -1;
	alloc_count = 0;
}

static bool should_fail(void)
{
	if (fail_at < 0) {
		const char *s = getenv("NETPOLC_FAIL_ALLOC");
		fail_at = s ? strtol(s, NULL, 10) : 0;
		if (fail_at < 0)
			fail_at = 0;
	}
	if (!fail_at)
		return false;
	return ++alloc_count == fail_at;
}

void util_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "netpolc: BUG at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void oom(void)
{
	fflush(stdout);
	fputs("netpolc: out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p;
	if (should_fail())
		oom();
	p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p;
	if (should_fail())
		oom();
	p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	if (should_fail())
		oom();
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t nmemb, size_t size)
{
	return xrealloc(p, st_mult(nmemb, size));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(st_add(n, 1));
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

size_t st_mult(size_t a, size_t b)
{
	size_t r;
	if (__builtin_mul_overflow(a, b, &r))
		oom();
	return r;
}

size_t st_add(size_t a, size_t b)
{
	size_t r;
	if (__builtin_add_overflow(a, b, &r))
		oom();
	return r;
}

void xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}
