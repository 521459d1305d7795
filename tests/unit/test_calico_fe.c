/*
 * test_calico_fe.c - the Calico frontend: the selector parser
 * (frontend/calico_sel.c) and the lowering of projectcalico.org/v3 objects
 * into the model (frontend/calico.c), checked on the model, on the exact
 * diagnostics and on verdicts (tiers, order, pass, deny, host endpoints).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frontend/calico.h"
#include "frontend/frontend.h"
#include "ir/model.h"
#include "ir/selexpr.h"
#include "lib/strbuf.h"
#include "tests/unit/testlib.h"

/* ---- fixture --------------------------------------------------------- */

/* load: text as test.yaml through frontend_load_buffer and model_finalize; 0 or -1. */
static int load(struct tl_fx *f, const char *text)
{
	int rc = frontend_load_buffer(&f->a, &f->d, &f->o, "test.yaml", text, strlen(text), &f->m);
	if (model_finalize(&f->m, &f->d))
		rc = -1;
	return diag_has_errors(&f->d) ? -1 : rc;
}

static void load_ok(struct tl_fx *f, const char *text)
{
	int rc = load(f, text);
	if (rc || f->d.errors)
		fprintf(stderr, "%s", tl_fx_diags(f));
	assert_int_equal(rc, 0);
}

/* load_err: text must fail, and the diagnostics must contain want. */
static void load_err(struct tl_fx *f, const char *text, const char *want)
{
	const char *got;
	assert_int_equal(load(f, text), -1);
	got = tl_fx_diags(f);
	if (getenv("CALICO_SHOW"))
		fprintf(stderr, "%s", got);
	if (!strstr(got, want))
		fprintf(stderr, "want: %s\ngot:  %s", want, got);
	assert_non_null(strstr(got, want));
}

/* ---- selector parser ------------------------------------------------- */

static void fmt_str(struct strbuf *sb, const char *s)
{
	strbuf_addf(sb, "'%s'", s);
}

/* fmt: a tree as text with every operator node parenthesised and chains flattened. */
static void fmt(struct strbuf *sb, const struct sel_expr *e)
{
	static const char *const ops[] = {
		[SX_EQ] = "==",
		[SX_NE] = "!=",
		[SX_CONTAINS] = "contains",
		[SX_STARTS] = "starts with",
		[SX_ENDS] = "ends with",
		[SX_IN] = "in",
		[SX_NOT_IN] = "not in",
	};
	switch (e->op) {
	case SX_ALL:
		strbuf_addstr(sb, "all()");
		break;
	case SX_GLOBAL:
		strbuf_addstr(sb, "global()");
		break;
	case SX_HAS:
		strbuf_addf(sb, "has(%s)", e->key);
		break;
	case SX_NOT:
		strbuf_addstr(sb, "!");
		fmt(sb, e->a);
		break;
	case SX_AND:
	case SX_OR: {
		/* flatten the balanced chain */
		const struct sel_expr *stack[64];
		size_t n = 0, k = 0;
		stack[n++] = e;
		strbuf_addch(sb, '(');
		while (n) {
			const struct sel_expr *x = stack[--n];
			if (x->op == e->op) {
				stack[n++] = x->b;
				stack[n++] = x->a;
				continue;
			}
			if (k++)
				strbuf_addstr(sb, e->op == SX_AND ? " && " : " || ");
			fmt(sb, x);
		}
		strbuf_addch(sb, ')');
		break;
	}
	case SX_IN:
	case SX_NOT_IN:
		strbuf_addf(sb, "%s %s {", e->key, ops[e->op]);
		for (size_t i = 0; i < e->nvalues; i++) {
			strbuf_addstr(sb, i ? ", " : "");
			fmt_str(sb, e->values[i]);
		}
		strbuf_addch(sb, '}');
		break;
	default:
		strbuf_addf(sb, "%s %s ", e->key, ops[e->op]);
		fmt_str(sb, e->value);
		break;
	}
}

/*
 * parse: text as the value of "sel: " on line 1 of file sel.yaml (plain
 * when it does not start with a quote), so that columns can be checked.
 * Returns the formatted tree, or the diagnostics when parsing failed.
 */
static const char *parse(struct tl_fx *f, const char *text)
{
	char *src = arena_printf(&f->a, "sel: %s\n", text);
	const char *file = diag_source(&f->d, "sel.yaml", src, strlen(src));
	struct loc loc = { .file = file, .line = 1, .col = 6 };
	const char *body = text;
	size_t len = strlen(text);
	const struct sel_expr *e;
	struct strbuf sb = STRBUF_INIT;
	const char *res;

	if (text[0] == '\'' || text[0] == '"') {
		body++;
		len -= 2;
	}
	e = calico_sel_parse(&f->a, &f->d, &loc, body, len);
	if (!e) {
		assert_true(diag_has_errors(&f->d));
		return tl_fx_diags(f);
	}
	fmt(&sb, e);
	res = arena_strdup(&f->a, sb.buf);
	strbuf_release(&sb);
	return res;
}

