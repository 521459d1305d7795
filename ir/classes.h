/*
 * classes.h - a flat program as lookup tables: peer classes and port
 * prefixes, the form a longest-prefix-match datapath (BPF) enforces with a
 * cost per packet independent of the number of rules.
 *
 * The walk of a flat program (flat.h) is resolved, per peer address, into
 * its final function (protocol, port) -> allow/deny: stages, runs, pass and
 * deny ends disappear.  Addresses with equal functions form a class:
 *
 *     class 0    every IPv4 address no element names (the IPv4 default)
 *     class 1    every IPv6 address no element names (the IPv6 default)
 *     class 2..  the other functions, in address order of first use
 *
 * A class's addresses are given as the minimal list of disjoint prefixes
 * (px); an address in none of them is in its family's default class, so
 * addresses whose function equals their default are left out.
 *
 * A class's function is, per protocol slot (CLS_OTHER for protocols
 * without ports, then TCP, UDP, SCTP), a list of port prefixes with a
 * verdict, read by longest match; no match is deny.  Each slot uses the
 * fewer entries of two exact encodings: the allowed ports as minimal
 * prefixes, or a /0 allow plus the denied ports as minimal deny prefixes.
 * CLS_OTHER has at most the one entry 0/0 (port 0, length 0).
 */
#ifndef NETPOLC_CLASSES_H
#define NETPOLC_CLASSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/addrset.h"
#include "ir/flat.h"
#include "ir/portset.h"

/* protocol slots: CLS_OTHER, then enum proto + 1 */
enum { CLS_OTHER = 0, NCLS_SLOT = NPROTO + 1 };

struct port_prefix {
	uint16_t port; /* the network: low 16 - len bits clear */
	uint8_t len;   /* 0..16 */
	bool allow;
};

struct flat_class {
	bool other;	      /* verdict for protocols without ports */
	struct portset ports; /* allowed ports of TCP/UDP/SCTP (never any) */
	struct prefix *px;    /* the addresses that look this class up */
	size_t npx;
	struct port_prefix *pe[NCLS_SLOT]; /* the function, per protocol slot */
	size_t npe[NCLS_SLOT];
};

struct flat_classes {
	struct flat_class *v;
	size_t n; /* at least 2 */
};

/*
 * port_range_prefixes: the minimal list of disjoint prefixes whose union is
 * exactly lo..hi (lo <= hi), written to out (room for 32), ascending.
 * Returns how many.  allow is set on each.
 */
size_t port_range_prefixes(uint16_t lo, uint16_t hi, bool allow, struct port_prefix *out);

/*
 * port_entries: the longest-match entries giving exactly the allowed set r
 * (n sorted, disjoint ranges), the fewer of the two encodings above.
 * Returns a malloc'ed array (NULL when empty), *nout its length.
 */
struct port_prefix *port_entries(const struct port_range *r, size_t n, size_t *nout);

/* classes_build: the classes of program p (see above); release with classes_release. */
void classes_build(struct flat_classes *c, const struct flat_prog *p);
void classes_release(struct flat_classes *c);

/* classes_lookup: the class of peer address a, read from the prefixes as a datapath would. */
size_t classes_lookup(const struct flat_classes *c, const struct addr *a);

/*
 * classes_eval: the verdict read from the tables alone (class lookup, then
 * longest port match), as the BPF program computes it; equal to flat_eval.
 */
bool classes_eval(const struct flat_classes *c, const struct addr *a, int proto, uint16_t port);

#endif
