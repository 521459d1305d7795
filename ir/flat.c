/*
 * flat.c - lowering the endpoint IR into flat programs (see flat.h).
 *
 * Three steps per direction: the peers of every rule become addresses
 * (once per rule); the applying tiers of each endpoint become stages of
 * runs of disjoint elements (once per distinct list of rules); programs
 * with equal stages are interned into one, whose runs carry the union of
 * the origins.
 *
 * A run's rules are made disjoint like this: rules with equal port sets
 * are merged; then, per protocol, either the port axis is cut at every
 * range boundary (each piece gets the union of the peers covering it) or
 * the address axis is cut at every peer boundary (each piece gets the
 * union of the port ranges covering it), whichever gives fewer elements,
 * and equal neighbouring pieces are joined again.
 */
#include "ir/flat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/dispatch.h"
#include "lib/arena.h"
#include "lib/hash.h"
#include "lib/strmap.h"
#include "lib/util.h"

int flat_kind_family(enum flat_kind k)
{
	switch (k) {
	case FK_ADDR4:
	case FK_AP4:
		return AF4;
	case FK_ADDR6:
	case FK_AP6:
		return AF6;
	default:
		return 0;
	}
}

bool flat_kind_has_port(enum flat_kind k)
{
	return k == FK_AP4 || k == FK_AP6 || k == FK_PORT;
}

/* ---- origins ---- */

void flat_origin_text(struct strbuf *sb, const struct origin *o)
{
	if (!o->policy) {
		strbuf_addstr(sb, "netpolc");
		return;
	}
	if (o->policy->ns && *o->policy->ns)
		strbuf_addf(sb, "%s/%s", o->policy->ns, o->policy->name);
	else /* cluster-scoped: named by kind, as query names it */
		strbuf_addf(sb, "%s %s", o->policy->kind, o->policy->name);
	if (o->rule >= 0)
		strbuf_addf(sb, " %s[%d]", dir_name(o->dir), o->rule);
}

void flat_run_text(struct strbuf *sb, const struct flat_run *run)
{
	flat_origin_text(sb, run->origins[0]);
	if (run->norigins > 1)
		strbuf_addf(sb, " +%zu", run->norigins - 1);
}

static int origin_cmp(const struct origin *a, const struct origin *b)
{
	int c;
	if (!a->policy || !b->policy)
		return (a->policy != NULL) - (b->policy != NULL);
	if ((c = strcmp(a->policy->ns, b->policy->ns)) ||
	    (c = strcmp(a->policy->name, b->policy->name)))
		return c;
	if (a->dir != b->dir)
		return (int)a->dir - (int)b->dir;
	return (a->rule > b->rule) - (a->rule < b->rule);
}

struct origin_at {
	const struct origin *o;
	size_t at;
};

static int origin_at_cmp(const void *x, const void *y)
{
	const struct origin_at *a = x, *b = y;
	int c = origin_cmp(a->o, b->o);
	return c ? c : (a->at > b->at) - (a->at < b->at);
}

static int at_cmp(const void *x, const void *y)
{
	const struct origin_at *a = x, *b = y;
	return (a->at > b->at) - (a->at < b->at);
}

/*
 * dedup_origins: keep the first of equal origins of v[0..*n), in order of
 * first appearance.  Sorting makes it O(n log n): a merged rule may stand
 * for tens of thousands of identical policies.
 */
static void dedup_origins(const struct origin **v, size_t *n)
{
	struct origin_at *t;
	size_t k = 0;
	if (*n < 2)
		return;
	t = xcalloc(*n, sizeof(*t));
	for (size_t i = 0; i < *n; i++)
		t[i] = (struct origin_at){ v[i], i };
	xqsort(t, *n, sizeof(*t), origin_at_cmp);
	for (size_t i = 0; i < *n; i++)
		if (!k || origin_cmp(t[k - 1].o, t[i].o))
			t[k++] = t[i];
	xqsort(t, k, sizeof(*t), at_cmp);
	for (size_t i = 0; i < k; i++)
		v[i] = t[i].o;
	*n = k;
	free(t);
}

