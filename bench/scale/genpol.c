/*
 * genpol.c - the NetworkPolicies of the generated cluster (gen.h).
 *
 * Each namespace gets its share of the policies asked for, in the order a
 * team adds them: default deny (ingress only, or both directions with a
 * DNS egress allowance), same-namespace traffic, the ingress controller,
 * Prometheus scraping, a deny for unlabelled pods; then per workload: tier
 * to tier ingress with named or numeric ports, database clients with
 * matchExpressions, egress to databases and caches, external HTTPS through
 * ipBlock with except (IPv4 and IPv6), peers in other namespaces
 * (namespaceSelector and podSelector together), port ranges (endPort) from
 * address blocks, allow-all.  When a namespace needs more, the per-workload
 * list starts again with numbered names.  policyTypes is explicit or left
 * to the defaulting; protocol is sometimes left out; most policies carry a
 * kubectl last-applied-configuration annotation, the rest Helm metadata.
 */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define MAXSEL	 4
#define MAXPEERS 3
#define MAXRULES 3
#define MAXPP	 4

struct gexpr {
	const char *key, *op;
	const char *v[MAXSEL];
	int nv;
};

struct gsel {
	bool set;
	const char *mk[MAXSEL], *mv[MAXSEL];
	int nml;
	struct gexpr ex[MAXSEL];
	int nex;
};

struct gpeer {
	struct gsel pod, ns;
	const char *cidr;
	const char *exc[MAXSEL];
	int nexc;
};

struct gport {
	const char *proto; /* NULL: left to the default (TCP) */
	int num;	   /* 0: no port (all ports of proto) */
	const char *name;
	int end;
};

struct grule {
	bool peers_given, ports_given;
	struct gpeer peers[MAXPEERS];
	int npeers;
	struct gport ports[MAXPP];
	int nports;
};

struct gpol {
	char name[128];
	const struct ns *ns;
	struct gsel sel;
	bool types_explicit, types[2];
	bool given[2]; /* ingress / egress key present */
	struct grule rules[2][MAXRULES];
	int nrules[2];
	bool helm;
	long created;
};

enum { IN, EG };

static void ml(struct gsel *s, const char *k, const char *v)
{
	s->set = true;
	s->mk[s->nml] = k;
	s->mv[s->nml++] = v;
}

static struct gexpr *mx(struct gsel *s, const char *k, const char *op)
{
	struct gexpr *e = &s->ex[s->nex++];
	s->set = true;
	e->key = k;
	e->op = op;
	return e;
}

static struct grule *rule(struct gpol *p, int dir)
{
	struct grule *r = &p->rules[dir][p->nrules[dir]++];
	p->given[dir] = true;
	return r;
}

static struct gpeer *peer(struct grule *r)
{
	r->peers_given = true;
	return &r->peers[r->npeers++];
}

static void port(struct grule *r, const char *proto, int num, const char *name, int end)
{
	struct gport *pt = &r->ports[r->nports++];
	r->ports_given = true;
	pt->proto = proto;
	pt->num = num;
	pt->name = name;
	pt->end = end;
}

static void types(struct gpol *p, bool in, bool eg)
{
	p->types_explicit = true;
	p->types[IN] = in;
	p->types[EG] = eg;
}

/* find_app: an app of n with tier t (any app if none), or NULL when n has no apps. */
static const struct app *find_app(const struct ns *n, enum tier t)
{
	int start;
	if (!n->napps)
		return NULL;
	start = (int)below((unsigned)n->napps);
	for (int i = 0; i < n->napps; i++) {
		const struct app *a = &n->apps[(start + i) % n->napps];
		if (a->tier == t)
			return a;
	}
	return &n->apps[start];
}

static const struct ns *other_team_ns(const struct ns *self)
{
	for (int tries = 0; tries < 20; tries++) {
		const struct ns *n = &nss[below((unsigned)nns)];
		if (n != self && n->kind == NS_TEAM && n->napps)
			return n;
	}
	return self;
}

static void rfc1918_except(struct gpeer *pe)
{
	pe->cidr = "0.0.0.0/0";
	pe->exc[pe->nexc++] = "10.0.0.0/8";
	pe->exc[pe->nexc++] = "172.16.0.0/12";
	pe->exc[pe->nexc++] = "192.168.0.0/16";
}

