/*
 * lint.c - warnings for valid policy that probably does not mean what its
 * author thinks (`netpolc check`).  Every warning is located at the policy,
 * rule or selector it is about.  Checks that need an inventory run only when
 * the input has one (a declared Namespace or a Pod/workload).
 */
#include "ir/lint.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ir/eval.h"
#include "ir/resolve.h"
#include "lib/strbuf.h"
#include "lib/strmap.h"
#include "lib/util.h"

/* ploc: where to point at a policy: its name, or the object. */
static const struct loc *ploc(const struct policy *p)
{
	return p->name_loc.line ? &p->name_loc : &p->loc;
}

/* name_says_deny: the policy name contains "deny" or "block" as a word part. */
static bool name_says_deny(const char *name)
{
	static const char *const words[] = { "deny", "block", "drop", "reject" };
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		const char *p = strstr(name, words[i]);
		size_t n = strlen(words[i]);
		for (; p; p = strstr(p + 1, words[i])) {
			bool left = p == name || !isalnum((unsigned char)p[-1]);
			bool right = !isalpha((unsigned char)p[n]) || !strncmp(p + n, "s", 1) ||
				     !strncmp(p + n, "ed", 2) || !strncmp(p + n, "ing", 3);
			if (left && right)
				return true;
		}
	}
	return false;
}

static void lint_deny_name(const struct policy *p, struct diag *d)
{
	enum dir which = NDIR;
	if (!name_says_deny(p->name))
		return;
	for (int dir = 0; dir < NDIR && which == NDIR; dir++)
		if (p->types[dir] && p->nrules[dir])
			which = dir;
	if (which == NDIR)
		return;
	diag_warning(d, DIAG_W_DENY_NAME, &p->name_loc,
		     "policy '%s' is named like a deny, but NetworkPolicy rules only allow: its "
		     "%s rules allow the traffic they match",
		     p->name, dir_name(which));
	diag_note(d, &p->rules[which][0].loc,
		  "this rule allows traffic; to deny some sources, allow all the others (or "
		  "isolate the pods with a policy that has no rules)");
}

static void lint_ignored_rules(const struct policy *p, struct diag *d)
{
	for (int dir = 0; dir < NDIR; dir++) {
		if (!p->types_explicit || p->types[dir] || !p->nrules[dir])
			continue;
		diag_warning(d, DIAG_W_IGNORED_RULES, &p->rules_loc[dir],
			     "%s rules of policy '%s' are ignored: its policyTypes does not "
			     "include %s",
			     dir_name(dir), p->name, dir_type_name(dir));
		diag_note(d, &p->types_loc, "policyTypes given here");
	}
}

/* ---- namespace selectors on labels that no namespace has ---- */

static bool some_ns_has_key(const struct model *m, const char *key)
{
	for (size_t i = 0; i < m->nnamespaces; i++)
		if (labelset_get(&m->namespaces[i]->labels, key))
			return true;
	return false;
}

static void lint_ns_key(const struct model *m, const char *key, const struct loc *loc,
			struct diag *d)
{
	if (some_ns_has_key(m, key))
		return;
	diag_warning(d, DIAG_W_UNKNOWN_NS_LABEL, loc,
		     "no namespace in the input has the label '%s'", key);
	if (!strcmp(key, "name"))
		diag_note(d, loc,
			  "the API server labels every namespace with %s=<name>; "
			  "select by that instead of a hand-made 'name' label",
			  LABEL_NS_NAME);
}

static void lint_ns_selectors(const struct model *m, const struct policy *p, struct diag *d)
{
	for (int dir = 0; dir < NDIR; dir++) {
		for (size_t r = 0; r < p->nrules[dir]; r++) {
			const struct rule *ru = &p->rules[dir][r];
			for (size_t i = 0; i < ru->npeers; i++) {
				const struct selector *s = ru->peers[i].ns_sel;
				if (!s)
					continue;
				for (size_t k = 0; k < s->nlabels; k++)
					lint_ns_key(m, s->match_labels[k].key,
						    &s->match_labels[k].loc, d);
				for (size_t k = 0; k < s->nexprs; k++)
					if (s->exprs[k].op == SEL_IN ||
					    s->exprs[k].op == SEL_EXISTS)
						lint_ns_key(m, s->exprs[k].key, &s->exprs[k].loc,
							    d);
			}
		}
	}
}

/* ---- rules covered by the union of earlier rules ---- */

/* sel_within: every pod that a selects, b selects too (syntactically: b's terms are in a). */
static bool sel_within(const struct selector *a, const struct selector *b)
{
	if (!b)
		return !a;
	if (!a)
		return selector_is_empty(b);
	for (size_t i = 0; i < b->nlabels; i++) {
		const char *v = NULL;
		for (size_t j = 0; j < a->nlabels && !v; j++)
			if (!strcmp(a->match_labels[j].key, b->match_labels[i].key))
				v = a->match_labels[j].value;
		if (!v || strcmp(v, b->match_labels[i].value))
			return false;
	}
	for (size_t i = 0; i < b->nexprs; i++) {
		const struct sel_req *q = &b->exprs[i];
		bool found = false;
		for (size_t j = 0; j < a->nexprs && !found; j++) {
			const struct sel_req *r = &a->exprs[j];
			if (r->op != q->op || strcmp(r->key, q->key) || r->nvalues != q->nvalues)
				continue;
			found = true;
			for (size_t k = 0; k < r->nvalues && found; k++)
				found = !strcmp(r->values[k], q->values[k]);
		}
		if (!found)
			return false;
	}
	return true;
}

