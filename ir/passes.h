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

#include <stdio.h>

#include "ir/diag.h"
#include "ir/ir.h"

/* Counts over the rules the endpoints use (each shared rule once). */
struct ir_counts {
	size_t rules, prefixes, port_ranges, lists, groups;
};

void ir_count(const struct ir *ir, struct ir_counts *c);

/* pass_merge: additive merge and subsumption, per run of same-action rules (merge.c). */
int pass_merge(struct ir *ir, struct diag *d);
/* pass_group: number endpoints whose programs are equal with one group (group.c). */
int pass_group(struct ir *ir, struct diag *d);

/* passes_run: every pass in order; stats (may be NULL) gets one line per pass. */
int passes_run(struct ir *ir, struct diag *d, FILE *stats);

#endif
