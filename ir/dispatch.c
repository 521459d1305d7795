/*
 * dispatch.c - node-mode dispatch and its diagnostics (see dispatch.h).
 */
#include "ir/dispatch.h"

#include <stdlib.h>

#include "lib/util.h"

void dispatch_mark(struct flat *f, struct diag *d)
{
	for (size_t i = 0; i < f->ir->neps; i++) {
		const struct ir_endpoint *ep = &f->ir->eps[i];
		const struct pod *p = ep->pod;
		/*
		 * A host-network pod is never isolated (ir/resolve.c) and its
		 * address is its node's: nothing to dispatch, the node's
		 * traffic passes as any unknown address's does.
		 */
		if (p->host_network) {
			f->skip[i] = true;
			continue;
		}
		if (p->nips)
			continue;
		f->skip[i] = true;
		if (p->folded)
			continue; /* its workload's pods have the rules */
		if (ir_dir_applies(&ep->dir[DIR_INGRESS]) || ir_dir_applies(&ep->dir[DIR_EGRESS]))
			diag_warning(
				d,
				p->workload_kind ? DIAG_W_TEMPLATE_MISSING_IP : DIAG_W_MISSING_IP,
				&p->loc,
				"%s/%s has no IP address: no firewall rules for it (its traffic "
				"cannot be matched in node mode)",
				p->ns, p->name);
	}
}

static int dispatch_cmp(const void *a, const void *b)
{
	const struct flat_dispatch *x = a, *y = b;
	int c = addr_cmp(&x->a, &y->a);
	return c ? c : (x->ep > y->ep) - (x->ep < y->ep);
}

void dispatch_build(struct flat *f)
{
	size_t a = 0;

	for (size_t i = 0; i < f->ir->neps; i++) {
		const struct pod *p = f->ir->eps[i].pod;
		if (f->skip[i])
			continue;
		for (size_t j = 0; j < p->nips; j++) {
			VEC_GROW(f->disp, f->ndisp + 1, a);
			f->disp[f->ndisp].a = p->ips[j];
			f->disp[f->ndisp].ep = i;
			f->ndisp++;
		}
	}
	if (f->ndisp)
		xqsort(f->disp, f->ndisp, sizeof(*f->disp), dispatch_cmp);
	for (size_t i = 1; i < f->ndisp; i++)
		if (!addr_cmp(&f->disp[i - 1].a, &f->disp[i].a) &&
		    f->disp[i - 1].ep != f->disp[i].ep)
			BUG("two endpoints share an address (model_finalize reports it)");
}
