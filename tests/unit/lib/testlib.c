/*
 * testlib.c - load a YAML string into a model + node-mode IR and ask
 * verdicts by pod name (see testlib.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "frontend/frontend.h"
#include "ir/lint.h"
#include "ir/resolve.h"
#include "ir/select.h"
#include "tests/unit/testlib.h"

#define TL_FILE "test.yaml"

/* finish: model_finalize and, when nothing failed, resolve in node mode. */
static struct tl_ctx *finish(struct tl_ctx *c)
{
	struct resolve_opts ro = { 0 };

	if (diag_has_errors(&c->diag))
		return c;
	model_finalize(&c->model, &c->diag);
	if (diag_has_errors(&c->diag))
		return c;
	resolve(&c->ir, &c->model, &c->arena, &ro, &c->diag);
	c->have_ir = true;
	if (diag_has_errors(&c->diag)) {
		ir_release(&c->ir);
		c->have_ir = false;
	}
	return c;
}

static struct tl_ctx *new_ctx(void)
{
	struct tl_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	diag_init(&c->diag);
	model_init(&c->model, &c->arena);
	return c;
}

struct tl_ctx *tl_parse(const char *text)
{
	struct tl_ctx *c = new_ctx();
	struct frontend_opts fo;
	size_t len = strlen(text);

	c->text = malloc(len + 1);
	if (!c->text)
		abort();
	memcpy(c->text, text, len + 1);
	frontend_opts_default(&fo);
	frontend_load_buffer(&c->arena, &c->diag, &fo, TL_FILE, c->text, len, &c->model);
	return finish(c);
}

/* has_tree: dir holds tests/unit/testlib.h */
static bool has_tree(const char *dir)
{
	char probe[4200];
	FILE *f;
	snprintf(probe, sizeof(probe), "%s/tests/unit/testlib.h", dir);
	if (!(f = fopen(probe, "r")))
		return false;
	fclose(f);
	return true;
}

const char *tl_top(void)
{
	static const char *const tries[] = { ".", "..", "../.." };
	static char found[4096];
	const char *env = getenv("NETPOLC_TOP");
	ssize_t n;

	if (env && *env)
		return env;
	if (found[0])
		return found;
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		if (has_tree(tries[i])) {
			snprintf(found, sizeof(found), "%s", tries[i]);
			return found;
		}
	}
	/* the test binary lives in BUILD/tests/ of the tree */
	n = readlink("/proc/self/exe", found, sizeof(found) - 8);
	if (n > 0) {
		found[n] = '\0';
		for (int up = 0; up < 3; up++) {
			char *slash = strrchr(found, '/');
			if (!slash)
				break;
			*slash = '\0';
		}
		if (has_tree(found))
			return found;
	}
	snprintf(found, sizeof(found), ".");
	return found;
}

struct tl_ctx *tl_parse_files(const char *const *paths)
{
	struct tl_ctx *c = new_ctx();
	struct frontend_opts fo;
	const char *top = tl_top();
	size_t n = 0;

	while (paths[n])
		n++;
	c->paths = calloc(n + 1, sizeof(*c->paths));
	if (!c->paths)
		abort();
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(top) + strlen(paths[i]) + 2;
		c->paths[i] = malloc(len);
		if (!c->paths[i])
			abort();
		if (paths[i][0] == '/' || !strcmp(top, "."))
			snprintf(c->paths[i], len, "%s", paths[i]);
		else
			snprintf(c->paths[i], len, "%s/%s", top, paths[i]);
	}
	c->npaths = n;
	frontend_opts_default(&fo);
	frontend_load(&c->arena, &c->diag, &fo, (const char *const *)c->paths, n, &c->model);
	return finish(c);
}

struct tl_ctx *tl_load_files_at(const char *file, int line, ...)
{
	const char *paths[64];
	size_t n = 0;
	va_list ap;
	struct tl_ctx *c;

	va_start(ap, line);
	for (const char *p; (p = va_arg(ap, const char *));) {
		if (n + 1 >= sizeof(paths) / sizeof(paths[0])) {
			va_end(ap);
			print_error("%s:%d: tl_load_files: too many paths\n", file, line);
			_fail(file, line);
			return NULL;
		}
		paths[n++] = p;
	}
	va_end(ap);
	paths[n] = NULL;
	c = tl_parse_files(paths);
	if (!c->have_ir) {
		print_error("%s:%d: tl_load_files: the input has errors:\n", file, line);
		tl_diag_dump(c);
		tl_release(c);
		_fail(file, line);
	}
	return c;
}

