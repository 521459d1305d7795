/*
 * nft.c - the nftables backend: an `nft -f` script that owns one inet table.
 *
 * The script replaces the table atomically: `table inet T {}` (create it if
 * missing), `delete table inet T`, then the full definition, all in the one
 * transaction nft makes of a file.  Other tables are never touched.  One
 * inet table serves IPv4 and IPv6.
 *
 * Programs.  The endpoint IR gives every endpoint, per direction, a list of
 * tiers of rules.  Endpoints whose applying tiers hold the same rules (by
 * rule id) in the same order share one *program*: a chain per applying tier,
 * named "in<N>" / "eg<N>" (tier 0) and "in<N>_t<K>" (tier K), N numbered in
 * endpoint order.  A program is entered with `jump`; its verdicts are
 *
 *     allow  -> return        (back to the base chain, which goes on)
 *     deny   -> drop
 *     pass   -> goto the next applying tier's chain (return after the last)
 *     tier end: drop (end action deny) or goto the next tier (pass)
 *
 * Tiers are walked with goto, so `return` anywhere leaves the program.
 *
 * Rules inside a tier.  First match decides, so only the order of rules
 * with different actions matters: a tier is cut into runs of consecutive
 * rules with one action, and each run is compiled into at most five set
 * lookups whatever its number of rules:
 *
 *     ip  saddr @X_p4                            peers allowed every protocol
 *     ip6 saddr @X_p6
 *     ip  saddr . meta l4proto . th dport @X_a4  peer . protocol . port range
 *     ip6 saddr . meta l4proto . th dport @X_a6
 *     meta l4proto . th dport @X_pt              protocol . port, every peer
 *
 * (daddr for egress).  The concatenated sets have `flags interval`, and
 * the kernel rejects overlapping elements, so the run's rules are made
 * disjoint first: rules with equal port sets are merged; then, per
 * protocol, either the port axis is cut at every range boundary (each piece
 * gets the union of the peers covering it) or the address axis is cut at
 * every peer boundary (each piece gets the union of the port ranges
 * covering it), whichever gives fewer elements, and equal neighbouring
 * pieces are joined again.  A rule without ports matches every protocol,
 * ICMP included; a rule with ports matches TCP, UDP and SCTP only.  Sets
 * with equal contents are emitted once and shared; a set of at most
 * nft_inline_max elements is written as plain rules instead (see there).
 *
 * Base chains.  Host mode: `input` jumps to the endpoint's ingress program,
 * `output` to its egress program.  Node mode: `forward` dispatches by
 * address through four verdict maps (source -> egress program, then
 * destination -> ingress program), so the cost per packet does not depend
 * on the number of endpoints; endpoints without a program in a direction
 * are not in that map and pass untouched.  Every base chain starts with
 * `ct state established,related accept`, accepts IPv6 neighbour discovery
 * (ICMPv6 133-137) and has policy accept; every program starts with
 * `ct state invalid drop`, so the traffic of endpoints that no policy
 * selects is never touched, not even its invalid packets.
 *
 * Every piece of user text (names, paths) reaches the script through
 * nft_quote(); set and chain names come from program numbers only.
 */
#include "backends/nft.h"

#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "ir/arena.h"
#include "ir/strmap.h"
#include "ir/util.h"

/* ---- quoting ---- */

static bool quote_safe(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c && strchr(" -_./:[](),=@+", c) != NULL;
}

static size_t quote_width(unsigned char c)
{
	return quote_safe(c) ? 1 : 3;
}

static void quote_put(struct strbuf *out, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	if (quote_safe(c)) {
		strbuf_addch(out, c);
		return;
	}
	strbuf_addch(out, '%');
	strbuf_addch(out, hex[c >> 4]);
	strbuf_addch(out, hex[c & 15]);
}

static uint32_t fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

#define QUOTE_MARK_LEN 10 /* "~HHHHHHHH~" */

void nft_quote(struct strbuf *out, const char *s, size_t n, size_t max)
{
	size_t total = 0, i, start, used, room, tail_room;

	if (max && max < 32)
		BUG("nft_quote: max %zu too small", max);
	for (i = 0; i < n; i++)
		total += quote_width((unsigned char)s[i]);
	strbuf_addch(out, '"');
	if (!max || total <= max) {
		for (i = 0; i < n; i++)
			quote_put(out, (unsigned char)s[i]);
		strbuf_addch(out, '"');
		return;
	}
	room = max - QUOTE_MARK_LEN;
	tail_room = room / 3;
	used = 0;
	for (i = 0; i < n && used + quote_width((unsigned char)s[i]) <= room - tail_room; i++) {
		used += quote_width((unsigned char)s[i]);
		quote_put(out, (unsigned char)s[i]);
	}
	start = n;
	used = 0;
	while (start > i && used + quote_width((unsigned char)s[start - 1]) <= tail_room) {
		start--;
		used += quote_width((unsigned char)s[start]);
	}
	strbuf_addf(out, "~%08x~", (unsigned)fnv1a(s, n));
	for (; start < n; start++)
		quote_put(out, (unsigned char)s[start]);
	strbuf_addch(out, '"');
}

static void quote_str(struct strbuf *out, const char *s, size_t max)
{
	nft_quote(out, s, strlen(s), max);
}

/* ---- emitter state ---- */

/* Text tables: IR enums to nft spellings. */
static const char *const dir_prefix[NDIR] = { [DIR_INGRESS] = "in", [DIR_EGRESS] = "eg" };
/* the address the peer of a rule is in: the source of ingress, the destination of egress */
static const char *const peer_field[NDIR] = { [DIR_INGRESS] = "saddr", [DIR_EGRESS] = "daddr" };
/* the address an endpoint is matched by in node mode */
static const char *const ep_field[NDIR] = { [DIR_INGRESS] = "daddr", [DIR_EGRESS] = "saddr" };
static const char *const map_name[NDIR][2] = {
	[DIR_INGRESS] = { "ingress_v4", "ingress_v6" },
	[DIR_EGRESS] = { "egress_v4", "egress_v6" },
};

