/*
 * test_k8s.c - Kubernetes objects into the policy model (frontend/k8s.c)
 * and the name/label/port-name syntax rules (ir/names.c).
 *
 * Each test reads a YAML string and checks the model, or the exact
 * diagnostics (printed without caret lines).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frontend/frontend.h"
#include "ir/model.h"
#include "ir/names.h"
#include "tests/unit/testlib.h"

/* ---- fixture ---- */

/* load_as: read text as the file name (YAML, or JSON when it looks like JSON); 0 or -1. */
static int load_as(struct tl_fx *f, const char *name, const char *text)
{
	return frontend_load_buffer(&f->a, &f->d, &f->o, name, text, strlen(text), &f->m);
}

static int load(struct tl_fx *f, const char *text)
{
	return load_as(f, "test.yaml", text);
}

/*
 * diags: every queued diagnostic as printed, without the source and caret
 * lines (the queue is emptied).  K8S_SHOW=1 in the environment prints them
 * in full to stderr, to check where each one points.
 */
static const char *diags(struct tl_fx *f)
{
	size_t len;
	char *full, *in, *out;
	FILE *fp;

	free(f->out);
	f->d.caret = true;
	fp = open_memstream(&full, &len);
	assert_non_null(fp);
	diag_print(&f->d, fp);
	fclose(fp);
	if (getenv("K8S_SHOW"))
		fputs(full, stderr);
	f->out = out = malloc(len + 1);
	for (in = full; *in;) {
		char *nl = strchr(in, '\n');
		size_t n = nl ? (size_t)(nl - in) + 1 : strlen(in);
		if (strncmp(in, "    ", 4)) {
			memcpy(out, in, n);
			out += n;
		}
		in += n;
	}
	*out = '\0';
	free(full);
	return f->out;
}

static void load_ok(struct tl_fx *f, const char *text)
{
	int rc = load(f, text);
	if (rc)
		fprintf(stderr, "%s", diags(f));
	assert_int_equal(rc, 0);
	assert_int_equal(f->d.errors, 0);
}

/* load_err: text must fail with exactly the diagnostics want. */
static void load_err(struct tl_fx *f, const char *text, const char *want)
{
	assert_int_equal(load(f, text), -1);
	assert_string_equal(diags(f), want);
}

#define NP_HEAD                              \
	"apiVersion: networking.k8s.io/v1\n" \
	"kind: NetworkPolicy\n"              \
	"metadata: {name: p, namespace: ns}\n"

static const struct policy *only_policy(struct tl_fx *f)
{
	assert_int_equal(f->m.npolicies, 1);
	return f->m.policies[0];
}

/* ---- policyTypes defaulting (SEMANTICS rules 6-8) ---- */

static void test_k8s_default_deny_ingress(void **state)
{
	struct tl_fx *f = *state;
	const struct policy *p;
	load_ok(f, NP_HEAD "spec:\n  podSelector: {}\n");
	p = only_policy(f);
	assert_string_equal(p->name, "p");
	assert_string_equal(p->ns, "ns");
	assert_string_equal(p->kind, "NetworkPolicy");
	assert_true(p->types[DIR_INGRESS]);
	assert_false(p->types[DIR_EGRESS]);
	assert_false(p->types_explicit);
	assert_int_equal(p->nrules[DIR_INGRESS], 0);
	assert_false(p->rules_given[DIR_INGRESS]);
	assert_non_null(p->pod_sel);
	assert_true(selector_is_empty(p->pod_sel));
	assert_int_equal(p->name_loc.line, 3);
}

static void test_k8s_no_spec(void **state)
{
	struct tl_fx *f = *state;
	const struct policy *p;
	load_ok(f, NP_HEAD);
	p = only_policy(f);
	assert_true(p->types[DIR_INGRESS]);
	assert_false(p->types[DIR_EGRESS]);
	assert_true(selector_is_empty(p->pod_sel));
}

static void test_k8s_empty_egress_does_not_isolate(void **state)
{
	struct tl_fx *f = *state;
	const struct policy *p;
	load_ok(f, NP_HEAD "spec:\n  podSelector: {}\n  egress: []\n");
	p = only_policy(f);
	assert_true(p->types[DIR_INGRESS]);
	assert_false(p->types[DIR_EGRESS]);
	assert_true(p->rules_given[DIR_EGRESS]);
	assert_int_equal(p->rules_loc[DIR_EGRESS].line, 6);
	assert_int_equal(p->nrules[DIR_EGRESS], 0);
}

static void test_k8s_null_egress_does_not_isolate(void **state)
{
	struct tl_fx *f = *state;
	const struct policy *p;
	load_ok(f, NP_HEAD "spec:\n  podSelector:\n  egress:\n");
	p = only_policy(f);
	assert_false(p->types[DIR_EGRESS]);
	assert_true(selector_is_empty(p->pod_sel));
}

static void test_k8s_egress_rules_add_egress(void **state)
{
	struct tl_fx *f = *state;
	const struct policy *p;
	load_ok(f, NP_HEAD "spec:\n"
			   "  podSelector: {matchLabels: {app: web}}\n"
			   "  ingress: [{}]\n"
			   "  egress: [{}]\n");
	p = only_policy(f);
	assert_true(p->types[DIR_INGRESS]);
	assert_true(p->types[DIR_EGRESS]);
	assert_false(p->types_explicit);
	assert_int_equal(p->nrules[DIR_INGRESS], 1);
	assert_int_equal(p->nrules[DIR_EGRESS], 1);
	assert_int_equal(p->rules[DIR_EGRESS][0].npeers, 0);
	assert_int_equal(p->rules[DIR_EGRESS][0].nports, 0);
	assert_false(p->rules[DIR_EGRESS][0].peers_given);
	assert_int_equal(p->rules[DIR_EGRESS][0].action, ACT_ALLOW);
}

