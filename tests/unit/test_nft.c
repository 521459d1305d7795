/*
 * test_nft.c - the nftables backend: the quoting function against hostile
 * text, and small hand-built endpoint IRs compiled to nft text (host mode,
 * node mode dispatch, tiers with deny and pass, set normalisation, the
 * warnings and errors).  The lowering itself is tested as data in
 * test_flat.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/backend.h"
#include "backends/nft.h"
#include "lib/util.h"
#include "tests/unit/fwfx.h"
#include "tests/unit/irfx.h"

/* ---- quoting ---- */

static char *quote(const char *s, size_t n, size_t max)
{
	struct strbuf sb = STRBUF_INIT;
	nft_quote(&sb, s, n, max);
	return strbuf_detach(&sb, NULL);
}

/* quoted_ok: "..." with only safe characters and well-formed %XX inside. */
static void assert_quoted_ok(const char *q, size_t max)
{
	size_t n = strlen(q);
	assert_true(n >= 2);
	assert_int_equal(q[0], '"');
	assert_int_equal(q[n - 1], '"');
	if (max)
		assert_true(n - 2 <= max);
	for (size_t i = 1; i + 1 < n; i++) {
		unsigned char c = (unsigned char)q[i];
		assert_true(c >= 0x20 && c < 0x7f);
		assert_true(c != '"' && c != '\\' && c != '#' && c != '$' && c != ';');
		if (c == '%') {
			assert_true(i + 3 < n);
			assert_true(strchr("0123456789ABCDEF", q[i + 1]) != NULL);
			assert_true(strchr("0123456789ABCDEF", q[i + 2]) != NULL);
			i += 2;
		}
	}
}

static void test_nft_quote_plain(void **state)
{
	char *q = quote("default/allow-nginx ingress[0]", 30, NFT_COMMENT_MAX);
	(void)state;
	assert_string_equal(q, "\"default/allow-nginx ingress[0]\"");
	free(q);
	q = quote("", 0, NFT_COMMENT_MAX);
	assert_string_equal(q, "\"\"");
	free(q);
}

static void test_nft_quote_hostile(void **state)
{
	static const struct {
		const char *in;
		size_t n;
		const char *want;
	} v[] = {
		{ "x\"; flush ruleset", 17, "\"x%22%3B flush ruleset\"" },
		{ "a\nb\r\tc", 6, "\"a%0Ab%0D%09c\"" },
		{ "back\\slash\\", 11, "\"back%5Cslash%5C\"" },
		{ "caf\xc3\xa9", 5, "\"caf%C3%A9\"" },
		{ "nul\0byte", 8, "\"nul%00byte\"" },
		{ "100%", 4, "\"100%25\"" },
		{ "#x $y {z} 'q'", 13, "\"%23x %24y %7Bz%7D %27q%27\"" },
		{ "\x7f\xff", 2, "\"%7F%FF\"" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		char *q = quote(v[i].in, v[i].n, NFT_COMMENT_MAX);
		assert_string_equal(q, v[i].want);
		assert_quoted_ok(q, NFT_COMMENT_MAX);
		free(q);
	}
}

static void test_nft_quote_length_limit(void **state)
{
	char buf[600];
	char *q;
	(void)state;

	/* exactly 128 safe bytes: kept whole */
	memset(buf, 'a', 128);
	q = quote(buf, 128, NFT_COMMENT_MAX);
	assert_int_equal(strlen(q), 130);
	free(q);
	/* 129: cut in the middle, at most 128 between the quotes */
	memset(buf, 'a', 129);
	q = quote(buf, 129, NFT_COMMENT_MAX);
	assert_quoted_ok(q, NFT_COMMENT_MAX);
	assert_non_null(strchr(q, '~'));
	free(q);
	/* no limit: everything */
	memset(buf, 'b', 500);
	q = quote(buf, 500, 0);
	assert_int_equal(strlen(q), 502);
	free(q);
}

static void test_nft_quote_truncation_keeps_ends(void **state)
{
	struct strbuf in = STRBUF_INIT;
	char *q, *q2;
	(void)state;

	strbuf_addstr(&in, "production/");
	for (int i = 0; i < 30; i++)
		strbuf_addstr(&in, "very-long-");
	strbuf_addstr(&in, "name egress[12]");
	q = quote(in.buf, in.len, NFT_COMMENT_MAX);
	assert_quoted_ok(q, NFT_COMMENT_MAX);
	assert_memory_equal(q, "\"production/very-long-", 22);
	assert_non_null(strstr(q, "name egress[12]\""));
	/* a difference in the cut middle still changes the text (the hash) */
	in.buf[100] = 'X';
	q2 = quote(in.buf, in.len, NFT_COMMENT_MAX);
	assert_string_not_equal(q, q2);
	assert_int_equal(strlen(q), strlen(q2));
	free(q);
	free(q2);
	strbuf_release(&in);
}

static void test_nft_quote_truncation_never_splits_escapes(void **state)
{
	char buf[400];
	(void)state;
	/* every mix of 1-byte and 3-byte characters, every length around the limit */
	for (size_t len = 40; len < 200; len++) {
		for (size_t period = 1; period < 5; period++) {
			char *q;
			for (size_t i = 0; i < len; i++)
				buf[i] = i % period ? 'k' : '"';
			q = quote(buf, len, NFT_COMMENT_MAX);
			assert_quoted_ok(q, NFT_COMMENT_MAX);
			free(q);
			for (size_t i = 0; i < len; i++)
				buf[i] = (char)(i % period ? '\n' : 'z');
			q = quote(buf, len, 32);
			assert_quoted_ok(q, 32);
			free(q);
		}
	}
}

/* ---- hand-built IR ---- */

struct fx {
	struct irfx x;
	const char *table; /* the value of --table, or NULL */
	const char *cmdline;
	char *text;
};

static int fx_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	irfx_init(&f->x);
	f->cmdline = "in.yaml";
	nft_inline_max = 0; /* these cases look at the sets */
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	free(f->text);
	irfx_release(&f->x);
	free(f);
	return 0;
}

