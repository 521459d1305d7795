/*
 * calico_sel.c - Calico selector text into a struct sel_expr tree.
 *
 * The language is Calico's (libcalico-go's selector tokenizer and parser,
 * restated here from their behaviour):
 *
 *   expr  := and ('||' and)*
 *   and   := op ('&&' op)*
 *   op    := '!'* ( 'all()' | 'global()' | 'has(' LABEL ')' | '(' expr ')'
 *                 | LABEL ('==' | '!=' | 'contains' | 'starts with'
 *                          | 'ends with') STRING
 *                 | LABEL ('in' | 'not in') '{' [STRING (',' STRING)* [',']] '}' )
 *
 * LABEL is 1-512 of [a-zA-Z0-9_./-]; STRING is a single- or double-quoted
 * literal that ends at the next matching quote (no escapes); blanks are
 * spaces and tabs.  The word operators are only recognised right after a
 * label, and "not in", "starts with", "ends with" may be written with any
 * blanks (or none) between their words.  An even number of '!' cancels.
 *
 * The text is tokenized first, then parsed by recursive descent; only
 * parentheses recurse, and they are capped at CALICO_SEL_MAX_DEPTH.
 * Chains of '&&' and '||' become balanced trees, so matching a long
 * selector never recurses deeply either.
 */
#include "frontend/calico.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/build.h"
#include "lib/strbuf.h"
#include "lib/util.h"

enum tok_kind {
	T_EOF,
	T_LABEL,
	T_STRING,
	T_LBRACE,
	T_RBRACE,
	T_COMMA,
	T_EQ,
	T_NE,
	T_IN,
	T_NOT_IN,
	T_NOT,
	T_CONTAINS,
	T_STARTS,
	T_ENDS,
	T_ALL,
	T_GLOBAL,
	T_HAS,
	T_LPAREN,
	T_RPAREN,
	T_AND,
	T_OR,
};

/* How each token is named in messages (STRING and LABEL show their text). */
static const char *const tok_names[] = {
	[T_EOF] = "the end of the selector",
	[T_LABEL] = "label",
	[T_STRING] = "string",
	[T_LBRACE] = "'{'",
	[T_RBRACE] = "'}'",
	[T_COMMA] = "','",
	[T_EQ] = "'=='",
	[T_NE] = "'!='",
	[T_IN] = "'in'",
	[T_NOT_IN] = "'not in'",
	[T_NOT] = "'!'",
	[T_CONTAINS] = "'contains'",
	[T_STARTS] = "'starts with'",
	[T_ENDS] = "'ends with'",
	[T_ALL] = "'all()'",
	[T_GLOBAL] = "'global()'",
	[T_HAS] = "'has()'",
	[T_LPAREN] = "'('",
	[T_RPAREN] = "')'",
	[T_AND] = "'&&'",
	[T_OR] = "'||'",
};

struct tok {
	enum tok_kind kind;
	size_t off;	   /* where the token starts in the text */
	size_t voff, vlen; /* LABEL, STRING, HAS: the label or the string's contents */
};

struct selp {
	struct arena *a;
	struct diag *d;
	struct loc base; /* the scalar */
	bool exact;	 /* columns inside the text can be computed */
	unsigned col0;	 /* column of text[0] when exact */
	const char *text;
	size_t len;
	struct tok *toks;
	size_t ntoks, atoks, pos;
	unsigned depth;
	bool failed;
};

/* ---- locations ------------------------------------------------------- */

static bool is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/*
 * locate: decide whether the source registered for the scalar's file shows
 * the text verbatim at the scalar's position (after an opening quote, if
 * any); then offsets in the text map to columns on the same line.
 */
