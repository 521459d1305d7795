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

static void load(struct run *r, const char *text)
{
	struct frontend_opts o;

	r->a = (struct arena)ARENA_INIT;
	diag_init(&r->d);
	model_init(&r->m, &r->a);
	frontend_opts_default(&o);
	r->rc = frontend_load_buffer(&r->a, &r->d, &o, "t.np", text, strlen(text), &r->m);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_errors_recover),
		cmocka_unit_test(test_bare),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
