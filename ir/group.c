/*
 * group.c - the grouping pass: endpoints whose compiled programs are equal
 * get one group number, so backends emit one chain or map for all of them.
 *
 * A program is, per direction, whether it is isolated and its tiers (end
 * action, whether it applies, the rules by content).  Rules are interned
 * by content first (a 64-bit hash, then a full comparison), so two rules
 * from different policies that mean the same thing count as equal.
 */
#include <stdlib.h>
#include <string.h>

#include "ir/passes.h"
#include "lib/hash.h"
#include "lib/strbuf.h"
#include "lib/strmap.h"
#include "lib/util.h"

static uint64_t rule_hash(const struct ir_rule *r)
{
	uint64_t h = HASH_INIT;
	unsigned char hdr[2] = { (unsigned char)r->action, (unsigned char)r->all_peers };
	h = hash_bytes(h, hdr, sizeof(hdr));
	if (!r->all_peers) {
		if (r->pods)
			h = hash_bytes(h, r->pods->v, r->pods->n * sizeof(*r->pods->v));
		h = hash_bytes(h, "|", 1);
		h = hash_bytes(h, r->nets.v4, r->nets.n4 * sizeof(*r->nets.v4));
		h = hash_bytes(h, r->nets.v6, r->nets.n6 * sizeof(*r->nets.v6));
	}
	h = hash_bytes(h, &r->ports.any, 1);
	for (int p = 0; p < NPROTO; p++) {
		h = hash_bytes(h, "/", 1);
		h = hash_bytes(h, r->ports.r[p], r->ports.n[p] * sizeof(*r->ports.r[p]));
	}
	return h;
}

static bool rule_equal(const struct ir_rule *a, const struct ir_rule *b)
{
	size_t na = a->pods ? a->pods->n : 0, nb = b->pods ? b->pods->n : 0;
	if (a->action != b->action || a->all_peers != b->all_peers)
		return false;
	if (!portset_equal(&a->ports, &b->ports))
		return false;
	if (a->all_peers)
		return true;
	return na == nb && (!na || !memcmp(a->pods->v, b->pods->v, na * sizeof(uint32_t))) &&
	       addrset_equal(&a->nets, &b->nets);
}

struct bucket {
	const struct ir_rule **v;
	size_t n, alloc;
	size_t *ids;
};

int pass_group(struct ir *ir, struct diag *d)
{
	struct strmap rules = STRMAP_INIT, progs = STRMAP_INIT;
	struct strbuf key = STRBUF_INIT;
	struct bucket **buckets = NULL;
	size_t nb = 0, ab = 0, next_rule = 0;
	(void)d;
	ir->ngroups = 0;
	for (size_t i = 0; i < ir->neps; i++) {
		struct ir_endpoint *ep = &ir->eps[i];
		struct strmap_slot *s;
		strbuf_reset(&key);
		for (int dir = 0; dir < NDIR; dir++) {
			const struct ir_dir *dd = &ep->dir[dir];
			strbuf_addf(&key, "%d:%zu;", dd->isolated, dd->ntiers);
			for (size_t t = 0; t < dd->ntiers; t++) {
				const struct ir_tier *tier = &dd->tiers[t];
				strbuf_addf(&key, "%d,%d,%zu:", tier->applies,
					    (int)tier->end_action, tier->nrules);
				for (size_t k = 0; k < tier->nrules; k++) {
					const struct ir_rule *r = tier->rules[k];
					uint64_t h = rule_hash(r);
					struct strmap_slot *rs;
					struct bucket *b;
					size_t id = SIZE_MAX;
					rs = strmap_slot(&rules, (const char *)&h, sizeof(h));
					if (!rs->value) {
						b = xcalloc(1, sizeof(*b));
						rs->key = arena_memdup(ir->arena, &h, sizeof(h));
						rs->value = b;
						VEC_PUSH(buckets, nb, ab, b);
					}
					b = rs->value;
					for (size_t j = 0; j < b->n && id == SIZE_MAX; j++)
						if (b->v[j] == r || rule_equal(b->v[j], r))
							id = b->ids[j];
					if (id == SIZE_MAX) {
						size_t old = b->alloc;
						VEC_GROW(b->v, b->n + 1, b->alloc);
						if (b->alloc != old)
							b->ids = xreallocarray(b->ids, b->alloc,
									       sizeof(*b->ids));
						b->v[b->n] = r;
						b->ids[b->n++] = id = next_rule++;
					}
					strbuf_addf(&key, "%zu,", id);
				}
				strbuf_addch(&key, ';');
			}
		}
		s = strmap_slot(&progs, key.buf, key.len);
		if (!s->value) {
			s->key = arena_strndup(ir->arena, key.buf, key.len);
			s->value = (void *)(uintptr_t)++ir->ngroups;
		}
		ep->group = (size_t)(uintptr_t)s->value;
	}
	for (size_t i = 0; i < nb; i++) {
		free(buckets[i]->v);
		free(buckets[i]->ids);
		free(buckets[i]);
	}
	free(buckets);
	strbuf_release(&key);
	strmap_release(&rules);
	strmap_release(&progs);
	return 0;
}
