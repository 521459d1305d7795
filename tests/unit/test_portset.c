/*
 * test_portset.c - unit and property tests for ir/portset.c.
 *
 * The property tests compare every operation with a model: per protocol a
 * bitmap of a window of 1024 ports (at 0, at the top or anywhere) plus one
 * flag for "every port outside the window", and a flag for 'any'.  That
 * model is closed under union, intersection and difference, so "all ports"
 * and the edges 0 and 65535 are exercised too.  The seed is fixed
 * (PORTSET_SEED in the environment overrides it) and printed on failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ir/portset.h"

#define PROPERTY_CASES 100000
#define WIN	       1024
#define WORDS	       (WIN / 64)

static unsigned long long g_seed = 20261125;
static unsigned long g_case;

#define CHECK(cond)                                                                               \
	do {                                                                                      \
		if (!(cond)) {                                                                    \
			print_error("property failed: %s (seed %llu, case %lu)\n", #cond, g_seed, \
				    g_case);                                                      \
			fail();                                                                   \
		}                                                                                 \
	} while (0)

/* ranges_text: "tcp:1-2,5 udp:..." for comparing with expectations. */
static const char *ranges_text(const struct portset *s)
{
	static char buf[4096];
	size_t len = 0;
	buf[0] = '\0';
	if (s->any)
		return "any";
	for (int p = 0; p < NPROTO; p++) {
		if (!s->n[p])
			continue;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s:", len ? " " : "",
					proto_lname(p));
		for (size_t i = 0; i < s->n[p]; i++) {
			const struct port_range *r = &s->r[p][i];
			if (r->lo == r->hi)
				len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%u",
							i ? "," : "", r->lo);
			else
				len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%u-%u",
							i ? "," : "", r->lo, r->hi);
		}
	}
	return buf;
}

static void test_portset_protocols(void **state)
{
	(void)state;
	assert_string_equal(proto_name(PROTO_TCP), "TCP");
	assert_string_equal(proto_name(PROTO_UDP), "UDP");
	assert_string_equal(proto_name(PROTO_SCTP), "SCTP");
	assert_string_equal(proto_lname(PROTO_TCP), "tcp");
	assert_string_equal(proto_lname(PROTO_UDP), "udp");
	assert_string_equal(proto_lname(PROTO_SCTP), "sctp");
	assert_int_equal(proto_ipnum(PROTO_TCP), 6);
	assert_int_equal(proto_ipnum(PROTO_UDP), 17);
	assert_int_equal(proto_ipnum(PROTO_SCTP), 132);
	assert_int_equal(proto_parse("TCP"), PROTO_TCP);
	assert_int_equal(proto_parse("tcp"), PROTO_TCP);
	assert_int_equal(proto_parse("Udp"), PROTO_UDP);
	assert_int_equal(proto_parse("sctp"), PROTO_SCTP);
	assert_int_equal(proto_parse("icmp"), -1);
	assert_int_equal(proto_parse(""), -1);
	assert_int_equal(proto_parse("tcp "), -1);
}

static void test_portset_add(void **state)
{
	struct portset s = PORTSET_INIT;
	(void)state;
	assert_true(portset_is_empty(&s));
	portset_add(&s, PROTO_TCP, 80, 80);
	portset_add(&s, PROTO_TCP, 81, 81);
	assert_string_equal(ranges_text(&s), "tcp:80-81");
	portset_add(&s, PROTO_TCP, 20, 30);
	portset_add(&s, PROTO_TCP, 1, 10);
	assert_string_equal(ranges_text(&s), "tcp:1-10,20-30,80-81");
	portset_add(&s, PROTO_TCP, 5, 25);
	assert_string_equal(ranges_text(&s), "tcp:1-30,80-81");
	portset_add(&s, PROTO_TCP, 32, 79);
	assert_string_equal(ranges_text(&s), "tcp:1-30,32-81");
	portset_add(&s, PROTO_TCP, 31, 31);
	assert_string_equal(ranges_text(&s), "tcp:1-81");
	portset_add(&s, PROTO_TCP, 0, 0);
	portset_add(&s, PROTO_TCP, 65535, 65535);
	portset_add(&s, PROTO_UDP, 53, 53);
	assert_string_equal(ranges_text(&s), "tcp:0-81,65535 udp:53");
	assert_int_equal(portset_count_ranges(&s), 3);
	assert_false(portset_all_ports(&s, PROTO_TCP));
	portset_add(&s, PROTO_TCP, 82, 65534);
	assert_string_equal(ranges_text(&s), "tcp:0-65535 udp:53");
	assert_true(portset_all_ports(&s, PROTO_TCP));
	assert_false(portset_all_ports(&s, PROTO_UDP));
	assert_true(portset_contains(&s, PROTO_TCP, 0));
	assert_true(portset_contains(&s, PROTO_TCP, 65535));
	assert_true(portset_contains(&s, PROTO_UDP, 53));
	assert_false(portset_contains(&s, PROTO_UDP, 54));
	assert_false(portset_contains(&s, PROTO_SCTP, 53));
	portset_add_all_ports(&s, PROTO_SCTP);
	assert_true(portset_all_ports(&s, PROTO_SCTP));
	assert_false(portset_is_empty(&s));
	portset_release(&s);
	assert_true(portset_is_empty(&s));
}

