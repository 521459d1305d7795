/*
 * test_dsl.c - the policy language reader: what it builds, and its errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "frontend/dsl.h"
#include "frontend/frontend.h"

struct run {
	struct arena a;
	struct diag d;
	struct model m;
	int rc;
};

static void load_as(struct run *r, const char *name, const char *text)
{
	struct frontend_opts o;

	r->a = (struct arena)ARENA_INIT;
	diag_init(&r->d);
	model_init(&r->m, &r->a);
	frontend_opts_default(&o);
	r->rc = frontend_load_buffer(&r->a, &r->d, &o, name, text, strlen(text), &r->m);
}

static void load(struct run *r, const char *text)
{
	load_as(r, "t.np", text);
}

static void done(struct run *r)
{
	model_release(&r->m);
	diag_release(&r->d);
	arena_release(&r->a);
}

static void test_policy(void **state)
{
	struct run r;
	const struct policy *p;

	(void)state;
	load(&r, "policy ns/web {\n select app=web\n isolate egress\n"
		 " allow ingress from pods a=b in namespaces t=x, 10.0.0.0/8 except 10.1.0.0/16"
		 " port tcp/80, udp/53-60\n deny egress to any\n}\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.m.npolicies, 1);
	p = r.m.policies[0];
	assert_string_equal(p->ns, "ns");
	assert_true(p->types_explicit && !p->types[DIR_INGRESS] && p->types[DIR_EGRESS]);
	assert_int_equal(p->nrules[DIR_INGRESS], 1);
	assert_int_equal(p->rules[DIR_INGRESS][0].npeers, 2);
	assert_non_null(p->rules[DIR_INGRESS][0].peers[0].ns_sel);
	assert_int_equal(p->rules[DIR_INGRESS][0].ports[1].end_port, 60);
	assert_int_equal(p->rules[DIR_EGRESS][0].action, ACT_DENY);
	assert_true(r.m.has_tiers);
	done(&r);
}

static void test_errors_recover(void **state)
{
	struct run r;

	(void)state;
	load(&r, "policy a/b { allow ingres }\npolicy a/c { allow egress from any }\n"
		 "policy a/d { select x=y }\n");
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.errors, 2);
	assert_string_equal(r.d.v[0]->msg, "unexpected 'ingres', expected 'ingress' or 'egress'");
	assert_int_equal(r.d.v[0]->loc.col, 20);
	assert_string_equal(r.d.v[1]->msg, "egress rules name their peers with 'to'");
	assert_int_equal(r.m.npolicies, 1); /* a/d */
	done(&r);
}

static void test_bare(void **state)
{
	(void)state;
	assert_true(dsl_bare("app.kubernetes.io/name", DSL_KEY));
	assert_false(dsl_bare("all", DSL_KEY));
	assert_true(dsl_bare("all", DSL_VALUE));
	assert_false(dsl_bare("allow", DSL_VALUE));
	assert_true(dsl_bare("default", DSL_NAME));
	assert_false(dsl_bare("a b", DSL_NAME));
	assert_false(dsl_bare("", DSL_VALUE));
}

/* same_selector: a and b select the same (both unset, or the same labels). */
static void same_selector(const struct selector *a, const struct selector *b)
{
	bool ea = !a || selector_is_empty(a), eb = !b || selector_is_empty(b);

	assert_int_equal(ea, eb);
	if (ea)
		return;
	assert_int_equal(a->nlabels, b->nlabels);
	assert_int_equal(a->nexprs, b->nexprs);
	for (size_t i = 0; i < a->nlabels; i++) {
		assert_string_equal(a->match_labels[i].key, b->match_labels[i].key);
		assert_string_equal(a->match_labels[i].value, b->match_labels[i].value);
	}
	for (size_t i = 0; i < a->nexprs; i++) {
		assert_string_equal(a->exprs[i].key, b->exprs[i].key);
		assert_int_equal(a->exprs[i].op, b->exprs[i].op);
	}
}

static void same_rule(const struct rule *a, const struct rule *b)
{
	assert_int_equal(a->action, b->action);
	assert_true((!a->name && !b->name) || !strcmp(a->name, b->name));
	assert_int_equal(a->npeers, b->npeers);
	for (size_t i = 0; i < a->npeers; i++) {
		const struct peer *x = &a->peers[i], *y = &b->peers[i];
		assert_int_equal(x->global_scope, y->global_scope);
		assert_int_equal(x->no_host_network, y->no_host_network);
		assert_int_equal(x->nnets, y->nnets);
		for (size_t k = 0; k < x->nnets; k++)
			assert_memory_equal(&x->nets[k], &y->nets[k], sizeof(x->nets[k]));
		assert_int_equal(x->node_sel != NULL, y->node_sel != NULL);
		same_selector(x->node_sel, y->node_sel);
		assert_int_equal(x->pod_sel != NULL, y->pod_sel != NULL);
		same_selector(x->pod_sel, y->pod_sel);
		same_selector(x->ns_sel, y->ns_sel);
	}
	assert_int_equal(a->nports, b->nports);
	for (size_t i = 0; i < a->nports; i++) {
		assert_int_equal(a->ports[i].proto, b->ports[i].proto);
		assert_int_equal(a->ports[i].port, b->ports[i].port);
		assert_int_equal(a->ports[i].end_port, b->ports[i].end_port);
		assert_true((!a->ports[i].name && !b->ports[i].name) ||
			    !strcmp(a->ports[i].name, b->ports[i].name));
	}
}

