/*
 * test_random.c - seeded random inventories and policies, rendered as
 * YAML (or JSON) text, fed through frontend_load_buffer + resolve + eval,
 * and checked cell by cell against a brute-force evaluator written here.
 *
 * The brute-force evaluator works on the generator's own structs and
 * shares no code with ir/: selector matching, CIDR containment, policyTypes
 * defaulting and named ports are re-implemented in a few lines each, read
 * directly from ../shared/SEMANTICS.md (rule numbers in the comments).
 *
 * Half of the cases also hold Calico objects (../shared/CALICO.md section
 * 13): Tiers with and without an order ending in Deny or Pass, and
 * NetworkPolicies and GlobalNetworkPolicies in those tiers or in tier
 * "default" beside the Kubernetes policies, with and without an order,
 * whose rules Allow, Deny or Pass on selectors, namespace selectors, nets
 * and notNets.  The brute force walks tiers and policies in Calico's order
 * itself.
 *
 * Every case checks every (source, destination, protocol, port, family)
 * over the inventory pods plus a few external addresses per family, with
 * ports from a small set that hits the edges of the generated ranges,
 * before and after the passes; after the passes, endpoints that share a
 * group number must also decide every cell alike, in both directions.
 *
 * test_random_diff takes the same cases as old versions and a mutation of
 * each (a pod's labels, a policy added, removed or replaced, a port
 * widened, an ipBlock except added, policyTypes changed, a Calico deny
 * rule added, a pod removed) as new ones, and checks that what `diff`
 * reports (review_diff), by pod, workload and namespace and in both
 * families, is exactly the cell-by-cell difference of eval over the
 * probed ports, unions over a group's pods included.
 *
 *   NETPOLC_RANDOM_CASES=N   number of cases (default 1000)
 *   NETPOLC_RANDOM_DIFF_CASES=N  number of diffed pairs (default 2000)
 *   NETPOLC_RANDOM_SEED=S    seed of the first case (default fixed); case i
 *                            uses seed S + i, so a failing case is rerun
 *                            alone with NETPOLC_RANDOM_SEED=<its seed>
 *                            NETPOLC_RANDOM_CASES=1
 *   NETPOLC_RANDOM_VERBOSE=1 print every case's input
 *
 * On a mismatch the seed, the input and the differing cell are printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cmocka.h>

#include "ir/conns.h"
#include "ir/passes.h"
#include "ir/review.h"
#include "tests/unit/testlib.h"

#define DEFAULT_CASES	   1000
#define DEFAULT_SEED	   0x6e70636bULL
#define DEFAULT_DIFF_CASES 2000
#define MAX_REPORTS	   3

/* ---- a small deterministic PRNG (splitmix64) ---- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* rnd: uniform in 0..n-1 */
static int rnd(int n)
{
	return (int)(rng_next() % (uint64_t)n);
}

/* chance: true with probability pct percent */
static bool chance(int pct)
{
	return rnd(100) < pct;
}

#define PICK(arr) ((arr)[rnd((int)(sizeof(arr) / sizeof((arr)[0])))])

/* ---- the generator's model ---- */

#define MAXNS	  3
#define MAXPODS	  10
#define MAXPOL	  8
#define MAXRULES  3
#define MAXPEERS  3
#define MAXPORTS  3
#define MAXLBL	  5
#define MAXEXPR	  2
#define MAXVAL	  3
#define MAXEXCEPT 2
#define MAXCPORTS 3
#define NEXT	  2 /* external addresses per family */
#define MAXTIERS  3
#define MAXNETS	  2

enum { R_TCP, R_UDP, R_SCTP, R_NPROTO };
enum { F4, F6, NFAM };
enum { D_IN, D_EG };

static const char *const proto_names[] = { "TCP", "UDP", "SCTP" };

struct r_label {
	const char *key, *value;
};

struct r_labels {
	struct r_label v[MAXLBL];
	int n;
};

enum r_op { OP_IN, OP_NOTIN, OP_EXISTS, OP_DNE };
static const char *const op_names[] = { "In", "NotIn", "Exists", "DoesNotExist" };

struct r_expr {
	const char *key;
	enum r_op op;
	const char *values[MAXVAL];
	int nvalues;
};

/* how an empty selector is spelled */
enum r_selform { SF_NORMAL, SF_EMPTY_MAP, SF_EMPTY_LABELS, SF_EMPTY_EXPRS };

struct r_sel {
	struct r_label ml[MAXLBL];
	int nml;
	struct r_expr ex[MAXEXPR];
	int nex;
	enum r_selform form;
};

struct r_addr {
	int fam;
	uint8_t b[16]; /* IPv4 in b[0..3] */
};

struct r_cidr {
	struct r_addr a; /* as written: may have host bits set (rule 20) */
	int len;
};

struct r_ipblock {
	struct r_cidr cidr;
	struct r_cidr except[MAXEXCEPT];
	int nexcept;
	bool empty_except; /* write "except: []" */
};

enum r_peerkind { PK_POD, PK_NS, PK_BOTH, PK_IPBLOCK };

struct r_peer {
	enum r_peerkind kind;
	bool null_other; /* write the unset selector as null */
	struct r_sel pod, ns;
	struct r_ipblock ipb;
};

/* absent, null, [] or a non-empty list */
enum r_mode { M_ABSENT, M_NULL, M_EMPTY, M_LIST };

enum r_portkind { PT_NONE, PT_NUM, PT_NAMED };

struct r_port {
	int proto;
	bool proto_explicit;
	enum r_portkind kind;
	int port, end; /* end 0: no endPort */
	const char *name;
};

struct r_rule {
	enum r_mode peers_mode;
	struct r_peer peers[MAXPEERS];
	int npeers;
	enum r_mode ports_mode;
	struct r_port ports[MAXPORTS];
	int nports;
};

enum r_types { TY_ABSENT, TY_EMPTY, TY_EXPLICIT };

/*
 * Calico (CALICO.md section 13): tiers with an order and an end action,
 * policies with an order inside their tier, rules with an action.
 */
enum r_polkind { PO_K8S, PO_CNP, PO_GNP };
enum r_act { A_ALLOW, A_DENY, A_PASS };
static const char *const act_names[] = { "Allow", "Deny", "Pass" };

struct r_tier {
	char name[8];
	bool has_order; /* none: after every tier with an order */
	int order;
	bool pass; /* defaultAction Pass, else Deny */
};

/* the peer side of a Calico rule: every criterion set is ANDed */
struct r_cpeer {
	bool sel_set, nssel_set;
	struct r_sel sel, nssel;
	struct r_cidr nets[MAXNETS];
	int nnets;
	struct r_cidr notnets[MAXNETS];
	int nnotnets;
};

struct r_crule {
	enum r_act action;
	bool has_peer; /* no peer criteria: every peer */
	struct r_cpeer peer;
	int proto;		/* -1: every protocol */
	int ports[MAXPORTS][2]; /* inclusive ranges of proto */
	int nports;		/* 0: every port */
};

struct r_policy {
	enum r_polkind kind;
	int ns; /* unused for PO_GNP */
	char name[32];
	int tier; /* 0: tier "default"; else r_case.tiers[tier - 1] */
	bool has_order;
	int order;
	bool gnp_nssel_set; /* GlobalNetworkPolicy spec.namespaceSelector */
	struct r_sel gnp_nssel;
	struct r_crule crules[2][MAXRULES];
	int ncrules[2];
	bool podsel_absent; /* podSelector left out (or null), which selects every pod */
	bool podsel_null;
	struct r_sel podsel;
	enum r_types types_mode;
	bool types[2];
	bool types_reversed; /* write [Egress, Ingress] */
	enum r_mode rules_mode[2];
	struct r_rule rules[2][MAXRULES];
	int nrules[2];
};

struct r_cport {
	const char *name; /* NULL: unnamed */
	int proto;
	bool proto_explicit;
	int port;
};

enum r_podkind { POD_RUNNING, POD_TEMPLATE, POD_PENDING };

struct r_pod {
	int ns;
	char name[32];
	struct r_labels labels;
	enum r_podkind kind;
	bool has[NFAM];
	struct r_addr ip[NFAM];
	bool ip_list;	     /* write status.podIPs too */
	bool no_pod_ip;	     /* write status.podIPs only */
	bool no_labels;	     /* leave out metadata.labels (no labels) */
	bool two_containers; /* spread the ports over two containers */
	struct r_cport cports[MAXCPORTS];
	int ncports;
};

struct r_ns {
	char name[32];
	struct r_labels labels; /* includes kubernetes.io/metadata.name */
	bool declared;
	bool write_name_label; /* write the metadata.name label explicitly */
};

/*
 * Cluster-wide policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
 * or in a v1alpha2 case ClusterNetworkPolicy of tier Admin or Baseline,
 * several Baseline policies by priority, Pass in both tiers): the
 * generator's structs.  Evaluated by bf_tier (from bf_side), generated by
 * gen_cluster, rendered by render_cluster (below, each in its own block).
 */
#define MAXANP 3
enum r_aaction { AA_ALLOW, AA_DENY, AA_PASS };
static const char *const aaction_names[] = { "Allow", "Deny", "Pass" };
enum r_apeerkind { AK_NS, AK_PODS, AK_NETS, AK_NODES };
struct r_apeer {
	enum r_apeerkind kind;
	struct r_sel ns, pod; /* AK_NODES: pod selects the Nodes (on their labels) */
	struct r_cidr nets[2];
	int nnets;
};
enum r_aportkind { AP_NUM, AP_RANGE, AP_NAMED };
struct r_aport {
	enum r_aportkind kind;
	int proto, port, end;
	const char *name;
};
struct r_arule {
	enum r_aaction action;
	struct r_apeer peers[MAXPEERS];
	int npeers;
	struct r_aport ports[MAXPORTS];
	int nports; /* 0: every port */
};
struct r_anp {
	char name[32];
	bool baseline;
	int priority;
	bool subj_pods; /* subject pods (namespaces + pods), else namespaces */
	struct r_sel subj_ns, subj_pod;
	struct r_arule rules[2][MAXRULES];
	int nrules[2];
};

/* A Node of the inventory: labels (pod keys) and the addresses a nodes peer matches. */
#define MAXNODES 3
struct r_node {
	char name[16];
	struct r_labels labels;
	struct r_addr addrs[2];
	int naddrs;
};

struct r_case {
	uint64_t seed;
	bool json;
	bool plain;    /* YAML: unquote the strings that need no quotes */
	bool compress; /* write IPv6 addresses with :: */
	int nns;
	struct r_ns ns[MAXNS];
	int npods;
	struct r_pod pods[MAXPODS];
	int npol;
	struct r_policy pol[MAXPOL];
	struct r_addr ext[NFAM][NEXT];
	int ntiers;
	struct r_tier tiers[MAXTIERS];
	/*
	 * Some Calico peer has notNets: skip the cells where a pod end has no
	 * address of the cell's family but has one of the other family (no
	 * such packet exists; the IR matches those pods by identity only).
	 */
	bool addr_cells_only;
	int nanp; /* cluster-wide policies; the BaselineAdminNetworkPolicy is 'default' */
	struct r_anp anp[2 * MAXANP];
	bool cnp; /* written as v1alpha2 ClusterNetworkPolicy */
	int nnodes;
	struct r_node nodes[MAXNODES];
};

#define NS_NAME_LABEL "kubernetes.io/metadata.name"

/* Rule ports, and the ports every case is checked on: each rule port and its neighbours. */
static const int rule_ports[] = { 1, 53, 79, 80, 81, 443, 8080, 9090, 65535 };
static const int check_ports[] = { 1,	2,    52,   53,	  54,	79,   80,   81,	   442,	 443,
				   444, 8079, 8080, 8081, 9089, 9090, 9091, 65534, 65535 };
static const int container_ports[] = { 53, 80, 443, 8080, 9090 };
static const char *const port_names[] = { "http", "dns", "metrics" };
static const char *const rule_port_names[] = { "http", "dns", "metrics", "nope" };

static const char *const pod_keys[] = { "app", "tier", "env" };
static const char *const pod_values[] = { "a", "b", "c", "a", "b", "c", "" };
static const char *const ns_keys[] = { "team", "env" };
static const char *const ns_values[] = { "a", "b" };
static const char *const ns_names[] = { "ns0", "ns1", "ns2" };

/* ---- the brute-force evaluator (SEMANTICS.md, read directly) ---- */

static const char *label_get(const struct r_labels *ls, const char *key)
{
	for (int i = 0; i < ls->n; i++)
		if (!strcmp(ls->v[i].key, key))
			return ls->v[i].value;
	return NULL;
}

/* rule 15: matchLabels and every expression ANDed; NotIn matches an absent key */
static bool bf_sel_match(const struct r_sel *s, const struct r_labels *ls)
{
	for (int i = 0; i < s->nml; i++) {
		const char *v = label_get(ls, s->ml[i].key);
		if (!v || strcmp(v, s->ml[i].value))
			return false;
	}
	for (int i = 0; i < s->nex; i++) {
		const struct r_expr *e = &s->ex[i];
		const char *v = label_get(ls, e->key);
		bool in = false;
		for (int j = 0; v && j < e->nvalues; j++)
			if (!strcmp(v, e->values[j]))
				in = true;
		switch (e->op) {
		case OP_IN:
			if (!v || !in)
				return false;
			break;
		case OP_NOTIN:
			if (v && in)
				return false;
			break;
		case OP_EXISTS:
			if (!v)
				return false;
			break;
		case OP_DNE:
			if (v)
				return false;
			break;
		}
	}
	return true;
}

/* rules 17, 19, 20: the first len bits equal (host bits of the written CIDR ignored) */
static bool bf_in_cidr(const struct r_addr *a, const struct r_cidr *c)
{
	if (a->fam != c->a.fam)
		return false;
	for (int bit = 0; bit < c->len; bit++) {
		int byte = bit / 8, shift = 7 - bit % 8;
		if (((a->b[byte] >> shift) & 1) != ((c->a.b[byte] >> shift) & 1))
			return false;
	}
	return true;
}

/* One end of a connection: an inventory pod (pod >= 0) and/or an address. */
struct bf_end {
	int pod; /* -1: external */
	bool has_addr;
	struct r_addr addr;
};

/* rule 6: effective policyTypes */
static bool bf_types(const struct r_policy *p, int dir)
{
	if (p->types_mode == TY_EXPLICIT)
		return p->types[dir];
	if (dir == D_IN)
		return true;
	return p->rules_mode[D_EG] == M_LIST && p->nrules[D_EG] > 0;
}

