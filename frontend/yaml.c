/*
 * yaml.c - libyaml event stream -> document tree (node.h).
 *
 * The reader is one loop over libyaml events with an explicit stack of open
 * mappings and sequences, so hostile nesting never recurses on the C stack;
 * nesting deeper than lim->max_depth stops the file with one error.
 *
 * Plain scalars are typed as Kubernetes' YAML reader (go-yaml v2 behind
 * sigs.k8s.io/yaml) types them: YAML 1.1 booleans (yes/no/on/off/y/n and
 * true/false in three spellings), nulls, Go-syntax integers (0x, 0o, 0b,
 * leading-0 octal, '_' separators) and floats; everything else, and every
 * quoted or block scalar, is a string.  Integers that fit no long long
 * become NODE_FLOAT with their text.  A float with no fraction is an
 * integer, as it is once sigs.k8s.io/yaml has turned it into JSON
 * (json_integral).
 *
 * Anchors and aliases: an alias shares the anchored node (no copy), but the
 * expanded size of the document is counted (each alias adds the size of
 * its target), so a "billion laughs" file stops with one error once the
 * nodes added by aliases pass lim->max_nodes.  Merge keys (`<<: *base`,
 * `<<: [*a, *b]`) are supported as go-yaml reads them, with the YAML 1.1
 * rules for conflicts: keys written in the mapping win over merged ones
 * wherever the `<<` stands, and earlier merge sources win over later ones.
 *
 * Mapping keys must be strings; duplicates are errors (with a note at the
 * first).  A document with any such error is not handed to the caller, but
 * the rest of the stream is still read so that every problem is reported.
 */
#include "frontend/node.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "lib/hash.h"
#include "lib/strbuf.h"
#include "lib/util.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

/*
 * An anchor definition.  Records are appended, never overwritten, because
 * a redefinition may happen while the first definition is still open.
 */
struct anchor {
	const char *name;
	struct node *node;
	size_t size; /* expanded node count, valid once !open */
	bool open;   /* a mapping or sequence whose end was not seen yet */
};

struct frame {
	struct node *node;
	size_t base;   /* first child in yreader.kids */
	size_t size;   /* expanded node count so far, itself included */
	size_t anchor; /* index into yreader.anchors, or SIZE_MAX */
	bool has_merge;
};

struct yreader {
	struct arena *a;
	struct diag *d;
	const struct input_limits *lim;
	const char *file;
	const char *text;
	size_t len;

	struct frame *stack;
	size_t depth, astack;
	struct node **kids; /* children of every open container, keys and values interleaved */
	size_t nkids, akids;
	struct node *root;

	struct anchor *anchors;
	size_t nanchors, aanchors;
	size_t *aslots; /* hash of anchor names: index + 1 into anchors, 0 = empty */
	size_t acap;

	const struct node **kslots; /* scratch hash set of mapping keys */
	size_t kcap, kused, kalloc;
	struct node_pair *pairs; /* scratch for building a mapping */
	size_t npairs, apairs;
	struct node **merges;
	size_t nmerges, amerges;
	struct strbuf scratch;

	struct node **docs;
	size_t ndocs, adocs;
	size_t expanded; /* nodes added by aliases in this file */
	bool doc_error;
	bool failed;
};

/* Marks the key node of a plain `<<`: compared by address. */
static const char merge_marker[] = "<<";

static struct loc mark_loc(const struct yreader *r, const yaml_mark_t *m)
{
	struct loc l = { 0 };
	l.file = r->file;
	l.line = m->line < UINT_MAX - 1 ? (unsigned)m->line + 1 : UINT_MAX;
	l.col = m->column < UINT_MAX - 1 ? (unsigned)m->column + 1 : UINT_MAX;
	return l;
}

