/*
 * strmap.c - string-keyed hash map.
 */
#include "lib/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/util.h"

static size_t key_hash(const char *s, size_t len)
{
	uint64_t h = hash_bytes(HASH_INIT, s, len);
	return (size_t)(h ^ (h >> 29));
}

void strmap_release(struct strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->nslots = m->n = 0;
}

static struct strmap_slot *find(const struct strmap *m, const char *key, size_t len, size_t h)
{
	size_t mask = m->nslots - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];
		if (!s->key)
			return s;
		if (s->hash == h && s->len == len && !memcmp(s->key, key, len))
			return s;
	}
}

void *strmap_get(const struct strmap *m, const char *key, size_t len)
{
	struct strmap_slot *s;
	if (!m->nslots)
		return NULL;
	s = find(m, key, len, key_hash(key, len));
	return s->key ? s->value : NULL;
}

static void grow(struct strmap *m)
{
	struct strmap old = *m;
	m->nslots = old.nslots ? st_mult(old.nslots, 2) : 64;
	m->slots = xcalloc(m->nslots, sizeof(*m->slots));
	for (size_t i = 0; i < old.nslots; i++)
		if (old.slots[i].key)
			*find(m, old.slots[i].key, old.slots[i].len, old.slots[i].hash) =
				old.slots[i];
	free(old.slots);
}

struct strmap_slot *strmap_slot(struct strmap *m, const char *key, size_t len)
{
	size_t h = key_hash(key, len);
	struct strmap_slot *s;
	if ((m->n + 1) * 4 > m->nslots * 3)
		grow(m);
	s = find(m, key, len, h);
	if (!s->key) {
		s->key = key;
		s->len = len;
		s->hash = h;
		s->value = NULL;
		m->n++;
	}
	return s;
}