/*
 * readable: text with the content-derived names replaced by stable test
 * names: programs "in<K>" / "eg<K>" (K in the order of their first
 * endpoint), sets "<kind>_S<K>" (K per kind, in order of first appearance).
 */
static char *readable(const char *text, const struct flat *flat, const void *arg)
{
	static const char *const kinds[] = { "p4", "p6", "a4", "a6", "pt" };
	struct strbuf out = STRBUF_INIT;
	char seen[ARRAY_SIZE(kinds)][16][17] = { { { 0 } } };
	size_t nseen[ARRAY_SIZE(kinds)] = { 0 };
	(void)arg;

	for (const char *p = text; *p;) {
		bool done = false;
		for (int dir = 0; dir < NDIR && !done; dir++) {
			const char *pfx = dir == DIR_INGRESS ? "in_" : "eg_";
			for (size_t i = 0; i < flat->nprogs[dir] && !done; i++) {
				const struct flat_prog *prog = &flat->progs[dir][i];
				size_t n = strlen(prog->id), k = 0;
				if (strncmp(p, pfx, 3) || strncmp(p + 3, prog->id, n))
					continue;
				/* number programs by their first endpoint */
				for (size_t j = 0; j < flat->nprogs[dir]; j++)
					k += flat->progs[dir][j].users[0] < prog->users[0];
				strbuf_addf(&out, "%.2s%zu", pfx, k);
				p += 3 + n;
				done = true;
			}
		}
		for (size_t k = 0; k < ARRAY_SIZE(kinds) && !done; k++) {
			size_t j;
			if (strncmp(p, kinds[k], 2) || p[2] != '_' || !fwfx_is_hex(p + 3, 12))
				continue;
			for (j = 0; j < nseen[k] && strncmp(seen[k][j], p + 3, 12); j++)
				;
			if (j == nseen[k]) {
				assert_true(j < 16);
				memcpy(seen[k][nseen[k]++], p + 3, 12);
			}
			strbuf_addf(&out, "%s_S%zu", kinds[k], j);
			p += 3 + 12;
			done = true;
		}
		if (!done)
			strbuf_addch(&out, *p++);
	}
	return strbuf_detach(&out, NULL);
}

