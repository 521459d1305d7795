/*
 * test_iptables.c - the iptables backend: comments from hostile text,
 * multiport splitting, and small hand-built endpoint IRs compiled to
 * iptables-restore text (host mode, node-mode dispatch tree, tiers with
 * deny and pass, IPv6, --coexist, --chain-prefix).
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
#include "backends/iptables.h"
#include "lib/util.h"
#include "tests/unit/fwfx.h"
#include "tests/unit/irfx.h"

/* ---- comments ---- */

static char *comment(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	ipt_comment(&sb, s);
	return strbuf_detach(&sb, NULL);
}

/*
 * assert_comment_ok: ` -m comment --comment "..."`, one argument for
 * iptables-restore's tokenizer: nothing inside ends the quotes, escapes,
 * starts a line or an option; at most IPT_COMMENT_MAX bytes inside.
 */
static void assert_comment_ok(const char *c)
{
	static const char lead[] = " -m comment --comment \"";
	size_t n = strlen(c);
	assert_memory_equal(c, lead, sizeof(lead) - 1);
	assert_int_equal(c[n - 1], '"');
	assert_true(n - sizeof(lead) <= IPT_COMMENT_MAX);
	for (size_t i = sizeof(lead) - 1; i + 1 < n; i++) {
		unsigned char ch = (unsigned char)c[i];
		assert_true(ch >= 0x20 && ch < 0x7f);
		assert_true(ch != '"' && ch != '\'' && ch != '\\' && ch != '#');
		if (ch == '-')
			assert_true(c[i - 1] != ' ' || c[i + 1] != '-');
	}
}

