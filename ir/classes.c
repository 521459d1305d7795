/*
 * classes.c - flat programs as peer classes and port prefixes (classes.h).
 *
 * Per family, the prefixes of the program's elements cut the address space
 * into intervals on which the walk cannot change; the port bounds of its
 * elements cut each protocol's ports likewise.  Evaluating the walk once
 * per (interval, port segment) with flat_eval gives each interval's
 * function; equal functions are one class (found by a hash of the
 * function's text).  The cost is intervals x segments x program size.
 */
#include "ir/classes.h"

#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"
#include "lib/strmap.h"
#include "lib/util.h"

size_t port_range_prefixes(uint16_t lo, uint16_t hi, bool allow, struct port_prefix *out)
{
	uint32_t cur = lo, end = (uint32_t)hi + 1;
	size_t n = 0;

	while (cur < end) {
		uint8_t len = 16;
		/* the largest block aligned at cur that stays within end */
		while (len > 0) {
			uint32_t size = 1u << (16 - (len - 1));
			if ((cur & (size - 1)) || cur + size > end)
				break;
			len--;
		}
		out[n++] = (struct port_prefix){ (uint16_t)cur, len, allow };
		cur += 1u << (16 - len);
	}
	return n;
}

static size_t ranges_prefixes(const struct port_range *r, size_t n, bool allow,
			      struct port_prefix **v, size_t *nv, size_t *av)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		struct port_prefix tmp[32];
		size_t k = port_range_prefixes(r[i].lo, r[i].hi, allow, tmp);
		count += k;
		if (!v)
			continue;
		if (*nv + k > *av) {
			*av = (*nv + k) * 2;
			*v = xreallocarray(*v, *av, sizeof(**v));
		}
		memcpy(*v + *nv, tmp, k * sizeof(*tmp));
		*nv += k;
	}
	return count;
}

/* complement: the ranges of 0..65535 not in r; out has room for n + 1. */
static size_t complement(const struct port_range *r, size_t n, struct port_range *out)
{
	uint32_t cur = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (r[i].lo > cur)
			out[k++] = (struct port_range){ (uint16_t)cur, (uint16_t)(r[i].lo - 1) };
		cur = (uint32_t)r[i].hi + 1;
	}
	if (cur <= 65535)
		out[k++] = (struct port_range){ (uint16_t)cur, 65535 };
	return k;
}

struct port_prefix *port_entries(const struct port_range *r, size_t n, size_t *nout)
{
	struct port_range *deny = xcalloc(n + 1, sizeof(*deny));
	size_t nd = complement(r, n, deny);
	size_t ca = ranges_prefixes(r, n, true, NULL, NULL, NULL);
	size_t cd = 1 + ranges_prefixes(deny, nd, false, NULL, NULL, NULL);
	struct port_prefix *v = NULL;
	size_t nv = 0, av = 0;

	if (ca <= cd) {
		ranges_prefixes(r, n, true, &v, &nv, &av);
	} else {
		v = xcalloc(cd, sizeof(*v));
		v[0] = (struct port_prefix){ 0, 0, true };
		nv = 1;
		av = cd;
		ranges_prefixes(deny, nd, false, &v, &nv, &av);
	}
	free(deny);
	*nout = nv;
	return v;
}

/* ---- classes ---- */

