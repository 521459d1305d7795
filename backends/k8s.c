/*
 * k8s.c - Kubernetes YAML from the policy model (netpolc compile -t k8s).
 *
 * The main output is a YAML stream of networking.k8s.io/v1
 * NetworkPolicies, one "---" document each, in the model's order
 * (namespace/name): what `kubectl apply -f` takes.  With --inventory FILE
 * the inventory goes to FILE as `kubectl get -o yaml` prints it: the
 * declared Namespaces with their labels, then every pod (a host of the
 * policy language is a Pod) with its labels, node, host network, named
 * ports and addresses, a workload template as its workload.  Keys are in
 * kubectl's order (sorted); policyTypes is written when the input gave it
 * or when it differs from what the API server would default, as the dsl
 * printer does.  Reading both files back gives the same model, up to what
 * the model does not keep (a Node address's type: every one is written as
 * an InternalIP).
 *
 * The cluster administrator's policies go out as the kinds they came in
 * as (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy:
 * the model keeps the kind), with the Nodes their nodes peers match in the
 * inventory.  What Kubernetes cannot say (deny and pass rules, tiers and
 * orders of namespaced policies, Calico policies, Calico selector
 * expressions and peers, host endpoints) is reported at the construct and
 * nothing is written: the output is never a weaker policy.  Every name,
 * label and port name reaches the YAML through yaml_scalar.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/yamlout.h"
#include "frontend/build.h"
#include "lib/util.h"

const char *k8s_inventory_check(const char *s)
{
	if (!*s || !strcmp(s, "-"))
		return "the inventory file is a path of its own (the policies go to -o or "
		       "standard output)";
	return NULL;
}

static int unsayable(struct diag *d, const struct loc *loc, const char *what)
{
	return diag_error(d, loc, "a Kubernetes NetworkPolicy cannot say %s", what);
}

/* str_out: s as a YAML scalar; an error at loc if it is not UTF-8. */
static int str_out(struct strbuf *out, const char *s, const struct loc *loc, struct diag *d)
{
	if (!yaml_scalar(out, s))
		return 0;
	strbuf_addstr(out, "\"\"");
	return diag_error(d, loc, "text that is not valid UTF-8 cannot be written as YAML");
}

/*
 * A block being written: keys at indent ind; after item(), the first key
 * of the next mapping starts with the sequence's "- " two columns left.
 */
struct yw {
	struct strbuf *out;
	struct diag *d;
	bool dash;
};

/* key: "KEY:" at indent ind (no newline); the first key of a sequence item gets its dash. */
static void key(struct yw *w, int ind, const char *k)
{
	if (w->dash)
		strbuf_addf(w->out, "%*s- %s:", ind - 2, "", k);
	else
		strbuf_addf(w->out, "%*s%s:", ind, "", k);
	w->dash = false;
}

/* item: the next mapping written at indent ind + 2 is an item of a sequence at ind. */
static void item(struct yw *w)
{
	w->dash = true;
}

/* empty_item: "- {}" at indent ind. */
static void empty_item(struct yw *w, int ind)
{
	strbuf_addf(w->out, "%*s- {}\n", ind, "");
	w->dash = false;
}

static int kv(struct yw *w, int ind, const char *k, const char *v, const struct loc *loc)
{
	int rc;

	key(w, ind, k);
	strbuf_addch(w->out, ' ');
	rc = str_out(w->out, v, loc, w->d);
	strbuf_addch(w->out, '\n');
	return rc;
}

/* scalar_item: "- VALUE" at indent ind. */
static int scalar_item(struct yw *w, int ind, const char *v, const struct loc *loc)
{
	int rc;

	strbuf_addf(w->out, "%*s- ", ind, "");
	rc = str_out(w->out, v, loc, w->d);
	strbuf_addch(w->out, '\n');
	return rc;
}

