/*
 * calico.c - projectcalico.org/v3 NetworkPolicy YAML from the policy model
 * (netpolc compile -t calico).
 *
 * One Calico NetworkPolicy per Kubernetes NetworkPolicy, in the model's
 * order (namespace/name), written as a YAML stream: a header comment, then
 * one "---" document per policy.  The content is what Calico's own
 * converter produces for the stored object (../shared/CALICO.md, cited by
 * section): the same selector strings byte for byte (§3), peers (§4), port
 * merging and simplification (§5), protocol-major rule expansion (§6) and
 * types (§7), with the keys in calicoctl's order (sorted, §11).  The model
 * already carries the API server's defaulting (protocol TCP, policyTypes).
 *
 * Cluster-wide policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
 * ClusterNetworkPolicy) become what Calico's ClusterNetworkPolicy converter
 * writes (§13.3): a GlobalNetworkPolicy named after the object in tier
 * kube-admin or kube-baseline (both built into Calico, ending in Pass),
 * order = priority, the subject as spec namespaceSelector + selector, rule
 * actions Allow/Deny/Pass in order, a rule's name in its annotations.
 *
 * Where Calico's converter would drop or widen something (a rule it cannot
 * convert, a selector its tokenizer cannot read), this backend reports a
 * located error instead: the output is exact or there is none.
 */
#include "backends/calico.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/yamlout.h"
#include "ir/names.h"
#include "lib/util.h"

/*
 * Protocol spellings (numorstring's canonical names) and the order Calico
 * visits a rule's protocols in: byte order of those names (§5.4).
 */
static const char *const calico_proto_name[NPROTO] = {
	[PROTO_TCP] = "TCP",
	[PROTO_UDP] = "UDP",
	[PROTO_SCTP] = "SCTP",
};
static const enum proto calico_proto_order[NPROTO] = { PROTO_SCTP, PROTO_TCP, PROTO_UDP };

/* The longest label key Calico's selector tokenizer accepts. */
#define CALICO_KEY_MAX 512
/* The longest named port numorstring accepts. */
#define CALICO_PORT_NAME_MAX 128

/* ---- selectors (§3) ---- */

/* calico_key_ok: one label name for Calico's tokenizer: [a-zA-Z0-9_./-]{1,512}. */
static bool calico_key_ok(const char *k)
{
	static const char key_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					"0123456789_./-";
	size_t n = strlen(k);

	return n >= 1 && n <= CALICO_KEY_MAX && k[strspn(k, key_chars)] == '\0';
}

/* report: a located error quoting the user text s (escaped) in fmt's one %s. */
static int report(struct diag *d, const struct loc *loc, const char *fmt, const char *s)
{
	struct strbuf shown = STRBUF_INIT;

	yaml_comment(&shown, s);
	diag_error(d, loc, fmt, shown.buf);
	strbuf_release(&shown);
	return -1;
}

static int check_key(const char *key, const struct loc *loc, struct diag *d)
{
	if (calico_key_ok(key))
		return 0;
	return report(d, loc,
		      "label key '%s' cannot be written in a Calico selector (a label name there "
		      "is 1 to 512 of a-z A-Z 0-9 _ . / -)",
		      key);
}

/*
 * check_value: a Calico string literal runs to the next quote and has no
 * escapes, so a value with a single quote in it cannot be written.
 */
static int check_value(const char *value, const struct loc *loc, struct diag *d)
{
	if (!yaml_utf8_ok(value))
		return report(d, loc, "label value '%s' is not valid UTF-8", value);
	if (!strchr(value, '\''))
		return 0;
	return report(d, loc,
		      "label value '%s' contains a single quote, which a Calico selector cannot "
		      "express",
		      value);
}

static int cmp_label_ptr(const void *a, const void *b)
{
	const struct label *x = *(const struct label *const *)a;
	const struct label *y = *(const struct label *const *)b;

	return strcmp(x->key, y->key);
}

static void add_clause_sep(struct strbuf *out, size_t start)
{
	if (out->len > start)
		strbuf_addstr(out, " && ");
}

int calico_selector(struct strbuf *out, const struct selector *s, enum calico_sel_mode mode,
		    struct diag *d)
{
	size_t start = out->len;
	const struct label **labels;
	int rc = 0;

