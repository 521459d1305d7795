/*
 * fuzz_load.h - the body the input-path fuzz targets share: arbitrary bytes
 * through frontend_load_buffer under a file name whose suffix picks the
 * reader, then the diagnostic printer, with a fresh arena, diag and model
 * every time.  Included by exactly one .c per target.
 */
#ifndef NETPOLC_FUZZ_LOAD_H
#define NETPOLC_FUZZ_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend/frontend.h"

static int fuzz_load(const char *name, const uint8_t *data, size_t size)
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
	frontend_load_buffer(&a, &d, &o, name, (const char *)data, size, &m);
	if (devnull)
		diag_print(&d, devnull);
	model_release(&m);
	diag_release(&d);
	arena_release(&a);
	return 0;
}

#endif