/* byte_at: the byte at a 0-based libyaml mark (line, character column), or -1. */
static int byte_at(const struct yreader *r, const yaml_mark_t *m)
{
	size_t i = 0, line = 0, col = 0;
	while (i < r->len && line < m->line) {
		const char *nl = memchr(r->text + i, '\n', r->len - i);
		if (!nl)
			return -1;
		i = (size_t)(nl - r->text) + 1;
		line++;
	}
	for (; i < r->len && r->text[i] != '\n'; i++) {
		if (((unsigned char)r->text[i] & 0xC0) == 0x80)
			continue;
		if (col++ == m->column)
			return (unsigned char)r->text[i];
	}
	return -1;
}

/* quote: s as a short, printable, double-quoted string for messages (arena). */
static const char *quote(struct yreader *r, const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	const char *q;
	strbuf_addch(&sb, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= 60) {
			strbuf_addstr(&sb, "...");
			break;
		}
		if (c == '"' || c == '\\')
			strbuf_addf(&sb, "\\%c", c);
		else if (c == '\n')
			strbuf_addstr(&sb, "\\n");
		else if (c == '\t')
			strbuf_addstr(&sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(&sb, "\\x%02x", c);
		else
			strbuf_addch(&sb, (char)c);
	}
	strbuf_addch(&sb, '"');
	q = arena_strndup(r->a, sb.buf, sb.len);
	strbuf_release(&sb);
	return q;
}

static const char *short_tag(struct yreader *r, const char *tag)
{
	size_t n = strlen(TAG_PREFIX);
	if (!strncmp(tag, TAG_PREFIX, n))
		return arena_printf(r->a, "!!%s", tag + n);
	return quote(r, tag, strlen(tag));
}

/* ---- scalar typing (go-yaml v2 resolve) -------------------------------- */

enum resolved { RES_STR, RES_NULL, RES_BOOL, RES_INT, RES_BIGINT, RES_FLOAT };

struct word {
	const char *s;
	enum resolved res;
	bool val;
};

static const struct word words[] = {
	{ "y", RES_BOOL, true },       { "Y", RES_BOOL, true },	      { "yes", RES_BOOL, true },
	{ "Yes", RES_BOOL, true },     { "YES", RES_BOOL, true },     { "true", RES_BOOL, true },
	{ "True", RES_BOOL, true },    { "TRUE", RES_BOOL, true },    { "on", RES_BOOL, true },
	{ "On", RES_BOOL, true },      { "ON", RES_BOOL, true },      { "n", RES_BOOL, false },
	{ "N", RES_BOOL, false },      { "no", RES_BOOL, false },     { "No", RES_BOOL, false },
	{ "NO", RES_BOOL, false },     { "false", RES_BOOL, false },  { "False", RES_BOOL, false },
	{ "FALSE", RES_BOOL, false },  { "off", RES_BOOL, false },    { "Off", RES_BOOL, false },
	{ "OFF", RES_BOOL, false },    { "", RES_NULL, false },	      { "~", RES_NULL, false },
	{ "null", RES_NULL, false },   { "Null", RES_NULL, false },   { "NULL", RES_NULL, false },
	{ ".nan", RES_FLOAT, false },  { ".NaN", RES_FLOAT, false },  { ".NAN", RES_FLOAT, false },
	{ ".inf", RES_FLOAT, false },  { ".Inf", RES_FLOAT, false },  { ".INF", RES_FLOAT, false },
	{ "+.inf", RES_FLOAT, false }, { "+.Inf", RES_FLOAT, false }, { "+.INF", RES_FLOAT, false },
	{ "-.inf", RES_FLOAT, false }, { "-.Inf", RES_FLOAT, false }, { "-.INF", RES_FLOAT, false },
};

/* go_parse_uint: Go's strconv.ParseUint(s, 0, 64): true when s is valid and fits. */
static bool go_parse_uint(const char *s, size_t n, unsigned long long *out)
{
	unsigned base = 10;
	unsigned long long v = 0;
	if (!n)
		return false;
	if (s[0] == '0') {
		char p = n >= 3 ? (char)(s[1] | 0x20) : 0;
		if (p == 'b' || p == 'o' || p == 'x') {
			base = p == 'b' ? 2 : p == 'o' ? 8 : 16;
			s += 2;
			n -= 2;
		} else {
			base = 8;
			s++;
			n--;
		}
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned dig;
		if (c >= '0' && c <= '9')
			dig = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			dig = (unsigned)(c | 0x20) - 'a' + 10;
		else
			return false;
		if (dig >= base)
			return false;
		if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, dig, &v))
			return false;
	}
	*out = v;
	return true;
}

