/*
 * dsl.c - the policy model as the policy language (docs/dsl.md): tiers,
 * namespaces, hosts (every pod of the inventory but template pods folded
 * into their workloads' pods), then the policies, each
 * sorted as model_finalize leaves them.  Reading the output back gives the
 * same model, up to what the model does not keep (the spelling of
 * networks, address and port sets, comments, workload kinds).  What the
 * language cannot say is reported at the construct, and nothing is
 * written.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "frontend/build.h"
#include "frontend/dsl.h"
#include "ir/selexpr.h"
#include "lib/util.h"

/* qualified_out: NAMESPACE/NAME, one word when it can be */
static void qualified_out(struct strbuf *out, const char *ns, const char *name)
{
	struct strbuf w = STRBUF_INIT;

	strbuf_addf(&w, "%s/%s", ns, name);
	dsl_word_out(out, w.buf, DSL_NAME);
	strbuf_release(&w);
}

static int unsayable(struct diag *d, const struct loc *loc, const char *what)
{
	return diag_error(d, loc, "the policy language cannot say %s", what);
}

static int key_out(struct strbuf *out, const char *key, const struct loc *loc, struct diag *d)
{
	if (!dsl_bare(key, DSL_KEY))
		return diag_error(d, loc, "the policy language cannot write the label key '%s'",
				  key);
	strbuf_addstr(out, key);
	return 0;
}

static void number_out(struct strbuf *out, double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	strbuf_addstr(out, buf);
}

/* ---- Calico selector expressions ------------------------------------------ */

static void calico_str(struct strbuf *out, const char *s)
{
	char q = strchr(s, '\'') ? '"' : '\'';
	strbuf_addf(out, "%c%s%c", q, s, q);
}

static void expr_out(struct strbuf *out, const struct sel_expr *e, enum selexpr_op parent)
{
	static const char *const cmp[] = {
		[SX_EQ] = " == ",
		[SX_NE] = " != ",
		[SX_CONTAINS] = " contains ",
		[SX_STARTS] = " starts with ",
		[SX_ENDS] = " ends with ",
	};
	bool paren = (e->op == SX_OR && parent == SX_AND) ||
		     ((e->op == SX_OR || e->op == SX_AND) && parent == SX_NOT);

	if (paren)
		strbuf_addch(out, '(');
	switch (e->op) {
	case SX_ALL:
		strbuf_addstr(out, "all()");
		break;
	case SX_GLOBAL:
		strbuf_addstr(out, "global()");
		break;
	case SX_HAS:
		strbuf_addf(out, "has(%s)", e->key);
		break;
	case SX_EQ:
	case SX_NE:
	case SX_CONTAINS:
	case SX_STARTS:
	case SX_ENDS:
		strbuf_addf(out, "%s%s", e->key, cmp[e->op]);
		calico_str(out, e->value);
		break;
	case SX_IN:
	case SX_NOT_IN:
		strbuf_addf(out, "%s %s {", e->key, e->op == SX_IN ? "in" : "not in");
		for (size_t i = 0; i < e->nvalues; i++) {
			strbuf_addstr(out, i ? ", " : "");
			calico_str(out, e->values[i]);
		}
		strbuf_addch(out, '}');
		break;
	case SX_AND:
	case SX_OR:
		expr_out(out, e->a, e->op);
		strbuf_addstr(out, e->op == SX_AND ? " && " : " || ");
		expr_out(out, e->b, e->op);
		break;
	case SX_NOT:
		strbuf_addch(out, '!');
		expr_out(out, e->a, SX_NOT);
		break;
	}
	if (paren)
		strbuf_addch(out, ')');
}

/* ---- selectors, peers, ports ----------------------------------------------- */