/* rules 11, 12, 17: does peer pe of policy p match the other end o? */
static bool bf_peer(const struct r_case *c, const struct r_policy *p, const struct r_peer *pe,
		    const struct bf_end *o)
{
	const struct r_pod *q;
	if (pe->kind == PK_IPBLOCK) {
		if (!o->has_addr || !bf_in_cidr(&o->addr, &pe->ipb.cidr))
			return false;
		for (int i = 0; i < pe->ipb.nexcept; i++)
			if (bf_in_cidr(&o->addr, &pe->ipb.except[i]))
				return false;
		return true;
	}
	if (o->pod < 0)
		return false;
	q = &c->pods[o->pod];
	if (pe->kind == PK_POD && q->ns != p->ns)
		return false;
	if ((pe->kind == PK_NS || pe->kind == PK_BOTH) &&
	    !bf_sel_match(&pe->ns, &c->ns[q->ns].labels))
		return false;
	if ((pe->kind == PK_POD || pe->kind == PK_BOTH) && !bf_sel_match(&pe->pod, &q->labels))
		return false;
	return true;
}

/* rules 21-23: does port pt match proto/port to destination dst? */
static bool bf_port(const struct r_case *c, const struct r_port *pt, const struct bf_end *dst,
		    int proto, int port)
{
	if (pt->proto != proto)
		return false;
	if (pt->kind == PT_NONE)
		return true;
	if (pt->kind == PT_NUM)
		return port >= pt->port && port <= (pt->end ? pt->end : pt->port);
	if (dst->pod < 0)
		return false;
	for (int i = 0; i < c->pods[dst->pod].ncports; i++) {
		const struct r_cport *cp = &c->pods[dst->pod].cports[i];
		if (cp->name && !strcmp(cp->name, pt->name) && cp->proto == proto &&
		    cp->port == port)
			return true;
	}
	return false;
}

/* rules 3, 8, 9: does some rule of Kubernetes policy p for dir match? */
static bool bf_k8s_rules(const struct r_case *c, const struct r_policy *p, int dir,
			 const struct bf_end *o, const struct bf_end *dst, int proto, int port)
{
	if (p->rules_mode[dir] != M_LIST)
		return false;
	for (int r = 0; r < p->nrules[dir]; r++) {
		const struct r_rule *ru = &p->rules[dir][r];
		bool peer_ok = ru->peers_mode != M_LIST, port_ok = ru->ports_mode != M_LIST;
		for (int k = 0; !peer_ok && k < ru->npeers; k++)
			peer_ok = bf_peer(c, p, &ru->peers[k], o);
		for (int k = 0; !port_ok && k < ru->nports; k++)
			port_ok = bf_port(c, &ru->ports[k], dst, proto, port);
		if (peer_ok && port_ok)
			return true;
	}
	return false;
}

/*
 * A Calico peer: selector and namespaceSelector pick pods (a NetworkPolicy's
 * selector alone looks at its own namespace, a GlobalNetworkPolicy's at
 * every namespace); nets needs the address inside one of them, notNets
 * outside all of them.
 */
static bool bf_cpeer(const struct r_case *c, const struct r_policy *p, const struct r_cpeer *pe,
		     const struct bf_end *o)
{
	bool in = false;
	if (pe->sel_set || pe->nssel_set) {
		const struct r_pod *q;
		if (o->pod < 0)
			return false;
		q = &c->pods[o->pod];
		if (pe->nssel_set && !bf_sel_match(&pe->nssel, &c->ns[q->ns].labels))
			return false;
		if (!pe->nssel_set && p->kind == PO_CNP && q->ns != p->ns)
			return false;
		if (pe->sel_set && !bf_sel_match(&pe->sel, &q->labels))
			return false;
	}
	for (int i = 0; i < pe->nnets && o->has_addr; i++)
		in = in || bf_in_cidr(&o->addr, &pe->nets[i]);
	if (pe->nnets && !in)
		return false;
	for (int i = 0; i < pe->nnotnets && o->has_addr; i++)
		if (bf_in_cidr(&o->addr, &pe->notnets[i]))
			return false;
	return true;
}

static bool bf_crule(const struct r_case *c, const struct r_policy *p, const struct r_crule *r,
		     const struct bf_end *o, int proto, int port)
{
	bool port_ok = !r->nports;
	if (r->proto >= 0 && r->proto != proto)
		return false;
	for (int i = 0; i < r->nports; i++)
		port_ok = port_ok || (port >= r->ports[i][0] && port <= r->ports[i][1]);
	return port_ok && (!r->has_peer || bf_cpeer(c, p, &r->peer, o));
}

/* Calico's types: as written, or [Ingress] without egress rules, Egress with them */
static bool bf_ctypes(const struct r_policy *p, int dir)
{
	if (p->types_mode == TY_EXPLICIT)
		return p->types[dir];
	if (dir == D_IN)
		return !p->ncrules[D_EG] || p->ncrules[D_IN];
	return p->ncrules[D_EG] > 0;
}

/* rules 2, 4 (Kubernetes) and CALICO.md 13.1 step 1: does p apply to pod self for dir? */
static bool bf_applies(const struct r_case *c, const struct r_policy *p, int self, int dir)
{
	const struct r_pod *me = &c->pods[self];
	switch (p->kind) {
	case PO_K8S:
		return p->ns == me->ns && bf_sel_match(&p->podsel, &me->labels) && bf_types(p, dir);
	case PO_CNP:
		return p->ns == me->ns && bf_sel_match(&p->podsel, &me->labels) &&
		       bf_ctypes(p, dir);
	case PO_GNP:
		return (!p->gnp_nssel_set || bf_sel_match(&p->gnp_nssel, &c->ns[me->ns].labels)) &&
		       bf_sel_match(&p->podsel, &me->labels) && bf_ctypes(p, dir);
	}
	return false;
}

/* the tier's order: "default" 1,000,000, a declared tier without order after all */
static double bf_tier_order(const struct r_case *c, const struct r_policy *p)
{
	const struct r_tier *t = p->tier ? &c->tiers[p->tier - 1] : NULL;
	if (!t)
		return 1e6;
	return t->has_order ? t->order : 1e300;
}

static const char *bf_tier_name(const struct r_case *c, const struct r_policy *p)
{
	return p->tier ? c->tiers[p->tier - 1].name : "default";
}

/*
 * CALICO.md 13.1 step 2: tiers by (order, name); inside a tier policies
 * by order (Kubernetes policies 1000; none: last), then namespace (a
 * global policy has none) and name.
 */
static int bf_cmp_eval(const struct r_case *c, const struct r_policy *x, const struct r_policy *y)
{
	double tx = bf_tier_order(c, x), ty = bf_tier_order(c, y);
	bool hx = x->kind == PO_K8S || x->has_order, hy = y->kind == PO_K8S || y->has_order;
	double ox = x->kind == PO_K8S ? 1000 : x->order, oy = y->kind == PO_K8S ? 1000 : y->order;
	const char *nx = x->kind == PO_GNP ? "" : c->ns[x->ns].name;
	const char *ny = y->kind == PO_GNP ? "" : c->ns[y->ns].name;
	int r;
	if (tx != ty)
		return tx < ty ? -1 : 1;
	if ((r = strcmp(bf_tier_name(c, x), bf_tier_name(c, y))))
		return r;
	if (hx != hy)
		return hx ? -1 : 1;
	if (hx && ox != oy)
		return ox < oy ? -1 : 1;
	if ((r = strcmp(nx, ny)))
		return r;
	return strcmp(x->name, y->name);
}

/*
 * SEMANTICS rules 2, 3 and CALICO.md 13.1: the verdict of pod self's
 * direction dir for traffic with the other end o, whose destination is
 * dst.  Walk the applying policies tier by tier: the first matching rule
 * decides (a Kubernetes rule allows; Pass leaves the tier); a tier that
 * decided nothing and was not left by Pass ends in its default action.
 * Nothing decided (no tier applies, or all passed): allowed.  The
 * cluster-wide tiers (ANP.md §4) take their places among Calico's by
 * (order, name): kube-admin at 1000, kube-baseline at 10000000; each of
 * them decides on a matching Allow or Deny and otherwise goes on.
 */
static int bf_tier(const struct r_case *c, bool baseline, int self, int dir, const struct bf_end *o,
		   const struct bf_end *dst, int proto, int port);

static const struct {
	double order;
	const char *name;
	bool baseline;
} bf_cluster_tiers[] = { { 1000, "kube-admin", false }, { 10000000, "kube-baseline", true } };

/* bf_cluster_before: cluster tier t comes before the tier of p (or every tier: p NULL) */
static bool bf_cluster_before(const struct r_case *c, int t, const struct r_policy *p)
{
	double o;
	if (!p)
		return true;
	o = bf_tier_order(c, p);
	return bf_cluster_tiers[t].order != o
		       ? bf_cluster_tiers[t].order < o
		       : strcmp(bf_cluster_tiers[t].name, bf_tier_name(c, p)) < 0;
}

static bool bf_side(const struct r_case *c, int self, int dir, const struct bf_end *o,
		    const struct bf_end *dst, int proto, int port)
{
	const struct r_policy *pols[MAXPOL];
	int n = 0, t = 0;
	for (int i = 0; i < c->npol; i++) {
		const struct r_policy *p = &c->pol[i];
		int k;
		if (!bf_applies(c, p, self, dir))
			continue;
		for (k = n++; k > 0 && bf_cmp_eval(c, pols[k - 1], p) > 0; k--)
			pols[k] = pols[k - 1];
		pols[k] = p;
	}
	for (int i = 0; i <= n;) {
		int tier, j;
		bool passed = false;
		for (; t < 2 && bf_cluster_before(c, t, i < n ? pols[i] : NULL); t++) {
			int v = bf_tier(c, bf_cluster_tiers[t].baseline, self, dir, o, dst, proto,
					port);
			if (v >= 0)
				return v == 1;
		}
		if (i == n)
			break;
		tier = pols[i]->tier;
		for (j = i; j < n && pols[j]->tier == tier; j++) {
			const struct r_policy *p = pols[j];
			if (passed)
				continue;
			if (p->kind == PO_K8S) {
				if (bf_k8s_rules(c, p, dir, o, dst, proto, port))
					return true;
				continue;
			}
			for (int r = 0; r < p->ncrules[dir] && !passed; r++) {
				const struct r_crule *ru = &p->crules[dir][r];
				if (!bf_crule(c, p, ru, o, proto, port))
					continue;
				if (ru->action != A_PASS)
					return ru->action == A_ALLOW;
				passed = true;
			}
		}
		if (!passed && (!tier || !c->tiers[tier - 1].pass))
			return false;
		i = j;
	}
	return true;
}

/* rules 1 and 5: egress of the source AND ingress of the destination; externals allow */
static void bf_conn(const struct r_case *c, const struct bf_end *s, const struct bf_end *d,
		    int proto, int port, bool out[2])
{
	out[D_EG] = s->pod < 0 || bf_side(c, s->pod, D_EG, d, d, proto, port);
	out[D_IN] = d->pod < 0 || bf_side(c, d->pod, D_IN, s, d, proto, port);
}

/* ---- generation ---- */

static void gen_addr_pod(struct r_case *c, int fam, struct r_addr *a)
{
	/* 10.0.N.M or fd00::N:M, unique among the pods */
	for (;;) {
		bool dup = false;
		memset(a, 0, sizeof(*a));
		a->fam = fam;
		if (fam == F4) {
			a->b[0] = 10;
			a->b[2] = (uint8_t)rnd(2);
			a->b[3] = (uint8_t)(1 + rnd(8));
		} else {
			a->b[0] = 0xfd;
			a->b[13] = (uint8_t)rnd(2);
			a->b[15] = (uint8_t)(1 + rnd(8));
		}
		for (int i = 0; i < c->npods; i++)
			if (c->pods[i].has[fam] && !memcmp(c->pods[i].ip[fam].b, a->b, 16))
				dup = true;
		if (!dup)
			return;
	}
}

static bool is_pod_addr(const struct r_case *c, const struct r_addr *a)
{
	for (int i = 0; i < c->npods; i++)
		if (c->pods[i].has[a->fam] && !memcmp(c->pods[i].ip[a->fam].b, a->b, 16))
			return true;
	return false;
}

static void gen_addr_any(struct r_addr *a, int fam)
{
	memset(a, 0, sizeof(*a));
	a->fam = fam;
	for (int i = 0; i < (fam == F4 ? 4 : 16); i++)
		a->b[i] = (uint8_t)rnd(256);
}

/* gen_ext: an external address, near the pods or anywhere, that no pod has */
static void gen_ext(struct r_case *c, int fam, struct r_addr *a)
{
	do {
		if (chance(60)) {
			memset(a, 0, sizeof(*a));
			a->fam = fam;
			if (fam == F4) {
				a->b[0] = 10;
				a->b[2] = (uint8_t)rnd(3);
				a->b[3] = (uint8_t)rnd(24);
			} else {
				a->b[0] = 0xfd;
				a->b[13] = (uint8_t)rnd(3);
				a->b[15] = (uint8_t)rnd(24);
			}
		} else {
			gen_addr_any(a, fam);
		}
	} while (is_pod_addr(c, a));
}

static int maxlen(int fam)
{
	return fam == F4 ? 32 : 128;
}

/* mask: clear the bits of a after len */
static void mask(struct r_addr *a, int len)
{
	for (int bit = len; bit < maxlen(a->fam); bit++)
		a->b[bit / 8] &= (uint8_t) ~(1u << (7 - bit % 8));
}

/* randomize_after: random bits in a after len */
static void randomize_after(struct r_addr *a, int len)
{
	for (int bit = len; bit < maxlen(a->fam); bit++)
		if (chance(50))
			a->b[bit / 8] |= (uint8_t)(1u << (7 - bit % 8));
		else
			a->b[bit / 8] &= (uint8_t) ~(1u << (7 - bit % 8));
}

