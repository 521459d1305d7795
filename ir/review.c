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

/* ---- the class matrix ---- */

struct matrix {
	struct review *r;
	struct eval_peer *peer;	       /* per class */
	const struct ir_endpoint **ep; /* per class: its endpoint, or NULL */
	const struct ir_rule ***rules; /* per class and direction: the rules of applying tiers */
	size_t *nrules;
	uint64_t **match; /* per rule id: the classes its peer matches, computed on first use */
	size_t words;
	struct strmap sides, contents, results, sets;
	struct conns **side_v; /* side 0: everything (a peer that is no endpoint) */
	size_t nside, aside, ares, asets;
	unsigned char *key;
	size_t akey;
	struct strbuf sb;
};

static bool matches(struct matrix *mx, const struct ir_rule *rule, size_t c)
{
	uint64_t *row = mx->match[rule->id];
	if (!row) {
		row = mx->match[rule->id] = xcalloc(mx->words, sizeof(*row));
		for (size_t k = 0; k < mx->r->nc; k++)
			if (eval_rule_peer_matches(rule, &mx->peer[k]))
				row[k / 64] |= (uint64_t)1 << (k % 64);
	}
	return row[c / 64] >> (c % 64) & 1;
}

/* key_room: mx->key has room for n bytes */
static void key_room(struct matrix *mx, size_t n)
{
	if (n > mx->akey) {
		mx->akey = 2 * n;
		mx->key = xrealloc(mx->key, mx->akey);
	}
}

/*
 * side_content: the pieces of direction dir of class a with peer class b,
 * numbered by content (sets and deciding rules), so that classes of one
 * program share them and the pairs of sides stay few.
 */
static size_t side_content(struct matrix *mx, size_t a, enum dir dir, size_t b)
{
	struct conns *c = xmalloc(sizeof(*c));
	struct strmap_slot *s;
	conns_dir(mx->ep[a], dir, &mx->peer[b], c);
	strbuf_reset(&mx->sb);
	for (size_t i = 0; i < c->n; i++) {
		const struct ir_rule *rule = c->v[i].rule[dir];
		strbuf_addf(&mx->sb, "%zu:", rule ? rule->id + 1 : 0);
		connset_format(&c->v[i].set, &mx->sb);
		strbuf_addch(&mx->sb, '|');
	}
	s = strmap_slot(&mx->contents, mx->sb.buf, mx->sb.len);
	if (s->value) {
		conns_release(c);
		free(c);
		return (size_t)(uintptr_t)s->value - 1;
	}
	VEC_PUSH(mx->side_v, mx->nside, mx->aside, c);
	s->key = arena_strndup(mx->r->arena, mx->sb.buf, mx->sb.len);
	s->value = (void *)(uintptr_t)mx->nside;
	return mx->nside - 1;
}

/*
 * side: direction dir of class a with peer class b.  It depends on b only
 * through which of a's rules match b, so it is computed once per class,
 * direction and set of matching rules.
 */
static size_t side(struct matrix *mx, size_t a, enum dir dir, size_t b)
{
	size_t n = mx->nrules[2 * a + dir], len = sizeof(a) + 1 + (n + 7) / 8;
	struct strmap_slot *s;
	if (!mx->ep[a])
		return 0;
	key_room(mx, len);
	memset(mx->key, 0, len);
	memcpy(mx->key, &a, sizeof(a));
	mx->key[sizeof(a)] = (unsigned char)dir;
	for (size_t k = 0; k < n; k++)
		if (matches(mx, mx->rules[2 * a + dir][k], b))
			mx->key[sizeof(a) + 1 + k / 8] |= (unsigned char)(1u << (k % 8));
	s = strmap_slot(&mx->sides, (const char *)mx->key, len);
	if (!s->value) {
		s->key = arena_memdup(mx->r->arena, mx->key, len);
		s->value = (void *)(uintptr_t)(side_content(mx, a, dir, b) + 1);
	}
	return (size_t)(uintptr_t)s->value - 1;
}