static void test_k8s_explicit_egress_ignores_ingress(void **state)
{
	struct tl_fx *f = *state;
	const struct policy *p;
	load_ok(f, NP_HEAD "spec:\n"
			   "  podSelector: {}\n"
			   "  policyTypes: [Egress]\n"
			   "  ingress:\n"
			   "  - from: [{podSelector: {}}]\n");
	p = only_policy(f);
	assert_false(p->types[DIR_INGRESS]);
	assert_true(p->types[DIR_EGRESS]);
	assert_true(p->types_explicit);
	assert_int_equal(p->types_loc.line, 6);
	assert_int_equal(p->types_loc.col, 3);
	assert_true(p->rules_given[DIR_INGRESS]);
	assert_int_equal(p->nrules[DIR_INGRESS], 1);
	assert_int_equal(p->nrules[DIR_EGRESS], 0);
}

static void test_k8s_empty_policy_types_defaults(void **state)
{
	struct tl_fx *f = *state;
	const struct policy *p;
	load_ok(f, NP_HEAD "spec:\n  policyTypes: []\n  egress: [{ports: [{port: 53}]}]\n");
	p = only_policy(f);
	assert_false(p->types_explicit);
	assert_true(p->types[DIR_INGRESS]);
	assert_true(p->types[DIR_EGRESS]);
}

static void test_k8s_both_types(void **state)
{
	struct tl_fx *f = *state;
	const struct policy *p;
	load_ok(f, NP_HEAD "spec:\n  policyTypes: [Egress, Ingress]\n");
	p = only_policy(f);
	assert_true(p->types_explicit);
	assert_true(p->types[DIR_INGRESS]);
	assert_true(p->types[DIR_EGRESS]);
}

static void test_k8s_duplicate_type_warns(void **state)
{
	struct tl_fx *f = *state;
	const struct policy *p;
	load_ok(f, NP_HEAD "spec:\n  policyTypes: [Ingress, Ingress]\n");
	p = only_policy(f);
	assert_true(p->types[DIR_INGRESS]);
	assert_false(p->types[DIR_EGRESS]);
	assert_string_equal(diags(f),
			    "test.yaml:5:26: warning: policyType 'Ingress' is listed twice "
			    "[-Wduplicate-type]\n");
}

/* ---- empty versus absent (rules 9, 10) ---- */

static void test_k8s_empty_vs_absent_peers(void **state)
{
	struct tl_fx *f = *state;
	const struct policy *p;
	const struct rule *r;
	load_ok(f, NP_HEAD "spec:\n"
			   "  podSelector: {}\n"
			   "  ingress:\n"
			   "  - from: []\n"
			   "    ports: []\n"
			   "  - from:\n"
			   "    - podSelector: {}\n"
			   "    - namespaceSelector: {matchLabels: {}}\n"
			   "    - podSelector: null\n"
			   "      namespaceSelector: {}\n"
			   "  - {}\n");
	p = only_policy(f);
	assert_int_equal(p->nrules[DIR_INGRESS], 3);
	r = &p->rules[DIR_INGRESS][0];
	assert_true(r->peers_given);
	assert_true(r->ports_given);
	assert_int_equal(r->npeers, 0);
	assert_int_equal(r->nports, 0);
	r = &p->rules[DIR_INGRESS][1];
	assert_int_equal(r->npeers, 3);
	assert_non_null(r->peers[0].pod_sel);
	assert_true(selector_is_empty(r->peers[0].pod_sel));
	assert_null(r->peers[0].ns_sel);
	assert_null(r->peers[0].ipblock);
	assert_null(r->peers[1].pod_sel);
	assert_non_null(r->peers[1].ns_sel);
	assert_true(selector_is_empty(r->peers[1].ns_sel));
	assert_null(r->peers[2].pod_sel);
	assert_non_null(r->peers[2].ns_sel);
	assert_int_equal(r->peers[2].loc.line, 12);
	r = &p->rules[DIR_INGRESS][2];
	assert_false(r->peers_given);
	assert_false(r->ports_given);
	assert_int_equal(r->npeers, 0);
}

static void test_k8s_selectors(void **state)
{
	struct tl_fx *f = *state;
	const struct policy *p;
	const struct selector *s;
	load_ok(f, NP_HEAD "spec:\n"
			   "  podSelector:\n"
			   "    matchLabels: {zz: '1', app: web, example.com/tier: front}\n"
			   "    matchExpressions:\n"
			   "    - {key: env, operator: NotIn, values: [prod, dev, '']}\n"
			   "    - {key: app, operator: Exists}\n"
			   "    - {key: b, operator: DoesNotExist, values: []}\n"
			   "    - {key: a, operator: In, values: [x]}\n");
	p = only_policy(f);
	s = p->pod_sel;
	assert_int_equal(s->nlabels, 3);
	assert_string_equal(s->match_labels[0].key, "app");
	assert_string_equal(s->match_labels[1].key, "example.com/tier");
	assert_string_equal(s->match_labels[2].key, "zz");
	assert_string_equal(s->match_labels[2].value, "1");
	assert_int_equal(s->nexprs, 4);
	assert_string_equal(s->exprs[0].key, "env");
	assert_int_equal(s->exprs[0].op, SEL_NOT_IN);
	assert_int_equal(s->exprs[0].nvalues, 3);
	assert_string_equal(s->exprs[0].values[0], "prod");
	assert_string_equal(s->exprs[0].values[1], "dev");
	assert_string_equal(s->exprs[0].values[2], "");
	assert_int_equal(s->exprs[1].op, SEL_EXISTS);
	assert_int_equal(s->exprs[1].nvalues, 0);
	assert_int_equal(s->exprs[2].op, SEL_DOES_NOT_EXIST);
	assert_int_equal(s->exprs[3].op, SEL_IN);
	assert_int_equal(s->exprs[3].loc.line, 11);
	assert_string_equal(
		selector_format(&f->a, s),
		"app=web,example.com/tier=front,zz=1,env notin (prod,dev,),app,!b,a in (x)");
}

/* ---- peers, ipBlock, ports ---- */