static void gen_ipblock(struct r_case *c, struct r_ipblock *b)
{
	static const int lens4[] = { 0, 8, 16, 22, 23, 24, 30, 31, 32 };
	static const int lens6[] = { 0, 8, 64, 110, 111, 112, 126, 127, 128 };
	int fam = chance(60) ? F4 : F6;
	struct r_addr base;
	int k = rnd(4);

	memset(b, 0, sizeof(*b));
	if (k == 0 && c->npods) {
		const struct r_pod *p = &c->pods[rnd(c->npods)];
		if (p->has[fam])
			base = p->ip[fam];
		else
			gen_ext(c, fam, &base);
	} else if (k == 1) {
		base = c->ext[fam][rnd(NEXT)];
	} else if (k == 2) {
		gen_ext(c, fam, &base);
	} else {
		gen_addr_any(&base, fam);
	}
	b->cidr.a = base;
	b->cidr.len = fam == F4 ? PICK(lens4) : PICK(lens6);
	if (!chance(25))
		mask(&b->cidr.a, b->cidr.len);
	if (b->cidr.len < maxlen(fam)) {
		int n = rnd(MAXEXCEPT + 1);
		for (int i = 0; i < n; i++) {
			struct r_cidr *e = &b->except[b->nexcept++];
			int span = maxlen(fam) - b->cidr.len;
			e->len = b->cidr.len + 1 + rnd(span);
			e->a = b->cidr.a;
			if (chance(50) && c->npods) {
				/* aim at a pod inside the block, if there is one */
				const struct r_pod *p = &c->pods[rnd(c->npods)];
				if (p->has[fam] && bf_in_cidr(&p->ip[fam], &b->cidr))
					e->a = p->ip[fam];
				else
					randomize_after(&e->a, b->cidr.len);
			} else {
				randomize_after(&e->a, b->cidr.len);
			}
			if (!chance(20))
				mask(&e->a, e->len);
		}
		b->empty_except = !b->nexcept && chance(20);
	}
}

static void gen_labels(struct r_labels *ls, const char *const *keys, int nkeys,
		       const char *const *values, int nvalues, int pct)
{
	ls->n = 0;
	for (int i = 0; i < nkeys; i++) {
		if (!chance(pct))
			continue;
		ls->v[ls->n].key = keys[i];
		ls->v[ls->n].value = values[rnd(nvalues)];
		ls->n++;
	}
}

/* gen_sel: a selector over pods (ns false) or namespaces (ns true) */
static void gen_sel(struct r_case *c, struct r_sel *s, bool ns)
{
	/* mostly keys and values the inventory has; sometimes ones it lacks */
	static const char *const pod_sel_keys[] = { "app", "app", "tier", "tier", "env", "zone" };
	static const char *const pod_sel_values[] = { "a", "a", "b", "b", "c", "z", "" };
	static const char *const ns_sel_keys[] = { "team", "team", "env", NS_NAME_LABEL, "zone" };
	static const char *const ns_sel_values[] = { "a", "a", "b", "b", "z" };
	int nml, nex;

	memset(s, 0, sizeof(*s));
	if (chance(20)) {
		static const enum r_selform forms[] = { SF_EMPTY_MAP, SF_EMPTY_LABELS,
							SF_EMPTY_EXPRS };
		s->form = PICK(forms);
		return;
	}
	nml = chance(30) ? 0 : chance(70) ? 1 : 2;
	nex = chance(50) ? 0 : chance(70) ? 1 : 2;
	for (int i = 0; i < nml; i++) {
		const char *key = ns ? PICK(ns_sel_keys) : PICK(pod_sel_keys);
		bool dup = false;
		for (int j = 0; j < s->nml; j++)
			if (!strcmp(s->ml[j].key, key))
				dup = true;
		if (dup)
			continue;
		s->ml[s->nml].key = key;
		if (!strcmp(key, NS_NAME_LABEL))
			s->ml[s->nml].value = chance(80) ? c->ns[rnd(c->nns)].name : "nsx";
		else
			s->ml[s->nml].value = ns ? PICK(ns_sel_values) : PICK(pod_sel_values);
		s->nml++;
	}
	for (int i = 0; i < nex; i++) {
		struct r_expr *e = &s->ex[s->nex++];
		e->key = ns ? PICK(ns_sel_keys) : PICK(pod_sel_keys);
		e->op = (enum r_op)rnd(4);
		if (e->op == OP_IN || e->op == OP_NOTIN) {
			int n = 1 + rnd(2);
			for (int j = 0; j < n; j++) {
				const char *v;
				if (!strcmp(e->key, NS_NAME_LABEL))
					v = chance(80) ? c->ns[rnd(c->nns)].name : "nsx";
				else
					v = ns ? PICK(ns_sel_values) : PICK(pod_sel_values);
				e->values[e->nvalues++] = v;
			}
		}
	}
}

static enum r_mode gen_mode(int list_pct)
{
	if (chance(list_pct))
		return M_LIST;
	return (enum r_mode)rnd(3);
}

static void gen_port(struct r_port *pt)
{
	memset(pt, 0, sizeof(*pt));
	pt->proto = chance(50) ? R_TCP : rnd(R_NPROTO);
	pt->proto_explicit = pt->proto != R_TCP || chance(50);
	switch (rnd(6)) {
	case 0:
		pt->kind = PT_NONE;
		break;
	case 1:
	case 2:
		pt->kind = PT_NAMED;
		pt->name = PICK(rule_port_names);
		break;
	default:
		pt->kind = PT_NUM;
		pt->port = PICK(rule_ports);
		if (chance(40)) {
			int e;
			do
				e = PICK(rule_ports);
			while (e < pt->port);
			pt->end = e;
		}
		break;
	}
}

static void gen_rule(struct r_case *c, struct r_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->peers_mode = gen_mode(65);
	if (r->peers_mode == M_LIST) {
		r->npeers = 1 + rnd(MAXPEERS);
		for (int i = 0; i < r->npeers; i++) {
			struct r_peer *pe = &r->peers[i];
			pe->kind = (enum r_peerkind)rnd(4);
			pe->null_other = (pe->kind == PK_POD || pe->kind == PK_NS) && chance(15);
			if (pe->kind == PK_POD || pe->kind == PK_BOTH)
				gen_sel(c, &pe->pod, false);
			if (pe->kind == PK_NS || pe->kind == PK_BOTH)
				gen_sel(c, &pe->ns, true);
			if (pe->kind == PK_IPBLOCK)
				gen_ipblock(c, &pe->ipb);
		}
	}
	r->ports_mode = gen_mode(55);
	if (r->ports_mode == M_LIST) {
		r->nports = 1 + rnd(MAXPORTS);
		for (int i = 0; i < r->nports; i++)
			gen_port(&r->ports[i]);
	}
}

static void gen_policy(struct r_case *c, int idx, struct r_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->ns = rnd(c->nns);
	snprintf(p->name, sizeof(p->name), "np%d", idx);
	gen_sel(c, &p->podsel, false);
	p->podsel_absent = p->podsel.form == SF_EMPTY_MAP && chance(50);
	p->podsel_null = p->podsel_absent && chance(30);
	switch (rnd(4)) {
	case 0:
		p->types_mode = TY_ABSENT;
		break;
	case 1:
		p->types_mode = TY_EMPTY;
		break;
	default:
		p->types_mode = TY_EXPLICIT;
		do {
			p->types[D_IN] = chance(60);
			p->types[D_EG] = chance(60);
		} while (!p->types[D_IN] && !p->types[D_EG]);
		p->types_reversed = chance(30);
		break;
	}
	for (int dir = 0; dir < 2; dir++) {
		p->rules_mode[dir] = gen_mode(60);
		if (p->rules_mode[dir] != M_LIST)
			continue;
		p->nrules[dir] = 1 + rnd(MAXRULES);
		for (int r = 0; r < p->nrules[dir]; r++)
			gen_rule(c, &p->rules[dir][r]);
	}
}

/* gen_cidr: a masked CIDR of family fam around the pods, the externals or anywhere */
static void gen_cidr(struct r_case *c, int fam, struct r_cidr *r, bool nonzero)
{
	static const int lens4[] = { 0, 8, 16, 23, 24, 31, 32 };
	static const int lens6[] = { 0, 8, 64, 111, 112, 127, 128 };
	int k = rnd(3);
	const struct r_pod *q = c->npods ? &c->pods[rnd(c->npods)] : NULL;
	if (k == 0 && q && q->has[fam])
		r->a = q->ip[fam];
	else if (k == 1)
		r->a = c->ext[fam][rnd(NEXT)];
	else
		gen_ext(c, fam, &r->a);
	do
		r->len = fam == F4 ? PICK(lens4) : PICK(lens6);
	while (nonzero && !r->len);
	mask(&r->a, r->len);
}

static void gen_cpeer(struct r_case *c, struct r_cpeer *pe)
{
	/* selector, namespaceSelector, both, nets, notNets, and mixes */
	static const unsigned char forms[][4] = {
		{ 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 1, 1, 0, 0 }, { 0, 0, 1, 0 },
		{ 0, 0, 0, 1 }, { 1, 0, 1, 0 }, { 0, 1, 0, 1 }, { 0, 0, 1, 1 },
	};
	const unsigned char *f = forms[rnd(8)];
	int fam = chance(60) ? F4 : F6;
	memset(pe, 0, sizeof(*pe));
	pe->sel_set = f[0];
	pe->nssel_set = f[1];
	if (pe->sel_set)
		gen_sel(c, &pe->sel, false);
	if (pe->nssel_set)
		gen_sel(c, &pe->nssel, true);
	pe->nnets = f[2] ? 1 + rnd(MAXNETS) : 0;
	for (int i = 0; i < pe->nnets; i++)
		gen_cidr(c, fam, &pe->nets[i], false);
	pe->nnotnets = f[3] ? 1 + rnd(MAXNETS) : 0;
	for (int i = 0; i < pe->nnotnets; i++)
		gen_cidr(c, fam, &pe->notnets[i], true);
	c->addr_cells_only |= pe->nnotnets > 0;
}

static void gen_crule(struct r_case *c, struct r_crule *r)
{
	static const enum r_act acts[] = {
		A_ALLOW, A_ALLOW, A_DENY, A_DENY, A_PASS, A_PASS, A_PASS
	};
	memset(r, 0, sizeof(*r));
	r->action = PICK(acts);
	r->has_peer = chance(75);
	if (r->has_peer)
		gen_cpeer(c, &r->peer);
	r->proto = chance(40) ? -1 : chance(50) ? R_TCP : rnd(R_NPROTO);
	if (r->proto >= 0 && chance(60)) {
		r->nports = 1 + rnd(2);
		for (int i = 0; i < r->nports; i++) {
			int a = PICK(rule_ports), b = chance(50) ? a : PICK(rule_ports);
			r->ports[i][0] = a < b ? a : b;
			r->ports[i][1] = a < b ? b : a;
		}
	}
}

/* gen_cpolicy: a Calico NetworkPolicy or GlobalNetworkPolicy */
static void gen_cpolicy(struct r_case *c, int idx, struct r_policy *p)
{
	static const int orders[] = { 1, 10, 100, 500, 1000, 1000, 1500, 2000 };
	memset(p, 0, sizeof(*p));
	p->kind = chance(65) ? PO_CNP : PO_GNP;
	p->ns = rnd(c->nns);
	p->tier = c->ntiers && chance(70) ? 1 + rnd(c->ntiers) : 0;
	if (p->tier)
		/* the tier's name is t<letter> (gen_tiers); no source inside c: -Wrestrict */
		snprintf(p->name, sizeof(p->name), "t%c.cp%d", 'a' + p->tier - 1, idx);
	else
		snprintf(p->name, sizeof(p->name), "cp%d", idx);
	p->has_order = chance(75);
	p->order = p->has_order ? PICK(orders) : 0;
	gen_sel(c, &p->podsel, false);
	if (p->kind == PO_GNP && chance(50)) {
		/* only selectors false for a namespace without labels (host endpoints) */
		static const char *const keys[] = { "team", "env", NS_NAME_LABEL };
		p->gnp_nssel_set = true;
		p->gnp_nssel.nml = 1;
		p->gnp_nssel.ml[0].key = PICK(keys);
		p->gnp_nssel.ml[0].value = !strcmp(p->gnp_nssel.ml[0].key, NS_NAME_LABEL)
						   ? c->ns[rnd(c->nns)].name
						   : PICK(ns_values);
	}
	/* a selector left out is all(); with a namespaceSelector all() must be left out */
	p->podsel_absent = p->podsel.form != SF_NORMAL && (p->gnp_nssel_set || chance(50));
	p->types_mode = chance(40) ? TY_ABSENT : TY_EXPLICIT;
	if (p->types_mode == TY_EXPLICIT)
		do {
			p->types[D_IN] = chance(70);
			p->types[D_EG] = chance(60);
		} while (!p->types[D_IN] && !p->types[D_EG]);
	for (int dir = 0; dir < 2; dir++) {
		p->ncrules[dir] = rnd(MAXRULES + 1);
		for (int r = 0; r < p->ncrules[dir]; r++)
			gen_crule(c, &p->crules[dir][r]);
	}
}

static void gen_tiers(struct r_case *c)
{
	static const int orders[] = { 10, 100, 100, 2000000 };
	c->ntiers = rnd(MAXTIERS + 1);
	for (int i = 0; i < c->ntiers; i++) {
		struct r_tier *t = &c->tiers[i];
		snprintf(t->name, sizeof(t->name), "t%c", 'a' + i);
		t->has_order = chance(85);
		t->order = t->has_order ? PICK(orders) : 0;
		t->pass = chance(50);
	}
}

static void gen_pod(struct r_case *c, int idx, struct r_pod *p)
{
	memset(p, 0, sizeof(*p));
	p->ns = rnd(c->nns);
	snprintf(p->name, sizeof(p->name), "p%d", idx);
	gen_labels(&p->labels, pod_keys, 3, pod_values, 7, 60);
	p->no_labels = !p->labels.n && chance(50);
	p->two_containers = chance(25);
	p->kind = chance(80) ? POD_RUNNING : chance(50) ? POD_TEMPLATE : POD_PENDING;
	if (p->kind == POD_RUNNING) {
		int k = rnd(4); /* v4, v6, dual, dual */
		p->has[F4] = k != 1;
		p->has[F6] = k != 0;
		for (int f = 0; f < NFAM; f++)
			if (p->has[f])
				gen_addr_pod(c, f, &p->ip[f]);
		p->ip_list = p->has[F6] || chance(50);
		p->no_pod_ip = p->ip_list && chance(20);
	}
	p->ncports = rnd(MAXCPORTS + 1);
	for (int i = 0; i < p->ncports; i++) {
		struct r_cport *cp = &p->cports[i];
		cp->name = chance(85) ? port_names[i] : NULL; /* names unique within the pod */
		cp->proto = chance(60) ? R_TCP : rnd(R_NPROTO);
		cp->proto_explicit = cp->proto != R_TCP || chance(50);
		cp->port = PICK(container_ports);
	}
}

static void gen_cluster(struct r_case *c);

