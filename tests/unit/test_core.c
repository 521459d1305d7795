/*
 * test_core.c - strbuf, arena, strmap, diag and model basics.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ir/model.h"
#include "lib/arena.h"
#include "lib/diag.h"
#include "lib/strbuf.h"
#include "lib/strmap.h"

static void test_strbuf_grows_and_stays_terminated(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	assert_string_equal(sb.buf, "");
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i);
	assert_int_equal(sb.buf[sb.len], '\0');
	assert_true(!strncmp(sb.buf, "0,1,2,", 6));
	assert_int_equal(strlen(sb.buf), sb.len);
	strbuf_reset(&sb);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
}

static void test_arena_alignment_and_big_blocks(void **state)
{
	struct arena a = ARENA_INIT;
	(void)state;
	for (int i = 1; i < 200; i++) {
		char *p = arena_alloc(&a, (size_t)i * 7);
		assert_int_equal((uintptr_t)p % 16, 0);
		memset(p, 0xab, (size_t)i * 7);
	}
	{
		char *big = arena_zalloc(&a, 1 << 20);
		assert_int_equal(big[12345], 0);
		char *s = arena_printf(&a, "%s-%d", "x", 42);
		assert_string_equal(s, "x-42");
	}
	arena_release(&a);
}

static void test_strmap_many_keys(void **state)
{
	struct strmap m = STRMAP_INIT;
	char keys[5000][16];
	(void)state;
	for (int i = 0; i < 5000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		strmap_slot(&m, keys[i], strlen(keys[i]))->value = keys[i];
	}
	assert_int_equal(m.n, 5000);
	for (int i = 0; i < 5000; i++)
		assert_ptr_equal(strmap_get(&m, keys[i], strlen(keys[i])), keys[i]);
	assert_null(strmap_get(&m, "nope", 4));
	strmap_release(&m);
}

static void test_diag_sorted_and_counted(void **state)
{
	struct diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *text = "a: 1\nbb: 2\n";
	(void)state;
	diag_init(&d);
	{
		const char *file = diag_source(&d, "x.yaml", text, strlen(text));
		struct loc l2 = { .file = file, .line = 2, .col = 5 },
			   l1 = { .file = file, .line = 1, .col = 4 };
		diag_warning(&d, DIAG_W_DENY_NAME, &l2, "second");
		assert_int_equal(diag_error(&d, &l1, "first %d", 1), -1);
		diag_note(&d, &l2, "a note");
	}
	assert_true(diag_has_errors(&d));
	diag_print(&d, f);
	fclose(f);
	assert_string_equal(buf, "x.yaml:1:4: error: first 1\n"
				 "    a: 1\n"
				 "       ^\n"
				 "x.yaml:2:5: note: a note\n"
				 "    bb: 2\n"
				 "        ^\n"
				 "x.yaml:2:5: warning: second [-Wdeny-name]\n"
				 "    bb: 2\n"
				 "        ^\n");
	free(buf);
	diag_release(&d);
}

/* print_warnings: queue n warnings of class cls (each with a note) under w; the printout. */
static char *print_warnings(const struct diag_wopts *w, enum diag_class cls, int n, size_t *errors)
{
	struct diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_init(&d);
	d.caret = false;
	if (w)
		d.w = *w;
	diag_error(&d, NULL, "an error");
	for (int i = 0; i < n; i++) {
		struct loc l = { .file = "w.yaml", .line = (unsigned)i + 1, .col = 1 };
		diag_warning(&d, cls, &l, "warning %d", i);
		diag_note(&d, &l, "note %d", i);
	}
	*errors = d.errors;
	diag_print(&d, f);
	fclose(f);
	diag_release(&d);
	return buf;
}