static void test_sel_operators(void **state)
{
	struct tl_fx *f = *state;
	assert_string_equal(parse(f, "all()"), "all()");
	assert_string_equal(parse(f, "global( )"), "global()");
	assert_string_equal(parse(f, "has(app)"), "has(app)");
	assert_string_equal(parse(f, "has( a.b/c-d_e )"), "has(a.b/c-d_e)");
	assert_string_equal(parse(f, "k == 'v'"), "k == 'v'");
	assert_string_equal(parse(f, "k==\"v w\""), "k == 'v w'");
	assert_string_equal(parse(f, "k != 'v'"), "k != 'v'");
	assert_string_equal(parse(f, "k in {'a', \"b\"}"), "k in {'a', 'b'}");
	assert_string_equal(parse(f, "k not in {'a'}"), "k not in {'a'}");
	assert_string_equal(parse(f, "k notin {'a'}"), "k not in {'a'}");
	assert_string_equal(parse(f, "k in {}"), "k in {}");
	assert_string_equal(parse(f, "k in {'a',}"), "k in {'a'}");
	assert_string_equal(parse(f, "k contains 'x'"), "k contains 'x'");
	assert_string_equal(parse(f, "k starts with 'x'"), "k starts with 'x'");
	assert_string_equal(parse(f, "k startswith 'x'"), "k starts with 'x'");
	assert_string_equal(parse(f, "k ends with 'x'"), "k ends with 'x'");
	assert_string_equal(parse(f, "!has(a)"), "!has(a)");
	assert_string_equal(parse(f, "!!has(a)"), "has(a)");
	assert_string_equal(parse(f, "! ! ! has(a)"), "!has(a)");
	assert_string_equal(parse(f, ""), "all()");
	assert_string_equal(parse(f, "' \t '"), "all()");
	/* a quote inside the other kind of quotes, and an operator word as a value */
	assert_string_equal(parse(f, "k == \"it's\""), "k == 'it's'");
	/* "in" is a label name where no label comes before it */
	assert_string_equal(parse(f, "in == 'x'"), "in == 'x'");
}

static void test_sel_precedence(void **state)
{
	struct tl_fx *f = *state;
	assert_string_equal(parse(f, "a == 'x' || b == 'y' && !c == 'z'"),
			    "(a == 'x' || (b == 'y' && !c == 'z'))");
	assert_string_equal(parse(f, "a == 'x' && b == 'y' || c == 'z'"),
			    "((a == 'x' && b == 'y') || c == 'z')");
	assert_string_equal(parse(f, "(a == 'x' || b == 'y') && c == 'z'"),
			    "((a == 'x' || b == 'y') && c == 'z')");
	assert_string_equal(parse(f, "!(has(a) || has(b)) && has(c)"),
			    "(!(has(a) || has(b)) && has(c))");
	assert_string_equal(parse(f, "has(a) && has(b) && has(c) && has(d)"),
			    "(has(a) && has(b) && has(c) && has(d))");
	assert_string_equal(parse(f, "((((has(a)))))"), "has(a)");
}