/* peer_within: every pod peer a matches, peer b matches (for selector peers). */
static bool peer_within(const struct peer *a, const struct peer *b)
{
	if (a->ipblock || b->ipblock)
		return false;
	if (b->ns_sel) {
		/* b: pods (matching b->pod_sel) of namespaces matching b->ns_sel */
		if (!a->ns_sel)
			return selector_is_empty(b->ns_sel) &&
			       (!b->pod_sel || sel_within(a->pod_sel, b->pod_sel));
		if (!sel_within(a->ns_sel, b->ns_sel))
			return false;
	} else if (a->ns_sel) {
		return false;
	}
	return !b->pod_sel || sel_within(a->pod_sel, b->pod_sel);
}

/*
 * Rule k adds nothing when, on every atom of its ports and for every one of
 * its peers, the rules before it already match that peer.  An atom is one
 * elementary range of one protocol (the ports are cut at every boundary of
 * rules 0..k, so a range of any of those rules either holds an atom whole
 * or misses it), one named port, or "other protocols" (a rule without
 * ports).  The rules before k that hold an atom are found through groups,
 * one per way of holding it: rules without ports; rules with every port of
 * a protocol; rules with a given named port; rules with a given numeric
 * range.  A group keeps what its rules match, gathered as they are added:
 * whether one matches every peer, the union of their ipBlocks (as sorted
 * runs, see struct cover), and their selector peers indexed by the first
 * term of the pod selector.  Checking rule k then costs its atoms times
 * the groups holding each, never the number of rules before it.
 */

/* What the rules of one group match together. */
struct cover {
	bool all; /* a rule without peers: every peer */
	/*
	 * The union of the group's ipBlocks as runs of decreasing size: a new
	 * run is merged with the last while that one is not larger, so each
	 * address is copied O(log n) times and a test looks at O(log n) runs.
	 */
	struct addrset *runs;
	size_t nruns, aruns;
	int lo, hi; /* numeric range groups: the range (else -1) */
};

/* A selector peer of an earlier rule, listed under (group, first pod selector term). */
struct sel_entry {
	const struct peer *peer;
	struct sel_entry *next;
};

struct covering {
	struct cover *groups; /* 0: no ports; 1 + proto: every port of proto */
	size_t ngroups, agroups;
	struct strmap ids;    /* named port or numeric range -> group id + 1 */
	struct strmap sels;   /* group id + term -> struct sel_entry list */
	size_t *wide[NPROTO]; /* numeric range groups lo < hi, per protocol */
	size_t nwide[NPROTO], awide[NPROTO];
	uint64_t *cuts[NPROTO]; /* bit b: some rule has a range starting at b or ending at b - 1 */
	struct arena *a;
	struct strbuf key;
};

#define CUT_WORDS ((65536 + 1 + 63) / 64)

static bool is_cut(const uint64_t *cuts, uint32_t b)
{
	return cuts[b / 64] >> (b % 64) & 1;
}

static void set_cut(uint64_t *cuts, uint32_t b)
{
	cuts[b / 64] |= (uint64_t)1 << (b % 64);
}

/* next_cut: the first cut above b (65536 is always one). */
static uint32_t next_cut(const uint64_t *cuts, uint32_t b)
{
	for (b++; b % 64 && !is_cut(cuts, b); b++)
		;
	if (is_cut(cuts, b))
		return b;
	for (size_t w = b / 64; w < CUT_WORDS; w++)
		if (cuts[w])
			return (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(cuts[w]));
	BUG("next_cut: no cut above %u", b);
}

static void covering_init(struct covering *c, struct arena *a)
{
	memset(c, 0, sizeof(*c));
	c->a = a;
	strbuf_init(&c->key);
	for (int proto = 0; proto < NPROTO; proto++) {
		c->cuts[proto] = xcalloc(CUT_WORDS, sizeof(uint64_t));
		set_cut(c->cuts[proto], 0);
		set_cut(c->cuts[proto], 65536);
	}
	for (int g = 0; g < 1 + NPROTO; g++) {
		struct cover cv = { .lo = -1, .hi = -1 };
		VEC_PUSH(c->groups, c->ngroups, c->agroups, cv);
	}
}

static void covering_release(struct covering *c)
{
	for (size_t g = 0; g < c->ngroups; g++) {
		for (size_t i = 0; i < c->groups[g].nruns; i++)
			addrset_release(&c->groups[g].runs[i]);
		free(c->groups[g].runs);
	}
	free(c->groups);
	strmap_release(&c->ids);
	strmap_release(&c->sels);
	for (int proto = 0; proto < NPROTO; proto++) {
		free(c->wide[proto]);
		free(c->cuts[proto]);
	}
	strbuf_release(&c->key);
}

