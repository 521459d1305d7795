/*
 * hash.h - the one hash function of netpolc: FNV-1a, 64-bit.
 *
 * Not cryptographic: it keys hash tables and marks cut names, nothing that
 * an attacker gains by colliding (every table compares keys in full).
 */
#ifndef NETPOLC_HASH_H
#define NETPOLC_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_INIT 14695981039346656037u

/* hash_bytes: continue hash h over the n bytes at p (start with HASH_INIT). */
static inline uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211u;
	}
	return h;
}

#endif
