/*
 * hostfw.h - the options of a host firewall that the nftables and iptables
 * backends share: what --log-prefix may hold and what an --allow
 * allowance is.  Parsing and checking live here, once; each backend only
 * spells the result in its syntax.
 *
 *   --log-prefix P  the final drop of an isolated direction is logged with
 *                   prefix P, at most HOSTFW_LOG_RATE packets a second per
 *                   drop rule (a second rule before the drop: a rate limit
 *                   on the drop itself would let the excess through).
 *   --reject        that final verdict rejects instead (TCP with a reset,
 *                   the rest with ICMP administratively prohibited);
 *                   invalid packets and explicit Deny rules still drop.
 *   --allow A       A = [in:|out:]PROTO/PORT[-PORT][@PREFIX]: accepted in
 *                   the base chain of that direction (in by default) before
 *                   the policy program, from every peer or from PREFIX's;
 *                   host mode only.
 */
#ifndef NETPOLC_HOSTFW_H
#define NETPOLC_HOSTFW_H

#include <stdbool.h>
#include <stddef.h>

#include "ir/flat.h"
#include "lib/strbuf.h"

#define HOSTFW_LOG_RATE	   10  /* logged packets a second, per drop rule */
#define NFT_LOG_PREFIX_MAX 127 /* the kernel's NF_LOG_PREFIXLEN (128) less the NUL */
#define IPT_LOG_PREFIX_MAX 29  /* what the iptables LOG target takes */

/*
 * hostfw_log_prefix_ok: s is 1 to max bytes, each one that quote_text()
 * copies unchanged (letters, digits, the space and -_./:[](),=@+), so the
 * kernel logs exactly what was given and nothing in it can end the string.
 */
bool hostfw_log_prefix_ok(const char *s, size_t max);

/* An allowance given with --allow. */
struct hostfw_allow {
	enum dir dir;	     /* in: DIR_INGRESS (the default), out: DIR_EGRESS */
	enum flat_kind kind; /* FK_AP4 / FK_AP6 (from a prefix) or FK_PORT (every peer) */
	struct flat_elem el; /* prefix (address kinds), protocol and ports */
};

/*
 * hostfw_allow_parse: spec, "[in:|out:]PROTO/PORT[-PORT][@PREFIX]" (PROTO
 * tcp, udp or sctp; PREFIX an address or ADDR/LEN without host bits), into
 * *a.  Returns NULL, or why spec is not an allowance.
 */
const char *hostfw_allow_parse(const char *spec, struct hostfw_allow *a);
/* hostfw_allow_check: hostfw_allow_parse without the result (a backend_opt check). */
const char *hostfw_allow_check(const char *spec);
/* hostfw_allow_text: the canonical form, "in:tcp/22@10.0.0.0/8", appended to sb. */
void hostfw_allow_text(struct strbuf *sb, const struct hostfw_allow *a);

#endif