/*
 * A set of at most nft_inline_max elements is written as that many plain
 * rules instead.  The kernel finds sets by name with a linear search of the
 * table, so a ruleset with tens of thousands of sets loads in time
 * quadratic in their number; small sets are also no faster to look up than
 * a couple of comparisons.
 */
unsigned nft_inline_max = 3;

/* Set kinds of a run (see the file comment). */
enum set_kind { SK_P4, SK_P6, SK_A4, SK_A6, SK_PT, NSK };
static const struct {
	const char *suffix, *type, *match; /* match: %s is peer_field */
} set_kinds[NSK] = {
	[SK_P4] = { "p4", "ipv4_addr", "ip %s" },
	[SK_P6] = { "p6", "ipv6_addr", "ip6 %s" },
	[SK_A4] = { "a4", "ipv4_addr . inet_proto . inet_service",
		    "ip %s . meta l4proto . th dport" },
	[SK_A6] = { "a6", "ipv6_addr . inet_proto . inet_service",
		    "ip6 %s . meta l4proto . th dport" },
	[SK_PT] = { "pt", "inet_proto . inet_service", "meta l4proto . th dport" },
};

struct program {
	const struct ir_endpoint *ep; /* the first endpoint using it; its tiers define it */
	size_t nusers;
	const struct ir_endpoint *users[3]; /* the first few, for comments */
};

struct dispatch {
	struct addr a;
	size_t ep; /* index in ir->eps */
};

struct nft {
	const struct emit_ctx *ctx;
	const struct ir *ir;
	const struct model *m;
	struct diag *d;
	struct arena arena; /* keys and names, released at the end */
	struct strbuf body; /* sets and chains */

	/* peers of every rule, by rule id, computed on first use */
	struct addrset *peers;
	bool *peers_done;
	bool *pod_warned; /* by pod index: "has no IP" already said */

	struct strmap programs[NDIR]; /* key -> program number + 1 */
	struct program *prog[NDIR];
	size_t nprog[NDIR], aprog[NDIR];
	size_t *ep_prog[NDIR]; /* by endpoint: program number + 1, or 0 */
	bool *skip;	       /* by endpoint: cannot be enforced (node mode) */

	struct strmap sets; /* kind + elements -> set name */
};

static void nft_init(struct nft *e, const struct emit_ctx *ctx, struct diag *d)
{
	memset(e, 0, sizeof(*e));
	e->ctx = ctx;
	e->ir = ctx->ir;
	e->m = ctx->model ? ctx->model : ctx->ir->model;
	e->d = d;
	strbuf_init(&e->body);
	e->peers = xcalloc(e->ir->nrules + 1, sizeof(*e->peers));
	e->peers_done = xcalloc(e->ir->nrules + 1, sizeof(*e->peers_done));
	e->pod_warned = xcalloc(e->m->npods + 1, sizeof(*e->pod_warned));
	for (int dir = 0; dir < NDIR; dir++)
		e->ep_prog[dir] = xcalloc(e->ir->neps + 1, sizeof(size_t));
	e->skip = xcalloc(e->ir->neps + 1, sizeof(*e->skip));
}

static void nft_release(struct nft *e)
{
	for (size_t i = 0; i < e->ir->nrules; i++)
		if (e->peers_done[i])
			addrset_release(&e->peers[i]);
	free(e->peers);
	free(e->peers_done);
	free(e->pod_warned);
	for (int dir = 0; dir < NDIR; dir++) {
		strmap_release(&e->programs[dir]);
		free(e->prog[dir]);
		free(e->ep_prog[dir]);
	}
	free(e->skip);
	strmap_release(&e->sets);
	strbuf_release(&e->body);
	arena_release(&e->arena);
}

/* ---- origins ---- */

static void origin_text(struct strbuf *sb, const struct origin *o)
{
	if (!o->policy) {
		strbuf_addstr(sb, "netpolc");
		return;
	}
	strbuf_addf(sb, "%s/%s", o->policy->ns, o->policy->name);
	if (o->rule >= 0)
		strbuf_addf(sb, " %s[%d]", dir_name(o->dir), o->rule);
}

static int origin_cmp(const struct origin *a, const struct origin *b)
{
	int c;
	if (!a->policy || !b->policy)
		return (a->policy != NULL) - (b->policy != NULL);
	if ((c = strcmp(a->policy->ns, b->policy->ns)) ||
	    (c = strcmp(a->policy->name, b->policy->name)))
		return c;
	if (a->dir != b->dir)
		return (int)a->dir - (int)b->dir;
	return (a->rule > b->rule) - (a->rule < b->rule);
}

static bool origin_same(const struct origin *a, const struct origin *b)
{
	return origin_cmp(a, b) == 0;
}

/*
 * collect_origins: the distinct origins of rules[0..n), merged ones (more[])
 * included, in order of first appearance.  Returns a malloc'ed array.
 */
static const struct origin **collect_origins(const struct ir_rule *const *rules, size_t n,
					     size_t *nv)
{
	size_t total = 0, k = 0;
	const struct origin **v;
	for (size_t i = 0; i < n; i++)
		total += 1 + rules[i]->nmore;
	v = xcalloc(total + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		for (size_t m = 0; m <= rules[i]->nmore; m++) {
			const struct origin *o = m ? &rules[i]->more[m - 1] : &rules[i]->origin;
			bool seen = false;
			for (size_t j = 0; j < k && !seen; j++)
				seen = origin_same(v[j], o);
			if (!seen)
				v[k++] = o;
		}
	}
	*nv = k;
	return v;
}

/*
 * run_comment: ` comment "..."` naming the first rule of a run and how many
 * other rules (distinct origins) it stands for.
 */
