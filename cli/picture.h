/*
 * picture.h - reachability matrices as SVG and HTML, for `table`, `list`
 * and `diff`: the same peers on rows (sources) and columns (destinations),
 * in bands of a group each (a namespace, or external addresses), every
 * cell a coloured square split into parts (one per port in `table`), with
 * its explanation as hover text (an SVG <title>).
 *
 * Rows and columns are the same peers, or (a filtered `list`) two lists.
 * A command describes its matrix (peers, legend, a function giving a
 * cell) and the renderer lays it out: sizes follow from the number of
 * peers and the longest label, so 50+ peers stay readable, and the output
 * is a pure function of the description (byte-stable).  Every text from
 * the input reaches the output through pic_escape only.
 */
#ifndef NETPOLC_PICTURE_H
#define NETPOLC_PICTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/strbuf.h"

/* The colours of a cell part, and of a peer label (PIC_NONE: plain). */
enum pic_style {
	PIC_NONE,
	PIC_ALLOW,   /* allowed (every connection, in list) */
	PIC_DENY,    /* denied, nothing allowed */
	PIC_SOME,    /* list: some connections, not all */
	PIC_ADDED,   /* diff: connections added, or a peer that is new */
	PIC_REMOVED, /* diff: connections removed, or a peer that is gone */
	PIC_CHANGED, /* diff: some added and some removed */
	PIC_SAME,    /* diff: unchanged, something allowed */
	PIC_NSTYLES
};

/* A row and column of the matrix. */
struct pic_peer {
	const char *group;    /* the band: a namespace, "external addresses" */
	const char *name;     /* the label (within the group) */
	const char *members;  /* data-members: the pods or addresses it stands for, or NULL */
	enum pic_style style; /* of the label */
};

struct pic_legend {
	enum pic_style style;
	const char *text;
};

/* What the cell function fills for one cell; parts and title are reset before each call. */
#define PIC_MAXPARTS 32
struct pic_cell {
	enum pic_style part[PIC_MAXPARTS];
	size_t nparts; /* at least 1 */
	struct strbuf title;
};

struct picture {
	const char *title;	  /* the heading */
	const char *const *notes; /* lines under the heading */
	size_t nnotes;
	const struct pic_peer *rows, *cols; /* cols NULL: the rows */
	size_t nrows, ncols;
	const struct pic_legend *legend;
	size_t nlegend;
	size_t nparts;		/* parts per cell (the cell function must fill this many) */
	const char *part_names; /* "TCP/80 UDP/53": what the parts are, for the legend, or NULL */
	void (*cell)(void *ctx, size_t i, size_t j, struct pic_cell *out);
	void *ctx;
};

/*
 * pic_escape: s as XML/HTML character data or attribute value: & < > " '
 * as entities, control characters and bytes that are not UTF-8 as U+FFFD;
 * the one way input text reaches a picture.
 */
void pic_escape(struct strbuf *out, const char *s);
/* pic_svg: p as a standalone SVG document. */
void pic_svg(const struct picture *p, struct strbuf *out);
/* pic_html: p as an HTML page: the heading, the legend and the SVG inline. */
void pic_html(const struct picture *p, struct strbuf *out);

#endif
