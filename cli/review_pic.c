/*
 * review_pic.c - `list -o svg|html` and `diff -o svg|html`: the groups of
 * a review (ir/review.h) as a matrix drawn by cli/picture.c.  A list cell
 * says whether everything, some or nothing is allowed (hover: the set and
 * the deciding rules); a diff cell whether connections were added,
 * removed, or both (hover: the old and new sets).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/picture.h"
#include "cli/review.h"
#include "lib/util.h"

void review_prefixes(const struct addrset *s, const char *sep, struct strbuf *out)
{
	size_t n;
	struct prefix *pv = addrset_prefixes(s, &n);
	for (size_t k = 0; k < n; k++) {
		char buf[ADDR_STRLEN];
		strbuf_addf(out, "%s%s", k ? sep : "", prefix_format(&pv[k], buf));
	}
	free(pv);
}

/*
 * Describing an address set: walking the binary tree of prefixes, a
 * prefix the set covers is one term; one it meets in part is either its
 * two halves' terms, or itself "except" the terms of what the set leaves
 * out of it, whichever names fewer prefixes (ties: no except).
 */
struct desc {
	struct ivl6 *v; /* the set's intervals, IPv4 as numbers too */
	size_t n;
	int family;
	unsigned bits;
};

struct desc_cost {
	size_t in, out; /* prefixes to name the set within a prefix, and the rest of it */
};

/* meet: how the set meets lo..hi: 0 not at all, 1 covers it, 2 in part. */
static int meet(const struct desc *d, u128 lo, u128 hi)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].hi < lo)
			continue;
		if (d->v[i].lo > hi)
			break;
		return d->v[i].lo <= lo && d->v[i].hi >= hi ? 1 : 2;
	}
	return 0;
}

static u128 last_of(const struct desc *d, u128 net, unsigned len)
{
	u128 ones = d->bits == 32 ? (u128)UINT32_MAX : ~(u128)0;
	return net | (len ? (((u128)1 << (d->bits - len)) - 1) : ones);
}

static struct desc_cost desc_cost(const struct desc *d, u128 net, unsigned len)
{
	struct desc_cost c, l, r;
	int m = meet(d, net, last_of(d, net, len));
	if (m != 2)
		return m ? (struct desc_cost){ 1, 0 } : (struct desc_cost){ 0, 1 };
	l = desc_cost(d, net, len + 1);
	r = desc_cost(d, net | (u128)1 << (d->bits - len - 1), len + 1);
	c.in = l.in + r.in <= 1 + l.out + r.out ? l.in + r.in : 1 + l.out + r.out;
	c.out = l.out + r.out <= 1 + l.in + r.in ? l.out + r.out : 1 + l.in + r.in;
	return c;
}

/* desc_terms: the terms naming the set (in) or the rest (!in) within net/len; how many. */
static size_t desc_terms(const struct desc *d, u128 net, unsigned len, bool in, struct strbuf *out)
{
	struct prefix p = { { (uint8_t)d->family, net }, (uint8_t)len };
	char buf[ADDR_STRLEN];
	struct desc_cost l, r;
	u128 half;
	int m = meet(d, net, last_of(d, net, len));
	struct strbuf inner = STRBUF_INIT;
	size_t k;
	if (m != 2) {
		if ((m == 1) != in)
			return 0;
		strbuf_addf(out, "%s%s", out->len ? ", " : "", prefix_format(&p, buf));
		return 1;
	}
	/* len < bits here: a single address is never met in part */
	half = net | (u128)1 << (d->bits - len - 1);
	l = desc_cost(d, net, len + 1);
	r = desc_cost(d, half, len + 1);
	if (in ? l.in + r.in <= 1 + l.out + r.out : l.out + r.out <= 1 + l.in + r.in)
		return desc_terms(d, net, len + 1, in, out) + desc_terms(d, half, len + 1, in, out);
	k = desc_terms(d, net, len + 1, !in, &inner) + desc_terms(d, half, len + 1, !in, &inner);
	strbuf_addf(out, "%s%s except ", out->len ? ", " : "", prefix_format(&p, buf));
	if (k > 1 || strstr(inner.buf, " except "))
		strbuf_addf(out, "(%s)", inner.buf);
	else
		strbuf_addstr(out, inner.buf);
	strbuf_release(&inner);
	return 1;
}

const char *review_describe(struct arena *a, const struct addrset *s, int family)
{
	struct strbuf sb = STRBUF_INIT;
	struct desc d = { NULL, family == AF4 ? s->n4 : s->n6, family, family == AF4 ? 32 : 128 };
	const char *name;
	d.v = xcalloc(d.n + 1, sizeof(*d.v));
	for (size_t i = 0; i < d.n; i++) {
		d.v[i].lo = family == AF4 ? s->v4[i].lo : s->v6[i].lo;
		d.v[i].hi = family == AF4 ? s->v4[i].hi : s->v6[i].hi;
	}
	desc_terms(&d, 0, 0, true, &sb);
	name = arena_strndup(a, sb.buf ? sb.buf : "", sb.len);
	free(d.v);
	strbuf_release(&sb);
	return name;
}

