/*
 * test_calico.c - the calico backend's building blocks (selector strings,
 * port simplification, CIDR spelling, YAML quoting) and one whole policy,
 * against the vectors of ../shared/CALICO.md (cited by section).
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
#include "backends/yamlout.h"

/* ---- helpers ---- */

#define LABEL(k, v)                                                           \
	{                                                                     \
		.key = (k), .value = (v), .loc = { "test.yaml", __LINE__, 1 } \
	}

/* sel_string: the selector in mode; asserts the expected return code and error count. */
static char *sel_string(const struct selector *s, enum calico_sel_mode mode, int want_rc,
			size_t want_errors)
{
	struct strbuf sb = STRBUF_INIT;
	struct diag d;
	int rc;

	diag_init(&d);
	rc = calico_selector(&sb, s, mode, &d);
	assert_int_equal(rc, want_rc);
	assert_int_equal(d.errors, want_errors);
	diag_release(&d);
	return strbuf_detach(&sb, NULL);
}

static void check_sel(const struct selector *s, enum calico_sel_mode mode, const char *want)
{
	char *got = sel_string(s, mode, 0, 0);
	assert_string_equal(got, want);
	free(got);
}

/* ---- selectors (§3) ---- */

static void test_calico_selector_absent(void **state)
{
	(void)state;
	check_sel(NULL, CALICO_SEL_POD, "projectcalico.org/orchestrator == 'k8s'");
	check_sel(NULL, CALICO_SEL_NAMESPACE, "");
}

static void test_calico_selector_empty(void **state)
{
	struct selector s = { 0 };

	(void)state;
	check_sel(&s, CALICO_SEL_POD, "projectcalico.org/orchestrator == 'k8s'");
	check_sel(&s, CALICO_SEL_NAMESPACE, "all()");
}

static void test_calico_selector_labels_sorted(void **state)
{
	/* Deliberately unsorted: the backend sorts by byte order itself (§3.4). */
	struct label l[] = { LABEL("label2", "value2"), LABEL("label", "value") };
	struct selector s = { .match_labels = l, .nlabels = 2 };
	struct label l2[] = { LABEL("tier", "web"), LABEL("app.kubernetes.io/name", "shop"),
			      LABEL("Zone", "a") };
	struct selector s2 = { .match_labels = l2, .nlabels = 3 };

	(void)state;
	check_sel(&s, CALICO_SEL_POD,
		  "projectcalico.org/orchestrator == 'k8s' && label == 'value' && label2 == "
		  "'value2'");
	check_sel(&s2, CALICO_SEL_NAMESPACE,
		  "Zone == 'a' && app.kubernetes.io/name == 'shop' && tier == 'web'");
}

static void test_calico_selector_namespace_labels(void **state)
{
	struct label l[] = { LABEL("namespaceFoo", "bar"), LABEL("namespaceRole", "dev") };
	struct selector s = { .match_labels = l, .nlabels = 2 };

	(void)state;
	check_sel(&s, CALICO_SEL_NAMESPACE, "namespaceFoo == 'bar' && namespaceRole == 'dev'");
}

static void test_calico_selector_empty_value(void **state)
{
	struct label l[] = { LABEL("k", "") };
	struct selector s = { .match_labels = l, .nlabels = 1 };

	(void)state;
	check_sel(&s, CALICO_SEL_POD, "projectcalico.org/orchestrator == 'k8s' && k == ''");
}

static void test_calico_selector_every_operator(void **state)
{
	static const char *env[] = { "prod", "staging" };
	static const char *team[] = { "qa" };
	struct label l[] = { LABEL("tier", "web"), LABEL("Zone", "a"),
			     LABEL("app.kubernetes.io/name", "shop") };
	struct sel_req r[] = {
		{ .key = "env", .op = SEL_IN, .values = env, .nvalues = 2 },
		{ .key = "team", .op = SEL_NOT_IN, .values = team, .nvalues = 1 },
		{ .key = "gpu", .op = SEL_EXISTS },
		{ .key = "legacy", .op = SEL_DOES_NOT_EXIST },
	};
	struct selector s = { .match_labels = l, .nlabels = 3, .exprs = r, .nexprs = 4 };

	(void)state;
	check_sel(&s, CALICO_SEL_POD,
		  "projectcalico.org/orchestrator == 'k8s' && Zone == 'a' && "
		  "app.kubernetes.io/name == 'shop' && tier == 'web' && env in { 'prod', "
		  "'staging' } && team not in { 'qa' } && has(gpu) && ! has(legacy)");
}

