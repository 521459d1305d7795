/*
 * inventory.c - list the pods of some netpolc inputs with their addresses,
 * read with netpolc's own frontend (so the bench needs no YAML parser).
 *
 *     inventory PATH...
 *
 * Prints one line per inventory pod, in the model's order:
 *
 *     ns/name IPV4|- IPV6|- HOSTNET
 *
 * with the pod's first address of each family and 1/0 for hostNetwork.
 * Exit status 1 (diagnostics on stderr) if the inputs do not load.
 */
#include <stdio.h>

#include "frontend/frontend.h"
#include "ir/model.h"
#include "lib/arena.h"
#include "lib/diag.h"

int main(int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct model m;
	struct diag d;
	struct frontend_opts fo;
	int rc = 0;

	diag_init(&d);
	model_init(&m, &a);
	frontend_opts_default(&fo);
	if (frontend_load(&a, &d, &fo, (const char *const *)argv + 1, (size_t)argc - 1, &m) ||
	    model_finalize(&m, &d) || diag_has_errors(&d)) {
		diag_print(&d, stderr);
		rc = 1;
	} else {
		for (size_t i = 0; i < m.npods; i++) {
			const struct pod *p = m.pods[i];
			const struct addr *v4 = pod_addr(p, AF4), *v6 = pod_addr(p, AF6);
			char b4[ADDR_STRLEN], b6[ADDR_STRLEN];
			printf("%s/%s %s %s %d\n", p->ns, p->name, v4 ? addr_format(v4, b4) : "-",
			       v6 ? addr_format(v6, b6) : "-", p->host_network ? 1 : 0);
		}
	}
	model_release(&m);
	diag_release(&d);
	arena_release(&a);
	return rc;
}