static int selector_out(struct strbuf *out, const struct selector *s, struct diag *d)
{
	const char *sep = "";
	int rc = 0;

	if (s->expr) {
		struct strbuf t = STRBUF_INIT;
		expr_out(&t, s->expr, SX_ALL);
		dsl_quote(out, t.buf);
		strbuf_release(&t);
		return 0;
	}
	if (selector_is_empty(s)) {
		strbuf_addstr(out, "all");
		return 0;
	}
	for (size_t i = 0; i < s->nlabels; i++, sep = " and ") {
		strbuf_addstr(out, sep);
		rc |= key_out(out, s->match_labels[i].key, &s->match_labels[i].loc, d);
		strbuf_addch(out, '=');
		dsl_word_out(out, s->match_labels[i].value, DSL_VALUE);
	}
	for (size_t i = 0; i < s->nexprs; i++, sep = " and ") {
		const struct sel_req *r = &s->exprs[i];
		strbuf_addstr(out, sep);
		if (r->op == SEL_DOES_NOT_EXIST)
			strbuf_addstr(out, "!");
		if (r->op == SEL_EXISTS || r->op == SEL_DOES_NOT_EXIST) {
			strbuf_addstr(out, "has(");
			rc |= key_out(out, r->key, &r->loc, d);
			strbuf_addch(out, ')');
			continue;
		}
		rc |= key_out(out, r->key, &r->loc, d);
		if (r->op == SEL_NOT_IN && r->nvalues == 1) {
			strbuf_addstr(out, " != ");
			dsl_word_out(out, r->values[0], DSL_VALUE);
			continue;
		}
		strbuf_addstr(out, r->op == SEL_IN ? " in (" : " notin (");
		for (size_t k = 0; k < r->nvalues; k++) {
			strbuf_addstr(out, k ? ", " : "");
			dsl_word_out(out, r->values[k], DSL_VALUE);
		}
		strbuf_addch(out, ')');
	}
	return rc;
}

static int peer_out(struct strbuf *out, const struct peer *p, struct diag *d)
{
	char buf[ADDR_STRLEN];
	int rc = 0;

	if (p->nets || p->nnot_nets || p->not_pod_sel || p->global_scope)
		return unsayable(d, &p->loc,
				 "a Calico peer with nets, notNets, notSelector or a global "
				 "namespaceSelector");
	if (p->ipblock) {
		const struct ipblock *b = p->ipblock;
		strbuf_addstr(out, prefix_format(&b->cidr, buf));
		if (b->nexcept == 1)
			strbuf_addf(out, " except %s", prefix_format(&b->except[0], buf));
		for (size_t i = 0; b->nexcept > 1 && i < b->nexcept; i++)
			strbuf_addf(out, "%s%s%s", i ? ", " : " except (",
				    prefix_format(&b->except[i], buf),
				    i + 1 == b->nexcept ? ")" : "");
		return 0;
	}
	if (p->pod_sel) {
		strbuf_addstr(out, "pods ");
		rc |= selector_out(out, p->pod_sel, d);
	}
	if (p->ns_sel) {
		strbuf_addstr(out, p->pod_sel ? " in namespaces " : "namespaces ");
		rc |= selector_out(out, p->ns_sel, d);
	}
	return rc;
}

static void port_out(struct strbuf *out, const struct port *p)
{
	strbuf_addstr(out, proto_lname(p->proto));
	if (!p->has_port)
		return;
	if (p->name)
		strbuf_addf(out, "/%s", p->name);
	else if (p->end_port && p->end_port != p->port)
		strbuf_addf(out, "/%u-%u", p->port, p->end_port);
	else
		strbuf_addf(out, "/%u", p->port);
}

static int rule_out(struct strbuf *out, const struct rule *r, enum dir dir, struct diag *d)
{
	int rc = 0;

	if (r->nnot_ports)
		return unsayable(d, &r->loc, "a Calico rule with notPorts");
	strbuf_addf(out, "  %s %s", action_name(r->action), dir_name(dir));
	if (r->npeers || r->peers_given)
		strbuf_addstr(out, dir == DIR_INGRESS ? " from " : " to ");
	if (r->peers_given && !r->npeers)
		strbuf_addstr(out, "any");
	for (size_t i = 0; i < r->npeers; i++) {
		strbuf_addstr(out, i ? ", " : "");
		rc |= peer_out(out, &r->peers[i], d);
	}
	for (size_t i = 0; i < r->nports; i++) {
		strbuf_addstr(out, i ? ", " : " port ");
		port_out(out, &r->ports[i]);
	}
	strbuf_addch(out, '\n');
	return rc;
}

/* ---- cluster-wide policies ------------------------------------------------ */

