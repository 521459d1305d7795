/*
 * test_nft.c - the nftables backend: the quoting function against hostile
 * text, and small hand-built endpoint IRs compiled to nft text (host mode,
 * node mode dispatch, tiers with deny and pass, set normalisation, the
 * warnings and errors), plus a property test of the set compilation
 * against a brute-force matcher.
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
#include "ir/util.h"

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

#define MAXEP 16

struct fx {
	struct arena a;
	struct model m;
	struct ir ir;
	struct diag d;
	struct policy pol[4];
	struct emit_opts opts;
	char *text;
};

static int fx_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	static const char *const names[] = { "allow-web", "deny-all", "x\"; flush ruleset",
					     "pol3" };
	model_init(&f->m, &f->a);
	diag_init(&f->d);
	f->d.caret = false;
	for (size_t i = 0; i < ARRAY_SIZE(f->pol); i++) {
		f->pol[i].ns = "default";
		f->pol[i].name = names[i];
		f->pol[i].loc = (struct loc){ "test.yaml", (unsigned)(10 * i + 1), 1 };
	}
	f->ir.model = &f->m;
	f->ir.arena = &f->a;
	f->ir.eps = arena_array(&f->a, MAXEP, sizeof(*f->ir.eps));
	f->opts.table = "netpolc";
	f->opts.cmdline = "in.yaml";
	nft_inline_max = 0; /* these cases look at the sets */
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	free(f->text);
	ir_release(&f->ir);
	model_release(&f->m);
	diag_release(&f->d);
	arena_release(&f->a);
	free(f);
	return 0;
}

/* add_pod: pods must be added in ns/name order (the model's order). */
static struct pod *add_pod(struct fx *f, const char *ns, const char *name, const char *ip4,
			   const char *ip6)
{
	struct pod *p = arena_zalloc(&f->a, sizeof(*p));
	p->ns = ns;
	p->name = name;
	p->loc = (struct loc){ "pods.yaml", (unsigned)(f->m.npods + 1), 1 };
	p->ips = arena_array(&f->a, 2, sizeof(*p->ips));
	if (ip4)
		assert_int_equal(addr_parse(ip4, &p->ips[p->nips++]), 0);
	if (ip6)
		assert_int_equal(addr_parse(ip6, &p->ips[p->nips++]), 0);
	p->index = f->m.npods;
	model_add_pod(&f->m, p);
	return p;
}

static struct ir_rule *add_rule(struct fx *f, enum action act, int pol, enum dir dir, int idx)
{
	struct origin o = { &f->pol[pol], dir, idx, { "test.yaml", (unsigned)(100 + idx), 3 } };
	return ir_rule_new(&f->ir, act, &o);
}

static void rule_pods(struct fx *f, struct ir_rule *r, size_t n, const uint32_t *v)
{
	uint32_t *c = arena_memdup(&f->a, v, n * sizeof(*v));
	r->pods = ir_podset_new(&f->ir, c, n);
}

static void rule_net(struct ir_rule *r, const char *cidr)
{
	struct prefix p;
	assert_int_equal(prefix_parse(cidr, &p, NULL, NULL), 0);
	addrset_add_prefix(&r->nets, &p);
	addrset_normalize(&r->nets);
}

static struct ir_endpoint *add_ep(struct fx *f, const struct pod *p)
{
	struct ir_endpoint *ep = &f->ir.eps[f->ir.neps++];
	assert_true(f->ir.neps <= MAXEP);
	ep->pod = p;
	return ep;
}

/* add_tier: append a tier to ep's direction; rules NULL-terminated. */
static void add_tier(struct fx *f, struct ir_endpoint *ep, enum dir dir, enum action end,
		     bool applies, ...)
{
	struct ir_dir *d = &ep->dir[dir];
	struct ir_tier *t;
	const struct ir_rule **rules = NULL;
	size_t n = 0, alloc = 0;
	const struct ir_rule *r;
	va_list ap;

	struct ir_tier *nt = arena_array(&f->a, d->ntiers + 1, sizeof(*nt));
	if (d->ntiers)
		memcpy(nt, d->tiers, d->ntiers * sizeof(*nt));
	d->tiers = nt;
	t = &d->tiers[d->ntiers++];
	t->name = "default";
	t->end_action = end;
	t->applies = applies;
	t->policies = arena_array(&f->a, 1, sizeof(*t->policies));
	t->policies[0] = &f->pol[1];
	t->npolicies = 1;
	va_start(ap, applies);
	while ((r = va_arg(ap, const struct ir_rule *)))
		VEC_PUSH(rules, n, alloc, r);
	va_end(ap);
	t->rules = arena_array(&f->a, n + 1, sizeof(*rules));
	if (n)
		memcpy(t->rules, rules, n * sizeof(*rules));
	t->nrules = n;
	free(rules);
	if (applies && end == ACT_DENY)
		d->isolated = true;
}

