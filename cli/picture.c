/*
 * picture.c - reachability matrices as SVG and HTML (see picture.h).
 *
 * Layout, in pixels, all integers so that the output is byte-stable:
 *
 *     heading, notes, legend (one line each)
 *     column group band (group names, rotated)   | above the matrix
 *     column labels (rotated)                    |
 *     row group | row label | the cells, CELL_H high, cw wide
 *
 * Labels use a monospace font, so their width is known from their length.
 * Bands of alternating shades and lines across the matrix mark where a
 * group (a namespace) ends.
 */
#include "cli/picture.h"

#include <string.h>

#include "lib/util.h"

enum {
	MARGIN = 10,
	CHAR_W = 7,  /* 11px monospace is 6.6px wide */
	LINE_H = 16, /* a line of the heading, notes and legend */
	CELL_H = 16, /* a row of the matrix */
	PAD = 8,     /* between a label area and the matrix */
};

#define HOVER_NOTE "rows are sources, columns destinations; hover over a cell for why"

/* The CSS class and colour of each style, and its label colour. */
static const struct {
	const char *cls, *fill, *label;
} styles[PIC_NSTYLES] = {
	[PIC_NONE] = { "s-none", "#ffffff", "#222222" },
	[PIC_ALLOW] = { "s-allow", "#2e7d32", "#2e7d32" },
	[PIC_DENY] = { "s-deny", "#eeeeee", "#222222" },
	[PIC_SOME] = { "s-some", "#a5d6a7", "#222222" },
	[PIC_ADDED] = { "s-added", "#1e88e5", "#1565c0" },
	[PIC_REMOVED] = { "s-removed", "#d32f2f", "#c62828" },
	[PIC_CHANGED] = { "s-changed", "#f9a825", "#e65100" },
	[PIC_SAME] = { "s-same", "#c8d6c9", "#222222" },
};

/* utf8_len: the length of the valid UTF-8 character (no control, no surrogate) at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0], v;
	size_t n;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, v = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, v = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, v = c & 0x07;
	else
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[k] & 0x3fu);
	}
	/* overlong forms, surrogates, beyond U+10FFFF, and what XML forbids */
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10ffff ||
	    (v >= 0xd800 && v <= 0xdfff) || v == 0xfffe || v == 0xffff || (v >= 0x80 && v < 0xa0))
		return 0;
	return n;
}

void pic_escape(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = utf8_len(p);
		if (*p == '&')
			strbuf_addstr(out, "&amp;");
		else if (*p == '<')
			strbuf_addstr(out, "&lt;");
		else if (*p == '>')
			strbuf_addstr(out, "&gt;");
		else if (*p == '"')
			strbuf_addstr(out, "&quot;");
		else if (*p == '\'')
			strbuf_addstr(out, "&#39;");
		else if (!n || (*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f)
			strbuf_addstr(out, "&#xFFFD;"); /* XML has no way to write these */
		else
			strbuf_add(out, p, n);
		p += n ? n : 1;
	}
}

/* The sizes of one picture. */
struct layout {
	size_t cw, pw;		  /* cell width, part width */
	size_t head_h;		  /* heading, notes and legend */
	size_t rgroup_w, rname_w; /* row group and row label areas */
	size_t cgroup_h, cname_h; /* column group and column label areas */
	size_t left, top;	  /* the matrix's corner */
	size_t width, height;
};

static const struct pic_peer *peers(const struct picture *p, bool row, size_t *n)
{
	*n = row || !p->cols ? p->nrows : p->ncols;
	return row || !p->cols ? p->rows : p->cols;
}

static size_t max_len(const struct picture *p, bool row, bool group)
{
	size_t m = 0, n;
	const struct pic_peer *v = peers(p, row, &n);
	for (size_t i = 0; i < n; i++) {
		const char *s = group ? v[i].group : v[i].name;
		size_t l = s ? strlen(s) : 0;
		if (l > m)
			m = l;
	}
	return m;
}

