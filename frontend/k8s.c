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
#include "frontend/validate.h"
#include "ir/strbuf.h"
#include "ir/util.h"

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
		diag_error(k->lo.d, p ? &p->key->loc : &map->loc, "%s has no '%s'", owner, key);
		return NULL;
	}
	return lower_want(&k->lo, p->value, NODE_STR, key) ? p->value : NULL;
}

/* ---- labels and selectors -------------------------------------------- */

static const char *const selector_fields[] = { "matchLabels", "matchExpressions", NULL };
static const char *const requirement_fields[] = { "key", "operator", "values", NULL };
static const char *const operators[] = { "In", "NotIn", "Exists", "DoesNotExist", NULL };

static void read_requirement(struct k8s *k, const struct node *n, struct sel_req *r)
{
	const struct node *key, *op, *values;
	const struct node_pair *vp;
	const char *why;
	int opi = -1;

	r->loc = n->loc;
	lower_check_fields(&k->lo, n, requirement_fields, "matchExpressions item", true, NULL);
	key = need_str(k, n, "key", "matchExpressions item");
	if (key) {
		if ((why = valid_label_key(key->str, key->len)))
			diag_error(k->lo.d, &key->loc, "invalid label key %s: %s",
				   lower_shown(&k->lo, key), why);
		r->key = key->str;
	}
	op = need_str(k, n, "operator", "matchExpressions item");
	if (op && (opi = lower_choice(&k->lo, op, operators, "unknown selector operator",
				      "operators", "In, NotIn, Exists or DoesNotExist")) >= 0)
		r->op = (enum sel_op)opi;
	vp = lower_pair(n, "values");
	values = vp && vp->value->kind != NODE_NULL ? vp->value : NULL;
	if (values && lower_want(&k->lo, values, NODE_SEQ, "values")) {
		r->values = arena_array(k->lo.a, values->n, sizeof(*r->values));
		for (size_t i = 0; i < values->n; i++) {
			const struct node *v = values->items[i];
			if (!lower_want(&k->lo, v, NODE_STR, "values item"))
				continue;
			if ((why = valid_label_value(v->str, v->len)))
				diag_error(k->lo.d, &v->loc, "invalid label value %s: %s",
					   lower_shown(&k->lo, v), why);
			r->values[r->nvalues++] = v->str;
		}
	} else if (values) {
		return;
	}
	if (opi < 0)
		return;
	if ((r->op == SEL_IN || r->op == SEL_NOT_IN) && !(values && values->n))
		diag_error(k->lo.d, vp ? &vp->key->loc : &n->loc,
			   "operator %s needs a non-empty 'values' list", operators[opi]);
	if ((r->op == SEL_EXISTS || r->op == SEL_DOES_NOT_EXIST) && values && values->n)
		diag_error(k->lo.d, &vp->key->loc, "operator %s takes no values; remove 'values'",
			   operators[opi]);
}

/* read_selector: a LabelSelector; NULL after a type error. */
static struct selector *read_selector(struct k8s *k, const struct node *n, const char *what)
{
	struct selector *s;
	const struct node *ml, *me;

	if (!lower_want(&k->lo, n, NODE_MAP, what))
		return NULL;
	lower_check_fields(&k->lo, n, selector_fields, what, true, NULL);
	s = arena_zalloc(k->lo.a, sizeof(*s));
	s->loc = n->loc;
	if ((ml = lower_typed(&k->lo, n, "matchLabels", NODE_MAP))) {
		struct labelset ls;
		lower_labels(&k->lo, ml, &ls);
		s->match_labels = ls.v;
		s->nlabels = ls.n;
	}
	if ((me = lower_typed(&k->lo, n, "matchExpressions", NODE_SEQ))) {
		s->exprs = arena_array(k->lo.a, me->n, sizeof(*s->exprs));
		for (size_t i = 0; i < me->n; i++)
			if (lower_want(&k->lo, me->items[i], NODE_MAP, "matchExpressions item"))
				read_requirement(k, me->items[i], &s->exprs[s->nexprs++]);
	}
	return s;
}

/* ---- NetworkPolicy ports --------------------------------------------- */

static const char *const port_fields[] = { "protocol", "port", "endPort", NULL };

