/*
 * json.c - jansson value tree -> document tree (node.h), with positions.
 *
 * jansson parses and validates (duplicate keys rejected, NUL allowed in
 * strings, any value at the top) but keeps no positions.  So the tree is
 * walked in pre-order while a small scanner steps through the same text:
 * jansson iterates object members in insertion (= text) order and rejects
 * duplicates, so every value of the tree meets its first character in the
 * text in turn.  Each node gets the line and character column of that
 * character (keys: the key's opening quote).  The scan is linear: columns
 * are counted lazily, once per byte.
 *
 * Numbers are read from the text, not from jansson (which is told to read
 * every number as a double so that it never rejects a long integer): an
 * integer that fits a long long is NODE_INT, anything else NODE_FLOAT with
 * the text kept.
 *
 * Syntax errors are reported at the start of the token jansson stopped at,
 * with jansson's message; a duplicate key gets a note at its first
 * occurrence.
 *
 * Memory: jansson allocates the json_t tree from an arena of its own
 * (see load_arena), released in one go once the node tree is built.
 * Strings of the node tree are packed into shared arena chunks.
 */
#include "frontend/node.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "frontend/frontend.h"
#include "lib/strbuf.h"
#include "lib/util.h"

struct jreader {
	struct arena *a;
	struct diag *d;
	const struct input_limits *lim;
	const char *file;
	const char *text, *end;
	const char *p;	    /* scan position */
	const char *colpos; /* col is the column of this byte */
	unsigned line, col;
	char *pool, *pool_end; /* string chunk being filled */
	struct strbuf sb;      /* a string with escapes, decoded (direct reader) */
};

#define POOL_CHUNK 16384

/* str_copy: s[0..n) and a NUL, packed without alignment. */
static const char *str_copy(struct jreader *r, const char *s, size_t n)
{
	char *p;
	if ((size_t)(r->pool_end - r->pool) <= n) {
		if (n >= POOL_CHUNK / 4)
			return arena_strndup(r->a, s, n);
		r->pool = arena_alloc(r->a, POOL_CHUNK);
		r->pool_end = r->pool + POOL_CHUNK;
	}
	p = r->pool;
	memcpy(p, s, n);
	p[n] = '\0';
	r->pool += n + 1;
	return p;
}

/*
 * jansson's allocations.  While a text is parsed and walked, jansson
 * allocates from a bump arena (load_arena) and frees nothing: the tree
 * lives exactly from json_loadb() to json_decref(), so it is released at
 * once with the arena.  Millions of small mallocs and frees (a pair, a
 * string, a hash bucket array per member) were most of the load's time
 * and grew faster than the input with the heap.  Outside a load (error
 * messages, the JSON backend, query's output) jansson uses malloc.
 * jansson has no per-call allocator, hence the static.
 */
static struct arena *load_arena;

static void *jalloc(size_t n)
{
	return load_arena ? arena_alloc(load_arena, n) : xmalloc(n);
}

static void jfree(void *p)
{
	if (!load_arena)
		free(p);
}

static void json_init(void)
{
	static bool done;
	if (done)
		return;
	json_set_alloc_funcs(jalloc, jfree);
	done = true;
}

/* ---- positions --------------------------------------------------------- */

static void skip_ws(struct jreader *r)
{
	const char *p = r->p;
	while (p < r->end) {
		if (*p == ' ' || *p == '\t' || *p == '\r') {
			p++;
		} else if (*p == '\n') {
			p++;
			r->line++;
			r->col = 1;
			r->colpos = p;
		} else {
			break;
		}
	}
	r->p = p;
}

/* here: location of the scan position (no newline lies between colpos and p). */
static struct loc here(struct jreader *r)
{
	struct loc l = { 0 };
	unsigned col = r->col;
	for (const char *q = r->colpos; q < r->p; q++)
		col += ((unsigned char)*q & 0xC0) != 0x80;
	r->col = col;
	r->colpos = r->p;
	l.file = r->file;
	l.line = r->line;
	l.col = col;
	return l;
}

