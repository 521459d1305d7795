/*
 * resolve.h - from the policy model to the endpoint IR.
 *
 * Resolves selectors against the inventory (through a label index, never
 * policies x pods), ipBlocks into address sets (cidr minus except), named
 * ports against the destination pod's container ports (ingress: the
 * endpoint itself; egress: each peer pod, splitting the rule by the number
 * the name resolves to), and isolation per direction.
 */
#ifndef NETPOLC_RESOLVE_H
#define NETPOLC_RESOLVE_H

#include "ir/ir.h"
#include "ir/model.h"
#include "lib/diag.h"

struct resolve_opts {
	/* host mode: the one endpoint, a pod of the finalised model */
	const struct pod *host;
	/* node mode: only pods with this spec.nodeName (NULL: all pods) */
	const char *node;
};

/*
 * resolve: fill ir (initialised here) from the finalised model m.  The IR
 * lives in arena a.  Returns 0, or -1 if an error was reported.
 */
int resolve(struct ir *ir, const struct model *m, struct arena *a, const struct resolve_opts *o,
	    struct diag *d);

/*
 * resolve_selected: the pods of namespace ns matching sel, host-network
 * pods excepted (no selector matches them), in a new sorted array
 * (malloc'ed, *n elements).  Used by the linter.
 */
uint32_t *resolve_selected(const struct model *m, const char *ns, const struct selector *sel,
			   size_t *n);

#endif
