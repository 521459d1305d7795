/*
 * testlib.h - fixtures shared by the unit tests: load a YAML (or JSON)
 * string into a model and a node-mode endpoint IR, then ask verdicts by
 * pod name.
 *
 *     struct tl_ctx *c = tl_load(yaml);    (fails the test on any error)
 *     assert_true(tl_allowed(c, "x/a", "y/b", "tcp/80"));
 *     tl_assert_table(c, "udp/53", "x/a x/b", "*1\n0*\n");
 *     tl_release(c);
 *
 * Peers and ports are spelled as on the command line (ir/select.h): "NS/NAME"
 * (a Pod, or the template pod of a workload) or an IP address, which stands
 * for the inventory pod holding it; "[tcp|udp|sctp/]PORT" (tcp by default).
 * A verdict is the whole one: egress of the source AND ingress of the
 * destination (eval_conn).
 *
 * Everything a context holds (arena, diagnostics, model, IR, a copy of the
 * text) is freed by tl_release.  The functions that take a peer or a port
 * fail the current cmocka test on a name that does not resolve, so they
 * are for use inside cmocka tests only.
 */
#ifndef NETPOLC_TESTLIB_H
#define NETPOLC_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>

#include "frontend/frontend.h"
#include "ir/eval.h"
#include "ir/ir.h"
#include "ir/model.h"
#include "lib/arena.h"
#include "lib/diag.h"

/*
 * A frontend fixture for cmocka setup/teardown: an arena, a diagnostic
 * queue, an empty model and default frontend options; out is a buffer the
 * test may fill (freed by tl_fx_teardown).
 */
struct tl_fx {
	struct arena a;
	struct diag d;
	struct model m;
	struct frontend_opts o;
	char *out;
};

int tl_fx_setup(void **state);
int tl_fx_teardown(void **state);
/*
 * tl_fx_diags: every diagnostic queued in f->d as printed, without source
 * lines, into f->out (the queue is emptied).
 */
const char *tl_fx_diags(struct tl_fx *f);

struct tl_ctx {
	struct arena arena;
	struct diag diag; /* every record of loading and resolving (printed only on failure) */
	struct model model;
	struct ir ir;
	bool have_ir; /* loading, finalising and resolving reported no error */
	char *text;   /* the input, owned (NULL when read from files) */
	char **paths; /* the file paths, owned */
	size_t npaths;
};

/*
 * tl_parse: load text (named "test.yaml") through frontend_load_buffer,
 * model_finalize and, when no error was reported, resolve in node mode.
 * Never fails the test: check tl_errors() / have_ir.  Never returns NULL.
 */
struct tl_ctx *tl_parse(const char *text);

/* tl_load: tl_parse, and fail the test (printing the diagnostics) on any error. */
#define tl_load(text) tl_load_at((text), __FILE__, __LINE__)
struct tl_ctx *tl_load_at(const char *text, const char *file, int line);

/*
 * tl_parse_files / tl_load_files: the same for files and directories, read
 * through frontend_load (a NULL-terminated list of paths).  Relative paths
 * are taken from the top of the source tree (tl_top), so the tests may run
 * from any directory.
 */
struct tl_ctx *tl_parse_files(const char *const *paths);
#define tl_load_files(...) tl_load_files_at(__FILE__, __LINE__, __VA_ARGS__, (const char *)NULL)
struct tl_ctx *tl_load_files_at(const char *file, int line, ...);

/*
 * tl_top: the top of the source tree: $NETPOLC_TOP if set, else the first of
 * ".", "..", "../.." that holds tests/unit/testlib.h, else the tree the test
 * binary was built in (BUILD/tests/NAME).  A static string.
 */
const char *tl_top(void);

void tl_release(struct tl_ctx *c);

/*
 * tl_lint: run the `netpolc check` linter (lint_run) over the context, which
 * must have an IR; its warnings join the context's diagnostics.
 */
void tl_lint(struct tl_ctx *c);

/* tl_errors / tl_warnings: how many errors / warnings were reported. */
size_t tl_errors(const struct tl_ctx *c);
size_t tl_warnings(const struct tl_ctx *c);
/* tl_diag_count: records of level whose message contains needle (notes not counted). */
size_t tl_diag_count(const struct tl_ctx *c, enum diag_level level, const char *needle);
/* tl_diag_dump: print every queued record to stderr without emptying the queue. */
void tl_diag_dump(const struct tl_ctx *c);

/*
 * tl_peer: fill p for a peer spelled as above, with the address of family
 * (AF4/AF6) for a pod (none if the pod has no address of that family).
 */
void tl_peer(struct tl_ctx *c, const char *spec, int family, struct eval_peer *p);

/*
 * tl_eval: the verdict for src -> dst on port over family (0: the family of
 * an IP literal among the peers, else IPv4); details in *res if not NULL.
 */
bool tl_eval(struct tl_ctx *c, const char *src, const char *dst, const char *port, int family,
	     struct eval_result *res);

/* tl_allowed: tl_eval with the default family and no details. */
bool tl_allowed(struct tl_ctx *c, const char *src, const char *dst, const char *port);
/* tl_allowed_af: the same over family AF4 or AF6. */
bool tl_allowed_af(struct tl_ctx *c, const char *src, const char *dst, const char *port,
		   int family);

/*
 * tl_reason: for direction dir of the verdict (DIR_EGRESS: the source's,
 * DIR_INGRESS: the destination's), the name of the policy that decided:
 * the policy of the allowing rule, else the first policy isolating that
 * side; NULL when that side is not isolated.
 */
const char *tl_reason(struct tl_ctx *c, const char *src, const char *dst, const char *port,
		      enum dir dir);

/*
 * tl_assert_table: the truth table over the peers listed in pods (separated
 * by spaces; NULL: every inventory pod in model order) must equal want:
 * one line per source, one character per destination, '1' allowed, '0'
 * denied, '*' not judged (loopback, SEMANTICS rule 26).  Spaces in want are
 * ignored.  On a mismatch prints both tables and fails the test.
 */
#define tl_assert_table(c, port, pods, want) \
	tl_assert_table_at((c), (port), (pods), (want), 0, __FILE__, __LINE__)
#define tl_assert_table_af(c, port, pods, want, family) \
	tl_assert_table_at((c), (port), (pods), (want), (family), __FILE__, __LINE__)
void tl_assert_table_at(struct tl_ctx *c, const char *port, const char *pods, const char *want,
			int family, const char *file, int line);

#endif