/* group_id: the group of a named port (name set) or of the range lo..hi; created if create. */
static size_t group_id(struct covering *c, int proto, const char *name, int lo, int hi, bool create)
{
	struct strmap_slot *s;
	strbuf_reset(&c->key);
	if (name)
		strbuf_addf(&c->key, "n%d %s", proto, name);
	else
		strbuf_addf(&c->key, "r%d %d %d", proto, lo, hi);
	if (!create) {
		void *v = strmap_get(&c->ids, c->key.buf, c->key.len);
		return v ? (size_t)((uintptr_t)v - 1) : SIZE_MAX;
	}
	s = strmap_slot(&c->ids, c->key.buf, c->key.len);
	if (!s->value) {
		struct cover cv = { .lo = name ? -1 : lo, .hi = name ? -1 : hi };
		s->key = arena_strndup(c->a, c->key.buf, c->key.len);
		s->value = (void *)(uintptr_t)(c->ngroups + 1);
		if (!name && lo < hi)
			VEC_PUSH(c->wide[proto], c->nwide[proto], c->awide[proto], c->ngroups);
		VEC_PUSH(c->groups, c->ngroups, c->agroups, cv);
	}
	return (size_t)((uintptr_t)s->value - 1);
}

/* sel_key: group g and one term of a pod selector (NULL: the selector has no term). */
static void sel_key(struct strbuf *sb, size_t g, const struct selector *s, size_t term)
{
	strbuf_reset(sb);
	strbuf_addf(sb, "%zu", g);
	if (!s || term >= s->nlabels + s->nexprs)
		return;
	if (term < s->nlabels) {
		strbuf_addf(sb, "\x01%s\x02%s", s->match_labels[term].key,
			    s->match_labels[term].value);
	} else {
		const struct sel_req *q = &s->exprs[term - s->nlabels];
		strbuf_addf(sb, "\x03%s\x02%d", q->key, (int)q->op);
		for (size_t j = 0; j < q->nvalues; j++)
			strbuf_addf(sb, "\x02%s", q->values[j]);
	}
}

static void group_add(struct covering *c, size_t g, const struct rule *r)
{
	struct cover *cv = &c->groups[g];
	struct addrset run = ADDRSET_INIT;
	if (!r->npeers)
		cv->all = true;
	for (size_t i = 0; i < r->npeers; i++) {
		const struct peer *q = &r->peers[i];
		if (q->ipblock) {
			ipblock_addrs(q->ipblock, &run);
		} else {
			/* peer_within(pe, q) needs every term of q's pod selector in pe's */
			struct strmap_slot *s;
			struct sel_entry *e = arena_zalloc(c->a, sizeof(*e));
			sel_key(&c->key, g, q->pod_sel, 0);
			s = strmap_slot(&c->sels, c->key.buf, c->key.len);
			if (!s->value)
				s->key = arena_strndup(c->a, c->key.buf, c->key.len);
			e->peer = q;
			e->next = s->value;
			s->value = e;
		}
	}
	if (addrset_is_empty(&run))
		return;
	addrset_normalize(&run);
	while (cv->nruns &&
	       cv->runs[cv->nruns - 1].n4 + cv->runs[cv->nruns - 1].n6 <= run.n4 + run.n6) {
		struct addrset u;
		addrset_union(&u, &cv->runs[cv->nruns - 1], &run);
		addrset_release(&cv->runs[--cv->nruns]);
		addrset_release(&run);
		run = u;
	}
	VEC_PUSH(cv->runs, cv->nruns, cv->aruns, run);
}

/* covering_add_cuts: the boundaries of r's numeric ranges cut the atoms from now on. */
static void covering_add_cuts(struct covering *c, const struct rule *r)
{
	for (size_t i = 0; i < r->nports; i++) {
		const struct port *p = &r->ports[i];
		if (p->name || !p->has_port)
			continue;
		set_cut(c->cuts[p->proto], p->port);
		set_cut(c->cuts[p->proto], (uint32_t)(p->end_port ? p->end_port : p->port) + 1);
	}
}

/* covering_add: rule r joins the group of every way it holds atoms. */
static void covering_add(struct covering *c, const struct rule *r)
{
	if (!r->nports)
		group_add(c, 0, r);
	for (size_t i = 0; i < r->nports; i++) {
		const struct port *p = &r->ports[i];
		if (p->name)
			group_add(c, group_id(c, p->proto, p->name, 0, 0, true), r);
		else if (!p->has_port)
			group_add(c, 1 + p->proto, r);
		else
			group_add(c,
				  group_id(c, p->proto, NULL, p->port,
					   p->end_port ? p->end_port : p->port, true),
				  r);
	}
}

/* An atom: the groups of earlier rules that hold it. */
struct atom_groups {
	size_t *v;
	size_t n, a;
};

