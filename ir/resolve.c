/*
 * resolve.c - policy model + inventory -> endpoint IR.
 *
 * Selector resolution goes through a label index (key=value -> pods,
 * key -> pods), so a selector costs the size of its smallest candidate
 * list, not the number of pods.  Peer pod sets and policy selections are
 * memoised by the canonical text of (scope, selector), so equal selectors
 * are resolved once and their podsets shared.
 *
 * Host-network pods (the model README.md states, as most CNIs implement
 * it): they share their node's network stack and address, so no selector
 * matches them, neither a policy's (they are never isolated) nor a peer's
 * (their traffic is the node's, which only address criteria match), and
 * named ports do not resolve on them.  Every frontend's policies alike.
 */
#include "ir/resolve.h"

#include <stdlib.h>
#include <string.h>

#include "ir/selexpr.h"
#include "lib/strbuf.h"
#include "lib/strmap.h"
#include "lib/util.h"

struct idxlist {
	uint32_t *v;
	size_t n, a;
};

/* The resolved form of one model rule, shared by every endpoint its policy selects. */
struct rres {
	const struct ir_rule **rules; /* endpoint-independent part */
	size_t nrules, arules;
	/* ingress rules with named ports: the per-endpoint part */
	bool named;
	const struct podset *pods;
	bool all_peers;
	struct addrset nets;
	struct portset numeric;
	struct ir_rule **memo; /* per distinct resolved portset */
	size_t nmemo, amemo;
};

struct resolver {
	const struct model *m;
	struct ir *ir;
	struct arena *a;
	struct diag *d;
	struct strmap by_kv, by_key, pod_memo, ns_memo;
	struct idxlist **lists;
	size_t nlists, alists;
	struct strbuf key;
	struct rres ***rres[NDIR]; /* [dir][policy][rule] */
	uint8_t *all_ns;	   /* a mask with every namespace */
};

static struct idxlist *index_list(struct resolver *r, struct strmap *map, const char *key,
				  size_t len)
{
	struct strmap_slot *s = strmap_slot(map, key, len);
	if (!s->value) {
		struct idxlist *l = arena_zalloc(r->a, sizeof(*l));
		s->key = arena_strndup(r->a, key, len);
		s->value = l;
		VEC_PUSH(r->lists, r->nlists, r->alists, l);
	}
	return s->value;
}

static void build_index(struct resolver *r)
{
	for (size_t i = 0; i < r->m->npods; i++) {
		const struct pod *p = r->m->pods[i];
		for (size_t j = 0; j < p->labels.n; j++) {
			const struct label *l = &p->labels.v[j];
			struct idxlist *kl = index_list(r, &r->by_key, l->key, strlen(l->key));
			struct idxlist *kvl;
			strbuf_reset(&r->key);
			strbuf_addstr(&r->key, l->key);
			strbuf_addch(&r->key, '\0');
			strbuf_addstr(&r->key, l->value);
			kvl = index_list(r, &r->by_kv, r->key.buf, r->key.len);
			VEC_PUSH(kl->v, kl->n, kl->a, (uint32_t)i);
			VEC_PUSH(kvl->v, kvl->n, kvl->a, (uint32_t)i);
		}
	}
}

static const struct idxlist empty_list;

static const struct idxlist *lookup_kv(struct resolver *r, const char *k, const char *v)
{
	const struct idxlist *l;
	strbuf_reset(&r->key);
	strbuf_addstr(&r->key, k);
	strbuf_addch(&r->key, '\0');
	strbuf_addstr(&r->key, v);
	l = strmap_get(&r->by_kv, r->key.buf, r->key.len);
	return l ? l : &empty_list;
}

/* canon_expr: a Calico expression in prefix form, strings length-prefixed (unambiguous). */
static void canon_expr(struct strbuf *sb, const struct sel_expr *e)
{
	strbuf_addf(sb, "(%d", (int)e->op);
	if (e->key)
		strbuf_addf(sb, " %zu:%s", strlen(e->key), e->key);
	if (e->value)
		strbuf_addf(sb, " %zu:%s", strlen(e->value), e->value);
	for (size_t i = 0; i < e->nvalues; i++)
		strbuf_addf(sb, " %zu:%s", strlen(e->values[i]), e->values[i]);
	if (e->a)
		canon_expr(sb, e->a);
	if (e->b)
		canon_expr(sb, e->b);
	strbuf_addch(sb, ')');
}