static void test_ipt_comment_hostile(void **state)
{
	static const struct {
		const char *in, *want;
	} v[] = {
		{ "ns/allow-web ingress[0]", "\"ns/allow-web ingress[0]\"" },
		{ "x\"; flush ruleset", "\"x%22%3B flush ruleset\"" },
		{ "a\n-A INPUT -j ACCEPT", "\"a%0A-A INPUT -j ACCEPT\"" },
		{ "q' \\\" \\", "\"q%27 %5C%22 %5C\"" },
		{ "caf\xc3\xa9", "\"caf%C3%A9\"" },
		{ "COMMIT\r\n*filter", "\"COMMIT%0D%0A%2Afilter\"" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		char *c = comment(v[i].in);
		assert_comment_ok(c);
		assert_string_equal(strchr(c, '"'), v[i].want);
		free(c);
	}
}

static void test_ipt_comment_length_limit(void **state)
{
	char buf[700];
	char *c, *c2;
	(void)state;

	memset(buf, 'a', IPT_COMMENT_MAX);
	buf[IPT_COMMENT_MAX] = 0;
	c = comment(buf);
	assert_null(strchr(c, '~'));
	assert_int_equal(strlen(strchr(c, '"')), IPT_COMMENT_MAX + 2);
	free(c);
	/* one more: cut with a visible marker, the ends kept */
	memcpy(buf, "start", 5);
	memset(buf + 5, 'a', IPT_COMMENT_MAX - 5);
	memcpy(buf + IPT_COMMENT_MAX - 3, "end", 4);
	buf[IPT_COMMENT_MAX - 3 + 3] = 'X';
	buf[IPT_COMMENT_MAX + 1] = 0;
	c = comment(buf);
	assert_comment_ok(c);
	assert_non_null(strchr(c, '~'));
	assert_memory_equal(strchr(c, '"'), "\"start", 6);
	/* a change in the cut middle still shows, through the hash */
	buf[100] = 'b';
	c2 = comment(buf);
	assert_string_not_equal(c, c2);
	free(c);
	free(c2);
	/* escapes near the limit: never split, never over */
	for (size_t len = 80; len < 300; len++) {
		for (size_t i = 0; i < len; i++)
			buf[i] = i % 3 ? 'k' : '\n';
		buf[len] = 0;
		c = comment(buf);
		assert_comment_ok(c);
		free(c);
	}
}

/* ---- multiport ---- */

static void test_ipt_ports_split(void **state)
{
	struct flat_elem el[40];
	struct strbuf sb = STRBUF_INIT;
	(void)state;

	memset(el, 0, sizeof(el));
	for (int i = 0; i < 20; i++)
		el[i].proto = PROTO_TCP, el[i].lo = el[i].hi = (uint16_t)(1000 + 2 * i);
	assert_int_equal(ipt_ports_fit(el, 20), 15);
	assert_int_equal(ipt_ports_fit(el + 15, 5), 5);
	/* ranges count two */
	for (int i = 0; i < 10; i++)
		el[i].hi = (uint16_t)(el[i].lo + 1);
	assert_int_equal(ipt_ports_fit(el, 20), 7);
	/* another protocol starts another rule */
	el[3].proto = PROTO_UDP;
	assert_int_equal(ipt_ports_fit(el, 20), 3);
	assert_int_equal(ipt_ports_fit(el, 1), 1);

	ipt_ports(&sb, el, 3);
	assert_string_equal(sb.buf, " -p tcp -m multiport --dports 1000:1001,1002:1003,1004:1005");
	strbuf_reset(&sb);
	ipt_ports(&sb, el + 10, 1);
	assert_string_equal(sb.buf, " -p tcp --dport 1020");
	strbuf_release(&sb);
}

/* ---- hand-built IR ---- */

struct fx {
	struct irfx x;
	const char *chain_prefix; /* NULL: the default */
	const char *ipset;	  /* NULL: no --ipset */
	bool coexist;
	char *text;
};

static int fx_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	irfx_init(&f->x);
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

/* IPT_NOPTS: room for every option iptables declares (the others stay NULL) */
#define IPT_NOPTS 8

/* ctx_init: the context of backend name with the fixture's option values (values[IPT_NOPTS]) */
static void ctx_init(struct fx *f, struct emit_ctx *ctx, const struct flat *flat, const char *name,
		     const char **values)
{
	memset(values, 0, IPT_NOPTS * sizeof(*values));
	values[0] = f->chain_prefix;
	values[1] = f->ipset;
	values[2] = f->coexist ? "" : NULL;
	*ctx = (struct emit_ctx){
		.model = &f->x.m,
		.ir = &f->x.ir,
		.flat = flat,
		.cmdline = "in.yaml",
		.backend = backend_find(name),
		.opt_values = values,
	};
}

static const char letter[NDIR] = { [DIR_INGRESS] = 'I', [DIR_EGRESS] = 'E' };

/* assert_chains_by_id: every program's chain is named from its content id */
static void assert_chains_by_id(const char *text, const struct flat *flat, const char *pfx)
{
	struct strbuf want = STRBUF_INIT;
	for (int dir = 0; dir < NDIR; dir++) {
		for (size_t i = 0; i < flat->nprogs[dir]; i++) {
			strbuf_reset(&want);
			strbuf_addf(&want, "-A %s%c%s ", pfx, letter[dir], flat->progs[dir][i].id);
			assert_non_null(strstr(text, want.buf));
		}
	}
	strbuf_release(&want);
}

/*
 * readable: text with the content-derived names replaced by stable test
 * names: programs "I<K>" / "E<K>" (K in the order of their first endpoint),
 * sets "S<K>" (in order of first appearance).
 */
static char *readable(const char *text, const struct flat *flat, const void *arg)
{
	const char *pfx = arg;
	struct strbuf out = STRBUF_INIT;
	char seen[16][13] = { { 0 } };
	size_t nseen = 0, n = strlen(pfx);

	for (const char *p = text; *p;) {
		bool done = false;
		if (strncmp(p, pfx, n)) {
			strbuf_addch(&out, *p++);
			continue;
		}
		strbuf_addstr(&out, pfx);
		p += n;
		for (int dir = 0; dir < NDIR && !done; dir++) {
			for (size_t i = 0; i < flat->nprogs[dir] && !done; i++) {
				const struct flat_prog *prog = &flat->progs[dir][i];
				size_t len = strlen(prog->id), k = 0;
				if (*p != letter[dir] || strncmp(p + 1, prog->id, len))
					continue;
				for (size_t j = 0; j < flat->nprogs[dir]; j++)
					k += flat->progs[dir][j].users[0] < prog->users[0];
				strbuf_addf(&out, "%c%zu", letter[dir], k);
				p += 1 + len;
				done = true;
			}
		}
		if (!done && *p == 'S' && fwfx_is_hex(p + 1, 12)) {
			size_t j;
			for (j = 0; j < nseen && strncmp(seen[j], p + 1, 12); j++)
				;
			if (j == nseen) {
				assert_true(j < 16);
				memcpy(seen[nseen++], p + 1, 12);
			}
			strbuf_addf(&out, "S%zu", j);
			p += 13;
		}
	}
	return strbuf_detach(&out, NULL);
}

/* readable_checked: readable, after checking that chains are named by content */
static char *readable_checked(const char *text, const struct flat *flat, const void *arg)
{
	assert_chains_by_id(text, flat, arg);
	return readable(text, flat, arg);
}

static const char *emit(struct fx *f, bool host, int fam, int want_rc)
{
	struct emit_ctx ctx;
	const char *values[IPT_NOPTS];
	ctx_init(f, &ctx, NULL, fam == 6 ? "ip6tables" : "iptables", values);
	return fwfx_emit(&f->x, &ctx, host, want_rc, readable_checked,
			 f->chain_prefix ? f->chain_prefix : "NETPOLC-", &f->text);
}

static void test_ipt_host_allow_from_pod(void **state)
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
	t = emit(f, true, 4, 0);
	fwfx_assert_has(
		t, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
	fwfx_assert_has(t, ":NETPOLC-I0 - [0:0]\n");
	fwfx_assert_has(
		t, "-A NETPOLC-I0 -m conntrack --ctstate INVALID -j DROP\n"
		   "-A NETPOLC-I0 -s 10.1.0.2 -p tcp --dport 80 -m comment --comment "
		   "\"default/allow-web ingress[0]\" -j RETURN\n"
		   "-A NETPOLC-I0 -m comment --comment \"isolated by default/deny-all\" -j DROP\n");
	fwfx_assert_has(t, "-A NETPOLC-INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n"
			   "-A NETPOLC-INPUT -i lo -j RETURN\n-A NETPOLC-INPUT -j NETPOLC-I0\n");
	fwfx_assert_has(t, "-A INPUT -j NETPOLC-INPUT\n-A OUTPUT -j NETPOLC-OUTPUT\nCOMMIT\n");
	/* egress not isolated: no program, the output chain jumps nowhere */
	fwfx_assert_lacks(t, "NETPOLC-E0");
	assert_int_equal(fwfx_count(t, "INVALID"), 1);
	fwfx_assert_lacks(t, "fd00");
	fwfx_assert_lacks(t, "icmp6");
	/* our chains never accept: foreign rules after the jump still see the packet */
	fwfx_assert_lacks(t, "-j ACCEPT");

	t = emit(f, true, 6, 0);
	fwfx_assert_has(t, "-A NETPOLC-I0 -s fd00::2 -p tcp --dport 80 -m comment");
	fwfx_assert_has(t, "-A NETPOLC-INPUT -p 58 -m icmp6 --icmpv6-type 135 -j RETURN\n");
	assert_int_equal(fwfx_count(t, "--icmpv6-type"), 10);
	fwfx_assert_lacks(t, "10.1.0.2");
	assert_int_equal(f->x.d.errors, 0);
}

static void test_ipt_many_ports_split_never_cut(void **state)
{
	struct fx *f = *state;
	struct pod *web = irfx_pod(&f->x, "default", "web", "10.1.0.1", NULL);
	struct ir_endpoint *ep = irfx_ep(&f->x, web);
	struct ir_rule *r = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	const char *t;

	irfx_rule_net(r, "192.168.0.0/16");
	for (int i = 0; i < 20; i++)
		portset_add(&r->ports, PROTO_TCP, (uint16_t)(100 + 10 * i),
			    (uint16_t)(100 + 10 * i));
	portset_add(&r->ports, PROTO_SCTP, 9000, 9010);
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, true, r, NULL);
	t = emit(f, true, 4, 0);
	fwfx_assert_has(t,
			"-s 192.168.0.0/16 -p tcp -m multiport --dports "
			"100,110,120,130,140,150,160,170,180,190,200,210,220,230,240 -m comment");
	fwfx_assert_has(t, "-s 192.168.0.0/16 -p tcp -m multiport --dports 250,260,270,280,290 -m");
	fwfx_assert_has(t, "-s 192.168.0.0/16 -p sctp --dport 9000:9010 -m comment");
	assert_int_equal(fwfx_count(t, "-j RETURN\n-A NETPOLC-I0"), 3);
}