static void test_portset_any(void **state)
{
	struct portset any = PORTSET_INIT, all3 = PORTSET_INIT, web = PORTSET_INIT,
		       r = PORTSET_INIT, e = PORTSET_INIT;
	(void)state;
	portset_add(&any, PROTO_TCP, 1, 2);
	portset_set_any(&any);
	assert_string_equal(ranges_text(&any), "any");
	assert_int_equal(portset_count_ranges(&any), 0);
	portset_add(&any, PROTO_UDP, 5, 5); /* no effect */
	assert_int_equal(any.n[PROTO_UDP], 0);
	for (int p = 0; p < NPROTO; p++) {
		portset_add_all_ports(&all3, p);
		assert_true(portset_all_ports(&any, p));
		assert_true(portset_contains(&any, p, 12345));
	}
	/* every port of TCP, UDP and SCTP is still not 'any' (ICMP...) */
	assert_false(portset_equal(&any, &all3));
	assert_true(portset_subset(&all3, &any));
	assert_false(portset_subset(&any, &all3));
	assert_true(portset_cmp(&all3, &any) < 0);
	assert_true(portset_cmp(&any, &all3) > 0);

	portset_add(&web, PROTO_TCP, 443, 443);
	portset_add(&web, PROTO_TCP, 80, 80);
	portset_intersect(&r, &any, &web);
	assert_true(portset_equal(&r, &web));
	portset_release(&r);
	portset_intersect(&r, &web, &any);
	assert_true(portset_equal(&r, &web));
	portset_release(&r);
	portset_intersect(&r, &web, &e);
	assert_true(portset_is_empty(&r));
	portset_release(&r);

	portset_copy(&r, &web);
	portset_merge(&r, &any);
	assert_true(portset_equal(&r, &any));
	portset_remove(&r, &e); /* any minus nothing */
	assert_true(r.any);
	portset_remove(&r, &any);
	assert_true(portset_is_empty(&r));
	portset_release(&r);

	portset_copy(&r, &all3);
	portset_remove(&r, &web);
	assert_string_equal(ranges_text(&r), "tcp:0-79,81-442,444-65535 udp:0-65535 sctp:0-65535");
	portset_merge(&r, &web);
	assert_true(portset_equal(&r, &all3));
	portset_release(&r);

	assert_true(portset_subset(&e, &web));
	assert_true(portset_subset(&e, &e));
	assert_false(portset_subset(&web, &e));
	assert_true(portset_cmp(&e, &web) < 0);
	assert_int_equal(portset_cmp(&web, &web), 0);
	portset_release(&any);
	portset_release(&all3);
	portset_release(&web);
}

/* ---- property tests ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

struct proto_model {
	bool outside; /* every port outside the window */
	uint64_t w[WORDS];
};

struct model {
	bool any;
	struct proto_model p[NPROTO];
};

static unsigned g_base; /* the window: g_base .. g_base + WIN - 1 */

static void model_set(struct proto_model *m, unsigned lo, unsigned hi)
{
	for (unsigned x = lo; x <= hi; x++)
		m->w[x / 64] |= 1ULL << (x & 63);
}