static const char *emit(struct fx *f, bool host, int want_rc)
{
	const char *values[8] = { f->table }; /* room for every option nft declares */
	struct emit_ctx ctx = { &f->x.m,    &f->x.ir, NULL,
				f->cmdline, false,    backend_find("nftables"),
				values,	    NULL };
	return fwfx_emit(&f->x, &ctx, host, want_rc, readable, NULL, &f->text);
}

/* ---- small IR cases ---- */

static void test_nft_host_allow_from_pods_on_port(void **state)
{
	struct fx *f = *state;
	struct pod *web = irfx_pod(&f->x, "default", "web", "10.1.0.1", "fd00::1");
	struct pod *cli = irfx_pod(&f->x, "default", "client", "10.1.0.2", "fd00::2");
	struct ir_endpoint *ep = irfx_ep(&f->x, web);
	struct ir_rule *r = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	uint32_t pods[] = { (uint32_t)cli->index };
	const char *t;

	irfx_rule_pods(&f->x, r, 1, pods);
	portset_add(&r->ports, PROTO_TCP, 80, 80);
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, true, r, NULL);
	irfx_tier(&f->x, ep, DIR_EGRESS, ACT_DENY, false, NULL);
	t = emit(f, true, 0);
	fwfx_assert_has(
		t, "table inet netpolc {}\ndelete table inet netpolc\n\ntable inet netpolc {\n");
	fwfx_assert_has(t,
			"\tset a4_S0 {\n\t\ttype ipv4_addr . inet_proto . inet_service\n"
			"\t\tflags interval\n\t\telements = {\n\t\t\t10.1.0.2 . tcp . 80\n\t\t}\n");
	fwfx_assert_has(t, "\t\t\tfd00::2 . tcp . 80\n");
	fwfx_assert_has(t, "\t\tip saddr . meta l4proto . th dport @a4_S0 return comment "
			   "\"default/allow-web ingress[0]\"\n");
	fwfx_assert_has(t, "\t\tip6 saddr . meta l4proto . th dport @a6_S0 return");
	fwfx_assert_has(t, "\t\tdrop comment \"isolated by default/deny-all\"\n");
	fwfx_assert_has(t, "type filter hook input priority filter; policy accept;\n"
			   "\t\tct state established,related accept\n\t\tiif \"lo\" accept\n");
	fwfx_assert_has(t, "nd-neighbor-solicit");
	fwfx_assert_has(t, "} accept\n\t\tjump in0\n\t}\n");
	/* invalid packets are dropped only inside programs: unselected traffic is untouched */
	fwfx_assert_has(t, "\tchain in0 {\n\t\tct state invalid drop\n");
	assert_int_equal(fwfx_count(t, "ct state invalid drop"), 1);
	/* egress not isolated: the output chain jumps nowhere */
	fwfx_assert_lacks(t, "jump eg");
	fwfx_assert_lacks(t, "chain eg0");
	fwfx_assert_has(t, "# host mode: \"default/web\"");
	assert_int_equal(f->x.d.errors + f->x.d.warnings, 0);
}

static void test_nft_no_ports_matches_every_protocol(void **state)
{
	struct fx *f = *state;
	struct pod *web = irfx_pod(&f->x, "default", "web", "10.1.0.1", NULL);
	struct ir_endpoint *ep = irfx_ep(&f->x, web);
	struct ir_rule *r = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_EGRESS, 0);
	struct ir_rule *all = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	const char *t;

	irfx_rule_net(r, "192.168.0.0/16");
	portset_set_any(&r->ports);
	all->all_peers = true;
	portset_set_any(&all->ports);
	irfx_tier(&f->x, ep, DIR_EGRESS, ACT_DENY, true, r, NULL);
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, true, all, NULL);
	t = emit(f, true, 0);
	fwfx_assert_has(t, "\tset p4_S0 {\n\t\ttype ipv4_addr\n\t\tflags interval\n"
			   "\t\telements = {\n\t\t\t192.168.0.0/16\n\t\t}\n");
	fwfx_assert_has(t, "\t\tip daddr @p4_S0 return comment");
	fwfx_assert_lacks(t, "th dport");
	/* everything from everyone: one unconditional return, nothing after it */
	fwfx_assert_has(t, "\tchain in0 {\n\t\tct state invalid drop\n\t\t# \"default/allow-web "
			   "ingress[0]\"\n\t\treturn comment "
			   "\"default/allow-web ingress[0]\"\n\t}\n");
	fwfx_assert_has(t, "\t\tjump in0\n");
	fwfx_assert_has(t, "\t\tjump eg0\n");
}

