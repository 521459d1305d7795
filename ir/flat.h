/*
 * flat.h - the flat program: what a firewall enforces.
 *
 * The third IR level.  The endpoint IR (ir.h) says, per endpoint and
 * direction, which tiers of rules apply; rules name pods and address sets
 * and may overlap.  A firewall wants less: per *program* (a direction's
 * behaviour, shared by every endpoint that has it), an ordered list of
 * stages, each an ordered list of runs, each run a set of pairwise disjoint
 * elements with one verdict.  nftables, iptables and BPF emit from this and
 * contain only target syntax.
 *
 * Walking a program (the meaning every backend must keep):
 *
 *   for each stage, in order:
 *       for each run, in order: a packet matching any element of the run
 *           gets the run's action: allow ends the program (accept),
 *           deny ends it (drop), pass goes to the next stage;
 *       no run matched: the stage's end action: deny (drop), or pass
 *           (go to the next stage);
 *   after the last stage: allow.
 *
 * A stage is an applying tier of the endpoint IR; a run is a maximal
 * sequence of consecutive rules with one action (inside a run order does
 * not matter, so its rules are compiled into disjoint elements).  A run
 * with all[] set for both families matches everything: it closes its stage
 * (nothing after it is reachable, and there is no end action).
 *
 * Elements.  A rule without ports matches every protocol (ICMP included);
 * a rule with ports matches TCP, UDP and SCTP only.  So an element is one
 * of
 *
 *     FK_ADDR4/6   a prefix, every protocol
 *     FK_AP4/6     a prefix . protocol . inclusive port range
 *     FK_PORT      protocol . inclusive port range, every address
 *
 * plus all[0]/all[1]: every IPv4/IPv6 address, every protocol (then that
 * family's other elements are left out).  Within one kind the elements of
 * a run are disjoint and sorted; across kinds they may overlap (they share
 * the verdict).  The address is the peer's: the source for ingress, the
 * destination for egress.
 *
 * Programs are shared by content: two endpoints (or two policies) whose
 * compiled stages are equal get one program, and its runs carry the union
 * of the origins.  Programs are named and ordered by their content (id),
 * never by a running count.  Node mode adds the dispatch (dispatch.h): address ->
 * program, and the diagnostics about endpoints a firewall cannot tell
 * apart, produced once here for every backend.
 */
#ifndef NETPOLC_FLAT_H
#define NETPOLC_FLAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/addrset.h"
#include "ir/ir.h"
#include "ir/portset.h"
#include "lib/diag.h"
#include "lib/strbuf.h"

enum flat_kind { FK_ADDR4, FK_ADDR6, FK_AP4, FK_AP6, FK_PORT, NFK };

/* flat_kind_family: AF4 / AF6 for the address kinds, 0 for FK_PORT. */
int flat_kind_family(enum flat_kind k);
/* flat_kind_has_port: the kind carries a protocol and a port range. */
bool flat_kind_has_port(enum flat_kind k);

struct flat_elem {
	struct prefix px; /* address kinds */
	enum proto proto; /* port kinds */
	uint16_t lo, hi;  /* port kinds: inclusive */
};

struct flat_run {
	enum action action;
	bool all[2]; /* [0] every IPv4, [1] every IPv6 address, every protocol */
	struct flat_elem *el[NFK];
	size_t nel[NFK];
	/* the rules this run stands for: distinct, in order of first appearance */
	const struct origin **origins;
	size_t norigins;
};

struct flat_stage {
	const char *tier; /* the tier's name */
	/* the policies that make the stage apply, sorted (for "isolated by ...") */
	const struct policy **policies;
	size_t npolicies;
	struct flat_run *runs;
	size_t nruns;
	bool closed;	 /* the last run matches everything */
	enum action end; /* when not closed: ACT_DENY or ACT_PASS */
};

struct flat_prog {
	enum dir dir;
	size_t index; /* within the direction, in order of id */
	/*
	 * A name derived from the content alone: hex digits of a hash of the
	 * stages (12, or 16 when two programs share 12; a full collision adds
	 * "x" and a number).  A policy change renames only the programs whose
	 * content it changes, so compiled output diffs stay small.
	 */
	char id[40];
	uint64_t hash;
	struct flat_stage *stages;
	size_t nstages;
	const struct ir_endpoint **users; /* endpoints running it, in endpoint order */
	size_t nusers;
};

/* (address, endpoint) for node-mode dispatch (dispatch.c), sorted by address. */
struct flat_dispatch {
	struct addr a;
	size_t ep; /* index in ir->eps */
};

struct flat {
	const struct ir *ir;
	bool host_mode;
	struct flat_prog *progs[NDIR];
	size_t nprogs[NDIR];
	/* by endpoint index: program index + 1, or 0 (not enforced in that direction) */
	size_t *ep_prog[NDIR];
	/* by endpoint index: cannot be enforced in node mode (no address, host network) */
	bool *skip;
	/* node mode: every address of every enforced endpoint */
	struct flat_dispatch *disp;
	size_t ndisp;
	/* the rules the programs use, by rule id: peers as addresses, computed once */
	struct addrset *peers;
	bool *peers_done;
	bool *pod_warned; /* by pod index: "has no IP" already said */
};

/*
 * flat_build: lower ir (after the passes) into f.  Warns about pods left
 * out of address rules and endpoints that cannot be enforced; an address
 * held by two endpoints that node mode would have to tell apart is an
 * error.  Returns 0, or -1 after reporting an error (f is still released
 * with flat_release).
 */
int flat_build(struct flat *f, const struct ir *ir, struct diag *d);
void flat_release(struct flat *f);

/* flat_prog_of: the program of endpoint ep (index) in dir, or NULL. */
const struct flat_prog *flat_prog_of(const struct flat *f, size_t ep, enum dir dir);

/*
 * flat_eval: the verdict of program p for traffic with peer address a on
 * proto (an enum proto, or -1 for a protocol without ports) and port:
 * true allow, false deny.  A direct reading of the walk above, for tests
 * and tools; backends must mean the same.
 */
bool flat_eval(const struct flat_prog *p, const struct addr *a, int proto, uint16_t port);

/*
 * flat_origin_text: "ns/policy ingress[2]", "AdminNetworkPolicy name
 * egress[0]" for a cluster-scoped policy, "netpolc" for synthetic rules.
 */
void flat_origin_text(struct strbuf *sb, const struct origin *o);
/* flat_run_text: the first origin of a run and how many others it stands for ("... +3"). */
void flat_run_text(struct strbuf *sb, const struct flat_run *run);

#endif
