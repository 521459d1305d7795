/*
 * test_anp.c - AdminNetworkPolicy, BaselineAdminNetworkPolicy and
 * ClusterNetworkPolicy (v1alpha2: tiers Admin and Baseline, Accept,
 * protocols): the
 * order of the tiers (admin, NetworkPolicy, baseline, default allow) per
 * direction, Pass, priorities and their tie-break, subjects and peers
 * (host-network pods excepted, networks matching pod addresses), ports
 * (numbers, ranges, named ports on the destination), and the validation
 * the CRDs' schemas and CEL rules make.
 *
 * Tables: rows are sources, columns destinations, '1' allowed, '0'
 * denied, '*' the diagonal (not judged).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/backend.h"
#include "backends/calico.h"
#include "lib/strbuf.h"
#include "tests/unit/testlib.h"

#define NS(name, labels) \
	"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: " name ", labels: " labels "}\n"
#define POD_FULL(ns, name, labels, spec, ip)                                        \
	"---\napiVersion: v1\nkind: Pod\nmetadata: {name: " name ", namespace: " ns \
	", labels: " labels "}\nspec: " spec "\nstatus: {podIP: \"" ip "\"}\n"
#define POD(ns, name, labels, ip) POD_FULL(ns, name, labels, "{containers: [{name: c}]}", ip)
#define NP(ns, name, spec)                                                                   \
	"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " name \
	", namespace: " ns "}\nspec: " spec "\n"
#define ANP(name, spec)                                                                  \
	"---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n" \
	"metadata: {name: " name "}\nspec: " spec "\n"
#define CNP(name, spec)                                                                    \
	"---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n" \
	"metadata: {name: " name "}\nspec: " spec "\n"
#define BANP(name, spec)                                                                         \
	"---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\n" \
	"metadata: {name: " name "}\nspec: " spec "\n"

/* namespaces x (team=a) and z (team=b), each with pods a (app=a) and b (app=b) */
#define INV                                   \
	NS("x", "{team: a}")                  \
	NS("z", "{team: b}")                  \
	POD("x", "a", "{app: a}", "10.0.1.1") \
	POD("x", "b", "{app: b}", "10.0.1.2") \
	POD("z", "a", "{app: a}", "10.0.2.1") \
	POD("z", "b", "{app: b}", "10.0.2.2")
#define PODS "x/a x/b z/a z/b"

/* subject: pods app=a of every namespace; ALL: every pod of every namespace */
#define SUBJ_A	 "subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: a}}}}"
#define SUBJ_ALL "subject: {namespaces: {}}"
#define FROM_ALL "from: [{namespaces: {}}]"
#define TO_ALL	 "to: [{namespaces: {}}]"

#define expect_rejected(text, needle) expect_rejected_at((text), (needle), __FILE__, __LINE__)
static void expect_rejected_at(const char *text, const char *needle, const char *file, int line)
{
	struct tl_ctx *c = tl_parse(text);
	bool ok = tl_errors(c) > 0 && tl_diag_count(c, DIAG_ERROR, needle) > 0;
	if (!ok) {
		print_error("%s:%d: expected an error mentioning '%s', got %zu error(s):\n", file,
			    line, needle, tl_errors(c));
		tl_diag_dump(c);
	}
	tl_release(c);
	if (!ok)
		_fail(file, line);
}

/* decider: the name of the policy whose rule decided direction dir, or "" for none. */
static const char *decider(struct tl_ctx *c, const char *src, const char *dst, const char *port,
			   enum dir dir)
{
	struct eval_result res;
	tl_eval(c, src, dst, port, 0, &res);
	return res.side[dir].rule ? res.side[dir].rule->origin.policy->name : "";
}