/* end_here: the span l ends at the scan position. */
static void end_here(struct jreader *r, struct loc *l)
{
	struct loc e = here(r);
	l->end_line = e.line;
	l->end_col = e.col;
}

static void expect(struct jreader *r, char c)
{
	if (r->p >= r->end || *r->p != c)
		BUG("JSON scanner lost its place at byte %zu (wanted '%c')",
		    (size_t)(r->p - r->text), c);
	r->p++;
}

/* skip_string: past the closing quote of the string starting at p (valid JSON). */
static void skip_string(struct jreader *r)
{
	const char *p = r->p + 1;
	for (;;) {
		const char *q = memchr(p, '"', (size_t)(r->end - p));
		const char *b;
		if (!q)
			BUG("JSON scanner found no closing quote");
		for (b = q; b > p && b[-1] == '\\'; b--)
			;
		p = q + 1;
		if ((q - b) % 2 == 0)
			break;
	}
	r->p = p;
}

/* ---- the walk ---------------------------------------------------------- */

static void read_number(struct jreader *r, struct node *n)
{
	const char *s = r->p, *p = s;
	bool neg = false, integral = true, overflow = false;
	unsigned long long v = 0;

	while (p < r->end && ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == '.' ||
			      *p == 'e' || *p == 'E')) {
		if (*p == '.' || *p == 'e' || *p == 'E')
			integral = false;
		p++;
	}
	r->p = p;
	n->str = str_copy(r, s, (size_t)(p - s));
	n->len = (size_t)(p - s);
	if (!integral) {
		n->kind = NODE_FLOAT;
		return;
	}
	if (*s == '-') {
		neg = true;
		s++;
	}
	for (; s < p; s++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (unsigned)(*s - '0'), &v))
			overflow = true;
	if (overflow || v > (unsigned long long)LLONG_MAX + neg) {
		n->kind = NODE_FLOAT;
		return;
	}
	n->kind = NODE_INT;
	n->ival = neg ? (long long)(0 - v) : (long long)v;
}

static struct node *walk(struct jreader *r, json_t *v, struct node *n, unsigned depth);

static bool walk_object(struct jreader *r, json_t *v, struct node *n, unsigned depth)
{
	size_t size = json_object_size(v), i = 0;
	struct node *keys;
	expect(r, '{');
	n->n = size;
	n->pairs = arena_alloc(r->a, (size ? size : 1) * sizeof(*n->pairs));
	keys = arena_alloc(r->a, (size ? size : 1) * sizeof(*keys));
	for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it), i++) {
		struct node *k = &keys[i];
		size_t klen = json_object_iter_key_len(it);
		if (i >= size)
			BUG("JSON object grew while walking it");
		skip_ws(r);
		memset(k, 0, sizeof(*k));
		k->kind = NODE_STR;
		k->loc = here(r);
		k->str = str_copy(r, json_object_iter_key(it), klen);
		k->len = klen;
		skip_string(r);
		end_here(r, &k->loc);
		skip_ws(r);
		expect(r, ':');
		n->pairs[i].key = k;
		n->pairs[i].value = walk(r, json_object_iter_value(it), NULL, depth + 1);
		if (!n->pairs[i].value)
			return false;
		skip_ws(r);
		r->p++; /* ',' or '}' */
	}
	if (!size) {
		skip_ws(r);
		expect(r, '}');
	}
	return true;
}

static bool walk_array(struct jreader *r, json_t *v, struct node *n, unsigned depth)
{
	size_t size = json_array_size(v);
	expect(r, '[');
	n->n = size;
	n->items = arena_alloc(r->a, (size ? size : 1) * sizeof(*n->items));
	for (size_t i = 0; i < size; i++) {
		n->items[i] = walk(r, json_array_get(v, i), NULL, depth + 1);
		if (!n->items[i])
			return false;
		skip_ws(r);
		r->p++; /* ',' or ']' */
	}
	if (!size) {
		skip_ws(r);
		expect(r, ']');
	}
	return true;
}