static void atom_numeric(struct covering *c, int proto, uint32_t lo, struct atom_groups *ag)
{
	size_t g = group_id(c, proto, NULL, (int)lo, (int)lo, false);
	ag->n = 0;
	VEC_PUSH(ag->v, ag->n, ag->a, 0);
	VEC_PUSH(ag->v, ag->n, ag->a, (size_t)1 + proto);
	if (g != SIZE_MAX)
		VEC_PUSH(ag->v, ag->n, ag->a, g);
	for (size_t i = 0; i < c->nwide[proto]; i++) {
		const struct cover *cv = &c->groups[c->wide[proto][i]];
		if (cv->lo <= (int)lo && (int)lo <= cv->hi)
			VEC_PUSH(ag->v, ag->n, ag->a, c->wide[proto][i]);
	}
}

/* atom_covers: the groups match peer pe (NULL: a rule without peers needs one without too). */
static bool atom_covers(struct covering *c, const struct atom_groups *ag, const struct peer *pe)
{
	for (size_t i = 0; i < ag->n; i++)
		if (c->groups[ag->v[i]].all)
			return true;
	if (!pe)
		return false;
	if (pe->ipblock) {
		const struct addrset **sets = NULL;
		size_t nsets = 0, asets = 0;
		struct addrset want = ADDRSET_INIT;
		bool covered;
		for (size_t i = 0; i < ag->n; i++) {
			const struct cover *cv = &c->groups[ag->v[i]];
			for (size_t j = 0; j < cv->nruns; j++)
				VEC_PUSH(sets, nsets, asets, &cv->runs[j]);
		}
		ipblock_addrs(pe->ipblock, &want);
		covered = addrset_subset_union(&want, (const struct addrset *const *)sets, nsets);
		addrset_release(&want);
		free(sets);
		return covered;
	}
	for (size_t i = 0; i < ag->n; i++) {
		const struct selector *s = pe->pod_sel;
		size_t nterms = s ? s->nlabels + s->nexprs : 0;
		/* term nterms stands for the peers whose pod selector has no term */
		for (size_t t = 0; t <= nterms; t++) {
			const struct sel_entry *e;
			sel_key(&c->key, ag->v[i], s, t);
			e = strmap_get(&c->sels, c->key.buf, c->key.len);
			for (; e; e = e->next)
				if (peer_within(pe, e->peer))
					return true;
		}
	}
	return false;
}

/* atom_covered: every peer of rule rk (or rk's "every peer") is matched on the atom. */
static bool atom_covered(struct covering *c, const struct atom_groups *ag, const struct rule *rk)
{
	if (!rk->npeers)
		return atom_covers(c, ag, NULL);
	for (size_t i = 0; i < rk->npeers; i++)
		if (!atom_covers(c, ag, &rk->peers[i]))
			return false;
	return true;
}

static int cmp_range(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* numeric_covered: every atom of rk's numeric ports of proto is covered (cuts include rk's). */
static bool numeric_covered(struct covering *c, const struct rule *rk, int proto,
			    struct atom_groups *ag)
{
	uint32_t(*ranges)[2] = NULL;
	size_t n = 0, alloc = 0;
	bool covered = true;
	for (size_t i = 0; i < rk->nports; i++) {
		const struct port *p = &rk->ports[i];
		uint32_t r[2] = { 0, 65535 };
		if ((int)p->proto != proto || p->name)
			continue;
		if (p->has_port) {
			r[0] = p->port;
			r[1] = p->end_port ? p->end_port : p->port;
		}
		VEC_GROW(ranges, n + 1, alloc);
		memcpy(ranges[n++], r, sizeof(r));
	}
	if (!rk->nports) {
		uint32_t r[2] = { 0, 65535 };
		VEC_GROW(ranges, n + 1, alloc);
		memcpy(ranges[n++], r, sizeof(r));
	}
	xqsort(ranges, n, sizeof(*ranges), cmp_range);
	/* every atom once: walk the union of the ranges, atom by atom */
	for (size_t i = 0, done = 0; i < n && covered; i++) {
		uint32_t lo = ranges[i][0] > done ? ranges[i][0] : (uint32_t)done;
		while (lo <= ranges[i][1] && covered) {
			atom_numeric(c, proto, lo, ag);
			covered = atom_covered(c, ag, rk);
			lo = next_cut(c->cuts[proto], lo);
		}
		if (lo > done)
			done = lo;
	}
	free(ranges);
	return covered;
}

/* rule_covered: rule rk adds nothing to the rules added to c before it. */
static bool rule_covered(struct covering *c, const struct rule *rk)
{
	struct atom_groups ag = { 0 };
	bool covered = true;
	for (int proto = 0; proto < NPROTO && covered; proto++) {
		covered = numeric_covered(c, rk, proto, &ag);
		for (size_t j = 0; j < rk->nports && covered; j++) {
			const struct port *pt = &rk->ports[j];
			size_t g;
			if ((int)pt->proto != proto || !pt->name)
				continue;
			ag.n = 0;
			VEC_PUSH(ag.v, ag.n, ag.a, 0);
			VEC_PUSH(ag.v, ag.n, ag.a, (size_t)1 + proto);
			g = group_id(c, proto, pt->name, 0, 0, false);
			if (g != SIZE_MAX)
				VEC_PUSH(ag.v, ag.n, ag.a, g);
			covered = atom_covered(c, &ag, rk);
		}
	}
	if (covered && !rk->nports) {
		/* other protocols: only rules without ports hold them */
		ag.n = 0;
		VEC_PUSH(ag.v, ag.n, ag.a, 0);
		covered = atom_covered(c, &ag, rk);
	}
	free(ag.v);
	return covered;
}

