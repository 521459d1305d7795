/*
 * portset.c - per-protocol sets of port ranges.
 *
 * Invariants (every function keeps them): each protocol's array is sorted,
 * its ranges are disjoint and non-adjacent; when 'any' is set every array
 * is empty (any already matches everything, so ranges would only make two
 * equal sets compare different).
 */
#include "ir/portset.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"

static const struct {
	const char *name, *lname;
	int ipnum;
} protos[NPROTO] = {
	[PROTO_TCP] = { "TCP", "tcp", 6 },
	[PROTO_UDP] = { "UDP", "udp", 17 },
	[PROTO_SCTP] = { "SCTP", "sctp", 132 },
};

static void check_proto(enum proto p)
{
	if ((unsigned)p >= NPROTO)
		BUG("bad protocol %d", (int)p);
}

const char *proto_name(enum proto p)
{
	check_proto(p);
	return protos[p].name;
}

const char *proto_lname(enum proto p)
{
	check_proto(p);
	return protos[p].lname;
}

int proto_ipnum(enum proto p)
{
	check_proto(p);
	return protos[p].ipnum;
}

int proto_parse(const char *s)
{
	for (int p = 0; p < NPROTO; p++)
		if (!strcasecmp(s, protos[p].name))
			return p;
	return -1;
}

void portset_init(struct portset *s)
{
	memset(s, 0, sizeof(*s));
}

void portset_release(struct portset *s)
{
	for (int p = 0; p < NPROTO; p++)
		free(s->r[p]);
	portset_init(s);
}

void portset_copy(struct portset *dst, const struct portset *src)
{
	portset_init(dst);
	dst->any = src->any;
	for (int p = 0; p < NPROTO; p++) {
		if (!src->n[p])
			continue;
		dst->r[p] = xreallocarray(NULL, src->n[p], sizeof(*dst->r[p]));
		memcpy(dst->r[p], src->r[p], src->n[p] * sizeof(*dst->r[p]));
		dst->n[p] = dst->a[p] = src->n[p];
	}
}

/* clear_ranges: drop every range, keeping the arrays for reuse. */
static void clear_ranges(struct portset *s)
{
	for (int p = 0; p < NPROTO; p++)
		s->n[p] = 0;
}

void portset_set_any(struct portset *s)
{
	s->any = true;
	clear_ranges(s);
}

/* push: append lo..hi (lo not below the last range's lo), joining as needed. */
static void push(struct portset *s, int p, unsigned lo, unsigned hi)
{
	struct port_range *last = s->n[p] ? &s->r[p][s->n[p] - 1] : NULL;
	if (last && lo <= (unsigned)last->hi + 1) {
		if (hi > last->hi)
			last->hi = (uint16_t)hi;
		return;
	}
	VEC_GROW(s->r[p], s->n[p] + 1, s->a[p]);
	s->r[p][s->n[p]].lo = (uint16_t)lo;
	s->r[p][s->n[p]++].hi = (uint16_t)hi;
}

void portset_add(struct portset *s, enum proto p, uint16_t lo, uint16_t hi)
{
	struct port_range *r;
	size_t n, i, j;
	unsigned nlo = lo, nhi = hi;

	check_proto(p);
	if (lo > hi)
		BUG("portset_add: %u > %u", lo, hi);
	if (s->any)
		return;
	r = s->r[p];
	n = s->n[p];
	/* i: first range that ends at or after lo - 1 (may join); j: first that starts after hi + 1
	 */
	for (i = 0; i < n && (unsigned)r[i].hi + 1 < nlo; i++)
		;
	for (j = i; j < n && r[j].lo <= nhi + 1; j++) {
		if (r[j].lo < nlo)
			nlo = r[j].lo;
		if (r[j].hi > nhi)
			nhi = r[j].hi;
	}
	if (j == i) {
		VEC_GROW(s->r[p], n + 1, s->a[p]);
		r = s->r[p];
		memmove(&r[i + 1], &r[i], (n - i) * sizeof(*r));
		s->n[p] = n + 1;
	} else if (j > i + 1) {
		memmove(&r[i + 1], &r[j], (n - j) * sizeof(*r));
		s->n[p] = n - (j - i - 1);
	}
	r[i].lo = (uint16_t)nlo;
	r[i].hi = (uint16_t)nhi;
}

void portset_add_all_ports(struct portset *s, enum proto p)
{
	portset_add(s, p, 0, 65535);
}

void portset_merge(struct portset *a, const struct portset *b)
{
	if (a->any)
		return;
	if (b->any) {
		portset_set_any(a);
		return;
	}
	for (int p = 0; p < NPROTO; p++) {
		struct portset t = PORTSET_INIT;
		size_t na = a->n[p], nb = b->n[p], i = 0, j = 0;
		if (!nb)
			continue;
		while (i < na || j < nb) {
			if (j == nb || (i < na && a->r[p][i].lo <= b->r[p][j].lo)) {
				push(&t, p, a->r[p][i].lo, a->r[p][i].hi);
				i++;
			} else {
				push(&t, p, b->r[p][j].lo, b->r[p][j].hi);
				j++;
			}
		}
		free(a->r[p]);
		a->r[p] = t.r[p];
		a->n[p] = t.n[p];
		a->a[p] = t.a[p];
	}
}