/* set_of: the number of the set of c (a new one when unseen) */
static uint32_t set_of(struct matrix *mx, const struct connset *c)
{
	struct review *r = mx->r;
	struct strmap_slot *s;
	strbuf_reset(&mx->sb);
	connset_format(c, &mx->sb);
	s = strmap_slot(&mx->sets, mx->sb.buf, mx->sb.len);
	if (!s->value) {
		struct connset copy;
		connset_copy(&copy, c);
		VEC_PUSH(r->sets, r->nsets, mx->asets, copy);
		s->key = arena_strndup(r->arena, mx->sb.buf, mx->sb.len);
		s->value = (void *)(uintptr_t)r->nsets;
	}
	return (uint32_t)((uintptr_t)s->value - 1);
}

static void push_result(struct matrix *mx, struct conns *c)
{
	struct review *r = mx->r;
	uint32_t set = set_of(mx, &c->all);
	if (r->nres == mx->ares) {
		mx->ares = mx->ares ? 2 * mx->ares : 64;
		r->res = xreallocarray(r->res, mx->ares, sizeof(*r->res));
		r->res_set = xreallocarray(r->res_set, mx->ares, sizeof(*r->res_set));
	}
	r->res[r->nres] = c;
	r->res_set[r->nres++] = set;
}

/* result: the connections from class a to class b, shared by every pair with the same sides */
static uint32_t result(struct matrix *mx, size_t a, size_t b)
{
	size_t k[2] = { side(mx, a, DIR_EGRESS, b), side(mx, b, DIR_INGRESS, a) };
	struct strmap_slot *s = strmap_slot(&mx->results, (const char *)k, sizeof(k));
	if (!s->value) {
		struct conns *c = xmalloc(sizeof(*c));
		conns_join(mx->side_v[k[0]], mx->side_v[k[1]], c);
		push_result(mx, c);
		s->key = arena_memdup(mx->r->arena, k, sizeof(k));
		s->value = (void *)(uintptr_t)mx->r->nres;
	}
	return (uint32_t)((uintptr_t)s->value - 1);
}

static void matrix_classes(struct matrix *mx)
{
	struct review *r = mx->r;
	mx->peer = xcalloc(r->nc + 1, sizeof(*mx->peer));
	mx->ep = xcalloc(r->nc + 1, sizeof(*mx->ep));
	mx->rules = xcalloc(2 * r->nc + 1, sizeof(*mx->rules));
	mx->nrules = xcalloc(2 * r->nc + 1, sizeof(*mx->nrules));
	mx->words = r->nc / 64 + 1;
	mx->match = xcalloc(r->ir->nrules + 1, sizeof(*mx->match));
	for (size_t c = 0; c < r->nc; c++) {
		review_peer(r, c, &mx->peer[c]);
		mx->ep[c] = mx->peer[c].ep;
		for (int d = 0; mx->ep[c] && d < NDIR; d++) {
			const struct ir_dir *dir = &mx->ep[c]->dir[d];
			size_t n = 0, a = 0;
			for (size_t t = 0; t < dir->ntiers; t++)
				for (size_t i = 0;
				     dir->tiers[t].applies && i < dir->tiers[t].nrules; i++)
					VEC_PUSH(mx->rules[2 * c + (size_t)d], n, a,
						 dir->tiers[t].rules[i]);
			mx->nrules[2 * c + (size_t)d] = n;
		}
	}
}

/* class_groups: the groups holding each class, as a CSR array */
static void class_groups(struct review *r)
{
	size_t *cnt = xcalloc(r->nc + 1, sizeof(*cnt));
	r->cg_off = xcalloc(r->nc + 2, sizeof(*r->cg_off));
	for (size_t i = 0; i < r->ng; i++)
		for (size_t k = 0; k < r->g[i].ncls; k++)
			cnt[r->g[i].cls[k]]++;
	for (size_t c = 0; c < r->nc; c++)
		r->cg_off[c + 1] = r->cg_off[c] + cnt[c];
	r->cg = xcalloc(r->cg_off[r->nc] + 1, sizeof(*r->cg));
	memset(cnt, 0, (r->nc + 1) * sizeof(*cnt));
	for (size_t i = 0; i < r->ng; i++)
		for (size_t k = 0; k < r->g[i].ncls; k++) {
			size_t c = r->g[i].cls[k];
			r->cg[r->cg_off[c] + cnt[c]++] = i;
		}
	free(cnt);
}

/*
 * matrix_build: the result of every pair of classes (not external to
 * external).  The cost is one lookup per pair of classes plus one
 * conns_dir per distinct side and one conns_join per distinct pair of
 * sides, whatever the number of pods.
 */