static void test_ipt_tiers_deny_and_pass(void **state)
{
	struct fx *f = *state;
	struct pod *web = irfx_pod(&f->x, "default", "web", "10.1.0.1", NULL);
	struct ir_endpoint *ep = irfx_ep(&f->x, web);
	struct ir_rule *deny = irfx_rule(&f->x, ACT_DENY, 1, DIR_INGRESS, 0);
	struct ir_rule *pass = irfx_rule(&f->x, ACT_PASS, 1, DIR_INGRESS, 1);
	struct ir_rule *allow = irfx_rule(&f->x, ACT_ALLOW, 1, DIR_INGRESS, 2);
	struct ir_rule *allow2 = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	struct ir_rule *epass = irfx_rule(&f->x, ACT_PASS, 1, DIR_EGRESS, 0);
	const char *t;

	irfx_rule_net(deny, "10.9.0.0/16");
	portset_set_any(&deny->ports);
	irfx_rule_net(pass, "10.8.0.0/16");
	portset_set_any(&pass->ports);
	irfx_rule_net(allow, "10.0.0.0/8");
	portset_add(&allow->ports, PROTO_TCP, 443, 443);
	irfx_rule_net(allow2, "10.8.1.0/24");
	portset_add(&allow2->ports, PROTO_TCP, 22, 22);
	irfx_rule_net(epass, "10.7.0.0/16");
	portset_set_any(&epass->ports);
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_PASS, true, deny, pass, allow, NULL);
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, false, NULL);
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, true, allow2, NULL);
	irfx_tier(&f->x, ep, DIR_EGRESS, ACT_PASS, true, epass, NULL);
	t = emit(f, true, 4, 0);
	fwfx_assert_has(t, "-A NETPOLC-I0 -s 10.9.0.0/16 -m comment --comment \"default/deny-all "
			   "ingress[0]\" -j DROP\n");
	fwfx_assert_has(t, "-A NETPOLC-I0 -s 10.8.0.0/16 -m comment");
	fwfx_assert_has(t, "ingress[1]\" -g NETPOLC-I0-1\n");
	fwfx_assert_has(t, "-A NETPOLC-I0 -s 10.0.0.0/8 -p tcp --dport 443 -m comment");
	/* end of tier 0: pass on to tier 1, which ends in deny */
	fwfx_assert_has(t, "-A NETPOLC-I0 -g NETPOLC-I0-1\n");
	fwfx_assert_has(t, ":NETPOLC-I0-1 - [0:0]\n");
	fwfx_assert_has(t, "-A NETPOLC-I0-1 -s 10.8.1.0/24 -p tcp --dport 22 -m comment");
	fwfx_assert_lacks(t, "T2");
	assert_true(strstr(t, "-j DROP\n-A NETPOLC-I0 -s 10.8.0.0/16") != NULL);
	/* pass in the last stage, and its end, leave the program: RETURN */
	fwfx_assert_has(t, "-A NETPOLC-E0 -d 10.7.0.0/16 -m comment --comment \"default/deny-all "
			   "egress[0]\" -j RETURN\n");
	fwfx_assert_lacks(t, "-A NETPOLC-E0 -g");
	fwfx_assert_has(t, "-A NETPOLC-OUTPUT -j NETPOLC-E0\n");
}