static void test_k8s_ipblock(void **state)
{
	struct tl_fx *f = *state;
	const struct ipblock *b;
	char buf[ADDR_STRLEN];
	load_ok(f, NP_HEAD "spec:\n"
			   "  egress:\n"
			   "  - to:\n"
			   "    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, 10.2.3.0/24]}\n"
			   "    - ipBlock: {cidr: 'fd00::/8'}\n");
	b = only_policy(f)->rules[DIR_EGRESS][0].peers[0].ipblock;
	assert_non_null(b);
	assert_string_equal(b->cidr_text, "10.0.0.0/8");
	assert_string_equal(prefix_format(&b->cidr, buf), "10.0.0.0/8");
	assert_int_equal(b->cidr_loc.line, 7);
	assert_int_equal(b->nexcept, 2);
	assert_string_equal(prefix_format(&b->except[1], buf), "10.2.3.0/24");
	assert_string_equal(b->except_text[0], "10.1.0.0/16");
	assert_int_equal(b->except_loc[1].line, 7);
	b = only_policy(f)->rules[DIR_EGRESS][0].peers[1].ipblock;
	assert_int_equal(b->cidr.a.family, AF6);
	assert_int_equal(b->cidr.len, 8);
	assert_int_equal(b->nexcept, 0);
}

static void test_k8s_ipblock_host_bits_warns(void **state)
{
	struct tl_fx *f = *state;
	const struct ipblock *b;
	char buf[ADDR_STRLEN];
	load_ok(f, NP_HEAD "spec:\n  egress:\n  - to: [{ipBlock: {cidr: 10.244.1.1/4}}]\n");
	b = only_policy(f)->rules[DIR_EGRESS][0].peers[0].ipblock;
	assert_string_equal(prefix_format(&b->cidr, buf), "0.0.0.0/4");
	assert_string_equal(diags(f), "test.yaml:6:27: warning: cidr '10.244.1.1/4' has host bits "
				      "set; it is read as 0.0.0.0/4 [-Whost-bits]\n");
}

static void test_k8s_ports(void **state)
{
	struct tl_fx *f = *state;
	const struct rule *r;
	load_ok(f, NP_HEAD "spec:\n"
			   "  ingress:\n"
			   "  - ports:\n"
			   "    - port: 80\n"
			   "    - {protocol: UDP, port: 53}\n"
			   "    - {port: http}\n"
			   "    - {protocol: SCTP}\n"
			   "    - {port: 8000, endPort: 8080}\n"
			   "    - {port: 443, endPort: 443}\n");
	r = &only_policy(f)->rules[DIR_INGRESS][0];
	assert_int_equal(r->nports, 6);
	assert_int_equal(r->ports[0].proto, PROTO_TCP);
	assert_false(r->ports[0].proto_explicit);
	assert_true(r->ports[0].has_port);
	assert_null(r->ports[0].name);
	assert_int_equal(r->ports[0].port, 80);
	assert_int_equal(r->ports[0].end_port, 0);
	assert_int_equal(r->ports[1].proto, PROTO_UDP);
	assert_true(r->ports[1].proto_explicit);
	assert_string_equal(r->ports[2].name, "http");
	assert_true(r->ports[2].has_port);
	assert_int_equal(r->ports[3].proto, PROTO_SCTP);
	assert_false(r->ports[3].has_port);
	assert_int_equal(r->ports[4].port, 8000);
	assert_int_equal(r->ports[4].end_port, 8080);
	assert_int_equal(r->ports[5].end_port, 443);
	assert_int_equal(r->ports[5].loc.line, 12);
}

/* ---- namespaces (rule 14) ---- */

static void test_k8s_namespace_label_added(void **state)
{
	struct tl_fx *f = *state;
	const struct namespace *ns;
	load_ok(f, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n"
		   "  labels: {team: a, zone: b}\n");
	assert_int_equal(f->m.nnamespaces, 1);
	ns = f->m.namespaces[0];
	assert_string_equal(ns->name, "prod");
	assert_false(ns->implicit);
	assert_int_equal(ns->labels.n, 3);
	assert_string_equal(ns->labels.v[0].key, LABEL_NS_NAME);
	assert_string_equal(labelset_get(&ns->labels, LABEL_NS_NAME), "prod");
	assert_string_equal(labelset_get(&ns->labels, "zone"), "b");
}

static void test_k8s_namespace_label_kept(void **state)
{
	struct tl_fx *f = *state;
	load_ok(f, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n"
		   "  labels: {kubernetes.io/metadata.name: prod}\n");
	assert_int_equal(f->m.namespaces[0]->labels.n, 1);
}

static void test_k8s_namespace_label_mismatch(void **state)
{
	struct tl_fx *f = *state;
	load_err(f,
		 "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n"
		 "  labels: {kubernetes.io/metadata.name: dev}\n",
		 "test.yaml:5:12: error: label kubernetes.io/metadata.name must equal the "
		 "namespace name 'prod' (the API server sets it), not 'dev'\n");
	assert_int_equal(f->m.nnamespaces, 0);
}

/* ---- pods ---- */

static void test_k8s_pod(void **state)
{
	struct tl_fx *f = *state;
	const struct pod *p;
	char buf[ADDR_STRLEN];
	load_ok(f, "apiVersion: v1\n"
		   "kind: Pod\n"
		   "metadata:\n"
		   "  name: web-0\n"
		   "  namespace: shop\n"
		   "  labels: {app: web}\n"
		   "  uid: 1234\n"
		   "  resourceVersion: '1'\n"
		   "spec:\n"
		   "  nodeName: node-1\n"
		   "  hostNetwork: false\n"
		   "  containers:\n"
		   "  - name: c\n"
		   "    image: nginx\n"
		   "    ports:\n"
		   "    - {name: http, containerPort: 8080}\n"
		   "    - {name: dns, containerPort: 53, protocol: UDP}\n"
		   "    - {containerPort: 9090}\n"
		   "  initContainers:\n"
		   "  - {name: init, ports: [{name: ignored, containerPort: 1}]}\n"
		   "  - name: sidecar\n"
		   "    restartPolicy: Always\n"
		   "    ports: [{name: metrics, containerPort: 9100}]\n"
		   "status:\n"
		   "  phase: Running\n"
		   "  podIP: 10.1.2.3\n"
		   "  podIPs: [{ip: 10.1.2.3}, {ip: 'fd00::3'}]\n");
	assert_int_equal(f->m.npods, 1);
	p = f->m.pods[0];
	assert_string_equal(p->name, "web-0");
	assert_string_equal(p->ns, "shop");
	assert_null(p->workload_kind);
	assert_string_equal(labelset_get(&p->labels, "app"), "web");
	assert_string_equal(p->node_name, "node-1");
	assert_false(p->host_network);
	assert_int_equal(p->nips, 2);
	assert_string_equal(addr_format(&p->ips[0], buf), "10.1.2.3");
	assert_string_equal(addr_format(&p->ips[1], buf), "fd00::3");
	assert_int_equal(p->nports, 4);
	assert_string_equal(p->ports[0].name, "http");
	assert_int_equal(p->ports[0].port, 8080);
	assert_int_equal(p->ports[0].proto, PROTO_TCP);
	assert_int_equal(p->ports[1].proto, PROTO_UDP);
	assert_null(p->ports[2].name);
	assert_int_equal(p->ports[2].port, 9090);
	assert_string_equal(p->ports[3].name, "metrics");
	assert_non_null(pod_named_port(p, "dns", PROTO_UDP));
	assert_null(pod_named_port(p, "ignored", PROTO_TCP));
}