static void gen_case(struct r_case *c, uint64_t seed)
{
	int npods;
	bool big, calico;

	memset(c, 0, sizeof(*c));
	c->seed = seed;
	rng_state = seed;
	c->json = chance(25);
	c->plain = !c->json && chance(50);
	c->compress = chance(50);
	c->nns = 1 + rnd(MAXNS);
	for (int i = 0; i < c->nns; i++) {
		struct r_ns *ns = &c->ns[i];
		snprintf(ns->name, sizeof(ns->name), "%s", ns_names[i]);
		ns->declared = chance(85);
		if (ns->declared)
			gen_labels(&ns->labels, ns_keys, 2, ns_values, 2, 60);
		ns->write_name_label = ns->declared && chance(20);
		ns->labels.v[ns->labels.n].key = NS_NAME_LABEL;
		ns->labels.v[ns->labels.n].value = ns->name;
		ns->labels.n++;
	}
	big = chance(10); /* now and then a larger cluster */
	npods = big ? 6 + rnd(MAXPODS - 5) : 2 + rnd(5);
	for (int i = 0; i < npods; i++) {
		gen_pod(c, i, &c->pods[i]);
		c->npods = i + 1; /* address uniqueness looks at the pods so far */
	}
	for (int f = 0; f < NFAM; f++)
		for (int i = 0; i < NEXT; i++)
			gen_ext(c, f, &c->ext[f][i]);
	c->npol = big ? rnd(MAXPOL + 1) : rnd(6);
	calico = chance(50);
	if (calico)
		gen_tiers(c);
	for (int i = 0; i < c->npol; i++) {
		if (calico && chance(55))
			gen_cpolicy(c, i, &c->pol[i]);
		else
			gen_policy(c, i, &c->pol[i]);
	}
	if (chance(40))
		gen_cluster(c);
}

/* ---- cluster-wide policies: brute force, generation, rendering ---- */

/*
 * The order of one direction (../shared/ANP.md §4): admin policies by
 * priority then name, rules in order, first match decides (Pass: leave the
 * admin tier); then NetworkPolicy if one isolates the pod; then the
 * baseline policies the same way (Pass: leave the baseline tier); then
 * allow.  Written from the API text, not from ir/.  With Calico tiers in
 * the input, bf_side places the two cluster tiers among them by order.
 */
static bool bf_apeer(const struct r_case *c, const struct r_apeer *pe, const struct bf_end *o)
{
	if (pe->kind == AK_NETS) {
		for (int i = 0; o->has_addr && i < pe->nnets; i++)
			if (bf_in_cidr(&o->addr, &pe->nets[i]))
				return true;
		return false;
	}
	if (pe->kind == AK_NODES) {
		/* the addresses of the Nodes it selects, whoever else has them */
		for (int i = 0; o->has_addr && i < c->nnodes; i++)
			for (int k = 0; k < c->nodes[i].naddrs; k++)
				if (bf_sel_match(&pe->pod, &c->nodes[i].labels) &&
				    !memcmp(&c->nodes[i].addrs[k], &o->addr, sizeof(o->addr)))
					return true;
		return false;
	}
	if (o->pod < 0 || !bf_sel_match(&pe->ns, &c->ns[c->pods[o->pod].ns].labels))
		return false;
	return pe->kind == AK_NS || bf_sel_match(&pe->pod, &c->pods[o->pod].labels);
}

static bool bf_aport(const struct r_case *c, const struct r_aport *pt, const struct bf_end *dst,
		     int proto, int port)
{
	if (pt->kind != AP_NAMED)
		return pt->proto == proto && port >= pt->port &&
		       port <= (pt->kind == AP_RANGE ? pt->end : pt->port);
	if (dst->pod < 0)
		return false;
	/* the destination pod's port of that name, whatever its protocol */
	for (int i = 0; i < c->pods[dst->pod].ncports; i++) {
		const struct r_cport *cp = &c->pods[dst->pod].cports[i];
		if (cp->name && !strcmp(cp->name, pt->name) && cp->proto == proto &&
		    cp->port == port)
			return true;
	}
	return false;
}

static bool bf_subject(const struct r_case *c, const struct r_anp *a, int self)
{
	const struct r_pod *me = &c->pods[self];
	return bf_sel_match(&a->subj_ns, &c->ns[me->ns].labels) &&
	       (!a->subj_pods || bf_sel_match(&a->subj_pod, &me->labels));
}

/* bf_anp_rules: 1 allow, 0 deny, -1 pass, -2 no rule of a matches */
static int bf_anp_rules(const struct r_case *c, const struct r_anp *a, int dir,
			const struct bf_end *o, const struct bf_end *dst, int proto, int port)
{
	for (int r = 0; r < a->nrules[dir]; r++) {
		const struct r_arule *ru = &a->rules[dir][r];
		bool peer_ok = false, port_ok = !ru->nports;
		for (int k = 0; !peer_ok && k < ru->npeers; k++)
			peer_ok = bf_apeer(c, &ru->peers[k], o);
		for (int k = 0; !port_ok && k < ru->nports; k++)
			port_ok = bf_aport(c, &ru->ports[k], dst, proto, port);
		if (peer_ok && port_ok)
			return ru->action == AA_ALLOW ? 1 : ru->action == AA_DENY ? 0 : -1;
	}
	return -2;
}

/* anp_before: a runs before b (priority, then name) */
static bool anp_before(const struct r_anp *a, const struct r_anp *b)
{
	return a->priority != b->priority ? a->priority < b->priority
					  : strcmp(a->name, b->name) < 0;
}

/* bf_tier: the admin or (baseline) baseline tier: 1 allow, 0 deny, -1 pass, -2 no match */
static int bf_tier(const struct r_case *c, bool baseline, int self, int dir, const struct bf_end *o,
		   const struct bf_end *dst, int proto, int port)
{
	bool done[2 * MAXANP] = { false };
	for (;;) {
		const struct r_anp *next = NULL;
		int ni = -1, v;
		for (int i = 0; i < c->nanp; i++)
			if (!done[i] && c->anp[i].baseline == baseline &&
			    (!next || anp_before(&c->anp[i], next))) {
				next = &c->anp[i];
				ni = i;
			}
		if (!next)
			return -2;
		done[ni] = true;
		if (!bf_subject(c, next, self))
			continue;
		if ((v = bf_anp_rules(c, next, dir, o, dst, proto, port)) != -2)
			return v;
	}
}

static void gen_anp_rule(struct r_case *c, struct r_arule *r, int dir, bool baseline)
{
	memset(r, 0, sizeof(*r));
	/* a v1alpha1 baseline cannot Pass; a v1alpha2 one can */
	r->action = (enum r_aaction)rnd(baseline && !c->cnp ? 2 : 3);
	r->npeers = 1 + rnd(MAXPEERS);
	for (int i = 0; i < r->npeers; i++) {
		struct r_apeer *pe = &r->peers[i];
		/* nodes peers (egress) only where the input has Nodes (else an error) */
		pe->kind = (enum r_apeerkind)rnd(dir == D_EG ? (c->nnodes ? 4 : 3) : 2);
		gen_sel(c, &pe->ns, true);
		if (pe->kind == AK_PODS || pe->kind == AK_NODES)
			gen_sel(c, &pe->pod, false);
		if (pe->kind == AK_NETS) {
			pe->nnets = 1 + rnd(2);
			for (int k = 0; k < pe->nnets; k++) {
				struct r_ipblock b;
				gen_ipblock(c, &b);
				pe->nets[k] = b.cidr;
				for (int j = 0; j < k; j++)
					if (pe->nets[j].a.fam == b.cidr.a.fam &&
					    pe->nets[j].len == b.cidr.len &&
					    bf_in_cidr(&b.cidr.a, &pe->nets[j]))
						pe->nnets = k; /* no repeated network */
			}
		}
	}
	r->nports = chance(40) ? 0 : 1 + rnd(MAXPORTS);
	for (int i = 0; i < r->nports; i++) {
		struct r_aport *pt = &r->ports[i];
		pt->kind = (enum r_aportkind)rnd(3);
		pt->proto = chance(50) ? R_TCP : rnd(R_NPROTO);
		pt->port = PICK(rule_ports);
		pt->end = pt->port;
		if (pt->kind == AP_RANGE)
			while ((pt->end = PICK(rule_ports)) < pt->port)
				;
		pt->name = PICK(rule_port_names);
	}
	/* a named port never goes with networks or nodes peers (the CRD's rule) */
	for (int i = 0; i < r->npeers; i++)
		if (r->peers[i].kind == AK_NETS || r->peers[i].kind == AK_NODES)
			for (int k = 0; k < r->nports; k++)
				if (r->ports[k].kind == AP_NAMED)
					r->ports[k].kind = AP_NUM;
}

/*
 * gen_cluster: some admin policies (priorities often equal: the
 * tie-break) and a baseline; in a v1alpha2 case, several baseline
 * policies with priorities.
 */
/*
 * gen_nodes: Nodes with pod-style labels, each address an external one or
 * a pod's (a nodes peer matches the address, whoever else has it), of
 * either family.
 */
static void gen_nodes(struct r_case *c)
{
	static const char *const node_values[] = { "a", "b", "c" };
	c->nnodes = rnd(MAXNODES + 1);
	for (int i = 0; i < c->nnodes; i++) {
		struct r_node *n = &c->nodes[i];
		memset(n, 0, sizeof(*n));
		snprintf(n->name, sizeof(n->name), "node%d", i);
		gen_labels(&n->labels, pod_keys, 3, node_values, 3, 60);
		n->naddrs = 1 + rnd(2);
		for (int k = 0; k < n->naddrs; k++) {
			const struct r_pod *p = &c->pods[rnd(c->npods)];
			int fam = rnd(NFAM);
			if (chance(50) && p->has[fam])
				n->addrs[k] = p->ip[fam];
			else
				n->addrs[k] = c->ext[fam][rnd(NEXT)];
			for (int j = 0; j < k; j++)
				if (!memcmp(&n->addrs[j], &n->addrs[k], sizeof(n->addrs[k])))
					n->naddrs = k; /* listed once */
		}
	}
}

static void gen_cluster(struct r_case *c)
{
	int nadmin, nbase;
	gen_nodes(c);
	c->cnp = chance(40);
	nadmin = rnd(MAXANP + 1);
	nbase = c->cnp ? rnd(MAXANP + 1) : chance(60);
	for (int i = 0; i < nadmin + nbase; i++) {
		struct r_anp *a = &c->anp[c->nanp++];
		memset(a, 0, sizeof(*a));
		a->baseline = i >= nadmin;
		if (a->baseline && !c->cnp)
			snprintf(a->name, sizeof(a->name), "default");
		else
			snprintf(a->name, sizeof(a->name), "anp%d", rnd(10));
		for (int j = 0; j < c->nanp - 1; j++)
			if (!strcmp(c->anp[j].name, a->name))
				snprintf(a->name, sizeof(a->name), "anp%d%d", i, j);
		a->priority = rnd(3) * 10;
		a->subj_pods = chance(50);
		gen_sel(c, &a->subj_ns, true);
		if (a->subj_pods)
			gen_sel(c, &a->subj_pod, false);
		for (int dir = 0; dir < 2; dir++) {
			a->nrules[dir] = rnd(MAXRULES + 1);
			for (int r = 0; r < a->nrules[dir]; r++)
				gen_anp_rule(c, &a->rules[dir][r], dir, a->baseline);
		}
	}
}

/* ---- rendering (JSON syntax: valid as YAML flow style too) ---- */

struct out {
	char *buf;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (o->len + (size_t)n + 1 > o->cap) {
		o->cap = (o->len + (size_t)n + 1) * 2;
		o->buf = realloc(o->buf, o->cap);
		assert_non_null(o->buf);
	}
	va_start(ap, fmt);
	vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

static bool render_compress; /* the case's choice, for render_addr */

static void render_addr(struct out *o, const struct r_addr *a)
{
	unsigned g[8];
	int best = -1, bestn = 1;

	if (a->fam == F4) {
		out_printf(o, "%u.%u.%u.%u", a->b[0], a->b[1], a->b[2], a->b[3]);
		return;
	}
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)(a->b[2 * i] << 8 | a->b[2 * i + 1]);
	/* the longest run of at least two zero groups becomes "::" */
	for (int i = 0; render_compress && i < 8; i++) {
		int n = 0;
		while (i + n < 8 && !g[i + n])
			n++;
		if (n > bestn) {
			best = i;
			bestn = n;
		}
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			out_printf(o, "::");
			i += bestn - 1;
			continue;
		}
		out_printf(o, "%s%x", i && i != best + bestn ? ":" : "", g[i]);
	}
}

static void render_cidr(struct out *o, const struct r_cidr *c)
{
	out_printf(o, "\"");
	render_addr(o, &c->a);
	out_printf(o, "/%d\"", c->len);
}

static void render_labels(struct out *o, const struct r_label *v, int n)
{
	out_printf(o, "{");
	for (int i = 0; i < n; i++)
		out_printf(o, "%s\"%s\": \"%s\"", i ? ", " : "", v[i].key, v[i].value);
	out_printf(o, "}");
}

static void render_sel(struct out *o, const struct r_sel *s)
{
	const char *sep = "";
	switch (s->form) {
	case SF_EMPTY_MAP:
		out_printf(o, "{}");
		return;
	case SF_EMPTY_LABELS:
		out_printf(o, "{\"matchLabels\": {}}");
		return;
	case SF_EMPTY_EXPRS:
		out_printf(o, "{\"matchExpressions\": []}");
		return;
	case SF_NORMAL:
		break;
	}
	out_printf(o, "{");
	if (s->nml) {
		out_printf(o, "\"matchLabels\": ");
		render_labels(o, s->ml, s->nml);
		sep = ", ";
	}
	if (s->nex) {
		out_printf(o, "%s\"matchExpressions\": [", sep);
		for (int i = 0; i < s->nex; i++) {
			const struct r_expr *e = &s->ex[i];
			out_printf(o, "%s{\"key\": \"%s\", \"operator\": \"%s\"", i ? ", " : "",
				   e->key, op_names[e->op]);
			if (e->nvalues) {
				out_printf(o, ", \"values\": [");
				for (int j = 0; j < e->nvalues; j++)
					out_printf(o, "%s\"%s\"", j ? ", " : "", e->values[j]);
				out_printf(o, "]");
			}
			out_printf(o, "}");
		}
		out_printf(o, "]");
	}
	out_printf(o, "}");
}