static void test_nft_all_peers_with_ports_uses_port_set(void **state)
{
	struct fx *f = *state;
	struct pod *web = irfx_pod(&f->x, "default", "web", "10.1.0.1", NULL);
	struct ir_endpoint *ep = irfx_ep(&f->x, web);
	struct ir_rule *r = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	const char *t;

	r->all_peers = true;
	portset_add(&r->ports, PROTO_TCP, 80, 80);
	portset_add(&r->ports, PROTO_SCTP, 9000, 9010);
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, true, r, NULL);
	t = emit(f, true, 0);
	fwfx_assert_has(t, "\tset pt_S0 {\n\t\ttype inet_proto . inet_service\n\t\tflags interval\n"
			   "\t\telements = {\n\t\t\ttcp . 80,\n\t\t\tsctp . 9000-9010\n\t\t}\n");
	fwfx_assert_has(t, "\t\tmeta l4proto . th dport @pt_S0 return");
	fwfx_assert_lacks(t, "@a4_S0");
}

static void test_nft_overlapping_ports_become_disjoint(void **state)
{
	struct fx *f = *state;
	struct pod *web = irfx_pod(&f->x, "default", "web", "10.1.0.1", NULL);
	struct pod *a = irfx_pod(&f->x, "default", "za", "10.1.0.2", NULL);
	struct pod *b = irfx_pod(&f->x, "default", "zb", "10.1.0.3", NULL);
	struct ir_endpoint *ep = irfx_ep(&f->x, web);
	struct ir_rule *r1 = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	struct ir_rule *r2 = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 1);
	struct ir_rule *r3 = irfx_rule(&f->x, ACT_ALLOW, 3, DIR_INGRESS, 0);
	uint32_t pa[] = { (uint32_t)a->index }, pb[] = { (uint32_t)b->index };
	const char *t;

	irfx_rule_pods(&f->x, r1, 1, pa);
	portset_add(&r1->ports, PROTO_TCP, 80, 90);
	irfx_rule_pods(&f->x, r2, 1, pb);
	portset_add(&r2->ports, PROTO_TCP, 85, 95);
	/* r3: the same port set as r1, so it merges into r1's group */
	irfx_rule_pods(&f->x, r3, 1, pb);
	portset_add(&r3->ports, PROTO_TCP, 80, 90);
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, true, r1, r2, r3, NULL);
	t = emit(f, true, 0);
	/* 10.1.0.2 and .3 are adjacent: one /31 on 80-90; .3 alone on 91-95 */
	fwfx_assert_has(t, "\t\t\t10.1.0.2/31 . tcp . 80-90,\n\t\t\t10.1.0.3 . tcp . 91-95\n");
	fwfx_assert_has(t, "return comment \"default/allow-web ingress[0] +2\"");
	fwfx_assert_has(t, "\t\t# \"default/pol3 ingress[0]\"\n");
}

