/*
 * calico.c - Calico (projectcalico.org/v3) objects into the policy model.
 *
 * NetworkPolicy and GlobalNetworkPolicy become struct policy with Calico's
 * ordering (tier, order) and actions (Allow, Deny, Pass); HostEndpoint
 * becomes an inventory endpoint (a struct pod with host_endpoint set, in
 * the label-less pseudo namespace ""); Tier gives the tiers' order and end
 * action, which model_finalize copies into the policies naming them.
 *
 * The meaning is Calico's, as its API server and Felix apply it:
 *   - types absent or empty: [Ingress] without egress rules, [Egress] with
 *     only egress rules, both when both exist (the rules as written, Log
 *     rules included);
 *   - a policy's selector absent (or "") is all(); blanks only are an
 *     error where Calico ANDs them with a namespace (Felix drops such a
 *     policy), all() elsewhere; a NetworkPolicy selects
 *     the endpoints of its own namespace, a GlobalNetworkPolicy those of
 *     every namespace and host endpoints, or, with a namespaceSelector, the
 *     endpoints of the namespaces it selects;
 *   - in a rule, the criteria of the peer side (source of an ingress rule,
 *     destination of an egress rule) are ANDed: selector, notSelector,
 *     namespaceSelector, nets, notNets.  A selector or notSelector without
 *     a namespaceSelector looks at the policy's namespace in a
 *     NetworkPolicy and at every endpoint in a GlobalNetworkPolicy; a
 *     namespaceSelector is matched against the namespace's labels (plus
 *     projectcalico.org/name), all() there means "any namespace", and
 *     global() (alone) means "not in a namespace": host endpoints.  Host
 *     endpoints carry no namespace labels, so a namespaceSelector that is
 *     true for an empty label set (!has(k), k != 'v', k not in {...}) also
 *     admits host endpoints; that half becomes a second model peer;
 *   - Log rules never decide a verdict: they are read, checked, and left
 *     out with a warning.
 *
 * What the model cannot express exactly is a located error, never dropped
 * or widened: ICMP and other protocols, notProtocol, icmp/notICMP, http,
 * serviceAccounts, services, serviceAccountSelector, source ports, named
 * notPorts, criteria on the policy's own side of a rule (destination of an
 * ingress rule, source of an egress rule) other than ports, doNotTrack,
 * preDNAT, applyOnForward, network sets, profiles other than
 * projectcalico-default-allow.  Inside a Log rule these are not errors
 * (the rule is skipped anyway).  Unknown fields are errors.
 */
#include "frontend/calico.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/lower.h"
#include "ir/names.h"
#include "lib/util.h"

#define CALICO_GROUP  "projectcalico.org/"
#define CALICO_API    "projectcalico.org/v3"
#define ALLOW_PROFILE "projectcalico-default-allow"

struct cal {
	struct lower lo; /* the arena, the diagnostics and the Calico wording */
	const struct frontend_opts *o;
	struct model *m;
};

/* ---- messages and field access --------------------------------------- */

/* key_loc: where key is written in map (map itself if absent). */
static const struct loc *key_loc(const struct node *map, const char *key)
{
	const struct node_pair *p = lower_pair(map, key);
	return p ? &p->key->loc : &map->loc;
}

/* ---- numbers --------------------------------------------------------- */

/*
 * read_float: an integer or a float (decimal, optional exponent) into *out;
 * false after reporting.
 */
static bool read_float(struct cal *c, const struct node *n, const char *what, double *out)
{
	char *end;
	double v;

	if (n->kind == NODE_INT) {
		*out = (double)n->ival;
		return true;
	}
	if (n->kind != NODE_FLOAT) {
		diag_error(c->lo.b.d, &n->loc, "%s: expected a number, got %s%s%s%s", what,
			   node_kind_name(n->kind), lower_is_scalar(n) ? " (" : "",
			   lower_is_scalar(n) ? n->str : "", lower_is_scalar(n) ? ")" : "");
		return false;
	}
	v = strtod(n->str, &end);
	if (end != n->str + n->len || !isfinite(v) || strpbrk(n->str, "xXpP_")) {
		diag_error(c->lo.b.d, &n->loc, "%s: %s is not a finite decimal number", what,
			   lower_shown(&c->lo, n));
		return false;
	}
	*out = v;
	return true;
}

/* ---- selectors ------------------------------------------------------- */

/*
 * read_sel: the selector string n of field in context ctx.  *set tells
 * whether the field counts as given (a non-empty string); the expression is
 * NULL when it is not given or after an error (*ok false then).
 */
static const struct sel_expr *read_sel(struct cal *c, const struct node *n, const char *field,
				       enum build_sel_ctx ctx, bool *set, bool *ok)
{
	struct build_str text;
	const struct sel_expr *e;

	*set = false;
	*ok = true;
	if (!n)
		return NULL;
	if (!lower_want(&c->lo, n, NODE_STR, field)) {
		*ok = false;
		return NULL;
	}
	if (!n->len)
		return NULL;
	*set = true;
	text = lower_str(n);
	e = build_calico_selector(&c->lo.b, &text, field, ctx);
	*ok = e != NULL;
	return e;
}

/*
 * blank_combined: n is a selector of blanks only that Calico ANDs with a
 * namespace part.  Alone Calico reads it as all(), but the combination is
 * "(...) && ( )", which its parser rejects, and Felix then drops the whole
 * policy: netpolc must not enforce it as all().  Reports and returns true.
 */
