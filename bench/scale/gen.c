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
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ---- the cluster -------------------------------------------------------- */

static const char *const tier_names[] = { "frontend", "backend", "worker",
					  "database", "cache",	 "system" };

struct ns *nss;
int nns;
long resource_version = 1000000;
static struct node *nodes;
static int nnodes;

static const char *const teams[] = { "payments", "checkout", "identity", "search",    "catalog",
				     "platform", "data",     "growth",	 "messaging", "media",
				     "risk",	 "support",  "logistics" };
static const char *const products[] = { "api",	     "shop",	 "web",	     "core",	"billing",
					"ledger",    "accounts", "profiles", "orders",	"inventory",
					"reporting", "ml",	 "notify",   "content", "pricing",
					"fraud",     "tickets",	 "routing",  "maps",	"events" };
static const char *const envs[] = { "prod", "staging", "dev" };

static const char *const svc_backend[] = { "api",      "orders",    "users",   "auth",
					   "billing",  "payments",  "cart",    "catalog",
					   "search",   "inventory", "pricing", "accounts",
					   "profile",  "ledger",    "reports", "notifications",
					   "gateway",  "sessions",  "quotes",  "recommendations",
					   "shipping", "invoices",  "tokens",  "audit" };
static const char *const svc_frontend[] = { "web",	"frontend", "storefront",
					    "admin-ui", "portal",   "dashboard" };
static const char *const svc_worker[] = { "worker",   "scheduler", "mailer",	 "indexer",
					  "exporter", "consumer",  "reconciler", "sync" };
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
			c = add_container(a, "postgres", "docker.io/library/postgres:16.2", 1000,
					  4096);
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
			c = add_container(a, "exporter",
					  "docker.io/oliver006/redis_exporter:v1.58.0", 50, 64);
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
	n->created =
		kind == NS_TEAM ? (long)below(300) * 86400 + (long)below(86400) : (long)below(600);
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
	c = add_container(a, "metrics-server",
			  "registry.k8s.io/metrics-server/metrics-server:v0.7.0", 100, 200);
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
		c = add_container(a, "alertmanager", "quay.io/prometheus/alertmanager:v0.27.0", 50,
				  100);
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

bool app_has_port(const struct app *a, const char *name)
{
	for (int i = 0; i < a->nc; i++)
		for (int j = 0; j < a->c[i].nports; j++)
			if (!strcmp(a->c[i].ports[j].name, name))
				return true;
	return false;
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
		kv_str(w, "message",
		       "0/3 nodes are available: 3 Insufficient cpu. preemption: "
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
		if (app_has_port(a, "metrics")) {
			kv_str(w, "prometheus.io/port", "9090");
			kv_str(w, "prometheus.io/scrape", "true");
		}
		if (n->istio && a->tier != T_SYSTEM) {
			kv_str(w, "sidecar.istio.io/status",
			       "{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-"
			       "proxy\"],"
			       "\"volumes\":[\"workload-socket\",\"credential-socket\","
			       "\"workload-certs\",\"istio-envoy\",\"istio-data\",\"istio-"
			       "podinfo\","
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
	kv_str(w, "kind",
	       a->owner == OWN_REPLICASET    ? "ReplicaSet"
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