/* run_origins: every origin of rules[0..n), merged ones (more[]) included, distinct. */
static void run_origins(struct flat_run *run, const struct ir_rule *const *rules, size_t n)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < n; i++)
		total += 1 + rules[i]->nmore;
	run->origins = xcalloc(total, sizeof(*run->origins));
	for (size_t i = 0; i < n; i++)
		for (size_t m = 0; m <= rules[i]->nmore; m++)
			run->origins[k++] = m ? &rules[i]->more[m - 1] : &rules[i]->origin;
	run->norigins = k;
	dedup_origins(run->origins, &run->norigins);
}

/* ---- peers ---- */

/*
 * rule_peers: the addresses of rule r's peers, computed once per rule.
 * Pods without an address are left out, with one warning per pod: never a
 * wider rule.
 */
static const struct addrset *rule_peers(struct flat *f, struct diag *d, const struct ir_rule *r)
{
	const struct model *m = f->ir->model;
	struct addrset *s = &f->peers[r->id];
	if (r->id >= f->ir->nrules || f->ir->rules[r->id] != r)
		BUG("flat: rule %zu is not registered in the IR", r->id);
	if (f->peers_done[r->id])
		return s;
	f->peers_done[r->id] = true;
	addrset_init(s);
	if (r->all_peers) {
		addrset_add_all(s, AF4);
		addrset_add_all(s, AF6);
		return s;
	}
	addrset_merge(s, &r->nets);
	for (size_t i = 0; r->pods && i < r->pods->n; i++) {
		uint32_t idx = r->pods->v[i];
		const struct pod *p = m->pods[idx];
		if (!p->nips) {
			if (!f->pod_warned[idx] && !p->folded) {
				struct strbuf sb = STRBUF_INIT;
				const struct loc *at =
					r->origin.loc.file ? &r->origin.loc : &p->loc;
				f->pod_warned[idx] = true;
				flat_origin_text(&sb, &r->origin);
				diag_warning(d,
					     p->workload_kind ? DIAG_W_TEMPLATE_MISSING_IP
							      : DIAG_W_MISSING_IP,
					     at,
					     "peer %s/%s has no IP address: left out of the "
					     "firewall rules of %s (its traffic cannot be matched)",
					     p->ns, p->name, sb.buf);
				strbuf_release(&sb);
			}
			continue;
		}
		for (size_t j = 0; j < p->nips; j++)
			addrset_add_addr(s, &p->ips[j]);
	}
	addrset_normalize(s);
	return s;
}

/* ---- runs: rules of one action, compiled to disjoint elements ---- */

struct port_group {
	const struct portset *ports;
	struct addrset peers;
};

