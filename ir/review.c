/*
 * review.c - groups of peers and the connection sets between them.
 */
#include "ir/review.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

int review_parse_by(const char *s)
{
	if (!strcmp(s, "pod"))
		return REVIEW_BY_POD;
	if (!strcmp(s, "workload"))
		return REVIEW_BY_WORKLOAD;
	if (!strcmp(s, "namespace"))
		return REVIEW_BY_NAMESPACE;
	return -1;
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct review_group *)a)->name,
		      ((const struct review_group *)b)->name);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

static void add_member(struct review_group *g, size_t c)
{
	VEC_PUSH(g->cls, g->ncls, g->acls, c);
}

void review_init(struct review *r, const struct ir *ir, int family, enum review_by by,
		 const struct conns_ext *ext, size_t next, struct arena *a)
{
	const struct model *m = ir->model;
	struct strmap names = STRMAP_INIT;
	struct strbuf key = STRBUF_INIT;
	size_t ag = 0;

	memset(r, 0, sizeof(*r));
	r->ir = ir;
	r->family = family;
	r->ext = ext;
	r->next = next;
	r->arena = a;
	conns_classes_build(&r->pc, ir);
	for (size_t i = 0; i < m->npods; i++) {
		const struct pod *p = m->pods[i];
		const char *name;
		struct strmap_slot *s;
		struct review_group *g;
		if (p->folded)
			continue; /* folded into its real pods */
		if (by == REVIEW_BY_NAMESPACE)
			name = p->ns;
		else if (by == REVIEW_BY_WORKLOAD && p->workload)
			name = arena_printf(a, "%s/%s", p->workload->ns, p->workload->name);
		else
			name = arena_printf(a, "%s/%s", p->ns, p->name);
		s = strmap_slot(&names, name, strlen(name));
		if (!s->value) {
			struct review_group ng = { 0 };
			ng.name = s->key = name;
			ng.first = p;
			VEC_PUSH(r->g, r->ng, ag, ng);
			s->value = (void *)(uintptr_t)r->ng;
		}
		g = &r->g[(size_t)(uintptr_t)s->value - 1];
		add_member(g, r->pc.of[i]);
		g->npods++;
	}
	xqsort(r->g, r->ng, sizeof(*r->g), cmp_group);
	for (size_t i = 0; i < r->ng; i++) {
		struct review_group *g = &r->g[i];
		size_t n = 0;
		xqsort(g->cls, g->ncls, sizeof(*g->cls), cmp_size);
		for (size_t k = 0; k < g->ncls; k++)
			if (!n || g->cls[n - 1] != g->cls[k])
				g->cls[n++] = g->cls[k];
		g->ncls = n;
	}
	r->npodg = r->ng;
	for (size_t e = 0; e < next; e++) {
		struct review_group ng = { 0 };
		size_t np;
		struct prefix *pv = addrset_prefixes(&ext[e].nets, &np);
		strbuf_reset(&key);
		for (size_t k = 0; k < np; k++) {
			char buf[ADDR_STRLEN];
			strbuf_addf(&key, "%s%s", k ? "," : "", prefix_format(&pv[k], buf));
		}
		free(pv);
		ng.name = arena_strndup(a, key.buf, key.len);
		ng.external = true;
		add_member(&ng, r->pc.n + e);
		VEC_PUSH(r->g, r->ng, ag, ng);
	}
	strbuf_release(&key);
	strmap_release(&names);
}

void review_release(struct review *r)
{
	for (size_t i = 0; i < r->ng; i++)
		free(r->g[i].cls);
	free(r->g);
	for (size_t i = 0; i < r->nmemo; i++) {
		conns_release(r->memo_v[i]);
		free(r->memo_v[i]);
	}
	free(r->memo_v);
	strmap_release(&r->memo);
	conns_classes_release(&r->pc);
	memset(r, 0, sizeof(*r));
}

size_t review_find(const struct review *r, const char *name)
{
	size_t lo = 0, hi = r->npodg;
	while (lo < hi) { /* pod groups are sorted by name */
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->g[mid].name, name);
		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = r->npodg; i < r->ng; i++)
		if (!strcmp(r->g[i].name, name))
			return i;
	return SIZE_MAX;
}

void review_peer(const struct review *r, size_t c, struct eval_peer *p)
{
	if (c < r->pc.n) {
		size_t i = r->pc.rep[c];
		const struct pod *pod = r->ir->model->pods[i];
		eval_peer_pod(p, pod,
			      i < r->ir->neps && r->ir->eps[i].pod == pod ? &r->ir->eps[i] : NULL,
			      r->family);
		return;
	}
	memset(p, 0, sizeof(*p));
	p->has_addr = true;
	p->addr = r->ext[c - r->pc.n].rep;
}

/* pair: the memoised set from class a to class b. */
static const struct conns *pair(struct review *r, size_t a, size_t b)
{
	size_t k[2] = { a, b };
	struct strmap_slot *s = strmap_slot(&r->memo, (const char *)k, sizeof(k));
	if (!s->value) {
		struct eval_peer src, dst;
		struct conns *c = xmalloc(sizeof(*c));
		review_peer(r, a, &src);
		review_peer(r, b, &dst);
		conns_between(&src, &dst, c);
		s->key = arena_memdup(r->arena, k, sizeof(k));
		s->value = c;
		VEC_PUSH(r->memo_v, r->nmemo, r->amemo, c);
	}
	return s->value;
}

void review_between(struct review *r, size_t i, size_t j, struct connset *out, bool *uniform,
		    const struct conns **first)
{
	const struct review_group *gi = &r->g[i], *gj = &r->g[j];
	const struct conns *one = NULL;
	connset_init(out);
	*uniform = true;
	for (size_t a = 0; a < gi->ncls; a++) {
		for (size_t b = 0; b < gj->ncls; b++) {
			const struct conns *c = pair(r, gi->cls[a], gj->cls[b]);
			if (!one)
				one = c;
			else if (*uniform && !connset_equal(&one->all, &c->all))
				*uniform = false;
			connset_merge(out, &c->all);
		}
	}
	if (first)
		*first = one;
}

void review_origin(const struct ir_rule *rule, enum dir dir, struct strbuf *out)
{
	const struct origin *o = rule ? &rule->origin : NULL;
	if (!rule) {
		strbuf_addf(out, "%s open (no policy decides)", dir_name(dir));
		return;
	}
	if (!o->policy) {
		strbuf_addf(out, "%s by a synthetic rule", dir_name(dir));
		return;
	}
	strbuf_addf(out, "%s/%s %s rule %d (%s:%u:%u)", o->policy->ns, o->policy->name,
		    dir_name(o->dir), o->rule, o->loc.file, o->loc.line, o->loc.col);
}

void review_verdict(const struct eval_result *res, struct strbuf *out)
{
	for (int k = 0; k < 2; k++) {
		enum dir d = k ? DIR_INGRESS : DIR_EGRESS;
		const struct eval_side *s = &res->side[d];
		if (!res->allowed && s->allowed)
			continue; /* the other side denies */
		if (k && res->allowed)
			strbuf_addstr(out, "; ");
		strbuf_addstr(out, s->allowed ? "allowed: " : "denied: ");
		if (s->rule)
			review_origin(s->rule, d, out);
		else if (s->tier && s->tier->npolicies)
			strbuf_addf(out, "%s/%s isolates the %s, no rule allows it",
				    s->tier->policies[0]->ns, s->tier->policies[0]->name,
				    dir_name(d));
		else
			review_origin(NULL, d, out);
		if (!res->allowed)
			return;
	}
}