static void render_peer(struct out *o, const struct r_peer *pe)
{
	switch (pe->kind) {
	case PK_POD:
		out_printf(o, "{%s\"podSelector\": ",
			   pe->null_other ? "\"namespaceSelector\": null, " : "");
		render_sel(o, &pe->pod);
		break;
	case PK_NS:
		out_printf(o, "{\"namespaceSelector\": ");
		render_sel(o, &pe->ns);
		if (pe->null_other)
			out_printf(o, ", \"podSelector\": null");
		break;
	case PK_BOTH:
		out_printf(o, "{\"namespaceSelector\": ");
		render_sel(o, &pe->ns);
		out_printf(o, ", \"podSelector\": ");
		render_sel(o, &pe->pod);
		break;
	case PK_IPBLOCK:
		out_printf(o, "{\"ipBlock\": {\"cidr\": ");
		render_cidr(o, &pe->ipb.cidr);
		if (pe->ipb.nexcept || pe->ipb.empty_except) {
			out_printf(o, ", \"except\": [");
			for (int i = 0; i < pe->ipb.nexcept; i++) {
				out_printf(o, "%s", i ? ", " : "");
				render_cidr(o, &pe->ipb.except[i]);
			}
			out_printf(o, "]");
		}
		out_printf(o, "}");
		break;
	}
	out_printf(o, "}");
}

static void render_port(struct out *o, const struct r_port *pt)
{
	const char *sep = "";
	out_printf(o, "{");
	if (pt->proto_explicit) {
		out_printf(o, "\"protocol\": \"%s\"", proto_names[pt->proto]);
		sep = ", ";
	}
	if (pt->kind == PT_NUM) {
		out_printf(o, "%s\"port\": %d", sep, pt->port);
		if (pt->end)
			out_printf(o, ", \"endPort\": %d", pt->end);
	} else if (pt->kind == PT_NAMED) {
		out_printf(o, "%s\"port\": \"%s\"", sep, pt->name);
	}
	out_printf(o, "}");
}

/* render_mode: the key and its value for modes other than M_LIST; false if the caller writes the
 * list */
static bool render_mode(struct out *o, const char *sep, const char *key, enum r_mode m)
{
	switch (m) {
	case M_ABSENT:
		return true;
	case M_NULL:
		out_printf(o, "%s\"%s\": null", sep, key);
		return true;
	case M_EMPTY:
		out_printf(o, "%s\"%s\": []", sep, key);
		return true;
	case M_LIST:
		out_printf(o, "%s\"%s\": [", sep, key);
		return false;
	}
	return true;
}

static void render_rule(struct out *o, const struct r_rule *r, int dir)
{
	out_printf(o, "{");
	if (!render_mode(o, "", dir == D_IN ? "from" : "to", r->peers_mode)) {
		for (int i = 0; i < r->npeers; i++) {
			out_printf(o, "%s", i ? ", " : "");
			render_peer(o, &r->peers[i]);
		}
		out_printf(o, "]");
	}
	if (!render_mode(o, r->peers_mode == M_ABSENT ? "" : ", ", "ports", r->ports_mode)) {
		for (int i = 0; i < r->nports; i++) {
			out_printf(o, "%s", i ? ", " : "");
			render_port(o, &r->ports[i]);
		}
		out_printf(o, "]");
	}
	out_printf(o, "}");
}

static void render_policy(struct out *o, const struct r_case *c, const struct r_policy *p)
{
	static const char *const type_names[] = { "Ingress", "Egress" };
	out_printf(o,
		   "{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"NetworkPolicy\", "
		   "\"metadata\": {\"name\": \"%s\", \"namespace\": \"%s\"}, \"spec\": {",
		   p->name, c->ns[p->ns].name);
	const char *comma = ", ";
	if (!p->podsel_absent) {
		out_printf(o, "\"podSelector\": ");
		render_sel(o, &p->podsel);
	} else if (p->podsel_null) {
		out_printf(o, "\"podSelector\": null");
	} else {
		comma = "";
	}
	if (p->types_mode == TY_EMPTY) {
		out_printf(o, "%s\"policyTypes\": []", comma);
		comma = ", ";
	} else if (p->types_mode == TY_EXPLICIT) {
		int first = p->types_reversed ? D_EG : D_IN;
		const char *sep = "";
		out_printf(o, "%s\"policyTypes\": [", comma);
		comma = ", ";
		for (int k = 0; k < 2; k++) {
			int dir = k ? 1 - first : first;
			if (!p->types[dir])
				continue;
			out_printf(o, "%s\"%s\"", sep, type_names[dir]);
			sep = ", ";
		}
		out_printf(o, "]");
	}
	for (int dir = 0; dir < 2; dir++) {
		if (p->rules_mode[dir] != M_ABSENT && *comma == '\0') {
			render_mode(o, "", dir == D_IN ? "ingress" : "egress", p->rules_mode[dir]);
			comma = ", ";
			if (p->rules_mode[dir] != M_LIST)
				continue;
		} else if (render_mode(o, comma, dir == D_IN ? "ingress" : "egress",
				       p->rules_mode[dir])) {
			continue;
		}
		for (int r = 0; r < p->nrules[dir]; r++) {
			out_printf(o, "%s", r ? ", " : "");
			render_rule(o, &p->rules[dir][r], dir);
		}
		out_printf(o, "]");
	}
	out_printf(o, "}}");
}

/* render_calsel: a selector in Calico's syntax ("all()" when it is empty) */
static void render_calsel(struct out *o, const struct r_sel *s)
{
	const char *sep = "";
	out_printf(o, "\"");
	for (int i = 0; i < s->nml; i++, sep = " && ")
		out_printf(o, "%s%s == '%s'", sep, s->ml[i].key, s->ml[i].value);
	for (int i = 0; i < s->nex; i++, sep = " && ") {
		const struct r_expr *e = &s->ex[i];
		if (e->op == OP_EXISTS || e->op == OP_DNE) {
			out_printf(o, "%s%shas(%s)", sep, e->op == OP_DNE ? "!" : "", e->key);
			continue;
		}
		out_printf(o, "%s%s %s {", sep, e->key, e->op == OP_IN ? "in" : "not in");
		for (int j = 0; j < e->nvalues; j++)
			out_printf(o, "%s'%s'", j ? ", " : "", e->values[j]);
		out_printf(o, "}");
	}
	out_printf(o, "%s\"", *sep ? "" : "all()");
}

static void render_nets(struct out *o, const char *sep, const char *key, const struct r_cidr *v,
			int n)
{
	out_printf(o, "%s\"%s\": [", sep, key);
	for (int i = 0; i < n; i++) {
		out_printf(o, "%s", i ? ", " : "");
		render_cidr(o, &v[i]);
	}
	out_printf(o, "]");
}

/* render_crule: a Calico rule; the peer is the source of an ingress rule */
static void render_crule(struct out *o, const struct r_crule *r, int dir)
{
	const struct r_cpeer *pe = &r->peer;
	bool peer_in_dst = dir == D_EG && r->has_peer;
	out_printf(o, "{\"action\": \"%s\"", act_names[r->action]);
	if (r->proto >= 0)
		out_printf(o, ", \"protocol\": \"%s\"", proto_names[r->proto]);
	if (r->has_peer) {
		const char *sep = "";
		out_printf(o, ", \"%s\": {", dir == D_IN ? "source" : "destination");
		if (pe->sel_set) {
			out_printf(o, "\"selector\": ");
			render_calsel(o, &pe->sel);
			sep = ", ";
		}
		if (pe->nssel_set) {
			out_printf(o, "%s\"namespaceSelector\": ", sep);
			render_calsel(o, &pe->nssel);
			sep = ", ";
		}
		if (pe->nnets) {
			render_nets(o, sep, "nets", pe->nets, pe->nnets);
			sep = ", ";
		}
		if (pe->nnotnets)
			render_nets(o, sep, "notNets", pe->notnets, pe->nnotnets);
		if (!peer_in_dst)
			out_printf(o, "}");
	}
	if (r->nports) {
		out_printf(o, "%s\"ports\": [", peer_in_dst ? ", " : ", \"destination\": {");
		for (int i = 0; i < r->nports; i++) {
			if (r->ports[i][0] == r->ports[i][1])
				out_printf(o, "%s%d", i ? ", " : "", r->ports[i][0]);
			else
				out_printf(o, "%s\"%d:%d\"", i ? ", " : "", r->ports[i][0],
					   r->ports[i][1]);
		}
		out_printf(o, "]}");
	} else if (peer_in_dst) {
		out_printf(o, "}");
	}
	out_printf(o, "}");
}

static void render_cpolicy(struct out *o, const struct r_case *c, const struct r_policy *p)
{
	static const char *const type_names[] = { "Ingress", "Egress" };
	bool global = p->kind == PO_GNP;
	const char *sep = "";
	out_printf(o,
		   "{\"apiVersion\": \"projectcalico.org/v3\", \"kind\": \"%s\", "
		   "\"metadata\": {\"name\": \"%s\"",
		   global ? "GlobalNetworkPolicy" : "NetworkPolicy", p->name);
	if (!global)
		out_printf(o, ", \"namespace\": \"%s\"", c->ns[p->ns].name);
	out_printf(o, "}, \"spec\": {");
	if (p->tier) {
		out_printf(o, "\"tier\": \"%s\"", c->tiers[p->tier - 1].name);
		sep = ", ";
	}
	if (p->has_order) {
		out_printf(o, "%s\"order\": %d", sep, p->order);
		sep = ", ";
	}
	if (!p->podsel_absent) {
		out_printf(o, "%s\"selector\": ", sep);
		render_calsel(o, &p->podsel);
		sep = ", ";
	}
	if (p->gnp_nssel_set) {
		out_printf(o, "%s\"namespaceSelector\": ", sep);
		render_calsel(o, &p->gnp_nssel);
		sep = ", ";
	}
	if (p->types_mode == TY_EXPLICIT) {
		const char *tsep = "";
		out_printf(o, "%s\"types\": [", sep);
		for (int dir = 0; dir < 2; dir++) {
			if (!p->types[dir])
				continue;
			out_printf(o, "%s\"%s\"", tsep, type_names[dir]);
			tsep = ", ";
		}
		out_printf(o, "]");
		sep = ", ";
	}
	for (int dir = 0; dir < 2; dir++) {
		if (!p->ncrules[dir])
			continue;
		out_printf(o, "%s\"%s\": [", sep, dir == D_IN ? "ingress" : "egress");
		sep = ", ";
		for (int r = 0; r < p->ncrules[dir]; r++) {
			out_printf(o, "%s", r ? ", " : "");
			render_crule(o, &p->crules[dir][r], dir);
		}
		out_printf(o, "]");
	}
	out_printf(o, "}}");
}

static void render_tier(struct out *o, const struct r_tier *t)
{
	out_printf(o,
		   "{\"apiVersion\": \"projectcalico.org/v3\", \"kind\": \"Tier\", "
		   "\"metadata\": {\"name\": \"%s\"}, \"spec\": {\"defaultAction\": \"%s\"",
		   t->name, t->pass ? "Pass" : "Deny");
	if (t->has_order)
		out_printf(o, ", \"order\": %d", t->order);
	out_printf(o, "}}");
}

static void render_cports(struct out *o, const struct r_pod *p, int from, int to, const char *name)
{
	out_printf(o, "%s{\"name\": \"%s\", \"image\": \"busybox\"", from ? ", " : "", name);
	if (to > from) {
		out_printf(o, ", \"ports\": [");
		for (int i = from; i < to; i++) {
			const struct r_cport *cp = &p->cports[i];
			out_printf(o, "%s{\"containerPort\": %d", i > from ? ", " : "", cp->port);
			if (cp->name)
				out_printf(o, ", \"name\": \"%s\"", cp->name);
			if (cp->proto_explicit)
				out_printf(o, ", \"protocol\": \"%s\"", proto_names[cp->proto]);
			out_printf(o, "}");
		}
		out_printf(o, "]");
	}
	out_printf(o, "}");
}

static void render_containers(struct out *o, const struct r_pod *p)
{
	/* with two containers, the first port goes to the second one */
	int split = p->two_containers && p->ncports ? 1 : 0;
	out_printf(o, "{\"containers\": [");
	if (split)
		render_cports(o, p, 0, 1, "side");
	render_cports(o, p, split, p->ncports, "c");
	out_printf(o, "]}");
}

static void render_pod(struct out *o, const struct r_case *c, const struct r_pod *p)
{
	if (p->kind == POD_TEMPLATE) {
		out_printf(o,
			   "{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": "
			   "{\"name\": \"%s\", \"namespace\": \"%s\"}, \"spec\": {\"selector\": "
			   "{\"matchLabels\": ",
			   p->name, c->ns[p->ns].name);
		render_labels(o, p->labels.v, p->labels.n);
		out_printf(o, "}, \"template\": {\"metadata\": {\"labels\": ");
		render_labels(o, p->labels.v, p->labels.n);
		out_printf(o, "}, \"spec\": ");
		render_containers(o, p);
		out_printf(o, "}}}");
		return;
	}
	out_printf(o,
		   "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"%s\", "
		   "\"namespace\": \"%s\"",
		   p->name, c->ns[p->ns].name);
	if (!p->no_labels) {
		out_printf(o, ", \"labels\": ");
		render_labels(o, p->labels.v, p->labels.n);
	}
	out_printf(o, "}, \"spec\": ");
	render_containers(o, p);
	if (p->kind == POD_RUNNING) {
		int first = p->has[F4] ? F4 : F6;
		out_printf(o, ", \"status\": {");
		if (!p->no_pod_ip) {
			out_printf(o, "\"podIP\": \"");
			render_addr(o, &p->ip[first]);
			out_printf(o, "\"%s", p->ip_list ? ", " : "");
		}
		if (p->ip_list) {
			out_printf(o, "\"podIPs\": [");
			for (int f = 0, n = 0; f < NFAM; f++) {
				if (!p->has[f])
					continue;
				out_printf(o, "%s{\"ip\": \"", n++ ? ", " : "");
				render_addr(o, &p->ip[f]);
				out_printf(o, "\"}");
			}
			out_printf(o, "]");
		}
		out_printf(o, "}");
	}
	out_printf(o, "}");
}

static void render_ns(struct out *o, const struct r_ns *ns)
{
	/* labels without the implied metadata.name label unless it is written */
	out_printf(o,
		   "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": "
		   "\"%s\", \"labels\": ",
		   ns->name);
	render_labels(o, ns->labels.v, ns->labels.n - (ns->write_name_label ? 0 : 1));
	out_printf(o, "}}");
}

