/*
 * ir.c - endpoint IR construction helpers and release.
 */
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

bool podset_contains(const struct podset *s, uint32_t pod)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid] == pod)
			return true;
		if (s->v[mid] < pod)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

struct ir_rule *ir_rule_new(struct ir *ir, enum action act, const struct origin *o)
{
	struct ir_rule *r = arena_zalloc(ir->arena, sizeof(*r));
	r->action = act;
	if (o)
		r->origin = *o;
	else
		r->origin.rule = -1;
	addrset_init(&r->nets);
	portset_init(&r->ports);
	r->id = ir->nrules;
	VEC_PUSH(ir->rules, ir->nrules, ir->arules, r);
	return r;
}

struct podset *ir_podset_new(struct ir *ir, uint32_t *v, size_t n)
{
	struct podset *s = arena_zalloc(ir->arena, sizeof(*s));
	s->v = v;
	s->n = n;
	s->id = ir->npodsets;
	VEC_PUSH(ir->podsets, ir->npodsets, ir->apodsets, s);
	return s;
}

bool ir_dir_applies(const struct ir_dir *d)
{
	for (size_t t = 0; t < d->ntiers; t++)
		if (d->tiers[t].applies)
			return true;
	return false;
}

void ir_release(struct ir *ir)
{
	for (size_t i = 0; i < ir->nrules; i++) {
		addrset_release(&ir->rules[i]->nets);
		portset_release(&ir->rules[i]->ports);
	}
	free(ir->rules);
	free(ir->podsets);
	memset(ir, 0, sizeof(*ir));
}

const char *ir_endpoint_name(const struct ir *ir, const struct ir_endpoint *ep)
{
	return arena_printf(ir->arena, "%s/%s", ep->pod->ns, ep->pod->name);
}

bool ir_rule_matches_nothing(const struct ir_rule *r)
{
	if (portset_is_empty(&r->ports))
		return true;
	return !r->all_peers && (!r->pods || !r->pods->n) && addrset_is_empty(&r->nets);
}