static const char *emit(struct fx *f, bool host, int want_rc)
{
	struct strbuf out = STRBUF_INIT;
	struct emit_ctx ctx = { &f->m, &f->ir, &f->opts };
	int rc;
	f->ir.host_mode = host;
	rc = nft_emit(&ctx, &out, &f->d);
	assert_int_equal(rc, want_rc);
	free(f->text);
	f->text = strbuf_detach(&out, NULL);
	return f->text;
}

static void assert_has(const char *text, const char *want)
{
	if (!strstr(text, want)) {
		fprintf(stderr, "---- output ----\n%s---- missing ----\n%s\n", text, want);
		fail();
	}
}

static void assert_lacks(const char *text, const char *bad)
{
	if (strstr(text, bad)) {
		fprintf(stderr, "---- output ----\n%s---- unexpected ----\n%s\n", text, bad);
		fail();
	}
}

static size_t count(const char *text, const char *what)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* ---- small IR cases ---- */

static void test_nft_host_allow_from_pods_on_port(void **state)
{
	struct fx *f = *state;
	struct pod *web = add_pod(f, "default", "web", "10.1.0.1", "fd00::1");
	struct pod *cli = add_pod(f, "default", "client", "10.1.0.2", "fd00::2");
	struct ir_endpoint *ep = add_ep(f, web);
	struct ir_rule *r = add_rule(f, ACT_ALLOW, 0, DIR_INGRESS, 0);
	uint32_t pods[] = { (uint32_t)cli->index };
	const char *t;

	rule_pods(f, r, 1, pods);
	portset_add(&r->ports, PROTO_TCP, 80, 80);
	add_tier(f, ep, DIR_INGRESS, ACT_DENY, true, r, NULL);
	add_tier(f, ep, DIR_EGRESS, ACT_DENY, false, NULL);
	t = emit(f, true, 0);
	assert_has(t, "table inet netpolc {}\ndelete table inet netpolc\n\ntable inet netpolc {\n");
	assert_has(t, "\tset in0_r0_a4 {\n\t\ttype ipv4_addr . inet_proto . inet_service\n"
		      "\t\tflags interval\n\t\telements = {\n\t\t\t10.1.0.2 . tcp . 80\n\t\t}\n");
	assert_has(t, "\t\t\tfd00::2 . tcp . 80\n");
	assert_has(t, "\t\tip saddr . meta l4proto . th dport @in0_r0_a4 return comment "
		      "\"default/allow-web ingress[0]\"\n");
	assert_has(t, "\t\tip6 saddr . meta l4proto . th dport @in0_r0_a6 return");
	assert_has(t, "\t\tdrop comment \"isolated by default/deny-all\"\n");
	assert_has(t, "type filter hook input priority filter; policy accept;\n"
		      "\t\tct state established,related accept\n\t\tiif \"lo\" accept\n");
	assert_has(t, "nd-neighbor-solicit");
	assert_has(t, "} accept\n\t\tjump in0\n\t}\n");
	/* invalid packets are dropped only inside programs: unselected traffic is untouched */
	assert_has(t, "\tchain in0 {\n\t\tct state invalid drop\n");
	assert_int_equal(count(t, "ct state invalid drop"), 1);
	/* egress not isolated: the output chain jumps nowhere */
	assert_lacks(t, "jump eg");
	assert_lacks(t, "chain eg0");
	assert_has(t, "# host mode: \"default/web\"");
	assert_int_equal(f->d.errors + f->d.warnings, 0);
}

static void test_nft_no_ports_matches_every_protocol(void **state)
{
	struct fx *f = *state;
	struct pod *web = add_pod(f, "default", "web", "10.1.0.1", NULL);
	struct ir_endpoint *ep = add_ep(f, web);
	struct ir_rule *r = add_rule(f, ACT_ALLOW, 0, DIR_EGRESS, 0);
	struct ir_rule *all = add_rule(f, ACT_ALLOW, 0, DIR_INGRESS, 0);
	const char *t;

	rule_net(r, "192.168.0.0/16");
	portset_set_any(&r->ports);
	all->all_peers = true;
	portset_set_any(&all->ports);
	add_tier(f, ep, DIR_EGRESS, ACT_DENY, true, r, NULL);
	add_tier(f, ep, DIR_INGRESS, ACT_DENY, true, all, NULL);
	t = emit(f, true, 0);
	assert_has(t, "\tset eg0_r0_p4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n"
		      "\t\telements = {\n\t\t\t192.168.0.0/16\n\t\t}\n");
	assert_has(t, "\t\tip daddr @eg0_r0_p4 return comment");
	assert_lacks(t, "th dport");
	/* everything from everyone: one unconditional return, nothing after it */
	assert_has(t, "\tchain in0 {\n\t\tct state invalid drop\n\t\t# \"default/allow-web "
		      "ingress[0]\"\n\t\treturn comment "
		      "\"default/allow-web ingress[0]\"\n\t}\n");
	assert_has(t, "\t\tjump in0\n");
	assert_has(t, "\t\tjump eg0\n");
}

