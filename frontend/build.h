/*
 * build.h - the validated constructors of the policy model.
 *
 * Every reader (Kubernetes and Calico objects from YAML or JSON, the DSL)
 * only turns its syntax into calls of these constructors; the semantic
 * checks and their messages are here, once, so a mistake gets the same
 * message whatever the input was written in.  A constructor takes values
 * already extracted from the input (strings, numbers, model objects built
 * before), each with the location (a point or a span) where it is written,
 * reports every problem to the build's diag at the value it is about, and
 * returns the model object, or says that it failed.  Type errors of the
 * syntax (a mapping where a string belongs, a missing key) are the
 * reader's: a value the reader could not read is passed as "written, but
 * unusable" (see struct build_str) so the constructor neither repeats the
 * report nor counts the value as absent.
 *
 * Model objects and the text of messages are allocated in the build's
 * arena; strings keep pointing into the caller's values.
 */
#ifndef NETPOLC_BUILD_H
#define NETPOLC_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "ir/model.h"
#include "lib/arena.h"
#include "lib/diag.h"

struct build {
	struct arena *a; /* model objects and quoted text for messages */
	struct diag *d;	 /* every problem is reported here */
	/* what netpolc cannot model is not reported (it is in something skipped anyway) */
	bool skip_unsupported;
};

/*
 * A string from the input: len bytes at s, NUL-terminated at s[len] (a
 * NUL byte inside is possible: it is always invalid).  s NULL: a value was
 * written at loc but could not be read as a string (the reader reported
 * that).
 */
struct build_str {
	const char *s;
	size_t len;
	struct loc loc;
};

/* A number from the input. */
struct build_num {
	long long v;
	struct loc loc;
};

/* ---- messages -------------------------------------------------------- */

/*
 * build_quote: s (len bytes, may hold NUL) as user text for a message:
 * single-quoted, control bytes escaped as \xNN, cut after max bytes (never
 * inside a UTF-8 sequence) with "..." marking the cut.  Allocated in a.
 */
const char *build_quote(struct arena *a, const char *s, size_t len, size_t max);
/* build_show: build_quote of s into b->a, cut after 80 bytes. */
const char *build_show(struct build *b, const char *s, size_t len);

/* build_tolower: c with ASCII upper case folded to lower case. */
int build_tolower(int c);
/*
 * build_suggest: the name of the NULL-terminated list known closest to s
 * (len bytes), when it is at most one edit away (s of up to 4 bytes) or two
 * (longer s), ASCII case ignored, else NULL.  Returns an element of known.
 */
const char *build_suggest(const char *s, size_t len, const char *const *known);
/*
 * build_choice: the index of s in the NULL-terminated list names (exact,
 * case-sensitive match); else reports "WHAT 'x'; did you mean 'y'? (PLURAL
 * are case-sensitive)", or without a close name "WHAT 'x': must be MUST",
 * and returns -1.  s->s must not be NULL.
 */
int build_choice(struct build *b, const struct build_str *s, const char *const *names,
		 const char *what, const char *plural, const char *must);

/*
 * build_unsupported: reports something valid in the input's language that
 * netpolc cannot express, unless b->skip_unsupported.
 */
__attribute__((format(printf, 3, 4))) void build_unsupported(struct build *b, const struct loc *loc,
							     const char *fmt, ...);

/* ---- names and labels ------------------------------------------------ */

/*
 * build_name: name, when valid says it is (a check of ir/names.h); else
 * reports "invalid WHAT name 'x': reason" and returns NULL.
 */
const char *build_name(struct build *b, const char *what, const struct build_str *name,
		       const char *(*valid)(const char *s, size_t len));

/*
 * build_label: the label key=value into out (its location: the key's),
 * when both are valid; else reports each invalid one and returns false.
 */
bool build_label(struct build *b, const struct build_str *key, const struct build_str *value,
		 struct label *out);
/* build_label_key: key is a valid label key; else reports it and returns false. */
bool build_label_key(struct build *b, const struct build_str *key);

/*
 * build_namespace_label: gives namespace ns (named, its labels with one
 * spare slot) the label kubernetes.io/metadata.name as the API server
 * does, located at name_loc; a different value written in the input is
 * reported.
 */