/* canon_selector: a text that equal selectors share (labels sorted, expressions in order). */
static void canon_selector(struct strbuf *sb, const struct selector *s)
{
	if (!s) {
		strbuf_addstr(sb, "\x01*");
		return;
	}
	if (s->expr) {
		strbuf_addstr(sb, "\x04");
		canon_expr(sb, s->expr);
	}
	for (size_t i = 0; i < s->nlabels; i++)
		strbuf_addf(sb, "\x01%s\x02%s", s->match_labels[i].key, s->match_labels[i].value);
	for (size_t i = 0; i < s->nexprs; i++) {
		strbuf_addf(sb, "\x03%s\x02%d", s->exprs[i].key, (int)s->exprs[i].op);
		for (size_t j = 0; j < s->exprs[i].nvalues; j++)
			strbuf_addf(sb, "\x02%s", s->exprs[i].values[j]);
	}
}

/* A scope: the namespaces whose pods a selector may pick. */
struct scope {
	const struct namespace *single; /* one namespace, or */
	const uint8_t *mask;		/* a byte per namespace index */
	const char *canon;
};

static bool in_scope(const struct scope *sc, const struct pod *p)
{
	return sc->single ? p->nsp == sc->single : sc->mask[p->nsp->index];
}

static uint8_t *ns_mask(struct resolver *r, const struct selector *nsel, const char **canon)
{
	struct strmap_slot *s;
	strbuf_reset(&r->key);
	strbuf_addstr(&r->key, "ns");
	canon_selector(&r->key, nsel);
	s = strmap_slot(&r->ns_memo, r->key.buf, r->key.len);
	if (!s->value) {
		uint8_t *mask = arena_zalloc(r->a, r->m->nnamespaces + 1);
		s->key = arena_strndup(r->a, r->key.buf, r->key.len);
		for (size_t i = 0; i < r->m->nnamespaces; i++)
			mask[i] = r->m->namespaces[i]->name[0] &&
				  selector_matches_ns(nsel, r->m->namespaces[i]);
		s->value = mask;
	}
	*canon = s->key;
	return s->value;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * candidates: the smallest index list that every pod matching sel must be
 * in, or NULL when the selector has no positive requirement to use.
 */
static const struct idxlist *candidates(struct resolver *r, const struct selector *sel)
{
	const struct idxlist *best = NULL;
	if (!sel || sel->expr)
		return NULL;
	for (size_t i = 0; i < sel->nlabels; i++) {
		const struct idxlist *l =
			lookup_kv(r, sel->match_labels[i].key, sel->match_labels[i].value);
		if (!best || l->n < best->n)
			best = l;
	}
	for (size_t i = 0; i < sel->nexprs; i++) {
		const struct sel_req *q = &sel->exprs[i];
		const struct idxlist *l = NULL;
		if (q->op == SEL_IN && q->nvalues == 1)
			l = lookup_kv(r, q->key, q->values[0]);
		else if (q->op == SEL_IN || q->op == SEL_EXISTS) {
			l = strmap_get(&r->by_key, q->key, strlen(q->key));
			if (!l)
				l = &empty_list;
		}
		if (l && (!best || l->n < best->n))
			best = l;
	}
	return best;
}

/* pods_matching: the podset of pods in scope matching sel (NULL: all), memoised. */
static const struct podset *pods_matching(struct resolver *r, const struct scope *sc,
					  const struct selector *sel)
{
	struct strmap_slot *s;
	const struct idxlist *cand;
	uint32_t *v = NULL;
	size_t n = 0, alloc = 0;
	const struct podset *ps;

	strbuf_reset(&r->key);
	strbuf_addstr(&r->key, sc->canon);
	strbuf_addstr(&r->key, "|");
	canon_selector(&r->key, sel);
	s = strmap_slot(&r->pod_memo, r->key.buf, r->key.len);
	if (s->value)
		return s->value;
	s->key = arena_strndup(r->a, r->key.buf, r->key.len);

	cand = candidates(r, sel);
	if (cand && sc->single) {
		/* one namespace: its pods are a contiguous index range of the candidates */
		const struct namespace *ns = sc->single;
		uint32_t first = ns->npods ? (uint32_t)ns->pods[0]->index : 0;
		uint32_t last = first + (uint32_t)ns->npods;
		size_t lo = 0, hi = cand->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (cand->v[mid] < first)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < cand->n && cand->v[i] < last; i++)
			if (selector_matches_pod(sel, r->m->pods[cand->v[i]]))
				VEC_PUSH(v, n, alloc, cand->v[i]);
	} else if (cand) {
		for (size_t i = 0; i < cand->n; i++) {
			const struct pod *p = r->m->pods[cand->v[i]];
			if (in_scope(sc, p) && (!sel || selector_matches_pod(sel, p)))
				VEC_PUSH(v, n, alloc, cand->v[i]);
		}
	} else {
		for (size_t k = 0; k < r->m->nnamespaces; k++) {
			const struct namespace *ns = r->m->namespaces[k];
			if (sc->single ? ns != sc->single : !sc->mask[k])
				continue;
			for (size_t i = 0; i < ns->npods; i++)
				if (!sel || selector_matches_pod(sel, ns->pods[i]))
					VEC_PUSH(v, n, alloc, (uint32_t)ns->pods[i]->index);
		}
		/* namespaces are sorted as pods are: v is already ascending */
	}
	{
		/* no selector matches a host-network pod (see the top of the file) */
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (!r->m->pods[v[i]]->host_network)
				v[k++] = v[i];
		n = k;
	}
	{
		uint32_t *av = arena_memdup(r->a, v, n * sizeof(*v));
		free(v);
		ps = ir_podset_new(r->ir, av, n);
	}
	s->value = (void *)ps;
	return ps;
}

