/*
 * compile.c - "netpolc compile -t TARGET": load, resolve and run the passes
 * (for endpoint-level targets), emit, commit the output all or nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "frontend/build.h"
#include "ir/passes.h"
#include "lib/strbuf.h"
#include "lib/util.h"

/* declared_by: a backend declaring option name (for messages). */
static const struct backend *declared_by(const char *name)
{
	for (const struct backend *b = backends; b->name; b++)
		for (size_t i = 0; b->opts && b->opts[i].name; i++)
			if (!strcmp(b->opts[i].name, name))
				return b;
	BUG("--%s is declared by no backend", name);
}

/* The values of a backend's options, parallel to its opts (see opt_values). */
struct opt_vals {
	const char **values;
	const char ***lists;
	size_t *nlist;
	size_t n;
};

static void opt_vals_release(struct opt_vals *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->lists[i]);
	free(v->lists);
	free(v->nlist);
	free(v->values);
}

/*
 * opt_values: the values of be's options into v, parallel to be->opts: in
 * values the last one given, in lists every one (NULL-terminated; BOPT_REPEAT
 * options only).  0, or 2 after a usage error; v is released either way
 * with opt_vals_release.
 */
static int opt_values(struct cli *c, const struct backend *be, struct opt_vals *v)
{
	const char **values, ***lists;
	size_t *nlist;

	while (be->opts && be->opts[v->n].name)
		v->n++;
	values = v->values = xcalloc(v->n + 1, sizeof(*v->values));
	lists = v->lists = xcalloc(v->n + 1, sizeof(*v->lists));
	nlist = v->nlist = xcalloc(v->n + 1, sizeof(*v->nlist));
	for (size_t k = 0; k < c->nbopts; k++) {
		const struct cli_backend_opt *g = &c->bopts[k];
		const struct backend_opt *o = NULL;
		const char *why;
		size_t i;
		for (i = 0; be->opts && be->opts[i].name; i++) {
			if (!strcmp(be->opts[i].name, g->name)) {
				o = &be->opts[i];
				break;
			}
		}
		if (!o)
			return cli_usage_error(c, "option '--%s' is for target %s, not %s", g->name,
					       declared_by(g->name)->name, be->name);
		if ((o->flags & BOPT_HOST) && !selection_host(&c->sel))
			return cli_usage_error(c,
					       "--%s is for host mode (--endpoint or --namespace), "
					       "not for a node's forwarded traffic",
					       g->name);
		if (o->check && (why = o->check(g->value))) {
			struct arena a = ARENA_INIT;
			int rc = cli_usage_error(c, "--%s %s: %s", g->name,
						 build_quote(&a, g->value, strlen(g->value), 80),
						 why);
			arena_release(&a);
			return rc;
		}
		values[i] = g->value;
		if (o->flags & BOPT_REPEAT) {
			lists[i] = xreallocarray(lists[i], nlist[i] + 2, sizeof(*lists[i]));
			lists[i][nlist[i]++] = g->value;
			lists[i][nlist[i]] = NULL;
		}
	}
	return 0;
}

/* emit: run the backend and commit its output. */
static int emit(struct cli *c, struct compilation *comp, const struct backend *be,
		const struct opt_vals *v)
{
	struct strbuf cmdline = STRBUF_INIT;
	struct emit_out out = { 0 };
	struct emit_ctx ctx = { 0 };
	int rc;

	for (size_t i = 0; i < c->npaths; i++)
		strbuf_addf(&cmdline, "%s%s", i ? " " : "", c->paths[i]);
	ctx.model = &comp->model;
	ctx.ir = comp->have_ir ? &comp->ir : NULL;
	ctx.flat = comp->have_flat ? &comp->flat : NULL;
	ctx.cmdline = cmdline.buf;
	ctx.stats = c->stats;
	ctx.backend = be;
	ctx.opt_values = v->values;
	ctx.opt_lists = (const char *const *const *)v->lists;
	be->emit(&ctx, &out, &comp->diag);
	rc = compilation_finish(comp, 0);
	if (!rc)
		rc = cli_commit(be, c->output, &out);
	emit_out_release(&out);
	strbuf_release(&cmdline);
	return rc;
}

int cmd_compile(struct cli *c)
{
	const struct backend *be;
	struct compilation comp;
	struct opt_vals v = { 0 };
	const char *why;
	int rc;

	if (!c->target)
		return cli_usage_error(c, "compile needs -t TARGET ('netpolc compile -t help' "
					  "lists them)");
	if (!strcmp(c->target, "help")) {
		cli_targets(stdout);
		return 0;
	}
	be = backend_find(c->target);
	if (!be)
		return cli_usage_error(
			c, "unknown target '%s' ('netpolc compile -t help' lists them)", c->target);
	rc = opt_values(c, be, &v);
	if (!rc && be->out == OUT_DIR && (!c->output || !strcmp(c->output, "-")))
		rc = cli_usage_error(c, "target %s writes a directory: give -o DIR", be->name);
	if (!rc && c->stop_after && !passes_known(c->stop_after))
		rc = cli_usage_error(c, "--stop-after takes resolve, merge or group, not '%s'",
				     c->stop_after);
	if (!rc && (why = selection_check(&c->sel)))
		rc = cli_usage_error(c, "%s", why);
	if (!rc && be->level == LEVEL_MODEL &&
	    (selection_given(&c->sel) || c->stats || c->stop_after))
		rc = cli_usage_error(
			c,
			"target %s works from the policies alone: --endpoint, "
			"--namespace, --labels, --ip, --node, --stats and --stop-after "
			"do not apply",
			be->name);
	if (rc) {
		opt_vals_release(&v);
		return rc;
	}
	compilation_init(&comp, &c->wopts);
	comp.policy_ns_optional = be->policy_ns_optional;
	rc = compilation_host(&comp, &c->sel, &why);
	if (rc == 2)
		rc = cli_usage_error(c, "%s", why);
	if (!rc)
		rc = compilation_load(&comp, c->paths, c->npaths, c->default_ns);
	if (!rc && be->level != LEVEL_MODEL) {
		rc = compilation_resolve(&comp, &c->sel, &why);
		if (rc == 2)
			rc = cli_usage_error(c, "%s", why);
		if (!rc)
			rc = compilation_passes(&comp, c->stats ? stderr : NULL, c->stop_after);
		if (!rc && be->level == LEVEL_FLAT)
			rc = compilation_flat(&comp);
	}
	if (!rc)
		rc = emit(c, &comp, be, &v);
	else
		rc = compilation_finish(&comp, rc);
	compilation_release(&comp);
	opt_vals_release(&v);
	return rc;
}
