/*
 * diag.c - diagnostic queue: records, sorting, GCC-style printing.
 */
#include "lib/diag.h"

#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"
#include "lib/util.h"

static const char *const class_names[] = {
#define DIAG_CLASS_NAME(e, name, help) name,
	DIAG_CLASSES(DIAG_CLASS_NAME)
#undef DIAG_CLASS_NAME
};

static const char *const class_helps[] = {
#define DIAG_CLASS_HELP(e, name, help) help,
	DIAG_CLASSES(DIAG_CLASS_HELP)
#undef DIAG_CLASS_HELP
};

const char *diag_class_name(enum diag_class c)
{
	if (c < 0 || c >= DIAG_NCLASSES)
		BUG("no warning class %d", (int)c);
	return class_names[c];
}

const char *diag_class_help(enum diag_class c)
{
	if (c < 0 || c >= DIAG_NCLASSES)
		BUG("no warning class %d", (int)c);
	return class_helps[c];
}

static int find_class(const char *name)
{
	for (int c = 0; c < DIAG_NCLASSES; c++)
		if (!strcmp(class_names[c], name))
			return c;
	return -1;
}

int diag_wopts_set(struct diag_wopts *w, const char *arg)
{
	int c;
	if (!strcmp(arg, "error") || !strcmp(arg, "no-error")) {
		w->werror = arg[0] == 'e';
		return 0;
	}
	if (!strncmp(arg, "error=", 6)) {
		if ((c = find_class(arg + 6)) < 0)
			return -1;
		w->cls[c] = DIAG_WOPT_ERROR;
	} else if (!strncmp(arg, "no-error=", 9)) {
		if ((c = find_class(arg + 9)) < 0)
			return -1;
		w->cls[c] = (unsigned char)((w->cls[c] & DIAG_WOPT_OFF) | DIAG_WOPT_NO_ERROR);
	} else if (!strncmp(arg, "no-", 3)) {
		if ((c = find_class(arg + 3)) < 0)
			return -1;
		w->cls[c] |= DIAG_WOPT_OFF;
	} else {
		if ((c = find_class(arg)) < 0)
			return -1;
		w->cls[c] &= (unsigned char)~DIAG_WOPT_OFF;
	}
	return 0;
}

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
	d->caret = true;
}

static void free_record(struct diag_record *r)
{
	while (r) {
		struct diag_record *n = r->notes;
		struct diag_record *next = r->next_note;
		free(r->msg);
		free(r);
		free_record(n);
		r = next;
	}
}

void diag_release(struct diag *d)
{
	for (size_t i = 0; i < d->nr; i++)
		free_record(d->v[i]);
	free(d->v);
	for (size_t i = 0; i < d->nsrc; i++)
		free(d->src[i].name);
	free(d->src);
	memset(d, 0, sizeof(*d));
}

const char *diag_source(struct diag *d, const char *name, const char *text, size_t len)
{
	for (size_t i = 0; i < d->nsrc; i++) {
		if (!strcmp(d->src[i].name, name)) {
			if (text) {
				d->src[i].text = text;
				d->src[i].len = len;
			}
			return d->src[i].name;
		}
	}
	VEC_GROW(d->src, d->nsrc + 1, d->asrc);
	d->src[d->nsrc].name = xstrdup(name);
	d->src[d->nsrc].text = text;
	d->src[d->nsrc].len = len;
	return d->src[d->nsrc++].name;
}

void diag_set_text(struct diag *d, const char *name, const char *text, size_t len)
{
	diag_source(d, name, text, len);
}

struct loc loc_none(const char *file)
{
	struct loc l = { .file = file ? file : "<command line>", .line = 0, .col = 0 };
	return l;
}

static char *vformat(const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_vaddf(&sb, fmt, ap);
	return strbuf_detach(&sb, NULL);
}

