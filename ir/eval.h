/*
 * eval.h - the evaluator: may src open a connection to dst on proto/port?
 *
 * The project's oracle.  `query`, `table` and `check` use it, and every
 * backend is tested against it.  A connection is allowed iff the egress
 * side of the source allows it and the ingress side of the destination
 * allows it (SEMANTICS rule 1); a side that is not an endpoint of the IR
 * (an external address) allows everything (rule 5).
 */
#ifndef NETPOLC_EVAL_H
#define NETPOLC_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"

/* One side of a connection: an inventory pod and/or an address. */
struct eval_peer {
	const struct pod *pod;	      /* NULL: not an inventory pod */
	const struct ir_endpoint *ep; /* its endpoint in the IR, or NULL */
	bool has_addr;
	struct addr addr; /* the address the traffic carries */
};

struct eval_side {
	bool allowed;
	bool isolated;
	const struct ir_rule *rule;   /* the deciding rule, or NULL (default verdict) */
	const struct ir_tier *tier;   /* the tier that decided, or NULL */
	const struct ir_rule *passed; /* the last Pass rule that sent it to a later tier, or NULL */
};

struct eval_result {
	bool allowed;
	struct eval_side
		side[NDIR]; /* [DIR_EGRESS]: the source's; [DIR_INGRESS]: the destination's */
};

/* eval_rule_matches: rule r matches traffic with peer on (proto, port). */
bool eval_rule_matches(const struct ir_rule *r, const struct eval_peer *peer, int proto,
		       uint16_t port);
/* eval_rule_peer_matches: rule r's peer part matches peer (ports not looked at). */
bool eval_rule_peer_matches(const struct ir_rule *r, const struct eval_peer *peer);
/*
 * eval_dir: the verdict of endpoint ep's direction dir for traffic with
 * peer on (proto, port).  proto is an enum proto, or -1 for a protocol
 * without ports (only rules whose portset is "any" match it).
 */
void eval_dir(const struct ir_endpoint *ep, enum dir dir, const struct eval_peer *peer, int proto,
	      uint16_t port, struct eval_side *out);
/* eval_conn: the whole verdict. */
bool eval_conn(const struct eval_peer *src, const struct eval_peer *dst, int proto, uint16_t port,
	       struct eval_result *out);

/*
 * eval_peer_pod: fill p for inventory pod pod (endpoint ep, may be NULL)
 * using its address of family (AF4/AF6), if it has one.
 */
void eval_peer_pod(struct eval_peer *p, const struct pod *pod, const struct ir_endpoint *ep,
		   int family);

#endif