/* walk: the node of v (into n if given), scanning its text; NULL after an error. */
static struct node *walk(struct jreader *r, json_t *v, struct node *n, unsigned depth)
{
	if (!n)
		n = arena_alloc(r->a, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->str = "";
	skip_ws(r);
	n->loc = here(r);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (depth >= r->lim->max_depth) {
			diag_error(r->d, &n->loc, "JSON nesting is deeper than %u levels",
				   r->lim->max_depth);
			return NULL;
		}
		n->kind = json_is_object(v) ? NODE_MAP : NODE_SEQ;
		if (!(n->kind == NODE_MAP ? walk_object(r, v, n, depth)
					  : walk_array(r, v, n, depth)))
			return NULL;
		break;
	case JSON_STRING:
		n->kind = NODE_STR;
		n->len = json_string_length(v);
		n->str = str_copy(r, json_string_value(v), n->len);
		skip_string(r);
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		read_number(r, n);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		n->kind = NODE_BOOL;
		n->bval = json_is_true(v);
		n->str = n->bval ? "true" : "false";
		n->len = n->bval ? 4 : 5;
		r->p += n->len;
		break;
	case JSON_NULL:
		n->kind = NODE_NULL;
		n->str = "null";
		n->len = 4;
		r->p += 4;
		break;
	}
	if (r->p > r->end)
		BUG("JSON scanner ran past the end");
	end_here(r, &n->loc);
	return n;
}

/* ---- the direct reader ------------------------------------------------- */

/*
 * The direct reader builds the node tree straight from the text, with the
 * positions of the scanner above, for the common case: jansson's tree
 * cost as much memory again as the node tree and most of the load's time.
 * It accepts a subset of what jansson accepts and builds the same tree as
 * the walk would; on anything else (any syntax error, a duplicate key, an
 * escape it does not decode, a number with an exponent or too long for it,
 * nesting at the limit) it gives up, and the text is read again by jansson
 * and the walk, which give the exact message.  Giving up costs the nodes
 * already built (left in the arena) and the time spent.
 */

/* kids: the entries of the containers being read, innermost last (keys and values of objects) */
struct kids {
	struct node **v;
	size_t n, alloc;
};

static bool direct_value(struct jreader *r, struct kids *k, struct node *n, unsigned depth);

static bool is_hex4(const char *p)
{
	for (int i = 0; i < 4; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') ||
		      (p[i] >= 'A' && p[i] <= 'F')))
			return false;
	return true;
}

/*
 * direct_escape: decodes the escape at r->p (past the backslash) into sb;
 * a \u escape only for code points outside the surrogates (pairs give up).
 */
static bool direct_escape(struct jreader *r, struct strbuf *sb)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e = r->p < r->end ? strchr(from, *r->p) : NULL;
	unsigned long cp;
	char utf8[3];

	if (e && *e) {
		strbuf_addch(sb, to[e - from]);
		r->p++;
		return true;
	}
	if (r->p >= r->end || *r->p != 'u' || r->end - r->p < 5 || !is_hex4(r->p + 1))
		return false;
	cp = strtoul((char[5]){ r->p[1], r->p[2], r->p[3], r->p[4], 0 }, NULL, 16);
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return false;
	r->p += 5;
	if (cp < 0x80) {
		strbuf_addch(sb, (int)cp);
	} else if (cp < 0x800) {
		utf8[0] = (char)(0xC0 | (cp >> 6));
		utf8[1] = (char)(0x80 | (cp & 0x3F));
		strbuf_add(sb, utf8, 2);
	} else {
		utf8[0] = (char)(0xE0 | (cp >> 12));
		utf8[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		utf8[2] = (char)(0x80 | (cp & 0x3F));
		strbuf_add(sb, utf8, 3);
	}
	return true;
}

/*
 * direct_string: the string at r->p (its opening quote) into n->str and
 * n->len, r->p past its closing quote.  Raw bytes must be UTF-8 (as
 * jansson checks) and not control characters.
 */
