/*
 * test_hostnet.c - the host-network model (README "Host-network pods"),
 * property-tested: for seeded random inventories where host-network pods
 * share their nodes' addresses, carry labels every selector might match
 * and named ports, and random policies whose peers are pod selectors,
 * namespace selectors and ipBlocks around the node addresses,
 *
 *   - no host-network pod is isolated or in any rule's pod set;
 *   - the node-mode flat programs (dispatch by address, the egress
 *     program of the source, then the ingress program of the
 *     destination), which every firewall backend spells, give the
 *     evaluator's verdict (query, table, list) for every pair of pods and
 *     every probe port;
 *   - host mode (--endpoint) of every pod, host-network pods included,
 *     gives per direction the evaluator's verdict of node mode.
 *
 * Under the former model (selectors matching host-network pods) two of
 * them on one node, one selected and one not, cannot be told apart by
 * address.  Breaking the resolver's rule for subjects, for peers or for
 * named ports on host-network pods fails these checks (tried).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ir/flat.h"
#include "ir/passes.h"
#include "ir/resolve.h"
#include "lib/strbuf.h"
#include "tests/unit/testlib.h"

#define SCENARIOS 300

static uint32_t rng(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

static const char *pick(uint64_t *s, const char *const *v, size_t n)
{
	return v[rng(s) % n];
}

#define PICK(s, v) pick((s), (v), sizeof(v) / sizeof((v)[0]))

static const char *const apps[] = { "a", "b", "c" };
static const char *const nss[] = { "ns1", "ns2" };
static const char *const nodes[] = { "192.168.0.1", "192.168.0.2" };

/* peer: one NetworkPolicy peer, in flow style */
static void peer(struct strbuf *sb, uint64_t *s)
{
	/* the first three may take the except 192.168.0.1/32 (strictly inside) */
	static const char *const cidrs[] = { "192.168.0.0/30", "0.0.0.0/0",   "192.168.0.0/16",
					     "192.168.0.1/32", "10.0.0.0/16", "192.168.0.2/32" };
	switch (rng(s) % 5) {
	case 0:
		strbuf_addf(sb, "{podSelector: {matchLabels: {app: %s}}}", PICK(s, apps));
		break;
	case 1:
		strbuf_addstr(sb, "{podSelector: {}}");
		break;
	case 2:
		strbuf_addf(sb, "{namespaceSelector: {matchLabels: {team: %s}}}", PICK(s, nss));
		break;
	case 3:
		strbuf_addf(sb, "{namespaceSelector: {}, podSelector: {matchLabels: {app: %s}}}",
			    PICK(s, apps));
		break;
	default: {
		size_t c = rng(s) % (sizeof(cidrs) / sizeof(cidrs[0]));
		strbuf_addf(sb, "{ipBlock: {cidr: %s%s}}", cidrs[c],
			    c < 3 && rng(s) % 2 ? ", except: [192.168.0.1/32]" : "");
	} break;
	}
}

/* rule: one ingress or egress rule */
static void rule(struct strbuf *sb, uint64_t *s, const char *key)
{
	static const char *const ports[] = { "", ", ports: [{port: 80}]", ", ports: [{port: web}]",
					     ", ports: [{protocol: UDP, port: 53}]" };
	size_t np = rng(s) % 3;
	strbuf_addch(sb, '{');
	if (np) {
		strbuf_addf(sb, "%s: [", key);
		for (size_t i = 0; i < np; i++) {
			if (i)
				strbuf_addstr(sb, ", ");
			peer(sb, s);
		}
		strbuf_addch(sb, ']');
	} else {
		strbuf_addf(sb, "%s: []", key);
	}
	strbuf_addf(sb, "%s}", PICK(s, ports));
}

/* scenario: namespaces, pod-network and host-network pods, policies */
static void scenario(struct strbuf *sb, uint64_t *s)
{
	size_t npods = 3 + rng(s) % 4, nhn = 1 + rng(s) % 3, npol = 1 + rng(s) % 4;
	for (size_t i = 0; i < 2; i++)
		strbuf_addf(sb,
			    "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: %s, labels: "
			    "{team: %s}}\n",
			    nss[i], nss[i]);
	for (size_t i = 0; i < npods + nhn; i++) {
		bool hn = i >= npods;
		strbuf_addf(
			sb,
			"---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%zu, namespace: %s, "
			"labels: {app: %s}}\nspec: {nodeName: n1%s, containers: [{name: c%s}]}\n"
			"status: {podIP: \"",
			i, PICK(s, nss), PICK(s, apps), hn ? ", hostNetwork: true" : "",
			rng(s) % 2 ? ", ports: [{name: web, containerPort: 80}]" : "");
		if (hn)
			strbuf_addstr(sb, PICK(s, nodes));
		else
			strbuf_addf(sb, "10.0.%zu.1", i);
		strbuf_addstr(sb, "\"}\n");
	}
	for (size_t i = 0; i < npol; i++) {
		static const char *const types[] = { "[Ingress]", "[Egress]", "[Ingress, Egress]" };
		size_t nin = rng(s) % 3, neg = rng(s) % 3;
		strbuf_addf(sb,
			    "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: "
			    "{name: np%zu, namespace: %s}\nspec: {podSelector: ",
			    i, PICK(s, nss));
		if (rng(s) % 3)
			strbuf_addf(sb, "{matchLabels: {app: %s}}", PICK(s, apps));
		else
			strbuf_addstr(sb, "{}");
		strbuf_addf(sb, ", policyTypes: %s, ingress: [", PICK(s, types));
		for (size_t k = 0; k < nin; k++) {
			if (k)
				strbuf_addstr(sb, ", ");
			rule(sb, s, "from");
		}
		strbuf_addstr(sb, "], egress: [");
		for (size_t k = 0; k < neg; k++) {
			if (k)
				strbuf_addstr(sb, ", ");
			rule(sb, s, "to");
		}
		strbuf_addstr(sb, "]}\n");
	}
}

