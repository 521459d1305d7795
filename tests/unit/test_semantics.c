/*
 * test_semantics.c - hand-written truth tables for every numbered rule of
 * ../shared/SEMANTICS.md, plus corner cases.  Each test feeds a small
 * inventory and policies through the frontend, the resolver and the
 * evaluator (tests/unit/testlib.h) and asserts concrete verdicts, allowed
 * and denied cells, in both directions.
 *
 * Tables: rows are sources, columns destinations, '1' allowed, '0' denied,
 * '*' the diagonal (loopback is evaluated but not judged, rule 26).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/testlib.h"

/* ---- input builders (YAML flow style, one object per document) ---- */

#define NS(name, labels) \
	"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: " name ", labels: " labels "}\n"
#define POD_STATUS(ns, name, labels, spec, status)                                  \
	"---\napiVersion: v1\nkind: Pod\nmetadata: {name: " name ", namespace: " ns \
	", labels: " labels "}\nspec: " spec "\nstatus: " status "\n"
/* a dual-stack pod */
#define POD2(ns, name, labels, ip4, ip6)                          \
	POD_STATUS(ns, name, labels, "{containers: [{name: c}]}", \
		   "{podIP: \"" ip4 "\", podIPs: [{ip: \"" ip4 "\"}, {ip: \"" ip6 "\"}]}")
/* a single-address pod */
#define POD(ns, name, labels, ip) \
	POD_STATUS(ns, name, labels, "{containers: [{name: c}]}", "{podIP: \"" ip "\"}")
/* a pod with container ports, e.g. "[{name: http, containerPort: 8080}]" */
#define PODP(ns, name, labels, ip, ports)                                           \
	POD_STATUS(ns, name, labels, "{containers: [{name: c, ports: " ports "}]}", \
		   "{podIP: \"" ip "\"}")
#define NP(ns, name, spec)                                                                   \
	"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " name \
	", namespace: " ns "}\nspec: " spec "\n"

/*
 * The standard inventory: namespaces x (team=a) and z (team=b), each with
 * pods a (app=a) and b (app=b), dual-stack.
 */
#define INV                                                 \
	NS("x", "{team: a}")                                \
	NS("z", "{team: b}")                                \
	POD2("x", "a", "{app: a}", "10.0.1.1", "fd00::1:1") \
	POD2("x", "b", "{app: b}", "10.0.1.2", "fd00::1:2") \
	POD2("z", "a", "{app: a}", "10.0.2.1", "fd00::2:1") \
	POD2("z", "b", "{app: b}", "10.0.2.2", "fd00::2:2")
#define PODS "x/a x/b z/a z/b"

#define ALL_OPEN \
	"*111\n" \
	"1*11\n" \
	"11*1\n" \
	"111*\n"

static const struct policy *policy(struct tl_ctx *c, const char *ns, const char *name)
{
	const struct policy *p = model_policy(&c->model, ns, name);
	assert_non_null(p);
	return p;
}

/* expect_rejected: the input must not load; at least one error mentions needle. */
#define expect_rejected(text, needle) expect_rejected_at((text), (needle), __FILE__, __LINE__)
static void expect_rejected_at(const char *text, const char *needle, const char *file, int line)
{
	struct tl_ctx *c = tl_parse(text);
	bool ok = tl_errors(c) > 0 && (!needle || tl_diag_count(c, DIAG_ERROR, needle) > 0);
	if (!ok) {
		print_error("%s:%d: expected an error%s%s%s, got %zu error(s):\n", file, line,
			    needle ? " mentioning '" : "", needle ? needle : "", needle ? "'" : "",
			    tl_errors(c));
		tl_diag_dump(c);
	}
	tl_release(c);
	if (!ok)
		_fail(file, line);
}

/* ---- §1 verdict = egress of the source AND ingress of the destination ---- */

static void test_rule01_verdict_needs_egress_of_source_and_ingress_of_destination(void **state)
{
	/* x/a may send only to z/a; z/b admits only x/a: x/a -> z/b is denied by the source */
	struct tl_ctx *c = tl_load(
		INV NP("x", "egress-to-ya",
		       "{podSelector: {matchLabels: {app: a}}, policyTypes: [Egress], "
		       "egress: [{to: [{namespaceSelector: {matchLabels: {team: b}}, "
		       "podSelector: {matchLabels: {app: a}}}]}]}")
			NP("z", "ingress-from-xa",
			   "{podSelector: {matchLabels: {app: b}}, policyTypes: [Ingress], "
			   "ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}, "
			   "podSelector: {matchLabels: {app: a}}}]}]}"));
	struct eval_result res;
	(void)state;

	tl_assert_table(c, "tcp/80", PODS,
			"*010\n"
			"1*10\n"
			"11*0\n"
			"111*\n");
	/* the destination allows it, the source does not */
	assert_false(tl_eval(c, "x/a", "z/b", "tcp/80", 0, &res));
	assert_true(res.side[DIR_INGRESS].allowed);
	assert_false(res.side[DIR_EGRESS].allowed);
	assert_string_equal(tl_reason(c, "x/a", "z/b", "tcp/80", DIR_INGRESS), "ingress-from-xa");
	assert_string_equal(tl_reason(c, "x/a", "z/b", "tcp/80", DIR_EGRESS), "egress-to-ya");
	/* the source allows it, the destination does not */
	assert_false(tl_eval(c, "x/b", "z/b", "tcp/80", 0, &res));
	assert_true(res.side[DIR_EGRESS].allowed);
	assert_false(res.side[DIR_INGRESS].allowed);
	/* both allow it */
	assert_true(tl_eval(c, "x/a", "z/a", "tcp/80", 0, &res));
	assert_true(res.side[DIR_EGRESS].isolated);
	assert_false(res.side[DIR_INGRESS].isolated);
	tl_release(c);
}

static void test_rule02_sides_are_judged_independently(void **state)
{
	/* only x/a is isolated, and only for ingress */
	struct tl_ctx *c =
		tl_load(INV NP("x", "deny-in-a",
			       "{podSelector: {matchLabels: {app: a}}, policyTypes: [Ingress]}"));
	struct eval_result res;
	(void)state;

	tl_assert_table(c, "tcp/80", PODS,
			"*111\n"
			"0*11\n"
			"01*1\n"
			"011*\n");
	tl_assert_table(c, "udp/53", PODS,
			"*111\n"
			"0*11\n"
			"01*1\n"
			"011*\n");
	assert_true(tl_eval(c, "x/a", "x/b", "tcp/80", 0, &res));
	assert_false(res.side[DIR_EGRESS].isolated);
	assert_false(res.side[DIR_INGRESS].isolated);
	assert_false(tl_eval(c, "x/b", "x/a", "tcp/80", 0, &res));
	assert_true(res.side[DIR_INGRESS].isolated);
	assert_false(res.side[DIR_EGRESS].isolated);
	assert_null(tl_reason(c, "x/b", "x/a", "tcp/80", DIR_EGRESS));
	assert_string_equal(tl_reason(c, "x/b", "x/a", "tcp/80", DIR_INGRESS), "deny-in-a");
	tl_release(c);
}

static void test_rule02_isolation_needs_namespace_selector_and_type(void **state)
{
	/* (a) another namespace, (b) selector misses, (c) type missing: none isolates x/a */
	struct tl_ctx *c = tl_load(
		INV NP("z", "other-ns", "{podSelector: {}, policyTypes: [Ingress, Egress]}")
			NP("x", "other-pods",
			   "{podSelector: {matchLabels: {app: b}}, policyTypes: [Ingress]}")
				NP("x", "egress-only",
				   "{podSelector: {matchLabels: {app: a}}, policyTypes: [Egress], "
				   "egress: [{}]}"));
	(void)state;
	/* the pods of z fully isolated; x/b ingress isolated; x/a egress isolated but allows all */
	tl_assert_table(c, "tcp/80", PODS,
			"*000\n"
			"1*00\n"
			"00*0\n"
			"000*\n");
	tl_release(c);
}