static void test_calico_selector_exprs_input_order(void **state)
{
	static const char *v[] = { "v1", "v2" };
	static const char *w[] = { "b", "a", "b" };
	struct sel_req r[] = {
		{ .key = "z", .op = SEL_DOES_NOT_EXIST },
		{ .key = "k", .op = SEL_IN, .values = v, .nvalues = 2 },
		{ .key = "a", .op = SEL_NOT_IN, .values = w, .nvalues = 3 },
		{ .key = "z", .op = SEL_DOES_NOT_EXIST },
	};
	struct selector s = { .exprs = r, .nexprs = 4 };
	struct selector s1 = { .exprs = r + 1, .nexprs = 1 };

	(void)state;
	check_sel(&s1, CALICO_SEL_POD,
		  "projectcalico.org/orchestrator == 'k8s' && k in { 'v1', "
		  "'v2' }");
	/* Not sorted, not de-duplicated (§3.5); a namespace selector may start with "!". */
	check_sel(&s, CALICO_SEL_NAMESPACE,
		  "! has(z) && k in { 'v1', 'v2' } && a not in { 'b', 'a', 'b' } && ! has(z)");
}

static void test_calico_selector_quote_in_value(void **state)
{
	static const char *v[] = { "ok", "it's" };
	struct label l[] = { LABEL("a", "o'clock") };
	struct sel_req r[] = { { .key = "k", .op = SEL_IN, .values = v, .nvalues = 2 } };
	struct selector s = { .match_labels = l, .nlabels = 1, .exprs = r, .nexprs = 1 };
	char *got;

	(void)state;
	got = sel_string(&s, CALICO_SEL_POD, -1, 2);
	free(got);
}

static void test_calico_selector_bad_key(void **state)
{
	struct label l[] = { LABEL("a b", "x"), LABEL("ok", "y") };
	struct sel_req r[] = { { .key = "k)", .op = SEL_EXISTS }, { .key = "", .op = SEL_EXISTS } };
	struct selector s = { .match_labels = l, .nlabels = 2, .exprs = r, .nexprs = 2 };
	char *got;

	(void)state;
	got = sel_string(&s, CALICO_SEL_NAMESPACE, -1, 3);
	free(got);
}

static void test_calico_selector_in_without_values(void **state)
{
	struct sel_req r[] = { { .key = "k", .op = SEL_NOT_IN } };
	struct selector s = { .exprs = r, .nexprs = 1 };
	char *got;

	(void)state;
	got = sel_string(&s, CALICO_SEL_POD, -1, 1);
	free(got);
}

/* ---- ports (§5.5) ---- */

#define P(n)                   \
	{                      \
		NULL, (n), (n) \
	}
#define R(a, b)                \
	{                      \
		NULL, (a), (b) \
	}
#define N(s)              \
	{                 \
		(s), 0, 0 \
	}

/* ports_text: "http,80,1:4" for comparison. */
static char *ports_text(const struct calico_port *v, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&sb, ',');
		if (v[i].name)
			strbuf_addstr(&sb, v[i].name);
		else if (v[i].lo == v[i].hi)
			strbuf_addf(&sb, "%u", (unsigned)v[i].lo);
		else
			strbuf_addf(&sb, "%u:%u", (unsigned)v[i].lo, (unsigned)v[i].hi);
	}
	return strbuf_detach(&sb, NULL);
}

static void check_simplify(struct calico_port *v, size_t n, const char *want)
{
	char *got;

	n = calico_simplify_ports(v, n);
	got = ports_text(v, n);
	assert_string_equal(got, want);
	free(got);
}

static void test_calico_ports_vectors(void **state)
{
	struct calico_port a[] = { P(443), P(80), N("http") };
	struct calico_port b[] = { P(80), P(80), P(81) };
	struct calico_port c[] = { P(1), P(2), P(3), P(4), R(80, 81), R(81, 90), P(9090) };
	struct calico_port d[] = { R(81, 90), P(4), P(2),    N("foo"), R(80, 81),
				   P(3),      P(1), P(9090), N("http") };

	(void)state;
	check_simplify(a, 3, "http,80,443");
	check_simplify(b, 3, "80:81");
	check_simplify(c, 7, "1:4,80:90,9090");
	check_simplify(d, 9, "foo,http,1:4,80:90,9090");
}

