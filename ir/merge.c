/*
 * merge.c - the additive merge pass.
 *
 * Rules are first-match within a tier, so only a run of consecutive rules
 * of the same action may be rearranged: inside such a run the rules mean
 * the union of their (peers x ports) rectangles.  Within each run, to a
 * fixed point: empty rules vanish; rules with equal ports union their
 * peers; rules with equal peers union their ports; a rule covered by
 * another is dropped.  A rule matching every peer on every port ends the
 * tier: what follows it can never match.
 *
 * Rule lists are shared by many endpoints; equal lists are merged once
 * (memoised by their content) and the result shared again.  A rule that
 * no merge touched is kept as it was (same object), so sharing survives.
 *
 * The fixed point is defined by a scan: each live rule i in turn looks at
 * every other rule j in index order, and takes j in when one of the three
 * tests passes.  The result depends on that order, so it is kept exactly;
 * what is avoided is looking at rules that cannot pass.  Every rule that
 * can pass a test with i is found through an index (struct index): rules
 * equal to i in ports hold a port of i (their first one, which no merge
 * removes), rules equal in peers have i's least peer (their key), and
 * rules inside i hold a port of i or, when i has every port, a peer of i.
 * Those candidates are visited in index order from a heap, and as i grows
 * the candidates its new ports and peers bring are added.  Unions are only
 * collected (pods appended, addresses with addrset_add_set) and sorted
 * when a test reads them, so a rule taking in many others costs their
 * size, not the square of it.
 */
#include <stdlib.h>
#include <string.h>

#include "ir/passes.h"
#include "lib/strmap.h"
#include "lib/util.h"

/*
 * A peer key orders peer sets by their least member: every peer, then
 * pods (by index), then IPv4, then IPv6 addresses.  Equal peer sets have
 * equal keys, and the key of a union is the lesser of the two keys.
 */
enum { KEY_ALL, KEY_POD, KEY_NET4, KEY_NET6 };

struct peer_key {
	int cls; /* KEY_* */
	u128 v;	 /* pod index or address */
};

/* KEY_BYTES: a peer key as bytes for the hash map (the struct has padding). */
#define KEY_BYTES (1 + sizeof(u128))

static void key_bytes(const struct peer_key *k, unsigned char *out)
{
	out[0] = (unsigned char)k->cls;
	memcpy(out + 1, &k->v, sizeof(k->v));
}

static int key_cmp(const struct peer_key *a, const struct peer_key *b)
{
	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	return a->v < b->v ? -1 : a->v > b->v;
}