	if (mode == CALICO_SEL_POD)
		strbuf_addstr(out, CALICO_ORCHESTRATOR);
	if (!s)
		return 0;
	if (mode == CALICO_SEL_NAMESPACE && !s->nlabels && !s->nexprs) {
		strbuf_addstr(out, "all()");
		return 0;
	}

	/* matchLabels in byte order of the keys, whatever order the model keeps. */
	labels = xcalloc(s->nlabels ? s->nlabels : 1, sizeof(*labels));
	for (size_t i = 0; i < s->nlabels; i++)
		labels[i] = &s->match_labels[i];
	xqsort(labels, s->nlabels, sizeof(*labels), cmp_label_ptr);
	for (size_t i = 0; i < s->nlabels; i++) {
		const struct label *l = labels[i];

		rc |= check_key(l->key, &l->loc, d);
		rc |= check_value(l->value, &l->loc, d);
		add_clause_sep(out, start);
		strbuf_addf(out, "%s == '%s'", l->key, l->value);
	}
	free(labels);

	/* matchExpressions in input order. */
	for (size_t i = 0; i < s->nexprs; i++) {
		const struct sel_req *r = &s->exprs[i];

		rc |= check_key(r->key, &r->loc, d);
		add_clause_sep(out, start);
		switch (r->op) {
		case SEL_IN:
		case SEL_NOT_IN:
			if (!r->nvalues)
				rc |= diag_error(d, &r->loc,
						 "operator %s with no values cannot be expressed "
						 "in a Calico selector",
						 sel_op_name(r->op));
			strbuf_addf(out, "%s %s { ", r->key, r->op == SEL_IN ? "in" : "not in");
			for (size_t j = 0; j < r->nvalues; j++) {
				rc |= check_value(r->values[j], &r->loc, d);
				strbuf_addf(out, "%s'%s'", j ? ", " : "", r->values[j]);
			}
			strbuf_addstr(out, " }");
			break;
		case SEL_EXISTS:
			strbuf_addf(out, "has(%s)", r->key);
			break;
		case SEL_DOES_NOT_EXIST:
			strbuf_addf(out, "! has(%s)", r->key);
			break;
		default:
			BUG("selector operator %d", (int)r->op);
		}
	}
	return rc ? -1 : 0;
}

/* ---- ports (§5) ---- */

static int cmp_port_range(const void *a, const void *b)
{
	const struct calico_port *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (x->hi > y->hi) - (x->hi < y->hi);
}

size_t calico_simplify_ports(struct calico_port *v, size_t n)
{
	struct calico_port *num;
	size_t nnum = 0, count = 0, k = 0;

	if (n <= 1)
		return n;
	for (size_t i = 0; i < n; i++) {
		if (v[i].name)
			continue;
		nnum++;
		count += (size_t)v[i].hi - v[i].lo + 1;
	}
	if (count <= 1)
		return n;

	num = xcalloc(nnum, sizeof(*num));
	nnum = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].name)
			v[k++] = v[i]; /* k <= i: compacting in place */
		else
			num[nnum++] = v[i];
	}
	xqsort(num, nnum, sizeof(*num), cmp_port_range);
	{
		struct calico_port cur = num[0];

		for (size_t i = 1; i < nnum; i++) {
			if ((unsigned)num[i].lo <= (unsigned)cur.hi + 1) {
				if (num[i].hi > cur.hi)
					cur.hi = num[i].hi;
			} else {
				v[k++] = cur;
				cur = num[i];
			}
		}
		v[k++] = cur;
	}
	free(num);
	return k;
}

/* A protocol's merged port list for one rule (§5.3). */
struct bucket {
	bool present, all;
	struct calico_port *v;
	size_t n, alloc;
};

/* port_name_ok: numorstring's named-port syntax, ^[a-zA-Z0-9_.-]{1,128}$. */
static bool port_name_ok(const char *s)
{
	static const char name_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "0123456789_.-";
	size_t n = strlen(s);

	return n >= 1 && n <= CALICO_PORT_NAME_MAX && s[strspn(s, name_chars)] == '\0';
}

