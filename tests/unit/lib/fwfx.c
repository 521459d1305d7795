/*
 * fwfx.c - the firewall backends' test fixture (see fwfx.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/fwfx.h"

const char *fwfx_emit(struct irfx *x, struct emit_ctx *ctx, bool host, int want_rc,
		      fwfx_readable_fn *readable, const void *arg, char **text)
{
	struct emit_out out = { 0 };
	struct flat flat = { 0 };
	int rc;

	ctx->flat = &flat;
	x->ir.host_mode = host;
	rc = flat_build(&flat, &x->ir, &x->d);
	if (!rc)
		rc = ctx->backend->emit(ctx, &out, &x->d);
	assert_int_equal(rc, want_rc);
	free(*text);
	*text = readable(emit_main(&out)->buf ? emit_main(&out)->buf : "", &flat, arg);
	ctx->flat = NULL;
	flat_release(&flat);
	emit_out_release(&out);
	return *text;
}

bool fwfx_is_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

void fwfx_assert_has(const char *text, const char *want)
{
	if (!strstr(text, want)) {
		fprintf(stderr, "---- output ----\n%s---- missing ----\n%s\n", text, want);
		fail();
	}
}

void fwfx_assert_lacks(const char *text, const char *bad)
{
	if (strstr(text, bad)) {
		fprintf(stderr, "---- output ----\n%s---- unexpected ----\n%s\n", text, bad);
		fail();
	}
}

size_t fwfx_count(const char *text, const char *what)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}