static void test_rule03_policies_are_additive_and_order_free(void **state)
{
	static const char *const deny =
		NP("x", "deny-all-in", "{podSelector: {}, policyTypes: [Ingress]}");
	static const char *const from_b =
		NP("x", "allow-from-b",
		   "{podSelector: {matchLabels: {app: a}}, ingress: [{from: [{podSelector: "
		   "{matchLabels: {app: b}}}], ports: [{port: 80}]}]}");
	static const char *const from_ya =
		NP("x", "allow-from-ya",
		   "{podSelector: {matchLabels: {app: a}}, ingress: [{from: [{namespaceSelector: "
		   "{matchLabels: {team: b}}, podSelector: {matchLabels: {app: a}}}]}]}");
	static const char *const tcp80 = "*011\n"
					 "1*11\n"
					 "10*1\n"
					 "001*\n";
	static const char *const udp80 = "*011\n"
					 "0*11\n"
					 "10*1\n"
					 "001*\n";
	char text[4096];
	struct tl_ctx *c;
	(void)state;

	/* the deny-all policy does not take away what the others allow */
	snprintf(text, sizeof(text), "%s%s%s%s", INV, deny, from_b, from_ya);
	c = tl_load(text);
	tl_assert_table(c, "tcp/80", PODS, tcp80);
	tl_assert_table(c, "udp/80", PODS, udp80);
	assert_string_equal(tl_reason(c, "x/b", "x/a", "tcp/80", DIR_INGRESS), "allow-from-b");
	assert_string_equal(tl_reason(c, "z/a", "x/a", "udp/80", DIR_INGRESS), "allow-from-ya");
	tl_release(c);

	/* the same in the opposite document order */
	snprintf(text, sizeof(text), "%s%s%s%s", from_ya, from_b, deny, INV);
	c = tl_load(text);
	tl_assert_table(c, "tcp/80", PODS, tcp80);
	tl_assert_table(c, "udp/80", PODS, udp80);
	tl_release(c);
}

static void test_rule04_policy_never_selects_other_namespaces(void **state)
{
	struct tl_ctx *c = tl_load(
		INV NP("x", "deny-all", "{podSelector: {}, policyTypes: [Ingress, Egress]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*000\n"
			"0*00\n"
			"00*1\n"
			"001*\n");
	tl_release(c);
}

static void test_rule04_policy_without_namespace_is_an_error(void **state)
{
	(void)state;
	expect_rejected(INV "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
			    "metadata: {name: nameless}\nspec: {podSelector: {}}\n",
			"namespace");
}

static void test_rule05_external_addresses_are_never_isolated(void **state)
{
	struct tl_ctx *c = tl_load(
		INV NP("x", "lan-only",
		       "{podSelector: {matchLabels: {app: a}}, policyTypes: [Ingress, Egress], "
		       "ingress: [{from: [{ipBlock: {cidr: 192.168.0.0/16}}]}], "
		       "egress: [{to: [{ipBlock: {cidr: 192.168.0.0/16}}]}]}")
			NP("z", "no-egress",
			   "{podSelector: {matchLabels: {app: b}}, policyTypes: [Egress]}"));
	struct eval_result res;
	(void)state;

	/* only the pod side is judged */
	assert_true(tl_eval(c, "192.168.1.1", "x/a", "tcp/80", 0, &res));
	assert_true(res.side[DIR_EGRESS].allowed);
	assert_false(res.side[DIR_EGRESS].isolated);
	assert_false(tl_allowed(c, "172.16.0.1", "x/a", "tcp/80"));
	assert_true(tl_allowed(c, "x/a", "192.168.1.1", "udp/53"));
	assert_false(tl_allowed(c, "x/a", "172.16.0.1", "tcp/80"));
	assert_true(tl_allowed(c, "172.16.0.1", "x/b", "tcp/80"));
	assert_true(tl_allowed(c, "x/b", "172.16.0.1", "tcp/80"));
	assert_false(tl_allowed(c, "z/b", "172.16.0.1", "tcp/80"));
	/* an address a pod carries is that pod: z/b's address is egress-isolated */
	assert_false(tl_allowed(c, "10.0.2.2", "192.168.1.1", "tcp/80"));
	assert_true(tl_allowed(c, "10.0.2.1", "192.168.1.1", "tcp/80"));
	/* x/a's own address is not in 192.168/16, so x/a -> x/a over its IP is denied */
	assert_false(tl_allowed(c, "10.0.1.2", "10.0.1.1", "tcp/80"));
	tl_release(c);
}

/* ---- §2 policyTypes and its defaulting ---- */

static void test_rule06_egress_empty_without_policytypes_does_not_isolate(void **state)
{
	struct tl_ctx *c =
		tl_load(INV NP("x", "p", "{podSelector: {matchLabels: {app: a}}, egress: []}"));
	(void)state;
	assert_true(policy(c, "x", "p")->types[DIR_INGRESS]);
	assert_false(policy(c, "x", "p")->types[DIR_EGRESS]);
	tl_assert_table(c, "tcp/80", PODS,
			"*111\n"
			"0*11\n"
			"01*1\n"
			"011*\n");
	tl_release(c);
}

static void test_rule06_egress_null_without_policytypes_does_not_isolate(void **state)
{
	struct tl_ctx *c =
		tl_load(INV NP("x", "p", "{podSelector: {matchLabels: {app: a}}, egress: null}"));
	(void)state;
	assert_false(policy(c, "x", "p")->types[DIR_EGRESS]);
	assert_true(tl_allowed(c, "x/a", "z/b", "tcp/80"));
	assert_false(tl_allowed(c, "z/b", "x/a", "tcp/80"));
	tl_release(c);
}

static void test_rule06_no_policytypes_no_ingress_is_default_deny_ingress(void **state)
{
	struct tl_ctx *c = tl_load(INV NP("z", "p", "{podSelector: {}}"));
	(void)state;
	assert_true(policy(c, "z", "p")->types[DIR_INGRESS]);
	assert_false(policy(c, "z", "p")->types[DIR_EGRESS]);
	tl_assert_table(c, "tcp/80", PODS,
			"*100\n"
			"1*00\n"
			"11*0\n"
			"110*\n");
	tl_release(c);
}

static void test_rule06_empty_policytypes_is_defaulted(void **state)
{
	struct tl_ctx *c =
		tl_load(INV NP("z", "p", "{podSelector: {}, policyTypes: [], egress: [{}]}"));
	(void)state;
	assert_true(policy(c, "z", "p")->types[DIR_INGRESS]);
	assert_true(policy(c, "z", "p")->types[DIR_EGRESS]);
	tl_assert_table(c, "tcp/80", PODS,
			"*100\n"
			"1*00\n"
			"11*0\n"
			"110*\n");
	tl_release(c);
}

static void test_rule06_nonempty_egress_adds_egress_type(void **state)
{
	/* the v1.20 e2e form: ingress and egress rules, no policyTypes */
	struct tl_ctx *c =
		tl_load(INV NP("x", "p",
			       "{podSelector: {matchLabels: {app: a}}, "
			       "ingress: [{from: [{podSelector: {matchLabels: {app: b}}}]}], "
			       "egress: [{to: [{podSelector: {matchLabels: {app: b}}}]}]}"));
	(void)state;
	assert_true(policy(c, "x", "p")->types[DIR_INGRESS]);
	assert_true(policy(c, "x", "p")->types[DIR_EGRESS]);
	assert_false(policy(c, "x", "p")->types_explicit);
	tl_assert_table(c, "tcp/80", PODS,
			"*100\n"
			"1*11\n"
			"01*1\n"
			"011*\n");
	tl_release(c);
}

static void test_rule07_explicit_egress_type_ignores_ingress_rules(void **state)
{
	struct tl_ctx *c =
		tl_load(INV NP("x", "p",
			       "{podSelector: {matchLabels: {app: a}}, policyTypes: [Egress], "
			       "ingress: [{from: [{podSelector: {matchLabels: {app: b}}}]}], "
			       "egress: [{to: [{podSelector: {matchLabels: {app: b}}}]}]}"));
	(void)state;
	assert_false(policy(c, "x", "p")->types[DIR_INGRESS]);
	assert_true(policy(c, "x", "p")->types[DIR_EGRESS]);
	/* ingress of x/a is not isolated: everyone reaches it */
	tl_assert_table(c, "tcp/80", PODS,
			"*100\n"
			"1*11\n"
			"11*1\n"
			"111*\n");
	tl_lint(c);
	assert_int_equal(tl_diag_count(c, DIAG_WARNING, "ignored"), 1);
	tl_release(c);
}

static void test_rule07_explicit_ingress_type_ignores_egress_rules(void **state)
{
	struct tl_ctx *c =
		tl_load(INV NP("x", "p",
			       "{podSelector: {matchLabels: {app: a}}, policyTypes: [Ingress], "
			       "ingress: [{from: [{podSelector: {matchLabels: {app: b}}}]}], "
			       "egress: [{to: [{podSelector: {matchLabels: {app: b}}}]}]}"));
	(void)state;
	assert_true(policy(c, "x", "p")->types[DIR_INGRESS]);
	assert_false(policy(c, "x", "p")->types[DIR_EGRESS]);
	tl_assert_table(c, "tcp/80", PODS,
			"*111\n"
			"1*11\n"
			"01*1\n"
			"011*\n");
	tl_lint(c);
	assert_int_equal(tl_diag_count(c, DIAG_WARNING, "ignored"), 1);
	tl_release(c);
}

static void test_rule07_policytypes_values_are_case_sensitive(void **state)
{
	(void)state;
	expect_rejected(INV NP("x", "p", "{podSelector: {}, policyTypes: [ingress]}"),
			"policyType");
	expect_rejected(INV NP("x", "p", "{podSelector: {}, policyTypes: [INGRESS]}"),
			"policyType");
	expect_rejected(
		INV NP("x", "p", "{podSelector: {}, policyTypes: [Ingress, Egress, Ingress]}"),
		"policyTypes");
}

/* ---- §3 empty versus absent ---- */

static void test_rule08_absent_null_or_empty_rules_allow_nothing(void **state)
{
	static const char *const specs[] = {
		"{podSelector: {matchLabels: {app: a}}, policyTypes: [Ingress, Egress]}",
		"{podSelector: {matchLabels: {app: a}}, policyTypes: [Ingress, Egress], ingress: "
		"null, "
		"egress: null}",
		"{podSelector: {matchLabels: {app: a}}, policyTypes: [Ingress, Egress], ingress: "
		"[], "
		"egress: []}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		char text[4096];
		struct tl_ctx *c;
		snprintf(text, sizeof(text), "%s" NP("z", "p", "%s"), INV, specs[i]);
		c = tl_load(text);
		tl_assert_table(c, "tcp/80", PODS,
				"*101\n"
				"1*01\n"
				"00*0\n"
				"110*\n");
		assert_false(tl_allowed(c, "z/a", "10.9.9.9", "udp/53"));
		assert_false(tl_allowed(c, "10.9.9.9", "z/a", "sctp/9"));
		tl_release(c);
	}
}

static void test_rule09_empty_rule_matches_every_peer_and_port(void **state)
{
	static const char *const rules[] = { "{}", "{from: [], ports: []}",
					     "{from: null, ports: null}", "{from: []}",
					     "{ports: []}" };
	(void)state;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		char text[4096];
		struct tl_ctx *c;
		snprintf(text, sizeof(text),
			 "%s" NP("x", "deny", "{podSelector: {}, policyTypes: [Ingress]}") NP(
				 "x", "p", "{podSelector: {matchLabels: {app: a}}, ingress: [%s]}"),
			 INV, rules[i]);
		c = tl_load(text);
		tl_assert_table(c, "tcp/80", PODS,
				"*011\n"
				"1*11\n"
				"10*1\n"
				"101*\n");
		tl_assert_table(c, "sctp/65535", PODS,
				"*011\n"
				"1*11\n"
				"10*1\n"
				"101*\n");
		assert_true(tl_allowed(c, "203.0.113.9", "x/a", "udp/1"));
		assert_false(tl_allowed(c, "203.0.113.9", "x/b", "udp/1"));
		tl_release(c);
	}
}