static void matrix_build(struct review *r)
{
	struct matrix mx = { .r = r,
			     .sides = STRMAP_INIT,
			     .contents = STRMAP_INIT,
			     .results = STRMAP_INIT,
			     .sets = STRMAP_INIT,
			     .sb = STRBUF_INIT };
	struct conns *none = xmalloc(sizeof(*none)), *all = xmalloc(sizeof(*all));

	r->nc = r->pc.n + r->next;
	matrix_classes(&mx);
	conns_all(all);
	VEC_PUSH(mx.side_v, mx.nside, mx.aside, all);
	conns_init(none);
	push_result(&mx, none); /* result 0: nothing (external to external) */
	r->pair = xcalloc(r->nc * r->nc + 1, sizeof(*r->pair));
	for (size_t a = 0; a < r->nc; a++)
		for (size_t b = 0; b < r->nc; b++)
			if (a < r->pc.n || b < r->pc.n)
				r->pair[a * r->nc + b] = result(&mx, a, b);
	class_groups(r);
	r->stamp = xcalloc(r->nsets + r->ng + 1, sizeof(*r->stamp));
	for (size_t i = 0; i < mx.nside; i++) {
		conns_release(mx.side_v[i]);
		free(mx.side_v[i]);
	}
	for (size_t i = 0; i < r->ir->nrules; i++)
		free(mx.match[i]);
	for (size_t i = 0; i < 2 * r->nc; i++)
		free(mx.rules[i]);
	free(mx.side_v);
	free(mx.match);
	free(mx.rules);
	free(mx.nrules);
	free(mx.peer);
	free(mx.ep);
	free(mx.key);
	strmap_release(&mx.sides);
	strmap_release(&mx.contents);
	strmap_release(&mx.results);
	strmap_release(&mx.sets);
	strbuf_release(&mx.sb);
}

void review_init(struct review *r, const struct ir *ir, int family, enum review_by by,
		 const struct conns_ext *ext, size_t next, struct arena *a)
{
	const struct model *m = ir->model;
	struct strmap names = STRMAP_INIT;
	struct strbuf key = STRBUF_INIT;
	const char **pname = xcalloc(m->npods + 1, sizeof(*pname));
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
		pname[i] = s->key;
		add_member(g, r->pc.of[i]);
		g->npods++;
	}
	xqsort(r->g, r->ng, sizeof(*r->g), cmp_group);
	r->pod_g = xcalloc(m->npods + 1, sizeof(*r->pod_g));
	for (size_t i = 0; i < r->ng; i++)
		strmap_slot(&names, r->g[i].name, strlen(r->g[i].name))->value =
			(void *)(uintptr_t)(i + 1);
	for (size_t i = 0; i < m->npods; i++)
		r->pod_g[i] = pname[i] ? (size_t)(uintptr_t)strmap_get(&names, pname[i],
								       strlen(pname[i])) -
						 1
				       : SIZE_MAX;
	free(pname);
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
	matrix_build(r);
}

void review_release(struct review *r)
{
	for (size_t i = 0; i < r->ng; i++)
		free(r->g[i].cls);
	free(r->g);
	for (size_t i = 0; i < r->nres; i++) {
		conns_release(r->res[i]);
		free(r->res[i]);
	}
	for (size_t i = 0; i < r->nsets; i++)
		connset_release(&r->sets[i]);
	free(r->res);
	free(r->res_set);
	free(r->sets);
	free(r->pair);
	free(r->cg_off);
	free(r->cg);
	free(r->stamp);
	free(r->pod_g);
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

/* set_at: the set number from class a to class b. */
static uint32_t set_at(const struct review *r, size_t a, size_t b)
{
	return r->res_set[r->pair[a * r->nc + b]];
}

void review_between(struct review *r, size_t i, size_t j, struct connset *out, bool *uniform,
		    const struct conns **first)
{
	const struct review_group *gi = &r->g[i], *gj = &r->g[j];
	uint32_t one = UINT32_MAX;
	connset_init(out);
	*uniform = true;
	r->clock++;
	for (size_t a = 0; a < gi->ncls; a++) {
		for (size_t b = 0; b < gj->ncls; b++) {
			uint32_t s = set_at(r, gi->cls[a], gj->cls[b]);
			if (one == UINT32_MAX)
				one = s;
			else if (s != one)
				*uniform = false;
			if (r->stamp[s] == r->clock)
				continue; /* this set is in already */
			r->stamp[s] = r->clock;
			connset_merge(out, &r->sets[s]);
		}
	}
	if (first)
		*first = gi->ncls && gj->ncls ? r->res[r->pair[gi->cls[0] * r->nc + gj->cls[0]]]
					      : NULL;
}

static int cmp_size_t(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

size_t review_targets(struct review *r, size_t i, bool to_i, size_t **out)
{
	const struct review_group *g = &r->g[i];
	size_t n = 0, a = 0, *gstamp = r->stamp + r->nsets;
	*out = NULL;
	r->clock++;
	for (size_t c = 0; c < r->nc; c++) {
		bool reach = false;
		for (size_t k = 0; k < g->ncls && !reach; k++)
			reach = !connset_is_empty(
				&r->sets[to_i ? set_at(r, c, g->cls[k]) : set_at(r, g->cls[k], c)]);
		for (size_t k = r->cg_off[c]; reach && k < r->cg_off[c + 1]; k++) {
			size_t j = r->cg[k];
			if (gstamp[j] == r->clock)
				continue;
			gstamp[j] = r->clock;
			VEC_PUSH(*out, n, a, j);
		}
	}
	xqsort(*out, n, sizeof(**out), cmp_size_t);
	return n;
}

/* ---- diff ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct cand {
	size_t from, to; /* name indices */
};

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->to < y->to ? -1 : x->to > y->to;
}