void diag_vadd(struct diag *d, enum diag_level lvl, enum diag_class cls, const struct loc *loc,
	       const char *fmt, va_list ap)
{
	struct diag_record *r;
	if (lvl == DIAG_WARNING) {
		unsigned st = d->w.cls[cls];
		if (st & DIAG_WOPT_OFF) {
			d->dropped = true;
			return;
		}
		if ((st & DIAG_WOPT_ERROR) || (d->w.werror && !(st & DIAG_WOPT_NO_ERROR)))
			lvl = DIAG_ERROR;
		else if (d->w.quiet) {
			d->dropped = true;
			return;
		}
	} else {
		cls = DIAG_W_NONE;
	}
	if (lvl == DIAG_NOTE) {
		struct diag_record **pp;
		if (!d->nr || d->dropped)
			return;
		r = xcalloc(1, sizeof(*r));
		r->level = lvl;
		r->cls = DIAG_W_NONE;
		r->loc = loc ? *loc : loc_none(NULL);
		r->msg = vformat(fmt, ap);
		for (pp = &d->v[d->nr - 1]->notes; *pp; pp = &(*pp)->next_note)
			;
		*pp = r;
		return;
	}
	if (lvl == DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
	d->dropped = d->max_errors && d->nr >= d->max_errors;
	if (d->dropped)
		return;
	r = xcalloc(1, sizeof(*r));
	r->level = lvl;
	r->cls = cls;
	r->loc = loc ? *loc : loc_none(NULL);
	if (!r->loc.file)
		r->loc.file = "<command line>";
	r->msg = vformat(fmt, ap);
	r->seq = d->nr;
	VEC_PUSH(d->v, d->nr, d->alloc, r);
}

int diag_error(struct diag *d, const struct loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, DIAG_ERROR, DIAG_W_NONE, loc, fmt, ap);
	va_end(ap);
	return -1;
}

void diag_warning(struct diag *d, enum diag_class cls, const struct loc *loc, const char *fmt, ...)
{
	va_list ap;
	if (cls < 0 || cls >= DIAG_NCLASSES)
		BUG("warning without a class: %s", fmt);
	va_start(ap, fmt);
	diag_vadd(d, DIAG_WARNING, cls, loc, fmt, ap);
	va_end(ap);
}

void diag_note(struct diag *d, const struct loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, DIAG_NOTE, DIAG_W_NONE, loc, fmt, ap);
	va_end(ap);
}

bool diag_has_errors(const struct diag *d)
{
	return d->errors > 0;
}

static int cmp_record(const void *a, const void *b)
{
	const struct diag_record *x = *(struct diag_record *const *)a;
	const struct diag_record *y = *(struct diag_record *const *)b;
	int c = strcmp(x->loc.file, y->loc.file);
	if (c)
		return c;
	if (x->loc.line != y->loc.line)
		return x->loc.line < y->loc.line ? -1 : 1;
	if (x->loc.col != y->loc.col)
		return x->loc.col < y->loc.col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const struct diag_source *find_source(const struct diag *d, const char *name)
{
	for (size_t i = 0; i < d->nsrc; i++)
		if (d->src[i].name == name || !strcmp(d->src[i].name, name))
			return &d->src[i];
	return NULL;
}

/* utf8_valid: the bytes are well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
static bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned c = *p++, need, min, cp;
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, min = 0x80, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, min = 0x800, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, min = 0x10000, cp = c & 0x07;
		else
			return false;
		if ((size_t)(end - p) < need)
			return false;
		for (unsigned i = 0; i < need; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += need;
	}
	return true;
}

/*
 * A reading position in one source, so that printing records sorted by
 * line scans each file once instead of once per record.
 */
struct caret_cursor {
	const struct diag_source *src;
	unsigned line;
	const char *p;
};

/* print_caret: the source line of loc and a caret under its column. */
static void print_caret(const struct diag *d, const struct loc *loc, FILE *f,
			struct caret_cursor *cur)
{
	const struct diag_source *s = find_source(d, loc->file);
	const char *p, *end, *eol;
	unsigned line = 1;
	bool valid;
	if (!d->caret || !s || !s->text || !loc->line)
		return;
	p = s->text;
	end = s->text + s->len;
	if (cur->src == s && cur->line <= loc->line) {
		p = cur->p;
		line = cur->line;
	}
	while (p < end && line < loc->line) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return;
		p = nl + 1;
		line++;
	}
	cur->src = s;
	cur->line = line;
	cur->p = p;
	if (line != loc->line || p > end)
		return;
	/* a line over 200 bytes (minified JSON and the like) gets no caret line */
	eol = memchr(p, '\n', (size_t)(end - p) < 202 ? (size_t)(end - p) : 202);
	if (!eol) {
		if (end - p > 201)
			return;
		eol = end;
	}
	if (eol > p && eol[-1] == '\r')
		eol--;
	if (eol - p > 200)
		return;
	fputs("    ", f);
	valid = utf8_valid(p, (size_t)(eol - p));
	for (const char *q = p; q < eol; q++) {
		unsigned char c = (unsigned char)*q;
		fputc(c == '\t' || (c >= 0x20 && c != 0x7f && (c < 0x80 || valid)) ? c : '?', f);
	}
	fputs("\n    ", f);
	/* columns count characters: one space per UTF-8 character before the caret */
	{
		const char *q = p;
		for (unsigned c = 1; c < loc->col && q < eol; c++) {
			fputc(*q == '\t' ? '\t' : ' ', f);
			q++;
			while (valid && q < eol && ((unsigned char)*q & 0xc0) == 0x80)
				q++;
		}
	}
	fputs("^\n", f);
}