/* bucket_add: one ports[] entry into its protocol's bucket; all-ports wins. */
static int bucket_add(struct bucket *b, const struct port *p, struct diag *d)
{
	struct calico_port cp = { 0 };

	if ((unsigned)p->proto >= NPROTO)
		BUG("protocol %d", (int)p->proto);
	if (!p->has_port) {
		b[p->proto].present = true;
		b[p->proto].all = true;
		b[p->proto].n = 0;
		return 0;
	}
	if (p->name) {
		if (p->end_port)
			return report(d, &p->loc,
				      "named port '%s' with endPort cannot be expressed in Calico",
				      p->name);
		if (!port_name_ok(p->name))
			return report(d, &p->loc, "port name '%s' is not a valid Calico named port",
				      p->name);
		cp.name = p->name;
	} else {
		if (p->end_port && p->end_port < p->port)
			return diag_error(d, &p->loc, "endPort %u is below port %u",
					  (unsigned)p->end_port, (unsigned)p->port);
		cp.lo = p->port;
		cp.hi = p->end_port ? p->end_port : p->port;
	}
	b = &b[p->proto];
	if (b->all)
		return 0;
	b->present = true;
	VEC_PUSH(b->v, b->n, b->alloc, cp);
	return 0;
}

/* ---- peers (§4) ---- */

char *calico_format_cidr(const struct prefix *p, char *buf)
{
	struct prefix v4;
	return prefix_format(prefix_v4_mapped(p, &v4) ? &v4 : p, buf);
}

/* pick_loc: the more precise location when it was recorded, else the fallback. */
static const struct loc *pick_loc(const struct loc *precise, const struct loc *fallback)
{
	return precise && precise->file ? precise : fallback;
}

/* The Calico fields of one peer, built once per k8s rule. */
struct peer_text {
	const struct ipblock *ipb;
	struct prefix *nets; /* an admin networks peer: its networks of one family */
	size_t nnets;
	struct strbuf sel, ns;
	bool has_sel, has_ns;
};

/*
 * peer_text_init: the Calico fields of peer p (NULL: any peer); of an
 * admin networks peer, only its networks of family fam, since a Calico
 * rule holds one IP version.
 */
static int peer_text_init(struct peer_text *pt, const struct peer *p, int fam, struct diag *d)
{
	int rc = 0;

	strbuf_init(&pt->sel);
	strbuf_init(&pt->ns);
	pt->ipb = NULL;
	pt->nets = NULL;
	pt->nnets = 0;
	pt->has_sel = pt->has_ns = false;
	if (!p)
		return 0;
	if (p->node_sel)
		return diag_error(d, &p->loc,
				  "a nodes peer cannot be expressed by the calico backend: Calico "
				  "matches Nodes through host endpoints, which the input does not "
				  "describe");
	if (p->nnets) {
		pt->nets = xcalloc(p->nnets, sizeof(*pt->nets));
		for (size_t i = 0; i < p->nnets; i++) {
			if (p->nets[i].a.family != fam)
				continue;
			pt->nets[pt->nnets++] = p->nets[i]; /* never IPv4-mapped either */
		}
		return 0;
	}
	if (p->ipblock) {
		if (p->pod_sel || p->ns_sel)
			return diag_error(
				d, &p->loc,
				"a peer with both ipBlock and a selector cannot be expressed "
				"in Calico (Calico would drop the selector)");
		pt->ipb = p->ipblock; /* never IPv4-mapped: frontend/build refuses those */
		return 0;
	}
	pt->has_sel = true;
	rc |= calico_selector(&pt->sel, p->pod_sel, CALICO_SEL_POD, d);
	if (p->ns_sel || p->global_scope) {
		/* an admin peer without namespaceSelector: every namespace */
		pt->has_ns = true;
		rc |= calico_selector(&pt->ns, p->ns_sel, CALICO_SEL_NAMESPACE, d);
		if (!p->ns_sel)
			strbuf_addstr(&pt->ns, "all()");
	}
	return rc ? -1 : 0;
}

static void peer_text_release(struct peer_text *pt)
{
	free(pt->nets);
	strbuf_release(&pt->sel);
	strbuf_release(&pt->ns);
}

/* ---- YAML emission ---- */

/*
 * Indentation follows calicoctl's YAML: two spaces per mapping level,
 * sequence items ("- ") at the column of their key.  A rule lives at
 *   "  ingress:" / "  - action: Allow" / "    destination:" / "      ports:" / "      - 80"
 */
/* emit_str: requires valid UTF-8, which every conversion step checks first (utf8_ok). */
static void emit_str(struct strbuf *out, const char *s)
{
	if (yaml_scalar(out, s) < 0)
		BUG("text that is not UTF-8 reached the calico emitter");
}