static const struct podset *peer_pods(struct resolver *r, const struct policy *pol,
				      const struct peer *pe)
{
	struct scope sc = { 0 };
	if (pe->ns_sel) {
		sc.mask = ns_mask(r, pe->ns_sel, &sc.canon);
	} else if (pe->global_scope) {
		sc.mask = r->all_ns;
		sc.canon = "*";
	} else {
		sc.single = model_namespace(r->m, pol->ns);
		sc.canon = arena_printf(r->a, "=%s", pol->ns);
	}
	return pods_matching(r, &sc, pe->pod_sel);
}

/* union_podsets: the union of several podsets as a new podset (or the one, if one). */
static const struct podset *union_podsets(struct resolver *r, const struct podset **sets,
					  size_t nsets)
{
	size_t total = 0, n = 0;
	uint32_t *v;
	if (nsets == 1)
		return sets[0];
	for (size_t i = 0; i < nsets; i++)
		total += sets[i]->n;
	v = arena_array(r->a, total ? total : 1, sizeof(*v));
	for (size_t i = 0; i < nsets; i++)
		for (size_t j = 0; j < sets[i]->n; j++)
			v[n++] = sets[i]->v[j];
	xqsort(v, n, sizeof(*v), cmp_u32);
	total = n;
	n = 0;
	for (size_t i = 0; i < total; i++)
		if (!n || v[n - 1] != v[i])
			v[n++] = v[i];
	return ir_podset_new(r->ir, v, n);
}

/*
 * The conjunction of a general (Calico) peer's criteria, as a state
 * (all) or (pods by identity) + (addresses), refined criterion by
 * criterion.  A pod with an address a criterion on addresses excludes is
 * matched from then on only by its addresses that remain.
 */
struct conj {
	bool all;
	uint32_t *pods; /* malloc'ed, sorted */
	size_t npods;
	struct addrset nets;
};

static bool peer_is_general(const struct peer *pe)
{
	return pe->nnets || pe->nnot_nets || pe->not_pod_sel || pe->global_scope || pe->node_sel ||
	       (pe->ipblock && (pe->pod_sel || pe->ns_sel));
}

static void conj_release(struct conj *c)
{
	free(c->pods);
	addrset_release(&c->nets);
}

static void pod_addrs(const struct model *m, const uint32_t *v, size_t n, struct addrset *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct pod *p = m->pods[v[i]];
		for (size_t j = 0; j < p->nips; j++)
			addrset_add_addr(out, &p->ips[j]);
	}
	addrset_normalize(out);
}

/* conj_restrict: keep only addresses in a. */
static void conj_restrict(struct resolver *r, struct conj *c, const struct addrset *a)
{
	struct addrset tmp = ADDRSET_INIT;
	if (c->all) {
		c->all = false;
		addrset_merge(&c->nets, a);
		return;
	}
	pod_addrs(r->m, c->pods, c->npods, &c->nets);
	free(c->pods);
	c->pods = NULL;
	c->npods = 0;
	addrset_intersect(&tmp, &c->nets, a);
	addrset_release(&c->nets);
	c->nets = tmp;
}