static void test_admin_deny_and_allow_override_networkpolicy(void **state)
{
	/* the NP admits only x/b into x/a; the admin tier denies z/a and allows z/b first */
	struct tl_ctx *c = tl_load(
		INV NP("x", "only-b",
		       "{podSelector: {matchLabels: {app: a}}, ingress: [{from: "
		       "[{podSelector: {matchLabels: {app: b}}}]}]}")
			ANP("admin", "{priority: 1, subject: {namespaces: {matchLabels: {team: "
				     "a}}}, ingress: [{action: Deny, from: [{pods: "
				     "{namespaceSelector: {}, podSelector: {matchLabels: {app: "
				     "a}}}}]}, {action: Allow, " FROM_ALL "}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*011\n"
			"1*11\n"
			"00*1\n"
			"111*\n");
	assert_string_equal(decider(c, "z/b", "x/a", "tcp/80", DIR_INGRESS), "admin");
	tl_release(c);
}

static void test_pass_goes_to_networkpolicy_then_baseline(void **state)
{
	/*
	 * Ingress of x/a: the admin tier passes everything; the NP of x admits
	 * only x/b.  Ingress of z/a: no NP, so the baseline denies.  x/b and
	 * z/b: neither the NP nor the baseline selects them: default allow.
	 */
	struct tl_ctx *c = tl_load(
		INV NP("x", "only-b",
		       "{podSelector: {matchLabels: {app: a}}, ingress: [{from: "
		       "[{podSelector: {matchLabels: {app: b}}}]}]}")
			ANP("pass", "{priority: 1, " SUBJ_ALL ", ingress: [{action: Pass, " FROM_ALL
				    "}]}") ANP("deny", "{priority: 2, " SUBJ_ALL
						       ", ingress: [{action: Deny, " FROM_ALL "}]}")
				BANP("default",
				     "{" SUBJ_A ", ingress: [{action: Deny, " FROM_ALL "}]}"));
	struct eval_result res;
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*101\n"
			"1*01\n"
			"01*1\n"
			"010*\n");
	/* the Pass is reported, the deny of priority 2 never runs */
	tl_eval(c, "z/b", "z/a", "tcp/80", 0, &res);
	assert_non_null(res.side[DIR_INGRESS].passed);
	assert_string_equal(res.side[DIR_INGRESS].passed->origin.policy->name, "pass");
	assert_string_equal(decider(c, "z/b", "z/a", "tcp/80", DIR_INGRESS), "default");
	tl_release(c);
}