static void test_nft_node_mode_dispatch(void **state)
{
	struct fx *f = *state;
	struct pod *p1 = irfx_pod(&f->x, "a", "one", "10.1.0.1", "fd00::1");
	struct pod *p2 = irfx_pod(&f->x, "a", "two", "10.1.0.2", "fd00::2");
	struct pod *p3 = irfx_pod(&f->x, "b", "free", "10.1.0.3", NULL);
	struct ir_endpoint *e1 = irfx_ep(&f->x, p1), *e2 = irfx_ep(&f->x, p2),
			   *e3 = irfx_ep(&f->x, p3);
	struct ir_rule *r = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	uint32_t from[] = { (uint32_t)p3->index };
	const char *t;

	irfx_rule_pods(&f->x, r, 1, from);
	portset_add(&r->ports, PROTO_UDP, 53, 53);
	/* one and two share an ingress program; two alone is egress-isolated */
	irfx_tier(&f->x, e1, DIR_INGRESS, ACT_DENY, true, r, NULL);
	irfx_tier(&f->x, e2, DIR_INGRESS, ACT_DENY, true, r, NULL);
	irfx_tier(&f->x, e2, DIR_EGRESS, ACT_DENY, true, NULL);
	irfx_tier(&f->x, e3, DIR_INGRESS, ACT_DENY, false, NULL);
	t = emit(f, false, 0);
	assert_int_equal(fwfx_count(t, "\tchain in0 {"), 1);
	fwfx_assert_lacks(t, "chain in1");
	fwfx_assert_has(t, "\tmap ingress_v4 {\n\t\ttype ipv4_addr : verdict\n\t\telements = {\n"
			   "\t\t\t10.1.0.1 : jump in0,\n\t\t\t10.1.0.2 : jump in0\n\t\t}\n\t}\n");
	fwfx_assert_has(t, "\t\t\tfd00::1 : jump in0,\n\t\t\tfd00::2 : jump in0\n");
	fwfx_assert_has(t, "\tmap egress_v4 {\n\t\ttype ipv4_addr : verdict\n\t\telements = {\n"
			   "\t\t\t10.1.0.2 : jump eg0\n\t\t}\n\t}\n");
	/* the free pod is in no map */
	fwfx_assert_lacks(t, "10.1.0.3 :");
	fwfx_assert_has(t, "\tchain eg0 {\n\t\tct state invalid drop\n\t\tdrop comment");
	fwfx_assert_has(t, "type filter hook forward priority filter; policy accept;\n"
			   "\t\tct state established,related accept\n\t\ticmpv6 type");
	/* egress of the source first, then ingress of the destination */
	fwfx_assert_has(t, "} accept\n\t\tip saddr vmap @egress_v4\n"
			   "\t\tip6 saddr vmap @egress_v6\n\t\tip daddr vmap @ingress_v4\n"
			   "\t\tip6 daddr vmap @ingress_v6\n\t}\n");
	fwfx_assert_has(t, "# node mode: 3 endpoints, 1 ingress and 1 egress programs");
	fwfx_assert_has(t, ": \"a/one\", \"a/two\"\n");
}

static void test_nft_node_mode_unusable_endpoints(void **state)
{
	struct fx *f = *state;
	struct pod *p1 = irfx_pod(&f->x, "a", "noip", NULL, NULL);
	struct pod *p2 = irfx_pod(&f->x, "a", "ok", "10.1.0.2", NULL);
	struct pod *p3 = irfx_pod(&f->x, "a", "hostnet", "10.0.0.1", NULL);
	struct ir_endpoint *e1 = irfx_ep(&f->x, p1), *e2 = irfx_ep(&f->x, p2),
			   *e3 = irfx_ep(&f->x, p3);
	const char *t;

	p3->host_network = true;
	irfx_tier(&f->x, e1, DIR_INGRESS, ACT_DENY, true, NULL);
	irfx_tier(&f->x, e2, DIR_INGRESS, ACT_DENY, true, NULL);
	irfx_tier(&f->x, e3, DIR_INGRESS, ACT_DENY, true, NULL);
	t = emit(f, false, 0);
	assert_int_equal(f->x.d.warnings, 1); /* noip; the host-network pod is skipped silently */
	fwfx_assert_has(t, "\t\t\t10.1.0.2 : jump in0\n");
	fwfx_assert_lacks(t, "10.0.0.1 :");
	fwfx_assert_lacks(t, "in1");
}

static void test_nft_peer_without_ip_is_left_out(void **state)
{
	struct fx *f = *state;
	struct pod *web = irfx_pod(&f->x, "default", "web", "10.1.0.1", NULL);
	struct pod *tmpl = irfx_pod(&f->x, "default", "workload", NULL, NULL);
	struct pod *cli = irfx_pod(&f->x, "default", "x-client", "10.1.0.9", NULL);
	struct ir_endpoint *ep = irfx_ep(&f->x, web);
	struct ir_rule *r = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	struct ir_rule *r2 = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 1);
	uint32_t pods[] = { (uint32_t)tmpl->index, (uint32_t)cli->index };
	uint32_t only[] = { (uint32_t)tmpl->index };
	const char *t;

	irfx_rule_pods(&f->x, r, 2, pods);
	portset_set_any(&r->ports);
	irfx_rule_pods(&f->x, r2, 1, only);
	portset_add(&r2->ports, PROTO_TCP, 1, 65535);
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, true, r, r2, NULL);
	t = emit(f, true, 0);
	/* one warning per pod, however many rules name it */
	assert_int_equal(f->x.d.warnings, 1);
	fwfx_assert_has(t, "\t\t\t10.1.0.9\n");
	fwfx_assert_lacks(t, "th dport");
	fwfx_assert_has(t, "\t\tdrop comment");
}