static void emit_kv(struct strbuf *out, const char *indent, const char *key, const char *val)
{
	strbuf_addf(out, "%s%s: ", indent, key);
	emit_str(out, val);
	strbuf_addch(out, '\n');
}

static void emit_ports(struct strbuf *out, const struct calico_port *v, size_t n)
{
	if (!n)
		return;
	strbuf_addstr(out, "      ports:\n");
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(out, "      - ");
		if (v[i].name)
			emit_str(out, v[i].name);
		else if (v[i].lo == v[i].hi)
			strbuf_addf(out, "%u", (unsigned)v[i].lo);
		else
			strbuf_addf(out, "\"%u:%u\"", (unsigned)v[i].lo, (unsigned)v[i].hi);
		strbuf_addch(out, '\n');
	}
}

/* emit_entity: "source:"/"destination:" with the peer fields and ports, omitted when empty. */
static void emit_entity(struct strbuf *out, const char *key, const struct peer_text *pt,
			const struct calico_port *ports, size_t nports)
{
	char buf[ADDR_STRLEN];
	bool peer = pt && (pt->ipb || pt->nnets || pt->has_sel || pt->has_ns);

	if (!peer && !nports)
		return;
	strbuf_addf(out, "    %s:\n", key);
	if (peer && pt->has_ns)
		emit_kv(out, "      ", "namespaceSelector", pt->ns.buf);
	if (peer && pt->nnets) {
		strbuf_addstr(out, "      nets:\n");
		for (size_t i = 0; i < pt->nnets; i++) {
			strbuf_addstr(out, "      - ");
			emit_str(out, calico_format_cidr(&pt->nets[i], buf));
			strbuf_addch(out, '\n');
		}
	}
	if (peer && pt->ipb) {
		strbuf_addstr(out, "      nets:\n      - ");
		emit_str(out, calico_format_cidr(&pt->ipb->cidr, buf));
		strbuf_addch(out, '\n');
		if (pt->ipb->nexcept)
			strbuf_addstr(out, "      notNets:\n");
		for (size_t i = 0; i < pt->ipb->nexcept; i++) {
			strbuf_addstr(out, "      - ");
			emit_str(out, calico_format_cidr(&pt->ipb->except[i], buf));
			strbuf_addch(out, '\n');
		}
	}
	emit_ports(out, ports, nports);
	if (peer && pt->has_sel)
		emit_kv(out, "      ", "selector", pt->sel.buf);
}

/* Calico's spellings of the model's actions. */
static const char *const calico_action[] = {
	[ACT_ALLOW] = "Allow", [ACT_DENY] = "Deny", [ACT_PASS] = "Pass"
};

/*
 * emit_rule: one Calico rule of rule r; proto NULL for the protocol-less
 * bucket.  An admin rule's name goes into the rule's annotations, as
 * Calico's converter keeps it.
 */
static void emit_rule(struct strbuf *out, enum dir dir, const struct rule *r, const char *proto,
		      const struct peer_text *pt, const struct calico_port *ports, size_t nports)
{
	/* the keys in calicoctl's (sorted) order: the peer is the source of an ingress rule */
	strbuf_addf(out, "  - action: %s\n", calico_action[r->action]);
	emit_entity(out, "destination", dir == DIR_INGRESS ? NULL : pt, ports, nports);
	if (r->name) {
		strbuf_addstr(out, "    metadata:\n      annotations:\n");
		emit_kv(out, "        ", "name", r->name);
	}
	if (proto)
		strbuf_addf(out, "    protocol: %s\n", proto);
	if (dir == DIR_INGRESS)
		emit_entity(out, "source", pt, NULL, 0);
}

/*
 * peer_families: the peer texts of peer p at pt[*npt...]: one, or for a
 * networks peer of both families, its IPv4 then its IPv6 networks.
 */
static int peer_families(struct peer_text *pt, size_t *npt, const struct peer *p, struct diag *d)
{
	bool has[AF6 + 1] = { false };
	int rc = 0;
	for (size_t i = 0; i < p->nnets; i++)
		has[p->nets[i].a.family] = true;
	if (!p->nnets)
		return peer_text_init(&pt[(*npt)++], p, AF4, d);
	if (has[AF4])
		rc |= peer_text_init(&pt[(*npt)++], p, AF4, d);
	if (has[AF6])
		rc |= peer_text_init(&pt[(*npt)++], p, AF6, d);
	return rc;
}