static void run_comment(struct strbuf *out, const struct ir_rule *const *rules, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t nv;
	const struct origin **v = collect_origins(rules, n, &nv);
	origin_text(&sb, v[0]);
	if (nv > 1)
		strbuf_addf(&sb, " +%zu", nv - 1);
	strbuf_addstr(out, " comment ");
	quote_str(out, sb.buf, NFT_COMMENT_MAX);
	strbuf_release(&sb);
	free(v);
}

/* ---- peers ---- */

static const struct addrset *rule_peers(struct nft *e, const struct ir_rule *r)
{
	struct addrset *s = &e->peers[r->id];
	if (r->id >= e->ir->nrules || e->ir->rules[r->id] != r)
		BUG("nft: rule %zu is not registered in the IR", r->id);
	if (e->peers_done[r->id])
		return s;
	e->peers_done[r->id] = true;
	addrset_init(s);
	if (r->all_peers) {
		addrset_add_all(s, AF4);
		addrset_add_all(s, AF6);
		return s;
	}
	addrset_merge(s, &r->nets);
	for (size_t i = 0; r->pods && i < r->pods->n; i++) {
		uint32_t idx = r->pods->v[i];
		const struct pod *p = e->m->pods[idx];
		if (!p->nips) {
			if (!e->pod_warned[idx]) {
				struct strbuf sb = STRBUF_INIT;
				const struct loc *at =
					r->origin.loc.file ? &r->origin.loc : &p->loc;
				e->pod_warned[idx] = true;
				origin_text(&sb, &r->origin);
				diag_warning(e->d, at,
					     "peer %s/%s has no IP address: left out of the "
					     "nftables rules of %s (its traffic cannot be matched)",
					     p->ns, p->name, sb.buf);
				strbuf_release(&sb);
			}
			continue;
		}
		for (size_t j = 0; j < p->nips; j++)
			addrset_add_addr(s, &p->ips[j]);
	}
	addrset_normalize(s);
	return s;
}

/* ---- programs ---- */

static bool endpoint_has_tiers(const struct ir_endpoint *ep, enum dir dir)
{
	for (size_t t = 0; t < ep->dir[dir].ntiers; t++)
		if (ep->dir[dir].tiers[t].applies)
			return true;
	return false;
}

/* program_key: the applying tiers' end actions and rule ids, as text. */
static void program_key(struct strbuf *sb, const struct ir_endpoint *ep, enum dir dir)
{
	for (size_t t = 0; t < ep->dir[dir].ntiers; t++) {
		const struct ir_tier *tier = &ep->dir[dir].tiers[t];
		if (!tier->applies)
			continue;
		strbuf_addf(sb, "%d:", (int)tier->end_action);
		for (size_t i = 0; i < tier->nrules; i++)
			strbuf_addf(sb, "%zu,", tier->rules[i]->id);
		strbuf_addch(sb, ';');
	}
}

static void assign_programs(struct nft *e)
{
	struct strbuf key = STRBUF_INIT;
	for (int dir = 0; dir < NDIR; dir++) {
		for (size_t i = 0; i < e->ir->neps; i++) {
			const struct ir_endpoint *ep = &e->ir->eps[i];
			struct strmap_slot *slot;
			struct program *p;
			if (e->skip[i] || !endpoint_has_tiers(ep, dir))
				continue;
			strbuf_reset(&key);
			program_key(&key, ep, dir);
			slot = strmap_slot(&e->programs[dir], key.buf, key.len);
			if (!slot->value) {
				slot->key = arena_memdup(&e->arena, key.buf, key.len + 1);
				VEC_GROW(e->prog[dir], e->nprog[dir] + 1, e->aprog[dir]);
				p = &e->prog[dir][e->nprog[dir]];
				memset(p, 0, sizeof(*p));
				p->ep = ep;
				slot->value = (void *)(uintptr_t)++e->nprog[dir];
			}
			e->ep_prog[dir][i] = (size_t)(uintptr_t)slot->value;
			p = &e->prog[dir][e->ep_prog[dir][i] - 1];
			if (p->nusers < ARRAY_SIZE(p->users))
				p->users[p->nusers] = ep;
			p->nusers++;
		}
	}
	strbuf_release(&key);
}

/* ---- runs: rules of one action, compiled to set lookups ---- */

struct port_group {
	const struct portset *ports;
	struct addrset peers;
};