static void dns_egress(struct grule *r)
{
	struct gpeer *pe = peer(r);
	ml(&pe->ns, "kubernetes.io/metadata.name", "kube-system");
	ml(&pe->pod, "k8s-app", "kube-dns");
	port(r, "UDP", 53, NULL, 0);
	port(r, "TCP", 53, NULL, 0);
}

/*
 * Namespace-wide policies, in the order a team adds them.  Each returns
 * false when it does not apply to the namespace (then the next is used).
 */
static bool pol_default_deny(struct gpol *p, const struct ns *n)
{
	p->sel.set = true;
	if (n->deny_all) {
		snprintf(p->name, sizeof(p->name), "default-deny-all");
		types(p, true, true);
	} else {
		snprintf(p->name, sizeof(p->name), "default-deny-ingress");
		if (chance(70))
			types(p, true, false);
	}
	return true;
}

static bool pol_allow_dns(struct gpol *p, const struct ns *n)
{
	if (!n->deny_all)
		return false;
	snprintf(p->name, sizeof(p->name), "allow-dns-egress");
	p->sel.set = true;
	dns_egress(rule(p, EG));
	if (chance(60))
		types(p, false, true);
	return true;
}

static bool pol_same_ns(struct gpol *p, const struct ns *n)
{
	(void)n;
	snprintf(p->name, sizeof(p->name), "allow-same-namespace");
	p->sel.set = true;
	peer(rule(p, IN))->pod.set = true;
	if (n->deny_all) {
		peer(rule(p, EG))->pod.set = true;
		types(p, true, true);
	}
	return true;
}

static bool pol_ingress_controller(struct gpol *p, const struct ns *n)
{
	struct grule *r;
	struct gpeer *pe;
	(void)n;
	snprintf(p->name, sizeof(p->name), "allow-from-ingress-nginx");
	ml(&p->sel, "tier", "frontend");
	r = rule(p, IN);
	pe = peer(r);
	ml(&pe->ns, "kubernetes.io/metadata.name", "ingress-nginx");
	ml(&pe->pod, "app.kubernetes.io/name", "ingress-nginx");
	port(r, chance(50) ? "TCP" : NULL, 0, "http", 0);
	return true;
}

static bool pol_prometheus(struct gpol *p, const struct ns *n)
{
	struct grule *r;
	struct gpeer *pe;
	(void)n;
	snprintf(p->name, sizeof(p->name), "allow-prometheus-scrape");
	mx(&p->sel, "app", "Exists");
	r = rule(p, IN);
	pe = peer(r);
	if (chance(30))
		ml(&pe->ns, "name", "monitoring");
	else
		ml(&pe->ns, "kubernetes.io/metadata.name", "monitoring");
	ml(&pe->pod, "app.kubernetes.io/name", "prometheus");
	port(r, "TCP", 0, "metrics", 0);
	if (n->istio)
		port(r, "TCP", 0, "http-envoy-prom", 0);
	types(p, true, false);
	return true;
}

static bool pol_deny_unlabelled(struct gpol *p, const struct ns *n)
{
	(void)n;
	snprintf(p->name, sizeof(p->name), "deny-unlabelled");
	mx(&p->sel, "team", "DoesNotExist");
	p->given[IN] = true; /* ingress: [] */
	p->given[EG] = chance(50);
	types(p, true, p->given[EG]);
	return true;
}

/* Per-app policies; a is the app the policy protects. */
static bool pol_same_app(struct gpol *p, const struct ns *n, const struct app *a)
{
	(void)n;
	snprintf(p->name, sizeof(p->name), "%s-allow-same-app", a->name);
	ml(&p->sel, "app", a->name);
	ml(&peer(rule(p, IN))->pod, "app", a->name);
	return true;
}

static bool pol_tier_ingress(struct gpol *p, const struct ns *n, const struct app *a)
{
	struct grule *r;
	struct gpeer *pe;
	if (a->tier != T_BACKEND && a->tier != T_FRONTEND)
		return false;
	snprintf(p->name, sizeof(p->name), "%s-ingress", a->name);
	ml(&p->sel, "app", a->name);
	r = rule(p, IN);
	pe = peer(r);
	if (a->tier == T_BACKEND) {
		struct gexpr *e = mx(&pe->pod, "tier", "In");
		e->v[e->nv++] = "frontend";
		e->v[e->nv++] = "backend";
		if (chance(30))
			e->v[e->nv++] = "worker";
	} else {
		ml(&pe->pod, "tier", "backend");
	}
	if (chance(50))
		port(r, NULL, 0, "http", 0);
	else
		port(r, "TCP", 8080, NULL, 0);
	if (app_has_port(a, "grpc"))
		port(r, "TCP", 0, "grpc", 0);
	if (chance(30)) {
		/* also reachable from the team's other namespaces */
		pe = peer(r);
		ml(&pe->ns, "team", n->team);
		if (chance(50)) {
			struct gexpr *e = mx(&pe->ns, "env", "NotIn");
			e->v[e->nv++] = "dev";
		}
	}
	return true;
}