static bool direct_string(struct jreader *r, struct node *n)
{
	const char *start = ++r->p, *seg = start;
	bool escaped = false;

	for (;;) {
		const char *p = r->p;
		bool high = false;
		while (p < r->end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) {
			high |= (unsigned char)*p >= 0x80;
			p++;
		}
		if (p >= r->end || (unsigned char)*p < 0x20)
			return false;
		if (high && utf8_check(seg, (size_t)(p - seg)) != (size_t)(p - seg))
			return false;
		if (*p == '"' && !escaped) {
			n->len = (size_t)(p - start);
			n->str = str_copy(r, start, n->len);
			r->p = p + 1;
			return true;
		}
		if (!escaped) {
			strbuf_reset(&r->sb);
			escaped = true;
		}
		strbuf_add(&r->sb, seg, (size_t)(p - seg));
		r->p = p + 1;
		if (*p == '"') {
			n->len = r->sb.len;
			n->str = str_copy(r, r->sb.buf, n->len);
			return true;
		}
		if (!direct_escape(r, &r->sb))
			return false;
		seg = r->p;
	}
}

/*
 * direct_number: a number jansson reads the same (JSON syntax, no exponent,
 * so never out of a double's range); the node as read_number makes it.
 */
static bool direct_number(struct jreader *r, struct node *n)
{
	const char *p = r->p;
	if (p < r->end && *p == '-')
		p++;
	if (p >= r->end || *p < '0' || *p > '9')
		return false;
	if (*p == '0')
		p++;
	else
		while (p < r->end && *p >= '0' && *p <= '9')
			p++;
	if (p < r->end && *p == '.') {
		const char *frac = ++p;
		while (p < r->end && *p >= '0' && *p <= '9')
			p++;
		if (p == frac)
			return false;
	}
	if (p < r->end && (*p == 'e' || *p == 'E' || *p == '+' || *p == '-' || *p == '.' ||
			   (*p >= '0' && *p <= '9')))
		return false;
	if (p - r->p > 300)
		return false;
	read_number(r, n);
	return r->p == p;
}

static bool literal(struct jreader *r, const char *word, size_t len)
{
	if ((size_t)(r->end - r->p) < len || memcmp(r->p, word, len))
		return false;
	r->p += len;
	return true;
}

static bool same_key(const struct node *a, const struct node *b)
{
	return a->len == b->len && !memcmp(a->str, b->str, a->len);
}

/* has_duplicate: two of the n keys v[0], v[2], ... are equal (n small) */
static bool has_duplicate(struct node *const *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (same_key(v[2 * i], v[2 * j]))
				return true;
	return false;
}

static int cmp_key(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a, *y = *(struct node *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->str, y->str, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* has_duplicate_sorted: the same for many keys, through a sorted copy */
static bool has_duplicate_sorted(struct node *const *v, size_t n)
{
	struct node **keys = xcalloc(n, sizeof(*keys));
	bool dup = false;
	for (size_t i = 0; i < n; i++)
		keys[i] = v[2 * i];
	xqsort(keys, n, sizeof(*keys), cmp_key);
	for (size_t i = 1; i < n && !dup; i++)
		dup = same_key(keys[i], keys[i - 1]);
	free(keys);
	return dup;
}

/* after_item: past a ',' (1: another item follows) or the closing char (0); -1: neither */
static int after_item(struct jreader *r, char close)
{
	skip_ws(r);
	if (r->p < r->end && *r->p == ',') {
		r->p++;
		skip_ws(r);
		return 1;
	}
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return 0;
	}
	return -1;
}

static bool direct_object(struct jreader *r, struct kids *k, struct node *n, unsigned depth)
{
	size_t base = k->n, size;
	r->p++; /* '{' */
	skip_ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
	} else {
		for (;;) {
			struct node *key = arena_alloc(r->a, sizeof(*key)), *v;
			if (r->p >= r->end || *r->p != '"')
				return false;
			memset(key, 0, sizeof(*key));
			key->kind = NODE_STR;
			key->loc = here(r);
			/* jansson refuses a NUL in a key */
			if (!direct_string(r, key) || memchr(key->str, '\0', key->len))
				return false;
			end_here(r, &key->loc);
			skip_ws(r);
			if (r->p >= r->end || *r->p != ':')
				return false;
			r->p++;
			v = arena_alloc(r->a, sizeof(*v));
			VEC_PUSH(k->v, k->n, k->alloc, key);
			VEC_PUSH(k->v, k->n, k->alloc, v);
			if (!direct_value(r, k, v, depth + 1))
				return false;
			int more = after_item(r, '}');
			if (more < 0)
				return false;
			if (!more)
				break;
		}
	}
	size = (k->n - base) / 2;
	if (size > 1 && (size <= 16 ? has_duplicate(k->v + base, size)
				    : has_duplicate_sorted(k->v + base, size)))
		return false;
	n->kind = NODE_MAP;
	n->n = size;
	n->pairs = arena_alloc(r->a, (size ? size : 1) * sizeof(*n->pairs));
	for (size_t i = 0; i < size; i++) {
		n->pairs[i].key = k->v[base + 2 * i];
		n->pairs[i].value = k->v[base + 2 * i + 1];
	}
	k->n = base;
	return true;
}