/*
 * walk: follow the dispatch of text from chain ch for address a as the
 * kernel would (rules in order; "OPT PREFIX -g C" when a is in PREFIX, a
 * bare "-g C" always): the first chain reached that is not a dispatch
 * chain, or NULL when the dispatch falls through.
 */
static char *walk(const char *text, const char *ch, const char *opt, const struct addr *a)
{
	char cur[64], line[256];
	snprintf(cur, sizeof(cur), "%s", ch);
	for (int hops = 0; hops < 300; hops++) {
		char head[80];
		const char *l = text;
		bool moved = false;
		if (strncmp(cur, "NETPOLC-D", 9))
			return strdup(cur);
		snprintf(head, sizeof(head), "-A %s ", cur);
		while (!moved && (l = strstr(l, head)) != NULL) {
			size_t n = strcspn(l, "\n");
			char target[64], pfx[64];
			struct prefix p;
			bool hb;
			const char *why;
			snprintf(line, sizeof(line), "%.*s", (int)n, l);
			l += n;
			const char *g = strstr(line, " -g ");
			assert_non_null(g);
			snprintf(target, sizeof(target), "%s", g + 4);
			const char *o = strstr(line, opt);
			if (o) {
				snprintf(pfx, sizeof(pfx), "%.*s", (int)(g - (o + strlen(opt))),
					 o + strlen(opt));
				assert_int_equal(prefix_parse(pfx, &p, &hb, &why), 0);
				assert_false(hb);
				if (!prefix_contains(&p, a))
					continue;
			}
			snprintf(cur, sizeof(cur), "%s", target);
			moved = true;
		}
		if (!moved)
			return NULL;
	}
	fail_msg("dispatch loops");
	return NULL;
}