static void layout(const struct picture *p, bool heading, struct layout *l)
{
	size_t lines = p->nlegend + (p->part_names ? 1 : 0) + 1, w, nr, nc;
	size_t nparts = p->nparts ? p->nparts : 1;
	memset(l, 0, sizeof(*l));
	/* 14 pixels of colour per cell at least, a part never thinner than 4 */
	l->pw = nparts == 1 ? 14 : 14 / nparts < 4 ? 4 : 14 / nparts;
	l->cw = l->pw * nparts + 2;
	if (heading)
		lines += 1 + p->nnotes;
	l->head_h = MARGIN + lines * LINE_H;
	peers(p, true, &nr);
	peers(p, false, &nc);
	l->rgroup_w = max_len(p, true, true) * CHAR_W + PAD;
	l->rname_w = max_len(p, true, false) * CHAR_W + PAD;
	l->cgroup_h = max_len(p, false, true) * CHAR_W + PAD;
	l->cname_h = max_len(p, false, false) * CHAR_W + PAD;
	l->left = MARGIN + l->rgroup_w + l->rname_w;
	l->top = l->head_h + l->cgroup_h + l->cname_h;
	l->width = l->left + nc * l->cw + MARGIN;
	l->height = l->top + nr * CELL_H + MARGIN;
	w = 2 * MARGIN + CHAR_W * (p->title ? strlen(p->title) : 0) * 14 / 11;
	if (2 * MARGIN + CHAR_W * strlen(HOVER_NOTE) > w)
		w = 2 * MARGIN + CHAR_W * strlen(HOVER_NOTE);
	if (p->part_names && 2 * MARGIN + CHAR_W * strlen(p->part_names) > w)
		w = 2 * MARGIN + CHAR_W * strlen(p->part_names);
	for (size_t i = 0; i < p->nnotes; i++)
		if (2 * MARGIN + CHAR_W * strlen(p->notes[i]) > w)
			w = 2 * MARGIN + CHAR_W * strlen(p->notes[i]);
	for (size_t i = 0; i < p->nlegend; i++)
		if (3 * MARGIN + 14 + CHAR_W * strlen(p->legend[i].text) > w)
			w = 3 * MARGIN + 14 + CHAR_W * strlen(p->legend[i].text);
	if (w > l->width)
		l->width = w;
}

static void text(struct strbuf *out, const char *attrs, const char *s)
{
	strbuf_addf(out, "<text %s>", attrs);
	pic_escape(out, s);
	strbuf_addstr(out, "</text>\n");
}

static void header(const struct picture *p, const struct layout *l, bool heading,
		   struct strbuf *out)
{
	struct strbuf a = STRBUF_INIT;
	size_t y = MARGIN;
	if (heading) {
		strbuf_addf(&a, "class=\"h\" x=\"%d\" y=\"%zu\"", MARGIN, y + 12);
		text(out, a.buf, p->title ? p->title : "");
		y += LINE_H;
		for (size_t i = 0; i < p->nnotes; i++, y += LINE_H) {
			strbuf_reset(&a);
			strbuf_addf(&a, "x=\"%d\" y=\"%zu\"", MARGIN, y + 12);
			text(out, a.buf, p->notes[i]);
		}
	}
	if (p->part_names) {
		strbuf_reset(&a);
		strbuf_addf(&a, "x=\"%d\" y=\"%zu\"", MARGIN, y + 12);
		text(out, a.buf, p->part_names);
		y += LINE_H;
	}
	for (size_t i = 0; i < p->nlegend; i++, y += LINE_H) {
		strbuf_addf(
			out,
			"<rect class=\"%s k\" x=\"%d\" y=\"%zu\" width=\"12\" height=\"12\"/>\n",
			styles[p->legend[i].style].cls, MARGIN, y + 2);
		strbuf_reset(&a);
		strbuf_addf(&a, "x=\"%d\" y=\"%zu\"", MARGIN + 18, y + 12);
		text(out, a.buf, p->legend[i].text);
	}
	strbuf_reset(&a);
	strbuf_addf(&a, "class=\"n\" x=\"%d\" y=\"%zu\"", MARGIN, y + 12);
	text(out, a.buf, HOVER_NOTE);
	strbuf_release(&a);
	(void)l;
}

static bool group_starts(const struct pic_peer *v, size_t i)
{
	const char *a = i ? v[i - 1].group : NULL, *b = v[i].group;
	return !i || strcmp(a ? a : "", b ? b : "");
}

/*
 * bands: a shade per group behind its labels (rows, or columns), its name,
 * and a line across the matrix where a group ends.
 */