static void test_nft_all_peers_with_ports_uses_port_set(void **state)
{
	struct fx *f = *state;
	struct pod *web = add_pod(f, "default", "web", "10.1.0.1", NULL);
	struct ir_endpoint *ep = add_ep(f, web);
	struct ir_rule *r = add_rule(f, ACT_ALLOW, 0, DIR_INGRESS, 0);
	const char *t;

	r->all_peers = true;
	portset_add(&r->ports, PROTO_TCP, 80, 80);
	portset_add(&r->ports, PROTO_SCTP, 9000, 9010);
	add_tier(f, ep, DIR_INGRESS, ACT_DENY, true, r, NULL);
	t = emit(f, true, 0);
	assert_has(t, "\tset in0_r0_pt {\n\t\ttype inet_proto . inet_service\n\t\tflags interval\n"
		      "\t\telements = {\n\t\t\ttcp . 80,\n\t\t\tsctp . 9000-9010\n\t\t}\n");
	assert_has(t, "\t\tmeta l4proto . th dport @in0_r0_pt return");
	assert_lacks(t, "@in0_r0_a4");
}

static void test_nft_overlapping_ports_become_disjoint(void **state)
{
	struct fx *f = *state;
	struct pod *web = add_pod(f, "default", "web", "10.1.0.1", NULL);
	struct pod *a = add_pod(f, "default", "za", "10.1.0.2", NULL);
	struct pod *b = add_pod(f, "default", "zb", "10.1.0.3", NULL);
	struct ir_endpoint *ep = add_ep(f, web);
	struct ir_rule *r1 = add_rule(f, ACT_ALLOW, 0, DIR_INGRESS, 0);
	struct ir_rule *r2 = add_rule(f, ACT_ALLOW, 0, DIR_INGRESS, 1);
	struct ir_rule *r3 = add_rule(f, ACT_ALLOW, 3, DIR_INGRESS, 0);
	uint32_t pa[] = { (uint32_t)a->index }, pb[] = { (uint32_t)b->index };
	const char *t;

	rule_pods(f, r1, 1, pa);
	portset_add(&r1->ports, PROTO_TCP, 80, 90);
	rule_pods(f, r2, 1, pb);
	portset_add(&r2->ports, PROTO_TCP, 85, 95);
	/* r3: the same port set as r1, so it merges into r1's group */
	rule_pods(f, r3, 1, pb);
	portset_add(&r3->ports, PROTO_TCP, 80, 90);
	add_tier(f, ep, DIR_INGRESS, ACT_DENY, true, r1, r2, r3, NULL);
	t = emit(f, true, 0);
	/* 10.1.0.2 and .3 are adjacent: one /31 on 80-90; .3 alone on 91-95 */
	assert_has(t, "\t\t\t10.1.0.2/31 . tcp . 80-90,\n\t\t\t10.1.0.3 . tcp . 91-95\n");
	assert_has(t, "return comment \"default/allow-web ingress[0] +2\"");
	assert_has(t, "\t\t# \"default/pol3 ingress[0]\"\n");
}

static void test_nft_node_mode_dispatch(void **state)
{
	struct fx *f = *state;
	struct pod *p1 = add_pod(f, "a", "one", "10.1.0.1", "fd00::1");
	struct pod *p2 = add_pod(f, "a", "two", "10.1.0.2", "fd00::2");
	struct pod *p3 = add_pod(f, "b", "free", "10.1.0.3", NULL);
	struct ir_endpoint *e1 = add_ep(f, p1), *e2 = add_ep(f, p2), *e3 = add_ep(f, p3);
	struct ir_rule *r = add_rule(f, ACT_ALLOW, 0, DIR_INGRESS, 0);
	uint32_t from[] = { (uint32_t)p3->index };
	const char *t;

	rule_pods(f, r, 1, from);
	portset_add(&r->ports, PROTO_UDP, 53, 53);
	/* one and two share an ingress program; two alone is egress-isolated */
	add_tier(f, e1, DIR_INGRESS, ACT_DENY, true, r, NULL);
	add_tier(f, e2, DIR_INGRESS, ACT_DENY, true, r, NULL);
	add_tier(f, e2, DIR_EGRESS, ACT_DENY, true, NULL);
	add_tier(f, e3, DIR_INGRESS, ACT_DENY, false, NULL);
	t = emit(f, false, 0);
	assert_int_equal(count(t, "\tchain in0 {"), 1);
	assert_lacks(t, "chain in1");
	assert_has(t, "\tmap ingress_v4 {\n\t\ttype ipv4_addr : verdict\n\t\telements = {\n"
		      "\t\t\t10.1.0.1 : jump in0,\n\t\t\t10.1.0.2 : jump in0\n\t\t}\n\t}\n");
	assert_has(t, "\t\t\tfd00::1 : jump in0,\n\t\t\tfd00::2 : jump in0\n");
	assert_has(t, "\tmap egress_v4 {\n\t\ttype ipv4_addr : verdict\n\t\telements = {\n"
		      "\t\t\t10.1.0.2 : jump eg0\n\t\t}\n\t}\n");
	/* the free pod is in no map */
	assert_lacks(t, "10.1.0.3 :");
	assert_has(t, "\tchain eg0 {\n\t\tct state invalid drop\n\t\tdrop comment");
	assert_has(t, "type filter hook forward priority filter; policy accept;\n"
		      "\t\tct state established,related accept\n\t\ticmpv6 type");
	/* egress of the source first, then ingress of the destination */
	assert_has(t, "} accept\n\t\tip saddr vmap @egress_v4\n"
		      "\t\tip6 saddr vmap @egress_v6\n\t\tip daddr vmap @ingress_v4\n"
		      "\t\tip6 daddr vmap @ingress_v6\n\t}\n");
	assert_has(t, "# node mode: 3 endpoints, 1 ingress and 1 egress programs");
	assert_has(t, "\t# ingress program 0: \"a/one\", \"a/two\"\n");
}