static int port_group_cmp(const void *a, const void *b)
{
	const struct port_group *x = a, *y = b;
	return portset_cmp(x->ports, y->ports);
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Growable element lists, one per kind, while a run is compiled. */
struct elems {
	struct flat_elem *v[NFK];
	size_t n[NFK], a[NFK];
};

static void elems_init(struct elems *x)
{
	memset(x, 0, sizeof(*x));
}

static void elems_release(struct elems *x)
{
	for (int k = 0; k < NFK; k++)
		free(x->v[k]);
	elems_init(x);
}

static size_t elems_count(const struct elems *x)
{
	size_t n = 0;
	for (int k = 0; k < NFK; k++)
		n += x->n[k];
	return n;
}

static void add_element(struct elems *x, enum flat_kind k, const struct flat_elem *el)
{
	VEC_PUSH(x->v[k], x->n[k], x->a[k], *el);
}

/* elems_append: move every element of src to the end of dst's lists. */
static void elems_append(struct elems *dst, struct elems *src)
{
	for (int k = 0; k < NFK; k++)
		for (size_t i = 0; i < src->n[k]; i++)
			add_element(dst, (enum flat_kind)k, &src->v[k][i]);
	elems_release(src);
}

/* The compiled form of one run, while it is built. */
struct run_sets {
	struct elems x;
	bool all4, all6; /* every protocol from every IPv4 / IPv6 peer */
};

static void cross_elements(struct elems *x, const struct addrset *u, enum proto p, uint32_t lo,
			   uint32_t hi)
{
	struct prefix *v;
	size_t n;

	v = addrset_prefixes(u, &n);
	for (size_t i = 0; i < n; i++) {
		struct flat_elem el = { v[i], p, lo, hi };
		add_element(x, v[i].a.family == AF4 ? FK_AP4 : FK_AP6, &el);
	}
	free(v);
}

/*
 * segment_elements: elements for peers u on ports lo..hi of p.  Every peer
 * of both families: one protocol . port element.  Otherwise u, or u minus
 * the peers already allowed every protocol, whichever has fewer prefixes
 * (both are correct: the sets of a run share one verdict).
 */
static void segment_elements(struct elems *x, const struct addrset *u, enum proto p, uint32_t lo,
			     uint32_t hi, const struct addrset *any)
{
	struct addrset rest = ADDRSET_INIT;

	if (addrset_is_all(u, AF4) && addrset_is_all(u, AF6)) {
		struct flat_elem el = { { { 0, 0 }, 0 }, p, lo, hi };
		add_element(x, FK_PORT, &el);
		return;
	}
	addrset_subtract(&rest, u, any);
	if (addrset_count_prefixes(&rest) < addrset_count_prefixes(u))
		cross_elements(x, &rest, p, lo, hi);
	else
		cross_elements(x, u, p, lo, hi);
	addrset_release(&rest);
}

/*
 * port_axis: for protocol p, cut the port axis at every boundary of the
 * groups' ranges; each maximal piece of equal peers becomes peers x piece.
 */
static void port_axis(struct elems *x, const struct port_group *g, size_t ng, enum proto p,
		      const struct addrset *any)
{
	uint32_t *b = NULL;
	size_t nb = 0, ab = 0, k = 0;
	struct addrset cur = ADDRSET_INIT, prev = ADDRSET_INIT;
	uint32_t prev_lo = 0, prev_hi = 0;

	for (size_t i = 0; i < ng; i++) {
		for (size_t j = 0; j < g[i].ports->n[p]; j++) {
			VEC_PUSH(b, nb, ab, g[i].ports->r[p][j].lo);
			VEC_PUSH(b, nb, ab, (uint32_t)g[i].ports->r[p][j].hi + 1);
		}
	}
	if (!nb)
		return;
	xqsort(b, nb, sizeof(*b), u32_cmp);
	for (size_t i = 0; i < nb; i++)
		if (!k || b[k - 1] != b[i])
			b[k++] = b[i];
	for (size_t i = 0; i + 1 < k; i++) {
		uint32_t lo = b[i], hi = b[i + 1] - 1;
		addrset_release(&cur);
		for (size_t j = 0; j < ng; j++)
			if (!g[j].ports->any && portset_contains(g[j].ports, p, (uint16_t)lo))
				addrset_merge(&cur, &g[j].peers);
		if (i && prev_hi + 1 == lo && addrset_equal(&prev, &cur)) {
			prev_hi = hi;
			continue;
		}
		if (i && !addrset_is_empty(&prev))
			segment_elements(x, &prev, p, prev_lo, prev_hi, any);
		addrset_release(&prev);
		prev = cur;
		addrset_init(&cur);
		prev_lo = lo;
		prev_hi = hi;
	}
	if (!addrset_is_empty(&prev))
		segment_elements(x, &prev, p, prev_lo, prev_hi, any);
	addrset_release(&prev);
	addrset_release(&cur);
	free(b);
}

static int u128_cmp(const void *a, const void *b)
{
	u128 x = *(const u128 *)a, y = *(const u128 *)b;
	return (x > y) - (x < y);
}

static void interval_elements(struct elems *x, int fam, u128 lo, u128 hi, const struct portset *ps,
			      enum proto p)
{
	struct addrset one = ADDRSET_INIT;
	addrset_add_range(&one, fam, lo, hi);
	for (size_t r = 0; r < ps->n[p]; r++)
		cross_elements(x, &one, p, ps->r[p][r].lo, ps->r[p][r].hi);
	addrset_release(&one);
}

/*
 * addr_axis: for protocol p, cut each family's address axis at every
 * boundary of the groups' peers; each maximal piece of equal port ranges
 * becomes piece x ranges.  A family whose every address is already allowed
 * every protocol is left out.
 */
static void addr_axis(struct elems *x, const struct port_group *g, size_t ng, enum proto p,
		      const struct addrset *any)
{
	for (int fam = AF4; fam <= AF6; fam += AF6 - AF4) {
		u128 *b = NULL, prev_lo = 0, prev_hi = 0;
		size_t nb = 0, ab = 0, k = 0;
		struct portset prev = PORTSET_INIT;
		bool have_prev = false;

		if (addrset_is_all(any, fam))
			continue;
		for (size_t i = 0; i < ng; i++) {
			const struct addrset *s = &g[i].peers;
			size_t n = fam == AF4 ? s->n4 : s->n6;
			if (!g[i].ports->n[p])
				continue;
			for (size_t j = 0; j < n; j++) {
				u128 lo = fam == AF4 ? s->v4[j].lo : s->v6[j].lo;
				u128 hi = fam == AF4 ? s->v4[j].hi : s->v6[j].hi;
				VEC_PUSH(b, nb, ab, lo);
				if (hi != (fam == AF4 ? (u128)UINT32_MAX : ~(u128)0))
					VEC_PUSH(b, nb, ab, hi + 1);
			}
		}
		if (nb)
			xqsort(b, nb, sizeof(*b), u128_cmp);
		for (size_t i = 0; i < nb; i++)
			if (!k || b[k - 1] != b[i])
				b[k++] = b[i];
		for (size_t i = 0; i < k; i++) {
			u128 lo = b[i];
			u128 hi = i + 1 < k ? b[i + 1] - 1
					    : (fam == AF4 ? (u128)UINT32_MAX : ~(u128)0);
			struct addr a = { (uint8_t)fam, lo };
			struct portset cur = PORTSET_INIT;
			for (size_t j = 0; j < ng; j++) {
				if (!addrset_contains(&g[j].peers, &a))
					continue;
				for (size_t r = 0; r < g[j].ports->n[p]; r++)
					portset_add(&cur, p, g[j].ports->r[p][r].lo,
						    g[j].ports->r[p][r].hi);
			}
			if (have_prev && prev_hi + 1 == lo && portset_equal(&prev, &cur)) {
				prev_hi = hi;
				portset_release(&cur);
				continue;
			}
			if (have_prev)
				interval_elements(x, fam, prev_lo, prev_hi, &prev, p);
			portset_release(&prev);
			prev = cur;
			prev_lo = lo;
			prev_hi = hi;
			have_prev = true;
		}
		if (have_prev)
			interval_elements(x, fam, prev_lo, prev_hi, &prev, p);
		portset_release(&prev);
		free(b);
	}
}

static void compile_run(struct flat *f, struct diag *d, const struct ir_rule *const *rules,
			size_t n, struct run_sets *rs)
{
	struct addrset any = ADDRSET_INIT;
	struct port_group *g = NULL;
	size_t ng = 0, ag = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct ir_rule *r = rules[i];
		const struct addrset *peers = rule_peers(f, d, r);
		if (portset_is_empty(&r->ports) || addrset_is_empty(peers))
			continue;
		if (r->ports.any) {
			addrset_merge(&any, peers);
			continue;
		}
		VEC_GROW(g, ng + 1, ag);
		g[ng].ports = &r->ports;
		addrset_init(&g[ng].peers);
		addrset_merge(&g[ng].peers, peers);
		ng++;
	}
	/* rules with equal port sets: one group with the union of their peers */
	if (ng)
		xqsort(g, ng, sizeof(*g), port_group_cmp);
	for (size_t i = 0; i < ng; i++) {
		if (k && !portset_cmp(g[k - 1].ports, g[i].ports)) {
			addrset_merge(&g[k - 1].peers, &g[i].peers);
			addrset_release(&g[i].peers);
		} else {
			g[k++] = g[i];
		}
	}
	ng = k;
	for (size_t i = 0; i < ng; i++)
		addrset_normalize(&g[i].peers);

	rs->all4 = addrset_is_all(&any, AF4);
	rs->all6 = addrset_is_all(&any, AF6);
	if (!(rs->all4 && rs->all6)) {
		struct prefix *v;
		size_t nv;
		v = addrset_prefixes(&any, &nv);
		for (size_t i = 0; i < nv; i++) {
			struct flat_elem el = { v[i], PROTO_TCP, 0, 0 };
			if ((v[i].a.family == AF4 && rs->all4) ||
			    (v[i].a.family == AF6 && rs->all6))
				continue;
			add_element(&rs->x, v[i].a.family == AF4 ? FK_ADDR4 : FK_ADDR6, &el);
		}
		free(v);
		/* per protocol, whichever cut gives fewer elements (the port cut on a tie) */
		for (int p = 0; p < NPROTO; p++) {
			struct elems by_port, by_addr;
			elems_init(&by_port);
			elems_init(&by_addr);
			port_axis(&by_port, g, ng, (enum proto)p, &any);
			addr_axis(&by_addr, g, ng, (enum proto)p, &any);
			if (elems_count(&by_addr) < elems_count(&by_port))
				elems_append(&rs->x, &by_addr);
			else
				elems_append(&rs->x, &by_port);
			elems_release(&by_port);
			elems_release(&by_addr);
		}
	}
	for (size_t i = 0; i < ng; i++)
		addrset_release(&g[i].peers);
	free(g);
	addrset_release(&any);
}