/* conj_exclude_addrs: drop addresses in x (and identity of pods having one). */
static void conj_exclude_addrs(struct resolver *r, struct conj *c, const struct addrset *x)
{
	uint32_t *keep = NULL;
	size_t nkeep = 0, akeep = 0;
	const uint32_t *src = c->pods;
	size_t nsrc = c->npods;
	uint32_t *all = NULL;
	if (c->all) {
		/* every pod by identity but host-network ones, which only addresses match */
		all = xcalloc(r->m->npods + 1, sizeof(*all));
		nsrc = 0;
		for (size_t i = 0; i < r->m->npods; i++)
			if (!r->m->pods[i]->host_network)
				all[nsrc++] = (uint32_t)i;
		src = all;
		addrset_complement(&c->nets, x, (1u << AF4) | (1u << AF6));
		c->all = false;
	}
	for (size_t i = 0; i < nsrc; i++) {
		const struct pod *p = r->m->pods[src[i]];
		bool hit = false;
		for (size_t j = 0; j < p->nips && !hit; j++)
			hit = addrset_contains(x, &p->ips[j]);
		if (!hit)
			VEC_PUSH(keep, nkeep, akeep, src[i]);
		else
			for (size_t j = 0; j < p->nips; j++)
				addrset_add_addr(&c->nets, &p->ips[j]);
	}
	addrset_remove(&c->nets, x);
	free(all);
	free(c->pods);
	c->pods = keep;
	c->npods = nkeep;
}

/* conj_exclude_pods: drop the pods t (identity and addresses). */
static void conj_exclude_pods(struct resolver *r, struct conj *c, const struct podset *t)
{
	struct addrset ta = ADDRSET_INIT;
	uint32_t *keep = NULL;
	size_t nkeep = 0, akeep = 0;
	pod_addrs(r->m, t->v, t->n, &ta);
	if (c->all) {
		for (size_t i = 0; i < r->m->npods; i++)
			if (!r->m->pods[i]->host_network && !podset_contains(t, (uint32_t)i))
				VEC_PUSH(keep, nkeep, akeep, (uint32_t)i);
		addrset_complement(&c->nets, &ta, (1u << AF4) | (1u << AF6));
		c->all = false;
	} else {
		for (size_t i = 0; i < c->npods; i++)
			if (!podset_contains(t, c->pods[i]))
				VEC_PUSH(keep, nkeep, akeep, c->pods[i]);
		addrset_remove(&c->nets, &ta);
	}
	free(c->pods);
	c->pods = keep;
	c->npods = nkeep;
	addrset_release(&ta);
}

static void peer_conj(struct resolver *r, const struct policy *pol, const struct peer *pe,
		      struct conj *c)
{
	memset(c, 0, sizeof(*c));
	c->all = true;
	if (pe->pod_sel || pe->ns_sel) {
		const struct podset *ps = peer_pods(r, pol, pe);
		c->all = false;
		c->pods = xcalloc(ps->n + 1, sizeof(*c->pods));
		memcpy(c->pods, ps->v, ps->n * sizeof(*c->pods));
		c->npods = ps->n;
	}
	if (pe->ipblock) {
		struct addrset a = ADDRSET_INIT;
		ipblock_addrs(pe->ipblock, &a);
		conj_restrict(r, c, &a);
		addrset_release(&a);
	}
	if (pe->nnets) {
		struct addrset a = ADDRSET_INIT;
		for (size_t i = 0; i < pe->nnets; i++)
			addrset_add_prefix(&a, &pe->nets[i]);
		conj_restrict(r, c, &a);
		addrset_release(&a);
	}
	if (pe->node_sel) {
		/* the addresses of the matching Nodes (none: the peer matches nothing) */
		struct addrset a = ADDRSET_INIT;
		for (size_t i = 0; i < r->m->nnodes; i++) {
			const struct cluster_node *n = r->m->nodes[i];
			if (!selector_matches(pe->node_sel, &n->labels))
				continue;
			for (size_t j = 0; j < n->naddrs; j++)
				addrset_add_addr(&a, &n->addrs[j]);
		}
		addrset_normalize(&a);
		conj_restrict(r, c, &a);
		addrset_release(&a);
	}
	if (pe->nnot_nets) {
		struct addrset a = ADDRSET_INIT;
		for (size_t i = 0; i < pe->nnot_nets; i++)
			addrset_add_prefix(&a, &pe->not_nets[i]);
		conj_exclude_addrs(r, c, &a);
		addrset_release(&a);
	}
	if (pe->not_pod_sel) {
		struct peer q = *pe;
		q.pod_sel = pe->not_pod_sel;
		conj_exclude_pods(r, c, peer_pods(r, pol, &q));
	}
}

/* numeric_ports: the ports of a rule that need no pod to resolve; *named if any are named. */
static void numeric_ports(const struct rule *ru, struct portset *ps, bool *named)
{
	*named = false;
	if (!ru->nports) {
		portset_set_any(ps);
		return;
	}
	for (size_t i = 0; i < ru->nports; i++) {
		const struct port *p = &ru->ports[i];
		if (p->name)
			*named = true;
		else if (!p->has_port)
			portset_add_all_ports(ps, p->proto);
		else
			portset_add(ps, p->proto, p->port, p->end_port ? p->end_port : p->port);
	}
	if (ru->nnot_ports) {
		struct portset not = PORTSET_INIT;
		for (size_t i = 0; i < ru->nnot_ports; i++) {
			const struct port *p = &ru->not_ports[i];
			if (!p->has_port)
				portset_add_all_ports(&not, p->proto);
			else if (!p->name)
				portset_add(&not, p->proto, p->port,
					    p->end_port ? p->end_port : p->port);
		}
		portset_remove(ps, &not );
		portset_release(&not );
	}
}

