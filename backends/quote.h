/*
 * quote.h - the one way user-derived text (names, paths, origins) reaches
 * a firewall script, shared by the nftables and iptables backends.
 */
#ifndef NETPOLC_QUOTE_H
#define NETPOLC_QUOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/strbuf.h"

/*
 * quote_text: append s (n bytes, NULs allowed) to out as one double-quoted
 * string, "...".  Only letters, digits and  -_./:[](),=@+  and the space
 * are copied; every other byte (quotes, backslashes, '%', '#', '$', ';',
 * control characters, newlines, NUL, non-ASCII) becomes %XX (upper-case
 * hex), so nothing inside can end the string, start an option or a line,
 * and the text can be decoded exactly.
 *
 * If max is not 0 and the escaped text is longer than max bytes, the
 * middle is cut: the start and the end are kept whole (never splitting a
 * %XX) around "~HHHHHHHH~", the FNV-1a hash of all n input bytes, so two
 * long names that differ only in the middle stay distinct.  The result
 * between the quotes is then at most max bytes; max must be 0 or >= 32.
 */
void quote_text(struct strbuf *out, const char *s, size_t n, size_t max);

/* quote_verbatim: quote_text copies every one of the n bytes at s unchanged. */
bool quote_verbatim(const char *s, size_t n);

#endif
