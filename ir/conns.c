/*
 * conns.c - allowed connection sets, computed over every protocol and port
 * at once by set algebra along the tiers walk (see conns.h).
 */
#include "ir/conns.h"

#include <stdlib.h>
#include <string.h>

#include "lib/strmap.h"
#include "lib/util.h"

void connset_init(struct connset *s)
{
	portset_init(&s->ports);
	s->other = false;
}

void connset_release(struct connset *s)
{
	portset_release(&s->ports);
	s->other = false;
}

void connset_copy(struct connset *dst, const struct connset *src)
{
	portset_copy(&dst->ports, &src->ports);
	dst->other = src->other;
}

void connset_set_all(struct connset *s)
{
	portset_release(&s->ports);
	for (int p = 0; p < NPROTO; p++)
		portset_add_all_ports(&s->ports, (enum proto)p);
	s->other = true;
}

void connset_from_ports(struct connset *s, const struct portset *p)
{
	connset_init(s);
	if (p->any)
		connset_set_all(s);
	else
		portset_copy(&s->ports, p);
}

void connset_merge(struct connset *a, const struct connset *b)
{
	portset_merge(&a->ports, &b->ports);
	a->other = a->other || b->other;
}

void connset_remove(struct connset *a, const struct connset *b)
{
	portset_remove(&a->ports, &b->ports);
	a->other = a->other && !b->other;
}

void connset_intersect(struct connset *out, const struct connset *a, const struct connset *b)
{
	portset_intersect(&out->ports, &a->ports, &b->ports);
	out->other = a->other && b->other;
}

bool connset_is_empty(const struct connset *s)
{
	return !s->other && portset_is_empty(&s->ports);
}

bool connset_is_all(const struct connset *s)
{
	for (int p = 0; p < NPROTO; p++)
		if (!portset_all_ports(&s->ports, (enum proto)p))
			return false;
	return s->other;
}

bool connset_equal(const struct connset *a, const struct connset *b)
{
	return a->other == b->other && portset_equal(&a->ports, &b->ports);
}

bool connset_subset(const struct connset *a, const struct connset *b)
{
	return (!a->other || b->other) && portset_subset(&a->ports, &b->ports);
}

bool connset_contains(const struct connset *s, int proto, uint16_t port)
{
	if (proto < 0)
		return s->other;
	return portset_contains(&s->ports, (enum proto)proto, port);
}

void connset_format(const struct connset *s, struct strbuf *out)
{
	const char *sep = "";
	if (connset_is_all(s)) {
		strbuf_addstr(out, "all");
		return;
	}
	if (connset_is_empty(s)) {
		strbuf_addstr(out, "none");
		return;
	}
	for (int p = 0; p < NPROTO; p++) {
		if (!s->ports.n[p])
			continue;
		strbuf_addf(out, "%s%s ", sep, proto_name((enum proto)p));
		sep = "; ";
		if (portset_all_ports(&s->ports, (enum proto)p)) {
			strbuf_addstr(out, "all");
			continue;
		}
		for (size_t i = 0; i < s->ports.n[p]; i++) {
			const struct port_range *r = &s->ports.r[p][i];
			strbuf_addf(out, "%s%u", i ? "," : "", r->lo);
			if (r->hi != r->lo)
				strbuf_addf(out, "-%u", r->hi);
		}
	}
	if (s->other)
		strbuf_addf(out, "%sother protocols", sep);
}

void connset_json(const struct connset *s, struct strbuf *out)
{
	const char *sep = "";
	if (connset_is_all(s)) {
		strbuf_addstr(out, "\"all\"");
		return;
	}
	strbuf_addch(out, '[');
	for (int p = 0; p < NPROTO; p++) {
		if (!s->ports.n[p])
			continue;
		strbuf_addf(out, "%s{\"protocol\":\"%s\",\"ports\":[", sep,
			    proto_name((enum proto)p));
		sep = ",";
		for (size_t i = 0; i < s->ports.n[p]; i++)
			strbuf_addf(out, "%s[%u,%u]", i ? "," : "", s->ports.r[p][i].lo,
				    s->ports.r[p][i].hi);
		strbuf_addstr(out, "]}");
	}
	if (s->other)
		strbuf_addf(out, "%s{\"protocol\":\"other\"}", sep);
	strbuf_addch(out, ']');
}

