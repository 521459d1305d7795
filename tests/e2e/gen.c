/*
 * gen.c - seeded random scenarios for the e2e bench.
 *
 *     gen SEED > scenario.yaml
 *
 * Writes one YAML stream: a "# probe: ..." line naming the protocol/ports
 * to probe, 2-3 Namespaces with random labels, 3-8 Pods (addresses
 * 10.0.1.N and, for most, fd00::1:N; random labels; random named container
 * ports) and 1-4 NetworkPolicies drawing on the whole API: podSelector
 * empty or not, matchLabels and matchExpressions with In, NotIn, Exists and
 * DoesNotExist, every policyTypes spelling (absent, Ingress, Egress, both),
 * ingress/egress absent, empty or with rules, rules with from/to absent,
 * empty or with podSelector / namespaceSelector / both / ipBlock (IPv4 and
 * IPv6, with except), ports absent or with TCP/UDP/SCTP, protocol only,
 * numeric, endPort ranges and named ports (some that no pod declares).
 * Every port a probe uses is one the bench's server listens on; the same
 * seed always gives the same scenario.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXPODS 8

/* the ports the server listens on (tests/e2e/run.sh PORTS) */
static const int pool[] = { 53, 80, 81, 443, 5353, 8080, 8081, 9000, 9090, 9091 };
#define NPOOL (sizeof(pool) / sizeof(pool[0]))

static const char *const protos[] = { "TCP", "UDP", "SCTP" };

struct named {
	const char *name;
	int proto; /* index in protos */
	int port;
};
/*
 * named container ports pods may declare: "http" resolves to 80 on some
 * pods and 8080 on others, "alt" to TCP 81 or UDP 81
 */
static const struct named named_ports[] = {
	{ "http", 0, 80 },  { "http", 0, 8080 }, { "dns", 1, 53 },
	{ "sig", 2, 9000 }, { "alt", 0, 81 },	 { "alt", 1, 81 },
};
#define NNAMED (sizeof(named_ports) / sizeof(named_ports[0]))
static const char *const port_names[] = { "http", "dns", "sig", "alt", "nosuch" };

static const char *const pod_keys[] = { "app", "tier", "role" };
static const char *const pod_vals[][3] = { { "web", "db", "api" },
					   { "front", "back", "" },
					   { "x", "", "" } };
static const char *const ns_keys[] = { "team", "env", "kubernetes.io/metadata.name" };
static const char *const ns_names[] = { "ns-a", "ns-b", "ns-c" };

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	uint64_t z;
	rng += 0x9E3779B97F4A7C15ULL;
	z = rng;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z ^= z >> 31;
	return n ? (uint32_t)(z % n) : 0;
}

static bool chance(int percent)
{
	return (int)rnd(100) < percent;
}

struct pod {
	int ns;
	const char *labels[3]; /* by pod_keys; NULL: absent */
	bool v6;
	bool ports[NNAMED];
};

static int nns, npods;
static const char *ns_labels[3][2]; /* team, env */
static struct pod pods[MAXPODS];

/* probe candidates: protocol index * 65536 + port */
static int probes[64];
static int nprobes;

static void want_probe(int proto, int port)
{
	bool in_pool = false;
	for (size_t i = 0; i < NPOOL; i++)
		in_pool |= pool[i] == port;
	if (!in_pool || nprobes == (int)(sizeof(probes) / sizeof(probes[0])))
		return;
	for (int i = 0; i < nprobes; i++)
		if (probes[i] == proto * 65536 + port)
			return;
	probes[nprobes++] = proto * 65536 + port;
}

/* ---- selectors ---- */

static const char *pick_value(int key)
{
	const char *v;
	do
		v = pod_vals[key][rnd(3)];
	while (!*v);
	return v;
}