static bool blank_combined(struct cal *c, const struct node *n, const char *with)
{
	if (!n || n->kind != NODE_STR || !n->len)
		return false;
	for (size_t i = 0; i < n->len; i++)
		if (n->str[i] != ' ' && n->str[i] != '\t')
			return false;
	diag_error(
		c->lo.b.d, &n->loc,
		"selector: only blanks; Calico ANDs it with %s as '(...) && ( )', which is not a "
		"valid selector, and drops the whole policy (write all() or leave it out)",
		with);
	return true;
}

static struct selector *sel_of(struct cal *c, const struct sel_expr *e, const struct loc *loc)
{
	struct selector *s = arena_zalloc(c->lo.b.a, sizeof(*s));
	s->loc = *loc;
	s->expr = e;
	return s;
}

static const struct sel_expr *expr_new(struct cal *c, enum selexpr_op op, const struct loc *loc,
				       const struct sel_expr *a, const struct sel_expr *b)
{
	struct sel_expr *e = arena_zalloc(c->lo.b.a, sizeof(*e));
	e->op = op;
	e->loc = *loc;
	e->a = a;
	e->b = b;
	return e;
}

/* ---- names and metadata ---------------------------------------------- */

static const char *const meta_fields[] = { LOWER_META_FIELDS, NULL };

/*
 * read_meta: metadata of a Calico object of kind, whose name valid_name
 * checks; namespaced objects get ns, the others "".
 */
static void read_meta(struct cal *c, const struct node *obj, const char *kind,
		      const struct loc *anchor, bool namespaced,
		      const char *(*valid_name)(const char *s, size_t len), struct lower_meta *md)
{
	struct lower_meta_rules r = {
		.fields = meta_fields,
		.strict = true,
		.scope = namespaced ? LOWER_NAMESPACED : LOWER_CLUSTER_NO_NS,
		.valid_name = valid_name,
		.default_ns = c->o ? c->o->default_ns : NULL,
	};
	lower_meta(&c->lo, obj, kind, anchor, &r, md);
}

/* ---- protocols and ports --------------------------------------------- */

/*
 * read_protocol: a rule's protocol (a name or a number) into *proto;
 * false after reporting.
 */
static bool read_protocol(struct cal *c, const struct node *n, enum proto *proto)
{
	struct build_num num = lower_num(n);
	struct build_str text = lower_str(n);

	if (n->kind == NODE_INT)
		return build_calico_protocol(&c->lo.b, &num, NULL, proto);
	if (!lower_want(&c->lo, n, NODE_STR, "protocol"))
		return false;
	return build_calico_protocol(&c->lo.b, NULL, &text, proto);
}

/*
 * read_port: one entry of ports/notPorts: a number, "a:b" or a port name.
 * pt gets the numbers (end_port 0 for one port) or the name; false after
 * reporting.
 */
static bool read_port(struct cal *c, const struct node *n, struct port *pt)
{
	struct build_num num = lower_num(n);
	struct build_str text = lower_str(n);

	if (n->kind == NODE_INT)
		return build_calico_port(&c->lo.b, &num, NULL, pt);
	if (n->kind == NODE_STR)
		return build_calico_port(&c->lo.b, NULL, &text, pt);
	diag_error(c->lo.b.d, &n->loc,
		   "port: expected a number, a range \"a:b\" or a port name, got %s",
		   node_kind_name(n->kind));
	return false;
}

/* ---- entity rules ---------------------------------------------------- */

static const char *const entity_fields[] = {
	"nets",	 "notNets",  "selector",	"notSelector", "namespaceSelector",
	"ports", "notPorts", "serviceAccounts", "services",    NULL,
};

/* One side (source or destination) of a rule, as read. */
struct entity {
	const struct node *n; /* the mapping, or NULL */
	const char *name;     /* "source" / "destination" */
	bool sel_set, notsel_set, nsel_set;
	const struct sel_expr *sel, *notsel, *nsel;
	bool nsel_global; /* namespaceSelector: global() */
	struct prefix *nets, *not_nets;
	size_t nnets, nnot_nets;
	const struct node *ports, *not_ports;
};

/* read_nets: a list of CIDRs (or addresses); fam tracks the rule's one family. */
static struct prefix *read_nets(struct cal *c, const struct node *list, const char *what,
				bool negated, struct build_family *fam, size_t *n)
{
	struct prefix *v = arena_array(c->lo.b.a, list->n + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < list->n; i++) {
		const struct node *it = list->items[i];
		struct build_str s = lower_str_item(&c->lo, it, what);
		if (s.s && build_calico_net(&c->lo.b, &s, what, negated, fam, &v[*n]))
			(*n)++;
	}
	return v;
}