static void test_k8s_pod_ips(void **state)
{
	struct tl_fx *f = *state;
	load_err(f,
		 "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: nsx}\n"
		 "spec: {hostNetwork: true}\n"
		 "status:\n  podIP: 10.0.0.1\n  podIPs: [{ip: 10.0.0.2}, {ip: nope}, {ip: "
		 "10.0.0.1}]\n"
		 "---\n"
		 "apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: nsx}\n"
		 "spec: {hostNetwork: true}\n"
		 "status:\n  podIPs: [{ip: 'fd00::1'}, {ip: 10.0.0.1}, {ip: 'fd00:0::1'}]\n",
		 "test.yaml:7:17: error: pod IP '10.0.0.2' is a second IPv4 address (the pod has "
		 "10.0.0.1); a pod has at most one address per family\n"
		 "test.yaml:7:33: error: invalid pod IP 'nope': must be an IPv4 or IPv6 address\n");
	assert_int_equal(f->m.npods, 1);
	assert_int_equal(f->m.pods[0]->nips, 2);
	assert_true(f->m.pods[0]->host_network);
}

/* ---- workloads ---- */

static void test_k8s_workloads(void **state)
{
	static const char *const kinds[] = { "Deployment", "StatefulSet",	    "DaemonSet",
					     "ReplicaSet", "ReplicationController", "Job",
					     "CronJob" };
	struct tl_fx *f = *state;
	load_ok(f,
		"apiVersion: apps/v1\nkind: Deployment\n"
		"metadata: {name: nginx, namespace: web, labels: {x: 'y'}}\n"
		"spec:\n"
		"  replicas: 3\n"
		"  selector: {matchLabels: {app: nginx}}\n"
		"  template:\n"
		"    metadata: {labels: {app: nginx}, creationTimestamp: null}\n"
		"    spec:\n"
		"      containers: [{name: n, ports: [{name: http, containerPort: 80}]}]\n"
		"---\n"
		"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: web}\n"
		"spec: {template: {metadata: {labels: {app: db}}, spec: {containers: []}}}\n"
		"---\n"
		"apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: kube}\n"
		"spec: {template: {spec: {hostNetwork: true}}}\n"
		"---\n"
		"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs, namespace: web}\n"
		"spec: {template: {metadata: {labels: {app: rs}}}}\n"
		"---\n"
		"apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc, namespace: "
		"web}\n"
		"spec: {template: {metadata: {labels: {app: rc}}}}\n"
		"---\n"
		"apiVersion: batch/v1\nkind: Job\nmetadata: {name: job, namespace: web}\n"
		"spec: {template: {metadata: {labels: {app: job}}}}\n"
		"---\n"
		"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cron, namespace: web}\n"
		"spec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n"
		"        metadata: {labels: {app: cron}}\n"
		"        spec: {containers: [{name: c, ports: [{containerPort: 5000, protocol: "
		"UDP, name: x}]}]}\n");
	assert_int_equal(f->m.npods, 7);
	for (size_t i = 0; i < 7; i++) {
		const struct pod *p = f->m.pods[i];
		assert_string_equal(p->workload_kind, kinds[i]);
		assert_int_equal(p->nips, 0);
	}
	assert_string_equal(f->m.pods[0]->name, "nginx");
	assert_string_equal(f->m.pods[0]->ns, "web");
	assert_int_equal(f->m.pods[0]->labels.n, 1);
	assert_string_equal(labelset_get(&f->m.pods[0]->labels, "app"), "nginx");
	assert_int_equal(f->m.pods[0]->nports, 1);
	assert_int_equal(f->m.pods[0]->ports[0].port, 80);
	assert_true(f->m.pods[2]->host_network);
	assert_int_equal(f->m.pods[2]->labels.n, 0);
	assert_string_equal(labelset_get(&f->m.pods[6]->labels, "app"), "cron");
	assert_non_null(pod_named_port(f->m.pods[6], "x", PROTO_UDP));
}

static void test_k8s_workload_without_template(void **state)
{
	struct tl_fx *f = *state;
	load_err(f,
		 "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c, namespace: nsx}\n"
		 "spec: {jobTemplate: {}}\n",
		 "test.yaml:2:7: error: CronJob 'c' has no spec.jobTemplate.spec (the pod "
		 "template)\n");
	assert_int_equal(f->m.npods, 0);
}

/* ---- lists ---- */