static void pod_selector(void)
{
	int nl = chance(30) ? 0 : (int)rnd(2) + (chance(50) ? 1 : 0);
	int ne = chance(50) ? 0 : 1 + (int)rnd(2);
	bool used[3] = { false, false, false };
	int printed = 0;
	printf("{");
	if (nl) {
		printf("matchLabels: {");
		for (int i = 0; i < nl; i++) {
			int k = (int)rnd(3);
			if (used[k])
				continue;
			used[k] = true;
			printf("%s%s: %s", printed++ ? ", " : "", pod_keys[k], pick_value(k));
		}
		printf("}");
	}
	if (ne) {
		printf("%smatchExpressions: [", nl ? ", " : "");
		for (int i = 0; i < ne; i++) {
			int k = (int)rnd(3), op = (int)rnd(4);
			static const char *const ops[] = { "In", "NotIn", "Exists",
							   "DoesNotExist" };
			printf("%s{key: %s, operator: %s", i ? ", " : "", pod_keys[k], ops[op]);
			if (op < 2) {
				printf(", values: [%s", pick_value(k));
				if (chance(40))
					printf(", %s", pick_value(k));
				printf("]");
			}
			printf("}");
		}
		printf("]");
	}
	printf("}");
}

static void ns_selector(void)
{
	int k = (int)rnd(3), op = (int)rnd(5);
	static const char *const ops[] = { "In", "NotIn", "Exists", "DoesNotExist" };
	const char *v;
	if (chance(20)) {
		printf("{}");
		return;
	}
	if (k == 2)
		v = ns_names[rnd(3)];
	else
		v = k == 0 ? (chance(50) ? "red" : "blue") : (chance(50) ? "prod" : "dev");
	if (op == 4) {
		printf("{matchLabels: {%s: %s}}", ns_keys[k], v);
		return;
	}
	printf("{matchExpressions: [{key: %s, operator: %s", ns_keys[k], ops[op]);
	if (op < 2)
		printf(", values: [%s]", v);
	printf("}]}");
}

/* ---- ipBlocks ---- */

static void ipblock(void)
{
	int p = (int)rnd((uint32_t)npods);
	if (chance(70)) {
		static const int lens[] = { 0, 8, 24, 28, 29, 30, 31, 32 };
		int len = lens[rnd(8)];
		uint32_t a = 0x0A000101u + (uint32_t)p; /* 10.0.1.(p+1) */
		uint32_t mask = len ? ~0u << (32 - len) : 0;
		uint32_t net = a & mask;
		int nex = len >= 31 ? 0 : (int)rnd(3);
		printf("{cidr: %u.%u.%u.%u/%d", net >> 24, (net >> 16) & 255, (net >> 8) & 255,
		       net & 255, len);
		if (nex) {
			printf(", except: [");
			for (int i = 0; i < nex; i++) {
				int elen = len + 1 + (int)rnd((uint32_t)(32 - len));
				uint32_t ea = 0x0A000101u + rnd((uint32_t)MAXPODS);
				uint32_t em = ~0u << (32 - elen);
				if (len && (ea & mask) != net)
					ea = a;
				if (len < 8 && !chance(50))
					ea = 0x0A000101u + rnd(4);
				printf("%s%u.%u.%u.%u/%d", i ? ", " : "", (ea & em) >> 24,
				       ((ea & em) >> 16) & 255, ((ea & em) >> 8) & 255,
				       ea & em & 255, elen);
			}
			printf("]");
		}
		printf("}");
		return;
	}
	/* IPv6: pods are fd00::1:(p+1) */
	{
		static const int lens[] = { 0, 64, 112, 124, 126, 128 };
		int len = lens[rnd(6)];
		unsigned host = (unsigned)p + 1;
		unsigned mask = len >= 112 ? (0xFFFFu << (128 - len)) & 0xFFFFu : 0;
		if (len == 0) {
			printf("{cidr: \"::/0\"");
			if (chance(50))
				printf(", except: [\"fd00::1:%x/128\"]", host);
		} else if (len == 64) {
			printf("{cidr: \"fd00::/64\"");
			if (chance(50))
				printf(", except: [\"fd00::1:%x/126\"]", host & 0xFFFCu);
		} else {
			printf("{cidr: \"fd00::1:%x/%d\"", host & mask, len);
			if (len < 128 && chance(50))
				printf(", except: [\"fd00::1:%x/128\"]", host);
		}
		printf("}");
	}
}

/* ---- rules ---- */

/*
 * A rule is printed as a list item: its first key on the "  - " line, the
 * others below it.  lead() gives the right prefix for the next key.
 */
static bool first_key;

static const char *lead(void)
{
	const char *l = first_key ? "  - " : "    ";
	first_key = false;
	return l;
}

