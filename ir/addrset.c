/*
 * addrset.c - address parsing and formatting, and exact address sets.
 *
 * A set keeps, per family, an array of inclusive intervals.  Builders only
 * append (and mark the set dirty unless the new interval comes after the
 * last one); addrset_normalize sorts by lower bound and joins overlapping
 * and adjacent intervals in one sweep.  Every reader normalises a dirty set
 * first, which is why readers cast away const: normalising never changes
 * which addresses the set holds.
 *
 * The binary operations are linear merges of two normalised arrays.  The
 * prefix list is the greedy split of each interval into the largest aligned
 * blocks: those are exactly the maximal aligned blocks inside the set, so
 * no prefix list for the set can be shorter.
 *
 * Edges of the address space: IPv4 sums are done in 64 bits, IPv6 sums are
 * guarded so that nothing is computed past ffff:...:ffff or below ::.
 *
 * Formatting follows RFC 5952 (lower case, longest run of two or more zero
 * groups shortened to "::", the first one on a tie).  IPv4-mapped addresses
 * (::ffff:0:0/96) print with a dotted quad, "::ffff:10.0.0.1", as Go's
 * net/netip does; every other IPv6 address, IPv4-compatible ones included,
 * prints in hexadecimal ("::a00:1").
 */
#include "ir/addrset.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

#define U128_MAX (~(u128)0)

static unsigned family_bits(int family)
{
	return family == AF4 ? 32 : 128;
}

static u128 family_max(int family)
{
	return family == AF4 ? (u128)UINT32_MAX : U128_MAX;
}

/* low_mask: the low k bits set, 0 <= k <= 128. */
static u128 low_mask(unsigned k)
{
	return k >= 128 ? U128_MAX : ((u128)1 << k) - 1;
}

static u128 host_mask(int family, unsigned len)
{
	return low_mask(family_bits(family) - len);
}

static unsigned ctz128(u128 x)
{
	uint64_t lo = (uint64_t)x;
	return lo ? (unsigned)__builtin_ctzll(lo)
		  : 64 + (unsigned)__builtin_ctzll((uint64_t)(x >> 64));
}

static unsigned log2_128(u128 x)
{
	uint64_t hi = (uint64_t)(x >> 64);
	return hi ? 127 - (unsigned)__builtin_clzll(hi)
		  : 63 - (unsigned)__builtin_clzll((uint64_t)x);
}

/*
 * block_bits: log2 of the largest aligned block that starts at lo and ends
 * at or before hi (lo <= hi).
 */
static unsigned block_bits(u128 lo, u128 hi)
{
	u128 span = hi - lo;
	unsigned k = span == U128_MAX ? 128 : log2_128(span + 1);
	if (lo) {
		unsigned a = ctz128(lo);
		if (a < k)
			k = a;
	}
	return k;
}

/* ---- parsing ---- */

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -1;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* parse_v4: exactly the n bytes at s as a dotted quad, no leading zeros. */
static int parse_v4(const char *s, size_t n, uint32_t *out, const char **why)
{
	uint32_t v = 0;
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		size_t start;
		unsigned octet = 0;
		if (part) {
			if (i >= n || s[i] != '.')
				return fail(why, "not an IP address");
			i++;
		}
		start = i;
		while (i < n && is_digit(s[i]) && i - start < 4)
			octet = octet * 10 + (unsigned)(s[i++] - '0');
		if (i == start)
			return fail(why, "not an IP address");
		if (i - start > 1 && s[start] == '0')
			return fail(why, "IPv4 octet has a leading zero");
		if (octet > 255)
			return fail(why, "IPv4 octet out of range");
		v = v << 8 | octet;
	}
	if (i != n)
		return fail(why, "not an IP address");
	*out = v;
	return 0;
}