static void test_sel_semantics(void **state)
{
	struct tl_fx *f = *state;
	struct label lv[] = { { "app", "web", { 0 } }, { "tier", "front-end", { 0 } } };
	struct labelset ls = { lv, 2 };
	struct loc loc = { .file = "x", .line = 0, .col = 0 };
	struct {
		const char *sel;
		bool pod, host;
	} cases[] = {
		{ "app == 'web'", true, true },
		{ "app != 'db'", true, true },
		{ "missing != 'x'", true, true },
		{ "missing not in {'x'}", true, true },
		{ "missing contains ''", false, false },
		{ "tier starts with 'front'", true, true },
		{ "tier ends with 'end'", true, true },
		{ "tier contains 't-e'", true, true },
		{ "app in {'db', 'web'}", true, true },
		{ "app in {}", false, false },
		{ "app not in {}", true, true },
		{ "projectcalico.org/orchestrator == 'k8s'", true, false },
		{ "projectcalico.org/namespace == 'prod'", true, false },
		{ "has(app) && !has(tier)", false, false },
		{ "has(nope) || app == 'web'", true, true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sel_expr *e =
			calico_sel_parse(&f->a, &f->d, &loc, cases[i].sel, strlen(cases[i].sel));
		assert_non_null(e);
		if (selexpr_match(e, &ls, "prod", SELX_POD) != cases[i].pod ||
		    selexpr_match(e, &ls, "", SELX_HOST) != cases[i].host)
			fail_msg("selector %s", cases[i].sel);
	}
}

static void test_sel_errors(void **state)
{
	struct tl_fx *f = *state;
	/* "sel: " is 5 columns: the text starts at column 6 (7 when quoted) */
	assert_string_equal(parse(f, "a == 'x' && b = 'y'"),
			    "sel.yaml:1:20: error: selector: expected '==' (a single '=' is not an "
			    "operator)\n");
	assert_string_equal(parse(f, "\"a == 'x' & b == 'y'\""),
			    "sel.yaml:1:16: error: selector: expected '&&'\n");
	assert_string_equal(parse(f, "a == 'x' | b == 'y'"),
			    "sel.yaml:1:15: error: selector: expected '||'\n");
	assert_string_equal(parse(f, "a == 'x"),
			    "sel.yaml:1:11: error: selector: unterminated string: no closing '\n");
	assert_string_equal(parse(f, "app is 'x'"),
			    "sel.yaml:1:10: error: selector: expected an operator after label "
			    "'app' (==, !=, in, not in, contains, starts with or ends with)\n");
	assert_string_equal(parse(f, "app == x"),
			    "sel.yaml:1:13: error: selector: expected a quoted string after '==', "
			    "found label 'x'\n");
	assert_string_equal(
		parse(f, "app"),
		"sel.yaml:1:9: error: selector: expected an operator after label 'app' "
		"(==, !=, in, not in, contains, starts with or ends with), found the end "
		"of the selector\n");
	assert_string_equal(parse(f, "app in 'x'"),
			    "sel.yaml:1:13: error: selector: expected '{' after 'in', found string "
			    "'x'\n");
	assert_string_equal(
		parse(f, "app in {'x' 'y'}"),
		"sel.yaml:1:18: error: selector: expected '}' or ',' and a quoted string, "
		"found string 'y'\n");
	assert_string_equal(
		parse(f, "app in {,}"),
		"sel.yaml:1:14: error: selector: expected '}' or a quoted string, found "
		"','\n");
	assert_string_equal(
		parse(f, "(has(a) || has(b)"),
		"sel.yaml:1:23: error: selector: expected ')' to close the '(' at column "
		"6, found the end of the selector\n");
	assert_string_equal(parse(f, "has(a))"),
			    "sel.yaml:1:12: error: selector: ')' without a matching '('\n");
	assert_string_equal(
		parse(f, "has(a) has(b)"),
		"sel.yaml:1:13: error: selector: expected '&&' or '||' before 'has()'\n");
	assert_string_equal(parse(f, "has(a"),
			    "sel.yaml:1:6: error: selector: no closing ')' after has(\n");
	assert_string_equal(
		parse(f, "has()"),
		"sel.yaml:1:10: error: selector: expected a label name in has(), found "
		"')' (a label name is made of letters, digits, '_', '.', '/' and '-')\n");
	assert_string_equal(parse(f, "all(x)"),
			    "sel.yaml:1:10: error: selector: no closing ')' after all(\n");
	assert_string_equal(parse(f, "a == 'x' && && b == 'y'"),
			    "sel.yaml:1:18: error: selector: expected a label, has(), all(), "
			    "global(), '!' or '(', found '&&'\n");
	assert_string_equal(parse(f, "é == 'x'"),
			    "sel.yaml:1:6: error: selector: expected a label name, has(), all(), "
			    "global(), '!' or '(', found 'é' (a label name is made of letters, "
			    "digits, '_', '.', '/' and '-')\n");
	/* columns count characters, not bytes */
	assert_string_equal(parse(f, "a == 'é' && b = 'y'"),
			    "sel.yaml:1:20: error: selector: expected '==' (a single '=' is not an "
			    "operator)\n");
	assert_string_equal(parse(f, "'a == \"x\" &&'"),
			    "sel.yaml:1:18: error: selector: expected a label, has(), all(), "
			    "global(), '!' or '(', found the end of the selector\n");
}

static void test_sel_caps(void **state)
{
	struct tl_fx *f = *state;
	struct strbuf sb = STRBUF_INIT;
	struct loc loc = { .file = "x", .line = 0, .col = 0 };
	const struct sel_expr *e;
	struct label lv[] = { { "k0", "v", { 0 } } };
	struct labelset ls = { lv, 1 };
	unsigned depth = 0;

	/* nesting deeper than the cap */
	for (int i = 0; i < CALICO_SEL_MAX_DEPTH + 1; i++)
		strbuf_addch(&sb, '(');
	strbuf_addstr(&sb, "has(a)");
	for (int i = 0; i < CALICO_SEL_MAX_DEPTH + 1; i++)
		strbuf_addch(&sb, ')');
	assert_null(calico_sel_parse(&f->a, &f->d, &loc, sb.buf, sb.len));
	assert_non_null(strstr(tl_fx_diags(f), "parentheses nested more than 64 deep"));
	/* at the cap it parses */
	strbuf_reset(&sb);
	for (int i = 0; i < CALICO_SEL_MAX_DEPTH; i++)
		strbuf_addch(&sb, '(');
	strbuf_addstr(&sb, "has(a)");
	for (int i = 0; i < CALICO_SEL_MAX_DEPTH; i++)
		strbuf_addch(&sb, ')');
	assert_non_null(calico_sel_parse(&f->a, &f->d, &loc, sb.buf, sb.len));

	/* a long chain becomes a shallow tree */
	strbuf_reset(&sb);
	for (int i = 0; i < 4000; i++)
		strbuf_addf(&sb, "%sk%d != 'x'", i ? " && " : "", i);
	e = calico_sel_parse(&f->a, &f->d, &loc, sb.buf, sb.len);
	assert_non_null(e);
	for (const struct sel_expr *x = e; x->op == SX_AND; x = x->a)
		depth++;
	assert_true(depth <= 13);
	assert_true(selexpr_match(e, &ls, "ns", SELX_POD));

	/* too long */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "k == '");
	while (sb.len <= CALICO_SEL_MAX_LEN)
		strbuf_addstr(&sb, "xxxxxxxxxxxxxxxx");
	strbuf_addch(&sb, '\'');
	assert_null(calico_sel_parse(&f->a, &f->d, &loc, sb.buf, sb.len));
	assert_non_null(strstr(tl_fx_diags(f), "selector: longer than 65536 bytes"));

	/* a label name longer than Calico's limit */
	strbuf_reset(&sb);
	for (int i = 0; i < CALICO_LABEL_MAX + 1; i++)
		strbuf_addch(&sb, 'k');
	strbuf_addstr(&sb, " == 'v'");
	assert_null(calico_sel_parse(&f->a, &f->d, &loc, sb.buf, sb.len));
	assert_non_null(strstr(tl_fx_diags(f), "label name is longer than 512 characters"));
	/* NUL bytes are not part of any token */
	assert_null(calico_sel_parse(&f->a, &f->d, &loc, "k == 'v' \0", 10));
	strbuf_release(&sb);
}

/* ---- lowering -------------------------------------------------------- */

#define CAL "apiVersion: projectcalico.org/v3\n"

static const struct policy *policy(struct tl_fx *f, const char *ns, const char *name)
{
	const struct policy *p = model_policy(&f->m, ns, name);
	assert_non_null(p);
	return p;
}

