/*
 * model.h - the policy model (symbolic: selectors, not addresses) and the
 * inventory (namespaces and pods).
 *
 * Everything here lives in the run's arena.  Frontends fill a struct model
 * with model_add_*; model_finalize then sorts it (policies, namespaces and
 * pods by namespace/name, byte order), adds namespaces that are referenced
 * but not declared, links pods to their namespace and reports duplicates.
 * After model_finalize the model is read-only.
 *
 * Conventions that carry Kubernetes meaning:
 *   - a selector pointer that is NULL is "not set"; a selector with no
 *     labels and no expressions is "everything";
 *   - a rule with npeers == 0 matches every peer; nports == 0 every port
 *     of every protocol;
 *   - policy->types[] is the effective policyTypes (defaulting applied).
 */
#ifndef NETPOLC_MODEL_H
#define NETPOLC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/addrset.h"
#include "ir/portset.h"
#include "lib/arena.h"
#include "lib/diag.h"

enum dir { DIR_INGRESS, DIR_EGRESS, NDIR };
enum action { ACT_ALLOW, ACT_DENY, ACT_PASS };

const char *dir_name(enum dir d);	/* "ingress" / "egress" */
const char *dir_type_name(enum dir d);	/* "Ingress" / "Egress" */
const char *action_name(enum action a); /* "allow" / "deny" / "pass" */

struct label {
	const char *key, *value;
	struct loc loc;
};

/* A set of labels, sorted by key (byte order), keys unique. */
struct labelset {
	struct label *v;
	size_t n;
};

/* labelset_get: value of key, or NULL. */
const char *labelset_get(const struct labelset *ls, const char *key);

enum sel_op { SEL_IN, SEL_NOT_IN, SEL_EXISTS, SEL_DOES_NOT_EXIST };
const char *sel_op_name(enum sel_op op); /* "In", "NotIn", "Exists", "DoesNotExist" */

struct sel_req {
	struct loc loc;
	const char *key;
	enum sel_op op;
	const char **values; /* input order */
	size_t nvalues;
};

struct sel_expr; /* a Calico selector expression: ir/selexpr.h */

struct selector {
	struct loc loc;
	/* non-NULL: a Calico expression, matched instead of labels and exprs */
	const struct sel_expr *expr;
	struct label *match_labels; /* sorted by key, as the API server's map is */
	size_t nlabels;
	struct sel_req *exprs; /* input order */
	size_t nexprs;
};

/* selector_is_empty: selects everything in its scope. */
bool selector_is_empty(const struct selector *s);
/* selector_matches: s (not NULL) against a label set (SEMANTICS rule 15). */
bool selector_matches(const struct selector *s, const struct labelset *ls);
struct pod;
struct namespace;
/*
 * selector_matches_pod / _ns: the same for a pod or a namespace; Calico
 * expressions also see the labels Calico gives every endpoint
 * (projectcalico.org/orchestrator, projectcalico.org/namespace, ...).
 */
bool selector_matches_pod(const struct selector *s, const struct pod *p);
bool selector_matches_ns(const struct selector *s, const struct namespace *ns);
/* selector_format: "app=web,tier in (a,b),!legacy" in kubectl's spelling, into the arena. */
const char *selector_format(struct arena *a, const struct selector *s);

struct ipblock {
	struct loc loc;
	struct prefix cidr;
	const char *cidr_text;
	struct loc cidr_loc;
	struct prefix *except;
	const char **except_text;
	struct loc *except_loc;
	size_t nexcept;
};

/*
 * A peer matches what every criterion it sets matches (AND).  Kubernetes
 * peers set either selectors or an ipBlock; Calico entity rules may set
 * several, and negations.
 */
/* ipblock_addrs: out |= the addresses b matches (cidr minus every except). */
void ipblock_addrs(const struct ipblock *b, struct addrset *out);