static void test_nft_tiers_deny_and_pass(void **state)
{
	struct fx *f = *state;
	struct pod *web = irfx_pod(&f->x, "default", "web", "10.1.0.1", NULL);
	struct ir_endpoint *ep = irfx_ep(&f->x, web);
	struct ir_rule *deny = irfx_rule(&f->x, ACT_DENY, 1, DIR_INGRESS, 0);
	struct ir_rule *pass = irfx_rule(&f->x, ACT_PASS, 1, DIR_INGRESS, 1);
	struct ir_rule *allow = irfx_rule(&f->x, ACT_ALLOW, 1, DIR_INGRESS, 2);
	struct ir_rule *allow2 = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	const char *t;

	irfx_rule_net(deny, "10.9.0.0/16");
	portset_set_any(&deny->ports);
	irfx_rule_net(pass, "10.8.0.0/16");
	portset_set_any(&pass->ports);
	irfx_rule_net(allow, "10.0.0.0/8");
	portset_add(&allow->ports, PROTO_TCP, 443, 443);
	irfx_rule_net(allow2, "10.8.1.0/24");
	portset_add(&allow2->ports, PROTO_TCP, 22, 22);
	/* tier 0 ends in pass; a non-applying tier in between is skipped */
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_PASS, true, deny, pass, allow, NULL);
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, false, NULL);
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, true, allow2, NULL);
	t = emit(f, true, 0);
	fwfx_assert_has(t, "\t\tip saddr @p4_S0 drop comment");
	fwfx_assert_has(t, "\t\tip saddr @p4_S1 goto in0_t1 comment");
	fwfx_assert_has(t, "\t\tip saddr . meta l4proto . th dport @a4_S0 return comment");
	/* end of tier 0: pass to tier 1 */
	fwfx_assert_has(t, "\t\tgoto in0_t1\n\t}\n");
	fwfx_assert_has(t, "\tchain in0_t1 {\n");
	fwfx_assert_has(t, "\t\t\t10.8.1.0/24 . tcp . 22\n");
	fwfx_assert_lacks(t, "in0_t2");
	/* deny before pass before allow, in rule order */
	assert_true(strstr(t, "@p4_S0 drop") < strstr(t, "@p4_S1 goto"));
	assert_true(strstr(t, "@p4_S1 goto") < strstr(t, "@a4_S0 return"));
}

static void test_nft_pass_in_last_tier_returns(void **state)
{
	struct fx *f = *state;
	struct pod *web = irfx_pod(&f->x, "default", "web", "10.1.0.1", NULL);
	struct ir_endpoint *ep = irfx_ep(&f->x, web);
	struct ir_rule *pass = irfx_rule(&f->x, ACT_PASS, 1, DIR_EGRESS, 0);
	struct ir_rule *deny = irfx_rule(&f->x, ACT_DENY, 1, DIR_EGRESS, 1);
	const char *t;

	irfx_rule_net(pass, "10.8.0.0/16");
	portset_set_any(&pass->ports);
	deny->all_peers = true;
	portset_add(&deny->ports, PROTO_UDP, 0, 65535);
	irfx_tier(&f->x, ep, DIR_EGRESS, ACT_PASS, true, pass, deny, NULL);
	t = emit(f, true, 0);
	fwfx_assert_has(t, "\t\tip daddr @p4_S0 return comment");
	fwfx_assert_has(t, "\t\t\tudp . 0-65535\n");
	fwfx_assert_has(t, "\t\tmeta l4proto . th dport @pt_S0 drop comment");
	/* a last tier ending in pass falls off the chain: allowed */
	fwfx_assert_has(t, "@pt_S0 drop comment \"default/deny-all egress[1]\"\n\t}\n");
}