static void render_node(struct out *o, const struct r_node *n)
{
	out_printf(o,
		   "{\"apiVersion\": \"v1\", \"kind\": \"Node\", \"metadata\": {\"name\": "
		   "\"%s\", \"labels\": ",
		   n->name);
	render_labels(o, n->labels.v, n->labels.n);
	out_printf(o, "}, \"status\": {\"addresses\": [");
	for (int i = 0; i < n->naddrs; i++) {
		out_printf(o, "%s{\"type\": \"%s\", \"address\": \"", i ? ", " : "",
			   i ? "ExternalIP" : "InternalIP");
		render_addr(o, &n->addrs[i]);
		out_printf(o, "\"}");
	}
	out_printf(o, "]}}");
}

/* plain_ok: s[0..n) can be written without quotes and still reads as that string */
static bool plain_ok(const char *s, size_t n)
{
	static const char *const special[] = { "y",   "n",    "yes",   "no",  "on",
					       "off", "true", "false", "null" };
	if (!n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-",
			    s[i]))
			return false;
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (strlen(special[i]) == n && !strncasecmp(s, special[i], n))
			return false;
	return true;
}

/* unquote: drop the quotes around every string of text that reads the same without them */
static void unquote(char *text)
{
	char *w = text;
	for (const char *r = text; *r;) {
		const char *end;
		if (*r != '"' || !(end = strchr(r + 1, '"'))) {
			*w++ = *r++;
			continue;
		}
		if (plain_ok(r + 1, (size_t)(end - r - 1))) {
			memmove(w, r + 1, (size_t)(end - r - 1));
			w += end - r - 1;
		} else {
			memmove(w, r, (size_t)(end - r + 1));
			w += end - r + 1;
		}
		r = end + 1;
	}
	*w = '\0';
}

/* cluster-wide policies, rendered (see gen_cluster) */

/*
 * render_pods_sel: a NamespacedPod; v1alpha2 (cnp) may leave out an empty
 * namespaceSelector, which then means every namespace.
 */
static void render_pods_sel(struct out *o, const struct r_sel *ns, const struct r_sel *pod,
			    bool cnp)
{
	out_printf(o, "{\"pods\": {");
	if (!cnp || ns->nml || ns->nex) {
		out_printf(o, "\"namespaceSelector\": ");
		render_sel(o, ns);
		out_printf(o, ", ");
	}
	out_printf(o, "\"podSelector\": ");
	render_sel(o, pod);
	out_printf(o, "}}");
}

static void render_apeer(struct out *o, const struct r_apeer *pe, bool cnp)
{
	switch (pe->kind) {
	case AK_NS:
		out_printf(o, "{\"namespaces\": ");
		render_sel(o, &pe->ns);
		out_printf(o, "}");
		break;
	case AK_PODS:
		render_pods_sel(o, &pe->ns, &pe->pod, cnp);
		break;
	case AK_NODES:
		out_printf(o, "{\"nodes\": ");
		render_sel(o, &pe->pod);
		out_printf(o, "}");
		break;
	case AK_NETS:
		out_printf(o, "{\"networks\": [");
		for (int i = 0; i < pe->nnets; i++) {
			out_printf(o, "%s", i ? ", " : "");
			render_cidr(o, &pe->nets[i]);
		}
		out_printf(o, "]}");
		break;
	}
}

static void render_aport(struct out *o, const struct r_aport *pt)
{
	if (pt->kind == AP_NAMED)
		out_printf(o, "{\"namedPort\": \"%s\"}", pt->name);
	else if (pt->kind == AP_NUM)
		out_printf(o, "{\"portNumber\": {\"protocol\": \"%s\", \"port\": %d}}",
			   proto_names[pt->proto], pt->port);
	else
		out_printf(o, "{\"portRange\": {\"protocol\": \"%s\", \"start\": %d, \"end\": %d}}",
			   proto_names[pt->proto], pt->port, pt->end);
}

/* render_protocol: a v1alpha2 protocols entry; a range needs start < end: one port is a number */
static void render_protocol(struct out *o, const struct r_aport *pt)
{
	static const char *const keys[R_NPROTO] = { "tcp", "udp", "sctp" };
	if (pt->kind == AP_NAMED)
		out_printf(o, "{\"destinationNamedPort\": \"%s\"}", pt->name);
	else if (pt->kind == AP_NUM || pt->end == pt->port)
		out_printf(o, "{\"%s\": {\"destinationPort\": {\"number\": %d}}}", keys[pt->proto],
			   pt->port);
	else
		out_printf(o,
			   "{\"%s\": {\"destinationPort\": {\"range\": {\"start\": %d, \"end\": "
			   "%d}}}}",
			   keys[pt->proto], pt->port, pt->end);
}

static void render_cluster_head(struct out *o, const struct r_anp *a, bool cnp)
{
	if (cnp)
		out_printf(o,
			   "{\"apiVersion\": \"policy.networking.k8s.io/v1alpha2\", \"kind\": "
			   "\"ClusterNetworkPolicy\", \"metadata\": {\"name\": \"%s\"}, \"spec\": "
			   "{\"tier\": \"%s\", ",
			   a->name, a->baseline ? "Baseline" : "Admin");
	else
		out_printf(
			o,
			"{\"apiVersion\": \"policy.networking.k8s.io/v1alpha1\", \"kind\": \"%s\", "
			"\"metadata\": {\"name\": \"%s\"}, \"spec\": {",
			a->baseline ? "BaselineAdminNetworkPolicy" : "AdminNetworkPolicy", a->name);
	if (cnp || !a->baseline)
		out_printf(o, "\"priority\": %d, ", a->priority);
	if (a->subj_pods) {
		out_printf(o, "\"subject\": ");
		render_pods_sel(o, &a->subj_ns, &a->subj_pod, cnp);
	} else {
		out_printf(o, "\"subject\": {\"namespaces\": ");
		render_sel(o, &a->subj_ns);
		out_printf(o, "}");
	}
}

static void render_cluster(struct out *o, const struct r_anp *a, bool cnp)
{
	render_cluster_head(o, a, cnp);
	for (int dir = 0; dir < 2; dir++) {
		if (!a->nrules[dir])
			continue;
		out_printf(o, ", \"%s\": [", dir == D_IN ? "ingress" : "egress");
		for (int r = 0; r < a->nrules[dir]; r++) {
			const struct r_arule *ru = &a->rules[dir][r];
			out_printf(o, "%s{\"action\": \"%s\", \"%s\": [", r ? ", " : "",
				   cnp && ru->action == AA_ALLOW ? "Accept"
								 : aaction_names[ru->action],
				   dir == D_IN ? "from" : "to");
			for (int k = 0; k < ru->npeers; k++) {
				out_printf(o, "%s", k ? ", " : "");
				render_apeer(o, &ru->peers[k], cnp);
			}
			out_printf(o, "]");
			if (ru->nports) {
				out_printf(o, ", \"%s\": [", cnp ? "protocols" : "ports");
				for (int k = 0; k < ru->nports; k++) {
					out_printf(o, "%s", k ? ", " : "");
					if (cnp)
						render_protocol(o, &ru->ports[k]);
					else
						render_aport(o, &ru->ports[k]);
				}
				out_printf(o, "]");
			}
			out_printf(o, "}");
		}
		out_printf(o, "]");
	}
	out_printf(o, "}}");
}

/* render: the whole case, as a YAML stream of flow documents or as one JSON List */
static char *render(const struct r_case *c)
{
	struct out o = { 0 };
	int n = 0;
	const char *pre = c->json ? "" : "---\n";
	const char *post = c->json ? "" : "\n";
#define SEP() out_printf(&o, "%s%s", n++ && c->json ? ",\n" : "", pre)

	render_compress = c->compress;
	if (c->json)
		out_printf(&o, "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n");
	/* policies first sometimes: order must not matter */
	for (int pass = 0; pass < 2; pass++) {
		bool policies = (pass == 0) == (c->seed % 2 == 0);
		if (policies) {
			for (int i = 0; i < c->ntiers; i++) {
				SEP();
				render_tier(&o, &c->tiers[i]);
				out_printf(&o, "%s", post);
			}
			for (int i = 0; i < c->npol; i++) {
				SEP();
				if (c->pol[i].kind == PO_K8S)
					render_policy(&o, c, &c->pol[i]);
				else
					render_cpolicy(&o, c, &c->pol[i]);
				out_printf(&o, "%s", post);
			}
			for (int i = 0; i < c->nanp; i++) {
				SEP();
				render_cluster(&o, &c->anp[i], c->cnp);
				out_printf(&o, "%s", post);
			}
			continue;
		}
		for (int i = 0; i < c->nns; i++) {
			if (!c->ns[i].declared)
				continue;
			SEP();
			render_ns(&o, &c->ns[i]);
			out_printf(&o, "%s", post);
		}
		for (int i = 0; i < c->npods; i++) {
			SEP();
			render_pod(&o, c, &c->pods[i]);
			out_printf(&o, "%s", post);
		}
		for (int i = 0; i < c->nnodes; i++) {
			SEP();
			render_node(&o, &c->nodes[i]);
			out_printf(&o, "%s", post);
		}
	}
	if (c->json)
		out_printf(&o, "\n]}\n");
	if (!o.buf)
		out_printf(&o, "%s", "");
#undef SEP
	if (c->plain)
		unquote(o.buf);
	return o.buf;
}

/* ---- the comparison ---- */

static struct addr to_addr(const struct r_addr *a)
{
	struct addr r;
	memset(&r, 0, sizeof(r));
	r.family = a->fam == F4 ? AF4 : AF6;
	for (int i = 0; i < (a->fam == F4 ? 4 : 16); i++)
		r.v = r.v << 8 | a->b[i];
	return r;
}

static void end_name(const struct r_case *c, const struct bf_end *e, char *buf, size_t n)
{
	struct out o = { 0 };
	if (e->pod >= 0)
		out_printf(&o, "%s/%s", c->ns[c->pods[e->pod].ns].name, c->pods[e->pod].name);
	if (e->has_addr) {
		out_printf(&o, "%s", e->pod >= 0 ? " (" : "");
		render_addr(&o, &e->addr);
		out_printf(&o, "%s", e->pod >= 0 ? ")" : "");
	} else if (e->pod >= 0) {
		out_printf(&o, " (no address of this family)");
	}
	snprintf(buf, n, "%s", o.buf ? o.buf : "");
	free(o.buf);
}

static size_t cells_checked, cells_allowed, sides_by_rule, sides_by_deny, sides_isolated;
static int reports;

static void report(const struct r_case *c, const char *text, const char *what)
{
	fflush(stdout);
	fprintf(stderr,
		"\n==== random case with seed %llu (rerun: NETPOLC_RANDOM_SEED=%llu "
		"NETPOLC_RANDOM_CASES=1)\n%s\n---- input:\n%s\n",
		(unsigned long long)c->seed, (unsigned long long)c->seed, what, text);
}

/* no_packet: a pod end without an address of family f that has one of the other family */
static bool no_packet(const struct r_case *c, const struct bf_end *e, int f)
{
	return c->addr_cells_only && e->pod >= 0 && !c->pods[e->pod].has[f] &&
	       c->pods[e->pod].has[1 - f];
}

/*
 * check_groups: endpoints that share a group number after the passes
 * decide every cell alike, in both directions (the backends emit one
 * program per group).  0 when they do.
 */
static int check_groups(const struct r_case *c, const char *text, struct tl_ctx *ctx,
			const struct pod *const *mp, const struct eval_peer *peers,
			const struct bf_end *ends, int n, int f)
{
	for (int i = 0; i < c->npods; i++) {
		const struct ir_endpoint *a = &ctx->ir.eps[mp[i]->index];
		for (int j = i + 1; j < c->npods; j++) {
			const struct ir_endpoint *b = &ctx->ir.eps[mp[j]->index];
			if (a->group != b->group)
				continue;
			for (int k = 0; k < n; k++) {
				if (no_packet(c, &ends[k], f))
					continue;
				for (int proto = 0; proto < R_NPROTO; proto++) {
					for (size_t q = 0;
					     q < sizeof(check_ports) / sizeof(check_ports[0]);
					     q++) {
						int port = check_ports[q];
						for (int dir = 0; dir < NDIR; dir++) {
							struct eval_side sa, sb;
							char pn[160], msg[600];
							eval_dir(a, (enum dir)dir, &peers[k], proto,
								 (uint16_t)port, &sa);
							eval_dir(b, (enum dir)dir, &peers[k], proto,
								 (uint16_t)port, &sb);
							if (sa.allowed == sb.allowed)
								continue;
							if (reports++ >= MAX_REPORTS)
								return -1;
							end_name(c, &ends[k], pn, sizeof(pn));
							snprintf(msg, sizeof(msg),
								 "%s/%s and %s/%s share group %zu, "
								 "but "
								 "%s with peer %s %s/%d IPv%d is "
								 "%s for "
								 "the first, %s for the second",
								 c->ns[c->pods[i].ns].name,
								 c->pods[i].name,
								 c->ns[c->pods[j].ns].name,
								 c->pods[j].name, a->group,
								 dir_name((enum dir)dir), pn,
								 proto_names[proto], port,
								 f == F4 ? 4 : 6,
								 sa.allowed ? "allowed" : "denied",
								 sb.allowed ? "allowed" : "denied");
							report(c, text, msg);
							return -1;
						}
					}
				}
			}
		}
	}
	return 0;
}

/*
 * conns_agree: the symbolic connection set from s to d (ir/conns.c) holds
 * exactly the probed cells eval_conn allows, protocols without ports
 * included, and each allowed cell's piece names eval's deciding rules.
 */
static bool conns_agree(const struct eval_peer *s, const struct eval_peer *d, char *why, size_t n)
{
	struct conns cs;
	bool ok = true;
	conns_between(s, d, &cs);
	for (int proto = -1; proto < NPROTO && ok; proto++) {
		for (size_t k = 0; k < sizeof(check_ports) / sizeof(check_ports[0]) && ok; k++) {
			uint16_t port = (uint16_t)check_ports[k];
			struct eval_result res;
			bool got = eval_conn(s, d, proto, port, &res);
			if (connset_contains(&cs.all, proto, port) != got) {
				snprintf(why, n, "conns says %s for %s/%u, eval says %s",
					 got ? "deny" : "allow",
					 proto < 0 ? "other" : proto_name(proto), port,
					 got ? "allow" : "deny");
				ok = false;
			}
			for (size_t i = 0; i < cs.n && ok && got; i++) {
				if (!connset_contains(&cs.v[i].set, proto, port))
					continue;
				for (int dir = 0; dir < NDIR; dir++)
					if (cs.v[i].rule[dir] != res.side[dir].rule) {
						snprintf(why, n,
							 "conns names another %s rule for %s/%u",
							 dir_name(dir),
							 proto < 0 ? "other" : proto_name(proto),
							 port);
						ok = false;
					}
			}
		}
	}
	conns_release(&cs);
	return ok;
}

