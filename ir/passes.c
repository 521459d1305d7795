/*
 * passes.c - the one ordered pass table and its runner.
 */
#include "ir/passes.h"

#include <stdlib.h>

#include "ir/util.h"

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
		qsort(v, n, sizeof(*v), cmp_ptr);
	if (nl)
		qsort(lists, nl, sizeof(*lists), cmp_ptr);
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

int passes_run(struct ir *ir, struct diag *d, FILE *stats)
{
	struct ir_counts before, after;
	if (stats) {
		ir_count(ir, &before);
		fprintf(stats,
			"netpolc: resolve: %zu endpoints, %zu distinct rules, %zu prefixes, %zu "
			"port ranges\n",
			ir->neps, before.rules, before.prefixes, before.port_ranges);
	}
	for (size_t i = 0; i < ARRAY_SIZE(passes); i++) {
		if (passes[i].run(ir, d))
			return -1;
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
	}
	return 0;
}
