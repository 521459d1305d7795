/*
 * model.c - the policy model and inventory: construction, selector
 * matching, finalisation (sorting, implicit namespaces, duplicates).
 */
#include "ir/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ir/addrset.h"
#include "ir/selexpr.h"
#include "lib/strbuf.h"
#include "lib/util.h"

static const char *const dir_names[NDIR] = { "ingress", "egress" };
static const char *const dir_type_names[NDIR] = { "Ingress", "Egress" };
static const char *const action_names[] = { "allow", "deny", "pass" };
static const char *const sel_op_names[] = { "In", "NotIn", "Exists", "DoesNotExist" };

const char *dir_name(enum dir d)
{
	return dir_names[d];
}

const char *dir_type_name(enum dir d)
{
	return dir_type_names[d];
}

const char *action_name(enum action a)
{
	return action_names[a];
}

const char *sel_op_name(enum sel_op op)
{
	return sel_op_names[op];
}

const char *labelset_get(const struct labelset *ls, const char *key)
{
	size_t lo = 0, hi = ls->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ls->v[mid].key, key);
		if (!c)
			return ls->v[mid].value;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int cmp_label(const void *a, const void *b)
{
	const struct label *x = a, *y = b;
	return strcmp(x->key, y->key);
}

const struct label *labelset_sort(struct labelset *ls)
{
	if (ls->n > 1)
		xqsort(ls->v, ls->n, sizeof(*ls->v), cmp_label);
	for (size_t i = 1; i < ls->n; i++)
		if (!strcmp(ls->v[i - 1].key, ls->v[i].key))
			return &ls->v[i];
	return NULL;
}

bool selector_is_empty(const struct selector *s)
{
	return !s->expr && !s->nlabels && !s->nexprs;
}

static bool value_in(const struct sel_req *r, const char *v)
{
	for (size_t i = 0; i < r->nvalues; i++)
		if (!strcmp(r->values[i], v))
			return true;
	return false;
}

bool selector_matches(const struct selector *s, const struct labelset *ls)
{
	for (size_t i = 0; i < s->nlabels; i++) {
		const char *v = labelset_get(ls, s->match_labels[i].key);
		if (!v || strcmp(v, s->match_labels[i].value))
			return false;
	}
	for (size_t i = 0; i < s->nexprs; i++) {
		const struct sel_req *r = &s->exprs[i];
		const char *v = labelset_get(ls, r->key);
		switch (r->op) {
		case SEL_IN:
			if (!v || !value_in(r, v))
				return false;
			break;
		case SEL_NOT_IN:
			if (v && value_in(r, v))
				return false;
			break;
		case SEL_EXISTS:
			if (!v)
				return false;
			break;
		case SEL_DOES_NOT_EXIST:
			if (v)
				return false;
			break;
		}
	}
	return true;
}

bool selector_matches_pod(const struct selector *s, const struct pod *p)
{
	if (s->expr)
		return selexpr_match(s->expr, &p->labels, p->ns,
				     p->host_endpoint ? SELX_HOST : SELX_POD);
	return selector_matches(s, &p->labels);
}

bool selector_matches_ns(const struct selector *s, const struct namespace *ns)
{
	if (s->expr)
		return selexpr_match(s->expr, &ns->labels, ns->name, SELX_NAMESPACE);
	return selector_matches(s, &ns->labels);
}

const char *selector_format(struct arena *a, const struct selector *s)
{
	struct strbuf sb = STRBUF_INIT;
	const char *res;
	for (size_t i = 0; i < s->nlabels; i++)
		strbuf_addf(&sb, "%s%s=%s", sb.len ? "," : "", s->match_labels[i].key,
			    s->match_labels[i].value);
	for (size_t i = 0; i < s->nexprs; i++) {
		const struct sel_req *r = &s->exprs[i];
		if (sb.len)
			strbuf_addch(&sb, ',');
		switch (r->op) {
		case SEL_IN:
		case SEL_NOT_IN:
			strbuf_addf(&sb, "%s %s (", r->key, r->op == SEL_IN ? "in" : "notin");
			for (size_t j = 0; j < r->nvalues; j++)
				strbuf_addf(&sb, "%s%s", j ? "," : "", r->values[j]);
			strbuf_addch(&sb, ')');
			break;
		case SEL_EXISTS:
			strbuf_addstr(&sb, r->key);
			break;
		case SEL_DOES_NOT_EXIST:
			strbuf_addf(&sb, "!%s", r->key);
			break;
		}
	}
	res = arena_strndup(a, sb.buf, sb.len);
	strbuf_release(&sb);
	return res;
}