static void test_lower_network_policy(void **state)
{
	struct tl_fx *f = *state;
	const struct policy *p;
	const struct rule *r;

	load_ok(f, CAL "kind: NetworkPolicy\n"
		       "metadata: {name: p, namespace: prod}\n"
		       "spec:\n"
		       "  order: 12.5\n"
		       "  selector: app == 'web'\n"
		       "  ingress:\n"
		       "  - action: Deny\n"
		       "    protocol: 6\n"
		       "    source: {selector: role == 'x'}\n"
		       "    destination: {ports: [80, \"8000:8100\", http]}\n"
		       "  - action: Pass\n"
		       "    protocol: UDP\n"
		       "    destination: {notPorts: [53, \"5000:5010\"]}\n"
		       "  - action: Allow\n");
	p = policy(f, "prod", "p");
	assert_true(f->m.has_tiers);
	assert_string_equal(p->kind, "NetworkPolicy");
	assert_string_equal(p->tier, "default");
	assert_true(p->tier_order == DEFAULT_TIER_ORDER);
	assert_int_equal(p->tier_default, ACT_DENY);
	assert_true(p->has_order);
	assert_true(p->order == 12.5);
	assert_false(p->global);
	assert_non_null(p->pod_sel->expr);
	assert_int_equal(p->pod_sel->expr->op, SX_EQ);
	/* types defaulted from the rules: ingress only */
	assert_true(p->types[DIR_INGRESS]);
	assert_false(p->types[DIR_EGRESS]);
	assert_false(p->types_explicit);
	assert_int_equal(p->nrules[DIR_INGRESS], 3);
	r = &p->rules[DIR_INGRESS][0];
	assert_int_equal(r->action, ACT_DENY);
	assert_int_equal(r->npeers, 1);
	assert_non_null(r->peers[0].pod_sel->expr);
	assert_null(r->peers[0].ns_sel);
	assert_false(r->peers[0].global_scope);
	assert_int_equal(r->nports, 3);
	assert_int_equal(r->ports[0].proto, PROTO_TCP);
	assert_int_equal(r->ports[0].port, 80);
	assert_int_equal(r->ports[0].end_port, 0);
	assert_int_equal(r->ports[1].port, 8000);
	assert_int_equal(r->ports[1].end_port, 8100);
	assert_string_equal(r->ports[2].name, "http");
	assert_int_equal(r->nnot_ports, 0);
	r = &p->rules[DIR_INGRESS][1];
	assert_int_equal(r->action, ACT_PASS);
	assert_int_equal(r->npeers, 0);
	assert_int_equal(r->nports, 1);
	assert_int_equal(r->ports[0].proto, PROTO_UDP);
	assert_false(r->ports[0].has_port);
	assert_int_equal(r->nnot_ports, 2);
	assert_int_equal(r->not_ports[1].port, 5000);
	assert_int_equal(r->not_ports[1].end_port, 5010);
	assert_int_equal(r->not_ports[1].proto, PROTO_UDP);
	r = &p->rules[DIR_INGRESS][2];
	assert_int_equal(r->action, ACT_ALLOW);
	assert_int_equal(r->npeers, 0);
	assert_int_equal(r->nports, 0);
}

static void test_lower_types_default(void **state)
{
	struct tl_fx *f = *state;
	load_ok(f, CAL "kind: NetworkPolicy\nmetadata: {name: e, namespace: ns}\n"
		       "spec: {egress: [{action: Allow}]}\n"
		       "---\n" CAL "kind: NetworkPolicy\nmetadata: {name: b, namespace: ns}\n"
		       "spec: {egress: [{action: Log}], ingress: [{action: Allow}]}\n"
		       "---\n" CAL "kind: NetworkPolicy\nmetadata: {name: none, namespace: ns}\n"
		       "spec: {types: []}\n"
		       "---\n" CAL "kind: NetworkPolicy\nmetadata: {name: x, namespace: ns}\n"
		       "spec: {types: [Egress], ingress: [{action: Allow}]}\n");
	assert_false(policy(f, "ns", "e")->types[DIR_INGRESS]);
	assert_true(policy(f, "ns", "e")->types[DIR_EGRESS]);
	/* the Log rule counts for the defaulting, and is then left out */
	assert_true(policy(f, "ns", "b")->types[DIR_INGRESS]);
	assert_true(policy(f, "ns", "b")->types[DIR_EGRESS]);
	assert_int_equal(policy(f, "ns", "b")->nrules[DIR_EGRESS], 0);
	assert_true(policy(f, "ns", "none")->types[DIR_INGRESS]);
	assert_false(policy(f, "ns", "none")->types[DIR_EGRESS]);
	assert_false(policy(f, "ns", "x")->types[DIR_INGRESS]);
	assert_true(policy(f, "ns", "x")->types[DIR_EGRESS]);
	assert_true(policy(f, "ns", "x")->types_explicit);
	assert_string_equal(tl_fx_diags(f),
			    "test.yaml:9:26: warning: Log rule left out: it only logs and "
			    "never decides a verdict [-Wlog-rule]\n");
}

static void test_lower_global_and_tiers(void **state)
{
	struct tl_fx *f = *state;
	const struct policy *p;

	load_ok(f, CAL "kind: Tier\nmetadata: {name: security}\n"
		       "spec: {order: 100, defaultAction: Pass}\n"
		       "---\n" CAL "kind: Tier\nmetadata: {name: late}\n"
		       "---\n" CAL "kind: GlobalNetworkPolicy\n"
		       "metadata: {name: security.g}\n"
		       "spec:\n"
		       "  tier: security\n"
		       "  namespaceSelector: has(projectcalico.org/name) && env != 'dev'\n"
		       "  egress:\n"
		       "  - action: Allow\n"
		       "    destination: {selector: app == 'db'}\n"
		       "---\n" CAL "kind: GlobalNetworkPolicy\n"
		       "metadata: {name: l}\n"
		       "spec: {tier: late, selector: all()}\n");
	p = policy(f, "", "security.g");
	assert_true(p->global);
	assert_string_equal(p->kind, "GlobalNetworkPolicy");
	assert_string_equal(p->tier, "security");
	assert_true(p->tier_order == 100.0);
	assert_int_equal(p->tier_default, ACT_PASS);
	assert_false(p->has_order);
	assert_non_null(p->global_ns_sel);
	assert_false(p->types[DIR_INGRESS]);
	assert_true(p->types[DIR_EGRESS]);
	assert_true(p->rules[DIR_EGRESS][0].peers[0].global_scope);
	p = policy(f, "", "l");
	assert_true(p->tier_order > 1e300);
	assert_int_equal(p->tier_default, ACT_DENY);
	assert_null(p->global_ns_sel);
	assert_int_equal(f->m.ntiers, 2);
}