static void test_baseline_only_without_isolating_networkpolicy(void **state)
{
	/* the NP isolates x/a for ingress and allows all: the baseline deny never applies there */
	struct tl_ctx *c = tl_load(
		INV NP("x", "allow-all", "{podSelector: {matchLabels: {app: a}}, ingress: [{}]}")
			BANP("default", "{" SUBJ_ALL ", ingress: [{action: Deny, " FROM_ALL "}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*000\n"
			"1*00\n"
			"10*0\n"
			"100*\n");
	tl_release(c);
}

static void test_priority_and_rule_order(void **state)
{
	/*
	 * Lower priority first, whatever the input order; inside one policy the
	 * first matching rule wins.
	 */
	struct tl_ctx *c = tl_load(
		INV ANP("late",
			"{priority: 20, " SUBJ_ALL ", egress: [{action: Allow, " TO_ALL "}]}")
			ANP("early", "{priority: 3, " SUBJ_ALL ", egress: [{action: Deny, to: "
				     "[{namespaces: {matchLabels: {team: b}}}]}, {action: Allow, "
				     "to: [{pods: {namespaceSelector: {}, podSelector: {}}}]}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*100\n"
			"1*00\n"
			"11*0\n"
			"110*\n");
	assert_string_equal(decider(c, "x/a", "x/b", "tcp/80", DIR_EGRESS), "early");
	tl_release(c);
}

#define TIE_A \
	ANP("b-allow", "{priority: 7, " SUBJ_ALL ", ingress: [{action: Allow, " FROM_ALL "}]}")
#define TIE_B ANP("a-deny", "{priority: 7, " SUBJ_ALL ", ingress: [{action: Deny, " FROM_ALL "}]}")

static void test_same_priority_tie_break_by_name_and_warning(void **state)
{
	/* 'a-deny' runs before 'b-allow' in both input orders */
	struct tl_ctx *c1 = tl_load(INV TIE_A TIE_B);
	struct tl_ctx *c2 = tl_load(INV TIE_B TIE_A);
	(void)state;
	tl_assert_table(c1, "tcp/80", PODS, "*000\n0*00\n00*0\n000*\n");
	tl_assert_table(c2, "tcp/80", PODS, "*000\n0*00\n00*0\n000*\n");
	tl_lint(c1);
	assert_int_equal(tl_diag_count(c1, DIAG_WARNING, "same priority (7) as 'a-deny'"), 1);
	tl_release(c1);
	tl_release(c2);
}

static void test_same_priority_without_overlap_is_quiet(void **state)
{
	/* one priority, but different directions (and different ports): no warning */
	struct tl_ctx *c = tl_load(
		INV ANP("one", "{priority: 7, " SUBJ_ALL ", ingress: [{action: Deny, " FROM_ALL
			       ", ports: [{portNumber: {port: 80}}]}]}")
			ANP("two", "{priority: 7, " SUBJ_ALL ", ingress: [{action: Deny, " FROM_ALL
				   ", ports: [{portNumber: {port: 81}}]}], egress: [{action: "
				   "Deny, " TO_ALL "}]}"));
	(void)state;
	tl_lint(c);
	assert_int_equal(tl_diag_count(c, DIAG_WARNING, "same priority"), 0);
	tl_release(c);
}

static void test_directions_are_separate(void **state)
{
	/* an egress deny of x/a does not touch its ingress; a connection needs both */
	struct tl_ctx *c = tl_load(
		INV ANP("no-egress", "{priority: 0, subject: {pods: {namespaceSelector: "
				     "{matchLabels: {team: a}}, podSelector: {matchLabels: {app: "
				     "a}}}}, egress: [{action: Deny, " TO_ALL "}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*000\n"
			"1*11\n"
			"11*1\n"
			"111*\n");
	tl_release(c);
}

static void test_networks_match_pod_addresses(void **state)
{
	struct tl_ctx *c =
		tl_load(INV ANP("nets", "{priority: 0, " SUBJ_ALL ", egress: [{action: Deny, to: "
					"[{networks: [10.0.2.0/24]}]}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*100\n"
			"1*00\n"
			"11*0\n"
			"110*\n");
	assert_true(tl_allowed(c, "x/a", "192.168.1.1", "tcp/80"));
	assert_false(tl_allowed(c, "x/a", "10.0.2.9", "tcp/80"));
	tl_release(c);
}

static void test_ports_numbers_ranges_named(void **state)
{
	struct tl_ctx *c = tl_load(
		NS("x", "{}") POD_FULL("x", "web", "{app: web}",
				       "{containers: [{name: c, ports: [{name: http, "
				       "containerPort: 8080}, {name: dns, containerPort: 53, "
				       "protocol: UDP}]}]}",
				       "10.0.1.1") POD("x", "cli", "{app: cli}", "10.0.1.2")
			ANP("ports",
			    "{priority: 0, " SUBJ_ALL ", ingress: [{action: Deny, " FROM_ALL
			    ", ports: [{portNumber: {port: 80}}, {portRange: {protocol: "
			    "UDP, start: 1000, end: 1002}}, {namedPort: http}, "
			    "{namedPort: dns}]}]}"));
	(void)state;
	assert_false(tl_allowed(c, "x/cli", "x/web", "tcp/80"));
	assert_true(tl_allowed(c, "x/cli", "x/web", "udp/80"));
	assert_false(tl_allowed(c, "x/cli", "x/web", "udp/1002"));
	assert_true(tl_allowed(c, "x/cli", "x/web", "udp/1003"));
	assert_true(tl_allowed(c, "x/cli", "x/web", "tcp/1001"));
	/* named ports resolve on the destination, with the pod's protocol */
	assert_false(tl_allowed(c, "x/cli", "x/web", "tcp/8080"));
	assert_false(tl_allowed(c, "x/cli", "x/web", "udp/53"));
	assert_true(tl_allowed(c, "x/cli", "x/web", "tcp/53"));
	assert_true(tl_allowed(c, "x/web", "x/cli", "tcp/8080"));
	tl_release(c);
}

static void test_named_port_egress_resolves_on_peer(void **state)
{
	struct tl_ctx *c = tl_load(
		NS("x", "{}") POD_FULL("x", "web", "{app: web}",
				       "{containers: [{name: c, ports: [{name: http, "
				       "containerPort: 8080}]}]}",
				       "10.0.1.1") POD("x", "cli", "{app: cli}", "10.0.1.2")
			ANP("eg", "{priority: 0, " SUBJ_ALL ", egress: [{action: Deny, " TO_ALL
				  ", ports: [{namedPort: http}]}]}"));
	(void)state;
	assert_false(tl_allowed(c, "x/cli", "x/web", "tcp/8080"));
	assert_true(tl_allowed(c, "x/web", "x/cli", "tcp/8080"));
	tl_release(c);
}

static void test_host_network_pods_are_neither_subjects_nor_peers(void **state)
{
	struct tl_ctx *c = tl_load(NS("x", "{}") POD("x", "a", "{app: a}", "10.0.1.1") POD_FULL(
		"x", "h", "{app: a}", "{hostNetwork: true, containers: [{name: c}]}",
		"192.168.0.9") ANP("deny", "{priority: 0, " SUBJ_ALL
					   ", ingress: [{action: Deny, " FROM_ALL "}]}"));
	(void)state;
	/* h is not a subject (it admits a); a denies every pod, but h is no pod peer */
	tl_assert_table(c, "tcp/80", "x/a x/h", "*1\n1*\n");
	assert_string_equal(decider(c, "x/h", "x/a", "tcp/80", DIR_INGRESS), "");
	tl_release(c);
}

static void test_rules_in_no_direction_have_no_effect(void **state)
{
	/* an ANP with only egress rules leaves ingress alone; no implicit isolation */
	struct tl_ctx *c = tl_load(INV ANP("eg", "{priority: 0, " SUBJ_ALL
						 ", egress: [{action: Allow, to: [{networks: "
						 "[192.168.0.0/16]}]}]}"));
	(void)state;
	tl_assert_table(c, "tcp/80", PODS, "*111\n1*11\n11*1\n111*\n");
	tl_release(c);
}

/* ---- validation ---- */

static void test_validation_priority(void **state)
{
	(void)state;
	expect_rejected(ANP("p", "{priority: 1001, " SUBJ_ALL "}"),
			"priority 1001 is out of range");
	expect_rejected(ANP("p", "{priority: -1, " SUBJ_ALL "}"), "between 0 and 1000");
	expect_rejected(ANP("p", "{" SUBJ_ALL "}"), "no 'priority'");
	expect_rejected(BANP("default", "{priority: 1, " SUBJ_ALL "}"), "priority");
}

static void test_validation_names_and_actions(void **state)
{
	(void)state;
	expect_rejected(BANP("other", "{" SUBJ_ALL "}"), "must be named 'default'");
	expect_rejected(BANP("default", "{" SUBJ_ALL ", ingress: [{action: Pass, " FROM_ALL "}]}"),
			"cannot Pass");
	expect_rejected(
		ANP("p", "{priority: 1, " SUBJ_ALL ", ingress: [{action: Accept, " FROM_ALL "}]}"),
		"unknown action");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", ingress: [{" FROM_ALL "}]}"),
			"no 'action'");
	expect_rejected(ANP("p",
			    "{priority: 1, " SUBJ_ALL ", ingress: [{name: "
			    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, action: Deny, " FROM_ALL "}]}"),
			"at most 100 are allowed");
}

