/*
 * calico.h - the building blocks of the calico backend, exposed for its
 * unit tests (tests/unit/test_calico.c).  Nothing but backends/calico.c and
 * that test includes this header.
 *
 * The rules restated in ../shared/CALICO.md are cited by section (§3 ...).
 */
#ifndef NETPOLC_CALICO_H
#define NETPOLC_CALICO_H

#include <stddef.h>
#include <stdint.h>

#include "ir/addrset.h"
#include "ir/model.h"
#include "lib/diag.h"
#include "lib/strbuf.h"

/* The orchestrator clause that begins every pod-mode selector (§3.1). */
#define CALICO_ORCHESTRATOR "projectcalico.org/orchestrator == 'k8s'"

enum calico_sel_mode {
	CALICO_SEL_POD,	      /* policy spec.selector, rule selector */
	CALICO_SEL_NAMESPACE, /* rule namespaceSelector */
};

/*
 * calico_selector: append the Calico spelling of s (NULL: not set) to out,
 * exactly as Calico's converter writes it (§3).  In namespace mode a NULL
 * selector appends nothing (the caller omits the field).  A label key that
 * Calico's tokenizer would not read as one label name, a value containing
 * a single quote, or an In/NotIn without values is reported on d and -1 is
 * returned (out then holds a partial string); 0 otherwise.
 */
int calico_selector(struct strbuf *out, const struct selector *s, enum calico_sel_mode mode,
		    struct diag *d);

/* One entry of a Calico port list: a named port, or the range lo..hi (lo == hi: one port). */
struct calico_port {
	const char *name; /* NULL for a number or range */
	uint16_t lo, hi;
};

/*
 * calico_simplify_ports: Calico's port-list simplification (§5.5), in
 * place.  Lists of at most one entry, and lists with at most one port
 * number in total, are left as they are; otherwise the result is the named
 * ports in input order (duplicates kept) followed by the union of the
 * numeric entries as ascending, disjoint, non-adjacent ranges.  Requires
 * lo <= hi for numeric entries.  Returns the new length (<= n).
 */
size_t calico_simplify_ports(struct calico_port *v, size_t n);

/*
 * calico_format_cidr: p in Go's net.IPNet spelling into buf (ADDR_STRLEN
 * bytes): canonical text, except that an IPv6 network inside
 * ::ffff:0:0/96 with a prefix length of at least 96 prints as the IPv4
 * network it maps (::ffff:10.0.0.0/104 -> 10.0.0.0/8), as Go does.
 * Returns buf.
 */
char *calico_format_cidr(const struct prefix *p, char *buf);

#endif