/* go_parse_int: Go's strconv.ParseInt(s, 0, 64). */
static bool go_parse_int(const char *s, size_t n, long long *out)
{
	bool neg = false;
	unsigned long long u;
	if (n && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		s++;
		n--;
	}
	if (!go_parse_uint(s, n, &u))
		return false;
	if (!neg && u > (unsigned long long)LLONG_MAX)
		return false;
	if (neg && u > (unsigned long long)LLONG_MAX + 1)
		return false;
	*out = neg ? (long long)(0 - u) : (long long)u;
	return true;
}

/* float_syntax: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool float_syntax(const char *s, size_t n)
{
	size_t i = 0, d = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, d++;
		if (!d)
			return false;
	} else {
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, d++;
		if (!d)
			return false;
		if (i < n && s[i] == '.') {
			i++;
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
		}
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		d = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, d++;
		if (!d)
			return false;
	}
	return i == n;
}

/*
 * float_finite: s (valid float syntax) parses without overflow, as Go's
 * ParseFloat requires.  Parsed in the C locale whatever the process uses.
 */
static bool float_finite(const char *s)
{
	static locale_t c_locale;
	if (!c_locale) {
		c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
		if (!c_locale)
			oom();
	}
	return !isinf(strtod_l(s, NULL, c_locale));
}

/*
 * resolve: type of a plain scalar s[0..n), as go-yaml v2's resolve() with
 * no tag.  Sets *ival / *bval for RES_INT / RES_BOOL.
 */
static enum resolved resolve(struct yreader *r, const char *s, size_t n, long long *ival,
			     bool *bval)
{
	unsigned char c0 = n ? (unsigned char)s[0] : 0;
	unsigned long long u;
	const char *plain;
	size_t pn;

	if (n < 6) {
		for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
			if (strlen(words[i].s) == n && !memcmp(words[i].s, s, n)) {
				*bval = words[i].val;
				return words[i].res;
			}
		}
	}
	if (c0 == '.') {
		/* Go's ParseFloat on the raw text: no '_' allowed here */
		strbuf_reset(&r->scratch);
		strbuf_add(&r->scratch, s, n);
		if (float_syntax(s, n) && float_finite(r->scratch.buf))
			return RES_FLOAT;
		return RES_STR;
	}
	if (!(c0 == '+' || c0 == '-' || (c0 >= '0' && c0 <= '9')))
		return RES_STR;

	/* timestamps (YYYY-...) stay strings, as go-yaml v2 hands them to
	 * interface{} values; none of them would parse as a number below */
	strbuf_reset(&r->scratch);
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			strbuf_addch(&r->scratch, s[i]);
	plain = r->scratch.buf;
	pn = r->scratch.len;
	if (go_parse_int(plain, pn, ival))
		return RES_INT;
	if (go_parse_uint(plain, pn, &u))
		return RES_BIGINT;
	if (float_syntax(plain, pn) && float_finite(plain))
		return RES_FLOAT;
	return RES_STR;
}

/*
 * json_integral: whether the float text s is written by Go's json.Marshal
 * as an integer, and that integer.  sigs.k8s.io/yaml turns YAML into JSON
 * before the API types decode it, and json.Marshal writes a float64 with
 * no fraction below 1e21 without '.' or exponent: `port: 80.0`, `1e2` and
 * `080` (not octal, so a float) reach an int32 field as 80, 100 and 80.
 */
static bool json_integral(const char *s, long long *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v > -9.2e18 && v < 9.2e18) || v != (double)(long long)v)
		return false;
	*out = (long long)v;
	return true;
}

/* ---- nodes, counting, anchors ------------------------------------------ */