static void test_validation_exactly_one_of(void **state)
{
	(void)state;
	expect_rejected(ANP("p", "{priority: 1}"), "no 'subject'");
	expect_rejected(ANP("p", "{priority: 1, subject: {}}"), "subject must set exactly one");
	expect_rejected(ANP("p", "{priority: 1, subject: {namespaces: {}, pods: "
				 "{namespaceSelector: {}, podSelector: {}}}}"),
			"subject must set exactly one");
	expect_rejected(ANP("p", "{priority: 1, subject: {pods: {podSelector: {}}}}"),
			"no 'namespaceSelector'");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", egress: [{action: Deny, to: "
				 "[{namespaces: {}, networks: [10.0.0.0/8]}]}]}"),
			"peer must set exactly one");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", ingress: [{action: Deny, from: "
				 "[{networks: [10.0.0.0/8]}]}]}"),
			"networks");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", ingress: [{action: Deny, " FROM_ALL
				 ", ports: [{portNumber: {port: 80}, namedPort: http}]}]}"),
			"ports item must set exactly one");
}

static void test_validation_lists_and_values(void **state)
{
	(void)state;
	expect_rejected(
		ANP("p", "{priority: 1, " SUBJ_ALL ", ingress: [{action: Deny, from: []}]}"),
		"at least 1 item");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", ingress: [{action: Deny}]}"),
			"no 'from'");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", ingress: [{action: Deny, " FROM_ALL
				 ", ports: []}]}"),
			"at least 1 item");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", egress: [{action: Deny, to: "
				 "[{networks: []}]}]}"),
			"at least 1 item");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", egress: [{action: Deny, to: "
				 "[{networks: [10.0.0.0/33]}]}]}"),
			"invalid network");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", egress: [{action: Deny, to: "
				 "[{networks: [10.0.0.0/8, 10.0.0.0/8]}]}]}"),
			"listed twice");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", ingress: [{action: Deny, " FROM_ALL
				 ", ports: [{portNumber: {port: 0}}]}]}"),
			"out of range");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", ingress: [{action: Deny, " FROM_ALL
				 ", ports: [{portRange: {start: 90, end: 80}}]}]}"),
			"below start");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", ingress: [{action: Deny, " FROM_ALL
				 ", ports: [{portRange: {start: 90}}]}]}"),
			"no 'end'");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", ingress: [{action: Deny, " FROM_ALL
				 ", ports: [{portNumber: {protocol: ICMP, port: 1}}]}]}"),
			"protocol");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", egress: [{action: Deny, to: "
				 "[{networks: [10.0.0.0/8]}], ports: [{namedPort: http}]}]}"),
			"named port cannot be used");
}