static void bands(const struct picture *p, const struct layout *l, bool row, struct strbuf *out)
{
	struct strbuf a = STRBUF_INIT;
	size_t band = 0, n, nr, nc;
	const struct pic_peer *v = peers(p, row, &n);
	peers(p, true, &nr);
	peers(p, false, &nc);
	for (size_t i = 0, j; i < n; i = j, band++) {
		size_t y = l->top + i * CELL_H, x = l->left + i * l->cw;
		for (j = i + 1; j < n && !group_starts(v, j); j++)
			;
		strbuf_reset(&a);
		if (row) {
			strbuf_addf(out,
				    "<rect class=\"b%zu\" x=\"%d\" y=\"%zu\" width=\"%zu\" "
				    "height=\"%zu\"/>\n",
				    band % 2, MARGIN, y, l->rgroup_w + l->rname_w,
				    (j - i) * CELL_H);
			strbuf_addf(&a, "class=\"g\" x=\"%d\" y=\"%zu\"", MARGIN + 2, y + 12);
		} else {
			strbuf_addf(out,
				    "<rect class=\"b%zu\" x=\"%zu\" y=\"%zu\" width=\"%zu\" "
				    "height=\"%zu\"/>\n",
				    band % 2, x, l->head_h, (j - i) * l->cw,
				    l->cgroup_h + l->cname_h);
			strbuf_addf(&a, "class=\"g\" transform=\"translate(%zu,%zu) rotate(-90)\"",
				    x + 12, l->head_h + l->cgroup_h - 4);
		}
		text(out, a.buf, v[i].group ? v[i].group : "");
		if (i && row)
			strbuf_addf(out,
				    "<line class=\"sep\" x1=\"%d\" y1=\"%zu\" x2=\"%zu\" "
				    "y2=\"%zu\"/>\n",
				    MARGIN, y, l->left + nc * l->cw, y);
		else if (i)
			strbuf_addf(out,
				    "<line class=\"sep\" x1=\"%zu\" y1=\"%zu\" x2=\"%zu\" "
				    "y2=\"%zu\"/>\n",
				    x, l->head_h, x, l->top + nr * CELL_H);
	}
	strbuf_release(&a);
}

static void label(const struct picture *p, size_t i, bool row, const struct layout *l,
		  struct strbuf *out)
{
	size_t n;
	const struct pic_peer *pe = &peers(p, row, &n)[i];
	strbuf_addf(out, "<text class=\"%s t-%s\" data-peer=\"%zu\"", row ? "row" : "col",
		    styles[pe->style].cls + 2, i);
	if (pe->members) {
		strbuf_addstr(out, " data-members=\"");
		pic_escape(out, pe->members);
		strbuf_addch(out, '"');
	}
	if (row)
		strbuf_addf(out, " x=\"%zu\" y=\"%zu\">", l->left - PAD / 2,
			    l->top + i * CELL_H + 12);
	else
		strbuf_addf(out, " transform=\"translate(%zu,%zu) rotate(-90)\">",
			    l->left + i * l->cw + l->cw / 2 + 4, l->top - PAD / 2);
	pic_escape(out, pe->name);
	strbuf_addstr(out, "</text>\n");
}

static void cells(const struct picture *p, const struct layout *l, struct strbuf *out)
{
	struct pic_cell c;
	size_t nparts = p->nparts ? p->nparts : 1, nr, nc;
	peers(p, true, &nr);
	peers(p, false, &nc);
	strbuf_init(&c.title);
	strbuf_addf(out,
		    "<rect class=\"grid\" x=\"%zu\" y=\"%zu\" width=\"%zu\" height=\"%zu\"/>\n",
		    l->left, l->top, nc * l->cw, nr * CELL_H);
	for (size_t i = 0; i < nr; i++) {
		for (size_t j = 0; j < nc; j++) {
			size_t x = l->left + j * l->cw + 1, y = l->top + i * CELL_H + 1;
			strbuf_reset(&c.title);
			c.nparts = nparts;
			for (size_t k = 0; k < PIC_MAXPARTS; k++)
				c.part[k] = PIC_NONE;
			p->cell(p->ctx, i, j, &c);
			strbuf_addf(out,
				    "<g class=\"cell\" data-from=\"%zu\" data-to=\"%zu\"><title>",
				    i, j);
			pic_escape(out, c.title.buf ? c.title.buf : "");
			strbuf_addstr(out, "</title>");
			for (size_t k = 0; k < nparts && k < PIC_MAXPARTS; k++)
				strbuf_addf(out,
					    "<rect class=\"%s\" x=\"%zu\" y=\"%zu\" width=\"%zu\" "
					    "height=\"%d\"/>",
					    styles[c.part[k]].cls, x + k * l->pw, y,
					    k + 1 < nparts ? l->pw - 1 : l->pw, CELL_H - 2);
			strbuf_addstr(out, "</g>\n");
		}
	}
	strbuf_release(&c.title);
}