static bool direct_array(struct jreader *r, struct kids *k, struct node *n, unsigned depth)
{
	size_t base = k->n, size;
	r->p++; /* '[' */
	skip_ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
	} else {
		for (;;) {
			struct node *v = arena_alloc(r->a, sizeof(*v));
			VEC_PUSH(k->v, k->n, k->alloc, v);
			if (!direct_value(r, k, v, depth + 1))
				return false;
			int more = after_item(r, ']');
			if (more < 0)
				return false;
			if (!more)
				break;
		}
	}
	size = k->n - base;
	n->kind = NODE_SEQ;
	n->n = size;
	n->items = arena_alloc(r->a, (size ? size : 1) * sizeof(*n->items));
	if (size)
		memcpy(n->items, k->v + base, size * sizeof(*n->items));
	k->n = base;
	return true;
}

/* direct_value: the value at r->p (after white space) into n, as walk() makes it. */
static bool direct_value(struct jreader *r, struct kids *k, struct node *n, unsigned depth)
{
	memset(n, 0, sizeof(*n));
	n->str = "";
	skip_ws(r);
	n->loc = here(r);
	if (r->p >= r->end)
		return false;
	switch (*r->p) {
	case '{':
	case '[':
		/* at the limit, the walk reports it (jansson's own limit is 2048) */
		if (depth >= r->lim->max_depth || depth >= 1024)
			return false;
		if (!(*r->p == '{' ? direct_object(r, k, n, depth) : direct_array(r, k, n, depth)))
			return false;
		break;
	case '"':
		n->kind = NODE_STR;
		if (!direct_string(r, n))
			return false;
		break;
	case 't':
	case 'f':
		n->kind = NODE_BOOL;
		n->bval = *r->p == 't';
		n->str = n->bval ? "true" : "false";
		n->len = n->bval ? 4 : 5;
		if (!literal(r, n->str, n->len))
			return false;
		break;
	case 'n':
		n->kind = NODE_NULL;
		n->str = "null";
		n->len = 4;
		if (!literal(r, "null", 4))
			return false;
		break;
	default:
		if (!direct_number(r, n))
			return false;
	}
	end_here(r, &n->loc);
	return true;
}

/* direct_parse: the document's node, or NULL when the walk must read it. */
static struct node *direct_parse(struct jreader *r)
{
	struct kids k = { 0 };
	struct node *n = arena_alloc(r->a, sizeof(*n));
	bool ok = direct_value(r, &k, n, 0);
	free(k.v);
	if (ok) {
		skip_ws(r);
		ok = r->p == r->end;
	}
	return ok ? n : NULL;
}

/* ---- syntax errors ----------------------------------------------------- */

/*
 * next_token: the token at or after *i (JSON-ish, good enough for locating
 * errors in text jansson rejected): a string (to its closing quote, a
 * newline or the end), a run of letters/digits/+-., or one character.
 * Returns false at the end of the text.
 */