static void test_validation_list_limits(void **state)
{
	/* 26 networks in one peer */
	char buf[4096];
	size_t n = (size_t)snprintf(
		buf, sizeof(buf),
		ANP("p", "{priority: 1, " SUBJ_ALL ", egress: [{action: Deny, to: [{networks: ["));
	(void)state;
	for (int i = 0; i < 26; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s10.%d.0.0/16", i ? ", " : "", i);
	snprintf(buf + n, sizeof(buf) - n, "]}]}]}\n");
	expect_rejected(buf, "networks has 26 items; at most 25");
}

static void test_domain_names_and_nodes_are_errors(void **state)
{
	(void)state;
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", egress: [{action: Allow, to: "
				 "[{domainNames: [example.com]}]}]}"),
			"cannot be compiled offline");
	expect_rejected(ANP("p", "{priority: 1, " SUBJ_ALL ", egress: [{action: Deny, to: "
				 "[{nodes: {}}]}]}"),
			"the input has no Node objects");
	expect_rejected(BANP("default", "{" SUBJ_ALL ", egress: [{action: Deny, to: "
					"[{domainNames: [example.com]}]}]}"),
			"domainNames");
}

static void test_validation_errors_are_located(void **state)
{
	struct tl_ctx *c = tl_parse(ANP("p", "{priority: 5000, " SUBJ_ALL "}"));
	(void)state;
	assert_int_equal(tl_errors(c), 1);
	/* the document's 'spec' is line 4; the priority value is there */
	assert_int_equal(tl_diag_count(c, DIAG_ERROR, "priority 5000"), 1);
	tl_release(c);
}

static void test_cnp_tiers_priorities_and_baseline_pass(void **state)
{
	/*
	 * Admin: app=a pods deny ingress from team b, then everything passes.
	 * The NP of x isolates x/a (admits x/b).  Baseline by priority: a
	 * Pass of traffic from app=b pods (to the default: allow), then a deny
	 * of the rest.  A pods peer without namespaceSelector means every
	 * namespace.
	 */
	struct tl_ctx *c = tl_load(
		INV NP("x", "only-b",
		       "{podSelector: {matchLabels: {app: a}}, ingress: [{from: "
		       "[{podSelector: {matchLabels: {app: b}}}]}]}")
			CNP("admin-pass", "{tier: Admin, priority: 2, " SUBJ_ALL
					  ", ingress: [{action: Pass, " FROM_ALL "}]}")
				CNP("admin-deny", "{tier: Admin, priority: 1, " SUBJ_A
						  ", ingress: [{action: Deny, from: [{namespaces: "
						  "{matchLabels: {team: b}}}]}]}")
					CNP("base-deny",
					    "{tier: Baseline, priority: 9, " SUBJ_ALL
					    ", ingress: [{action: Deny, " FROM_ALL "}]}")
						CNP("base-pass",
						    "{tier: Baseline, priority: 3, " SUBJ_ALL
						    ", ingress: [{action: Pass, from: [{pods: "
						    "{podSelector: {matchLabels: {app: b}}}}]}]}"));
	struct eval_result res;
	(void)state;
	tl_assert_table(c, "tcp/80", PODS,
			"*000\n"
			"1*11\n"
			"00*0\n"
			"010*\n");
	assert_string_equal(decider(c, "z/b", "x/a", "tcp/80", DIR_INGRESS), "admin-deny");
	assert_string_equal(decider(c, "x/a", "z/b", "tcp/80", DIR_INGRESS), "base-deny");
	/* the Baseline Pass leaves the decision to the default */
	tl_eval(c, "x/b", "z/b", "tcp/80", 0, &res);
	assert_true(res.side[DIR_INGRESS].allowed);
	assert_null(res.side[DIR_INGRESS].rule);
	assert_string_equal(res.side[DIR_INGRESS].passed->origin.policy->name, "base-pass");
	tl_release(c);
}