static void svg(const struct picture *p, bool standalone, struct strbuf *out)
{
	struct layout l;
	size_t nr, nc;
	layout(p, standalone, &l);
	if (standalone)
		strbuf_addstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	strbuf_addf(out,
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%zu\" height=\"%zu\" "
		    "viewBox=\"0 0 %zu %zu\">\n",
		    l.width, l.height, l.width, l.height);
	strbuf_addstr(out, "<title>");
	pic_escape(out, p->title ? p->title : "");
	strbuf_addstr(out, "</title>\n<style>\n"
			   "text { font: 11px monospace; fill: #222222; }\n"
			   ".h { font: bold 14px sans-serif; }\n"
			   ".g { font-weight: bold; }\n"
			   ".row { text-anchor: end; }\n"
			   ".n { font-style: italic; }\n"
			   ".b0 { fill: #f5f5f5; }\n"
			   ".b1 { fill: #e3e8f0; }\n"
			   ".grid { fill: #bbbbbb; }\n"
			   ".sep { stroke: #444444; stroke-width: 1; }\n"
			   ".k { stroke: #888888; }\n"
			   ".cell:hover rect { stroke: #000000; }\n");
	for (int s = 0; s < PIC_NSTYLES; s++)
		strbuf_addf(out, ".%s { fill: %s; }\ntext.t-%s { fill: %s; }\n", styles[s].cls,
			    styles[s].fill, styles[s].cls + 2, styles[s].label);
	strbuf_addstr(out, "</style>\n");
	strbuf_addf(out, "<rect class=\"s-none\" x=\"0\" y=\"0\" width=\"%zu\" height=\"%zu\"/>\n",
		    l.width, l.height);
	header(p, &l, standalone, out);
	bands(p, &l, true, out);
	bands(p, &l, false, out);
	peers(p, true, &nr);
	peers(p, false, &nc);
	for (size_t i = 0; i < nr; i++)
		label(p, i, true, &l, out);
	for (size_t i = 0; i < nc; i++)
		label(p, i, false, &l, out);
	cells(p, &l, out);
	strbuf_addstr(out, "</svg>\n");
}

void pic_svg(const struct picture *p, struct strbuf *out)
{
	svg(p, true, out);
}

void pic_html(const struct picture *p, struct strbuf *out)
{
	strbuf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			   "<title>");
	pic_escape(out, p->title ? p->title : "");
	strbuf_addstr(out, "</title>\n<style>\n"
			   "body { font: 14px sans-serif; margin: 1em; color: #222222; }\n"
			   "td, th { padding: 0 0.6em; text-align: left; vertical-align: top; }\n"
			   "</style>\n</head>\n<body>\n<h1>");
	pic_escape(out, p->title ? p->title : "");
	strbuf_addstr(out, "</h1>\n");
	for (size_t i = 0; i < p->nnotes; i++) {
		strbuf_addstr(out, "<p>");
		pic_escape(out, p->notes[i]);
		strbuf_addstr(out, "</p>\n");
	}
	svg(p, false, out);
	strbuf_addstr(out, "<h2>Peers</h2>\n<table>\n<tr><th>group</th><th>peer</th>"
			   "<th>stands for</th></tr>\n");
	for (size_t i = 0; i < p->nrows + (p->cols ? p->ncols : 0); i++) {
		const struct pic_peer *pe = i < p->nrows ? &p->rows[i] : &p->cols[i - p->nrows];
		strbuf_addstr(out, "<tr><td>");
		pic_escape(out, pe->group ? pe->group : "");
		strbuf_addstr(out, "</td><td title=\"");
		pic_escape(out, pe->members ? pe->members : pe->name);
		strbuf_addstr(out, "\">");
		pic_escape(out, pe->name);
		strbuf_addstr(out, "</td><td>");
		pic_escape(out, pe->members ? pe->members : "");
		strbuf_addstr(out, "</td></tr>\n");
	}
	strbuf_addstr(out, "</table>\n</body>\n</html>\n");
}
