/*
 * dispatch.h - node mode: which endpoints a firewall on the forward path
 * can enforce, and the address -> endpoint table it dispatches by.
 *
 * In node mode an endpoint is recognised by its addresses only.  So an
 * endpoint without an address cannot be enforced: it is skipped with a
 * warning when a policy selects it.  A host-network pod is skipped
 * silently: no policy applies to it (ir/resolve.c), and its address is its
 * node's, whose traffic passes as an unknown address's does.  Two
 * endpoints holding one address cannot be told apart: an input error
 * (model_finalize).  The diagnostics are made here, once, for every
 * backend.
 */
#ifndef NETPOLC_DISPATCH_H
#define NETPOLC_DISPATCH_H

#include "ir/flat.h"
#include "lib/diag.h"

/* dispatch_mark: set f->skip for the endpoints node mode cannot enforce. */
void dispatch_mark(struct flat *f, struct diag *d);
/*
 * dispatch_build: f->disp, every address of every enforced endpoint,
 * sorted by address.  No two endpoints share one: model_finalize reports
 * that as an input error.
 */
void dispatch_build(struct flat *f);

#endif