/* ---- stages ---- */

static void build_run(struct flat *f, struct diag *d, const struct ir_rule *const *rules, size_t n,
		      struct flat_run *run)
{
	struct run_sets rs;
	memset(run, 0, sizeof(*run));
	memset(&rs, 0, sizeof(rs));
	compile_run(f, d, rules, n, &rs);
	run->action = rules[0]->action;
	run->all[0] = rs.all4;
	run->all[1] = rs.all6;
	for (int k = 0; k < NFK; k++) {
		run->el[k] = rs.x.v[k]; /* the run owns the lists now */
		run->nel[k] = rs.x.n[k];
	}
	run_origins(run, rules, n);
}

/*
 * build_stage: the runs of one applying tier.  Once a run matches
 * everything, the rest of the tier is unreachable and left out.
 */
static void build_stage(struct flat *f, struct diag *d, const struct ir_tier *t,
			struct flat_stage *st)
{
	const struct ir_rule **live;
	size_t alloc = 0, nlive = 0;
	memset(st, 0, sizeof(*st));
	st->tier = t->name;
	st->end = t->end_action;
	st->npolicies = t->npolicies;
	st->policies = xcalloc(t->npolicies + 1, sizeof(*st->policies));
	if (t->npolicies)
		memcpy(st->policies, t->policies, t->npolicies * sizeof(*t->policies));
	/*
	 * rules that match nothing (a selector no pod matches) are left out, as
	 * the merge pass drops them: the output is the same at every pass
	 */
	live = xcalloc(t->nrules + 1, sizeof(*live));
	for (size_t i = 0; i < t->nrules; i++)
		if (!ir_rule_matches_nothing(t->rules[i]))
			live[nlive++] = t->rules[i];
	for (size_t i = 0, n; i < nlive && !st->closed; i += n) {
		struct flat_run *run;
		for (n = 1; i + n < nlive && live[i + n]->action == live[i]->action; n++)
			;
		VEC_GROW(st->runs, st->nruns + 1, alloc);
		run = &st->runs[st->nruns++];
		build_run(f, d, &live[i], n, run);
		st->closed = run->all[0] && run->all[1];
	}
	free(live);
}