/* read_protocol: TCP, UDP or SCTP exactly; -1 (reported) otherwise. */
static int read_protocol(struct k8s *k, const struct node *n)
{
	static const char *const names[] = { "TCP", "UDP", "SCTP", NULL };
	for (int i = 0; names[i]; i++)
		if (lower_eq(n, names[i]))
			return i;
	if (proto_parse(n->str) >= 0 && !lower_has_nul(n))
		diag_error(k->lo.d, &n->loc,
			   "unsupported protocol %s: must be TCP, UDP or SCTP (upper case)",
			   lower_shown(&k->lo, n));
	else
		diag_error(k->lo.d, &n->loc, "unsupported protocol %s: must be TCP, UDP or SCTP",
			   lower_shown(&k->lo, n));
	return -1;
}

static bool port_in_range(struct k8s *k, const struct node *n, const char *what)
{
	if (n->ival >= 1 && n->ival <= 65535)
		return true;
	diag_error(k->lo.d, &n->loc, "%s %lld is out of range: must be between 1 and 65535", what,
		   n->ival);
	return false;
}

static void read_port_name(struct k8s *k, const struct node *n)
{
	const char *why = valid_port_name(n->str, n->len);
	if (!why)
		return;
	if (all_digits(n->str, n->len))
		diag_error(k->lo.d, &n->loc,
			   "invalid port name %s: %s; for port number %.*s write it without quotes",
			   lower_shown(&k->lo, n), why, (int)n->len, n->str);
	else
		diag_error(k->lo.d, &n->loc, "invalid port name %s: %s", lower_shown(&k->lo, n),
			   why);
}

static void read_port(struct k8s *k, const struct node *n, struct port *pt)
{
	const struct node *proto, *port, *end;

	pt->loc = n->loc;
	pt->proto = PROTO_TCP;
	lower_check_fields(&k->lo, n, port_fields, "port", true, NULL);
	if ((proto = lower_typed(&k->lo, n, "protocol", NODE_STR))) {
		int p = read_protocol(k, proto);
		pt->proto_explicit = true;
		if (p >= 0)
			pt->proto = (enum proto)p;
	}
	port = lower_val(n, "port");
	if (port && port->kind == NODE_INT) {
		pt->has_port = true;
		if (port_in_range(k, port, "port"))
			pt->port = (uint16_t)port->ival;
	} else if (port && port->kind == NODE_STR) {
		pt->has_port = true;
		pt->name = port->str;
		read_port_name(k, port);
	} else if (port) {
		diag_error(k->lo.d, &port->loc,
			   "port: expected a number or a port name (a string), got %s%s%s%s",
			   node_kind_name(port->kind), lower_is_scalar(port) ? " (" : "",
			   lower_is_scalar(port) ? port->str : "",
			   lower_is_scalar(port) ? ")" : "");
		port = NULL;
	}
	end = lower_val(n, "endPort");
	if (!end || !lower_want(&k->lo, end, NODE_INT, "endPort"))
		return;
	if (!pt->has_port) {
		diag_error(k->lo.d, &end->loc,
			   "endPort needs a numeric 'port' (the start of the range)");
	} else if (pt->name) {
		diag_error(k->lo.d, &end->loc,
			   "endPort cannot be used with a named port (%s); give 'port' as a number",
			   lower_shown(&k->lo, port));
	} else if (port_in_range(k, end, "endPort") && pt->port) {
		if (end->ival < pt->port)
			diag_error(k->lo.d, &end->loc,
				   "endPort %lld must be greater than or equal to port %u",
				   end->ival, pt->port);
		else
			pt->end_port = (uint16_t)end->ival;
	}
}

/* ---- NetworkPolicy peers --------------------------------------------- */

static const char *const peer_fields[] = { "podSelector", "namespaceSelector", "ipBlock", NULL };
static const char *const ipblock_fields[] = { "cidr", "except", NULL };

/* parse_cidr: n (a string) as ADDR/LEN; a host-bits form is masked with a warning. */
static bool parse_cidr(struct k8s *k, const struct node *n, const char *what, struct prefix *out)
{
	bool host_bits = false;
	const char *why = NULL;
	char buf[ADDR_STRLEN];
	struct addr a;

	if (lower_has_nul(n) || !n->len) {
		diag_error(k->lo.d, &n->loc, "invalid %s %s: must be a CIDR such as 10.0.0.0/8",
			   what, lower_shown(&k->lo, n));
		return false;
	}
	if (!memchr(n->str, '/', n->len) && !addr_parse(n->str, &a)) {
		diag_error(
			k->lo.d, &n->loc,
			"invalid %s %s: the prefix length is missing (for this one address write "
			"%s/%d)",
			what, lower_shown(&k->lo, n), n->str, a.family == AF4 ? 32 : 128);
		return false;
	}
	if (prefix_parse(n->str, out, &host_bits, &why)) {
		diag_error(k->lo.d, &n->loc, "invalid %s %s: %s", what, lower_shown(&k->lo, n),
			   why ? why : "not an IP prefix");
		return false;
	}
	if (host_bits)
		diag_warning(k->lo.d, &n->loc, "%s %s has host bits set; it is read as %s", what,
			     lower_shown(&k->lo, n), prefix_format(out, buf));
	return true;
}

