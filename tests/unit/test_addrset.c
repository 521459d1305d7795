/*
 * test_addrset.c - unit and property tests for ir/addrset.c.
 *
 * The fixed cases cover parsing, formatting and the edges of both address
 * spaces.  The property tests compare every operation with a brute-force
 * model: a bitmap of 4096 "cells" per family, where a cell is an aligned
 * block of 2^s addresses inside an aligned window (s = 0 is a window of
 * 4096 single addresses; s = 20 for IPv4 or 116 for IPv6 makes the window
 * the whole space, so /0 and both ends of the space are exercised).  The
 * seed is fixed (ADDRSET_SEED in the environment overrides it) and printed
 * with the case number on any failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ir/addrset.h"

#define PROPERTY_CASES 100000
#define CELL_BITS      12
#define CELLS	       (1u << CELL_BITS)
#define WORDS	       (CELLS / 64)

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

/* ---- helpers ---- */

static struct addr A(const char *s) {
	struct addr a;
	if (addr_parse(s, &a))
		fail_msg("cannot parse address %s", s);
	return a;
}

static struct prefix
P(const char *s) {
	struct prefix p;
	const char *why = NULL;
	if (prefix_parse(s, &p, NULL, &why))
		fail_msg("cannot parse prefix %s: %s", s, why);
	return p;
}

static void
add(struct addrset *s, const char *text)
{
	const char *dash = strchr(text, '-');
	if (dash) {
		char lo[ADDR_STRLEN];
		struct addr a, b;
		memcpy(lo, text, (size_t)(dash - text));
		lo[dash - text] = '\0';
		a = A(lo);
		b = A(dash + 1);
		addrset_add_range(s, a.family, a.v, b.v);
	} else {
		struct prefix p = P(text);
		addrset_add_prefix(s, &p);
	}
}

/* prefixes_text: the prefix list as "p1 p2 ...". */
static char *prefixes_text(const struct addrset *s, char *buf, size_t size)
{
	size_t n, len = 0;
	struct prefix *v = addrset_prefixes(s, &n);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char tmp[ADDR_STRLEN];
		int w = snprintf(buf + len, size - len, "%s%s", i ? " " : "",
				 prefix_format(&v[i], tmp));
		assert_true(w > 0 && (size_t)w < size - len);
		len += (size_t)w;
	}
	free(v);
	return buf;
}

static void assert_prefixes(const struct addrset *s, const char *expected)
{
	char buf[8192];
	assert_string_equal(prefixes_text(s, buf, sizeof(buf)), expected);
}

/* ---- parsing ---- */

static void check_addr(const char *in, const char *out)
{
	struct addr a;
	char buf[ADDR_STRLEN];
	if (addr_parse(in, &a))
		fail_msg("%s did not parse", in);
	assert_string_equal(addr_format(&a, buf), out);
}

static void check_bad_prefix(const char *in, const char *why_expected)
{
	struct prefix p;
	const char *why = NULL;
	bool hb;
	if (!prefix_parse(in, &p, &hb, &why))
		fail_msg("%s parsed", in);
	assert_non_null(why);
	assert_string_equal(why, why_expected);
}

static void test_addrset_parse_v4(void **state)
{
	struct addr a;
	(void)state;
	check_addr("0.0.0.0", "0.0.0.0");
	check_addr("255.255.255.255", "255.255.255.255");
	check_addr("10.0.0.1", "10.0.0.1");
	check_addr("192.168.100.200", "192.168.100.200");
	assert_int_equal(A("1.2.3.4").family, AF4);
	assert_true(A("1.2.3.4").v == 0x01020304);
	assert_true(A("255.255.255.255").v == UINT32_MAX);
	check_bad_prefix("256.0.0.0", "IPv4 octet out of range");
	check_bad_prefix("1.2.3.1000", "IPv4 octet out of range");
	check_bad_prefix("01.2.3.4", "IPv4 octet has a leading zero");
	check_bad_prefix("1.2.3.00", "IPv4 octet has a leading zero");
	check_bad_prefix("1.2.3", "not an IP address");
	check_bad_prefix("1.2.3.4.5", "not an IP address");
	check_bad_prefix("1..3.4", "not an IP address");
	check_bad_prefix("", "not an IP address");
	check_bad_prefix(" 1.2.3.4", "not an IP address");
	check_bad_prefix("1.2.3.4 ", "not an IP address");
	check_bad_prefix("0x1.2.3.4", "not an IP address");
	check_bad_prefix("1.2.3.-4", "not an IP address");
	check_bad_prefix("+1.2.3.4", "not an IP address");
	check_bad_prefix("10", "not an IP address");
	check_bad_prefix("foo", "not an IP address");
	assert_int_equal(addr_parse("1.2.3.4/8", &a), -1);
}

