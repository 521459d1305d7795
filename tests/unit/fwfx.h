/*
 * fwfx.h - what the unit tests of the firewall backends (test_nft,
 * test_iptables) share: compile a hand-built IR (irfx.h) to flat programs,
 * emit them with one backend, make the text readable (names derived from
 * content replaced by stable test names, by the test's own function), and
 * look for lines in it.
 */
#ifndef NETPOLC_FWFX_H
#define NETPOLC_FWFX_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/backend.h"
#include "ir/flat.h"
#include "tests/unit/irfx.h"

/* fwfx_readable_fn: text with content-derived names replaced (malloc'ed); arg is the test's. */
typedef char *fwfx_readable_fn(const char *text, const struct flat *flat, const void *arg);

/*
 * fwfx_emit: builds the flat programs of x (host or node mode), emits them
 * with ctx->backend (ctx->flat is pointed at them), asserts the status
 * want_rc and replaces *text (freed first) with readable(main part).
 * Returns *text.
 */
const char *fwfx_emit(struct irfx *x, struct emit_ctx *ctx, bool host, int want_rc,
		      fwfx_readable_fn *readable, const void *arg, char **text);

/* fwfx_is_hex: p[0..n) are lower-case hex digits (content-derived names). */
bool fwfx_is_hex(const char *p, size_t n);
/* fwfx_assert_has, fwfx_assert_lacks: want is (is not) in text; prints text when it fails. */
void fwfx_assert_has(const char *text, const char *want);
void fwfx_assert_lacks(const char *text, const char *bad);
/* fwfx_count: occurrences of what in text, not overlapping. */
size_t fwfx_count(const char *text, const char *what);

#endif
