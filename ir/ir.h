/*
 * ir.h - the endpoint IR: resolved rules for each endpoint and direction.
 *
 * For each endpoint (an inventory pod in node mode, or one host in host
 * mode) and each direction, an ordered list of tiers; each tier an ordered
 * list of rules.  Evaluation of one direction (eval.c):
 *
 *   for each tier that applies to the endpoint, in order:
 *       the first matching rule decides: allow or deny ends the walk,
 *       pass skips to the next tier;
 *       no rule matched: the tier's end action (deny, or pass = go on);
 *   no tier decided: allow.
 *
 * Kubernetes NetworkPolicy is one tier whose rules are all allow, that
 * applies iff a policy isolates the endpoint in that direction, and that
 * ends in deny.  Deny/pass and more tiers exist for other frontends.
 *
 * A rule's peer is: every peer (all_peers), or the union of a set of
 * inventory pods (identity: any address the pod has) and an address set.
 * Rules are shared: one ir_rule may be referenced by many endpoints, and
 * podsets are shared between rules; both are immutable once built.  The
 * IR and everything in it live in the arena, except the addrset/portset
 * arrays, which ir_release frees.
 */
#ifndef NETPOLC_IR_H
#define NETPOLC_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/addrset.h"
#include "ir/model.h"
#include "ir/portset.h"

/* A sorted set of pod indices (model->pods). */
struct podset {
	uint32_t *v;
	size_t n;
	size_t id; /* stable number, for output */
};

bool podset_contains(const struct podset *s, uint32_t pod);

struct origin {
	const struct policy *policy; /* NULL for synthetic rules */
	enum dir dir;
	int rule; /* index in policy->rules[dir]; -1: none */
	struct loc loc;
};

struct ir_rule {
	enum action action;
	bool all_peers;
	const struct podset *pods; /* may be NULL (no pods) */
	struct addrset nets;	   /* addresses (ipBlocks), normalised */
	struct portset ports;
	struct origin origin;	   /* the first (or only) rule this one stands for */
	const struct origin *more; /* the others, when a pass merged several rules */
	size_t nmore;
	size_t id; /* stable number, for output */
};

struct ir_tier {
	const char *name;
	enum action end_action; /* ACT_DENY or ACT_PASS */
	bool applies;
	const struct ir_rule **rules;
	size_t nrules;
	const struct policy **policies; /* the policies that make the tier apply, sorted */
	size_t npolicies;
};

struct ir_dir {
	struct ir_tier *tiers;
	size_t ntiers;
	bool isolated; /* some applying tier ends in deny */
};

struct ir_endpoint {
	const struct pod *pod; /* an inventory pod (or the host of --namespace/--labels/--ip) */
	struct ir_dir dir[NDIR];
	size_t group; /* endpoints with equal programs share a group number */
};

struct ir {
	const struct model *model;
	struct arena *arena;
	struct ir_endpoint *eps;
	size_t neps;
	bool host_mode;
	/* every rule and podset, in id order (for output and release) */
	struct ir_rule **rules;
	size_t nrules, arules;
	struct podset **podsets;
	size_t npodsets, apodsets;
	size_t ngroups;
};

/* ir_rule_new: a new rule registered in ir (id assigned). */
struct ir_rule *ir_rule_new(struct ir *ir, enum action act, const struct origin *o);
/* ir_podset_new: register a podset built by the caller (v in the arena). */
struct podset *ir_podset_new(struct ir *ir, uint32_t *v, size_t n);
void ir_release(struct ir *ir);

/* ir_rule_matches_nothing: r has no peer (no pod, no address, not all) or no port. */
bool ir_rule_matches_nothing(const struct ir_rule *r);

/* ir_dir_applies: some tier of d applies (the endpoint is selected in that direction). */
bool ir_dir_applies(const struct ir_dir *d);

/* ir_endpoint_name: "ns/name" of the endpoint's pod, in the arena. */
const char *ir_endpoint_name(const struct ir *ir, const struct ir_endpoint *ep);

#endif
