/*
 * merge.c - the additive merge pass.
 *
 * Rules are first-match within a tier, so only a run of consecutive rules
 * of the same action may be rearranged: inside such a run the rules mean
 * the union of their (peers x ports) rectangles.  Within each run, to a
 * fixed point: empty rules vanish; rules with equal ports union their
 * peers; rules with equal peers union their ports; a rule covered by
 * another is dropped.  A rule matching every peer on every port ends the
 * tier: what follows it can never match.
 *
 * Rule lists are shared by many endpoints; equal lists are merged once
 * (memoised by their content) and the result shared again.  A rule that
 * no merge touched is kept as it was (same object), so sharing survives.
 */
#include <stdlib.h>
#include <string.h>

#include "ir/passes.h"
#include "ir/strmap.h"
#include "ir/util.h"

struct mrule {
	const struct ir_rule *orig; /* unchanged: reuse it */
	enum action action;
	bool all_peers;
	uint32_t *pods; /* malloc'ed, sorted */
	size_t npods;
	struct addrset nets;
	struct portset ports;
	const struct origin **origins;
	size_t norigins, aorigins;
	bool dead;
};

static bool peers_empty(const struct mrule *r)
{
	return !r->all_peers && !r->npods && addrset_is_empty(&r->nets);
}

static bool is_everything(const struct mrule *r)
{
	return r->all_peers && r->ports.any;
}

static void add_origins(struct mrule *dst, const struct mrule *src)
{
	for (size_t i = 0; i < src->norigins; i++) {
		bool seen = false;
		for (size_t j = 0; j < dst->norigins && !seen; j++)
			seen = dst->origins[j] == src->origins[i];
		if (!seen)
			VEC_PUSH(dst->origins, dst->norigins, dst->aorigins, src->origins[i]);
	}
	dst->orig = NULL;
}

static bool pods_equal(const struct mrule *a, const struct mrule *b)
{
	return a->npods == b->npods && (!a->npods || !memcmp(a->pods, b->pods, a->npods * 4));
}

static bool pods_subset(const struct mrule *a, const struct mrule *b)
{
	size_t j = 0;
	for (size_t i = 0; i < a->npods; i++) {
		while (j < b->npods && b->pods[j] < a->pods[i])
			j++;
		if (j == b->npods || b->pods[j] != a->pods[i])
			return false;
	}
	return true;
}

static bool peers_equal(const struct mrule *a, const struct mrule *b)
{
	if (a->all_peers || b->all_peers)
		return a->all_peers == b->all_peers;
	return pods_equal(a, b) && addrset_equal(&a->nets, &b->nets);
}

/* peers_within: every peer a matches, b matches. */
static bool peers_within(const struct mrule *a, const struct mrule *b)
{
	if (b->all_peers)
		return true;
	if (a->all_peers)
		return false;
	return pods_subset(a, b) && addrset_subset(&a->nets, &b->nets);
}

static void union_peers(struct mrule *dst, const struct mrule *src)
{
	uint32_t *v;
	size_t n = 0, i = 0, j = 0;
	if (dst->all_peers || src->all_peers) {
		dst->all_peers = true;
		return;
	}
	addrset_merge(&dst->nets, &src->nets);
	v = xcalloc(dst->npods + src->npods + 1, sizeof(*v));
	while (i < dst->npods || j < src->npods) {
		if (j == src->npods || (i < dst->npods && dst->pods[i] < src->pods[j]))
			v[n++] = dst->pods[i++];
		else if (i == dst->npods || src->pods[j] < dst->pods[i])
			v[n++] = src->pods[j++];
		else {
			v[n++] = dst->pods[i++];
			j++;
		}
	}
	free(dst->pods);
	dst->pods = v;
	dst->npods = n;
}

static void mrule_release(struct mrule *r)
{
	free(r->pods);
	addrset_release(&r->nets);
	portset_release(&r->ports);
	free(r->origins);
}

static void mrule_init(struct mrule *m, const struct ir_rule *r)
{
	memset(m, 0, sizeof(*m));
	m->orig = r;
	m->action = r->action;
	m->all_peers = r->all_peers;
	if (r->pods && r->pods->n) {
		m->pods = xcalloc(r->pods->n, sizeof(*m->pods));
		memcpy(m->pods, r->pods->v, r->pods->n * sizeof(*m->pods));
		m->npods = r->pods->n;
	}
	addrset_copy(&m->nets, &r->nets);
	portset_copy(&m->ports, &r->ports);
	VEC_PUSH(m->origins, m->norigins, m->aorigins, &r->origin);
	for (size_t i = 0; i < r->nmore; i++)
		VEC_PUSH(m->origins, m->norigins, m->aorigins, &r->more[i]);
}

