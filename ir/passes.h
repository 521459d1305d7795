/*
 * passes.h - the IR-to-IR passes and their runner.
 *
 * passes_run applies, in order, every pass of the table in passes.c to the
 * endpoint IR.  Every pass keeps the meaning: the evaluator gives the same
 * verdict before and after on every connection (tests assert this on random
 * policies).  With a stats stream, each pass reports what it did.
 */
#ifndef NETPOLC_PASSES_H
#define NETPOLC_PASSES_H

#include <stdbool.h>
#include <stdio.h>

#include "ir/ir.h"
#include "lib/diag.h"

/* Counts over the rules the endpoints use (each shared rule once). */
struct ir_counts {
	size_t rules, prefixes, port_ranges, lists, groups;
};

void ir_count(const struct ir *ir, struct ir_counts *c);

/* pass_merge: additive merge and subsumption, per run of same-action rules (merge.c). */
int pass_merge(struct ir *ir, struct diag *d);
/* pass_group: number endpoints whose programs are equal with one group (group.c). */
int pass_group(struct ir *ir, struct diag *d);

/*
 * passes_run: every pass in order, up to and including the one named
 * stop_after (NULL: all; "resolve": none); stats (may be NULL) gets one
 * line per pass.  Unless built with NDEBUG, ir_check runs after each pass.
 */
int passes_run(struct ir *ir, struct diag *d, FILE *stats, const char *stop_after);

/* passes_known: stop_after names a pass (or "resolve"). */
bool passes_known(const char *name);

/*
 * ir_check: the invariants every pass keeps; a broken one is a bug in the
 * pass that ran last (BUG() names it).  Rules are registered and referenced
 * by their id, podsets sorted and unique within the inventory, address and
 * port sets normalised, tiers well formed, isolation consistent with them.
 */
void ir_check(const struct ir *ir, const char *after);

#endif