/*
 * anp_pods_out: "pods P [in namespaces N]" or "namespaces N"; namespaces
 * that are every namespace (NULL or empty) are not written, as the reader
 * reads them.
 */
static int anp_pods_out(struct strbuf *out, const struct selector *ns, const struct selector *pods,
			struct diag *d)
{
	int rc = 0;

	if (!pods) {
		strbuf_addstr(out, "namespaces ");
		if (!ns)
			strbuf_addstr(out, "all");
		return ns ? selector_out(out, ns, d) : 0;
	}
	strbuf_addstr(out, "pods ");
	rc |= selector_out(out, pods, d);
	if (ns && !selector_is_empty(ns)) {
		strbuf_addstr(out, " in namespaces ");
		rc |= selector_out(out, ns, d);
	}
	return rc;
}

static int anp_peer_out(struct strbuf *out, const struct peer *p, struct diag *d)
{
	char buf[ADDR_STRLEN];

	if (p->node_sel) {
		strbuf_addstr(out, "nodes ");
		return selector_out(out, p->node_sel, d);
	}
	for (size_t i = 0; i < p->nnets; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", prefix_format(&p->nets[i], buf));
	if (p->nnets)
		return 0;
	if (p->ipblock || p->nnot_nets || p->not_pod_sel || !p->global_scope)
		return unsayable(d, &p->loc, "this peer in a cluster-wide policy");
	return anp_pods_out(out, p->ns_sel, p->pod_sel, d);
}

/*
 * anp_ports_out: a rule's ports; a named port, which the model holds once
 * per protocol (it takes the destination pod's), is written once, bare.
 */
static void anp_ports_out(struct strbuf *out, const struct rule *r)
{
	const char *sep = " port ";

	for (size_t i = 0; i < r->nports; i++) {
		const struct port *p = &r->ports[i];
		strbuf_addstr(out, sep);
		sep = ", ";
		if (!p->name) {
			port_out(out, p);
			continue;
		}
		dsl_word_out(out, p->name, DSL_NAME); /* a name spelt like a keyword is quoted */
		while (i + 1 < r->nports && r->ports[i + 1].name &&
		       !strcmp(r->ports[i + 1].name, p->name))
			i++;
	}
}

static int anp_rule_out(struct strbuf *out, const struct rule *r, enum dir dir, struct diag *d)
{
	int rc = 0;

	strbuf_addf(out, "  %s %s %s ", action_name(r->action), dir_name(dir),
		    dir == DIR_INGRESS ? "from" : "to");
	for (size_t i = 0; i < r->npeers; i++) {
		strbuf_addstr(out, i ? ", " : "");
		rc |= anp_peer_out(out, &r->peers[i], d);
	}
	anp_ports_out(out, r);
	if (r->name) {
		strbuf_addstr(out, " named ");
		dsl_word_out(out, r->name, DSL_NAME);
	}
	strbuf_addch(out, '\n');
	return rc;
}

/* anp_policy_out: an AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy. */
static int anp_policy_out(struct strbuf *out, const struct policy *p, struct diag *d)
{
	static const char *const kinds[][2] = {
		{ "AdminNetworkPolicy", "admin" },
		{ "BaselineAdminNetworkPolicy", "baseline" },
		{ "ClusterNetworkPolicy", "cluster" },
	};
	size_t k = 0;
	int rc = 0;

	while (k < ARRAY_SIZE(kinds) && strcmp(kinds[k][0], p->kind))
		k++;
	if (k == ARRAY_SIZE(kinds))
		return unsayable(d, &p->loc, "a GlobalNetworkPolicy");
	strbuf_addf(out, "\n%s policy ", kinds[k][1]);
	dsl_word_out(out, p->name, DSL_NAME);
	strbuf_addstr(out, " {\n");
	if (k == ANP_CLUSTER)
		strbuf_addf(out, "  tier %s\n", !strcmp(p->tier, BANP_TIER) ? "Baseline" : "Admin");
	if (k != ANP_BASELINE) {
		strbuf_addstr(out, "  priority ");
		number_out(out, p->order);
		strbuf_addch(out, '\n');
	}
	strbuf_addstr(out, "  select ");
	rc |= anp_pods_out(out, p->global_ns_sel, selector_is_empty(p->pod_sel) ? NULL : p->pod_sel,
			   d);
	strbuf_addch(out, '\n');
	for (int dir = 0; dir < NDIR; dir++)
		for (size_t i = 0; i < p->nrules[dir]; i++)
			rc |= anp_rule_out(out, &p->rules[dir][i], (enum dir)dir, d);
	strbuf_addstr(out, "}\n");
	return rc;
}

/* ---- objects ---------------------------------------------------------------- */

static int policy_out(struct strbuf *out, const struct policy *p, struct diag *d)
{
	bool defaults[NDIR] = { true, p->nrules[DIR_EGRESS] > 0 };
	int rc = 0;

	if (p->global && p->kind && p->no_host_network)
		return anp_policy_out(out, p, d);
	if (p->global) {
		const char *k = p->kind ? p->kind : "GlobalNetworkPolicy";
		return diag_error(d, &p->loc, "the policy language cannot say a%s %s",
				  strchr("AEIOU", k[0]) ? "n" : "", k);
	}
	strbuf_addstr(out, "\npolicy ");
	qualified_out(out, p->ns, p->name);
	strbuf_addstr(out, " {\n");
	if (p->pod_sel && (p->pod_sel->expr || !selector_is_empty(p->pod_sel))) {
		strbuf_addstr(out, "  select ");
		rc |= selector_out(out, p->pod_sel, d);
		strbuf_addch(out, '\n');
	}
	if (p->tier) {
		strbuf_addstr(out, "  tier ");
		dsl_word_out(out, p->tier, DSL_NAME);
		strbuf_addch(out, '\n');
	}
	if (p->has_order) {
		strbuf_addstr(out, "  order ");
		number_out(out, p->order);
		strbuf_addch(out, '\n');
	}
	if (p->types_explicit || p->types[DIR_INGRESS] != defaults[DIR_INGRESS] ||
	    p->types[DIR_EGRESS] != defaults[DIR_EGRESS]) {
		if (!p->types[DIR_INGRESS] && !p->types[DIR_EGRESS])
			return unsayable(d, &p->types_loc, "a policy that isolates no direction");
		strbuf_addf(out, "  isolate %s%s%s\n", p->types[DIR_INGRESS] ? "ingress" : "",
			    p->types[DIR_INGRESS] && p->types[DIR_EGRESS] ? ", " : "",
			    p->types[DIR_EGRESS] ? "egress" : "");
	}
	for (int dir = 0; dir < NDIR; dir++)
		for (size_t i = 0; i < p->nrules[dir]; i++)
			rc |= rule_out(out, &p->rules[dir][i], (enum dir)dir, d);
	strbuf_addstr(out, "}\n");
	return rc;
}

static void labels_out(struct strbuf *out, const struct labelset *ls, const char *skip_ns)
{
	const char *sep = " labels ";

	for (size_t i = 0; i < ls->n; i++) {
		const struct label *l = &ls->v[i];
		if (skip_ns && !strcmp(l->key, LABEL_NS_NAME) && !strcmp(l->value, skip_ns))
			continue;
		strbuf_addstr(out, sep);
		strbuf_addstr(out, l->key);
		strbuf_addch(out, '=');
		dsl_word_out(out, l->value, DSL_VALUE);
		sep = ", ";
	}
}

static int host_out(struct strbuf *out, const struct pod *p, struct diag *d)
{
	char buf[ADDR_STRLEN];
	int rc = 0;

	if (p->host_endpoint)
		return unsayable(d, &p->loc, "a Calico HostEndpoint (a host without a namespace)");
	if (p->host_network)
		return unsayable(d, &p->loc,
				 "a host-network pod (a host of the language is an endpoint of its "
				 "own, not its node)");
	for (size_t i = 0; i < p->labels.n; i++)
		if (!dsl_bare(p->labels.v[i].key, DSL_KEY))
			rc |= key_out(out, p->labels.v[i].key, &p->loc, d);
	strbuf_addstr(out, "host ");
	qualified_out(out, p->ns, p->name);
	labels_out(out, &p->labels, NULL);
	for (size_t i = 0; i < p->nips; i++)
		strbuf_addf(out, "%s%s", i ? ", " : " address ", addr_format(&p->ips[i], buf));
	for (size_t i = 0, n = 0; i < p->nports; i++)
		if (p->ports[i].name) /* only named ports mean something to policies */
			strbuf_addf(out, "%s%s=%s/%u", n++ ? ", " : " port ", p->ports[i].name,
				    proto_lname(p->ports[i].proto), p->ports[i].port);
	strbuf_addch(out, '\n');
	return rc;
}

/* node_out: a Node of the inventory: its labels and the addresses nodes peers match. */
static int node_out(struct strbuf *out, const struct cluster_node *n, struct diag *d)
{
	char buf[ADDR_STRLEN];
	int rc = 0;

	for (size_t i = 0; i < n->labels.n; i++)
		if (!dsl_bare(n->labels.v[i].key, DSL_KEY))
			rc |= key_out(out, n->labels.v[i].key, &n->loc, d);
	strbuf_addstr(out, "node ");
	dsl_word_out(out, n->name, DSL_NAME);
	labels_out(out, &n->labels, NULL);
	for (size_t i = 0; i < n->naddrs; i++)
		strbuf_addf(out, "%s%s", i ? ", " : " address ", addr_format(&n->addrs[i], buf));
	strbuf_addch(out, '\n');
	return rc;
}

/* header_out: the first line, a comment naming the inputs (on one line, whatever their names) */
static void header_out(struct strbuf *out, const struct emit_ctx *ctx)
{
	const struct model *m = ctx->model;
	struct strbuf from = STRBUF_INIT;

	if (ctx->cmdline)
		strbuf_addstr(&from, ctx->cmdline);
	else
		for (size_t i = 0; i < m->ninputs; i++)
			strbuf_addf(&from, "%s%s", i ? " " : "", m->inputs[i]);
	strbuf_addstr(out, "# netpolc policy language, from: ");
	for (const char *c = from.buf; *c; c++)
		strbuf_addch(out, *c == '\n' || *c == '\r' ? ' ' : *c);
	strbuf_addch(out, '\n');
	strbuf_release(&from);
}

int dsl_emit(const struct emit_ctx *ctx, struct emit_out *o, struct diag *d)
{
	const struct model *m = ctx->model;
	struct strbuf *out = emit_main(o);
	int rc = 0;

	header_out(out, ctx);
	if (m->ntiers)
		strbuf_addch(out, '\n');
	for (size_t i = 0; i < m->ntiers; i++) {
		const struct tier *t = m->tiers[i];
		strbuf_addstr(out, "tier ");
		dsl_word_out(out, t->name, DSL_NAME);
		if (t->has_order && !isinf(t->order)) {
			strbuf_addstr(out, " order ");
			number_out(out, t->order);
		}
		if (t->default_action == ACT_PASS)
			strbuf_addstr(out, " default pass");
		strbuf_addch(out, '\n');
	}
	for (size_t i = 0, first = 1; i < m->nnamespaces; i++) {
		const struct namespace *ns = m->namespaces[i];
		if (ns->implicit)
			continue;
		strbuf_addstr(out, first ? "\nnamespace " : "namespace ");
		first = 0;
		dsl_word_out(out, ns->name, DSL_NAME);
		for (size_t k = 0; k < ns->labels.n; k++)
			if (!dsl_bare(ns->labels.v[k].key, DSL_KEY))
				rc |= key_out(out, ns->labels.v[k].key, &ns->loc, d);
		labels_out(out, &ns->labels, ns->name);
		strbuf_addch(out, '\n');
	}
	if (m->npods)
		strbuf_addch(out, '\n');
	for (size_t i = 0; i < m->npods; i++)
		if (!m->pods[i]->folded) /* its workload's pods stand for it */
			rc |= host_out(out, m->pods[i], d);
	if (m->nnodes)
		strbuf_addch(out, '\n');
	for (size_t i = 0; i < m->nnodes; i++)
		rc |= node_out(out, m->nodes[i], d);
	for (size_t i = 0; i < m->npolicies; i++)
		rc |= policy_out(out, m->policies[i], d);
	return rc ? -1 : 0;
}
