/*
 * test_tutorial.c - the seed tutorial's policies on the inventories under
 * examples/tutorial/ and examples/policies/, with the tutorial's
 * verification steps as expected verdicts as Kubernetes really decides
 * them (../shared/SEMANTICS.md §10), not as the tutorial claims.
 *
 * Truth tables: rows are sources, columns destinations, '1' allowed, '0'
 * denied, '*' the diagonal (not judged).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/testlib.h"

#define TUT	 "examples/tutorial/"
#define INV	 TUT "00-inventory.yaml"
#define DENY_ALL TUT "10-default-deny-all.yaml"
#define NGINX	 TUT "20-allow-nginx.yaml"
#define TRUSTNS	 TUT "30-allow-from-trusted-namespace.yaml"
#define EXCEPT	 TUT "40-allow-except-untrusted.yaml"

/* The tutorial's pods, in model order (namespace, then name). */
#define P_TEMPLATE "nginx-example/nginx-deployment"
#define P_NGINX	   "nginx-example/nginx-deployment-7c5ddbdf54-x2kqz"
#define P_LOCAL	   "nginx-example/test-pod"
#define P_TRUSTED  "nginx-example/trusted-pod"
#define P_UNTRUST  "nginx-example/untrusted-pod"
#define P_OTHER	   "test/test-pod"
#define P_TRUSTNS  "trusted-namespace/test-pod"
#define PODS \
	P_TEMPLATE " " P_NGINX " " P_LOCAL " " P_TRUSTED " " P_UNTRUST " " P_OTHER " " P_TRUSTNS

#define EX	"examples/policies/"
#define EX_INV	EX "00-inventory.yaml"
#define EX_DENY EX "01-default-deny-all.yaml"
#define EX_NS	EX "02-allow-from-specific-namespace.yaml"
#define EX_PORT EX "03-allow-specific-port.yaml"
#define EX_PODS EX "04-allow-from-certain-pods.yaml"
#define EX_NOT	EX "05-deny-from-certain-pods.yaml"
#define EX_CPLX EX "06-complex-network-policy.yaml"