static void read_entity(struct cal *c, const struct policy *p, const struct node *rule,
			const char *name, struct build_family *fam, struct entity *e, bool *ok)
{
	const struct node *v;
	bool good;

	memset(e, 0, sizeof(*e));
	e->name = name;
	if (!(e->n = lower_val(rule, name)))
		return;
	if (!lower_want(&c->lo, e->n, NODE_MAP, name)) {
		e->n = NULL;
		*ok = false;
		return;
	}
	lower_check_fields(&c->lo, e->n, entity_fields,
			   arena_printf(c->lo.b.a, "a rule's %s", name), true, NULL);
	e->sel = read_sel(c, lower_val(e->n, "selector"), "selector", BUILD_SEL_ENDPOINT,
			  &e->sel_set, &good);
	*ok &= good;
	e->notsel = read_sel(c, lower_val(e->n, "notSelector"), "notSelector", BUILD_SEL_ENDPOINT,
			     &e->notsel_set, &good);
	*ok &= good;
	e->nsel = read_sel(c, lower_val(e->n, "namespaceSelector"), "namespaceSelector",
			   BUILD_SEL_RULE_NS, &e->nsel_set, &good);
	*ok &= good;
	e->nsel_global = e->nsel && e->nsel->op == SX_GLOBAL;
	if ((!p->global || e->nsel_set) &&
	    blank_combined(c, lower_val(e->n, "selector"),
			   e->nsel_set ? "the namespaceSelector" : "the policy's namespace"))
		*ok = false;
	if ((v = lower_typed(&c->lo, e->n, "nets", NODE_SEQ)))
		e->nets = read_nets(c, v, "nets", false, fam, &e->nnets);
	if ((v = lower_typed(&c->lo, e->n, "notNets", NODE_SEQ)))
		e->not_nets = read_nets(c, v, "notNets", true, fam, &e->nnot_nets);
	e->ports = lower_typed(&c->lo, e->n, "ports", NODE_SEQ);
	e->not_ports = lower_typed(&c->lo, e->n, "notPorts", NODE_SEQ);
	if ((v = lower_val(e->n, "serviceAccounts")))
		build_unsupported(
			&c->lo.b, key_loc(e->n, "serviceAccounts"),
			"%s.serviceAccounts is not supported: netpolc does not model service "
			"accounts",
			name);
	if ((v = lower_val(e->n, "services")))
		build_unsupported(&c->lo.b, key_loc(e->n, "services"),
				  "%s.services is not supported: netpolc does not model Services",
				  name);
}

/* entity_restricts: the entity names endpoints (anything but ports). */
static const char *entity_restricts(const struct entity *e)
{
	static const char *const fields[] = { "selector", "notSelector", "namespaceSelector",
					      "nets",	  "notNets",	 NULL };
	for (size_t i = 0; e->n && fields[i]; i++) {
		const struct node *v = lower_val(e->n, fields[i]);
		if (v && !((v->kind == NODE_STR || v->kind == NODE_SEQ) && !v->len && !v->n))
			return fields[i];
	}
	return NULL;
}

/* ---- rules ----------------------------------------------------------- */

static const char *const rule_fields[] = { "action", "ipVersion", "protocol", "notProtocol",
					   "icmp",   "notICMP",	  "source",   "destination",
					   "http",   "metadata",  NULL };
static const char *const actions[] = { "Allow", "Deny", "Pass", "Log", NULL };

/* family_all: the prefix holding every address of family. */
static struct prefix *family_all(struct cal *c, int family)
{
	struct prefix *p = arena_zalloc(c->lo.b.a, sizeof(*p));
	p->a.family = (uint8_t)family;
	return p;
}

/*
 * lower_peers: the model peers of the peer side of a rule of policy p
 * (none: every peer).  ipver (4, 6 or 0) restricts the addresses.
 */
static void lower_peers(struct cal *c, const struct policy *p, const struct entity *e, int ipver,
			struct rule *r)
{
	struct peer base = { 0 }, v[2];
	size_t n = 0;
	const struct loc *where = e->n ? &e->n->loc : &r->loc;
	const struct selector *notsel = e->notsel ? sel_of(c, e->notsel, &e->notsel->loc) : NULL;
	bool named = e->sel || e->notsel || e->nsel;

	base.loc = *where;
	base.nets = e->nets;
	base.nnets = e->nnets;
	base.not_nets = e->not_nets;
	base.nnot_nets = e->nnot_nets;
	base.not_pod_sel = notsel;
	if (ipver && !e->nnets) {
		base.nets = family_all(c, ipver == 4 ? AF4 : AF6);
		base.nnets = 1;
	}
	if (!named && !base.nnets && !base.nnot_nets) {
		r->npeers = 0;
		return;
	}
	if (e->nsel) {
		/* the host-endpoint half: global() alone, or a selector true without namespace */
		bool hep = e->nsel_global || build_calico_ns_hosts(e->nsel);
		if (!e->nsel_global) {
			v[n] = base;
			v[n].ns_sel = sel_of(c, e->nsel, &e->nsel->loc);
			v[n].pod_sel = e->sel ? sel_of(c, e->sel, &e->sel->loc) : NULL;
			n++;
		}
		if (hep) {
			const struct sel_expr *g =
				expr_new(c, SX_GLOBAL, &e->nsel->loc, NULL, NULL);
			v[n] = base;
			v[n].global_scope = true;
			v[n].pod_sel = sel_of(
				c, e->sel ? expr_new(c, SX_AND, &e->nsel->loc, g, e->sel) : g,
				&e->nsel->loc);
			n++;
		}
	} else {
		v[n] = base;
		if (e->sel || e->notsel) {
			if (p->global) {
				v[n].global_scope = true;
				v[n].pod_sel = e->sel ? sel_of(c, e->sel, &e->sel->loc) : NULL;
			} else {
				v[n].pod_sel = e->sel ? sel_of(c, e->sel, &e->sel->loc)
						      : sel_of(c, NULL, where);
			}
		}
		n++;
	}
	r->peers = arena_memdup(c->lo.b.a, v, n * sizeof(*v));
	r->npeers = n;
	r->peers_given = true;
}