static void test_k8s_lists(void **state)
{
	struct tl_fx *f = *state;
	load_ok(f, "apiVersion: v1\n"
		   "kind: List\n"
		   "metadata: {resourceVersion: ''}\n"
		   "items:\n"
		   "- apiVersion: v1\n"
		   "  kind: Namespace\n"
		   "  metadata: {name: a}\n"
		   "- apiVersion: networking.k8s.io/v1\n"
		   "  kind: NetworkPolicy\n"
		   "  metadata: {name: p, namespace: a}\n"
		   "- apiVersion: v1\n"
		   "  kind: List\n"
		   "  items:\n"
		   "  - {apiVersion: v1, kind: Pod, metadata: {name: x, namespace: a}}\n"
		   "- apiVersion: v1\n"
		   "  kind: Service\n"
		   "  metadata: {name: svc, namespace: a}\n"
		   "---\n"
		   "apiVersion: networking.k8s.io/v1\n"
		   "kind: NetworkPolicyList\n"
		   "items:\n"
		   "- metadata: {name: q, namespace: a}\n"
		   "- {kind: NetworkPolicy, metadata: {name: r, namespace: a}}\n"
		   "---\n"
		   "apiVersion: v1\n"
		   "kind: PodList\n"
		   "items: [{metadata: {name: yy, namespace: a}}]\n"
		   "---\n"
		   "apiVersion: v1\n"
		   "kind: NamespaceList\n"
		   "items: [{metadata: {name: b}}]\n"
		   "---\n"
		   "apiVersion: apps/v1\n"
		   "kind: DeploymentList\n"
		   "items: [{metadata: {name: d, namespace: a}, spec: {template: {}}}]\n"
		   "---\n"
		   "apiVersion: v1\n"
		   "kind: List\n"
		   "items: []\n");
	assert_int_equal(f->m.nnamespaces, 2);
	assert_int_equal(f->m.npolicies, 3);
	assert_int_equal(f->m.npods, 3);
	assert_string_equal(f->m.pods[2]->workload_kind, "Deployment");
	assert_string_equal(
		diags(f),
		"test.yaml:16:9: warning: ignoring Service 'svc': not a kind netpolc reads "
		"[-Wunknown-kind]\n");
}

static void test_k8s_list_item_error_skips_item(void **state)
{
	struct tl_fx *f = *state;
	load_err(
		f,
		"apiVersion: v1\nkind: PodList\nitems:\n"
		"- metadata: {name: ok, namespace: a}\n"
		"- metadata: {name: Bad, namespace: a}\n"
		"- [1]\n"
		"- {kind: Pod, apiVersion: v2, metadata: {name: x, namespace: a}}\n",
		"test.yaml:5:20: error: invalid Pod name 'Bad': must consist of lowercase letters "
		"(a-z), digits (0-9), '-' and '.', and start and end with a letter or digit\n"
		"test.yaml:6:3: error: expected a Kubernetes object (a mapping with apiVersion and "
		"kind), got a sequence\n"
		"test.yaml:7:27: error: Pod must have apiVersion v1, not 'v2'\n");
	assert_int_equal(f->m.npods, 1);
	assert_string_equal(f->m.pods[0]->name, "ok");
}

/* ---- JSON (kubectl get -o json) ---- */

static void test_k8s_json_list(void **state)
{
	struct tl_fx *f = *state;
	const struct policy *p;
	assert_int_equal(
		load_as(f, "in.json",
			"{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
			" {\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"NetworkPolicy\",\n"
			"  \"metadata\": {\"name\": \"p\", \"namespace\": \"a\"},\n"
			"  \"spec\": {\"podSelector\": {}, \"policyTypes\": [\"Egress\"],\n"
			"   \"egress\": [{\"ports\": [{\"port\": 53, \"protocol\": \"UDP\"}]}]}},\n"
			" {\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n"
			"  \"metadata\": {\"name\": \"x\", \"namespace\": \"a\", \"labels\": "
			"{\"on\": \"yes\"}},\n"
			"  \"status\": {\"podIP\": \"10.0.0.1\"}}]}\n"),
		0);
	p = only_policy(f);
	assert_false(p->types[DIR_INGRESS]);
	assert_true(p->types[DIR_EGRESS]);
	assert_int_equal(p->rules[DIR_EGRESS][0].ports[0].port, 53);
	assert_int_equal(p->rules[DIR_EGRESS][0].ports[0].proto, PROTO_UDP);
	assert_int_equal(f->m.npods, 1);
	assert_string_equal(labelset_get(&f->m.pods[0]->labels, "on"), "yes");
	assert_int_equal(f->m.pods[0]->nips, 1);
}

static void test_k8s_json_errors(void **state)
{
	struct tl_fx *f = *state;
	assert_int_equal(load_as(f, "in.json",
				 "{\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n"
				 " \"metadata\": {\"name\": \"x\", \"namespace\": \"a\",\n"
				 "  \"labels\": {\"n\": 1, \"t\": true}}}\n"),
			 -1);
	assert_string_equal(
		diags(f),
		"in.json:3:19: error: label 'n': expected a string, got an integer (1); "
		"quote it: \"1\"\n"
		"in.json:3:27: error: label 't': expected a string, got a boolean (true); "
		"quote it: \"true\"\n");
}

/* ---- namespaces of namespaced objects ---- */

static void test_k8s_default_namespace(void **state)
{
	struct tl_fx *f = *state;
	f->o.default_ns = "dflt";
	load_ok(f, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
		   "---\napiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: ''}\n");
	assert_string_equal(f->m.policies[0]->ns, "dflt");
	assert_string_equal(f->m.pods[0]->ns, "dflt");
}

static void test_k8s_missing_namespace(void **state)
{
	struct tl_fx *f = *state;
	load_err(f, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n",
		 "test.yaml:3:18: error: NetworkPolicy 'p' has no metadata.namespace; pass -n "
		 "NAMESPACE\n");
	assert_int_equal(f->m.npolicies, 0);
}

/* ---- errors: every one reported, broken objects left out ---- */

static void test_k8s_many_errors(void **state)
{
	struct tl_fx *f = *state;
	load_err(f,
		 NP_HEAD "spec:\n"
			 "  podSelector: {matchLabels: {app: true}}\n"
			 "  policyTypes: [ingress]\n"
			 "  ingress:\n"
			 "  - from: [{}]\n"
			 "    ports: [{port: 0}, {port: \"80\"}, {protocol: tcp}]\n"
			 "  - from:\n"
			 "    - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.0/8]}\n"
			 "      podSelector: {}\n"
			 "---\n"
			 "apiVersion: v1\nkind: Namespace\nmetadata: {name: fine}\n",
		 "test.yaml:5:36: error: label 'app': expected a string, got a boolean (true); "
		 "quote "
		 "it: \"true\"\n"
		 "test.yaml:6:17: error: unsupported policyType 'ingress'; did you mean 'Ingress'? "
		 "(policyTypes are case-sensitive)\n"
		 "test.yaml:8:12: error: empty peer: set podSelector, namespaceSelector or ipBlock "
		 "(to match every source, leave out 'from')\n"
		 "test.yaml:9:20: error: port 0 is out of range: must be between 1 and 65535\n"
		 "test.yaml:9:31: error: invalid port name '80': must contain at least one letter "
		 "(a-z); for port number 80 write it without quotes\n"
		 "test.yaml:9:49: error: unsupported protocol 'tcp': must be TCP, UDP or SCTP "
		 "(upper case)\n"
		 "test.yaml:11:7: error: ipBlock cannot be combined with podSelector or "
		 "namespaceSelector in one peer; make them separate list items\n"
		 "test.yaml:11:45: error: except '10.0.0.0/8' covers all of cidr '10.0.0.0/16'; an "
		 "except must be strictly inside it (a prefix longer than /16)\n");
	assert_int_equal(f->m.npolicies, 0);
	assert_int_equal(f->m.nnamespaces, 1);
}

