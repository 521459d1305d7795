/*
 * review.h - connection sets between groups of peers (pods, workloads,
 * namespaces, external address classes) of one compiled IR, for `list`
 * and `diff`.
 *
 * A group's members are pod classes (conns.h) and external classes; the
 * set from group A to group B is the union over their member classes, and
 * is "uniform" when every pair of members has the same set.  review_init
 * computes the set of every pair of classes (the class matrix): a side (a
 * class's egress or ingress towards a peer class) depends only on which of
 * its rules the peer matches, so it is computed once per such combination
 * and numbered by content, and a pair's connections once per pair of side
 * contents; the rest is one lookup per pair of classes.  Lists and diffs
 * then walk groups through the classes that are connected (or changed),
 * so their cost grows with classes and with the output, not with pods
 * squared.
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
#include <stdint.h>

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
	/*
	 * The class matrix: for classes a and b (pod classes, then next +
	 * external index), pair[a * nc + b] is the index in res of the
	 * connections from a to b; results are shared by every pair with the
	 * same two sides, and res_set[k] numbers the distinct sets (sets[]).
	 */
	size_t nc;
	uint32_t *pair;
	struct conns **res;
	uint32_t *res_set;
	size_t nres;
	struct connset *sets;
	size_t nsets;
	size_t *cg_off, *cg;  /* the groups holding each class (CSR) */
	size_t *pod_g;	      /* per pod: its group (SIZE_MAX: folded into others) */
	size_t *stamp, clock; /* per set and per group: last use, for unions without repeats */
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
/*
 * review_targets: the groups j with a non-empty set from group i (to i
 * when to_i), ascending, into *out (malloc'ed); how many.  A list or a diff
 * walks these instead of every group: the cost follows the connections.
 */
size_t review_targets(struct review *r, size_t i, bool to_i, size_t **out);

/* One pair of groups whose set differs between two versions (review_diff). */
struct review_change {
	const char *from, *to;
	size_t side_from[2], side_to[2]; /* group indices in old and new (SIZE_MAX: absent) */
	struct connset os, ns;
};

/*
 * review_diff: every pair of groups (by name, over both versions r[0] and
 * r[1], which share their external classes) whose set differs, sorted by
 * from then to names; *out malloc'ed, each change's sets to release.
 * Only the pairs of classes whose set changed, and the groups whose pods
 * changed, are looked at.
 */
size_t review_diff(struct review r[2], struct review_change **out);

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