static void test_cnp_protocols(void **state)
{
	/*
	 * Ingress of app=a: Accept udp 53 and tcp 8000-8999, deny the rest;
	 * a named port resolves on the destination pod.
	 */
	struct tl_ctx *c = tl_load(
		NS("x", "{}") POD_FULL("x", "a", "{app: a}",
				       "{containers: [{name: c, ports: [{name: web, containerPort: "
				       "7000}]}]}",
				       "10.0.1.1") POD("x", "b", "{app: b}", "10.0.1.2")
			CNP("p", "{tier: Admin, priority: 0, " SUBJ_A
				 ", ingress: [{action: Accept, " FROM_ALL
				 ", protocols: [{udp: {destinationPort: {number: 53}}}, {tcp: "
				 "{destinationPort: {range: {start: 8000, end: 8999}}}}, "
				 "{destinationNamedPort: web}]}, {action: Deny, " FROM_ALL "}]}"));
	(void)state;
	tl_assert_table(c, "udp/53", "x/a x/b", "*1\n1*\n");
	tl_assert_table(c, "tcp/53", "x/a x/b", "*1\n0*\n");
	tl_assert_table(c, "tcp/8000", "x/a x/b", "*1\n1*\n");
	tl_assert_table(c, "tcp/8999", "x/a x/b", "*1\n1*\n");
	tl_assert_table(c, "tcp/9000", "x/a x/b", "*1\n0*\n");
	tl_assert_table(c, "tcp/7000", "x/a x/b", "*1\n1*\n");
	tl_assert_table(c, "udp/7000", "x/a x/b", "*1\n0*\n");
	tl_release(c);
}

#define CNP_ADMIN(rules) CNP("p", "{tier: Admin, priority: 1, " SUBJ_ALL ", " rules "}")

static void test_cnp_validation(void **state)
{
	char buf[8192];
	size_t n;
	(void)state;
	expect_rejected(CNP("p", "{priority: 1, " SUBJ_ALL "}"), "has no 'tier'");
	expect_rejected(CNP("p", "{tier: admin, priority: 1, " SUBJ_ALL "}"), "unknown tier");
	expect_rejected(CNP("p", "{tier: Baseline, " SUBJ_ALL "}"), "has no 'priority'");
	expect_rejected(CNP("p", "{tier: Baseline, priority: -1, " SUBJ_ALL "}"), "out of range");
	expect_rejected(CNP_ADMIN("egress: [{action: Allow, " TO_ALL "}]"), "renamed it Accept");
	expect_rejected(
		ANP("p", "{priority: 1, " SUBJ_ALL ", egress: [{action: Accept, " TO_ALL "}]}"),
		"spells it Allow");
	expect_rejected(CNP_ADMIN("egress: [{action: Deny, " TO_ALL ", ports: [{portNumber: "
				  "{port: 80}}]}]"),
			"unknown field 'ports'");
	expect_rejected(CNP_ADMIN("egress: [{action: Deny, " TO_ALL ", protocols: []}]"),
			"protocols must have at least 1 item");
	expect_rejected(CNP_ADMIN("egress: [{action: Deny, " TO_ALL ", protocols: [{tcp: {}}]}]"),
			"has no 'destinationPort'");
	expect_rejected(CNP_ADMIN("egress: [{action: Deny, " TO_ALL ", protocols: [{tcp: "
				  "{destinationPort: {range: {start: 80, end: 80}}}}]}]"),
			"needs start < end");
	expect_rejected(CNP_ADMIN("egress: [{action: Deny, " TO_ALL ", protocols: [{tcp: "
				  "{destinationPort: {number: 80}}, sctp: {destinationPort: "
				  "{number: 80}}}]}]"),
			"exactly one of tcp, udp, sctp or destinationNamedPort");
	expect_rejected(CNP_ADMIN("egress: [{action: Deny, to: [{networks: [10.0.0.0/8]}], "
				  "protocols: [{destinationNamedPort: web}]}]"),
			"named port cannot be used");
	expect_rejected(CNP_ADMIN("ingress: [{action: Deny, from: [{networks: [10.0.0.0/8]}]}]"),
			"unknown field 'networks'");
	/* 26 rules: v1alpha2 allows 25 per direction, v1alpha1 100 */
	n = (size_t)snprintf(buf, sizeof(buf),
			     CNP("p", "{tier: Admin, priority: 1, " SUBJ_ALL ", egress: ["));
	for (int i = 0; i < 26; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s{action: Deny, " TO_ALL "}",
				      i ? ", " : "");
	snprintf(buf + n, sizeof(buf) - n, "]}\n");
	expect_rejected(buf, "egress has 26 items; at most 25");
}