/* named_ports: what the rule's named ports resolve to on destination pod p. */
static void named_ports(const struct rule *ru, const struct pod *p, struct portset *ps)
{
	for (size_t i = 0; i < ru->nports; i++) {
		const struct port *pt = &ru->ports[i];
		const struct named_port *np;
		if (!pt->name)
			continue;
		np = pod_named_port(p, pt->name, pt->proto);
		if (np)
			portset_add(ps, pt->proto, np->port, np->port);
	}
}

static void rres_add(struct rres *rr, const struct ir_rule *ru)
{
	VEC_PUSH(rr->rules, rr->nrules, rr->arules, ru);
}

/* A group of destination pods on which the egress rule's named ports resolve alike. */
struct named_group {
	struct portset ports;
	uint32_t *pods;
	size_t npods, apods;
	struct addrset addrs;
};

static void egress_named(struct resolver *r, const struct rule *ru, const struct origin *o,
			 const struct podset *pods, bool all_peers, const struct addrset *nets,
			 struct rres *rr)
{
	struct named_group *g = NULL;
	size_t ng = 0, ag = 0;
	/* candidates: every pod (all peers, or addresses to look at), else the podset */
	bool scan_all = all_peers || !addrset_is_empty(nets);
	size_t ncand = scan_all ? r->m->npods : (pods ? pods->n : 0);
	for (size_t ci = 0; ci < ncand; ci++) {
		size_t i = scan_all ? ci : pods->v[ci];
		const struct pod *p = r->m->pods[i];
		bool ident = all_peers || (pods && podset_contains(pods, (uint32_t)i));
		struct addrset via = ADDRSET_INIT;
		struct portset ps = PORTSET_INIT;
		size_t k;
		if (p->host_network)
			continue; /* its traffic is the node's: no named ports */
		if (!ident) {
			for (size_t j = 0; j < p->nips; j++)
				if (addrset_contains(nets, &p->ips[j]))
					addrset_add_addr(&via, &p->ips[j]);
			if (addrset_is_empty(&via)) {
				addrset_release(&via);
				continue;
			}
		}
		named_ports(ru, p, &ps);
		if (portset_is_empty(&ps)) {
			addrset_release(&via);
			portset_release(&ps);
			continue;
		}
		for (k = 0; k < ng; k++)
			if (portset_equal(&g[k].ports, &ps))
				break;
		if (k == ng) {
			VEC_GROW(g, ng + 1, ag);
			memset(&g[ng], 0, sizeof(g[ng]));
			g[ng].ports = ps;
			ng++;
		} else {
			portset_release(&ps);
		}
		if (ident)
			VEC_PUSH(g[k].pods, g[k].npods, g[k].apods, (uint32_t)i);
		else
			addrset_merge(&g[k].addrs, &via);
		addrset_release(&via);
	}
	for (size_t k = 0; k < ng; k++) {
		struct ir_rule *nr = ir_rule_new(r->ir, ru->action, o);
		if (g[k].npods)
			nr->pods = ir_podset_new(
				r->ir, arena_memdup(r->a, g[k].pods, g[k].npods * sizeof(uint32_t)),
				g[k].npods);
		addrset_merge(&nr->nets, &g[k].addrs);
		portset_merge(&nr->ports, &g[k].ports);
		rres_add(rr, nr);
		portset_release(&g[k].ports);
		addrset_release(&g[k].addrs);
		free(g[k].pods);
	}
	free(g);
}

