/*
 * k8s.c - Kubernetes objects into the policy model.
 *
 * One document tree (frontend/node.h) holds one object or a list of them.
 * NetworkPolicy objects become struct policy, with the API server's
 * defaulting (policyTypes, protocol) applied and its validation mirrored;
 * Namespaces, Pods and the pod templates of workloads become inventory.
 * Other kinds are reported with a warning and ignored.
 *
 * Every problem is reported (diag_error at the offending node) and the
 * decoding goes on; an object with any error is left out of the model, so
 * later stages only see valid objects.  Unknown fields are errors inside
 * NetworkPolicy objects, metadata included (their schema is small and a
 * typo changes the meaning); Pods, workloads and Namespaces have huge
 * schemas, so only the fields read here are checked and the rest is
 * ignored, except that unknown metadata fields get a warning (a misspelt
 * `labels` would silently drop the labels).
 *
 * Null is the same as absent for every field, as in the API server's
 * decoder: `podSelector: null` in a peer is "not set", `ingress: null` is
 * "no rules".  A null list item is an error (the API server would read it
 * as an empty object, which for a rule means "allow everything"; that is
 * almost always a slip of indentation).
 */
#include "frontend/frontend.h"

#include <stdlib.h>
#include <string.h>

#include "frontend/lower.h"
#include "ir/names.h"
#include "lib/strbuf.h"
#include "lib/util.h"

struct k8s {
	struct lower lo; /* the arena, the diagnostics and the Kubernetes wording */
	const struct frontend_opts *o;
	struct model *m;
};

/* ---- messages and field access --------------------------------------- */