static bool pol_db(struct gpol *p, const struct ns *n, const struct app *a)
{
	struct grule *r;
	struct gexpr *e;
	(void)n;
	if (a->tier != T_DB && a->tier != T_CACHE)
		return false;
	snprintf(p->name, sizeof(p->name), "%s-allow-clients", a->name);
	ml(&p->sel, "app", a->name);
	r = rule(p, IN);
	e = mx(&peer(r)->pod, "tier", "In");
	e->v[e->nv++] = "backend";
	e->v[e->nv++] = "worker";
	for (int i = 0; i < a->nc; i++)
		if (strcmp(a->c[i].name, "exporter") && strcmp(a->c[i].name, "istio-proxy") &&
		    a->c[i].nports)
			port(r, chance(60) ? "TCP" : NULL, a->c[i].ports[0].num, NULL, 0);
	if (chance(50))
		types(p, true, false);
	return true;
}

static bool pol_backend_egress(struct gpol *p, const struct ns *n, const struct app *a)
{
	struct grule *r;
	struct gexpr *e;
	(void)n;
	if (a->tier != T_BACKEND && a->tier != T_WORKER)
		return false;
	snprintf(p->name, sizeof(p->name), "%s-egress", a->name);
	ml(&p->sel, "app", a->name);
	e = mx(&p->sel, "track", "NotIn");
	e->v[e->nv++] = "canary";
	r = rule(p, EG);
	ml(&peer(r)->pod, "tier", "database");
	port(r, "TCP", 5432, NULL, 0);
	port(r, "TCP", 3306, NULL, 0);
	port(r, "TCP", 27017, NULL, 0);
	r = rule(p, EG);
	ml(&peer(r)->pod, "tier", "cache");
	port(r, "TCP", 6379, NULL, 0);
	port(r, "TCP", 11211, NULL, 0);
	if (!n->deny_all)
		dns_egress(rule(p, EG));
	types(p, false, true);
	return true;
}

static bool pol_external(struct gpol *p, const struct ns *n, const struct app *a)
{
	struct grule *r;
	struct gpeer *pe;
	(void)n;
	snprintf(p->name, sizeof(p->name), "%s-allow-external-https", a->name);
	ml(&p->sel, "app", a->name);
	r = rule(p, EG);
	rfc1918_except(peer(r));
	if (chance(40)) {
		pe = peer(r);
		pe->cidr = "::/0";
		pe->exc[pe->nexc++] = "fc00::/7";
		pe->exc[pe->nexc++] = "fe80::/10";
	}
	port(r, "TCP", 443, NULL, 0);
	if (chance(20))
		port(r, "TCP", 8443, NULL, 8448);
	if (chance(70))
		types(p, false, true);
	return true;
}

static bool pol_cross_ns(struct gpol *p, const struct ns *n, const struct app *a)
{
	const struct ns *o = other_team_ns(n);
	const struct app *oa = find_app(o, T_BACKEND);
	struct grule *r;
	struct gpeer *pe;
	if (!oa || a->tier == T_DB || a->tier == T_CACHE)
		return false;
	snprintf(p->name, sizeof(p->name), "%s-from-%s", a->name, o->team);
	ml(&p->sel, "app", a->name);
	r = rule(p, IN);
	pe = peer(r);
	if (chance(50)) {
		ml(&pe->ns, "kubernetes.io/metadata.name", o->name);
	} else {
		struct gexpr *e;
		ml(&pe->ns, "team", o->team);
		e = mx(&pe->ns, "env", "In");
		e->v[e->nv++] = o->env;
	}
	ml(&pe->pod, "app", oa->name);
	port(r, NULL, 0, "http", 0);
	return true;
}