static void release_stages(struct flat_stage *v, size_t n)
{
	for (size_t s = 0; s < n; s++) {
		for (size_t r = 0; r < v[s].nruns; r++) {
			for (int k = 0; k < NFK; k++)
				free(v[s].runs[r].el[k]);
			free(v[s].runs[r].origins);
		}
		free(v[s].runs);
		free(v[s].policies);
	}
	free(v);
}

/* ---- programs ---- */

/* rules_key: the applying tiers' end actions and rule ids (a cache key). */
static void rules_key(struct strbuf *sb, const struct ir_endpoint *ep, enum dir dir)
{
	for (size_t t = 0; t < ep->dir[dir].ntiers; t++) {
		const struct ir_tier *tier = &ep->dir[dir].tiers[t];
		if (!tier->applies)
			continue;
		strbuf_addf(sb, "%d:", (int)tier->end_action);
		for (size_t i = 0; i < tier->nrules; i++)
			strbuf_addf(sb, "%zu,", tier->rules[i]->id);
		strbuf_addch(sb, ';');
	}
}

/* content_key: the stages' meaning, field by field (no struct padding). */
static void content_key(struct strbuf *sb, const struct flat_stage *v, size_t n)
{
	for (size_t s = 0; s < n; s++) {
		unsigned char hdr[2] = { (unsigned char)v[s].closed, (unsigned char)v[s].end };
		strbuf_add(sb, hdr, sizeof(hdr));
		strbuf_add(sb, &v[s].nruns, sizeof(v[s].nruns));
		for (size_t r = 0; r < v[s].nruns; r++) {
			const struct flat_run *run = &v[s].runs[r];
			unsigned char rh[3] = { (unsigned char)run->action, run->all[0],
						run->all[1] };
			strbuf_add(sb, rh, sizeof(rh));
			for (int k = 0; k < NFK; k++) {
				strbuf_add(sb, &run->nel[k], sizeof(run->nel[k]));
				for (size_t i = 0; i < run->nel[k]; i++) {
					const struct flat_elem *el = &run->el[k][i];
					unsigned char eh[2] = { el->px.a.family, el->px.len };
					uint16_t pp[3] = { (uint16_t)el->proto, el->lo, el->hi };
					strbuf_add(sb, eh, sizeof(eh));
					strbuf_add(sb, &el->px.a.v, sizeof(el->px.a.v));
					strbuf_add(sb, pp, sizeof(pp));
				}
			}
		}
	}
}