/* is_identifier: n is a non-empty string of ASCII letters and digits (safe to print bare). */
static bool is_identifier(const struct node *n)
{
	if (n->kind != NODE_STR || !n->len || n->len > 64)
		return false;
	for (size_t i = 0; i < n->len; i++) {
		char c = n->str[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/* need_str: like lower_typed(..., NODE_STR), and a missing value is reported at map. */
static const struct node *need_str(struct k8s *k, const struct node *map, const char *key,
				   const char *owner)
{
	const struct node_pair *p = lower_pair(map, key);
	if (!p || p->value->kind == NODE_NULL) {
		diag_error(k->lo.b.d, p ? &p->key->loc : &map->loc, "%s has no '%s'", owner, key);
		return NULL;
	}
	return lower_want(&k->lo, p->value, NODE_STR, key) ? p->value : NULL;
}

/* ---- labels and selectors -------------------------------------------- */

static const char *const selector_fields[] = { "matchLabels", "matchExpressions", NULL };
static const char *const requirement_fields[] = { "key", "operator", "values", NULL };

static void read_requirement(struct k8s *k, const struct node *n, struct sel_req *r)
{
	const struct node *key, *op, *values;
	const struct node_pair *vp = lower_pair(n, "values");
	struct build_str ks, ops;
	struct build_req in = { .loc = n->loc };

	lower_check_fields(&k->lo, n, requirement_fields, "matchExpressions item", true, NULL);
	if ((key = need_str(k, n, "key", "matchExpressions item"))) {
		ks = lower_str(key);
		in.key = &ks;
	}
	if ((op = need_str(k, n, "operator", "matchExpressions item"))) {
		ops = lower_str(op);
		in.op = &ops;
	}
	values = vp && vp->value->kind != NODE_NULL ? vp->value : NULL;
	in.values_loc = vp ? &vp->key->loc : NULL;
	if (values && lower_want(&k->lo, values, NODE_SEQ, "values")) {
		in.values = lower_str_items(&k->lo, values, "values item");
		in.nvalues = values->n;
	} else if (values) {
		in.values_unread = true;
	}
	build_requirement(&k->lo.b, &in, r);
}

/* read_selector: a LabelSelector; NULL after a type error. */
static struct selector *read_selector(struct k8s *k, const struct node *n, const char *what)
{
	const struct node *ml, *me;
	struct labelset ls = { 0 };
	struct sel_req *exprs = NULL;
	size_t nexprs = 0;

	if (!lower_want(&k->lo, n, NODE_MAP, what))
		return NULL;
	lower_check_fields(&k->lo, n, selector_fields, what, true, NULL);
	if ((ml = lower_typed(&k->lo, n, "matchLabels", NODE_MAP)))
		lower_labels(&k->lo, ml, &ls);
	if ((me = lower_typed(&k->lo, n, "matchExpressions", NODE_SEQ))) {
		exprs = arena_array(k->lo.b.a, me->n, sizeof(*exprs));
		for (size_t i = 0; i < me->n; i++)
			if (lower_want(&k->lo, me->items[i], NODE_MAP, "matchExpressions item"))
				read_requirement(k, me->items[i], &exprs[nexprs++]);
	}
	return build_selector(&k->lo.b, &n->loc, &ls, exprs, nexprs);
}

/* ---- NetworkPolicy ports --------------------------------------------- */

static const char *const port_fields[] = { "protocol", "port", "endPort", NULL };

/* opt_str: the string value of key in n, or NULL when absent or unreadable (reported). */
static const struct build_str *opt_str(struct k8s *k, const struct node *n, const char *key,
				       struct build_str *buf)
{
	const struct node *v = lower_typed(&k->lo, n, key, NODE_STR);
	if (!v)
		return NULL;
	*buf = lower_str(v);
	return buf;
}

static void read_port(struct k8s *k, const struct node *n, struct port *pt)
{
	const struct node *port, *end;
	struct build_str proto, name;
	struct build_num num, endn;
	struct build_port in = { .loc = n->loc };

	lower_check_fields(&k->lo, n, port_fields, "port", true, NULL);
	in.protocol = opt_str(k, n, "protocol", &proto);
	port = lower_val(n, "port");
	if (port && port->kind == NODE_INT) {
		num = lower_num(port);
		in.number = &num;
	} else if (port && port->kind == NODE_STR) {
		name = lower_str(port);
		in.name = &name;
	} else if (port && port->kind == NODE_FLOAT) {
		diag_error(k->lo.b.d, &port->loc,
			   "port: expected a whole number from 1 to 65535 or a port name, got %s",
			   port->str);
	} else if (port) {
		diag_error(k->lo.b.d, &port->loc,
			   "port: expected a number or a port name (a string), got %s%s%s%s",
			   node_kind_name(port->kind), lower_is_scalar(port) ? " (" : "",
			   lower_is_scalar(port) ? port->str : "",
			   lower_is_scalar(port) ? ")" : "");
	}
	end = lower_val(n, "endPort");
	if (end && lower_want(&k->lo, end, NODE_INT, "endPort")) {
		endn = lower_num(end);
		in.end_port = &endn;
	}
	build_port(&k->lo.b, &in, pt);
}

/* ---- NetworkPolicy peers --------------------------------------------- */

static const char *const peer_fields[] = { "podSelector", "namespaceSelector", "ipBlock", NULL };
static const char *const ipblock_fields[] = { "cidr", "except", NULL };

/* read_ipblock: the ipBlock n, found under the key at key (where a missing cidr is reported). */
static const struct ipblock *read_ipblock(struct k8s *k, const struct node *n,
					  const struct loc *key)
{
	const struct node *cidr, *except;
	struct build_str cs, *es = NULL;
	size_t nexcept = 0;

	if (!lower_want(&k->lo, n, NODE_MAP, "ipBlock"))
		return NULL;
	lower_check_fields(&k->lo, n, ipblock_fields, "ipBlock", true, NULL);
	if ((cidr = lower_val(n, "cidr")))
		cs = lower_str_item(&k->lo, cidr, "cidr");
	if ((except = lower_typed(&k->lo, n, "except", NODE_SEQ))) {
		nexcept = except->n;
		es = lower_str_items(&k->lo, except, "except item");
	}
	return build_ipblock(&k->lo.b, &n->loc, key, cidr ? &cs : NULL, es, nexcept);
}

static void read_peer(struct k8s *k, const struct node *n, enum dir dir, struct peer *pe)
{
	const struct node_pair *ipb = lower_pair(n, "ipBlock");
	const struct node *v;
	struct build_peer in = { .loc = n->loc };

	lower_check_fields(&k->lo, n, peer_fields, "peer", true, NULL);
	if ((v = lower_val(n, "podSelector"))) {
		in.pod_sel = read_selector(k, v, "podSelector");
		in.pod_sel_given = true;
	}
	if ((v = lower_val(n, "namespaceSelector"))) {
		in.ns_sel = read_selector(k, v, "namespaceSelector");
		in.ns_sel_given = true;
	}
	if ((v = lower_val(n, "ipBlock"))) {
		in.ipblock = read_ipblock(k, v, &ipb->key->loc);
		in.ipblock_loc = &ipb->key->loc;
	}
	build_peer(&k->lo.b, dir, &in, pe);
}

/* ---- NetworkPolicy rules and spec ------------------------------------ */

static const char *const rule_fields[NDIR][3] = { { "from", "ports", NULL },
						  { "to", "ports", NULL } };
static const struct lower_hint rule_hints[NDIR][5] = {
	{ { "to", "ingress rules name their peers in 'from'" },
	  { "podSelector", "peers belong in a 'from' list: from: [{podSelector: ...}]" },
	  { "namespaceSelector",
	    "peers belong in a 'from' list: from: [{namespaceSelector: ...}]" },
	  { "ipBlock", "peers belong in a 'from' list: from: [{ipBlock: ...}]" },
	  { NULL, NULL } },
	{ { "from", "egress rules name their peers in 'to'" },
	  { "podSelector", "peers belong in a 'to' list: to: [{podSelector: ...}]" },
	  { "namespaceSelector", "peers belong in a 'to' list: to: [{namespaceSelector: ...}]" },
	  { "ipBlock", "peers belong in a 'to' list: to: [{ipBlock: ...}]" },
	  { NULL, NULL } },
};

static void read_rule(struct k8s *k, const struct node *n, enum dir dir, struct rule *r)
{
	const char *pkey = rule_fields[dir][0];
	const struct node_pair *pp = lower_pair(n, pkey), *po = lower_pair(n, "ports");
	const struct node *v;

	r->loc = n->loc;
	r->action = ACT_ALLOW;
	lower_check_fields(&k->lo, n, rule_fields[dir],
			   dir == DIR_INGRESS ? "ingress rule" : "egress rule", true,
			   rule_hints[dir]);
	r->peers_given = pp != NULL;
	r->ports_given = po != NULL;
	if ((v = lower_typed(&k->lo, n, pkey, NODE_SEQ))) {
		r->peers = arena_array(k->lo.b.a, v->n, sizeof(*r->peers));
		for (size_t i = 0; i < v->n; i++)
			if (lower_want(&k->lo, v->items[i], NODE_MAP, "peer"))
				read_peer(k, v->items[i], dir, &r->peers[r->npeers++]);
	}
	if ((v = lower_typed(&k->lo, n, "ports", NODE_SEQ))) {
		r->ports = arena_array(k->lo.b.a, v->n, sizeof(*r->ports));
		for (size_t i = 0; i < v->n; i++)
			if (lower_want(&k->lo, v->items[i], NODE_MAP, "ports item"))
				read_port(k, v->items[i], &r->ports[r->nports++]);
	}
}

static void read_rules(struct k8s *k, struct policy *p, const struct node *spec, enum dir dir)
{
	const struct node *v = lower_rule_list(&k->lo, p, spec, dir);

	if (!v)
		return;
	p->rules[dir] = arena_array(k->lo.b.a, v->n, sizeof(*p->rules[dir]));
	for (size_t i = 0; i < v->n; i++) {
		const char *what = dir == DIR_INGRESS ? "ingress rule" : "egress rule";
		if (v->items[i]->kind == NODE_NULL)
			diag_error(k->lo.b.d, &v->items[i]->loc,
				   "%s: expected a mapping, got null (write {} for a rule that "
				   "matches all traffic)",
				   what);
		else if (lower_want(&k->lo, v->items[i], NODE_MAP, what))
			read_rule(k, v->items[i], dir, &p->rules[dir][p->nrules[dir]++]);
	}
}

/* read_policy_types: explicit policyTypes into p->types; false when absent or empty. */
static bool read_policy_types(struct k8s *k, struct policy *p, const struct node *spec)
{
	const struct node_pair *pr = lower_pair(spec, "policyTypes");
	const struct node *v;

	if (!pr)
		return false;
	p->types_loc = pr->key->loc;
	if (!(v = lower_typed(&k->lo, spec, "policyTypes", NODE_SEQ)) || !v->n)
		return false;
	return build_policy_types(&k->lo.b, p, &v->loc,
				  lower_str_items(&k->lo, v, "policyTypes item"), v->n);
}

/* ---- metadata -------------------------------------------------------- */

static const char *const meta_fields[] = { LOWER_META_FIELDS, "clusterName", NULL };

/*
 * SCOPE_POLICY: namespaced, the namespace optional when the options say so;
 * SCOPE_NODE: cluster-wide, named by a DNS subdomain (SCOPE_CLUSTER: a label).
 */
enum scope { SCOPE_CLUSTER, SCOPE_NODE, SCOPE_NAMESPACED, SCOPE_POLICY };

/*
 * read_meta: metadata of an object of kind (anchor: where to report what is
 * missing).  Unknown metadata fields are errors when strict, warnings
 * otherwise.
 */
static void read_meta(struct k8s *k, const struct node *obj, const char *kind,
		      const struct loc *anchor, enum scope scope, bool strict,
		      struct lower_meta *md)
{
	struct lower_meta_rules r = {
		.fields = meta_fields,
		.strict = strict,
		.scope = scope == SCOPE_CLUSTER || scope == SCOPE_NODE ? LOWER_CLUSTER
								       : LOWER_NAMESPACED,
		.valid_name = scope == SCOPE_CLUSTER ? valid_dns_label : valid_dns_subdomain,
		.default_ns = k->o ? k->o->default_ns : NULL,
		.ns_optional = scope == SCOPE_POLICY && k->o && k->o->policy_ns_optional,
		.generate_name_note = true,
		.annotation_key = true,
	};
	lower_meta(&k->lo, obj, kind, anchor, &r, md);
}
/* ---- NetworkPolicy --------------------------------------------------- */

static const char *const policy_fields[] = { "apiVersion", "kind",   "metadata",
					     "spec",	   "status", NULL };
static const char *const spec_fields[] = { "podSelector", "policyTypes", "ingress", "egress",
					   NULL };
static const struct lower_hint policy_hints[] = {
	{ "podSelector", "'podSelector' belongs under 'spec'" },
	{ "policyTypes", "'policyTypes' belongs under 'spec'" },
	{ "ingress", "'ingress' belongs under 'spec'" },
	{ "egress", "'egress' belongs under 'spec'" },
	{ NULL, NULL },
};
static const struct lower_hint spec_hints[] = {
	{ "from", "'from' belongs in an ingress rule: ingress: [{from: ...}]" },
	{ "to", "'to' belongs in an egress rule: egress: [{to: ...}]" },
	{ "ports", "'ports' belongs in an ingress or egress rule" },
	{ "namespaceSelector", "a policy applies to pods of its own namespace only; "
			       "namespaceSelector belongs in a peer" },
	{ NULL, NULL },
};

static void lower_policy(struct k8s *k, const struct node *obj, const struct loc *anchor)
{
	size_t e0 = k->lo.b.d->errors;
	struct policy *p = arena_zalloc(k->lo.b.a, sizeof(*p));
	const struct node_pair *sp = lower_pair(obj, "spec");
	const struct node *spec, *ps;
	struct lower_meta md;

	lower_check_fields(&k->lo, obj, policy_fields, "NetworkPolicy", true, policy_hints);
	read_meta(k, obj, "NetworkPolicy", anchor, SCOPE_POLICY, true, &md);
	p->loc = obj->loc;
	p->kind = "NetworkPolicy";
	p->name = md.name;
	p->name_loc = md.name_loc;
	p->ns = md.ns;
	p->types_loc = sp ? sp->key->loc : *anchor;
	spec = lower_typed(&k->lo, obj, "spec", NODE_MAP);
	if (spec)
		lower_check_fields(&k->lo, spec, spec_fields, "NetworkPolicy spec", true,
				   spec_hints);
	if ((ps = lower_val(spec, "podSelector")))
		p->pod_sel = read_selector(k, ps, "podSelector");
	if (!p->pod_sel) {
		struct selector *all = arena_zalloc(k->lo.b.a, sizeof(*all));
		all->loc = spec ? spec->loc : *anchor;
		p->pod_sel = all;
	}
	p->types_explicit = read_policy_types(k, p, spec);
	read_rules(k, p, spec, DIR_INGRESS);
	read_rules(k, p, spec, DIR_EGRESS);
	build_policy_defaults(p);
	if (k->lo.b.d->errors == e0)
		model_add_policy(k->m, p);
}

/* ---- AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy */

/*
 * The three kinds share subjects, peers and rule order; they differ in
 * their spec fields, limits and port syntax (v1alpha1 ports, v1alpha2
 * protocols).
 */
struct anp_shape {
	const char *const *spec_fields;
	const char *spec_what;
	size_t max; /* rules per direction, peers and port entries per rule */
	bool cluster;
};

static const char *const anp_subject_fields[] = { "namespaces", "pods", NULL };
static const char *const anp_pods_fields[] = { "namespaceSelector", "podSelector", NULL };
static const char *const anp_peer_fields[NDIR][6] = {
	{ "namespaces", "pods", NULL },
	{ "namespaces", "pods", "networks", "nodes", "domainNames", NULL },
};
static const char *const anp_port_fields[] = { "portNumber", "portRange", "namedPort", NULL };
static const char *const anp_number_fields[] = { "protocol", "port", NULL };
static const char *const anp_range_fields[] = { "protocol", "start", "end", NULL };

/* given_fields: given[i] says whether names[i] is set (not null) in map n. */
static size_t given_fields(const struct node *n, const char *const *names, bool *given)
{
	size_t i = 0;
	for (; names[i]; i++)
		given[i] = lower_val(n, names[i]) != NULL;
	return i;
}

/*
 * read_anp_pods: a NamespacedPod {namespaceSelector, podSelector}, both
 * required in v1alpha1; a ClusterNetworkPolicy (cluster) may leave out
 * namespaceSelector, which then selects every namespace (*ns_sel NULL).
 */
static bool read_anp_pods(struct k8s *k, const struct node *n, bool cluster,
			  const struct selector **ns_sel, const struct selector **pod_sel)
{
	const struct node *v;
	size_t e0 = k->lo.b.d->errors;
	*ns_sel = *pod_sel = NULL;
	if (!lower_want(&k->lo, n, NODE_MAP, "pods"))
		return false;
	lower_check_fields(&k->lo, n, anp_pods_fields, "pods", true, NULL);
	if (!(v = lower_val(n, "namespaceSelector"))) {
		if (!cluster)
			diag_error(k->lo.b.d, &n->loc,
				   "pods has no 'namespaceSelector' (write {} for "
				   "every namespace)");
	} else {
		*ns_sel = read_selector(k, v, "namespaceSelector");
	}
	if (!(v = lower_val(n, "podSelector")))
		diag_error(k->lo.b.d, &n->loc,
			   "pods has no 'podSelector' (write {} for every pod)");
	else
		*pod_sel = read_selector(k, v, "podSelector");
	return k->lo.b.d->errors == e0;
}

static void read_anp_subject(struct k8s *k, struct policy *p, const struct node *n, bool cluster)
{
	bool given[2];
	const struct node *v;
	const struct selector *ns_sel = NULL, *pod_sel = NULL;

	if (!lower_want(&k->lo, n, NODE_MAP, "subject"))
		return;
	lower_check_fields(&k->lo, n, anp_subject_fields, "subject", true, NULL);
	if (!build_anp_one_of(&k->lo.b, &n->loc, "subject", anp_subject_fields, given,
			      given_fields(n, anp_subject_fields, given)))
		return;
	if ((v = lower_val(n, "namespaces")))
		ns_sel = read_selector(k, v, "namespaces");
	else if (!read_anp_pods(k, lower_val(n, "pods"), cluster, &ns_sel, &pod_sel))
		return;
	build_anp_subject(&k->lo.b, p, ns_sel, pod_sel);
}

static void read_anp_peer(struct k8s *k, const struct node *n, enum dir dir, bool cluster,
			  struct peer *pe)
{
	bool given[5];
	const struct node *v;
	const struct selector *ns_sel = NULL, *pod_sel = NULL;

	memset(pe, 0, sizeof(*pe));
	pe->loc = n->loc;
	lower_check_fields(&k->lo, n, anp_peer_fields[dir], "peer", true, NULL);
	if (!build_anp_one_of(&k->lo.b, &n->loc, "peer", anp_peer_fields[dir], given,
			      given_fields(n, anp_peer_fields[dir], given)))
		return;
	if ((v = lower_val(n, "namespaces"))) {
		ns_sel = read_selector(k, v, "namespaces");
		build_anp_pods_peer(&n->loc, ns_sel, NULL, pe);
	} else if ((v = lower_val(n, "pods"))) {
		if (read_anp_pods(k, v, cluster, &ns_sel, &pod_sel))
			build_anp_pods_peer(&n->loc, ns_sel, pod_sel, pe);
	} else if ((v = lower_typed(&k->lo, n, "networks", NODE_SEQ))) {
		build_anp_networks(&k->lo.b, &v->loc, lower_str_items(&k->lo, v, "networks item"),
				   v->n, pe);
	} else if ((v = lower_val(n, "nodes"))) {
		const struct selector *sel = read_selector(k, v, "nodes");
		if (sel)
			build_anp_nodes_peer(&n->loc, sel, pe);
	} else if (lower_val(n, "domainNames")) {
		build_anp_unsupported_peer(&k->lo.b, &lower_pair(n, "domainNames")->key->loc,
					   "domainNames");
	}
}

/* opt_num: the number at key in n, or NULL when absent or not a number (reported). */
static const struct build_num *opt_num(struct k8s *k, const struct node *n, const char *key,
				       struct build_num *buf)
{
	const struct node *v = lower_typed(&k->lo, n, key, NODE_INT);
	if (!v)
		return NULL;
	*buf = lower_num(v);
	return buf;
}

/* read_anp_port: one ports entry into out (room for NPROTO); returns how many it filled. */
static size_t read_anp_port(struct k8s *k, const struct node *n, struct port *out)
{
	bool given[3];
	const struct node *v;
	struct build_str proto, name;
	struct build_num port, start, end;
	struct build_anp_port in = { .loc = n->loc };

	lower_check_fields(&k->lo, n, anp_port_fields, "ports item", true, NULL);
	if (!build_anp_one_of(&k->lo.b, &n->loc, "ports item", anp_port_fields, given,
			      given_fields(n, anp_port_fields, given)))
		return 0;
	if ((v = lower_val(n, "portNumber"))) {
		if (!lower_want(&k->lo, v, NODE_MAP, "portNumber"))
			return 0;
		lower_check_fields(&k->lo, v, anp_number_fields, "portNumber", true, NULL);
		in.loc = v->loc;
		in.protocol = opt_str(k, v, "protocol", &proto);
		in.port = opt_num(k, v, "port", &port);
	} else if ((v = lower_val(n, "portRange"))) {
		if (!lower_want(&k->lo, v, NODE_MAP, "portRange"))
			return 0;
		lower_check_fields(&k->lo, v, anp_range_fields, "portRange", true, NULL);
		in.loc = v->loc;
		in.range = true;
		in.protocol = opt_str(k, v, "protocol", &proto);
		in.start = opt_num(k, v, "start", &start);
		in.end = opt_num(k, v, "end", &end);
		in.start_loc = in.end_loc = &v->loc;
	} else {
		if (!(in.named = opt_str(k, n, "namedPort", &name)))
			return 0;
	}
	return build_anp_port(&k->lo.b, &in, out);
}

static const char *const cnp_protocol_fields[] = { "tcp", "udp", "sctp", "destinationNamedPort",
						   NULL };
static const char *const cnp_proto_fields[] = { "destinationPort", NULL };
static const char *const cnp_dport_fields[] = { "number", "range", NULL };
static const char *const cnp_range_fields[] = { "start", "end", NULL };

/*
 * read_cnp_dport: a destinationPort {number} or {range: {start, end}} of
 * protocol proto (the map's key) into in.
 */
static bool read_cnp_dport(struct k8s *k, const struct node *n, struct build_anp_port *in,
			   struct build_num nums[3])
{
	bool given[2];
	const struct node *v;
	if (!lower_want(&k->lo, n, NODE_MAP, "destinationPort"))
		return false;
	lower_check_fields(&k->lo, n, cnp_dport_fields, "destinationPort", true, NULL);
	if (!build_anp_one_of(&k->lo.b, &n->loc, "destinationPort", cnp_dport_fields, given,
			      given_fields(n, cnp_dport_fields, given)))
		return false;
	in->loc = n->loc;
	if (!(v = lower_val(n, "range"))) {
		in->port = opt_num(k, n, "number", &nums[0]);
		return in->port != NULL;
	}
	if (!lower_want(&k->lo, v, NODE_MAP, "range"))
		return false;
	lower_check_fields(&k->lo, v, cnp_range_fields, "range", true, NULL);
	in->loc = v->loc;
	in->range = true;
	in->start = opt_num(k, v, "start", &nums[1]);
	in->end = opt_num(k, v, "end", &nums[2]);
	in->start_loc = in->end_loc = &v->loc;
	return true;
}

/*
 * read_cnp_protocol: one protocols entry of a ClusterNetworkPolicy rule
 * into out (room for NPROTO); returns how many it filled.
 */
static size_t read_cnp_protocol(struct k8s *k, const struct node *n, struct port *out)
{
	static const enum proto protos[] = { PROTO_TCP, PROTO_UDP, PROTO_SCTP };
	bool given[4];
	size_t which = 0;
	const struct node *v;
	struct build_str name;
	struct build_num nums[3];
	struct build_anp_port in = { .loc = n->loc, .cluster = true };

	lower_check_fields(&k->lo, n, cnp_protocol_fields, "protocols item", true, NULL);
	if (!build_anp_one_of(&k->lo.b, &n->loc, "protocols item", cnp_protocol_fields, given,
			      given_fields(n, cnp_protocol_fields, given)))
		return 0;
	if (given[3]) {
		if (!(in.named = opt_str(k, n, "destinationNamedPort", &name)))
			return 0;
		return build_anp_port(&k->lo.b, &in, out);
	}
	while (!given[which])
		which++;
	in.proto = protos[which];
	v = lower_val(n, cnp_protocol_fields[which]);
	if (!lower_want(&k->lo, v, NODE_MAP, "protocol"))
		return 0;
	lower_check_fields(&k->lo, v, cnp_proto_fields, "protocol", true, NULL);
	if (!lower_val(v, "destinationPort")) {
		diag_error(k->lo.b.d, &v->loc,
			   "protocol has no 'destinationPort' (every port is a range from 1 to "
			   "65535)");
		return 0;
	}
	if (!read_cnp_dport(k, lower_val(v, "destinationPort"), &in, nums))
		return 0;
	return build_anp_port(&k->lo.b, &in, out);
}

static const char *const anp_rule_fields[2][NDIR][5] = {
	{
		{ "name", "action", "from", "ports", NULL },
		{ "name", "action", "to", "ports", NULL },
	},
	{
		{ "name", "action", "from", "protocols", NULL },
		{ "name", "action", "to", "protocols", NULL },
	},
};

static void read_anp_rule(struct k8s *k, const struct node *n, enum dir dir, struct policy *p,
			  const struct anp_shape *sh, struct rule *r)
{
	const char *const *fields = anp_rule_fields[sh->cluster][dir];
	const char *pkey = fields[2], *portkey = fields[3];
	const char *what = dir == DIR_INGRESS ? "ingress rule" : "egress rule";
	const char *item = sh->cluster ? "protocols item" : "ports item";
	const struct node *v;
	struct build_str s;

	r->loc = n->loc;
	lower_check_fields(&k->lo, n, fields, what, true, rule_hints[dir]);
	if ((v = lower_typed(&k->lo, n, "name", NODE_STR))) {
		s = lower_str(v);
		if (build_anp_rule_name(&k->lo.b, &s))
			r->name = s.s;
	}
	if ((v = need_str(k, n, "action", what))) {
		s = lower_str(v);
		build_anp_action(&k->lo.b, p, &s, &r->action);
	}
	r->peers_given = true;
	if (!lower_val(n, pkey))
		diag_error(k->lo.b.d, &n->loc, "%s has no '%s'", what, pkey);
	else if ((v = lower_typed(&k->lo, n, pkey, NODE_SEQ)) &&
		 build_anp_count(&k->lo.b, &v->loc, pkey, v->n, 1, sh->max)) {
		r->peers = arena_array(k->lo.b.a, v->n, sizeof(*r->peers));
		for (size_t i = 0; i < v->n; i++)
			if (lower_want(&k->lo, v->items[i], NODE_MAP, "peer"))
				read_anp_peer(k, v->items[i], dir, sh->cluster,
					      &r->peers[r->npeers++]);
	}
	if ((v = lower_typed(&k->lo, n, portkey, NODE_SEQ)) &&
	    build_anp_count(&k->lo.b, &v->loc, portkey, v->n, 1, sh->max)) {
		r->ports_given = true;
		r->ports = arena_array(k->lo.b.a, v->n * NPROTO, sizeof(*r->ports));
		for (size_t i = 0; i < v->n; i++) {
			struct port *out = &r->ports[r->nports];
			if (!lower_want(&k->lo, v->items[i], NODE_MAP, item))
				continue;
			r->nports += sh->cluster ? read_cnp_protocol(k, v->items[i], out)
						 : read_anp_port(k, v->items[i], out);
		}
	}
	build_anp_named_networks(&k->lo.b, r);
}

static void read_anp_rules(struct k8s *k, struct policy *p, const struct node *spec, enum dir dir,
			   const struct anp_shape *sh)
{
	const struct node *v = lower_rule_list(&k->lo, p, spec, dir);
	const char *what = dir == DIR_INGRESS ? "ingress rule" : "egress rule";

	if (!v || !build_anp_count(&k->lo.b, &v->loc, dir_name(dir), v->n, 0, sh->max))
		return;
	p->rules[dir] = arena_array(k->lo.b.a, v->n, sizeof(*p->rules[dir]));
	for (size_t i = 0; i < v->n; i++)
		if (lower_want(&k->lo, v->items[i], NODE_MAP, what))
			read_anp_rule(k, v->items[i], dir, p, sh, &p->rules[dir][p->nrules[dir]++]);
	/* no rules in a direction: no effect on it */
	p->types[dir] = p->nrules[dir] > 0;
}

static const char *const anp_spec_fields[] = { "priority", "subject", "ingress", "egress", NULL };
static const char *const banp_spec_fields[] = { "subject", "ingress", "egress", NULL };
static const char *const cnp_spec_fields[] = { "tier",	  "priority", "subject",
					       "ingress", "egress",   NULL };

static const struct anp_shape anp_shapes[] = {
	[ANP_ADMIN] = { anp_spec_fields, "AdminNetworkPolicy spec", ANP_MAX_RULES, false },
	[ANP_BASELINE] = { banp_spec_fields, "BaselineAdminNetworkPolicy spec", ANP_MAX_RULES,
			   false },
	[ANP_CLUSTER] = { cnp_spec_fields, "ClusterNetworkPolicy spec", CNP_MAX_RULES, true },
};

/*
 * lower_anp: an AdminNetworkPolicy, the BaselineAdminNetworkPolicy or a
 * ClusterNetworkPolicy (kind), whose tier is read before its rules: the
 * actions a rule may take depend on it.
 */
static void lower_anp(struct k8s *k, const struct node *obj, const struct loc *anchor,
		      enum anp_kind kind)
{
	size_t e0 = k->lo.b.d->errors;
	const struct anp_shape *sh = &anp_shapes[kind];
	const struct node *spec, *v;
	struct lower_meta md;
	struct policy *p;

	lower_check_fields(&k->lo, obj, policy_fields, build_anp_kind(kind), true, NULL);
	{
		/* cluster-scoped custom resources: names are DNS subdomains */
		struct lower_meta_rules r = {
			.fields = meta_fields,
			.strict = true,
			.scope = LOWER_CLUSTER,
			.valid_name = valid_dns_subdomain,
			.generate_name_note = true,
			.annotation_key = true,
		};
		lower_meta(&k->lo, obj, build_anp_kind(kind), anchor, &r, &md);
	}
	p = build_anp_policy(&k->lo.b, kind, &obj->loc, md.name, &md.name_loc);
	if (!lower_val(obj, "spec")) {
		diag_error(k->lo.b.d, anchor, "%s has no 'spec'", p->kind);
		return;
	}
	if (!(spec = lower_typed(&k->lo, obj, "spec", NODE_MAP)))
		return;
	lower_check_fields(&k->lo, spec, sh->spec_fields, sh->spec_what, true, NULL);
	if (sh->cluster) {
		struct build_str tier;
		if (!build_cnp_tier(&k->lo.b, p, &spec->loc, opt_str(k, spec, "tier", &tier)))
			return;
	}
	if (kind != ANP_BASELINE) {
		struct build_num prio;
		build_anp_priority(&k->lo.b, p, &spec->loc, opt_num(k, spec, "priority", &prio));
	}
	if (!(v = lower_val(spec, "subject")))
		diag_error(k->lo.b.d, &spec->loc, "%s spec has no 'subject'", p->kind);
	else
		read_anp_subject(k, p, v, sh->cluster);
	read_anp_rules(k, p, spec, DIR_INGRESS, sh);
	read_anp_rules(k, p, spec, DIR_EGRESS, sh);
	if (k->lo.b.d->errors == e0 && p->pod_sel) {
		k->m->has_tiers = true;
		model_add_policy(k->m, p);
	}
}

/* ---- pods and workloads ---------------------------------------------- */

struct port_vec {
	struct named_port *v;
	size_t n, alloc;
};

/* read_container_ports: the ports of one container; names unique within it. */
static void read_container_ports(struct k8s *k, const struct node *c, struct port_vec *pv)
{
	const struct node *ports = lower_typed(&k->lo, c, "ports", NODE_SEQ);
	struct build_str *names;
	size_t nnames = 0;

	if (!ports)
		return;
	names = arena_array(k->lo.b.a, ports->n + 1, sizeof(*names));
	for (size_t i = 0; i < ports->n; i++) {
		const struct node *it = ports->items[i], *num;
		struct named_port np;
		struct build_str name, proto;
		struct build_num nb;
		const struct build_num *number = NULL;
		if (!lower_want(&k->lo, it, NODE_MAP, "ports item"))
			continue;
		if (!(num = lower_val(it, "containerPort")))
			diag_error(k->lo.b.d, &it->loc, "container port has no 'containerPort'");
		else if (lower_want(&k->lo, num, NODE_INT, "containerPort")) {
			nb = lower_num(num);
			number = &nb;
		}
		build_container_port(&k->lo.b, &it->loc, number, opt_str(k, it, "name", &name),
				     opt_str(k, it, "protocol", &proto), &np);
		if (np.name)
			names[nnames++] = name;
		VEC_PUSH(pv->v, pv->n, pv->alloc, np);
	}
	build_unique_port_names(&k->lo.b, names, nnames);
}

/*
 * read_pod_spec: node name, host network and container ports (containers,
 * and sidecars: init containers with restartPolicy Always, which run beside
 * them and whose named ports Services resolve too).
 */
static void read_pod_spec(struct k8s *k, const struct node *spec, struct pod *p)
{
	const struct node *v, *cs;
	struct port_vec pv = { 0 };

	if ((v = lower_typed(&k->lo, spec, "nodeName", NODE_STR)) && v->len) {
		struct build_str s = lower_str(v);
		p->node_name = build_name(&k->lo.b, "node", &s, valid_dns_subdomain);
	}
	if ((v = lower_val(spec, "hostNetwork")) && lower_want(&k->lo, v, NODE_BOOL, "hostNetwork"))
		p->host_network = v->bval;
	if ((cs = lower_typed(&k->lo, spec, "containers", NODE_SEQ)))
		for (size_t i = 0; i < cs->n; i++)
			if (lower_want(&k->lo, cs->items[i], NODE_MAP, "containers item"))
				read_container_ports(k, cs->items[i], &pv);
	if ((cs = lower_typed(&k->lo, spec, "initContainers", NODE_SEQ))) {
		for (size_t i = 0; i < cs->n; i++) {
			const struct node *c = cs->items[i], *rp;
			if (!lower_want(&k->lo, c, NODE_MAP, "initContainers item"))
				continue;
			rp = lower_typed(&k->lo, c, "restartPolicy", NODE_STR);
			if (rp && lower_eq(rp, "Always"))
				read_container_ports(k, c, &pv);
		}
	}
	if (pv.n) {
		p->ports = arena_memdup(k->lo.b.a, pv.v, pv.n * sizeof(*pv.v));
		p->nports = pv.n;
	}
	free(pv.v);
}

/* add_pod_ip: one status address. */
static void add_pod_ip(struct k8s *k, struct pod *p, const struct node *n)
{
	struct build_str ip = lower_str(n);
	build_pod_ip(&k->lo.b, p, &ip);
}

static void read_pod_status(struct k8s *k, const struct node *status, struct pod *p)
{
	const struct node *v, *ips;

	p->ips = arena_array(k->lo.b.a, 2, sizeof(*p->ips));
	if ((v = lower_typed(&k->lo, status, "podIP", NODE_STR)) && v->len)
		add_pod_ip(k, p, v);
	if (!(ips = lower_typed(&k->lo, status, "podIPs", NODE_SEQ)))
		return;
	for (size_t i = 0; i < ips->n; i++) {
		const struct node *it = ips->items[i];
		if (lower_want(&k->lo, it, NODE_MAP, "podIPs item") &&
		    (v = need_str(k, it, "ip", "podIPs item")))
			add_pod_ip(k, p, v);
	}
}

static void lower_pod(struct k8s *k, const struct node *obj, const struct loc *anchor)
{
	size_t e0 = k->lo.b.d->errors;
	struct pod *p = arena_zalloc(k->lo.b.a, sizeof(*p));
	const struct node *status, *phase;
	struct lower_meta md;

	read_meta(k, obj, "Pod", anchor, SCOPE_NAMESPACED, false, &md);
	p->loc = obj->loc;
	p->name = md.name;
	p->ns = md.ns;
	p->labels = md.labels;
	read_pod_spec(k, lower_typed(&k->lo, obj, "spec", NODE_MAP), p);
	status = lower_typed(&k->lo, obj, "status", NODE_MAP);
	read_pod_status(k, status, p);
	/* a terminated pod is no endpoint: its addresses go to live pods */
	if (status && (phase = lower_typed(&k->lo, status, "phase", NODE_STR)) &&
	    (lower_eq(phase, "Succeeded") || lower_eq(phase, "Failed")))
		return;
	if (k->lo.b.d->errors == e0)
		model_add_pod(k->m, p);
}

/*
 * lower_workload: one template pod named after the workload, with the
 * template's labels and container ports and no address.  path leads from
 * the object to the pod template.
 */
static void lower_workload(struct k8s *k, const struct node *obj, const char *kind,
			   const char *const *path, const struct loc *anchor)
{
	size_t e0 = k->lo.b.d->errors;
	struct pod *p = arena_zalloc(k->lo.b.a, sizeof(*p));
	const struct node *t = obj, *tmeta, *labels;
	struct strbuf where = STRBUF_INIT;
	struct lower_meta md;

	read_meta(k, obj, kind, anchor, SCOPE_NAMESPACED, false, &md);
	p->loc = obj->loc;
	p->name = md.name;
	p->ns = md.ns;
	p->workload_kind = kind;
	for (size_t i = 0; path[i] && t; i++) {
		const struct node *next = lower_val(t, path[i]);
		strbuf_addf(&where, "%s%s", i ? "." : "", path[i]);
		if (!next)
			diag_error(k->lo.b.d, anchor, "%s %s has no %s (the pod template)", kind,
				   md.name ? build_show(&k->lo.b, md.name, strlen(md.name))
					   : "(unnamed)",
				   where.buf);
		else if (!lower_want(&k->lo, next, NODE_MAP, path[i]))
			next = NULL;
		t = next;
	}
	strbuf_release(&where);
	if (t) {
		if ((tmeta = lower_typed(&k->lo, t, "metadata", NODE_MAP))) {
			lower_check_fields(&k->lo, tmeta, meta_fields, "template metadata", false,
					   NULL);
			if ((labels = lower_typed(&k->lo, tmeta, "labels", NODE_MAP)))
				lower_labels(&k->lo, labels, &p->labels);
		}
		read_pod_spec(k, lower_typed(&k->lo, t, "spec", NODE_MAP), p);
	}
	if (k->lo.b.d->errors == e0)
		model_add_pod(k->m, p);
}

/* ---- namespaces ------------------------------------------------------ */

static void lower_namespace(struct k8s *k, const struct node *obj, const struct loc *anchor)
{
	size_t e0 = k->lo.b.d->errors;
	struct namespace *ns = arena_zalloc(k->lo.b.a, sizeof(*ns));
	struct lower_meta md;

	read_meta(k, obj, "Namespace", anchor, SCOPE_CLUSTER, false, &md);
	ns->loc = obj->loc;
	ns->name = md.name;
	ns->labels = md.labels;
	if (!ns->labels.v)
		ns->labels.v = arena_array(k->lo.b.a, 1, sizeof(*ns->labels.v));
	if (!ns->name)
		return;
	build_namespace_label(&k->lo.b, ns, &md.name_loc);
	if (k->lo.b.d->errors == e0)
		model_add_namespace(k->m, ns);
}

/*
 * lower_node: a Node of the inventory: its labels and the addresses
 * (status.addresses) an admin policy's nodes peer matches.
 */
static void lower_node(struct k8s *k, const struct node *obj, const struct loc *anchor)
{
	size_t e0 = k->lo.b.d->errors;
	struct cluster_node *n = arena_zalloc(k->lo.b.a, sizeof(*n));
	const struct node *status, *addrs;
	struct lower_meta md;

	read_meta(k, obj, "Node", anchor, SCOPE_NODE, false, &md);
	n->loc = obj->loc;
	n->name = md.name;
	n->labels = md.labels;
	if ((status = lower_typed(&k->lo, obj, "status", NODE_MAP)) &&
	    (addrs = lower_typed(&k->lo, status, "addresses", NODE_SEQ))) {
		n->addrs = arena_array(k->lo.b.a, addrs->n ? addrs->n : 1, sizeof(*n->addrs));
		for (size_t i = 0; i < addrs->n; i++) {
			const struct node *a = addrs->items[i];
			struct build_str type, address;
			if (lower_want(&k->lo, a, NODE_MAP, "addresses item"))
				build_node_address(&k->lo.b, n, &a->loc,
						   opt_str(k, a, "type", &type),
						   opt_str(k, a, "address", &address));
		}
	}
	if (n->name && k->lo.b.d->errors == e0)
		model_add_node(k->m, n);
}

/* ---- kinds and lists ------------------------------------------------- */

enum kind_type {
	KT_POLICY,
	KT_ANP,
	KT_BANP,
	KT_CNP,
	KT_NAMESPACE,
	KT_NODE,
	KT_POD,
	KT_WORKLOAD,
	KT_LIST
};

struct kind_info {
	const char *kind;
	const char *api_version;
	const char *old_group; /* a group that once served this kind: a wrong version there is an
				  error */
	enum kind_type type;
	const char *const *template_path;
};

static const char *const spec_template[] = { "spec", "template", NULL };
static const char *const cronjob_template[] = { "spec", "jobTemplate", "spec", "template", NULL };

static const struct kind_info kinds[] = {
	{ "NetworkPolicy", "networking.k8s.io/v1", "extensions", KT_POLICY, NULL },
	{ "AdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", NULL, KT_ANP, NULL },
	{ "BaselineAdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", NULL, KT_BANP, NULL },
	{ "ClusterNetworkPolicy", "policy.networking.k8s.io/v1alpha2", NULL, KT_CNP, NULL },
	{ "Namespace", "v1", NULL, KT_NAMESPACE, NULL },
	{ "Node", "v1", NULL, KT_NODE, NULL },
	{ "Pod", "v1", NULL, KT_POD, NULL },
	{ "Deployment", "apps/v1", "extensions", KT_WORKLOAD, spec_template },
	{ "StatefulSet", "apps/v1", NULL, KT_WORKLOAD, spec_template },
	{ "DaemonSet", "apps/v1", "extensions", KT_WORKLOAD, spec_template },
	{ "ReplicaSet", "apps/v1", "extensions", KT_WORKLOAD, spec_template },
	{ "ReplicationController", "v1", NULL, KT_WORKLOAD, spec_template },
	{ "Job", "batch/v1", NULL, KT_WORKLOAD, spec_template },
	{ "CronJob", "batch/v1", NULL, KT_WORKLOAD, cronjob_template },
	{ "List", "v1", NULL, KT_LIST, NULL },
};

/* group_of: the API group of an apiVersion ("" for the core group "v1"). */
static size_t group_len(const char *av, size_t len)
{
	const char *slash = memchr(av, '/', len);
	return slash ? (size_t)(slash - av) : 0;
}

/* related_group: apiVersion av is in the group of ki (or its old group). */
static bool related_group(const struct node *av, const struct kind_info *ki)
{
	size_t gl = group_len(av->str, av->len);
	size_t kl = group_len(ki->api_version, strlen(ki->api_version));
	if (gl == kl && !memcmp(av->str, ki->api_version, gl))
		return true;
	return ki->old_group && gl == strlen(ki->old_group) && !memcmp(av->str, ki->old_group, gl);
}

static const struct kind_info *find_kind(const char *s, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strlen(kinds[i].kind) == len && !memcmp(kinds[i].kind, s, len))
			return &kinds[i];
	return NULL;
}

/* same_nocase: s (len bytes) equals a + b ignoring ASCII case. */
static bool same_nocase(const char *s, size_t len, const char *a, const char *b)
{
	size_t al = strlen(a), bl = strlen(b);
	if (len != al + bl)
		return false;
	for (size_t i = 0; i < len; i++)
		if (build_tolower(s[i]) != build_tolower(i < al ? a[i] : b[i - al]))
			return false;
	return true;
}

/* find_kind_nocase: a known kind (or its list) spelled with other case; *list says which. */
static const struct kind_info *find_kind_nocase(const struct node *kn, bool *list)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		*list = false;
		if (same_nocase(kn->str, kn->len, kinds[i].kind, ""))
			return &kinds[i];
		*list = true;
		if (kinds[i].type != KT_LIST &&
		    same_nocase(kn->str, kn->len, kinds[i].kind, "List"))
			return &kinds[i];
	}
	return NULL;
}