/* check_case: 0 when the pipeline agrees with the brute force on every cell */
static int check_case(const struct r_case *c)
{
	char *text = render(c);
	struct tl_ctx *ctx = tl_parse(text);
	struct bf_end ends[MAXPODS + NEXT];
	struct eval_peer peers[MAXPODS + NEXT];
	const struct pod *mp[MAXPODS];
	int rc = 0;

	if (getenv("NETPOLC_RANDOM_VERBOSE"))
		fprintf(stderr, "---- seed %llu\n%s", (unsigned long long)c->seed, text);
	if (!ctx->have_ir) {
		if (reports++ < MAX_REPORTS) {
			report(c, text, "the generated input does not load:");
			tl_diag_dump(ctx);
		}
		rc = -1;
		goto out;
	}
	if ((int)ctx->model.npods != c->npods) {
		if (reports++ < MAX_REPORTS) {
			char msg[128];
			snprintf(msg, sizeof(msg), "the model has %zu pods, the case %d",
				 ctx->model.npods, c->npods);
			report(c, text, msg);
		}
		rc = -1;
		goto out;
	}
	for (int i = 0; i < c->npods; i++) {
		mp[i] = model_pod(&ctx->model, c->ns[c->pods[i].ns].name, c->pods[i].name);
		assert_non_null(mp[i]);
		assert_true(mp[i]->index < ctx->ir.neps && ctx->ir.eps[mp[i]->index].pod == mp[i]);
	}
	/*
	 * Round 0 judges the resolved IR, round 1 the IR after every pass
	 * (merge, grouping): the passes must not change a single verdict.
	 */
	for (int round = 0; round < 2 && !rc; round++)
		for (int f = 0; f < NFAM && !rc; f++) {
			int n = 0;
			if (round == 1 && f == 0)
				assert_int_equal(passes_run(&ctx->ir, &ctx->diag, NULL, NULL), 0);
			for (int i = 0; i < c->npods; i++, n++) {
				ends[n].pod = i;
				ends[n].has_addr = c->pods[i].has[f];
				ends[n].addr = c->pods[i].ip[f];
				eval_peer_pod(&peers[n], mp[i], &ctx->ir.eps[mp[i]->index],
					      f == F4 ? AF4 : AF6);
			}
			for (int i = 0; i < NEXT; i++, n++) {
				ends[n].pod = -1;
				ends[n].has_addr = true;
				ends[n].addr = c->ext[f][i];
				memset(&peers[n], 0, sizeof(peers[n]));
				peers[n].has_addr = true;
				peers[n].addr = to_addr(&c->ext[f][i]);
			}
			for (int s = 0; s < n && !rc; s++) {
				for (int d = 0; d < n && !rc; d++) {
					char why[200];
					if (ends[s].pod < 0 && ends[d].pod < 0)
						continue;
					if (!conns_agree(&peers[s], &peers[d], why, sizeof(why))) {
						rc = -1;
						if (reports++ < MAX_REPORTS)
							report(c, text, why);
						break;
					}
					if (no_packet(c, &ends[s], f) || no_packet(c, &ends[d], f))
						continue;
					for (int proto = 0; proto < R_NPROTO && !rc; proto++) {
						for (size_t k = 0;
						     k <
						     sizeof(check_ports) / sizeof(check_ports[0]);
						     k++) {
							int port = check_ports[k];
							struct eval_result res;
							bool want[2], got;
							bf_conn(c, &ends[s], &ends[d], proto, port,
								want);
							got = eval_conn(&peers[s], &peers[d], proto,
									(uint16_t)port, &res);
							cells_checked++;
							cells_allowed += got;
							for (int dir = 0; dir < NDIR; dir++) {
								sides_isolated +=
									res.side[dir].isolated;
								sides_by_rule +=
									res.side[dir].rule != NULL;
								sides_by_deny +=
									res.side[dir].rule &&
									res.side[dir].rule
											->action ==
										ACT_DENY;
							}
							if (got == (want[D_EG] && want[D_IN]) &&
							    res.side[DIR_EGRESS].allowed ==
								    want[D_EG] &&
							    res.side[DIR_INGRESS].allowed ==
								    want[D_IN])
								continue;
							rc = -1;
							if (reports++ < MAX_REPORTS) {
								char sn[160], dn[160], msg[600];
								end_name(c, &ends[s], sn,
									 sizeof(sn));
								end_name(c, &ends[d], dn,
									 sizeof(dn));
								snprintf(
									msg, sizeof(msg),
									"%scell %s -> %s %s/%d "
									"IPv%d: "
									"expected %s "
									"(egress %s, ingress %s), "
									"netpolc "
									"says %s "
									"(egress %s, ingress %s)",
									round ? "after the passes: "
									      : "",
									sn, dn, proto_names[proto],
									port, f == F4 ? 4 : 6,
									want[D_EG] && want[D_IN]
										? "allow"
										: "deny",
									want[D_EG] ? "allow"
										   : "deny",
									want[D_IN] ? "allow"
										   : "deny",
									got ? "allow" : "deny",
									res.side[DIR_EGRESS].allowed
										? "allow"
										: "deny",
									res.side[DIR_INGRESS]
											.allowed
										? "allow"
										: "deny");
								report(c, text, msg);
							}
							break;
						}
					}
				}
			}
			if (round == 1 && !rc)
				rc = check_groups(c, text, ctx, mp, peers, ends, n, f);
		}
out:
	tl_release(ctx);
	free(text);
	return rc;
}

static unsigned long env_ulong(const char *name, unsigned long dflt)
{
	const char *s = getenv(name);
	char *end;
	unsigned long v;
	if (!s || !*s)
		return dflt;
	v = strtoul(s, &end, 0);
	if (*end) {
		fprintf(stderr, "%s: not a number: '%s'\n", name, s);
		return dflt;
	}
	return v;
}

static void test_random_against_brute_force(void **state)
{
	unsigned long ncases = env_ulong("NETPOLC_RANDOM_CASES", DEFAULT_CASES);
	uint64_t seed = env_ulong("NETPOLC_RANDOM_SEED", DEFAULT_SEED);
	struct r_case *c = calloc(1, sizeof(*c));
	unsigned long failed = 0;
	clock_t t0 = clock();
	(void)state;

	assert_non_null(c);
	for (unsigned long i = 0; i < ncases; i++) {
		gen_case(c, seed + i);
		if (check_case(c))
			failed++;
	}
	free(c);
	fprintf(stderr,
		"test_random: %lu cases from seed %llu, %zu cells (%zu allowed; of %zu sides, "
		"%zu isolated, %zu decided by a rule, %zu of them by a deny rule), %lu failed, "
		"%.1f s\n",
		ncases, (unsigned long long)seed, cells_checked, cells_allowed, 2 * cells_checked,
		sides_isolated, sides_by_rule, sides_by_deny, failed,
		(double)(clock() - t0) / CLOCKS_PER_SEC);
	assert_int_equal(failed, 0);
}

/* ---- diff: random policy pairs against the cell-by-cell difference of eval ---- */

/*
 * mutate: one change of c as a reviewer meets it (a pod's labels, a policy
 * added or removed, a port widened, an ipBlock except added, policyTypes
 * changed, a Calico deny rule added, a pod removed); when the kind drawn
 * finds nothing to change, a policy is replaced by a new random one.
 * Returns the name of the change, for the report.
 */
static const char *mutate(struct r_case *c)
{
	int kind = rnd(8), i = c->npol ? rnd(c->npol) : -1;
	struct r_policy *p = i >= 0 ? &c->pol[i] : NULL;

	switch (kind) {
	case 0: {
		struct r_pod *q = &c->pods[rnd(c->npods)];
		gen_labels(&q->labels, pod_keys, 3, pod_values, 7, 60);
		q->no_labels = !q->labels.n && chance(50);
		return "pod labels changed";
	}
	case 1:
		if (c->npol == MAXPOL)
			break;
		if (c->ntiers && chance(50))
			gen_cpolicy(c, MAXPOL + c->npol, &c->pol[c->npol]);
		else
			gen_policy(c, MAXPOL + c->npol, &c->pol[c->npol]);
		c->npol++;
		return "policy added";
	case 2:
		if (!p)
			break;
		memmove(p, p + 1, (size_t)(c->npol - i - 1) * sizeof(*p));
		c->npol--;
		return "policy removed";
	case 3:
		for (int dir = 0; p && p->kind == PO_K8S && dir < 2; dir++)
			for (int r = 0; r < p->nrules[dir]; r++)
				for (int k = 0; k < p->rules[dir][r].nports; k++) {
					struct r_port *pt = &p->rules[dir][r].ports[k];
					if (pt->kind != PT_NUM || pt->end == 65535)
						continue;
					pt->end = 65535;
					return "port widened";
				}
		break;
	case 4:
		for (int dir = 0; p && p->kind == PO_K8S && dir < 2; dir++)
			for (int r = 0; r < p->nrules[dir]; r++)
				for (int k = 0; k < p->rules[dir][r].npeers; k++) {
					struct r_ipblock *b = &p->rules[dir][r].peers[k].ipb;
					int fam = b->cidr.a.fam, span = maxlen(fam) - b->cidr.len;
					struct r_cidr *e;
					if (p->rules[dir][r].peers[k].kind != PK_IPBLOCK ||
					    b->nexcept == MAXEXCEPT || span < 1)
						continue;
					e = &b->except[b->nexcept++];
					e->len = b->cidr.len + 1 + rnd(span);
					e->a = b->cidr.a;
					randomize_after(&e->a, b->cidr.len);
					mask(&e->a, e->len);
					b->empty_except = false;
					return "ipBlock except added";
				}
		break;
	case 5:
		if (!p || p->kind != PO_K8S)
			break;
		p->types_mode = TY_EXPLICIT;
		do {
			p->types[D_IN] = chance(50);
			p->types[D_EG] = chance(50);
		} while (!p->types[D_IN] && !p->types[D_EG]);
		return "policyTypes changed";
	case 6:
		if (!p || p->kind == PO_K8S || p->ncrules[D_IN] == MAXRULES)
			break;
		memmove(&p->crules[D_IN][1], &p->crules[D_IN][0],
			(size_t)p->ncrules[D_IN] * sizeof(p->crules[D_IN][0]));
		gen_crule(c, &p->crules[D_IN][0]);
		p->crules[D_IN][0].action = A_DENY;
		p->ncrules[D_IN]++;
		if (p->types_mode == TY_EXPLICIT)
			p->types[D_IN] = true;
		return "Calico deny added";
	default:
		if (c->npods < 2)
			break;
		i = rnd(c->npods);
		memmove(&c->pods[i], &c->pods[i + 1],
			(size_t)(c->npods - i - 1) * sizeof(c->pods[0]));
		c->npods--;
		return "pod removed";
	}
	if (!p)
		return "nothing changed";
	if (p->kind == PO_K8S)
		gen_policy(c, MAXPOL + i, p);
	else
		gen_cpolicy(c, MAXPOL + i, p);
	return "policy replaced";
}

/* One peer of a diff: the pods of a group on each side (by name), or an address. */
struct dpeer {
	const char *name;
	const struct pod *pods[2][MAXPODS];
	int npods[2];
	bool has_addr;
	struct addr addr;
};

/* group_name: the name diff --by gives pod p (ir/review.h), in the arena. */
static const char *group_name(const struct pod *p, enum review_by by, struct arena *a)
{
	if (by == REVIEW_BY_NAMESPACE)
		return p->ns;
	if (by == REVIEW_BY_WORKLOAD && p->workload)
		return arena_printf(a, "%s/%s", p->workload->ns, p->workload->name);
	return arena_printf(a, "%s/%s", p->ns, p->name);
}

static int peers_of(struct tl_ctx *ctx[2], enum review_by by, struct arena *a, struct dpeer *v)
{
	int n = 0;
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < ctx[s]->model.npods; i++) {
			const struct pod *p = ctx[s]->model.pods[i];
			const char *name;
			int k = 0;
			if (p->folded)
				continue;
			name = group_name(p, by, a);
			while (k < n && strcmp(v[k].name, name))
				k++;
			if (k == n) {
				memset(&v[n], 0, sizeof(v[n]));
				v[n++].name = name;
			}
			v[k].pods[s][v[k].npods[s]++] = p;
		}
	return n;
}

/* peer_of: an eval peer for member k of side s of d (an address when d is one). */
static void peer_of(struct tl_ctx *ctx, const struct dpeer *d, int s, int k, int family,
		    struct eval_peer *out)
{
	const struct pod *p;
	memset(out, 0, sizeof(*out));
	if (d->has_addr) {
		out->has_addr = true;
		out->addr = d->addr;
		return;
	}
	p = d->pods[s][k];
	eval_peer_pod(out, p, p->index < ctx->ir.neps ? &ctx->ir.eps[p->index] : NULL, family);
}

/* allowed_union: some member pair of side s from f to t allows (proto, port). */
static bool allowed_union(struct tl_ctx *ctx, int s, const struct dpeer *f, const struct dpeer *t,
			  int family, int proto, uint16_t port)
{
	int nf = f->has_addr ? 1 : f->npods[s], nt = t->has_addr ? 1 : t->npods[s];
	for (int i = 0; i < nf; i++)
		for (int j = 0; j < nt; j++) {
			struct eval_peer a, b;
			struct eval_result res;
			peer_of(ctx, f, s, i, family, &a);
			peer_of(ctx, t, s, j, family, &b);
			if (eval_conn(&a, &b, proto, port, &res))
				return true;
		}
	return false;
}

/*
 * cells_agree: the change c (NULL: none reported) from f to t is exactly
 * the cell-by-cell difference of eval over the probed ports (each bound
 * of a generated range and its neighbours, so every difference of sets
 * built from those bounds shows on one of them) and the protocols without
 * ports.  why gets the first disagreement.
 */