/* lower_ports: destination ports and notPorts of a rule with protocol proto (or none). */
static void lower_ports(struct cal *c, const struct entity *dst, bool has_proto, enum proto proto,
			const struct loc *proto_loc, struct rule *r)
{
	const struct node *ports = dst->ports, *notp = dst->not_ports;
	size_t np = ports ? ports->n : 0, nn = notp ? notp->n : 0;

	if (!has_proto) {
		if (np || nn)
			build_unsupported(
				&c->lo.b, np ? &ports->loc : &notp->loc,
				"%s.%s without a protocol: give the rule a protocol (TCP, UDP "
				"or SCTP)",
				dst->name, np ? "ports" : "notPorts");
		return;
	}
	r->ports_given = true;
	r->ports = arena_array(c->lo.b.a, np + 1, sizeof(*r->ports));
	for (size_t i = 0; i < np; i++) {
		struct port *pt = &r->ports[r->nports];
		if (!read_port(c, ports->items[i], pt))
			continue;
		pt->proto = proto;
		pt->proto_explicit = true;
		r->nports++;
	}
	if (!np) {
		struct port *pt = &r->ports[r->nports++];
		pt->loc = *proto_loc;
		pt->proto = proto;
		pt->proto_explicit = true;
	}
	if (!nn)
		return;
	r->not_ports = arena_array(c->lo.b.a, nn, sizeof(*r->not_ports));
	for (size_t i = 0; i < nn; i++) {
		struct port *pt = &r->not_ports[r->nnot_ports];
		if (!read_port(c, notp->items[i], pt))
			continue;
		if (pt->name) {
			build_unsupported(
				&c->lo.b, &pt->loc,
				"named port %s in notPorts is not supported: give port numbers",
				build_show(&c->lo.b, pt->name, strlen(pt->name)));
			continue;
		}
		pt->proto = proto;
		pt->proto_explicit = true;
		r->nnot_ports++;
	}
	for (size_t i = 0; r->nnot_ports && i < r->nports; i++)
		if (r->ports[i].name)
			build_unsupported(&c->lo.b, &r->ports[i].loc,
					  "a named port together with notPorts is not supported");
}

/*
 * read_rule: one Calico rule of policy p in direction dir into r.  Returns
 * false when the rule is left out (a Log rule, or an error was reported).
 */
static bool read_rule(struct cal *c, const struct policy *p, const struct node *n, enum dir dir,
		      struct rule *r)
{
	size_t e0 = c->lo.b.d->errors;
	const struct node *action, *v, *proto_n;
	struct build_family fam = { 0 };
	struct entity src, dst;
	const struct entity *peer, *local;
	struct build_str as;
	enum proto proto = PROTO_TCP;
	bool has_proto = false, ok = true;
	int ipver = 0;
	int act;

	memset(r, 0, sizeof(*r));
	r->loc = n->loc;
	lower_check_fields(&c->lo, n, rule_fields,
			   dir == DIR_INGRESS ? "an ingress rule" : "an egress rule", true, NULL);
	if (!(action = lower_val(n, "action"))) {
		diag_error(c->lo.b.d, &n->loc, "rule has no 'action' (Allow, Deny, Pass or Log)");
		return false;
	}
	if (!lower_want(&c->lo, action, NODE_STR, "action"))
		return false;
	as = lower_str(action);
	act = build_choice(&c->lo.b, &as, actions, "unknown action", "actions",
			   "Allow, Deny, Pass or Log");
	if (act < 0)
		return false;
	c->lo.b.skip_unsupported = act == 3;
	r->action = act == 1 ? ACT_DENY : act == 2 ? ACT_PASS : ACT_ALLOW;

	if ((v = lower_val(n, "ipVersion"))) {
		struct build_num iv = lower_num(v);
		ipver = build_calico_ip_version(&c->lo.b, &iv);
	}
	if ((proto_n = lower_val(n, "protocol")))
		has_proto = read_protocol(c, proto_n, &proto);
	if ((v = lower_val(n, "notProtocol")))
		build_unsupported(&c->lo.b, key_loc(n, "notProtocol"),
				  "notProtocol is not supported");
	if (lower_val(n, "icmp"))
		build_unsupported(&c->lo.b, key_loc(n, "icmp"),
				  "icmp is not supported (netpolc models TCP, "
				  "UDP and SCTP)");
	if (lower_val(n, "notICMP"))
		build_unsupported(&c->lo.b, key_loc(n, "notICMP"), "notICMP is not supported");
	if (lower_val(n, "http"))
		build_unsupported(&c->lo.b, key_loc(n, "http"),
				  "http is not supported: netpolc does not model application-layer "
				  "policy");
	if ((v = lower_typed(&c->lo, n, "metadata", NODE_MAP))) {
		static const char *const md_fields[] = { "annotations", NULL };
		lower_check_fields(&c->lo, v, md_fields, "rule metadata", true, NULL);
	}