struct peer {
	struct loc loc;
	const struct selector *pod_sel; /* NULL: not set */
	const struct selector *ns_sel;	/* NULL: not set */
	const struct ipblock *ipblock;	/* NULL: not set; exclusive with the selectors */
	/* Calico only */
	const struct prefix *nets; /* address in any of them */
	size_t nnets;
	const struct prefix *not_nets; /* address in none of them */
	size_t nnot_nets;
	const struct selector *not_pod_sel; /* not a pod this selects (in the same scope) */
	bool global_scope;    /* selectors look at every namespace, not the policy's own */
	bool no_host_network; /* AdminNetworkPolicy: host-network pods are not matched */
	const struct selector *node_sel; /* admin nodes peer: the addresses of these Nodes */
};

struct port {
	struct loc loc;
	enum proto proto;
	bool proto_explicit;
	bool has_port;	   /* false: every port of proto */
	const char *name;  /* named port (has_port set), or NULL for a number */
	uint16_t port;	   /* numeric port */
	uint16_t end_port; /* 0: none; else the inclusive end, >= port */
};

struct rule {
	struct loc loc;
	enum action action; /* ACT_ALLOW for Kubernetes */
	const char *name;   /* an AdminNetworkPolicy rule's name, or NULL */
	struct peer *peers;
	size_t npeers; /* 0: every peer */
	struct port *ports;
	size_t nports;		/* 0: every port and protocol */
	struct port *not_ports; /* Calico notPorts: numeric only, subtracted */
	size_t nnot_ports;
	bool peers_given; /* from/to was present (possibly empty) */
	bool ports_given; /* ports was present (possibly empty) */
};

struct policy {
	struct loc loc; /* the object */
	const char *name, *ns;
	struct loc name_loc;
	const struct selector *pod_sel; /* never NULL after lowering */
	bool types[NDIR];		/* effective policyTypes */
	bool types_explicit;
	struct loc types_loc;
	struct rule *rules[NDIR];
	size_t nrules[NDIR];
	bool rules_given[NDIR]; /* ingress/egress key present */
	struct loc rules_loc[NDIR];
	const char *kind; /* "NetworkPolicy" (model_add_policy sets it when NULL), ... */
	size_t index;	  /* position after model_finalize */
	/*
	 * Ordering (Calico).  Kubernetes policies are in tier "default"
	 * (order 1,000,000, ends in deny) with order 1000.  Tiers run in
	 * (tier_order, tier name) order, policies inside a tier in (order,
	 * namespace/name) order, a policy without order last.
	 */
	const char *tier;	  /* NULL: "default" */
	double tier_order;	  /* meaningful when tier != NULL */
	enum action tier_default; /* end of tier: ACT_DENY or ACT_PASS */
	struct loc tier_loc;	  /* where tier is named; tier_loc.file NULL: set already */
	bool has_order;
	double order;
	bool global; /* GlobalNetworkPolicy: endpoints of every namespace */
	const struct selector *global_ns_sel; /* GNP spec.namespaceSelector, or NULL */
	bool no_host_network; /* AdminNetworkPolicy: host-network pods are not subjects */
};

#define DEFAULT_TIER_ORDER 1000000.0
#define K8S_POLICY_ORDER   1000.0
/* The tiers of AdminNetworkPolicy and BaselineAdminNetworkPolicy, named as Calico names them. */
#define ANP_TIER  "kube-admin"
#define BANP_TIER "kube-baseline"

/*
 * A Calico Tier.  A policy that names a tier and carries tier_loc gets the
 * tier's order (+infinity when it has none: last) and end action from
 * model_finalize; naming an undeclared tier is an error there.
 */
struct tier {
	struct loc loc;
	const char *name;
	bool has_order;
	double order;
	enum action default_action; /* ACT_DENY or ACT_PASS */
};

struct named_port {
	struct loc loc;
	const char *name;
	enum proto proto;
	uint16_t port;
};

struct namespace;

