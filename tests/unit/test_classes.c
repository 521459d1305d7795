/*
 * test_classes.c - flat programs as classes and port prefixes (ir/classes.c):
 * port ranges as prefixes, exact and minimal (against a brute-force
 * search), the two port encodings, and the property: on random programs
 * the tables alone (class lookup, longest port match) give flat_eval's
 * verdict on every point of a small universe, with addresses outside it
 * (0.0.0.0, 255.255.255.255, ::, the top of IPv6) included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ir/classes.h"
#include "ir/flat.h"
#include "lib/util.h"
#include "tests/unit/irfx.h"

/* covered: the port is in one of the n prefixes (they must be disjoint) */
static int covered(const struct port_prefix *v, size_t n, uint32_t port)
{
	int hits = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t size = 1u << (16 - v[i].len);
		if (port >= v[i].port && port < v[i].port + size)
			hits++;
	}
	return hits;
}

/* min_blocks: the fewest disjoint aligned blocks covering exactly lo..end-1 (search) */
static unsigned min_blocks(uint32_t lo, uint32_t end, unsigned *memo)
{
	unsigned best = ~0u;
	if (lo == end)
		return 0;
	if (memo[lo])
		return memo[lo];
	for (unsigned len = 0; len <= 16; len++) {
		uint32_t size = 1u << (16 - len);
		if (lo % size || lo + size > end)
			continue;
		unsigned k = 1 + min_blocks(lo + size, end, memo);
		if (k < best)
			best = k;
	}
	memo[lo] = best;
	return best;
}

static void check_range(uint16_t lo, uint16_t hi, unsigned *memo)
{
	struct port_prefix v[32];
	size_t n = port_range_prefixes(lo, hi, true, v);
	for (uint32_t p = lo >= 3 ? lo - 3u : 0; p <= hi + 3u && p <= 65535; p++)
		assert_int_equal(covered(v, n, p), p >= lo && p <= hi);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i].port & ((1u << (16 - v[i].len)) - 1), 0);
	memset(memo, 0, 65537 * sizeof(*memo));
	assert_int_equal(n, min_blocks(lo, (uint32_t)hi + 1, memo));
}

static void test_port_prefixes_exact_minimal(void **state)
{
	unsigned *memo = xcalloc(65537, sizeof(*memo));
	uint64_t seed = 7;
	struct port_prefix v[32];
	(void)state;
	assert_int_equal(port_range_prefixes(0, 65535, true, v), 1);
	assert_int_equal(v[0].len, 0);
	assert_int_equal(port_range_prefixes(80, 80, true, v), 1);
	assert_int_equal(v[0].len, 16);
	/* 1..65534 is the worst case: 30 prefixes */
	assert_int_equal(port_range_prefixes(1, 65534, true, v), 30);
	for (uint16_t lo = 0; lo < 40; lo++)
		for (uint16_t hi = lo; hi < 40; hi++)
			check_range(lo, hi, memo);
	for (int i = 0; i < 300; i++) {
		uint16_t a = (uint16_t)irfx_rng(&seed), b = (uint16_t)irfx_rng(&seed);
		check_range(a < b ? a : b, a < b ? b : a, memo);
	}
	free(memo);
}

static bool lpm(const struct port_prefix *v, size_t n, uint16_t port)
{
	int best = -1;
	bool allow = false;
	for (size_t i = 0; i < n; i++) {
		uint16_t mask = v[i].len ? (uint16_t)(0xffffu << (16 - v[i].len)) : 0;
		if ((port & mask) == v[i].port && v[i].len > best) {
			best = v[i].len;
			allow = v[i].allow;
		}
	}
	return allow;
}