static void test_calico_ports_unchanged(void **state)
{
	struct calico_port one[] = { R(80, 90) };
	struct calico_port same[] = { R(80, 80) };
	struct calico_port hn[] = { N("http"), P(80) };
	struct calico_port nh[] = { P(80), N("http") };
	struct calico_port hh[] = { N("http"), N("http") };
	struct calico_port h8h[] = { N("http"), R(80, 80), N("dns") };

	(void)state;
	/* At most one entry: as given (a range with equal ends prints as one port). */
	check_simplify(one, 1, "80:90");
	check_simplify(same, 1, "80");
	/* At most one number in total: the original list, order and duplicates kept. */
	check_simplify(hn, 2, "http,80");
	check_simplify(nh, 2, "80,http");
	check_simplify(hh, 2, "http,http");
	check_simplify(h8h, 3, "http,80,dns");
}

static void test_calico_ports_merge(void **state)
{
	struct calico_port dup[] = { P(80), P(80) };
	struct calico_port names[] = { N("http"), P(81), N("http"), P(80) };
	struct calico_port all[] = { P(5), R(0, 65535), P(65535) };
	struct calico_port top[] = { P(65535), P(65534) };
	struct calico_port gap[] = { P(10), P(12), R(20, 30), R(25, 26), R(31, 31) };

	(void)state;
	check_simplify(dup, 2, "80");
	check_simplify(names, 4, "http,http,80:81");
	check_simplify(all, 3, "0:65535");
	check_simplify(top, 2, "65534:65535");
	check_simplify(gap, 5, "10,12,20:31");
}

/* ---- CIDRs (§4) ---- */

static void check_cidr(const char *in, const char *want)
{
	struct prefix p;
	char buf[ADDR_STRLEN];

	assert_int_equal(prefix_parse(in, &p, NULL, NULL), 0);
	assert_string_equal(calico_format_cidr(&p, buf), want);
}

static void test_calico_cidr(void **state)
{
	(void)state;
	check_cidr("10.1.2.3/8", "10.0.0.0/8");
	check_cidr("172.17.0.0/16", "172.17.0.0/16");
	check_cidr("2001:DB8:0:0:1::/64", "2001:db8::/64");
	check_cidr("fd00::1/8", "fd00::/8");
	check_cidr("::/0", "::/0");
	check_cidr("2001:db8:0:1:0:0:0:0/64", "2001:db8:0:1::/64");
	/* Go: IPv4-mapped networks print as IPv4, other embedded forms in hex. */
	check_cidr("::ffff:10.0.0.0/104", "10.0.0.0/8");
	check_cidr("::ffff:0:0/96", "0.0.0.0/0");
	check_cidr("::ffff:10.1.2.3/128", "10.1.2.3/32");
	check_cidr("::ffff:0:0/95", "::fffe:0:0/95");
	check_cidr("::1.2.3.4/128", "::102:304/128");
	check_cidr("64:ff9b::10.0.0.1/128", "64:ff9b::a00:1/128");
}

/* ---- YAML (§11) ---- */