static bool pol_node_ports(struct gpol *p, const struct ns *n, const struct app *a)
{
	struct grule *r;
	struct gpeer *pe;
	(void)n;
	if (a->tier != T_FRONTEND && a->tier != T_BACKEND)
		return false;
	snprintf(p->name, sizeof(p->name), "%s-allow-lb-ranges", a->name);
	ml(&p->sel, "app", a->name);
	r = rule(p, IN);
	pe = peer(r);
	pe->cidr = "10.0.0.0/8";
	pe->exc[pe->nexc++] = "10.96.0.0/12";
	pe->exc[pe->nexc++] = "10.64.0.0/10";
	pe = peer(r);
	pe->cidr = "192.168.0.0/16";
	port(r, "TCP", 30000, NULL, 32767);
	if (chance(30))
		port(r, "UDP", 5000, NULL, 5100);
	if (chance(10))
		port(r, "SCTP", 3868, NULL, 0);
	return true;
}

static bool pol_allow_all(struct gpol *p, const struct ns *n, const struct app *a)
{
	(void)n;
	if (a->tier != T_FRONTEND)
		return false;
	snprintf(p->name, sizeof(p->name), "%s-allow-all-ingress", a->name);
	ml(&p->sel, "app", a->name);
	rule(p, IN); /* one empty rule: everything */
	types(p, true, false);
	return true;
}

typedef bool (*ns_pol_fn)(struct gpol *, const struct ns *);
typedef bool (*app_pol_fn)(struct gpol *, const struct ns *, const struct app *);

static const ns_pol_fn ns_pols[] = { pol_default_deny,	     pol_allow_dns,  pol_same_ns,
				     pol_ingress_controller, pol_prometheus, pol_deny_unlabelled };
static const app_pol_fn app_pols[] = { pol_tier_ingress, pol_db,       pol_backend_egress,
				       pol_same_app,	 pol_external, pol_cross_ns,
				       pol_node_ports,	 pol_allow_all };

/* System namespace policies (kube-system, ingress-nginx, monitoring). */
static bool sys_policy(struct gpol *p, const struct ns *n, int k)
{
	struct grule *r;
	struct gpeer *pe;
	if (n->kind == NS_KUBE_SYSTEM && k == 0) {
		snprintf(p->name, sizeof(p->name), "allow-dns");
		ml(&p->sel, "k8s-app", "kube-dns");
		r = rule(p, IN);
		peer(r)->ns.set = true;
		port(r, "UDP", 53, NULL, 0);
		port(r, "TCP", 53, NULL, 0);
		r = rule(p, IN);
		ml(&peer(r)->ns, "kubernetes.io/metadata.name", "monitoring");
		port(r, "TCP", 0, "metrics", 0);
		types(p, true, false);
	} else if (n->kind == NS_INGRESS && k == 0) {
		snprintf(p->name, sizeof(p->name), "ingress-nginx-controller");
		ml(&p->sel, "app.kubernetes.io/name", "ingress-nginx");
		ml(&p->sel, "app.kubernetes.io/component", "controller");
		r = rule(p, IN);
		peer(r)->cidr = "0.0.0.0/0";
		peer(r)->cidr = "::/0";
		port(r, "TCP", 80, NULL, 0);
		port(r, "TCP", 443, NULL, 0);
		r = rule(p, IN);
		ml(&peer(r)->ns, "kubernetes.io/metadata.name", "monitoring");
		port(r, "TCP", 0, "metrics", 0);
		p->helm = true;
	} else if (n->kind == NS_MONITORING && k == 0) {
		snprintf(p->name, sizeof(p->name), "prometheus-k8s");
		ml(&p->sel, "app.kubernetes.io/name", "prometheus");
		r = rule(p, IN);
		pe = peer(r);
		ml(&pe->pod, "app.kubernetes.io/name", "grafana");
		port(r, "TCP", 9090, NULL, 0);
		r = rule(p, EG);
		(void)r; /* one empty egress rule: scrape anything */
		types(p, true, true);
	} else {
		return false;
	}
	return true;
}

/* ---- emitting -------------------------------------------------------- */