/*
 * Random address sets, clustered so that trees are deep and lopsided:
 * every endpoint's address leads to its own program, addresses next to
 * them lead nowhere.
 */
static void test_ipt_node_dispatch_walk(void **state)
{
	struct fx *f = *state;
	uint64_t seed = 7;

	for (int round = 0; round < 40; round++) {
		int fam = round % 2 ? 6 : 4, n = 9 + (int)(irfx_rng(&seed) % (IRFX_MAXEP - 8));
		struct addr addrs[IRFX_MAXEP];
		fx_teardown(state);
		fx_setup(state);
		f = *state;
		for (int i = 0; i < n; i++) {
			uint32_t r = irfx_rng(&seed), hi = r % 3, lo = irfx_rng(&seed);
			const char *ip = fam == 4 ? arena_printf(&f->x.a, "10.%u.%u.%u",
								 hi * 64 + (r >> 8) % 2,
								 (lo >> 8) % 4, lo % 256)
						  : arena_printf(&f->x.a, "fd00:%x::%x:%x", hi,
								 (r >> 8) % 3, lo % 65536);
			struct pod *pod =
				irfx_pod(&f->x, "default", arena_printf(&f->x.a, "p%02d", i),
					 fam == 4 ? ip : NULL, fam == 6 ? ip : NULL);
			struct ir_endpoint *ep = irfx_ep(&f->x, pod);
			struct ir_rule *rl = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 0);
			rl->all_peers = true;
			portset_add(&rl->ports, PROTO_TCP, (uint16_t)(1000 + i),
				    (uint16_t)(1000 + i));
			irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, true, rl, NULL);
			addrs[i] = pod->ips[0];
		}
		const char *t = emit(f, false, fam, 0);
		for (int i = 0; i < n; i++) {
			char *prog = walk(t, "NETPOLC-DI", " -d ", &addrs[i]), want[64], *body;
			bool dup = false;
			for (int j = 0; j < i; j++)
				dup |= !addr_cmp(&addrs[j], &addrs[i]);
			if (dup)
				continue; /* a shared address: the build reports it */
			assert_non_null(prog);
			snprintf(want, sizeof(want), "-A %s -p tcp --dport %d ", prog, 1000 + i);
			body = strstr(t, want);
			if (!body)
				fail_msg("round %d: %s reaches %s", round, "endpoint", prog);
			free(prog);
			struct addr next = addrs[i];
			next.v ^= 1; /* its neighbour, no endpoint's unless listed */
			bool taken = false;
			for (int j = 0; j < n; j++)
				taken |= !addr_cmp(&addrs[j], &next);
			prog = walk(t, "NETPOLC-DI", " -d ", &next);
			if (!taken)
				assert_null(prog);
			free(prog);
		}
	}
}

