/*
 * compile.c - "netpolc compile -t TARGET": load, resolve and run the passes
 * (for endpoint-level targets), emit, commit the output all or nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
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

/* opt_values: the values of be's options, parallel to be->opts; 0 or 2 after a usage error. */
static int opt_values(struct cli *c, const struct backend *be, const char **values)
{
	for (size_t k = 0; k < c->nbopts; k++) {
		const struct cli_backend_opt *g = &c->bopts[k];
		const struct backend_opt *o = NULL;
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
		if (o->check && o->check(g->value))
			return cli_usage_error(c, "--%s '%s': %s", g->name, g->value,
					       o->check(g->value));
		values[i] = g->value;
	}
	return 0;
}

/* emit: run the backend and commit its output. */
static int emit(struct cli *c, struct compilation *comp, const struct backend *be,
		const char *const *values)
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
	ctx.opt_values = values;
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
	const char **values;
	const char *why;
	size_t nopts = 0;
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
	while (be->opts && be->opts[nopts].name)
		nopts++;
	values = xcalloc(nopts + 1, sizeof(*values));
	rc = opt_values(c, be, values);
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
		free(values);
		return rc;
	}
	compilation_init(&comp, &c->wopts);
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
		rc = emit(c, &comp, be, values);
	else
		rc = compilation_finish(&comp, rc);
	compilation_release(&comp);
	free(values);
	return rc;
}
