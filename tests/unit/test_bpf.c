/*
 * test_bpf.c - the map keys of bpf/layout.h (backends/bpf.c): their bytes,
 * and the property that matters: a longest-prefix match over the keys as
 * the kernel's LPM trie does it (the first prefixlen bits of the key data,
 * byte order as stored) gives flat_eval's verdict on random programs, in
 * both generations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/bpf.h"
#include "ir/classes.h"
#include "ir/flat.h"
#include "lib/util.h"
#include "tests/unit/irfx.h"

static void test_bpf_key_bytes(void **state)
{
	struct npc_ep_key ek;
	struct npc_cls6_key ck;
	struct npc_verdict_key vk;
	struct addr a;
	struct prefix px;
	static const uint8_t ep_want[20] = { 1, 4, 0, 0, 10, 1, 2, 3 };
	static const uint8_t cls_want[8] = { 0x80, 0, 0, 3, 10, 1, 2, 0 };
	static const uint8_t vd_want[12] = { 0x80, 0, 0, 3, 0, 0, 0, 7, 6, 0, 0, 80 };
	(void)state;

	assert_int_equal(addr_parse("10.1.2.3", &a), 0);
	bpf_key_ep(&ek, &a, 1);
	assert_memory_equal(&ek, ep_want, sizeof(ep_want));
	assert_int_equal(sizeof(ek), 20);

	assert_int_equal(bpf_prog_gen(3, 1), 0x80000003u);
	assert_int_equal(bpf_prog_gen(3, 0), 3);
	assert_int_equal(bpf_prog_gen(0, 1), 0);
	assert_int_equal(prefix_parse("10.1.2.0/24", &px, NULL, NULL), 0);
	bpf_key_cls(&ck, bpf_prog_gen(3, 1), &px);
	assert_int_equal(ck.prefixlen, 56);
	assert_memory_equal((uint8_t *)&ck + 4, cls_want, sizeof(cls_want));
	assert_int_equal(sizeof(struct npc_cls4_key), 12);

	assert_int_equal(prefix_parse("fd00:1::/32", &px, NULL, NULL), 0);
	bpf_key_cls(&ck, 5, &px);
	assert_int_equal(ck.prefixlen, 64);
	assert_int_equal(ck.addr[0], 0xfd);
	assert_int_equal(ck.addr[3], 1);

	bpf_key_verdict(&vk, bpf_prog_gen(3, 1), 7, 6, 80, 16);
	assert_int_equal(vk.prefixlen, 96);
	assert_memory_equal((uint8_t *)&vk + 4, vd_want, sizeof(vd_want));
	assert_int_equal(sizeof(vk), 16);
}

/* ---- a model of the kernel's LPM trie ---- */

struct lpm {
	size_t data; /* bytes after prefixlen */
	uint8_t *keys;
	uint32_t *vals;
	size_t n, a;
};

static void lpm_add(struct lpm *t, const void *key, size_t size, uint32_t v)
{
	if (t->n == t->a) {
		t->a = t->a ? 2 * t->a : 64;
		t->keys = xreallocarray(t->keys, t->a, size);
		t->vals = xreallocarray(t->vals, t->a, sizeof(*t->vals));
	}
	t->data = size - 4;
	memcpy(t->keys + t->n * size, key, size);
	t->vals[t->n++] = v;
}

static bool bits_equal(const uint8_t *x, const uint8_t *y, uint32_t bits)
{
	for (uint32_t i = 0; i < bits; i++)
		if (((x[i / 8] >> (7 - i % 8)) ^ (y[i / 8] >> (7 - i % 8))) & 1)
			return false;
	return true;
}

/* lpm_find: the value of the longest entry matching key (full length), or -1 */
static long lpm_find(const struct lpm *t, const void *key)
{
	size_t size = t->data + 4;
	long best = -1;
	uint32_t best_len = 0;
	for (size_t i = 0; i < t->n; i++) {
		const uint8_t *k = t->keys + i * size;
		uint32_t len;
		memcpy(&len, k, 4);
		if (bits_equal(k + 4, (const uint8_t *)key + 4, len) &&
		    (best < 0 || len > best_len)) {
			best = t->vals[i];
			best_len = len;
		}
	}
	return best;
}

static void lpm_free(struct lpm *t)
{
	free(t->keys);
	free(t->vals);
}

static const uint8_t slot_ipnum[NCLS_SLOT] = { 0, 6, 17, 132 };

/* fill: the entries of classes c of program prog (generation gen), as the loader stores them */
static void fill(struct lpm *cls4, struct lpm *cls6, struct lpm *vd, const struct flat_classes *c,
		 uint32_t prog, unsigned gen)
{
	uint32_t id = bpf_prog_gen(prog, gen);
	for (size_t k = 0; k < c->n; k++) {
		for (size_t i = 0; i < c->v[k].npx; i++) {
			struct npc_cls6_key ck;
			bool v4 = c->v[k].px[i].a.family == AF4;
			bpf_key_cls(&ck, id, &c->v[k].px[i]);
			lpm_add(v4 ? cls4 : cls6, &ck,
				v4 ? sizeof(struct npc_cls4_key) : sizeof(ck), (uint32_t)k);
		}
		for (int s = 0; s < NCLS_SLOT; s++)
			for (size_t i = 0; i < c->v[k].npe[s]; i++) {
				struct npc_verdict_key vk;
				const struct port_prefix *e = &c->v[k].pe[s][i];
				bpf_key_verdict(&vk, id, (uint32_t)k, slot_ipnum[s], e->port,
						e->len);
				lpm_add(vd, &vk, sizeof(vk), e->allow);
			}
	}
}