	read_entity(c, p, n, "source", &fam, &src, &ok);
	read_entity(c, p, n, "destination", &fam, &dst, &ok);
	build_calico_family(&c->lo.b, ipver, &fam);
	peer = dir == DIR_INGRESS ? &src : &dst;
	local = dir == DIR_INGRESS ? &dst : &src;
	{
		const char *f = entity_restricts(local);
		if (f)
			build_unsupported(
				&c->lo.b, key_loc(local->n, f),
				"%s.%s in an%s rule restricts the policy's own endpoints, which "
				"netpolc cannot express; select them with the policy's selector",
				local->name, f, dir == DIR_INGRESS ? " ingress" : " egress");
	}
	if (src.ports || src.not_ports)
		build_unsupported(
			&c->lo.b, key_loc(src.n, src.ports ? "ports" : "notPorts"),
			"source.%s is not supported: netpolc matches destination ports only",
			src.ports ? "ports" : "notPorts");
	if (ok && c->lo.b.d->errors == e0) {
		lower_peers(c, p, peer, ipver, r);
		lower_ports(c, &dst, has_proto, proto, proto_n ? &proto_n->loc : &n->loc, r);
	}
	if (c->lo.b.skip_unsupported) {
		diag_warning(c->lo.b.d, DIAG_W_LOG_RULE, &action->loc,
			     "Log rule left out: it only logs and never decides a verdict");
		c->lo.b.skip_unsupported = false;
		return false;
	}
	return c->lo.b.d->errors == e0;
}

/* ---- policies -------------------------------------------------------- */

static const char *const object_fields[] = { "apiVersion", "kind", "metadata", "spec", NULL };
static const char *const np_spec_fields[] = { "tier",
					      "order",
					      "selector",
					      "types",
					      "ingress",
					      "egress",
					      "serviceAccountSelector",
					      "performanceHints",
					      NULL };
static const char *const gnp_spec_fields[] = { "tier",
					       "order",
					       "selector",
					       "namespaceSelector",
					       "types",
					       "ingress",
					       "egress",
					       "serviceAccountSelector",
					       "performanceHints",
					       "doNotTrack",
					       "preDNAT",
					       "applyOnForward",
					       NULL };

static void read_rules(struct cal *c, struct policy *p, const struct node *spec, enum dir dir)
{
	const struct node *v = lower_rule_list(&c->lo, p, spec, dir);

	if (!v)
		return;
	p->rules[dir] = arena_array(c->lo.b.a, v->n + 1, sizeof(*p->rules[dir]));
	for (size_t i = 0; i < v->n; i++) {
		const struct node *it = v->items[i];
		if (it->kind == NODE_NULL) {
			diag_error(c->lo.b.d, &it->loc, "%s rule: expected a mapping, got null",
				   dir_name(dir));
			continue;
		}
		if (!lower_want(&c->lo, it, NODE_MAP,
				dir == DIR_INGRESS ? "ingress rule" : "egress rule"))
			continue;
		if (read_rule(c, p, it, dir, &p->rules[dir][p->nrules[dir]]))
			p->nrules[dir]++;
	}
}

/* read_types: spec.types, or Calico's defaulting from the rule lists as written. */
static void read_types(struct cal *c, struct policy *p, const struct node *spec)
{
	const struct node_pair *tp = lower_pair(spec, "types");
	const struct node *v = lower_typed(&c->lo, spec, "types", NODE_SEQ), *in, *out;
	size_t n = v ? v->n : 0;

	if (tp)
		p->types_loc = tp->key->loc;
	in = lower_val(spec, "ingress");
	out = lower_val(spec, "egress");
	build_calico_types(&c->lo.b, p, n ? lower_str_items(&c->lo, v, "types item") : NULL, n,
			   in && in->kind == NODE_SEQ ? in->n : 0,
			   out && out->kind == NODE_SEQ ? out->n : 0);
}

/* read_tier: spec.tier into the policy (named tiers are resolved by model_finalize). */
static void read_tier(struct cal *c, struct policy *p, const struct node *spec)
{
	const struct node *t = lower_typed(&c->lo, spec, "tier", NODE_STR);
	struct build_str ts;

	p->tier = "default";
	p->tier_order = DEFAULT_TIER_ORDER;
	p->tier_default = ACT_DENY;
	if (!t || !t->len || lower_eq(t, "default"))
		return;
	ts = lower_str(t);
	if (!build_name(&c->lo.b, "tier", &ts, valid_dns_label) || build_builtin_tier(p, t->str))
		return;
	p->tier = t->str;
	p->tier_loc = t->loc;
}