/*
 * convert_rule: the Calico rules of one k8s rule (§6): for each protocol
 * in name order, for each peer in input order.  Nothing is written when
 * the rule has an error.
 */
static int convert_rule(struct strbuf *out, enum dir dir, const struct rule *r, bool admin,
			struct diag *d)
{
	struct bucket b[NPROTO] = { { 0 } };
	size_t npt = 0;
	struct peer_text *pt = xcalloc(2 * (r->npeers ? r->npeers : 1), sizeof(*pt));
	int rc = 0;

	if (!admin && r->action != ACT_ALLOW)
		rc |= diag_error(
			d, &r->loc,
			"%s rules cannot be expressed by the calico backend yet (Kubernetes "
			"NetworkPolicy rules are Allow)",
			action_name(r->action));
	if (!r->npeers)
		rc |= peer_text_init(&pt[npt++], NULL, AF4, d);
	for (size_t i = 0; i < r->npeers; i++)
		rc |= peer_families(pt, &npt, &r->peers[i], d);
	for (size_t i = 0; i < r->nports; i++)
		rc |= bucket_add(b, &r->ports[i], d);

	if (!rc && !r->nports) {
		for (size_t i = 0; i < npt; i++)
			emit_rule(out, dir, r, NULL, &pt[i], NULL, 0);
	} else if (!rc) {
		for (size_t k = 0; k < NPROTO; k++) {
			struct bucket *pb = &b[calico_proto_order[k]];
			size_t n;

			if (!pb->present)
				continue;
			n = pb->all ? 0 : calico_simplify_ports(pb->v, pb->n);
			for (size_t i = 0; i < npt; i++)
				emit_rule(out, dir, r, calico_proto_name[calico_proto_order[k]],
					  &pt[i], pb->v, n);
		}
	}

	for (size_t i = 0; i < npt; i++)
		peer_text_release(&pt[i]);
	free(pt);
	for (size_t k = 0; k < NPROTO; k++)
		free(b[k].v);
	return rc ? -1 : 0;
}

/* resource_name: prefix + name into out, or "invalid" after reporting a name Calico refuses. */
static int resource_name(struct strbuf *out, const struct policy *p, const char *prefix,
			 struct diag *d)
{
	int rc;
	strbuf_addstr(out, prefix ? prefix : "");
	strbuf_addstr(out, p->name);
	/* Calico requires a DNS-1123 subdomain of resource names */
	if (!valid_dns_subdomain(out->buf, out->len))
		return 0;
	rc = report(d, pick_loc(&p->name_loc, &p->loc),
		    prefix && *prefix
			    ? "name '%s' (with --calico-name-prefix) is not a valid Calico "
			      "resource name (a DNS subdomain: lowercase letters, digits, '-' "
			      "and '.', at most 253 characters)"
			    : "name '%s' is not a valid Calico resource name (a DNS subdomain: "
			      "lowercase letters, digits, '-' and '.', at most 253 characters)",
		    out->buf);
	strbuf_reset(out);
	strbuf_addstr(out, "invalid");
	return rc;
}

/* emit_types: Ingress then Egress; none at all means [Ingress] (§7). */
static void emit_types(struct strbuf *out, const struct policy *p)
{
	strbuf_addstr(out, "  types:\n");
	if (p->types[DIR_INGRESS] || !p->types[DIR_EGRESS])
		strbuf_addstr(out, "  - Ingress\n");
	if (p->types[DIR_EGRESS])
		strbuf_addstr(out, "  - Egress\n");
}

/* Calico's spec keys sort egress before ingress (§11). */
static const enum dir dir_order[NDIR] = { DIR_EGRESS, DIR_INGRESS };

/* emit_rules: the "egress:" and "ingress:" lists of p. */
static int emit_rules(struct strbuf *out, const struct policy *p, bool admin, struct diag *d)
{
	int rc = 0;
	for (size_t k = 0; k < NDIR; k++) {
		enum dir dir = dir_order[k];

		if (!p->nrules[dir])
			continue;
		strbuf_addf(out, "  %s:\n", dir == DIR_INGRESS ? "ingress" : "egress");
		for (size_t i = 0; i < p->nrules[dir]; i++)
			rc |= convert_rule(out, dir, &p->rules[dir][i], admin, d);
	}
	return rc;
}