static bool next_token(const char *t, size_t len, size_t *i, size_t *s, size_t *e)
{
	size_t j = *i;
	while (j < len && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r' || t[j] == '\n'))
		j++;
	if (j >= len)
		return false;
	*s = j;
	if (t[j] == '"') {
		for (j++; j < len && t[j] != '"' && t[j] != '\n'; j++)
			if (t[j] == '\\' && j + 1 < len && t[j + 1] != '\n')
				j++;
		if (j < len && t[j] == '"')
			j++;
	} else if ((t[j] >= '0' && t[j] <= '9') || (t[j] >= 'a' && t[j] <= 'z') ||
		   (t[j] >= 'A' && t[j] <= 'Z') || t[j] == '-' || t[j] == '+' || t[j] == '.') {
		while (j < len &&
		       ((t[j] >= '0' && t[j] <= '9') || (t[j] >= 'a' && t[j] <= 'z') ||
			(t[j] >= 'A' && t[j] <= 'Z') || t[j] == '-' || t[j] == '+' || t[j] == '.'))
			j++;
	} else {
		j++;
	}
	*e = *i = j;
	return true;
}

/* error_offset: where the token jansson complained about starts. */
static size_t error_offset(const char *text, size_t len, const json_error_t *e)
{
	size_t pos = e->position < 0 ? 0 : (size_t)e->position;
	const char *near = strstr(e->text, " near '");
	size_t i = 0, s, t;
	if (pos > len)
		pos = len;
	if (strstr(e->text, " near end of file"))
		return pos;
	if (near) {
		const char *tok = near + 7;
		size_t n = strlen(tok);
		if (n > 1 && tok[n - 1] == '\'' && n - 1 <= pos &&
		    !memcmp(text + pos - (n - 1), tok, n - 1))
			return pos - (n - 1);
	}
	while (next_token(text, len, &i, &s, &t))
		if (s < pos && pos <= t)
			return s;
	return pos;
}

/* too_deep_offset: the opening bracket that nests deeper than max. */
static size_t too_deep_offset(const char *text, size_t len, unsigned max, size_t dflt)
{
	size_t i = 0, s, e, depth = 0;
	while (next_token(text, len, &i, &s, &e)) {
		if (text[s] == '{' || text[s] == '[') {
			if (++depth > max)
				return s;
		} else if ((text[s] == '}' || text[s] == ']') && depth) {
			depth--;
		}
	}
	return dflt;
}

/* decode_key: the string a JSON string token denotes, for comparisons (malloc'ed). */
static char *decode_key(const char *tok, size_t n, size_t *len)
{
	json_t *j = json_loadb(tok, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	char *s = NULL;
	if (j && json_is_string(j)) {
		*len = json_string_length(j);
		s = xmalloc(*len + 1);
		memcpy(s, json_string_value(j), *len + 1);
	}
	json_decref(j);
	return s;
}

/*
 * first_key_offset: offset of the first key equal to the duplicate key at
 * off, in the same object, or SIZE_MAX.
 */
static size_t first_key_offset(const char *text, size_t len, size_t off)
{
	size_t *stack = NULL, nstack = 0, astack = 0;
	size_t i = 0, s, e, obj = SIZE_MAX, found = SIZE_MAX, dlen, depth = 0;
	char *dup;
	char prev = 0;

	while (next_token(text, len, &i, &s, &e) && s < off) {
		if (text[s] == '{' || text[s] == '[')
			VEC_PUSH(stack, nstack, astack, s);
		else if ((text[s] == '}' || text[s] == ']') && nstack)
			nstack--;
	}
	if (nstack && text[stack[nstack - 1]] == '{')
		obj = stack[nstack - 1];
	free(stack);
	if (obj == SIZE_MAX || !next_token(text, len, &(size_t){ off }, &s, &e))
		return SIZE_MAX;
	dup = decode_key(text + s, e - s, &dlen);
	if (!dup)
		return SIZE_MAX;
	i = obj + 1;
	prev = '{';
	while (found == SIZE_MAX && next_token(text, len, &i, &s, &e) && s < off) {
		char c = text[s];
		if (!depth && c == '"' && (prev == '{' || prev == ',')) {
			size_t klen;
			char *k = decode_key(text + s, e - s, &klen);
			if (k && klen == dlen && !memcmp(k, dup, klen))
				found = s;
			free(k);
		}
		if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && depth)
			depth--;
		prev = c;
	}
	free(dup);
	return found;
}

static void syntax_error(struct jreader *r, const json_error_t *e)
{
	size_t len = (size_t)(r->end - r->text);
	size_t off = error_offset(r->text, len, e);
	struct loc l;

	if (json_error_code(e) == json_error_stack_overflow) {
		off = too_deep_offset(r->text, len, r->lim->max_depth, off);
		l = node_text_loc(r->file, r->text, off);
		diag_error(r->d, &l, "JSON nesting is deeper than %u levels", r->lim->max_depth);
		return;
	}
	l = node_text_loc(r->file, r->text, off);
	diag_error(r->d, &l, "%s", e->text);
	if (json_error_code(e) == json_error_duplicate_key) {
		size_t first = first_key_offset(r->text, len, off);
		if (first != SIZE_MAX) {
			l = node_text_loc(r->file, r->text, first);
			diag_note(r->d, &l, "first occurrence of the key is here");
		}
	}
}

/* json_doc: the document list of a text whose value is n (none for null). */
static int json_doc(struct doc_list *docs, struct node *n)
{
	if (n->kind != NODE_NULL) {
		docs->docs[0] = n;
		docs->n = 1;
	}
	return 0;
}

static int parse(struct arena *a, struct diag *d, const struct input_limits *lim, const char *file,
		 const char *text, size_t len, struct doc_list *docs, bool direct)
{
	struct jreader r = { 0 };
	struct arena jarena = ARENA_INIT;
	struct input_limits deflim;
	json_error_t err;
	json_t *root;

	struct node *n;
	const char *nul;
	size_t i;

	json_init();
	r.a = a;
	r.d = d;
	r.lim = input_limits_or_default(lim, &deflim);
	r.file = file;
	r.text = r.p = r.colpos = text;
	r.end = text + len;
	r.line = r.col = 1;
	docs->n = 0;
	docs->docs = arena_alloc(a, sizeof(*docs->docs));

	for (i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
			break;
	if (i == len)
		return 0; /* nothing but white space: no documents */
	/*
	 * A raw NUL is never valid JSON, but jansson 2.14 skips one that
	 * follows a number or a literal; catch it here so that the text and
	 * the tree stay in step.
	 */
	nul = memchr(text, '\0', len);
	if (nul) {
		struct loc l = node_text_loc(file, text, (size_t)(nul - text));
		diag_error(d, &l, "invalid control character U+0000 in JSON text");
		return -1;
	}

	strbuf_init(&r.sb);
	n = direct ? direct_parse(&r) : NULL;
	strbuf_release(&r.sb);
	if (n)
		return json_doc(docs, n);
	/* read it again with jansson: back to the start */
	r.p = r.colpos = text;
	r.line = r.col = 1;
	load_arena = &jarena;
	root = json_loadb(text, len,
			  JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL |
				  JSON_DECODE_INT_AS_REAL,
			  &err);
	n = root ? walk(&r, root, NULL, 0) : NULL;
	/* no json_decref(root): the tree is all in jarena, released at once */
	load_arena = NULL;
	arena_release(&jarena);
	if (!root)
		syntax_error(&r, &err);
	if (!n)
		return -1;
	return json_doc(docs, n);
}

int json_parse(struct arena *a, struct diag *d, const struct input_limits *lim, const char *file,
	       const char *text, size_t len, struct doc_list *docs)
{
	return parse(a, d, lim, file, text, len, docs, true);
}

int json_parse_jansson(struct arena *a, struct diag *d, const struct input_limits *lim,
		       const char *file, const char *text, size_t len, struct doc_list *docs)
{
	return parse(a, d, lim, file, text, len, docs, false);
}