void conns_init(struct conns *c)
{
	memset(c, 0, sizeof(*c));
}

void conns_release(struct conns *c)
{
	for (size_t i = 0; i < c->n; i++)
		connset_release(&c->v[i].set);
	free(c->v);
	connset_release(&c->all);
	conns_init(c);
}

/* push: add piece set (taken over) decided by rule on side dir. */
static void push(struct conns *c, struct connset *set, const struct ir_rule *egress,
		 const struct ir_rule *ingress)
{
	struct conns_piece p;
	p.set = *set;
	p.rule[DIR_EGRESS] = egress;
	p.rule[DIR_INGRESS] = ingress;
	connset_merge(&c->all, set);
	VEC_PUSH(c->v, c->n, c->a, p);
}

void conns_dir(const struct ir_endpoint *ep, enum dir dir, const struct eval_peer *peer,
	       struct conns *out)
{
	const struct ir_dir *d = &ep->dir[dir];
	struct connset rest;
	conns_init(out);
	connset_init(&rest);
	connset_set_all(&rest);
	for (size_t t = 0; t < d->ntiers && !connset_is_empty(&rest); t++) {
		const struct ir_tier *tier = &d->tiers[t];
		struct connset passed;
		if (!tier->applies)
			continue;
		connset_init(&passed);
		for (size_t i = 0; i < tier->nrules && !connset_is_empty(&rest); i++) {
			const struct ir_rule *r = tier->rules[i];
			struct connset rs, m;
			if (!eval_rule_peer_matches(r, peer))
				continue;
			connset_from_ports(&rs, &r->ports);
			connset_intersect(&m, &rest, &rs);
			connset_release(&rs);
			if (connset_is_empty(&m)) {
				connset_release(&m);
				continue;
			}
			connset_remove(&rest, &m);
			if (r->action == ACT_ALLOW) {
				push(out, &m, dir == DIR_EGRESS ? r : NULL,
				     dir == DIR_INGRESS ? r : NULL);
				continue;
			}
			if (r->action == ACT_PASS)
				connset_merge(&passed, &m);
			connset_release(&m);
		}
		if (tier->end_action == ACT_DENY) {
			connset_release(&rest);
			rest = passed;
		} else {
			connset_merge(&rest, &passed);
			connset_release(&passed);
		}
	}
	if (!connset_is_empty(&rest))
		push(out, &rest, NULL, NULL);
	else
		connset_release(&rest);
}

void conns_all(struct conns *out)
{
	struct connset all;
	conns_init(out);
	connset_init(&all);
	connset_set_all(&all);
	push(out, &all, NULL, NULL);
}

/* side: conns_dir, or everything when the peer is no endpoint of the IR. */
static void side(const struct eval_peer *self, enum dir dir, const struct eval_peer *other,
		 struct conns *out)
{
	if (self->ep)
		conns_dir(self->ep, dir, other, out);
	else
		conns_all(out);
}

void conns_join(const struct conns *eg, const struct conns *in, struct conns *out)
{
	conns_init(out);
	for (size_t i = 0; i < eg->n; i++) {
		for (size_t j = 0; j < in->n; j++) {
			struct connset m;
			connset_intersect(&m, &eg->v[i].set, &in->v[j].set);
			if (connset_is_empty(&m))
				connset_release(&m);
			else
				push(out, &m, eg->v[i].rule[DIR_EGRESS],
				     in->v[j].rule[DIR_INGRESS]);
		}
	}
}