/* labels_out: "labels:" / "matchLabels:" with one "KEY: VALUE" line each; skip_ns as in dsl. */
static int labels_out(struct yw *w, int ind, const char *name, const struct label *v, size_t n,
		      const char *skip_ns)
{
	size_t shown = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		shown += !(skip_ns && !strcmp(v[i].key, LABEL_NS_NAME) &&
			   !strcmp(v[i].value, skip_ns));
	if (!shown)
		return 0;
	key(w, ind, name);
	strbuf_addch(w->out, '\n');
	for (size_t i = 0; i < n; i++) {
		if (skip_ns && !strcmp(v[i].key, LABEL_NS_NAME) && !strcmp(v[i].value, skip_ns))
			continue;
		strbuf_addf(w->out, "%*s", ind + 2, "");
		rc |= str_out(w->out, v[i].key, &v[i].loc, w->d);
		strbuf_addstr(w->out, ": ");
		rc |= str_out(w->out, v[i].value, &v[i].loc, w->d);
		strbuf_addch(w->out, '\n');
	}
	return rc;
}

static int anp_kind_of(const struct policy *p);
static int anp_policy_out(struct strbuf *out, const struct policy *p, int k, struct diag *d);

/* ---- policies -------------------------------------------------------------- */

/* selector_out: "NAME:" and a LabelSelector ({} for everything). */
static int selector_out(struct yw *w, int ind, const char *name, const struct selector *s)
{
	int rc = 0;

	if (s->expr)
		return unsayable(w->d, &s->loc, "a Calico selector expression");
	key(w, ind, name);
	if (selector_is_empty(s)) {
		strbuf_addstr(w->out, " {}\n");
		return 0;
	}
	strbuf_addch(w->out, '\n');
	if (s->nexprs) {
		key(w, ind + 2, "matchExpressions");
		strbuf_addch(w->out, '\n');
	}
	for (size_t i = 0; i < s->nexprs; i++) {
		const struct sel_req *r = &s->exprs[i];
		item(w);
		rc |= kv(w, ind + 4, "key", r->key, &r->loc);
		kv(w, ind + 4, "operator", sel_op_name(r->op), &r->loc);
		if (r->op != SEL_IN && r->op != SEL_NOT_IN)
			continue;
		key(w, ind + 4, "values");
		strbuf_addch(w->out, '\n');
		for (size_t k = 0; k < r->nvalues; k++)
			rc |= scalar_item(w, ind + 4, r->values[k], &r->loc);
	}
	rc |= labels_out(w, ind + 2, "matchLabels", s->match_labels, s->nlabels, NULL);
	return rc;
}

static int peer_out(struct yw *w, int ind, const struct peer *p)
{
	char buf[ADDR_STRLEN];
	int rc = 0;

	if (p->nets || p->nnot_nets || p->not_pod_sel || p->global_scope || p->no_host_network)
		return unsayable(w->d, &p->loc,
				 "a Calico or admin peer (nets, notNets, notSelector or a "
				 "selector of every namespace)");
	if (p->node_sel)
		return unsayable(w->d, &p->loc, "a nodes peer (only ipBlocks name hosts)");
	if (p->ipblock && (p->pod_sel || p->ns_sel))
		return unsayable(w->d, &p->loc, "a peer with both an ipBlock and a selector");
	if (!p->ipblock && !p->pod_sel && !p->ns_sel) {
		empty_item(w, ind - 2);
		return 0;
	}
	item(w);
	if (p->ipblock) {
		const struct ipblock *b = p->ipblock;
		key(w, ind, "ipBlock");
		strbuf_addch(w->out, '\n');
		kv(w, ind + 2, "cidr", prefix_format(&b->cidr, buf), &b->loc);
		if (b->nexcept) {
			key(w, ind + 2, "except");
			strbuf_addch(w->out, '\n');
		}
		for (size_t i = 0; i < b->nexcept; i++)
			scalar_item(w, ind + 2, prefix_format(&b->except[i], buf), &b->loc);
	}
	if (p->ns_sel)
		rc |= selector_out(w, ind, "namespaceSelector", p->ns_sel);
	if (p->pod_sel)
		rc |= selector_out(w, ind, "podSelector", p->pod_sel);
	return rc;
}