static bool cells_agree(struct tl_ctx *ctx[2], const struct dpeer *f, const struct dpeer *t,
			int family, const struct review_change *c, char *why, size_t n)
{
	bool differs = false;
	for (int proto = -1; proto < NPROTO; proto++)
		for (size_t k = 0; k <= sizeof(check_ports) / sizeof(check_ports[0]); k++) {
			/* port 0 too: the neighbour of a range from 1 ("all" vs 1-65535) */
			uint16_t port = k ? (uint16_t)check_ports[k - 1] : 0;
			bool v[2];
			for (int s = 0; s < 2; s++)
				v[s] = allowed_union(ctx[s], s, f, t, family, proto, port);
			differs |= v[0] != v[1];
			for (int s = 0; c && s < 2; s++) {
				if (connset_contains(s ? &c->ns : &c->os, proto, port) == v[s])
					continue;
				snprintf(why, n, "%s -> %s %s/%u: diff's %s set %s it, eval %s it",
					 f->name, t->name, proto < 0 ? "other" : proto_name(proto),
					 port, s ? "new" : "old", v[s] ? "lacks" : "holds",
					 v[s] ? "allows" : "denies");
				return false;
			}
		}
	if (differs == (c != NULL))
		return true;
	snprintf(why, n, "%s -> %s: %s", f->name, t->name,
		 c ? "diff reports a change no probed cell shows"
		   : "some probed cell changes, diff reports nothing");
	return false;
}

/* ext_peer: the peer named by an external group (its first prefix's first address), or false. */
static bool ext_peer(const char *name, struct dpeer *d)
{
	struct prefix px;
	bool host;
	const char *why, *comma = strchr(name, ',');
	if (prefix_parse_n(name, comma ? (size_t)(comma - name) : strlen(name), &px, &host, &why))
		return false;
	memset(d, 0, sizeof(*d));
	d->name = name;
	d->has_addr = true;
	d->addr = px.a;
	return true;
}

/* ext_holds: the external group called name holds a. */
static bool ext_holds(const char *name, const struct addr *a)
{
	while (*name) {
		const char *comma = strchr(name, ',');
		size_t n = comma ? (size_t)(comma - name) : strlen(name);
		struct prefix px;
		bool host;
		const char *why;
		if (!prefix_parse_n(name, n, &px, &host, &why) && prefix_contains(&px, a))
			return true;
		name += n + (comma != NULL);
	}
	return false;
}

/*
 * check_diff: the changes diff computes (review_diff, what `diff --by by`
 * prints) of the two sides, for family, against eval: every pair of groups
 * (and of a group and each external address of the case) is reported iff
 * a probed cell of the union over its members changes, with the old and
 * new sets holding exactly the allowed cells; every reported pair with an
 * external group agrees at an address of it.
 */
static int check_diff(const struct r_case *c, struct tl_ctx *ctx[2], enum review_by by, int family,
		      char *why, size_t n)
{
	const struct ir *irs[2] = { &ctx[0]->ir, &ctx[1]->ir };
	struct arena a = ARENA_INIT;
	struct dpeer peers[2 * MAXPODS + NEXT];
	struct conns_ext *ext;
	struct review r[2];
	struct review_change *ch;
	size_t next, nch;
	int np, rc = 0, fam = family == AF4 ? F4 : F6;

	conns_ext_build(irs, 2, family, &ext, &next);
	for (int s = 0; s < 2; s++)
		review_init(&r[s], irs[s], family, by, ext, next, &a);
	nch = review_diff(r, &ch);
	np = peers_of(ctx, by, &a, peers);
	for (int i = 0; i < NEXT; i++, np++) {
		memset(&peers[np], 0, sizeof(peers[np]));
		peers[np].name = "external";
		peers[np].has_addr = true;
		peers[np].addr = to_addr(&c->ext[fam][i]);
	}
	for (int i = 0; i < np && !rc; i++)
		for (int j = 0; j < np && !rc; j++) {
			const struct review_change *found = NULL;
			if (peers[i].has_addr && peers[j].has_addr)
				continue;
			for (size_t k = 0; k < nch; k++)
				if ((peers[i].has_addr ? ext_holds(ch[k].from, &peers[i].addr)
						       : !strcmp(ch[k].from, peers[i].name)) &&
				    (peers[j].has_addr ? ext_holds(ch[k].to, &peers[j].addr)
						       : !strcmp(ch[k].to, peers[j].name)))
					found = &ch[k];
			if (!cells_agree(ctx, &peers[i], &peers[j], family, found, why, n))
				rc = -1;
		}
	for (size_t k = 0; k < nch && !rc; k++) {
		struct dpeer ends[2];
		for (int e = 0; e < 2 && !rc; e++) {
			const char *name = e ? ch[k].to : ch[k].from;
			int i = 0;
			while (i < np && (peers[i].has_addr || strcmp(peers[i].name, name)))
				i++;
			if (i < np)
				ends[e] = peers[i];
			else if (!ext_peer(name, &ends[e])) {
				snprintf(why, n, "diff reports an unknown peer %s", name);
				rc = -1;
			}
		}
		if (!rc && !cells_agree(ctx, &ends[0], &ends[1], family, &ch[k], why, n))
			rc = -1;
	}
	for (size_t k = 0; k < nch; k++) {
		connset_release(&ch[k].os);
		connset_release(&ch[k].ns);
	}
	free(ch);
	for (int s = 0; s < 2; s++)
		review_release(&r[s]);
	conns_ext_release(ext, next);
	arena_release(&a);
	return rc;
}

static size_t diff_pairs_changed;

/* check_diff_case: a random case and a mutation of it, diffed every way. */
static int check_diff_case(struct r_case *c, uint64_t seed)
{
	static const char *const by_names[] = { "pod", "workload", "namespace" };
	struct r_case *c2 = malloc(sizeof(*c2));
	char *text[2];
	struct tl_ctx *ctx[2];
	const char *what;
	int rc = 0;

	assert_non_null(c2);
	gen_case(c, seed);
	*c2 = *c;
	what = mutate(c2);
	text[0] = render(c);
	text[1] = render(c2);
	ctx[0] = tl_parse(text[0]);
	ctx[1] = tl_parse(text[1]);
	for (int s = 0; s < 2 && !rc; s++) {
		if (!ctx[s]->have_ir) {
			report(s ? c2 : c, text[s], "the generated input does not load:");
			tl_diag_dump(ctx[s]);
			rc = -1;
		} else {
			assert_int_equal(passes_run(&ctx[s]->ir, &ctx[s]->diag, NULL, NULL), 0);
		}
	}
	for (int by = 0; by < 3 && !rc; by++)
		for (int f = 0; f < 2 && !rc; f++) {
			char why[400], msg[600];
			if (!check_diff(c, ctx, (enum review_by)by, f ? AF6 : AF4, why,
					sizeof(why)))
				continue;
			rc = -1;
			if (reports++ >= MAX_REPORTS)
				break;
			snprintf(msg, sizeof(msg), "diff --by %s --family %d after '%s': %s",
				 by_names[by], f ? 6 : 4, what, why);
			report(c, text[0], msg);
			fprintf(stderr, "---- new input:\n%s\n", text[1]);
		}
	diff_pairs_changed += strcmp(text[0], text[1]) != 0;
	for (int s = 0; s < 2; s++) {
		tl_release(ctx[s]);
		free(text[s]);
	}
	free(c2);
	return rc;
}

static void test_random_diff(void **state)
{
	unsigned long ncases = env_ulong("NETPOLC_RANDOM_DIFF_CASES", DEFAULT_DIFF_CASES);
	uint64_t seed = env_ulong("NETPOLC_RANDOM_SEED", DEFAULT_SEED);
	struct r_case *c = calloc(1, sizeof(*c));
	unsigned long failed = 0;
	clock_t t0 = clock();
	(void)state;

	assert_non_null(c);
	for (unsigned long i = 0; i < ncases; i++)
		if (check_diff_case(c, seed + i))
			failed++;
	free(c);
	fprintf(stderr,
		"test_random_diff: %lu pairs from seed %llu (%zu with a change of input), "
		"%lu failed, %.1f s\n",
		ncases, (unsigned long long)seed, diff_pairs_changed, failed,
		(double)(clock() - t0) / CLOCKS_PER_SEC);
	assert_int_equal(failed, 0);
}

/* The brute force itself, on hand-checked cells (a wrong oracle proves nothing). */
static void test_random_oracle_sanity(void **state)
{
	struct r_case c;
	struct r_cidr cidr = { { F4, { 10, 0, 1, 77 } }, 24 };
	struct r_addr in = { F4, { 10, 0, 1, 200 } }, out = { F4, { 10, 0, 2, 1 } };
	struct r_addr v6 = { F6, { 0xfd } };
	struct r_labels ls = { { { "app", "a" } }, 1 };
	struct r_sel sel;
	struct bf_end a = { 0, true, { F4, { 10, 0, 0, 1 } } };
	struct bf_end b = { 1, true, { F4, { 10, 0, 0, 2 } } };
	bool v[2];
	(void)state;

	assert_true(bf_in_cidr(&in, &cidr));
	assert_false(bf_in_cidr(&out, &cidr));
	assert_false(bf_in_cidr(&v6, &cidr));
	cidr.len = 0;
	assert_true(bf_in_cidr(&out, &cidr));
	assert_false(bf_in_cidr(&v6, &cidr));

	memset(&sel, 0, sizeof(sel));
	assert_true(bf_sel_match(&sel, &ls));
	sel.nex = 1;
	sel.ex[0].key = "tier";
	sel.ex[0].op = OP_NOTIN;
	sel.ex[0].values[0] = "web";
	sel.ex[0].nvalues = 1;
	assert_true(bf_sel_match(&sel, &ls));
	sel.ex[0].op = OP_IN;
	assert_false(bf_sel_match(&sel, &ls));
	sel.ex[0].key = "app";
	sel.ex[0].values[0] = "a";
	assert_true(bf_sel_match(&sel, &ls));
	sel.ex[0].op = OP_DNE;
	assert_false(bf_sel_match(&sel, &ls));

	/* one namespace, two pods; a policy isolating pod 1 with egress: [] and no types */
	memset(&c, 0, sizeof(c));
	c.nns = 1;
	snprintf(c.ns[0].name, sizeof(c.ns[0].name), "ns0");
	c.npods = 2;
	c.pods[1].labels = ls;
	c.npol = 1;
	c.pol[0].podsel.nml = 1;
	c.pol[0].podsel.ml[0] = ls.v[0];
	c.pol[0].rules_mode[D_EG] = M_EMPTY;
	bf_conn(&c, &a, &b, R_TCP, 80, v);
	assert_true(v[D_EG]);
	assert_false(v[D_IN]);
	bf_conn(&c, &b, &a, R_TCP, 80, v);
	assert_true(v[D_EG]); /* rule 6: egress: [] does not add Egress */
	assert_true(v[D_IN]);
	/* an ingress rule {} admits everything */
	c.pol[0].rules_mode[D_IN] = M_LIST;
	c.pol[0].nrules[D_IN] = 1;
	bf_conn(&c, &a, &b, R_SCTP, 9, v);
	assert_true(v[D_IN]);

	/* tiers: ta (order 100, ends in Deny) holds a Calico policy for pod 1 */
	c.pol[0].rules_mode[D_IN] = M_EMPTY; /* Kubernetes: pod 1 default-deny ingress */
	c.pol[0].nrules[D_IN] = 0;
	c.ntiers = 1;
	snprintf(c.tiers[0].name, sizeof(c.tiers[0].name), "ta");
	c.tiers[0].has_order = true;
	c.tiers[0].order = 100;
	c.npol = 2;
	memset(&c.pol[1], 0, sizeof(c.pol[1]));
	c.pol[1].kind = PO_CNP;
	c.pol[1].tier = 1;
	snprintf(c.pol[1].name, sizeof(c.pol[1].name), "ta.cp1");
	c.pol[1].podsel = c.pol[0].podsel;
	c.pol[1].ncrules[D_IN] = 1;
	c.pol[1].crules[D_IN][0].action = A_PASS;
	c.pol[1].crules[D_IN][0].proto = -1;
	bf_conn(&c, &a, &b, R_TCP, 80, v);
	assert_false(v[D_IN]); /* Pass lands on tier default, which denies */
	c.pol[1].crules[D_IN][0].action = A_ALLOW;
	bf_conn(&c, &a, &b, R_TCP, 80, v);
	assert_true(v[D_IN]); /* decided in ta, before default */
	c.pol[1].crules[D_IN][0].action = A_DENY;
	bf_conn(&c, &a, &b, R_TCP, 80, v);
	assert_false(v[D_IN]);
	c.pol[1].crules[D_IN][0].action = A_PASS;
	c.npol = 1;
	c.pol[0] = c.pol[1]; /* no Kubernetes policy: Pass leaves the last tier: allowed */
	bf_conn(&c, &a, &b, R_TCP, 80, v);
	assert_true(v[D_IN]);
	c.pol[0].crules[D_IN][0].proto = R_UDP; /* no rule matches: ta ends in Deny */
	bf_conn(&c, &a, &b, R_TCP, 80, v);
	assert_false(v[D_IN]);
	c.tiers[0].pass = true; /* ... or in Pass */
	bf_conn(&c, &a, &b, R_TCP, 80, v);
	assert_true(v[D_IN]);
	bf_conn(&c, &a, &b, R_UDP, 80, v);
	assert_true(v[D_IN]);
	/* ta allows UDP; a global policy in tb (order 10) denies it before ta is asked */
	c.pol[0].crules[D_IN][0].action = A_ALLOW;
	c.ntiers = 2;
	snprintf(c.tiers[1].name, sizeof(c.tiers[1].name), "tb");
	c.tiers[1].has_order = true;
	c.tiers[1].order = 10;
	c.tiers[1].pass = true;
	c.npol = 2;
	memset(&c.pol[1], 0, sizeof(c.pol[1]));
	c.pol[1].kind = PO_GNP;
	c.pol[1].tier = 2;
	snprintf(c.pol[1].name, sizeof(c.pol[1].name), "tb.cp1");
	c.pol[1].ncrules[D_IN] = 1;
	c.pol[1].crules[D_IN][0].action = A_DENY;
	c.pol[1].crules[D_IN][0].proto = R_UDP;
	bf_conn(&c, &a, &b, R_UDP, 80, v);
	assert_false(v[D_IN]);
	assert_true(v[D_EG]);	 /* no types, no egress rules: [Ingress] only */
	c.tiers[1].order = 1000; /* now after ta */
	bf_conn(&c, &a, &b, R_UDP, 80, v);
	assert_true(v[D_IN]);
	/* inside a tier, the lower policy order first */
	c.pol[1].tier = 1;
	c.pol[0].has_order = true;
	c.pol[0].order = 20;
	c.pol[1].has_order = true;
	c.pol[1].order = 10;
	bf_conn(&c, &a, &b, R_UDP, 80, v);
	assert_false(v[D_IN]);
	c.pol[1].has_order = false; /* no order: last */
	bf_conn(&c, &a, &b, R_UDP, 80, v);
	assert_true(v[D_IN]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_oracle_sanity),
		cmocka_unit_test(test_random_against_brute_force),
		cmocka_unit_test(test_random_diff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