void build_namespace_label(struct build *b, struct namespace *ns, const struct loc *name_loc);

/* ---- selectors ------------------------------------------------------- */

/* What a reader found of one requirement of a label selector. */
struct build_req {
	struct loc loc;			/* the requirement */
	const struct build_str *key;	/* NULL: missing or unreadable (reported) */
	const struct build_str *op;	/* NULL: missing or unreadable (reported) */
	const struct build_str *values; /* in input order; s NULL: an unreadable item */
	size_t nvalues;
	const struct loc *values_loc; /* where the values are written (maybe as null); NULL: not */
	bool values_unread; /* values were given but could not be read at all (reported) */
};

/*
 * build_requirement: the requirement in into out (key, operator In, NotIn,
 * Exists or DoesNotExist, label values; In and NotIn need values, Exists
 * and DoesNotExist take none).  Returns false when a problem was reported.
 */
bool build_requirement(struct build *b, const struct build_req *in, struct sel_req *out);

/*
 * build_selector: a label selector at loc matching the labels ls (sorted by
 * key, as labelset_sort leaves them; NULL: none) and the requirements exprs
 * (input order).
 */
struct selector *build_selector(struct build *b, const struct loc *loc, const struct labelset *ls,
				struct sel_req *exprs, size_t nexprs);

/* ---- ports ----------------------------------------------------------- */

/* What a reader found of one entry of a NetworkPolicy rule's ports. */
struct build_port {
	struct loc loc;			  /* the entry */
	const struct build_str *protocol; /* NULL: not given (TCP) */
	const struct build_num *number;	  /* the port as a number, or NULL */
	const struct build_str *name;	  /* the port as a name, or NULL (not both) */
	const struct build_num *end_port; /* NULL: not given */
};

/*
 * build_port: the entry in into out (protocol, a port number 1-65535 or a
 * port name, endPort only after a numeric port and not below it).  Returns
 * false when a problem was reported.
 */
bool build_port(struct build *b, const struct build_port *in, struct port *out);

/*
 * build_container_port: a container port at loc into out: its number
 * (NULL: missing or unreadable, reported by the reader), its name (NULL or
 * empty: none; out->name is set only when it is valid) and protocol (NULL:
 * TCP).  Returns false when a problem was reported.
 */
bool build_container_port(struct build *b, const struct loc *loc, const struct build_num *number,
			  const struct build_str *name, const struct build_str *protocol,
			  struct named_port *out);

/*
 * build_unique_port_names: the n port names of one container are
 * different; every repeat is reported, with a note at the first use.
 * Sorts names.
 */
void build_unique_port_names(struct build *b, struct build_str *names, size_t n);

/* ---- addresses ------------------------------------------------------- */

/*
 * build_ipblock: an ipBlock at loc of cidr (NULL: missing, reported at
 * key_loc) minus the except list; every except must be of the cidr's
 * family and strictly inside it.  Host bits are masked with a warning.
 * Unreadable items (s NULL) are skipped.  Returns NULL when a problem was
 * reported.
 */
const struct ipblock *build_ipblock(struct build *b, const struct loc *loc,
				    const struct loc *key_loc, const struct build_str *cidr,
				    const struct build_str *except, size_t nexcept);

/*
 * build_pod_ip: address ip of pod p added to p->ips (room for one address
 * per family): the same address again is merged, a second one of the same
 * family is an error.  Returns false when a problem was reported.
 */
bool build_pod_ip(struct build *b, struct pod *p, const struct build_str *ip);

/* ---- peers and policies ---------------------------------------------- */

/* What a reader found of one peer of a NetworkPolicy rule. */
struct build_peer {
	struct loc loc;
	/* the selectors and the ipBlock, NULL when not given or after a reported problem */
	const struct selector *pod_sel, *ns_sel;
	const struct ipblock *ipblock;
	bool pod_sel_given, ns_sel_given;
	const struct loc *ipblock_loc; /* where the ipBlock is written; NULL: not given */
};

/*
 * build_peer: the peer in of a rule of direction dir into out; it must set
 * something, and an ipBlock stands alone.  Returns false when a problem
 * was reported.
 */
bool build_peer(struct build *b, enum dir dir, const struct build_peer *in, struct peer *out);

