/*
 * lint.h - `netpolc check`: warnings for likely mistakes in valid policy.
 *
 * Each warning is located at the policy or rule it is about.  Needs the
 * finalised model and its node-mode IR (every inventory pod an endpoint).
 */
#ifndef NETPOLC_LINT_H
#define NETPOLC_LINT_H

#include "ir/ir.h"
#include "ir/model.h"
#include "lib/diag.h"

void lint_run(const struct model *m, const struct ir *ir, struct diag *d);

#endif