/* peer: group g of a review as a row or column: its namespace, and its name within it. */
static void peer(const struct review *r, const struct review_group *g, struct pic_peer *p)
{
	size_t n;
	memset(p, 0, sizeof(*p));
	p->name = g->name;
	if (g->external) {
		p->group = "external";
		p->name = review_describe(r->arena, &r->ext[g->cls[0] - r->pc.n].nets, r->family);
		p->members = g->name;
		return;
	}
	n = strlen(g->first->ns);
	if (strncmp(g->name, g->first->ns, n) || g->name[n] != '/') {
		p->group = "namespaces"; /* --by namespace */
		return;
	}
	p->group = n ? g->first->ns : "host endpoints";
	p->name = g->name + n + 1;
}

struct list_pic {
	struct review *r;
	const struct review_opts *o;
	const size_t *rows, *cols; /* group indices */
};

static void list_cell(void *ctx, size_t i, size_t j, struct pic_cell *out)
{
	struct list_pic *lp = ctx;
	const struct review_group *a = &lp->r->g[lp->rows[i]], *b = &lp->r->g[lp->cols[j]];
	const struct conns *first;
	struct connset s;
	bool uniform;
	strbuf_addf(&out->title, "%s -> %s: ", a->name, b->name);
	if (a->external && b->external) {
		strbuf_addstr(&out->title, "between two external addresses, not enforced here");
		return;
	}
	review_between(lp->r, lp->rows[i], lp->cols[j], &s, &uniform, &first);
	connset_format(&s, &out->title);
	if (!uniform)
		strbuf_addstr(&out->title, " (not every pod)");
	out->part[0] = connset_is_empty(&s) ? PIC_DENY : connset_is_all(&s) ? PIC_ALLOW : PIC_SOME;
	if (lp->o->has_port && !connset_contains(&s, lp->o->proto, lp->o->port)) {
		out->part[0] = PIC_DENY;
		strbuf_addf(&out->title, " (not %s/%u)", proto_name(lp->o->proto), lp->o->port);
	}
	strbuf_addch(&out->title, '\n');
	review_explain(first, "", &out->title);
	connset_release(&s);
}

/* wanted_groups: the groups of r passing filter f, as picture peers and indices. */
static size_t wanted_groups(const struct review *r, const char *f, struct pic_peer *p, size_t *idx)
{
	size_t n = 0;
	for (size_t i = 0; i < r->ng; i++) {
		if (!review_wanted(&r->g[i], f))
			continue;
		peer(r, &r->g[i], &p[n]);
		idx[n++] = i;
	}
	return n;
}

void review_list_picture(struct review *r, const struct review_opts *o, struct strbuf *out)
{
	static const struct pic_legend legend[] = {
		{ PIC_ALLOW, "every connection allowed (all protocols and ports)" },
		{ PIC_SOME, "some connections allowed (hover for which)" },
		{ PIC_DENY, "nothing allowed" },
		{ PIC_NONE, "between two external addresses: not enforced" },
	};
	static const char *const by[] = { "pod", "workload", "namespace" };
	struct pic_peer *rows = xcalloc(r->ng + 1, sizeof(*rows));
	struct pic_peer *cols = xcalloc(r->ng + 1, sizeof(*cols));
	size_t *ri = xcalloc(r->ng + 1, sizeof(*ri)), *ci = xcalloc(r->ng + 1, sizeof(*ci));
	struct list_pic lp = { r, o, ri, ci };
	struct picture p = { 0 };
	p.title = arena_printf(r->arena, "netpolc list by %s over IPv%d", by[o->by], r->family);
	p.rows = rows;
	p.nrows = wanted_groups(r, o->from, rows, ri);
	p.cols = cols;
	p.ncols = wanted_groups(r, o->to, cols, ci);
	p.legend = legend;
	p.nlegend = ARRAY_SIZE(legend);
	p.nparts = 1;
	p.cell = list_cell;
	p.ctx = &lp;
	if (o->fmt == FMT_HTML)
		pic_html(&p, out);
	else
		pic_svg(&p, out);
	free(rows);
	free(cols);
	free(ri);
	free(ci);
}

struct diff_pic {
	struct review *r;	  /* [2]: old and new */
	const size_t *const *idx; /* [2]: per name, its group in old and new (SIZE_MAX: absent) */
	const char *const *names;
};

static void diff_set(struct diff_pic *d, int s, size_t i, size_t j, struct connset *out)
{
	bool uniform;
	if (d->idx[s][i] == SIZE_MAX || d->idx[s][j] == SIZE_MAX)
		connset_init(out);
	else
		review_between(&d->r[s], d->idx[s][i], d->idx[s][j], out, &uniform, NULL);
}

static const struct review_group *diff_group(const struct diff_pic *d, size_t i)
{
	return d->idx[0][i] != SIZE_MAX ? &d->r[0].g[d->idx[0][i]] : &d->r[1].g[d->idx[1][i]];
}

