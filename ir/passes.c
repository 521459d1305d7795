/*
 * passes.c - the one ordered pass table and its runner.
 */
#include "ir/passes.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

struct pass {
	const char *name;
	int (*run)(struct ir *, struct diag *);
	const char *contract;
};

static const struct pass passes[] = {
	{ "merge", pass_merge,
	  "requires: resolved IR; ensures: within each run of same-action rules no empty rule, "
	  "no two rules with equal ports or equal peers, no rule covered by another; an "
	  "all-peers all-ports rule ends its tier" },
	{ "group", pass_group,
	  "requires: merged IR; ensures: endpoints with equal programs share a group number, "
	  "numbered in endpoint order from 1" },
};

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (const void *const *)a,
		  y = (uintptr_t) * (const void *const *)b;
	return x < y ? -1 : x > y;
}

void ir_count(const struct ir *ir, struct ir_counts *c)
{
	const struct ir_rule **v = NULL;
	const void **lists = NULL;
	size_t n = 0, alloc = 0, nl = 0, al = 0;
	for (size_t i = 0; i < ir->neps; i++)
		for (int dir = 0; dir < NDIR; dir++)
			for (size_t t = 0; t < ir->eps[i].dir[dir].ntiers; t++) {
				const struct ir_tier *tier = &ir->eps[i].dir[dir].tiers[t];
				VEC_PUSH(lists, nl, al, (const void *)tier->rules);
				for (size_t k = 0; k < tier->nrules; k++)
					VEC_PUSH(v, n, alloc, tier->rules[k]);
			}
	if (n)
		xqsort(v, n, sizeof(*v), cmp_ptr);
	if (nl)
		xqsort(lists, nl, sizeof(*lists), cmp_ptr);
	c->rules = c->prefixes = c->port_ranges = c->lists = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && v[i] == v[i - 1])
			continue;
		c->rules++;
		c->prefixes += addrset_count_prefixes(&v[i]->nets);
		c->port_ranges += portset_count_ranges(&v[i]->ports);
	}
	for (size_t i = 0; i < nl; i++)
		if (!i || lists[i] != lists[i - 1])
			c->lists++;
	c->groups = ir->ngroups;
	free(v);
	free(lists);
}

static void check_podset(const struct ir *ir, const struct podset *s, const char *after)
{
	if (s->id >= ir->npodsets || ir->podsets[s->id] != s)
		BUG("after %s: podset %zu is not registered", after, s->id);
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] >= ir->model->npods || (i && s->v[i - 1] >= s->v[i]))
			BUG("after %s: podset %zu is not a sorted set of pods", after, s->id);
}

static void check_addrset(const struct addrset *s, const char *after, size_t rule)
{
	if (s->dirty)
		BUG("after %s: rule %zu's addresses are not normalised", after, rule);
	for (size_t i = 0; i < s->n4; i++)
		if (s->v4[i].lo > s->v4[i].hi || (i && s->v4[i - 1].hi + 1ull >= s->v4[i].lo))
			BUG("after %s: rule %zu's IPv4 intervals overlap or touch", after, rule);
	for (size_t i = 0; i < s->n6; i++)
		if (s->v6[i].lo > s->v6[i].hi || (i && s->v6[i - 1].hi + 1 >= s->v6[i].lo))
			BUG("after %s: rule %zu's IPv6 intervals overlap or touch", after, rule);
}

static void check_portset(const struct portset *s, const char *after, size_t rule)
{
	for (int p = 0; p < NPROTO; p++) {
		if (s->any && s->n[p])
			BUG("after %s: rule %zu has any port and ranges", after, rule);
		for (size_t i = 0; i < s->n[p]; i++)
			if (s->r[p][i].lo > s->r[p][i].hi ||
			    (i && s->r[p][i - 1].hi + 1u >= s->r[p][i].lo))
				BUG("after %s: rule %zu's port ranges overlap or touch", after,
				    rule);
	}
}