static void test_nft_equal_sets_are_shared(void **state)
{
	struct fx *f = *state;
	struct pod *p1 = irfx_pod(&f->x, "a", "one", "10.1.0.1", NULL);
	struct pod *p2 = irfx_pod(&f->x, "a", "two", "10.1.0.2", NULL);
	struct ir_endpoint *e1 = irfx_ep(&f->x, p1), *e2 = irfx_ep(&f->x, p2);
	struct ir_rule *r1 = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	struct ir_rule *r2 = irfx_rule(&f->x, ACT_ALLOW, 3, DIR_INGRESS, 0);
	struct ir_rule *r3 = irfx_rule(&f->x, ACT_ALLOW, 3, DIR_INGRESS, 1);
	const char *t;

	irfx_rule_net(r1, "10.2.0.0/16");
	portset_add(&r1->ports, PROTO_TCP, 80, 80);
	irfx_rule_net(r2, "10.2.0.0/16");
	portset_add(&r2->ports, PROTO_TCP, 80, 80);
	irfx_rule_net(r3, "10.3.0.0/16");
	portset_set_any(&r3->ports);
	irfx_tier(&f->x, e1, DIR_INGRESS, ACT_DENY, true, r1, NULL);
	irfx_tier(&f->x, e2, DIR_INGRESS, ACT_DENY, true, r2, r3, NULL);
	t = emit(f, false, 0);
	assert_int_equal(fwfx_count(t, "\tset "), 2);
	fwfx_assert_has(t, "\t\tip saddr . meta l4proto . th dport @a4_S0 return comment "
			   "\"default/allow-web ingress[0]\"\n");
	fwfx_assert_has(t, "\t\tip saddr . meta l4proto . th dport @a4_S0 return comment "
			   "\"default/pol3 ingress[0] +1\"\n");
	fwfx_assert_has(t, "\t\tip saddr @p4_S0 return");
}

static void test_nft_hostile_names_are_quoted(void **state)
{
	struct fx *f = *state;
	struct pod *web = irfx_pod(&f->x, "default", "web\nflush ruleset", "10.1.0.1", NULL);
	struct ir_endpoint *ep = irfx_ep(&f->x, web);
	struct ir_rule *r = irfx_rule(&f->x, ACT_ALLOW, 2, DIR_INGRESS, 0);
	const char *t;

	r->all_peers = true;
	portset_add(&r->ports, PROTO_TCP, 80, 80);
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, true, r, NULL);
	f->cmdline = "in.yaml\n\"; flush ruleset; #";
	t = emit(f, true, 0);
	fwfx_assert_lacks(t, "\nflush");
	fwfx_assert_lacks(t, "\"; flush");
	fwfx_assert_has(t, "comment \"default/x%22%3B flush ruleset ingress[0]\"");
	fwfx_assert_has(t, "# inputs: \"in.yaml%0A%22%3B flush ruleset%3B %23\"\n");
	fwfx_assert_has(t, "# host mode: \"default/web%0Aflush ruleset\"");
	/* every line is a comment, a bracket, a keyword line: none starts with flush */
	for (const char *p = t; p; p = strchr(p, '\n')) {
		p += *p == '\n';
		assert_true(strncmp(p, "flush", 5) != 0);
	}
}

static void test_nft_table_name(void **state)
{
	struct fx *f = *state;
	struct pod *web = irfx_pod(&f->x, "default", "web", "10.1.0.1", NULL);
	const char *t;

	(void)irfx_ep(&f->x, web);
	f->table = "my_table2";
	t = emit(f, true, 0);
	fwfx_assert_has(t, "table inet my_table2 {}\ndelete table inet my_table2\n");
	f->table = NULL;
	t = emit(f, true, 0);
	fwfx_assert_has(t, "table inet netpolc {}\ndelete table inet netpolc\n");
	assert_null(nft_table_check("my_table2"));
	assert_null(nft_table_check(
		"A234567890123456789012345678901234567890123456789012345678901234"));
	assert_non_null(nft_table_check(
		"A2345678901234567890123456789012345678901234567890123456789012345"));
	assert_non_null(nft_table_check("x; flush ruleset"));
	assert_non_null(nft_table_check(""));
	assert_non_null(nft_table_check("9lives"));
}