static void lower_policy(struct cal *c, const struct node *obj, const struct loc *anchor,
			 bool global)
{
	size_t e0 = c->lo.b.d->errors;
	const char *kind = global ? "GlobalNetworkPolicy" : "NetworkPolicy";
	struct policy *p = arena_zalloc(c->lo.b.a, sizeof(*p));
	const struct node *spec, *v;
	const struct sel_expr *sel = NULL, *nsel = NULL;
	bool set, ok;
	struct lower_meta md;

	lower_check_fields(&c->lo, obj, object_fields, kind, true, NULL);
	read_meta(c, obj, kind, anchor, !global,
		  global ? valid_calico_global_policy_name : valid_calico_policy_name, &md);
	p->loc = obj->loc;
	p->kind = kind;
	p->name = md.name;
	p->name_loc = md.name_loc;
	p->ns = md.ns;
	p->global = global;
	p->types_loc = *anchor;
	spec = lower_typed(&c->lo, obj, "spec", NODE_MAP);
	if (spec)
		lower_check_fields(&c->lo, spec, global ? gnp_spec_fields : np_spec_fields,
				   arena_printf(c->lo.b.a, "%s spec", kind), true, NULL);
	read_tier(c, p, spec);
	if ((v = lower_val(spec, "order")) && read_float(c, v, "order", &p->order))
		p->has_order = true;
	sel = read_sel(c, lower_val(spec, "selector"), "selector", BUILD_SEL_ENDPOINT, &set, &ok);
	if (!set)
		sel = expr_new(c, SX_ALL, spec ? &spec->loc : anchor, NULL, NULL);
	if (sel)
		p->pod_sel = sel_of(c, sel, &sel->loc);
	if (!global)
		blank_combined(c, lower_val(spec, "selector"), "the policy's namespace");
	if (global && (nsel = read_sel(c, lower_val(spec, "namespaceSelector"), "namespaceSelector",
				       BUILD_SEL_POLICY_NS, &set, &ok))) {
		blank_combined(c, lower_val(spec, "selector"), "the namespaceSelector");
		v = lower_val(spec, "namespaceSelector");
		if (build_calico_policy_ns(&c->lo.b, sel, key_loc(spec, "selector"), nsel, &v->loc))
			p->global_ns_sel = sel_of(c, nsel, &nsel->loc);
	}
	if ((v = lower_val(spec, "serviceAccountSelector")) && !(v->kind == NODE_STR && !v->len))
		build_unsupported(&c->lo.b, key_loc(spec, "serviceAccountSelector"),
				  "serviceAccountSelector is not supported: netpolc does not model "
				  "service accounts");
	if ((v = lower_typed(&c->lo, spec, "performanceHints", NODE_SEQ)))
		for (size_t i = 0; i < v->n; i++)
			lower_want(&c->lo, v->items[i], NODE_STR, "performanceHints item");
	if (global) {
		static const char *const flags[] = { "doNotTrack", "preDNAT", "applyOnForward",
						     NULL };
		for (size_t i = 0; flags[i]; i++)
			if ((v = lower_val(spec, flags[i])) &&
			    lower_want(&c->lo, v, NODE_BOOL, flags[i]) && v->bval)
				build_unsupported(
					&c->lo.b, &v->loc,
					"%s is not supported: netpolc models policy on the "
					"endpoints' normal path only",
					flags[i]);
	}
	read_types(c, p, spec);
	read_rules(c, p, spec, DIR_INGRESS);
	read_rules(c, p, spec, DIR_EGRESS);
	c->m->has_tiers = true;
	if (c->lo.b.d->errors == e0 && p->name && p->ns && p->pod_sel)
		model_add_policy(c->m, p);
}

/* ---- host endpoints and tiers ---------------------------------------- */

static const char *const hep_spec_fields[] = { "node",	   "interfaceName", "expectedIPs",
					       "profiles", "ports",	    NULL };
static const char *const hep_port_fields[] = { "name", "protocol", "port", NULL };

static void read_hep_ports(struct cal *c, const struct node *ports, struct pod *pod)
{
	pod->ports = arena_array(c->lo.b.a, ports->n + 1, sizeof(*pod->ports));
	for (size_t i = 0; i < ports->n; i++) {
		const struct node *it = ports->items[i], *name, *proto, *num;
		struct build_str ns, ps;
		struct build_num pn, nn;
		if (!lower_want(&c->lo, it, NODE_MAP, "ports item"))
			continue;
		lower_check_fields(&c->lo, it, hep_port_fields, "a HostEndpoint port", true, NULL);
		name = lower_typed(&c->lo, it, "name", NODE_STR);
		proto = lower_val(it, "protocol");
		num = lower_val(it, "port");
		if (!name || !proto || !num) {
			diag_error(c->lo.b.d, &it->loc,
				   "a HostEndpoint port needs name, protocol and port");
			continue;
		}
		ns = lower_str(name);
		pn = lower_num(proto);
		nn = lower_num(num);
		if (proto->kind == NODE_INT) {
			build_hep_port(&c->lo.b, pod, &it->loc, &ns, &pn, NULL, &nn);
			continue;
		}
		ps = lower_str_item(&c->lo, proto, "protocol");
		build_hep_port(&c->lo.b, pod, &it->loc, &ns, NULL, &ps, &nn);
	}
}