static void locate(struct selp *p)
{
	const struct diag_source *src = NULL;
	const char *s, *end;
	unsigned line = 1, col = 1;

	if (!p->base.file || !p->base.line)
		return;
	for (size_t i = 0; i < p->d->nsrc && !src; i++)
		if (p->d->src[i].name == p->base.file || !strcmp(p->d->src[i].name, p->base.file))
			src = &p->d->src[i];
	if (!src || !src->text)
		return;
	s = src->text;
	end = s + src->len;
	while (s < end && line < p->base.line)
		if (*s++ == '\n')
			line++;
	while (s < end && col < p->base.col && *s != '\n') {
		s++;
		while (s < end && is_cont((unsigned char)*s))
			s++;
		col++;
	}
	if (line != p->base.line || col != p->base.col)
		return;
	if (s < end && (*s == '\'' || *s == '"')) {
		s++;
		col++;
	}
	if ((size_t)(end - s) < p->len || memcmp(s, p->text, p->len) || memchr(s, '\n', p->len))
		return;
	p->exact = true;
	p->col0 = col;
}

static struct loc loc_at(const struct selp *p, size_t off)
{
	struct loc l = p->base;
	if (!p->exact)
		return l;
	l.col = p->col0;
	l.end_line = 0; /* a point inside the text */
	for (size_t i = 0; i < off && i < p->len; i++)
		if (!is_cont((unsigned char)p->text[i]))
			l.col++;
	return l;
}

/* ---- messages -------------------------------------------------------- */

/* shown: text[off..off+n) quoted for a message, escaped and cut after 40 bytes. */
static const char *shown(struct selp *p, size_t off, size_t n)
{
	return build_quote(p->a, p->text + off, n, 40);
}

/* tok_text: how token t is named in a message. */
static const char *tok_text(struct selp *p, const struct tok *t)
{
	if (t->kind == T_LABEL)
		return arena_printf(p->a, "label %s", shown(p, t->voff, t->vlen));
	if (t->kind == T_STRING)
		return arena_printf(p->a, "string %s", shown(p, t->voff, t->vlen));
	return tok_names[t->kind];
}

__attribute__((format(printf, 3, 4))) static void fail(struct selp *p, size_t off, const char *fmt,
						       ...)
{
	struct loc l = loc_at(p, off);
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	diag_error(p->d, &l, "selector: %s", sb.buf);
	strbuf_release(&sb);
}

/* ---- tokenizer ------------------------------------------------------- */

/* char_len: bytes of the UTF-8 character at i. */
static size_t char_len(const struct selp *p, size_t i)
{
	size_t n = 1;
	while (i + n < p->len && is_cont((unsigned char)p->text[i + n]))
		n++;
	return n;
}

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '/' || c == '-';
}

static size_t skip_blanks(const struct selp *p, size_t i)
{
	while (i < p->len && (p->text[i] == ' ' || p->text[i] == '\t'))
		i++;
	return i;
}

/* word_at: the word w starts at i and is not followed by a label character. */
static bool word_at(const struct selp *p, size_t i, const char *w, size_t *after)
{
	size_t n = strlen(w);
	if (p->len - i < n || memcmp(p->text + i, w, n))
		return false;
	if (i + n < p->len && ident_char(p->text[i + n]))
		return false;
	*after = i + n;
	return true;
}

/* words_at: two words with any blanks between them, the second one ending a word. */
static bool words_at(const struct selp *p, size_t i, const char *w1, const char *w2, size_t *after)
{
	size_t n = strlen(w1);
	if (p->len - i < n || memcmp(p->text + i, w1, n))
		return false;
	return word_at(p, skip_blanks(p, i + n), w2, after);
}

/* prefix_at: the text at i starts with s (no word-boundary check). */
static bool prefix_at(const struct selp *p, size_t i, const char *s)
{
	size_t n = strlen(s);
	return p->len - i >= n && !memcmp(p->text + i, s, n);
}

static void push(struct selp *p, enum tok_kind k, size_t off, size_t voff, size_t vlen)
{
	struct tok t = { k, off, voff, vlen };
	VEC_PUSH(p->toks, p->ntoks, p->atoks, t);
}

/* ident: the label name at i; its length, or 0 after reporting. */
static size_t ident(struct selp *p, size_t i, const char *what)
{
	size_t j = i;
	while (j < p->len && ident_char(p->text[j]))
		j++;
	if (j == i) {
		if (i >= p->len)
			fail(p, i, "expected %s, found the end of the selector", what);
		else
			fail(p, i,
			     "expected %s, found %s (a label name is made of letters, digits, "
			     "'_', '.', '/' and '-')",
			     what, shown(p, i, char_len(p, i)));
		return 0;
	}
	if (j - i > CALICO_LABEL_MAX) {
		fail(p, i, "label name is longer than %d characters", CALICO_LABEL_MAX);
		return 0;
	}
	return j - i;
}