static int port_group_cmp(const void *a, const void *b)
{
	const struct port_group *x = a, *y = b;
	return portset_cmp(x->ports, y->ports);
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/*
 * One set element: a prefix (kinds p4, p6, a4, a6) and a protocol with a
 * port range (kinds a4, a6, pt).
 */
struct element {
	struct prefix px;
	enum proto proto;
	uint32_t lo, hi;
};

/* Element lists, one per set kind. */
struct elems {
	struct element *v[NSK];
	size_t n[NSK], a[NSK];
};

static void elems_init(struct elems *x)
{
	memset(x, 0, sizeof(*x));
}

static void elems_release(struct elems *x)
{
	for (int k = 0; k < NSK; k++)
		free(x->v[k]);
	elems_init(x);
}

static size_t elems_count(const struct elems *x)
{
	size_t n = 0;
	for (int k = 0; k < NSK; k++)
		n += x->n[k];
	return n;
}

static void add_element(struct elems *x, enum set_kind k, const struct element *el)
{
	VEC_PUSH(x->v[k], x->n[k], x->a[k], *el);
}

/* elems_append: move every element of src to the end of dst's lists. */
static void elems_append(struct elems *dst, struct elems *src)
{
	for (int k = 0; k < NSK; k++)
		for (size_t i = 0; i < src->n[k]; i++)
			add_element(dst, (enum set_kind)k, &src->v[k][i]);
	elems_release(src);
}

static void prefix_text(struct strbuf *sb, const struct prefix *px)
{
	char buf[ADDR_STRLEN];
	if (px->len == (px->a.family == AF4 ? 32 : 128))
		strbuf_addstr(sb, addr_format(&px->a, buf));
	else
		strbuf_addstr(sb, prefix_format(px, buf));
}

static void ports_text(struct strbuf *sb, uint32_t lo, uint32_t hi)
{
	strbuf_addf(sb, "%u", (unsigned)lo);
	if (hi != lo)
		strbuf_addf(sb, "-%u", (unsigned)hi);
}

/* element_text: the element as a set element ("10.0.0.0/8 . tcp . 80-90"). */
static void element_text(struct strbuf *sb, enum set_kind k, const struct element *el)
{
	if (k != SK_PT) {
		prefix_text(sb, &el->px);
		if (k == SK_P4 || k == SK_P6)
			return;
		strbuf_addstr(sb, " . ");
	}
	strbuf_addf(sb, "%s . ", proto_lname(el->proto));
	ports_text(sb, el->lo, el->hi);
}

/* element_match: the element as a rule's match ("ip saddr 10.0.0.0/8 tcp dport 80-90"). */
static void element_match(struct strbuf *sb, enum set_kind k, const struct element *el,
			  enum dir dir)
{
	if (k != SK_PT) {
		strbuf_addf(sb, "%s %s ", el->px.a.family == AF4 ? "ip" : "ip6", peer_field[dir]);
		prefix_text(sb, &el->px);
		if (k == SK_P4 || k == SK_P6)
			return;
		strbuf_addch(sb, ' ');
	}
	strbuf_addf(sb, "%s dport ", proto_lname(el->proto));
	ports_text(sb, el->lo, el->hi);
}

/* The compiled form of one run. */
struct run_sets {
	struct elems x;
	bool all4, all6; /* every protocol from every IPv4 / IPv6 peer */
};

/* cross_elements: every prefix of u times ports lo..hi of p. */
static void cross_elements(struct elems *x, const struct addrset *u, enum proto p, uint32_t lo,
			   uint32_t hi)
{
	struct prefix *v;
	size_t n;

	v = addrset_prefixes(u, &n);
	for (size_t i = 0; i < n; i++) {
		struct element el = { v[i], p, lo, hi };
		add_element(x, v[i].a.family == AF4 ? SK_A4 : SK_A6, &el);
	}
	free(v);
}

/*
 * segment_elements: elements for peers u on ports lo..hi of p.  Every peer
 * of both families: one protocol . port element.  Otherwise u, or u minus
 * the peers already allowed every protocol, whichever has fewer prefixes
 * (both are correct: the sets of a run share one verdict).
 */
static void segment_elements(struct elems *x, const struct addrset *u, enum proto p, uint32_t lo,
			     uint32_t hi, const struct addrset *any)
{
	struct addrset rest = ADDRSET_INIT;

	if (addrset_is_all(u, AF4) && addrset_is_all(u, AF6)) {
		struct element el = { { { 0, 0 }, 0 }, p, lo, hi };
		add_element(x, SK_PT, &el);
		return;
	}
	addrset_subtract(&rest, u, any);
	if (addrset_count_prefixes(&rest) < addrset_count_prefixes(u))
		cross_elements(x, &rest, p, lo, hi);
	else
		cross_elements(x, u, p, lo, hi);
	addrset_release(&rest);
}

/*
 * port_axis: for protocol p, cut the port axis at every boundary of the
 * groups' ranges; each maximal piece of equal peers becomes peers x piece.
 */
static void port_axis(struct elems *x, const struct port_group *g, size_t ng, enum proto p,
		      const struct addrset *any)
{
	uint32_t *b = NULL;
	size_t nb = 0, ab = 0, k = 0;
	struct addrset cur = ADDRSET_INIT, prev = ADDRSET_INIT;
	uint32_t prev_lo = 0, prev_hi = 0;

	for (size_t i = 0; i < ng; i++) {
		for (size_t j = 0; j < g[i].ports->n[p]; j++) {
			VEC_PUSH(b, nb, ab, g[i].ports->r[p][j].lo);
			VEC_PUSH(b, nb, ab, (uint32_t)g[i].ports->r[p][j].hi + 1);
		}
	}
	if (!nb)
		return;
	qsort(b, nb, sizeof(*b), u32_cmp);
	for (size_t i = 0; i < nb; i++)
		if (!k || b[k - 1] != b[i])
			b[k++] = b[i];
	for (size_t i = 0; i + 1 < k; i++) {
		uint32_t lo = b[i], hi = b[i + 1] - 1;
		addrset_release(&cur);
		for (size_t j = 0; j < ng; j++)
			if (!g[j].ports->any && portset_contains(g[j].ports, p, (uint16_t)lo))
				addrset_merge(&cur, &g[j].peers);
		if (i && prev_hi + 1 == lo && addrset_equal(&prev, &cur)) {
			prev_hi = hi;
			continue;
		}
		if (i && !addrset_is_empty(&prev))
			segment_elements(x, &prev, p, prev_lo, prev_hi, any);
		addrset_release(&prev);
		prev = cur;
		addrset_init(&cur);
		prev_lo = lo;
		prev_hi = hi;
	}
	if (!addrset_is_empty(&prev))
		segment_elements(x, &prev, p, prev_lo, prev_hi, any);
	addrset_release(&prev);
	addrset_release(&cur);
	free(b);
}

static int u128_cmp(const void *a, const void *b)
{
	u128 x = *(const u128 *)a, y = *(const u128 *)b;
	return (x > y) - (x < y);
}

static void interval_elements(struct elems *x, int fam, u128 lo, u128 hi, const struct portset *ps,
			      enum proto p)
{
	struct addrset one = ADDRSET_INIT;
	addrset_add_range(&one, fam, lo, hi);
	for (size_t r = 0; r < ps->n[p]; r++)
		cross_elements(x, &one, p, ps->r[p][r].lo, ps->r[p][r].hi);
	addrset_release(&one);
}

/*
 * addr_axis: for protocol p, cut each family's address axis at every
 * boundary of the groups' peers; each maximal piece of equal port ranges
 * becomes piece x ranges.  A family whose every address is already allowed
 * every protocol is left out.
 */
static void addr_axis(struct elems *x, const struct port_group *g, size_t ng, enum proto p,
		      const struct addrset *any)
{
	for (int fam = AF4; fam <= AF6; fam += AF6 - AF4) {
		u128 *b = NULL, prev_lo = 0, prev_hi = 0;
		size_t nb = 0, ab = 0, k = 0;
		struct portset prev = PORTSET_INIT;
		bool have_prev = false;

		if (addrset_is_all(any, fam))
			continue;
		for (size_t i = 0; i < ng; i++) {
			const struct addrset *s = &g[i].peers;
			size_t n = fam == AF4 ? s->n4 : s->n6;
			if (!g[i].ports->n[p])
				continue;
			for (size_t j = 0; j < n; j++) {
				u128 lo = fam == AF4 ? s->v4[j].lo : s->v6[j].lo;
				u128 hi = fam == AF4 ? s->v4[j].hi : s->v6[j].hi;
				VEC_PUSH(b, nb, ab, lo);
				if (hi != (fam == AF4 ? (u128)UINT32_MAX : ~(u128)0))
					VEC_PUSH(b, nb, ab, hi + 1);
			}
		}
		if (nb)
			qsort(b, nb, sizeof(*b), u128_cmp);
		for (size_t i = 0; i < nb; i++)
			if (!k || b[k - 1] != b[i])
				b[k++] = b[i];
		for (size_t i = 0; i < k; i++) {
			u128 lo = b[i];
			u128 hi = i + 1 < k ? b[i + 1] - 1
					    : (fam == AF4 ? (u128)UINT32_MAX : ~(u128)0);
			struct addr a = { (uint8_t)fam, lo };
			struct portset cur = PORTSET_INIT;
			for (size_t j = 0; j < ng; j++) {
				if (!addrset_contains(&g[j].peers, &a))
					continue;
				for (size_t r = 0; r < g[j].ports->n[p]; r++)
					portset_add(&cur, p, g[j].ports->r[p][r].lo,
						    g[j].ports->r[p][r].hi);
			}
			if (have_prev && prev_hi + 1 == lo && portset_equal(&prev, &cur)) {
				prev_hi = hi;
				portset_release(&cur);
				continue;
			}
			if (have_prev)
				interval_elements(x, fam, prev_lo, prev_hi, &prev, p);
			portset_release(&prev);
			prev = cur;
			prev_lo = lo;
			prev_hi = hi;
			have_prev = true;
		}
		if (have_prev)
			interval_elements(x, fam, prev_lo, prev_hi, &prev, p);
		portset_release(&prev);
		free(b);
	}
}

static void compile_run(struct nft *e, const struct ir_rule *const *rules, size_t n,
			struct run_sets *rs)
{
	struct addrset any = ADDRSET_INIT;
	struct port_group *g = NULL;
	size_t ng = 0, ag = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct ir_rule *r = rules[i];
		const struct addrset *peers = rule_peers(e, r);
		if (portset_is_empty(&r->ports) || addrset_is_empty(peers))
			continue;
		if (r->ports.any) {
			addrset_merge(&any, peers);
			continue;
		}
		VEC_GROW(g, ng + 1, ag);
		g[ng].ports = &r->ports;
		addrset_init(&g[ng].peers);
		addrset_merge(&g[ng].peers, peers);
		ng++;
	}
	/* rules with equal port sets: one group with the union of their peers */
	if (ng)
		qsort(g, ng, sizeof(*g), port_group_cmp);
	for (size_t i = 0; i < ng; i++) {
		if (k && !portset_cmp(g[k - 1].ports, g[i].ports)) {
			addrset_merge(&g[k - 1].peers, &g[i].peers);
			addrset_release(&g[i].peers);
		} else {
			g[k++] = g[i];
		}
	}
	ng = k;
	for (size_t i = 0; i < ng; i++)
		addrset_normalize(&g[i].peers);

	rs->all4 = addrset_is_all(&any, AF4);
	rs->all6 = addrset_is_all(&any, AF6);
	if (!(rs->all4 && rs->all6)) {
		struct prefix *v;
		size_t nv;
		v = addrset_prefixes(&any, &nv);
		for (size_t i = 0; i < nv; i++) {
			struct element el = { v[i], PROTO_TCP, 0, 0 };
			if ((v[i].a.family == AF4 && rs->all4) ||
			    (v[i].a.family == AF6 && rs->all6))
				continue;
			add_element(&rs->x, v[i].a.family == AF4 ? SK_P4 : SK_P6, &el);
		}
		free(v);
		/* per protocol, whichever cut gives fewer elements (the port cut on a tie) */
		for (int p = 0; p < NPROTO; p++) {
			struct elems by_port, by_addr;
			elems_init(&by_port);
			elems_init(&by_addr);
			port_axis(&by_port, g, ng, (enum proto)p, &any);
			addr_axis(&by_addr, g, ng, (enum proto)p, &any);
			if (elems_count(&by_addr) < elems_count(&by_port))
				elems_append(&rs->x, &by_addr);
			else
				elems_append(&rs->x, &by_port);
			elems_release(&by_port);
			elems_release(&by_addr);
		}
	}
	for (size_t i = 0; i < ng; i++)
		addrset_release(&g[i].peers);
	free(g);
	addrset_release(&any);
}