/* parse_v6: exactly the n bytes at s as an IPv6 address (RFC 4291 text forms). */
static int parse_v6(const char *s, size_t n, u128 *out, const char **why)
{
	uint16_t g[8];
	int ng = 0, gap = -1;
	size_t i = 0;
	u128 v = 0;

	if (memchr(s, '%', n))
		return fail(why, "IPv6 zone not allowed");
	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (n && s[0] == ':') {
		return fail(why, "not an IP address");
	}
	while (i < n) {
		size_t start = i;
		unsigned x = 0;
		int d;
		if (ng == 8)
			return fail(why, "not an IP address");
		while (i < n && i - start < 5 && (d = hex_value(s[i])) >= 0) {
			x = x << 4 | (unsigned)d;
			i++;
		}
		if (i < n && s[i] == '.') {
			/* embedded IPv4: the rest of the text, two groups */
			uint32_t v4;
			if (ng > 6)
				return fail(why, "not an IP address");
			if (parse_v4(s + start, n - start, &v4, why))
				return -1;
			g[ng++] = (uint16_t)(v4 >> 16);
			g[ng++] = (uint16_t)v4;
			i = n;
			break;
		}
		if (i == start || i - start > 4)
			return fail(why, "not an IP address");
		g[ng++] = (uint16_t)x;
		if (i == n)
			break;
		if (s[i] != ':')
			return fail(why, "not an IP address");
		i++;
		if (i < n && s[i] == ':') {
			if (gap >= 0)
				return fail(why, "more than one '::' in IPv6 address");
			gap = ng;
			i++;
		} else if (i == n) {
			return fail(why, "not an IP address");
		}
	}
	if (gap < 0 ? ng != 8 : ng > 7)
		return fail(why, "not an IP address");
	for (int k = 0; k < 8; k++) {
		unsigned word;
		if (gap < 0 || k < gap)
			word = g[k];
		else if (k < gap + 8 - ng)
			word = 0;
		else
			word = g[k - (8 - ng)];
		v = v << 16 | word;
	}
	*out = v;
	return 0;
}

static int parse_addr_n(const char *s, size_t n, struct addr *out, const char **why)
{
	if (memchr(s, ':', n)) {
		out->family = AF6;
		return parse_v6(s, n, &out->v, why);
	} else {
		uint32_t v4;
		if (parse_v4(s, n, &v4, why))
			return -1;
		out->family = AF4;
		out->v = v4;
		return 0;
	}
}

int addr_parse(const char *s, struct addr *out)
{
	return parse_addr_n(s, strlen(s), out, NULL);
}

int prefix_parse_n(const char *s, size_t n, struct prefix *out, bool *host_bits, const char **why)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	unsigned bits, len;
	struct addr a;
	u128 mask;

	if (parse_addr_n(s, alen, &a, why))
		return -1;
	bits = family_bits(a.family);
	len = bits;
	if (slash) {
		const char *p = slash + 1, *end = s + n;
		if (p == end)
			return fail(why, "missing prefix length");
		len = 0;
		for (const char *q = p; q < end; q++) {
			if (!is_digit(*q))
				return fail(why, "prefix length is not a decimal number");
			if (len <= bits)
				len = len * 10 + (unsigned)(*q - '0');
		}
		if (end - p > 1 && *p == '0')
			return fail(why, "prefix length has a leading zero");
		if (len > bits)
			return fail(why, "prefix length out of range");
	}
	mask = host_mask(a.family, len);
	if (host_bits)
		*host_bits = (a.v & mask) != 0;
	out->a.family = a.family;
	out->a.v = a.v & ~mask;
	out->len = (uint8_t)len;
	return 0;
}

int prefix_parse(const char *s, struct prefix *out, bool *host_bits, const char **why)
{
	return prefix_parse_n(s, strlen(s), out, host_bits, why);
}

/* ---- formatting ---- */

static char *put_dec(char *p, unsigned v)
{
	if (v >= 100) {
		*p++ = (char)('0' + v / 100);
		v %= 100;
		*p++ = (char)('0' + v / 10);
		*p++ = (char)('0' + v % 10);
	} else if (v >= 10) {
		*p++ = (char)('0' + v / 10);
		*p++ = (char)('0' + v % 10);
	} else {
		*p++ = (char)('0' + v);
	}
	return p;
}

static char *put_v4(char *p, uint32_t v)
{
	p = put_dec(p, v >> 24);
	*p++ = '.';
	p = put_dec(p, (v >> 16) & 0xff);
	*p++ = '.';
	p = put_dec(p, (v >> 8) & 0xff);
	*p++ = '.';
	return put_dec(p, v & 0xff);
}

