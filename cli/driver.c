/*
 * driver.c - the steps of a compilation (see driver.h).
 */
#include "cli/driver.h"

#include <string.h>

#include "frontend/frontend.h"
#include "ir/passes.h"
#include "ir/resolve.h"
#include "ir/select.h"
#include "lib/util.h"

const char *selection_check(const struct selection *s)
{
	if (s->endpoint && s->ns)
		return "--endpoint and --namespace exclude each other";
	if (!s->ns && (s->labels || s->nips))
		return "--labels and --ip need --namespace";
	if ((s->endpoint || s->ns) && s->node)
		return "--node is for node mode; it excludes --endpoint/--namespace";
	return NULL;
}

bool selection_host(const struct selection *s)
{
	return s->endpoint || s->ns;
}

bool selection_given(const struct selection *s)
{
	return s->endpoint || s->ns || s->labels || s->nips || s->node;
}

void compilation_init(struct compilation *c, const struct diag_wopts *w)
{
	memset(c, 0, sizeof(*c));
	diag_init(&c->diag);
	if (w)
		c->diag.w = *w;
	c->diag.caret = true;
	model_init(&c->model, &c->arena);
}

int compilation_read(struct compilation *c, const char *const *paths, size_t n,
		     const char *default_ns)
{
	struct frontend_opts fo;

	frontend_opts_default(&fo);
	fo.default_ns = default_ns;
	fo.policy_ns_optional = c->policy_ns_optional;
	frontend_load(&c->arena, &c->diag, &fo, paths, n, &c->model);
	return diag_has_errors(&c->diag) ? 1 : 0;
}

int compilation_host(struct compilation *c, const struct selection *s, const char **usage)
{
	if (!s || !s->ns)
		return 0;
	c->host = select_host(&c->arena, s->ns, s->labels, s->ips, s->nips, usage);
	return c->host ? 0 : 2;
}

/* add_host: c->host joins the model; a pod of the input with its name is an error. */
static void add_host(struct compilation *c)
{
	const struct pod *h = c->host;
	for (size_t i = 0; i < c->model.npods; i++) {
		const struct pod *p = c->model.pods[i];
		if (!strcmp(p->ns, h->ns) && !strcmp(p->name, h->name)) {
			diag_error(&c->diag, &p->loc,
				   "--namespace %s: the input has a pod %s/%s, the name the host "
				   "of --namespace/--labels/--ip takes",
				   h->ns, p->ns, p->name);
			return;
		}
	}
	model_add_pod(&c->model, c->host);
}

int compilation_finalize(struct compilation *c)
{
	if (diag_has_errors(&c->diag))
		return 1;
	if (c->host)
		add_host(c);
	if (diag_has_errors(&c->diag))
		return 1;
	model_finalize(&c->model, &c->diag);
	return diag_has_errors(&c->diag) ? 1 : 0;
}

int compilation_load(struct compilation *c, const char *const *paths, size_t n,
		     const char *default_ns)
{
	int rc = compilation_read(c, paths, n, default_ns);
	return rc ? rc : compilation_finalize(c);
}

/* host: the endpoint of host mode, or NULL (node mode); returns 0, 1 or 2 as resolve. */
static int host(struct compilation *c, const struct selection *s, const struct pod **out,
		const char **usage)
{
	*out = NULL;
	if (s->endpoint) {
		if (select_pod(&c->model, s->endpoint, out)) {
			*usage =
				arena_printf(&c->arena, "--endpoint takes NAMESPACE/NAME, not '%s'",
					     s->endpoint);
			return 2;
		}
		if (!*out) {
			struct loc l = loc_none(NULL);
			diag_error(&c->diag, &l,
				   "--endpoint %s: no such pod or workload in the input",
				   s->endpoint);
			return 1;
		}
	} else if (s->ns) {
		if (!c->host)
			BUG("--namespace without compilation_host before loading");
		*out = c->host;
	}
	return 0;
}

int compilation_resolve(struct compilation *c, const struct selection *s, const char **usage)
{
	struct resolve_opts ro = { 0 };
	int rc;

	if (s) {
		rc = host(c, s, &ro.host, usage);
		if (rc)
			return rc;
		ro.node = s->node;
	}
	rc = resolve(&c->ir, &c->model, &c->arena, &ro, &c->diag);
	c->have_ir = true; /* even after an error: released with the compilation */
	return rc ? 1 : 0;
}

int compilation_node(struct compilation *c, const char *const *paths, size_t n,
		     const char *default_ns)
{
	int rc = compilation_load(c, paths, n, default_ns);
	return rc ? rc : compilation_resolve(c, NULL, NULL);
}

int compilation_passes(struct compilation *c, FILE *stats, const char *stop_after)
{
	return passes_run(&c->ir, &c->diag, stats, stop_after) ? 1 : 0;
}

int compilation_flat(struct compilation *c)
{
	int rc = flat_build(&c->flat, &c->ir, &c->diag);
	c->have_flat = true; /* even after an error: released with the compilation */
	return rc ? 1 : 0;
}

int compilation_finish(struct compilation *c, int rc)
{
	diag_print(&c->diag, stderr);
	if (rc == 0 && diag_has_errors(&c->diag))
		rc = 1;
	return rc;
}

void compilation_release(struct compilation *c)
{
	if (c->have_flat)
		flat_release(&c->flat);
	if (c->have_ir)
		ir_release(&c->ir);
	model_release(&c->model);
	diag_release(&c->diag);
	arena_release(&c->arena);
}