static void test_diag_classes(void **state)
{
	struct diag_wopts w = { 0 };
	size_t errors;
	char *out;
	(void)state;
	/* the first DIAG_GROUP_SHOWN of a class in full, then one line for the rest */
	out = print_warnings(NULL, DIAG_W_MISSING_IP, 5, &errors);
	assert_int_equal(errors, 1);
	assert_string_equal(out, "<command line>: error: an error\n"
				 "w.yaml:1:1: warning: warning 0 [-Wmissing-ip]\n"
				 "w.yaml:1:1: note: note 0\n"
				 "w.yaml:2:1: warning: warning 1 [-Wmissing-ip]\n"
				 "w.yaml:2:1: note: note 1\n"
				 "w.yaml:3:1: warning: warning 2 [-Wmissing-ip]\n"
				 "w.yaml:3:1: note: note 2\n"
				 "netpolc: note: 2 more warnings like this [-Wmissing-ip]\n");
	free(out);
	/* silenced: the warnings and their notes, not the error */
	assert_int_equal(diag_wopts_set(&w, "no-missing-ip"), 0);
	out = print_warnings(&w, DIAG_W_MISSING_IP, 2, &errors);
	assert_string_equal(out, "<command line>: error: an error\n");
	free(out);
	/* another class is untouched */
	out = print_warnings(&w, DIAG_W_HOST_BITS, 1, &errors);
	assert_string_equal(out, "<command line>: error: an error\n"
				 "w.yaml:1:1: warning: warning 0 [-Whost-bits]\n"
				 "w.yaml:1:1: note: note 0\n");
	free(out);
	/* made errors: never grouped */
	assert_int_equal(diag_wopts_set(&w, "error=missing-ip"), 0);
	out = print_warnings(&w, DIAG_W_MISSING_IP, 4, &errors);
	assert_int_equal(errors, 5);
	assert_non_null(strstr(out, "w.yaml:4:1: error: warning 3 [-Werror=missing-ip]\n"
				    "w.yaml:4:1: note: note 3\n"));
	assert_null(strstr(out, "more"));
	free(out);
	/* --werror, with one class kept a warning; -q drops warnings, not errors */
	memset(&w, 0, sizeof(w));
	w.werror = true;
	assert_int_equal(diag_wopts_set(&w, "no-error=host-bits"), 0);
	out = print_warnings(&w, DIAG_W_HOST_BITS, 1, &errors);
	assert_int_equal(errors, 1);
	free(out);
	out = print_warnings(&w, DIAG_W_MISSING_IP, 1, &errors);
	assert_int_equal(errors, 2);
	free(out);
	memset(&w, 0, sizeof(w));
	w.quiet = true;
	assert_int_equal(diag_wopts_set(&w, "error=covered-rule"), 0);
	out = print_warnings(&w, DIAG_W_COVERED_RULE, 1, &errors);
	assert_int_equal(errors, 2);
	free(out);
	out = print_warnings(&w, DIAG_W_DENY_NAME, 1, &errors);
	assert_string_equal(out, "<command line>: error: an error\n");
	free(out);
	/* the last -W about a class wins; unknown classes and forms are refused */
	memset(&w, 0, sizeof(w));
	assert_int_equal(diag_wopts_set(&w, "no-deny-name"), 0);
	assert_int_equal(diag_wopts_set(&w, "deny-name"), 0);
	assert_int_equal(w.cls[DIAG_W_DENY_NAME], 0);
	assert_int_equal(diag_wopts_set(&w, "no-such-class"), -1);
	assert_int_equal(diag_wopts_set(&w, "error="), -1);
	assert_int_equal(diag_wopts_set(&w, "Deny-name"), -1);
	for (int c = 0; c < DIAG_NCLASSES; c++)
		assert_int_equal(strncmp(diag_class_name((enum diag_class)c), "no-", 3) != 0, 1);
}

static struct label L(const char *k, const char *v) {
	struct label l = { k, v, { .file = "t", .line = 1, .col = 1 } };
	return l;
}

static void
test_selector_operators(void **state)
{
	struct label labels[] = { L("app", "web"), L("tier", "front") };
	struct labelset ls = { labels, 2 };
	const char *web[] = { "web", "api" };
	const char *db[] = { "db" };
	struct sel_req reqs[] = {
		{ { .file = "t", .line = 1, .col = 1 }, "app", SEL_IN, web, 2 },
		{ { .file = "t", .line = 1, .col = 1 }, "app", SEL_NOT_IN, db, 1 },
		{ { .file = "t", .line = 1, .col = 1 }, "tier", SEL_EXISTS, NULL, 0 },
		{ { .file = "t", .line = 1, .col = 1 }, "env", SEL_DOES_NOT_EXIST, NULL, 0 },
		{ { .file = "t", .line = 1, .col = 1 },
		  "env",
		  SEL_NOT_IN,
		  db,
		  1 }, /* absent key: NotIn matches */
	};
	struct selector s = { .loc = { .file = "t", .line = 1, .col = 1 },
			      .exprs = reqs,
			      .nexprs = 5 };
	struct selector empty = { .loc = { .file = "t", .line = 1, .col = 1 } };
	struct sel_req in_env = { { .file = "t", .line = 1, .col = 1 }, "env", SEL_IN, db, 1 };
	struct selector needs_env = { .loc = { .file = "t", .line = 1, .col = 1 },
				      .exprs = &in_env,
				      .nexprs = 1 };
	(void)state;
	assert_true(selector_matches(&s, &ls));
	assert_true(selector_matches(&empty, &ls));
	assert_false(selector_matches(&needs_env, &ls));
	reqs[1].values = web;
	reqs[1].nvalues = 2;
	assert_false(selector_matches(&s, &ls));
}