struct tl_ctx *tl_load_at(const char *text, const char *file, int line)
{
	struct tl_ctx *c = tl_parse(text);
	if (!c->have_ir) {
		print_error("%s:%d: tl_load: the input has errors:\n", file, line);
		tl_diag_dump(c);
		fflush(stdout);
		fprintf(stderr, "input was:\n%s\n", text);
		tl_release(c);
		_fail(file, line);
	}
	return c;
}

void tl_release(struct tl_ctx *c)
{
	if (!c)
		return;
	if (c->have_ir)
		ir_release(&c->ir);
	model_release(&c->model);
	diag_release(&c->diag);
	arena_release(&c->arena);
	free(c->text);
	for (size_t i = 0; i < c->npaths; i++)
		free(c->paths[i]);
	free(c->paths);
	free(c);
}

void tl_lint(struct tl_ctx *c)
{
	if (!c->have_ir)
		fail_msg("testlib: tl_lint needs an input without errors");
	lint_run(&c->model, &c->ir, &c->diag);
}

size_t tl_errors(const struct tl_ctx *c)
{
	return c->diag.errors;
}

size_t tl_warnings(const struct tl_ctx *c)
{
	return c->diag.warnings;
}

size_t tl_diag_count(const struct tl_ctx *c, enum diag_level level, const char *needle)
{
	size_t n = 0;
	for (size_t i = 0; i < c->diag.nr; i++)
		if (c->diag.v[i]->level == level && strstr(c->diag.v[i]->msg, needle))
			n++;
	return n;
}

void tl_diag_dump(const struct tl_ctx *c)
{
	static const char *const level[] = { "note", "warning", "error" };
	for (size_t i = 0; i < c->diag.nr; i++) {
		const struct diag_record *r = c->diag.v[i];
		fprintf(stderr, "  %s:%u:%u: %s: %s\n", r->loc.file, r->loc.line, r->loc.col,
			level[r->level], r->msg);
	}
}

static void need_ir(struct tl_ctx *c)
{
	if (!c->have_ir)
		fail_msg("testlib: the context has no IR (the input had errors)");
}

void tl_peer(struct tl_ctx *c, const char *spec, int family, struct eval_peer *p)
{
	int rc;

	need_ir(c);
	rc = select_peer(&c->model, &c->ir, spec, "peer", NULL, p, &c->diag);
	if (rc) {
		if (rc > 0)
			tl_diag_dump(c);
		fail_msg("testlib: '%s' is neither an inventory pod nor an IP address", spec);
	}
	if (p->pod && !p->has_addr)
		eval_peer_pod(p, p->pod, p->ep, family);
}

static int default_family(const char *src, const char *dst)
{
	struct addr a;
	if (!addr_parse(src, &a) || !addr_parse(dst, &a))
		return a.family;
	return AF4;
}

bool tl_eval(struct tl_ctx *c, const char *src, const char *dst, const char *port, int family,
	     struct eval_result *res)
{
	struct eval_peer s, d;
	struct eval_result tmp;
	int proto;
	uint16_t num;

	if (select_port(port, &proto, &num))
		fail_msg("testlib: bad port '%s' (want [tcp|udp|sctp/]PORT)", port);
	if (!family)
		family = default_family(src, dst);
	tl_peer(c, src, family, &s);
	tl_peer(c, dst, family, &d);
	return eval_conn(&s, &d, proto, num, res ? res : &tmp);
}

bool tl_allowed(struct tl_ctx *c, const char *src, const char *dst, const char *port)
{
	return tl_eval(c, src, dst, port, 0, NULL);
}

bool tl_allowed_af(struct tl_ctx *c, const char *src, const char *dst, const char *port, int family)
{
	return tl_eval(c, src, dst, port, family, NULL);
}

const char *tl_reason(struct tl_ctx *c, const char *src, const char *dst, const char *port,
		      enum dir dir)
{
	struct eval_result res;
	const struct eval_side *s;

	tl_eval(c, src, dst, port, 0, &res);
	s = &res.side[dir];
	if (s->rule && s->rule->origin.policy)
		return s->rule->origin.policy->name;
	if (s->tier && s->tier->npolicies)
		return s->tier->policies[0]->name;
	return NULL;
}