struct pod {
	struct loc loc;
	const char *name, *ns;
	struct namespace *nsp; /* set by model_finalize */
	struct labelset labels;
	struct addr *ips; /* status.podIPs (or podIP); may be empty */
	size_t nips;
	const char *node_name;
	bool host_network;
	const char *workload_kind; /* "Deployment", ... for a template pod; NULL for a Pod */
	/*
	 * Set by model_finalize.  A Pod belongs to the workload W of its
	 * namespace when it is named W-... (as controllers name their pods)
	 * and carries every label of W's pod template (so W's selector, which
	 * must match the template, matches it); workload is W's template pod.
	 * A template pod whose workload has pods in the input is folded into
	 * them: it is no endpoint of its own where an address is needed.
	 */
	struct pod *workload;
	bool folded;
	bool host_endpoint; /* a Calico HostEndpoint (ns is ""): only global policies select it */
	/*
	 * The host that --namespace/--labels/--ip name: it joins the
	 * inventory like a pod of the input, but its namespace need not be
	 * declared (no implicit-namespace warning) and it does not make the
	 * input an inventory.
	 */
	bool cli_host;
	struct named_port *ports;
	size_t nports;
	size_t index; /* position after model_finalize */
};

/* pod_addr: the pod's first address of family (AF4/AF6), or NULL. */
const struct addr *pod_addr(const struct pod *p, int family);
/* pod_named_port: the container port called name with protocol proto, or NULL. */
const struct named_port *pod_named_port(const struct pod *p, const char *name, enum proto proto);

struct namespace
{
	struct loc loc;
	const char *name;
	struct labelset labels; /* includes kubernetes.io/metadata.name */
	bool implicit;		/* referenced but not declared */
	size_t index;
	struct pod **pods; /* this namespace's pods, sorted by name (after finalize) */
	size_t npods;
};

/* A Node of the inventory: what an admin policy's nodes peer matches (its addresses). */
struct cluster_node {
	struct loc loc;
	const char *name;
	struct labelset labels;
	struct addr *addrs;
	size_t naddrs;
};

struct model {
	struct arena *arena;
	struct cluster_node **nodes;
	size_t nnodes, anodes;
	struct policy **policies;
	size_t npolicies, apolicies;
	struct namespace **namespaces;
	size_t nnamespaces, anamespaces;
	struct pod **pods;
	size_t npods, apods;
	char **inputs; /* input names in command-line order, for output headers */
	size_t ninputs, ainputs;
	struct tier **tiers;
	size_t ntiers, atiers;
	bool finalized;
	bool has_tiers; /* some policy is not a plain Kubernetes one: sort by tier/order */
};

#define LABEL_NS_NAME "kubernetes.io/metadata.name"

void model_init(struct model *m, struct arena *a);
/* model_release: the arrays only (their elements live in the arena). */
void model_release(struct model *m);
void model_add_policy(struct model *m, struct policy *p);
void model_add_namespace(struct model *m, struct namespace *ns);
void model_add_pod(struct model *m, struct pod *p);
void model_add_input(struct model *m, const char *name);
void model_add_tier(struct model *m, struct tier *t);
void model_add_node(struct model *m, struct cluster_node *n);
/*
 * model_finalize: sort, create implicit namespaces (one warning each),
 * link pods, fold template pods into their workloads' pods, report duplicate names (error with a
 * note at the first), resolve the tiers policies name (an undeclared one is an error). Returns 0 or
 * -1.
 */
int model_finalize(struct model *m, struct diag *d);

/* Lookups after model_finalize (binary search). */
struct namespace *model_namespace(const struct model *m, const char *name);
struct pod *model_pod(const struct model *m, const char *ns, const char *name);
struct policy *model_policy(const struct model *m, const char *ns, const char *name);

/* labelset_sort: sort by key; returns the first duplicate key or NULL. */
const struct label *labelset_sort(struct labelset *ls);

#endif