static void append_origins(struct flat_run *dst, const struct flat_run *src)
{
	dst->origins = xreallocarray(dst->origins, st_add(dst->norigins, src->norigins),
				     sizeof(*dst->origins));
	memcpy(dst->origins + dst->norigins, src->origins, src->norigins * sizeof(*src->origins));
	dst->norigins += src->norigins;
}

static int policy_cmp(const void *a, const void *b)
{
	const struct policy *x = *(const struct policy *const *)a,
			    *y = *(const struct policy *const *)b;
	return (x->index > y->index) - (x->index < y->index);
}

/* merge_into: program p gets the origins and policies of stages v (equal content). */
static void merge_into(struct flat_prog *p, const struct flat_stage *v)
{
	for (size_t s = 0; s < p->nstages; s++) {
		struct flat_stage *st = &p->stages[s];
		for (size_t r = 0; r < st->nruns; r++)
			append_origins(&st->runs[r], &v[s].runs[r]);
		st->policies =
			xreallocarray(st->policies, st_add(st->npolicies, v[s].npolicies + 1),
				      sizeof(*st->policies));
		memcpy(st->policies + st->npolicies, v[s].policies,
		       v[s].npolicies * sizeof(*v[s].policies));
		st->npolicies += v[s].npolicies;
	}
}

/* tidy_merged: distinct origins and policies again after merge_into. */
static void tidy_merged(struct flat_prog *p)
{
	for (size_t s = 0; s < p->nstages; s++) {
		struct flat_stage *st = &p->stages[s];
		size_t k = 0;
		for (size_t r = 0; r < st->nruns; r++)
			dedup_origins(st->runs[r].origins, &st->runs[r].norigins);
		if (st->npolicies)
			xqsort(st->policies, st->npolicies, sizeof(*st->policies), policy_cmp);
		for (size_t i = 0; i < st->npolicies; i++)
			if (!k || st->policies[k - 1] != st->policies[i])
				st->policies[k++] = st->policies[i];
		st->npolicies = k;
	}
}