static void test_rule09_empty_egress_rule_allows_everything(void **state)
{
	struct tl_ctx *c =
		tl_load(INV NP("x", "deny", "{podSelector: {}, policyTypes: [Egress]}")
				NP("x", "p",
				   "{podSelector: {matchLabels: {app: a}}, policyTypes: [Egress], "
				   "egress: [{to: []}]}"));
	(void)state;
	tl_assert_table(c, "udp/53", PODS,
			"*111\n"
			"0*00\n"
			"11*1\n"
			"111*\n");
	assert_true(tl_allowed(c, "x/a", "8.8.8.8", "udp/53"));
	assert_false(tl_allowed(c, "x/b", "8.8.8.8", "udp/53"));
	tl_release(c);
}

static void test_rule10_empty_or_absent_pod_selector_selects_whole_namespace(void **state)
{
	static const char *const specs[] = {
		"{podSelector: {}}", "{podSelector: {matchLabels: {}}}", "{policyTypes: [Ingress]}",
		"{podSelector: {matchLabels: {}, matchExpressions: []}}"
	};
	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		char text[4096];
		struct tl_ctx *c;
		snprintf(text, sizeof(text), "%s" NP("x", "p", "%s"), INV, specs[i]);
		c = tl_load(text);
		tl_assert_table(c, "tcp/80", PODS,
				"*011\n"
				"0*11\n"
				"00*1\n"
				"001*\n");
		tl_release(c);
	}
}

