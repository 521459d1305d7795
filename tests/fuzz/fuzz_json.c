/*
 * fuzz_json.c - libFuzzer target: arbitrary bytes through the JSON path
 * of frontend_load_buffer (input checks, reader, Kubernetes lowering) and
 * the diagnostic printer, with a fresh arena, diag and model every time.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend/frontend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct arena a = ARENA_INIT;
	struct diag d;
	struct model m;
	struct frontend_opts o;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	diag_init(&d);
	model_init(&m, &a);
	frontend_opts_default(&o);
	o.limits.max_nodes = 200000; /* keep alias-heavy inputs fast */
	o.default_ns = "default";
	frontend_load_buffer(&a, &d, &o, "fuzz.json", (const char *)data, size, &m);
	if (devnull)
		diag_print(&d, devnull);
	model_release(&m);
	diag_release(&d);
	arena_release(&a);
	return 0;
}