static void lower_hep(struct cal *c, const struct node *obj, const struct loc *anchor)
{
	size_t e0 = c->lo.b.d->errors;
	struct pod *pod = arena_zalloc(c->lo.b.a, sizeof(*pod));
	const struct node *spec, *v;
	struct lower_meta md;

	lower_check_fields(&c->lo, obj, object_fields, "HostEndpoint", true, NULL);
	read_meta(c, obj, "HostEndpoint", anchor, false, valid_dns_subdomain, &md);
	pod->loc = obj->loc;
	pod->name = md.name;
	pod->ns = "";
	pod->labels = md.labels;
	pod->host_endpoint = true;
	if (!pod->labels.v)
		pod->labels.v = arena_array(c->lo.b.a, 1, sizeof(*pod->labels.v));
	build_hep_labels(&c->lo.b, pod);
	if (!(spec = lower_typed(&c->lo, obj, "spec", NODE_MAP))) {
		if (!lower_val(obj, "spec"))
			diag_error(c->lo.b.d, anchor, "HostEndpoint has no spec");
		return;
	}
	lower_check_fields(&c->lo, spec, hep_spec_fields, "HostEndpoint spec", true, NULL);
	if (!(v = lower_val(spec, "node")) || (v->kind == NODE_STR && !v->len))
		diag_error(c->lo.b.d, anchor, "HostEndpoint has no spec.node");
	else if (lower_want(&c->lo, v, NODE_STR, "node")) {
		struct build_str s = lower_str(v);
		pod->node_name = build_name(&c->lo.b, "node", &s, valid_dns_subdomain);
	}
	if ((v = lower_typed(&c->lo, spec, "interfaceName", NODE_STR)) && v->len) {
		struct build_str s = lower_str(v);
		build_name(&c->lo.b, "interface", &s, valid_calico_interface_name);
	}
	if ((v = lower_typed(&c->lo, spec, "expectedIPs", NODE_SEQ))) {
		pod->ips = arena_array(c->lo.b.a, v->n + 1, sizeof(*pod->ips));
		for (size_t i = 0; i < v->n; i++) {
			struct build_str ip =
				lower_str_item(&c->lo, v->items[i], "expectedIPs item");
			if (ip.s)
				build_hep_ip(&c->lo.b, pod, &ip);
		}
	}
	if (!pod->nips &&
	    !(lower_val(spec, "interfaceName") && lower_val(spec, "interfaceName")->len))
		diag_error(c->lo.b.d, anchor,
			   "HostEndpoint needs interfaceName or expectedIPs (at least one)");
	v = lower_val(spec, "profiles");
	if (!v || (v->kind == NODE_SEQ && !v->n)) {
		build_unsupported(
			&c->lo.b, v ? &v->loc : anchor,
			"HostEndpoint without profiles is not supported: Calico drops what no "
			"policy decides for it, which netpolc does not model; netpolc reads "
			"host endpoints with profiles: [" ALLOW_PROFILE "]");
	} else if (lower_want(&c->lo, v, NODE_SEQ, "profiles")) {
		for (size_t i = 0; i < v->n; i++)
			if (lower_want(&c->lo, v->items[i], NODE_STR, "profiles item") &&
			    !lower_eq(v->items[i], ALLOW_PROFILE))
				build_unsupported(
					&c->lo.b, &v->items[i]->loc,
					"profile %s is not supported: netpolc does not read "
					"profiles, except the built-in " ALLOW_PROFILE,
					lower_shown(&c->lo, v->items[i]));
	}
	if ((v = lower_typed(&c->lo, spec, "ports", NODE_SEQ)))
		read_hep_ports(c, v, pod);
	if (c->lo.b.d->errors == e0 && pod->name)
		model_add_pod(c->m, pod);
}

static const char *const tier_spec_fields[] = { "order", "defaultAction", NULL };

static void lower_tier(struct cal *c, const struct node *obj, const struct loc *anchor)
{
	static const char *const tier_fields[] = { "apiVersion", "kind",   "metadata",
						   "spec",	 "status", NULL };
	size_t e0 = c->lo.b.d->errors;
	struct tier *t = arena_zalloc(c->lo.b.a, sizeof(*t));
	const struct node *spec, *v;
	struct build_str action;
	struct lower_meta md;

	lower_check_fields(&c->lo, obj, tier_fields, "Tier", true, NULL);
	read_meta(c, obj, "Tier", anchor, false, valid_dns_label, &md);
	t->loc = md.name_loc;
	t->name = md.name;
	spec = lower_typed(&c->lo, obj, "spec", NODE_MAP);
	if (spec)
		lower_check_fields(&c->lo, spec, tier_spec_fields, "Tier spec", true, NULL);
	if ((v = lower_val(spec, "order")) && read_float(c, v, "order", &t->order))
		t->has_order = true;
	v = lower_val(spec, "defaultAction");
	if (v && lower_want(&c->lo, v, NODE_STR, "defaultAction"))
		action = lower_str(v);
	else
		v = NULL;
	build_tier(&c->lo.b, t, v ? &action : NULL);
	if (c->lo.b.d->errors == e0 && t->name)
		model_add_tier(c->m, t);
}

/* ---- kinds and lists ------------------------------------------------- */

enum ckind { CK_NP, CK_GNP, CK_HEP, CK_TIER, CK_NETSET, CK_STAGED, CK_LIST };

static const struct {
	const char *kind;
	enum ckind type;
} kinds[] = {
	{ "NetworkPolicy", CK_NP },
	{ "GlobalNetworkPolicy", CK_GNP },
	{ "HostEndpoint", CK_HEP },
	{ "Tier", CK_TIER },
	{ "NetworkSet", CK_NETSET },
	{ "GlobalNetworkSet", CK_NETSET },
	{ "StagedNetworkPolicy", CK_STAGED },
	{ "StagedGlobalNetworkPolicy", CK_STAGED },
	{ "StagedKubernetesNetworkPolicy", CK_STAGED },
	{ "List", CK_LIST },
};

/* find_kind: the index of the kind spelled s[0..len), or -1. */
static int find_kind(const char *s, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strlen(kinds[i].kind) == len && !memcmp(kinds[i].kind, s, len))
			return (int)i;
	return -1;
}

static bool calico_api(const struct node *av)
{
	return av && av->kind == NODE_STR && av->len >= strlen(CALICO_GROUP) &&
	       !memcmp(av->str, CALICO_GROUP, strlen(CALICO_GROUP));
}