static bool model_bit(const struct model *m, int p, unsigned port)
{
	if (m->any)
		return true;
	if (port < g_base || port >= g_base + WIN)
		return m->p[p].outside;
	port -= g_base;
	return m->p[p].w[port / 64] >> (port & 63) & 1;
}

static void random_set(struct portset *s, struct model *m)
{
	unsigned parts = below(6);
	memset(m, 0, sizeof(*m));
	if (below(25) == 0) {
		portset_set_any(s);
		m->any = true;
		return;
	}
	for (unsigned i = 0; i < parts; i++) {
		int p = (int)below(NPROTO);
		unsigned r = below(10), lo, hi;
		if (r == 0) {
			portset_add_all_ports(s, p);
			m->p[p].outside = true;
			memset(m->p[p].w, 0xff, sizeof(m->p[p].w));
			continue;
		}
		if (r == 1) {
			lo = below(3);
			hi = lo + below(5);
		} else if (r == 2) {
			hi = WIN - 1 - below(3);
			lo = hi - below(5);
		} else if (r < 6) {
			lo = below(WIN);
			hi = lo + below(4);
		} else {
			lo = below(WIN);
			hi = lo + below(WIN);
		}
		if (hi >= WIN)
			hi = WIN - 1;
		portset_add(s, p, (uint16_t)(g_base + lo), (uint16_t)(g_base + hi));
		model_set(&m->p[p], lo, hi);
	}
}

/* check: s is normalised and means exactly m; the range count matches the model's runs. */
static void check(const struct portset *s, const struct model *m)
{
	size_t runs = 0;
	CHECK(s->any == m->any);
	if (s->any) {
		for (int p = 0; p < NPROTO; p++)
			CHECK(s->n[p] == 0);
		CHECK(portset_count_ranges(s) == 0);
		return;
	}
	for (int p = 0; p < NPROTO; p++) {
		struct proto_model got;
		unsigned long outside = 0;
		bool prev = false;
		memset(&got, 0, sizeof(got));
		for (size_t i = 0; i < s->n[p]; i++) {
			unsigned lo = s->r[p][i].lo, hi = s->r[p][i].hi;
			unsigned wlo = lo > g_base ? lo : g_base;
			unsigned whi = hi < g_base + WIN - 1 ? hi : g_base + WIN - 1;
			CHECK(lo <= hi);
			CHECK(!i || (unsigned)s->r[p][i - 1].hi + 1 < lo);
			outside += hi - lo + 1;
			if (wlo <= whi) {
				model_set(&got, wlo - g_base, whi - g_base);
				outside -= whi - wlo + 1;
			}
		}
		CHECK(outside == 0 || outside == 65536 - WIN);
		got.outside = outside != 0;
		CHECK(got.outside == m->p[p].outside);
		CHECK(!memcmp(got.w, m->p[p].w, sizeof(got.w)));
		/* runs over: below the window, the window, above it */
		if (g_base > 0) {
			prev = m->p[p].outside;
			runs += prev;
		}
		for (unsigned x = 0; x < WIN; x++) {
			bool b = m->p[p].w[x / 64] >> (x & 63) & 1;
			runs += b && !prev;
			prev = b;
		}
		if (g_base + WIN < 65536)
			runs += m->p[p].outside && !prev;
		{
			bool full = m->p[p].outside;
			for (unsigned i = 0; i < WORDS; i++)
				full = full && m->p[p].w[i] == ~0ULL;
			CHECK(portset_all_ports(s, p) == full);
		}
	}
	CHECK(portset_count_ranges(s) == runs);
}

static void model_op(struct model *out, const struct model *a, const struct model *b, char op)
{
	memset(out, 0, sizeof(*out));
	if (op == '|' && (a->any || b->any)) {
		out->any = true;
		return;
	}
	if (op == '&' && (a->any || b->any)) {
		*out = a->any ? *b : *a;
		return;
	}
	if (op == '-' && b->any)
		return;
	if (op == '-' && a->any) {
		*out = *a; /* only reached when b is empty */
		return;
	}
	for (int p = 0; p < NPROTO; p++) {
		const struct proto_model *x = &a->p[p], *y = &b->p[p];
		out->p[p].outside = op == '|'	? x->outside || y->outside
				    : op == '&' ? x->outside && y->outside
						: x->outside && !y->outside;
		for (unsigned i = 0; i < WORDS; i++)
			out->p[p].w[i] = op == '|'   ? x->w[i] | y->w[i]
					 : op == '&' ? x->w[i] & y->w[i]
						     : x->w[i] & ~y->w[i];
	}
}

