/*
 * hostfw.c - host-firewall options shared by nftables and iptables (see hostfw.h).
 */
#include "backends/hostfw.h"

#include <string.h>

#include "backends/quote.h"
#include "ir/select.h"

bool hostfw_log_prefix_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n >= 1 && n <= max && quote_verbatim(s, n);
}

#define ALLOW_FORM "an allowance is [in:|out:]PROTO/PORT[-PORT][@PREFIX], e.g. in:tcp/22@10.0.0.0/8"

const char *hostfw_allow_parse(const char *spec, struct hostfw_allow *a)
{
	const char *at = strchr(spec, '@');
	char ports[32];
	size_t n;
	int proto;

	memset(a, 0, sizeof(*a));
	a->dir = DIR_INGRESS;
	a->kind = FK_PORT;
	if (!strncmp(spec, "in:", 3)) {
		spec += 3;
	} else if (!strncmp(spec, "out:", 4)) {
		a->dir = DIR_EGRESS;
		spec += 4;
	}
	n = at ? (size_t)(at - spec) : strlen(spec);
	if (n >= sizeof(ports))
		return ALLOW_FORM;
	memcpy(ports, spec, n);
	ports[n] = '\0';
	if (select_ports(ports, &proto, &a->el.lo, &a->el.hi))
		return ALLOW_FORM " (PROTO tcp, udp or sctp; PORT 1-65535)";
	a->el.proto = (enum proto)proto;
	if (at) {
		bool host_bits = false;
		const char *why = NULL;
		if (prefix_parse(at + 1, &a->el.px, &host_bits, &why))
			return ALLOW_FORM " (PREFIX an address or ADDR/LEN)";
		if (host_bits)
			return "the prefix has host bits set: give its network address "
			       "(10.0.0.0/8, "
			       "not 10.0.0.1/8)";
		if (prefix_v4_mapped(&a->el.px, NULL))
			return "the prefix is an IPv4-mapped IPv6 prefix: give the IPv4 prefix";
		a->kind = a->el.px.a.family == AF4 ? FK_AP4 : FK_AP6;
	}
	return NULL;
}

const char *hostfw_allow_check(const char *spec)
{
	struct hostfw_allow a;
	return hostfw_allow_parse(spec, &a);
}

void hostfw_allow_text(struct strbuf *sb, const struct hostfw_allow *a)
{
	char buf[ADDR_STRLEN];
	strbuf_addf(sb, "%s:%s/%u", a->dir == DIR_INGRESS ? "in" : "out", proto_lname(a->el.proto),
		    (unsigned)a->el.lo);
	if (a->el.hi != a->el.lo)
		strbuf_addf(sb, "-%u", (unsigned)a->el.hi);
	if (a->kind != FK_PORT)
		strbuf_addf(sb, "@%s", prefix_format(&a->el.px, buf));
}