/*
 * set_name: the name of a set holding the elements of kind k, emitting its
 * definition into the body the first time those contents are seen (the
 * name derives from the chain and run that first needed it).
 */
static const char *set_name(struct nft *e, enum set_kind k, const struct elems *x,
			    const char *chain, size_t run)
{
	struct strbuf elems = STRBUF_INIT, key = STRBUF_INIT;
	struct strmap_slot *slot;
	const char *name;

	for (size_t i = 0; i < x->n[k]; i++) {
		strbuf_addstr(&elems, i ? ",\n\t\t\t" : "\t\t\t");
		element_text(&elems, k, &x->v[k][i]);
	}
	strbuf_addf(&key, "%s\n", set_kinds[k].suffix);
	strbuf_add(&key, elems.buf, elems.len);
	slot = strmap_slot(&e->sets, key.buf, key.len);
	if (slot->value) {
		strbuf_release(&key);
		strbuf_release(&elems);
		return slot->value;
	}
	slot->key = arena_memdup(&e->arena, key.buf, key.len + 1);
	name = arena_printf(&e->arena, "%s_r%zu_%s", chain, run, set_kinds[k].suffix);
	slot->value = (void *)name;
	strbuf_release(&key);

	strbuf_addf(&e->body, "\tset %s {\n\t\ttype %s\n\t\tflags interval\n", name,
		    set_kinds[k].type);
	strbuf_addstr(&e->body, "\t\telements = {\n");
	strbuf_add(&e->body, elems.buf, elems.len);
	strbuf_addstr(&e->body, "\n\t\t}\n\t}\n\n");
	strbuf_release(&elems);
	return name;
}

