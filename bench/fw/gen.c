/*
 * gen.c - policy sets for the nftables benchmark.
 *
 *     gen N [drop K | edit K] > cluster.json
 *
 * A v1 List (the shape of `kubectl get ns,pods,netpol -o json`) with N
 * NetworkPolicies and N ordinary pods in max(1, N/100) namespaces, plus the
 * bench's own pods in namespace ns0: 4 clients (10.1.0.1-4, role=client)
 * and 2 servers (10.1.1.1-2, role=server), all labelled tier=web.
 *
 * Pod i is 10.64.(i/256).(i%256), app=a<i>.  Policy i lives in namespace
 * ns(i % K) and
 *   - in ns0 (about 1% of the policies) selects tier=web, i.e. the bench's
 *     clients and servers, so their programs hold about N/100 policies'
 *     rules each: ingress from app=a<7i%N> on TCP 1000+i%500, from an
 *     ipBlock with an except on UDP 53-60, egress to app=a<13i%N> on TCP
 *     443;
 *   - elsewhere selects app in (a<i>, a<i+1>) with the same kind of rules,
 *     so nearly every ordinary pod has programs of its own.
 * Two more policies let the bench traffic through: servers admit clients
 * on TCP 8080, clients may reach servers on TCP 8080.
 *
 * "drop K" leaves policy K out, "edit K" moves its first ingress port to
 * 2000 + K: one-policy changes, for tests/check-stable.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int first = 1;

static void item_start(void)
{
	printf("%s\n", first ? "" : ",");
	first = 0;
}

static void pod(const char *ns, const char *name, const char *labels, const char *ip)
{
	item_start();
	printf("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\","
	       "\"namespace\":\"%s\",\"labels\":{%s}},\"status\":{\"podIP\":\"%s\"}}",
	       name, ns, labels, ip);
}

static void rules(int i, int n, int port)
{
	printf("\"ingress\":[{\"from\":[{\"podSelector\":{\"matchLabels\":{\"app\":\"a%d\"}},"
	       "\"namespaceSelector\":{}}],\"ports\":[{\"port\":%d}]},"
	       "{\"from\":[{\"ipBlock\":{\"cidr\":\"10.200.%d.0/24\",\"except\":[\"10.200.%d.128/"
	       "25\"]}}],"
	       "\"ports\":[{\"protocol\":\"UDP\",\"port\":53,\"endPort\":60}]}],"
	       "\"egress\":[{\"to\":[{\"podSelector\":{\"matchLabels\":{\"app\":\"a%d\"}},"
	       "\"namespaceSelector\":{}}],\"ports\":[{\"port\":443}]}]",
	       (int)((7L * i) % n), port, i % 256, i % 256, (int)((13L * i) % n));
}

int main(int argc, char **argv)
{
	int n, k, drop = -1, edit = -1;
	char ip[32], name[32], labels[64];

	if ((argc != 2 && argc != 4) || (n = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: gen N [drop K | edit K]\n");
		return 2;
	}
	if (argc == 4 && !strcmp(argv[2], "drop"))
		drop = atoi(argv[3]);
	else if (argc == 4 && !strcmp(argv[2], "edit"))
		edit = atoi(argv[3]);
	else if (argc == 4) {
		fprintf(stderr, "usage: gen N [drop K | edit K]\n");
		return 2;
	}
	k = n / 100 > 1 ? n / 100 : 1;
	printf("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[");
	for (int i = 0; i < k; i++) {
		item_start();
		printf("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"ns%"
		       "d\"}}",
		       i);
	}
	for (int i = 1; i <= 4; i++) {
		snprintf(name, sizeof(name), "client%d", i);
		snprintf(ip, sizeof(ip), "10.1.0.%d", i);
		pod("ns0", name, "\"role\":\"client\",\"tier\":\"web\"", ip);
	}
	for (int i = 1; i <= 2; i++) {
		snprintf(name, sizeof(name), "server%d", i);
		snprintf(ip, sizeof(ip), "10.1.1.%d", i);
		pod("ns0", name, "\"role\":\"server\",\"tier\":\"web\"", ip);
	}
	for (int i = 0; i < n; i++) {
		char ns[32];
		snprintf(ns, sizeof(ns), "ns%d", i % k);
		snprintf(name, sizeof(name), "p%d", i);
		snprintf(ip, sizeof(ip), "10.64.%d.%d", i / 256, i % 256);
		snprintf(labels, sizeof(labels), "\"app\":\"a%d\"", i);
		pod(ns, name, labels, ip);
	}
	for (int i = 0; i < n; i++) {
		if (i == drop)
			continue;
		item_start();
		printf("{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\","
		       "\"metadata\":{\"name\":\"pol%d\",\"namespace\":\"ns%d\"},\"spec\":{",
		       i, i % k);
		if (i % k == 0)
			printf("\"podSelector\":{\"matchLabels\":{\"tier\":\"web\"}},");
		else
			printf("\"podSelector\":{\"matchExpressions\":[{\"key\":\"app\","
			       "\"operator\":"
			       "\"In\",\"values\":[\"a%d\",\"a%d\"]}]},",
			       i, (i + 1) % n);
		printf("\"policyTypes\":[\"Ingress\",\"Egress\"],");
		rules(i, n, i == edit ? 2000 + i : 1000 + i % 500);
		printf("}}");
	}
	item_start();
	printf("{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\","
	       "\"metadata\":{\"name\":\"bench-server-in\",\"namespace\":\"ns0\"},\"spec\":{"
	       "\"podSelector\":{\"matchLabels\":{\"role\":\"server\"}},"
	       "\"ingress\":[{\"from\":[{\"podSelector\":{\"matchLabels\":{\"role\":\"client\"}}}],"
	       "\"ports\":[{\"port\":8080}]}]}}");
	item_start();
	printf("{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\","
	       "\"metadata\":{\"name\":\"bench-client-out\",\"namespace\":\"ns0\"},\"spec\":{"
	       "\"podSelector\":{\"matchLabels\":{\"role\":\"client\"}},\"policyTypes\":["
	       "\"Egress\"],"
	       "\"egress\":[{\"to\":[{\"podSelector\":{\"matchLabels\":{\"role\":\"server\"}}}],"
	       "\"ports\":[{\"port\":8080}]}]}}");
	printf("\n]}\n");
	return 0;
}