static char *put_hex16(char *p, unsigned x)
{
	static const char digits[] = "0123456789abcdef";
	bool started = false;
	for (int shift = 12; shift >= 0; shift -= 4) {
		unsigned d = (x >> shift) & 0xf;
		if (d || started || !shift) {
			*p++ = digits[d];
			started = true;
		}
	}
	return p;
}

static char *put_v6(char *p, u128 v)
{
	unsigned g[8];
	int best = -1, best_len = 0;
	bool colon = false;

	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)(v >> (112 - 16 * i)) & 0xffff;
	if ((v >> 32) == 0xffff) {
		memcpy(p, "::ffff:", 7);
		return put_v4(p + 7, (uint32_t)v);
	}
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && !g[j])
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8;) {
		if (i == best) {
			*p++ = ':';
			*p++ = ':';
			i += best_len;
			colon = false;
			continue;
		}
		if (colon)
			*p++ = ':';
		p = put_hex16(p, g[i]);
		colon = true;
		i++;
	}
	return p;
}

static char *put_addr(char *p, const struct addr *a)
{
	return a->family == AF4 ? put_v4(p, (uint32_t)a->v) : put_v6(p, a->v);
}

char *addr_format(const struct addr *a, char *buf)
{
	*put_addr(buf, a) = '\0';
	return buf;
}

char *prefix_format(const struct prefix *p, char *buf)
{
	char *q = put_addr(buf, &p->a);
	*q++ = '/';
	*put_dec(q, p->len) = '\0';
	return buf;
}

char *prefix_short(const struct prefix *p, char *buf)
{
	return p->len == (p->a.family == AF4 ? 32 : 128) ? addr_format(&p->a, buf)
							 : prefix_format(p, buf);
}

/* ---- single prefixes and addresses ---- */

u128 prefix_first(const struct prefix *p)
{
	return p->a.v & ~host_mask(p->a.family, p->len);
}

u128 prefix_last(const struct prefix *p)
{
	return prefix_first(p) | host_mask(p->a.family, p->len);
}

bool prefix_contains(const struct prefix *p, const struct addr *a)
{
	return p->a.family == a->family && (a->v & ~host_mask(p->a.family, p->len)) == p->a.v;
}

bool prefix_within(const struct prefix *inner, const struct prefix *outer)
{
	return inner->a.family == outer->a.family && inner->len >= outer->len &&
	       (inner->a.v & ~host_mask(outer->a.family, outer->len)) == outer->a.v;
}

int addr_cmp(const struct addr *x, const struct addr *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return 0;
}

/* ---- building and normalising ---- */

void addrset_init(struct addrset *s)
{
	memset(s, 0, sizeof(*s));
}

void addrset_release(struct addrset *s)
{
	free(s->v4);
	free(s->v6);
	addrset_init(s);
}

/*
 * push: append lo..hi to one family of a normalised set, given that lo is
 * not below the lower bound of the last interval; joins it with that
 * interval when they overlap or touch.  The set stays normalised.
 */
static void push(struct addrset *s, int family, u128 lo, u128 hi)
{
	if (family == AF4) {
		struct ivl4 *last = s->n4 ? &s->v4[s->n4 - 1] : NULL;
		if (last && (uint64_t)lo <= (uint64_t)last->hi + 1) {
			if (hi > last->hi)
				last->hi = (uint32_t)hi;
			return;
		}
		VEC_GROW(s->v4, s->n4 + 1, s->a4);
		s->v4[s->n4].lo = (uint32_t)lo;
		s->v4[s->n4++].hi = (uint32_t)hi;
	} else {
		struct ivl6 *last = s->n6 ? &s->v6[s->n6 - 1] : NULL;
		/* lo >= last->lo, so lo == 0 implies overlap and lo - 1 is safe */
		if (last && (lo <= last->hi || lo - 1 == last->hi)) {
			if (hi > last->hi)
				last->hi = hi;
			return;
		}
		VEC_GROW(s->v6, s->n6 + 1, s->a6);
		s->v6[s->n6].lo = lo;
		s->v6[s->n6++].hi = hi;
	}
}