/*
 * build_policy_types: the policyTypes list written at loc (n types; an
 * unreadable item has s NULL) into p->types: Ingress or Egress, at most
 * two.  Returns whether it named any type (an empty list is the same as
 * none).
 */
bool build_policy_types(struct build *b, struct policy *p, const struct loc *loc,
			const struct build_str *types, size_t n);

/*
 * build_policy_defaults: the API server's defaulting of a NetworkPolicy p
 * whose rules are read: without explicit types, Ingress, plus Egress when
 * it has egress rules.
 */
void build_policy_defaults(struct policy *p);

/* ---- Calico ---------------------------------------------------------- */

/* Where a Calico selector is written: what its text may hold. */
enum build_sel_ctx {
	BUILD_SEL_ENDPOINT,  /* a policy's selector, a rule's selector or notSelector */
	BUILD_SEL_RULE_NS,   /* a rule's namespaceSelector */
	BUILD_SEL_POLICY_NS, /* a GlobalNetworkPolicy's namespaceSelector */
};

/*
 * build_calico_selector: the Calico selector text (not empty) of field
 * field, written in context ctx, parsed into an expression (in b->a);
 * global() only in a rule's namespaceSelector and alone there, no 'all()'
 * inside strings of a namespaceSelector, no labels Calico derives from
 * namespaces or service accounts in an endpoint selector.  NULL after
 * reporting.
 */
const struct sel_expr *build_calico_selector(struct build *b, const struct build_str *text,
					     const char *field, enum build_sel_ctx ctx);

/*
 * build_calico_ns_hosts: namespace selector e is true for an endpoint
 * without a namespace (a host endpoint): such an endpoint has none of the
 * namespace labels, all() there means "has a namespace" and global() "has
 * none".
 */
bool build_calico_ns_hosts(const struct sel_expr *e);

/*
 * build_calico_policy_ns: whether netpolc can model the namespaceSelector
 * nsel (written at nsel_loc) of a GlobalNetworkPolicy whose selector is sel
 * (written at sel_loc; NULL after an error); else reports why.
 */
bool build_calico_policy_ns(struct build *b, const struct sel_expr *sel, const struct loc *sel_loc,
			    const struct sel_expr *nsel, const struct loc *nsel_loc);

/*
 * build_calico_protocol: a Calico rule's protocol into *out: written as a
 * number (number), or as a string (text) holding a name or a number 1-255;
 * one of them is NULL.  Only TCP, UDP and SCTP can be modelled.  Returns
 * false after reporting.
 */
bool build_calico_protocol(struct build *b, const struct build_num *number,
			   const struct build_str *text, enum proto *out);

/*
 * build_calico_port: one entry of a Calico rule's ports or notPorts into
 * out (end_port 0 for a single port): written as a number (number), or as
 * a string (text) holding a number, a range "a:b" or a port name; one of
 * them is NULL.  Returns false after reporting.
 */
bool build_calico_port(struct build *b, const struct build_num *number,
		       const struct build_str *text, struct port *out);

/*
 * build_hep_port: a named port of host endpoint hep (its ports with room
 * for one more), written at loc: name, protocol (as for
 * build_calico_protocol; proto_text with s NULL: unreadable, reported) and
 * port number (a value that is not a number is passed as 0).  Names are
 * unique per protocol.  Returns false after reporting.
 */
bool build_hep_port(struct build *b, struct pod *hep, const struct loc *loc,
		    const struct build_str *name, const struct build_num *proto_number,
		    const struct build_str *proto_text, const struct build_num *number);

/*
 * build_hep_labels: the labels of host endpoint hep are ones netpolc can
 * model: a label Calico reads as namespace data (pcns.*, pcsa.*,
 * projectcalico.org/namespace) is reported.
 */
void build_hep_labels(struct build *b, const struct pod *hep);

/*
 * build_hep_ip: address ip (an expectedIPs entry) of host endpoint hep
 * added to hep->ips (room for one more), once.  Returns false after
 * reporting.
 */
bool build_hep_ip(struct build *b, struct pod *hep, const struct build_str *ip);

/* The one IP family of the networks of a Calico rule, and the entry that set it. */
struct build_family {
	int family; /* 0: none yet, else AF4 or AF6 */
	struct build_str at;
};