static const char *family_name(const struct prefix *p)
{
	return p->a.family == AF4 ? "IPv4" : "IPv6";
}

/* read_ipblock: the ipBlock n, found under the key at key (where a missing cidr is reported). */
static const struct ipblock *read_ipblock(struct k8s *k, const struct node *n,
					  const struct loc *key)
{
	struct ipblock *b;
	const struct node *cidr = NULL, *except;
	bool ok = false;

	if (!lower_want(&k->lo, n, NODE_MAP, "ipBlock"))
		return NULL;
	lower_check_fields(&k->lo, n, ipblock_fields, "ipBlock", true, NULL);
	b = arena_zalloc(k->lo.a, sizeof(*b));
	b->loc = n->loc;
	if (!lower_val(n, "cidr"))
		diag_error(k->lo.d, key, "ipBlock has no 'cidr'");
	else if ((cidr = lower_typed(&k->lo, n, "cidr", NODE_STR))) {
		b->cidr_text = cidr->str;
		b->cidr_loc = cidr->loc;
		ok = parse_cidr(k, cidr, "cidr", &b->cidr);
	}
	if (!(except = lower_typed(&k->lo, n, "except", NODE_SEQ)))
		return b;
	b->except = arena_array(k->lo.a, except->n, sizeof(*b->except));
	b->except_text = arena_array(k->lo.a, except->n, sizeof(*b->except_text));
	b->except_loc = arena_array(k->lo.a, except->n, sizeof(*b->except_loc));
	for (size_t i = 0; i < except->n; i++) {
		const struct node *e = except->items[i];
		struct prefix *p = &b->except[b->nexcept];
		if (!lower_want(&k->lo, e, NODE_STR, "except item") ||
		    !parse_cidr(k, e, "except", p))
			continue;
		b->except_text[b->nexcept] = e->str;
		b->except_loc[b->nexcept++] = e->loc;
		if (!ok)
			continue;
		if (p->a.family != b->cidr.a.family)
			diag_error(k->lo.d, &e->loc, "except %s is %s but cidr %s is %s",
				   lower_shown(&k->lo, e), family_name(p),
				   lower_shown(&k->lo, cidr), family_name(&b->cidr));
		else if (!prefix_contains(&b->cidr, &p->a))
			diag_error(k->lo.d, &e->loc, "except %s is not inside cidr %s",
				   lower_shown(&k->lo, e), lower_shown(&k->lo, cidr));
		else if (p->len <= b->cidr.len)
			diag_error(k->lo.d, &e->loc,
				   "except %s covers all of cidr %s; an except must be strictly "
				   "inside it (a prefix longer than /%u)",
				   lower_shown(&k->lo, e), lower_shown(&k->lo, cidr), b->cidr.len);
	}
	return b;
}