/* close_paren: after "name(" (at open), blanks and the closing parenthesis at *i. */
static bool close_paren(struct selp *p, size_t *i, size_t open, const char *name)
{
	*i = skip_blanks(p, *i);
	if (*i < p->len && p->text[*i] == ')') {
		(*i)++;
		return true;
	}
	fail(p, *i < p->len ? *i : open, "no closing ')' after %s(", name);
	return false;
}

static bool tokenize(struct selp *p)
{
	size_t i = 0;
	for (;;) {
		size_t start, n, after;
		enum tok_kind last;
		char c;

		i = skip_blanks(p, i);
		if (i >= p->len) {
			push(p, T_EOF, i, 0, 0);
			return true;
		}
		start = i;
		c = p->text[i];
		last = p->ntoks ? p->toks[p->ntoks - 1].kind : T_EOF;
		switch (c) {
		case '(':
			push(p, T_LPAREN, i++, 0, 0);
			continue;
		case ')':
			push(p, T_RPAREN, i++, 0, 0);
			continue;
		case '{':
			push(p, T_LBRACE, i++, 0, 0);
			continue;
		case '}':
			push(p, T_RBRACE, i++, 0, 0);
			continue;
		case ',':
			push(p, T_COMMA, i++, 0, 0);
			continue;
		case '"':
		case '\'': {
			const char *q = memchr(p->text + i + 1, c, p->len - i - 1);
			if (!q) {
				fail(p, i, "unterminated string: no closing %c", c);
				return false;
			}
			push(p, T_STRING, i, i + 1, (size_t)(q - (p->text + i + 1)));
			i = (size_t)(q - p->text) + 1;
			continue;
		}
		case '=':
			if (!prefix_at(p, i, "==")) {
				fail(p, i, "expected '==' (a single '=' is not an operator)");
				return false;
			}
			push(p, T_EQ, i, 0, 0);
			i += 2;
			continue;
		case '!':
			if (prefix_at(p, i, "!=")) {
				push(p, T_NE, i, 0, 0);
				i += 2;
			} else {
				push(p, T_NOT, i++, 0, 0);
			}
			continue;
		case '&':
			if (!prefix_at(p, i, "&&")) {
				fail(p, i, "expected '&&'");
				return false;
			}
			push(p, T_AND, i, 0, 0);
			i += 2;
			continue;
		case '|':
			if (!prefix_at(p, i, "||")) {
				fail(p, i, "expected '||'");
				return false;
			}
			push(p, T_OR, i, 0, 0);
			i += 2;
			continue;
		default:
			break;
		}
		if (last == T_LABEL) {
			if (word_at(p, i, "contains", &after))
				push(p, T_CONTAINS, start, 0, 0);
			else if (words_at(p, i, "starts", "with", &after))
				push(p, T_STARTS, start, 0, 0);
			else if (words_at(p, i, "ends", "with", &after))
				push(p, T_ENDS, start, 0, 0);
			else if (words_at(p, i, "not", "in", &after))
				push(p, T_NOT_IN, start, 0, 0);
			else if (word_at(p, i, "in", &after))
				push(p, T_IN, start, 0, 0);
			else {
				const struct tok *l = &p->toks[p->ntoks - 1];
				fail(p, i,
				     "expected an operator after label %s (==, !=, in, not in, "
				     "contains, starts with or ends with)",
				     shown(p, l->voff, l->vlen));
				return false;
			}
			i = after;
		} else if (prefix_at(p, i, "has(")) {
			size_t k = skip_blanks(p, i + 4);
			if (!(n = ident(p, k, "a label name in has()")))
				return false;
			after = k + n;
			if (!close_paren(p, &after, i, "has"))
				return false;
			push(p, T_HAS, start, k, n);
			i = after;
		} else if (prefix_at(p, i, "all(")) {
			after = i + 4;
			if (!close_paren(p, &after, i, "all"))
				return false;
			push(p, T_ALL, start, 0, 0);
			i = after;
		} else if (prefix_at(p, i, "global(")) {
			after = i + 7;
			if (!close_paren(p, &after, i, "global"))
				return false;
			push(p, T_GLOBAL, start, 0, 0);
			i = after;
		} else {
			if (!(n = ident(p, i, "a label name, has(), all(), global(), '!' or '('")))
				return false;
			push(p, T_LABEL, start, i, n);
			i += n;
		}
	}
}