static void test_nft_node_mode_unusable_endpoints(void **state)
{
	struct fx *f = *state;
	struct pod *p1 = add_pod(f, "a", "noip", NULL, NULL);
	struct pod *p2 = add_pod(f, "a", "ok", "10.1.0.2", NULL);
	struct pod *p3 = add_pod(f, "a", "hostnet", "10.0.0.1", NULL);
	struct ir_endpoint *e1 = add_ep(f, p1), *e2 = add_ep(f, p2), *e3 = add_ep(f, p3);
	const char *t;

	p3->host_network = true;
	add_tier(f, e1, DIR_INGRESS, ACT_DENY, true, NULL);
	add_tier(f, e2, DIR_INGRESS, ACT_DENY, true, NULL);
	add_tier(f, e3, DIR_INGRESS, ACT_DENY, true, NULL);
	t = emit(f, false, 0);
	assert_int_equal(f->d.warnings, 2);
	assert_has(t, "\t\t\t10.1.0.2 : jump in0\n");
	assert_lacks(t, "10.0.0.1 :");
	assert_lacks(t, "in1");
}

static void test_nft_node_mode_shared_address_is_an_error(void **state)
{
	struct fx *f = *state;
	struct pod *p1 = add_pod(f, "a", "one", "10.1.0.1", NULL);
	struct pod *p2 = add_pod(f, "a", "two", "10.1.0.1", NULL);
	struct ir_endpoint *e1 = add_ep(f, p1);
	(void)add_ep(f, p2);

	add_tier(f, e1, DIR_INGRESS, ACT_DENY, true, NULL);
	(void)emit(f, false, -1);
	assert_int_equal(f->d.errors, 1);
}

static void test_nft_node_mode_shared_address_unselected_is_fine(void **state)
{
	struct fx *f = *state;
	struct pod *p1 = add_pod(f, "a", "one", "10.1.0.1", NULL);
	struct pod *p2 = add_pod(f, "a", "two", "10.1.0.1", NULL);
	struct pod *p3 = add_pod(f, "a", "three", "10.1.0.3", NULL);
	struct ir_endpoint *e3;
	(void)add_ep(f, p1);
	(void)add_ep(f, p2);
	e3 = add_ep(f, p3);

	/* neither of the two has rules: nothing to confuse */
	add_tier(f, e3, DIR_INGRESS, ACT_DENY, true, NULL);
	(void)emit(f, false, 0);
	assert_int_equal(f->d.errors, 0);
}

static void test_nft_peer_without_ip_is_left_out(void **state)
{
	struct fx *f = *state;
	struct pod *web = add_pod(f, "default", "web", "10.1.0.1", NULL);
	struct pod *tmpl = add_pod(f, "default", "workload", NULL, NULL);
	struct pod *cli = add_pod(f, "default", "x-client", "10.1.0.9", NULL);
	struct ir_endpoint *ep = add_ep(f, web);
	struct ir_rule *r = add_rule(f, ACT_ALLOW, 0, DIR_INGRESS, 0);
	struct ir_rule *r2 = add_rule(f, ACT_ALLOW, 0, DIR_INGRESS, 1);
	uint32_t pods[] = { (uint32_t)tmpl->index, (uint32_t)cli->index };
	uint32_t only[] = { (uint32_t)tmpl->index };
	const char *t;

	rule_pods(f, r, 2, pods);
	portset_set_any(&r->ports);
	rule_pods(f, r2, 1, only);
	portset_add(&r2->ports, PROTO_TCP, 1, 65535);
	add_tier(f, ep, DIR_INGRESS, ACT_DENY, true, r, r2, NULL);
	t = emit(f, true, 0);
	/* one warning per pod, however many rules name it */
	assert_int_equal(f->d.warnings, 1);
	assert_has(t, "\t\t\t10.1.0.9\n");
	assert_lacks(t, "th dport");
	assert_has(t, "\t\tdrop comment");
}