/*
 * build_calico_net: entry s of a rule's networks list what ("nets", or
 * "notNets": negated) into out: an address or a CIDR, of the family the
 * rule's earlier entries have (fam tracks it).  Returns false after
 * reporting.
 */
bool build_calico_net(struct build *b, const struct build_str *s, const char *what, bool negated,
		      struct build_family *fam, struct prefix *out);

/*
 * build_calico_ip_version: a rule's ipVersion, 4 or 6 (a value that is not
 * a number is passed as 0); 0 after reporting.
 */
int build_calico_ip_version(struct build *b, const struct build_num *v);
/*
 * build_calico_family: the networks of a rule (fam) agree with its
 * ipVersion ipver (0: none given); else reports it and returns false.
 */
bool build_calico_family(struct build *b, int ipver, const struct build_family *fam);

/*
 * build_calico_types: the n types of a Calico policy (an unreadable item
 * has s NULL) into p->types, each Ingress or Egress and named once; none
 * (n 0): Calico's default from the numbers of ingress and egress rules
 * written, [Ingress] without egress rules, [Egress] with only egress
 * rules, else both.
 */
void build_calico_types(struct build *b, struct policy *p, const struct build_str *types, size_t n,
			size_t ningress, size_t negress);

/*
 * build_tier: tier t (name and order as read) gets its end action
 * (default_action: Deny or Pass; NULL: Deny); the tiers Calico creates
 * itself get their fixed order, and must not be given another order or
 * action.  Returns false after reporting.
 */
bool build_tier(struct build *b, struct tier *t, const struct build_str *default_action);

/*
 * build_builtin_tier: if name is a tier Calico creates itself (default,
 * kube-admin, kube-baseline), p runs in it with its fixed order and end
 * action, declared or not; returns whether it is one.
 */
bool build_builtin_tier(struct policy *p, const char *name);

/* ---- AdminNetworkPolicy, BaselineAdminNetworkPolicy (v1alpha1) -------- */
/* ---- ClusterNetworkPolicy (v1alpha2) ----------------------------------- */

#define ANP_MAX_PRIORITY  1000
#define ANP_MAX_RULES	  100 /* per direction; also peers and ports per rule */
#define CNP_MAX_RULES	  25  /* per direction; also peers and protocols per rule */
#define ANP_MAX_NETWORKS  25
#define ANP_MAX_RULE_NAME 100

/* The three cluster-wide kinds; a ClusterNetworkPolicy names its tier in its spec. */
enum anp_kind { ANP_ADMIN, ANP_BASELINE, ANP_CLUSTER };

/* build_anp_kind: the kind's name as written in apiVersion/kind. */
const char *build_anp_kind(enum anp_kind kind);

/*
 * build_anp_policy: a new cluster-wide policy at loc of kind kind, named
 * name (NULL after a reported problem) written at name_loc: global, in
 * tier kube-admin (order 1000) or, for the BaselineAdminNetworkPolicy,
 * kube-baseline (order 10000000), both ending in pass.  The
 * BaselineAdminNetworkPolicy must be named 'default' (reported).  A
 * ClusterNetworkPolicy starts in kube-admin until build_cnp_tier.
 */
struct policy *build_anp_policy(struct build *b, enum anp_kind kind, const struct loc *loc,
				const char *name, const struct loc *name_loc);

/* build_anp_is_cluster: p is a ClusterNetworkPolicy (v1alpha2 spellings). */
bool build_anp_is_cluster(const struct policy *p);

/*
 * build_cnp_tier: a ClusterNetworkPolicy's spec.tier (NULL: missing,
 * reported at loc): Admin (kube-admin) or Baseline (kube-baseline).
 * Returns false after reporting.
 */
bool build_cnp_tier(struct build *b, struct policy *p, const struct loc *loc,
		    const struct build_str *tier);

/*
 * build_anp_priority: the priority (NULL: missing, reported at loc) of
 * AdminNetworkPolicy p, 0-1000, as its order.  Returns false after
 * reporting.
 */
bool build_anp_priority(struct build *b, struct policy *p, const struct loc *loc,
			const struct build_num *prio);

/*
 * build_anp_one_of: an object what at loc whose n possible fields names[]
 * are given[] (true: written) sets exactly one of them; else reports it.
 */
