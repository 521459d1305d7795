/*
 * util.h - allocation wrappers, growable arrays, invariant checks.
 *
 * Every allocation in netpolc goes through xmalloc/xcalloc/xrealloc. On
 * failure they call oom(), which prints "netpolc: out of memory" and exits 1
 * without writing any output.  With NETPOLC_FAIL_ALLOC=N in the environment
 * the Nth allocation fails (tests/oom.sh uses it).
 *
 * BUG() is for broken invariants only, never for bad input: input problems
 * go to the diagnostic queue (diag.h).
 */
#ifndef NETPOLC_UTIL_H
#define NETPOLC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define BUG(...) util_bug(__FILE__, __LINE__, __VA_ARGS__)

__attribute__((noreturn, format(printf, 3, 4))) void util_bug(const char *file, int line,
							      const char *fmt, ...);
__attribute__((noreturn)) void oom(void);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* xreallocarray: realloc to nmemb * size bytes; the product is overflow-checked. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* has_suffix: s ends with suffix. */
bool has_suffix(const char *s, const char *suffix);

/*
 * xqsort: qsort that accepts an empty array given as NULL (qsort's pointer
 * must not be NULL even when n is 0).
 */
void xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* st_mult/st_add: size arithmetic that calls oom() on overflow. */
size_t st_mult(size_t a, size_t b);
size_t st_add(size_t a, size_t b);

/*
 * VEC_GROW(v, nr, alloc): make room for at least nr elements in the array
 * v whose capacity is alloc (both updated in place).  Growth is geometric.
 */
#define VEC_GROW(v, nr, alloc)                                                              \
	do {                                                                                \
		if ((size_t)(nr) > (size_t)(alloc)) {                                       \
			size_t vec_grow_n_ = (size_t)(alloc) < 8 ? 8 : st_mult((alloc), 2); \
			if (vec_grow_n_ < (size_t)(nr))                                     \
				vec_grow_n_ = (nr);                                         \
			(v) = xreallocarray((v), vec_grow_n_, sizeof(*(v)));                \
			(alloc) = vec_grow_n_;                                              \
		}                                                                           \
	} while (0)

/* VEC_PUSH(v, nr, alloc, x): append x, growing as needed. */
#define VEC_PUSH(v, nr, alloc, x)                         \
	do {                                              \
		VEC_GROW((v), (size_t)(nr) + 1, (alloc)); \
		(v)[(nr)++] = (x);                        \
	} while (0)

/* Allocation counting hook; reset by tests. */
void util_fail_alloc_reset(void);

#endif
