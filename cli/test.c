/*
 * test.c - "netpolc test FILE [PATH]...": reachability unit tests for a
 * policy repository.  FILE (YAML or JSON, read like every input) is a list
 * of expected verdicts:
 *
 *     - name: the frontend reaches the API        (optional)
 *       from: shop/frontend                        (NAMESPACE/NAME or an address)
 *       to: shop/backend
 *       port: tcp/http                             ([PROTO/]PORT, or a port name)
 *       expect: allow                              (allow or deny)
 *       family: 6                                  (optional: 4 or 6)
 *
 * Every entry is judged as "netpolc query" judges it (query.h).  A bad
 * entry is an input error at the entry (all of them are reported, exit 1,
 * no report); else the report lists each failure at its entry with the
 * deciding rules, then "N passed, N failed"; exit 0 when all pass, 3 when
 * any fails.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/query.h"
#include "frontend/frontend.h"
#include "frontend/lower.h"
#include "ir/select.h"
#include "lib/util.h"

struct test {
	const struct node *node; /* the entry */
	const struct node *name; /* or NULL */
	bool expect;		 /* allow */
	struct query q;
};

/* Bytes of a test's name a failure shows (control bytes escaped; longer ones are cut). */
#define NAME_SHOWN 200

static const char *const test_fields[] = { "name", "from", "to", "port", "expect", "family", NULL };

/*
 * peer: the peer named by key in entry n, or NULL after reporting.  Text
 * that cannot be a peer (control bytes: no name or address holds them)
 * is reported here, quoted, so messages never echo it raw.
 */
static const char *peer(struct lower *lo, const struct node *n, const char *key,
			const struct loc **at)
{
	const struct node *v = lower_typed(lo, n, key, NODE_STR);
	if (!v) {
		if (!lower_val(n, key))
			diag_error(lo->b.d, &n->loc, "this test has no '%s'", key);
		return NULL;
	}
	*at = &v->loc;
	for (size_t i = 0; i < v->len; i++) {
		unsigned char ch = (unsigned char)v->str[i];
		if (ch < 0x20 || ch == 0x7f) {
			diag_error(lo->b.d, &v->loc,
				   "%s: expected NAMESPACE/NAME or an IP address, got %s", key,
				   lower_shown(lo, v));
			return NULL;
		}
	}
	return v->str;
}

/* read_port: port (a string or an integer) into t->q; false after reporting. */
static bool read_port(struct lower *lo, const struct node *n, struct test *t)
{
	const struct node *v = lower_val(n, "port");
	const char *text;

	if (!v) {
		diag_error(lo->b.d, &n->loc, "this test has no 'port'");
		return false;
	}
	t->q.at[2] = &v->loc;
	if (v->kind != NODE_STR && v->kind != NODE_INT) {
		lower_want(lo, v, NODE_STR, "port");
		return false;
	}
	text = v->kind == NODE_INT ? arena_printf(lo->b.a, "%lld", v->ival) : v->str;
	if (select_port_named(text, &t->q.proto, &t->q.port, &t->q.port_name)) {
		diag_error(lo->b.d, &v->loc,
			   "port: expected [tcp|udp|sctp/]PORT (1-65535) or a port name, got %s",
			   lower_shown(lo, v));
		return false;
	}
	return true;
}

/* read_test: entry n into t, reporting every problem. */
static void read_test(struct lower *lo, const struct node *n, struct test *t)
{
	const struct node *v;

	t->node = n;
	t->q.what[0] = "from";
	t->q.what[1] = "to";
	t->q.what[2] = "port";
	if (!lower_want(lo, n, NODE_MAP, "a test"))
		return;
	lower_check_fields(lo, n, test_fields, "a test", true, NULL);
	t->name = lower_typed(lo, n, "name", NODE_STR);
	t->q.spec[0] = peer(lo, n, "from", &t->q.at[0]);
	t->q.spec[1] = peer(lo, n, "to", &t->q.at[1]);
	read_port(lo, n, t);
	if ((v = lower_typed(lo, n, "expect", NODE_STR)) && lower_eq(v, "allow"))
		t->expect = true;
	else if (v && !lower_eq(v, "deny"))
		diag_error(lo->b.d, &v->loc, "expect: expected allow or deny, got %s",
			   lower_shown(lo, v));
	else if (!v && !lower_val(n, "expect"))
		diag_error(lo->b.d, &n->loc, "this test has no 'expect' (allow or deny)");
	if ((v = lower_typed(lo, n, "family", NODE_INT))) {
		if (v->ival == 4 || v->ival == 6)
			t->q.family = v->ival == 4 ? AF4 : AF6;
		else
			diag_error(lo->b.d, &v->loc, "family: expected 4 or 6, got %s",
				   lower_shown(lo, v));
	}
}