static void test_ipt_node_dispatch_tree(void **state)
{
	struct fx *f = *state;
	struct ir_rule *r = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	char ip[32], name[16];
	const char *t;

	r->all_peers = true;
	portset_add(&r->ports, PROTO_UDP, 53, 53);
	for (int i = 0; i < 12; i++) {
		snprintf(ip, sizeof(ip), "10.1.0.%d", 10 + i);
		snprintf(name, sizeof(name), "p%02d", i);
		struct ir_endpoint *ep = irfx_ep(&f->x, irfx_pod(&f->x, "default", name, ip, NULL));
		/* p00..p09 isolated, p10 and p11 selected by nothing */
		irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, i < 10, i < 10 ? r : NULL, NULL);
	}
	t = emit(f, false, 4, 0);
	fwfx_assert_has(
		t, "-A NETPOLC-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n");
	fwfx_assert_has(t, "-A NETPOLC-FORWARD -j NETPOLC-DI\n");
	fwfx_assert_lacks(t, "NETPOLC-DE");
	/* ten addresses: split on the first bit where .10-.19 differ (.16's),
	 * leaves of six and four named from their prefixes */
	fwfx_assert_has(t, "-A NETPOLC-DI -d 10.1.0.0/28 -g NETPOLC-DI-e251081b8783\n"
			   "-A NETPOLC-DI -g NETPOLC-DI-05638546b031\n");
	fwfx_assert_has(t, "-A NETPOLC-DI-e251081b8783 -d 10.1.0.10 -g NETPOLC-I0\n");
	fwfx_assert_has(t, "-A NETPOLC-DI-e251081b8783 -d 10.1.0.15 -g NETPOLC-I0\n");
	fwfx_assert_has(t, "-A NETPOLC-DI-05638546b031 -d 10.1.0.16 -g NETPOLC-I0\n");
	fwfx_assert_has(t, "-A NETPOLC-DI-05638546b031 -d 10.1.0.19 -g NETPOLC-I0\n");
	fwfx_assert_lacks(t, "iprange");
	assert_int_equal(fwfx_count(t, " -g NETPOLC-I0\n"), 10);
	/* unselected endpoints are not dispatched: untouched */
	fwfx_assert_lacks(t, "10.1.0.20");
	fwfx_assert_lacks(t, "10.1.0.21");
	fwfx_assert_has(t, "-p udp --dport 53 -m comment");
	fwfx_assert_has(t, "-A FORWARD -j NETPOLC-FORWARD\nCOMMIT\n");
	fwfx_assert_lacks(t, "-A INPUT");
}

static void test_ipt_coexist_and_prefix(void **state)
{
	struct fx *f = *state;
	struct pod *web = irfx_pod(&f->x, "default", "web", "10.1.0.1", NULL);
	struct ir_endpoint *ep = irfx_ep(&f->x, web);
	const char *t;

	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, true, NULL);
	f->coexist = true;
	f->chain_prefix = "KNP_";
	t = emit(f, false, 4, 0);
	/* only our chains: no built-in chain is declared (that would reset its policy) or appended
	 * to */
	fwfx_assert_lacks(t, ":INPUT");
	fwfx_assert_lacks(t, ":FORWARD");
	fwfx_assert_lacks(t, "-A FORWARD");
	fwfx_assert_lacks(t, "NETPOLC");
	fwfx_assert_has(t, ":KNP_FORWARD - [0:0]\n");
	fwfx_assert_has(
		t, "#   iptables -C FORWARD -j KNP_FORWARD 2>/dev/null || iptables -I FORWARD 1 "
		   "-j KNP_FORWARD\n");
	fwfx_assert_has(t, "iptables-restore --noflush FILE");
	t = emit(f, false, 6, 0);
	fwfx_assert_has(t, "ip6tables -C FORWARD -j KNP_FORWARD");
}