static int port_out(struct yw *w, int ind, const struct port *p)
{
	int rc = 0;

	item(w);
	if (p->has_port && p->end_port && p->end_port != p->port) {
		key(w, ind, "endPort");
		strbuf_addf(w->out, " %u\n", p->end_port);
	}
	if (p->has_port && p->name) {
		rc = kv(w, ind, "port", p->name, &p->loc);
	} else if (p->has_port) {
		key(w, ind, "port");
		strbuf_addf(w->out, " %u\n", p->port);
	}
	kv(w, ind, "protocol", proto_name(p->proto), &p->loc);
	return rc;
}

static int rule_out(struct yw *w, int ind, const struct rule *r, enum dir dir)
{
	int rc = 0;

	if (r->action != ACT_ALLOW)
		return unsayable(w->d, &r->loc,
				 r->action == ACT_DENY ? "a deny rule (its rules only allow)"
						       : "a pass rule (its rules only allow)");
	if (r->nnot_ports)
		return unsayable(w->d, &r->loc, "a Calico rule with notPorts");
	if (!r->npeers && !r->peers_given && !r->nports) {
		empty_item(w, ind - 2);
		return 0;
	}
	item(w);
	/* from: [] (every peer) as the input gave it; an empty ports list is not kept */
	if (r->npeers || r->peers_given) {
		key(w, ind, dir == DIR_INGRESS ? "from" : "to");
		strbuf_addstr(w->out, r->npeers ? "\n" : " []\n");
	}
	for (size_t i = 0; i < r->npeers; i++)
		rc |= peer_out(w, ind + 2, &r->peers[i]);
	if (r->nports) {
		key(w, ind, "ports");
		strbuf_addch(w->out, '\n');
	}
	for (size_t i = 0; i < r->nports; i++)
		rc |= port_out(w, ind + 2, &r->ports[i]);
	return rc;
}

/* policy_check: what makes p more than a NetworkPolicy, reported at p; 0 or -1. */
static int policy_check(const struct policy *p, struct diag *d)
{
	const char *k = p->kind ? p->kind : "NetworkPolicy";

	if (p->global || p->no_host_network || p->global_ns_sel || strcmp(k, "NetworkPolicy")) {
		if (!strcmp(k, "NetworkPolicy"))
			k = "GlobalNetworkPolicy";
		return diag_error(d, &p->loc,
				  "a Kubernetes NetworkPolicy cannot say a%s %s (a policy of the "
				  "whole cluster)",
				  strchr("AEIOU", k[0]) ? "n" : "", k);
	}
	if (p->tier)
		return unsayable(d, p->tier_loc.file ? &p->tier_loc : &p->loc,
				 "a tier (Calico's ordering of policies)");
	if (p->has_order)
		return unsayable(d, &p->loc, "an order (NetworkPolicies have no priorities)");
	if (!p->types[DIR_INGRESS] && !p->types[DIR_EGRESS])
		return unsayable(d, &p->types_loc, "a policy that isolates no direction");
	return 0;
}

static int policy_out(struct strbuf *out, const struct policy *p, struct diag *d)
{
	struct yw w = { out, d, false };
	bool defaults[NDIR] = { true, p->nrules[DIR_EGRESS] > 0 };
	int k = anp_kind_of(p);
	int rc;

	if (k >= 0)
		return anp_policy_out(out, p, k, d);
	rc = policy_check(p, d);

	if (rc)
		return rc;
	strbuf_addstr(out, "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
			   "metadata:\n");
	rc |= kv(&w, 2, "name", p->name, &p->name_loc);
	rc |= kv(&w, 2, "namespace", p->ns, &p->loc);
	strbuf_addstr(out, "spec:\n");
	for (int dir = NDIR - 1; dir >= 0; dir--) {
		if (!p->nrules[dir])
			continue;
		key(&w, 2, dir == DIR_INGRESS ? "ingress" : "egress");
		strbuf_addch(out, '\n');
		for (size_t i = 0; i < p->nrules[dir]; i++)
			rc |= rule_out(&w, 4, &p->rules[dir][i], (enum dir)dir);
	}
	rc |= selector_out(&w, 2, "podSelector", p->pod_sel);
	if (p->types_explicit || p->types[DIR_INGRESS] != defaults[DIR_INGRESS] ||
	    p->types[DIR_EGRESS] != defaults[DIR_EGRESS]) {
		strbuf_addstr(out, "  policyTypes:\n");
		if (p->types[DIR_INGRESS])
			strbuf_addstr(out, "  - Ingress\n");
		if (p->types[DIR_EGRESS])
			strbuf_addstr(out, "  - Egress\n");
	}
	return rc;
}