static void test_k8s_unknown_fields(void **state)
{
	struct tl_fx *f = *state;
	load_err(f,
		 NP_HEAD
		 "spec:\n"
		 "  podselector: {}\n"
		 "  ingress:\n"
		 "  - to: []\n"
		 "    ports: [{port: 80, proto: TCP}]\n"
		 "  - podSelector: {}\n"
		 "  egress:\n"
		 "  - to: [{ipBlock: {cidr: 1.2.3.4/32, exclude: []}, podSelector: {foo: {}}}]\n",
		 "test.yaml:5:3: error: unknown field 'podselector' in NetworkPolicy spec; did you "
		 "mean 'podSelector'?\n"
		 "test.yaml:7:5: error: unknown field 'to' in ingress rule; ingress rules name "
		 "their "
		 "peers in 'from'\n"
		 "test.yaml:8:24: error: unknown field 'proto' in port; known fields: protocol, "
		 "port, "
		 "endPort\n"
		 "test.yaml:9:5: error: unknown field 'podSelector' in ingress rule; peers belong "
		 "in "
		 "a 'from' list: from: [{podSelector: ...}]\n"
		 "test.yaml:11:11: error: ipBlock cannot be combined with podSelector or "
		 "namespaceSelector in one peer; make them separate list items\n"
		 "test.yaml:11:39: error: unknown field 'exclude' in ipBlock; known fields: cidr, "
		 "except\n"
		 "test.yaml:11:67: error: unknown field 'foo' in podSelector; known fields: "
		 "matchLabels, matchExpressions\n");
}

static void test_k8s_selector_errors(void **state)
{
	struct tl_fx *f = *state;
	load_err(
		f,
		NP_HEAD "spec:\n"
			"  podSelector:\n"
			"    matchExpressions:\n"
			"    - {key: a, operator: in, values: [x]}\n"
			"    - {key: b, operator: In}\n"
			"    - {key: c, operator: NotIn, values: []}\n"
			"    - {key: d, operator: Exists, values: [x]}\n"
			"    - {key: -e, operator: Equals}\n"
			"    - {operator: Exists, values: [bad value]}\n"
			"    matchLabels: {a/b/c: x, ok: -bad-}\n",
		"test.yaml:7:26: error: unknown selector operator 'in'; did you mean 'In'? "
		"(operators are case-sensitive)\n"
		"test.yaml:8:7: error: operator In needs a non-empty 'values' list\n"
		"test.yaml:9:33: error: operator NotIn needs a non-empty 'values' list\n"
		"test.yaml:10:34: error: operator Exists takes no values; remove 'values'\n"
		"test.yaml:11:13: error: invalid label key '-e': must consist of letters, digits, "
		"'-', '_' or '.', and start and end with a letter or digit\n"
		"test.yaml:11:27: error: unknown selector operator 'Equals': must be In, NotIn, "
		"Exists or DoesNotExist\n"
		"test.yaml:12:7: error: matchExpressions item has no 'key'\n"
		"test.yaml:12:26: error: operator Exists takes no values; remove 'values'\n"
		"test.yaml:12:35: error: invalid label value 'bad value': must be empty or consist "
		"of letters, digits, '-', '_' or '.', and start and end with a letter or digit\n"
		"test.yaml:13:19: error: invalid label key 'a/b/c': may contain at most one '/' "
		"(an "
		"optional DNS subdomain prefix, '/', and a name, e.g. 'example.com/my-name')\n"
		"test.yaml:13:33: error: invalid value '-bad-' of label 'ok': must be empty or "
		"consist of letters, digits, '-', '_' or '.', and start and end with a letter or "
		"digit\n");
}

static void test_k8s_kinds(void **state)
{
	struct tl_fx *f = *state;
	load_err(f,
		 "apiVersion: v1\nkind: networkpolicy\nmetadata: {name: a}\n"
		 "---\nkind: Pod\nmetadata: {name: b}\n"
		 "---\napiVersion: v1\nmetadata: {name: c}\n"
		 "---\napiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {name: d}\n"
		 "---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: e}\n"
		 "---\napiVersion: 1\nkind: Pod\n"
		 "---\n- just a list\n",
		 "test.yaml:2:7: error: unknown kind 'networkpolicy'; did you mean "
		 "'NetworkPolicy'?\n"
		 "test.yaml:5:7: error: Pod 'b' has no 'apiVersion'; add apiVersion: v1\n"
		 "test.yaml:8:1: error: object 'c' has no 'kind'\n"
		 "test.yaml:11:13: error: NetworkPolicy must have apiVersion networking.k8s.io/v1, "
		 "not 'extensions/v1beta1'\n"
		 "test.yaml:17:18: error: NetworkPolicy 'e' has no metadata.namespace; pass -n "
		 "NAMESPACE\n"
		 "test.yaml:19:13: error: apiVersion: expected a string, got an integer (1); quote "
		 "it: \"1\"\n"
		 "test.yaml:22:1: error: expected a Kubernetes object (a mapping with apiVersion "
		 "and "
		 "kind), got a sequence\n");
}

