/*
 * gen.c - seeded generator of a whole cluster for the scale benchmark.
 *
 *     gen [--pods N] [--policies N] [--namespaces N] [--seed S] [-o FILE]
 *
 * prints one JSON "v1 List" shaped like the output of
 * `kubectl get netpol,ns,pods -A -o json`: the NetworkPolicies, then the
 * Namespaces, then the Pods, each group sorted by namespace and name, keys
 * sorted and indented by four spaces as kubectl prints them.
 *
 * The cluster looks like a real one: system namespaces (kube-system with
 * CoreDNS and one host-network kube-proxy per node, ingress-nginx,
 * monitoring) and team namespaces holding Deployments and StatefulSets of
 * frontends, backends, workers, databases and caches.  Pods carry what the
 * API server returns: labels, annotations, owner references, uids,
 * timestamps, containers with images, named ports, probes, resources,
 * environment and the projected service-account volume, and a status with
 * conditions, container statuses and addresses (IPv4 from the node's pod
 * range; IPv6 too on the dual-stack node pool; pending pods have none).
 * Policies mix what clusters really hold: per-namespace default deny
 * (ingress, or both directions with a DNS egress allowance), same-namespace
 * and same-app allowances, ingress-controller and Prometheus access, tier to
 * tier rules with named and numeric ports and port ranges, cross-namespace
 * peers with namespaceSelector and podSelector together, matchExpressions
 * with every operator, ipBlock with except (IPv4 and IPv6), and policyTypes
 * explicit or left to the defaulting.
 *
 * The same arguments give the same bytes: the only source of variation is
 * the seeded generator below.  The counts asked for are met exactly:
 * --pods counts every Pod (system ones included), --policies every
 * NetworkPolicy, --namespaces every Namespace (at least 7: the six system
 * ones and one team namespace).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- random numbers -------------------------------------------------- */

/*
 * A 64-bit xorshift generator with a multiplicative output step; the seed
 * is scrambled by an odd-constant multiply-xorshift so that nearby seeds
 * give unrelated streams.
 */
static uint64_t rng_s;

static void rng_seed(uint64_t seed)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
	z ^= z >> 29;
	z *= 0xbf58476d1ce4e5b9ULL;
	z ^= z >> 32;
	rng_s = z ? z : 0x2545f4914f6cdd1dULL;
}

static uint64_t rng(void)
{
	rng_s ^= rng_s >> 12;
	rng_s ^= rng_s << 25;
	rng_s ^= rng_s >> 27;
	return rng_s * 0x2545f4914f6cdd1dULL;
}

/* below: uniform in [0, n) (n > 0; the bias is negligible for our n). */
static unsigned below(unsigned n)
{
	return (unsigned)((rng() >> 11) % n);
}

/* chance: true with probability pct percent. */
static bool chance(unsigned pct)
{
	return below(100) < pct;
}

#define PICK(arr) ((arr)[below(sizeof(arr) / sizeof((arr)[0]))])
#define NELEM(arr) (sizeof(arr) / sizeof((arr)[0]))

