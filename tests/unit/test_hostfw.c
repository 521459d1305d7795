/*
 * test_hostfw.c - the host-firewall options shared by the nftables and
 * iptables backends: --log-prefix limits and characters, --allow parsing
 * and its canonical text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backends/backend.h"
#include "backends/hostfw.h"

static void test_log_prefix(void **state)
{
	static const char *const bad[] = { "",	    "a\"b",	  "a\\b", "a;b",     "a\nb",
					   "a%41b", "x$(reboot)", "a#b",  "\xc3\xa9" };
	char buf[NFT_LOG_PREFIX_MAX + 2];
	(void)state;
	assert_true(hostfw_log_prefix_ok("netpolc drop: ", IPT_LOG_PREFIX_MAX));
	assert_true(hostfw_log_prefix_ok("[np] in=-_./(),=@+", IPT_LOG_PREFIX_MAX));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(hostfw_log_prefix_ok(bad[i], NFT_LOG_PREFIX_MAX));
	/* the limits are inclusive: 29 for iptables, 127 for nft */
	memset(buf, 'a', sizeof(buf));
	buf[IPT_LOG_PREFIX_MAX] = '\0';
	assert_true(hostfw_log_prefix_ok(buf, IPT_LOG_PREFIX_MAX));
	assert_null(ipt_log_prefix_check(buf));
	buf[IPT_LOG_PREFIX_MAX] = 'a';
	buf[IPT_LOG_PREFIX_MAX + 1] = '\0';
	assert_false(hostfw_log_prefix_ok(buf, IPT_LOG_PREFIX_MAX));
	assert_non_null(ipt_log_prefix_check(buf));
	assert_null(nft_log_prefix_check(buf));
	memset(buf, 'a', sizeof(buf));
	buf[NFT_LOG_PREFIX_MAX] = '\0';
	assert_null(nft_log_prefix_check(buf));
	buf[NFT_LOG_PREFIX_MAX] = 'a';
	buf[NFT_LOG_PREFIX_MAX + 1] = '\0';
	assert_non_null(nft_log_prefix_check(buf));
}

/* allow_text: the canonical text of spec, which must parse */
static void assert_allow(const char *spec, const char *text, enum dir dir, enum flat_kind kind)
{
	struct hostfw_allow a;
	struct strbuf sb = STRBUF_INIT;
	assert_null(hostfw_allow_parse(spec, &a));
	hostfw_allow_text(&sb, &a);
	assert_string_equal(sb.buf, text);
	assert_int_equal(a.dir, dir);
	assert_int_equal(a.kind, kind);
	strbuf_release(&sb);
}

static void test_allow(void **state)
{
	static const char *const bad[] = {
		"",
		"in:",
		"tcp/",
		"icmp/8",
		"tcp/22-21",
		"tcp/0",
		"tcp/65536",
		"up:tcp/22",
		"in:out:tcp/22",
		"tcp/22@",
		"tcp/22@10.0.0.0/33",
		"tcp/22@10.0.0.1/8",
		"tcp/22@::ffff:10.0.0.0/104",
		"tcp/22@10.0.0.0/8@10.0.0.0/8",
		"tcp/22 @10.0.0.0/8",
		"tcp/22@10.0.0.0/8 ",
		"tcp/22\n-j ACCEPT",
	};
	struct hostfw_allow a;
	(void)state;
	assert_allow("22", "in:tcp/22", DIR_INGRESS, FK_PORT);
	assert_allow("in:tcp/22@10.0.0.0/8", "in:tcp/22@10.0.0.0/8", DIR_INGRESS, FK_AP4);
	assert_allow("out:UDP/123", "out:udp/123", DIR_EGRESS, FK_PORT);
	assert_allow("sctp/2000-2010@fd00::/8", "in:sctp/2000-2010@fd00::/8", DIR_INGRESS, FK_AP6);
	assert_allow("out:tcp/443@10.1.2.3", "out:tcp/443@10.1.2.3/32", DIR_EGRESS, FK_AP4);
	assert_null(hostfw_allow_parse("in:tcp/22-23@10.0.0.0/8", &a));
	assert_int_equal(a.el.proto, PROTO_TCP);
	assert_int_equal(a.el.lo, 22);
	assert_int_equal(a.el.hi, 23);
	assert_int_equal(a.el.px.len, 8);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!hostfw_allow_parse(bad[i], &a))
			fail_msg("--allow '%s' was accepted", bad[i]);
		assert_non_null(hostfw_allow_check(bad[i]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_prefix),
		cmocka_unit_test(test_allow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