static void lint_covered_rules(const struct policy *p, struct arena *a, struct diag *d)
{
	for (int dir = 0; dir < NDIR; dir++) {
		struct covering c;
		if (!p->types[dir] || p->nrules[dir] < 2)
			continue;
		covering_init(&c, a);
		covering_add_cuts(&c, &p->rules[dir][0]);
		covering_add(&c, &p->rules[dir][0]);
		for (size_t k = 1; k < p->nrules[dir]; k++) {
			const struct rule *rk = &p->rules[dir][k];
			/* rk's own boundaries cut the atoms too, before it joins the groups */
			covering_add_cuts(&c, rk);
			if (rule_covered(&c, rk))
				diag_warning(d, DIAG_W_COVERED_RULE, &rk->loc,
					     "%s rule %zu of policy '%s' adds nothing: the rules "
					     "before it already allow everything it allows",
					     dir_name(dir), k, p->name);
			covering_add(&c, rk);
		}
		covering_release(&c);
	}
}

/* ---- DNS blocked by egress isolation ---- */

static bool rule_allows_dns(const struct rule *r)
{
	if (!r->nports)
		return true;
	for (size_t i = 0; i < r->nports; i++) {
		const struct port *p = &r->ports[i];
		if (p->proto != PROTO_UDP && p->proto != PROTO_TCP)
			continue;
		if (p->name) /* a name might resolve to 53: do not guess */
			return true;
		if (!p->has_port || (p->port <= 53 && (p->end_port ? p->end_port : p->port) >= 53))
			return true;
	}
	return false;
}

static bool ir_allows_dns(const struct ir_endpoint *ep)
{
	const struct ir_dir *dd = &ep->dir[DIR_EGRESS];
	for (size_t t = 0; t < dd->ntiers; t++)
		for (size_t i = 0; i < dd->tiers[t].nrules; i++) {
			const struct ir_rule *r = dd->tiers[t].rules[i];
			if (r->action == ACT_ALLOW && (portset_contains(&r->ports, PROTO_UDP, 53) ||
						       portset_contains(&r->ports, PROTO_TCP, 53)))
				return true;
		}
	return false;
}

static void lint_dns(const struct model *m, const struct ir *ir, bool inventory, struct diag *d)
{
	bool *warned = xcalloc(m->npolicies + 1, sizeof(bool));
	if (inventory) {
		for (size_t i = 0; i < ir->neps; i++) {
			const struct ir_endpoint *ep = &ir->eps[i];
			const struct ir_tier *t;
			/* a folded template pod is named by its workload's pods */
			if (ep->pod->folded || !ep->dir[DIR_EGRESS].isolated || ir_allows_dns(ep))
				continue;
			t = &ep->dir[DIR_EGRESS].tiers[0];
			for (size_t k = 0; k < t->npolicies; k++) {
				const struct policy *p = t->policies[k];
				if (warned[p->index])
					continue;
				warned[p->index] = true;
				diag_warning(
					d, DIAG_W_EGRESS_BLOCKS_DNS, ploc(p),
					"policy '%s' isolates egress of %s/%s (and maybe "
					"others), and no egress rule allows DNS (port 53): name "
					"resolution will fail",
					p->name, ep->pod->ns, ep->pod->name);
			}
		}
	} else {
		for (size_t i = 0; i < m->npolicies; i++) {
			const struct policy *p = m->policies[i];
			bool ok = false;
			if (!p->types[DIR_EGRESS])
				continue;
			/* any egress policy of the namespace selecting everything may allow it */
			for (size_t j = 0; j < m->npolicies && !ok; j++) {
				const struct policy *q = m->policies[j];
				if (strcmp(q->ns, p->ns) || !q->types[DIR_EGRESS] ||
				    (q != p && !selector_is_empty(q->pod_sel)))
					continue;
				for (size_t r = 0; r < q->nrules[DIR_EGRESS] && !ok; r++)
					ok = rule_allows_dns(&q->rules[DIR_EGRESS][r]);
			}
			if (!ok)
				diag_warning(
					d, DIAG_W_EGRESS_BLOCKS_DNS, ploc(p),
					"policy '%s' isolates egress and no egress rule allows "
					"DNS (port 53): name resolution will fail",
					p->name);
		}
	}
	free(warned);
}

/* ---- ingress allowances that the sources' own egress isolation makes useless ---- */