/* The probes: TCP/80 (also the named port web), TCP/443, UDP/53, a protocol without ports. */
static const struct {
	int proto;
	uint16_t port;
} probes[] = { { PROTO_TCP, 80 }, { PROTO_TCP, 443 }, { PROTO_UDP, 53 }, { -1, 0 } };

/* node_prog: the program node mode dispatches address a to in dir (NULL: none). */
static const struct flat_prog *node_prog(const struct flat *f, const struct addr *a, enum dir dir)
{
	for (size_t i = 0; i < f->ndisp; i++)
		if (!addr_cmp(&f->disp[i].a, a))
			return flat_prog_of(f, f->disp[i].ep, dir);
	return NULL;
}

static bool node_allows(const struct flat *f, const struct addr *src, const struct addr *dst,
			int proto, uint16_t port)
{
	const struct flat_prog *eg = node_prog(f, src, DIR_EGRESS);
	const struct flat_prog *in = node_prog(f, dst, DIR_INGRESS);
	return (!eg || flat_eval(eg, dst, proto, port)) && (!in || flat_eval(in, src, proto, port));
}

static void check_model(const struct tl_ctx *c)
{
	const struct model *m = &c->model;
	for (size_t i = 0; i < m->npods; i++) {
		if (!m->pods[i]->host_network)
			continue;
		assert_false(ir_dir_applies(&c->ir.eps[i].dir[DIR_INGRESS]));
		assert_false(ir_dir_applies(&c->ir.eps[i].dir[DIR_EGRESS]));
		for (size_t r = 0; r < c->ir.nrules; r++)
			assert_false(c->ir.rules[r]->pods &&
				     podset_contains(c->ir.rules[r]->pods, (uint32_t)i));
	}
}

static void fail_scenario(const char *text, const struct tl_ctx *c, size_t i, size_t j, int probe,
			  const char *what)
{
	fprintf(stderr, "%s:\n%s\npods %s/%s -> %s/%s, probe %d\n", what, text,
		c->model.pods[i]->ns, c->model.pods[i]->name, c->model.pods[j]->ns,
		c->model.pods[j]->name, probe);
	fail();
}

/* check_node: node-mode flat programs against the evaluator, every pair and probe. */
static void check_node(struct tl_ctx *c, const char *text)
{
	const struct model *m = &c->model;
	struct flat f;

	assert_int_equal(passes_run(&c->ir, &c->diag, NULL, NULL), 0);
	assert_int_equal(flat_build(&f, &c->ir, &c->diag), 0);
	for (size_t i = 0; i < m->npods; i++)
		for (size_t j = 0; j < m->npods; j++)
			for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]); k++) {
				struct eval_peer src, dst;
				struct eval_result r;
				eval_peer_pod(&src, m->pods[i], &c->ir.eps[i], AF4);
				eval_peer_pod(&dst, m->pods[j], &c->ir.eps[j], AF4);
				if (addr_cmp(&src.addr, &dst.addr) == 0)
					continue; /* the node to itself: never forwarded */
				if (eval_conn(&src, &dst, probes[k].proto, probes[k].port, &r) !=
				    node_allows(&f, &src.addr, &dst.addr, probes[k].proto,
						probes[k].port))
					fail_scenario(text, c, i, j, (int)k, "node mode");
			}
	flat_release(&f);
}

/* check_host: host mode of every pod against node mode's evaluator, per direction. */
static void check_host(struct tl_ctx *c, const char *text)
{
	const struct model *m = &c->model;
	for (size_t i = 0; i < m->npods; i++) {
		struct resolve_opts ro = { .host = m->pods[i] };
		struct ir hir;
		struct flat f;
		assert_int_equal(resolve(&hir, m, &c->arena, &ro, &c->diag), 0);
		assert_int_equal(passes_run(&hir, &c->diag, NULL, NULL), 0);
		assert_int_equal(flat_build(&f, &hir, &c->diag), 0);
		for (size_t j = 0; j < m->npods; j++)
			for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]); k++)
				for (int dir = 0; dir < NDIR; dir++) {
					const struct flat_prog *p =
						flat_prog_of(&f, 0, (enum dir)dir);
					struct eval_peer other;
					struct eval_side want;
					eval_peer_pod(&other, m->pods[j], &c->ir.eps[j], AF4);
					eval_dir(&c->ir.eps[i], (enum dir)dir, &other,
						 probes[k].proto, probes[k].port, &want);
					if (want.allowed !=
					    (!p || flat_eval(p, &other.addr, probes[k].proto,
							     probes[k].port)))
						fail_scenario(text, c, i, j, (int)k, "host mode");
				}
		flat_release(&f);
		ir_release(&hir);
	}
}

static void test_hostnet_backends_agree_with_the_evaluator(void **state)
{
	uint64_t seed = 20261206;
	(void)state;
	for (int n = 0; n < SCENARIOS; n++) {
		struct strbuf sb = STRBUF_INIT;
		struct tl_ctx *c;
		scenario(&sb, &seed);
		c = tl_load(sb.buf);
		check_model(c);
		check_host(c, sb.buf);
		check_node(c, sb.buf);
		tl_release(c);
		strbuf_release(&sb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostnet_backends_agree_with_the_evaluator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