void addrset_add_range(struct addrset *s, int family, u128 lo, u128 hi)
{
	if (family != AF4 && family != AF6)
		BUG("addrset_add_range: bad family %d", family);
	if (lo > hi || hi > family_max(family))
		BUG("addrset_add_range: bad interval");
	if (family == AF4) {
		if (!s->dirty && (!s->n4 || lo >= s->v4[s->n4 - 1].lo)) {
			push(s, AF4, lo, hi);
			return;
		}
		VEC_GROW(s->v4, s->n4 + 1, s->a4);
		s->v4[s->n4].lo = (uint32_t)lo;
		s->v4[s->n4++].hi = (uint32_t)hi;
	} else {
		if (!s->dirty && (!s->n6 || lo >= s->v6[s->n6 - 1].lo)) {
			push(s, AF6, lo, hi);
			return;
		}
		VEC_GROW(s->v6, s->n6 + 1, s->a6);
		s->v6[s->n6].lo = lo;
		s->v6[s->n6++].hi = hi;
	}
	s->dirty = true;
}

void addrset_add_prefix(struct addrset *s, const struct prefix *p)
{
	addrset_add_range(s, p->a.family, prefix_first(p), prefix_last(p));
}

void addrset_add_addr(struct addrset *s, const struct addr *a)
{
	addrset_add_range(s, a->family, a->v, a->v);
}

void addrset_add_all(struct addrset *s, int family)
{
	addrset_add_range(s, family, 0, family_max(family));
}

/* addrset_add_set: appends go through addrset_add_range, which keeps s clean while in order. */
void addrset_add_set(struct addrset *s, const struct addrset *b)
{
	/* sizes first: b may be s itself, whose arrays move as they grow */
	size_t n4 = b->n4, n6 = b->n6;
	for (size_t i = 0; i < n4; i++)
		addrset_add_range(s, AF4, b->v4[i].lo, b->v4[i].hi);
	for (size_t i = 0; i < n6; i++)
		addrset_add_range(s, AF6, b->v6[i].lo, b->v6[i].hi);
}

/*
 * radix_v4: sort n intervals by lower bound, least significant digit first
 * (11, 11 and 10 bits), moving between v and tmp; returns the buffer that
 * holds the result.  Passes whose digit is the same for all keys are
 * skipped.
 */
static struct ivl4 *radix_v4(struct ivl4 *v, struct ivl4 *tmp, size_t n)
{
	static const unsigned shift[3] = { 0, 11, 22 };
	size_t *count = xcalloc(3 * 2048, sizeof(*count));

	for (size_t i = 0; i < n; i++) {
		uint32_t k = v[i].lo;
		count[k & 0x7ff]++;
		count[2048 + ((k >> 11) & 0x7ff)]++;
		count[4096 + (k >> 22)]++;
	}
	for (int pass = 0; pass < 3; pass++) {
		size_t *c = count + 2048 * pass, sum = 0;
		unsigned sh = shift[pass];
		struct ivl4 *t;
		if (c[(v[0].lo >> sh) & 0x7ff] == n)
			continue;
		for (size_t d = 0; d < 2048; d++) {
			size_t x = c[d];
			c[d] = sum;
			sum += x;
		}
		for (size_t i = 0; i < n; i++)
			tmp[c[(v[i].lo >> sh) & 0x7ff]++] = v[i];
		t = v;
		v = tmp;
		tmp = t;
	}
	free(count);
	return v;
}

static void normalize_v4(struct addrset *s)
{
	struct ivl4 *v = s->v4;
	size_t n = s->n4, w = 0, i;

	if (n < 2)
		return;
	for (i = 1; i < n && v[i - 1].lo <= v[i].lo; i++)
		;
	if (i < n) {
		struct ivl4 *tmp = xreallocarray(NULL, s->a4, sizeof(*tmp));
		struct ivl4 *r = radix_v4(v, tmp, n);
		if (r == tmp) {
			free(v);
			s->v4 = v = tmp;
		} else {
			free(tmp);
		}
	}
	for (i = 1; i < n; i++) {
		if ((uint64_t)v[i].lo <= (uint64_t)v[w].hi + 1) {
			if (v[i].hi > v[w].hi)
				v[w].hi = v[i].hi;
		} else {
			v[++w] = v[i];
		}
	}
	s->n4 = w + 1;
}