/* read_file: the text of path (relative to the top of the tree), malloc'ed. */
static char *read_file(const char *path)
{
	char full[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(full, sizeof(full), "%s/%s", tl_top(), path);
	f = fopen(full, "rb");
	if (!f)
		fail_msg("cannot open %s", full);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* ---- the inventory itself ---- */

static void test_tutorial_inventory(void **state)
{
	struct tl_ctx *c = tl_load_files(INV);
	const struct pod *p;
	const struct namespace *ns;
	(void)state;
	assert_int_equal(c->model.npods, 7);
	p = model_pod(&c->model, "nginx-example", "nginx-deployment");
	assert_non_null(p);
	assert_string_equal(p->workload_kind, "Deployment");
	assert_int_equal(p->nips, 0);
	ns = model_namespace(&c->model, "trusted-namespace");
	assert_non_null(ns);
	assert_string_equal(labelset_get(&ns->labels, "name"), "trusted-namespace");
	assert_string_equal(labelset_get(&ns->labels, LABEL_NS_NAME), "trusted-namespace");
	/* no policy: everything is open */
	tl_assert_table(c, "tcp/80", PODS,
			"*111111\n"
			"1*11111\n"
			"11*1111\n"
			"111*111\n"
			"1111*11\n"
			"11111*1\n"
			"111111*\n");
	tl_release(c);
}

/* ---- step 2: default-deny-all alone ---- */

static void test_tutorial_default_deny_all_isolates_both_directions(void **state)
{
	struct tl_ctx *c = tl_load_files(INV, DENY_ALL);
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*000000\n"
			"0*00000\n"
			"00*0000\n"
			"000*000\n"
			"0000*00\n"
			"00000*1\n"
			"000001*\n");
	/* DNS is blocked too (the pods' egress is isolated) */
	assert_false(tl_allowed(c, P_LOCAL, "10.96.0.10", "udp/53"));
	assert_true(tl_allowed(c, P_OTHER, "10.96.0.10", "udp/53"));
	assert_string_equal(tl_reason(c, P_OTHER, P_NGINX, "tcp/80", DIR_INGRESS),
			    "default-deny-all");
	tl_release(c);
}

/* ---- step 5, "Verify the configuration": default-deny-all + allow-nginx ---- */

static void test_tutorial_verify_same_namespace_is_denied_by_its_own_egress(void **state)
{
	struct tl_ctx *c = tl_load_files(INV, DENY_ALL, NGINX);
	struct eval_result res;
	(void)state;
	/* the tutorial says this succeeds; the test pod's own egress is isolated */
	assert_false(tl_eval(c, P_LOCAL, P_NGINX, "tcp/80", 0, &res));
	assert_false(res.side[DIR_EGRESS].allowed);
	assert_true(res.side[DIR_EGRESS].isolated);
	assert_true(res.side[DIR_INGRESS].allowed);
	assert_string_equal(tl_reason(c, P_LOCAL, P_NGINX, "tcp/80", DIR_EGRESS),
			    "default-deny-all");
	assert_string_equal(tl_reason(c, P_LOCAL, P_NGINX, "tcp/80", DIR_INGRESS), "allow-nginx");
	/* the same pod named by its address */
	assert_false(tl_allowed(c, "10.244.1.11", "10.244.1.10", "tcp/80"));
	assert_false(tl_allowed_af(c, P_LOCAL, P_NGINX, "tcp/80", AF6));
	tl_release(c);
}

static void test_tutorial_verify_other_namespace_is_allowed(void **state)
{
	struct tl_ctx *c = tl_load_files(INV, DENY_ALL, NGINX);
	(void)state;
	/* the tutorial says this times out; allow-nginx admits every source (from: []) */
	assert_true(tl_allowed(c, P_OTHER, P_NGINX, "tcp/80"));
	assert_true(tl_allowed_af(c, P_OTHER, P_NGINX, "tcp/80", AF6));
	assert_string_equal(tl_reason(c, P_OTHER, P_NGINX, "tcp/80", DIR_INGRESS), "allow-nginx");
	assert_null(tl_reason(c, P_OTHER, P_NGINX, "tcp/80", DIR_EGRESS));
	/* only TCP/80 */
	assert_false(tl_allowed(c, P_OTHER, P_NGINX, "tcp/443"));
	assert_false(tl_allowed(c, P_OTHER, P_NGINX, "udp/80"));
	/* an address outside the cluster is admitted too, and nginx cannot answer new connections
	 */
	assert_true(tl_allowed(c, "203.0.113.7", P_NGINX, "tcp/80"));
	assert_false(tl_allowed(c, P_NGINX, "203.0.113.7", "tcp/80"));
	tl_assert_table(c, "tcp/80", PODS,
			"*000000\n"
			"0*00000\n"
			"00*0000\n"
			"000*000\n"
			"0000*00\n"
			"11000*1\n"
			"110001*\n");
	tl_assert_table(c, "tcp/443", PODS,
			"*000000\n"
			"0*00000\n"
			"00*0000\n"
			"000*000\n"
			"0000*00\n"
			"00000*1\n"
			"000001*\n");
	tl_release(c);
}

/* ---- allow-from-trusted-namespace ---- */

static void test_tutorial_trusted_namespace_works_because_it_is_labelled(void **state)
{
	struct tl_ctx *c = tl_load_files(INV, DENY_ALL, TRUSTNS);
	(void)state;
	assert_true(tl_allowed(c, P_TRUSTNS, P_NGINX, "tcp/80"));
	assert_string_equal(tl_reason(c, P_TRUSTNS, P_NGINX, "tcp/80", DIR_INGRESS),
			    "allow-from-trusted-namespace");
	assert_false(tl_allowed(c, P_OTHER, P_NGINX, "tcp/80"));
	assert_false(tl_allowed(c, P_TRUSTNS, P_NGINX, "tcp/8080"));
	/* pods of nginx-example itself stay blocked by their own egress */
	assert_false(tl_allowed(c, P_TRUSTED, P_NGINX, "tcp/80"));
	tl_lint(c);
	assert_int_equal(tl_diag_count(c, DIAG_WARNING, "has the label 'name'"), 0);
	tl_release(c);
}

static void test_tutorial_trusted_namespace_without_the_label_admits_nobody(void **state)
{
	/* the same policy, but the namespace was never labelled by hand */
	static const char inv[] =
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: nginx-example}\n"
		"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: trusted-namespace}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: nginx, namespace: "
		"nginx-example, labels: {app: nginx}}\nstatus: {podIP: 10.244.1.10}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: test-pod, namespace: "
		"trusted-namespace}\nstatus: {podIP: 10.244.2.11}\n---\n";
	char *pol = read_file(TRUSTNS);
	char *text = malloc(sizeof(inv) + strlen(pol) + 1);
	char *fixed;
	struct tl_ctx *c;
	(void)state;

	assert_non_null(text);
	snprintf(text, sizeof(inv) + strlen(pol) + 1, "%s%s", inv, pol);
	c = tl_load(text);
	assert_false(tl_allowed(c, "trusted-namespace/test-pod", "nginx-example/nginx", "tcp/80"));
	tl_lint(c);
	assert_int_equal(tl_diag_count(c, DIAG_WARNING, "has the label 'name'"), 1);
	tl_release(c);

	/* kubernetes.io/metadata.name needs no labelling step */
	fixed = strstr(text, "            name: trusted-namespace");
	assert_non_null(fixed);
	{
		static const char repl[] =
			"            kubernetes.io/metadata.name: trusted-namespace";
		size_t head = (size_t)(fixed - text);
		size_t tail = strlen(fixed + strlen("            name: trusted-namespace"));
		char *t2 = malloc(head + sizeof(repl) + tail + 1);
		assert_non_null(t2);
		memcpy(t2, text, head);
		memcpy(t2 + head, repl, sizeof(repl) - 1);
		memcpy(t2 + head + sizeof(repl) - 1,
		       fixed + strlen("            name: trusted-namespace"), tail + 1);
		c = tl_load(t2);
		assert_true(tl_allowed(c, "trusted-namespace/test-pod", "nginx-example/nginx",
				       "tcp/80"));
		tl_release(c);
		free(t2);
	}
	free(text);
	free(pol);
}