static bool model_equal(const struct model *a, const struct model *b)
{
	if (a->any || b->any)
		return a->any == b->any;
	for (int p = 0; p < NPROTO; p++)
		if (a->p[p].outside != b->p[p].outside ||
		    memcmp(a->p[p].w, b->p[p].w, sizeof(a->p[p].w)))
			return false;
	return true;
}

static bool model_empty(const struct model *a)
{
	struct model e;
	memset(&e, 0, sizeof(e));
	return model_equal(a, &e);
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void property_case(void)
{
	struct portset a = PORTSET_INIT, b = PORTSET_INIT, c = PORTSET_INIT, r;
	struct model ma, mb, mc, mr, tmp;
	unsigned w = below(4);

	g_base = w == 0 ? 0 : w == 1 ? 65536 - WIN : below(65536 - WIN + 1);
	random_set(&a, &ma);
	random_set(&b, &mb);
	random_set(&c, &mc);
	if (below(5) == 0) { /* b overlaps a more than chance would */
		portset_merge(&b, &a);
		model_op(&tmp, &mb, &ma, '|');
		mb = tmp;
	}
	check(&a, &ma);
	check(&b, &mb);

	CHECK(portset_is_empty(&a) == model_empty(&ma));
	CHECK(portset_equal(&a, &b) == model_equal(&ma, &mb));
	model_op(&tmp, &ma, &mb, '-');
	CHECK(portset_subset(&a, &b) == (model_empty(&tmp) && (!ma.any || mb.any)));
	for (int k = 0; k < 8; k++) {
		int p = (int)below(NPROTO);
		unsigned port = below(3) ? g_base + below(WIN) : below(65536);
		CHECK(portset_contains(&a, p, (uint16_t)port) == model_bit(&ma, p, port));
	}
	/* cmp: a total order consistent with equality */
	CHECK((portset_cmp(&a, &b) == 0) == portset_equal(&a, &b));
	CHECK(sign(portset_cmp(&a, &b)) == -sign(portset_cmp(&b, &a)));
	if (portset_cmp(&a, &b) <= 0 && portset_cmp(&b, &c) <= 0)
		CHECK(portset_cmp(&a, &c) <= 0);

	portset_copy(&r, &a);
	check(&r, &ma);
	portset_merge(&r, &b);
	model_op(&mr, &ma, &mb, '|');
	check(&r, &mr);
	CHECK(portset_subset(&a, &r) && portset_subset(&b, &r));
	portset_release(&r);

	portset_intersect(&r, &a, &b);
	model_op(&mr, &ma, &mb, '&');
	check(&r, &mr);
	CHECK(portset_subset(&r, &a) && portset_subset(&r, &b));
	portset_release(&r);

	if (!a.any || b.any || portset_is_empty(&b)) {
		portset_copy(&r, &a);
		portset_remove(&r, &b);
		model_op(&mr, &ma, &mb, '-');
		check(&r, &mr);
		/* (a - b) | (a & b) == a */
		{
			struct portset i;
			portset_intersect(&i, &a, &b);
			portset_merge(&r, &i);
			CHECK(portset_equal(&r, &a));
			portset_release(&i);
		}
		portset_release(&r);
	}
	portset_release(&a);
	portset_release(&b);
	portset_release(&c);
}

static void test_portset_property(void **state)
{
	const char *env = getenv("PORTSET_SEED");
	(void)state;
	if (env)
		g_seed = strtoull(env, NULL, 10);
	rng_state = g_seed;
	for (g_case = 0; g_case < PROPERTY_CASES; g_case++)
		property_case();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_portset_protocols),
		cmocka_unit_test(test_portset_add),
		cmocka_unit_test(test_portset_any),
		cmocka_unit_test(test_portset_property),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