/*
 * convert_admin: a cluster-wide policy as the GlobalNetworkPolicy Calico's
 * converter writes for it (§13.3).  Host-network pods, which these
 * policies never select, are not Calico workload endpoints either.
 */
static int convert_admin(struct strbuf *out, const struct policy *p, const char *prefix,
			 struct diag *d)
{
	struct strbuf name = STRBUF_INIT, sel = STRBUF_INIT;
	int rc = resource_name(&name, p, prefix, d);

	strbuf_addstr(out, "---\n"
			   "apiVersion: projectcalico.org/v3\n"
			   "kind: GlobalNetworkPolicy\n"
			   "metadata:\n");
	emit_kv(out, "  ", "name", name.buf);
	strbuf_addstr(out, "spec:\n");
	rc |= emit_rules(out, p, true, d);
	if (p->global_ns_sel) {
		rc |= calico_selector(&sel, p->global_ns_sel, CALICO_SEL_NAMESPACE, d);
		emit_kv(out, "  ", "namespaceSelector", sel.buf);
		strbuf_reset(&sel);
	}
	/* the BaselineAdminNetworkPolicy has no priority: last in its tier */
	if (p->has_order)
		strbuf_addf(out, "  order: %.0f\n", p->order);
	rc |= calico_selector(&sel, p->pod_sel, CALICO_SEL_POD, d);
	emit_kv(out, "  ", "selector", sel.buf);
	emit_kv(out, "  ", "tier", p->tier);
	emit_types(out, p);
	strbuf_release(&sel);
	strbuf_release(&name);
	return rc ? -1 : 0;
}

/* convert_policy: one "---" document (§2). */
static int convert_policy(struct strbuf *out, const struct policy *p, const char *prefix,
			  struct diag *d)
{
	struct strbuf name = STRBUF_INIT;
	struct strbuf sel = STRBUF_INIT;
	int rc = 0;

	if (p->no_host_network)
		return convert_admin(out, p, prefix, d);
	if (p->tier)
		rc |= diag_error(d, &p->loc,
				 "the calico backend converts Kubernetes NetworkPolicies; this %s "
				 "comes from Calico input",
				 p->kind ? p->kind : "policy");
	else if (p->kind && strcmp(p->kind, "NetworkPolicy"))
		rc |= diag_error(d, &p->loc, "the calico backend cannot convert a %s", p->kind);

	rc |= resource_name(&name, p, prefix, d);
	if (p->ns && !yaml_utf8_ok(p->ns))
		rc |= diag_error(d, &p->loc, "namespace is not valid UTF-8");
	strbuf_addstr(out, "---\n"
			   "apiVersion: projectcalico.org/v3\n"
			   "kind: NetworkPolicy\n"
			   "metadata:\n");
	emit_kv(out, "  ", "name", name.buf);
	if (p->ns && *p->ns)
		emit_kv(out, "  ", "namespace", p->ns);
	strbuf_addstr(out, "spec:\n");
	rc |= emit_rules(out, p, false, d);
	strbuf_addstr(out, "  order: 1000\n");
	/* An absent podSelector means {} (§3). */
	if (!p->pod_sel)
		strbuf_addstr(&sel, CALICO_ORCHESTRATOR);
	else
		rc |= calico_selector(&sel, p->pod_sel, CALICO_SEL_POD, d);
	emit_kv(out, "  ", "selector", sel.buf);
	strbuf_addstr(out, "  tier: default\n");
	emit_types(out, p);
	strbuf_release(&sel);
	strbuf_release(&name);
	return rc ? -1 : 0;
}

int calico_emit(const struct emit_ctx *ctx, struct emit_out *o, struct diag *d)
{
	const struct model *m = ctx->model;
	const char *prefix = emit_opt(ctx, "calico-name-prefix");
	struct strbuf *out = emit_main(o);
	int rc = 0;

	strbuf_addstr(out, "# projectcalico.org/v3 NetworkPolicy generated by netpolc from:");
	if (ctx->cmdline) {
		strbuf_addch(out, ' ');
		yaml_comment(out, ctx->cmdline);
	} else {
		for (size_t i = 0; i < m->ninputs; i++) {
			strbuf_addch(out, ' ');
			yaml_comment(out, m->inputs[i]);
		}
	}
	strbuf_addch(out, '\n');
	for (size_t i = 0; i < m->npolicies; i++)
		rc |= convert_policy(out, m->policies[i], prefix, d);
	return rc ? -1 : 0;
}