/* The language and the YAML reader build the same cluster-wide policies. */
static void test_admin_same_model(void **state)
{
	static const char np[] =
		"node n1 labels role=cp address 192.168.0.1\n"
		"admin policy a {\n priority 7\n select pods app=web in namespaces t=x\n"
		" allow ingress from namespaces t=z port tcp/80, udp/50-60, web named in-web\n"
		" pass egress to pods k=v\n"
		" deny egress to 10.0.0.0/8, fd00::/8, nodes role=cp port sctp/9\n}\n"
		"baseline policy default {\n select namespaces all\n"
		" deny ingress from namespaces all\n}\n"
		"cluster policy c {\n tier Baseline\n priority 3\n select pods app=db\n"
		" pass ingress from pods a=b port tcp/1-2, dns\n}\n";
	static const char yaml[] =
		"apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {role: cp}}\n"
		"status: {addresses: [{type: InternalIP, address: 192.168.0.1}]}\n---\n"
		"apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n"
		"metadata: {name: a}\nspec:\n  priority: 7\n"
		"  subject: {pods: {namespaceSelector: {matchLabels: {t: x}}, "
		"podSelector: {matchLabels: {app: web}}}}\n"
		"  ingress:\n  - {name: in-web, action: Allow, from: [{namespaces: {matchLabels: "
		"{t: z}}}], ports: [{portNumber: {port: 80}}, {portRange: {protocol: UDP, start: "
		"50, end: 60}}, {namedPort: web}]}\n"
		"  egress:\n  - {action: Pass, to: [{pods: {namespaceSelector: {}, podSelector: "
		"{matchLabels: {k: v}}}}]}\n"
		"  - {action: Deny, to: [{networks: [10.0.0.0/8]}, {networks: ['fd00::/8']}, "
		"{nodes: {matchLabels: {role: cp}}}], ports: [{portNumber: {protocol: SCTP, port: "
		"9}}]}\n---\n"
		"apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\n"
		"metadata: {name: default}\nspec:\n  subject: {namespaces: {}}\n"
		"  ingress: [{action: Deny, from: [{namespaces: {}}]}]\n---\n"
		"apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"
		"metadata: {name: c}\nspec:\n  tier: Baseline\n  priority: 3\n"
		"  subject: {pods: {podSelector: {matchLabels: {app: db}}}}\n"
		"  ingress: [{action: Pass, from: [{pods: {podSelector: {matchLabels: {a: b}}}}], "
		"protocols: [{tcp: {destinationPort: {range: {start: 1, end: 2}}}}, "
		"{destinationNamedPort: dns}]}]\n";
	struct run r, k;

	(void)state;
	load(&r, np);
	load_as(&k, "t.yaml", yaml);
	assert_int_equal(r.rc, 0);
	assert_int_equal(k.rc, 0);
	assert_int_equal(r.m.nnodes, 1);
	assert_int_equal(k.m.nnodes, 1);
	assert_int_equal(r.m.npolicies, 3);
	assert_int_equal(k.m.npolicies, 3);
	for (size_t i = 0; i < r.m.npolicies; i++) {
		const struct policy *p = r.m.policies[i], *q = k.m.policies[i];
		assert_string_equal(p->kind, q->kind);
		assert_string_equal(p->name, q->name);
		assert_string_equal(p->tier, q->tier);
		assert_int_equal(p->has_order, q->has_order);
		assert_true(p->order == q->order);
		assert_true(p->global && p->no_host_network);
		same_selector(p->pod_sel, q->pod_sel);
		same_selector(p->global_ns_sel, q->global_ns_sel);
		for (int d = 0; d < NDIR; d++) {
			assert_int_equal(p->types[d], q->types[d]);
			assert_int_equal(p->nrules[d], q->nrules[d]);
			for (size_t j = 0; j < p->nrules[d]; j++)
				same_rule(&p->rules[d][j], &q->rules[d][j]);
		}
	}
	done(&r);
	done(&k);
}

/* The errors of the shared constructors, located in the .np file. */
static void test_admin_errors(void **state)
{
	struct run r;

	(void)state;
	load(&r, "baseline policy default {\n select namespaces all\n"
		 " pass egress to namespaces all\n}\n"
		 "cluster policy c {\n tier Admin\n priority 1001\n select namespaces all\n"
		 " allow egress to namespaces all port tcp/5-5\n}\n");
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.errors, 3);
	assert_string_equal(r.d.v[0]->msg,
			    "a BaselineAdminNetworkPolicy rule cannot Pass (there is no later tier "
			    "to pass to): use Allow or Deny");
	assert_int_equal(r.d.v[0]->loc.line, 3);
	assert_int_equal(r.d.v[0]->loc.col, 2);
	assert_string_equal(r.d.v[1]->msg,
			    "priority 1001 is out of range: must be between 0 and 1000");
	assert_int_equal(r.d.v[1]->loc.line, 7);
	assert_int_equal(r.d.v[2]->loc.line, 9);
	assert_int_equal(r.m.npolicies, 0);
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy),	     cmocka_unit_test(test_errors_recover),
		cmocka_unit_test(test_bare),	     cmocka_unit_test(test_admin_same_model),
		cmocka_unit_test(test_admin_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