static void assign_programs(struct flat *f, struct diag *d, enum dir dir)
{
	struct strmap by_rules = STRMAP_INIT, by_content = STRMAP_INIT;
	struct strbuf key = STRBUF_INIT;
	struct arena keys = { 0 };
	size_t aprogs = 0, *ausers = NULL;
	bool *merged = NULL;

	for (size_t i = 0; i < f->ir->neps; i++) {
		const struct ir_endpoint *ep = &f->ir->eps[i];
		struct strmap_slot *slot;
		struct flat_prog *p;
		if (f->skip[i] || !ir_dir_applies(&ep->dir[dir]))
			continue;
		strbuf_reset(&key);
		rules_key(&key, ep, dir);
		slot = strmap_slot(&by_rules, key.buf, key.len);
		if (!slot->value) {
			const struct ir_dir *dd = &ep->dir[dir];
			struct flat_stage *v = xcalloc(dd->ntiers + 1, sizeof(*v));
			struct strmap_slot *cs;
			size_t nv = 0;
			slot->key = arena_memdup(&keys, key.buf, key.len + 1);
			for (size_t t = 0; t < dd->ntiers; t++)
				if (dd->tiers[t].applies)
					build_stage(f, d, &dd->tiers[t], &v[nv++]);
			strbuf_reset(&key);
			content_key(&key, v, nv);
			cs = strmap_slot(&by_content, key.buf, key.len);
			if (cs->value) {
				size_t pi = (size_t)(uintptr_t)cs->value - 1;
				merge_into(&f->progs[dir][pi], v);
				merged[pi] = true;
				release_stages(v, nv);
			} else {
				size_t old = aprogs;
				cs->key = arena_memdup(&keys, key.buf, key.len + 1);
				VEC_GROW(f->progs[dir], f->nprogs[dir] + 1, aprogs);
				if (aprogs != old) {
					ausers = xreallocarray(ausers, aprogs, sizeof(*ausers));
					merged = xreallocarray(merged, aprogs, sizeof(*merged));
				}
				p = &f->progs[dir][f->nprogs[dir]];
				memset(p, 0, sizeof(*p));
				p->dir = dir;
				p->index = f->nprogs[dir];
				p->stages = v;
				p->nstages = nv;
				p->hash = hash_bytes(HASH_INIT, key.buf, key.len);
				ausers[p->index] = 0;
				merged[p->index] = false;
				cs->value = (void *)(uintptr_t)++f->nprogs[dir];
			}
			slot->value = cs->value;
		}
		f->ep_prog[dir][i] = (size_t)(uintptr_t)slot->value;
		p = &f->progs[dir][f->ep_prog[dir][i] - 1];
		VEC_PUSH(p->users, p->nusers, ausers[p->index], ep);
	}
	for (size_t i = 0; i < f->nprogs[dir]; i++)
		if (merged[i])
			tidy_merged(&f->progs[dir][i]);
	free(ausers);
	free(merged);
	strbuf_release(&key);
	strmap_release(&by_rules);
	strmap_release(&by_content);
	arena_release(&keys);
}