/* ---- cluster-wide policies (policy.networking.k8s.io) ----------------------- */

/* The admin kinds, as build_anp_kind names them, and their API group version. */
static const struct {
	const char *kind, *api;
	bool cluster; /* v1alpha2: tier, Accept, protocols */
} anp_kinds[] = {
	{ "AdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", false },
	{ "BaselineAdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", false },
	{ "ClusterNetworkPolicy", "policy.networking.k8s.io/v1alpha2", true },
};

/* anp_pods_out: a subject's or peer's "namespaces" or "pods" (namespaceSelector, podSelector). */
static int anp_pods_out(struct yw *w, int ind, const struct selector *ns,
			const struct selector *pods, bool cluster)
{
	static const struct selector every = { 0 };
	int rc = 0;

	if (!pods)
		return selector_out(w, ind, "namespaces", ns ? ns : &every);
	key(w, ind, "pods");
	strbuf_addch(w->out, '\n');
	/*
	 * v1alpha1 requires namespaceSelector; v1alpha2 leaves it out for every
	 * namespace (whether the input wrote {} or nothing: the same model)
	 */
	if (!cluster || (ns && !selector_is_empty(ns)))
		rc |= selector_out(w, ind + 2, "namespaceSelector", ns ? ns : &every);
	rc |= selector_out(w, ind + 2, "podSelector", pods);
	return rc;
}

/*
 * networks_out: the networks peers p[0..n) (n >= 1, every one a networks
 * peer) as few networks entries as the API allows (25 networks each, each
 * network once): the model does not keep how the input grouped them (the
 * language writes one per network), so that both give the same YAML.
 */
static void networks_out(struct yw *w, int ind, const struct peer *p, size_t n)
{
	char buf[ADDR_STRLEN];
	const struct prefix *seen[ANP_MAX_NETWORKS];
	size_t nseen = ANP_MAX_NETWORKS;

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < p[i].nnets; k++) {
			const struct prefix *net = &p[i].nets[k];
			bool dup = false;
			for (size_t j = 0; j < nseen && nseen < ANP_MAX_NETWORKS && !dup; j++)
				dup = !memcmp(seen[j], net, sizeof(*net));
			if (dup)
				continue;
			if (nseen == ANP_MAX_NETWORKS) {
				item(w);
				key(w, ind, "networks");
				strbuf_addch(w->out, '\n');
				nseen = 0;
			}
			seen[nseen++] = net;
			scalar_item(w, ind, prefix_format(net, buf), &p[i].loc);
		}
}

static int anp_peer_out(struct yw *w, int ind, const struct peer *p, bool cluster)
{
	item(w);
	if (p->node_sel)
		return selector_out(w, ind, "nodes", p->node_sel);
	if (p->ipblock || p->nnot_nets || p->not_pod_sel || !p->global_scope)
		return unsayable(w->d, &p->loc, "this peer in a cluster-wide policy");
	return anp_pods_out(w, ind, p->ns_sel, p->pod_sel, cluster);
}

/* anp_port_out: a ports entry (v1alpha1) or protocols entry (cluster: v1alpha2). */
static int anp_port_out(struct yw *w, int ind, const struct port *p, bool cluster)
{
	bool range = p->end_port && p->end_port != p->port;

	item(w);
	if (p->name)
		return kv(w, ind, cluster ? "destinationNamedPort" : "namedPort", p->name, &p->loc);
	if (cluster) {
		key(w, ind, proto_lname(p->proto));
		strbuf_addf(w->out, "\n%*sdestinationPort:\n", ind + 2, "");
		if (range)
			strbuf_addf(w->out, "%*srange:\n%*send: %u\n%*sstart: %u\n", ind + 4, "",
				    ind + 6, "", p->end_port, ind + 6, "", p->port);
		else
			strbuf_addf(w->out, "%*snumber: %u\n", ind + 4, "", p->port);
		return 0;
	}
	key(w, ind, range ? "portRange" : "portNumber");
	strbuf_addch(w->out, '\n');
	if (range)
		strbuf_addf(w->out, "%*send: %u\n", ind + 2, "", p->end_port);
	else
		strbuf_addf(w->out, "%*sport: %u\n", ind + 2, "", p->port);
	strbuf_addf(w->out, "%*sprotocol: %s\n", ind + 2, "", proto_name(p->proto));
	if (range)
		strbuf_addf(w->out, "%*sstart: %u\n", ind + 2, "", p->port);
	return 0;
}

