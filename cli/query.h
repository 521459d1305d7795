/*
 * query.h - one connection as "netpolc query" and "netpolc test" name it:
 * two peers (NAMESPACE/NAME or an address) and a port (a number, or a
 * container port name of the destination pod), resolved in a compilation
 * in node mode over every pod, judged by the evaluator (ir/eval.h) and
 * explained: the deciding policy and rule of each side.  One
 * implementation for both commands, so a test file's verdicts are
 * exactly query's.
 */
#ifndef NETPOLC_QUERY_H
#define NETPOLC_QUERY_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/driver.h"
#include "ir/eval.h"

struct query {
	/* what is asked; the strings must outlive the query */
	const char *spec[2]; /* the source and the destination */
	const char *what[3]; /* how messages name them and the port: "--from", "--to", "--port" */
	const struct loc *at[3]; /* where they are written; NULL: the command line */
	int proto;
	uint16_t port;	       /* ignored when port_name is set */
	const char *port_name; /* a named port (select_port_named), or NULL */
	int family;	       /* AF4 or AF6; 0: the first both peers have */
	/* the answer, after query_run */
	struct eval_peer src, dst;
	struct eval_result res;
};

/*
 * query_run: resolve q's peers and named port in comp (after
 * compilation_node) and evaluate the connection.  Returns 0; 1 after an
 * error reported to comp->diag; -1 (nothing reported) when spec[0], -2
 * when spec[1] is neither NAMESPACE/NAME nor an address.
 */
int query_run(struct compilation *comp, struct query *q);

/* query_headline: "TCP/80 from NS/NAME (ADDR) to ADDR" (in arena a). */
const char *query_headline(struct arena *a, const struct query *q);
/* query_explain: the lines that say why each side decided, each indented by two spaces. */
void query_explain(struct arena *a, const struct query *q, FILE *f);
/*
 * query_json: {"allowed","protocol","port",["named_port"],"from","to",
 * "egress","ingress"} (see README); the caller owns the reference.
 */
json_t *query_json(struct arena *a, const struct query *q);

#endif