static void *emalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p) {
		fputs("gen: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static void *erealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fputs("gen: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* rand_str: n characters from the alphabet Kubernetes uses for generated names. */
static void rand_str(char *out, size_t n)
{
	static const char alpha[] = "bcdfghjklmnpqrstvwxz2456789";
	for (size_t i = 0; i < n; i++)
		out[i] = alpha[below(sizeof(alpha) - 1)];
	out[n] = '\0';
}

static void rand_hex(char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++)
		out[i] = hex[below(16)];
	out[n] = '\0';
}

/* rand_uid: a version-4 UUID. */
static void rand_uid(char out[37])
{
	rand_hex(out, 36);
	out[8] = out[13] = out[18] = out[23] = '-';
	out[14] = '4';
	out[19] = "89ab"[below(4)];
}

/* ---- time stamps ------------------------------------------------------ */

#define EPOCH_YEAR 2024 /* second 0 is 2024-01-01T00:00:00Z */
#define NOW (400L * 86400) /* "now": the cluster has run for a bit over a year */

static bool leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* fmt_time: RFC 3339 UTC time of t seconds after the epoch. */
static void fmt_time(char out[48], long t)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long days = t / 86400, sec = t % 86400, y = EPOCH_YEAR;
	int m = 0;

	while (days >= (leap(y) ? 366 : 365)) {
		days -= leap(y) ? 366 : 365;
		y++;
	}
	while (days >= mdays[m] + (m == 1 && leap(y))) {
		days -= mdays[m] + (m == 1 && leap(y));
		m++;
	}
	snprintf(out, 48, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m + 1, (int)days + 1,
		 (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

/* ---- JSON writer ------------------------------------------------------ */

/*
 * Pretty mode prints like kubectl (Go's MarshalIndent with four spaces:
 * `"key": value`, empty containers as {} and []); compact mode prints no
 * white space at all (for the last-applied-configuration annotation).
 * Callers give keys in sorted order.  With f set, the buffer is written
 * out whenever it passes 1 MiB.
 */
#define JW_MAXDEPTH 32

struct jw {
	char *buf;
	size_t len, cap;
	FILE *f;
	bool pretty;
	int depth;
	bool empty[JW_MAXDEPTH];
	bool after_key;
};

static void jw_flush(struct jw *w)
{
	if (w->f && w->len && fwrite(w->buf, 1, w->len, w->f) != w->len) {
		perror("gen: write");
		exit(1);
	}
	w->len = 0;
}

static void jw_reserve(struct jw *w, size_t n)
{
	if (w->f && w->len + n > ((size_t)1 << 20))
		jw_flush(w);
	if (w->len + n + 1 > w->cap) {
		while (w->len + n + 1 > w->cap)
			w->cap = w->cap ? w->cap * 2 : 4096;
		w->buf = erealloc(w->buf, w->cap);
	}
}

static void jw_put(struct jw *w, const char *s, size_t n)
{
	jw_reserve(w, n);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void jw_puts(struct jw *w, const char *s)
{
	jw_put(w, s, strlen(s));
}

static void jw_newline(struct jw *w, int depth)
{
	if (!w->pretty)
		return;
	jw_reserve(w, 1 + 4 * (size_t)depth);
	w->buf[w->len++] = '\n';
	memset(w->buf + w->len, ' ', 4 * (size_t)depth);
	w->len += 4 * (size_t)depth;
	w->buf[w->len] = '\0';
}

/* jw_member: start a new member of the current container. */
static void jw_member(struct jw *w)
{
	if (w->depth == 0)
		return;
	if (!w->empty[w->depth])
		jw_put(w, ",", 1);
	w->empty[w->depth] = false;
	jw_newline(w, w->depth);
}

static void jw_value(struct jw *w)
{
	if (w->after_key)
		w->after_key = false;
	else
		jw_member(w);
}

static void jw_quoted(struct jw *w, const char *s)
{
	jw_put(w, "\"", 1);
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			jw_put(w, esc, 2);
		} else if (c == '\n') {
			jw_put(w, "\\n", 2);
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			jw_put(w, esc, 6);
		} else {
			jw_put(w, p, 1);
		}
	}
	jw_put(w, "\"", 1);
}

static void jw_open(struct jw *w, char c)
{
	jw_value(w);
	jw_put(w, &c, 1);
	if (++w->depth >= JW_MAXDEPTH) {
		fputs("gen: nesting too deep\n", stderr);
		exit(1);
	}
	w->empty[w->depth] = true;
}

static void jw_close(struct jw *w, char c)
{
	if (!w->empty[w->depth])
		jw_newline(w, w->depth - 1);
	w->depth--;
	jw_put(w, &c, 1);
}

static void jw_key(struct jw *w, const char *k)
{
	jw_member(w);
	jw_quoted(w, k);
	jw_puts(w, w->pretty ? ": " : ":");
	w->after_key = true;
}

static void jw_str(struct jw *w, const char *s)
{
	jw_value(w);
	jw_quoted(w, s);
}

static void jw_int(struct jw *w, long long v)
{
	char b[32];
	jw_value(w);
	snprintf(b, sizeof(b), "%lld", v);
	jw_puts(w, b);
}

static void jw_bool(struct jw *w, bool v)
{
	jw_value(w);
	jw_puts(w, v ? "true" : "false");
}

static void jw_null(struct jw *w)
{
	jw_value(w);
	jw_puts(w, "null");
}

static void kv_str(struct jw *w, const char *k, const char *v)
{
	jw_key(w, k);
	jw_str(w, v);
}

static void kv_int(struct jw *w, const char *k, long long v)
{
	jw_key(w, k);
	jw_int(w, v);
}

static void kv_bool(struct jw *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

static void kv_time(struct jw *w, const char *k, long t)
{
	char b[48];
	fmt_time(b, t);
	kv_str(w, k, b);
}

static void kv_obj(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_open(w, '{');
}

static void kv_arr(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_open(w, '[');
}

static void kv_empty_obj(struct jw *w, const char *k)
{
	kv_obj(w, k);
	jw_close(w, '}');
}

/* ---- the cluster -------------------------------------------------------- */

enum tier { T_FRONTEND, T_BACKEND, T_WORKER, T_DB, T_CACHE, T_SYSTEM };
static const char *const tier_names[] = { "frontend", "backend", "worker", "database", "cache",
					  "system" };

enum owner { OWN_REPLICASET, OWN_STATEFULSET, OWN_DAEMONSET };

#define MAXLABELS 12
#define MAXCONTAINERS 3
#define MAXPORTS 4

struct cport {
	const char *name, *proto;
	int num;
};

struct container {
	char name[48];
	char image[128];
	struct cport ports[MAXPORTS];
	int nports;
	const char *probe_port; /* named port for HTTP probes, or NULL */
	int cpu_m, mem_mi;	/* requests; limits are a multiple */
};

struct label {
	const char *key;
	char value[64];
};

struct app {
	char name[48];
	enum tier tier;
	enum owner owner;
	const char *team;
	int replicas;
	bool host_network;
	struct label labels[MAXLABELS]; /* the pod template's labels */
	int nlabels;
	struct container c[MAXCONTAINERS];
	int nc;
	char hash[11]; /* pod-template-hash or controller-revision-hash */
	char owner_uid[37];
	bool own_sa; /* runs as a service account named after the app (else "default") */
	long created;
};

enum ns_kind { NS_TEAM, NS_KUBE_SYSTEM, NS_KUBE_PUBLIC, NS_NODE_LEASE, NS_DEFAULT, NS_INGRESS,
	       NS_MONITORING };

struct ns {
	char name[64];
	enum ns_kind kind;
	const char *team, *env, *product;
	bool istio, name_label, psa;
	bool deny_all; /* default deny in both directions (else ingress only) */
	struct app *apps;
	int napps, aapps;
	int npods, npolicies;
	long created;
	char uid[37];
};

struct node {
	char name[48];
	int index;
	bool dual; /* dual-stack pool: pods get an IPv6 address too */
	int next_host;
};

static struct ns *nss;
static int nns;
static struct node *nodes;
static int nnodes;
static long resource_version = 1000000;

static const char *const teams[] = { "payments", "checkout", "identity", "search",	"catalog",
				     "platform", "data",     "growth",	 "messaging", "media",
				     "risk",	 "support",  "logistics" };
static const char *const products[] = { "api",	     "shop",	"web",	    "core",    "billing",
					"ledger",    "accounts", "profiles", "orders",  "inventory",
					"reporting", "ml",	"notify",   "content", "pricing",
					"fraud",     "tickets",	"routing",  "maps",    "events" };
static const char *const envs[] = { "prod", "staging", "dev" };

static const char *const svc_backend[] = { "api",      "orders",  "users",  "auth",
					   "billing",  "payments", "cart",   "catalog",
					   "search",   "inventory", "pricing", "accounts",
					   "profile",  "ledger",   "reports", "notifications",
					   "gateway",  "sessions", "quotes", "recommendations",
					   "shipping", "invoices", "tokens", "audit" };
static const char *const svc_frontend[] = { "web", "frontend", "storefront", "admin-ui", "portal",
					    "dashboard" };
static const char *const svc_worker[] = { "worker", "scheduler", "mailer", "indexer", "exporter",
					  "consumer", "reconciler", "sync" };
static const char *const svc_db[] = { "postgres", "mysql", "mongodb" };
static const char *const svc_cache[] = { "redis", "memcached" };

/* copy: src into dst of size n, cut if needed; src may lie in the same struct as dst. */
static void copy(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);
	if (l >= n)
		l = n - 1;
	memmove(dst, src, l);
	dst[l] = '\0';
}

static void set_label(struct app *a, const char *key, const char *value)
{
	if (a->nlabels == MAXLABELS)
		return;
	a->labels[a->nlabels].key = key;
	copy(a->labels[a->nlabels].value, sizeof(a->labels[0].value), value);
	a->nlabels++;
}

static int cmp_label(const void *x, const void *y)
{
	return strcmp(((const struct label *)x)->key, ((const struct label *)y)->key);
}

static struct app *new_app(struct ns *n, const char *base)
{
	struct app *a;
	char name[48];
	int k = 1;

	snprintf(name, sizeof(name), "%s", base);
	for (int i = 0; i < n->napps; i++) {
		if (!strcmp(n->apps[i].name, name)) {
			snprintf(name, sizeof(name), "%s-%d", base, ++k);
			i = -1;
		}
	}
	if (n->napps == n->aapps) {
		n->aapps = n->aapps ? 2 * n->aapps : 16;
		n->apps = erealloc(n->apps, (size_t)n->aapps * sizeof(*n->apps));
	}
	a = &n->apps[n->napps++];
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	rand_str(a->hash, 10);
	rand_uid(a->owner_uid);
	a->created = n->created + (long)below(86400 * 30);
	return a;
}

static struct container *add_container(struct app *a, const char *name, const char *image,
				       int cpu_m, int mem_mi)
{
	struct container *c = &a->c[a->nc++];
	copy(c->name, sizeof(c->name), name);
	snprintf(c->image, sizeof(c->image), "%s", image);
	c->cpu_m = cpu_m;
	c->mem_mi = mem_mi;
	return c;
}

static void add_port(struct container *c, const char *name, int num, const char *proto)
{
	c->ports[c->nports].name = name;
	c->ports[c->nports].num = num;
	c->ports[c->nports].proto = proto;
	c->nports++;
}

/* team_app: one workload of a team namespace, with its labels and containers. */
static void team_app(struct ns *n, enum tier t)
{
	const char *base;
	struct app *a;
	struct container *c;
	char img[128], ver[32];
	int minor = (int)below(30), patch = (int)below(12);

	switch (t) {
	case T_FRONTEND:
		base = PICK(svc_frontend);
		break;
	case T_WORKER:
		base = PICK(svc_worker);
		break;
	case T_DB:
		base = PICK(svc_db);
		break;
	case T_CACHE:
		base = PICK(svc_cache);
		break;
	default:
		base = PICK(svc_backend);
		break;
	}
	a = new_app(n, base);
	a->tier = t;
	a->team = n->team;
	a->owner = t == T_DB || t == T_CACHE ? OWN_STATEFULSET : OWN_REPLICASET;
	snprintf(ver, sizeof(ver), "v1.%d.%d", minor, patch);
	set_label(a, "app", a->name);
	set_label(a, "app.kubernetes.io/name", a->name);
	set_label(a, "app.kubernetes.io/part-of", n->product);
	set_label(a, "tier", tier_names[t]);
	set_label(a, "team", n->team);
	set_label(a, "version", ver);
	if (a->owner == OWN_REPLICASET)
		set_label(a, "pod-template-hash", a->hash);
	else
		set_label(a, "controller-revision-hash", a->hash);
	if (chance(15))
		set_label(a, "track", chance(30) ? "canary" : "stable");
	if (chance(30))
		set_label(a, "app.kubernetes.io/managed-by", "Helm");
	if (n->istio)
		set_label(a, "security.istio.io/tlsMode", "istio");
	a->own_sa = chance(40);

	snprintf(img, sizeof(img), "registry.example.com/%s/%s:%s", n->team, a->name, ver);
	switch (t) {
	case T_FRONTEND:
		c = add_container(a, a->name, img, 100, 128);
		add_port(c, "http", 8080, "TCP");
		add_port(c, "metrics", 9090, "TCP");
		c->probe_port = "http";
		break;
	case T_BACKEND:
		c = add_container(a, a->name, img, 250, 512);
		add_port(c, "http", 8080, "TCP");
		if (chance(50))
			add_port(c, "grpc", 9000, "TCP");
		add_port(c, "metrics", 9090, "TCP");
		c->probe_port = "http";
		break;
	case T_WORKER:
		c = add_container(a, a->name, img, 500, 1024);
		add_port(c, "metrics", 9090, "TCP");
		c->probe_port = "metrics";
		break;
	case T_DB:
		if (!strcmp(base, "postgres")) {
			c = add_container(a, "postgres", "docker.io/library/postgres:16.2", 1000, 4096);
			add_port(c, "postgres", 5432, "TCP");
			c = add_container(a, "exporter",
					  "quay.io/prometheuscommunity/postgres-exporter:v0.15.0",
					  50, 64);
			add_port(c, "metrics", 9187, "TCP");
		} else if (!strcmp(base, "mysql")) {
			c = add_container(a, "mysql", "docker.io/library/mysql:8.0.36", 1000, 4096);
			add_port(c, "mysql", 3306, "TCP");
			add_port(c, "mysqlx", 33060, "TCP");
		} else {
			c = add_container(a, "mongod", "docker.io/library/mongo:7.0.6", 1000, 4096);
			add_port(c, "mongodb", 27017, "TCP");
		}
		break;
	case T_CACHE:
		if (!strcmp(base, "redis")) {
			c = add_container(a, "redis", "docker.io/library/redis:7.2.4", 200, 1024);
			add_port(c, "redis", 6379, "TCP");
			c = add_container(a, "exporter", "docker.io/oliver006/redis_exporter:v1.58.0",
					  50, 64);
			add_port(c, "metrics", 9121, "TCP");
		} else {
			c = add_container(a, "memcached", "docker.io/library/memcached:1.6.24", 200,
					  1024);
			add_port(c, "memcache", 11211, "TCP");
		}
		break;
	case T_SYSTEM:
		break;
	}
	if (n->istio && a->nc < MAXCONTAINERS) {
		c = add_container(a, "istio-proxy", "docker.io/istio/proxyv2:1.21.0", 100, 128);
		add_port(c, "http-envoy-prom", 15090, "TCP");
	}
}

/* sys_app: a workload of a system namespace; labels are given as key, value pairs. */
static struct app *sys_app(struct ns *n, const char *name, enum owner own, int replicas,
			   const char *const *labels)
{
	struct app *a = new_app(n, name);
	a->tier = T_SYSTEM;
	a->owner = own;
	a->team = "platform";
	a->replicas = replicas;
	a->own_sa = true;
	for (int i = 0; labels[i]; i += 2)
		set_label(a, labels[i], labels[i + 1]);
	if (own == OWN_REPLICASET)
		set_label(a, "pod-template-hash", a->hash);
	else
		set_label(a, "controller-revision-hash", a->hash);
	if (own == OWN_DAEMONSET)
		set_label(a, "pod-template-generation", "1");
	return a;
}

static const char *const lab_dns[] = { "k8s-app", "kube-dns", NULL };
static const char *const lab_proxy[] = { "k8s-app", "kube-proxy", NULL };
static const char *const lab_metrics[] = { "k8s-app", "metrics-server", NULL };
static const char *const lab_ingress[] = { "app.kubernetes.io/component",
					   "controller",
					   "app.kubernetes.io/instance",
					   "ingress-nginx",
					   "app.kubernetes.io/name",
					   "ingress-nginx",
					   NULL };
static const char *const lab_prom[] = { "app.kubernetes.io/name", "prometheus",
					"app.kubernetes.io/instance", "k8s", NULL };
static const char *const lab_alert[] = { "app.kubernetes.io/name", "alertmanager",
					 "app.kubernetes.io/instance", "main", NULL };
static const char *const lab_grafana[] = { "app.kubernetes.io/name", "grafana", NULL };
static const char *const lab_ksm[] = { "app.kubernetes.io/name", "kube-state-metrics", NULL };

static struct ns *add_ns(const char *name, enum ns_kind kind)
{
	struct ns *n = &nss[nns++];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->kind = kind;
	n->team = "platform";
	n->env = "prod";
	n->product = "platform";
	n->created = kind == NS_TEAM ? (long)below(300) * 86400 + (long)below(86400)
				     : (long)below(600);
	rand_uid(n->uid);
	return n;
}

/* system_namespaces: the six every cluster has, with their pods (nsys pods in all). */
static void system_namespaces(int pods)
{
	struct ns *n;
	struct app *a;
	struct container *c;
	int monitoring = pods >= 200;

	n = add_ns("kube-system", NS_KUBE_SYSTEM);
	a = sys_app(n, "coredns", OWN_REPLICASET, 2, lab_dns);
	c = add_container(a, "coredns", "registry.k8s.io/coredns/coredns:v1.11.1", 100, 70);
	add_port(c, "dns", 53, "UDP");
	add_port(c, "dns-tcp", 53, "TCP");
	add_port(c, "metrics", 9153, "TCP");
	c->probe_port = NULL;
	a = sys_app(n, "kube-proxy", OWN_DAEMONSET, nnodes, lab_proxy);
	a->host_network = true;
	add_container(a, "kube-proxy", "registry.k8s.io/kube-proxy:v1.29.2", 100, 64);
	a = sys_app(n, "metrics-server", OWN_REPLICASET, 1, lab_metrics);
	c = add_container(a, "metrics-server", "registry.k8s.io/metrics-server/metrics-server:v0.7.0",
			  100, 200);
	add_port(c, "https", 10250, "TCP");
	c->probe_port = "https";

	add_ns("kube-public", NS_KUBE_PUBLIC);
	add_ns("kube-node-lease", NS_NODE_LEASE);
	add_ns("default", NS_DEFAULT);

	n = add_ns("ingress-nginx", NS_INGRESS);
	n->name_label = true;
	a = sys_app(n, "ingress-nginx-controller", OWN_REPLICASET, pods >= 5000 ? 3 : 2,
		    lab_ingress);
	c = add_container(a, "controller", "registry.k8s.io/ingress-nginx/controller:v1.10.0", 100,
			  90);
	add_port(c, "http", 80, "TCP");
	add_port(c, "https", 443, "TCP");
	add_port(c, "webhook", 8443, "TCP");
	add_port(c, "metrics", 10254, "TCP");
	c->probe_port = "metrics";

	n = add_ns("monitoring", NS_MONITORING);
	n->name_label = true;
	a = sys_app(n, "prometheus-k8s", OWN_STATEFULSET, monitoring ? 2 : 1, lab_prom);
	c = add_container(a, "prometheus", "quay.io/prometheus/prometheus:v2.50.1", 500, 2048);
	add_port(c, "web", 9090, "TCP");
	c->probe_port = "web";
	if (monitoring) {
		a = sys_app(n, "alertmanager-main", OWN_STATEFULSET, 1, lab_alert);
		c = add_container(a, "alertmanager", "quay.io/prometheus/alertmanager:v0.27.0",
				  50, 100);
		add_port(c, "web", 9093, "TCP");
		c->probe_port = "web";
		a = sys_app(n, "grafana", OWN_REPLICASET, 1, lab_grafana);
		c = add_container(a, "grafana", "docker.io/grafana/grafana:10.3.3", 100, 256);
		add_port(c, "http", 3000, "TCP");
		c->probe_port = "http";
		a = sys_app(n, "kube-state-metrics", OWN_REPLICASET, 1, lab_ksm);
		c = add_container(a, "kube-state-metrics",
				  "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.10.1",
				  10, 190);
		add_port(c, "http-metrics", 8080, "TCP");
		add_port(c, "telemetry", 8081, "TCP");
		c->probe_port = "http-metrics";
	}
	for (int i = 0; i < nns; i++)
		for (int j = 0; j < nss[i].napps; j++)
			nss[i].npods += nss[i].apps[j].replicas;
}

/* team_namespaces: nteam namespaces sharing upods pods, weighted unevenly. */
static void team_namespaces(int nteam, int upods)
{
	unsigned *w = emalloc((size_t)nteam * sizeof(*w));
	unsigned long long wsum = 0;
	int total = (int)(NELEM(teams) * NELEM(products) * NELEM(envs));
	int stride = 7919, off = (int)below((unsigned)total), given = 0;

	for (int i = 0; i < nteam; i++) {
		/* a few big namespaces, many small ones */
		w[i] = chance(10) ? 20 + below(40) : 2 + below(10);
		wsum += w[i];
	}
	for (int i = 0; i < nteam; i++) {
		int j = (int)(((long long)i * stride + off) % total);
		const char *team = teams[j % NELEM(teams)];
		const char *prod = products[j / NELEM(teams) % NELEM(products)];
		const char *env = envs[j / (NELEM(teams) * NELEM(products))];
		char name[64];
		struct ns *n;

		if (i < total)
			snprintf(name, sizeof(name), "%s-%s-%s", team, prod, env);
		else
			snprintf(name, sizeof(name), "%s-%s-%s-%d", team, prod, env, i / total);
		n = add_ns(name, NS_TEAM);
		n->team = team;
		n->product = prod;
		n->env = env;
		n->istio = chance(25);
		n->name_label = chance(30);
		n->psa = chance(40);
		n->deny_all = chance(45);
		n->npods = (int)((unsigned long long)upods * w[i] / wsum);
		given += n->npods;
	}
	for (int i = 0; given < upods; i = (i + 1) % nteam, given++)
		nss[nns - nteam + i].npods++;
	free(w);

	for (int i = nns - nteam; i < nns; i++) {
		struct ns *n = &nss[i];
		static const int replicas[] = { 1, 1, 2, 2, 2, 3, 3, 3, 4, 5, 6, 8, 12 };
		int left = n->npods, k = 0;
		while (left > 0) {
			enum tier t;
			/* a front end and a database first, then mostly back ends */
			if (k == 0)
				t = T_FRONTEND;
			else if (k == 1)
				t = T_DB;
			else if (k == 2)
				t = T_CACHE;
			else
				t = (enum tier)PICK(((const int[]){ T_BACKEND, T_BACKEND, T_BACKEND,
								    T_BACKEND, T_WORKER, T_WORKER,
								    T_FRONTEND, T_DB, T_CACHE }));
			team_app(n, t);
			n->apps[n->napps - 1].replicas =
				t == T_DB || t == T_CACHE ? 1 + (int)below(3) : PICK(replicas);
			if (n->apps[n->napps - 1].replicas > left)
				n->apps[n->napps - 1].replicas = left;
			left -= n->apps[n->napps - 1].replicas;
			k++;
		}
	}
}

static int cmp_ns(const void *x, const void *y)
{
	return strcmp(((const struct ns *)x)->name, ((const struct ns *)y)->name);
}

static void build_cluster(int pods, int nnamespaces)
{
	int nteam = nnamespaces - 6, sys = 0;

	nnodes = pods / 40 < 3 ? 3 : pods / 40;
	nodes = emalloc((size_t)nnodes * sizeof(*nodes));
	for (int i = 0; i < nnodes; i++) {
		char sfx[6];
		rand_str(sfx, 5);
		nodes[i].index = i;
		nodes[i].dual = i % 3 == 2;
		snprintf(nodes[i].name, sizeof(nodes[i].name), "pool-%s-%s",
			 nodes[i].dual ? "dualstack" : "general", sfx);
	}
	nss = emalloc((size_t)nnamespaces * sizeof(*nss));
	system_namespaces(pods);
	for (int i = 0; i < nns; i++)
		sys += nss[i].npods;
	if (sys > pods) {
		fprintf(stderr, "gen: --pods %d is below the %d system pods\n", pods, sys);
		exit(2);
	}
	team_namespaces(nteam, pods - sys);
	qsort(nss, (size_t)nns, sizeof(*nss), cmp_ns);
	for (int i = 0; i < nns; i++)
		for (int j = 0; j < nss[i].napps; j++)
			qsort(nss[i].apps[j].labels, (size_t)nss[i].apps[j].nlabels,
			      sizeof(struct label), cmp_label);
}

/* ---- policies ------------------------------------------------------------ */

#define MAXSEL 4
#define MAXPEERS 3
#define MAXRULES 3
#define MAXPP 4

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

static bool has_port(const struct app *a, const char *name)
{
	for (int i = 0; i < a->nc; i++)
		for (int j = 0; j < a->c[i].nports; j++)
			if (!strcmp(a->c[i].ports[j].name, name))
				return true;
	return false;
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
	if (has_port(a, "grpc"))
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

static const ns_pol_fn ns_pols[] = { pol_default_deny,	     pol_allow_dns, pol_same_ns,
				     pol_ingress_controller, pol_prometheus, pol_deny_unlabelled };
static const app_pol_fn app_pols[] = { pol_tier_ingress, pol_db,	 pol_backend_egress,
				       pol_same_app,	 pol_external,	 pol_cross_ns,
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
static void emit_ns_policies(struct jw *w, struct ns *n)
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
static void share_policies(int total)
{
	long long upods = 0;
	int left = total, given = 0;
	bool apps = false;

	for (int i = 0; i < nns && left > 0; i++) {
		struct ns *n = &nss[i];
		if (n->kind == NS_KUBE_SYSTEM || n->kind == NS_INGRESS || n->kind == NS_MONITORING) {
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

/* ---- namespaces and pods ------------------------------------------------ */

static void emit_namespace(struct jw *w, const struct ns *n)
{
	char rv[24];
	snprintf(rv, sizeof(rv), "%ld", 100 + (long)below(100000));
	jw_open(w, '{');
	kv_str(w, "apiVersion", "v1");
	kv_str(w, "kind", "Namespace");
	kv_obj(w, "metadata");
	if (n->kind == NS_TEAM && chance(50)) {
		kv_obj(w, "annotations");
		char contact[64];
		snprintf(contact, sizeof(contact), "#team-%s", n->team);
		kv_str(w, "contact", contact);
		kv_str(w, "owner", n->team);
		jw_close(w, '}');
	}
	kv_time(w, "creationTimestamp", n->created);
	kv_obj(w, "labels");
	if (n->kind == NS_TEAM)
		kv_str(w, "env", n->env);
	if (n->istio)
		kv_str(w, "istio-injection", "enabled");
	kv_str(w, "kubernetes.io/metadata.name", n->name);
	if (n->name_label)
		kv_str(w, "name", n->name);
	if (n->psa)
		kv_str(w, "pod-security.kubernetes.io/enforce", "baseline");
	if (n->kind == NS_TEAM || n->kind == NS_MONITORING || n->kind == NS_INGRESS)
		kv_str(w, "team", n->team);
	jw_close(w, '}');
	kv_str(w, "name", n->name);
	kv_str(w, "resourceVersion", rv);
	kv_str(w, "uid", n->uid);
	jw_close(w, '}');
	kv_obj(w, "spec");
	kv_arr(w, "finalizers");
	jw_str(w, "kubernetes");
	jw_close(w, ']');
	jw_close(w, '}');
	kv_obj(w, "status");
	kv_str(w, "phase", "Active");
	jw_close(w, '}');
	jw_close(w, '}');
}

struct podref {
	char name[80];
	const struct app *a;
	int replica;
};

static int cmp_podref(const void *x, const void *y)
{
	return strcmp(((const struct podref *)x)->name, ((const struct podref *)y)->name);
}

static void emit_probe(struct jw *w, const char *key, const char *port, const char *path)
{
	kv_obj(w, key);
	kv_int(w, "failureThreshold", 3);
	kv_obj(w, "httpGet");
	kv_str(w, "path", path);
	kv_str(w, "port", port);
	kv_str(w, "scheme", "HTTP");
	jw_close(w, '}');
	kv_int(w, "initialDelaySeconds", 10);
	kv_int(w, "periodSeconds", 10);
	kv_int(w, "successThreshold", 1);
	kv_int(w, "timeoutSeconds", 1);
	jw_close(w, '}');
}

static void emit_env(struct jw *w, const struct ns *n, const struct app *a)
{
	static const char *const levels[] = { "info", "debug", "warn" };
	char v[256];

	kv_arr(w, "env");
	jw_open(w, '{');
	kv_str(w, "name", "APP_ENV");
	kv_str(w, "value", n->env);
	jw_close(w, '}');
	jw_open(w, '{');
	kv_str(w, "name", "LOG_LEVEL");
	kv_str(w, "value", PICK(levels));
	jw_close(w, '}');
	jw_open(w, '{');
	kv_str(w, "name", "POD_NAME");
	kv_obj(w, "valueFrom");
	kv_obj(w, "fieldRef");
	kv_str(w, "apiVersion", "v1");
	kv_str(w, "fieldPath", "metadata.name");
	jw_close(w, '}');
	jw_close(w, '}');
	jw_close(w, '}');
	jw_open(w, '{');
	kv_str(w, "name", "POD_IP");
	kv_obj(w, "valueFrom");
	kv_obj(w, "fieldRef");
	kv_str(w, "apiVersion", "v1");
	kv_str(w, "fieldPath", "status.podIP");
	jw_close(w, '}');
	jw_close(w, '}');
	jw_close(w, '}');
	if (a->tier == T_BACKEND || a->tier == T_WORKER) {
		jw_open(w, '{');
		kv_str(w, "name", "DATABASE_URL");
		snprintf(v, sizeof(v), "postgres://%s@postgres.%s.svc.cluster.local:5432/%s",
			 a->name, n->name, a->name);
		kv_str(w, "value", v);
		jw_close(w, '}');
		jw_open(w, '{');
		kv_str(w, "name", "DATABASE_PASSWORD");
		kv_obj(w, "valueFrom");
		kv_obj(w, "secretKeyRef");
		kv_str(w, "key", "password");
		snprintf(v, sizeof(v), "%s-db", a->name);
		kv_str(w, "name", v);
		jw_close(w, '}');
		jw_close(w, '}');
		jw_close(w, '}');
		jw_open(w, '{');
		kv_str(w, "name", "REDIS_ADDR");
		snprintf(v, sizeof(v), "redis.%s.svc.cluster.local:6379", n->name);
		kv_str(w, "value", v);
		jw_close(w, '}');
		jw_open(w, '{');
		kv_str(w, "name", "OTEL_EXPORTER_OTLP_ENDPOINT");
		kv_str(w, "value", "http://otel-collector.monitoring.svc.cluster.local:4317");
		jw_close(w, '}');
	}
	if (chance(40)) {
		jw_open(w, '{');
		kv_str(w, "name", "JAVA_TOOL_OPTIONS");
		kv_str(w, "value", "-XX:MaxRAMPercentage=75 -XX:+UseG1GC -Dfile.encoding=UTF-8");
		jw_close(w, '}');
	}
	jw_open(w, '{');
	kv_str(w, "name", "GOMAXPROCS");
	kv_obj(w, "valueFrom");
	kv_obj(w, "resourceFieldRef");
	kv_str(w, "divisor", "0");
	kv_str(w, "resource", "limits.cpu");
	jw_close(w, '}');
	jw_close(w, '}');
	jw_close(w, '}');
	jw_close(w, ']');
}

static void emit_resources(struct jw *w, const struct container *c)
{
	char b[32];
	kv_obj(w, "resources");
	kv_obj(w, "limits");
	snprintf(b, sizeof(b), "%dm", c->cpu_m * 2);
	kv_str(w, "cpu", b);
	snprintf(b, sizeof(b), "%dMi", c->mem_mi * 2);
	kv_str(w, "memory", b);
	jw_close(w, '}');
	kv_obj(w, "requests");
	snprintf(b, sizeof(b), "%dm", c->cpu_m);
	kv_str(w, "cpu", b);
	snprintf(b, sizeof(b), "%dMi", c->mem_mi);
	kv_str(w, "memory", b);
	jw_close(w, '}');
	jw_close(w, '}');
}

static void emit_container(struct jw *w, const struct ns *n, const struct app *a,
			   const struct container *c, const char *vol)
{
	jw_open(w, '{');
	if (a->tier != T_SYSTEM && c == &a->c[0])
		emit_env(w, n, a);
	kv_str(w, "image", c->image);
	kv_str(w, "imagePullPolicy", "IfNotPresent");
	if (c->probe_port)
		emit_probe(w, "livenessProbe", c->probe_port, "/healthz");
	kv_str(w, "name", c->name);
	if (c->nports) {
		kv_arr(w, "ports");
		for (int i = 0; i < c->nports; i++) {
			jw_open(w, '{');
			kv_int(w, "containerPort", c->ports[i].num);
			if (a->host_network)
				kv_int(w, "hostPort", c->ports[i].num);
			kv_str(w, "name", c->ports[i].name);
			kv_str(w, "protocol", c->ports[i].proto);
			jw_close(w, '}');
		}
		jw_close(w, ']');
	}
	if (c->probe_port)
		emit_probe(w, "readinessProbe", c->probe_port, "/ready");
	emit_resources(w, c);
	kv_obj(w, "securityContext");
	kv_bool(w, "allowPrivilegeEscalation", a->host_network);
	if (a->host_network) {
		kv_bool(w, "privileged", true);
	} else {
		kv_obj(w, "capabilities");
		kv_arr(w, "drop");
		jw_str(w, "ALL");
		jw_close(w, ']');
		jw_close(w, '}');
		kv_bool(w, "readOnlyRootFilesystem", true);
		kv_bool(w, "runAsNonRoot", true);
	}
	jw_close(w, '}');
	kv_str(w, "terminationMessagePath", "/dev/termination-log");
	kv_str(w, "terminationMessagePolicy", "File");
	kv_arr(w, "volumeMounts");
	jw_open(w, '{');
	kv_str(w, "mountPath", "/var/run/secrets/kubernetes.io/serviceaccount");
	kv_str(w, "name", vol);
	kv_bool(w, "readOnly", true);
	jw_close(w, '}');
	jw_close(w, ']');
	jw_close(w, '}');
}

static void emit_volumes(struct jw *w, const char *vol)
{
	kv_arr(w, "volumes");
	jw_open(w, '{');
	kv_str(w, "name", vol);
	kv_obj(w, "projected");
	kv_int(w, "defaultMode", 420);
	kv_arr(w, "sources");
	jw_open(w, '{');
	kv_obj(w, "serviceAccountToken");
	kv_int(w, "expirationSeconds", 3607);
	kv_str(w, "path", "token");
	jw_close(w, '}');
	jw_close(w, '}');
	jw_open(w, '{');
	kv_obj(w, "configMap");
	kv_arr(w, "items");
	jw_open(w, '{');
	kv_str(w, "key", "ca.crt");
	kv_str(w, "path", "ca.crt");
	jw_close(w, '}');
	jw_close(w, ']');
	kv_str(w, "name", "kube-root-ca.crt");
	jw_close(w, '}');
	jw_close(w, '}');
	jw_open(w, '{');
	kv_obj(w, "downwardAPI");
	kv_arr(w, "items");
	jw_open(w, '{');
	kv_obj(w, "fieldRef");
	kv_str(w, "apiVersion", "v1");
	kv_str(w, "fieldPath", "metadata.namespace");
	jw_close(w, '}');
	kv_str(w, "path", "namespace");
	jw_close(w, '}');
	jw_close(w, ']');
	jw_close(w, '}');
	jw_close(w, '}');
	jw_close(w, ']');
	jw_close(w, '}');
	jw_close(w, '}');
	jw_close(w, ']');
}

static void emit_condition(struct jw *w, const char *type, bool ok, long t)
{
	jw_open(w, '{');
	jw_key(w, "lastProbeTime");
	jw_null(w);
	kv_time(w, "lastTransitionTime", t);
	if (!ok) {
		kv_str(w, "message", "0/3 nodes are available: 3 Insufficient cpu. preemption: "
				     "0/3 nodes are available: 3 No preemption victims found for "
				     "incoming pod.");
		kv_str(w, "reason", "Unschedulable");
	}
	kv_str(w, "status", ok ? "True" : "False");
	kv_str(w, "type", type);
	jw_close(w, '}');
}

/*
 * pod_node_and_ip: place a running pod on a node and give it the next
 * address of the node's /24 (and /64 on the dual-stack pool).  Host-network
 * pods (one per node) take the node's address.
 */
static const struct node *place(const struct app *a, int replica)
{
	const struct node *nd;
	if (a->host_network)
		return &nodes[replica % nnodes];
	for (;;) {
		struct node *cand = &nodes[below((unsigned)nnodes)];
		if (cand->next_host < 250) {
			cand->next_host++;
			nd = cand;
			break;
		}
	}
	return nd;
}

static void node_ip(char *out, size_t n, const struct node *nd)
{
	snprintf(out, n, "172.16.%d.%d", 1 + nd->index / 250, 1 + nd->index % 250);
}

static void emit_pod(struct jw *w, const struct ns *n, const struct podref *pr)
{
	const struct app *a = pr->a;
	bool pending = !a->host_network && a->tier != T_SYSTEM && chance(1);
	const struct node *nd = pending ? NULL : place(a, pr->replica);
	char uid[37], rv[24], vol[32], gen[64], v4[48] = "", v6[48] = "", hostip[48] = "", sfx[6];
	long created = a->created + (long)below(86400 * 7);
	long started = created + 2 + (long)below(20);
	bool annotate = a->tier != T_SYSTEM || chance(50);

	if (created > NOW - 3600)
		created = NOW - 3600 - (long)below(86400);
	rand_uid(uid);
	rand_str(sfx, 5);
	snprintf(vol, sizeof(vol), "kube-api-access-%s", sfx);
	snprintf(rv, sizeof(rv), "%ld", resource_version++);
	if (nd) {
		int host = a->host_network ? 0 : nd->next_host;
		node_ip(hostip, sizeof(hostip), nd);
		if (a->host_network) {
			snprintf(v4, sizeof(v4), "%s", hostip);
		} else {
			snprintf(v4, sizeof(v4), "10.%d.%d.%d", 64 + nd->index / 256,
				 nd->index % 256, host + 1);
			if (nd->dual)
				snprintf(v6, sizeof(v6), "fd00:10:%x:%x::%x", 64 + nd->index / 256,
					 nd->index % 256, host + 1);
		}
	}

	jw_open(w, '{');
	kv_str(w, "apiVersion", "v1");
	kv_str(w, "kind", "Pod");
	kv_obj(w, "metadata");
	if (annotate) {
		kv_obj(w, "annotations");
		if (a->tier != T_SYSTEM) {
			char cs[65];
			rand_hex(cs, 64);
			kv_str(w, "checksum/config", cs);
			if (chance(30))
				kv_time(w, "kubectl.kubernetes.io/restartedAt", created - 60);
		}
		if (has_port(a, "metrics")) {
			kv_str(w, "prometheus.io/port", "9090");
			kv_str(w, "prometheus.io/scrape", "true");
		}
		if (n->istio && a->tier != T_SYSTEM) {
			kv_str(w, "sidecar.istio.io/status",
			       "{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-proxy\"],"
			       "\"volumes\":[\"workload-socket\",\"credential-socket\","
			       "\"workload-certs\",\"istio-envoy\",\"istio-data\",\"istio-podinfo\","
			       "\"istio-token\",\"istiod-ca-cert\"],\"imagePullSecrets\":null,"
			       "\"revision\":\"default\"}");
		}
		jw_close(w, '}');
	}
	kv_time(w, "creationTimestamp", created);
	if (a->owner != OWN_STATEFULSET) {
		if (a->owner == OWN_REPLICASET)
			snprintf(gen, sizeof(gen), "%s-%s-", a->name, a->hash);
		else
			snprintf(gen, sizeof(gen), "%s-", a->name);
		kv_str(w, "generateName", gen);
	}
	kv_obj(w, "labels");
	for (int i = 0; i < a->nlabels; i++)
		kv_str(w, a->labels[i].key, a->labels[i].value);
	if (a->owner == OWN_STATEFULSET)
		kv_str(w, "statefulset.kubernetes.io/pod-name", pr->name);
	jw_close(w, '}');
	kv_str(w, "name", pr->name);
	kv_str(w, "namespace", n->name);
	kv_arr(w, "ownerReferences");
	jw_open(w, '{');
	kv_str(w, "apiVersion", "apps/v1");
	kv_bool(w, "blockOwnerDeletion", true);
	kv_bool(w, "controller", true);
	kv_str(w, "kind", a->owner == OWN_REPLICASET	? "ReplicaSet"
			  : a->owner == OWN_STATEFULSET ? "StatefulSet"
							: "DaemonSet");
	if (a->owner == OWN_REPLICASET)
		snprintf(gen, sizeof(gen), "%s-%s", a->name, a->hash);
	else
		snprintf(gen, sizeof(gen), "%s", a->name);
	kv_str(w, "name", gen);
	kv_str(w, "uid", a->owner_uid);
	jw_close(w, '}');
	jw_close(w, ']');
	kv_str(w, "resourceVersion", rv);
	kv_str(w, "uid", uid);
	jw_close(w, '}');

	kv_obj(w, "spec");
	kv_arr(w, "containers");
	for (int i = 0; i < a->nc; i++)
		emit_container(w, n, a, &a->c[i], vol);
	jw_close(w, ']');
	kv_str(w, "dnsPolicy", a->host_network ? "ClusterFirstWithHostNet" : "ClusterFirst");
	kv_bool(w, "enableServiceLinks", true);
	if (a->host_network)
		kv_bool(w, "hostNetwork", true);
	if (nd)
		kv_str(w, "nodeName", nd->name);
	kv_str(w, "preemptionPolicy", "PreemptLowerPriority");
	if (a->tier == T_SYSTEM && n->kind == NS_KUBE_SYSTEM) {
		kv_int(w, "priority", 2000001000);
		kv_str(w, "priorityClassName", "system-node-critical");
	} else {
		kv_int(w, "priority", 0);
	}
	kv_str(w, "restartPolicy", "Always");
	kv_str(w, "schedulerName", "default-scheduler");
	kv_obj(w, "securityContext");
	if (!a->host_network) {
		kv_int(w, "fsGroup", 2000);
		kv_int(w, "runAsUser", 1000);
	}
	jw_close(w, '}');
	kv_str(w, "serviceAccount", a->own_sa ? a->name : "default");
	kv_str(w, "serviceAccountName", a->own_sa ? a->name : "default");
	kv_int(w, "terminationGracePeriodSeconds", 30);
	kv_arr(w, "tolerations");
	jw_open(w, '{');
	kv_str(w, "effect", "NoExecute");
	kv_str(w, "key", "node.kubernetes.io/not-ready");
	kv_str(w, "operator", "Exists");
	kv_int(w, "tolerationSeconds", 300);
	jw_close(w, '}');
	jw_open(w, '{');
	kv_str(w, "effect", "NoExecute");
	kv_str(w, "key", "node.kubernetes.io/unreachable");
	kv_str(w, "operator", "Exists");
	kv_int(w, "tolerationSeconds", 300);
	jw_close(w, '}');
	jw_close(w, ']');
	emit_volumes(w, vol);
	jw_close(w, '}');

	kv_obj(w, "status");
	kv_arr(w, "conditions");
	if (pending) {
		emit_condition(w, "PodScheduled", false, created);
	} else {
		emit_condition(w, "PodReadyToStartContainers", true, started);
		emit_condition(w, "Initialized", true, created + 1);
		emit_condition(w, "Ready", true, started + 8);
		emit_condition(w, "ContainersReady", true, started + 8);
		emit_condition(w, "PodScheduled", true, created);
	}
	jw_close(w, ']');
	if (!pending) {
		kv_arr(w, "containerStatuses");
		for (int i = 0; i < a->nc; i++) {
			char id[96], img[200];
			int restarts = chance(10) ? (int)below(5) : 0;
			jw_open(w, '{');
			memcpy(id, "containerd://", 13);
			rand_hex(id + 13, 64);
			kv_str(w, "containerID", id);
			kv_str(w, "image", a->c[i].image);
			snprintf(img, sizeof(img), "%.*s@sha256:", (int)strcspn(a->c[i].image, ":"),
				 a->c[i].image);
			rand_hex(img + strlen(img), 64);
			kv_str(w, "imageID", img);
			kv_empty_obj(w, "lastState");
			kv_str(w, "name", a->c[i].name);
			kv_bool(w, "ready", true);
			kv_int(w, "restartCount", restarts);
			kv_bool(w, "started", true);
			kv_obj(w, "state");
			kv_obj(w, "running");
			kv_time(w, "startedAt", started);
			jw_close(w, '}');
			jw_close(w, '}');
			jw_close(w, '}');
		}
		jw_close(w, ']');
		kv_str(w, "hostIP", hostip);
		kv_arr(w, "hostIPs");
		jw_open(w, '{');
		kv_str(w, "ip", hostip);
		jw_close(w, '}');
		jw_close(w, ']');
	}
	kv_str(w, "phase", pending ? "Pending" : "Running");
	if (!pending) {
		kv_str(w, "podIP", v4);
		kv_arr(w, "podIPs");
		jw_open(w, '{');
		kv_str(w, "ip", v4);
		jw_close(w, '}');
		if (v6[0]) {
			jw_open(w, '{');
			kv_str(w, "ip", v6);
			jw_close(w, '}');
		}
		jw_close(w, ']');
	}
	kv_str(w, "qosClass", "Burstable");
	if (!pending)
		kv_time(w, "startTime", created);
	jw_close(w, '}');
	jw_close(w, '}');
}

static int emit_ns_pods(struct jw *w, const struct ns *n)
{
	struct podref *prs = emalloc((size_t)(n->npods ? n->npods : 1) * sizeof(*prs));
	int np = 0;

	for (int i = 0; i < n->napps; i++) {
		const struct app *a = &n->apps[i];
		for (int r = 0; r < a->replicas; r++) {
			struct podref *pr = &prs[np++];
			char sfx[6];
			pr->a = a;
			pr->replica = r;
			rand_str(sfx, 5);
			if (a->owner == OWN_STATEFULSET)
				snprintf(pr->name, sizeof(pr->name), "%s-%d", a->name, r);
			else if (a->owner == OWN_DAEMONSET)
				snprintf(pr->name, sizeof(pr->name), "%s-%s", a->name, sfx);
			else
				snprintf(pr->name, sizeof(pr->name), "%s-%s-%s", a->name, a->hash,
					 sfx);
		}
	}
	qsort(prs, (size_t)np, sizeof(*prs), cmp_podref);
	for (int i = 0; i < np; i++)
		emit_pod(w, n, &prs[i]);
	free(prs);
	return np;
}

/* ---- main ------------------------------------------------------------- */

static long arg_num(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s ? s : "", &end, 10);
	if (!s || *end || end == s || v < lo || v > hi) {
		fprintf(stderr, "gen: %s needs a number between %ld and %ld\n", opt, lo, hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long pods = 1000, policies = 100, nnamespaces = -1, seed = 1;
	const char *out = NULL;
	struct jw w = { 0 };
	FILE *f = stdout;
	int npods = 0, npol = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--pods"))
			pods = arg_num(a, v, 1, 1000000);
		else if (!strcmp(a, "--policies"))
			policies = arg_num(a, v, 0, 1000000);
		else if (!strcmp(a, "--namespaces"))
			nnamespaces = arg_num(a, v, 7, 100000);
		else if (!strcmp(a, "--seed"))
			seed = arg_num(a, v, 0, 0x7fffffffL);
		else if (!strcmp(a, "-o"))
			out = v;
		else {
			fputs("usage: gen [--pods N] [--policies N] [--namespaces N] [--seed S] "
			      "[-o FILE]\n",
			      stderr);
			return 2;
		}
		i++;
	}
	if (nnamespaces < 0)
		nnamespaces = pods / 100 < 7 ? 7 : pods / 100;
	rng_seed((uint64_t)seed);
	build_cluster((int)pods, (int)nnamespaces);
	share_policies((int)policies);

	if (out && !(f = fopen(out, "w"))) {
		perror(out);
		return 1;
	}
	w.f = f;
	w.pretty = true;
	jw_open(&w, '{');
	kv_str(&w, "apiVersion", "v1");
	kv_arr(&w, "items");
	for (int i = 0; i < nns; i++) {
		npol += nss[i].npolicies;
		emit_ns_policies(&w, &nss[i]);
	}
	for (int i = 0; i < nns; i++)
		emit_namespace(&w, &nss[i]);
	for (int i = 0; i < nns; i++)
		npods += emit_ns_pods(&w, &nss[i]);
	jw_close(&w, ']');
	kv_str(&w, "kind", "List");
	kv_obj(&w, "metadata");
	kv_str(&w, "resourceVersion", "");
	jw_close(&w, '}');
	jw_close(&w, '}');
	jw_puts(&w, "\n");
	jw_flush(&w);
	if (fflush(f) || (out && fclose(f))) {
		perror("gen: write");
		return 1;
	}
	fprintf(stderr, "gen: %d namespaces, %d pods on %d nodes, %d policies (seed %ld)\n", nns,
		npods, nnodes, npol, seed);
	for (int i = 0; i < nns; i++)
		free(nss[i].apps);
	free(nss);
	free(nodes);
	free(w.buf);
	return 0;
}