static void emit_selector(struct jw *w, const char *key, const struct gsel *s)
{
	kv_obj(w, key);
	if (s->nex) {
		kv_arr(w, "matchExpressions");
		for (int i = 0; i < s->nex; i++) {
			jw_open(w, '{');
			kv_str(w, "key", s->ex[i].key);
			kv_str(w, "operator", s->ex[i].op);
			if (s->ex[i].nv) {
				kv_arr(w, "values");
				for (int j = 0; j < s->ex[i].nv; j++)
					jw_str(w, s->ex[i].v[j]);
				jw_close(w, ']');
			}
			jw_close(w, '}');
		}
		jw_close(w, ']');
	}
	if (s->nml) {
		/* matchLabels keys sorted */
		int order[MAXSEL];
		for (int i = 0; i < s->nml; i++)
			order[i] = i;
		for (int i = 1; i < s->nml; i++)
			for (int j = i; j > 0 && strcmp(s->mk[order[j - 1]], s->mk[order[j]]) > 0;
			     j--) {
				int t = order[j];
				order[j] = order[j - 1];
				order[j - 1] = t;
			}
		kv_obj(w, "matchLabels");
		for (int i = 0; i < s->nml; i++)
			kv_str(w, s->mk[order[i]], s->mv[order[i]]);
		jw_close(w, '}');
	}
	jw_close(w, '}');
}