/* read_tests: the entries of file into *out (in the arena); 0, or 1 after reporting. */
static int read_tests(struct compilation *comp, const char *file, struct test **out, size_t *n)
{
	struct lower lo = { .b = { &comp->arena, &comp->diag, false } };
	struct frontend_opts fo;
	struct doc_list docs;
	const struct node *list;

	*out = NULL;
	*n = 0;
	frontend_opts_default(&fo);
	if (frontend_read_docs(&comp->arena, &comp->diag, &fo, file, &docs))
		return 1;
	if (docs.n != 1) {
		const char *name = strcmp(file, "-") ? file : "<stdin>";
		struct loc l = docs.n ? docs.docs[1]->loc
				      : loc_none(diag_source(&comp->diag, name, NULL, 0));
		diag_error(&comp->diag, &l,
			   docs.n ? "a test file holds one document, a list of tests"
				  : "no tests in this file");
		return 1;
	}
	list = docs.docs[0];
	if (!lower_want(&lo, list, NODE_SEQ, "the test file"))
		return 1;
	if (!list->n) {
		diag_error(&comp->diag, &list->loc, "no tests in this file");
		return 1;
	}
	*out = arena_array(&comp->arena, list->n, sizeof(**out));
	*n = list->n;
	for (size_t i = 0; i < list->n; i++)
		read_test(&lo, list->items[i], &(*out)[i]);
	return diag_has_errors(&comp->diag) ? 1 : 0;
}

/* run_tests: judge every test; 0, or 1 after reporting the entries that name no peer. */
static int run_tests(struct compilation *comp, struct test *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = query_run(comp, &t[i].q);
		if (rc < 0) {
			int k = -1 - rc;
			diag_error(&comp->diag, t[i].q.at[k],
				   "%s: expected NAMESPACE/NAME or an IP address, got %s",
				   t[i].q.what[k],
				   build_quote(&comp->arena, t[i].q.spec[k], strlen(t[i].q.spec[k]),
					       NAME_SHOWN));
		}
	}
	return diag_has_errors(&comp->diag) ? 1 : 0;
}

static const char *verdict(bool allowed)
{
	return allowed ? "allow" : "deny";
}

static int report_text(struct arena *a, const struct test *t, size_t n, size_t failed)
{
	for (size_t i = 0; i < n; i++) {
		const struct loc *l = &t[i].node->loc;
		if (t[i].q.res.allowed == t[i].expect)
			continue;
		const struct node *nm = t[i].name;
		printf("%s:%u:%u: FAIL%s%s: expected %s, got %s: %s\n", l->file, l->line, l->col,
		       nm ? " " : "", nm ? build_quote(a, nm->str, nm->len, NAME_SHOWN) : "",
		       verdict(t[i].expect), verdict(t[i].q.res.allowed),
		       query_headline(a, &t[i].q));
		query_explain(a, &t[i].q, stdout);
	}
	return printf("%zu passed, %zu failed\n", n - failed, failed) < 0 ? 1 : 0;
}

/*
 * report_json: {"passed":N,"failed":N,"tests":[{"location","name"?,
 * "expect","passed","query":{query's JSON}}...]}, every test in file order.
 */
static int report_json(struct arena *a, const struct test *t, size_t n, size_t failed)
{
	json_t *o = json_object(), *v = json_array();
	char *text;
	int rc;

	json_object_set_new(o, "passed", json_integer((json_int_t)(n - failed)));
	json_object_set_new(o, "failed", json_integer((json_int_t)failed));
	for (size_t i = 0; i < n; i++) {
		const struct loc *l = &t[i].node->loc;
		json_t *e = json_object();
		json_object_set_new(
			e, "location",
			json_string(arena_printf(a, "%s:%u:%u", l->file, l->line, l->col)));
		if (t[i].name)
			json_object_set_new(e, "name",
					    json_stringn(t[i].name->str, t[i].name->len));
		json_object_set_new(e, "expect", json_string(verdict(t[i].expect)));
		json_object_set_new(e, "passed", json_boolean(t[i].q.res.allowed == t[i].expect));
		json_object_set_new(e, "query", query_json(a, &t[i].q));
		json_array_append_new(v, e);
	}
	json_object_set_new(o, "tests", v);
	text = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(o);
	if (!text)
		oom();
	rc = printf("%s\n", text) < 0 ? 1 : 0;
	free(text);
	return rc;
}

int cmd_test(struct cli *c)
{
	struct compilation comp;
	const char *file, **paths;
	size_t npaths = 0, ntests = 0, failed = 0;
	struct test *tests = NULL;
	bool json = c->output && !strcmp(c->output, "json");
	int rc, trc;

	if (c->no_paths || c->npaths == c->nfile_opts)
		return cli_usage_error(c, "test needs FILE, the file of expected verdicts");
	if (c->output && !json && strcmp(c->output, "text"))
		return cli_usage_error(c, "test -o takes text or json, not '%s'", c->output);
	file = c->paths[c->nfile_opts];
	paths = xcalloc(c->npaths, sizeof(*paths));
	for (size_t i = 0; i < c->npaths; i++)
		if (i != c->nfile_opts)
			paths[npaths++] = c->paths[i];
	if (!npaths)
		paths[npaths++] = "-";
	for (size_t i = 0; i < npaths; i++)
		if (!strcmp(file, "-") && !strcmp(paths[i], "-")) {
			free(paths);
			return cli_usage_error(c, "standard input cannot hold both FILE and the "
						  "policies: name the policies' paths");
		}
	compilation_init(&comp, &c->wopts);
	trc = read_tests(&comp, file, &tests, &ntests);
	rc = compilation_node(&comp, paths, npaths, c->default_ns);
	if (!rc && !trc)
		rc = run_tests(&comp, tests, ntests);
	rc = compilation_finish(&comp, rc ? rc : trc);
	if (!rc) {
		for (size_t i = 0; i < ntests; i++)
			failed += tests[i].q.res.allowed != tests[i].expect;
		rc = (json ? report_json : report_text)(&comp.arena, tests, ntests, failed);
		if (!rc && failed)
			rc = 3;
	}
	compilation_release(&comp);
	free(paths);
	return rc;
}