static int cmp_ivl6(const void *a, const void *b)
{
	const struct ivl6 *x = a, *y = b;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

static void normalize_v6(struct addrset *s)
{
	struct ivl6 *v = s->v6;
	size_t n = s->n6, w = 0, i;

	if (n < 2)
		return;
	for (i = 1; i < n && v[i - 1].lo <= v[i].lo; i++)
		;
	if (i < n)
		xqsort(v, n, sizeof(*v), cmp_ivl6);
	for (i = 1; i < n; i++) {
		/* v[i].lo >= v[w].lo: lo == 0 means overlap, so lo - 1 is safe */
		if (v[i].lo <= v[w].hi || v[i].lo - 1 == v[w].hi) {
			if (v[i].hi > v[w].hi)
				v[w].hi = v[i].hi;
		} else {
			v[++w] = v[i];
		}
	}
	s->n6 = w + 1;
}

void addrset_normalize(struct addrset *s)
{
	if (!s->dirty)
		return;
	normalize_v4(s);
	normalize_v6(s);
	s->dirty = false;
}

/* normed: the set, normalised in place first if needed (see the file comment). */
static const struct addrset *normed(const struct addrset *s)
{
	if (s->dirty)
		addrset_normalize((struct addrset *)s);
	return s;
}

void addrset_copy(struct addrset *dst, const struct addrset *src)
{
	normed(src);
	addrset_init(dst);
	if (src->n4) {
		dst->v4 = xreallocarray(NULL, src->n4, sizeof(*dst->v4));
		memcpy(dst->v4, src->v4, src->n4 * sizeof(*dst->v4));
		dst->n4 = dst->a4 = src->n4;
	}
	if (src->n6) {
		dst->v6 = xreallocarray(NULL, src->n6, sizeof(*dst->v6));
		memcpy(dst->v6, src->v6, src->n6 * sizeof(*dst->v6));
		dst->n6 = dst->a6 = src->n6;
	}
}

/* ---- set algebra: linear merges, one family at a time ---- */

static size_t fam_n(const struct addrset *s, int family)
{
	return family == AF4 ? s->n4 : s->n6;
}

static u128 fam_lo(const struct addrset *s, int family, size_t i)
{
	return family == AF4 ? s->v4[i].lo : s->v6[i].lo;
}

static u128 fam_hi(const struct addrset *s, int family, size_t i)
{
	return family == AF4 ? s->v4[i].hi : s->v6[i].hi;
}

static void union_family(struct addrset *out, const struct addrset *a, const struct addrset *b,
			 int family)
{
	size_t na = fam_n(a, family), nb = fam_n(b, family), i = 0, j = 0;
	while (i < na || j < nb) {
		if (j == nb || (i < na && fam_lo(a, family, i) <= fam_lo(b, family, j))) {
			push(out, family, fam_lo(a, family, i), fam_hi(a, family, i));
			i++;
		} else {
			push(out, family, fam_lo(b, family, j), fam_hi(b, family, j));
			j++;
		}
	}
}

static void intersect_family(struct addrset *out, const struct addrset *a, const struct addrset *b,
			     int family)
{
	size_t na = fam_n(a, family), nb = fam_n(b, family), i = 0, j = 0;
	while (i < na && j < nb) {
		u128 alo = fam_lo(a, family, i), ahi = fam_hi(a, family, i);
		u128 blo = fam_lo(b, family, j), bhi = fam_hi(b, family, j);
		u128 lo = alo > blo ? alo : blo, hi = ahi < bhi ? ahi : bhi;
		if (lo <= hi)
			push(out, family, lo, hi);
		if (ahi < bhi)
			i++;
		else
			j++;
	}
}

static void subtract_family(struct addrset *out, const struct addrset *a, const struct addrset *b,
			    int family)
{
	size_t na = fam_n(a, family), nb = fam_n(b, family), j = 0;
	for (size_t i = 0; i < na; i++) {
		u128 cur = fam_lo(a, family, i), hi = fam_hi(a, family, i);
		bool open = true; /* cur..hi still to be emitted */
		while (j < nb && fam_hi(b, family, j) < cur)
			j++;
		while (j < nb && fam_lo(b, family, j) <= hi) {
			u128 blo = fam_lo(b, family, j), bhi = fam_hi(b, family, j);
			if (blo > cur)
				push(out, family, cur, blo - 1);
			if (bhi >= hi) {
				/* b[j] may reach into the next interval of a: keep it */
				open = false;
				break;
			}
			cur = bhi + 1;
			j++;
		}
		if (open)
			push(out, family, cur, hi);
	}
}

void addrset_union(struct addrset *out, const struct addrset *a, const struct addrset *b)
{
	normed(a);
	normed(b);
	addrset_init(out);
	union_family(out, a, b, AF4);
	union_family(out, a, b, AF6);
}

void addrset_intersect(struct addrset *out, const struct addrset *a, const struct addrset *b)
{
	normed(a);
	normed(b);
	addrset_init(out);
	intersect_family(out, a, b, AF4);
	intersect_family(out, a, b, AF6);
}

void addrset_subtract(struct addrset *out, const struct addrset *a, const struct addrset *b)
{
	normed(a);
	normed(b);
	addrset_init(out);
	subtract_family(out, a, b, AF4);
	subtract_family(out, a, b, AF6);
}

void addrset_complement(struct addrset *out, const struct addrset *a, unsigned families)
{
	struct addrset all = ADDRSET_INIT;
	if (families & (1u << AF4))
		addrset_add_all(&all, AF4);
	if (families & (1u << AF6))
		addrset_add_all(&all, AF6);
	addrset_subtract(out, &all, a);
	addrset_release(&all);
}

void addrset_merge(struct addrset *a, const struct addrset *b)
{
	struct addrset t;
	addrset_union(&t, a, b);
	addrset_release(a);
	*a = t;
}

void addrset_remove(struct addrset *a, const struct addrset *b)
{
	struct addrset t;
	addrset_subtract(&t, a, b);
	addrset_release(a);
	*a = t;
}

/* ---- predicates ---- */

bool addrset_is_empty(const struct addrset *s)
{
	/* appended intervals are never empty, so no need to normalise */
	return !s->n4 && !s->n6;
}

bool addrset_equal(const struct addrset *a, const struct addrset *b)
{
	normed(a);
	normed(b);
	return a->n4 == b->n4 && a->n6 == b->n6 &&
	       (!a->n4 || !memcmp(a->v4, b->v4, a->n4 * sizeof(*a->v4))) &&
	       (!a->n6 || !memcmp(a->v6, b->v6, a->n6 * sizeof(*a->v6)));
}

/* subset_family: every interval of a lies inside one interval of b. */
static bool subset_family(const struct addrset *a, const struct addrset *b, int family)
{
	size_t na = fam_n(a, family), nb = fam_n(b, family), j = 0;
	for (size_t i = 0; i < na; i++) {
		u128 lo = fam_lo(a, family, i);
		while (j < nb && fam_hi(b, family, j) < lo)
			j++;
		if (j == nb || fam_lo(b, family, j) > lo ||
		    fam_hi(b, family, j) < fam_hi(a, family, i))
			return false;
	}
	return true;
}

bool addrset_subset(const struct addrset *a, const struct addrset *b)
{
	normed(a);
	normed(b);
	return subset_family(a, b, AF4) && subset_family(a, b, AF6);
}

/* find_hi: the first interval of the family whose upper bound is >= v (or the count). */
static size_t find_hi(const struct addrset *s, int family, u128 v)
{
	size_t lo = 0, hi = fam_n(s, family);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (fam_hi(s, family, mid) < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* covered_by: lo..hi is covered by the union of the sets (all normalised). */
static bool covered_by(int family, u128 lo, u128 hi, const struct addrset *const *sets, size_t n)
{
	u128 cur = lo;
	for (;;) {
		/* the farthest reach of an interval holding cur */
		bool found = false;
		u128 reach = 0;
		for (size_t k = 0; k < n; k++) {
			size_t i = find_hi(sets[k], family, cur);
			if (i < fam_n(sets[k], family) && fam_lo(sets[k], family, i) <= cur &&
			    (!found || fam_hi(sets[k], family, i) > reach)) {
				reach = fam_hi(sets[k], family, i);
				found = true;
			}
		}
		if (!found)
			return false;
		if (reach >= hi)
			return true;
		cur = reach + 1; /* reach < hi: no overflow */
	}
}

bool addrset_subset_union(const struct addrset *a, const struct addrset *const *sets, size_t n)
{
	normed(a);
	for (size_t k = 0; k < n; k++)
		normed(sets[k]);
	for (size_t i = 0; i < a->n4; i++)
		if (!covered_by(AF4, a->v4[i].lo, a->v4[i].hi, sets, n))
			return false;
	for (size_t i = 0; i < a->n6; i++)
		if (!covered_by(AF6, a->v6[i].lo, a->v6[i].hi, sets, n))
			return false;
	return true;
}

bool addrset_contains(const struct addrset *s, const struct addr *a)
{
	size_t i;
	normed(s);
	i = find_hi(s, a->family, a->v);
	return i < fam_n(s, a->family) && fam_lo(s, a->family, i) <= a->v;
}

bool addrset_is_all(const struct addrset *s, int family)
{
	normed(s);
	return fam_n(s, family) == 1 && fam_lo(s, family, 0) == 0 &&
	       fam_hi(s, family, 0) == family_max(family);
}

/* ---- prefix lists ---- */

void addrset_iter_init(struct addrset_iter *it, const struct addrset *s)
{
	it->s = normed(s);
	it->family = AF4;
	it->i = 0;
	it->cur = 0;
	it->mid = false;
}

bool addrset_iter_next(struct addrset_iter *it, struct prefix *p)
{
	const struct addrset *s = it->s;
	u128 lo, hi, last;
	unsigned k;

	while (it->i >= fam_n(s, it->family)) {
		if (it->family == AF6)
			return false;
		it->family = AF6;
		it->i = 0;
		it->mid = false;
	}
	lo = it->mid ? it->cur : fam_lo(s, it->family, it->i);
	hi = fam_hi(s, it->family, it->i);
	k = block_bits(lo, hi);
	p->a.family = (uint8_t)it->family;
	p->a.v = lo;
	p->len = (uint8_t)(family_bits(it->family) - k);
	last = lo + low_mask(k);
	if (last == hi) {
		it->i++;
		it->mid = false;
	} else {
		it->cur = last + 1;
		it->mid = true;
	}
	return true;
}

static size_t count_interval(u128 lo, u128 hi)
{
	size_t n = 1;
	for (;;) {
		unsigned k = block_bits(lo, hi);
		u128 last = lo + low_mask(k);
		if (last == hi)
			return n;
		lo = last + 1;
		n++;
	}
}

size_t addrset_count_prefixes(const struct addrset *s)
{
	size_t n = 0;
	normed(s);
	for (size_t i = 0; i < s->n4; i++)
		n += count_interval(s->v4[i].lo, s->v4[i].hi);
	for (size_t i = 0; i < s->n6; i++)
		n += count_interval(s->v6[i].lo, s->v6[i].hi);
	return n;
}

struct prefix *addrset_prefixes(const struct addrset *s, size_t *n)
{
	size_t count = addrset_count_prefixes(s), i = 0;
	struct prefix *v;
	struct addrset_iter it;

	*n = count;
	if (!count)
		return NULL;
	v = xreallocarray(NULL, count, sizeof(*v));
	addrset_iter_init(&it, s);
	while (i < count && addrset_iter_next(&it, &v[i]))
		i++;
	if (i != count)
		BUG("addrset_prefixes: counted %zu, produced %zu", count, i);
	return v;
}

bool prefix_v4_mapped(const struct prefix *p, struct prefix *v4)
{
	if (p->a.family != AF6 || p->len < 96 || (p->a.v >> 32) != 0xffff)
		return false;
	if (v4) {
		v4->a.family = AF4;
		v4->a.v = p->a.v & 0xffffffffu;
		v4->len = (uint8_t)(p->len - 96);
	}
	return true;
}