/* split_pods: the space-separated names of pods into a malloc'ed array (or every pod). */
static char **split_pods(struct tl_ctx *c, const char *pods, size_t *n)
{
	char **v;
	size_t cap = 1;

	*n = 0;
	if (!pods) {
		v = calloc(c->model.npods + 1, sizeof(*v));
		if (!v)
			abort();
		for (size_t i = 0; i < c->model.npods; i++) {
			const struct pod *p = c->model.pods[i];
			size_t len = strlen(p->ns) + strlen(p->name) + 2;
			v[i] = malloc(len);
			if (!v[i])
				abort();
			snprintf(v[i], len, "%s/%s", p->ns, p->name);
		}
		*n = c->model.npods;
		return v;
	}
	for (const char *s = pods; *s; s++)
		cap += *s == ' ';
	v = calloc(cap + 1, sizeof(*v));
	if (!v)
		abort();
	for (const char *s = pods; *s;) {
		size_t len;
		while (*s == ' ')
			s++;
		len = strcspn(s, " ");
		if (!len)
			break;
		v[*n] = malloc(len + 1);
		if (!v[*n])
			abort();
		memcpy(v[*n], s, len);
		v[*n][len] = '\0';
		(*n)++;
		s += len;
	}
	return v;
}

static void free_pods(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void tl_assert_table_at(struct tl_ctx *c, const char *port, const char *pods, const char *want,
			int family, const char *file, int line)
{
	size_t n, k = 0;
	char **names = split_pods(c, pods, &n);
	char *got = calloc(n * (n + 1) + 1, 1), *exp = calloc(n * (n + 1) + 1, 1);
	bool ok = true;

	if (!got || !exp)
		abort();
	for (const char *s = want; *s; s++) {
		if (*s == ' ')
			continue;
		if (k >= n * (n + 1) || !strchr("01*\n", *s)) {
			k = n * (n + 1) + 1;
			break;
		}
		exp[k++] = *s;
	}
	if (k != n * (n + 1)) {
		print_error("%s:%d: tl_assert_table: the expected table is not %zu lines of %zu "
			    "cells ('0', '1', '*')\n",
			    file, line, n, n);
		free(got);
		free(exp);
		free_pods(names, n);
		_fail(file, line);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			bool a = tl_eval(c, names[i], names[j], port, family, NULL);
			char e = exp[i * (n + 1) + j];
			got[i * (n + 1) + j] = e == '*' ? '*' : a ? '1' : '0';
			if (e != '*' && e != got[i * (n + 1) + j])
				ok = false;
		}
		got[i * (n + 1) + n] = '\n';
		if (exp[i * (n + 1) + n] != '\n')
			ok = false;
	}
	if (!ok) {
		print_error("%s:%d: truth table for %s (family %d) differs; rows are sources, "
			    "columns destinations:\n",
			    file, line, port, family ? family : 4);
		for (size_t i = 0; i < n; i++)
			print_error("  %zu  %s\n", i, names[i]);
		print_error("expected:\n%s", exp);
		print_error("actual (with '*' cells kept):\n%s", got);
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n; j++)
				if (exp[i * (n + 1) + j] != '*' &&
				    exp[i * (n + 1) + j] != got[i * (n + 1) + j])
					print_error("  %s -> %s: expected %s, got %s\n", names[i],
						    names[j],
						    exp[i * (n + 1) + j] == '1' ? "allow" : "deny",
						    got[i * (n + 1) + j] == '1' ? "allow" : "deny");
	}
	free(got);
	free(exp);
	free_pods(names, n);
	if (!ok)
		_fail(file, line);
}

int tl_fx_setup(void **state)
{
	struct tl_fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	diag_init(&f->d);
	model_init(&f->m, &f->a);
	frontend_opts_default(&f->o);
	*state = f;
	return 0;
}

const char *tl_fx_diags(struct tl_fx *f)
{
	size_t len;
	FILE *fp;

	free(f->out);
	f->d.caret = false;
	fp = open_memstream(&f->out, &len);
	assert_non_null(fp);
	diag_print(&f->d, fp);
	fclose(fp);
	return f->out;
}

int tl_fx_teardown(void **state)
{
	struct tl_fx *f = *state;
	model_release(&f->m);
	diag_release(&f->d);
	arena_release(&f->a);
	free(f->out);
	free(f);
	return 0;
}
