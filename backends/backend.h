/*
 * backend.h - the output formats.
 *
 * A backend is one .c file and one row in backends/registry.c.  It writes
 * its whole output into a strbuf; the CLI commits it to the output file only
 * when no error was reported.  Output must be deterministic: the same input
 * gives the same bytes.
 */
#ifndef NETPOLC_BACKEND_H
#define NETPOLC_BACKEND_H

#include "ir/diag.h"
#include "ir/ir.h"
#include "ir/model.h"
#include "ir/strbuf.h"

enum ir_level {
	LEVEL_MODEL,	/* works from the policy model; needs no inventory */
	LEVEL_ENDPOINT, /* works from the resolved endpoint IR */
};

struct emit_opts {
	const char *table;	 /* nftables table name (default "netpolc") */
	const char *name_prefix; /* calico: metadata.name prefix ("knp.default.") */
	const char *cmdline;	 /* the inputs as given, for header comments */
	bool stats;
};

struct emit_ctx {
	const struct model *model;
	const struct ir *ir; /* NULL for LEVEL_MODEL backends */
	const struct emit_opts *opts;
};

struct backend {
	const char *name;
	const char *summary;
	enum ir_level level;
	int (*emit)(const struct emit_ctx *ctx, struct strbuf *out, struct diag *d);
};

extern const struct backend backends[];

/* The emitters, one per backends/<name>.c. */
int json_emit(const struct emit_ctx *ctx, struct strbuf *out, struct diag *d);
int calico_emit(const struct emit_ctx *ctx, struct strbuf *out, struct diag *d);
int nft_emit(const struct emit_ctx *ctx, struct strbuf *out, struct diag *d);

const struct backend *backend_find(const char *name);

#endif