static void test_port_entries_fewer_encoding(void **state)
{
	/* all but 80: a /0 allow plus one deny beats 16 allow prefixes */
	struct port_range all_but[] = { { 0, 79 }, { 81, 65535 } };
	struct port_range web[] = { { 80, 80 }, { 443, 443 } };
	size_t n;
	struct port_prefix *v = port_entries(all_but, 2, &n);
	(void)state;
	assert_int_equal(n, 2);
	assert_true(v[0].allow && v[0].len == 0);
	assert_false(v[1].allow);
	assert_int_equal(v[1].port, 80);
	for (uint32_t p = 0; p <= 65535; p++)
		assert_int_equal(lpm(v, n, (uint16_t)p), p != 80);
	free(v);
	v = port_entries(web, 2, &n);
	assert_int_equal(n, 2);
	for (uint32_t p = 0; p <= 65535; p++)
		assert_int_equal(lpm(v, n, (uint16_t)p), p == 80 || p == 443);
	free(v);
	assert_null(port_entries(NULL, 0, &n));
	assert_int_equal(n, 0);
}

static void check_point(const struct flat_prog *p, const struct flat_classes *c,
			const struct addr *a, int iter)
{
	for (int proto = -1; proto < NPROTO; proto++)
		for (uint32_t port = 0; port < (proto < 0 ? 1 : IRFX_U_PORTS + 2); port++) {
			bool want = flat_eval(p, a, proto, (uint16_t)port);
			bool got = classes_eval(c, a, proto, (uint16_t)port);
			if (want != got) {
				char buf[ADDR_STRLEN];
				fprintf(stderr, "iter %d: %s proto %d port %u: want %d\n", iter,
					addr_format(a, buf), proto, port, want);
			}
			assert_int_equal(want, got);
		}
	for (int proto = 0; proto < NPROTO; proto++)
		assert_int_equal(flat_eval(p, a, proto, 65535), classes_eval(c, a, proto, 65535));
}

/* no two classes have equal functions, except the two defaults */
static void check_distinct(const struct flat_classes *c)
{
	assert_true(c->n >= 2);
	for (size_t i = 2; i < c->n; i++)
		for (size_t j = 0; j < i; j++)
			assert_false(c->v[i].other == c->v[j].other &&
				     portset_equal(&c->v[i].ports, &c->v[j].ports));
	for (size_t i = 0; i < 2; i++)
		for (size_t j = 0; j < c->v[i].npx; j++)
			assert_int_equal(c->v[i].px[j].a.family, i ? AF4 : AF6);
}

static void test_classes_property_random(void **state)
{
	uint64_t seed = 20261205;
	const char *edges[] = { "0.0.0.0",
				"255.255.255.255",
				"10.0.0.255",
				"::",
				"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
				"fd00::ff" };
	(void)state;
	for (int iter = 0; iter < 400; iter++) {
		struct irfx x;
		struct flat f;

		(void)irfx_random_endpoint(&x, &seed);
		assert_int_equal(flat_build(&f, &x.ir, &x.d), 0);
		const struct flat_prog *p = flat_prog_of(&f, 0, DIR_INGRESS);
		if (p) {
			struct flat_classes c;
			classes_build(&c, p);
			check_distinct(&c);
			for (uint32_t ai = 0; ai < IRFX_U_ADDRS + 2; ai++) {
				struct addr a = { AF4, (u128)(0x0a000000u + ai) };
				check_point(p, &c, &a, iter);
			}
			for (uint32_t ai = 0; ai < 5; ai++) {
				struct addr a;
				assert_int_equal(addr_parse("fd00::", &a), 0);
				a.v += ai;
				check_point(p, &c, &a, iter);
			}
			for (size_t e = 0; e < sizeof(edges) / sizeof(*edges); e++) {
				struct addr a;
				assert_int_equal(addr_parse(edges[e], &a), 0);
				check_point(p, &c, &a, iter);
			}
			classes_release(&c);
		}
		flat_release(&f);
		irfx_release(&x);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_prefixes_exact_minimal),
		cmocka_unit_test(test_port_entries_fewer_encoding),
		cmocka_unit_test(test_classes_property_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