static void peers(const char *key)
{
	int n;
	if (chance(20))
		return; /* absent: every peer */
	if (chance(6)) {
		printf("%s%s: []\n", lead(), key);
		return;
	}
	printf("%s%s:\n", lead(), key);
	n = 1 + (int)rnd(2);
	for (int i = 0; i < n; i++) {
		int kind = (int)rnd(100);
		if (kind < 30) {
			printf("    - podSelector: ");
			pod_selector();
		} else if (kind < 55) {
			printf("    - namespaceSelector: ");
			ns_selector();
		} else if (kind < 75) {
			printf("    - podSelector: ");
			pod_selector();
			printf("\n      namespaceSelector: ");
			ns_selector();
		} else {
			printf("    - ipBlock: ");
			ipblock();
		}
		printf("\n");
	}
}

static void ports(void)
{
	int n;
	if (chance(35))
		return;
	if (chance(5)) {
		printf("%sports: []\n", lead());
		return;
	}
	printf("%sports:\n", lead());
	n = 1 + (int)rnd(3);
	for (int i = 0; i < n; i++) {
		int proto = (int)rnd(3), kind = (int)rnd(100);
		bool explicit = proto != 0 || chance(50);
		printf("    - {");
		if (explicit)
			printf("protocol: %s", protos[proto]);
		if (kind < 12) {
			/* protocol only: every port */
			if (!explicit)
				printf("protocol: TCP");
			want_probe(proto, pool[rnd(NPOOL)]);
		} else if (kind < 60) {
			int port = pool[rnd(NPOOL)];
			printf("%sport: %d", explicit ? ", " : "", port);
			want_probe(proto, port);
		} else if (kind < 80) {
			int a = (int)rnd(NPOOL), b = (int)rnd(NPOOL);
			int lo = pool[a < b ? a : b], hi = pool[a < b ? b : a];
			if (chance(30))
				hi = lo + (int)rnd(3);
			printf("%sport: %d, endPort: %d", explicit ? ", " : "", lo, hi);
			want_probe(proto, lo);
			want_probe(proto, hi);
			want_probe(proto, hi + 1);
			want_probe(proto, lo - 1);
		} else {
			const char *name = port_names[rnd(5)];
			printf("%sport: %s", explicit ? ", " : "", name);
			for (size_t k = 0; k < NNAMED; k++)
				if (!strcmp(named_ports[k].name, name))
					want_probe(named_ports[k].proto, named_ports[k].port);
		}
		printf("}\n");
	}
}

static void rules(const char *dir, const char *peer_key)
{
	int n;
	int r = (int)rnd(100);
	if (r < 20)
		return; /* absent */
	if (r < 30) {
		printf("  %s: []\n", dir);
		return;
	}
	printf("  %s:\n", dir);
	n = 1 + (int)rnd(3);
	for (int i = 0; i < n; i++) {
		first_key = true;
		peers(peer_key);
		ports();
		if (first_key)
			printf("  - {}\n"); /* neither: matches everything */
	}
}

/* ---- admin and baseline policies ---- */

/* anp_network: a CIDR around a pod's address (or all of IPv4 / IPv6) */
static void anp_network(void)
{
	int p = (int)rnd((uint32_t)npods);
	static const int lens[] = { 0, 24, 30, 32 };
	int len = lens[rnd(4)];
	uint32_t a = 0x0A000101u + (uint32_t)p;
	uint32_t net = len ? a & (~0u << (32 - len)) : 0;
	if (chance(25))
		printf("\"fd00::1:%x/128\"", (unsigned)p + 1);
	else
		printf("%u.%u.%u.%u/%d", net >> 24, (net >> 16) & 255, (net >> 8) & 255, net & 255,
		       len);
}

/*
 * anp_port: one entry of a rule's ports (v1alpha1) or, for a
 * ClusterNetworkPolicy (cnp), of its protocols; kind 0 a number, 1 a
 * range, 2 a named port.
 */