static void read_peer(struct k8s *k, const struct node *n, enum dir dir, struct peer *pe)
{
	const struct node_pair *ipb = lower_pair(n, "ipBlock");
	const struct node *v;
	unsigned nset = 0;

	pe->loc = n->loc;
	lower_check_fields(&k->lo, n, peer_fields, "peer", true, NULL);
	if ((v = lower_val(n, "podSelector"))) {
		pe->pod_sel = read_selector(k, v, "podSelector");
		nset++;
	}
	if ((v = lower_val(n, "namespaceSelector"))) {
		pe->ns_sel = read_selector(k, v, "namespaceSelector");
		nset++;
	}
	if ((v = lower_val(n, "ipBlock"))) {
		pe->ipblock = read_ipblock(k, v, &ipb->key->loc);
		nset++;
	}
	if (!nset)
		diag_error(k->lo.d, &n->loc,
			   "empty peer: set podSelector, namespaceSelector or ipBlock (to match "
			   "every %s, leave out '%s')",
			   dir == DIR_INGRESS ? "source" : "destination",
			   dir == DIR_INGRESS ? "from" : "to");
	else if (nset > 1 && lower_val(n, "ipBlock"))
		diag_error(
			k->lo.d, &ipb->key->loc,
			"ipBlock cannot be combined with podSelector or namespaceSelector in one "
			"peer; make them separate list items");
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
		r->peers = arena_array(k->lo.a, v->n, sizeof(*r->peers));
		for (size_t i = 0; i < v->n; i++)
			if (lower_want(&k->lo, v->items[i], NODE_MAP, "peer"))
				read_peer(k, v->items[i], dir, &r->peers[r->npeers++]);
	}
	if ((v = lower_typed(&k->lo, n, "ports", NODE_SEQ))) {
		r->ports = arena_array(k->lo.a, v->n, sizeof(*r->ports));
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
	p->rules[dir] = arena_array(k->lo.a, v->n, sizeof(*p->rules[dir]));
	for (size_t i = 0; i < v->n; i++) {
		const char *what = dir == DIR_INGRESS ? "ingress rule" : "egress rule";
		if (v->items[i]->kind == NODE_NULL)
			diag_error(k->lo.d, &v->items[i]->loc,
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
	static const char *const types[] = { "Ingress", "Egress", NULL };
	const struct node_pair *pr = lower_pair(spec, "policyTypes");
	const struct node *v;
	bool any = false;

	if (!pr)
		return false;
	p->types_loc = pr->key->loc;
	if (!(v = lower_typed(&k->lo, spec, "policyTypes", NODE_SEQ)) || !v->n)
		return false;
	if (v->n > 2)
		diag_error(k->lo.d, &v->loc,
			   "policyTypes may list at most two types (Ingress, Egress)");
	for (size_t i = 0; i < v->n; i++) {
		const struct node *t = v->items[i];
		int dd;
		if (!lower_want(&k->lo, t, NODE_STR, "policyTypes item"))
			continue;
		/* the list is in enum dir order */
		dd = lower_choice(&k->lo, t, types, "unsupported policyType", "policyTypes",
				  "Ingress or Egress");
		if (dd < 0)
			continue;
		if (p->types[dd])
			diag_warning(k->lo.d, &t->loc, "policyType '%s' is listed twice",
				     dir_type_name((enum dir)dd));
		p->types[dd] = true;
		any = true;
	}
	return any;
}

/* ---- metadata -------------------------------------------------------- */

static const char *const meta_fields[] = { LOWER_META_FIELDS, "clusterName", NULL };

enum scope { SCOPE_CLUSTER, SCOPE_NAMESPACED };

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
		.scope = scope == SCOPE_CLUSTER ? LOWER_CLUSTER : LOWER_NAMESPACED,
		.valid_name = scope == SCOPE_CLUSTER ? valid_dns_label : valid_dns_subdomain,
		.default_ns = k->o ? k->o->default_ns : NULL,
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
	size_t e0 = k->lo.d->errors;
	struct policy *p = arena_zalloc(k->lo.a, sizeof(*p));
	const struct node_pair *sp = lower_pair(obj, "spec");
	const struct node *spec, *ps;
	struct lower_meta md;

	lower_check_fields(&k->lo, obj, policy_fields, "NetworkPolicy", true, policy_hints);
	read_meta(k, obj, "NetworkPolicy", anchor, SCOPE_NAMESPACED, true, &md);
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
		struct selector *all = arena_zalloc(k->lo.a, sizeof(*all));
		all->loc = spec ? spec->loc : *anchor;
		p->pod_sel = all;
	}
	p->types_explicit = read_policy_types(k, p, spec);
	read_rules(k, p, spec, DIR_INGRESS);
	read_rules(k, p, spec, DIR_EGRESS);
	if (!p->types_explicit) {
		/* SetDefaults_NetworkPolicy: Ingress, plus Egress iff egress has rules */
		p->types[DIR_INGRESS] = true;
		p->types[DIR_EGRESS] = p->nrules[DIR_EGRESS] > 0;
	}
	if (k->lo.d->errors == e0)
		model_add_policy(k->m, p);
}

/* ---- pods and workloads ---------------------------------------------- */

struct port_vec {
	struct named_port *v;
	size_t n, alloc;
};