static void test_rule10_empty_peer_selectors_select_their_whole_scope(void **state)
{
	/* {podSelector: {}}: every pod of z; {namespaceSelector: {}}: every pod */
	struct tl_ctx *c =
		tl_load(INV NP("z", "own-ns",
			       "{podSelector: {matchLabels: {app: a}}, "
			       "ingress: [{from: [{podSelector: {}}]}]}")
				NP("z", "all-ns",
				   "{podSelector: {matchLabels: {app: b}}, "
				   "ingress: [{from: [{namespaceSelector: {matchLabels: {}}}]}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*101\n"
			"1*01\n"
			"11*1\n"
			"111*\n");
	/* selectors never match an address that is no pod */
	assert_false(tl_allowed(c, "10.9.9.9", "z/b", "tcp/80"));
	tl_release(c);
}

/* ---- §4 peers ---- */

static void test_rule11_pod_selector_alone_is_own_namespace(void **state)
{
	struct tl_ctx *c =
		tl_load(INV NP("z", "p",
			       "{podSelector: {matchLabels: {app: b}}, "
			       "ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*110\n"
			"1*10\n"
			"11*1\n"
			"111*\n");
	tl_release(c);
}

static void test_rule11_namespace_selector_alone_is_every_pod_there(void **state)
{
	struct tl_ctx *c = tl_load(
		INV NP("z", "p",
		       "{podSelector: {matchLabels: {app: b}}, "
		       "ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}}]}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*111\n"
			"1*11\n"
			"11*0\n"
			"111*\n");
	tl_release(c);
}

static void test_rule11_both_selectors_in_one_peer_are_anded(void **state)
{
	struct tl_ctx *c =
		tl_load(INV NP("z", "p",
			       "{podSelector: {matchLabels: {app: b}}, "
			       "ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}, "
			       "podSelector: {matchLabels: {app: a}}}]}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*111\n"
			"1*10\n"
			"11*0\n"
			"111*\n");
	tl_release(c);
}

static void test_rule11_separate_peers_are_ored(void **state)
{
	struct tl_ctx *c =
		tl_load(INV NP("z", "p",
			       "{podSelector: {matchLabels: {app: b}}, "
			       "ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}}, "
			       "{podSelector: {matchLabels: {app: a}}}]}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*111\n"
			"1*11\n"
			"11*1\n"
			"111*\n");
	tl_release(c);
	/* the same peers as two rules: still a union */
	c = tl_load(INV NP("z", "p",
			   "{podSelector: {matchLabels: {app: b}}, "
			   "ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}}]}, "
			   "{from: [{podSelector: {matchLabels: {app: b}}}]}]}"));
	tl_assert_table(c, "tcp/80", PODS,
			"*111\n"
			"1*11\n"
			"11*0\n"
			"111*\n");
	tl_release(c);
}

static void test_rule11_egress_peers(void **state)
{
	/* egress of x/a: both selectors (z/a only) or namespace alone (every pod of z) */
	struct tl_ctx *c =
		tl_load(INV NP("x", "and",
			       "{podSelector: {matchLabels: {app: a}}, policyTypes: [Egress], "
			       "egress: [{to: [{namespaceSelector: {matchLabels: {team: b}}, "
			       "podSelector: {matchLabels: {app: a}}}]}]}")
				NP("x", "or",
				   "{podSelector: {matchLabels: {app: b}}, policyTypes: [Egress], "
				   "egress: [{to: [{namespaceSelector: {matchLabels: {team: b}}}, "
				   "{podSelector: {matchLabels: {app: a}}}]}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*010\n"
			"1*11\n"
			"11*1\n"
			"111*\n");
	tl_release(c);
}

static void test_rule12_selectors_never_match_external_addresses(void **state)
{
	struct tl_ctx *c = tl_load(
		INV NP("x", "p",
		       "{podSelector: {matchLabels: {app: a}}, policyTypes: [Ingress, Egress], "
		       "ingress: [{from: [{namespaceSelector: {}}]}], "
		       "egress: [{to: [{namespaceSelector: {}, podSelector: {}}]}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS, ALL_OPEN);
	assert_false(tl_allowed(c, "192.168.1.1", "x/a", "tcp/80"));
	assert_false(tl_allowed(c, "x/a", "192.168.1.1", "tcp/80"));
	assert_false(tl_allowed(c, "fd00:ffff::1", "x/a", "tcp/80"));
	assert_true(tl_allowed(c, "192.168.1.1", "x/b", "tcp/80"));
	tl_release(c);
}

static void test_rule13_peer_needs_a_field_and_ipblock_is_exclusive(void **state)
{
	(void)state;
	expect_rejected(INV NP("x", "p", "{podSelector: {}, ingress: [{from: [{}]}]}"), NULL);
	expect_rejected(INV NP("x", "p",
			       "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: "
			       "10.0.0.0/8}, podSelector: {}}]}]}"),
			"ipBlock");
	expect_rejected(INV NP("x", "p",
			       "{podSelector: {}, policyTypes: [Egress], egress: [{to: "
			       "[{ipBlock: {cidr: 10.0.0.0/8}, namespaceSelector: {}}]}]}"),
			"ipBlock");
}

static void test_rule14_namespace_name_label_is_added(void **state)
{
	/* z declares no metadata.name label; w is not declared at all */
	struct tl_ctx *c = tl_load(INV POD("w", "c", "{app: c}", "10.0.3.1") NP(
		"x", "p",
		"{podSelector: {}, ingress: [{from: [{namespaceSelector: "
		"{matchLabels: {kubernetes.io/metadata.name: z}}}, "
		"{namespaceSelector: {matchExpressions: [{key: "
		"kubernetes.io/metadata.name, operator: In, values: [w]}]}}]}]}"));
	const struct namespace *ns;
	(void)state;
	ns = model_namespace(&c->model, "z");
	assert_non_null(ns);
	assert_string_equal(labelset_get(&ns->labels, LABEL_NS_NAME), "z");
	ns = model_namespace(&c->model, "w");
	assert_non_null(ns);
	assert_true(ns->implicit);
	assert_string_equal(labelset_get(&ns->labels, LABEL_NS_NAME), "w");
	tl_assert_table(c, "tcp/80", "w/c x/a x/b z/a z/b",
			"*1111\n"
			"1*011\n"
			"10*11\n"
			"111*1\n"
			"1111*\n");
	tl_release(c);
}

static void test_rule14_namespace_name_label_must_match_the_name(void **state)
{
	(void)state;
	expect_rejected(NS("x", "{kubernetes.io/metadata.name: z}"), LABEL_NS_NAME);
	{
		struct tl_ctx *c = tl_load(NS("x", "{kubernetes.io/metadata.name: x}"));
		tl_release(c);
	}
}

/* ---- §5 label selectors ---- */

/* The selector inventory: sources with and without the key 'tier'; target t. */
#define INV15                                             \
	NS("x", "{}")                                     \
	POD("x", "p1", "{app: a, tier: web}", "10.0.5.1") \
	POD("x", "p2", "{app: b, tier: db}", "10.0.5.2")  \
	POD("x", "p3", "{app: a}", "10.0.5.3")            \
	POD("x", "p4", "{}", "10.0.5.4")                  \
	POD("x", "t", "{role: target}", "10.0.5.5")
#define POL15(peer)                                                                             \
	NP("x", "p",                                                                            \
	   "{podSelector: {matchLabels: {role: target}}, ingress: [{from: [{podSelector: " peer \
	   "}]}]}")
#define PODS15 "x/p1 x/p2 x/p3 x/p4 x/t"

/* check_sources: which of p1..p4 reach t (want: four characters, 0 or 1) */
static void check_sources(const char *text, const char *want)
{
	struct tl_ctx *c = tl_load(text);
	char got[5] = "";
	for (int i = 0; i < 4; i++) {
		char src[16];
		snprintf(src, sizeof(src), "x/p%d", i + 1);
		got[i] = tl_allowed(c, src, "x/t", "tcp/80") ? '1' : '0';
	}
	/* the other direction is open: t's egress and p*'s ingress are not isolated */
	for (int i = 0; i < 4; i++) {
		char dst[16];
		snprintf(dst, sizeof(dst), "x/p%d", i + 1);
		assert_true(tl_allowed(c, "x/t", dst, "tcp/80"));
	}
	tl_release(c);
	assert_string_equal(got, want);
}

static void test_rule15_in_needs_key_and_value(void **state)
{
	(void)state;
	check_sources(
		INV15 POL15("{matchExpressions: [{key: tier, operator: In, values: [web, db]}]}"),
		"1100");
	check_sources(INV15 POL15("{matchExpressions: [{key: tier, operator: In, values: [web]}]}"),
		      "1000");
}

static void test_rule15_notin_matches_pods_without_the_key(void **state)
{
	struct tl_ctx *c;
	(void)state;
	check_sources(
		INV15 POL15("{matchExpressions: [{key: tier, operator: NotIn, values: [web]}]}"),
		"0111");
	check_sources(
		INV15 POL15(
			"{matchExpressions: [{key: tier, operator: NotIn, values: [web, db]}]}"),
		"0011");
	/* t itself lacks 'tier': it is in the peer set too (loopback, rule 26) */
	c = tl_load(
		INV15 POL15("{matchExpressions: [{key: tier, operator: NotIn, values: [web]}]}"));
	assert_true(tl_allowed(c, "x/t", "x/t", "tcp/80"));
	tl_release(c);
}

static void test_rule15_exists_and_does_not_exist(void **state)
{
	(void)state;
	check_sources(INV15 POL15("{matchExpressions: [{key: tier, operator: Exists}]}"), "1100");
	check_sources(INV15 POL15("{matchExpressions: [{key: tier, operator: DoesNotExist}]}"),
		      "0011");
	check_sources(INV15 POL15("{matchExpressions: [{key: app, operator: Exists}, {key: tier, "
				  "operator: DoesNotExist}]}"),
		      "0010");
}

static void test_rule15_match_labels_and_expressions_are_anded(void **state)
{
	(void)state;
	check_sources(
		INV15 POL15("{matchLabels: {app: a}, matchExpressions: [{key: tier, operator: "
			    "In, values: [web, db]}]}"),
		"1000");
	check_sources(INV15 POL15("{matchLabels: {app: a, tier: web}}"), "1000");
	check_sources(
		INV15 POL15("{matchLabels: {app: a}, matchExpressions: [{key: tier, operator: "
			    "NotIn, values: [web]}]}"),
		"0010");
	check_sources(INV15 POL15("{matchLabels: {app: c}}"), "0000");
}

static void test_rule15_selector_validation(void **state)
{
	(void)state;
	expect_rejected(
		INV15 POL15("{matchExpressions: [{key: tier, operator: in, values: [web]}]}"),
		"operator");
	expect_rejected(INV15 POL15("{matchExpressions: [{key: tier, operator: In, values: []}]}"),
			NULL);
	expect_rejected(INV15 POL15("{matchExpressions: [{key: tier, operator: NotIn}]}"), NULL);
	expect_rejected(
		INV15 POL15("{matchExpressions: [{key: tier, operator: Exists, values: [web]}]}"),
		NULL);
	expect_rejected(
		INV15 POL15("{matchExpressions: [{key: tier, operator: DoesNotExist, values: "
			    "[web]}]}"),
		NULL);
}

static void test_rule16_label_values_must_be_strings(void **state)
{
	(void)state;
	expect_rejected(NS("x", "{}") POD("x", "p", "{app: true}", "10.0.0.1"), NULL);
	expect_rejected(NS("x", "{}") POD("x", "p", "{app: 1}", "10.0.0.1"), NULL);
	expect_rejected(NS("x", "{}") POD("x", "p", "{app: yes}", "10.0.0.1"), NULL);
	expect_rejected(NS("x", "{}") POD("x", "p", "{app: on}", "10.0.0.1"), NULL);
	/* YAML 1.1, as Kubernetes reads it: a plain y is a boolean too */
	expect_rejected(NS("x", "{}") POD("x", "p", "{app: y}", "10.0.0.1"), NULL);
	expect_rejected(NS("x", "{debug: false}"), NULL);
	expect_rejected(INV NP("x", "p", "{podSelector: {matchLabels: {app: true}}}"), NULL);
	{
		struct tl_ctx *c = tl_load(
			NS("x", "{}") POD("x", "p", "{app: \"y\", flag: \"true\"}", "10.0.0.1")
				NP("x", "q", "{podSelector: {matchLabels: {app: \"y\"}}}"));
		const struct pod *p = model_pod(&c->model, "x", "p");
		assert_non_null(p);
		assert_string_equal(labelset_get(&p->labels, "app"), "y");
		assert_false(tl_allowed(c, "10.9.9.9", "x/p", "tcp/80"));
		tl_release(c);
	}
}

/* ---- §6 ipBlock ---- */

static void test_rule17_ipblock_matches_pod_addresses_and_except(void **state)
{
	struct tl_ctx *c =
		tl_load(INV NP("z", "from-xa",
			       "{podSelector: {matchLabels: {app: b}}, "
			       "ingress: [{from: [{ipBlock: {cidr: 10.0.1.1/32}}]}]}")
				NP("x", "to-z",
				   "{podSelector: {matchLabels: {app: a}}, policyTypes: [Egress], "
				   "egress: [{to: [{ipBlock: {cidr: 10.0.0.0/16, except: "
				   "[10.0.1.0/24]}}]}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*011\n"
			"1*10\n"
			"11*0\n"
			"111*\n");
	/* external addresses in and out of the block */
	assert_true(tl_allowed(c, "x/a", "10.0.9.9", "tcp/80"));
	assert_false(tl_allowed(c, "x/a", "10.0.1.200", "tcp/80"));
	assert_false(tl_allowed(c, "x/a", "10.1.0.1", "tcp/80"));
	assert_true(tl_allowed(c, "10.0.1.1", "z/b", "tcp/80"));
	tl_release(c);
}

static void test_rule18_pod_address_is_matched_service_addresses_are_not_modelled(void **state)
{
	/* a block of Service ClusterIPs never matches pod-to-pod traffic */
	struct tl_ctx *c = tl_load(
		INV NP("z", "from-services",
		       "{podSelector: {}, ingress: [{from: "
		       "[{ipBlock: {cidr: 10.96.0.0/12}}]}]}") "---\napiVersion: v1\nkind: "
							       "Service\nmetadata: {name: svc, "
							       "namespace: z}\n"
							       "spec: {clusterIP: 10.96.0.10, "
							       "selector: {app: a}}\n");
	(void)state;
	assert_int_equal(tl_errors(c), 0);
	assert_true(tl_diag_count(c, DIAG_WARNING, "Service") >= 1);
	tl_assert_table(c, "tcp/80", PODS,
			"*100\n"
			"1*00\n"
			"11*0\n"
			"110*\n");
	assert_true(tl_allowed(c, "10.96.0.10", "z/a", "tcp/80"));
	tl_release(c);
}

static void test_rule19_except_must_be_strictly_inside_cidr(void **state)
{
	(void)state;
	expect_rejected(INV NP("x", "p",
			       "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: "
			       "10.0.0.0/16, except: [10.0.0.0/16]}}]}]}"),
			NULL);
	expect_rejected(INV NP("x", "p",
			       "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: "
			       "10.0.0.0/16, except: [10.1.0.0/24]}}]}]}"),
			NULL);
	expect_rejected(INV NP("x", "p",
			       "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: "
			       "10.0.0.0/16, except: [10.0.0.0/8]}}]}]}"),
			NULL);
	expect_rejected(INV NP("x", "p",
			       "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: "
			       "10.0.0.0/16, except: [\"fd00::/64\"]}}]}]}"),
			NULL);
	expect_rejected(INV NP("x", "p",
			       "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: "
			       "10.0.0.0/33}}]}]}"),
			NULL);
}

static void test_rule19_families_never_mix(void **state)
{
	struct tl_ctx *c = tl_load(
		INV POD("x", "v4only", "{app: v4}", "10.0.1.9")
			NP("z", "v4",
			   "{podSelector: {matchLabels: {app: a}}, ingress: [{from: "
			   "[{ipBlock: {cidr: 0.0.0.0/0}}]}]}")
				NP("z", "v6",
				   "{podSelector: {matchLabels: {app: b}}, ingress: [{from: "
				   "[{ipBlock: {cidr: \"::/0\"}}]}]}"));
	(void)state;
	/* over IPv4 only z/a admits the pods; over IPv6 only z/b */
	tl_assert_table_af(c, "tcp/80", "x/a x/v4only z/a z/b",
			   "*110\n"
			   "1*10\n"
			   "11*0\n"
			   "111*\n",
			   AF4);
	tl_assert_table_af(c, "tcp/80", "x/a x/v4only z/a z/b",
			   "*101\n"
			   "1*00\n"
			   "11*1\n"
			   "110*\n",
			   AF6);
	assert_true(tl_allowed(c, "203.0.113.1", "z/a", "tcp/80"));
	assert_false(tl_allowed(c, "203.0.113.1", "z/b", "tcp/80"));
	assert_false(tl_allowed(c, "2001:db8::1", "z/a", "tcp/80"));
	assert_true(tl_allowed(c, "2001:db8::1", "z/b", "tcp/80"));
	tl_release(c);
}

static void test_rule19_ipv6_block_and_except(void **state)
{
	struct tl_ctx *c = tl_load(
		INV NP("z", "v6",
		       "{podSelector: {matchLabels: {app: b}}, ingress: [{from: "
		       "[{ipBlock: {cidr: \"fd00::/16\", except: [\"fd00::1:0/112\"]}}]}]}"));
	(void)state;
	tl_assert_table_af(c, "tcp/80", PODS,
			   "*110\n"
			   "1*10\n"
			   "11*1\n"
			   "111*\n",
			   AF6);
	/* the same pods over IPv4: no IPv6 block matches */
	tl_assert_table_af(c, "tcp/80", PODS,
			   "*110\n"
			   "1*10\n"
			   "11*0\n"
			   "111*\n",
			   AF4);
	tl_release(c);
}

static void test_rule20_host_bits_are_masked_with_a_warning(void **state)
{
	struct tl_ctx *c =
		tl_load(INV NP("z", "p",
			       "{podSelector: {matchLabels: {app: b}}, ingress: [{from: "
			       "[{ipBlock: {cidr: 10.0.2.77/24}}, {ipBlock: {cidr: 10.0.1.1/4, "
			       "except: [10.0.1.2/24]}}]}]}"));
	(void)state;
	assert_true(tl_diag_count(c, DIAG_WARNING, "host bits") >= 3);
	/* 10.0.2.0/24 (z/a) and 0.0.0.0/4 minus 10.0.1.0/24 (not x/a, x/b) */
	tl_assert_table(c, "tcp/80", PODS,
			"*110\n"
			"1*10\n"
			"11*1\n"
			"111*\n");
	assert_true(tl_allowed(c, "15.255.255.255", "z/b", "tcp/80"));
	assert_false(tl_allowed(c, "16.0.0.0", "z/b", "tcp/80"));
	assert_false(tl_allowed(c, "10.0.1.77", "z/b", "tcp/80"));
	tl_release(c);
}

/* ---- §7 ports and protocols ---- */

#define ING_Y(ports) \
	NP("z", "p", \
	   "{podSelector: {}, ingress: [{from: [{namespaceSelector: {}}], ports: " ports "}]}")

static void test_rule21_protocol_defaults_to_tcp(void **state)
{
	struct tl_ctx *c = tl_load(INV ING_Y("[{port: 80}]"));
	(void)state;
	assert_true(tl_allowed(c, "x/a", "z/a", "tcp/80"));
	assert_false(tl_allowed(c, "x/a", "z/a", "udp/80"));
	assert_false(tl_allowed(c, "x/a", "z/a", "sctp/80"));
	assert_false(tl_allowed(c, "x/a", "z/a", "tcp/81"));
	tl_release(c);
}

static void test_rule21_sctp_udp_tcp_never_mix(void **state)
{
	struct tl_ctx *c =
		tl_load(INV ING_Y("[{protocol: UDP, port: 53}, {protocol: SCTP, port: 80}]"));
	(void)state;
	tl_assert_table(c, "udp/53", PODS,
			"*111\n"
			"1*11\n"
			"11*1\n"
			"111*\n");
	tl_assert_table(c, "tcp/53", PODS,
			"*100\n"
			"1*00\n"
			"11*0\n"
			"110*\n");
	tl_assert_table(c, "sctp/53", PODS,
			"*100\n"
			"1*00\n"
			"11*0\n"
			"110*\n");
	assert_true(tl_allowed(c, "x/b", "z/b", "sctp/80"));
	assert_false(tl_allowed(c, "x/b", "z/b", "tcp/80"));
	assert_false(tl_allowed(c, "x/b", "z/b", "udp/80"));
	tl_release(c);
}

static void test_rule21_protocol_names_are_exact(void **state)
{
	(void)state;
	expect_rejected(INV ING_Y("[{protocol: tcp, port: 80}]"), "protocol");
	expect_rejected(INV ING_Y("[{protocol: ICMP}]"), "protocol");
	expect_rejected(INV ING_Y("[{protocol: \"\", port: 80}]"), NULL);
}

static void test_rule22_port_absent_is_every_port_of_the_protocol(void **state)
{
	struct tl_ctx *c = tl_load(INV ING_Y("[{protocol: UDP}]"));
	(void)state;
	assert_true(tl_allowed(c, "x/a", "z/a", "udp/1"));
	assert_true(tl_allowed(c, "x/a", "z/a", "udp/65535"));
	assert_false(tl_allowed(c, "x/a", "z/a", "tcp/1"));
	assert_false(tl_allowed(c, "x/a", "z/a", "sctp/65535"));
	tl_release(c);
	c = tl_load(INV ING_Y("[{}]"));
	assert_true(tl_allowed(c, "x/a", "z/a", "tcp/1"));
	assert_true(tl_allowed(c, "x/a", "z/a", "tcp/65535"));
	assert_false(tl_allowed(c, "x/a", "z/a", "udp/53"));
	tl_release(c);
}

static void test_rule22_endport_is_an_inclusive_range(void **state)
{
	struct tl_ctx *c =
		tl_load(INV ING_Y("[{port: 8000, endPort: 8080}, {protocol: UDP, port: 443, "
				  "endPort: 443}, {protocol: SCTP, port: 65000, endPort: 65535}, "
				  "{port: 1, endPort: 2}]"));
	(void)state;
	assert_false(tl_allowed(c, "x/a", "z/a", "tcp/7999"));
	assert_true(tl_allowed(c, "x/a", "z/a", "tcp/8000"));
	assert_true(tl_allowed(c, "x/a", "z/a", "tcp/8040"));
	assert_true(tl_allowed(c, "x/a", "z/a", "tcp/8080"));
	assert_false(tl_allowed(c, "x/a", "z/a", "tcp/8081"));
	assert_false(tl_allowed(c, "x/a", "z/a", "udp/8000"));
	assert_false(tl_allowed(c, "x/a", "z/a", "udp/442"));
	assert_true(tl_allowed(c, "x/a", "z/a", "udp/443"));
	assert_false(tl_allowed(c, "x/a", "z/a", "udp/444"));
	assert_false(tl_allowed(c, "x/a", "z/a", "sctp/64999"));
	assert_true(tl_allowed(c, "x/a", "z/a", "sctp/65000"));
	assert_true(tl_allowed(c, "x/a", "z/a", "sctp/65535"));
	assert_true(tl_allowed(c, "x/a", "z/a", "tcp/1"));
	assert_true(tl_allowed(c, "x/a", "z/a", "tcp/2"));
	assert_false(tl_allowed(c, "x/a", "z/a", "tcp/3"));
	assert_false(tl_allowed(c, "x/a", "z/a", "tcp/65535"));
	tl_release(c);
}

static void test_rule22_endport_validation(void **state)
{
	(void)state;
	expect_rejected(INV ING_Y("[{port: 8080, endPort: 8000}]"), "endPort");
	expect_rejected(INV ING_Y("[{port: http, endPort: 8000}]"), "endPort");
	expect_rejected(INV ING_Y("[{endPort: 8000}]"), "endPort");
	expect_rejected(INV ING_Y("[{port: 80, endPort: 65536}]"), NULL);
	expect_rejected(INV ING_Y("[{port: 0}]"), NULL);
	expect_rejected(INV ING_Y("[{port: 70000}]"), NULL);
}

/*
 * The named-port inventory: web1 calls 8080 "http", web2 calls 9090
 * "http"; web1 also has "dns" on UDP 53; noports declares nothing.
 */
#define INV23                                                                                      \
	NS("x", "{}")                                                                              \
	PODP("x", "client", "{app: client}", "10.0.6.1", "[{name: http, containerPort: 7070}]")    \
	PODP("x", "noports", "{app: web}", "10.0.6.2", "[]")                                       \
	PODP("x", "web1", "{app: web}", "10.0.6.3",                                                \
	     "[{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}]") \
	PODP("x", "web2", "{app: web}", "10.0.6.4",                                                \
	     "[{name: http, containerPort: 9090, protocol: TCP}]")

static void test_rule23_named_port_resolves_per_destination_ingress(void **state)
{
	struct tl_ctx *c = tl_load(INV23 NP("x", "p",
					    "{podSelector: {matchLabels: {app: web}}, "
					    "ingress: [{ports: [{port: http}]}]}"));
	(void)state;
	assert_true(tl_allowed(c, "x/client", "x/web1", "tcp/8080"));
	assert_false(tl_allowed(c, "x/client", "x/web1", "tcp/9090"));
	assert_true(tl_allowed(c, "x/client", "x/web2", "tcp/9090"));
	assert_false(tl_allowed(c, "x/client", "x/web2", "tcp/8080"));
	assert_false(tl_allowed(c, "x/client", "x/noports", "tcp/8080"));
	assert_false(tl_allowed(c, "x/client", "x/noports", "tcp/9090"));
	assert_false(tl_allowed(c, "x/client", "x/web1", "udp/8080"));
	/* the source's own "http" (7070) is irrelevant */
	assert_false(tl_allowed(c, "x/client", "x/web1", "tcp/7070"));
	assert_true(tl_allowed(c, "x/web1", "x/client", "tcp/7070"));
	tl_assert_table(c, "tcp/8080", "x/client x/noports x/web1 x/web2",
			"*010\n"
			"1*10\n"
			"10*0\n"
			"101*\n");
	tl_assert_table(c, "tcp/9090", "x/client x/noports x/web1 x/web2",
			"*001\n"
			"1*01\n"
			"10*1\n"
			"100*\n");
	tl_release(c);
}

static void test_rule23_named_port_resolves_per_destination_egress(void **state)
{
	struct tl_ctx *c =
		tl_load(INV23 NP("x", "p",
				 "{podSelector: {matchLabels: {app: client}}, "
				 "policyTypes: [Egress], egress: [{ports: [{port: http}]}]}"));
	(void)state;
	tl_assert_table(c, "tcp/8080", "x/client x/noports x/web1 x/web2",
			"*010\n"
			"1*11\n"
			"11*1\n"
			"111*\n");
	tl_assert_table(c, "tcp/9090", "x/client x/noports x/web1 x/web2",
			"*001\n"
			"1*11\n"
			"11*1\n"
			"111*\n");
	/* an external address has no named ports, whatever the number */
	assert_false(tl_allowed(c, "x/client", "10.9.9.9", "tcp/8080"));
	assert_false(tl_allowed(c, "x/client", "10.9.9.9", "tcp/9090"));
	/* an address of a pod is that pod */
	assert_true(tl_allowed(c, "x/client", "10.0.6.3", "tcp/8080"));
	assert_false(tl_allowed(c, "x/client", "10.0.6.3", "tcp/9090"));
	tl_release(c);
}

static void test_rule23_named_port_via_ipblock_and_selector(void **state)
{
	/* egress to web1's address through an ipBlock, and to web2 by selector */
	struct tl_ctx *c =
		tl_load(INV23 NP("x", "p",
				 "{podSelector: {matchLabels: {app: client}}, "
				 "policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: "
				 "10.0.6.3/32}}, {podSelector: {matchExpressions: [{key: app, "
				 "operator: In, values: [nothing]}]}}], ports: [{port: http}]}, "
				 "{to: [{podSelector: {}}], ports: [{port: 9090}]}]}"));
	(void)state;
	assert_true(tl_allowed(c, "x/client", "x/web1", "tcp/8080"));
	assert_false(tl_allowed(c, "x/client", "x/web2", "tcp/8080"));
	assert_true(tl_allowed(c, "x/client", "x/web2", "tcp/9090"));
	assert_true(tl_allowed(c, "x/client", "x/web1", "tcp/9090"));
	assert_false(tl_allowed(c, "x/client", "x/noports", "tcp/8080"));
	tl_release(c);
}

static void test_rule23_named_port_with_wrong_protocol_never_matches(void **state)
{
	struct tl_ctx *c = tl_load(
		INV23 NP("x", "p",
			 "{podSelector: {matchLabels: {app: web}}, "
			 "ingress: [{ports: [{port: http, protocol: UDP}, {port: dns}]}]}"));
	(void)state;
	/* http is TCP on web1, the rule says UDP; dns is UDP on web1, the rule says TCP */
	assert_false(tl_allowed(c, "x/client", "x/web1", "udp/8080"));
	assert_false(tl_allowed(c, "x/client", "x/web1", "tcp/8080"));
	assert_false(tl_allowed(c, "x/client", "x/web1", "tcp/53"));
	assert_false(tl_allowed(c, "x/client", "x/web1", "udp/53"));
	tl_release(c);
	c = tl_load(INV23 NP("x", "p",
			     "{podSelector: {matchLabels: {app: web}}, "
			     "ingress: [{ports: [{port: dns, protocol: UDP}]}]}"));
	assert_true(tl_allowed(c, "x/client", "x/web1", "udp/53"));
	assert_false(tl_allowed(c, "x/client", "x/web1", "tcp/53"));
	assert_false(tl_allowed(c, "x/client", "x/web2", "udp/53"));
	tl_release(c);
}

static void test_rule24_port_names_are_iana_service_names(void **state)
{
	struct tl_ctx *c;
	(void)state;
	expect_rejected(INV ING_Y("[{port: \"80\"}]"), "port");
	expect_rejected(INV ING_Y("[{port: HTTP}]"), "port");
	expect_rejected(INV ING_Y("[{port: http-}]"), "port");
	expect_rejected(INV ING_Y("[{port: -http}]"), "port");
	expect_rejected(INV ING_Y("[{port: ht--tp}]"), "port");
	expect_rejected(INV ING_Y("[{port: abcdefghijklmnop}]"), "port");
	expect_rejected(INV ING_Y("[{port: \"\"}]"), NULL);
	expect_rejected(INV ING_Y("[{port: web_1}]"), "port");
	c = tl_load(INV ING_Y("[{port: http-alt}, {port: abcdefghijklmno}, {port: a1}]"));
	tl_release(c);
}

static void test_rule25_only_the_destination_port_is_matched(void **state)
{
	/* ingress ports are x/a's own ports; egress ports are the remote's */
	struct tl_ctx *c = tl_load(
		INV NP("x", "p",
		       "{podSelector: {matchLabels: {app: a}}, "
		       "policyTypes: [Ingress, Egress], "
		       "ingress: [{ports: [{port: 81}]}], egress: [{ports: [{port: 80}]}]}"));
	(void)state;
	assert_true(tl_allowed(c, "z/a", "x/a", "tcp/81"));
	assert_false(tl_allowed(c, "z/a", "x/a", "tcp/80"));
	assert_true(tl_allowed(c, "x/a", "z/a", "tcp/80"));
	assert_false(tl_allowed(c, "x/a", "z/a", "tcp/81"));
	tl_release(c);
}

/* ---- §8 what the truth tables do not model ---- */

static void test_rule26_loopback_is_evaluated_like_any_connection(void **state)
{
	struct tl_ctx *c =
		tl_load(INV NP("x", "deny", "{podSelector: {}, policyTypes: [Ingress]}")
				NP("z", "self",
				   "{podSelector: {matchLabels: {app: a}}, policyTypes: [Ingress], "
				   "ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]}"));
	(void)state;
	assert_false(tl_allowed(c, "x/a", "x/a", "tcp/80"));
	assert_false(tl_allowed(c, "x/b", "x/b", "tcp/80"));
	assert_true(tl_allowed(c, "z/a", "z/a", "tcp/80"));
	assert_true(tl_allowed(c, "z/b", "z/b", "tcp/80"));
	/* the diagonal is not judged; the rest is */
	tl_assert_table(c, "tcp/80", PODS,
			"*001\n"
			"0*01\n"
			"00*1\n"
			"000*\n");
	tl_release(c);
}

static void test_rule27_host_network_pods_are_their_node(void **state)
{
	/*
	 * the node's address is an external address: ingress isolation applies
	 * to it; a host-network pod is its node (README "Host-network pods"):
	 * no pod selector matches it and no policy isolates it
	 */
	struct tl_ctx *c = tl_load(NS("x", "{}") POD_STATUS(
		"x", "h", "{app: h}", "{nodeName: n1, hostNetwork: true, containers: [{name: c}]}",
		"{podIP: \"192.168.0.10\"}") POD_STATUS("x", "p", "{app: p}",
							"{nodeName: n1, containers: [{name: c}]}",
							"{podIP: \"10.0.7.1\"}")
					   NP("x", "allow-h",
					      "{podSelector: {matchLabels: {app: p}}, ingress: "
					      "[{from: [{podSelector: "
					      "{matchLabels: {app: h}}}]}]}"));
	const struct pod *h;
	(void)state;
	h = model_pod(&c->model, "x", "h");
	assert_non_null(h);
	assert_true(h->host_network);
	assert_string_equal(h->node_name, "n1");
	assert_false(tl_allowed(c, "192.168.0.1", "x/p", "tcp/80"));
	assert_false(tl_allowed(c, "x/h", "x/p", "tcp/80"));
	assert_false(tl_allowed(c, "192.168.0.10", "x/p", "tcp/80"));
	tl_release(c);
	/* selected by a default deny, it stays open both ways; an ipBlock admits the node */
	c = tl_load(NS("x", "{}") POD_STATUS(
		"x", "h", "{app: h}", "{nodeName: n1, hostNetwork: true, containers: [{name: c}]}",
		"{podIP: \"192.168.0.10\"}") POD_STATUS("x", "p", "{app: p}",
							"{nodeName: n1, containers: [{name: c}]}",
							"{podIP: \"10.0.7.1\"}")
			    NP("x", "deny-all", "{podSelector: {}, policyTypes: [Ingress, Egress]}")
				    NP("x", "node",
				       "{podSelector: {matchLabels: {app: p}}, ingress: "
				       "[{from: [{ipBlock: {cidr: 192.168.0.0/24}}]}]}"));
	assert_true(tl_allowed(c, "10.0.7.9", "x/h", "tcp/80"));
	assert_false(tl_allowed(c, "x/p", "x/h", "tcp/80")); /* p's egress is isolated */
	assert_true(tl_allowed(c, "x/h", "10.0.7.9", "tcp/80"));
	assert_true(tl_allowed(c, "x/h", "x/p", "tcp/80"));
	tl_release(c);
}

static void test_rule28_only_the_opening_direction_is_judged(void **state)
{
	/* x/a admits nothing, yet it may open connections whose replies come back */
	struct tl_ctx *c = tl_load(INV NP("x", "p", "{podSelector: {matchLabels: {app: a}}}"));
	(void)state;
	assert_true(tl_allowed(c, "x/a", "z/a", "tcp/80"));
	assert_false(tl_allowed(c, "z/a", "x/a", "tcp/80"));
	tl_release(c);
}

/* ---- corner cases ---- */

static void test_corner_template_pod_without_ip(void **state)
{
	/* a Deployment's template pod: selectors see it, ipBlocks never match it */
	struct tl_ctx *c = tl_load(
		INV
		"---\napiVersion: apps/v1\nkind: Deployment\n"
		"metadata: {name: dep, namespace: x}\nspec: {selector: {matchLabels: {app: d}}, "
		"template: {metadata: {labels: {app: d}}, spec: {containers: [{name: c, "
		"ports: [{name: http, containerPort: 8080}]}]}}}\n" NP(
			"z", "p",
			"{podSelector: {matchLabels: {app: a}}, ingress: [{from: "
			"[{namespaceSelector: "
			"{}, podSelector: {matchLabels: {app: d}}}]}]}")
			NP("z", "q",
			   "{podSelector: {matchLabels: {app: b}}, ingress: [{from: [{ipBlock: "
			   "{cidr: 0.0.0.0/0}}, {ipBlock: {cidr: \"::/0\"}}]}]}")
				NP("x", "r",
				   "{podSelector: {matchLabels: {app: d}}, ingress: [{ports: "
				   "[{port: http}]}]}"));
	const struct pod *d;
	(void)state;
	d = model_pod(&c->model, "x", "dep");
	assert_non_null(d);
	assert_int_equal(d->nips, 0);
	assert_string_equal(d->workload_kind, "Deployment");
	tl_assert_table(c, "tcp/8080", "x/a x/dep z/a z/b",
			"*101\n"
			"1*10\n"
			"11*1\n"
			"110*\n");
	tl_assert_table(c, "tcp/80", "x/a x/dep z/a z/b",
			"*001\n"
			"1*10\n"
			"10*1\n"
			"100*\n");
	tl_assert_table_af(c, "tcp/80", "x/a x/dep z/a z/b",
			   "*001\n"
			   "1*10\n"
			   "10*1\n"
			   "100*\n",
			   AF6);
	tl_release(c);
}

static void test_corner_multiple_rules_and_policies_union_ports(void **state)
{
	/* peers of one rule with ports of another never combine */
	struct tl_ctx *c =
		tl_load(INV NP("z", "p1",
			       "{podSelector: {matchLabels: {app: b}}, ingress: [{from: "
			       "[{podSelector: {matchLabels: {app: a}}}], ports: [{port: 80}]}, "
			       "{from: [{namespaceSelector: {matchLabels: {team: a}}}], ports: "
			       "[{protocol: UDP, port: 53}]}]}")
				NP("z", "p2",
				   "{podSelector: {matchLabels: {app: b}}, ingress: [{from: "
				   "[{ipBlock: {cidr: 10.0.1.2/32}}], ports: [{port: 443}]}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*110\n"
			"1*10\n"
			"11*1\n"
			"111*\n");
	tl_assert_table(c, "udp/53", PODS,
			"*111\n"
			"1*11\n"
			"11*0\n"
			"111*\n");
	tl_assert_table(c, "tcp/443", PODS,
			"*110\n"
			"1*11\n"
			"11*0\n"
			"111*\n");
	tl_release(c);
}

static void test_corner_ipv6_blocks_never_match_ipv4_only_pods(void **state)
{
	struct tl_ctx *c =
		tl_load(NS("x", "{}") POD("x", "v4", "{app: v4}", "10.0.8.1")
				POD("x", "v6", "{app: v6}", "fd00::8:1")
					NP("x", "p",
					   "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: "
					   "\"fd00::/8\"}}]}]}"));
	(void)state;
	tl_assert_table_af(c, "tcp/80", "x/v4 x/v6", "*0\n0*\n", AF4);
	tl_assert_table_af(c, "tcp/80", "x/v4 x/v6", "*0\n1*\n", AF6);
	assert_true(tl_allowed(c, "fd00::99", "x/v4", "tcp/80"));
	assert_false(tl_allowed(c, "10.0.8.99", "x/v4", "tcp/80"));
	tl_release(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_rule01_verdict_needs_egress_of_source_and_ingress_of_destination),
		cmocka_unit_test(test_rule02_sides_are_judged_independently),
		cmocka_unit_test(test_rule02_isolation_needs_namespace_selector_and_type),
		cmocka_unit_test(test_rule03_policies_are_additive_and_order_free),
		cmocka_unit_test(test_rule04_policy_never_selects_other_namespaces),
		cmocka_unit_test(test_rule04_policy_without_namespace_is_an_error),
		cmocka_unit_test(test_rule05_external_addresses_are_never_isolated),
		cmocka_unit_test(test_rule06_egress_empty_without_policytypes_does_not_isolate),
		cmocka_unit_test(test_rule06_egress_null_without_policytypes_does_not_isolate),
		cmocka_unit_test(test_rule06_no_policytypes_no_ingress_is_default_deny_ingress),
		cmocka_unit_test(test_rule06_empty_policytypes_is_defaulted),
		cmocka_unit_test(test_rule06_nonempty_egress_adds_egress_type),
		cmocka_unit_test(test_rule07_explicit_egress_type_ignores_ingress_rules),
		cmocka_unit_test(test_rule07_explicit_ingress_type_ignores_egress_rules),
		cmocka_unit_test(test_rule07_policytypes_values_are_case_sensitive),
		cmocka_unit_test(test_rule08_absent_null_or_empty_rules_allow_nothing),
		cmocka_unit_test(test_rule09_empty_rule_matches_every_peer_and_port),
		cmocka_unit_test(test_rule09_empty_egress_rule_allows_everything),
		cmocka_unit_test(test_rule10_empty_or_absent_pod_selector_selects_whole_namespace),
		cmocka_unit_test(test_rule10_empty_peer_selectors_select_their_whole_scope),
		cmocka_unit_test(test_rule11_pod_selector_alone_is_own_namespace),
		cmocka_unit_test(test_rule11_namespace_selector_alone_is_every_pod_there),
		cmocka_unit_test(test_rule11_both_selectors_in_one_peer_are_anded),
		cmocka_unit_test(test_rule11_separate_peers_are_ored),
		cmocka_unit_test(test_rule11_egress_peers),
		cmocka_unit_test(test_rule12_selectors_never_match_external_addresses),
		cmocka_unit_test(test_rule13_peer_needs_a_field_and_ipblock_is_exclusive),
		cmocka_unit_test(test_rule14_namespace_name_label_is_added),
		cmocka_unit_test(test_rule14_namespace_name_label_must_match_the_name),
		cmocka_unit_test(test_rule15_in_needs_key_and_value),
		cmocka_unit_test(test_rule15_notin_matches_pods_without_the_key),
		cmocka_unit_test(test_rule15_exists_and_does_not_exist),
		cmocka_unit_test(test_rule15_match_labels_and_expressions_are_anded),
		cmocka_unit_test(test_rule15_selector_validation),
		cmocka_unit_test(test_rule16_label_values_must_be_strings),
		cmocka_unit_test(test_rule17_ipblock_matches_pod_addresses_and_except),
		cmocka_unit_test(
			test_rule18_pod_address_is_matched_service_addresses_are_not_modelled),
		cmocka_unit_test(test_rule19_except_must_be_strictly_inside_cidr),
		cmocka_unit_test(test_rule19_families_never_mix),
		cmocka_unit_test(test_rule19_ipv6_block_and_except),
		cmocka_unit_test(test_rule20_host_bits_are_masked_with_a_warning),
		cmocka_unit_test(test_rule21_protocol_defaults_to_tcp),
		cmocka_unit_test(test_rule21_sctp_udp_tcp_never_mix),
		cmocka_unit_test(test_rule21_protocol_names_are_exact),
		cmocka_unit_test(test_rule22_port_absent_is_every_port_of_the_protocol),
		cmocka_unit_test(test_rule22_endport_is_an_inclusive_range),
		cmocka_unit_test(test_rule22_endport_validation),
		cmocka_unit_test(test_rule23_named_port_resolves_per_destination_ingress),
		cmocka_unit_test(test_rule23_named_port_resolves_per_destination_egress),
		cmocka_unit_test(test_rule23_named_port_via_ipblock_and_selector),
		cmocka_unit_test(test_rule23_named_port_with_wrong_protocol_never_matches),
		cmocka_unit_test(test_rule24_port_names_are_iana_service_names),
		cmocka_unit_test(test_rule25_only_the_destination_port_is_matched),
		cmocka_unit_test(test_rule26_loopback_is_evaluated_like_any_connection),
		cmocka_unit_test(test_rule27_host_network_pods_are_their_node),
		cmocka_unit_test(test_rule28_only_the_opening_direction_is_judged),
		cmocka_unit_test(test_corner_template_pod_without_ip),
		cmocka_unit_test(test_corner_multiple_rules_and_policies_union_ports),
		cmocka_unit_test(test_corner_ipv6_blocks_never_match_ipv4_only_pods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