static const char *object_name(struct k8s *k, const struct node *obj)
{
	const struct node *n = lower_val(lower_val(obj, "metadata"), "name");
	return n && n->kind == NODE_STR ? lower_shown(&k->lo, n) : "(unnamed)";
}

static void lower_object(struct k8s *k, const struct node *obj, const struct kind_info *implied);

static void lower_list(struct k8s *k, const struct node *obj, const struct kind_info *item)
{
	const struct node *items = lower_typed(&k->lo, obj, "items", NODE_SEQ);
	if (!items)
		return;
	for (size_t i = 0; i < items->n; i++)
		lower_object(k, items->items[i], item);
}

/*
 * kind_of: the kind of obj and its checked apiVersion.  Items of a typed
 * list (PodList, ...) may leave out apiVersion and kind: implied gives
 * them.  NULL when the object is ignored or wrong (reported); *list is set
 * for a typed list, whose items are of the returned kind.
 */
static const struct kind_info *kind_of(struct k8s *k, const struct node *obj,
				       const struct kind_info *implied, bool *list,
				       const struct loc **anchor)
{
	const struct node *kn = lower_val(obj, "kind"), *av = lower_val(obj, "apiVersion");
	const struct kind_info *ki;

	*list = false;
	*anchor = &obj->loc;
	if (kn && !lower_want(&k->lo, kn, NODE_STR, "kind"))
		return NULL;
	if (av && !lower_want(&k->lo, av, NODE_STR, "apiVersion"))
		return NULL;
	if (!kn && implied) {
		if (av && !lower_eq(av, implied->api_version)) {
			diag_error(k->lo.b.d, &av->loc, "%s must have apiVersion %s, not %s",
				   implied->kind, implied->api_version, lower_shown(&k->lo, av));
			return NULL;
		}
		return implied;
	}
	if (!kn) {
		diag_error(k->lo.b.d, &obj->loc, "object %s has no 'kind'", object_name(k, obj));
		if (!av)
			diag_error(k->lo.b.d, &obj->loc, "object %s has no 'apiVersion'",
				   object_name(k, obj));
		return NULL;
	}
	*anchor = &kn->loc;
	ki = find_kind(kn->str, kn->len);
	if (!ki && kn->len > 4 && !memcmp(kn->str + kn->len - 4, "List", 4)) {
		ki = find_kind(kn->str, kn->len - 4);
		if (ki && ki->type == KT_LIST)
			ki = NULL;
		*list = ki != NULL;
	}
	if (!ki) {
		bool l;
		const struct kind_info *sug = find_kind_nocase(kn, &l);
		if (sug)
			diag_error(k->lo.b.d, &kn->loc, "unknown kind %s; did you mean '%s%s'?",
				   lower_shown(&k->lo, kn), sug->kind, l ? "List" : "");
		else
			diag_warning(k->lo.b.d, DIAG_W_UNKNOWN_KIND, &kn->loc,
				     "ignoring %s %s: not a kind netpolc reads",
				     is_identifier(kn) ? kn->str : lower_shown(&k->lo, kn),
				     object_name(k, obj));
		return NULL;
	}
	if (!av && implied && implied == ki)
		return ki;
	if (!av) {
		diag_error(k->lo.b.d, &kn->loc, "%s %s has no 'apiVersion'; add apiVersion: %s",
			   ki->kind, object_name(k, obj), ki->api_version);
		return NULL;
	}
	if (!lower_eq(av, ki->api_version)) {
		if (related_group(av, ki))
			diag_error(k->lo.b.d, &av->loc, "%s%s must have apiVersion %s, not %s",
				   ki->kind, *list ? "List" : "", ki->api_version,
				   lower_shown(&k->lo, av));
		else
			diag_warning(
				k->lo.b.d, DIAG_W_UNKNOWN_KIND, &kn->loc,
				"ignoring %s%s %s of apiVersion %s: netpolc reads %s only from "
				"apiVersion %s",
				ki->kind, *list ? "List" : "", object_name(k, obj),
				lower_shown(&k->lo, av), ki->kind, ki->api_version);
		return NULL;
	}
	return ki;
}