void ipblock_addrs(const struct ipblock *b, struct addrset *out)
{
	struct addrset cidr = ADDRSET_INIT, ex = ADDRSET_INIT, res = ADDRSET_INIT;
	addrset_add_prefix(&cidr, &b->cidr);
	for (size_t i = 0; i < b->nexcept; i++)
		addrset_add_prefix(&ex, &b->except[i]);
	addrset_subtract(&res, &cidr, &ex);
	addrset_merge(out, &res);
	addrset_release(&cidr);
	addrset_release(&ex);
	addrset_release(&res);
}

const struct addr *pod_addr(const struct pod *p, int family)
{
	for (size_t i = 0; i < p->nips; i++)
		if (p->ips[i].family == family)
			return &p->ips[i];
	return NULL;
}

const struct named_port *pod_named_port(const struct pod *p, const char *name, enum proto proto)
{
	for (size_t i = 0; i < p->nports; i++)
		if (p->ports[i].proto == proto && p->ports[i].name &&
		    !strcmp(p->ports[i].name, name))
			return &p->ports[i];
	return NULL;
}

void model_init(struct model *m, struct arena *a)
{
	memset(m, 0, sizeof(*m));
	m->arena = a;
}

void model_release(struct model *m)
{
	free(m->policies);
	free(m->namespaces);
	free(m->pods);
	free(m->tiers);
	free(m->nodes);
	for (size_t i = 0; i < m->ninputs; i++)
		free(m->inputs[i]);
	free(m->inputs);
	memset(m, 0, sizeof(*m));
}

void model_add_policy(struct model *m, struct policy *p)
{
	if (!p->kind)
		p->kind = "NetworkPolicy";
	VEC_PUSH(m->policies, m->npolicies, m->apolicies, p);
}

void model_add_namespace(struct model *m, struct namespace *ns)
{
	VEC_PUSH(m->namespaces, m->nnamespaces, m->anamespaces, ns);
}

void model_add_pod(struct model *m, struct pod *p)
{
	VEC_PUSH(m->pods, m->npods, m->apods, p);
}

void model_add_input(struct model *m, const char *name)
{
	char *s = xstrdup(name);
	VEC_PUSH(m->inputs, m->ninputs, m->ainputs, s);
}

void model_add_tier(struct model *m, struct tier *t)
{
	VEC_PUSH(m->tiers, m->ntiers, m->atiers, t);
}

void model_add_node(struct model *m, struct cluster_node *n)
{
	VEC_PUSH(m->nodes, m->nnodes, m->anodes, n);
}

static int cmp_ns(const void *a, const void *b)
{
	const struct namespace *x = *(struct namespace *const *)a;
	const struct namespace *y = *(struct namespace *const *)b;
	return strcmp(x->name, y->name);
}

static int cmp_nsname(const char *ns1, const char *n1, const char *ns2, const char *n2)
{
	int c = strcmp(ns1, ns2);
	return c ? c : strcmp(n1, n2);
}

static int cmp_pod(const void *a, const void *b)
{
	const struct pod *x = *(struct pod *const *)a;
	const struct pod *y = *(struct pod *const *)b;
	return cmp_nsname(x->ns, x->name, y->ns, y->name);
}

static int cmp_policy(const void *a, const void *b)
{
	const struct policy *x = *(struct policy *const *)a;
	const struct policy *y = *(struct policy *const *)b;
	int c = cmp_nsname(x->ns, x->name, y->ns, y->name);
	/* an AdminNetworkPolicy and a BaselineAdminNetworkPolicy may share a name */
	return c ? c : strcmp(x->kind, y->kind);
}