struct pair2 {
	size_t v[2]; /* one per side; SIZE_MAX: none */
};

/* The two versions side by side: names over both, and the joint classes of pods. */
struct joint {
	struct review *r;
	const char **names;
	size_t nnames;
	size_t *idx[2];	  /* per name: its group on each side, or SIZE_MAX */
	size_t *name[2];  /* per group of each side: its name */
	bool *dirty;	  /* per name: the group's pods differ between the sides */
	struct pair2 *jc; /* per joint class: its class on each side, or SIZE_MAX */
	size_t nj, aj;
	struct pair2 *jg; /* (joint class, name) of every group holding a joint class */
	size_t njg, ajg;
	uint32_t *gset[2]; /* per set of each side: its number over both sides */
	uint32_t none;	   /* the number of the empty set */
	struct cand *cand;
	size_t ncand, acand;
	struct strmap map;
	struct strbuf sb;
	struct arena *arena;
};

static void joint_names(struct joint *J)
{
	struct review *r = J->r;
	size_t a = 0, k = 0;
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < r[s].ng; i++)
			VEC_PUSH(J->names, J->nnames, a, r[s].g[i].name);
	xqsort(J->names, J->nnames, sizeof(*J->names), cmp_str);
	for (size_t i = 0; i < J->nnames; i++)
		if (!k || strcmp(J->names[k - 1], J->names[i]))
			J->names[k++] = J->names[i];
	J->nnames = k;
	J->dirty = xcalloc(J->nnames + 1, sizeof(*J->dirty));
	for (int s = 0; s < 2; s++) {
		J->idx[s] = xcalloc(J->nnames + 1, sizeof(*J->idx[s]));
		J->name[s] = xcalloc(r[s].ng + 1, sizeof(*J->name[s]));
		for (size_t n = 0; n < J->nnames; n++)
			J->idx[s][n] = SIZE_MAX;
		for (size_t i = 0; i < r[s].ng; i++) {
			const char **p = bsearch(&r[s].g[i].name, J->names, J->nnames,
						 sizeof(*J->names), cmp_str);
			J->name[s][i] = (size_t)(p - J->names);
			J->idx[s][J->name[s][i]] = i;
		}
	}
}

/* intern: the number of key among the pairs v (a new one when unseen). */
static size_t intern(struct joint *J, struct pair2 key, struct pair2 **v, size_t *n, size_t *a)
{
	struct strmap_slot *s = strmap_slot(&J->map, (const char *)&key, sizeof(key));
	if (!s->value) {
		VEC_PUSH(*v, *n, *a, key);
		s->key = arena_memdup(J->arena, &key, sizeof(key));
		s->value = (void *)(uintptr_t)*n;
	}
	return (size_t)(uintptr_t)s->value - 1;
}

/*
 * joint_classes: pods are matched by name; the pair (old class, new class)
 * of a pod is its joint class, and two pods of one joint class change
 * alike.  A group whose pods are not the same on both sides is dirty.
 */
