/*
 * calico.h - Calico (projectcalico.org/v3) input: the selector parser
 * (frontend/calico_sel.c) and the lowering of NetworkPolicy,
 * GlobalNetworkPolicy, HostEndpoint and Tier objects into the policy model
 * (frontend/calico.c).  docs/calico.md says what is accepted and what is an
 * error.
 */
#ifndef NETPOLC_FRONTEND_CALICO_H
#define NETPOLC_FRONTEND_CALICO_H

#include <stdbool.h>
#include <stddef.h>

#include "frontend/frontend.h"
#include "frontend/node.h"
#include "ir/model.h"
#include "ir/selexpr.h"
#include "lib/arena.h"
#include "lib/diag.h"

/* The longest selector text read (bytes); Calico's own CRD limit is 1024. */
#define CALICO_SEL_MAX_LEN 65536
/* The deepest nesting of parentheses in a selector. */
#define CALICO_SEL_MAX_DEPTH 64
/* The longest label name Calico's tokenizer accepts. */
#define CALICO_LABEL_MAX 512

/*
 * calico_sel_parse: Calico selector text (len bytes, not necessarily
 * NUL-terminated) into an expression tree in the arena, with Calico's
 * syntax and precedence ('!' binds tighter than '&&', which binds tighter
 * than '||').  Text with nothing but blanks is all().  loc is the location
 * of the scalar holding the text: when the source registered in d shows the
 * text verbatim there (plain or quoted, no escapes), errors point at the
 * offending column inside it, else at loc.  Every node's loc is located the
 * same way.  Reports the first syntax error and returns NULL; the tree
 * otherwise.
 */
const struct sel_expr *calico_sel_parse(struct arena *a, struct diag *d, const struct loc *loc,
					const char *text, size_t len);

/*
 * calico_document: doc is a Calico object (apiVersion projectcalico.org/...),
 * or a v1 List holding at least one: calico_lower reads it, k8s_lower the
 * rest.  doc may be NULL.
 */
bool calico_document(const struct node *doc);

/*
 * calico_lower: one document (a Calico object, a Calico typed list such as
 * NetworkPolicyList, or a v1 List mixing Calico and Kubernetes objects,
 * whose Kubernetes items go to k8s_lower) into the model.  Reports every
 * problem; returns 0 or -1.  Tier references are resolved by
 * model_finalize.
 */
int calico_lower(struct arena *a, struct diag *d, const struct frontend_opts *o,
		 const struct node *doc, struct model *m);

#endif
