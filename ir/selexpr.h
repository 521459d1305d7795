/*
 * selexpr.h - Calico selector expressions and their matching.
 *
 * The tree a Calico frontend builds from text like
 *   projectcalico.org/orchestrator == 'k8s' && (app in {'a', 'b'} || !has(legacy))
 * Matching follows Calico's selector documentation: `!=` and `not in` also
 * match when the key is absent; contains / starts with / ends with need the
 * key.  Besides its own labels, an endpoint has the labels Calico gives it:
 * a pod projectcalico.org/orchestrator=k8s and projectcalico.org/namespace=
 * <its namespace>; a namespace (in a namespaceSelector)
 * projectcalico.org/name=<its name>.  all() matches everything; global()
 * matches only non-namespaced things (host endpoints).
 */
#ifndef NETPOLC_SELEXPR_H
#define NETPOLC_SELEXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "ir/model.h"
#include "lib/diag.h"

enum selexpr_op {
	SX_ALL,
	SX_GLOBAL,
	SX_HAS,
	SX_EQ,
	SX_NE,
	SX_IN,
	SX_NOT_IN,
	SX_CONTAINS,
	SX_STARTS,
	SX_ENDS,
	SX_AND,
	SX_OR,
	SX_NOT,
};

struct sel_expr {
	enum selexpr_op op;
	struct loc loc;
	const char *key;
	const char *value;   /* EQ NE CONTAINS STARTS ENDS */
	const char **values; /* IN NOT_IN */
	size_t nvalues;
	const struct sel_expr *a, *b; /* AND OR (a, b); NOT (a) */
};

enum selexpr_target { SELX_POD, SELX_NAMESPACE, SELX_HOST };

/*
 * selexpr_match: e against labels ls of a target; name is the pod's
 * namespace (SELX_POD) or the namespace's name (SELX_NAMESPACE).
 */
bool selexpr_match(const struct sel_expr *e, const struct labelset *ls, const char *name,
		   enum selexpr_target t);

#endif
