/*
 * conns.h - the exact set of connections one peer may open to another,
 * computed symbolically from the endpoint IR (never port by port).
 *
 * A connset is, per protocol with ports (TCP, UDP, SCTP), a set of port
 * ranges, plus whether the protocols without ports (ICMP and the rest) are
 * in.  conns_dir walks the tiers of one direction as eval_dir does, but for
 * every (protocol, port) at once: the still undecided set starts as
 * everything; each matching rule takes its share (allow: allowed, deny:
 * dropped, pass: carried to the next tier); the end of a tier drops (deny)
 * or carries (pass) what is left; what no tier decided is allowed.  Each
 * allowed piece keeps its deciding rule and tier, for --explain.
 *
 * Peer classes: two pods are interchangeable as source and as destination
 * when their endpoints have the same group (equal programs), they are in
 * the same podsets, and their address is in the same rule address sets;
 * conns_classes_build numbers those classes, so the cost of a matrix grows
 * with the number of classes, not with pods squared.  External peers are
 * the atoms of the address space cut by every rule's address set: two
 * addresses in the same atom are matched by the same rules.
 */
#ifndef NETPOLC_CONNS_H
#define NETPOLC_CONNS_H

#include <stdbool.h>
#include <stddef.h>

#include "ir/addrset.h"
#include "ir/eval.h"
#include "ir/ir.h"
#include "ir/portset.h"
#include "lib/strbuf.h"

struct connset {
	struct portset ports; /* never 'any': all ports of a protocol is 0-65535 */
	bool other;	      /* the protocols without ports */
};

void connset_init(struct connset *s);
void connset_release(struct connset *s);
/* connset_copy: dst is overwritten without being released. */
void connset_copy(struct connset *dst, const struct connset *src);
void connset_set_all(struct connset *s);
/* connset_from_ports: what a rule's portset matches ('any' is everything). */
void connset_from_ports(struct connset *s, const struct portset *p);
/* In place: a |= b, a -= b; out = a & b (out overwritten). */
void connset_merge(struct connset *a, const struct connset *b);
void connset_remove(struct connset *a, const struct connset *b);
void connset_intersect(struct connset *out, const struct connset *a, const struct connset *b);
bool connset_is_empty(const struct connset *s);
bool connset_is_all(const struct connset *s);
bool connset_equal(const struct connset *a, const struct connset *b);
/* connset_subset: a within b. */
bool connset_subset(const struct connset *a, const struct connset *b);
/* connset_contains: proto is an enum proto, or -1 for a protocol without ports. */
bool connset_contains(const struct connset *s, int proto, uint16_t port);
/* connset_format: "all", "none", or "TCP 80,8080-8090; UDP 53; other protocols". */
void connset_format(const struct connset *s, struct strbuf *out);
/* connset_json: "all" or [{"protocol":"TCP","ports":[[80,80]]},{"protocol":"other"}]. */
void connset_json(const struct connset *s, struct strbuf *out);

/* One allowed piece and the rule (or, for a default verdict, tier) deciding each side. */
struct conns_piece {
	struct connset set;
	const struct ir_rule *rule[NDIR]; /* NULL: the side allowed it by default */
};

struct conns {
	struct connset all; /* the union of the pieces */
	struct conns_piece *v;
	size_t n, a;
};

void conns_init(struct conns *c);
void conns_release(struct conns *c);
/*
 * conns_dir: what direction dir of ep allows with peer.  Pieces are
 * disjoint; rule[dir] is set, the other side is NULL.
 */
void conns_dir(const struct ir_endpoint *ep, enum dir dir, const struct eval_peer *peer,
	       struct conns *out);
/* conns_all: one piece, everything, allowed by default: the side of a peer that is no endpoint. */
void conns_all(struct conns *out);
/*
 * conns_join: what both sides allow, from the pieces of a source's egress
 * eg and of a destination's ingress in, each piece with its two rules.
 */
void conns_join(const struct conns *eg, const struct conns *in, struct conns *out);
/* conns_between: everything src may open to dst (egress of src and ingress of dst). */
void conns_between(const struct eval_peer *src, const struct eval_peer *dst, struct conns *out);

/* The pod classes of an IR (node mode: ir->eps[i] is model pod i). */
struct conns_classes {
	size_t *of;  /* per pod: its class */
	size_t *rep; /* per class: a pod of it */
	size_t npods, n;
};

void conns_classes_build(struct conns_classes *c, const struct ir *ir);
void conns_classes_release(struct conns_classes *c);

/* External atoms grouped by the rules that match them. */
struct conns_ext {
	struct addrset nets;
	struct addr rep; /* an address of nets */
};

/*
 * conns_ext_build: the external classes of family over the rules of every
 * IR in irs (so that old and new of a diff share them); *out is malloc'ed.
 */
void conns_ext_build(const struct ir *const *irs, size_t nirs, int family, struct conns_ext **out,
		     size_t *n);
void conns_ext_release(struct conns_ext *v, size_t n);

#endif