/* merge_run: rules v[0..n) of one action to a fixed point; returns true if one matches all. */
static bool merge_run(struct mrule *v, size_t n)
{
	bool changed = true;
	for (size_t i = 0; i < n; i++) {
		if (peers_empty(&v[i]) || portset_is_empty(&v[i].ports))
			v[i].dead = true;
	}
	while (changed) {
		changed = false;
		for (size_t i = 0; i < n; i++) {
			if (v[i].dead)
				continue;
			if (is_everything(&v[i])) {
				/* everything: the others add nothing */
				for (size_t j = 0; j < n; j++)
					if (j != i && !v[j].dead) {
						add_origins(&v[i], &v[j]);
						v[j].dead = true;
					}
				return true;
			}
			for (size_t j = 0; j < n; j++) {
				if (j == i || v[j].dead)
					continue;
				if (portset_equal(&v[i].ports, &v[j].ports) && j > i) {
					union_peers(&v[i], &v[j]);
				} else if (peers_equal(&v[i], &v[j]) && j > i) {
					portset_merge(&v[i].ports, &v[j].ports);
				} else if (!(peers_within(&v[j], &v[i]) &&
					     portset_subset(&v[j].ports, &v[i].ports))) {
					continue;
				}
				add_origins(&v[i], &v[j]);
				v[j].dead = true;
				changed = true;
				if (is_everything(&v[i]))
					break;
			}
		}
	}
	return false;
}

static const struct ir_rule *materialize(struct ir *ir, struct mrule *m)
{
	struct ir_rule *r;
	if (m->orig)
		return m->orig;
	r = ir_rule_new(ir, m->action, m->origins[0]);
	r->all_peers = m->all_peers;
	if (!m->all_peers && m->npods)
		r->pods =
			ir_podset_new(ir, arena_memdup(ir->arena, m->pods, m->npods * 4), m->npods);
	if (!m->all_peers)
		addrset_merge(&r->nets, &m->nets);
	portset_merge(&r->ports, &m->ports);
	if (m->norigins > 1) {
		struct origin *more = arena_array(ir->arena, m->norigins - 1, sizeof(*more));
		for (size_t i = 1; i < m->norigins; i++)
			more[i - 1] = *m->origins[i];
		r->more = more;
		r->nmore = m->norigins - 1;
	}
	return r;
}

struct merged {
	const struct ir_rule **rules;
	size_t n;
};

static struct merged *merge_list(struct ir *ir, const struct ir_rule **rules, size_t n)
{
	struct merged *res = arena_zalloc(ir->arena, sizeof(*res));
	struct mrule *v = xcalloc(n + 1, sizeof(*v));
	const struct ir_rule **out = arena_array(ir->arena, n + 1, sizeof(*out));
	size_t nout = 0;
	for (size_t i = 0; i < n; i++)
		mrule_init(&v[i], rules[i]);
	for (size_t start = 0; start < n;) {
		size_t end = start;
		bool all;
		while (end < n && v[end].action == v[start].action)
			end++;
		all = merge_run(v + start, end - start);
		for (size_t i = start; i < end; i++)
			if (!v[i].dead)
				out[nout++] = materialize(ir, &v[i]);
		if (all)
			break; /* nothing after a match-everything rule can match */
		start = end;
	}
	for (size_t i = 0; i < n; i++)
		mrule_release(&v[i]);
	free(v);
	res->rules = out;
	res->n = nout;
	return res;
}

int pass_merge(struct ir *ir, struct diag *d)
{
	struct strmap memo = STRMAP_INIT;
	(void)d;
	for (size_t i = 0; i < ir->neps; i++) {
		for (int dir = 0; dir < NDIR; dir++) {
			struct ir_dir *dd = &ir->eps[i].dir[dir];
			for (size_t t = 0; t < dd->ntiers; t++) {
				struct ir_tier *tier = &dd->tiers[t];
				size_t len = tier->nrules * sizeof(*tier->rules);
				struct strmap_slot *s;
				struct merged *m;
				if (!tier->nrules)
					continue;
				s = strmap_slot(&memo, (const char *)tier->rules, len);
				if (!s->value)
					s->value = merge_list(ir, tier->rules, tier->nrules);
				m = s->value;
				tier->rules = m->rules;
				tier->nrules = m->n;
			}
		}
	}
	strmap_release(&memo);
	return 0;
}