/* ---- parser ---------------------------------------------------------- */

static struct sel_expr *node_new(struct selp *p, enum selexpr_op op, size_t off)
{
	struct sel_expr *e = arena_zalloc(p->a, sizeof(*e));
	e->op = op;
	e->loc = loc_at(p, off);
	return e;
}

static const char *tok_value(struct selp *p, const struct tok *t)
{
	return arena_strndup(p->a, p->text + t->voff, t->vlen);
}

static const struct tok *peek(const struct selp *p)
{
	return &p->toks[p->pos];
}

static struct sel_expr *parse_or(struct selp *p);

/* balanced: the operands v[lo..hi) joined by op as a balanced tree. */
static struct sel_expr *balanced(struct selp *p, enum selexpr_op op, struct sel_expr **v, size_t lo,
				 size_t hi)
{
	struct sel_expr *e;
	size_t mid;
	if (hi - lo == 1)
		return v[lo];
	mid = lo + (hi - lo) / 2;
	e = arena_zalloc(p->a, sizeof(*e));
	e->op = op;
	e->a = balanced(p, op, v, lo, mid);
	e->b = balanced(p, op, v, mid, hi);
	e->loc = e->a->loc;
	return e;
}

/* parse_set: the "{ 'a', 'b' }" of an in / not in. */
static bool parse_set(struct selp *p, struct sel_expr *e, const struct tok *optok)
{
	const char **v = NULL;
	size_t n = 0, alloc = 0;

	if (peek(p)->kind != T_LBRACE) {
		fail(p, peek(p)->off, "expected '{' after %s, found %s", tok_names[optok->kind],
		     tok_text(p, peek(p)));
		return false;
	}
	p->pos++;
	while (peek(p)->kind == T_STRING) {
		const char *s = tok_value(p, peek(p));
		VEC_PUSH(v, n, alloc, s);
		p->pos++;
		if (peek(p)->kind != T_COMMA)
			break;
		p->pos++;
	}
	if (peek(p)->kind != T_RBRACE) {
		fail(p, peek(p)->off, "expected '}'%s, found %s",
		     n ? " or ',' and a quoted string" : " or a quoted string",
		     tok_text(p, peek(p)));
		free(v);
		return false;
	}
	p->pos++;
	e->values = arena_memdup(p->a, v, n * sizeof(*v));
	e->nvalues = n;
	free(v);
	return true;
}

static struct sel_expr *parse_label_op(struct selp *p)
{
	const struct tok *lt = peek(p), *op;
	struct sel_expr *e;

	p->pos++;
	op = peek(p);
	switch (op->kind) {
	case T_EQ:
		e = node_new(p, SX_EQ, lt->off);
		break;
	case T_NE:
		e = node_new(p, SX_NE, lt->off);
		break;
	case T_CONTAINS:
		e = node_new(p, SX_CONTAINS, lt->off);
		break;
	case T_STARTS:
		e = node_new(p, SX_STARTS, lt->off);
		break;
	case T_ENDS:
		e = node_new(p, SX_ENDS, lt->off);
		break;
	case T_IN:
		e = node_new(p, SX_IN, lt->off);
		break;
	case T_NOT_IN:
		e = node_new(p, SX_NOT_IN, lt->off);
		break;
	default:
		fail(p, op->off,
		     "expected an operator after label %s (==, !=, in, not in, contains, starts "
		     "with or ends with), found %s",
		     shown(p, lt->voff, lt->vlen), tok_text(p, op));
		return NULL;
	}
	e->key = tok_value(p, lt);
	p->pos++;
	if (e->op == SX_IN || e->op == SX_NOT_IN)
		return parse_set(p, e, op) ? e : NULL;
	if (peek(p)->kind != T_STRING) {
		fail(p, peek(p)->off, "expected a quoted string after %s, found %s",
		     tok_names[op->kind], tok_text(p, peek(p)));
		return NULL;
	}
	e->value = tok_value(p, peek(p));
	p->pos++;
	return e;
}

