/*
 * fuzz_load.h - what the fuzz targets share: the frontend options they
 * load with, and the body of the input-path targets: arbitrary bytes
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

/* fuzz_frontend_opts: the defaults, fewer nodes (alias-heavy inputs stay fast), -n default. */
static void fuzz_frontend_opts(struct frontend_opts *o)
{
	frontend_opts_default(o);
	o->limits.max_nodes = 200000;
	o->default_ns = "default";
}

static inline int fuzz_load(const char *name, const uint8_t *data, size_t size)
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
	fuzz_frontend_opts(&o);
	frontend_load_buffer(&a, &d, &o, name, (const char *)data, size, &m);
	if (devnull)
		diag_print(&d, devnull);
	model_release(&m);
	diag_release(&d);
	arena_release(&a);
	return 0;
}

#endif