static void anp_port(bool cnp, int proto, int kind)
{
	static const char *const keys[] = { "tcp", "udp", "sctp" };
	if (kind == 0) {
		int port = pool[rnd(NPOOL)];
		if (cnp)
			printf("    - %s: {destinationPort: {number: %d}}\n", keys[proto], port);
		else
			printf("    - portNumber: {protocol: %s, port: %d}\n", protos[proto], port);
		want_probe(proto, port);
	} else if (kind == 1) {
		int a = (int)rnd(NPOOL), b = (int)rnd(NPOOL);
		int lo = pool[a < b ? a : b], hi = pool[a < b ? b : a];
		/* v1alpha2 ranges need start < end: one port is a number */
		if (cnp && lo == hi)
			printf("    - %s: {destinationPort: {number: %d}}\n", keys[proto], lo);
		else if (cnp)
			printf("    - %s: {destinationPort: {range: {start: %d, end: %d}}}\n",
			       keys[proto], lo, hi);
		else
			printf("    - portRange: {protocol: %s, start: %d, end: %d}\n",
			       protos[proto], lo, hi);
		want_probe(proto, lo);
		want_probe(proto, hi + 1);
	} else {
		const char *name = port_names[rnd(5)];
		printf(cnp ? "    - destinationNamedPort: %s\n" : "    - namedPort: %s\n", name);
		for (size_t j = 0; j < NNAMED; j++)
			if (!strcmp(named_ports[j].name, name))
				want_probe(named_ports[j].proto, named_ports[j].port);
	}
}

/* anp_rules: a direction's rules; a v1alpha2 (cnp) baseline may Pass, and allows are Accept */
static void anp_rules(const char *dir, const char *peer_key, bool baseline, bool cnp)
{
	static const char *const actions[2][3] = { { "Allow", "Deny", "Pass" },
						   { "Accept", "Deny", "Pass" } };
	int n = (int)rnd(3);
	if (!n)
		return;
	printf("  %s:\n", dir);
	for (int i = 0; i < n; i++) {
		int np = 1 + (int)rnd(2);
		bool nets = false;
		printf("  - action: %s\n    %s:\n", actions[cnp][rnd(baseline && !cnp ? 2 : 3)],
		       peer_key);
		for (int k = 0; k < np; k++) {
			int kind = (int)rnd(strcmp(peer_key, "to") ? 2 : 3);
			if (kind == 0) {
				printf("    - namespaces: ");
				ns_selector();
			} else if (kind == 1) {
				printf("    - pods: {namespaceSelector: ");
				ns_selector();
				printf(", podSelector: ");
				pod_selector();
				printf("}");
			} else {
				nets = true;
				printf("    - networks: [");
				anp_network();
				printf("]");
			}
			printf("\n");
		}
		if (chance(40))
			continue; /* every port */
		printf(cnp ? "    protocols:\n" : "    ports:\n");
		for (int k = 0, nports = 1 + (int)rnd(2); k < nports; k++) {
			int proto = (int)rnd(3), kind = (int)rnd(nets ? 2 : 3);
			anp_port(cnp, proto, kind);
		}
	}
}

/*
 * cluster_policies: now and then AdminNetworkPolicies (priorities may tie)
 * and a baseline, or the same written as v1alpha2 ClusterNetworkPolicies
 * (tiers Admin and Baseline, several baselines by priority).
 */
static void cluster_policies(void)
{
	int nanp;
	bool cnp;
	if (!chance(35))
		return;
	cnp = chance(40);
	nanp = (int)rnd(3);
	for (int i = 0; i <= nanp + cnp; i++) {
		bool baseline = i >= nanp;
		if (baseline && chance(40))
			break;
		if (cnp)
			printf("---\napiVersion: policy.networking.k8s.io/v1alpha2\n"
			       "kind: ClusterNetworkPolicy\nmetadata: {name: cnp%d}\nspec:\n"
			       "  tier: %s\n  priority: %d\n",
			       i, baseline ? "Baseline" : "Admin", (int)rnd(3) * 10);
		else if (baseline)
			printf("---\napiVersion: policy.networking.k8s.io/v1alpha1\n"
			       "kind: BaselineAdminNetworkPolicy\nmetadata: {name: "
			       "default}\nspec:\n");
		else
			printf("---\napiVersion: policy.networking.k8s.io/v1alpha1\n"
			       "kind: AdminNetworkPolicy\nmetadata: {name: anp%d}\nspec:\n"
			       "  priority: %d\n",
			       i, (int)rnd(3) * 10);
		if (chance(50)) {
			printf("  subject: {namespaces: ");
			ns_selector();
		} else {
			printf("  subject: {pods: {namespaceSelector: ");
			ns_selector();
			printf(", podSelector: ");
			pod_selector();
			printf("}");
		}
		printf("}\n");
		anp_rules("ingress", "from", baseline, cnp);
		anp_rules("egress", "to", baseline, cnp);
	}
}