static void test_nft_tiers_deny_and_pass(void **state)
{
	struct fx *f = *state;
	struct pod *web = add_pod(f, "default", "web", "10.1.0.1", NULL);
	struct ir_endpoint *ep = add_ep(f, web);
	struct ir_rule *deny = add_rule(f, ACT_DENY, 1, DIR_INGRESS, 0);
	struct ir_rule *pass = add_rule(f, ACT_PASS, 1, DIR_INGRESS, 1);
	struct ir_rule *allow = add_rule(f, ACT_ALLOW, 1, DIR_INGRESS, 2);
	struct ir_rule *allow2 = add_rule(f, ACT_ALLOW, 0, DIR_INGRESS, 0);
	const char *t;

	rule_net(deny, "10.9.0.0/16");
	portset_set_any(&deny->ports);
	rule_net(pass, "10.8.0.0/16");
	portset_set_any(&pass->ports);
	rule_net(allow, "10.0.0.0/8");
	portset_add(&allow->ports, PROTO_TCP, 443, 443);
	rule_net(allow2, "10.8.1.0/24");
	portset_add(&allow2->ports, PROTO_TCP, 22, 22);
	/* tier 0 ends in pass; a non-applying tier in between is skipped */
	add_tier(f, ep, DIR_INGRESS, ACT_PASS, true, deny, pass, allow, NULL);
	add_tier(f, ep, DIR_INGRESS, ACT_DENY, false, NULL);
	add_tier(f, ep, DIR_INGRESS, ACT_DENY, true, allow2, NULL);
	t = emit(f, true, 0);
	assert_has(t, "\t\tip saddr @in0_r0_p4 drop comment");
	assert_has(t, "\t\tip saddr @in0_r1_p4 goto in0_t1 comment");
	assert_has(t, "\t\tip saddr . meta l4proto . th dport @in0_r2_a4 return comment");
	/* end of tier 0: pass to tier 1 */
	assert_has(t, "\t\tgoto in0_t1\n\t}\n");
	assert_has(t, "\tchain in0_t1 {\n");
	assert_has(t, "\t\t\t10.8.1.0/24 . tcp . 22\n");
	assert_lacks(t, "in0_t2");
	/* deny before pass before allow, in rule order */
	assert_true(strstr(t, "@in0_r0_p4 drop") < strstr(t, "@in0_r1_p4 goto"));
	assert_true(strstr(t, "@in0_r1_p4 goto") < strstr(t, "@in0_r2_a4 return"));
}

static void test_nft_pass_in_last_tier_returns(void **state)
{
	struct fx *f = *state;
	struct pod *web = add_pod(f, "default", "web", "10.1.0.1", NULL);
	struct ir_endpoint *ep = add_ep(f, web);
	struct ir_rule *pass = add_rule(f, ACT_PASS, 1, DIR_EGRESS, 0);
	struct ir_rule *deny = add_rule(f, ACT_DENY, 1, DIR_EGRESS, 1);
	const char *t;

	rule_net(pass, "10.8.0.0/16");
	portset_set_any(&pass->ports);
	deny->all_peers = true;
	portset_add(&deny->ports, PROTO_UDP, 0, 65535);
	add_tier(f, ep, DIR_EGRESS, ACT_PASS, true, pass, deny, NULL);
	t = emit(f, true, 0);
	assert_has(t, "\t\tip daddr @eg0_r0_p4 return comment");
	assert_has(t, "\t\t\tudp . 0-65535\n");
	assert_has(t, "\t\tmeta l4proto . th dport @eg0_r1_pt drop comment");
	/* a last tier ending in pass falls off the chain: allowed */
	assert_has(t, "@eg0_r1_pt drop comment \"default/deny-all egress[1]\"\n\t}\n");
}

static void test_nft_equal_sets_are_shared(void **state)
{
	struct fx *f = *state;
	struct pod *p1 = add_pod(f, "a", "one", "10.1.0.1", NULL);
	struct pod *p2 = add_pod(f, "a", "two", "10.1.0.2", NULL);
	struct ir_endpoint *e1 = add_ep(f, p1), *e2 = add_ep(f, p2);
	struct ir_rule *r1 = add_rule(f, ACT_ALLOW, 0, DIR_INGRESS, 0);
	struct ir_rule *r2 = add_rule(f, ACT_ALLOW, 3, DIR_INGRESS, 0);
	struct ir_rule *r3 = add_rule(f, ACT_ALLOW, 3, DIR_INGRESS, 1);
	const char *t;

	rule_net(r1, "10.2.0.0/16");
	portset_add(&r1->ports, PROTO_TCP, 80, 80);
	rule_net(r2, "10.2.0.0/16");
	portset_add(&r2->ports, PROTO_TCP, 80, 80);
	rule_net(r3, "10.3.0.0/16");
	portset_set_any(&r3->ports);
	add_tier(f, e1, DIR_INGRESS, ACT_DENY, true, r1, NULL);
	add_tier(f, e2, DIR_INGRESS, ACT_DENY, true, r2, r3, NULL);
	t = emit(f, false, 0);
	assert_int_equal(count(t, "\tset "), 2);
	assert_has(t, "\t\tip saddr . meta l4proto . th dport @in0_r0_a4 return comment "
		      "\"default/allow-web ingress[0]\"\n");
	assert_has(t, "\t\tip saddr . meta l4proto . th dport @in0_r0_a4 return comment "
		      "\"default/pol3 ingress[0] +1\"\n");
	assert_has(t, "\t\tip saddr @in1_r0_p4 return");
}