static int anp_rule_out(struct yw *w, int ind, const struct rule *r, enum dir dir, bool cluster)
{
	static const char *const actions[][2] = { { "Allow", "Accept" },
						  { "Deny", "Deny" },
						  { "Pass", "Pass" } };
	const char *peers = dir == DIR_INGRESS ? "from" : "to";
	int rc = 0;

	item(w);
	kv(w, ind, "action", actions[r->action][cluster], &r->loc);
	for (int pass = 0; pass < 2; pass++) {
		/* sorted keys: from, name, ports/protocols, to */
		if ((pass == 0) == (dir == DIR_INGRESS)) {
			key(w, ind, peers);
			strbuf_addch(w->out, '\n');
			for (size_t i = 0, n; i < r->npeers; i += n) {
				for (n = 0; i + n < r->npeers && r->peers[i + n].nnets; n++)
					;
				if (n) {
					networks_out(w, ind + 2, &r->peers[i], n);
					continue;
				}
				rc |= anp_peer_out(w, ind + 2, &r->peers[i], cluster);
				n = 1;
			}
		}
		if (pass == 1)
			break;
		if (r->name)
			rc |= kv(w, ind, "name", r->name, &r->loc);
		if (r->nports) {
			key(w, ind, cluster ? "protocols" : "ports");
			strbuf_addch(w->out, '\n');
		}
		for (size_t i = 0; i < r->nports; i++) {
			rc |= anp_port_out(w, ind + 2, &r->ports[i], cluster);
			/* a named port is one entry: the model holds it once per protocol */
			while (r->ports[i].name && i + 1 < r->nports && r->ports[i + 1].name &&
			       !strcmp(r->ports[i + 1].name, r->ports[i].name))
				i++;
		}
	}
	return rc;
}

/* anp_kind_of: p's index in anp_kinds, or -1 when p is none of them. */
static int anp_kind_of(const struct policy *p)
{
	for (size_t i = 0; p->kind && p->no_host_network && i < ARRAY_SIZE(anp_kinds); i++)
		if (!strcmp(p->kind, anp_kinds[i].kind))
			return (int)i;
	return -1;
}

static int anp_policy_out(struct strbuf *out, const struct policy *p, int k, struct diag *d)
{
	struct yw w = { out, d, false };
	bool cluster = anp_kinds[k].cluster;
	bool baseline = !strcmp(p->tier, BANP_TIER);
	int rc;

	strbuf_addf(out, "---\napiVersion: %s\nkind: %s\nmetadata:\n", anp_kinds[k].api,
		    anp_kinds[k].kind);
	rc = kv(&w, 2, "name", p->name, &p->name_loc);
	strbuf_addstr(out, "spec:\n");
	for (int dir = NDIR - 1; dir >= 0; dir--) {
		if (!p->nrules[dir])
			continue;
		key(&w, 2, dir == DIR_INGRESS ? "ingress" : "egress");
		strbuf_addch(out, '\n');
		for (size_t i = 0; i < p->nrules[dir]; i++)
			rc |= anp_rule_out(&w, 4, &p->rules[dir][i], (enum dir)dir, cluster);
	}
	if (cluster || !baseline)
		strbuf_addf(out, "  priority: %.0f\n", p->order);
	key(&w, 2, "subject");
	strbuf_addch(out, '\n');
	rc |= anp_pods_out(&w, 4, p->global_ns_sel,
			   selector_is_empty(p->pod_sel) ? NULL : p->pod_sel, cluster);
	if (cluster)
		strbuf_addf(out, "  tier: %s\n", baseline ? "Baseline" : "Admin");
	return rc;
}

/* ---- the inventory ----------------------------------------------------------- */

