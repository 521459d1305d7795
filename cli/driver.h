/*
 * driver.h - one compilation: inputs -> finalised model -> endpoint IR ->
 * passes.  Everything a compilation owns lives in its struct, so several
 * can live side by side (diff compares two).
 *
 *     struct compilation c;
 *     compilation_init(&c, &wopts);
 *     rc = compilation_host(&c, &sel, &why);  (--namespace/--labels/--ip)
 *     if (!rc) rc = compilation_load(&c, paths, n, default_ns);
 *     if (!rc) rc = compilation_resolve(&c, &sel, &why);
 *     if (!rc) rc = compilation_passes(&c, NULL, NULL);
 *     if (!rc) rc = compilation_flat(&c);       (firewall backends)
 *     ...
 *     rc = compilation_finish(&c, rc);      (prints the diagnostics)
 *     compilation_release(&c);
 *
 * The steps return 0, or 1 when an error went to c->diag; resolve may
 * also return 2 for a selection the command line spelled wrong.
 */
#ifndef NETPOLC_DRIVER_H
#define NETPOLC_DRIVER_H

#include <stdbool.h>
#include <stdio.h>

#include "ir/flat.h"
#include "ir/ir.h"
#include "ir/model.h"
#include "lib/arena.h"
#include "lib/diag.h"

/*
 * Which endpoints to resolve.  Host mode: endpoint (an inventory pod,
 * "NS/NAME"), or ns with labels and ips (a host outside the input, which
 * joins the inventory as pod NS/host: see compilation_host).  Node mode:
 * neither; node limits it to the pods of one node.
 */
struct selection {
	const char *endpoint;
	const char *ns, *labels;
	const char **ips;
	size_t nips, aips;
	const char *node;
};

/* selection_check: NULL if the options of s go together, else why not. */
const char *selection_check(const struct selection *s);
/* selection_host: s asks for host mode (--endpoint or --namespace). */
bool selection_host(const struct selection *s);
/* selection_given: s asks for anything but node mode over every pod. */
bool selection_given(const struct selection *s);

struct compilation {
	struct arena arena;
	struct diag diag;
	struct model model;
	struct ir ir;
	bool have_ir;
	struct flat flat; /* after compilation_flat */
	bool have_flat;
	bool policy_ns_optional; /* set before loading: see struct frontend_opts */
	struct pod *host;	 /* the host of --namespace/--labels/--ip, or NULL */
};

/* compilation_init: an empty compilation; w (NULL: defaults) silences warnings or makes them
 * errors. */
void compilation_init(struct compilation *c, const struct diag_wopts *w);

/*
 * compilation_host: when s names a host outside the input (--namespace,
 * --labels, --ip), prepare it (c->host) to join the inventory when the
 * model is finalised: a member like any pod, matched by the peer
 * selectors of every policy and named NS/host by queries.  Call it
 * before compilation_load (or compilation_finalize); s may be NULL.
 * Returns 0, or 2 with *usage set (in the arena) for malformed labels or
 * addresses.
 */
int compilation_host(struct compilation *c, const struct selection *s, const char **usage);

/*
 * compilation_load: read paths[0..n) ("-": standard input) into the model, objects without a
 * namespace in default_ns (NULL: "default"), and finalise it.
 */
int compilation_load(struct compilation *c, const char *const *paths, size_t n,
		     const char *default_ns);

/*
 * compilation_read and compilation_finalize: compilation_load in two
 * steps, for a model read from several sources (diff: one version, then
 * the shared inventory).  compilation_finalize adds c->host to the model
 * first: an input pod of the same name is an error, and so is an address
 * it shares with an input pod (model_finalize's shared-address rule).
 */
int compilation_read(struct compilation *c, const char *const *paths, size_t n,
		     const char *default_ns);
int compilation_finalize(struct compilation *c);

/*
 * compilation_resolve: the endpoint IR for selection s (NULL: node mode
 * over every pod).  Returns 2 with *usage set (in the arena) when s names
 * its endpoint wrongly.
 */
int compilation_resolve(struct compilation *c, const struct selection *s, const char **usage);

/* compilation_node: compilation_load, then compilation_resolve in node mode over every pod. */
int compilation_node(struct compilation *c, const char *const *paths, size_t n,
		     const char *default_ns);

/*
 * compilation_passes: the IR passes; stats (may be NULL) gets one line per
 * pass; stop_after (may be NULL) names the last pass to run.
 */
int compilation_passes(struct compilation *c, FILE *stats, const char *stop_after);

/* compilation_flat: lower the IR to flat programs (c->flat), with their diagnostics. */
int compilation_flat(struct compilation *c);

/*
 * compilation_finish: print the queued diagnostics to stderr; rc, or 1 if
 * rc is 0 and an error was reported.
 */
int compilation_finish(struct compilation *c, int rc);

void compilation_release(struct compilation *c);

#endif