static struct rres *resolve_rule(struct resolver *r, const struct policy *pol, enum dir dir,
				 size_t idx)
{
	const struct rule *ru = &pol->rules[dir][idx];
	struct rres *rr = arena_zalloc(r->a, sizeof(*rr));
	struct origin o = { pol, dir, (int)idx, ru->loc };
	const struct podset **sets = NULL;
	size_t nsets = 0, asets = 0;
	bool named;

	addrset_init(&rr->nets);
	portset_init(&rr->numeric);
	rr->all_peers = ru->npeers == 0;
	for (size_t i = 0; i < ru->npeers; i++) {
		const struct peer *pe = &ru->peers[i];
		if (peer_is_general(pe)) {
			struct conj c;
			peer_conj(r, pol, pe, &c);
			if (c.all)
				rr->all_peers = true;
			if (c.npods)
				VEC_PUSH(sets, nsets, asets,
					 ir_podset_new(r->ir,
						       arena_memdup(r->a, c.pods, c.npods * 4),
						       c.npods));
			addrset_add_set(&rr->nets, &c.nets);
			conj_release(&c);
		} else if (pe->ipblock) {
			struct addrset a = ADDRSET_INIT;
			ipblock_addrs(pe->ipblock, &a);
			addrset_add_set(&rr->nets, &a);
			addrset_release(&a);
		} else {
			VEC_PUSH(sets, nsets, asets, peer_pods(r, pol, pe));
		}
	}
	/* the peers' addresses were only collected: one sort and sweep for all of them */
	addrset_normalize(&rr->nets);
	if (nsets)
		rr->pods = union_podsets(r, sets, nsets);
	free(sets);
	numeric_ports(ru, &rr->numeric, &named);

	if (!named || !portset_is_empty(&rr->numeric)) {
		struct ir_rule *nr = ir_rule_new(r->ir, ru->action, &o);
		nr->all_peers = rr->all_peers;
		nr->pods = rr->pods;
		addrset_merge(&nr->nets, &rr->nets);
		portset_merge(&nr->ports, &rr->numeric);
		rres_add(rr, nr);
	}
	if (named && dir == DIR_EGRESS)
		egress_named(r, ru, &o, rr->pods, rr->all_peers, &rr->nets, rr);
	rr->named = named && dir == DIR_INGRESS;
	return rr;
}

/* ingress_named: the per-endpoint rule for an ingress rule with named ports (memoised). */
static const struct ir_rule *ingress_named(struct resolver *r, const struct policy *pol, size_t idx,
					   struct rres *rr, const struct pod *ep)
{
	const struct rule *ru = &pol->rules[DIR_INGRESS][idx];
	struct portset ps = PORTSET_INIT;
	struct ir_rule *nr;
	struct origin o = { pol, DIR_INGRESS, (int)idx, ru->loc };
	named_ports(ru, ep, &ps);
	if (portset_is_empty(&ps)) {
		portset_release(&ps);
		return NULL;
	}
	for (size_t i = 0; i < rr->nmemo; i++) {
		if (portset_equal(&rr->memo[i]->ports, &ps)) {
			portset_release(&ps);
			return rr->memo[i];
		}
	}
	nr = ir_rule_new(r->ir, ru->action, &o);
	nr->all_peers = rr->all_peers;
	nr->pods = rr->pods;
	addrset_merge(&nr->nets, &rr->nets);
	portset_merge(&nr->ports, &ps);
	portset_release(&ps);
	VEC_PUSH(rr->memo, rr->nmemo, rr->amemo, nr);
	return nr;
}

static struct rres *get_rres(struct resolver *r, const struct policy *pol, enum dir dir, size_t idx)
{
	struct rres **v = r->rres[dir][pol->index];
	if (!v) {
		v = arena_array(r->a, pol->nrules[dir] + 1, sizeof(*v));
		r->rres[dir][pol->index] = v;
	}
	if (!v[idx])
		v[idx] = resolve_rule(r, pol, dir, idx);
	return v[idx];
}

static double tier_order(const struct policy *p)
{
	return p->tier ? p->tier_order : DEFAULT_TIER_ORDER;
}

static const char *tier_name(const struct policy *p)
{
	return p->tier ? p->tier : "default";
}

static int cmp_double(double a, double b)
{
	return a < b ? -1 : a > b;
}

/* cmp_policy_eval: the order in which policies are evaluated (tier, order, name). */
static int cmp_policy_eval(const void *a, const void *b)
{
	const struct policy *x = *(const struct policy *const *)a;
	const struct policy *y = *(const struct policy *const *)b;
	int c = cmp_double(tier_order(x), tier_order(y));
	if (!c)
		c = strcmp(tier_name(x), tier_name(y));
	if (!c) {
		bool hx = x->has_order || !x->tier, hy = y->has_order || !y->tier;
		double ox = x->has_order ? x->order : K8S_POLICY_ORDER;
		double oy = y->has_order ? y->order : K8S_POLICY_ORDER;
		if (hx != hy)
			return hx ? -1 : 1; /* no order: last */
		c = hx ? cmp_double(ox, oy) : 0;
	}
	if (!c)
		c = strcmp(x->ns, y->ns);
	if (!c)
		c = strcmp(x->name, y->name);
	return c;
}

/*
 * build_dir: the tiers of endpoint ep in direction dir from the policies
 * selecting it for that direction (given in model order).
 */