static void test_addrset_parse_v6(void **state)
{
	(void)state;
	check_addr("::", "::");
	check_addr("::1", "::1");
	check_addr("1::", "1::");
	check_addr("2001:DB8::1", "2001:db8::1");
	check_addr("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
	check_addr("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8");
	check_addr("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0");
	check_addr("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8");
	check_addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		   "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	check_addr("::ffff:10.0.0.1", "::ffff:10.0.0.1");
	check_addr("::FFFF:0a00:0001", "::ffff:10.0.0.1");
	check_addr("::10.0.0.1", "::a00:1");
	check_addr("64:ff9b::192.0.2.33", "64:ff9b::c000:221");
	check_addr("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304");
	check_addr("1::1.2.3.4", "1::102:304");
	assert_true(A("::ffff:10.0.0.1").v == (((u128)0xffff << 32) | 0x0a000001));
	assert_int_equal(A("::ffff:10.0.0.1").family, AF6);
	check_bad_prefix(":::", "not an IP address");
	check_bad_prefix(":1::", "not an IP address");
	check_bad_prefix("1:", "not an IP address");
	check_bad_prefix("1:2:3:4:5:6:7", "not an IP address");
	check_bad_prefix("1:2:3:4:5:6:7:8:9", "not an IP address");
	check_bad_prefix("1:2:3:4:5:6:7::8", "not an IP address");
	check_bad_prefix("1:2:3:4:5:6:7:8::", "not an IP address");
	check_bad_prefix("1::2::3", "more than one '::' in IPv6 address");
	check_bad_prefix("12345::", "not an IP address");
	check_bad_prefix("g::", "not an IP address");
	check_bad_prefix("fe80::1%eth0", "IPv6 zone not allowed");
	check_bad_prefix("::ffff:01.2.3.4", "IPv4 octet has a leading zero");
	check_bad_prefix("::ffff:1.2.3.256", "IPv4 octet out of range");
	check_bad_prefix("::1.2.3.4:5", "not an IP address");
	check_bad_prefix("1:2:3:4:5:6:7:1.2.3.4", "not an IP address");
	check_bad_prefix("1:2:3:4:5:6::1.2.3.4", "not an IP address");
}

static void check_prefix(const char *in, const char *out, bool host_bits)
{
	struct prefix p;
	const char *why = NULL;
	bool hb = !host_bits;
	char buf[ADDR_STRLEN];
	if (prefix_parse(in, &p, &hb, &why))
		fail_msg("%s: %s", in, why);
	assert_string_equal(prefix_format(&p, buf), out);
	assert_int_equal(hb, host_bits);
}

static void test_addrset_parse_prefix(void **state)
{
	struct prefix p;
	(void)state;
	check_prefix("10.0.0.0/8", "10.0.0.0/8", false);
	check_prefix("10.1.2.3/8", "10.0.0.0/8", true);
	check_prefix("10.1.2.3", "10.1.2.3/32", false);
	check_prefix("0.0.0.0/0", "0.0.0.0/0", false);
	check_prefix("255.255.255.255/0", "0.0.0.0/0", true);
	check_prefix("255.255.255.255/32", "255.255.255.255/32", false);
	check_prefix("255.255.255.255/31", "255.255.255.254/31", true);
	check_prefix("::/0", "::/0", false);
	check_prefix("::1/0", "::/0", true);
	check_prefix("::/128", "::/128", false);
	check_prefix("2001:db8::1/64", "2001:db8::/64", true);
	check_prefix("2001:db8::", "2001:db8::/128", false);
	check_prefix("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
		     "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", false);
	check_prefix("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/1", "8000::/1", true);
	check_prefix("::ffff:10.1.0.0/112", "::ffff:10.1.0.0/112", false);
	check_bad_prefix("1.2.3.4/33", "prefix length out of range");
	check_bad_prefix("1.2.3.4/100000000000000000000", "prefix length out of range");
	check_bad_prefix("::/129", "prefix length out of range");
	check_bad_prefix("1.2.3.4/", "missing prefix length");
	check_bad_prefix("1.2.3.4/-1", "prefix length is not a decimal number");
	check_bad_prefix("1.2.3.4/8/8", "prefix length is not a decimal number");
	check_bad_prefix("1.2.3.4/ 8", "prefix length is not a decimal number");
	check_bad_prefix("1.2.3.4/08", "prefix length has a leading zero");
	check_bad_prefix("/8", "not an IP address");
	/* prefix_parse_n stops at n */
	assert_int_equal(prefix_parse_n("10.0.0.0/8xyz", 10, &p, NULL, NULL), 0);
	assert_int_equal(p.len, 8);
	assert_int_equal(prefix_parse_n("10.0.0.0/8", 8, &p, NULL, NULL), 0);
	assert_int_equal(p.len, 32);
	/* why may be NULL */
	assert_int_equal(prefix_parse("x", &p, NULL, NULL), -1);
}

static void test_addrset_format(void **state)
{
	(void)state;
	/* RFC 5952: a single zero group is not shortened; the longest run wins; first on a tie */
	check_addr("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
	check_addr("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
	check_addr("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	check_addr("0:0:1:0:0:1:0:0", "::1:0:0:1:0:0");
	check_addr("1:0:0:0:0:0:0:0", "1::");
	check_addr("0:0:0:0:0:0:0:1", "::1");
	check_addr("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0");
	check_addr("abcd:ef01:2345:6789:ABCD:EF01:2345:6789",
		   "abcd:ef01:2345:6789:abcd:ef01:2345:6789");
	check_addr("::fffe:a00:1", "::fffe:a00:1");
	check_addr("::1:ffff:a00:1", "::1:ffff:a00:1");
	check_addr("::ffff:0.0.0.0", "::ffff:0.0.0.0");
	check_addr("::ffff:255.255.255.255", "::ffff:255.255.255.255");
	check_addr("0.1.10.100", "0.1.10.100");
	{
		char buf[ADDR_STRLEN];
		struct prefix p = P("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
		assert_true(strlen(prefix_format(&p, buf)) < ADDR_STRLEN);
		p = P("::ffff:255.255.255.255/128");
		assert_string_equal(prefix_format(&p, buf), "::ffff:255.255.255.255/128");
	}
}

static void test_addrset_prefix_helpers(void **state)
{
	struct prefix p = P("10.0.0.0/8"), q = P("10.1.0.0/16"), r = P("0.0.0.0/0");
	struct prefix s6 = P("::/0"), t6 = P("2001:db8::/32");
	struct addr a = A("10.255.255.255"), b = A("11.0.0.0"), c6 = A("2001:db8:ffff::1");
	(void)state;
	assert_true(prefix_first(&p) == 0x0a000000);
	assert_true(prefix_last(&p) == 0x0affffff);
	assert_true(prefix_first(&r) == 0);
	assert_true(prefix_last(&r) == UINT32_MAX);
	assert_true(prefix_first(&s6) == 0);
	assert_true(prefix_last(&s6) == ~(u128)0);
	assert_true(prefix_contains(&p, &a));
	assert_false(prefix_contains(&p, &b));
	assert_true(prefix_contains(&r, &b));
	assert_false(prefix_contains(&r, &c6));
	assert_false(prefix_contains(&s6, &a));
	assert_true(prefix_contains(&t6, &c6));
	assert_true(prefix_contains(&s6, &c6));
	assert_true(prefix_within(&q, &p));
	assert_false(prefix_within(&p, &q));
	assert_true(prefix_within(&p, &p));
	assert_true(prefix_within(&p, &r));
	assert_false(prefix_within(&t6, &r));
	assert_true(prefix_within(&t6, &s6));
	assert_int_equal(addr_cmp(&a, &b), -1);
	assert_int_equal(addr_cmp(&b, &a), 1);
	assert_int_equal(addr_cmp(&a, &a), 0);
	assert_int_equal(addr_cmp(&b, &c6), -1); /* IPv4 sorts before IPv6 */
	{
		struct addr m = A("::ffff:10.0.0.1"), v4 = A("10.0.0.1");
		assert_int_not_equal(addr_cmp(&m, &v4), 0);
		assert_false(prefix_contains(&p, &m));
	}
}

/* ---- sets: fixed cases ---- */

static void test_addrset_edges_v4(void **state)
{
	struct addrset s = ADDRSET_INIT, t = ADDRSET_INIT, u = ADDRSET_INIT;
	(void)state;
	addrset_add_all(&s, AF4);
	assert_true(addrset_is_all(&s, AF4));
	assert_false(addrset_is_all(&s, AF6));
	assert_prefixes(&s, "0.0.0.0/0");
	addrset_complement(&t, &s, 1u << AF4);
	assert_true(addrset_is_empty(&t));
	addrset_release(&t);
	addrset_release(&s);

	/* both ends, joined across the middle */
	add(&s, "255.255.255.255");
	add(&s, "0.0.0.0");
	assert_prefixes(&s, "0.0.0.0/32 255.255.255.255/32");
	addrset_complement(&t, &s, 1u << AF4);
	assert_int_equal(addrset_count_prefixes(&t), 62);
	add(&t, "0.0.0.0-0.0.0.0");
	addrset_merge(&t, &s);
	assert_true(addrset_is_all(&t, AF4));
	addrset_release(&t);

	add(&u, "0.0.0.0-127.255.255.255");
	add(&u, "128.0.0.0-255.255.255.255");
	assert_prefixes(&u, "0.0.0.0/0");
	addrset_release(&u);

	add(&u, "0.0.0.1-255.255.255.254");
	assert_int_equal(addrset_count_prefixes(&u), 62);
	addrset_complement(&t, &u, 1u << AF4);
	assert_true(addrset_equal(&t, &s));
	addrset_release(&t);
	addrset_release(&u);
	addrset_release(&s);

	/* adjacency joins, a gap of one address does not */
	add(&s, "10.0.0.128/25");
	add(&s, "10.0.0.0/25");
	assert_prefixes(&s, "10.0.0.0/24");
	add(&s, "10.0.1.1");
	assert_prefixes(&s, "10.0.0.0/24 10.0.1.1/32");
	add(&s, "10.0.1.0");
	assert_prefixes(&s, "10.0.0.0/24 10.0.1.0/31");
	assert_int_equal(s.n4, 1);
	addrset_release(&s);
}

static void test_addrset_edges_v6(void **state)
{
	struct addrset s = ADDRSET_INIT, t = ADDRSET_INIT, u = ADDRSET_INIT;
	struct addr top = A("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), zero = A("::");
	(void)state;
	addrset_add_all(&s, AF6);
	assert_true(addrset_is_all(&s, AF6));
	assert_prefixes(&s, "::/0");
	assert_true(addrset_contains(&s, &top));
	assert_true(addrset_contains(&s, &zero));
	addrset_release(&s);

	addrset_add_addr(&s, &top);
	assert_prefixes(&s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	addrset_complement(&t, &s, 1u << AF6);
	assert_int_equal(addrset_count_prefixes(&t), 128);
	assert_false(addrset_contains(&t, &top));
	assert_true(addrset_contains(&t, &zero));
	addrset_union(&u, &t, &s);
	assert_true(addrset_is_all(&u, AF6));
	assert_prefixes(&u, "::/0");
	addrset_release(&u);
	addrset_release(&t);
	addrset_release(&s);

	addrset_add_addr(&s, &zero);
	addrset_complement(&t, &s, 1u << AF6);
	assert_int_equal(addrset_count_prefixes(&t), 128);
	addrset_release(&t);
	addrset_add_addr(&s, &top);
	addrset_complement(&t, &s, (1u << AF4) | (1u << AF6));
	assert_int_equal(addrset_count_prefixes(&t), 1 + 254);
	assert_true(addrset_is_all(&t, AF4));
	addrset_release(&t);
	addrset_release(&s);

	add(&s, "::-7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	add(&s, "8000::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_prefixes(&s, "::/0");
	addrset_release(&s);

	add(&s, "2001:db8::/33");
	add(&s, "2001:db8:8000::/33");
	add(&s, "::ffff:10.0.0.0/104");
	assert_prefixes(&s, "::ffff:10.0.0.0/104 2001:db8::/32");
	addrset_release(&s);
}

static void test_addrset_families_apart(void **state)
{
	struct addrset s = ADDRSET_INIT, t = ADDRSET_INIT, u = ADDRSET_INIT;
	struct addr v4 = A("10.0.0.1"), mapped = A("::ffff:10.0.0.1"), low6 = A("::a00:1");
	(void)state;
	add(&s, "10.0.0.0/8");
	assert_true(addrset_contains(&s, &v4));
	assert_false(addrset_contains(&s, &mapped));
	assert_false(addrset_contains(&s, &low6));
	add(&t, "::/0");
	addrset_intersect(&u, &s, &t);
	assert_true(addrset_is_empty(&u));
	addrset_release(&u);
	addrset_subtract(&u, &s, &t);
	assert_true(addrset_equal(&u, &s));
	addrset_release(&u);
	addrset_union(&u, &t, &s);
	assert_prefixes(&u, "10.0.0.0/8 ::/0");
	assert_false(addrset_subset(&u, &s));
	assert_true(addrset_subset(&s, &u));
	assert_true(addrset_subset(&t, &u));
	addrset_release(&u);
	addrset_complement(&u, &s, 1u << AF6);
	assert_true(addrset_equal(&u, &t));
	addrset_release(&u);
	addrset_release(&s);
	addrset_release(&t);
}

static void test_addrset_algebra(void **state)
{
	struct addrset a = ADDRSET_INIT, b = ADDRSET_INIT, r = ADDRSET_INIT, e = ADDRSET_INIT;
	(void)state;
	add(&a, "10.0.0.0/8");
	add(&a, "192.168.0.0/16");
	add(&b, "10.1.0.0/16");
	add(&b, "10.255.255.0-192.168.0.255"); /* one interval reaching into two of a */
	addrset_subtract(&r, &a, &b);
	assert_prefixes(&r, "10.0.0.0/16 10.2.0.0/15 10.4.0.0/14 10.8.0.0/13 10.16.0.0/12 "
			    "10.32.0.0/11 10.64.0.0/10 10.128.0.0/10 10.192.0.0/11 10.224.0.0/12 "
			    "10.240.0.0/13 10.248.0.0/14 10.252.0.0/15 10.254.0.0/16 10.255.0.0/17 "
			    "10.255.128.0/18 10.255.192.0/19 10.255.224.0/20 10.255.240.0/21 "
			    "10.255.248.0/22 10.255.252.0/23 10.255.254.0/24 192.168.1.0/24 "
			    "192.168.2.0/23 192.168.4.0/22 192.168.8.0/21 192.168.16.0/20 "
			    "192.168.32.0/19 192.168.64.0/18 192.168.128.0/17");
	addrset_release(&r);
	addrset_intersect(&r, &a, &b);
	assert_prefixes(&r, "10.1.0.0/16 10.255.255.0/24 192.168.0.0/24");
	addrset_release(&r);
	/* ipBlock with except: 10.0.0.0/8 except 10.1.0.0/16 and 10.2.0.0/16 */
	addrset_release(&a);
	addrset_release(&b);
	add(&a, "10.0.0.0/8");
	add(&b, "10.2.0.0/16");
	add(&b, "10.1.0.0/16");
	addrset_remove(&a, &b);
	assert_int_equal(addrset_count_prefixes(&a), 8);
	assert_prefixes(&a, "10.0.0.0/16 10.3.0.0/16 10.4.0.0/14 10.8.0.0/13 10.16.0.0/12 "
			    "10.32.0.0/11 10.64.0.0/10 10.128.0.0/9");
	addrset_merge(&a, &b);
	assert_prefixes(&a, "10.0.0.0/8");
	/* empty operands */
	addrset_union(&r, &e, &e);
	assert_true(addrset_is_empty(&r));
	assert_true(addrset_equal(&r, &e));
	assert_true(addrset_subset(&e, &a));
	assert_false(addrset_subset(&a, &e));
	assert_null(addrset_prefixes(&e, &(size_t){ 1 }));
	addrset_release(&r);
	addrset_copy(&r, &e);
	assert_true(addrset_is_empty(&r));
	addrset_release(&r);
	addrset_release(&a);
	addrset_release(&b);
}

static void test_addrset_lazy_and_iter(void **state)
{
	struct addrset s = ADDRSET_INIT, c = ADDRSET_INIT;
	const struct addrset *cs = &s;
	struct addrset_iter it;
	struct prefix p;
	char buf[ADDR_STRLEN];
	size_t n = 0;
	(void)state;
	add(&s, "10.0.0.4/30");
	add(&s, "2001:db8::/64");
	add(&s, "10.0.0.0/30"); /* out of order: the set is dirty now */
	add(&s, "::/128");
	add(&s, "10.0.0.8");
	assert_true(s.dirty);
	assert_true(addrset_contains(cs, &(struct addr){ .family = AF4, .v = 0x0a000008 }));
	assert_false(s.dirty);
	assert_int_equal(s.n4, 1);
	addrset_copy(&c, &s);
	assert_true(addrset_equal(&c, &s));
	addrset_iter_init(&it, cs);
	while (addrset_iter_next(&it, &p)) {
		static const char *const want[] = { "10.0.0.0/29", "10.0.0.8/32", "::/128",
						    "2001:db8::/64" };
		assert_true(n < 4);
		assert_string_equal(prefix_format(&p, buf), want[n]);
		n++;
	}
	assert_int_equal(n, 4);
	assert_false(addrset_iter_next(&it, &p));
	addrset_release(&c);
	addrset_release(&s);
}

/* A large unsorted input takes the radix sort path; compare with a simple reference. */
static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void test_addrset_large_sort(void **state)
{
	enum { N = 200000 };
	uint32_t *addrs = malloc(N * sizeof(*addrs));
	struct addrset s = ADDRSET_INIT;
	uint64_t x = 88172645463325252ULL;
	size_t runs = 0;
	(void)state;
	assert_non_null(addrs);
	for (size_t i = 0; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		addrs[i] = (uint32_t)x & 0xff0fffffu; /* some duplicates and adjacency */
		addrset_add_addr(&s, &(struct addr){ .family = AF4, .v = addrs[i] });
	}
	qsort(addrs, N, sizeof(*addrs), cmp_u32);
	for (size_t i = 0; i < N; i++)
		if (!i || addrs[i] > addrs[i - 1] + 1)
			runs++;
	addrset_normalize(&s);
	assert_int_equal(s.n4, runs);
	for (size_t i = 0, k = 0; i < N; i++) {
		if (i && addrs[i] <= addrs[i - 1] + 1)
			continue;
		assert_true(s.v4[k].lo == addrs[i]);
		k++;
	}
	for (size_t i = 1; i < s.n4; i++)
		assert_true((uint64_t)s.v4[i - 1].hi + 1 < s.v4[i].lo);
	addrset_release(&s);
	free(addrs);
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

struct bits {
	uint64_t w[WORDS];
};

/* A window: CELLS cells of 2^s addresses each, starting at base (aligned). */
struct window {
	int family;
	unsigned width; /* 32 or 128 */
	unsigned s;
	u128 base;
};

static u128 mask_low(unsigned k)
{
	return k >= 128 ? ~(u128)0 : ((u128)1 << k) - 1;
}

static void random_window(struct window *w, int family)
{
	unsigned width = family == AF4 ? 32 : 128, r = below(10);
	u128 space = mask_low(width), align;
	w->family = family;
	w->width = width;
	w->s = r < 4   ? 0
	       : r < 6 ? below(4)
	       : r < 7 ? width - CELL_BITS
		       : below(width - CELL_BITS + 1);
	align = mask_low(w->s + CELL_BITS);
	r = below(5);
	if (r == 0)
		w->base = 0;
	else if (r == 1)
		w->base = space & ~align;
	else
		w->base = ((((u128)rnd() << 64) | rnd()) & space) & ~align;
}

static u128 cell_lo(const struct window *w, unsigned c)
{
	return w->base + ((u128)c << w->s);
}

static u128 cell_hi(const struct window *w, unsigned c)
{
	return cell_lo(w, c) + mask_low(w->s);
}

static void bits_set_range(struct bits *b, unsigned c1, unsigned c2)
{
	for (unsigned c = c1; c <= c2;) {
		if (!(c & 63) && c + 63 <= c2) {
			b->w[c / 64] = ~0ULL;
			c += 64;
		} else {
			b->w[c / 64] |= 1ULL << (c & 63);
			c++;
		}
	}
}

static bool bit(const struct bits *b, unsigned c)
{
	return b->w[c / 64] >> (c & 63) & 1;
}

/* block_state: 1 if the aligned block of 2^k cells at c is all set, 0 if all clear, -1 mixed. */
static int block_state(const struct bits *b, unsigned c, unsigned k)
{
	if (k >= 6) {
		bool all = true, none = true;
		for (unsigned i = c / 64; i < (c + (1u << k)) / 64; i++) {
			all = all && b->w[i] == ~0ULL;
			none = none && !b->w[i];
		}
		return all ? 1 : none ? 0 : -1;
	} else {
		uint64_t m = ((1ULL << (1u << k)) - 1) << (c & 63), x = b->w[c / 64] & m;
		return x == m ? 1 : !x ? 0 : -1;
	}
}

/* trie_count: the number of maximal aligned blocks inside the set (independent of addrset). */
static size_t trie_count(const struct bits *b, unsigned c, unsigned k)
{
	int st = block_state(b, c, k);
	if (st >= 0)
		return (size_t)st;
	return trie_count(b, c, k - 1) + trie_count(b, c + (1u << (k - 1)), k - 1);
}

/* add_cells: add cells c1..c2 to the set and the model, as a range, a prefix or addresses. */
static void add_cells(const struct window *w, struct addrset *s, struct bits *m, unsigned c1,
		      unsigned c2)
{
	bits_set_range(m, c1, c2);
	if (c1 == c2 && !w->s && below(2)) {
		struct addr a = { .family = (uint8_t)w->family, .v = cell_lo(w, c1) };
		addrset_add_addr(s, &a);
	} else {
		addrset_add_range(s, w->family, cell_lo(w, c1), cell_hi(w, c2));
	}
}

static void random_set(const struct window *w, struct addrset *s, struct bits *m)
{
	unsigned parts = below(8);
	for (unsigned i = 0; i < parts; i++) {
		unsigned r = below(20), c1, c2, k;
		if (r < 6) { /* an aligned block, added as a prefix */
			struct prefix p;
			k = below(CELL_BITS + 1);
			c1 = below(CELLS >> k) << k;
			c2 = c1 + (1u << k) - 1;
			p.a.family = (uint8_t)w->family;
			p.a.v = cell_lo(w, c1);
			p.len = (uint8_t)(w->width - w->s - k);
			bits_set_range(m, c1, c2);
			addrset_add_prefix(s, &p);
		} else if (r < 11) { /* a short range */
			c1 = below(CELLS);
			c2 = c1 + below(40);
			add_cells(w, s, m, c1, c2 < CELLS ? c2 : CELLS - 1);
		} else if (r < 15) { /* a long range */
			c1 = below(CELLS);
			c2 = c1 + below(CELLS);
			add_cells(w, s, m, c1, c2 < CELLS ? c2 : CELLS - 1);
		} else if (r < 18) { /* a run of adjacent pieces, in random order */
			unsigned start = below(CELLS - 80), n = 2 + below(8), len = 1 + below(8);
			for (unsigned j = 0; j < n; j++) {
				unsigned q = (j * 5 + i) % n;
				add_cells(w, s, m, start + q * len, start + q * len + len - 1);
			}
		} else if (r < 19) { /* edges of the window */
			add_cells(w, s, m, 0, below(3));
			add_cells(w, s, m, CELLS - 1 - below(3), CELLS - 1);
		} else {
			add_cells(w, s, m, 0, CELLS - 1);
		}
	}
}

static void window_set(const struct window *w, struct addrset *s)
{
	addrset_init(s);
	addrset_add_range(s, w->family, cell_lo(w, 0), cell_hi(w, CELLS - 1));
}

/* check_normalised: sorted, disjoint, non-adjacent, non-empty intervals. */
static void check_normalised(const struct addrset *s)
{
	CHECK(!s->dirty);
	for (size_t i = 0; i < s->n4; i++) {
		CHECK(s->v4[i].lo <= s->v4[i].hi);
		CHECK(!i || (uint64_t)s->v4[i - 1].hi + 1 < s->v4[i].lo);
	}
	for (size_t i = 0; i < s->n6; i++) {
		CHECK(s->v6[i].lo <= s->v6[i].hi);
		CHECK(!i || (s->v6[i - 1].hi < s->v6[i].lo && s->v6[i].lo - s->v6[i - 1].hi > 1));
	}
}

/* to_bits: the model of one family of s; every interval must be made of whole cells in the window.
 */
static void to_bits(const struct window *w, const struct addrset *s, struct bits *b)
{
	size_t n = w->family == AF4 ? s->n4 : s->n6;
	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < n; i++) {
		u128 lo = w->family == AF4 ? s->v4[i].lo : s->v6[i].lo;
		u128 hi = w->family == AF4 ? s->v4[i].hi : s->v6[i].hi;
		u128 c1, c2;
		CHECK(lo >= w->base && hi <= cell_hi(w, CELLS - 1));
		CHECK(((lo - w->base) & mask_low(w->s)) == 0);
		CHECK(((hi - w->base) & mask_low(w->s)) == mask_low(w->s));
		c1 = (lo - w->base) >> w->s;
		c2 = (hi - w->base) >> w->s;
		bits_set_range(b, (unsigned)c1, (unsigned)c2);
	}
}

static bool bits_equal(const struct bits *a, const struct bits *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static bool bits_empty(const struct bits *a)
{
	for (unsigned i = 0; i < WORDS; i++)
		if (a->w[i])
			return false;
	return true;
}

static bool bits_full(const struct bits *a)
{
	for (unsigned i = 0; i < WORDS; i++)
		if (a->w[i] != ~0ULL)
			return false;
	return true;
}

static void check_model(const struct window *w, const struct addrset *s, const struct bits *m)
{
	struct bits b;
	to_bits(w, s, &b);
	CHECK(bits_equal(&b, m));
}

/*
 * check_prefixes: the prefix list of family w->family of s is exact (its
 * blocks are disjoint, ascending and cover exactly the model) and minimal
 * (every block is a maximal aligned block of the set: its sibling is not
 * inside the set), and its length matches the independent trie count and
 * addrset_count_prefixes.
 */
static void check_prefixes(const struct window *w, const struct addrset *s, const struct prefix *v,
			   size_t n, const struct bits *m)
{
	struct bits cover;
	size_t mine = 0;
	unsigned next = 0;
	memset(&cover, 0, sizeof(cover));
	for (size_t i = 0; i < n; i++) {
		const struct prefix *p = &v[i];
		unsigned k, c;
		if (p->a.family != w->family)
			continue;
		CHECK(p->len <= w->width);
		CHECK((p->a.v & mask_low(w->width - p->len)) == 0);
		CHECK(w->width - p->len >= w->s && w->width - p->len <= w->s + CELL_BITS);
		k = w->width - p->len - w->s;
		CHECK(p->a.v >= w->base && p->a.v <= cell_lo(w, CELLS - 1));
		c = (unsigned)((p->a.v - w->base) >> w->s);
		CHECK(c >= next); /* ascending and disjoint */
		next = c + (1u << k);
		CHECK(block_state(m, c, k) == 1);
		if (k < CELL_BITS)
			CHECK(block_state(m, c ^ (1u << k), k) != 1);
		bits_set_range(&cover, c, c + (1u << k) - 1);
		mine++;
	}
	CHECK(bits_equal(&cover, m));
	CHECK(mine == trie_count(m, 0, CELL_BITS));
	(void)s;
}

static void check_all_prefixes(const struct window *w4, const struct window *w6,
			       const struct addrset *s, const struct bits *m4,
			       const struct bits *m6)
{
	size_t n, i = 0;
	struct prefix *v = addrset_prefixes(s, &n), p;
	struct addrset_iter it;
	CHECK(n == addrset_count_prefixes(s));
	addrset_iter_init(&it, s);
	while (addrset_iter_next(&it, &p)) {
		CHECK(i < n);
		CHECK(!addr_cmp(&p.a, &v[i].a) && p.len == v[i].len);
		CHECK(!i || addr_cmp(&v[i - 1].a, &v[i].a) < 0);
		i++;
	}
	CHECK(i == n);
	check_prefixes(w4, s, v, n, m4);
	check_prefixes(w6, s, v, n, m6);
	free(v);
}

struct fam_model {
	struct window w;
	struct bits a, b;
};

static void bits_op(struct bits *out, const struct bits *x, const struct bits *y, char op)
{
	for (unsigned i = 0; i < WORDS; i++)
		out->w[i] = op == '|'	? x->w[i] | y->w[i]
			    : op == '&' ? x->w[i] & y->w[i]
					: x->w[i] & ~y->w[i];
}

static void property_case(void)
{
	struct fam_model f[2];
	struct addrset a = ADDRSET_INIT, b = ADDRSET_INIT, r = ADDRSET_INIT, t = ADDRSET_INIT;
	unsigned families;
	bool eq = true, sub = true;

	for (int i = 0; i < 2; i++) {
		memset(&f[i].a, 0, sizeof(f[i].a));
		memset(&f[i].b, 0, sizeof(f[i].b));
		random_window(&f[i].w, i ? AF6 : AF4);
	}
	/* build A and B with the two families interleaved */
	random_set(&f[0].w, &a, &f[0].a);
	random_set(&f[1].w, &a, &f[1].a);
	random_set(&f[1].w, &b, &f[1].b);
	random_set(&f[0].w, &b, &f[0].b);
	if (below(4) == 0) { /* B shares pieces with A */
		struct addrset c;
		addrset_copy(&c, &a);
		addrset_merge(&b, &c);
		bits_op(&f[0].b, &f[0].b, &f[0].a, '|');
		bits_op(&f[1].b, &f[1].b, &f[1].a, '|');
		addrset_release(&c);
	}
	addrset_normalize(&a);
	addrset_normalize(&b);
	check_normalised(&a);
	check_normalised(&b);
	for (int i = 0; i < 2; i++) {
		struct bits x;
		check_model(&f[i].w, &a, &f[i].a);
		check_model(&f[i].w, &b, &f[i].b);
		eq = eq && bits_equal(&f[i].a, &f[i].b);
		bits_op(&x, &f[i].a, &f[i].b, '-');
		sub = sub && bits_empty(&x);
	}
	CHECK(addrset_equal(&a, &b) == eq);
	CHECK(addrset_subset(&a, &b) == sub);
	CHECK(addrset_is_empty(&a) == (bits_empty(&f[0].a) && bits_empty(&f[1].a)));
	for (int i = 0; i < 2; i++) {
		const struct window *w = &f[i].w;
		bool whole = w->s + CELL_BITS == w->width;
		CHECK(addrset_is_all(&a, w->family) == (whole && bits_full(&f[i].a)));
		for (int k = 0; k < 6; k++) {
			unsigned c = below(CELLS);
			struct addr x = { .family = (uint8_t)w->family,
					  .v = cell_lo(w, c) +
					       (((((u128)rnd() << 64) | rnd())) & mask_low(w->s)) };
			CHECK(addrset_contains(&a, &x) == bit(&f[i].a, c));
		}
	}
	check_all_prefixes(&f[0].w, &f[1].w, &a, &f[0].a, &f[1].a);

	/* union, intersection, both differences; in-place forms agree */
	for (int op = 0; op < 4; op++) {
		static const char ops[] = "|&--";
		struct bits m[2];
		for (int i = 0; i < 2; i++) {
			if (op == 3)
				bits_op(&m[i], &f[i].b, &f[i].a, '-');
			else
				bits_op(&m[i], &f[i].a, &f[i].b, ops[op]);
		}
		if (op == 0)
			addrset_union(&r, &a, &b);
		else if (op == 1)
			addrset_intersect(&r, &a, &b);
		else if (op == 2)
			addrset_subtract(&r, &a, &b);
		else
			addrset_subtract(&r, &b, &a);
		check_normalised(&r);
		check_model(&f[0].w, &r, &m[0]);
		check_model(&f[1].w, &r, &m[1]);
		if (op == 0 || op == 2) {
			addrset_copy(&t, &a);
			if (op == 0)
				addrset_merge(&t, &b);
			else
				addrset_remove(&t, &b);
			CHECK(addrset_equal(&t, &r));
			addrset_release(&t);
			CHECK(addrset_subset(op ? &r : &a, op ? &a : &r));
		}
		if (op == 1) {
			CHECK(addrset_subset(&r, &a) && addrset_subset(&r, &b));
		}
		if (below(4) == 0)
			check_all_prefixes(&f[0].w, &f[1].w, &r, &m[0], &m[1]);
		addrset_release(&r);
	}

	/* complement within one or both families */
	families = 1 + below(3);
	families = (families & 1 ? 1u << AF4 : 0) | (families & 2 ? 1u << AF6 : 0);
	addrset_complement(&r, &a, families);
	check_normalised(&r);
	for (int i = 0; i < 2; i++) {
		const struct window *w = &f[i].w;
		struct addrset win, inside = ADDRSET_INIT, outside = ADDRSET_INIT,
				    wc = ADDRSET_INIT;
		struct bits m;
		if (!(families & (1u << w->family))) {
			CHECK((w->family == AF4 ? r.n4 : r.n6) == 0);
			continue;
		}
		window_set(w, &win);
		addrset_intersect(&inside, &r, &win);
		for (unsigned k = 0; k < WORDS; k++)
			m.w[k] = ~f[i].a.w[k];
		check_model(w, &inside, &m);
		/* outside the window: everything of the family */
		addrset_complement(&wc, &win, 1u << w->family);
		addrset_intersect(&outside, &r, &wc);
		CHECK(addrset_equal(&outside, &wc));
		addrset_release(&win);
		addrset_release(&inside);
		addrset_release(&outside);
		addrset_release(&wc);
	}
	/* a and its complement: disjoint, and together everything */
	addrset_intersect(&t, &a, &r);
	for (int i = 0; i < 2; i++)
		if (families & (1u << f[i].w.family))
			CHECK((f[i].w.family == AF4 ? t.n4 : t.n6) == 0);
	addrset_release(&t);
	addrset_union(&t, &a, &r);
	if (families & (1u << AF4))
		CHECK(addrset_is_all(&t, AF4));
	if (families & (1u << AF6))
		CHECK(addrset_is_all(&t, AF6));
	addrset_release(&t);
	/* the complement of the complement is a, restricted to those families */
	{
		struct addrset all = ADDRSET_INIT, ar = ADDRSET_INIT;
		if (families & (1u << AF4))
			addrset_add_all(&all, AF4);
		if (families & (1u << AF6))
			addrset_add_all(&all, AF6);
		addrset_intersect(&ar, &a, &all);
		addrset_complement(&t, &r, families);
		CHECK(addrset_equal(&t, &ar));
		addrset_release(&all);
		addrset_release(&ar);
	}
	addrset_release(&r);
	addrset_release(&t);

	addrset_release(&a);
	addrset_release(&b);
}

static void test_addrset_property(void **state)
{
	const char *env = getenv("ADDRSET_SEED");
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
		cmocka_unit_test(test_addrset_parse_v4),
		cmocka_unit_test(test_addrset_parse_v6),
		cmocka_unit_test(test_addrset_parse_prefix),
		cmocka_unit_test(test_addrset_format),
		cmocka_unit_test(test_addrset_prefix_helpers),
		cmocka_unit_test(test_addrset_edges_v4),
		cmocka_unit_test(test_addrset_edges_v6),
		cmocka_unit_test(test_addrset_families_apart),
		cmocka_unit_test(test_addrset_algebra),
		cmocka_unit_test(test_addrset_lazy_and_iter),
		cmocka_unit_test(test_addrset_large_sort),
		cmocka_unit_test(test_addrset_property),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