static int cmp_u128(const void *a, const void *b)
{
	u128 x = *(const u128 *)a, y = *(const u128 *)b;
	return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

struct u128v {
	u128 *v;
	size_t n, a;
};

static void push128(struct u128v *s, u128 x)
{
	if (s->n == s->a) {
		s->a = s->a ? 2 * s->a : 16;
		s->v = xreallocarray(s->v, s->a, sizeof(*s->v));
	}
	s->v[s->n++] = x;
}

static size_t sort_uniq128(u128 *v, size_t n)
{
	size_t k = 0;
	xqsort(v, n, sizeof(*v), cmp_u128);
	for (size_t i = 0; i < n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/* port bounds: segment starts per protocol, sorted, 0 first */
struct bounds {
	uint32_t *v[NPROTO];
	size_t n[NPROTO], a[NPROTO];
};

static void bound_add(struct bounds *b, enum proto p, uint32_t x)
{
	if (x > 65535)
		return;
	if (b->n[p] == b->a[p]) {
		b->a[p] = b->a[p] ? 2 * b->a[p] : 16;
		b->v[p] = xreallocarray(b->v[p], b->a[p], sizeof(*b->v[p]));
	}
	b->v[p][b->n[p]++] = x;
}

static void collect(const struct flat_prog *p, int fam, struct u128v *cuts, struct addrset *named,
		    struct bounds *b)
{
	u128 max = fam == AF4 ? (u128)0xffffffffu : ~(u128)0;

	push128(cuts, 0);
	for (int pr = 0; pr < NPROTO; pr++)
		bound_add(b, (enum proto)pr, 0);
	for (size_t s = 0; s < p->nstages; s++)
		for (size_t r = 0; r < p->stages[s].nruns; r++) {
			const struct flat_run *run = &p->stages[s].runs[r];
			for (int k = 0; k < NFK; k++) {
				int kf = flat_kind_family((enum flat_kind)k);
				if (kf && kf != fam)
					continue;
				for (size_t i = 0; i < run->nel[k]; i++) {
					const struct flat_elem *e = &run->el[k][i];
					if (kf) {
						u128 last = prefix_last(&e->px);
						push128(cuts, prefix_first(&e->px));
						if (last != max)
							push128(cuts, last + 1);
						addrset_add_prefix(named, &e->px);
					}
					if (flat_kind_has_port((enum flat_kind)k)) {
						bound_add(b, e->proto, e->lo);
						bound_add(b, e->proto, (uint32_t)e->hi + 1);
					}
				}
			}
		}
	cuts->n = sort_uniq128(cuts->v, cuts->n);
	for (int pr = 0; pr < NPROTO; pr++) {
		size_t k = 0;
		xqsort(b->v[pr], b->n[pr], sizeof(uint32_t), cmp_u32);
		for (size_t i = 0; i < b->n[pr]; i++)
			if (!k || b->v[pr][k - 1] != b->v[pr][i])
				b->v[pr][k++] = b->v[pr][i];
		b->n[pr] = k;
	}
}

/* function: the walk's verdicts for peer a, on every segment of b */
static void function(const struct flat_prog *p, const struct addr *a, const struct bounds *b,
		     struct flat_class *out)
{
	memset(out, 0, sizeof(*out));
	portset_init(&out->ports);
	out->other = flat_eval(p, a, -1, 0);
	for (int pr = 0; pr < NPROTO; pr++)
		for (size_t i = 0; i < b->n[pr]; i++) {
			uint32_t hi = i + 1 < b->n[pr] ? b->v[pr][i + 1] - 1 : 65535;
			if (flat_eval(p, a, pr, (uint16_t)b->v[pr][i]))
				portset_add(&out->ports, (enum proto)pr, (uint16_t)b->v[pr][i],
					    (uint16_t)hi);
		}
}

static void function_text(struct strbuf *sb, const struct flat_class *f)
{
	strbuf_reset(sb);
	strbuf_addch(sb, f->other ? 'o' : '-');
	for (int pr = 0; pr < NPROTO; pr++) {
		strbuf_addch(sb, '|');
		for (size_t i = 0; i < f->ports.n[pr]; i++)
			strbuf_addf(sb, "%u-%u,", f->ports.r[pr][i].lo, f->ports.r[pr][i].hi);
	}
}

struct builder {
	struct flat_classes *c;
	size_t a;
	struct addrset *members; /* by class */
	struct strmap ids;	 /* function text -> class id + 1 */
	char **keys;
	struct strbuf sb;
};

static void push_class(struct builder *bd, const struct flat_class *f)
{
	struct flat_classes *c = bd->c;
	if (c->n == bd->a) {
		bd->a = bd->a ? 2 * bd->a : 8;
		c->v = xreallocarray(c->v, bd->a, sizeof(*c->v));
		bd->members = xreallocarray(bd->members, bd->a, sizeof(*bd->members));
		bd->keys = xreallocarray(bd->keys, bd->a, sizeof(*bd->keys));
	}
	bd->keys[c->n] = NULL;
	c->v[c->n] = *f;
	addrset_init(&bd->members[c->n]);
	c->n++;
}

/* class_of: the id of function f (taken over, or released when known) */
static size_t class_of(struct builder *bd, struct flat_class *f)
{
	struct strmap_slot *slot;
	size_t id = bd->c->n;

	function_text(&bd->sb, f);
	slot = strmap_slot(&bd->ids, bd->sb.buf, bd->sb.len);
	if (slot->value) {
		portset_release(&f->ports);
		return (size_t)(uintptr_t)slot->value - 1;
	}
	push_class(bd, f);
	bd->keys[id] = xstrndup(bd->sb.buf, bd->sb.len);
	slot->key = bd->keys[id];
	slot->value = (void *)(uintptr_t)(id + 1);
	return id;
}

struct family {
	int fam;
	struct u128v cuts;
	struct addrset named;
	struct bounds b;
};

/* the default class of fam: the function of an address no element names */
static void push_default(struct builder *bd, const struct flat_prog *p, struct family *F)
{
	struct addrset rest = ADDRSET_INIT;
	struct flat_class f;

	addrset_add_all(&rest, F->fam);
	addrset_remove(&rest, &F->named);
	if (addrset_is_empty(&rest)) {
		/* never looked up: every address is named; deny all */
		memset(&f, 0, sizeof(f));
		portset_init(&f.ports);
	} else {
		struct addr a = { (uint8_t)F->fam, F->fam == AF4 ? rest.v4[0].lo : rest.v6[0].lo };
		function(p, &a, &F->b, &f);
	}
	addrset_release(&rest);
	function_text(&bd->sb, &f);
	if (!strmap_get(&bd->ids, bd->sb.buf, bd->sb.len)) {
		class_of(bd, &f);
		return;
	}
	push_class(bd, &f); /* the IPv6 default equals the IPv4 one */
}

static void add_intervals(struct builder *bd, const struct flat_prog *p, struct family *F)
{
	u128 max = F->fam == AF4 ? (u128)0xffffffffu : ~(u128)0;
	size_t dflt = F->fam == AF4 ? 0 : 1;

	for (size_t i = 0; i < F->cuts.n; i++) {
		u128 lo = F->cuts.v[i], hi = i + 1 < F->cuts.n ? F->cuts.v[i + 1] - 1 : max;
		struct addr a = { (uint8_t)F->fam, lo };
		struct flat_class f;
		size_t id;
		if (!addrset_contains(&F->named, &a))
			continue;
		function(p, &a, &F->b, &f);
		id = class_of(bd, &f);
		if (id != dflt)
			addrset_add_range(&bd->members[id], F->fam, lo, hi);
	}
	free(F->cuts.v);
	addrset_release(&F->named);
	for (int pr = 0; pr < NPROTO; pr++)
		free(F->b.v[pr]);
}

void classes_build(struct flat_classes *c, const struct flat_prog *p)
{
	struct builder bd = { 0 };
	struct family F[2] = { { .fam = AF4 }, { .fam = AF6 } };

	memset(c, 0, sizeof(*c));
	bd.c = c;
	strbuf_init(&bd.sb);
	for (int i = 0; i < 2; i++)
		collect(p, F[i].fam, &F[i].cuts, &F[i].named, &F[i].b);
	for (int i = 0; i < 2; i++)
		push_default(&bd, p, &F[i]);
	for (int i = 0; i < 2; i++)
		add_intervals(&bd, p, &F[i]);
	for (size_t i = 0; i < c->n; i++) {
		struct flat_class *k = &c->v[i];
		k->px = addrset_prefixes(&bd.members[i], &k->npx);
		addrset_release(&bd.members[i]);
		if (k->other) {
			k->pe[CLS_OTHER] = xcalloc(1, sizeof(struct port_prefix));
			k->pe[CLS_OTHER][0] = (struct port_prefix){ 0, 0, true };
			k->npe[CLS_OTHER] = 1;
		}
		for (int pr = 0; pr < NPROTO; pr++)
			k->pe[pr + 1] =
				port_entries(k->ports.r[pr], k->ports.n[pr], &k->npe[pr + 1]);
		free(bd.keys[i]);
	}
	free(bd.members);
	free(bd.keys);
	strmap_release(&bd.ids);
	strbuf_release(&bd.sb);
}

void classes_release(struct flat_classes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		portset_release(&c->v[i].ports);
		free(c->v[i].px);
		for (int s = 0; s < NCLS_SLOT; s++)
			free(c->v[i].pe[s]);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

size_t classes_lookup(const struct flat_classes *c, const struct addr *a)
{
	size_t best = a->family == AF4 ? 0 : 1;
	int best_len = -1;
	for (size_t i = 0; i < c->n; i++)
		for (size_t j = 0; j < c->v[i].npx; j++)
			if (prefix_contains(&c->v[i].px[j], a) && c->v[i].px[j].len > best_len) {
				best = i;
				best_len = c->v[i].px[j].len;
			}
	return best;
}

bool classes_eval(const struct flat_classes *c, const struct addr *a, int proto, uint16_t port)
{
	const struct flat_class *k = &c->v[classes_lookup(c, a)];
	int slot = proto < 0 ? CLS_OTHER : proto + 1;
	int best_len = -1;
	bool allow = false;

	if (proto < 0)
		port = 0;
	for (size_t i = 0; i < k->npe[slot]; i++) {
		const struct port_prefix *e = &k->pe[slot][i];
		uint16_t mask = e->len ? (uint16_t)(0xffffu << (16 - e->len)) : 0;
		if ((port & mask) == e->port && e->len > best_len) {
			best_len = e->len;
			allow = e->allow;
		}
	}
	return allow;
}