static void emit_rules(struct jw *w, const struct gpol *p, int dir)
{
	kv_arr(w, dir == IN ? "ingress" : "egress");
	for (int i = 0; i < p->nrules[dir]; i++) {
		const struct grule *r = &p->rules[dir][i];
		jw_open(w, '{');
		if (r->peers_given) {
			kv_arr(w, dir == IN ? "from" : "to");
			for (int j = 0; j < r->npeers; j++) {
				const struct gpeer *pe = &r->peers[j];
				jw_open(w, '{');
				if (pe->cidr) {
					kv_obj(w, "ipBlock");
					kv_str(w, "cidr", pe->cidr);
					if (pe->nexc) {
						kv_arr(w, "except");
						for (int k = 0; k < pe->nexc; k++)
							jw_str(w, pe->exc[k]);
						jw_close(w, ']');
					}
					jw_close(w, '}');
				}
				if (pe->ns.set)
					emit_selector(w, "namespaceSelector", &pe->ns);
				if (pe->pod.set)
					emit_selector(w, "podSelector", &pe->pod);
				jw_close(w, '}');
			}
			jw_close(w, ']');
		}
		if (r->ports_given) {
			kv_arr(w, "ports");
			for (int j = 0; j < r->nports; j++) {
				const struct gport *pt = &r->ports[j];
				jw_open(w, '{');
				if (pt->end)
					kv_int(w, "endPort", pt->end);
				if (pt->name)
					kv_str(w, "port", pt->name);
				else if (pt->num)
					kv_int(w, "port", pt->num);
				if (pt->proto)
					kv_str(w, "protocol", pt->proto);
				jw_close(w, '}');
			}
			jw_close(w, ']');
		}
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void emit_spec(struct jw *w, const struct gpol *p)
{
	kv_obj(w, "spec");
	if (p->given[EG])
		emit_rules(w, p, EG);
	if (p->given[IN])
		emit_rules(w, p, IN);
	emit_selector(w, "podSelector", &p->sel);
	if (p->types_explicit) {
		kv_arr(w, "policyTypes");
		if (p->types[IN])
			jw_str(w, "Ingress");
		if (p->types[EG])
			jw_str(w, "Egress");
		jw_close(w, ']');
	}
	jw_close(w, '}');
}

static void emit_policy(struct jw *w, const struct gpol *p)
{
	char uid[37], rv[24];
	struct jw la = { 0 };

	rand_uid(uid);
	snprintf(rv, sizeof(rv), "%ld", resource_version++);
	jw_open(w, '{');
	kv_str(w, "apiVersion", "networking.k8s.io/v1");
	kv_str(w, "kind", "NetworkPolicy");
	kv_obj(w, "metadata");
	if (p->helm) {
		kv_obj(w, "annotations");
		kv_str(w, "meta.helm.sh/release-name", p->ns->name);
		kv_str(w, "meta.helm.sh/release-namespace", p->ns->name);
		jw_close(w, '}');
	} else {
		/* kubectl apply keeps what was applied, compact, in an annotation */
		jw_open(&la, '{');
		kv_str(&la, "apiVersion", "networking.k8s.io/v1");
		kv_str(&la, "kind", "NetworkPolicy");
		kv_obj(&la, "metadata");
		kv_empty_obj(&la, "annotations");
		kv_str(&la, "name", p->name);
		kv_str(&la, "namespace", p->ns->name);
		jw_close(&la, '}');
		emit_spec(&la, p);
		jw_close(&la, '}');
		jw_puts(&la, "\n");
		kv_obj(w, "annotations");
		kv_str(w, "kubectl.kubernetes.io/last-applied-configuration", la.buf);
		jw_close(w, '}');
		free(la.buf);
	}
	kv_time(w, "creationTimestamp", p->created);
	kv_int(w, "generation", 1 + (long long)below(3));
	if (p->helm) {
		kv_obj(w, "labels");
		kv_str(w, "app.kubernetes.io/managed-by", "Helm");
		jw_close(w, '}');
	}
	kv_str(w, "name", p->name);
	kv_str(w, "namespace", p->ns->name);
	kv_str(w, "resourceVersion", rv);
	kv_str(w, "uid", uid);
	jw_close(w, '}');
	emit_spec(w, p);
	jw_close(w, '}');
}

static int cmp_pol(const void *x, const void *y)
{
	return strcmp(((const struct gpol *)x)->name, ((const struct gpol *)y)->name);
}

static bool name_taken(const struct gpol *ps, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(ps[i].name, name))
			return true;
	return false;
}

/* emit_ns_policies: the n->npolicies policies of namespace n, sorted by name. */
void emit_ns_policies(struct jw *w, const struct ns *n)
{
	struct gpol *ps = emalloc((size_t)(n->npolicies ? n->npolicies : 1) * sizeof(*ps));
	int np = 0, k = 0, round = 0;

	while (np < n->npolicies) {
		struct gpol *p = &ps[np];
		bool ok;
		memset(p, 0, sizeof(*p));
		p->ns = n;
		if (n->kind != NS_TEAM) {
			ok = sys_policy(p, n, k);
			if (!ok) {
				/* more than the usual: per-app same-app allowances */
				const struct app *a = n->napps ? &n->apps[k % n->napps] : NULL;
				if (!a) {
					snprintf(p->name, sizeof(p->name), "default-deny-ingress");
					p->sel.set = true;
					ok = true;
				} else {
					ok = pol_same_app(p, n, a);
				}
			}
		} else if (k < (int)NELEM(ns_pols)) {
			ok = ns_pols[k](p, n);
		} else {
			int j = k - (int)NELEM(ns_pols);
			const struct app *a = &n->apps[j / (int)NELEM(app_pols) % n->napps];
			ok = app_pols[j % (int)NELEM(app_pols)](p, n, a);
			if (j + 1 == n->napps * (int)NELEM(app_pols)) {
				k = (int)NELEM(ns_pols) - 1;
				round++;
			}
		}
		k++;
		if (!ok)
			continue;
		if (round || name_taken(ps, np, p->name)) {
			char base[128];
			int suffix = round + 1;
			snprintf(base, sizeof(base), "%s", p->name);
			do
				snprintf(p->name, sizeof(p->name), "%.100s-%d", base, suffix++);
			while (name_taken(ps, np, p->name));
		}
		p->created = n->created + (long)below(86400 * 60);
		if (!p->helm)
			p->helm = chance(25);
		np++;
	}
	qsort(ps, (size_t)np, sizeof(*ps), cmp_pol);
	for (int i = 0; i < np; i++)
		emit_policy(w, &ps[i]);
	free(ps);
}

/* share_policies: split total among namespaces: one each for the system ones, the rest by pods. */
void share_policies(int total)
{
	long long upods = 0;
	int left = total, given = 0;
	bool apps = false;

	for (int i = 0; i < nns && left > 0; i++) {
		struct ns *n = &nss[i];
		if (n->kind == NS_KUBE_SYSTEM || n->kind == NS_INGRESS ||
		    n->kind == NS_MONITORING) {
			n->npolicies = 1;
			left--;
		}
	}
	for (int i = 0; i < nns; i++)
		if (nss[i].kind == NS_TEAM)
			upods += nss[i].npods + 20; /* small namespaces still get a few */
	for (int i = 0; i < nns && left > 0; i++) {
		struct ns *n = &nss[i];
		if (n->kind != NS_TEAM)
			continue;
		n->npolicies = (int)((long long)left * (n->npods + 20) / upods);
		given += n->npolicies;
	}
	for (int i = 0; i < nns; i++)
		if (nss[i].kind == NS_TEAM && nss[i].napps)
			apps = true;
	for (int i = 0; given < left; i = (i + 1) % nns) {
		/* the remainder to team namespaces that have apps; else to anyone */
		if ((nss[i].kind == NS_TEAM && nss[i].napps) || !apps) {
			nss[i].npolicies++;
			given++;
		}
	}
}
