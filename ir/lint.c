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
#include "ir/strbuf.h"
#include "ir/util.h"

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
	diag_warning(d, &p->name_loc,
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
		diag_warning(d, &p->rules_loc[dir],
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
	diag_warning(d, loc, "no namespace in the input has the label '%s'", key);
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

/* A port atom: one elementary range of one protocol, "other protocols", or a named port. */
struct atom {
	int proto; /* enum proto, or -1: protocols without ports */
	uint16_t lo, hi;
	const char *name; /* named port */
};

static bool rule_has_atom(const struct rule *r, const struct atom *a)
{
	if (!r->nports)
		return true;
	for (size_t i = 0; i < r->nports; i++) {
		const struct port *p = &r->ports[i];
		if (a->proto < 0 || (int)p->proto != a->proto)
			continue;
		if (a->name) {
			if (p->name && !strcmp(p->name, a->name))
				return true;
			if (!p->has_port)
				return true;
			continue;
		}
		if (p->name)
			continue;
		if (!p->has_port)
			return true;
		if (p->port <= a->lo && (p->end_port ? p->end_port : p->port) >= a->hi)
			return true;
	}
	return false;
}

static void add_cut(uint32_t **cuts, size_t *n, size_t *alloc, uint32_t v)
{
	VEC_PUSH(*cuts, *n, *alloc, v);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* atoms_of: the atoms that rule k's ports consist of, cut at every boundary of rules 0..k. */
static struct atom *atoms_of(const struct policy *p, enum dir dir, size_t k, size_t *natoms)
{
	const struct rule *rk = &p->rules[dir][k];
	struct atom *v = NULL;
	size_t n = 0, alloc = 0;
	for (int proto = 0; proto < NPROTO; proto++) {
		uint32_t *cuts = NULL;
		size_t nc = 0, ac = 0;
		add_cut(&cuts, &nc, &ac, 0);
		add_cut(&cuts, &nc, &ac, 65536);
		for (size_t i = 0; i <= k; i++) {
			const struct rule *r = &p->rules[dir][i];
			for (size_t j = 0; j < r->nports; j++) {
				const struct port *pt = &r->ports[j];
				if ((int)pt->proto != proto || !pt->has_port || pt->name)
					continue;
				add_cut(&cuts, &nc, &ac, pt->port);
				add_cut(&cuts, &nc, &ac,
					(uint32_t)(pt->end_port ? pt->end_port : pt->port) + 1);
			}
		}
		qsort(cuts, nc, sizeof(*cuts), cmp_u32);
		for (size_t i = 0; i + 1 < nc; i++) {
			struct atom a = { proto, (uint16_t)cuts[i], (uint16_t)(cuts[i + 1] - 1),
					  NULL };
			if (cuts[i] == cuts[i + 1])
				continue;
			if (rule_has_atom(rk, &a))
				VEC_PUSH(v, n, alloc, a);
		}
		free(cuts);
		for (size_t j = 0; j < rk->nports; j++) {
			const struct port *pt = &rk->ports[j];
			if ((int)pt->proto == proto && pt->name) {
				struct atom a = { proto, 0, 0, pt->name };
				VEC_PUSH(v, n, alloc, a);
			}
		}
	}
	if (!rk->nports) {
		struct atom a = { -1, 0, 0, NULL };
		VEC_PUSH(v, n, alloc, a);
	}
	*natoms = n;
	return v;
}

/* peer_covered: peer pe (NULL: every peer) of rule k is matched, on atom a, by rules before k. */
static bool peer_covered(const struct policy *p, enum dir dir, size_t k, const struct peer *pe,
			 const struct atom *a)
{
	struct addrset nets = ADDRSET_INIT, want = ADDRSET_INIT;
	bool covered = false;
	for (size_t i = 0; i < k && !covered; i++) {
		const struct rule *r = &p->rules[dir][i];
		if (!rule_has_atom(r, a))
			continue;
		if (!r->npeers) {
			covered = true;
			break;
		}
		if (!pe)
			continue;
		for (size_t j = 0; j < r->npeers && !covered; j++) {
			const struct peer *q = &r->peers[j];
			if (pe->ipblock && q->ipblock)
				ipblock_addrs(q->ipblock, &nets);
			else if (peer_within(pe, q))
				covered = true;
		}
	}
	if (!covered && pe && pe->ipblock) {
		ipblock_addrs(pe->ipblock, &want);
		covered = addrset_subset(&want, &nets);
	}
	addrset_release(&nets);
	addrset_release(&want);
	return covered;
}

static void lint_covered_rules(const struct policy *p, struct diag *d)
{
	for (int dir = 0; dir < NDIR; dir++) {
		if (!p->types[dir])
			continue;
		for (size_t k = 1; k < p->nrules[dir]; k++) {
			const struct rule *rk = &p->rules[dir][k];
			size_t natoms;
			struct atom *atoms = atoms_of(p, dir, k, &natoms);
			bool covered = natoms > 0;
			for (size_t a = 0; a < natoms && covered; a++) {
				if (!rk->npeers)
					covered = peer_covered(p, dir, k, NULL, &atoms[a]);
				for (size_t i = 0; i < rk->npeers && covered; i++)
					covered = peer_covered(p, dir, k, &rk->peers[i], &atoms[a]);
			}
			free(atoms);
			if (covered)
				diag_warning(d, &rk->loc,
					     "%s rule %zu of policy '%s' adds nothing: the rules "
					     "before it already allow everything it allows",
					     dir_name(dir), k, p->name);
		}
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
			if (!ep->dir[DIR_EGRESS].isolated || ir_allows_dns(ep))
				continue;
			t = &ep->dir[DIR_EGRESS].tiers[0];
			for (size_t k = 0; k < t->npolicies; k++) {
				const struct policy *p = t->policies[k];
				if (warned[p->index])
					continue;
				warned[p->index] = true;
				diag_warning(
					d, ploc(p),
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
					d, ploc(p),
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

static void lint_unusable_ingress(const struct model *m, const struct ir *ir, struct diag *d)
{
	unsigned long work = 0;
	for (size_t pi = 0; pi < m->npolicies; pi++) {
		const struct policy *p = m->policies[pi];
		size_t nsel;
		uint32_t *sel;
		if (!p->types[DIR_INGRESS] || !p->nrules[DIR_INGRESS])
			continue;
		sel = resolve_selected(m, p->ns, p->pod_sel, &nsel);
		for (size_t k = 0; k < p->nrules[DIR_INGRESS] && nsel; k++) {
			/* the rule's resolved form: the first IR rule with this origin */
			const struct ir_rule *rr = NULL;
			const struct ir_endpoint *tgt = &ir->eps[sel[0]];
			const struct ir_tier *t = &tgt->dir[DIR_INGRESS].tiers[0];
			size_t blocked = 0, total = 0;
			const struct pod *example = NULL;
			const struct policy *isolator = NULL;
			for (size_t i = 0; i < t->nrules && !rr; i++)
				if (t->rules[i]->origin.policy == p &&
				    t->rules[i]->origin.rule == (int)k)
					rr = t->rules[i];
			if (!rr)
				continue;
			/* sources in the policy's own namespace that the rule admits */
			const struct namespace *nsp = model_namespace(m, p->ns);
			for (size_t si = 0; nsp && si < nsp->npods && work < LINT_BUDGET; si++) {
				const struct pod *src = nsp->pods[si];
				size_t s = src->index;
				const struct ir_endpoint *sep = &ir->eps[s];
				bool usable = false;
				if (!rr->all_peers &&
				    !(rr->pods && podset_contains(rr->pods, (uint32_t)s)))
					continue;
				total++;
				for (size_t j = 0; j < nsel && !usable; j++) {
					struct eval_peer dst;
					struct portset ps = PORTSET_INIT;
					eval_peer_pod(&dst, m->pods[sel[j]], &ir->eps[sel[j]], AF4);
					egress_ports_to(sep, &dst, &ps);
					usable = ports_meet(&ps, &rr->ports);
					portset_release(&ps);
					work += sep->dir[DIR_EGRESS].tiers[0].nrules + 1;
				}
				if (!usable) {
					blocked++;
					if (!example) {
						example = src;
						isolator = sep->dir[DIR_EGRESS].tiers[0].npolicies
								   ? sep->dir[DIR_EGRESS]
									     .tiers[0]
									     .policies[0]
								   : NULL;
					}
				}
			}
			if (blocked && isolator) {
				const struct rule *ru = &p->rules[DIR_INGRESS][k];
				diag_warning(
					d, &ru->loc,
					"ingress rule %zu of policy '%s' admits %zu pod%s of "
					"namespace '%s' that cannot use it (e.g. %s): their own "
					"egress is isolated by '%s' and no egress rule allows "
					"traffic to the pods this policy selects",
					k, p->name, blocked, blocked == 1 ? "" : "s", p->ns,
					example->name, isolator->name);
				diag_note(d, ploc(isolator),
					  "a connection needs the egress of its source and the "
					  "ingress of its destination to allow it");
			}
			(void)total;
		}
		free(sel);
	}
}

void lint_run(const struct model *m, const struct ir *ir, struct diag *d)
{
	bool inventory = m->npods > 0;
	/* the checks assume Kubernetes semantics (allow rules, one tier): not for Calico input */
	if (m->has_tiers)
		return;
	for (size_t i = 0; i < m->nnamespaces && !inventory; i++)
		inventory = !m->namespaces[i]->implicit;
	for (size_t i = 0; i < m->npolicies; i++) {
		const struct policy *p = m->policies[i];
		lint_deny_name(p, d);
		lint_ignored_rules(p, d);
		lint_covered_rules(p, d);
		if (inventory)
			lint_ns_selectors(m, p, d);
		if (m->npods && p->types[DIR_INGRESS] + p->types[DIR_EGRESS]) {
			size_t n;
			uint32_t *sel = resolve_selected(m, p->ns, p->pod_sel, &n);
			free(sel);
			if (!n)
				diag_warning(d, ploc(p),
					     "policy '%s' selects no pod of the input (namespace "
					     "'%s', podSelector %s)",
					     p->name, p->ns,
					     selector_is_empty(p->pod_sel)
						     ? "{}"
						     : selector_format(ir->arena, p->pod_sel));
		}
	}
	lint_dns(m, ir, m->npods > 0, d);
	if (m->npods)
		lint_unusable_ingress(m, ir, d);
}