/* The workload kinds a template pod comes from, and where their pod template is. */
static const struct {
	const char *kind, *api;
	bool cron; /* spec.jobTemplate.spec.template */
} workloads[] = {
	{ "CronJob", "batch/v1", true },     { "DaemonSet", "apps/v1", false },
	{ "Deployment", "apps/v1", false },  { "Job", "batch/v1", false },
	{ "ReplicaSet", "apps/v1", false },  { "ReplicationController", "v1", false },
	{ "StatefulSet", "apps/v1", false },
};

static int namespace_out(struct strbuf *out, const struct namespace *ns, struct diag *d)
{
	struct yw w = { out, d, false };
	int rc;

	strbuf_addstr(out, "---\napiVersion: v1\nkind: Namespace\nmetadata:\n");
	rc = labels_out(&w, 2, "labels", ns->labels.v, ns->labels.n, ns->name);
	rc |= kv(&w, 2, "name", ns->name, &ns->loc);
	return rc;
}

/* name_repeats: port at has a name that one of the ports from..at-1 has. */
static bool name_repeats(const struct pod *p, size_t from, size_t at)
{
	for (size_t k = from; p->ports[at].name && k < at; k++)
		if (p->ports[k].name && !strcmp(p->ports[k].name, p->ports[at].name))
			return true;
	return false;
}

/*
 * pod_spec_out: containers with the pod's ports (a new container where a
 * port name repeats, since names are unique within one), host network,
 * node; at indent ind.
 */
static int pod_spec_out(struct yw *w, int ind, const struct pod *p)
{
	size_t i = 0, c = 0;
	int rc = 0;

	key(w, ind, "containers");
	strbuf_addch(w->out, '\n');
	do {
		size_t end = i;
		while (end < p->nports && !name_repeats(p, i, end))
			end++;
		item(w);
		key(w, ind + 2, "name");
		strbuf_addf(w->out, " c%zu\n", c++);
		if (end > i) {
			key(w, ind + 2, "ports");
			strbuf_addch(w->out, '\n');
		}
		for (; i < end; i++) {
			const struct named_port *np = &p->ports[i];
			item(w);
			key(w, ind + 4, "containerPort");
			strbuf_addf(w->out, " %u\n", np->port);
			if (np->name)
				rc |= kv(w, ind + 4, "name", np->name, &np->loc);
			kv(w, ind + 4, "protocol", proto_name(np->proto), &np->loc);
		}
	} while (i < p->nports);
	if (p->host_network)
		strbuf_addf(w->out, "%*shostNetwork: true\n", ind, "");
	if (p->node_name)
		rc |= kv(w, ind, "nodeName", p->node_name, &p->loc);
	return rc;
}

static int workload_out(struct strbuf *out, const struct pod *p, struct diag *d)
{
	struct yw w = { out, d, false };
	size_t i = 0;
	int rc, ind = 4;

	while (i < ARRAY_SIZE(workloads) && strcmp(workloads[i].kind, p->workload_kind))
		i++;
	if (i == ARRAY_SIZE(workloads))
		BUG("workload kind %s", p->workload_kind);
	strbuf_addf(out, "---\napiVersion: %s\nkind: %s\nmetadata:\n", workloads[i].api,
		    workloads[i].kind);
	rc = kv(&w, 2, "name", p->name, &p->loc);
	rc |= kv(&w, 2, "namespace", p->ns, &p->loc);
	strbuf_addstr(out, "spec:\n");
	if (workloads[i].cron) {
		strbuf_addstr(out, "  jobTemplate:\n    spec:\n");
		ind = 8;
	}
	key(&w, ind - 2, "template");
	strbuf_addch(out, '\n');
	if (p->labels.n) {
		key(&w, ind, "metadata");
		strbuf_addch(out, '\n');
		rc |= labels_out(&w, ind + 2, "labels", p->labels.v, p->labels.n, NULL);
	}
	key(&w, ind, "spec");
	strbuf_addch(out, '\n');
	rc |= pod_spec_out(&w, ind + 2, p);
	return rc;
}