/* the prefix is checked on the command line, before anything is compiled */
static void test_ipt_prefix_check(void **state)
{
	(void)state;
	assert_null(ipt_prefix_check("NETPOLC-"));
	assert_null(ipt_prefix_check("KNP_"));
	assert_null(ipt_prefix_check("a2345-_Z"));
	assert_non_null(ipt_prefix_check(""));
	assert_non_null(ipt_prefix_check("-bad"));
	assert_non_null(ipt_prefix_check("9lives"));
	assert_non_null(ipt_prefix_check("A B"));
	assert_non_null(ipt_prefix_check("MUCH-TOO-LONG-"));
	assert_non_null(ipt_prefix_check("a2345-_Z9"));
	assert_null(ipt_ipset_check("sets.v4"));
	assert_non_null(ipt_ipset_check("-"));
	assert_non_null(ipt_ipset_check(""));
}

static void test_ipt_hostile_names(void **state)
{
	struct fx *f = *state;
	struct pod *web =
		irfx_pod(&f->x, "default", "x\"; -A INPUT -j ACCEPT\n#", "10.1.0.1", NULL);
	struct ir_endpoint *ep = irfx_ep(&f->x, web);
	const char *t, *line;

	f->x.pol[1].name = "evil\n-F\nCOMMIT\n\"'\\";
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, true, NULL);
	t = emit(f, true, 4, 0);
	fwfx_assert_has(t, "isolated by default/evil%0A-F%0ACOMMIT%0A%22%27%5C\"");
	fwfx_assert_has(t, "# host mode: \"default/x%22%3B -A INPUT -j ACCEPT%0A%23\"");
	/* every line is a comment, a table, a chain, a rule or COMMIT */
	for (line = t; *line; line = strchr(line, '\n') + 1) {
		assert_true(strchr("#*:-C", *line) != NULL);
		if (*line == 'C')
			assert_memory_equal(line, "COMMIT\n", 7);
	}
	assert_int_equal(fwfx_count(t, "\nCOMMIT\n"), 1);
	fwfx_assert_lacks(t, "-j ACCEPT\n");
}