/* ---- allow-except-untrusted ---- */

static void test_tutorial_except_untrusted_both_denied_under_default_deny(void **state)
{
	struct tl_ctx *c = tl_load_files(INV, DENY_ALL, EXCEPT);
	struct eval_result res;
	(void)state;
	/* untrusted: denied by both sides; trusted: admitted by nginx, blocked by its own egress */
	assert_false(tl_eval(c, P_UNTRUST, P_NGINX, "tcp/80", 0, &res));
	assert_false(res.side[DIR_INGRESS].allowed);
	assert_false(res.side[DIR_EGRESS].allowed);
	assert_false(tl_eval(c, P_TRUSTED, P_NGINX, "tcp/80", 0, &res));
	assert_true(res.side[DIR_INGRESS].allowed);
	assert_false(res.side[DIR_EGRESS].allowed);
	assert_string_equal(tl_reason(c, P_TRUSTED, P_NGINX, "tcp/80", DIR_EGRESS),
			    "default-deny-all");
	assert_string_equal(tl_reason(c, P_TRUSTED, P_NGINX, "tcp/80", DIR_INGRESS),
			    "allow-except-untrusted");
	/* the NotIn peer is a podSelector alone: other namespaces are not admitted */
	assert_false(tl_allowed(c, P_OTHER, P_NGINX, "tcp/80"));
	assert_false(tl_allowed(c, P_TRUSTNS, P_NGINX, "tcp/80"));
	tl_release(c);
}

