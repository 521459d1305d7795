/*
 * fuzz_calico_sel.c - libFuzzer target: arbitrary bytes through the Calico
 * selector parser, and every tree it accepts matched against a few label
 * sets (so matching is fuzzed on every shape the parser can build).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend/calico.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct arena a = ARENA_INIT;
	struct diag d;
	struct loc loc = { 0 };
	const struct sel_expr *e;
	struct label labels[] = {
		{ "app", "web", { .file = "fuzz", .line = 1, .col = 1 } },
		{ "projectcalico.org/orchestrator",
		  "k8s",
		  { .file = "fuzz", .line = 1, .col = 1 } },
		{ "tier", "", { .file = "fuzz", .line = 1, .col = 1 } },
	};
	struct labelset sets[] = { { NULL, 0 }, { labels, 1 }, { labels, 3 } };

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	diag_init(&d);
	loc.file = diag_source(&d, "fuzz.yaml", (const char *)data, size);
	loc.line = 1;
	loc.col = 1;
	e = calico_sel_parse(&a, &d, &loc, (const char *)data, size);
	if (e) {
		for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
			(void)selexpr_match(e, &sets[i], "ns", SELX_POD);
			(void)selexpr_match(e, &sets[i], "ns", SELX_NAMESPACE);
			(void)selexpr_match(e, &sets[i], "", SELX_HOST);
		}
	}
	if (devnull)
		diag_print(&d, devnull);
	diag_release(&d);
	arena_release(&a);
	return 0;
}