/* egress_ports_to: the union of ports src's egress allows towards dst (any: not isolated). */
static void egress_ports_to(const struct ir_endpoint *src, const struct eval_peer *dst,
			    struct portset *out)
{
	const struct ir_dir *dd = &src->dir[DIR_EGRESS];
	if (!dd->isolated) {
		portset_set_any(out);
		return;
	}
	for (size_t t = 0; t < dd->ntiers; t++)
		for (size_t i = 0; i < dd->tiers[t].nrules; i++) {
			const struct ir_rule *r = dd->tiers[t].rules[i];
			bool peer_ok =
				r->all_peers ||
				(r->pods && podset_contains(r->pods, (uint32_t)dst->pod->index)) ||
				(dst->has_addr && addrset_contains(&r->nets, &dst->addr));
			if (r->action == ACT_ALLOW && peer_ok)
				portset_merge(out, &r->ports);
		}
}

static bool ports_meet(const struct portset *a, const struct portset *b)
{
	struct portset x = PORTSET_INIT;
	bool meet;
	if (a->any && b->any)
		return true;
	portset_intersect(&x, a, b);
	meet = !portset_is_empty(&x);
	portset_release(&x);
	return meet;
}

#define LINT_BUDGET 20000000UL

/* The key of struct origin_index: a tier's rule list (or NULL: the list is indexed) and an origin.
 */
struct origin_key {
	const struct ir_rule *const *rules;
	const struct policy *policy;
	int rule;
};

static const char *origin_key(struct arena *a, const struct origin_key *k)
{
	return arena_memdup(a, k, sizeof(*k));
}

/*
 * first_rule_from: the first rule of tier t whose origin is rule k of
 * policy p.  The first question about a rule list indexes the whole list
 * in map, so asking about every rule of a long list stays linear.
 */
static const struct ir_rule *first_rule_from(struct strmap *map, struct arena *a,
					     const struct ir_tier *t, const struct policy *p, int k)
{
	struct origin_key key;
	struct strmap_slot *s;
	memset(&key, 0, sizeof(key)); /* the padding is part of the key */
	key.rules = t->rules;
	s = strmap_slot(map, (const char *)&key, sizeof(key));
	if (!s->value) {
		s->key = origin_key(a, &key);
		s->value = (void *)t->rules;
		for (size_t i = 0; i < t->nrules; i++) {
			struct strmap_slot *r;
			key.policy = t->rules[i]->origin.policy;
			key.rule = t->rules[i]->origin.rule;
			r = strmap_slot(map, (const char *)&key, sizeof(key));
			if (!r->value) {
				r->key = origin_key(a, &key);
				r->value = (void *)t->rules[i];
			}
		}
	}
	key.policy = p;
	key.rule = k;
	return strmap_get(map, (const char *)&key, sizeof(key));
}

/* The sources of one namespace that an ingress rule admits but whose egress forbids using it. */
struct unusable {
	const char *ns; /* NULL: no source seen yet */
	size_t blocked;
	const struct pod *example;
	const struct policy *isolator;
};

/* unusable_report: the warning about rule k of p for the sources of u->ns, if any; resets u. */
static void unusable_report(const struct policy *p, size_t k, struct unusable *u, struct diag *d)
{
	if (u->blocked && u->isolator) {
		const struct rule *ru = &p->rules[DIR_INGRESS][k];
		diag_warning(
			d, DIAG_W_UNUSABLE_INGRESS, &ru->loc,
			"ingress rule %zu of policy '%s' admits %zu pod%s of namespace '%s' "
			"that cannot use it (e.g. %s): their own egress is isolated by '%s' and "
			"no egress rule allows traffic to the pods this policy selects",
			k, p->name, u->blocked, u->blocked == 1 ? "" : "s", u->ns, u->example->name,
			u->isolator->name);
		diag_note(d, ploc(u->isolator),
			  "a connection needs the egress of its source and the ingress of its "
			  "destination to allow it");
	}
	memset(u, 0, sizeof(*u));
}

/*
 * lint_unusable_ingress: ingress rules admitting pods (of any namespace)
 * whose own egress isolation allows no traffic to any pod the policy
 * selects on the rule's ports: one warning per rule and source namespace.
 * A rule open to every peer is judged for the policy's own namespace only.
 */