bool build_anp_one_of(struct build *b, const struct loc *loc, const char *what,
		      const char *const *names, const bool *given, size_t n);

/*
 * build_anp_count: a list what written at loc has n items, min to max;
 * else reports it.
 */
bool build_anp_count(struct build *b, const struct loc *loc, const char *what, size_t n, size_t min,
		     size_t max);

/*
 * build_anp_action: a rule's action in policy p into *out: Allow, Deny or,
 * for an AdminNetworkPolicy only, Pass; a ClusterNetworkPolicy's Accept,
 * Deny or Pass in either tier (Pass in Baseline skips the rest of the
 * tier).  Returns false after reporting.
 */
bool build_anp_action(struct build *b, const struct policy *p, const struct build_str *s,
		      enum action *out);

/* build_anp_rule_name: a rule's name has at most 100 bytes; else reports it. */
bool build_anp_rule_name(struct build *b, const struct build_str *s);

/*
 * build_anp_subject: p's subject: the pods of namespaces ns_sel (pod_sel
 * NULL: all of them), host-network pods excepted.
 */
void build_anp_subject(struct build *b, struct policy *p, const struct selector *ns_sel,
		       const struct selector *pod_sel);

/*
 * build_anp_pods_peer: a namespaces peer (pod_sel NULL) or pods peer at
 * loc into out: pods of any namespace matching ns_sel, host-network pods
 * excepted.
 */
void build_anp_pods_peer(const struct loc *loc, const struct selector *ns_sel,
			 const struct selector *pod_sel, struct peer *out);

/*
 * build_anp_networks: a networks peer at loc of n CIDRs (an unreadable item
 * has s NULL) into out: 1 to 25, each an IPv4 or IPv6 CIDR of at most 43
 * characters; it matches every address in them, pods' included.  Returns
 * false after reporting.
 */
bool build_anp_networks(struct build *b, const struct loc *loc, const struct build_str *cidrs,
			size_t n, struct peer *out);

/*
 * build_anp_unsupported_peer: a domainNames peer (written at loc), which
 * matches addresses an offline compiler cannot know (answers of DNS);
 * reported as an error, so nothing is compiled wider or narrower than
 * written.
 */
void build_anp_unsupported_peer(struct build *b, const struct loc *loc, const char *field);

/*
 * build_anp_nodes_peer: a nodes peer at loc (Node labels sel) into out: the
 * addresses of the input's matching Node objects (model_finalize reports a
 * nodes peer when the input has none).
 */
void build_anp_nodes_peer(const struct loc *loc, const struct selector *sel, struct peer *out);

/*
 * build_node_address: one status.addresses entry of Node n at loc (type
 * and address NULL when missing): an InternalIP
 * or ExternalIP address is added (each once); the other types (Hostname,
 * InternalDNS, ExternalDNS) are names, not addresses, and are left out.
 * Returns false after reporting.
 */
bool build_node_address(struct build *b, struct cluster_node *n, const struct loc *loc,
			const struct build_str *type, const struct build_str *address);

/*
 * build_anp_port: one entry of a rule's ports at loc into out (room for
 * NPROTO ports; returns how many it filled, 0 after reporting): a
 * portNumber (protocol, NULL: TCP, and port), a portRange (protocol,
 * start and end, start <= end), or a namedPort (name), which resolves on
 * the destination pod whatever its protocol.  A ClusterNetworkPolicy's
 * protocols entry (cluster) names its protocol by key (proto) and needs
 * start < end in a range, as the v1alpha2 CRD does.
 */
struct build_anp_port {
	struct loc loc;
	bool cluster;	  /* a v1alpha2 protocols entry: proto, not protocol */
	enum proto proto; /* cluster: the tcp, udp or sctp key */
	const struct build_str *protocol;
	const struct build_num *port, *start, *end;
	const struct loc *start_loc, *end_loc; /* where start/end should be (their map) */
	const struct build_str *named;
	bool range; /* a portRange (port is NULL) */
};
size_t build_anp_port(struct build *b, const struct build_anp_port *in, struct port *out);

/*
 * build_anp_named_networks: a rule at loc with a named port cannot also
 * have networks peers (the CRD's rule); else reports it.
 */
bool build_anp_named_networks(struct build *b, const struct rule *r);

#endif