static int cmp_port_name(const void *x, const void *y)
{
	const struct node *a = *(const struct node *const *)x, *b = *(const struct node *const *)y;
	size_t l = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->str, b->str, l);
	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	/* equal names: document order, so the note points at the first */
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	return a->loc.col < b->loc.col ? -1 : a->loc.col > b->loc.col;
}

/* read_container_ports: the ports of one container; names unique within it. */
static void read_container_ports(struct k8s *k, const struct node *c, struct port_vec *pv)
{
	const struct node *ports = lower_typed(&k->lo, c, "ports", NODE_SEQ), **names;
	size_t nnames = 0;

	if (!ports)
		return;
	names = xcalloc(ports->n ? ports->n : 1, sizeof(*names));
	for (size_t i = 0; i < ports->n; i++) {
		const struct node *it = ports->items[i], *num, *name, *proto;
		struct named_port np = { 0 };
		const char *why;
		if (!lower_want(&k->lo, it, NODE_MAP, "ports item"))
			continue;
		np.loc = it->loc;
		np.proto = PROTO_TCP;
		if ((num = lower_val(it, "containerPort")) &&
		    lower_want(&k->lo, num, NODE_INT, "containerPort") &&
		    port_in_range(k, num, "containerPort"))
			np.port = (uint16_t)num->ival;
		else if (!num)
			diag_error(k->lo.d, &it->loc, "container port has no 'containerPort'");
		if ((name = lower_typed(&k->lo, it, "name", NODE_STR)) && name->len) {
			if ((why = valid_port_name(name->str, name->len))) {
				diag_error(k->lo.d, &name->loc, "invalid port name %s: %s",
					   lower_shown(&k->lo, name), why);
			} else {
				np.name = name->str;
				names[nnames++] = name;
			}
		}
		if ((proto = lower_typed(&k->lo, it, "protocol", NODE_STR))) {
			int p = read_protocol(k, proto);
			if (p >= 0)
				np.proto = (enum proto)p;
		}
		VEC_PUSH(pv->v, pv->n, pv->alloc, np);
	}
	if (nnames > 1)
		qsort(names, nnames, sizeof(*names), cmp_port_name);
	for (size_t i = 1; i < nnames; i++) {
		if (names[i]->len != names[i - 1]->len ||
		    memcmp(names[i]->str, names[i - 1]->str, names[i]->len))
			continue;
		diag_error(k->lo.d, &names[i]->loc, "duplicate port name %s in one container",
			   lower_shown(&k->lo, names[i]));
		diag_note(k->lo.d, &names[i - 1]->loc, "first used here");
	}
	free(names);
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

	if ((v = lower_typed(&k->lo, spec, "nodeName", NODE_STR)))
		p->node_name = v->str;
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
		p->ports = arena_memdup(k->lo.a, pv.v, pv.n * sizeof(*pv.v));
		p->nports = pv.n;
	}
	free(pv.v);
}

/* add_pod_ip: one status address; duplicates merge, a second one per family is an error. */
static void add_pod_ip(struct k8s *k, struct pod *p, const struct node *n)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	if (lower_has_nul(n) || addr_parse(n->str, &a)) {
		diag_error(k->lo.d, &n->loc, "invalid pod IP %s: must be an IPv4 or IPv6 address",
			   lower_shown(&k->lo, n));
		return;
	}
	for (size_t i = 0; i < p->nips; i++) {
		if (!addr_cmp(&p->ips[i], &a))
			return;
		if (p->ips[i].family == a.family) {
			diag_error(
				k->lo.d, &n->loc,
				"pod IP %s is a second %s address (the pod has %s); a pod has at "
				"most one address per family",
				lower_shown(&k->lo, n), a.family == AF4 ? "IPv4" : "IPv6",
				addr_format(&p->ips[i], buf));
			return;
		}
	}
	p->ips[p->nips++] = a;
}