static void lower_object(struct cal *c, const struct node *obj, int implied);

static void lower_one(struct cal *c, const struct node *obj, int ki, const struct loc *anchor)
{
	switch (kinds[ki].type) {
	case CK_NP:
		lower_policy(c, obj, anchor, false);
		break;
	case CK_GNP:
		lower_policy(c, obj, anchor, true);
		break;
	case CK_HEP:
		lower_hep(c, obj, anchor);
		break;
	case CK_TIER:
		lower_tier(c, obj, anchor);
		break;
	case CK_NETSET:
		diag_error(c->lo.b.d, anchor,
			   "%s is not supported: Calico selectors also match network sets, which "
			   "netpolc does not model",
			   kinds[ki].kind);
		break;
	case CK_STAGED:
		diag_warning(c->lo.b.d, DIAG_W_STAGED_POLICY, anchor,
			     "ignoring %s: staged policies are never enforced", kinds[ki].kind);
		break;
	case CK_LIST: {
		const struct node *items = lower_typed(&c->lo, obj, "items", NODE_SEQ);
		for (size_t i = 0; items && i < items->n; i++)
			lower_object(c, items->items[i], -1);
		break;
	}
	}
}

/*
 * lower_object: one Calico object, or a list (implied: the kind index of a
 * typed list's items, which may leave out apiVersion and kind; -1 if none).
 */
static void lower_object(struct cal *c, const struct node *obj, int implied)
{
	const struct node *kn, *av;
	int ki;
	bool list = false;

	if (!lower_want_object(&c->lo, obj, "Calico"))
		return;
	kn = lower_val(obj, "kind");
	av = lower_val(obj, "apiVersion");
	if ((kn && !lower_want(&c->lo, kn, NODE_STR, "kind")) ||
	    (av && !lower_want(&c->lo, av, NODE_STR, "apiVersion")))
		return;
	if (!kn && implied >= 0) {
		if (av && !lower_eq(av, CALICO_API)) {
			diag_error(c->lo.b.d, &av->loc,
				   "%s must have apiVersion " CALICO_API ", not %s",
				   kinds[implied].kind, lower_shown(&c->lo, av));
			return;
		}
		lower_one(c, obj, implied, &obj->loc);
		return;
	}
	if (!kn) {
		diag_error(c->lo.b.d, &obj->loc, "object has no 'kind'");
		return;
	}
	if (!av) {
		diag_error(c->lo.b.d, &kn->loc,
			   "object has no 'apiVersion'; add apiVersion: " CALICO_API);
		return;
	}
	if (!calico_api(av)) {
		/* a Kubernetes object inside a v1 List that also holds Calico objects */
		k8s_lower(c->lo.b.a, c->lo.b.d, c->o, obj, c->m);
		return;
	}
	if (!lower_eq(av, CALICO_API)) {
		diag_error(c->lo.b.d, &av->loc,
			   "netpolc reads Calico objects of apiVersion " CALICO_API ", not %s",
			   lower_shown(&c->lo, av));
		return;
	}
	ki = find_kind(kn->str, kn->len);
	if (ki < 0 && kn->len > 4 && !memcmp(kn->str + kn->len - 4, "List", 4)) {
		ki = find_kind(kn->str, kn->len - 4);
		list = ki >= 0 && kinds[ki].type != CK_LIST;
		if (!list)
			ki = -1;
	}
	if (ki < 0) {
		diag_warning(c->lo.b.d, DIAG_W_UNKNOWN_KIND, &kn->loc,
			     "ignoring Calico %s: not a kind netpolc reads",
			     lower_shown(&c->lo, kn));
		return;
	}
	if (list) {
		const struct node *items = lower_typed(&c->lo, obj, "items", NODE_SEQ);
		for (size_t i = 0; items && i < items->n; i++)
			lower_object(c, items->items[i], ki);
		return;
	}
	lower_one(c, obj, ki, &kn->loc);
}

bool calico_document(const struct node *doc)
{
	const struct node *items;

	if (!doc || doc->kind != NODE_MAP)
		return false;
	if (calico_api(lower_val(doc, "apiVersion")))
		return true;
	if (!lower_eq(lower_val(doc, "apiVersion"), "v1") ||
	    !lower_eq(lower_val(doc, "kind"), "List"))
		return false;
	items = lower_val(doc, "items");
	for (size_t i = 0; items && items->kind == NODE_SEQ && i < items->n; i++)
		if (calico_api(lower_val(items->items[i], "apiVersion")))
			return true;
	return false;
}

int calico_lower(struct arena *a, struct diag *d, const struct frontend_opts *o,
		 const struct node *doc, struct model *m)
{
	struct cal c = { .lo = { .b = { .a = a, .d = d } }, .o = o, .m = m };
	size_t e0 = d->errors;

	if (!doc)
		return 0;
	if (!calico_api(lower_val(doc, "apiVersion"))) {
		/* a v1 List: Calico items here, the others to the Kubernetes frontend */
		const struct node *items = lower_val(doc, "items");
		for (size_t i = 0; items && items->kind == NODE_SEQ && i < items->n; i++)
			lower_object(&c, items->items[i], -1);
	} else {
		lower_object(&c, doc, -1);
	}
	return d->errors == e0 ? 0 : -1;
}