int main(int argc, char **argv)
{
	unsigned long long seed;
	int npol;

	if (argc != 2) {
		fprintf(stderr, "usage: gen SEED\n");
		return 2;
	}
	seed = strtoull(argv[1], NULL, 10);
	rng = seed * 0x2545F4914F6CDD1DULL + 1;
	nns = 2 + (int)rnd(2);
	npods = 3 + (int)rnd(MAXPODS - 2);
	for (int i = 0; i < nns; i++) {
		ns_labels[i][0] = chance(60) ? (chance(50) ? "red" : "blue") : NULL;
		ns_labels[i][1] = chance(60) ? (chance(50) ? "prod" : "dev") : NULL;
	}
	for (int i = 0; i < npods; i++) {
		struct pod *p = &pods[i];
		p->ns = (int)rnd((uint32_t)nns);
		p->labels[0] = chance(80) ? pick_value(0) : NULL;
		p->labels[1] = chance(50) ? pick_value(1) : NULL;
		p->labels[2] = chance(30) ? "x" : NULL;
		p->v6 = chance(85);
		for (size_t k = 0; k < NNAMED; k++)
			p->ports[k] = chance(30);
		/* a port name may be declared once per pod */
		if (p->ports[0] && p->ports[1])
			p->ports[rnd(2)] = false;
		if (p->ports[4] && p->ports[5])
			p->ports[4 + rnd(2)] = false;
	}
	npol = 1 + (int)rnd(4);

	/* the policies first, into a buffer: they decide what to probe */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&buf, &len);
		FILE *out = stdout;
		if (!mem)
			return 1;
		stdout = mem;
		for (int i = 0; i < npol; i++) {
			int types = (int)rnd(4);
			printf("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n");
			printf("metadata: {name: pol%d, namespace: %s}\nspec:\n", i,
			       ns_names[rnd((uint32_t)nns)]);
			printf("  podSelector: ");
			if (chance(30))
				printf("{}");
			else
				pod_selector();
			printf("\n");
			if (types == 1)
				printf("  policyTypes: [Ingress]\n");
			else if (types == 2)
				printf("  policyTypes: [Egress]\n");
			else if (types == 3)
				printf("  policyTypes: [Ingress, Egress]\n");
			rules("ingress", "from");
			rules("egress", "to");
		}
		cluster_policies();
		fclose(mem);
		stdout = out;
		while (nprobes < 4)
			want_probe((int)rnd(3), pool[rnd(NPOOL)]);
		printf("# probe:");
		for (int i = 0; i < nprobes && i < 8; i++) {
			static const char *const lp[] = { "tcp", "udp", "sctp" };
			printf(" %s/%d", lp[probes[i] / 65536], probes[i] % 65536);
		}
		printf("\n# random scenario, seed %llu\n", seed);
		for (int i = 0; i < nns; i++) {
			printf("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n",
			       ns_names[i]);
			if (ns_labels[i][0] || ns_labels[i][1]) {
				printf("  labels:\n");
				if (ns_labels[i][0])
					printf("    team: %s\n", ns_labels[i][0]);
				if (ns_labels[i][1])
					printf("    env: %s\n", ns_labels[i][1]);
			}
		}
		for (int i = 0; i < npods; i++) {
			const struct pod *p = &pods[i];
			bool any_label = p->labels[0] || p->labels[1] || p->labels[2];
			bool any_port = false;
			printf("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p%d\n  "
			       "namespace: %s\n",
			       i, ns_names[p->ns]);
			if (any_label) {
				printf("  labels:\n");
				for (int k = 0; k < 3; k++)
					if (p->labels[k])
						printf("    %s: %s\n", pod_keys[k], p->labels[k]);
			}
			for (size_t k = 0; k < NNAMED; k++)
				any_port |= p->ports[k];
			if (any_port) {
				printf("spec:\n  containers:\n  - name: c\n    ports:\n");
				for (size_t k = 0; k < NNAMED; k++)
					if (p->ports[k])
						printf("    - {name: %s, containerPort: %d, "
						       "protocol: %s}\n",
						       named_ports[k].name, named_ports[k].port,
						       protos[named_ports[k].proto]);
			}
			printf("status:\n  podIPs:\n  - ip: 10.0.1.%d\n", i + 1);
			if (p->v6)
				printf("  - ip: \"fd00::1:%x\"\n", i + 1);
		}
		fwrite(buf, 1, len, stdout);
		free(buf);
	}
	return 0;
}
