/*
 * review.h - connection sets between groups of peers (pods, workloads,
 * namespaces, external address classes) of one compiled IR, for `list`
 * and `diff`.
 *
 * A group's members are pod classes (conns.h) and external classes; the
 * set from group A to group B is the union over their member classes, and
 * is "uniform" when every pair of members has the same set.  Sets between
 * two classes are computed once (memoised), so a whole matrix costs one
 * conns_between per pair of classes, not per pair of pods.
 *
 * Grouping: --by pod lists pods (a workload's template pod only when the
 * workload has no real pod); --by workload folds a pod into the workload
 * it belongs to (struct pod's workload: named W-... and carrying the
 * template's labels); --by namespace groups by namespace.
 * External classes are groups of their own, named by their prefixes.
 */
#ifndef NETPOLC_REVIEW_H
#define NETPOLC_REVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "ir/conns.h"
#include "lib/arena.h"
#include "lib/strbuf.h"
#include "lib/strmap.h"

enum review_by { REVIEW_BY_POD, REVIEW_BY_WORKLOAD, REVIEW_BY_NAMESPACE };

struct review_group {
	const char *name;
	bool external;
	size_t *cls; /* member classes: pod classes, then next + external index */
	size_t ncls, acls;
	size_t npods;
	const struct pod *first; /* a pod of the group (NULL for an external one) */
};

struct review {
	const struct ir *ir;
	int family;
	struct conns_classes pc;
	const struct conns_ext *ext; /* borrowed */
	size_t next;
	struct review_group *g; /* pod groups sorted by name, then the external ones */
	size_t ng, npodg;
	struct strmap memo;
	struct conns **memo_v;
	size_t nmemo, amemo;
	struct arena *arena;
};

/* review_parse_by: "pod", "workload", "namespace"; -1 otherwise. */
int review_parse_by(const char *s);
void review_init(struct review *r, const struct ir *ir, int family, enum review_by by,
		 const struct conns_ext *ext, size_t next, struct arena *a);
void review_release(struct review *r);
/* review_find: the group called name, or SIZE_MAX. */
size_t review_find(const struct review *r, const char *name);
/*
 * review_between: the set from group i to group j into out (initialised
 * here); *uniform as above; *first (may be NULL) the pieces of the first
 * pair of members, for --explain.
 */
void review_between(struct review *r, size_t i, size_t j, struct connset *out, bool *uniform,
		    const struct conns **first);
/* review_peer: an eval peer for member class c of r. */
void review_peer(const struct review *r, size_t c, struct eval_peer *p);
/* review_origin: "NS/NAME DIR rule N (FILE:LINE:COL)" of rule, or the default of dir. */
void review_origin(const struct ir_rule *rule, enum dir dir, struct strbuf *out);
/*
 * review_verdict: why res is what it is: "allowed: EGRESS ORIGIN; allowed:
 * INGRESS ORIGIN", or "denied: " and what denied it (the side that did).
 */
void review_verdict(const struct eval_result *res, struct strbuf *out);

#endif