static void lint_unusable_ingress(const struct model *m, const struct ir *ir, struct diag *d)
{
	unsigned long work = 0;
	struct strmap origins = STRMAP_INIT;
	for (size_t pi = 0; pi < m->npolicies; pi++) {
		const struct policy *p = m->policies[pi];
		const struct namespace *nsp = model_namespace(m, p->ns);
		size_t nsel;
		uint32_t *sel;
		if (!p->types[DIR_INGRESS] || !p->nrules[DIR_INGRESS])
			continue;
		sel = resolve_selected(m, p->ns, p->pod_sel, &nsel);
		for (size_t k = 0; k < p->nrules[DIR_INGRESS] && nsel; k++) {
			/* the rule's resolved form: the first IR rule with this origin */
			const struct ir_endpoint *tgt = &ir->eps[sel[0]];
			const struct ir_tier *t = &tgt->dir[DIR_INGRESS].tiers[0];
			const struct ir_rule *rr =
				first_rule_from(&origins, ir->arena, t, p, (int)k);
			struct unusable u = { 0 };
			size_t nsrc;
			if (!rr)
				continue;
			/* the sources it admits: its pods, or every pod of the policy's namespace
			 */
			nsrc = rr->all_peers ? (nsp ? nsp->npods : 0) : rr->pods ? rr->pods->n : 0;
			for (size_t si = 0; si < nsrc && work < LINT_BUDGET; si++) {
				const struct pod *src =
					rr->all_peers ? nsp->pods[si] : m->pods[rr->pods->v[si]];
				const struct ir_endpoint *sep = &ir->eps[src->index];
				bool usable = false;
				if (src->host_endpoint ||
				    src->folded) /* folded: counted in its workload's pods */
					continue;
				if (u.ns && strcmp(u.ns, src->ns))
					unusable_report(p, k, &u, d);
				u.ns = src->ns;
				for (size_t j = 0; j < nsel && !usable; j++) {
					struct eval_peer dst;
					struct portset ps = PORTSET_INIT;
					eval_peer_pod(&dst, m->pods[sel[j]], &ir->eps[sel[j]], AF4);
					egress_ports_to(sep, &dst, &ps);
					usable = ports_meet(&ps, &rr->ports);
					portset_release(&ps);
					work += sep->dir[DIR_EGRESS].tiers[0].nrules + 1;
				}
				if (!usable && !u.blocked++) {
					const struct ir_tier *et = &sep->dir[DIR_EGRESS].tiers[0];
					u.example = src;
					u.isolator = et->npolicies ? et->policies[0] : NULL;
				}
			}
			unusable_report(p, k, &u, d);
		}
		free(sel);
	}
	strmap_release(&origins);
}

/* ---- AdminNetworkPolicy priorities ---- */

/* pods_in_nets: some pod of ps has an address in nets. */
static bool pods_in_nets(const struct model *m, const struct podset *ps, const struct addrset *nets)
{
	for (size_t i = 0; ps && i < ps->n; i++) {
		const struct pod *p = m->pods[ps->v[i]];
		for (size_t j = 0; j < p->nips; j++)
			if (addrset_contains(nets, &p->ips[j]))
				return true;
	}
	return false;
}

/* rules_meet: some traffic matches both rules. */
static bool rules_meet(const struct model *m, const struct ir_rule *a, const struct ir_rule *b)
{
	struct addrset x = ADDRSET_INIT;
	bool meet;
	if (!ports_meet(&a->ports, &b->ports))
		return false;
	if (a->all_peers || b->all_peers)
		return true;
	for (size_t i = 0; a->pods && b->pods && i < a->pods->n; i++)
		if (podset_contains(b->pods, a->pods->v[i]))
			return true;
	if (pods_in_nets(m, a->pods, &b->nets) || pods_in_nets(m, b->pods, &a->nets))
		return true;
	addrset_intersect(&x, &a->nets, &b->nets);
	meet = !addrset_is_empty(&x);
	addrset_release(&x);
	return meet;
}

/* policies_meet: in tier t, a rule of policy a and one of policy b match common traffic. */
static bool policies_meet(const struct model *m, const struct ir_tier *t, const struct policy *a,
			  const struct policy *b)
{
	for (size_t i = 0; i < t->nrules; i++) {
		if (t->rules[i]->origin.policy != a)
			continue;
		for (size_t j = 0; j < t->nrules; j++)
			if (t->rules[j]->origin.policy == b &&
			    rules_meet(m, t->rules[i], t->rules[j]))
				return true;
	}
	return false;
}

/*
 * lint_same_priority: two AdminNetworkPolicies of one priority that select
 * a common pod and match common traffic: the API leaves their order to the
 * implementation; netpolc runs them by name (byte order).  Warned once per
 * pair, at the policy that runs second.
 */
static void lint_same_priority(const struct model *m, const struct ir *ir, struct diag *d)
{
	const struct policy **seen = NULL; /* pairs already reported */
	size_t nseen = 0, aseen = 0;
	for (size_t e = 0; e < ir->neps; e++) {
		for (int dir = 0; dir < NDIR; dir++) {
			const struct ir_dir *dd = &ir->eps[e].dir[dir];
			for (size_t t = 0; t < dd->ntiers; t++) {
				const struct ir_tier *tier = &dd->tiers[t];
				for (size_t i = 1; i < tier->npolicies; i++) {
					const struct policy *a = tier->policies[i - 1];
					const struct policy *b = tier->policies[i];
					bool dup = false;
					if (!a->no_host_network || !b->no_host_network ||
					    a->order != b->order || !policies_meet(m, tier, a, b))
						continue;
					for (size_t k = 0; k + 1 < nseen && !dup; k += 2)
						dup = seen[k] == a && seen[k + 1] == b;
					if (dup)
						continue;
					VEC_PUSH(seen, nseen, aseen, a);
					VEC_PUSH(seen, nseen, aseen, b);
					diag_warning(d, DIAG_W_SAME_PRIORITY, ploc(b),
						     "%s '%s' has the same priority (%.0f) as '%s' "
						     "and both match %s traffic of %s: the API "
						     "leaves their order open; netpolc applies "
						     "them by name, '%s' first",
						     b->kind, b->name, b->order, a->name,
						     dir_name((enum dir)dir),
						     ir_endpoint_name(ir, &ir->eps[e]), a->name);
					diag_note(d, ploc(a), "'%s' is here", a->name);
				}
			}
		}
	}
	free(seen);
}