static bool same_record(const struct diag_record *x, const struct diag_record *y)
{
	return x->level == y->level && x->loc.line == y->loc.line && x->loc.col == y->loc.col &&
	       !strcmp(x->loc.file, y->loc.file) && !strcmp(x->msg, y->msg);
}

static const char *level_name[] = { "note", "warning", "error" };

static void print_one(const struct diag *d, const struct diag_record *r, FILE *f,
		      struct caret_cursor *cur)
{
	if (r->loc.line)
		fprintf(f, "%s:%u:%u: %s: %s", r->loc.file, r->loc.line, r->loc.col,
			level_name[r->level], r->msg);
	else
		fprintf(f, "%s: %s: %s", r->loc.file, level_name[r->level], r->msg);
	if (r->cls != DIAG_W_NONE)
		fprintf(f, " [-W%s%s]", r->level == DIAG_ERROR ? "error=" : "",
			diag_class_name(r->cls));
	fputc('\n', f);
	print_caret(d, &r->loc, f, cur);
}

void diag_print(struct diag *d, FILE *f)
{
	struct caret_cursor cur = { 0 };
	size_t total[DIAG_NCLASSES] = { 0 }, shown[DIAG_NCLASSES] = { 0 };
	if (d->nr > 1)
		xqsort(d->v, d->nr, sizeof(*d->v), cmp_record);
	/* warnings (not errors) of one class past the first few are only counted */
	for (size_t i = 0; i < d->nr; i++)
		if (d->v[i]->level == DIAG_WARNING && !(i && same_record(d->v[i], d->v[i - 1])))
			total[d->v[i]->cls]++;
	for (size_t i = 0; i < d->nr; i++) {
		const struct diag_record *r = d->v[i];
		/* identical consecutive records (same place, same text) are printed once */
		if (i && same_record(r, d->v[i - 1]))
			continue;
		if (r->level == DIAG_WARNING && ++shown[r->cls] > DIAG_GROUP_SHOWN)
			continue;
		print_one(d, r, f, &cur);
		for (const struct diag_record *n = r->notes; n; n = n->next_note)
			print_one(d, n, f, &cur);
		if (r->level == DIAG_WARNING && shown[r->cls] == DIAG_GROUP_SHOWN &&
		    total[r->cls] > DIAG_GROUP_SHOWN)
			fprintf(f, "netpolc: note: %zu more warning%s like this [-W%s]\n",
				total[r->cls] - DIAG_GROUP_SHOWN,
				total[r->cls] - DIAG_GROUP_SHOWN == 1 ? "" : "s",
				diag_class_name(r->cls));
	}
	for (size_t i = 0; i < d->nr; i++)
		free_record(d->v[i]);
	if (d->max_errors && d->errors + d->warnings > d->nr)
		fprintf(f, "netpolc: %zu more diagnostics not shown\n",
			d->errors + d->warnings - d->nr);
	d->nr = 0;
}