static int pod_out(struct strbuf *out, const struct pod *p, struct diag *d)
{
	struct yw w = { out, d, false };
	char buf[ADDR_STRLEN];
	int rc;

	if (p->host_endpoint)
		return unsayable(d, &p->loc, "a Calico HostEndpoint (a host without a namespace)");
	if (p->workload_kind)
		return workload_out(out, p, d);
	strbuf_addstr(out, "---\napiVersion: v1\nkind: Pod\nmetadata:\n");
	rc = labels_out(&w, 2, "labels", p->labels.v, p->labels.n, NULL);
	rc |= kv(&w, 2, "name", p->name, &p->loc);
	rc |= kv(&w, 2, "namespace", p->ns, &p->loc);
	strbuf_addstr(out, "spec:\n");
	rc |= pod_spec_out(&w, 2, p);
	if (p->nips)
		strbuf_addstr(out, "status:\n  podIPs:\n");
	for (size_t i = 0; i < p->nips; i++) {
		item(&w);
		kv(&w, 4, "ip", addr_format(&p->ips[i], buf), &p->loc);
	}
	return rc;
}

/* node_out: a Node with its labels and addresses (as InternalIP: the model keeps no type). */
static int node_out(struct strbuf *out, const struct cluster_node *n, struct diag *d)
{
	struct yw w = { out, d, false };
	char buf[ADDR_STRLEN];
	int rc;

	strbuf_addstr(out, "---\napiVersion: v1\nkind: Node\nmetadata:\n");
	rc = labels_out(&w, 2, "labels", n->labels.v, n->labels.n, NULL);
	rc |= kv(&w, 2, "name", n->name, &n->loc);
	if (n->naddrs)
		strbuf_addstr(out, "status:\n  addresses:\n");
	for (size_t i = 0; i < n->naddrs; i++) {
		item(&w);
		kv(&w, 4, "address", addr_format(&n->addrs[i], buf), &n->loc);
		strbuf_addstr(out, "    type: InternalIP\n");
	}
	return rc;
}

/* header_out: the first line, a comment naming the inputs. */
static void header_out(struct strbuf *out, const struct emit_ctx *ctx, const char *what)
{
	const struct model *m = ctx->model;

	strbuf_addf(out, "# %s generated by netpolc from:", what);
	if (ctx->cmdline) {
		strbuf_addch(out, ' ');
		yaml_comment(out, ctx->cmdline);
	}
	for (size_t i = 0; !ctx->cmdline && i < m->ninputs; i++) {
		strbuf_addch(out, ' ');
		yaml_comment(out, m->inputs[i]);
	}
	strbuf_addch(out, '\n');
}

int k8s_emit(const struct emit_ctx *ctx, struct emit_out *o, struct diag *d)
{
	const struct model *m = ctx->model;
	const char *inv = emit_opt(ctx, "inventory");
	struct strbuf *out = emit_main(o);
	int rc = 0;

	for (size_t i = 0; i < m->ntiers; i++)
		rc |= unsayable(d, &m->tiers[i]->loc, "a tier (Calico's ordering of policies)");
	{
		bool admin = false;
		for (size_t i = 0; i < m->npolicies && !admin; i++)
			admin = anp_kind_of(m->policies[i]) >= 0;
		header_out(out, ctx,
			   admin ? "Kubernetes network policies (networking.k8s.io, "
				   "policy.networking.k8s.io)"
				 : "networking.k8s.io/v1 NetworkPolicy");
	}
	for (size_t i = 0; i < m->npolicies; i++)
		rc |= policy_out(out, m->policies[i], d);
	if (!inv)
		return rc ? -1 : 0;
	out = emit_path(o, inv);
	header_out(out, ctx,
		   m->nnodes ? "Kubernetes inventory (Namespaces, Nodes, Pods, workloads)"
			     : "Kubernetes inventory (Namespaces, Pods, workloads)");
	for (size_t i = 0; i < m->nnamespaces; i++)
		if (!m->namespaces[i]->implicit)
			rc |= namespace_out(out, m->namespaces[i], d);
	for (size_t i = 0; i < m->nnodes; i++)
		rc |= node_out(out, m->nodes[i], d);
	for (size_t i = 0; i < m->npods; i++)
		rc |= pod_out(out, m->pods[i], d);
	return rc ? -1 : 0;
}