void conns_between(const struct eval_peer *src, const struct eval_peer *dst, struct conns *out)
{
	struct conns eg, in;
	side(src, DIR_EGRESS, dst, &eg);
	side(dst, DIR_INGRESS, src, &in);
	conns_join(&eg, &in, out);
	conns_release(&eg);
	conns_release(&in);
}

/* net_rules: every rule of ir with addresses, in id order. */
static const struct ir_rule **net_rules(const struct ir *ir, size_t *n)
{
	const struct ir_rule **v = NULL;
	size_t a = 0;
	*n = 0;
	for (size_t i = 0; i < ir->nrules; i++)
		if (!ir->rules[i]->all_peers && !addrset_is_empty(&ir->rules[i]->nets))
			VEC_PUSH(v, *n, a, (const struct ir_rule *)ir->rules[i]);
	return v;
}

/* class_of: the number of the class keyed by key, a new one if unseen. */
static size_t class_of(struct strmap *m, char ***keys, size_t *nkeys, size_t *akeys,
		       struct strbuf *key)
{
	struct strmap_slot *s = strmap_slot(m, key->buf, key->len);
	if (!s->value) {
		char *k = xmalloc(key->len + 1);
		memcpy(k, key->buf, key->len + 1);
		s->key = k;
		VEC_PUSH(*keys, *nkeys, *akeys, k);
		s->value = (void *)(uintptr_t)*nkeys;
	}
	return (size_t)(uintptr_t)s->value - 1;
}

void conns_classes_build(struct conns_classes *c, const struct ir *ir)
{
	const struct model *m = ir->model;
	size_t nnet, *cnt, *off, *mem, nkeys = 0, akeys = 0, arep = 0;
	const struct ir_rule **nets = net_rules(ir, &nnet);
	struct strmap map = STRMAP_INIT;
	struct strbuf key = STRBUF_INIT;
	char **keys = NULL;

	memset(c, 0, sizeof(*c));
	c->npods = m->npods;
	c->of = xcalloc(m->npods + 1, sizeof(*c->of));
	/* the podsets holding each pod, as a CSR array */
	cnt = xcalloc(m->npods + 1, sizeof(*cnt));
	off = xcalloc(m->npods + 2, sizeof(*off));
	for (size_t i = 0; i < ir->npodsets; i++)
		for (size_t k = 0; k < ir->podsets[i]->n; k++)
			if (ir->podsets[i]->v[k] < m->npods)
				cnt[ir->podsets[i]->v[k]]++;
	for (size_t p = 0; p < m->npods; p++)
		off[p + 1] = off[p] + cnt[p];
	mem = xcalloc(off[m->npods] + 1, sizeof(*mem));
	memset(cnt, 0, (m->npods + 1) * sizeof(*cnt));
	for (size_t i = 0; i < ir->npodsets; i++)
		for (size_t k = 0; k < ir->podsets[i]->n; k++) {
			uint32_t p = ir->podsets[i]->v[k];
			if (p < m->npods)
				mem[off[p] + cnt[p]++] = ir->podsets[i]->id;
		}
	for (size_t p = 0; p < m->npods; p++) {
		const struct pod *pod = m->pods[p];
		const struct ir_endpoint *ep =
			p < ir->neps && ir->eps[p].pod == pod ? &ir->eps[p] : NULL;
		size_t cls;
		strbuf_reset(&key);
		if (!ep)
			strbuf_addf(&key, "x%zu", p); /* not an endpoint: alone */
		else if (ir->ngroups)
			strbuf_addf(&key, "g%zu", ep->group);
		else
			strbuf_addf(&key, "e%zu", p);
		strbuf_addch(&key, '|');
		for (size_t k = off[p]; k < off[p + 1]; k++)
			strbuf_addf(&key, "%zu,", mem[k]);
		for (int fam = AF4; fam <= AF6; fam += AF6 - AF4) {
			const struct addr *a = pod_addr(pod, fam);
			strbuf_addf(&key, "|%c", a ? 'a' : '-');
			for (size_t r = 0; a && r < nnet; r++)
				if (addrset_contains(&nets[r]->nets, a))
					strbuf_addf(&key, "%zu,", nets[r]->id);
		}
		cls = class_of(&map, &keys, &nkeys, &akeys, &key);
		c->of[p] = cls;
		if (cls == c->n)
			VEC_PUSH(c->rep, c->n, arep, p);
	}
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	strmap_release(&map);
	strbuf_release(&key);
	free(cnt);
	free(off);
	free(mem);
	free(nets);
}