static void test_model_finalize_duplicates_and_implicit_ns(void **state)
{
	struct arena a = ARENA_INIT;
	struct model m;
	struct diag d;
	struct policy *p[3];
	(void)state;
	diag_init(&d);
	model_init(&m, &a);
	for (int i = 0; i < 3; i++) {
		p[i] = arena_zalloc(&a, sizeof(*p[i]));
		p[i]->ns = "ns1";
		p[i]->name = i == 2 ? "b" : "a";
		p[i]->loc = (struct loc){ .file = "f.yaml",
					  .line = (unsigned)(10 * (i + 1)),
					  .col = 1 };
		model_add_policy(&m, p[i]);
	}
	assert_int_equal(model_finalize(&m, &d), -1);
	assert_int_equal(m.npolicies, 2);
	assert_int_equal(m.nnamespaces, 1);
	assert_true(m.namespaces[0]->implicit);
	assert_string_equal(labelset_get(&m.namespaces[0]->labels, LABEL_NS_NAME), "ns1");
	assert_ptr_equal(model_policy(&m, "ns1", "a"), p[0]);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.warnings, 0); /* policies alone: no inventory to warn about */
	model_release(&m);
	diag_release(&d);
	arena_release(&a);
}

/* add_pod: a pod (a template pod when kind is given) with labels "k=v" (NULL-terminated). */
static struct pod *add_pod(struct model *m, struct arena *a, const char *name, const char *kind,
			   const char *const *labels)
{
	struct pod *p = arena_zalloc(a, sizeof(*p));
	size_t n = 0;
	while (labels[n])
		n++;
	p->ns = "app";
	p->name = name;
	p->workload_kind = kind;
	p->loc = (struct loc){ .file = "f.yaml", .line = 1, .col = 1 };
	p->labels.v = arena_array(a, n + 1, sizeof(*p->labels.v));
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(labels[i], '=');
		p->labels.v[i].key = arena_strndup(a, labels[i], (size_t)(eq - labels[i]));
		p->labels.v[i].value = eq + 1;
	}
	p->labels.n = n;
	labelset_sort(&p->labels);
	model_add_pod(m, p);
	return p;
}

static void test_model_fold_templates(void **state)
{
	struct arena a = ARENA_INIT;
	struct model m;
	struct diag d;
	const char *web[] = { "app=web", NULL }, *web_pod[] = { "app=web", "hash=1", NULL };
	const char *api[] = { "app=api", "tier=be", NULL }, *api_pod[] = { "app=api", NULL };
	const char *none[] = { NULL };
	struct pod *tw, *tww, *ta, *tj, *pw, *pww, *pa, *px;
	(void)state;
	diag_init(&d);
	model_init(&m, &a);
	tw = add_pod(&m, &a, "web", "Deployment", web);
	tww = add_pod(&m, &a, "web-admin", "Deployment", web);
	ta = add_pod(&m, &a, "api", "StatefulSet", api);
	tj = add_pod(&m, &a, "job", "Job", none);
	pw = add_pod(&m, &a, "web-5d8f-x2kq", NULL, web_pod);
	pww = add_pod(&m, &a, "web-admin-7c5d-q8r2", NULL, web_pod);
	pa = add_pod(&m, &a, "api-0", NULL, api_pod);	/* lacks tier=be */
	px = add_pod(&m, &a, "webhook", NULL, web_pod); /* not named web-... */
	assert_int_equal(model_finalize(&m, &d), 0);
	assert_ptr_equal(pw->workload, tw);
	assert_ptr_equal(pww->workload, tww); /* the longest name that fits */
	assert_null(pa->workload);
	assert_null(px->workload);
	assert_true(tw->folded);
	assert_true(tww->folded);
	assert_false(ta->folded);
	assert_false(tj->folded);
	model_release(&m);
	diag_release(&d);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_grows_and_stays_terminated),
		cmocka_unit_test(test_arena_alignment_and_big_blocks),
		cmocka_unit_test(test_strmap_many_keys),
		cmocka_unit_test(test_diag_sorted_and_counted),
		cmocka_unit_test(test_diag_classes),
		cmocka_unit_test(test_model_fold_templates),
		cmocka_unit_test(test_selector_operators),
		cmocka_unit_test(test_model_finalize_duplicates_and_implicit_ns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
