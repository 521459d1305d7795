/*
 * portset.h - per-protocol sets of destination port ranges.
 *
 * A portset answers "does this (protocol, port) match?".  'any' means every
 * IP protocol and every port (a NetworkPolicy rule without ports: ICMP and
 * the rest included).  Otherwise, per protocol (TCP, UDP, SCTP), a sorted
 * list of disjoint, non-adjacent inclusive ranges within 0..65535; a protocol
 * with the range 0-65535 matches every port of that protocol.  An empty set
 * (no any, no ranges) matches nothing.  The arrays are heap memory owned by
 * the set.
 */
#ifndef NETPOLC_PORTSET_H
#define NETPOLC_PORTSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum proto { PROTO_TCP, PROTO_UDP, PROTO_SCTP, NPROTO };

/* proto_name: "TCP"/"UDP"/"SCTP"; proto_lname: "tcp"/"udp"/"sctp"; proto_ipnum: 6/17/132. */
const char *proto_name(enum proto p);
const char *proto_lname(enum proto p);
int proto_ipnum(enum proto p);
/* proto_parse: case-insensitive name to enum; -1 if unknown. */
int proto_parse(const char *s);

struct port_range {
	uint16_t lo, hi;
};

struct portset {
	bool any;
	struct port_range *r[NPROTO];
	size_t n[NPROTO], a[NPROTO];
};

#define PORTSET_INIT \
	{            \
		0    \
	}

void portset_init(struct portset *s);
void portset_release(struct portset *s);
/* portset_copy, portset_intersect: dst/out is overwritten without being released. */
void portset_copy(struct portset *dst, const struct portset *src);
void portset_set_any(struct portset *s);
/* portset_add: add lo..hi (inclusive, lo <= hi) of protocol p; keeps the set normalised. */
void portset_add(struct portset *s, enum proto p, uint16_t lo, uint16_t hi);
void portset_add_all_ports(struct portset *s, enum proto p);
/* In place: a |= b; a -= b (any minus anything but any is not representable: BUG). */
void portset_merge(struct portset *a, const struct portset *b);
void portset_remove(struct portset *a, const struct portset *b);
void portset_intersect(struct portset *out, const struct portset *a, const struct portset *b);
bool portset_is_empty(const struct portset *s);
bool portset_equal(const struct portset *a, const struct portset *b);
bool portset_subset(const struct portset *a, const struct portset *b);
bool portset_contains(const struct portset *s, enum proto p, uint16_t port);
/* portset_all_ports: protocol p matches every port (any, or 0-65535). */
bool portset_all_ports(const struct portset *s, enum proto p);
/* portset_count_ranges: total number of ranges over all protocols. */
size_t portset_count_ranges(const struct portset *s);
/* portset_cmp: total order over content, for sorting and grouping. */
int portset_cmp(const struct portset *a, const struct portset *b);

#endif