/* calico_text: c's policies as -t calico writes them (the test fails on an error). */
static char *calico_text(struct tl_ctx *c)
{
	const char *values[] = { NULL };
	struct emit_ctx ctx = { .model = &c->model,
				.cmdline = "test.yaml",
				.backend = backend_find("calico"),
				.opt_values = values };
	struct emit_out out = { 0 };
	struct diag d;
	char *text;
	diag_init(&d);
	assert_int_equal(calico_emit(&ctx, &out, &d), 0);
	diag_release(&d);
	text = strbuf_detach(emit_main(&out), NULL);
	emit_out_release(&out);
	return text;
}

#define CAL_INV                                                 \
	NS("x", "{team: a}")                                    \
	NS("z", "{team: b}")                                    \
	POD_FULL("x", "a", "{app: a}",                          \
		 "{containers: [{name: c, ports: [{name: web, " \
		 "containerPort: 80}]}]}",                      \
		 "10.0.1.1")                                    \
	POD("x", "b", "{app: b}", "10.0.1.2")                   \
	POD("z", "a", "{app: a}", "10.0.2.1")                   \
	POD("z", "b", "{app: b}", "10.0.2.2")

static void test_calico_output_gives_the_same_tables(void **state)
{
	/*
	 * Both API versions, both tiers, Pass, a NetworkPolicy between them,
	 * networks of both families, named ports: read back as Calico
	 * GlobalNetworkPolicies in kube-admin/kube-baseline, every cell agrees.
	 */
	static const char *const ports[] = { "tcp/80", "tcp/81", "udp/53", "tcp/8080" };
	static const char *const pods[] = { "x/a", "x/b", "z/a", "z/b" };
	struct tl_ctx *c = tl_load(
		CAL_INV NP("x", "np",
			   "{podSelector: {matchLabels: {app: a}}, ingress: [{from: "
			   "[{podSelector: {}}]}]}")
			ANP("deny-b",
			    "{priority: 3, " SUBJ_A ", ingress: [{name: no-b, action: "
			    "Deny, from: [{namespaces: {matchLabels: {team: b}}}], ports: "
			    "[{namedPort: web}]}, {action: Pass, " FROM_ALL
			    "}]}") CNP("nets",
				       "{tier: Admin, priority: 2, " SUBJ_ALL
				       ", egress: [{action: Deny, to: [{networks: [10.0.2.1/32, "
				       "\"fd00::1/128\"]}], protocols: [{udp: {destinationPort: "
				       "{number: 53}}}, {tcp: {destinationPort: {range: {start: "
				       "8000, end: 8999}}}}]}]}")
				CNP("base", "{tier: Baseline, priority: 1, " SUBJ_ALL
					    ", ingress: [{action: Pass, from: [{pods: "
					    "{podSelector: {matchLabels: {app: b}}}}]}, {action: "
					    "Deny, " FROM_ALL "}]}"));
	char *text = calico_text(c);
	struct strbuf inv = STRBUF_INIT;
	struct tl_ctx *back;
	(void)state;
	assert_non_null(strstr(text, "kind: GlobalNetworkPolicy"));
	assert_non_null(strstr(text, "tier: kube-admin"));
	assert_non_null(strstr(text, "tier: kube-baseline"));
	assert_non_null(strstr(text, "action: Pass"));
	assert_non_null(strstr(text, "        name: no-b\n"));
	strbuf_addstr(&inv, CAL_INV);
	strbuf_addstr(&inv, text);
	back = tl_load(inv.buf);
	for (size_t k = 0; k < 4; k++)
		for (size_t i = 0; i < 4; i++)
			for (size_t j = 0; j < 4; j++)
				if (tl_allowed(c, pods[i], pods[j], ports[k]) !=
				    tl_allowed(back, pods[i], pods[j], ports[k]))
					fail_msg("%s -> %s on %s differs", pods[i], pods[j],
						 ports[k]);
	tl_release(back);
	tl_release(c);
	strbuf_release(&inv);
	free(text);
}

