/*
 * irfx.c - the hand-built endpoint IR fixture (irfx.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util.h"
#include "tests/unit/irfx.h"

void irfx_init(struct irfx *x)
{
	static const char *const names[] = { "allow-web", "deny-all", "x\"; flush ruleset",
					     "pol3" };
	memset(x, 0, sizeof(*x));
	model_init(&x->m, &x->a);
	diag_init(&x->d);
	x->d.caret = false;
	for (size_t i = 0; i < ARRAY_SIZE(x->pol); i++) {
		x->pol[i].ns = "default";
		x->pol[i].name = names[i];
		x->pol[i].loc = (struct loc){ .file = "test.yaml",
					      .line = (unsigned)(10 * i + 1),
					      .col = 1 };
		x->pol[i].index = i;
	}
	x->ir.model = &x->m;
	x->ir.arena = &x->a;
	x->ir.eps = arena_array(&x->a, IRFX_MAXEP, sizeof(*x->ir.eps));
}

void irfx_release(struct irfx *x)
{
	ir_release(&x->ir);
	model_release(&x->m);
	diag_release(&x->d);
	arena_release(&x->a);
}

struct pod *irfx_pod(struct irfx *x, const char *ns, const char *name, const char *ip4,
		     const char *ip6)
{
	struct pod *p = arena_zalloc(&x->a, sizeof(*p));
	p->ns = ns;
	p->name = name;
	p->loc = (struct loc){ .file = "pods.yaml", .line = (unsigned)(x->m.npods + 1), .col = 1 };
	p->ips = arena_array(&x->a, 2, sizeof(*p->ips));
	if (ip4)
		assert_int_equal(addr_parse(ip4, &p->ips[p->nips++]), 0);
	if (ip6)
		assert_int_equal(addr_parse(ip6, &p->ips[p->nips++]), 0);
	p->index = x->m.npods;
	model_add_pod(&x->m, p);
	return p;
}

struct ir_rule *irfx_rule(struct irfx *x, enum action act, int pol, enum dir dir, int idx)
{
	struct origin o = { &x->pol[pol],
			    dir,
			    idx,
			    { .file = "test.yaml", .line = (unsigned)(100 + idx), .col = 3 } };
	return ir_rule_new(&x->ir, act, &o);
}

void irfx_rule_pods(struct irfx *x, struct ir_rule *r, size_t n, const uint32_t *v)
{
	uint32_t *c = arena_memdup(&x->a, v, n * sizeof(*v));
	r->pods = ir_podset_new(&x->ir, c, n);
}

void irfx_rule_net(struct ir_rule *r, const char *cidr)
{
	struct prefix p;
	assert_int_equal(prefix_parse(cidr, &p, NULL, NULL), 0);
	addrset_add_prefix(&r->nets, &p);
	addrset_normalize(&r->nets);
}

struct ir_endpoint *irfx_ep(struct irfx *x, const struct pod *p)
{
	struct ir_endpoint *ep = &x->ir.eps[x->ir.neps++];
	assert_true(x->ir.neps <= IRFX_MAXEP);
	ep->pod = p;
	return ep;
}

void irfx_tier(struct irfx *x, struct ir_endpoint *ep, enum dir dir, enum action end, bool applies,
	       ...)
{
	struct ir_dir *d = &ep->dir[dir];
	struct ir_tier *t;
	const struct ir_rule **rules = NULL;
	size_t n = 0, alloc = 0;
	const struct ir_rule *r;
	va_list ap;

	struct ir_tier *nt = arena_array(&x->a, d->ntiers + 1, sizeof(*nt));
	if (d->ntiers)
		memcpy(nt, d->tiers, d->ntiers * sizeof(*nt));
	d->tiers = nt;
	t = &d->tiers[d->ntiers++];
	t->name = "default";
	t->end_action = end;
	t->applies = applies;
	t->policies = arena_array(&x->a, 1, sizeof(*t->policies));
	t->policies[0] = &x->pol[1];
	t->npolicies = 1;
	va_start(ap, applies);
	while ((r = va_arg(ap, const struct ir_rule *)))
		VEC_PUSH(rules, n, alloc, r);
	va_end(ap);
	t->rules = arena_array(&x->a, n + 1, sizeof(*rules));
	if (n)
		memcpy(t->rules, rules, n * sizeof(*rules));
	t->nrules = n;
	free(rules);
	if (applies && end == ACT_DENY)
		d->isolated = true;
}

uint32_t irfx_rng(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

struct ir_rule *irfx_random_rule(struct irfx *x, uint64_t *seed, int idx)
{
	static const enum action acts[] = { ACT_ALLOW, ACT_ALLOW, ACT_DENY, ACT_PASS };
	struct ir_rule *r = irfx_rule(x, acts[irfx_rng(seed) % 4], idx % 4, DIR_INGRESS, idx);
	uint32_t k = irfx_rng(seed) % 10;
	if (k == 0) {
		r->all_peers = true;
	} else if (k == 1) {
		static const uint32_t pod[] = { 1 };
		irfx_rule_pods(x, r, 1, pod);
	} else {
		for (uint32_t j = 0; j < 1 + irfx_rng(seed) % 3; j++) {
			char cidr[32];
			unsigned len = 28 + irfx_rng(seed) % 5;
			unsigned a = irfx_rng(seed) % IRFX_U_ADDRS;
			a &= ~((1u << (32 - len)) - 1);
			snprintf(cidr, sizeof(cidr), "10.0.0.%u/%u", a, len);
			irfx_rule_net(r, cidr);
		}
		if (irfx_rng(seed) % 4 == 0)
			irfx_rule_net(r, "fd00::/126");
	}
	if (irfx_rng(seed) % 6 == 0) {
		portset_set_any(&r->ports);
	} else {
		for (uint32_t j = 0; j < 1 + irfx_rng(seed) % 3; j++) {
			uint16_t lo = (uint16_t)(irfx_rng(seed) % IRFX_U_PORTS);
			uint16_t hi = (uint16_t)(lo + irfx_rng(seed) % 4);
			portset_add(&r->ports, (enum proto)(irfx_rng(seed) % NPROTO), lo,
				    hi >= IRFX_U_PORTS ? IRFX_U_PORTS - 1 : hi);
		}
	}
	return r;
}

struct ir_endpoint *irfx_random_endpoint(struct irfx *x, uint64_t *seed)
{
	size_t ntiers = 1 + irfx_rng(seed) % 3;
	struct ir_endpoint *ep;
	int idx = 0;

	irfx_init(x);
	ep = irfx_ep(x, irfx_pod(x, "default", "a-web", "10.1.0.1", NULL));
	(void)irfx_pod(x, "default", "b-peer", "10.0.0.5", NULL);
	for (size_t t = 0; t < ntiers; t++) {
		struct ir_rule *r[6] = { 0 };
		size_t nr = irfx_rng(seed) % 6;
		for (size_t i = 0; i < nr; i++)
			r[i] = irfx_random_rule(x, seed, idx++);
		irfx_tier(x, ep, DIR_INGRESS, irfx_rng(seed) % 2 ? ACT_DENY : ACT_PASS,
			  irfx_rng(seed) % 5 != 0, r[0], r[1], r[2], r[3], r[4], r[5], NULL);
	}
	x->ir.host_mode = true;
	return ep;
}