static void test_tutorial_except_untrusted_without_default_deny(void **state)
{
	struct tl_ctx *c = tl_load_files(INV, EXCEPT);
	(void)state;
	assert_true(tl_allowed(c, P_TRUSTED, P_NGINX, "tcp/80"));
	assert_false(tl_allowed(c, P_UNTRUST, P_NGINX, "tcp/80"));
	/* NotIn also matches the test pod, which has no app label at all */
	assert_true(tl_allowed(c, P_LOCAL, P_NGINX, "tcp/80"));
	assert_false(tl_allowed(c, P_OTHER, P_NGINX, "tcp/80"));
	assert_false(tl_allowed(c, P_TRUSTED, P_NGINX, "tcp/443"));
	/* only nginx (the Deployment's template pod and the running pod) is isolated */
	tl_assert_table(c, "tcp/80", PODS,
			"*111111\n"
			"1*11111\n"
			"11*1111\n"
			"111*111\n"
			"0011*11\n"
			"00111*1\n"
			"001111*\n");
	tl_release(c);
}

static void test_tutorial_all_steps_together(void **state)
{
	struct tl_ctx *c = tl_load_files(TUT);
	(void)state;
	assert_int_equal(c->model.npolicies, 4);
	tl_assert_table(c, "tcp/80", PODS,
			"*000000\n"
			"0*00000\n"
			"00*0000\n"
			"000*000\n"
			"0000*00\n"
			"11000*1\n"
			"110001*\n");
	assert_string_equal(tl_reason(c, P_LOCAL, P_NGINX, "tcp/80", DIR_EGRESS),
			    "default-deny-all");
	tl_release(c);
}

/* ---- examples/policies: the tutorial's six example policies ---- */

static void test_examples_deny_from_certain_pods_allows_app_test(void **state)
{
	struct tl_ctx *c = tl_load_files(EX_INV, EX_NOT);
	(void)state;
	/* called a deny, it is an allow: app=test is admitted, everyone else is not */
	assert_true(tl_allowed(c, "default/test", "default/production", "tcp/80"));
	assert_string_equal(
		tl_reason(c, "default/test", "default/production", "tcp/80", DIR_INGRESS),
		"deny-from-certain-pods");
	assert_false(tl_allowed(c, "default/frontend", "default/production", "tcp/80"));
	assert_false(tl_allowed(c, "myproject/client", "default/production", "tcp/80"));
	assert_true(tl_allowed(c, "default/production", "default/test", "tcp/80"));
	tl_lint(c);
	assert_int_equal(tl_diag_count(c, DIAG_WARNING, "named like a deny"), 1);
	tl_release(c);
}

static void test_examples_each_policy_alone(void **state)
{
	struct tl_ctx *c;
	(void)state;

	c = tl_load_files(EX_INV, EX_DENY);
	assert_false(tl_allowed(c, "default/frontend", "default/backend", "tcp/80"));
	assert_false(tl_allowed(c, "myproject/client", "default/myapp", "tcp/80"));
	assert_false(tl_allowed(c, "default/myapp", "trusted/client", "tcp/80"));
	assert_true(tl_allowed(c, "myproject/client", "trusted/client", "tcp/80"));
	tl_release(c);

	c = tl_load_files(EX_INV, EX_NS);
	assert_true(tl_allowed(c, "myproject/client", "default/myapp", "tcp/80"));
	assert_true(tl_allowed(c, "myproject/client", "default/backend", "udp/5353"));
	assert_false(tl_allowed(c, "trusted/client", "default/myapp", "tcp/80"));
	assert_false(tl_allowed(c, "default/frontend", "default/myapp", "tcp/80"));
	assert_true(tl_allowed(c, "default/frontend", "trusted/client", "tcp/80"));
	tl_release(c);

	c = tl_load_files(EX_INV, EX_PORT);
	assert_true(tl_allowed(c, "trusted/client", "default/myapp", "tcp/80"));
	assert_true(tl_allowed(c, "198.51.100.1", "default/myapp", "tcp/80"));
	assert_false(tl_allowed(c, "trusted/client", "default/myapp", "tcp/443"));
	assert_false(tl_allowed(c, "trusted/client", "default/myapp", "udp/80"));
	assert_true(tl_allowed(c, "trusted/client", "default/backend", "tcp/443"));
	tl_release(c);

	c = tl_load_files(EX_INV, EX_PODS);
	assert_true(tl_allowed(c, "default/frontend", "default/backend", "tcp/5432"));
	assert_false(tl_allowed(c, "default/myapp", "default/backend", "tcp/5432"));
	assert_false(tl_allowed(c, "myproject/client", "default/backend", "tcp/5432"));
	tl_release(c);
}