/* datapath: the verdict as bpf/netpolc.bpf.c computes it */
static bool datapath(const struct lpm *cls4, const struct lpm *cls6, const struct lpm *vd,
		     uint32_t prog, unsigned gen, const struct addr *a, int proto, uint16_t port)
{
	struct prefix full = { *a, a->family == AF4 ? 32 : 128 };
	struct npc_cls6_key ck;
	struct npc_verdict_key vk;
	uint32_t id = bpf_prog_gen(prog, gen);
	long cls;
	bpf_key_cls(&ck, id, &full);
	cls = lpm_find(a->family == AF4 ? cls4 : cls6, &ck);
	if (cls < 0)
		cls = a->family == AF4 ? 0 : 1;
	bpf_key_verdict(&vk, id, (uint32_t)cls, proto < 0 ? 0 : slot_ipnum[proto + 1],
			proto < 0 ? 0 : port, 16);
	return lpm_find(vd, &vk) == 1;
}

/* program ids: from the hash alone, never 0 or with bit 31, distinct */
static void test_bpf_prog_ids(void **state)
{
	const uint64_t a = (uint64_t)0x1234567u << 33, top = (uint64_t)0x7fffffffu << 33;
	/* a; a again (meets it: a+1); a+1's own hash (meets that: a+2); a hash
	 * whose 31 bits are 0 (never 0: 1); the largest id, met (wraps to 1,
	 * held: 2) */
	const uint64_t h[] = { a, a | 5, a + ((uint64_t)1 << 33), 0x1ffffffffull, top, top };
	const uint32_t want[] = { 0x1234567u, 0x1234568u, 0x1234569u, 1, 0x7fffffffu, 2 };
	uint32_t out[ARRAY_SIZE(h)];
	(void)state;

	bpf_prog_ids(h, ARRAY_SIZE(h), out);
	for (size_t i = 0; i < ARRAY_SIZE(h); i++)
		assert_int_equal(out[i], want[i]);
	/* the same program keeps its id whatever else the seed holds */
	bpf_prog_ids(h + 4, 1, out);
	assert_int_equal(out[0], 0x7fffffffu);
	/* many: distinct, valid */
	{
		enum { N = 5000 };
		uint64_t *many = calloc(N, sizeof(*many)), s = 1;
		uint32_t *ids = calloc(N, sizeof(*ids));
		for (size_t i = 0; i < N; i++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			many[i] = !i || i % 7 ? s : many[i - 1]; /* some repeats: forced meetings */
		}
		bpf_prog_ids(many, N, ids);
		for (size_t i = 0; i < N; i++) {
			assert_true(ids[i] && !(ids[i] & NPC_GEN_BIT));
			for (size_t j = 0; j < i; j++)
				assert_true(ids[i] != ids[j]);
		}
		free(many);
		free(ids);
	}
}

static void test_bpf_keys_property_random(void **state)
{
	uint64_t seed = 4242;
	(void)state;
	for (int iter = 0; iter < 150; iter++) {
		struct irfx x;
		struct flat f;

		(void)irfx_random_endpoint(&x, &seed);
		assert_int_equal(flat_build(&f, &x.ir, &x.d), 0);
		const struct flat_prog *p = flat_prog_of(&f, 0, DIR_INGRESS);
		if (p) {
			struct flat_classes c, deny_all;
			struct lpm cls4 = { 0 }, cls6 = { 0 }, vd = { 0 };
			/* program 1 in generation 1; program 1 of generation 0 denies everything */
			memset(&deny_all, 0, sizeof(deny_all));
			deny_all.v = xcalloc(2, sizeof(*deny_all.v));
			deny_all.n = 2;
			classes_build(&c, p);
			fill(&cls4, &cls6, &vd, &c, 1, 1);
			fill(&cls4, &cls6, &vd, &deny_all, 1, 0);
			for (uint32_t ai = 0; ai < IRFX_U_ADDRS + 2 + 3; ai++) {
				struct addr a = { AF4, (u128)(0x0a000000u + ai) };
				if (ai >= IRFX_U_ADDRS + 2) {
					assert_int_equal(addr_parse("fd00::", &a), 0);
					a.v += ai - (IRFX_U_ADDRS + 2);
				}
				for (int proto = -1; proto < NPROTO; proto++)
					for (uint32_t port = 0;
					     port < (proto < 0 ? 1 : IRFX_U_PORTS + 2); port++) {
						bool want = flat_eval(p, &a, proto, (uint16_t)port);
						assert_int_equal(want, datapath(&cls4, &cls6, &vd,
										1, 1, &a, proto,
										(uint16_t)port));
						assert_false(datapath(&cls4, &cls6, &vd, 1, 0, &a,
								      proto, (uint16_t)port));
					}
			}
			lpm_free(&cls4);
			lpm_free(&cls6);
			lpm_free(&vd);
			free(deny_all.v);
			classes_release(&c);
		}
		flat_release(&f);
		irfx_release(&x);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bpf_key_bytes),
		cmocka_unit_test(test_bpf_keys_property_random),
		cmocka_unit_test(test_bpf_prog_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