static void check_yaml(const char *in, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(yaml_scalar(&sb, in), 0);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void test_calico_yaml_plain(void **state)
{
	(void)state;
	check_yaml("default", "default");
	check_yaml("knp.default.web", "knp.default.web");
	check_yaml("projectcalico.org/orchestrator == 'k8s' && a in { 'b', 'c' }",
		   "projectcalico.org/orchestrator == 'k8s' && a in { 'b', 'c' }");
	check_yaml("10.0.0.0/8", "10.0.0.0/8");
	check_yaml("2001:db8::/32", "2001:db8::/32");
	check_yaml("1abc == 'x'", "1abc == 'x'");
	check_yaml("x\"; y", "x\"; y");
	check_yaml("back\\slash", "back\\slash");
	check_yaml("yesterday", "yesterday");
	check_yaml(".hidden", ".hidden");
}

static void test_calico_yaml_quoted(void **state)
{
	(void)state;
	check_yaml("", "\"\"");
	check_yaml("! has(x)", "\"! has(x)\"");
	check_yaml("all()", "all()");
	check_yaml("yes", "\"yes\"");
	check_yaml("No", "\"No\"");
	check_yaml("ON", "\"ON\"");
	check_yaml("y", "\"y\"");
	check_yaml("null", "\"null\"");
	check_yaml("~", "\"~\"");
	check_yaml("<<", "\"<<\"");
	check_yaml("1:4", "\"1:4\"");
	check_yaml("1234", "\"1234\"");
	check_yaml("0x1f", "\"0x1f\"");
	check_yaml("1e3", "\"1e3\"");
	check_yaml(".inf", "\".inf\"");
	check_yaml("+1", "\"+1\"");
	check_yaml("-1", "\"-1\"");
	check_yaml("2001-12-14 21:59:43.10 -5", "\"2001-12-14 21:59:43.10 -5\"");
	check_yaml("::/0", "\"::/0\"");
	check_yaml("a: b", "\"a: b\"");
	check_yaml("a #b", "\"a #b\"");
	check_yaml("ends:", "\"ends:\"");
	check_yaml(" lead", "\" lead\"");
	check_yaml("trail ", "\"trail \"");
	check_yaml("#x", "\"#x\"");
	check_yaml("*alias", "\"*alias\"");
	check_yaml("&anchor", "\"&anchor\"");
	check_yaml("%x", "\"%x\"");
	check_yaml("@x", "\"@x\"");
	check_yaml("`x", "\"`x\"");
	check_yaml("|x", "\"|x\"");
	check_yaml(">x", "\">x\"");
	check_yaml("'x", "\"'x\"");
	check_yaml("[x", "\"[x\"");
	check_yaml("{x", "\"{x\"");
	check_yaml("?x", "\"?x\"");
	check_yaml("-x", "\"-x\"");
}

static void test_calico_yaml_escapes(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	check_yaml("a\nkind: x", "\"a\\nkind: x\"");
	check_yaml("t\tr\r", "\"t\\tr\\r\"");
	check_yaml("q\"b\\", "q\"b\\"); /* plain: neither is special inside */
	check_yaml("\"q\\", "\"\\\"q\\\\\"");
	check_yaml("\x01\x7f", "\"\\x01\\x7f\"");
	check_yaml("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	check_yaml("nel\xc2\x85", "\"nel\\u0085\"");
	check_yaml("ls\xe2\x80\xa8ps\xe2\x80\xa9", "\"ls\\u2028ps\\u2029\"");
	check_yaml("\xef\xbb\xbf"
		   "bom",
		   "\"\\ufeffbom\"");
	/* Not UTF-8: refused, nothing appended. */
	strbuf_addstr(&sb, "keep");
	assert_int_equal(yaml_scalar(&sb, "bad\xff"), -1);
	assert_int_equal(yaml_scalar(&sb, "\xc0\xaf"), -1);
	assert_int_equal(yaml_scalar(&sb, "\xed\xa0\x80"), -1);
	assert_string_equal(sb.buf, "keep");
	strbuf_release(&sb);
}

/* ---- a whole policy (§2, §4-§7) ---- */

static char *emit(const struct model *m, const char *prefix, int want_rc, size_t want_errors)
{
	const char *values[] = { prefix };
	struct emit_ctx ctx = { .model = m,
				.cmdline = "policy.yaml",
				.backend = backend_find("calico"),
				.opt_values = values };
	struct emit_out out = { 0 };
	struct diag d;
	char *text;

	diag_init(&d);
	assert_int_equal(calico_emit(&ctx, &out, &d), want_rc);
	assert_int_equal(d.errors, want_errors);
	diag_release(&d);
	text = strbuf_detach(emit_main(&out), NULL);
	emit_out_release(&out);
	return text;
}

static void test_calico_emit_policy(void **state)
{
	struct label role[] = { LABEL("role", "db") };
	struct label front[] = { LABEL("role", "frontend") };
	struct label proj[] = { LABEL("project", "myproject") };
	struct selector pod_db = { .match_labels = role, .nlabels = 1 };
	struct selector pod_front = { .match_labels = front, .nlabels = 1 };
	struct selector ns_proj = { .match_labels = proj, .nlabels = 1 };
	struct selector empty = { 0 };
	struct prefix exc;
	struct ipblock ipb = { 0 };
	struct peer from[3];
	struct port in_ports[] = {
		{ .proto = PROTO_UDP, .has_port = true, .port = 53 },
		{ .proto = PROTO_TCP, .has_port = true, .port = 6379 },
		{ .proto = PROTO_TCP, .has_port = true, .port = 6380, .end_port = 6381 },
	};
	struct port eg_ports[] = { { .proto = PROTO_TCP, .has_port = true, .port = 5978 },
				   { .proto = PROTO_TCP } };
	struct rule in = { .peers = from, .npeers = 3, .ports = in_ports, .nports = 3 };
	struct rule eg[2] = { { .ports = eg_ports, .nports = 2 }, { .action = ACT_ALLOW } };
	struct policy p = { .name = "test-network-policy", .ns = "default", .pod_sel = &pod_db };
	struct policy *pp = &p;
	struct model m = { .policies = &pp, .npolicies = 1 };
	char *got;

	(void)state;
	memset(from, 0, sizeof(from));
	assert_int_equal(prefix_parse("172.17.0.0/16", &ipb.cidr, NULL, NULL), 0);
	assert_int_equal(prefix_parse("172.17.1.0/24", &exc, NULL, NULL), 0);
	ipb.except = &exc;
	ipb.nexcept = 1;
	from[0].ipblock = &ipb;
	from[1].ns_sel = &ns_proj;
	from[1].pod_sel = &empty;
	from[2].pod_sel = &pod_front;
	p.rules[DIR_INGRESS] = &in;
	p.nrules[DIR_INGRESS] = 1;
	p.rules[DIR_EGRESS] = eg;
	p.nrules[DIR_EGRESS] = 2;
	p.types[DIR_INGRESS] = p.types[DIR_EGRESS] = true;

	got = emit(&m, "knp.default.", 0, 0);
	assert_string_equal(got,
			    "# projectcalico.org/v3 NetworkPolicy generated by netpolc from: "
			    "policy.yaml\n"
			    "---\n"
			    "apiVersion: projectcalico.org/v3\n"
			    "kind: NetworkPolicy\n"
			    "metadata:\n"
			    "  name: knp.default.test-network-policy\n"
			    "  namespace: default\n"
			    "spec:\n"
			    "  egress:\n"
			    "  - action: Allow\n"
			    "    protocol: TCP\n"
			    "  - action: Allow\n"
			    "  ingress:\n"
			    "  - action: Allow\n"
			    "    destination:\n"
			    "      ports:\n"
			    "      - \"6379:6381\"\n"
			    "    protocol: TCP\n"
			    "    source:\n"
			    "      nets:\n"
			    "      - 172.17.0.0/16\n"
			    "      notNets:\n"
			    "      - 172.17.1.0/24\n"
			    "  - action: Allow\n"
			    "    destination:\n"
			    "      ports:\n"
			    "      - \"6379:6381\"\n"
			    "    protocol: TCP\n"
			    "    source:\n"
			    "      namespaceSelector: project == 'myproject'\n"
			    "      selector: projectcalico.org/orchestrator == 'k8s'\n"
			    "  - action: Allow\n"
			    "    destination:\n"
			    "      ports:\n"
			    "      - \"6379:6381\"\n"
			    "    protocol: TCP\n"
			    "    source:\n"
			    "      selector: projectcalico.org/orchestrator == 'k8s' && role == "
			    "'frontend'\n"
			    "  - action: Allow\n"
			    "    destination:\n"
			    "      ports:\n"
			    "      - 53\n"
			    "    protocol: UDP\n"
			    "    source:\n"
			    "      nets:\n"
			    "      - 172.17.0.0/16\n"
			    "      notNets:\n"
			    "      - 172.17.1.0/24\n"
			    "  - action: Allow\n"
			    "    destination:\n"
			    "      ports:\n"
			    "      - 53\n"
			    "    protocol: UDP\n"
			    "    source:\n"
			    "      namespaceSelector: project == 'myproject'\n"
			    "      selector: projectcalico.org/orchestrator == 'k8s'\n"
			    "  - action: Allow\n"
			    "    destination:\n"
			    "      ports:\n"
			    "      - 53\n"
			    "    protocol: UDP\n"
			    "    source:\n"
			    "      selector: projectcalico.org/orchestrator == 'k8s' && role == "
			    "'frontend'\n"
			    "  order: 1000\n"
			    "  selector: projectcalico.org/orchestrator == 'k8s' && role == 'db'\n"
			    "  tier: default\n"
			    "  types:\n"
			    "  - Ingress\n"
			    "  - Egress\n");
	free(got);
}

static void test_calico_emit_errors(void **state)
{
	struct ipblock ipb = { 0 };
	struct selector empty = { 0 };
	struct peer to[] = { { .ipblock = &ipb }, { .ipblock = &ipb, .pod_sel = &empty } };
	struct port ports[] = {
		{ .proto = PROTO_TCP, .has_port = true, .name = "http", .end_port = 90 }
	};
	struct rule eg = { .peers = to, .npeers = 2, .ports = ports, .nports = 1 };
	struct rule deny = { .action = ACT_DENY };
	struct policy p = { .name = "x", .ns = "default", .pod_sel = &empty };
	struct policy *pp = &p;
	struct model m = { .policies = &pp, .npolicies = 1 };
	char *got;

	(void)state;
	assert_int_equal(prefix_parse("10.0.0.0/8", &ipb.cidr, NULL, NULL), 0);
	p.rules[DIR_EGRESS] = &eg;
	p.nrules[DIR_EGRESS] = 1;
	p.rules[DIR_INGRESS] = &deny;
	p.nrules[DIR_INGRESS] = 1;
	/*
	 * ipBlock with selector (peer 1), named port with endPort, a Deny
	 * rule: 3 errors (IPv4-mapped prefixes never reach a backend:
	 * E-ipblock-007).
	 */
	got = emit(&m, NULL, -1, 3);
	free(got);
}

static void test_calico_emit_types_default(void **state)
{
	struct selector empty = { 0 };
	struct policy p = { .name = "yes", .ns = "on", .pod_sel = &empty };
	struct policy *pp = &p;
	struct model m = { .policies = &pp, .npolicies = 1 };
	char *got;

	(void)state;
	/* No type at all: [Ingress] (§7); names YAML would misread stay quoted. */
	got = emit(&m, NULL, 0, 0);
	assert_string_equal(got, "# projectcalico.org/v3 NetworkPolicy generated by netpolc from: "
				 "policy.yaml\n"
				 "---\n"
				 "apiVersion: projectcalico.org/v3\n"
				 "kind: NetworkPolicy\n"
				 "metadata:\n"
				 "  name: \"yes\"\n"
				 "  namespace: \"on\"\n"
				 "spec:\n"
				 "  order: 1000\n"
				 "  selector: projectcalico.org/orchestrator == 'k8s'\n"
				 "  tier: default\n"
				 "  types:\n"
				 "  - Ingress\n");
	free(got);
	p.types[DIR_EGRESS] = true;
	got = emit(&m, NULL, 0, 0);
	assert_non_null(strstr(got, "  types:\n  - Egress\n"));
	assert_null(strstr(got, "Ingress"));
	free(got);
}

static void test_calico_emit_bad_names(void **state)
{
	struct selector empty = { 0 };
	struct policy p = { .name = "web", .ns = "default", .pod_sel = &empty };
	struct policy q = { .name = "x", .ns = "default", .pod_sel = &empty, .kind = "Other" };
	struct policy *pp[] = { &p, &q };
	struct model m = { .policies = pp, .npolicies = 2 };
	char *got;

	(void)state;
	/* Calico names are DNS subdomains: a prefix may break that, per policy (+1: kind). */
	got = emit(&m, "Bad_", -1, 3);
	free(got);
	got = emit(&m, "a..", -1, 3);
	free(got);
	got = emit(&m, "-a.", -1, 3);
	free(got);
	/* Only the kind that is not a NetworkPolicy. */
	got = emit(&m, "knp.default.", -1, 1);
	assert_non_null(strstr(got, "  name: knp.default.web\n"));
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calico_selector_absent),
		cmocka_unit_test(test_calico_selector_empty),
		cmocka_unit_test(test_calico_selector_labels_sorted),
		cmocka_unit_test(test_calico_selector_namespace_labels),
		cmocka_unit_test(test_calico_selector_empty_value),
		cmocka_unit_test(test_calico_selector_every_operator),
		cmocka_unit_test(test_calico_selector_exprs_input_order),
		cmocka_unit_test(test_calico_selector_quote_in_value),
		cmocka_unit_test(test_calico_selector_bad_key),
		cmocka_unit_test(test_calico_selector_in_without_values),
		cmocka_unit_test(test_calico_ports_vectors),
		cmocka_unit_test(test_calico_ports_unchanged),
		cmocka_unit_test(test_calico_ports_merge),
		cmocka_unit_test(test_calico_cidr),
		cmocka_unit_test(test_calico_yaml_plain),
		cmocka_unit_test(test_calico_yaml_quoted),
		cmocka_unit_test(test_calico_yaml_escapes),
		cmocka_unit_test(test_calico_emit_policy),
		cmocka_unit_test(test_calico_emit_errors),
		cmocka_unit_test(test_calico_emit_types_default),
		cmocka_unit_test(test_calico_emit_bad_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
