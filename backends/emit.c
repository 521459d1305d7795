/*
 * emit.c - the parts of a backend's output and the values of its options.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "lib/util.h"

/* opt_index: the index of option name in the backend's table (a bug if undeclared). */
static size_t opt_index(const struct emit_ctx *ctx, const char *name)
{
	const struct backend_opt *o = ctx->backend ? ctx->backend->opts : NULL;
	for (size_t i = 0; o && o[i].name; i++)
		if (!strcmp(o[i].name, name))
			return i;
	BUG("option --%s is not declared by the backend", name);
}

const char *emit_opt(const struct emit_ctx *ctx, const char *name)
{
	size_t i = opt_index(ctx, name);
	return ctx->opt_values ? ctx->opt_values[i] : NULL;
}

const char *const *emit_opt_all(const struct emit_ctx *ctx, const char *name)
{
	static const char *const none[] = { NULL };
	size_t i = opt_index(ctx, name);
	return ctx->opt_lists && ctx->opt_lists[i] ? ctx->opt_lists[i] : none;
}

/* part: the part called path (NULL: the main part) and in_dir, added if missing. */
static struct strbuf *part(struct emit_out *o, const char *path, bool in_dir)
{
	struct emit_part *p;
	for (size_t i = 0; i < o->n; i++) {
		p = o->v[i];
		if (p->in_dir == in_dir &&
		    (p->path && path ? !strcmp(p->path, path) : p->path == path))
			return &p->buf;
	}
	p = xcalloc(1, sizeof(*p));
	p->path = path ? xstrdup(path) : NULL;
	p->in_dir = in_dir;
	strbuf_init(&p->buf);
	VEC_PUSH(o->v, o->n, o->alloc, p);
	return &p->buf;
}

struct strbuf *emit_main(struct emit_out *o)
{
	return part(o, NULL, false);
}

struct strbuf *emit_file(struct emit_out *o, const char *name)
{
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		BUG("emit_file: '%s' is not a plain file name", name);
	return part(o, name, true);
}

struct strbuf *emit_path(struct emit_out *o, const char *path)
{
	return part(o, path, false);
}

void emit_out_release(struct emit_out *o)
{
	for (size_t i = 0; i < o->n; i++) {
		strbuf_release(&o->v[i]->buf);
		free(o->v[i]->path);
		free(o->v[i]);
	}
	free(o->v);
	memset(o, 0, sizeof(*o));
}
