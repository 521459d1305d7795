/*
 * backend.h - the output formats.
 *
 * A backend is one .c file and one row in backends/registry.c: its name,
 * level, kind of output, its own options and its emitter.  The emitter
 * writes one or more parts into a struct emit_out; the CLI commits them all
 * (or none, on any error) to their files.  Output must be deterministic:
 * the same input gives the same bytes.
 */
#ifndef NETPOLC_BACKEND_H
#define NETPOLC_BACKEND_H

#include "ir/flat.h"
#include "ir/ir.h"
#include "ir/model.h"
#include "lib/diag.h"
#include "lib/strbuf.h"

enum ir_level {
	LEVEL_MODEL,	/* works from the policy model; needs no inventory */
	LEVEL_ENDPOINT, /* works from the resolved endpoint IR */
	LEVEL_FLAT,	/* works from the flat programs (firewalls) */
};

enum out_kind {
	OUT_FILE, /* one file: -o FILE, or standard output */
	OUT_DIR,  /* files in a directory: -o DIR is required */
};

/* Flags of a backend option. */
enum {
	BOPT_REPEAT = 1, /* may be given several times: every value counts (emit_opt_all) */
	BOPT_HOST = 2,	 /* host mode only (--endpoint or --namespace): else a usage error */
};

/* An option of one backend: `compile -t NAME --name VALUE`. */
struct backend_opt {
	const char *name; /* long option without "--" */
	const char *arg;  /* argument name for usage ("NAME"); NULL: a flag */
	const char *help;
	const char *(*check)(const char *value); /* NULL, or a reason: usage error, exit 2 */
	unsigned flags;				 /* BOPT_* */
};

struct backend;

struct emit_ctx {
	const struct model *model;
	const struct ir *ir;	 /* NULL for LEVEL_MODEL backends */
	const struct flat *flat; /* LEVEL_FLAT backends only */
	const char *cmdline;	 /* the inputs as given, for header comments */
	bool stats;
	const struct backend *backend;
	const char *const *opt_values; /* parallel to backend->opts; NULL: not given; "" a flag */
	/* parallel to backend->opts: every value given, in order, NULL-terminated; may be NULL */
	const char *const *const *opt_lists;
};

/* emit_opt: the value given for the backend's option name, or NULL (a bug if undeclared). */
const char *emit_opt(const struct emit_ctx *ctx, const char *name);
/*
 * emit_opt_all: every value given for the backend's option name (a
 * BOPT_REPEAT option), in command-line order, NULL-terminated; never NULL.
 */
const char *const *emit_opt_all(const struct emit_ctx *ctx, const char *name);

/*
 * The parts of a backend's output.  Parts are allocated one by one, so a
 * strbuf pointer returned below stays valid until emit_out_release.
 */
struct emit_part {
	char *path;  /* NULL: the main part; else a file name in the directory, or a path */
	bool in_dir; /* path is a plain file name inside -o DIR */
	struct strbuf buf;
};

struct emit_out {
	struct emit_part **v;
	size_t n, alloc;
};

/* emit_main: the part of an OUT_FILE backend that goes to -o FILE or stdout. */
struct strbuf *emit_main(struct emit_out *o);
/* emit_file: the part of an OUT_DIR backend written to DIR/name (a plain file name). */
struct strbuf *emit_file(struct emit_out *o, const char *name);
/* emit_path: a part written to a path the user gave in a backend option. */
struct strbuf *emit_path(struct emit_out *o, const char *path);
void emit_out_release(struct emit_out *o);

struct backend {
	const char *name;
	const char *summary;
	enum ir_level level;
	enum out_kind out;
	const struct backend_opt *opts; /* terminated by a row with name NULL; may be NULL */
	int (*emit)(const struct emit_ctx *ctx, struct emit_out *out, struct diag *d);
	/*
	 * A NetworkPolicy without a namespace (and no -n) is written without
	 * one, for `kubectl apply -n`, instead of being an error (LEVEL_MODEL).
	 */
	bool policy_ns_optional;
};

extern const struct backend backends[];

/* The emitters, one per backends/<name>.c. */
int json_emit(const struct emit_ctx *ctx, struct emit_out *out, struct diag *d);
int dsl_emit(const struct emit_ctx *ctx, struct emit_out *out, struct diag *d);
int calico_emit(const struct emit_ctx *ctx, struct emit_out *out, struct diag *d);
int nft_emit(const struct emit_ctx *ctx, struct emit_out *out, struct diag *d);
int bpf_emit(const struct emit_ctx *ctx, struct emit_out *out, struct diag *d);
int ipt4_emit(const struct emit_ctx *ctx, struct emit_out *out, struct diag *d);
int ipt6_emit(const struct emit_ctx *ctx, struct emit_out *out, struct diag *d);
int k8s_emit(const struct emit_ctx *ctx, struct emit_out *out, struct diag *d);

/* nft_table_check: NULL if s can name an nftables table, else the reason. */
const char *nft_table_check(const char *s);
/* nft_priority_check: NULL if s is a hook priority we accept (nft.c). */
const char *nft_priority_check(const char *s);
/* nft_log_prefix_check / ipt_log_prefix_check: NULL if s can prefix logged drops. */
const char *nft_log_prefix_check(const char *s);
const char *ipt_log_prefix_check(const char *s);
/* ipt_prefix_check: NULL if s can prefix the names of our iptables chains, else the reason. */
const char *ipt_prefix_check(const char *s);
/* ipt_ipset_check: NULL if s can name the ipset file (a path, not standard output). */
const char *ipt_ipset_check(const char *s);

/* k8s_inventory_check: NULL if s can name the inventory file (a path, not standard output). */
const char *k8s_inventory_check(const char *s);

const struct backend *backend_find(const char *name);

#endif
