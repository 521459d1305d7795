/*
 * nft.h - helpers of the nftables backend that tests reach directly.
 *
 * nft_emit itself is declared in backend.h with the other emitters.
 */
#ifndef NETPOLC_NFT_H
#define NETPOLC_NFT_H

#include <stddef.h>

#include "lib/strbuf.h"

/* NFT_COMMENT_MAX: the longest comment nft accepts on a rule (bytes). */
#define NFT_COMMENT_MAX 128

/*
 * nft_quote: append s (n bytes, NULs allowed) to out as one nft quoted
 * string, "...".  This is the only way user-derived text reaches the
 * script.  nft's scanner takes a quoted string to be everything up to the
 * next '"' with no escape mechanism, so nothing can be passed through that
 * could end the string: only letters, digits and  -_./:[](),=@+  and the
 * space are copied; every other byte (quotes, backslashes, '%', '#', '$',
 * control characters, newlines, NUL, non-ASCII) becomes %XX (upper-case
 * hex), so the text stays readable and can be decoded exactly.
 *
 * If max is not 0 and the escaped text is longer than max bytes, the
 * middle is cut: the start and the end are kept whole (never splitting a
 * %XX) around "~HHHHHHHH~", the FNV-1a hash of all n input bytes, so two
 * long names that differ only in the middle stay distinct.  The result
 * between the quotes is then at most max bytes; max must be 0 or >= 32.
 */
void nft_quote(struct strbuf *out, const char *s, size_t n, size_t max);

/*
 * nft_inline_max: a set of at most this many elements is written as plain
 * rules, one per element (default 3; 0 keeps every set).  For tests.
 */
extern unsigned nft_inline_max;

#endif