/* ---- chains ---- */

static const char *tier_chain(struct nft *e, enum dir dir, size_t prog, size_t k)
{
	if (!k)
		return arena_printf(&e->arena, "%s%zu", dir_prefix[dir], prog);
	return arena_printf(&e->arena, "%s%zu_t%zu", dir_prefix[dir], prog, k);
}

static void list_origins(struct strbuf *out, const struct ir_rule *const *rules, size_t n)
{
	size_t nv;
	const struct origin **v = collect_origins(rules, n, &nv);
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < nv; i++) {
		if (i == 8) {
			strbuf_addf(out, "\t\t# ... and %zu more rules\n", nv - i);
			break;
		}
		strbuf_reset(&sb);
		origin_text(&sb, v[i]);
		strbuf_addstr(out, "\t\t# ");
		quote_str(out, sb.buf, 0);
		strbuf_addch(out, '\n');
	}
	strbuf_release(&sb);
	free(v);
}

static const char *verdict_text(struct nft *e, enum action a, const char *next)
{
	switch (a) {
	case ACT_ALLOW:
		return "return";
	case ACT_DENY:
		return "drop";
	case ACT_PASS:
		return next ? arena_printf(&e->arena, "goto %s", next) : "return";
	}
	BUG("nft: bad action %d", (int)a);
}

/*
 * emit_tier: the chain of one applying tier; next is the chain of the next
 * applying tier, or NULL.  Once a run matches everything, the rest of the
 * tier is unreachable and left out.
 */
static void emit_tier(struct nft *e, enum dir dir, const struct ir_tier *t, const char *chain,
		      const char *next, bool first)
{
	struct strbuf ch = STRBUF_INIT;
	size_t run = 0;
	bool open = true;

	/* only traffic of endpoints with a program is touched: invalid packets too */
	if (first)
		strbuf_addstr(&ch, "\t\tct state invalid drop\n");

	for (size_t i = 0; i < t->nrules && open; run++) {
		const struct ir_rule *const *rules = &t->rules[i];
		const char *verdict = verdict_text(e, t->rules[i]->action, next);
		struct run_sets rs = { 0 };
		size_t n = 1;

		while (i + n < t->nrules && t->rules[i + n]->action == rules[0]->action)
			n++;
		i += n;
		elems_init(&rs.x);
		compile_run(e, rules, n, &rs);
		list_origins(&ch, rules, n);
		if (rs.all4 && rs.all6) {
			strbuf_addf(&ch, "\t\t%s", verdict);
			run_comment(&ch, rules, n);
			strbuf_addch(&ch, '\n');
			open = false;
		}
		if (open && rs.all4) {
			strbuf_addf(&ch, "\t\tmeta nfproto ipv4 %s", verdict);
			run_comment(&ch, rules, n);
			strbuf_addch(&ch, '\n');
		}
		if (open && rs.all6) {
			strbuf_addf(&ch, "\t\tmeta nfproto ipv6 %s", verdict);
			run_comment(&ch, rules, n);
			strbuf_addch(&ch, '\n');
		}
		for (int k = 0; k < NSK && open; k++) {
			const char *name;
			if (!rs.x.n[k])
				continue;
			if (rs.x.n[k] <= nft_inline_max) {
				/* a few elements: plain matches, no set object */
				for (size_t j = 0; j < rs.x.n[k]; j++) {
					strbuf_addstr(&ch, "\t\t");
					element_match(&ch, (enum set_kind)k, &rs.x.v[k][j], dir);
					strbuf_addf(&ch, " %s", verdict);
					run_comment(&ch, rules, n);
					strbuf_addch(&ch, '\n');
				}
				continue;
			}
			name = set_name(e, (enum set_kind)k, &rs.x, chain, run);
			strbuf_addstr(&ch, "\t\t");
			strbuf_addf(&ch, set_kinds[k].match, peer_field[dir]);
			strbuf_addf(&ch, " @%s %s", name, verdict);
			run_comment(&ch, rules, n);
			strbuf_addch(&ch, '\n');
		}
		elems_release(&rs.x);
	}
	if (open) {
		struct strbuf sb = STRBUF_INIT;
		if (t->end_action == ACT_DENY) {
			strbuf_addstr(&sb, "isolated by ");
			if (t->npolicies)
				strbuf_addf(&sb, "%s/%s", t->policies[0]->ns, t->policies[0]->name);
			else
				strbuf_addf(&sb, "tier %s", t->name ? t->name : "");
			if (t->npolicies > 1)
				strbuf_addf(&sb, " +%zu", t->npolicies - 1);
			strbuf_addstr(&ch, "\t\tdrop comment ");
			quote_str(&ch, sb.buf, NFT_COMMENT_MAX);
			strbuf_addch(&ch, '\n');
			open = false;
		} else if (next) {
			strbuf_addf(&ch, "\t\tgoto %s\n", next);
			open = false;
		}
		strbuf_release(&sb);
	}
	strbuf_addf(&e->body, "\tchain %s {\n", chain);
	strbuf_add(&e->body, ch.buf, ch.len);
	strbuf_addstr(&e->body, "\t}\n\n");
	strbuf_release(&ch);
}

