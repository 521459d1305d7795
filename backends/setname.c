/*
 * setname.c - names of sets from their contents (see setname.h).
 */
#include "backends/setname.h"

#include <string.h>

#include "lib/hash.h"

void setnames_init(struct setnames *s, struct arena *arena)
{
	memset(s, 0, sizeof(*s));
	s->arena = arena;
}

void setnames_release(struct setnames *s)
{
	strmap_release(&s->by_key);
	strmap_release(&s->used);
}

const char *setname(struct setnames *s, const char *stem, const char *key, size_t len, bool *fresh)
{
	struct strmap_slot *slot = strmap_slot(&s->by_key, key, len);
	const char *name = NULL;
	uint64_t h;

	*fresh = slot->value == NULL;
	if (slot->value)
		return slot->value;
	slot->key = arena_memdup(s->arena, key, len);
	h = hash_bytes(HASH_INIT, key, len);
	for (unsigned n = 0; !name; n++) {
		struct strmap_slot *used;
		if (n == 0)
			name = arena_printf(s->arena, "%s%012llx", stem,
					    (unsigned long long)(h >> 16));
		else
			name = arena_printf(s->arena, "%s%016llx%s%.0u", stem,
					    (unsigned long long)h, n > 1 ? "x" : "", n - 1);
		used = strmap_slot(&s->used, name, strlen(name));
		if (used->value)
			name = NULL;
		else
			used->key = name, used->value = (void *)name;
	}
	slot->value = (void *)name;
	return name;
}
