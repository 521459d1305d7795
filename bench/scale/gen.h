/*
 * gen.h - shared parts of the cluster generator of the scale benchmark.
 *
 * genutil.c: the seeded random numbers (the only source of variation, so
 * equal arguments give equal bytes), time stamps and the JSON writer.
 * gen.c: the cluster (namespaces, workloads, nodes), Namespaces, Pods and
 * main.  genpol.c: the NetworkPolicies.
 */
#ifndef BENCH_SCALE_GEN_H
#define BENCH_SCALE_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- genutil.c: random numbers, memory ---------------------------------- */

void rng_seed(uint64_t seed);
/* below: uniform in [0, n), n > 0. */
unsigned below(unsigned n);
/* chance: true with probability pct percent. */
bool chance(unsigned pct);

#define NELEM(arr) (sizeof(arr) / sizeof((arr)[0]))
#define PICK(arr)  ((arr)[below(NELEM(arr))])

/* emalloc/erealloc: zeroed/resized memory, or exit 1. */
void *emalloc(size_t n);
void *erealloc(void *p, size_t n);
/* rand_str: n characters of the alphabet of generated Kubernetes names, and a NUL. */
void rand_str(char *out, size_t n);
void rand_hex(char *out, size_t n);
/* rand_uid: a version-4 UUID. */
void rand_uid(char out[37]);

/* Times are seconds after 2024-01-01T00:00:00Z; NOW is "now". */
#define NOW (400L * 86400)

/* ---- genutil.c: JSON writer --------------------------------------------- */

/*
 * Pretty mode prints like kubectl (Go's MarshalIndent with four spaces:
 * `"key": value`, empty containers as {} and []); compact mode prints no
 * white space (for the last-applied-configuration annotation).  Callers
 * give keys in sorted order.  With f set, the buffer goes to f whenever it
 * passes 1 MiB; else it holds the whole text, NUL-terminated, in buf.
 * Initialise with { 0 } (then set f and pretty); free buf when done.
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

void jw_flush(struct jw *w);
void jw_puts(struct jw *w, const char *s); /* raw text */
void jw_open(struct jw *w, char c);	   /* '{' or '[' as the next value */
void jw_close(struct jw *w, char c);
void jw_key(struct jw *w, const char *k); /* the next value is this member's */
void jw_str(struct jw *w, const char *s);
void jw_null(struct jw *w);
void kv_str(struct jw *w, const char *k, const char *v);
void kv_int(struct jw *w, const char *k, long long v);
void kv_bool(struct jw *w, const char *k, bool v);
void kv_time(struct jw *w, const char *k, long t); /* RFC 3339 UTC */
void kv_obj(struct jw *w, const char *k);	   /* "k": { (close with jw_close) */
void kv_arr(struct jw *w, const char *k);
void kv_empty_obj(struct jw *w, const char *k);

/* ---- gen.c: the cluster ------------------------------------------------- */

enum tier { T_FRONTEND, T_BACKEND, T_WORKER, T_DB, T_CACHE, T_SYSTEM };

enum owner { OWN_REPLICASET, OWN_STATEFULSET, OWN_DAEMONSET };

#define MAXLABELS     12
#define MAXCONTAINERS 3
#define MAXPORTS      4

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

enum ns_kind {
	NS_TEAM,
	NS_KUBE_SYSTEM,
	NS_KUBE_PUBLIC,
	NS_NODE_LEASE,
	NS_DEFAULT,
	NS_INGRESS,
	NS_MONITORING
};

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

extern struct ns *nss; /* sorted by name */
extern int nns;
extern long resource_version; /* the next metadata.resourceVersion */

/* app_has_port: some container of a has a port called name. */
bool app_has_port(const struct app *a, const char *name);

/* ---- genpol.c: policies ------------------------------------------------- */

/* share_policies: set npolicies of every namespace so that they add up to total. */
void share_policies(int total);
/* emit_ns_policies: the npolicies policies of n, sorted by name, as List items. */
void emit_ns_policies(struct jw *w, const struct ns *n);

#endif