static void test_k8s_wrong_types(void **state)
{
	struct tl_fx *f = *state;
	load_err(f,
		 NP_HEAD "spec:\n"
			 "  podSelector: []\n"
			 "  ingress: {from: []}\n"
			 "  egress:\n"
			 "  -\n"
			 "  - to: {}\n"
			 "    ports: [{port: true}, {port: 1.5}, {port: 80, endPort: '90'}]\n",
		 "test.yaml:5:16: error: podSelector: expected a mapping, got a sequence\n"
		 "test.yaml:6:12: error: ingress: expected a sequence, got a mapping\n"
		 "test.yaml:8:4: error: egress rule: expected a mapping, got null (write {} for a "
		 "rule that matches all traffic)\n"
		 "test.yaml:9:9: error: to: expected a sequence, got a mapping\n"
		 "test.yaml:10:20: error: port: expected a number or a port name (a string), got a "
		 "boolean (true)\n"
		 "test.yaml:10:34: error: port: expected a whole number from 1 to 65535 or a port "
		 "name, got 1.5\n"
		 "test.yaml:10:60: error: endPort: expected an integer, got a string ('90')\n");
}

static void test_k8s_endport_errors(void **state)
{
	struct tl_fx *f = *state;
	load_err(f,
		 NP_HEAD "spec:\n"
			 "  ingress:\n"
			 "  - ports:\n"
			 "    - {port: 80, endPort: 79}\n"
			 "    - {port: http, endPort: 90}\n"
			 "    - {endPort: 90}\n"
			 "    - {port: 70000, endPort: 70001}\n"
			 "    - {port: 1, endPort: 65536}\n",
		 "test.yaml:7:27: error: endPort 79 must be greater than or equal to port 80\n"
		 "test.yaml:8:29: error: endPort cannot be used with a named port ('http'); give "
		 "'port' as a number\n"
		 "test.yaml:9:17: error: endPort needs a numeric 'port' (the start of the range)\n"
		 "test.yaml:10:14: error: port 70000 is out of range: must be between 1 and 65535\n"
		 "test.yaml:10:30: error: endPort 70001 is out of range: must be between 1 and "
		 "65535\n"
		 "test.yaml:11:26: error: endPort 65536 is out of range: must be between 1 and "
		 "65535\n");
}

static void test_k8s_ipblock_errors(void **state)
{
	struct tl_fx *f = *state;
	load_err(
		f,
		NP_HEAD "spec:\n"
			"  egress:\n"
			"  - to:\n"
			"    - ipBlock: {cidr: 10.0.0.1}\n"
			"    - ipBlock: {cidr: 10.0.0.0/33}\n"
			"    - ipBlock: {except: [10.0.0.0/8]}\n"
			"    - ipBlock: {cidr: 10.0.0.0/8, except: ['fd00::/16', 11.0.0.0/16, "
			"10.0.0.0/8, bogus]}\n",
		"test.yaml:7:23: error: invalid cidr '10.0.0.1': the prefix length is missing (for "
		"this one address write 10.0.0.1/32)\n"
		"test.yaml:8:23: error: invalid cidr '10.0.0.0/33': prefix length out of range\n"
		"test.yaml:9:7: error: ipBlock has no 'cidr'\n"
		"test.yaml:10:44: error: except 'fd00::/16' is IPv6 but cidr '10.0.0.0/8' is IPv4\n"
		"test.yaml:10:57: error: except '11.0.0.0/16' is not inside cidr '10.0.0.0/8'\n"
		"test.yaml:10:70: error: except '10.0.0.0/8' covers all of cidr '10.0.0.0/8'; an "
		"except must be strictly inside it (a prefix longer than /8)\n"
		"test.yaml:10:82: error: invalid except 'bogus': not an IP address\n");
}

static void test_k8s_labels(void **state)
{
	struct tl_fx *f = *state;
	load_err(
		f,
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  namespace: nsx\n"
		"  labels:\n"
		"    enabled: yes\n"
		"    num: 1\n"
		"    empty:\n"
		"    Example.com/x: y\n"
		"    ok: ''\n"
		"    long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		"test.yaml:7:14: error: label 'enabled': expected a string, got a boolean (yes); "
		"quote it: \"yes\"\n"
		"test.yaml:8:10: error: label 'num': expected a string, got an integer (1); quote "
		"it: \"1\"\n"
		"test.yaml:9:11: warning: label 'empty' has no value; it is read as the empty "
		"string (write empty: \"\" to say so) [-Wnull-label]\n"
		"test.yaml:10:5: error: invalid label key 'Example.com/x': prefix before '/' must "
		"be "
		"a DNS subdomain: lowercase letters (a-z), digits (0-9), '-' and '.', starting and "
		"ending with a letter or digit\n"
		"test.yaml:12:11: error: invalid value "
		"'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' of label "
		"'long': must be no more than 63 characters\n");
	assert_int_equal(f->m.npods, 0);
}

static void test_k8s_metadata(void **state)
{
	struct tl_fx *f = *state;
	load_err(f,
		 "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		 "metadata: {generateName: p-, namespace: Prod, lables: {}}\n"
		 "---\napiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: nsx, lables: {}}\n"
		 "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a.b}\n"
		 "---\napiVersion: v1\nkind: Namespace\n",
		 "test.yaml:2:7: error: NetworkPolicy has no metadata.name (generateName is not "
		 "expanded)\n"
		 "test.yaml:3:41: error: invalid namespace name 'Prod': must consist of lowercase "
		 "letters (a-z), digits (0-9) and '-', and start and end with a letter or digit\n"
		 "test.yaml:3:47: error: unknown field 'lables' in metadata; did you mean "
		 "'labels'?\n"
		 "test.yaml:7:37: warning: unknown field 'lables' in metadata is ignored; did you "
		 "mean 'labels'? [-Wunknown-field]\n"
		 "test.yaml:11:18: error: invalid Namespace name 'a.b': must consist of lowercase "
		 "letters (a-z), digits (0-9) and '-', and start and end with a letter or digit\n"
		 "test.yaml:14:7: error: Namespace has no metadata.name\n");
	assert_int_equal(f->m.npods, 1);
	assert_int_equal(f->m.nnamespaces, 0);
}