static void test_lower_peers(void **state)
{
	struct tl_fx *f = *state;
	const struct rule *r;

	load_ok(f, CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		       "spec:\n"
		       "  ingress:\n"
		       "  - action: Allow\n"
		       "    source: {notSelector: app == 'x'}\n"
		       "  - action: Allow\n"
		       "    source: {namespaceSelector: global(), selector: role == 'node'}\n"
		       "  - action: Allow\n"
		       "    source: {namespaceSelector: team != 'a', nets: [10.0.0.0/8], notNets: "
		       "[10.1.0.0/16]}\n"
		       "  - action: Allow\n"
		       "    ipVersion: 6\n"
		       "  - action: Allow\n"
		       "    source: {namespaceSelector: all()}\n");
	r = policy(f, "ns", "p")->rules[DIR_INGRESS];
	/* notSelector alone: this namespace's endpoints except those */
	assert_int_equal(r[0].npeers, 1);
	assert_non_null(r[0].peers[0].pod_sel);
	assert_null(r[0].peers[0].pod_sel->expr);
	assert_non_null(r[0].peers[0].not_pod_sel);
	assert_false(r[0].peers[0].global_scope);
	/* global(): host endpoints matching the selector */
	assert_int_equal(r[1].npeers, 1);
	assert_true(r[1].peers[0].global_scope);
	assert_null(r[1].peers[0].ns_sel);
	assert_int_equal(r[1].peers[0].pod_sel->expr->op, SX_AND);
	assert_int_equal(r[1].peers[0].pod_sel->expr->a->op, SX_GLOBAL);
	/* a namespace selector true without labels: namespaces, and host endpoints */
	assert_int_equal(r[2].npeers, 2);
	assert_non_null(r[2].peers[0].ns_sel);
	assert_null(r[2].peers[0].pod_sel);
	assert_int_equal(r[2].peers[0].nnets, 1);
	assert_int_equal(r[2].peers[0].nnot_nets, 1);
	assert_true(r[2].peers[1].global_scope);
	assert_int_equal(r[2].peers[1].pod_sel->expr->op, SX_GLOBAL);
	assert_int_equal(r[2].peers[1].nnets, 1);
	/* ipVersion: a peer restricted to the family */
	assert_int_equal(r[3].npeers, 1);
	assert_int_equal(r[3].peers[0].nnets, 1);
	assert_int_equal(r[3].peers[0].nets[0].a.family, AF6);
	assert_int_equal(r[3].peers[0].nets[0].len, 0);
	/* all(): every namespace, no host endpoints */
	assert_int_equal(r[4].npeers, 1);
	assert_non_null(r[4].peers[0].ns_sel);
}

static void test_lower_host_endpoint(void **state)
{
	struct tl_fx *f = *state;
	const struct pod *p;

	load_ok(f, CAL "kind: HostEndpoint\n"
		       "metadata: {name: node1.eth0, labels: {role: node}}\n"
		       "spec:\n"
		       "  node: node1\n"
		       "  interfaceName: eth0\n"
		       "  expectedIPs: [192.168.0.1, \"fd00::1\", 192.168.0.2]\n"
		       "  profiles: [projectcalico-default-allow]\n"
		       "  ports: [{name: ssh, protocol: TCP, port: 22}]\n");
	p = model_pod(&f->m, "", "node1.eth0");
	assert_non_null(p);
	assert_true(p->host_endpoint);
	assert_string_equal(p->node_name, "node1");
	assert_int_equal(p->nips, 3);
	assert_string_equal(labelset_get(&p->labels, "role"), "node");
	assert_int_equal(p->nports, 1);
	assert_string_equal(p->ports[0].name, "ssh");
	assert_int_equal(p->ports[0].port, 22);
	assert_non_null(model_namespace(&f->m, ""));
}

static void test_lower_lists(void **state)
{
	struct tl_fx *f = *state;
	load_ok(f,
		CAL "kind: NetworkPolicyList\n"
		    "items:\n"
		    "- metadata: {name: a, namespace: ns}\n"
		    "- {apiVersion: projectcalico.org/v3, kind: NetworkPolicy, metadata: {name: b, "
		    "namespace: ns}}\n"
		    "---\n"
		    "apiVersion: v1\nkind: List\nitems:\n"
		    "- {apiVersion: v1, kind: Namespace, metadata: {name: ns}}\n"
		    "- {"
		    "apiVersion: projectcalico.org/v3, kind: GlobalNetworkPolicy, metadata: "
		    "{name: g}}\n"
		    "- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: k, "
		    "namespace: ns}, spec: {podSelector: {}}}\n");
	assert_int_equal(f->m.npolicies, 4);
	assert_null(policy(f, "ns", "k")->tier);
	assert_string_equal(policy(f, "ns", "a")->tier, "default");
	assert_true(policy(f, "", "g")->global);
	assert_false(model_namespace(&f->m, "ns")->implicit);
}