static void read_pod_status(struct k8s *k, const struct node *status, struct pod *p)
{
	const struct node *v, *ips;

	p->ips = arena_array(k->lo.a, 2, sizeof(*p->ips));
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
	size_t e0 = k->lo.d->errors;
	struct pod *p = arena_zalloc(k->lo.a, sizeof(*p));
	struct lower_meta md;

	read_meta(k, obj, "Pod", anchor, SCOPE_NAMESPACED, false, &md);
	p->loc = obj->loc;
	p->name = md.name;
	p->ns = md.ns;
	p->labels = md.labels;
	read_pod_spec(k, lower_typed(&k->lo, obj, "spec", NODE_MAP), p);
	read_pod_status(k, lower_typed(&k->lo, obj, "status", NODE_MAP), p);
	if (k->lo.d->errors == e0)
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
	size_t e0 = k->lo.d->errors;
	struct pod *p = arena_zalloc(k->lo.a, sizeof(*p));
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
			diag_error(k->lo.d, anchor, "%s %s has no %s (the pod template)", kind,
				   md.name ? lower_show(&k->lo, md.name, strlen(md.name))
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
	if (k->lo.d->errors == e0)
		model_add_pod(k->m, p);
}

/* ---- namespaces ------------------------------------------------------ */

static void lower_namespace(struct k8s *k, const struct node *obj, const struct loc *anchor)
{
	size_t e0 = k->lo.d->errors;
	struct namespace *ns = arena_zalloc(k->lo.a, sizeof(*ns));
	struct lower_meta md;
	const struct label *l;

	read_meta(k, obj, "Namespace", anchor, SCOPE_CLUSTER, false, &md);
	ns->loc = obj->loc;
	ns->name = md.name;
	ns->labels = md.labels;
	if (!ns->labels.v)
		ns->labels.v = arena_array(k->lo.a, 1, sizeof(*ns->labels.v));
	if (!ns->name)
		return;
	l = NULL;
	for (size_t i = 0; i < ns->labels.n; i++)
		if (!strcmp(ns->labels.v[i].key, LABEL_NS_NAME))
			l = &ns->labels.v[i];
	if (l && strcmp(l->value, ns->name)) {
		diag_error(k->lo.d, &l->loc,
			   "label %s must equal the namespace name '%s' (the API server sets it), "
			   "not '%s'",
			   LABEL_NS_NAME, ns->name, l->value);
	} else if (!l) {
		struct label *nl = &ns->labels.v[ns->labels.n++];
		nl->key = LABEL_NS_NAME;
		nl->value = ns->name;
		nl->loc = md.name_loc;
		labelset_sort(&ns->labels);
	}
	if (k->lo.d->errors == e0)
		model_add_namespace(k->m, ns);
}

/* ---- kinds and lists ------------------------------------------------- */

enum kind_type { KT_POLICY, KT_NAMESPACE, KT_POD, KT_WORKLOAD, KT_LIST };

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
	{ "Namespace", "v1", NULL, KT_NAMESPACE, NULL },
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
		if (lower_ascii_tolower(s[i]) != lower_ascii_tolower(i < al ? a[i] : b[i - al]))
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
			diag_error(k->lo.d, &av->loc, "%s must have apiVersion %s, not %s",
				   implied->kind, implied->api_version, lower_shown(&k->lo, av));
			return NULL;
		}
		return implied;
	}
	if (!kn) {
		diag_error(k->lo.d, &obj->loc, "object %s has no 'kind'", object_name(k, obj));
		if (!av)
			diag_error(k->lo.d, &obj->loc, "object %s has no 'apiVersion'",
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
			diag_error(k->lo.d, &kn->loc, "unknown kind %s; did you mean '%s%s'?",
				   lower_shown(&k->lo, kn), sug->kind, l ? "List" : "");
		else
			diag_warning(k->lo.d, &kn->loc, "ignoring %s %s: not a kind netpolc reads",
				     is_identifier(kn) ? kn->str : lower_shown(&k->lo, kn),
				     object_name(k, obj));
		return NULL;
	}
	if (!av && implied && implied == ki)
		return ki;
	if (!av) {
		diag_error(k->lo.d, &kn->loc, "%s %s has no 'apiVersion'; add apiVersion: %s",
			   ki->kind, object_name(k, obj), ki->api_version);
		return NULL;
	}
	if (!lower_eq(av, ki->api_version)) {
		if (related_group(av, ki))
			diag_error(k->lo.d, &av->loc, "%s%s must have apiVersion %s, not %s",
				   ki->kind, *list ? "List" : "", ki->api_version,
				   lower_shown(&k->lo, av));
		else
			diag_warning(
				k->lo.d, &kn->loc,
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
	case KT_NAMESPACE:
		lower_namespace(k, obj, anchor);
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
		.lo = { .a = a, .d = d, .null_map_hint = true, .null_label_warning = true },
		.o = o,
		.m = m,
	};
	size_t e0 = d->errors;
	if (!doc)
		return 0;
	lower_object(&k, doc, NULL);
	return d->errors == e0 ? 0 : -1;
}