static struct node *new_node(struct yreader *r, enum node_kind kind, const yaml_mark_t *m)
{
	struct node *n = arena_alloc(r->a, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->loc = mark_loc(r, m);
	n->str = "";
	return n;
}

/*
 * expand: an alias adds n nodes (its target's expanded size) to the file;
 * false, after one error, once the additions pass the cap.  Nodes written
 * out in the text are not counted: the file size bounds them.
 */
static bool expand(struct yreader *r, size_t n, const yaml_mark_t *m)
{
	struct loc l;
	r->expanded += n;
	if (r->expanded <= r->lim->max_nodes)
		return true;
	l = mark_loc(r, m);
	diag_error(r->d, &l,
		   "YAML alias expansion exceeds %zu nodes (a \"billion laughs\" document?)",
		   r->lim->max_nodes);
	return false;
}

static size_t anchor_slot(const struct yreader *r, const char *name)
{
	size_t mask = r->acap - 1;
	size_t i = (size_t)hash_bytes(HASH_INIT, name, strlen(name)) & mask;
	while (r->aslots[i] && strcmp(r->anchors[r->aslots[i] - 1].name, name))
		i = (i + 1) & mask;
	return i;
}

static size_t anchor_define(struct yreader *r, const char *name, struct node *n, bool open)
{
	struct anchor an = { arena_strdup(r->a, name), n, 1, open };
	size_t idx = r->nanchors;
	VEC_PUSH(r->anchors, r->nanchors, r->aanchors, an);
	if (2 * r->nanchors > r->acap) {
		size_t old = r->acap;
		size_t *oslots = r->aslots;
		r->acap = old ? 2 * old : 64;
		r->aslots = xcalloc(r->acap, sizeof(*r->aslots));
		for (size_t i = 0; i < old; i++)
			if (oslots[i])
				r->aslots[anchor_slot(r, r->anchors[oslots[i] - 1].name)] =
					oslots[i];
		free(oslots);
	}
	r->aslots[anchor_slot(r, name)] = idx + 1;
	return idx;
}

static struct anchor *anchor_find(struct yreader *r, const char *name)
{
	size_t i;
	if (!r->acap)
		return NULL;
	i = anchor_slot(r, name);
	return r->aslots[i] ? &r->anchors[r->aslots[i] - 1] : NULL;
}

/* anchors_reset: anchors are scoped to one document. */
static void anchors_reset(struct yreader *r)
{
	if (!r->nanchors)
		return;
	if (r->acap > 1024) {
		free(r->aslots);
		r->aslots = NULL;
		r->acap = 0;
	} else {
		memset(r->aslots, 0, r->acap * sizeof(*r->aslots));
	}
	r->nanchors = 0;
}

/* ---- building mappings ------------------------------------------------- */

static bool same_key(const struct node *a, const struct node *b)
{
	return a->len == b->len && !memcmp(a->str, b->str, a->len);
}

static void keyset_reset(struct yreader *r, size_t n)
{
	size_t cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	if (cap > r->kalloc) {
		free(r->kslots);
		r->kslots = xcalloc(cap, sizeof(*r->kslots));
		r->kalloc = cap;
	} else {
		memset(r->kslots, 0, cap * sizeof(*r->kslots));
	}
	r->kcap = cap;
	r->kused = 0;
}

/* keyset_add: insert key; returns the equal key already present, or NULL. */
static const struct node *keyset_add(struct yreader *r, const struct node *key)
{
	size_t mask, i;
	if (2 * (r->kused + 1) > r->kcap) {
		const struct node **old = r->kslots;
		size_t ocap = r->kcap;
		r->kalloc = r->kcap = 2 * ocap;
		r->kslots = xcalloc(r->kcap, sizeof(*r->kslots));
		mask = r->kcap - 1;
		for (size_t j = 0; j < ocap; j++) {
			if (!old[j])
				continue;
			i = (size_t)hash_bytes(HASH_INIT, old[j]->str, old[j]->len) & mask;
			while (r->kslots[i])
				i = (i + 1) & mask;
			r->kslots[i] = old[j];
		}
		free(old);
	}
	mask = r->kcap - 1;
	i = (size_t)hash_bytes(HASH_INIT, key->str, key->len) & mask;
	while (r->kslots[i]) {
		if (same_key(r->kslots[i], key))
			return r->kslots[i];
		i = (i + 1) & mask;
	}
	r->kslots[i] = key;
	r->kused++;
	return NULL;
}

/* find_explicit: an earlier key of r->pairs equal to key (small mappings: linear). */
static const struct node *find_explicit(struct yreader *r, const struct node *key, bool hashed)
{
	if (hashed)
		return keyset_add(r, key);
	for (size_t i = 0; i < r->npairs; i++)
		if (same_key(r->pairs[i].key, key))
			return r->pairs[i].key;
	return NULL;
}

static void error_dup(struct yreader *r, const struct node *key, const struct node *first)
{
	const char *q = quote(r, key->str, key->len);
	diag_error(r->d, &key->loc, "duplicate key %s in mapping", q);
	diag_note(r->d, &first->loc, "first %s is here", q);
	r->doc_error = r->failed = true;
}

/* merge_source: add the pairs of one merge source not already present. */
static void merge_source(struct yreader *r, const struct node *src, struct node_pair **out,
			 size_t *nout, size_t *aout)
{
	for (size_t i = 0; i < src->n; i++) {
		if (keyset_add(r, src->pairs[i].key))
			continue;
		VEC_PUSH(*out, *nout, *aout, src->pairs[i]);
	}
}

static void merge_error(struct yreader *r, const struct node *v)
{
	diag_error(r->d, &v->loc,
		   "merge key '<<' needs a mapping or a sequence of mappings as its value, not %s",
		   node_kind_name(v->kind));
	r->doc_error = r->failed = true;
}

/* finish_map: turn the open frame's children into the node's pairs. */
static void finish_map(struct yreader *r, struct frame *f)
{
	size_t n = (r->nkids - f->base) / 2, merge_pos = SIZE_MAX;
	struct node **kv = n ? r->kids + f->base : NULL;
	bool hashed = n > 8 || f->has_merge;
	struct node_pair *merged = NULL, *dst;
	size_t nmerged = 0, amerged = 0;

	r->npairs = 0;
	r->nmerges = 0;
	if (hashed)
		keyset_reset(r, n);
	for (size_t i = 0; i < n; i++) {
		struct node *k = kv[2 * i], *v = kv[2 * i + 1];
		const struct node *first;
		struct node_pair p = { k, v };
		if (k->str == merge_marker) {
			if (merge_pos == SIZE_MAX)
				merge_pos = r->npairs;
			VEC_PUSH(r->merges, r->nmerges, r->amerges, v);
			continue;
		}
		if (k->kind != NODE_STR)
			continue; /* reported when the key was read */
		first = find_explicit(r, k, hashed);
		if (first) {
			error_dup(r, k, first);
			continue;
		}
		VEC_PUSH(r->pairs, r->npairs, r->apairs, p);
	}
	for (size_t i = 0; i < r->nmerges; i++) {
		const struct node *v = r->merges[i];
		if (v->kind == NODE_MAP) {
			merge_source(r, v, &merged, &nmerged, &amerged);
		} else if (v->kind == NODE_SEQ) {
			for (size_t j = 0; j < v->n; j++) {
				if (v->items[j]->kind != NODE_MAP) {
					merge_error(r, v->items[j]);
					continue;
				}
				merge_source(r, v->items[j], &merged, &nmerged, &amerged);
			}
		} else {
			merge_error(r, v);
		}
	}
	f->node->n = r->npairs + nmerged;
	f->node->pairs = arena_alloc(r->a, st_mult(f->node->n ? f->node->n : 1, sizeof(*dst)));
	dst = f->node->pairs;
	if (merge_pos == SIZE_MAX)
		merge_pos = r->npairs;
	if (merge_pos)
		memcpy(dst, r->pairs, merge_pos * sizeof(*dst));
	if (nmerged)
		memcpy(dst + merge_pos, merged, nmerged * sizeof(*dst));
	if (r->npairs > merge_pos)
		memcpy(dst + merge_pos + nmerged, r->pairs + merge_pos,
		       (r->npairs - merge_pos) * sizeof(*dst));
	free(merged);
}

static void finish_seq(struct yreader *r, struct frame *f)
{
	size_t n = r->nkids - f->base;
	f->node->n = n;
	f->node->items = arena_alloc(r->a, st_mult(n ? n : 1, sizeof(struct node *)));
	if (n)
		memcpy(f->node->items, r->kids + f->base, n * sizeof(struct node *));
}

/* ---- the event handlers ------------------------------------------------ */

static bool at_key(const struct yreader *r)
{
	const struct frame *f;
	if (!r->depth)
		return false;
	f = &r->stack[r->depth - 1];
	return f->node->kind == NODE_MAP && (r->nkids - f->base) % 2 == 0;
}

/* check_key: k is a string; at is where it is used (an alias's own place). */
static void check_key(struct yreader *r, const struct node *k, const struct loc *at)
{
	if (k->kind == NODE_STR)
		return;
	r->doc_error = r->failed = true;
	if (k->kind == NODE_MAP || k->kind == NODE_SEQ || k->kind == NODE_NULL)
		diag_error(r->d, at, "mapping key must be a string, not %s",
			   node_kind_name(k->kind));
	else
		diag_error(r->d, at,
			   "mapping key %s is %s, not a string (quote it to use it as a string)",
			   k->str, node_kind_name(k->kind));
}

/*
 * attach: a complete node (expanded size size) into the open container or
 * as the root; at is where it appears (an alias's own place).
 */
static void attach(struct yreader *r, struct node *n, size_t size, const struct loc *at)
{
	struct frame *f;
	if (!r->depth) {
		r->root = n;
		return;
	}
	f = &r->stack[r->depth - 1];
	f->size += size;
	if (at_key(r)) {
		if (n->str == merge_marker)
			f->has_merge = true;
		else
			check_key(r, n, at);
	}
	VEC_PUSH(r->kids, r->nkids, r->akids, n);
}

static bool tag_is(const char *tag, const char *name)
{
	size_t n = strlen(TAG_PREFIX);
	return !strncmp(tag, TAG_PREFIX, n) && !strcmp(tag + n, name);
}

static void tag_error(struct yreader *r, const struct node *n, const char *tag)
{
	const char *on = n->kind == NODE_MAP   ? " on a mapping"
			 : n->kind == NODE_SEQ ? " on a sequence"
					       : "";
	diag_error(r->d, &n->loc, "unsupported YAML tag %s%s", short_tag(r, tag), on);
	r->doc_error = r->failed = true;
}

/* type_scalar: set n's kind from its text, style and tag. */
static void type_scalar(struct yreader *r, struct node *n, const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	enum resolved res;
	const char *want = NULL;
	long long ival = 0;
	bool bval = false;

	if (tag && (!strcmp(tag, "!") || tag_is(tag, "str") || tag_is(tag, "timestamp")))
		return; /* a string */
	if (!tag && !plain)
		return;
	if (tag) {
		if (tag_is(tag, "int"))
			want = "int";
		else if (tag_is(tag, "float"))
			want = "float";
		else if (tag_is(tag, "bool"))
			want = "bool";
		else if (tag_is(tag, "null"))
			want = "null";
		else {
			tag_error(r, n, tag);
			return;
		}
	}
	res = resolve(r, n->str, n->len, &ival, &bval);
	if (want) {
		bool ok = (!strcmp(want, "int") && (res == RES_INT || res == RES_BIGINT)) ||
			  (!strcmp(want, "float") &&
			   (res == RES_INT || res == RES_BIGINT || res == RES_FLOAT)) ||
			  (!strcmp(want, "bool") && res == RES_BOOL) ||
			  (!strcmp(want, "null") && res == RES_NULL);
		if (!ok) {
			diag_error(r->d, &n->loc, "cannot read %s as !!%s",
				   quote(r, n->str, n->len), want);
			r->doc_error = r->failed = true;
			return;
		}
		if (!strcmp(want, "float"))
			res = RES_FLOAT;
	}
	switch (res) {
	case RES_STR:
		break;
	case RES_NULL:
		n->kind = NODE_NULL;
		break;
	case RES_BOOL:
		n->kind = NODE_BOOL;
		n->bval = bval;
		break;
	case RES_INT:
		n->kind = NODE_INT;
		n->ival = ival;
		break;
	case RES_FLOAT:
		if (json_integral(r->scratch.buf, &ival)) {
			n->kind = NODE_INT;
			n->ival = ival;
			break;
		}
		/* fall through */
	case RES_BIGINT:
		n->kind = NODE_FLOAT;
		break;
	}
}

static bool on_scalar(struct yreader *r, const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	size_t len = ev->data.scalar.length;
	struct node *n = new_node(r, NODE_STR, &ev->start_mark);
	struct loc end = mark_loc(r, &ev->end_mark);

	n->loc.end_line = end.line;
	n->loc.end_col = end.col;
	if (len == 2 && !memcmp(ev->data.scalar.value, "<<", 2) && at_key(r) &&
	    ((plain && !tag) || (tag && tag_is(tag, "merge")))) {
		n->str = merge_marker;
		n->len = 2;
	} else {
		n->str = arena_strndup(r->a, (const char *)ev->data.scalar.value, len);
		n->len = len;
		type_scalar(r, n, ev);
	}
	if (ev->data.scalar.anchor) {
		struct node *target = n;
		if (n->str == merge_marker) {
			/* an alias of it is an ordinary "<<" key, as in go-yaml */
			target = new_node(r, NODE_STR, &ev->start_mark);
			target->str = "<<";
			target->len = 2;
		}
		anchor_define(r, (const char *)ev->data.scalar.anchor, target, false);
	}
	attach(r, n, 1, &n->loc);
	return true;
}

static bool on_alias(struct yreader *r, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct anchor *an = anchor_find(r, name);
	struct node *n;
	struct loc l = mark_loc(r, &ev->start_mark);
	if (!an || an->open) {
		if (!an)
			diag_error(r->d, &l, "unknown anchor %s referenced",
				   quote(r, name, strlen(name)));
		else
			diag_error(r->d, &l, "anchor %s value contains itself",
				   quote(r, name, strlen(name)));
		r->doc_error = r->failed = true;
		n = new_node(r, NODE_NULL, &ev->start_mark);
		attach(r, n, 1, &l);
		return true;
	}
	if (!expand(r, an->size, &ev->start_mark))
		return false;
	attach(r, an->node, an->size, &l);
	return true;
}

static bool on_start(struct yreader *r, const yaml_event_t *ev, enum node_kind kind)
{
	const char *tag, *anchor;
	struct frame f = { 0 };
	struct loc l = mark_loc(r, &ev->start_mark);

	if (kind == NODE_MAP) {
		tag = (const char *)ev->data.mapping_start.tag;
		anchor = (const char *)ev->data.mapping_start.anchor;
	} else {
		tag = (const char *)ev->data.sequence_start.tag;
		anchor = (const char *)ev->data.sequence_start.anchor;
	}
	if (r->depth >= r->lim->max_depth) {
		diag_error(r->d, &l, "YAML nesting is deeper than %u levels", r->lim->max_depth);
		return false;
	}
	f.node = new_node(r, kind, &ev->start_mark);
	if (tag && strcmp(tag, "!") && !tag_is(tag, kind == NODE_MAP ? "map" : "seq"))
		tag_error(r, f.node, tag);
	f.base = r->nkids;
	f.size = 1;
	f.anchor = anchor ? anchor_define(r, anchor, f.node, true) : SIZE_MAX;
	VEC_PUSH(r->stack, r->depth, r->astack, f);
	return true;
}

static void on_end(struct yreader *r)
{
	struct frame f;
	if (!r->depth)
		BUG("container end without a start");
	f = r->stack[--r->depth];
	if (f.node->kind == NODE_MAP)
		finish_map(r, &f);
	else
		finish_seq(r, &f);
	r->nkids = f.base;
	if (f.anchor != SIZE_MAX) {
		r->anchors[f.anchor].open = false;
		r->anchors[f.anchor].size = f.size;
	}
	attach(r, f.node, f.size, &f.node->loc);
}

static void on_doc_end(struct yreader *r)
{
	if (!r->doc_error && r->root && r->root->kind != NODE_NULL)
		VEC_PUSH(r->docs, r->ndocs, r->adocs, r->root);
	r->root = NULL;
	r->doc_error = false;
	anchors_reset(r);
}

static void parser_error(struct yreader *r, yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "cannot parse YAML";
	struct loc l;
	struct strbuf msg = STRBUF_INIT;

	if (p->error == YAML_MEMORY_ERROR)
		oom();
	if (p->error == YAML_READER_ERROR) {
		l = node_text_loc(r->file, r->text,
				  p->problem_offset < r->len ? p->problem_offset : r->len);
		strbuf_addstr(&msg, problem);
		if (p->problem_value >= 0)
			strbuf_addf(&msg, " (character 0x%02x)", (unsigned)p->problem_value);
	} else {
		l = mark_loc(r, &p->problem_mark);
		strbuf_addstr(&msg, problem);
		if (p->context)
			strbuf_addf(&msg, " (%s)", p->context);
		if (!strcmp(problem, "found character that cannot start any token") &&
		    byte_at(r, &p->problem_mark) == '\t')
			strbuf_addstr(&msg, "; tabs cannot be used for indentation");
	}
	diag_error(r->d, &l, "%s", msg.buf);
	strbuf_release(&msg);
	if (p->error != YAML_READER_ERROR && p->context &&
	    (p->context_mark.line != p->problem_mark.line ||
	     p->context_mark.column != p->problem_mark.column)) {
		struct loc c = mark_loc(r, &p->context_mark);
		diag_note(r->d, &c, "%s that starts here", p->context);
	}
}

static void reader_release(struct yreader *r)
{
	free(r->stack);
	free(r->kids);
	free(r->anchors);
	free(r->aslots);
	free(r->kslots);
	free(r->pairs);
	free(r->merges);
	free(r->docs);
	strbuf_release(&r->scratch);
}

int yaml_parse(struct arena *a, struct diag *d, const struct input_limits *lim, const char *file,
	       const char *text, size_t len, struct doc_list *docs)
{
	struct yreader r = { 0 };
	struct input_limits deflim;
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;

	r.a = a;
	r.d = d;
	r.lim = input_limits_or_default(lim, &deflim);
	r.file = file;
	r.text = text;
	r.len = len;
	strbuf_init(&r.scratch);

	if (!yaml_parser_initialize(&parser))
		oom();
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done) {
		bool ok = true;
		if (!yaml_parser_parse(&parser, &ev)) {
			parser_error(&r, &parser);
			r.failed = true;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			r.root = NULL;
			r.doc_error = false;
			break;
		case YAML_DOCUMENT_END_EVENT:
			on_doc_end(&r);
			break;
		case YAML_ALIAS_EVENT:
			ok = on_alias(&r, &ev);
			break;
		case YAML_SCALAR_EVENT:
			ok = on_scalar(&r, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			ok = on_start(&r, &ev, NODE_SEQ);
			break;
		case YAML_MAPPING_START_EVENT:
			ok = on_start(&r, &ev, NODE_MAP);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			on_end(&r);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (!ok) {
			r.failed = true;
			break;
		}
	}
	yaml_parser_delete(&parser);

	docs->n = r.ndocs;
	docs->docs = arena_array(a, r.ndocs ? r.ndocs : 1, sizeof(*docs->docs));
	if (r.ndocs)
		memcpy(docs->docs, r.docs, r.ndocs * sizeof(*docs->docs));
	reader_release(&r);
	return r.failed ? -1 : 0;
}