static void joint_classes(struct joint *J)
{
	struct review *r = J->r;
	struct pair2 *pods = NULL;
	size_t npods = 0, apods = 0;

	/* pods by name: their index on each side */
	for (int s = 0; s < 2; s++) {
		const struct model *m = r[s].ir->model;
		for (size_t i = 0; i < m->npods; i++) {
			struct strmap_slot *sl;
			if (r[s].pod_g[i] == SIZE_MAX)
				continue;
			strbuf_reset(&J->sb);
			strbuf_addf(&J->sb, "%s/%s", m->pods[i]->ns, m->pods[i]->name);
			sl = strmap_slot(&J->map, J->sb.buf, J->sb.len);
			if (!sl->value) {
				struct pair2 none = { { SIZE_MAX, SIZE_MAX } };
				VEC_PUSH(pods, npods, apods, none);
				sl->key = arena_strndup(J->arena, J->sb.buf, J->sb.len);
				sl->value = (void *)(uintptr_t)npods;
			}
			pods[(size_t)(uintptr_t)sl->value - 1].v[s] = i;
		}
	}
	strmap_release(&J->map);
	for (size_t p = 0; p < npods; p++) {
		struct pair2 c, g;
		size_t j;
		for (int s = 0; s < 2; s++) {
			size_t i = pods[p].v[s];
			c.v[s] = i == SIZE_MAX ? SIZE_MAX : r[s].pc.of[i];
			g.v[s] = i == SIZE_MAX ? SIZE_MAX : J->name[s][r[s].pod_g[i]];
		}
		j = intern(J, c, &J->jc, &J->nj, &J->aj);
		if (g.v[0] != g.v[1])
			for (int s = 0; s < 2; s++)
				if (g.v[s] != SIZE_MAX)
					J->dirty[g.v[s]] = true;
		for (int s = 0; s < 2; s++)
			if (g.v[s] != SIZE_MAX && (!s || g.v[1] != g.v[0]))
				VEC_PUSH(J->jg, J->njg, J->ajg, ((struct pair2){ { j, g.v[s] } }));
	}
	/* external classes, shared by the sides: one joint class and one group each */
	for (size_t e = 0; e < r[0].next; e++) {
		struct pair2 c = { { r[0].pc.n + e, r[1].pc.n + e } };
		size_t j = intern(J, c, &J->jc, &J->nj, &J->aj);
		VEC_PUSH(J->jg, J->njg, J->ajg,
			 ((struct pair2){ { j, J->name[0][r[0].npodg + e] } }));
	}
	strmap_release(&J->map);
	free(pods);
}

static int cmp_pair2(const void *a, const void *b)
{
	const struct pair2 *x = a, *y = b;
	if (x->v[0] != y->v[0])
		return x->v[0] < y->v[0] ? -1 : 1;
	return x->v[1] < y->v[1] ? -1 : x->v[1] > y->v[1];
}

/* joint_sets: the sets of both sides numbered together (by their text). */
static void joint_sets(struct joint *J)
{
	struct connset empty;
	size_t n = 0;
	for (int s = 0; s < 2; s++) {
		J->gset[s] = xcalloc(J->r[s].nsets + 1, sizeof(*J->gset[s]));
		for (size_t i = 0; i < J->r[s].nsets; i++) {
			struct strmap_slot *sl;
			strbuf_reset(&J->sb);
			connset_format(&J->r[s].sets[i], &J->sb);
			sl = strmap_slot(&J->map, J->sb.buf, J->sb.len);
			if (!sl->value) {
				sl->key = arena_strndup(J->arena, J->sb.buf, J->sb.len);
				sl->value = (void *)(uintptr_t)++n;
			}
			J->gset[s][i] = (uint32_t)((uintptr_t)sl->value - 1);
		}
	}
	connset_init(&empty);
	strbuf_reset(&J->sb);
	connset_format(&empty, &J->sb);
	J->none = strmap_get(&J->map, J->sb.buf, J->sb.len)
			  ? (uint32_t)((uintptr_t)strmap_get(&J->map, J->sb.buf, J->sb.len) - 1)
			  : UINT32_MAX;
	strmap_release(&J->map);
}

/* joint_set: the set number over both sides from class a to class b of side s (absent: empty). */
static uint32_t joint_set(const struct joint *J, int s, size_t a, size_t b)
{
	if (a == SIZE_MAX || b == SIZE_MAX)
		return J->none;
	return J->gset[s][set_at(&J->r[s], a, b)];
}