static void test_nft_deterministic(void **state)
{
	struct fx *f = *state;
	struct pod *p1 = irfx_pod(&f->x, "a", "one", "10.1.0.1", "fd00::1");
	struct pod *p2 = irfx_pod(&f->x, "a", "two", "10.1.0.2", "fd00::2");
	struct ir_endpoint *e1 = irfx_ep(&f->x, p1), *e2 = irfx_ep(&f->x, p2);
	struct ir_rule *r = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_EGRESS, 0);
	uint32_t to[] = { (uint32_t)p1->index, (uint32_t)p2->index };
	char *first;

	irfx_rule_pods(&f->x, r, 2, to);
	irfx_rule_net(r, "fd00:1::/64");
	portset_add(&r->ports, PROTO_TCP, 80, 81);
	portset_add(&r->ports, PROTO_UDP, 53, 53);
	irfx_tier(&f->x, e1, DIR_EGRESS, ACT_DENY, true, r, NULL);
	irfx_tier(&f->x, e2, DIR_EGRESS, ACT_DENY, true, NULL);
	first = xstrdup(emit(f, false, 0));
	assert_string_equal(first, emit(f, false, 0));
	free(first);
}

static void test_nft_small_sets_become_rules(void **state)
{
	struct fx *f = *state;
	struct pod *web = irfx_pod(&f->x, "default", "web", "10.1.0.1", "fd00::1");
	struct pod *cli = irfx_pod(&f->x, "default", "client", "10.1.0.2", "fd00::2");
	struct ir_endpoint *ep = irfx_ep(&f->x, web);
	struct ir_rule *r = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_EGRESS, 0);
	struct ir_rule *r2 = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_EGRESS, 1);
	struct ir_rule *r3 = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_EGRESS, 2);
	uint32_t pods[] = { (uint32_t)cli->index };
	const char *t;

	irfx_rule_pods(&f->x, r, 1, pods);
	portset_add(&r->ports, PROTO_TCP, 80, 80);
	portset_add(&r->ports, PROTO_SCTP, 9000, 9005);
	irfx_rule_net(r2, "192.168.0.0/16");
	portset_set_any(&r2->ports);
	r3->all_peers = true;
	portset_add(&r3->ports, PROTO_UDP, 53, 53);
	irfx_tier(&f->x, ep, DIR_EGRESS, ACT_DENY, true, r, r2, r3, NULL);
	nft_inline_max = 3;
	t = emit(f, true, 0);
	fwfx_assert_lacks(t, "\tset ");
	fwfx_assert_has(t, "\t\tip daddr 192.168.0.0/16 return comment");
	fwfx_assert_has(t, "\t\tip daddr 10.1.0.2 tcp dport 80 return comment");
	fwfx_assert_has(t, "\t\tip daddr 10.1.0.2 sctp dport 9000-9005 return comment");
	fwfx_assert_has(t, "\t\tip6 daddr fd00::2 tcp dport 80 return comment");
	fwfx_assert_has(t, "\t\tudp dport 53 return comment");
	/* four elements of a kind: a set again */
	nft_inline_max = 1;
	t = emit(f, true, 0);
	fwfx_assert_has(t, "\t\tip daddr 192.168.0.0/16 return comment");
	fwfx_assert_has(t, "\t\tip daddr . meta l4proto . th dport @a4_S0 return comment");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nft_quote_plain),
		cmocka_unit_test(test_nft_quote_hostile),
		cmocka_unit_test(test_nft_quote_length_limit),
		cmocka_unit_test(test_nft_quote_truncation_keeps_ends),
		cmocka_unit_test(test_nft_quote_truncation_never_splits_escapes),
		cmocka_unit_test_setup_teardown(test_nft_host_allow_from_pods_on_port, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_no_ports_matches_every_protocol, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_all_peers_with_ports_uses_port_set,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_overlapping_ports_become_disjoint,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_node_mode_dispatch, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_node_mode_unusable_endpoints, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_peer_without_ip_is_left_out, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_tiers_deny_and_pass, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_pass_in_last_tier_returns, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_equal_sets_are_shared, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_hostile_names_are_quoted, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_table_name, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_deterministic, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_nft_small_sets_become_rules, fx_setup,
						fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