static void build_dir(struct resolver *r, struct ir_endpoint *ep, enum dir dir,
		      const struct policy **given, size_t npols)
{
	const struct policy **pols = arena_memdup(r->a, given, npols * sizeof(*given));
	struct ir_tier *tiers;
	size_t ntiers = 0;
	if (r->m->has_tiers && npols > 1)
		xqsort(pols, npols, sizeof(*pols), cmp_policy_eval);
	tiers = arena_array(r->a, npols + 1, sizeof(*tiers));
	for (size_t start = 0; start < npols || (!npols && !ntiers);) {
		struct ir_tier *t = &tiers[ntiers++];
		const struct ir_rule **rules = NULL;
		size_t end = start, n = 0, alloc = 0;
		while (end < npols && !strcmp(tier_name(pols[end]), tier_name(pols[start])))
			end++;
		t->name = npols ? tier_name(pols[start]) : "default";
		t->end_action = npols && pols[start]->tier ? pols[start]->tier_default : ACT_DENY;
		t->applies = end > start;
		t->policies = pols + start;
		t->npolicies = end - start;
		for (size_t i = start; i < end; i++) {
			const struct policy *pol = pols[i];
			for (size_t k = 0; k < pol->nrules[dir]; k++) {
				struct rres *rr = get_rres(r, pol, dir, k);
				for (size_t j = 0; j < rr->nrules; j++)
					VEC_PUSH(rules, n, alloc, rr->rules[j]);
				if (rr->named) {
					const struct ir_rule *nr =
						ingress_named(r, pol, k, rr, ep->pod);
					if (nr)
						VEC_PUSH(rules, n, alloc, nr);
				}
			}
		}
		t->rules = arena_memdup(r->a, rules, n * sizeof(*rules));
		t->nrules = n;
		free(rules);
		if (t->applies && t->end_action == ACT_DENY)
			ep->dir[dir].isolated = true;
		if (end == start)
			break;
		start = end;
	}
	ep->dir[dir].tiers = tiers;
	ep->dir[dir].ntiers = ntiers;
}

/* policy_scope: the endpoints a policy may select. */
static void policy_scope(struct resolver *r, const struct policy *pol, struct scope *sc)
{
	memset(sc, 0, sizeof(*sc));
	if (!pol->global) {
		sc->single = model_namespace(r->m, pol->ns);
		sc->canon = arena_printf(r->a, "=%s", pol->ns);
	} else if (pol->global_ns_sel) {
		sc->mask = ns_mask(r, pol->global_ns_sel, &sc->canon);
	} else {
		sc->mask = r->all_ns;
		sc->canon = "*";
	}
}

/* host_selected: policy pol selects the host-mode endpoint p. */
static bool host_selected(const struct policy *pol, const struct pod *p)
{
	if (!pol->global) {
		if (strcmp(pol->ns, p->ns) || p->host_endpoint)
			return false;
	} else if (pol->global_ns_sel) {
		if (p->host_endpoint || !p->nsp || !selector_matches_ns(pol->global_ns_sel, p->nsp))
			return false;
	}
	if (p->host_network)
		return false; /* never a subject (see the top of the file) */
	return selector_matches_pod(pol->pod_sel, p);
}

static void resolver_release(struct resolver *r)
{
	for (size_t i = 0; i < r->nlists; i++)
		free(r->lists[i]->v);
	free(r->lists);
	strmap_release(&r->by_kv);
	strmap_release(&r->by_key);
	strmap_release(&r->pod_memo);
	strmap_release(&r->ns_memo);
	strbuf_release(&r->key);
	for (int dir = 0; dir < NDIR; dir++) {
		for (size_t i = 0; i < r->m->npolicies; i++) {
			struct rres **v = r->rres[dir][i];
			if (!v)
				continue;
			for (size_t k = 0; k < r->m->policies[i]->nrules[dir]; k++) {
				if (!v[k])
					continue;
				addrset_release(&v[k]->nets);
				portset_release(&v[k]->numeric);
				free(v[k]->rules);
				free(v[k]->memo);
			}
		}
		free(r->rres[dir]);
	}
}

int resolve(struct ir *ir, const struct model *m, struct arena *a, const struct resolve_opts *o,
	    struct diag *d)
{
	struct resolver r = { 0 };
	/* per pod, per direction: the policies selecting it, in policy order */
	size_t *count[NDIR] = { 0 }, *start[NDIR] = { 0 };
	const struct policy **sel[NDIR] = { 0 };
	const struct podset **selected = NULL;