static void test_nft_hostile_names_are_quoted(void **state)
{
	struct fx *f = *state;
	struct pod *web = add_pod(f, "default", "web\nflush ruleset", "10.1.0.1", NULL);
	struct ir_endpoint *ep = add_ep(f, web);
	struct ir_rule *r = add_rule(f, ACT_ALLOW, 2, DIR_INGRESS, 0);
	const char *t;

	r->all_peers = true;
	portset_add(&r->ports, PROTO_TCP, 80, 80);
	add_tier(f, ep, DIR_INGRESS, ACT_DENY, true, r, NULL);
	f->opts.cmdline = "in.yaml\n\"; flush ruleset; #";
	t = emit(f, true, 0);
	assert_lacks(t, "\nflush");
	assert_lacks(t, "\"; flush");
	assert_has(t, "comment \"default/x%22%3B flush ruleset ingress[0]\"");
	assert_has(t, "# inputs: \"in.yaml%0A%22%3B flush ruleset%3B %23\"\n");
	assert_has(t, "# host mode: \"default/web%0Aflush ruleset\"");
	/* every line is a comment, a bracket, a keyword line: none starts with flush */
	for (const char *p = t; p; p = strchr(p, '\n')) {
		p += *p == '\n';
		assert_true(strncmp(p, "flush", 5) != 0);
	}
}

static void test_nft_table_name(void **state)
{
	struct fx *f = *state;
	struct pod *web = add_pod(f, "default", "web", "10.1.0.1", NULL);
	const char *t;

	(void)add_ep(f, web);
	f->opts.table = "my_table2";
	t = emit(f, true, 0);
	assert_has(t, "table inet my_table2 {}\ndelete table inet my_table2\n");
	f->opts.table = "x; flush ruleset";
	(void)emit(f, true, -1);
	f->opts.table = "";
	(void)emit(f, true, -1);
	f->opts.table = "9lives";
	(void)emit(f, true, -1);
	assert_int_equal(f->d.errors, 3);
}

static void test_nft_deterministic(void **state)
{
	struct fx *f = *state;
	struct pod *p1 = add_pod(f, "a", "one", "10.1.0.1", "fd00::1");
	struct pod *p2 = add_pod(f, "a", "two", "10.1.0.2", "fd00::2");
	struct ir_endpoint *e1 = add_ep(f, p1), *e2 = add_ep(f, p2);
	struct ir_rule *r = add_rule(f, ACT_ALLOW, 0, DIR_EGRESS, 0);
	uint32_t to[] = { (uint32_t)p1->index, (uint32_t)p2->index };
	char *first;

	rule_pods(f, r, 2, to);
	rule_net(r, "fd00:1::/64");
	portset_add(&r->ports, PROTO_TCP, 80, 81);
	portset_add(&r->ports, PROTO_UDP, 53, 53);
	add_tier(f, e1, DIR_EGRESS, ACT_DENY, true, r, NULL);
	add_tier(f, e2, DIR_EGRESS, ACT_DENY, true, NULL);
	first = xstrdup(emit(f, false, 0));
	assert_string_equal(first, emit(f, false, 0));
	free(first);
}

static void test_nft_small_sets_become_rules(void **state)
{
	struct fx *f = *state;
	struct pod *web = add_pod(f, "default", "web", "10.1.0.1", "fd00::1");
	struct pod *cli = add_pod(f, "default", "client", "10.1.0.2", "fd00::2");
	struct ir_endpoint *ep = add_ep(f, web);
	struct ir_rule *r = add_rule(f, ACT_ALLOW, 0, DIR_EGRESS, 0);
	struct ir_rule *r2 = add_rule(f, ACT_ALLOW, 0, DIR_EGRESS, 1);
	struct ir_rule *r3 = add_rule(f, ACT_ALLOW, 0, DIR_EGRESS, 2);
	uint32_t pods[] = { (uint32_t)cli->index };
	const char *t;

	rule_pods(f, r, 1, pods);
	portset_add(&r->ports, PROTO_TCP, 80, 80);
	portset_add(&r->ports, PROTO_SCTP, 9000, 9005);
	rule_net(r2, "192.168.0.0/16");
	portset_set_any(&r2->ports);
	r3->all_peers = true;
	portset_add(&r3->ports, PROTO_UDP, 53, 53);
	add_tier(f, ep, DIR_EGRESS, ACT_DENY, true, r, r2, r3, NULL);
	nft_inline_max = 3;
	t = emit(f, true, 0);
	assert_lacks(t, "\tset ");
	assert_has(t, "\t\tip daddr 192.168.0.0/16 return comment");
	assert_has(t, "\t\tip daddr 10.1.0.2 tcp dport 80 return comment");
	assert_has(t, "\t\tip daddr 10.1.0.2 sctp dport 9000-9005 return comment");
	assert_has(t, "\t\tip6 daddr fd00::2 tcp dport 80 return comment");
	assert_has(t, "\t\tudp dport 53 return comment");
	/* four elements of a kind: a set again */
	nft_inline_max = 1;
	t = emit(f, true, 0);
	assert_has(t, "\t\tip daddr 192.168.0.0/16 return comment");
	assert_has(t, "\t\tip daddr . meta l4proto . th dport @eg0_r0_a4 return comment");
}