static void endpoint_label(struct strbuf *sb, const struct ir_endpoint *ep)
{
	strbuf_addf(sb, "%s/%s", ep->pod->ns ? ep->pod->ns : "",
		    ep->pod->name ? ep->pod->name : "");
}

static void emit_program(struct nft *e, enum dir dir, size_t pi)
{
	const struct program *p = &e->prog[dir][pi];
	const struct ir_dir *d = &p->ep->dir[dir];
	size_t *applying = xcalloc(d->ntiers + 1, sizeof(size_t));
	size_t na = 0;
	struct strbuf sb = STRBUF_INIT;

	for (size_t t = 0; t < d->ntiers; t++)
		if (d->tiers[t].applies)
			applying[na++] = t;
	strbuf_addf(&e->body, "\t# %s program %zu: ", dir_name(dir), pi);
	for (size_t i = 0; i < p->nusers && i < ARRAY_SIZE(p->users); i++) {
		strbuf_reset(&sb);
		endpoint_label(&sb, p->users[i]);
		strbuf_addstr(&e->body, i ? ", " : "");
		quote_str(&e->body, sb.buf, 0);
	}
	if (p->nusers > ARRAY_SIZE(p->users))
		strbuf_addf(&e->body, " and %zu more", p->nusers - ARRAY_SIZE(p->users));
	strbuf_addch(&e->body, '\n');
	for (size_t k = 0; k < na; k++) {
		const char *chain = tier_chain(e, dir, pi, k);
		const char *next = k + 1 < na ? tier_chain(e, dir, pi, k + 1) : NULL;
		emit_tier(e, dir, &d->tiers[applying[k]], chain, next, k == 0);
	}
	strbuf_release(&sb);
	free(applying);
}

/* ---- base chains ---- */

static void base_prologue(struct strbuf *out, const char *name, const char *hook, const char *lo)
{
	strbuf_addf(out, "\tchain %s {\n", name);
	strbuf_addf(out, "\t\ttype filter hook %s priority filter; policy accept;\n", hook);
	strbuf_addstr(out, "\t\tct state established,related accept\n");
	if (lo)
		strbuf_addf(out, "\t\t%s \"lo\" accept\n", lo);
	strbuf_addstr(out, "\t\ticmpv6 type { nd-router-solicit, nd-router-advert, "
			   "nd-neighbor-solicit, nd-neighbor-advert, nd-redirect } accept\n");
}

static void emit_host(struct nft *e)
{
	static const char *const hook[NDIR] = { [DIR_INGRESS] = "input", [DIR_EGRESS] = "output" };
	static const char *const lo[NDIR] = { [DIR_INGRESS] = "iif", [DIR_EGRESS] = "oif" };
	for (int dir = 0; dir < NDIR; dir++) {
		base_prologue(&e->body, hook[dir], hook[dir], lo[dir]);
		if (e->ir->neps && e->ep_prog[dir][0])
			strbuf_addf(&e->body, "\t\tjump %s%zu\n", dir_prefix[dir],
				    e->ep_prog[dir][0] - 1);
		strbuf_addstr(&e->body, "\t}\n");
		if (dir + 1 < NDIR)
			strbuf_addch(&e->body, '\n');
	}
}

static int dispatch_cmp(const void *a, const void *b)
{
	const struct dispatch *x = a, *y = b;
	int c = addr_cmp(&x->a, &y->a);
	return c ? c : (x->ep > y->ep) - (x->ep < y->ep);
}

/*
 * node_check: in node mode an endpoint is matched by its addresses; warn
 * about (and skip) endpoints that have none or share the node's, and
 * report addresses held by two endpoints.
 */
static void node_check(struct nft *e)
{
	for (size_t i = 0; i < e->ir->neps; i++) {
		const struct ir_endpoint *ep = &e->ir->eps[i];
		const struct pod *p = ep->pod;
		bool has =
			endpoint_has_tiers(ep, DIR_INGRESS) || endpoint_has_tiers(ep, DIR_EGRESS);
		if (p->host_network) {
			e->skip[i] = true;
			if (has)
				diag_warning(e->d, &p->loc,
					     "%s/%s uses the host network: its policies are not "
					     "enforced in node mode",
					     p->ns, p->name);
		} else if (!p->nips) {
			e->skip[i] = true;
			if (has)
				diag_warning(e->d, &p->loc,
					     "%s/%s has no IP address: no nftables rules for it "
					     "(its traffic cannot be matched in node mode)",
					     p->ns, p->name);
		}
	}
}

