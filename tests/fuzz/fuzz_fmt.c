/*
 * fuzz_fmt.c - libFuzzer target: netpolc fmt on arbitrary bytes.  Any text
 * the policy language reader accepts must tokenize, format to the same
 * tokens (only white space changes) and format again to itself; anything
 * else aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/dsl.h"
#include "frontend/frontend.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct arena a = ARENA_INIT;
	struct strbuf once = STRBUF_INIT, twice = STRBUF_INIT;
	struct dsl_token *t = NULL, *u = NULL;
	size_t nt = 0, nu = 0;
	struct frontend_opts o;
	struct diag d;
	struct model m;

	diag_init(&d);
	model_init(&m, &a);
	frontend_opts_default(&o);
	o.default_ns = "default";
	/* no includes: a reader-less buffer; the BOM is the loader's to drop */
	if (!(size >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) && memchr(text, '\0', size) == NULL &&
	    !frontend_load_buffer(&a, &d, &o, "fuzz.np", text, size, &m)) {
		if (dsl_tokens(&a, "fuzz.np", text, size, &t, &nt))
			BUG("a text that parses does not tokenize");
		dsl_format(t, nt, &once);
		if (dsl_tokens(&a, "fmt.np", once.buf, once.len, &u, &nu) ||
		    !dsl_tokens_equal(t, nt, u, nu))
			BUG("formatting changed more than white space");
		dsl_format(u, nu, &twice);
		if (strcmp(once.buf, twice.buf))
			BUG("formatting is not idempotent");
	}
	free(t);
	free(u);
	strbuf_release(&once);
	strbuf_release(&twice);
	model_release(&m);
	diag_release(&d);
	arena_release(&a);
	return 0;
}