/* ---- property: the compiled sets match exactly what the rules match ---- */

/*
 * A tiny IPv4 universe: peers inside 10.0.0.0/28 (or every address), ports
 * 0 .. 15 of TCP/UDP/SCTP; probed one address and one port beyond both.
 */
#define U_ADDRS 16
#define U_PORTS 16

struct elem {
	uint32_t alo, ahi; /* IPv4 addresses */
	int proto;	   /* -1: any protocol */
	uint32_t plo, phi;
};

static uint32_t rng_next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

static int proto_of(const char *s)
{
	for (int p = 0; p < NPROTO; p++)
		if (!strncmp(s, proto_lname((enum proto)p), strlen(proto_lname((enum proto)p))))
			return p;
	return -2;
}

/* parse_addr_part: "A.B.C.D" or "A.B.C.D/L" into an inclusive range of IPv4 values. */
static const char *parse_addr_part(const char *s, uint32_t *lo, uint32_t *hi)
{
	size_t n = strcspn(s, " ,\n");
	char buf[64];
	struct prefix p;
	assert_true(n < sizeof(buf));
	memcpy(buf, s, n);
	buf[n] = '\0';
	assert_int_equal(prefix_parse(buf, &p, NULL, NULL), 0);
	assert_int_equal(p.a.family, AF4);
	*lo = (uint32_t)prefix_first(&p);
	*hi = (uint32_t)prefix_last(&p);
	return s + n;
}

static const char *parse_port_part(const char *s, int *proto, uint32_t *lo, uint32_t *hi)
{
	int used = 0;
	*proto = proto_of(s);
	assert_true(*proto >= 0);
	s += strlen(proto_lname((enum proto) * proto));
	assert_int_equal(sscanf(s, " . %u%n", lo, &used), 1);
	s += used;
	*hi = *lo;
	if (*s == '-') {
		assert_int_equal(sscanf(s, "-%u%n", hi, &used), 1);
		s += used;
	}
	return s;
}

/* collect the elements of set `name` (kinds p4, a4, pt) from the text */
static size_t parse_set(const char *text, const char *name, struct elem *v, size_t max)
{
	char hdr[64];
	const char *p, *end;
	size_t n = 0;
	bool is_pt = strstr(name, "_pt") != NULL, is_p4 = strstr(name, "_p4") != NULL;

	snprintf(hdr, sizeof(hdr), "\tset %s {\n", name);
	p = strstr(text, hdr);
	if (!p)
		return 0;
	p = strstr(p, "elements = {\n") + strlen("elements = {\n");
	end = strstr(p, "\n\t\t}\n");
	while (p < end) {
		struct elem el = { 0, UINT32_MAX, -1, 0, 65535 };
		while (*p == '\t')
			p++;
		if (is_pt) {
			p = parse_port_part(p, &el.proto, &el.plo, &el.phi);
		} else {
			p = parse_addr_part(p, &el.alo, &el.ahi);
			if (!is_p4) {
				assert_memory_equal(p, " . ", 3);
				p = parse_port_part(p + 3, &el.proto, &el.plo, &el.phi);
			}
		}
		assert_true(n < max);
		v[n++] = el;
		if (*p == ',')
			p++;
		if (*p == '\n')
			p++;
	}
	return n;
}

/*
 * parse_inline: the IPv4 and protocol-only rules of chain in0 written
 * without sets ("ip saddr A[/L] [proto dport P[-Q]] return", "proto dport
 * P[-Q] return").
 */
static size_t parse_inline(const char *text, struct elem *v, size_t max)
{
	const char *p = strstr(text, "\tchain in0 {\n"), *end;
	size_t n = 0;
	if (!p)
		return 0;
	end = strstr(p, "\n\t}\n");
	for (p = strchr(p, '\n') + 1; p && p < end; p = strchr(p, '\n') + 1) {
		struct elem el = { 0, UINT32_MAX, -1, 0, 65535 };
		const char *q = p + 2;
		if (!strncmp(q, "ip saddr ", 9) && q[9] != '.' && !strstr(q, "@")) {
			q = parse_addr_part(q + 9, &el.alo, &el.ahi);
			if (*q == ' ' && q[1] != 'r')
				q++;
			else
				q = NULL;
		} else if (strncmp(q, "tcp dport", 9) && strncmp(q, "udp dport", 9) &&
			   strncmp(q, "sctp dport", 10)) {
			continue;
		}
		if (q) {
			int used = 0;
			el.proto = proto_of(q);
			assert_true(el.proto >= 0);
			q += strlen(proto_lname((enum proto)el.proto));
			assert_int_equal(sscanf(q, " dport %u%n", &el.plo, &used), 1);
			q += used;
			el.phi = el.plo;
			if (*q == '-')
				assert_int_equal(sscanf(q, "-%u", &el.phi), 1);
		}
		assert_true(n < max);
		v[n++] = el;
	}
	return n;
}

