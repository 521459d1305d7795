/*
 * strmap.h - string-keyed hash map (open addressing, linear probing).
 *
 * Keys are not copied: they must outlive the map (arena strings).  Values
 * are opaque pointers.  Iteration order is the slot order, which depends on
 * the hash: never let it reach output (sort first).
 */
#ifndef NETPOLC_STRMAP_H
#define NETPOLC_STRMAP_H

#include <stddef.h>

struct strmap_slot {
	const char *key;
	size_t len;
	size_t hash;
	void *value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t nslots, n;
};

#define STRMAP_INIT \
	{           \
		0   \
	}

void strmap_release(struct strmap *m);
/* strmap_get: the value stored under key (len bytes), or NULL. */
void *strmap_get(const struct strmap *m, const char *key, size_t len);
/* strmap_slot: the slot for key, created empty (value NULL) if missing. */
struct strmap_slot *strmap_slot(struct strmap *m, const char *key, size_t len);

#endif