/* stable sort by location for equal keys: qsort is not stable, so compare locations last */
static int loc_cmp(const struct loc *x, const struct loc *y)
{
	int c = strcmp(x->file, y->file);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

static int cmp_pod_loc(const void *a, const void *b)
{
	int c = cmp_pod(a, b);
	return c ? c : loc_cmp(&(*(struct pod *const *)a)->loc, &(*(struct pod *const *)b)->loc);
}

static int cmp_policy_loc(const void *a, const void *b)
{
	int c = cmp_policy(a, b);
	return c ? c
		 : loc_cmp(&(*(struct policy *const *)a)->loc, &(*(struct policy *const *)b)->loc);
}

static int cmp_tier_loc(const void *a, const void *b)
{
	const struct tier *x = *(struct tier *const *)a;
	const struct tier *y = *(struct tier *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : loc_cmp(&x->loc, &y->loc);
}

static int cmp_ns_loc(const void *a, const void *b)
{
	int c = cmp_ns(a, b);
	return c ? c
		 : loc_cmp(&(*(struct namespace *const *)a)->loc,
			   &(*(struct namespace *const *)b)->loc);
}

struct namespace *model_namespace(const struct model *m, const char *name)
{
	size_t lo = 0, hi = m->nnamespaces;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->namespaces[mid]->name, name);
		if (!c)
			return m->namespaces[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct pod *model_pod(const struct model *m, const char *ns, const char *name)
{
	size_t lo = 0, hi = m->npods;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_nsname(m->pods[mid]->ns, m->pods[mid]->name, ns, name);
		if (!c)
			return m->pods[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct policy *model_policy(const struct model *m, const char *ns, const char *name)
{
	size_t lo = 0, hi = m->npolicies;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_nsname(m->policies[mid]->ns, m->policies[mid]->name, ns, name);
		if (!c)
			return m->policies[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* implicit_ns: a namespace that only its name label describes. */
static struct namespace *implicit_ns(struct model *m, const char *name, const struct loc *where,
				     struct diag *d, bool warn)
{
	struct namespace *ns = arena_zalloc(m->arena, sizeof(*ns));
	ns->loc = *where;
	ns->name = name;
	ns->implicit = true;
	if (!name[0])
		return ns; /* the pseudo namespace of host endpoints: no labels */
	ns->labels.n = 1;
	ns->labels.v = arena_zalloc(m->arena, sizeof(struct label));
	ns->labels.v[0].key = LABEL_NS_NAME;
	ns->labels.v[0].value = name;
	ns->labels.v[0].loc = *where;
	if (warn)
		diag_warning(
			d, DIAG_W_IMPLICIT_NAMESPACE, where,
			"namespace '%s' is not declared in the input; assuming it exists with only "
			"the label %s=%s",
			name, LABEL_NS_NAME, name);
	return ns;
}

/* dedupe: drop later duplicates from a sorted array, reporting each. */
#define DEDUPE(arr, n, samekey, what, namefmt, ...)                                           \
	do {                                                                                  \
		size_t out_ = 0;                                                              \
		for (size_t i_ = 0; i_ < (n); i_++) {                                         \
			if (out_ && samekey((arr)[out_ - 1], (arr)[i_])) {                    \
				diag_error(d, &(arr)[i_]->loc, "duplicate %s " namefmt, what, \
					   __VA_ARGS__);                                      \
				diag_note(d, &(arr)[out_ - 1]->loc, "first defined here");    \
				rc = -1;                                                      \
				continue;                                                     \
			}                                                                     \
			(arr)[out_++] = (arr)[i_];                                            \
		}                                                                             \
		(n) = out_;                                                                   \
	} while (0)

#define SAME_NS(x, y)	  (!strcmp((x)->name, (y)->name))
#define SAME_NSNAME(x, y) (!strcmp((x)->ns, (y)->ns) && !strcmp((x)->name, (y)->name))
#define SAME_POLICY(x, y) (SAME_NSNAME(x, y) && !strcmp((x)->kind, (y)->kind))

/* resolve_tiers: order and end action of every policy that names a declared tier. */
static int resolve_tiers(struct model *m, struct diag *d)
{
	int rc = 0;

	if (m->ntiers > 1)
		xqsort(m->tiers, m->ntiers, sizeof(*m->tiers), cmp_tier_loc);
	DEDUPE(m->tiers, m->ntiers, SAME_NS, "Tier", "'%s'", m->tiers[i_]->name);
	for (size_t i = 0; i < m->npolicies; i++) {
		struct policy *p = m->policies[i];
		const struct tier *t = NULL;
		size_t lo = 0, hi = m->ntiers;
		if (!p->tier || !p->tier_loc.file)
			continue;
		while (lo < hi && !t) {
			size_t mid = lo + (hi - lo) / 2;
			int c = strcmp(m->tiers[mid]->name, p->tier);
			if (!c)
				t = m->tiers[mid];
			else if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!t) {
			diag_error(d, &p->tier_loc,
				   "tier '%s' is not declared; add a projectcalico.org/v3 Tier of "
				   "that name to the input",
				   p->tier);
			rc = -1;
			continue;
		}
		p->tier_order = t->has_order ? t->order : HUGE_VAL;
		p->tier_default = t->default_action;
	}
	return rc;
}

struct held {
	const struct addr *a;
	const struct pod *p;
};

static int cmp_held(const void *x, const void *y)
{
	const struct held *a = x, *b = y;
	int c = addr_cmp(a->a, b->a);
	return c ? c : (a->p->index > b->p->index) - (a->p->index < b->p->index);
}

/*
 * shared_addresses: two endpoints holding one address are an error in
 * every command: no rule on addresses can tell their traffic apart, and
 * an answer about the address would be about either.  Host-network pods
 * hold their node's address and are left out.
 */
static int shared_addresses(struct model *m, struct diag *d)
{
	struct held *v = NULL;
	size_t n = 0, alloc = 0;
	int rc = 0;

	for (size_t i = 0; i < m->npods; i++)
		for (size_t j = 0; !m->pods[i]->host_network && j < m->pods[i]->nips; j++)
			VEC_PUSH(v, n, alloc, ((struct held){ &m->pods[i]->ips[j], m->pods[i] }));
	if (n > 1)
		xqsort(v, n, sizeof(*v), cmp_held);
	for (size_t i = 1; i < n; i++) {
		char buf[ADDR_STRLEN];
		const struct pod *p = v[i - 1].p, *q = v[i].p;
		if (addr_cmp(v[i - 1].a, v[i].a) || p == q)
			continue;
		rc = diag_error(d, &q->loc,
				"%s/%s and %s/%s share the address %s: no rule on addresses can "
				"tell their traffic apart",
				p->ns, p->name, q->ns, q->name, addr_format(v[i].a, buf));
		diag_note(d, &p->loc, "%s/%s is here", p->ns, p->name);
	}
	free(v);
	return rc;
}

/*
 * check_node_peers: a nodes peer matches the addresses of Node objects;
 * without any in the input it would silently match nothing.
 */
static int check_node_peers(const struct model *m, struct diag *d)
{
	int rc = 0;
	if (m->nnodes)
		return 0;
	for (size_t i = 0; i < m->npolicies; i++)
		for (int dir = 0; dir < NDIR; dir++)
			for (size_t j = 0; j < m->policies[i]->nrules[dir]; j++) {
				const struct rule *r = &m->policies[i]->rules[dir][j];
				for (size_t k = 0; k < r->npeers; k++)
					if (r->peers[k].node_sel)
						rc = diag_error(
							d, &r->peers[k].loc,
							"nodes peer, but the input has no "
							"Node objects: add the cluster's "
							"Nodes (kubectl get nodes -o yaml), "
							"whose addresses it matches");
			}
	return rc;
}

/* labels_within: every label of a is in b (both sorted by key). */
static bool labels_within(const struct labelset *a, const struct labelset *b)
{
	size_t j = 0;
	for (size_t i = 0; i < a->n; i++) {
		while (j < b->n && strcmp(b->v[j].key, a->v[i].key) < 0)
			j++;
		if (j == b->n || strcmp(b->v[j].key, a->v[i].key) ||
		    strcmp(b->v[j].value, a->v[i].value))
			return false;
	}
	return true;
}

/*
 * fold_templates: the workload of every Pod (see struct pod), the one
 * with the longest name when several fit, and the template pods folded
 * into their pods.  A namespace's pods are sorted by name, so the pods
 * named W-... directly follow W ('-' sorts before every other character
 * of a name).
 */
static void fold_templates(struct model *m)
{
	for (size_t n = 0; n < m->nnamespaces; n++) {
		const struct namespace *ns = m->namespaces[n];
		for (size_t i = 0; i < ns->npods; i++) {
			struct pod *t = ns->pods[i];
			size_t len = strlen(t->name);
			if (!t->workload_kind)
				continue;
			for (size_t j = i + 1; j < ns->npods; j++) {
				struct pod *p = ns->pods[j];
				if (strncmp(p->name, t->name, len))
					break;
				if (p->name[len] != '-' || p->workload_kind ||
				    !labels_within(&t->labels, &p->labels))
					continue;
				if (!p->workload || strlen(p->workload->name) < len)
					p->workload = t;
			}
		}
	}
	for (size_t i = 0; i < m->npods; i++)
		if (m->pods[i]->workload)
			m->pods[i]->workload->folded = true;
}

int model_finalize(struct model *m, struct diag *d)
{
	int rc = 0;
	size_t nexplicit;
	bool warn;

	if (m->nnamespaces > 1)
		xqsort(m->namespaces, m->nnamespaces, sizeof(*m->namespaces), cmp_ns_loc);
	DEDUPE(m->namespaces, m->nnamespaces, SAME_NS, "Namespace", "'%s'",
	       m->namespaces[i_]->name);
	if (m->npods > 1)
		xqsort(m->pods, m->npods, sizeof(*m->pods), cmp_pod_loc);
	DEDUPE(m->pods, m->npods, SAME_NSNAME, m->pods[i_]->workload_kind ? "workload" : "Pod",
	       "'%s/%s'", m->pods[i_]->ns, m->pods[i_]->name);
	if (m->npolicies > 1)
		xqsort(m->policies, m->npolicies, sizeof(*m->policies), cmp_policy_loc);
	/* a cluster-scoped policy, or a namespaced one read without a namespace: its name */
	DEDUPE(m->policies, m->npolicies, SAME_POLICY, m->policies[i_]->kind, "'%s%s%s'",
	       m->policies[i_]->ns, *m->policies[i_]->ns ? "/" : "", m->policies[i_]->name);

	/*
	 * Namespaces referenced by pods or policies but not declared.  Say so
	 * only when the input describes a cluster (has Namespaces or pods):
	 * for policies alone the inventory is simply not part of the input.
	 */
	nexplicit = m->nnamespaces;
	warn = m->nnamespaces != 0;
	for (size_t i = 0; i < m->npods && !warn; i++)
		warn = !m->pods[i]->cli_host;
	for (size_t i = 0; i < m->npods + m->npolicies; i++) {
		const char *name = i < m->npods ? m->pods[i]->ns : m->policies[i - m->npods]->ns;
		const struct loc *where =
			i < m->npods ? &m->pods[i]->loc : &m->policies[i - m->npods]->loc;
		bool said = warn && !(i < m->npods && m->pods[i]->cli_host);
		bool found = false;
		size_t lo = 0, hi = nexplicit;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = strcmp(m->namespaces[mid]->name, name);
			if (!c) {
				found = true;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t j = nexplicit; !found && j < m->nnamespaces; j++)
			found = !strcmp(m->namespaces[j]->name, name);
		if (!found)
			model_add_namespace(m, implicit_ns(m, name, where, d, said));
	}
	if (m->nnamespaces > 1)
		xqsort(m->namespaces, m->nnamespaces, sizeof(*m->namespaces), cmp_ns);
	for (size_t i = 0; i < m->nnamespaces; i++) {
		m->namespaces[i]->index = i;
		m->namespaces[i]->npods = 0;
	}
	for (size_t i = 0; i < m->npods; i++) {
		struct pod *p = m->pods[i];
		p->index = i;
		p->nsp = model_namespace(m, p->ns);
		if (!p->nsp)
			BUG("pod namespace %s missing after finalize", p->ns);
		p->nsp->npods++;
	}
	for (size_t i = 0; i < m->nnamespaces; i++) {
		struct namespace *ns = m->namespaces[i];
		ns->pods = arena_array(m->arena, ns->npods, sizeof(*ns->pods));
		ns->npods = 0;
	}
	for (size_t i = 0; i < m->npods; i++) {
		struct namespace *ns = m->pods[i]->nsp;
		ns->pods[ns->npods++] = m->pods[i];
	}
	fold_templates(m);
	for (size_t i = 0; i < m->npolicies; i++)
		m->policies[i]->index = i;
	if (resolve_tiers(m, d))
		rc = -1;
	if (shared_addresses(m, d))
		rc = -1;
	if (check_node_peers(m, d))
		rc = -1;
	m->finalized = true;
	return rc;
}
