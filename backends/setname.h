/*
 * setname.h - names of sets derived from their contents alone, shared by
 * the nftables and iptables (ipset) backends.
 *
 * Equal contents get one name, so equal sets are one set, and a policy
 * change renames only the sets whose contents it changes: compiled output
 * diffs stay small, and nothing depends on the order sets are made in.
 */
#ifndef NETPOLC_SETNAME_H
#define NETPOLC_SETNAME_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/arena.h"
#include "lib/strmap.h"

struct setnames {
	struct arena *arena;  /* names and keys live here */
	struct strmap by_key; /* contents -> name */
	struct strmap used;   /* names given so far */
};

void setnames_init(struct setnames *s, struct arena *arena);
void setnames_release(struct setnames *s);

/*
 * setname: the name of the set whose contents are key[0..len): stem then
 * 12 hex digits of a hash of the contents (16 digits, then "x" and a
 * counter, should two contents collide).  *fresh is true the first time
 * these contents are seen: the caller defines the set then.  At most
 * strlen(stem) + 16 + 1 + the counter's digits long.
 */
const char *setname(struct setnames *s, const char *stem, const char *key, size_t len, bool *fresh);

#endif
