/*
 * dslfmt.c - the canonical layout of the policy language (netpolc fmt).
 *
 * Works on the tokens as written (dsl_tokens), so nothing but white space
 * changes: words, strings, sets, includes and comments stay as they are.
 * The layout: a declaration per line at the left margin; a policy's
 * statements one per line, indented by two; tokens of a line separated by
 * one space, but none inside label=value, has(key), !has, before ',' and
 * ')' or after '('; "name = ..." of a set definition spaced.  A comment
 * stays on the line of the token before it, or on a line of its own; a
 * statement that a comment interrupts goes on after it, indented by four
 * more.  Blank lines: at most one where the text had some, and one around
 * every policy.
 */
#include <string.h>

#include "frontend/dsl.h"

/* The layout of one file being written. */
struct fmt {
	struct strbuf *out;
	int depth;	/* 1 inside a policy's braces */
	bool broken;	/* a comment ended the line: the next token starts a new one */
	bool glued;	/* the next token follows without a space */
	size_t line_at; /* where the current line starts in out */
};

/* is_kind_kw: the word before 'policy' of a cluster-wide policy (admin policy NAME {). */
static bool is_kind_kw(int k)
{
	return k == DSL_KW_ADMIN || k == DSL_KW_BASELINE || k == DSL_KW_CLUSTER;
}

static bool is_decl_kw(int k)
{
	return k == DSL_KW_POLICY || k == DSL_KW_TIER || k == DSL_KW_NAMESPACE ||
	       k == DSL_KW_HOST || k == DSL_KW_ADDRESSES || k == DSL_KW_PORTS ||
	       k == DSL_KW_INCLUDE || k == DSL_KW_NODE || is_kind_kw(k);
}

static bool is_stmt_kw(int k)
{
	return k == DSL_KW_SELECT || k == DSL_KW_ISOLATE || k == DSL_KW_ALLOW || k == DSL_KW_DENY ||
	       k == DSL_KW_PASS || k == DSL_KW_TIER || k == DSL_KW_ORDER || k == DSL_KW_PRIORITY;
}

/* next_token: the index of the next token after i that is not a comment, or n. */
static size_t next_token(const struct dsl_token *t, size_t n, size_t i)
{
	for (i++; i < n && t[i].kind == DSL_TOK_COMMENT; i++)
		;
	return i;
}

/*
 * used_as_word: keyword i is a label key here (followed by =, !=, in or
 * notin, or inside has(...)), not the start of a statement.
 */
static bool used_as_word(const struct dsl_token *t, size_t n, size_t i, size_t prev)
{
	size_t j = next_token(t, n, i);

	if (prev < n && t[prev].kind == '(')
		return true;
	return j < n && (t[j].kind == '=' || t[j].kind == DSL_KW_NE || t[j].kind == DSL_KW_IN ||
			 t[j].kind == DSL_KW_NOTIN);
}

/* newline: end the current line (no trailing blanks); blank: one empty line after it. */
static void newline(struct fmt *f, bool blank)
{
	struct strbuf *o = f->out;

	while (o->len && o->buf[o->len - 1] == ' ')
		o->buf[--o->len] = '\0';
	if (!o->len) {
		f->line_at = 0;
		return;
	}
	strbuf_addch(o, '\n');
	if (blank && !(o->len >= 2 && o->buf[o->len - 2] == '\n'))
		strbuf_addch(o, '\n');
	f->line_at = o->len;
	f->broken = false;
	f->glued = false;
}

static void indent(struct fmt *f, int n)
{
	strbuf_addf(f->out, "%*s", n, "");
	f->glued = true;
}

/* comment_out: the comment's text without trailing blanks (a CR of CRLF included). */
static void comment_out(struct fmt *f, const struct dsl_token *c)
{
	size_t len = c->len;

	while (len && strchr(" \t\r", c->text[len - 1]))
		len--;
	strbuf_add(f->out, c->text, len);
	f->broken = true;
}

void dsl_format(const struct dsl_token *t, size_t n, struct strbuf *out)
{
	struct fmt f = { out, 0, false, true, out->len };
	size_t prev = n; /* the token before, comments included (n: none yet) */
	size_t decl = n; /* the keyword of the declaration being written */
	bool after_policy = false;

	for (size_t i = 0; i < n; prev = i++) {
		const struct dsl_token *k = &t[i];
		bool gap = prev < n && k->loc.line > t[prev].loc.end_line + 1;
		bool top;

		if (k->kind == DSL_TOK_COMMENT) {
			if (prev < n && k->loc.line == t[prev].loc.end_line) {
				strbuf_addch(out, ' ');
			} else {
				newline(&f,
					f.depth ? gap && t[prev].kind != '{' : gap || after_policy);
				indent(&f, 2 * f.depth);
				after_policy = false;
			}
			comment_out(&f, k);
			continue;
		}
		top = f.depth == 0 && is_decl_kw(k->kind) && !used_as_word(t, n, i, prev) &&
		      !(k->kind == DSL_KW_POLICY && prev < n && is_kind_kw(t[prev].kind));
		if (top) {
			newline(&f, gap || after_policy ||
					    ((k->kind == DSL_KW_POLICY || is_kind_kw(k->kind)) &&
					     prev < n && t[prev].kind != DSL_TOK_COMMENT));
			decl = i;
			after_policy = false;
		} else if (f.depth == 1 && is_stmt_kw(k->kind) && !used_as_word(t, n, i, prev)) {
			newline(&f, gap && t[prev].kind != '{');
			indent(&f, 2);
		} else if (k->kind == '}' && f.depth == 1) {
			newline(&f, false);
			f.depth = 0;
			after_policy = true;
		} else if (f.broken) {
			newline(&f, false);
			indent(&f, 2 * f.depth + 4);
		} else if (k->kind == '=' && decl < n && i == decl + 2 &&
			   (t[decl].kind == DSL_KW_ADDRESSES || t[decl].kind == DSL_KW_PORTS)) {
			strbuf_addstr(out, " = ");
			f.glued = true;
			continue;
		} else if (!f.glued && out->len > f.line_at &&
			   !(k->kind > 0 && strchr(",)=", k->kind)) &&
			   !(k->kind == '(' && prev < n && t[prev].kind == DSL_KW_HAS)) {
			strbuf_addch(out, ' ');
		}
		strbuf_add(out, k->text, k->len);
		f.glued = k->kind == '(' || k->kind == '!' || k->kind == '=';
		if (k->kind == '{')
			f.depth = 1;
	}
	newline(&f, false);
}

bool dsl_tokens_equal(const struct dsl_token *a, size_t na, const struct dsl_token *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		size_t la = a[i].len, lb = b[i].len;
		if (a[i].kind == DSL_TOK_COMMENT)
			while (la && strchr(" \t\r", a[i].text[la - 1]))
				la--;
		if (a[i].kind != b[i].kind || la != lb || memcmp(a[i].text, b[i].text, la))
			return false;
	}
	return true;
}