void conns_classes_release(struct conns_classes *c)
{
	free(c->of);
	free(c->rep);
	memset(c, 0, sizeof(*c));
}

static int cmp_u128(const void *a, const void *b)
{
	u128 x = *(const u128 *)a, y = *(const u128 *)b;
	return x < y ? -1 : x > y;
}

void conns_ext_build(const struct ir *const *irs, size_t nirs, int family, struct conns_ext **out,
		     size_t *n)
{
	u128 top = family == AF4 ? (u128)UINT32_MAX : ~(u128)0, *cut = NULL;
	size_t ncut = 0, acut = 0, nkeys = 0, akeys = 0, aout = 0;
	struct strmap map = STRMAP_INIT;
	struct strbuf key = STRBUF_INIT;
	char **keys = NULL;
	const struct ir_rule ***nets = xcalloc(nirs + 1, sizeof(*nets));
	size_t *nnet = xcalloc(nirs + 1, sizeof(*nnet));

	*out = NULL;
	*n = 0;
	VEC_PUSH(cut, ncut, acut, (u128)0);
	for (size_t k = 0; k < nirs; k++) {
		nets[k] = net_rules(irs[k], &nnet[k]);
		for (size_t r = 0; r < nnet[k]; r++) {
			const struct addrset *s = &nets[k][r]->nets;
			size_t m = family == AF4 ? s->n4 : s->n6;
			for (size_t i = 0; i < m; i++) {
				u128 lo = family == AF4 ? s->v4[i].lo : s->v6[i].lo;
				u128 hi = family == AF4 ? s->v4[i].hi : s->v6[i].hi;
				VEC_PUSH(cut, ncut, acut, lo);
				if (hi != top)
					VEC_PUSH(cut, ncut, acut, hi + 1);
			}
		}
	}
	xqsort(cut, ncut, sizeof(*cut), cmp_u128);
	for (size_t i = 0; i < ncut; i++) {
		struct addr a = { .family = (uint8_t)family, .v = cut[i] };
		u128 hi;
		size_t cls;
		if (i + 1 < ncut && cut[i + 1] == cut[i])
			continue;
		hi = i + 1 < ncut ? cut[i + 1] - 1 : top;
		strbuf_reset(&key);
		for (size_t k = 0; k < nirs; k++) {
			strbuf_addch(&key, '|');
			for (size_t r = 0; r < nnet[k]; r++)
				if (addrset_contains(&nets[k][r]->nets, &a))
					strbuf_addf(&key, "%zu,", nets[k][r]->id);
		}
		cls = class_of(&map, &keys, &nkeys, &akeys, &key);
		if (cls == *n) {
			struct conns_ext e;
			addrset_init(&e.nets);
			e.rep = a;
			VEC_PUSH(*out, *n, aout, e);
		}
		addrset_add_range(&(*out)[cls].nets, family, cut[i], hi);
	}
	for (size_t i = 0; i < *n; i++)
		addrset_normalize(&(*out)[i].nets);
	for (size_t k = 0; k < nirs; k++)
		free(nets[k]);
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	free(nets);
	free(nnet);
	free(cut);
	strmap_release(&map);
	strbuf_release(&key);
}

void conns_ext_release(struct conns_ext *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		addrset_release(&v[i].nets);
	free(v);
}