/* Each input must fail with a message containing the given text, at the given place. */
static void test_lower_errors(void **state)
{
	struct tl_fx *f = *state;
	static const struct {
		const char *yaml, *want;
	} cases[] = {
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {ingress: [{action: Allow, protocol: ICMP}]}\n",
		  "test.yaml:4:44: error: protocol ICMP is not supported" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {ingress: [{action: Allow, protocol: 1}]}\n",
		  "test.yaml:4:44: error: protocol 1 is not supported" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {ingress: [{action: Allow, protocol: tcp}]}\n",
		  "test.yaml:4:44: error: invalid protocol 'tcp': Calico's protocol names are "
		  "case-sensitive; write TCP" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {ingress: [{action: Allow, notProtocol: TCP}]}\n",
		  "test.yaml:4:34: error: notProtocol is not supported" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {ingress: [{action: Allow, protocol: TCP, http: {methods: [GET]}}]}\n",
		  "test.yaml:4:49: error: http is not supported" },
		{ CAL
		  "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		  "spec: {ingress: [{action: Allow, source: {serviceAccounts: {names: [a]}}}]}\n",
		  "test.yaml:4:43: error: source.serviceAccounts is not supported" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {egress: [{action: Allow, destination: {services: {name: s}}}]}\n",
		  "test.yaml:4:47: error: destination.services is not supported" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {ingress: [{action: Allow, protocol: TCP, source: {ports: [80]}}]}\n",
		  "test.yaml:4:58: error: source.ports is not supported: netpolc matches "
		  "destination "
		  "ports only" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {ingress: [{action: Allow, destination: {selector: a == 'b'}}]}\n",
		  "test.yaml:4:48: error: destination.selector in an ingress rule restricts the "
		  "policy's own endpoints" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {egress: [{action: Allow, source: {nets: [10.0.0.0/8]}}]}\n",
		  "test.yaml:4:42: error: source.nets in an egress rule restricts the policy's own "
		  "endpoints" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {ingress: [{action: Allow, protocol: TCP, destination: {notPorts: "
		      "[http]}}]}\n",
		  "test.yaml:4:74: error: named port 'http' in notPorts is not supported" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {ingress: [{action: Allow, destination: {ports: [80]}}]}\n",
		  "test.yaml:4:55: error: destination.ports without a protocol" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {ingress: [{action: Allow, protocol: TCP, destination: {ports: "
		      "[\"90:80\"]}}]}\n",
		  "test.yaml:4:71: error: port range '90:80' is invalid" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {ingress: [{action: Allow, protocol: TCP, destination: {ports: "
		      "[0]}}]}\n",
		  "test.yaml:4:71: error: port 0 is invalid: must be 1-65535" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {ingress: [{action: allow}]}\n",
		  "test.yaml:4:27: error: unknown action 'allow'; did you mean 'Allow'?" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {ingress: [{}]}\n",
		  "test.yaml:4:18: error: rule has no 'action'" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {selecter: all()}\n",
		  "test.yaml:4:8: error: unknown field 'selecter' in NetworkPolicy spec; did you "
		  "mean 'selector'?" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {selector: global()}\n",
		  "test.yaml:4:18: error: selector: global() can only be used in a rule's "
		  "namespaceSelector" },
		{ CAL
		  "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		  "spec: {ingress: [{action: Allow, source: {namespaceSelector: '!global()'}}]}\n",
		  "test.yaml:4:62: error: namespaceSelector: global() cannot be combined with "
		  "other "
		  "selectors" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {selector: pcns.team == 'a'}\n",
		  "test.yaml:4:18: error: selector: label 'pcns.team' is one Calico derives" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {selector: \"app == 'x' &&\"}\n",
		  "test.yaml:4:32: error: selector: expected a label" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {serviceAccountSelector: a == 'b'}\n",
		  "test.yaml:4:8: error: serviceAccountSelector is not supported" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		      "spec: {tier: nope}\n",
		  "test.yaml:4:14: error: tier 'nope' is not declared" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: a.b.c, namespace: ns}\n",
		  "test.yaml:3:18: error: invalid NetworkPolicy name 'a.b.c'" },
		{ CAL "kind: NetworkPolicy\nmetadata: {name: p}\n",
		  "test.yaml:3:18: error: NetworkPolicy 'p' has no metadata.namespace" },
		{ CAL "kind: GlobalNetworkPolicy\nmetadata: {name: g}\n"
		      "spec: {doNotTrack: true, applyOnForward: true}\n",
		  "test.yaml:4:20: error: doNotTrack is not supported" },
		{ CAL "kind: GlobalNetworkPolicy\nmetadata: {name: g}\n"
		      "spec: {namespaceSelector: team != 'a'}\n",
		  "test.yaml:4:27: error: this namespaceSelector is also true for host endpoints" },
		{ CAL "kind: GlobalNetworkPolicy\nmetadata: {name: g, namespace: ns}\n",
		  "test.yaml:3:32: error: a GlobalNetworkPolicy is cluster-wide: it has no "
		  "metadata.namespace" },
		{ CAL "kind: GlobalNetworkPolicy\nmetadata: {name: g}\n"
		      "spec: {ingress: [{action: Allow, source: {nets: [10.0.0.0/8]}, destination: "
		      "{}}, {action: Allow, ipVersion: 4, source: {nets: [\"fd00::/8\"]}}]}\n",
		  "test.yaml:4:128: error: 'fd00::/8' is IPv6 but the rule has ipVersion 4" },
		{ CAL "kind: GlobalNetworkPolicy\nmetadata: {name: g}\n"
		      "spec: {ingress: [{action: Allow, source: {nets: [10.0.0.0/8], notNets: "
		      "[\"fd00::/8\"]}}]}\n",
		  "test.yaml:4:73: error: notNets entry 'fd00::/8' is IPv6, but this rule already "
		  "has IPv4 networks" },
		{ CAL "kind: GlobalNetworkPolicy\nmetadata: {name: g}\n"
		      "spec: {ingress: [{action: Allow, source: {notNets: [0.0.0.0/0]}}]}\n",
		  "test.yaml:4:53: error: notNets entry '0.0.0.0/0' matches every address" },
		{ CAL "kind: HostEndpoint\nmetadata: {name: h}\nspec: {node: node1, expectedIPs: "
		      "[10.0.0.1]}\n",
		  "test.yaml:2:7: error: HostEndpoint without profiles is not supported" },
		{ CAL "kind: HostEndpoint\nmetadata: {name: h}\nspec: {node: node1, expectedIPs: "
		      "[10.0.0.1], profiles: [mine]}\n",
		  "test.yaml:4:57: error: profile 'mine' is not supported" },
		{ CAL "kind: HostEndpoint\nmetadata: {name: h}\nspec: {node: node1, profiles: "
		      "[projectcalico-default-allow]}\n",
		  "test.yaml:2:7: error: HostEndpoint needs interfaceName or expectedIPs" },
		{ CAL "kind: GlobalNetworkSet\nmetadata: {name: s}\n",
		  "test.yaml:2:7: error: GlobalNetworkSet is not supported" },
		{ CAL "kind: Tier\nmetadata: {name: default}\nspec: {order: 5}\n",
		  "test.yaml:3:18: error: tier 'default' must have order 1000000 and defaultAction "
		  "Deny" },
		{ CAL "kind: Tier\nmetadata: {name: t}\nspec: {defaultAction: Allow}\n",
		  "test.yaml:4:23: error: defaultAction must be Deny or Pass, not 'Allow'" },
		{ "apiVersion: projectcalico.org/v1\nkind: NetworkPolicy\n",
		  "test.yaml:1:13: error: netpolc reads Calico objects of apiVersion "
		  "projectcalico.org/v3" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tl_fx_teardown(state);
		tl_fx_setup(state);
		f = *state;
		load_err(f, cases[i].yaml, getenv("CALICO_SHOW") ? "" : cases[i].want);
	}
}

/* A Log rule is checked but never an error for what netpolc cannot model. */
static void test_lower_log_rule(void **state)
{
	struct tl_fx *f = *state;
	load_ok(f, CAL "kind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\n"
		       "spec:\n"
		       "  ingress:\n"
		       "  - action: Log\n"
		       "    protocol: ICMP\n"
		       "    icmp: {type: 8}\n"
		       "  - action: Allow\n");
	assert_int_equal(policy(f, "ns", "p")->nrules[DIR_INGRESS], 1);
	assert_string_equal(tl_fx_diags(f),
			    "test.yaml:6:13: warning: Log rule left out: it only logs and never "
			    "decides a verdict [-Wlog-rule]\n");
	/* but a typo in it is */
	assert_int_equal(load(f, CAL "kind: NetworkPolicy\nmetadata: {name: q, namespace: ns}\n"
				     "spec: {ingress: [{action: Log, protocl: TCP}]}\n"),
			 -1);
}

/* ---- verdicts -------------------------------------------------------- */

#define INVENTORY                                                                           \
	"apiVersion: v1\nkind: Namespace\nmetadata: {name: prod, labels: {env: prod}}\n"    \
	"---\napiVersion: v1\nkind: Namespace\nmetadata: {name: dev, labels: {env: dev}}\n" \
	"---\napiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: prod, labels: "   \
	"{app: web}}\nspec: {containers: [{name: c, ports: [{name: http, containerPort: "   \
	"8080}]}]}\nstatus: {podIP: 10.0.0.1}\n"                                            \
	"---\napiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: prod, labels: "    \
	"{app: db}}\nstatus: {podIP: 10.0.0.2}\n"                                           \
	"---\napiVersion: v1\nkind: Pod\nmetadata: {name: cli, namespace: dev, labels: "    \
	"{app: cli}}\nstatus: {podIP: 10.0.1.1}\n"                                          \
	"---\n" CAL "kind: HostEndpoint\nmetadata: {name: node1, labels: {role: node}}\n"   \
	"spec: {node: node1, expectedIPs: [192.168.0.1], profiles: "                        \
	"[projectcalico-default-allow]}\n"                                                  \
	"---\n" CAL "kind: Tier\nmetadata: {name: sec}\nspec: {order: 100, defaultAction: " \
	"Pass}\n"                                                                           \
	"---\n" CAL "kind: Tier\nmetadata: {name: strict}\nspec: {order: 200}\n"

/* rows and columns: the host endpoint node1 (by its address), cli, db, web */
#define ALL4 "192.168.0.1 dev/cli prod/db prod/web"

static void test_verdict_deny_tier_before_default(void **state)
{
	struct tl_ctx *c;
	(void)state;
	/* a Deny in tier sec wins over the Allow of tier default; other traffic passes */
	c = tl_load(INVENTORY
		    "---\n" CAL "kind: GlobalNetworkPolicy\n"
		    "metadata: {name: sec.no-dev}\n"
		    "spec:\n"
		    "  tier: sec\n"
		    "  selector: app == 'db'\n"
		    "  ingress: [{action: Deny, source: {namespaceSelector: env == 'dev'}}]\n"
		    "---\n" CAL "kind: NetworkPolicy\n"
		    "metadata: {name: allow-all, namespace: prod}\n"
		    "spec: {ingress: [{action: Allow}]}\n");
	tl_assert_table(c, "tcp/80", ALL4,
			"* 1 1 1\n"
			"1 * 0 1\n"
			"1 1 * 1\n"
			"1 1 1 *\n");
	tl_release(c);
}

static void test_verdict_pass_and_end_of_tier(void **state)
{
	struct tl_ctx *c;
	(void)state;
	/*
	 * tier strict (Deny at its end) selects web: pass from prod skips to tier
	 * default, where no policy selects web (so allowed); everyone else is
	 * dropped at the end of strict.
	 */
	c = tl_load(INVENTORY "---\n" CAL "kind: NetworkPolicy\n"
			      "metadata: {name: strict.web, namespace: prod}\n"
			      "spec:\n"
			      "  tier: strict\n"
			      "  selector: app == 'web'\n"
			      "  ingress: [{action: Pass, source: {selector: all()}}]\n");
	tl_assert_table(c, "tcp/80", ALL4,
			"* 1 1 0\n"
			"1 * 1 0\n"
			"1 1 * 1\n"
			"1 1 1 *\n");
	tl_release(c);
}

static void test_verdict_policy_order(void **state)
{
	struct tl_ctx *c;
	(void)state;
	/* inside one tier the lower order decides first, whatever the names */
	c = tl_load(INVENTORY
		    "---\n" CAL "kind: NetworkPolicy\n"
		    "metadata: {name: a-allow, namespace: prod}\n"
		    "spec: {order: 20, selector: app == 'db', ingress: [{action: Allow}]}\n"
		    "---\n" CAL "kind: NetworkPolicy\n"
		    "metadata: {name: b-deny, namespace: prod}\n"
		    "spec: {order: 10, selector: app == 'db', ingress: [{action: Deny, "
		    "protocol: TCP, destination: {ports: [\"80:90\"]}}]}\n");
	assert_false(tl_allowed(c, "prod/web", "prod/db", "tcp/85"));
	assert_true(tl_allowed(c, "prod/web", "prod/db", "tcp/91"));
	assert_true(tl_allowed(c, "prod/web", "prod/db", "udp/85"));
	tl_release(c);
}

static void test_verdict_host_endpoints(void **state)
{
	struct tl_ctx *c;
	(void)state;
	/*
	 * a GlobalNetworkPolicy without namespaceSelector also selects host
	 * endpoints; a rule namespaceSelector global() matches only them; a
	 * NetworkPolicy never selects them.
	 */
	c = tl_load(INVENTORY "---\n" CAL "kind: GlobalNetworkPolicy\n"
			      "metadata: {name: nodes}\n"
			      "spec:\n"
			      "  selector: role == 'node' || app == 'db'\n"
			      "  ingress:\n"
			      "  - action: Allow\n"
			      "    protocol: TCP\n"
			      "    source: {namespaceSelector: global()}\n"
			      "    destination: {ports: [22]}\n"
			      "  - action: Allow\n"
			      "    protocol: TCP\n"
			      "    source: {selector: app == 'web'}\n"
			      "    destination: {ports: [22]}\n");
	tl_assert_table(c, "tcp/22", ALL4,
			"* 1 1 1\n"
			"0 * 0 1\n"
			"0 1 * 1\n"
			"1 1 1 *\n");
	tl_release(c);
}

static void test_verdict_not_selector_and_nets(void **state)
{
	struct tl_ctx *c;
	(void)state;
	/*
	 * in a NetworkPolicy a notSelector alone still limits the peer to the
	 * policy's namespace: prod endpoints in 10.0.0.0/16 that are not web
	 */
	c = tl_load(INVENTORY "---\n" CAL "kind: NetworkPolicy\n"
			      "metadata: {name: p, namespace: prod}\n"
			      "spec:\n"
			      "  selector: app == 'db'\n"
			      "  ingress:\n"
			      "  - action: Allow\n"
			      "    source: {nets: [10.0.0.0/16], notSelector: app == 'web'}\n");
	assert_false(tl_allowed(c, "prod/web", "prod/db", "tcp/80"));
	assert_false(tl_allowed(c, "dev/cli", "prod/db", "tcp/80"));
	assert_false(tl_allowed(c, "10.0.200.1", "prod/db", "tcp/80"));
	tl_release(c);
	/* in a GlobalNetworkPolicy it excludes endpoints anywhere, and nothing else */
	c = tl_load(INVENTORY "---\n" CAL "kind: GlobalNetworkPolicy\n"
			      "metadata: {name: p}\n"
			      "spec:\n"
			      "  selector: app == 'db'\n"
			      "  ingress:\n"
			      "  - action: Allow\n"
			      "    source: {nets: [10.0.0.0/16], notSelector: app == 'web'}\n");
	assert_false(tl_allowed(c, "prod/web", "prod/db", "tcp/80"));
	assert_true(tl_allowed(c, "dev/cli", "prod/db", "tcp/80"));
	assert_true(tl_allowed(c, "10.0.200.1", "prod/db", "tcp/80"));
	assert_false(tl_allowed(c, "192.168.0.1", "prod/db", "tcp/80"));
	tl_release(c);
}

static void test_verdict_named_port_and_not_ports(void **state)
{
	struct tl_ctx *c;
	(void)state;
	c = tl_load(INVENTORY "---\n" CAL "kind: NetworkPolicy\n"
			      "metadata: {name: p, namespace: prod}\n"
			      "spec:\n"
			      "  ingress:\n"
			      "  - action: Allow\n"
			      "    protocol: TCP\n"
			      "    destination: {ports: [http]}\n"
			      "  - action: Allow\n"
			      "    protocol: UDP\n"
			      "    destination: {notPorts: [\"50:60\"]}\n");
	assert_true(tl_allowed(c, "dev/cli", "prod/web", "tcp/8080"));
	assert_false(tl_allowed(c, "dev/cli", "prod/db", "tcp/8080"));
	assert_true(tl_allowed(c, "dev/cli", "prod/db", "udp/49"));
	assert_false(tl_allowed(c, "dev/cli", "prod/db", "udp/53"));
	assert_true(tl_allowed(c, "dev/cli", "prod/db", "udp/61"));
	tl_release(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, tl_fx_setup, tl_fx_teardown)
		T(test_sel_operators),
		T(test_sel_precedence),
		T(test_sel_semantics),
		T(test_sel_errors),
		T(test_sel_caps),
		T(test_lower_network_policy),
		T(test_lower_types_default),
		T(test_lower_global_and_tiers),
		T(test_lower_peers),
		T(test_lower_host_endpoint),
		T(test_lower_lists),
		T(test_lower_errors),
		T(test_lower_log_rule),
		cmocka_unit_test(test_verdict_deny_tier_before_default),
		cmocka_unit_test(test_verdict_pass_and_end_of_tier),
		cmocka_unit_test(test_verdict_policy_order),
		cmocka_unit_test(test_verdict_host_endpoints),
		cmocka_unit_test(test_verdict_not_selector_and_nets),
		cmocka_unit_test(test_verdict_named_port_and_not_ports),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