static void test_k8s_container_ports(void **state)
{
	struct tl_fx *f = *state;
	load_err(f,
		 "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: nsx}\n"
		 "spec:\n  containers:\n"
		 "  - ports:\n"
		 "    - {name: http, containerPort: 80}\n"
		 "    - {name: HTTP, containerPort: 0}\n"
		 "    - {name: http, containerPort: 81, protocol: ICMP}\n"
		 "    - {name: x}\n"
		 "  - ports: [{name: http, containerPort: 82}]\n",
		 "test.yaml:8:14: error: invalid port name 'HTTP': must contain only lowercase "
		 "letters (a-z), digits (0-9) and '-'\n"
		 "test.yaml:8:35: error: containerPort 0 is out of range: must be between 1 and "
		 "65535\n"
		 "test.yaml:9:14: error: duplicate port name 'http' in one container\n"
		 "test.yaml:7:14: note: first used here\n"
		 "test.yaml:9:49: error: unsupported protocol 'ICMP': must be TCP, UDP or SCTP\n"
		 "test.yaml:10:7: error: container port has no 'containerPort'\n");
}

/* ---- ir/names.c ---- */

#define V(fn, s) fn(s, strlen(s))

static void test_validate_names(void **state)
{
	char big[400];
	(void)state;
	assert_null(V(valid_dns_label, "a"));
	assert_null(V(valid_dns_label, "a-1"));
	assert_non_null(V(valid_dns_label, ""));
	assert_non_null(V(valid_dns_label, "-a"));
	assert_non_null(V(valid_dns_label, "a-"));
	assert_non_null(V(valid_dns_label, "A"));
	assert_non_null(V(valid_dns_label, "a.b"));
	memset(big, 'a', sizeof(big));
	assert_null(valid_dns_label(big, 63));
	assert_non_null(valid_dns_label(big, 64));
	assert_null(V(valid_dns_subdomain, "a.b-c.d"));
	assert_non_null(V(valid_dns_subdomain, "a..b"));
	assert_non_null(V(valid_dns_subdomain, ".a"));
	assert_non_null(V(valid_dns_subdomain, "a_b"));
	assert_null(valid_dns_subdomain(big, 253));
	assert_non_null(valid_dns_subdomain(big, 254));
	assert_non_null(valid_dns_subdomain("a\0b", 3));
}

static void test_validate_labels(void **state)
{
	char big[400];
	(void)state;
	assert_null(V(valid_label_key, "app"));
	assert_null(V(valid_label_key, "App_1.x-Y"));
	assert_null(V(valid_label_key, "kubernetes.io/metadata.name"));
	assert_non_null(V(valid_label_key, ""));
	assert_non_null(V(valid_label_key, "/a"));
	assert_non_null(V(valid_label_key, "a/"));
	assert_non_null(V(valid_label_key, "a/b/c"));
	assert_non_null(V(valid_label_key, "A.com/b"));
	assert_non_null(V(valid_label_key, "_a"));
	assert_non_null(V(valid_label_key, "a b"));
	memset(big, 'a', sizeof(big));
	assert_null(valid_label_key(big, 63));
	assert_non_null(valid_label_key(big, 64));
	big[253] = '/';
	assert_null(valid_label_key(big, 254 + 63));
	assert_non_null(valid_label_key(big, 254 + 64));
	assert_null(V(valid_label_value, ""));
	assert_null(V(valid_label_value, "a"));
	assert_null(V(valid_label_value, "1.2_3-A"));
	assert_non_null(V(valid_label_value, "a/b"));
	assert_non_null(V(valid_label_value, "-a"));
	assert_non_null(V(valid_label_value, "a."));
	memset(big, 'a', sizeof(big));
	assert_null(valid_label_value(big, 63));
	assert_non_null(valid_label_value(big, 64));
}

static void test_validate_port_names(void **state)
{
	(void)state;
	assert_null(V(valid_port_name, "http"));
	assert_null(V(valid_port_name, "h2c-8080"));
	assert_null(V(valid_port_name, "a23456789012345"));
	assert_non_null(V(valid_port_name, "a234567890123456"));
	assert_non_null(V(valid_port_name, ""));
	assert_non_null(V(valid_port_name, "80"));
	assert_non_null(V(valid_port_name, "HTTP"));
	assert_non_null(V(valid_port_name, "-http"));
	assert_non_null(V(valid_port_name, "http-"));
	assert_non_null(V(valid_port_name, "ht--tp"));
	assert_non_null(V(valid_port_name, "ht_tp"));
	assert_true(all_digits("80", 2));
	assert_false(all_digits("8a", 2));
	assert_false(all_digits("", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, tl_fx_setup, tl_fx_teardown)
		T(test_k8s_default_deny_ingress),
		T(test_k8s_no_spec),
		T(test_k8s_empty_egress_does_not_isolate),
		T(test_k8s_null_egress_does_not_isolate),
		T(test_k8s_egress_rules_add_egress),
		T(test_k8s_explicit_egress_ignores_ingress),
		T(test_k8s_empty_policy_types_defaults),
		T(test_k8s_both_types),
		T(test_k8s_duplicate_type_warns),
		T(test_k8s_empty_vs_absent_peers),
		T(test_k8s_selectors),
		T(test_k8s_ipblock),
		T(test_k8s_ipblock_host_bits_warns),
		T(test_k8s_ports),
		T(test_k8s_namespace_label_added),
		T(test_k8s_namespace_label_kept),
		T(test_k8s_namespace_label_mismatch),
		T(test_k8s_pod),
		T(test_k8s_pod_ips),
		T(test_k8s_workloads),
		T(test_k8s_workload_without_template),
		T(test_k8s_lists),
		T(test_k8s_list_item_error_skips_item),
		T(test_k8s_json_list),
		T(test_k8s_json_errors),
		T(test_k8s_default_namespace),
		T(test_k8s_missing_namespace),
		T(test_k8s_many_errors),
		T(test_k8s_unknown_fields),
		T(test_k8s_selector_errors),
		T(test_k8s_kinds),
		T(test_k8s_wrong_types),
		T(test_k8s_endport_errors),
		T(test_k8s_ipblock_errors),
		T(test_k8s_labels),
		T(test_k8s_metadata),
		T(test_k8s_container_ports),
		cmocka_unit_test(test_validate_names),
		cmocka_unit_test(test_validate_labels),
		cmocka_unit_test(test_validate_port_names),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