static struct sel_expr *parse_op(struct selp *p)
{
	bool negated = false;
	size_t bang = peek(p)->off;
	const struct tok *t;
	struct sel_expr *e = NULL;

	while (peek(p)->kind == T_NOT) {
		negated = !negated;
		p->pos++;
	}
	t = peek(p);
	switch (t->kind) {
	case T_HAS:
		e = node_new(p, SX_HAS, t->off);
		e->key = tok_value(p, t);
		p->pos++;
		break;
	case T_ALL:
		e = node_new(p, SX_ALL, t->off);
		p->pos++;
		break;
	case T_GLOBAL:
		e = node_new(p, SX_GLOBAL, t->off);
		p->pos++;
		break;
	case T_LABEL:
		e = parse_label_op(p);
		break;
	case T_LPAREN:
		if (++p->depth > CALICO_SEL_MAX_DEPTH) {
			fail(p, t->off, "parentheses nested more than %d deep",
			     CALICO_SEL_MAX_DEPTH);
			return NULL;
		}
		p->pos++;
		e = parse_or(p);
		p->depth--;
		if (!e)
			return NULL;
		if (peek(p)->kind != T_RPAREN) {
			fail(p, peek(p)->off,
			     "expected ')' to close the '(' at column %u, found %s",
			     loc_at(p, t->off).col, tok_text(p, peek(p)));
			return NULL;
		}
		p->pos++;
		break;
	default:
		fail(p, t->off, "expected a label, has(), all(), global(), '!' or '(', found %s",
		     tok_text(p, t));
		return NULL;
	}
	if (e && negated) {
		struct sel_expr *n = node_new(p, SX_NOT, bang);
		n->a = e;
		e = n;
	}
	return e;
}

/* parse_chain: operands of one operator (&& over ops, || over && chains). */
static struct sel_expr *parse_chain(struct selp *p, enum tok_kind sep, enum selexpr_op op)
{
	struct sel_expr **v = NULL, *e;
	size_t n = 0, alloc = 0;

	for (;;) {
		e = sep == T_AND ? parse_op(p) : parse_chain(p, T_AND, SX_AND);
		if (!e) {
			free(v);
			return NULL;
		}
		VEC_PUSH(v, n, alloc, e);
		if (peek(p)->kind != sep)
			break;
		p->pos++;
	}
	e = balanced(p, op, v, 0, n);
	free(v);
	return e;
}

static struct sel_expr *parse_or(struct selp *p)
{
	return parse_chain(p, T_OR, SX_OR);
}

const struct sel_expr *calico_sel_parse(struct arena *a, struct diag *d, const struct loc *loc,
					const char *text, size_t len)
{
	struct selp p = { 0 };
	struct sel_expr *e = NULL;

	p.a = a;
	p.d = d;
	p.base = *loc;
	p.text = text;
	p.len = len;
	if (len > CALICO_SEL_MAX_LEN) {
		diag_error(d, loc, "selector: longer than %d bytes", CALICO_SEL_MAX_LEN);
		return NULL;
	}
	locate(&p);
	if (!tokenize(&p))
		goto out;
	if (peek(&p)->kind == T_EOF) {
		e = node_new(&p, SX_ALL, 0);
		goto out;
	}
	e = parse_or(&p);
	if (e && peek(&p)->kind != T_EOF) {
		const struct tok *t = peek(&p);
		if (t->kind == T_RPAREN)
			fail(&p, t->off, "')' without a matching '('");
		else
			fail(&p, t->off, "expected '&&' or '||' before %s", tok_text(&p, t));
		e = NULL;
	}
out:
	free(p.toks);
	return p.failed ? NULL : e;
}