static void test_examples_complex_policy(void **state)
{
	struct tl_ctx *c = tl_load_files(EX_INV, EX_CPLX);
	(void)state;
	/* ingress: namespaces labelled environment=trusted, or app=trusted-peer in default */
	assert_true(tl_allowed(c, "trusted/client", "default/complex-app", "tcp/80"));
	assert_true(tl_allowed(c, "default/trusted-peer", "default/complex-app", "udp/9999"));
	assert_false(tl_allowed(c, "default/myapp", "default/complex-app", "tcp/80"));
	assert_false(tl_allowed(c, "myproject/client", "default/complex-app", "tcp/80"));
	/* egress: 192.168.0.0/16 except 192.168.1.0/24, pod addresses included */
	assert_true(tl_allowed(c, "default/complex-app", "trusted/lan-host-mirror", "tcp/22"));
	assert_true(tl_allowed(c, "default/complex-app", "192.168.3.3", "tcp/443"));
	assert_false(tl_allowed(c, "default/complex-app", "192.168.1.5", "tcp/443"));
	assert_false(tl_allowed(c, "default/complex-app", "default/myapp", "tcp/80"));
	assert_false(tl_allowed(c, "default/complex-app", "10.96.0.10", "udp/53"));
	tl_release(c);
}

static void test_examples_all_together(void **state)
{
	struct tl_ctx *c = tl_load_files(EX);
	(void)state;
	assert_int_equal(c->model.npolicies, 6);
	/* default-deny-all isolates the egress of every pod of default */
	assert_false(tl_allowed(c, "default/test", "default/production", "tcp/80"));
	assert_false(tl_allowed(c, "default/frontend", "default/backend", "tcp/80"));
	assert_string_equal(
		tl_reason(c, "default/frontend", "default/backend", "tcp/80", DIR_EGRESS),
		"default-deny-all");
	/* from outside default, what the policies admit gets in */
	assert_true(tl_allowed(c, "myproject/client", "default/myapp", "tcp/80"));
	assert_true(tl_allowed(c, "myproject/client", "default/production", "tcp/80"));
	assert_true(tl_allowed(c, "trusted/client", "default/myapp", "tcp/80"));
	assert_false(tl_allowed(c, "trusted/client", "default/myapp", "tcp/81"));
	assert_true(tl_allowed(c, "trusted/client", "default/complex-app", "tcp/81"));
	assert_false(tl_allowed(c, "trusted/client", "default/backend", "tcp/80"));
	/* complex-app's egress is its own rule's, added to default-deny-all */
	assert_true(tl_allowed(c, "default/complex-app", "trusted/lan-host-mirror", "tcp/80"));
	assert_false(tl_allowed(c, "default/complex-app", "trusted/client", "tcp/80"));
	tl_release(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tutorial_inventory),
		cmocka_unit_test(test_tutorial_default_deny_all_isolates_both_directions),
		cmocka_unit_test(test_tutorial_verify_same_namespace_is_denied_by_its_own_egress),
		cmocka_unit_test(test_tutorial_verify_other_namespace_is_allowed),
		cmocka_unit_test(test_tutorial_trusted_namespace_works_because_it_is_labelled),
		cmocka_unit_test(test_tutorial_trusted_namespace_without_the_label_admits_nobody),
		cmocka_unit_test(test_tutorial_except_untrusted_both_denied_under_default_deny),
		cmocka_unit_test(test_tutorial_except_untrusted_without_default_deny),
		cmocka_unit_test(test_tutorial_all_steps_together),
		cmocka_unit_test(test_examples_deny_from_certain_pods_allows_app_test),
		cmocka_unit_test(test_examples_each_policy_alone),
		cmocka_unit_test(test_examples_complex_policy),
		cmocka_unit_test(test_examples_all_together),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