static void diff_cell(void *ctx, size_t i, size_t j, struct pic_cell *out)
{
	struct diff_pic *d = ctx;
	struct connset os, ns;
	bool more, less;
	strbuf_addf(&out->title, "%s -> %s: ", d->names[i], d->names[j]);
	if (diff_group(d, i)->external && diff_group(d, j)->external) {
		strbuf_addstr(&out->title, "between two external addresses, not enforced here");
		return;
	}
	diff_set(d, 0, i, j, &os);
	diff_set(d, 1, i, j, &ns);
	more = !connset_subset(&ns, &os);
	less = !connset_subset(&os, &ns);
	out->part[0] = more && less	       ? PIC_CHANGED
		       : more		       ? PIC_ADDED
		       : less		       ? PIC_REMOVED
		       : connset_is_empty(&ns) ? PIC_DENY
					       : PIC_SAME;
	strbuf_addstr(&out->title, more && less ? "changed"
				   : more	? "connections added"
				   : less	? "connections removed"
						: "unchanged");
	strbuf_addstr(&out->title, "\nold: ");
	connset_format(&os, &out->title);
	strbuf_addstr(&out->title, "\nnew: ");
	connset_format(&ns, &out->title);
	connset_release(&os);
	connset_release(&ns);
}

static void diff_picture(struct review r[2], const char *const *names, size_t n,
			 const size_t *const idx[2], const char *const *pols, size_t npols,
			 bool html, struct strbuf *out);

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* names_union: the peers of both versions, sorted, each once */
static const char **names_union(const struct review r[2], size_t *nv)
{
	const char **v = NULL;
	size_t a = 0, n = 0, k = 0;
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < r[s].ng; i++)
			VEC_PUSH(v, n, a, r[s].g[i].name);
	if (n)
		xqsort(v, n, sizeof(*v), cmp_name);
	for (size_t i = 0; i < n; i++)
		if (!k || strcmp(v[k - 1], v[i]))
			v[k++] = v[i];
	*nv = k;
	return v;
}

void review_diff_picture(struct review r[2], const char *const *pols, size_t npols, bool html,
			 struct strbuf *out)
{
	size_t n;
	const char **names = names_union(r, &n);
	size_t *idx[2] = { xcalloc(n + 1, sizeof(size_t)), xcalloc(n + 1, sizeof(size_t)) };
	for (size_t i = 0; i < n; i++)
		for (int s = 0; s < 2; s++)
			idx[s][i] = review_find(&r[s], names[i]);
	diff_picture(r, names, n, (const size_t *const *)idx, pols, npols, html, out);
	free(names);
	free(idx[0]);
	free(idx[1]);
}

static void diff_picture(struct review r[2], const char *const *names, size_t n,
			 const size_t *const idx[2], const char *const *pols, size_t npols,
			 bool html, struct strbuf *out)
{
	static const struct pic_legend legend[] = {
		{ PIC_ADDED, "connections added (or a new peer)" },
		{ PIC_REMOVED, "connections removed (or a peer gone)" },
		{ PIC_CHANGED, "some added, some removed" },
		{ PIC_SAME, "unchanged, something allowed" },
		{ PIC_DENY, "unchanged, nothing allowed" },
		{ PIC_NONE, "between two external addresses: not enforced" },
	};
	struct pic_peer *v = xcalloc(n + 1, sizeof(*v));
	size_t *order[2] = { xcalloc(n + 1, sizeof(size_t)), xcalloc(n + 1, sizeof(size_t)) };
	const char **sorted = xcalloc(n + 1, sizeof(*sorted)),
		   **notes = xcalloc(npols + 1, sizeof(*notes));
	struct diff_pic d = { r, idx, names };
	struct picture p = { 0 };
	size_t k = 0;
	/* pods first, external addresses last, each in name order */
	for (int ext = 0; ext < 2; ext++)
		for (size_t i = 0; i < n; i++)
			if (diff_group(&d, i)->external == ext) {
				order[0][k] = idx[0][i];
				order[1][k] = idx[1][i];
				sorted[k++] = names[i];
			}
	d.idx = (const size_t *const *)order;
	d.names = sorted;
	for (size_t i = 0; i < n; i++) {
		peer(order[0][i] != SIZE_MAX ? &r[0] : &r[1], diff_group(&d, i), &v[i]);
		v[i].style = order[0][i] == SIZE_MAX   ? PIC_ADDED
			     : order[1][i] == SIZE_MAX ? PIC_REMOVED
						       : PIC_NONE;
	}
	for (size_t i = 0; i < npols; i++)
		notes[i] = arena_printf(r[0].arena, "policy %s", pols[i]);
	p.title = arena_printf(r[0].arena, "netpolc diff over IPv%d", r[0].family);
	p.notes = notes;
	p.nnotes = npols;
	p.rows = v;
	p.nrows = n;
	p.legend = legend;
	p.nlegend = ARRAY_SIZE(legend);
	p.nparts = 1;
	p.cell = diff_cell;
	p.ctx = &d;
	if (html)
		pic_html(&p, out);
	else
		pic_svg(&p, out);
	free(v);
	free(order[0]);
	free(order[1]);
	free(sorted);
	free(notes);
}