/* subtract_proto: out (empty) = a - b for protocol p. */
static void subtract_proto(struct portset *out, const struct portset *a, const struct portset *b,
			   int p)
{
	size_t na = a->n[p], nb = b->n[p], j = 0;
	for (size_t i = 0; i < na; i++) {
		unsigned cur = a->r[p][i].lo, hi = a->r[p][i].hi;
		bool open = true;
		while (j < nb && b->r[p][j].hi < cur)
			j++;
		while (j < nb && b->r[p][j].lo <= hi) {
			unsigned blo = b->r[p][j].lo, bhi = b->r[p][j].hi;
			if (blo > cur)
				push(out, p, cur, blo - 1);
			if (bhi >= hi) {
				open = false;
				break;
			}
			cur = bhi + 1;
			j++;
		}
		if (open)
			push(out, p, cur, hi);
	}
}

void portset_remove(struct portset *a, const struct portset *b)
{
	if (b->any) {
		a->any = false;
		clear_ranges(a);
		return;
	}
	if (a->any) {
		if (!portset_is_empty(b))
			BUG("portset_remove: 'any' minus a port list is not representable");
		return;
	}
	for (int p = 0; p < NPROTO; p++) {
		struct portset t = PORTSET_INIT;
		if (!a->n[p] || !b->n[p])
			continue;
		subtract_proto(&t, a, b, p);
		free(a->r[p]);
		a->r[p] = t.r[p];
		a->n[p] = t.n[p];
		a->a[p] = t.a[p];
	}
}

void portset_intersect(struct portset *out, const struct portset *a, const struct portset *b)
{
	if (a->any) {
		portset_copy(out, b);
		return;
	}
	if (b->any) {
		portset_copy(out, a);
		return;
	}
	portset_init(out);
	for (int p = 0; p < NPROTO; p++) {
		size_t na = a->n[p], nb = b->n[p], i = 0, j = 0;
		while (i < na && j < nb) {
			const struct port_range *x = &a->r[p][i], *y = &b->r[p][j];
			unsigned lo = x->lo > y->lo ? x->lo : y->lo;
			unsigned hi = x->hi < y->hi ? x->hi : y->hi;
			if (lo <= hi)
				push(out, p, lo, hi);
			if (x->hi < y->hi)
				i++;
			else
				j++;
		}
	}
}

bool portset_is_empty(const struct portset *s)
{
	if (s->any)
		return false;
	for (int p = 0; p < NPROTO; p++)
		if (s->n[p])
			return false;
	return true;
}

bool portset_equal(const struct portset *a, const struct portset *b)
{
	return portset_cmp(a, b) == 0;
}

bool portset_subset(const struct portset *a, const struct portset *b)
{
	if (b->any)
		return true;
	if (a->any)
		return false;
	for (int p = 0; p < NPROTO; p++) {
		size_t nb = b->n[p], j = 0;
		for (size_t i = 0; i < a->n[p]; i++) {
			const struct port_range *x = &a->r[p][i];
			while (j < nb && b->r[p][j].hi < x->lo)
				j++;
			if (j == nb || b->r[p][j].lo > x->lo || b->r[p][j].hi < x->hi)
				return false;
		}
	}
	return true;
}

bool portset_contains(const struct portset *s, enum proto p, uint16_t port)
{
	size_t lo = 0, hi;
	check_proto(p);
	if (s->any)
		return true;
	hi = s->n[p];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->r[p][mid].hi < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n[p] && s->r[p][lo].lo <= port;
}

bool portset_all_ports(const struct portset *s, enum proto p)
{
	check_proto(p);
	return s->any || (s->n[p] == 1 && s->r[p][0].lo == 0 && s->r[p][0].hi == 65535);
}

size_t portset_count_ranges(const struct portset *s)
{
	size_t n = 0;
	for (int p = 0; p < NPROTO; p++)
		n += s->n[p];
	return n;
}

/*
 * portset_cmp: 'any' sorts after every other set; otherwise protocol by
 * protocol, the range lists compared element by element (lo, then hi),
 * a list that is a prefix of another sorting first.
 */
int portset_cmp(const struct portset *a, const struct portset *b)
{
	if (a->any != b->any)
		return a->any ? 1 : -1;
	for (int p = 0; p < NPROTO; p++) {
		size_t n = a->n[p] < b->n[p] ? a->n[p] : b->n[p];
		for (size_t i = 0; i < n; i++) {
			const struct port_range *x = &a->r[p][i], *y = &b->r[p][i];
			if (x->lo != y->lo)
				return x->lo < y->lo ? -1 : 1;
			if (x->hi != y->hi)
				return x->hi < y->hi ? -1 : 1;
		}
		if (a->n[p] != b->n[p])
			return a->n[p] < b->n[p] ? -1 : 1;
	}
	return 0;
}