/* add_cands: every pair of a group holding joint class a and one holding b. */
static void add_cands(struct joint *J, const size_t *off, size_t a, size_t b)
{
	for (size_t i = off[a]; i < off[a + 1]; i++)
		for (size_t k = off[b]; k < off[b + 1]; k++)
			VEC_PUSH(J->cand, J->ncand, J->acand,
				 ((struct cand){ J->jg[i].v[1], J->jg[k].v[1] }));
}

/*
 * candidates: the pairs of groups that may change: those holding a pair
 * of joint classes whose set changed, and those of a dirty group with any
 * group it reaches or is reached from on either side.
 */
static void candidates(struct joint *J)
{
	size_t *off = xcalloc(J->nj + 2, sizeof(*off)), *t;
	size_t u = 0;
	xqsort(J->jg, J->njg, sizeof(*J->jg), cmp_pair2);
	for (size_t i = 0; i < J->njg; i++)
		if (!u || cmp_pair2(&J->jg[u - 1], &J->jg[i]))
			J->jg[u++] = J->jg[i];
	J->njg = u;
	for (size_t i = 0; i < J->njg; i++)
		off[J->jg[i].v[0] + 1]++;
	for (size_t j = 0; j < J->nj; j++)
		off[j + 1] += off[j];
	for (size_t a = 0; a < J->nj; a++)
		for (size_t b = 0; b < J->nj; b++) {
			const size_t *x = J->jc[a].v, *y = J->jc[b].v;
			if (joint_set(J, 0, x[0], y[0]) != joint_set(J, 1, x[1], y[1]))
				add_cands(J, off, a, b);
		}
	free(off);
	for (size_t n = 0; n < J->nnames; n++)
		for (int s = 0; J->dirty[n] && s < 2; s++) {
			size_t g = J->idx[s][n];
			for (int to_n = 0; g != SIZE_MAX && to_n < 2; to_n++) {
				size_t nt = review_targets(&J->r[s], g, to_n, &t);
				for (size_t k = 0; k < nt; k++) {
					size_t m = J->name[s][t[k]];
					VEC_PUSH(J->cand, J->ncand, J->acand,
						 ((struct cand){ to_n ? m : n, to_n ? n : m }));
				}
				free(t);
			}
		}
}

size_t review_diff(struct review r[2], struct review_change **out)
{
	struct joint J = { .r = r, .map = STRMAP_INIT, .sb = STRBUF_INIT, .arena = r[0].arena };
	size_t n = 0, a = 0, k = 0;

	*out = NULL;
	joint_names(&J);
	joint_classes(&J);
	joint_sets(&J);
	candidates(&J);
	xqsort(J.cand, J.ncand, sizeof(*J.cand), cmp_cand);
	for (size_t i = 0; i < J.ncand; i++)
		if (!k || cmp_cand(&J.cand[k - 1], &J.cand[i]))
			J.cand[k++] = J.cand[i];
	J.ncand = k;
	for (size_t i = 0; i < J.ncand; i++) {
		struct review_change c = { 0 };
		bool uniform, ext = true;
		for (int s = 0; s < 2; s++) {
			struct connset *set = s ? &c.ns : &c.os;
			c.side_from[s] = J.idx[s][J.cand[i].from];
			c.side_to[s] = J.idx[s][J.cand[i].to];
			if (c.side_from[s] != SIZE_MAX && c.side_to[s] != SIZE_MAX) {
				ext = ext && r[s].g[c.side_from[s]].external &&
				      r[s].g[c.side_to[s]].external;
				review_between(&r[s], c.side_from[s], c.side_to[s], set, &uniform,
					       NULL);
			} else {
				connset_init(set);
			}
		}
		if (connset_equal(&c.os, &c.ns) || ext) {
			connset_release(&c.os);
			connset_release(&c.ns);
			continue;
		}
		c.from = J.names[J.cand[i].from];
		c.to = J.names[J.cand[i].to];
		VEC_PUSH(*out, n, a, c);
	}
	for (int s = 0; s < 2; s++) {
		free(J.idx[s]);
		free(J.name[s]);
		free(J.gset[s]);
	}
	free(J.names);
	free(J.dirty);
	free(J.jc);
	free(J.jg);
	free(J.cand);
	strbuf_release(&J.sb);
	return n;
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