/* ---- host-network pods (see the model at the top of ir/resolve.c) ---- */

/*
 * lint_host_network_subjects: a policy whose podSelector matches
 * host-network pods, to which no policy applies.  Returns how many it
 * matches.
 */
static size_t lint_host_network_subjects(const struct model *m, const struct policy *p,
					 struct diag *d)
{
	const struct namespace *nsp = model_namespace(m, p->ns);
	const struct pod *first = NULL;
	size_t n = 0;
	for (size_t i = 0; nsp && i < nsp->npods; i++) {
		const struct pod *q = nsp->pods[i];
		if (q->host_network && selector_matches_pod(p->pod_sel, q) && !n++)
			first = q;
	}
	if (n)
		diag_warning(d, DIAG_W_HOST_NETWORK, ploc(p),
			     "policy '%s' selects host-network pod %s/%s%s: no policy applies to "
			     "host-network pods (their traffic is their node's), so its rules do "
			     "not restrict %s",
			     p->name, first->ns, first->name,
			     n > 1 ? arena_printf(m->arena, " and %zu more", n - 1) : "",
			     n > 1 ? "them" : "it");
	return n;
}

/* lint_node_addresses: an ipBlock holding the node address of a host-network pod. */
static void lint_node_addresses(const struct policy *p, const struct pod *const *hn, size_t nhn,
				struct diag *d)
{
	for (int dir = 0; dir < NDIR; dir++)
		for (size_t k = 0; k < p->nrules[dir]; k++)
			for (size_t j = 0; j < p->rules[dir][k].npeers; j++) {
				const struct ipblock *b = p->rules[dir][k].peers[j].ipblock;
				struct addrset a = ADDRSET_INIT;
				const struct pod *first = NULL;
				const struct addr *at = NULL;
				char buf[ADDR_STRLEN];
				if (!b)
					continue;
				ipblock_addrs(b, &a);
				for (size_t i = 0; i < nhn && !first; i++)
					for (size_t x = 0; x < hn[i]->nips && !first; x++)
						if (addrset_contains(&a, &hn[i]->ips[x])) {
							first = hn[i];
							at = &hn[i]->ips[x];
						}
				addrset_release(&a);
				if (first)
					diag_warning(d, DIAG_W_NODE_ADDRESS,
						     b->cidr_loc.line ? &b->cidr_loc : &b->loc,
						     "ipBlock %s holds %s, the node address of "
						     "host-network "
						     "pod %s/%s: it matches all of that node's "
						     "traffic (the "
						     "node and every host-network pod on it), not "
						     "one pod's",
						     b->cidr_text, addr_format(at, buf), first->ns,
						     first->name);
			}
}

void lint_run(const struct model *m, const struct ir *ir, struct diag *d)
{
	const struct pod **hn = NULL;
	size_t nhn = 0, ahn = 0;
	bool inventory = m->npods > 0;
	lint_same_priority(m, ir, d);
	/* the checks assume Kubernetes semantics (allow rules, one tier): not for Calico input */
	if (m->has_tiers)
		return;
	for (size_t i = 0; i < m->nnamespaces && !inventory; i++)
		inventory = !m->namespaces[i]->implicit;
	for (size_t i = 0; i < m->npods; i++)
		if (m->pods[i]->host_network && m->pods[i]->nips)
			VEC_PUSH(hn, nhn, ahn, m->pods[i]);
	for (size_t i = 0; i < m->npolicies; i++) {
		const struct policy *p = m->policies[i];
		lint_deny_name(p, d);
		lint_ignored_rules(p, d);
		lint_covered_rules(p, ir->arena, d);
		lint_node_addresses(p, hn, nhn, d);
		if (inventory)
			lint_ns_selectors(m, p, d);
		if (m->npods && p->types[DIR_INGRESS] + p->types[DIR_EGRESS]) {
			size_t n;
			uint32_t *sel = resolve_selected(m, p->ns, p->pod_sel, &n);
			free(sel);
			/* selecting host-network pods only is said once, as that */
			if (lint_host_network_subjects(m, p, d))
				n = 1;
			if (!n)
				diag_warning(d, DIAG_W_SELECTS_NOTHING, ploc(p),
					     "policy '%s' selects no pod of the input (namespace "
					     "'%s', podSelector %s)",
					     p->name, p->ns,
					     selector_is_empty(p->pod_sel)
						     ? "{}"
						     : selector_format(ir->arena, p->pod_sel));
		}
	}
	free(hn);
	lint_dns(m, ir, m->npods > 0, d);
	if (m->npods)
		lint_unusable_ingress(m, ir, d);
}