#define NODE(name, labels, addrs)                                                           \
	"---\napiVersion: v1\nkind: Node\nmetadata: {name: " name ", labels: " labels "}\n" \
	"status: {addresses: " addrs "}\n"

static void test_nodes_peers_match_node_addresses(void **state)
{
	/*
	 * Egress of app=a pods to control-plane Nodes is denied, to the others
	 * passed on; a Hostname is not an address.  A selector matching no
	 * Node matches nothing (the allow never applies).
	 */
	struct tl_ctx *c = tl_load(
		INV NODE("cp", "{role: cp}",
			 "[{type: InternalIP, address: 192.168.0.10}, {type: Hostname, "
			 "address: cp}, {type: InternalIP, address: \"fd00:192::10\"}]")
			NODE("w1", "{role: worker}", "[{type: ExternalIP, address: 203.0.113.20}]")
				CNP("nodes",
				    "{tier: Admin, priority: 1, " SUBJ_A
				    ", egress: [{action: Accept, to: [{nodes: {matchLabels: "
				    "{role: none}}}]}, {action: Deny, to: [{nodes: "
				    "{matchLabels: {role: cp}}}]}]}"));
	(void)state;
	assert_false(tl_allowed(c, "x/a", "192.168.0.10", "tcp/6443"));
	assert_false(tl_allowed_af(c, "x/a", "fd00:192::10", "tcp/6443", 6));
	assert_true(tl_allowed(c, "x/a", "203.0.113.20", "tcp/6443"));
	assert_true(tl_allowed(c, "x/b", "192.168.0.10", "tcp/6443"));
	assert_true(tl_allowed(c, "x/a", "x/b", "tcp/6443"));
	tl_release(c);
	expect_rejected(NODE("cp", "{}", "[{type: InternalIP, address: 300.1.1.1}]"),
			"invalid Node address");
	expect_rejected(NODE("cp", "{}", "[{address: 10.0.0.1}]"), "needs 'type' and 'address'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admin_deny_and_allow_override_networkpolicy),
		cmocka_unit_test(test_pass_goes_to_networkpolicy_then_baseline),
		cmocka_unit_test(test_baseline_only_without_isolating_networkpolicy),
		cmocka_unit_test(test_priority_and_rule_order),
		cmocka_unit_test(test_same_priority_tie_break_by_name_and_warning),
		cmocka_unit_test(test_same_priority_without_overlap_is_quiet),
		cmocka_unit_test(test_directions_are_separate),
		cmocka_unit_test(test_networks_match_pod_addresses),
		cmocka_unit_test(test_ports_numbers_ranges_named),
		cmocka_unit_test(test_named_port_egress_resolves_on_peer),
		cmocka_unit_test(test_host_network_pods_are_neither_subjects_nor_peers),
		cmocka_unit_test(test_rules_in_no_direction_have_no_effect),
		cmocka_unit_test(test_validation_priority),
		cmocka_unit_test(test_validation_names_and_actions),
		cmocka_unit_test(test_validation_exactly_one_of),
		cmocka_unit_test(test_validation_lists_and_values),
		cmocka_unit_test(test_validation_list_limits),
		cmocka_unit_test(test_domain_names_and_nodes_are_errors),
		cmocka_unit_test(test_validation_errors_are_located),
		cmocka_unit_test(test_cnp_tiers_priorities_and_baseline_pass),
		cmocka_unit_test(test_cnp_protocols),
		cmocka_unit_test(test_cnp_validation),
		cmocka_unit_test(test_calico_output_gives_the_same_tables),
		cmocka_unit_test(test_nodes_peers_match_node_addresses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