/* lower_object: one object, or a list of them (items of a typed list are of kind implied). */
static void lower_object(struct k8s *k, const struct node *obj, const struct kind_info *implied)
{
	const struct kind_info *ki;
	const struct loc *anchor;
	bool list;

	if (!lower_want_object(&k->lo, obj, "Kubernetes") ||
	    !(ki = kind_of(k, obj, implied, &list, &anchor)))
		return;
	if (list) {
		lower_list(k, obj, ki);
		return;
	}
	switch (ki->type) {
	case KT_POLICY:
		lower_policy(k, obj, anchor);
		break;
	case KT_ANP:
		lower_anp(k, obj, anchor, ANP_ADMIN);
		break;
	case KT_BANP:
		lower_anp(k, obj, anchor, ANP_BASELINE);
		break;
	case KT_CNP:
		lower_anp(k, obj, anchor, ANP_CLUSTER);
		break;
	case KT_NAMESPACE:
		lower_namespace(k, obj, anchor);
		break;
	case KT_NODE:
		lower_node(k, obj, anchor);
		break;
	case KT_POD:
		lower_pod(k, obj, anchor);
		break;
	case KT_WORKLOAD:
		lower_workload(k, obj, ki->kind, ki->template_path, anchor);
		break;
	case KT_LIST:
		lower_list(k, obj, NULL);
		break;
	}
}

int k8s_lower(struct arena *a, struct diag *d, const struct frontend_opts *o,
	      const struct node *doc, struct model *m)
{
	struct k8s k = {
		.lo = { .b = { .a = a, .d = d },
			.null_map_hint = true,
			.null_label_warning = true },
		.o = o,
		.m = m,
	};
	size_t e0 = d->errors;
	if (!doc)
		return 0;
	lower_object(&k, doc, NULL);
	return d->errors == e0 ? 0 : -1;
}
