/*
 * addrset.h - IPv4 and IPv6 addresses, prefixes and exact address sets.
 *
 * An addrset is two arrays of sorted, disjoint, non-adjacent inclusive
 * intervals, one per family, with 128-bit arithmetic for IPv6 (IPv4 values
 * live in the low 32 bits).  Every operation returns a normalised set; the
 * interval arrays are heap memory owned by the set (addrset_release frees
 * them).  An IPv4 interval never matches an IPv6 address and vice versa.
 */
#ifndef NETPOLC_ADDRSET_H
#define NETPOLC_ADDRSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

__extension__ typedef unsigned __int128 u128;

enum { AF4 = 4, AF6 = 6 };

struct addr {
	uint8_t family; /* AF4 or AF6 */
	u128 v;		/* IPv4 in the low 32 bits */
};

struct prefix {
	struct addr a; /* the network: host bits cleared */
	uint8_t len;   /* 0..32 or 0..128 */
};

/* ADDR_STRLEN: enough for any formatted address or prefix, NUL included. */
#define ADDR_STRLEN 64

/* addr_parse: IPv4 dotted quad or IPv6 (with ::, embedded IPv4). 0 or -1. */
int addr_parse(const char *s, struct addr *out);
/*
 * prefix_parse: "ADDR/LEN" or a bare address (full length).  The network is
 * masked; *host_bits (if not NULL) tells whether bits were cleared, i.e.
 * the input was not canonical.  0 or -1 (with *why set to a short reason).
 */
int prefix_parse(const char *s, struct prefix *out, bool *host_bits, const char **why);
/* prefix_parse_n: the same for the n bytes at s (no NUL needed). */
int prefix_parse_n(const char *s, size_t n, struct prefix *out, bool *host_bits, const char **why);
/* addr_format / prefix_format: canonical text (RFC 5952 for IPv6) into buf. */
char *addr_format(const struct addr *a, char *buf);
char *prefix_format(const struct prefix *p, char *buf);
/* prefix_short: prefix_format, but a single address (/32, /128) without its length. */
char *prefix_short(const struct prefix *p, char *buf);
/* prefix_first / prefix_last: the lowest and highest address of the prefix. */
u128 prefix_first(const struct prefix *p);
u128 prefix_last(const struct prefix *p);
bool prefix_contains(const struct prefix *p, const struct addr *a);
/* prefix_within: inner is inside outer (same family, inner.len >= outer.len). */
bool prefix_within(const struct prefix *inner, const struct prefix *outer);
int addr_cmp(const struct addr *x, const struct addr *y);
/*
 * prefix_v4_mapped: p lies in ::ffff:0:0/96, the IPv4-mapped IPv6 space,
 * which Go's net.IPNet (hence Kubernetes implementations and Calico)
 * prints and matches as IPv4; *v4 (may be NULL) gets that IPv4 prefix.
 */
bool prefix_v4_mapped(const struct prefix *p, struct prefix *v4);

struct ivl4 {
	uint32_t lo, hi;
};
struct ivl6 {
	u128 lo, hi;
};

struct addrset {
	struct ivl4 *v4;
	size_t n4, a4;
	struct ivl6 *v6;
	size_t n6, a6;
	bool dirty; /* intervals appended but not yet normalised */
};

#define ADDRSET_INIT \
	{            \
		0    \
	}

void addrset_init(struct addrset *s);
void addrset_release(struct addrset *s);
void addrset_copy(struct addrset *dst, const struct addrset *src);
/* Builders: append, then addrset_normalize (done lazily by every reader). */
void addrset_add_prefix(struct addrset *s, const struct prefix *p);
void addrset_add_addr(struct addrset *s, const struct addr *a);
/* addrset_add_range: inclusive lo..hi of one family; lo <= hi required. */
void addrset_add_range(struct addrset *s, int family, u128 lo, u128 hi);
void addrset_add_all(struct addrset *s, int family); /* 0.0.0.0/0 or ::/0 */
/*
 * addrset_add_set: append every interval of b (b unchanged).  Unlike addrset_merge it costs the
 * size of b, not of s: collect many sets with it, and the one sort happens when s is next read.
 */
void addrset_add_set(struct addrset *s, const struct addrset *b);
void addrset_normalize(struct addrset *s);

/*
 * Set algebra: out = a OP b.  out may alias neither a nor b; it is
 * overwritten without being released, so pass an empty (or uninitialised)
 * set.  Copy likewise overwrites dst.
 */
void addrset_union(struct addrset *out, const struct addrset *a, const struct addrset *b);
void addrset_intersect(struct addrset *out, const struct addrset *a, const struct addrset *b);
void addrset_subtract(struct addrset *out, const struct addrset *a, const struct addrset *b);
/* addrset_complement: within the families given (mask of 1 << AF4 / 1 << AF6). */
void addrset_complement(struct addrset *out, const struct addrset *a, unsigned families);
/* In-place helpers: a |= b, a -= b. */
void addrset_merge(struct addrset *a, const struct addrset *b);
void addrset_remove(struct addrset *a, const struct addrset *b);

bool addrset_is_empty(const struct addrset *s);
bool addrset_equal(const struct addrset *a, const struct addrset *b);
bool addrset_subset(const struct addrset *a, const struct addrset *b); /* a within b */
/*
 * addrset_subset_union: a lies within the union of sets[0..n), without
 * building that union: each interval of a is walked across the sets, a
 * binary search in each per step.
 */
bool addrset_subset_union(const struct addrset *a, const struct addrset *const *sets, size_t n);
bool addrset_contains(const struct addrset *s, const struct addr *a);
/* addrset_is_all: covers the whole space of that family. */
bool addrset_is_all(const struct addrset *s, int family);

/*
 * addrset_prefixes: the minimal list of prefixes whose union is exactly the
 * set (IPv4 first, then IPv6, ascending).  Returns a malloc'ed array (NULL
 * for the empty set); *n is its length.
 */
struct prefix *addrset_prefixes(const struct addrset *s, size_t *n);
/* addrset_count_prefixes: the length of that list without building it. */
size_t addrset_count_prefixes(const struct addrset *s);

/*
 * addrset_iter: walks the same minimal prefix list one prefix at a time,
 * without building it.  The set must not change during the walk.
 *
 *     struct addrset_iter it;
 *     struct prefix p;
 *     addrset_iter_init(&it, s);
 *     while (addrset_iter_next(&it, &p))
 *             ...
 */
struct addrset_iter {
	const struct addrset *s;
	int family; /* AF4, then AF6 */
	size_t i;   /* interval index within the family */
	u128 cur;   /* next address to cover in interval i */
	bool mid;   /* cur is inside interval i (else start at its lo) */
};

void addrset_iter_init(struct addrset_iter *it, const struct addrset *s);
bool addrset_iter_next(struct addrset_iter *it, struct prefix *p);

#endif