static int prog_hash_cmp(const void *a, const void *b)
{
	const struct flat_prog *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/*
 * name_programs: order dir's programs by content hash and name them from
 * it (see flat.h); the endpoints' program numbers follow the new order.
 */
static void name_programs(struct flat *f, enum dir dir)
{
	struct flat_prog *v = f->progs[dir];
	size_t n = f->nprogs[dir], *to = xcalloc(n + 1, sizeof(*to));

	if (n)
		xqsort(v, n, sizeof(*v), prog_hash_cmp);
	for (size_t i = 0; i < n; i++) {
		bool near = (i && v[i - 1].hash >> 16 == v[i].hash >> 16) ||
			    (i + 1 < n && v[i + 1].hash >> 16 == v[i].hash >> 16);
		size_t same = 0;
		while (same < i && v[i - same - 1].hash == v[i].hash)
			same++;
		to[v[i].index] = i;
		v[i].index = i;
		if (near)
			snprintf(v[i].id, sizeof(v[i].id), "%016llx",
				 (unsigned long long)v[i].hash);
		else
			snprintf(v[i].id, sizeof(v[i].id), "%012llx",
				 (unsigned long long)(v[i].hash >> 16));
		if (same || (i + 1 < n && v[i + 1].hash == v[i].hash))
			snprintf(v[i].id + 16, sizeof(v[i].id) - 16, "x%zu", same);
	}
	for (size_t i = 0; i < f->ir->neps; i++)
		if (f->ep_prog[dir][i])
			f->ep_prog[dir][i] = to[f->ep_prog[dir][i] - 1] + 1;
	free(to);
}

int flat_build(struct flat *f, const struct ir *ir, struct diag *d)
{
	memset(f, 0, sizeof(*f));
	f->ir = ir;
	f->host_mode = ir->host_mode;
	f->peers = xcalloc(ir->nrules + 1, sizeof(*f->peers));
	f->peers_done = xcalloc(ir->nrules + 1, sizeof(*f->peers_done));
	f->pod_warned = xcalloc(ir->model->npods + 1, sizeof(*f->pod_warned));
	f->skip = xcalloc(ir->neps + 1, sizeof(*f->skip));
	for (int dir = 0; dir < NDIR; dir++)
		f->ep_prog[dir] = xcalloc(ir->neps + 1, sizeof(size_t));
	if (!ir->host_mode)
		dispatch_mark(f, d);
	for (int dir = 0; dir < NDIR; dir++) {
		assign_programs(f, d, (enum dir)dir);
		name_programs(f, (enum dir)dir);
	}
	if (!ir->host_mode) {
		dispatch_build(f);
		return 0;
	}
	if (ir->neps && !f->ep_prog[DIR_INGRESS][0] && !f->ep_prog[DIR_EGRESS][0]) {
		/* a typo in --namespace or --labels must not pass unnoticed */
		const struct pod *p = ir->eps[0].pod;
		struct loc l = p->loc.file ? p->loc : loc_none("<command line>");
		if (p->host_network)
			diag_warning(
				d, DIAG_W_HOST_NETWORK, &l,
				"%s/%s uses the host network: no policy applies to it (its "
				"traffic is its node's), so the rules written allow all of its "
				"traffic in both directions",
				p->ns, p->name);
		else
			diag_warning(d, DIAG_W_UNSELECTED_ENDPOINT, &l,
				     "no policy selects %s/%s: the rules written allow all of its "
				     "traffic in both directions",
				     p->ns, p->name);
	}
	return 0;
}

void flat_release(struct flat *f)
{
	for (int dir = 0; dir < NDIR; dir++) {
		for (size_t i = 0; i < f->nprogs[dir]; i++) {
			release_stages(f->progs[dir][i].stages, f->progs[dir][i].nstages);
			free(f->progs[dir][i].users);
		}
		free(f->progs[dir]);
		free(f->ep_prog[dir]);
	}
	for (size_t i = 0; f->peers && i < f->ir->nrules; i++)
		if (f->peers_done[i])
			addrset_release(&f->peers[i]);
	free(f->peers);
	free(f->peers_done);
	free(f->pod_warned);
	free(f->skip);
	free(f->disp);
	memset(f, 0, sizeof(*f));
}

const struct flat_prog *flat_prog_of(const struct flat *f, size_t ep, enum dir dir)
{
	if (ep >= f->ir->neps || !f->ep_prog[dir][ep])
		return NULL;
	return &f->progs[dir][f->ep_prog[dir][ep] - 1];
}

/* ---- the walk, read directly ---- */

static bool elem_matches(enum flat_kind k, const struct flat_elem *el, const struct addr *a,
			 int proto, uint16_t port)
{
	if (flat_kind_family(k) && !prefix_contains(&el->px, a))
		return false;
	if (!flat_kind_has_port(k))
		return true;
	return proto >= 0 && (enum proto)proto == el->proto && port >= el->lo && port <= el->hi;
}

static bool run_matches(const struct flat_run *run, const struct addr *a, int proto, uint16_t port)
{
	if (run->all[a->family == AF6])
		return true;
	for (int k = 0; k < NFK; k++) {
		int fam = flat_kind_family((enum flat_kind)k);
		if (fam && fam != a->family)
			continue;
		for (size_t i = 0; i < run->nel[k]; i++)
			if (elem_matches((enum flat_kind)k, &run->el[k][i], a, proto, port))
				return true;
	}
	return false;
}

bool flat_eval(const struct flat_prog *p, const struct addr *a, int proto, uint16_t port)
{
	for (size_t s = 0; s < p->nstages; s++) {
		const struct flat_stage *st = &p->stages[s];
		bool next = false;
		for (size_t r = 0; r < st->nruns && !next; r++) {
			if (!run_matches(&st->runs[r], a, proto, port))
				continue;
			if (st->runs[r].action != ACT_PASS)
				return st->runs[r].action == ACT_ALLOW;
			next = true;
		}
		if (!next && !st->closed && st->end == ACT_DENY)
			return false;
	}
	return true;
}