static bool elem_has(const struct elem *e, uint32_t a, int proto, uint32_t port)
{
	a += 0x0a000000u;
	return a >= e->alo && a <= e->ahi && (e->proto < 0 || e->proto == proto) &&
	       port >= e->plo && port <= e->phi;
}

static void test_nft_property_sets_equal_rules(void **state)
{
	uint64_t seed = 20240611;
	(void)state;
	for (int iter = 0; iter < 300; iter++) {
		struct fx *f = NULL;
		void *st = NULL;
		struct pod *web;
		struct ir_endpoint *ep;
		struct ir_rule *rules[6];
		size_t nr = 1 + rng_next(&seed) % 6;
		static struct elem els[4096];
		size_t ne = 0;
		const char *t;
		static const char *const names[] = { "in0_r0_p4", "in0_r0_a4", "in0_r0_pt" };
		bool unconditional;

		fx_setup(&st);
		f = st;
		web = add_pod(f, "default", "web", "10.1.0.1", NULL);
		ep = add_ep(f, web);
		for (size_t i = 0; i < nr; i++) {
			struct ir_rule *r = add_rule(f, ACT_ALLOW, 0, DIR_INGRESS, (int)i);
			uint32_t k = rng_next(&seed) % 10;
			if (k == 0) {
				r->all_peers = true;
			} else {
				for (uint32_t j = 0; j < 1 + rng_next(&seed) % 3; j++) {
					char cidr[32];
					unsigned len = 28 + rng_next(&seed) % 5;
					unsigned a = rng_next(&seed) % U_ADDRS;
					a &= ~((1u << (32 - len)) - 1);
					snprintf(cidr, sizeof(cidr), "10.0.0.%u/%u", a, len);
					rule_net(r, cidr);
				}
			}
			if (rng_next(&seed) % 6 == 0) {
				portset_set_any(&r->ports);
			} else {
				for (uint32_t j = 0; j < 1 + rng_next(&seed) % 3; j++) {
					uint16_t lo = (uint16_t)(rng_next(&seed) % U_PORTS);
					uint16_t hi = (uint16_t)(lo + rng_next(&seed) % 4);
					portset_add(&r->ports,
						    (enum proto)(rng_next(&seed) % NPROTO), lo,
						    hi >= U_PORTS ? U_PORTS - 1 : hi);
				}
			}
			rules[i] = r;
		}
		{
			struct ir_dir *d = &ep->dir[DIR_INGRESS];
			struct ir_tier *tier = arena_zalloc(&f->a, sizeof(*tier));
			tier->end_action = ACT_DENY;
			tier->applies = true;
			tier->rules = (const struct ir_rule **)rules;
			tier->nrules = nr;
			d->tiers = tier;
			d->ntiers = 1;
		}
		/* even iterations: everything in sets; odd ones: everything inline */
		nft_inline_max = iter % 2 ? 100000 : 0;
		t = emit(f, true, 0);
		unconditional = strstr(t, "\t\treturn comment") != NULL;
		ne = parse_inline(t, els, ARRAY_SIZE(els));
		for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
			size_t start = ne;
			ne += parse_set(t, names[k], els + ne, ARRAY_SIZE(els) - ne);
			/* elements of one set never overlap */
			for (size_t i = start; i < ne; i++)
				for (size_t j = start; j < i; j++)
					assert_false(els[i].alo <= els[j].ahi &&
						     els[j].alo <= els[i].ahi &&
						     els[i].proto == els[j].proto &&
						     els[i].plo <= els[j].phi &&
						     els[j].plo <= els[i].phi);
		}
		for (uint32_t a = 0; a < U_ADDRS + 2; a++) {
			for (int proto = 0; proto < NPROTO; proto++) {
				for (uint32_t port = 0; port < U_PORTS + 2; port++) {
					bool want = false, got = unconditional;
					struct addr ad = { AF4, (u128)(0x0a000000u + a) };
					for (size_t i = 0; i < nr; i++)
						want = want ||
						       ((rules[i]->all_peers ||
							 addrset_contains(&rules[i]->nets, &ad)) &&
							portset_contains(&rules[i]->ports,
									 (enum proto)proto,
									 (uint16_t)port));
					for (size_t i = 0; i < ne && !got; i++)
						got = elem_has(&els[i], a, proto, port);
					if (want != got)
						fprintf(stderr,
							"seed iter %d: 10.0.0.%u %d/%u want %d\n%s",
							iter, a, proto, port, want, t);
					assert_int_equal(want, got);
				}
			}
		}
		fx_teardown(&st);
	}
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
		cmocka_unit_test_setup_teardown(test_nft_node_mode_shared_address_is_an_error,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
			test_nft_node_mode_shared_address_unselected_is_fine, fx_setup,
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
		cmocka_unit_test(test_nft_property_sets_equal_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