struct mrule {
	const struct ir_rule *orig; /* unchanged: reuse it */
	enum action action;
	bool all_peers;
	uint32_t *pods; /* malloc'ed; sorted and unique unless pods_dirty */
	size_t npods, apods;
	bool pods_dirty;
	struct addrset nets;
	struct portset ports;
	const struct origin **origins;
	size_t norigins, aorigins;
	bool dead;
	struct peer_key key; /* the least peer, kept through unions */
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* norm_pods: sort and deduplicate the pods appended by unions. */
static void norm_pods(struct mrule *m)
{
	size_t n = 0;
	if (!m->pods_dirty)
		return;
	xqsort(m->pods, m->npods, sizeof(*m->pods), cmp_u32);
	for (size_t i = 0; i < m->npods; i++)
		if (!n || m->pods[n - 1] != m->pods[i])
			m->pods[n++] = m->pods[i];
	m->npods = n;
	m->pods_dirty = false;
}

static bool peers_empty(const struct mrule *r)
{
	return !r->all_peers && !r->npods && addrset_is_empty(&r->nets);
}

static bool is_everything(const struct mrule *r)
{
	return r->all_peers && r->ports.any;
}

/*
 * add_origins: dst takes src's origins it lacks.  unique: no origin is in
 * two rules of the run, so none can be in both (see merge_run).
 */
static void add_origins(struct mrule *dst, const struct mrule *src, bool unique)
{
	for (size_t i = 0; i < src->norigins; i++) {
		bool seen = false;
		for (size_t j = 0; j < dst->norigins && !seen && !unique; j++)
			seen = dst->origins[j] == src->origins[i];
		if (!seen)
			VEC_PUSH(dst->origins, dst->norigins, dst->aorigins, src->origins[i]);
	}
	dst->orig = NULL;
}

static bool pods_equal(struct mrule *a, struct mrule *b)
{
	norm_pods(a);
	norm_pods(b);
	return a->npods == b->npods && (!a->npods || !memcmp(a->pods, b->pods, a->npods * 4));
}

static bool pods_subset(struct mrule *a, struct mrule *b)
{
	size_t j = 0;
	norm_pods(a);
	norm_pods(b);
	for (size_t i = 0; i < a->npods; i++) {
		/* binary search: a may be a handful of pods inside a large b */
		size_t hi = b->npods;
		while (j < hi) {
			size_t mid = j + (hi - j) / 2;
			if (b->pods[mid] < a->pods[i])
				j = mid + 1;
			else
				hi = mid;
		}
		if (j == b->npods || b->pods[j] != a->pods[i])
			return false;
	}
	return true;
}

static bool peers_equal(struct mrule *a, struct mrule *b)
{
	if (a->all_peers || b->all_peers)
		return a->all_peers == b->all_peers;
	/* the keys first: they tell most unequal sets apart without sorting a union */
	return !key_cmp(&a->key, &b->key) && pods_equal(a, b) && addrset_equal(&a->nets, &b->nets);
}

/* peers_within: every peer a matches, b matches. */
static bool peers_within(struct mrule *a, struct mrule *b)
{
	if (b->all_peers)
		return true;
	if (a->all_peers)
		return false;
	return pods_subset(a, b) && addrset_subset(&a->nets, &b->nets);
}

/* union_peers: dst |= src, collected only (see the file comment). */
static void union_peers(struct mrule *dst, const struct mrule *src)
{
	if (dst->all_peers || src->all_peers) {
		dst->all_peers = true;
		dst->key.cls = KEY_ALL;
		dst->key.v = 0;
		return;
	}
	addrset_add_set(&dst->nets, &src->nets);
	if (src->npods) {
		VEC_GROW(dst->pods, dst->npods + src->npods, dst->apods);
		memcpy(dst->pods + dst->npods, src->pods, src->npods * sizeof(*src->pods));
		dst->npods += src->npods;
		dst->pods_dirty = true;
	}
	if (key_cmp(&src->key, &dst->key) < 0)
		dst->key = src->key;
}

static void mrule_release(struct mrule *r)
{
	free(r->pods);
	addrset_release(&r->nets);
	portset_release(&r->ports);
	free(r->origins);
}

static void mrule_init(struct mrule *m, const struct ir_rule *r)
{
	memset(m, 0, sizeof(*m));
	m->orig = r;
	m->action = r->action;
	m->all_peers = r->all_peers;
	if (r->pods && r->pods->n) {
		m->pods = xcalloc(r->pods->n, sizeof(*m->pods));
		memcpy(m->pods, r->pods->v, r->pods->n * sizeof(*m->pods));
		m->npods = m->apods = r->pods->n;
	}
	addrset_copy(&m->nets, &r->nets);
	portset_copy(&m->ports, &r->ports);
	VEC_PUSH(m->origins, m->norigins, m->aorigins, &r->origin);
	for (size_t i = 0; i < r->nmore; i++)
		VEC_PUSH(m->origins, m->norigins, m->aorigins, &r->more[i]);
	if (m->all_peers)
		m->key.cls = KEY_ALL;
	else if (m->npods)
		m->key = (struct peer_key){ KEY_POD, m->pods[0] };
	else if (m->nets.n4)
		m->key = (struct peer_key){ KEY_NET4, m->nets.v4[0].lo };
	else if (m->nets.n6)
		m->key = (struct peer_key){ KEY_NET6, m->nets.v6[0].lo };
}

/* ---- the candidate index ---- */

/* An entry of a sorted key array: a port (proto << 16 | port) or a peer key, and its rule. */
struct port_entry {
	uint32_t port;
	size_t rule;
};

struct peer_entry {
	struct peer_key key;
	size_t rule;
};

/* A list of rules under one peer key: a chain through index.chain. */
struct chain_link {
	size_t rule, next; /* next: link index + 1, 0 at the end */
};

struct index {
	struct mrule *v;
	size_t n;
	/* the first port of each rule as it came (ports only grow): sorted */
	struct port_entry *ports;
	size_t nports;
	/* the least peer of each rule as it came (peers only grow): sorted */
	struct peer_entry *peers;
	size_t npeers;
	/* rules with every port, in the order they got there */
	size_t *any;
	size_t nany, aany;
	/* current peer key -> rules that had it (some may have moved on) */
	struct strmap by_key;
	struct chain_link *chain;
	size_t nchain, achain;
	unsigned char (*keys)[KEY_BYTES]; /* stable copies, the strmap's keys */
	size_t nkeys;
	/* the scan: a min-heap of candidates, each pushed once per scan */
	size_t *heap;
	size_t nheap, aheap;
	size_t *stamp; /* scan number + 1 at which the rule was pushed */
	size_t scan, cursor;
};

static int cmp_port_entry(const void *a, const void *b)
{
	const struct port_entry *x = a, *y = b;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int cmp_peer_entry(const void *a, const void *b)
{
	const struct peer_entry *x = a, *y = b;
	int c = key_cmp(&x->key, &y->key);
	return c ? c : (x->rule < y->rule ? -1 : x->rule > y->rule);
}

static void by_key_add(struct index *ix, size_t rule)
{
	unsigned char *k = ix->keys[ix->nkeys];
	struct strmap_slot *s;
	struct chain_link l;
	key_bytes(&ix->v[rule].key, k);
	s = strmap_slot(&ix->by_key, (const char *)k, KEY_BYTES);
	l.rule = rule;
	l.next = (size_t)(uintptr_t)s->value;
	if (!s->value) {
		s->key = (const char *)k;
		ix->nkeys++;
	}
	VEC_PUSH(ix->chain, ix->nchain, ix->achain, l);
	s->value = (void *)(uintptr_t)ix->nchain;
}

static void index_init(struct index *ix, struct mrule *v, size_t n)
{
	memset(ix, 0, sizeof(*ix));
	ix->v = v;
	ix->n = n;
	ix->ports = xcalloc(n + 1, sizeof(*ix->ports));
	ix->peers = xcalloc(n + 1, sizeof(*ix->peers));
	/* a key changes only when its rule takes in others: at most n changes */
	ix->keys = xcalloc(2 * n + 1, sizeof(*ix->keys));
	ix->stamp = xcalloc(n + 1, sizeof(*ix->stamp));
	for (size_t i = 0; i < n; i++) {
		const struct mrule *m = &v[i];
		if (m->dead)
			continue;
		if (m->ports.any) {
			VEC_PUSH(ix->any, ix->nany, ix->aany, i);
		} else {
			for (int p = 0; p < NPROTO; p++) {
				if (!m->ports.n[p])
					continue;
				ix->ports[ix->nports].port =
					(uint32_t)p << 16 | m->ports.r[p][0].lo;
				ix->ports[ix->nports++].rule = i;
				break;
			}
		}
		if (!m->all_peers) {
			ix->peers[ix->npeers].key = m->key;
			ix->peers[ix->npeers++].rule = i;
		}
		by_key_add(ix, i);
	}
	xqsort(ix->ports, ix->nports, sizeof(*ix->ports), cmp_port_entry);
	xqsort(ix->peers, ix->npeers, sizeof(*ix->peers), cmp_peer_entry);
}

static void index_release(struct index *ix)
{
	free(ix->ports);
	free(ix->peers);
	free(ix->any);
	strmap_release(&ix->by_key);
	free(ix->chain);
	free(ix->keys);
	free(ix->heap);
	free(ix->stamp);
}

/* push: rule j becomes a candidate of the scan, unless the scan is past it. */
static void push(struct index *ix, size_t j)
{
	size_t k;
	if (j < ix->cursor || ix->v[j].dead || ix->stamp[j] == ix->scan + 1)
		return;
	ix->stamp[j] = ix->scan + 1;
	VEC_GROW(ix->heap, ix->nheap + 1, ix->aheap);
	for (k = ix->nheap++; k && ix->heap[(k - 1) / 2] > j; k = (k - 1) / 2)
		ix->heap[k] = ix->heap[(k - 1) / 2];
	ix->heap[k] = j;
}

/* pop: the least candidate; the heap must not be empty. */
static size_t pop(struct index *ix)
{
	size_t top = ix->heap[0], last = ix->heap[--ix->nheap], k = 0;
	for (;;) {
		size_t c = 2 * k + 1;
		if (c >= ix->nheap)
			break;
		if (c + 1 < ix->nheap && ix->heap[c + 1] < ix->heap[c])
			c++;
		if (last <= ix->heap[c])
			break;
		ix->heap[k] = ix->heap[c];
		k = c;
	}
	if (ix->nheap)
		ix->heap[k] = last;
	return top;
}

/* push_ports: the rules whose first port is in ports ps (not any). */
static void push_ports(struct index *ix, const struct portset *ps)
{
	for (int p = 0; p < NPROTO; p++) {
		for (size_t r = 0; r < ps->n[p]; r++) {
			uint32_t lo = (uint32_t)p << 16 | ps->r[p][r].lo;
			uint32_t hi = (uint32_t)p << 16 | ps->r[p][r].hi;
			size_t a = 0, b = ix->nports;
			while (a < b) {
				size_t mid = a + (b - a) / 2;
				if (ix->ports[mid].port < lo)
					a = mid + 1;
				else
					b = mid;
			}
			for (; a < ix->nports && ix->ports[a].port <= hi; a++)
				push(ix, ix->ports[a].rule);
		}
	}
}

/* push_peer_range: the rules whose first peer has class cls and a value in lo..hi. */
static void push_peer_range(struct index *ix, int cls, u128 lo, u128 hi)
{
	struct peer_key k = { cls, lo };
	size_t a = 0, b = ix->npeers;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (key_cmp(&ix->peers[mid].key, &k) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	for (; a < ix->npeers && ix->peers[a].key.cls == cls && ix->peers[a].key.v <= hi; a++)
		push(ix, ix->peers[a].rule);
}

/* push_peers: the rules whose first peer is a peer of m (m not all peers). */
static void push_peers(struct index *ix, const struct mrule *m)
{
	for (size_t i = 0; i < m->npods; i++)
		push_peer_range(ix, KEY_POD, m->pods[i], m->pods[i]);
	for (size_t i = 0; i < m->nets.n4; i++)
		push_peer_range(ix, KEY_NET4, m->nets.v4[i].lo, m->nets.v4[i].hi);
	for (size_t i = 0; i < m->nets.n6; i++)
		push_peer_range(ix, KEY_NET6, m->nets.v6[i].lo, m->nets.v6[i].hi);
}

/* push_key: the rules that had i's current peer key. */
static void push_key(struct index *ix, size_t i)
{
	unsigned char k[KEY_BYTES];
	void *head;
	key_bytes(&ix->v[i].key, k);
	head = strmap_get(&ix->by_key, (const char *)k, KEY_BYTES);
	for (size_t l = (size_t)(uintptr_t)head; l; l = ix->chain[l - 1].next)
		push(ix, ix->chain[l - 1].rule);
}

/* push_any: the rules that have every port. */
static void push_any(struct index *ix)
{
	for (size_t k = 0; k < ix->nany; k++)
		push(ix, ix->any[k]);
}

/*
 * scan: rule i looks at the others in index order and takes in those that
 * pass a test, as the loop "for j in 0..n" did, but visiting only the
 * candidates the index gives (a superset of the rules that can pass).
 * Returns true if i took in one.
 */
static bool scan(struct index *ix, size_t i, bool unique)
{
	struct mrule *v = ix->v, *mi = &v[i];
	bool changed = false;
	ix->scan++;
	ix->cursor = 0;
	ix->nheap = 0;
	ix->stamp[i] = ix->scan + 1; /* never its own candidate */
	/* equal peers: the rules under i's key; equal or inner ports: those holding its ports */
	push_key(ix, i);
	if (mi->ports.any) {
		push_any(ix);
		push_peers(ix, mi);
	} else {
		push_ports(ix, &mi->ports);
	}
	while (ix->nheap) {
		size_t j = pop(ix);
		struct mrule *mj = &v[j];
		bool was_any = mi->ports.any;
		struct peer_key was_key = mi->key;
		ix->cursor = j + 1;
		if (portset_equal(&mi->ports, &mj->ports) && j > i) {
			union_peers(mi, mj);
			if (key_cmp(&mi->key, &was_key)) {
				by_key_add(ix, i);
				push_key(ix, i);
			}
			if (mi->ports.any && !mi->all_peers)
				push_peers(ix, mj);
		} else if (peers_equal(mi, mj) && j > i) {
			portset_merge(&mi->ports, &mj->ports);
			if (mi->ports.any && !was_any) {
				VEC_PUSH(ix->any, ix->nany, ix->aany, i);
				push_any(ix);
				if (!mi->all_peers)
					push_peers(ix, mi);
			} else if (!mi->ports.any) {
				push_ports(ix, &mj->ports);
			}
		} else if (!(portset_subset(&mj->ports, &mi->ports) && peers_within(mj, mi))) {
			continue;
		}
		add_origins(mi, mj, unique);
		mj->dead = true;
		changed = true;
		if (is_everything(mi))
			break;
	}
	return changed;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (const void *const *)a,
		  y = (uintptr_t) * (const void *const *)b;
	return x < y ? -1 : x > y;
}

/* origins_unique: no origin is held by two rules of v[0..n). */
static bool origins_unique(const struct mrule *v, size_t n)
{
	const struct origin **all = NULL;
	size_t total = 0, alloc = 0;
	bool unique = true;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < v[i].norigins; k++)
			VEC_PUSH(all, total, alloc, v[i].origins[k]);
	xqsort(all, total, sizeof(*all), cmp_ptr);
	for (size_t k = 1; k < total && unique; k++)
		unique = all[k - 1] != all[k];
	free(all);
	return unique;
}

/* merge_run: rules v[0..n) of one action to a fixed point; returns true if one matches all. */
static bool merge_run(struct mrule *v, size_t n)
{
	bool changed = true, unique;
	struct index ix;
	for (size_t i = 0; i < n; i++) {
		if (peers_empty(&v[i]) || portset_is_empty(&v[i].ports))
			v[i].dead = true;
	}
	/* then no origin can be taken twice, and add_origins need not look */
	unique = origins_unique(v, n);
	index_init(&ix, v, n);
	while (changed) {
		changed = false;
		for (size_t i = 0; i < n; i++) {
			if (v[i].dead)
				continue;
			if (is_everything(&v[i])) {
				/* everything: the others add nothing */
				for (size_t j = 0; j < n; j++)
					if (j != i && !v[j].dead) {
						add_origins(&v[i], &v[j], unique);
						v[j].dead = true;
					}
				index_release(&ix);
				return true;
			}
			if (scan(&ix, i, unique))
				changed = true;
		}
	}
	index_release(&ix);
	return false;
}

static const struct ir_rule *materialize(struct ir *ir, struct mrule *m)
{
	struct ir_rule *r;
	if (m->orig)
		return m->orig;
	r = ir_rule_new(ir, m->action, m->origins[0]);
	r->all_peers = m->all_peers;
	norm_pods(m);
	if (!m->all_peers && m->npods)
		r->pods =
			ir_podset_new(ir, arena_memdup(ir->arena, m->pods, m->npods * 4), m->npods);
	if (!m->all_peers)
		addrset_merge(&r->nets, &m->nets);
	portset_merge(&r->ports, &m->ports);
	if (m->norigins > 1) {
		struct origin *more = arena_array(ir->arena, m->norigins - 1, sizeof(*more));
		for (size_t i = 1; i < m->norigins; i++)
			more[i - 1] = *m->origins[i];
		r->more = more;
		r->nmore = m->norigins - 1;
	}
	return r;
}

struct merged {
	const struct ir_rule **rules;
	size_t n;
};

static struct merged *merge_list(struct ir *ir, const struct ir_rule **rules, size_t n)
{
	struct merged *res = arena_zalloc(ir->arena, sizeof(*res));
	struct mrule *v = xcalloc(n + 1, sizeof(*v));
	const struct ir_rule **out = arena_array(ir->arena, n + 1, sizeof(*out));
	size_t nout = 0;
	for (size_t i = 0; i < n; i++)
		mrule_init(&v[i], rules[i]);
	for (size_t start = 0; start < n;) {
		size_t end = start;
		bool all;
		while (end < n && v[end].action == v[start].action)
			end++;
		all = merge_run(v + start, end - start);
		for (size_t i = start; i < end; i++)
			if (!v[i].dead)
				out[nout++] = materialize(ir, &v[i]);
		if (all)
			break; /* nothing after a match-everything rule can match */
		start = end;
	}
	for (size_t i = 0; i < n; i++)
		mrule_release(&v[i]);
	free(v);
	res->rules = out;
	res->n = nout;
	return res;
}

int pass_merge(struct ir *ir, struct diag *d)
{
	struct strmap memo = STRMAP_INIT;
	(void)d;
	for (size_t i = 0; i < ir->neps; i++) {
		for (int dir = 0; dir < NDIR; dir++) {
			struct ir_dir *dd = &ir->eps[i].dir[dir];
			for (size_t t = 0; t < dd->ntiers; t++) {
				struct ir_tier *tier = &dd->tiers[t];
				size_t len = tier->nrules * sizeof(*tier->rules);
				struct strmap_slot *s;
				struct merged *m;
				if (!tier->nrules)
					continue;
				s = strmap_slot(&memo, (const char *)tier->rules, len);
				if (!s->value)
					s->value = merge_list(ir, tier->rules, tier->nrules);
				m = s->value;
				tier->rules = m->rules;
				tier->nrules = m->n;
			}
		}
	}
	strmap_release(&memo);
	return 0;
}