/* dispatch_list: (address, endpoint) for every address of every enforced endpoint, sorted. */
static int dispatch_list(struct nft *e, struct dispatch **out, size_t *nout)
{
	struct dispatch *v = NULL;
	size_t n = 0, a = 0;
	int rc = 0;

	for (size_t i = 0; i < e->ir->neps; i++) {
		const struct pod *p = e->ir->eps[i].pod;
		if (e->skip[i])
			continue;
		for (size_t j = 0; j < p->nips; j++) {
			VEC_GROW(v, n + 1, a);
			v[n].a = p->ips[j];
			v[n].ep = i;
			n++;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), dispatch_cmp);
	for (size_t i = 1; i < n; i++) {
		char buf[ADDR_STRLEN];
		const struct pod *p = e->ir->eps[v[i].ep].pod, *q = e->ir->eps[v[i - 1].ep].pod;
		bool prog = e->ep_prog[DIR_INGRESS][v[i].ep] || e->ep_prog[DIR_EGRESS][v[i].ep] ||
			    e->ep_prog[DIR_INGRESS][v[i - 1].ep] ||
			    e->ep_prog[DIR_EGRESS][v[i - 1].ep];
		/* only a problem if one of them has rules the other would be subjected to */
		if (addr_cmp(&v[i].a, &v[i - 1].a) || p == q || !prog)
			continue;
		rc = diag_error(e->d, &p->loc,
				"%s/%s and %s/%s share the address %s: node mode cannot tell "
				"their traffic apart",
				q->ns, q->name, p->ns, p->name, addr_format(&v[i].a, buf));
	}
	*out = v;
	*nout = n;
	return rc;
}

static void emit_map(struct nft *e, enum dir dir, int fam, const struct dispatch *v, size_t n)
{
	size_t count = 0;
	char buf[ADDR_STRLEN];

	for (size_t i = 0; i < n; i++) {
		size_t prog = e->ep_prog[dir][v[i].ep];
		if (!prog || v[i].a.family != (fam ? AF6 : AF4))
			continue;
		if (!count)
			strbuf_addf(&e->body,
				    "\tmap %s {\n\t\ttype %s : verdict\n\t\telements = {\n",
				    map_name[dir][fam], fam ? "ipv6_addr" : "ipv4_addr");
		else
			strbuf_addstr(&e->body, ",\n");
		strbuf_addf(&e->body, "\t\t\t%s : jump %s%zu", addr_format(&v[i].a, buf),
			    dir_prefix[dir], prog - 1);
		count++;
	}
	if (count)
		strbuf_addstr(&e->body, "\n\t\t}\n\t}\n\n");
}

static bool map_used(struct nft *e, enum dir dir, int fam, const struct dispatch *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (e->ep_prog[dir][v[i].ep] && v[i].a.family == (fam ? AF6 : AF4))
			return true;
	return false;
}

static void emit_node(struct nft *e, const struct dispatch *v, size_t n)
{
	static const enum dir order[NDIR] = { DIR_EGRESS, DIR_INGRESS };
	for (int dir = 0; dir < NDIR; dir++)
		for (int fam = 0; fam < 2; fam++)
			emit_map(e, dir, fam, v, n);
	base_prologue(&e->body, "forward", "forward", NULL);
	for (int i = 0; i < NDIR; i++) {
		enum dir dir = order[i];
		for (int fam = 0; fam < 2; fam++)
			if (map_used(e, dir, fam, v, n))
				strbuf_addf(&e->body, "\t\t%s %s vmap @%s\n", fam ? "ip6" : "ip",
					    ep_field[dir], map_name[dir][fam]);
	}
	strbuf_addstr(&e->body, "\t}\n");
}

/* ---- the script ---- */

static int table_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 64)
		return 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return 0;
	}
	return 1;
}

static void header(struct nft *e, struct strbuf *out, const char *table)
{
	const struct emit_opts *o = e->ctx->opts;

	strbuf_addf(out, "# netpolc nftables ruleset: table inet %s\n", table);
	strbuf_addstr(out, "# inputs: ");
	quote_str(out, o && o->cmdline ? o->cmdline : "", 0);
	strbuf_addch(out, '\n');
	if (e->ir->host_mode) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(out, "# host mode: ");
		if (e->ir->neps)
			endpoint_label(&sb, &e->ir->eps[0]);
		quote_str(out, sb.buf, 0);
		strbuf_addstr(out, " (ingress in chain input, egress in chain output)\n");
		strbuf_release(&sb);
	} else {
		strbuf_addf(out,
			    "# node mode: %zu endpoints, %zu ingress and %zu egress programs, "
			    "dispatched by address in chain forward\n",
			    e->ir->neps, e->nprog[DIR_INGRESS], e->nprog[DIR_EGRESS]);
	}
	strbuf_addf(out,
		    "# apply with: nft -f FILE (replaces table inet %s atomically; other tables "
		    "are left alone)\n\n",
		    table);
}

int nft_emit(const struct emit_ctx *ctx, struct strbuf *out, struct diag *d)
{
	const char *table = ctx->opts && ctx->opts->table ? ctx->opts->table : "netpolc";
	struct dispatch *v = NULL;
	size_t nv = 0;
	struct nft e;
	int rc = 0;

	if (!ctx->ir)
		BUG("nft_emit needs the endpoint IR");
	if (!table_name_ok(table)) {
		struct loc l = loc_none("<command line>");
		return diag_error(
			d, &l,
			"--table: '%s' is not a valid nftables table name (a letter, then "
			"letters, digits or '_', at most 64)",
			table);
	}
	nft_init(&e, ctx, d);
	if (!ctx->ir->host_mode)
		node_check(&e);
	assign_programs(&e);
	if (!ctx->ir->host_mode)
		rc = dispatch_list(&e, &v, &nv);
	for (int dir = 0; dir < NDIR; dir++)
		for (size_t i = 0; i < e.nprog[dir]; i++)
			emit_program(&e, dir, i);
	if (ctx->ir->host_mode)
		emit_host(&e);
	else
		emit_node(&e, v, nv);

	header(&e, out, table);
	strbuf_addf(out, "table inet %s {}\ndelete table inet %s\n\ntable inet %s {\n", table,
		    table, table);
	strbuf_add(out, e.body.buf, e.body.len);
	strbuf_addstr(out, "}\n");
	free(v);
	nft_release(&e);
	return rc;
}