static void test_ipt_ipset(void **state)
{
	struct fx *f = *state;
	struct pod *web = irfx_pod(&f->x, "default", "web", "10.1.0.1", NULL);
	struct ir_endpoint *ep = irfx_ep(&f->x, web);
	struct ir_rule *r = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	struct ir_rule *rp = irfx_rule(&f->x, ACT_ALLOW, 0, DIR_INGRESS, 1);
	struct ir_rule *few = irfx_rule(&f->x, ACT_DENY, 0, DIR_EGRESS, 0);
	struct emit_out out = { 0 };
	struct flat flat = { 0 };
	struct emit_ctx ctx;
	const char *values[IPT_NOPTS];
	char cidr[32];
	const char *t, *st;
	char *rt, *rst;

	/* IPT_SET_MIN disjoint prefixes, every protocol: one set */
	for (int i = 0; i < IPT_SET_MIN; i++) {
		snprintf(cidr, sizeof(cidr), "10.%d.0.0/16", 100 + 2 * i);
		irfx_rule_net(r, cidr);
	}
	portset_set_any(&r->ports);
	/* as many prefixes with one port list: one set, one rule per protocol */
	for (int i = 0; i < IPT_SET_MIN; i++) {
		snprintf(cidr, sizeof(cidr), "172.16.%d.0/24", 2 * i);
		irfx_rule_net(rp, cidr);
	}
	portset_add(&rp->ports, PROTO_TCP, 80, 80);
	portset_add(&rp->ports, PROTO_UDP, 53, 53);
	/* fewer than IPT_SET_MIN: inline */
	irfx_rule_net(few, "192.168.1.0/24");
	irfx_rule_net(few, "192.168.3.0/24");
	portset_set_any(&few->ports);
	irfx_tier(&f->x, ep, DIR_INGRESS, ACT_DENY, true, r, rp, NULL);
	irfx_tier(&f->x, ep, DIR_EGRESS, ACT_DENY, true, few, NULL);
	f->x.ir.host_mode = true;
	f->ipset = "sets.v4";
	ctx_init(f, &ctx, &flat, "iptables", values);
	assert_int_equal(flat_build(&flat, &f->x.ir, &f->x.d), 0);
	assert_int_equal(ipt4_emit(&ctx, &out, &f->x.d), 0);
	/* two parts: the rules (main) and the sets at the path given */
	assert_int_equal(out.n, 2);
	assert_string_equal(out.v[1]->path, "sets.v4");
	assert_chains_by_id(emit_main(&out)->buf, &flat, "NETPOLC-");
	t = rt = readable(emit_main(&out)->buf, &flat, "NETPOLC-");
	st = rst = readable(emit_path(&out, "sets.v4")->buf, &flat, "NETPOLC-");
	flat_release(&flat);
	emit_out_release(&out);
	fwfx_assert_has(t, "-A NETPOLC-I0 -m set --match-set NETPOLC-S0 src -m comment");
	fwfx_assert_has(t, "-A NETPOLC-I0 -m set --match-set NETPOLC-S1 src -p tcp --dport 80 -m");
	fwfx_assert_has(t, "-A NETPOLC-I0 -m set --match-set NETPOLC-S1 src -p udp --dport 53 -m");
	fwfx_assert_lacks(t, "-s 10.");
	fwfx_assert_lacks(t, "-s 172.");
	fwfx_assert_has(t, "-A NETPOLC-E0 -d 192.168.1.0/24 -m comment");
	assert_int_equal(fwfx_count(t, "--match-set"), 3);
	/* made idempotently, filled aside, swapped in, the spare destroyed */
	fwfx_assert_has(st, "create NETPOLC-S0 hash:net family inet -exist\n"
			    "create NETPOLC-S0-N hash:net family inet maxelem 65536 -exist\n"
			    "flush NETPOLC-S0-N\nadd NETPOLC-S0-N 10.100.0.0/16\n");
	fwfx_assert_has(st, "add NETPOLC-S0-N 10.114.0.0/16\nswap NETPOLC-S0-N "
			    "NETPOLC-S0\ndestroy NETPOLC-S0-N\n");
	assert_int_equal(fwfx_count(st, "add NETPOLC-S1-N 172.16."), IPT_SET_MIN);
	assert_int_equal(fwfx_count(st, "\ncreate "), 4);
	fwfx_assert_lacks(st, "192.168");
	/* without ipsets: the same program inline */
	f->ipset = NULL;
	t = emit(f, true, 4, 0);
	fwfx_assert_lacks(t, "--match-set");
	assert_int_equal(fwfx_count(t, "-s 10."), IPT_SET_MIN);
	free(rt);
	free(rst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipt_comment_hostile),
		cmocka_unit_test(test_ipt_comment_length_limit),
		cmocka_unit_test(test_ipt_ports_split),
		cmocka_unit_test(test_ipt_prefix_check),
		cmocka_unit_test_setup_teardown(test_ipt_host_allow_from_pod, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_ipt_many_ports_split_never_cut, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_ipt_tiers_deny_and_pass, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_ipt_node_dispatch_tree, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_ipt_node_dispatch_walk, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_ipt_coexist_and_prefix, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_ipt_hostile_names, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_ipt_ipset, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