	memset(ir, 0, sizeof(*ir));
	ir->model = m;
	ir->arena = a;
	ir->host_mode = o->host != NULL;
	r.m = m;
	r.ir = ir;
	r.a = a;
	r.d = d;
	strbuf_init(&r.key);
	for (int dir = 0; dir < NDIR; dir++)
		r.rres[dir] = xcalloc(m->npolicies + 1, sizeof(*r.rres[dir]));
	build_index(&r);
	r.all_ns = arena_zalloc(a, m->nnamespaces + 1);
	memset(r.all_ns, 1, m->nnamespaces);

	if (o->host) {
		const struct policy **pols[NDIR] = { 0 };
		size_t n[NDIR] = { 0 }, al[NDIR] = { 0 };
		ir->eps = arena_zalloc(a, sizeof(*ir->eps));
		ir->neps = 1;
		ir->eps[0].pod = o->host;
		if (o->host->index >= m->npods || m->pods[o->host->index] != o->host)
			BUG("host mode for a pod that is not in the model");
		for (size_t i = 0; i < m->npolicies; i++) {
			const struct policy *pol = m->policies[i];
			if (!host_selected(pol, o->host))
				continue;
			for (int dir = 0; dir < NDIR; dir++)
				if (pol->types[dir])
					VEC_PUSH(pols[dir], n[dir], al[dir], pol);
		}
		for (int dir = 0; dir < NDIR; dir++) {
			build_dir(&r, &ir->eps[0], dir, pols[dir], n[dir]);
			free(pols[dir]);
		}
		goto out;
	}

	/* node mode: invert the policies' selections */
	selected = xcalloc(m->npolicies + 1, sizeof(*selected));
	for (int dir = 0; dir < NDIR; dir++)
		count[dir] = xcalloc(m->npods + 1, sizeof(size_t));
	for (size_t i = 0; i < m->npolicies; i++) {
		const struct policy *pol = m->policies[i];
		struct scope sc;
		policy_scope(&r, pol, &sc);
		selected[i] = pods_matching(&r, &sc, pol->pod_sel);
		for (int dir = 0; dir < NDIR; dir++)
			if (pol->types[dir])
				for (size_t j = 0; j < selected[i]->n; j++)
					count[dir][selected[i]->v[j]]++;
	}
	for (int dir = 0; dir < NDIR; dir++) {
		size_t total = 0;
		start[dir] = xcalloc(m->npods + 1, sizeof(size_t));
		for (size_t p = 0; p < m->npods; p++) {
			start[dir][p] = total;
			total += count[dir][p];
			count[dir][p] = 0;
		}
		start[dir][m->npods] = total;
		sel[dir] = xcalloc(total + 1, sizeof(*sel[dir]));
		for (size_t i = 0; i < m->npolicies; i++) {
			if (!m->policies[i]->types[dir])
				continue;
			for (size_t j = 0; j < selected[i]->n; j++) {
				uint32_t p = selected[i]->v[j];
				sel[dir][start[dir][p] + count[dir][p]++] = m->policies[i];
			}
		}
	}
	ir->eps = arena_array(a, m->npods + 1, sizeof(*ir->eps));
	for (size_t p = 0; p < m->npods; p++) {
		const struct pod *pod = m->pods[p];
		struct ir_endpoint *ep;
		if (o->node && (!pod->node_name || strcmp(pod->node_name, o->node)))
			continue;
		ep = &ir->eps[ir->neps++];
		ep->pod = pod;
		for (int dir = 0; dir < NDIR; dir++)
			build_dir(&r, ep, dir, &sel[dir][start[dir][p]], count[dir][p]);
	}
	if (o->node && !ir->neps) {
		/* a misspelt node would otherwise give rules that allow everything */
		struct loc l = loc_none("<command line>");
		diag_error(d, &l,
			   "--node %s: no pod of the input runs on that node (spec.nodeName)",
			   o->node);
	}
	for (int dir = 0; dir < NDIR; dir++) {
		free(count[dir]);
		free(start[dir]);
		free(sel[dir]);
	}
	free(selected);
out:
	resolver_release(&r);
	return diag_has_errors(d) ? -1 : 0;
}

uint32_t *resolve_selected(const struct model *m, const char *ns, const struct selector *sel,
			   size_t *n)
{
	const struct namespace *nsp = model_namespace(m, ns);
	uint32_t *v = NULL;
	size_t alloc = 0;
	*n = 0;
	if (!nsp)
		return NULL;
	for (size_t i = 0; i < nsp->npods; i++)
		if (!nsp->pods[i]->host_network &&
		    (!sel || selector_matches_pod(sel, nsp->pods[i])))
			VEC_PUSH(v, *n, alloc, (uint32_t)nsp->pods[i]->index);
	return v;
}
