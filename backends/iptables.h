/*
 * iptables.h - helpers of the iptables backend that tests reach directly.
 *
 * ipt4_emit / ipt6_emit are declared in backend.h with the other emitters.
 */
#ifndef NETPOLC_IPTABLES_H
#define NETPOLC_IPTABLES_H

#include <stddef.h>

#include "backends/backend.h"
#include "ir/flat.h"
#include "lib/strbuf.h"

/*
 * IPT_SET_MIN: with ipsets, a run's peer prefixes (of one kind, or of one
 * port list) go into a hash:net set when there are at least this many.  A
 * hash:net lookup costs one hash probe per distinct prefix length in the
 * set plus the set match's own overhead, about what a handful of linear
 * -s comparisons cost; below that, plain rules are as fast and need no
 * second file.
 */
#define IPT_SET_MIN 8

/* IPT_COMMENT_MAX: the longest comment xt_comment keeps (256 bytes, NUL included). */
#define IPT_COMMENT_MAX 255

/*
 * ipt_comment: append ` -m comment --comment "..."` carrying text, through
 * quote_text() (backends/quote.h), cut with a visible ~HASH~ marker to
 * IPT_COMMENT_MAX.  The only way user text reaches a rule.
 */
void ipt_comment(struct strbuf *out, const char *text);

/*
 * ipt_ports_fit: how many of the n port elements el[] (from the first)
 * one rule can match: equal protocols, at most 15 multiport slots, a range
 * taking two.  At least 1 when n > 0.
 */
size_t ipt_ports_fit(const struct flat_elem *el, size_t n);
/* ipt_ports: append the protocol and port match of n elements that fit one rule. */
void ipt_ports(struct strbuf *out, const struct flat_elem *el, size_t n);

/*
 * The --ipset FILE form (ipt4_emit / ipt6_emit with the option given): the
 * restore file matches every peer set of at least IPT_SET_MIN prefixes
 * with `-m set --match-set`, and FILE holds the `ipset restore` text.
 * Each set S is made idempotently and refilled aside:
 *
 *     create S hash:net family inet -exist        (first time: empty, unused)
 *     create S-N hash:net family inet maxelem M -exist
 *     flush S-N
 *     add S-N PREFIX ...
 *     swap S-N S
 *     destroy S-N
 *
 * so re-applying never leaves a window with an empty or half-filled set.
 * Order: `ipset restore < FILE` first (the rules reference the sets), then
 * iptables-restore RULES; removing: the rules first, then `ipset destroy S`.
 */

#endif