static void check_rule(const struct ir *ir, const struct ir_rule *r, const char *after)
{
	if (r->id >= ir->nrules || ir->rules[r->id] != r)
		BUG("after %s: rule %zu is not registered", after, r->id);
	if (r->action != ACT_ALLOW && r->action != ACT_DENY && r->action != ACT_PASS)
		BUG("after %s: rule %zu has action %d", after, r->id, (int)r->action);
	if (r->nmore && !r->more)
		BUG("after %s: rule %zu lost its merged origins", after, r->id);
	if (r->pods)
		check_podset(ir, r->pods, after);
	check_addrset(&r->nets, after, r->id);
	check_portset(&r->ports, after, r->id);
}

void ir_check(const struct ir *ir, const char *after)
{
	if (ir->host_mode && ir->neps != 1)
		BUG("after %s: host mode with %zu endpoints", after, ir->neps);
	for (size_t i = 0; i < ir->nrules; i++)
		check_rule(ir, ir->rules[i], after);
	for (size_t i = 0; i < ir->neps; i++) {
		const struct ir_endpoint *ep = &ir->eps[i];
		if (!ep->pod)
			BUG("after %s: endpoint %zu has no pod", after, i);
		for (int dir = 0; dir < NDIR; dir++) {
			const struct ir_dir *dd = &ep->dir[dir];
			bool isolated = false;
			for (size_t t = 0; t < dd->ntiers; t++) {
				const struct ir_tier *tier = &dd->tiers[t];
				if (tier->end_action != ACT_DENY && tier->end_action != ACT_PASS)
					BUG("after %s: a tier of %zu ends in %d", after, i,
					    (int)tier->end_action);
				if (tier->nrules && !tier->rules)
					BUG("after %s: a tier of %zu lost its rules", after, i);
				for (size_t k = 0; k < tier->nrules; k++)
					if (tier->rules[k]->id >= ir->nrules ||
					    ir->rules[tier->rules[k]->id] != tier->rules[k])
						BUG("after %s: endpoint %zu uses an unregistered "
						    "rule",
						    after, i);
				isolated |= tier->applies && tier->end_action == ACT_DENY;
			}
			if (isolated != dd->isolated)
				BUG("after %s: endpoint %zu's %s isolation is stale", after, i,
				    dir_name((enum dir)dir));
		}
		if (ir->ngroups && (!ep->group || ep->group > ir->ngroups))
			BUG("after %s: endpoint %zu has group %zu of %zu", after, i, ep->group,
			    ir->ngroups);
	}
}

bool passes_known(const char *name)
{
	if (!strcmp(name, "resolve"))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(passes); i++)
		if (!strcmp(passes[i].name, name))
			return true;
	return false;
}

int passes_run(struct ir *ir, struct diag *d, FILE *stats, const char *stop_after)
{
	struct ir_counts before, after;
	if (stats) {
		ir_count(ir, &before);
		fprintf(stats,
			"netpolc: resolve: %zu endpoints, %zu distinct rules, %zu prefixes, %zu "
			"port ranges\n",
			ir->neps, before.rules, before.prefixes, before.port_ranges);
	}
#ifndef NDEBUG
	ir_check(ir, "resolve");
#endif
	for (size_t i = 0; i < ARRAY_SIZE(passes); i++) {
		if (stop_after && !strcmp(stop_after, "resolve"))
			break;
		if (passes[i].run(ir, d))
			return -1;
#ifndef NDEBUG
		ir_check(ir, passes[i].name);
#endif
		if (stats) {
			ir_count(ir, &after);
			fprintf(stats,
				"netpolc: %s: rules %zu -> %zu, prefixes %zu -> %zu, port ranges "
				"%zu -> %zu, "
				"rule lists %zu -> %zu, groups %zu\n",
				passes[i].name, before.rules, after.rules, before.prefixes,
				after.prefixes, before.port_ranges, after.port_ranges, before.lists,
				after.lists, after.groups);
			before = after;
		}
		if (stop_after && !strcmp(stop_after, passes[i].name))
			break;
	}
	return 0;
}
