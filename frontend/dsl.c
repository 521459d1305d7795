/*
 * dsl.c - the policy language into the policy model: the glue between the
 * parser (grammar/dsl.y) and the validated constructors (frontend/build.h).
 *
 * The parser calls one function per construct; each extracts the values
 * (words, with their spans) and hands them to the constructors, which do
 * every semantic check.  A policy, namespace or host with an error is left
 * out of the model, as the other readers do.  Address and port sets are
 * visible after their definition, in the file and the files it includes.
 */
#include "frontend/dsl.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/dsl.tab.h"
#define YYSTYPE NP_STYPE
#define YYLTYPE NP_LTYPE
#include "grammar/dsl.lex.h"
#include "ir/names.h"
#include "lib/strbuf.h"
#include "lib/util.h"

#define MAX_INCLUDE_DEPTH 16

struct dsl_set {
	const char *name;
	struct loc loc;
	bool is_ports;
	const struct ipblock **blocks; /* address set */
	struct port *ports;	       /* port set */
	size_t n;
};

struct dsl {
	struct build b;
	struct model *m;
	const struct frontend_opts *o;
	const struct dsl_reader *rd;
	/* the scanner's position and last token */
	const char *file;
	unsigned line, col;
	const char *tok;
	size_t toklen;
	const char *stack[MAX_INCLUDE_DEPTH]; /* the files being read, outermost first */
	size_t depth;
	/* the policy being read */
	struct policy *p;
	size_t p_errors;
	struct rule *rules[NDIR];
	size_t nrules[NDIR], arules[NDIR];
	bool selected, isolated, ordered, tiered, calico, prioritized;
	int kind; /* -1: a namespaced policy; else its enum anp_kind */
	/* the node being read */
	struct cluster_node *node;
	size_t n_errors;
	/* the host being read */
	struct pod *host;
	size_t h_errors;
	struct named_port *hports;
	size_t nhports, ahports;
	struct dsl_set *sets;
	size_t nsets, asets;
	bool comments; /* the scanner returns comments (dsl_tokens) */
};

/* ---- words --------------------------------------------------------------- */

/*
 * the keywords, and whether each is read as a label key or value where one
 * belongs (value 1: also as a name; 2: as a value only)
 */
static const struct {
	const char *kw;
	bool key;
	int value;
} keywords[] = {
	{ "policy", 1, 0 },    { "select", 1, 0 },  { "isolate", 1, 0 },    { "allow", 1, 0 },
	{ "deny", 1, 0 },      { "pass", 1, 0 },    { "tier", 1, 0 },	    { "order", 1, 0 },
	{ "namespace", 1, 0 }, { "host", 1, 0 },    { "addresses", 1, 0 },  { "ports", 1, 0 },
	{ "include", 1, 0 },   { "admin", 1, 1 },   { "baseline", 1, 1 },   { "cluster", 1, 1 },
	{ "priority", 1, 0 },  { "node", 1, 0 },    { "nodes", 1, 1 },	    { "named", 1, 1 },
	{ "ingress", 1, 1 },   { "egress", 1, 1 },  { "from", 1, 1 },	    { "to", 1, 1 },
	{ "port", 1, 1 },      { "pods", 1, 1 },    { "namespaces", 1, 1 }, { "any", 1, 1 },
	{ "except", 1, 1 },    { "default", 1, 1 }, { "labels", 1, 1 },	    { "address", 1, 1 },
	{ "all", 0, 2 },       { "has", 0, 2 },	    { "in", 0, 2 },	    { "notin", 0, 2 },
	{ "and", 0, 2 },
};

static bool word_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("._:/+*-", c));
}

bool dsl_bare(const char *s, enum dsl_pos pos)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!word_char(*p))
			return false;
	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++)
		if (!strcmp(s, keywords[i].kw))
			return pos == DSL_KEY	  ? keywords[i].key
			       : pos == DSL_VALUE ? keywords[i].value > 0
						  : keywords[i].value == 1;
	return true;
}

void dsl_quote(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(out, '\\');
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, '"');
}

void dsl_word_out(struct strbuf *out, const char *s, enum dsl_pos pos)
{
	if (dsl_bare(s, pos))
		strbuf_addstr(out, s);
	else
		dsl_quote(out, s);
}

/* ---- lists --------------------------------------------------------------- */

struct dsl_vec *dsl_vec_new(int tag, const struct loc *loc)
{
	struct dsl_vec *v = xcalloc(1, sizeof(*v));
	v->tag = tag;
	v->loc = *loc;
	return v;
}

void dsl_vec_push(struct dsl_vec *v, void *item)
{
	VEC_PUSH(v->v, v->n, v->alloc, item);
}

void dsl_peer_free(struct dsl_peer *p)
{
	dsl_vec_free(p->pods);
	dsl_vec_free(p->ns);
	dsl_vec_free(p->except);
	dsl_vec_free(p->nodes);
}

void dsl_vec_free(struct dsl_vec *v)
{
	if (!v)
		return;
	if (v->tag == DSL_PEERS)
		for (size_t i = 0; i < v->n; i++) {
			dsl_peer_free(v->v[i]);
			free(v->v[i]);
		}
	free(v->v);
	free(v);
}

struct dsl_peer dsl_peer_of(const struct loc *loc, struct dsl_vec *pods, struct dsl_vec *ns,
			    struct build_str *cidr, struct dsl_vec *except)
{
	struct dsl_peer p = { .loc = *loc, .pods = pods, .ns = ns, .cidr = cidr, .except = except };
	return p;
}

/* ---- scanner ------------------------------------------------------------- */

void dsl_advance(struct dsl *x, struct loc *loc, const char *text, size_t len)
{
	loc->file = x->file;
	loc->line = x->line;
	loc->col = x->col;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			x->line++;
			x->col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			x->col++;
		}
	}
	loc->end_line = x->line;
	loc->end_col = x->col;
	x->tok = text;
	x->toklen = len;
}

void dsl_word(struct dsl *x, struct build_str *out, const char *text, size_t len,
	      const struct loc *loc)
{
	out->s = arena_strndup(x->b.a, text, len);
	out->len = len;
	out->loc = *loc;
}

void dsl_string(struct dsl *x, struct build_str *out, const char *text, size_t len,
		const struct loc *loc)
{
	char *s = arena_alloc(x->b.a, len);
	size_t n = 0;

	/* between the quotes; a backslash takes the next byte literally */
	for (size_t i = 1; i + 1 < len; i++) {
		if (text[i] == '\\')
			i++;
		s[n++] = text[i];
	}
	s[n] = '\0';
	out->s = s;
	out->len = n;
	out->loc = *loc;
}

void dsl_keyword(struct build_str *out, const char *kw, const struct loc *loc)
{
	out->s = kw;
	out->len = strlen(kw);
	out->loc = *loc;
}

bool dsl_comments(const struct dsl *x)
{
	return x->comments;
}

/* token_kind: a scanner token as the formatter names it (dsl.h). */
static int token_kind(int tok)
{
	static const struct {
		int tok, kind;
	} kinds[] = {
		{ NP_POLICY, DSL_KW_POLICY },
		{ NP_SELECT, DSL_KW_SELECT },
		{ NP_ISOLATE, DSL_KW_ISOLATE },
		{ NP_ALLOW, DSL_KW_ALLOW },
		{ NP_DENY, DSL_KW_DENY },
		{ NP_PASS, DSL_KW_PASS },
		{ NP_TIER, DSL_KW_TIER },
		{ NP_ORDER, DSL_KW_ORDER },
		{ NP_NAMESPACE, DSL_KW_NAMESPACE },
		{ NP_HOST, DSL_KW_HOST },
		{ NP_ADDRESSES, DSL_KW_ADDRESSES },
		{ NP_PORTS, DSL_KW_PORTS },
		{ NP_INCLUDE, DSL_KW_INCLUDE },
		{ NP_ADMIN, DSL_KW_ADMIN },
		{ NP_BASELINE, DSL_KW_BASELINE },
		{ NP_CLUSTER, DSL_KW_CLUSTER },
		{ NP_PRIORITY, DSL_KW_PRIORITY },
		{ NP_NODE, DSL_KW_NODE },
		{ NP_IN, DSL_KW_IN },
		{ NP_NOTIN, DSL_KW_NOTIN },
		{ NP_HAS, DSL_KW_HAS },
		{ NP_NE, DSL_KW_NE },
		{ NP_COMMENT, DSL_TOK_COMMENT },
		{ NP_WORD, DSL_TOK_WORD },
		{ NP_STRING, DSL_TOK_WORD },
		{ NP_SETREF, DSL_TOK_WORD },
	};

	if (tok > 0 && tok < 128)
		return tok;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i].tok == tok)
			return kinds[i].kind;
	return DSL_TOK_KEYWORD;
}

int dsl_tokens(struct arena *a, const char *file, const char *text, size_t len,
	       struct dsl_token **out, size_t *n)
{
	struct dsl x = { .b = { .a = a }, .file = file, .line = 1, .col = 1, .comments = true };
	struct dsl_token *v = NULL;
	size_t nv = 0, av = 0;
	yyscan_t scanner;
	YY_BUFFER_STATE buf;
	NP_STYPE val;
	struct loc loc;
	int tok, rc = 0;

	if (len > INT_MAX)
		return -1;
	if (np_lex_init_extra(&x, &scanner))
		oom();
	buf = np__scan_bytes(text, (int)len, scanner);
	while ((tok = np_lex(&val, &loc, scanner)) != NP_EOF) {
		/* yytext is in the scanner's own copy of the text: keep the bytes */
		struct dsl_token t = { token_kind(tok), arena_strndup(a, x.tok, x.toklen), x.toklen,
				       loc };
		if (tok == NP_BAD || tok == NP_STRING_BAD)
			rc = -1;
		VEC_PUSH(v, nv, av, t);
	}
	np__delete_buffer(buf, scanner);
	np_lex_destroy(scanner);
	*out = v;
	*n = nv;
	return rc;
}

/* ---- parser -------------------------------------------------------------- */

void dsl_span(struct loc *out, const struct loc *rhs, int n)
{
	if (n) {
		*out = rhs[1];
		out->end_line = rhs[n].end_line;
		out->end_col = rhs[n].end_col;
	} else {
		out->file = rhs[0].file;
		out->line = rhs[0].end_line ? rhs[0].end_line : rhs[0].line;
		out->col = rhs[0].end_line ? rhs[0].end_col : rhs[0].col;
		out->end_line = 0;
		out->end_col = 0;
	}
}

void dsl_error(struct dsl *x, const struct loc *loc, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = arena_vprintf(x->b.a, fmt, ap);
	va_end(ap);
	diag_error(x->b.d, loc, "%s", msg);
}

/* token_name: how a grammar symbol is named in a message. */
static void token_name(struct strbuf *sb, const char *sym)
{
	static const char *const classes[][2] = {
		{ "word", "a word" },
		{ "set name", "a set name (@name)" },
		{ "string", "a string" },
		{ "end of file", "end of input" },
	};
	size_t n = strlen(sym);

	for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
		if (!strcmp(sym, classes[i][0])) {
			strbuf_addstr(sb, classes[i][1]);
			return;
		}
	if (sym[0] == '\'')
		strbuf_addstr(sb, sym);
	else
		strbuf_addf(sb, "'%.*s'", (int)n, sym);
}

void dsl_syntax_error(struct dsl *x, const struct loc *loc, const char *token, bool at_end,
		      const char *const *expected)
{
	struct strbuf sb = STRBUF_INIT;

	if (at_end)
		strbuf_addstr(&sb, "unexpected end of input");
	else if (!strcmp(token, "unterminated string") || !strcmp(token, "invalid character"))
		strbuf_addf(&sb, "%s %s", token, build_quote(x->b.a, x->tok, x->toklen, 40));
	else
		strbuf_addf(&sb, "unexpected %s", build_quote(x->b.a, x->tok, x->toklen, 40));
	if (expected && expected[0]) {
		strbuf_addstr(&sb, ", expected ");
		for (size_t i = 0; expected[i]; i++) {
			if (i)
				strbuf_addstr(&sb, expected[i + 1] ? ", " : " or ");
			token_name(&sb, expected[i]);
		}
	}
	diag_error(x->b.d, loc, "%s", sb.buf);
	strbuf_release(&sb);
}

struct build_str *dsl_word_dup(struct dsl *x, const struct build_str *w)
{
	return arena_memdup(x->b.a, w, sizeof(*w));
}

/* ---- selectors ----------------------------------------------------------- */

static struct build_str str_of(const char *s, const struct loc *loc)
{
	struct build_str b = { s, strlen(s), *loc };
	return b;
}

struct dsl_req *dsl_req(struct dsl *x, const struct loc *loc, const struct build_str *key,
			const char *op, const struct build_str *value, size_t n)
{
	struct dsl_req *r = arena_zalloc(x->b.a, sizeof(*r));
	struct build_str ops;
	struct build_req in = { .loc = *loc, .key = key, .values = value, .nvalues = n };

	if (!op) {
		r->is_label = true;
		r->ok = build_label(&x->b, key, value, &r->label);
		return r;
	}
	ops = str_of(op, loc);
	in.op = &ops;
	in.values_loc = value ? &value->loc : NULL;
	r->ok = build_requirement(&x->b, &in, &r->req);
	return r;
}

struct dsl_req *dsl_req_list(struct dsl *x, const struct loc *loc, const struct build_str *key,
			     const char *op, const struct dsl_vec *values)
{
	struct build_str *v = arena_array(x->b.a, values->n, sizeof(*v));
	struct dsl_req *r;

	for (size_t i = 0; i < values->n; i++)
		v[i] = *(const struct build_str *)values->v[i];
	r = dsl_req(x, loc, key, op, v, values->n);
	return r;
}

struct label *dsl_label(struct dsl *x, const struct build_str *key, const struct build_str *value)
{
	struct label *l = arena_zalloc(x->b.a, sizeof(*l));
	return build_label(&x->b, key, value, l) ? l : NULL;
}

/* labels: the labels of list (NULL entries were reported) as a set; false on a repeated key. */
static bool labels(struct dsl *x, const struct dsl_vec *list, size_t spare, struct labelset *out)
{
	const struct label *dup;

	out->v = arena_array(x->b.a, (list ? list->n : 0) + spare, sizeof(*out->v));
	out->n = 0;
	for (size_t i = 0; list && i < list->n; i++)
		if (list->v[i])
			out->v[out->n++] = *(const struct label *)list->v[i];
	if ((dup = labelset_sort(out))) {
		diag_error(x->b.d, &dup->loc, "label '%s' is given twice", dup->key);
		return false;
	}
	return true;
}

/* selector: the selector sel as written where ctx says; NULL after reporting. */
static const struct selector *selector(struct dsl *x, const struct dsl_vec *sel,
				       enum build_sel_ctx ctx)
{
	struct labelset ls = { 0 };
	struct sel_req *exprs;
	size_t n = 0, e0 = x->b.d->errors;

	if (sel->tag == DSL_SEL_ALL)
		return build_selector(&x->b, &sel->loc, NULL, NULL, 0);
	if (sel->tag == DSL_SEL_CALICO) {
		const struct sel_expr *e = build_calico_selector(
			&x->b, &sel->str,
			ctx == BUILD_SEL_RULE_NS ? "namespaceSelector" : "selector", ctx);
		struct selector *s;
		if (!e)
			return NULL;
		s = arena_zalloc(x->b.a, sizeof(*s));
		s->loc = sel->loc;
		s->expr = e;
		x->calico = true;
		return s;
	}
	ls.v = arena_array(x->b.a, sel->n, sizeof(*ls.v));
	exprs = arena_array(x->b.a, sel->n, sizeof(*exprs));
	for (size_t i = 0; i < sel->n; i++) {
		const struct dsl_req *r = sel->v[i];
		if (!r->ok)
			continue;
		if (r->is_label)
			ls.v[ls.n++] = r->label;
		else
			exprs[n++] = r->req;
	}
	{
		const struct label *dup = labelset_sort(&ls);
		if (dup)
			diag_error(x->b.d, &dup->loc, "label '%s' is given twice", dup->key);
	}
	if (x->b.d->errors != e0)
		return NULL;
	return build_selector(&x->b, &sel->loc, &ls, exprs, n);
}

/* ---- names --------------------------------------------------------------- */

/*
 * qualified: NAMESPACE/NAME into *ns and *name (what: the kind of object
 * for messages); without a '/', the default namespace.  False after
 * reporting.
 */
static bool qualified(struct dsl *x, const struct build_str *w, const char *what,
		      const char *(*valid)(const char *s, size_t len), const char **ns,
		      const char **name, struct loc *name_loc)
{
	const char *slash = memchr(w->s, '/', w->len);
	struct build_str n = *w, s = *w;
	bool ok = true;

	*ns = NULL;
	*name = NULL;
	*name_loc = w->loc;
	if (slash) {
		size_t k = (size_t)(slash - w->s);
		s.s = arena_strndup(x->b.a, w->s, k);
		s.len = k;
		s.loc.end_line = s.loc.line;
		s.loc.end_col = s.loc.col + (unsigned)k;
		n.s = slash + 1;
		n.len = w->len - k - 1;
		n.loc.col += (unsigned)k + 1;
		*name_loc = n.loc;
		ok = (*ns = build_name(&x->b, "namespace", &s, valid_dns_label)) != NULL;
	} else if (x->o && x->o->default_ns) {
		*ns = x->o->default_ns;
	} else {
		diag_error(x->b.d, &w->loc, "%s %s has no namespace: write NAMESPACE/NAME", what,
			   build_show(&x->b, w->s, w->len));
		return false;
	}
	*name = build_name(&x->b, what, &n, valid);
	return ok && *name;
}

/* number: w as a finite number into *out; else reports it as what. */
static bool number(struct dsl *x, const struct build_str *w, const char *what, double *out)
{
	char *end;
	double v = strtod(w->s, &end);

	if (!w->len || *end || !isfinite(v) ||
	    (w->s[0] != '-' && (w->s[0] < '0' || w->s[0] > '9'))) {
		diag_error(x->b.d, &w->loc, "%s: expected a number, got %s", what,
			   build_show(&x->b, w->s, w->len));
		return false;
	}
	*out = v;
	return true;
}

/* ---- sets ---------------------------------------------------------------- */

static struct dsl_set *find_set(struct dsl *x, const struct build_str *name, bool ports)
{
	for (size_t i = 0; i < x->nsets; i++)
		if (!strcmp(x->sets[i].name, name->s) && x->sets[i].is_ports == ports)
			return &x->sets[i];
	diag_error(x->b.d, &name->loc, "no %s set named '@%s' is defined before this",
		   ports ? "port" : "address", name->s);
	return NULL;
}

static struct dsl_set *new_set(struct dsl *x, const struct build_str *name, bool ports)
{
	struct dsl_set s = { .name = name->s, .loc = name->loc, .is_ports = ports };

	for (size_t i = 0; i < x->nsets; i++)
		if (!strcmp(x->sets[i].name, name->s) && x->sets[i].is_ports == ports) {
			diag_error(x->b.d, &name->loc, "%s set '%s' is defined twice",
				   ports ? "port" : "address", name->s);
			diag_note(x->b.d, &x->sets[i].loc, "first defined here");
			return NULL;
		}
	VEC_PUSH(x->sets, x->nsets, x->asets, s);
	return &x->sets[x->nsets - 1];
}

/* ipblock: the network p->cidr minus p->except; NULL after reporting. */
static const struct ipblock *ipblock(struct dsl *x, const struct dsl_peer *p)
{
	size_t n = p->except ? p->except->n : 0;
	struct build_str *ex = arena_array(x->b.a, n, sizeof(*ex));

	for (size_t i = 0; i < n; i++)
		ex[i] = *(const struct build_str *)p->except->v[i];
	return build_ipblock(&x->b, &p->loc, &p->cidr->loc, p->cidr, ex, n);
}

void dsl_peer_item(struct dsl *x, struct dsl_vec *out, struct dsl_peer *p)
{
	struct dsl_peer *q = xmalloc(sizeof(*q));

	(void)x;
	*q = *p;
	dsl_vec_push(out, q);
}

void dsl_addr_set(struct dsl *x, const struct build_str *name, const struct dsl_vec *items)
{
	size_t e0 = x->b.d->errors, n = 0;
	const struct ipblock **v = NULL;
	size_t nv = 0, av = 0;
	struct dsl_set *s;

	for (size_t i = 0; i < items->n; i++) {
		const struct dsl_peer *p = items->v[i];
		if (p->set.s) {
			const struct dsl_set *ref = find_set(x, &p->set, false);
			for (size_t k = 0; ref && k < ref->n; k++)
				VEC_PUSH(v, nv, av, ref->blocks[k]);
		} else {
			const struct ipblock *b = ipblock(x, p);
			if (b)
				VEC_PUSH(v, nv, av, b);
		}
	}
	if (x->b.d->errors == e0 && (s = new_set(x, name, false))) {
		n = nv;
		s->blocks = arena_memdup(x->b.a, v, n * sizeof(*v));
		s->n = n;
	}
	free(v);
}

/* The parts of a port word: "[proto/]number", "[proto/]lo-hi", "[proto/]name" or "proto". */
struct port_parts {
	struct build_str proto; /* upper case; s NULL: not written */
	struct build_num num, end;
	struct build_str name;
	bool has_num, has_end, has_name;
};

/* port_split: port text w into its parts; false after reporting. */
static bool port_split(struct dsl *x, const struct build_str *w, struct port_parts *out)
{
	static const char *const lower[] = { "tcp", "udp", "sctp" };
	static const char *const upper[] = { "TCP", "UDP", "SCTP" };
	const char *slash = memchr(w->s, '/', w->len), *rest = w->s, *dash;
	struct build_str name;
	size_t plen = 0, rlen = w->len;

	memset(out, 0, sizeof(*out));
	if (slash) {
		plen = (size_t)(slash - w->s);
		rest = slash + 1;
		rlen = w->len - plen - 1;
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(lower); i++)
			if (!strcmp(w->s, lower[i]) || !strcmp(w->s, upper[i]))
				plen = w->len, rlen = 0;
	}
	if (plen) {
		out->proto = *w;
		out->proto.s = arena_strndup(x->b.a, w->s, plen);
		out->proto.len = plen;
		out->proto.loc.end_line = out->proto.loc.line;
		out->proto.loc.end_col = out->proto.loc.col + (unsigned)plen;
		for (size_t i = 0; i < ARRAY_SIZE(lower); i++)
			if (!strcmp(out->proto.s, lower[i]))
				out->proto.s = upper[i];
	}
	if (slash && !rlen) {
		diag_error(x->b.d, &w->loc,
			   "port %s: expected a number, a range or a name after '/'",
			   build_show(&x->b, w->s, w->len));
		return false;
	}
	name = *w;
	name.s = rest;
	name.len = rlen;
	name.loc.col += (unsigned)(rest - w->s);
	dash = memchr(rest, '-', rlen);
	if (rlen && all_digits(rest, rlen)) {
		out->num.v = rlen > 9 ? 999999999 : strtoll(rest, NULL, 10);
		out->num.loc = name.loc;
		out->has_num = true;
	} else if (dash && dash > rest && all_digits(rest, (size_t)(dash - rest)) &&
		   all_digits(dash + 1, rlen - (size_t)(dash - rest) - 1) && dash[1]) {
		out->num.v = (size_t)(dash - rest) > 9 ? 999999999 : strtoll(rest, NULL, 10);
		out->num.loc = name.loc;
		out->end.v = strlen(dash + 1) > 9 ? 999999999 : strtoll(dash + 1, NULL, 10);
		out->end.loc = name.loc;
		out->end.loc.col += (unsigned)(dash + 1 - rest);
		out->has_num = out->has_end = true;
	} else if (rlen) {
		out->name = name;
		out->name.s = arena_strndup(x->b.a, rest, rlen);
		out->has_name = true;
	}
	return true;
}

/* port: port text w of a namespaced policy or a host into out. */
static bool port(struct dsl *x, const struct build_str *w, struct port *out)
{
	struct port_parts pp;
	struct build_port in = { .loc = w->loc };

	if (!port_split(x, w, &pp))
		return false;
	in.protocol = pp.proto.s ? &pp.proto : NULL;
	in.number = pp.has_num ? &pp.num : NULL;
	in.end_port = pp.has_end ? &pp.end : NULL;
	in.name = pp.has_name ? &pp.name : NULL;
	return build_port(&x->b, &in, out);
}

/* in_cluster_policy: the policy being read is an admin, baseline or cluster policy. */
static bool in_cluster_policy(const struct dsl *x)
{
	return x->p && x->kind >= 0;
}

/*
 * anp_port_in: the parts of a port of a cluster-wide policy as the entry
 * its kind writes (a v1alpha1 ports entry, a v1alpha2 protocols entry);
 * false after reporting what the API cannot say.
 */
static bool anp_port_in(struct dsl *x, const struct loc *loc, const struct port_parts *pp,
			struct build_anp_port *in)
{
	in->loc = *loc;
	in->cluster = x->kind == ANP_CLUSTER;
	if (pp->has_name) {
		if (pp->proto.s) {
			diag_error(x->b.d, loc,
				   "a named port of a cluster-wide policy has no protocol (it is "
				   "resolved on the destination pod): write %s",
				   pp->name.s);
			return false;
		}
		in->named = &pp->name;
		return true;
	}
	if (!pp->has_num) {
		diag_error(x->b.d, loc,
			   "a port of a cluster-wide policy is a number, a range or a name "
			   "(every port of a protocol is tcp/1-65535)");
		return false;
	}
	in->proto = PROTO_TCP;
	if (in->cluster && pp->proto.s) {
		int p = 0;
		while (p < NPROTO && strcmp(pp->proto.s, proto_name((enum proto)p)))
			p++;
		if (p == NPROTO) {
			diag_error(x->b.d, &pp->proto.loc,
				   "unknown protocol %s: a ClusterNetworkPolicy's protocols are "
				   "tcp, udp and sctp",
				   build_show(&x->b, pp->proto.s, pp->proto.len));
			return false;
		}
		in->proto = (enum proto)p;
	}
	in->protocol = pp->proto.s ? &pp->proto : NULL;
	in->range = pp->has_end;
	in->port = pp->has_end ? NULL : &pp->num;
	in->start = pp->has_end ? &pp->num : NULL;
	in->end = pp->has_end ? &pp->end : NULL;
	in->start_loc = in->end_loc = loc;
	return true;
}

/* anp_port_item: a port word or a port set of a cluster-wide policy's rule into out. */
static void anp_port_item(struct dsl *x, struct dsl_vec *out, struct dsl_peer *item)
{
	const struct dsl_set *s = item->set.s ? find_set(x, &item->set, true) : NULL;
	size_t n = item->set.s ? (s ? s->n : 0) : 1;

	for (size_t k = 0; k < n; k++) {
		struct port_parts pp = { 0 };
		struct build_anp_port in = { 0 };
		struct port *p = arena_array(x->b.a, NPROTO, sizeof(*p));
		size_t got = 0;
		out->kw++; /* one entry of the API's list */
		if (!s) {
			if (port_split(x, item->cidr, &pp))
				got = anp_port_in(x, &item->loc, &pp, &in);
		} else if (!s->ports[k].has_port || s->ports[k].name) {
			diag_error(x->b.d, &item->loc,
				   "port set @%s: a cluster-wide policy takes its numbers and "
				   "ranges only (a named port there has a protocol)",
				   s->name);
		} else {
			const struct port *sp = &s->ports[k];
			pp.proto = str_of(proto_name(sp->proto), &item->loc);
			pp.num.v = sp->port;
			pp.num.loc = item->loc;
			pp.end.v = sp->end_port;
			pp.end.loc = item->loc;
			pp.has_num = true;
			pp.has_end = sp->end_port != 0;
			got = anp_port_in(x, &item->loc, &pp, &in);
		}
		if (got)
			got = build_anp_port(&x->b, &in, p);
		for (size_t i = 0; i < got; i++)
			dsl_vec_push(out, &p[i]);
		if (!got)
			out->tag = -1; /* an entry was wrong: the rule is left out */
	}
}

void dsl_port_item(struct dsl *x, struct dsl_vec *out, struct dsl_peer *item)
{
	if (in_cluster_policy(x)) {
		anp_port_item(x, out, item);
		return;
	}
	if (item->set.s) {
		const struct dsl_set *s = find_set(x, &item->set, true);
		for (size_t k = 0; s && k < s->n; k++)
			dsl_vec_push(out, &s->ports[k]);
	} else {
		struct port *p = arena_zalloc(x->b.a, sizeof(*p));
		if (port(x, item->cidr, p))
			dsl_vec_push(out, p);
		else
			out->tag = -1; /* an entry was wrong: the rule is left out */
	}
}

void dsl_port_set(struct dsl *x, const struct build_str *name, const struct dsl_vec *items)
{
	struct dsl_set *s;

	if (items->tag < 0 || !(s = new_set(x, name, true)))
		return;
	s->ports = arena_array(x->b.a, items->n, sizeof(*s->ports));
	for (size_t i = 0; i < items->n; i++)
		s->ports[i] = *(const struct port *)items->v[i];
	s->n = items->n;
}

/* ---- policies ------------------------------------------------------------ */

static void drop_policy(struct dsl *x)
{
	for (int d = 0; d < NDIR; d++) {
		free(x->rules[d]);
		x->rules[d] = NULL;
		x->nrules[d] = x->arules[d] = 0;
	}
	x->p = NULL;
}

void dsl_policy_begin(struct dsl *x, const struct loc *loc, const struct build_str *name, int kind)
{
	struct policy *p;

	drop_policy(x);
	x->p_errors = x->b.d->errors;
	x->selected = x->isolated = x->ordered = x->tiered = x->calico = false;
	x->prioritized = false;
	x->kind = kind;
	if (kind >= 0) {
		/* cluster-scoped: a name without a namespace, as the API objects have */
		const char *n = build_name(&x->b, build_anp_kind((enum anp_kind)kind), name,
					   valid_dns_subdomain);
		x->p = build_anp_policy(&x->b, (enum anp_kind)kind, loc, n, &name->loc);
		return;
	}
	p = arena_zalloc(x->b.a, sizeof(*p));
	x->p = p;
	p->loc = *loc;
	p->kind = "NetworkPolicy";
	p->types_loc = *loc;
	qualified(x, name, "policy", valid_dns_subdomain, &p->ns, &p->name, &p->name_loc);
}

/* once: reports a statement given twice in a policy; true the first time. */
static bool once(struct dsl *x, bool *seen, const struct loc *loc, const char *what)
{
	if (*seen) {
		diag_error(x->b.d, loc, "'%s' is given twice in this policy", what);
		return false;
	}
	*seen = true;
	return true;
}

/* cluster_only: a statement what of a cluster-wide policy written in a namespaced one. */
static bool cluster_only(struct dsl *x, const struct loc *loc, const char *what,
			 const char *instead)
{
	if (in_cluster_policy(x))
		return true;
	if (x->p)
		diag_error(x->b.d, loc, "%s is for admin, baseline and cluster policies%s", what,
			   instead);
	return false;
}

/* namespaced_only: a statement what of a namespaced policy written in a cluster-wide one. */
static bool namespaced_only(struct dsl *x, const struct loc *loc, const char *what,
			    const char *instead)
{
	if (!x->p)
		return false;
	if (!in_cluster_policy(x))
		return true;
	diag_error(x->b.d, loc, "%s %s has no %s%s", x->kind == ANP_BASELINE ? "a" : "an",
		   x->p->kind, what, instead);
	return false;
}

void dsl_select(struct dsl *x, const struct loc *loc, const struct dsl_vec *sel)
{
	if (namespaced_only(x, loc, "pod selector",
			    ": its subject is 'select namespaces ...' or 'select pods ...'") &&
	    once(x, &x->selected, loc, "select"))
		x->p->pod_sel = selector(x, sel, BUILD_SEL_ENDPOINT);
}

/*
 * label_selector: a selector of a cluster-wide policy (a LabelSelector of
 * the API, never a Calico expression); NULL after reporting.
 */
static const struct selector *label_selector(struct dsl *x, const struct dsl_vec *sel)
{
	if (sel->tag == DSL_SEL_CALICO) {
		diag_error(x->b.d, &sel->loc,
			   "a cluster-wide policy's selectors are label selectors, not Calico "
			   "expressions");
		return NULL;
	}
	return selector(x, sel, BUILD_SEL_ENDPOINT);
}

/*
 * ns_of_pods: the namespaces of a pods subject or peer written without
 * 'in namespaces': every namespace, which v1alpha1 writes {} and v1alpha2
 * may leave out.
 */
static const struct selector *ns_of_pods(struct dsl *x, const struct loc *loc)
{
	return x->kind == ANP_CLUSTER ? NULL : build_selector(&x->b, loc, NULL, NULL, 0);
}

void dsl_subject(struct dsl *x, const struct loc *loc, const struct dsl_vec *ns,
		 const struct dsl_vec *pods)
{
	const struct selector *ns_sel, *pod_sel = NULL;
	size_t e0 = x->b.d->errors;

	if (!cluster_only(x, loc, "'select namespaces' or 'select pods'",
			  ": a namespaced policy selects its pods with 'select LABELS'") ||
	    !once(x, &x->selected, loc, "select"))
		return;
	ns_sel = ns ? label_selector(x, ns) : ns_of_pods(x, loc);
	if (pods)
		pod_sel = label_selector(x, pods);
	if (x->b.d->errors == e0)
		build_anp_subject(&x->b, x->p, ns_sel, pod_sel);
}

void dsl_isolate(struct dsl *x, const struct loc *loc, int dirs)
{
	if (!namespaced_only(x, loc, "isolation",
			     ": it acts only on the traffic its rules match") ||
	    !once(x, &x->isolated, loc, "isolate"))
		return;
	x->p->types_explicit = true;
	x->p->types_loc = *loc;
	for (int d = 0; d < NDIR; d++)
		x->p->types[d] = dirs & 1 << d;
}

void dsl_policy_tier(struct dsl *x, const struct build_str *name)
{
	struct policy *p = x->p;

	if (x->p && x->kind == ANP_CLUSTER) {
		if (once(x, &x->tiered, &name->loc, "tier"))
			build_cnp_tier(&x->b, p, &name->loc, name);
		return;
	}
	if (!namespaced_only(x, &name->loc, "tier", " (its kind is its tier)") ||
	    !once(x, &x->tiered, &name->loc, "tier"))
		return;
	p->tier = "default";
	p->tier_order = DEFAULT_TIER_ORDER;
	p->tier_default = ACT_DENY;
	x->calico = true;
	if (!strcmp(name->s, "default") || !build_name(&x->b, "tier", name, valid_dns_label))
		return;
	p->tier = name->s;
	p->tier_loc = name->loc;
}

void dsl_policy_order(struct dsl *x, const struct build_str *order)
{
	if (!namespaced_only(x, &order->loc, "order", ": write its priority") ||
	    !once(x, &x->ordered, &order->loc, "order"))
		return;
	x->p->has_order = number(x, order, "order", &x->p->order);
	x->calico = true;
}

void dsl_policy_priority(struct dsl *x, const struct build_str *prio)
{
	struct build_num n = { .loc = prio->loc };

	if (!cluster_only(x, &prio->loc, "priority", ": write order") ||
	    !once(x, &x->prioritized, &prio->loc, "priority"))
		return;
	if (x->kind == ANP_BASELINE) {
		diag_error(x->b.d, &prio->loc,
			   "a BaselineAdminNetworkPolicy has no priority (there is only one)");
		return;
	}
	{
		size_t neg = prio->s[0] == '-';
		if (prio->len == neg || !all_digits(prio->s + neg, prio->len - neg)) {
			diag_error(x->b.d, &prio->loc, "priority: expected a number, got %s",
				   build_show(&x->b, prio->s, prio->len));
			return;
		}
		n.v = prio->len > 9 + neg ? 999999999 : strtoll(prio->s + neg, NULL, 10);
		if (neg)
			n.v = -n.v;
	}
	build_anp_priority(&x->b, x->p, &prio->loc, &n);
}

/* rule_peer: peer p of a rule of direction dir into out. */
static bool rule_peer(struct dsl *x, enum dir dir, const struct dsl_peer *p, struct peer *out)
{
	struct build_peer in = { .loc = p->loc };

	if (p->cidr) {
		in.ipblock = ipblock(x, p);
		in.ipblock_loc = &p->cidr->loc;
	}
	if (p->pods) {
		in.pod_sel = selector(x, p->pods, BUILD_SEL_ENDPOINT);
		in.pod_sel_given = true;
	}
	if (p->ns) {
		in.ns_sel = selector(x, p->ns, BUILD_SEL_RULE_NS);
		in.ns_sel_given = true;
	}
	return build_peer(&x->b, dir, &in, out);
}

/*
 * anp_peer: peer p of a cluster-wide policy's rule of direction dir into
 * out[] (room for what p expands to: a set's networks); returns how many.
 */
static size_t anp_peer(struct dsl *x, enum dir dir, const struct dsl_peer *p, struct peer *out)
{
	const struct dsl_set *s;
	size_t n = 0;

	if (p->pods || p->ns) {
		const struct selector *ns =
			p->ns ? label_selector(x, p->ns) : ns_of_pods(x, &p->loc);
		const struct selector *pods = p->pods ? label_selector(x, p->pods) : NULL;
		if ((p->ns && !ns) || (p->pods && !pods))
			return 0;
		build_anp_pods_peer(&p->loc, ns, pods, out);
		return 1;
	}
	if (dir == DIR_INGRESS) {
		diag_error(x->b.d, &p->loc,
			   "an ingress peer of a cluster-wide policy is pods or namespaces");
		return 0;
	}
	if (p->nodes) {
		const struct selector *sel = label_selector(x, p->nodes);
		if (!sel)
			return 0;
		build_anp_nodes_peer(&p->loc, sel, out);
		return 1;
	}
	if (p->cidr) {
		if (p->except) {
			diag_error(x->b.d, &p->except->loc,
				   "a network of a cluster-wide policy has no exceptions (put a "
				   "rule for them before it)");
			return 0;
		}
		return build_anp_networks(&x->b, &p->loc, p->cidr, 1, out);
	}
	if (!(s = find_set(x, &p->set, false)))
		return 0;
	for (size_t k = 0; k < s->n; k++) {
		struct build_str c = str_of(s->blocks[k]->cidr_text, &p->loc);
		if (s->blocks[k]->nexcept)
			diag_error(x->b.d, &p->loc,
				   "address set @%s has exceptions, which a network of a "
				   "cluster-wide policy cannot have",
				   s->name);
		else
			n += build_anp_networks(&x->b, &p->loc, &c, 1, &out[n]);
	}
	return n;
}

/*
 * anp_rule: the peers, name and checks of a rule of a cluster-wide
 * policy (r has its action, as the policy's kind spells it, and ports).
 */
static void anp_rule(struct dsl *x, struct rule *r, enum dir dir, const struct dsl_vec *peers,
		     const struct dsl_vec *ports, const struct build_str *name, const char *act)
{
	static const char *const names[][2] = { { "Allow", "Accept" },
						{ "Deny", "Deny" },
						{ "Pass", "Pass" } };
	size_t max = x->kind == ANP_CLUSTER ? CNP_MAX_RULES : ANP_MAX_RULES, np = 0;
	struct build_str a = str_of(names[r->action][x->kind == ANP_CLUSTER], &r->loc);

	a.loc.end_line = a.loc.line;
	a.loc.end_col = a.loc.col + (unsigned)strlen(act);
	build_anp_action(&x->b, x->p, &a, &r->action);
	if (name && build_anp_rule_name(&x->b, name))
		r->name = name->s;
	r->peers_given = true;
	if (!peers || peers->any) {
		diag_error(x->b.d, peers ? &peers->loc : &r->loc,
			   "a rule of a cluster-wide policy names its peers: pods, namespaces%s",
			   dir == DIR_EGRESS ? ", networks or nodes" : "");
		return;
	}
	for (size_t i = 0; i < peers->n; i++) {
		const struct dsl_peer *p = peers->v[i];
		const struct dsl_set *s = p->set.s ? find_set(x, &p->set, false) : NULL;
		np += s ? s->n : 1;
	}
	r->peers = arena_array(x->b.a, np, sizeof(*r->peers));
	for (size_t i = 0; i < peers->n; i++)
		r->npeers += anp_peer(x, dir, peers->v[i], &r->peers[r->npeers]);
	if (r->npeers == np) /* a peer left out was reported */
		build_anp_count(&x->b, &peers->loc, dir == DIR_INGRESS ? "from" : "to", r->npeers,
				1, max);
	if (ports)
		build_anp_count(&x->b, &ports->loc, x->kind == ANP_CLUSTER ? "protocols" : "ports",
				(size_t)ports->kw, 1, max);
	build_anp_named_networks(&x->b, r);
}

void dsl_rule(struct dsl *x, const struct loc *loc, int action, int dir,
	      const struct dsl_vec *peers, const struct dsl_vec *ports,
	      const struct build_str *name)
{
	static const char *const kw[NDIR] = { "from", "to" };
	struct rule r = { .loc = *loc, .action = (enum action)action };
	size_t e0 = x->b.d->errors, np = 0;

	if (!x->p)
		return;
	if (peers && peers->kw != (dir == DIR_INGRESS ? NP_FROM : NP_TO))
		diag_error(x->b.d, &peers->loc, "%s rules name their peers with '%s'",
			   dir_name((enum dir)dir), kw[dir]);
	r.ports_given = ports != NULL;
	if (ports) {
		r.ports = arena_array(x->b.a, ports->n, sizeof(*r.ports));
		for (size_t i = 0; i < ports->n; i++)
			r.ports[r.nports++] = *(const struct port *)ports->v[i];
	}
	if (in_cluster_policy(x)) {
		anp_rule(x, &r, (enum dir)dir, peers, ports, name, action_name(r.action));
		goto add;
	}
	if (name)
		diag_error(x->b.d, &name->loc,
			   "only rules of admin, baseline and cluster policies have names");
	for (size_t i = 0; peers && i < peers->n; i++) {
		const struct dsl_peer *p = peers->v[i];
		const struct dsl_set *s = p->set.s ? find_set(x, &p->set, false) : NULL;
		np += s ? s->n : 1;
		if (p->nodes)
			diag_error(x->b.d, &p->loc,
				   "nodes peers are for admin, baseline and cluster policies");
	}
	r.peers_given = peers != NULL;
	r.peers = arena_array(x->b.a, np, sizeof(*r.peers));
	for (size_t i = 0; peers && i < peers->n; i++) {
		const struct dsl_peer *p = peers->v[i];
		if (p->nodes)
			continue;
		if (!p->set.s) {
			rule_peer(x, (enum dir)dir, p, &r.peers[r.npeers++]);
			continue;
		}
		for (const struct dsl_set *s = find_set(x, &p->set, false); s && r.npeers < np;
		     s = NULL)
			for (size_t k = 0; k < s->n; k++) {
				struct build_peer in = { .loc = p->loc,
							 .ipblock = s->blocks[k],
							 .ipblock_loc = &p->loc };
				build_peer(&x->b, (enum dir)dir, &in, &r.peers[r.npeers++]);
			}
	}
	if (r.action != ACT_ALLOW)
		x->calico = true;
add:
	if (x->b.d->errors == e0 && (!ports || ports->tag >= 0))
		VEC_PUSH(x->rules[dir], x->nrules[dir], x->arules[dir], r);
}

/* anp_end: what a cluster-wide policy must have: its subject, its priority, its tier. */
static void anp_end(struct dsl *x, const struct loc *loc)
{
	struct policy *p = x->p;

	if (!x->selected)
		diag_error(x->b.d, loc,
			   "%s %s has no subject: write 'select namespaces LABELS' or 'select "
			   "pods LABELS [in namespaces LABELS]'",
			   x->kind == ANP_BASELINE ? "a" : "an", p->kind);
	if (x->kind == ANP_CLUSTER && !x->tiered)
		build_cnp_tier(&x->b, p, loc, NULL);
	if (x->kind != ANP_BASELINE && !x->prioritized)
		build_anp_priority(&x->b, p, loc, NULL);
	for (int d = 0; d < NDIR; d++) {
		p->rules[d] = arena_memdup(x->b.a, x->rules[d], x->nrules[d] * sizeof(struct rule));
		p->nrules[d] = x->nrules[d];
		p->rules_given[d] = x->nrules[d] > 0;
		p->rules_loc[d] = *loc;
		/* no rules in a direction: no effect on it */
		p->types[d] = x->nrules[d] > 0;
	}
	if (x->b.d->errors == x->p_errors && p->pod_sel) {
		x->m->has_tiers = true;
		model_add_policy(x->m, p);
	}
	drop_policy(x);
}

void dsl_policy_end(struct dsl *x, const struct loc *loc)
{
	struct policy *p = x->p;

	if (!p)
		return;
	p->loc = *loc;
	if (x->kind >= 0) {
		anp_end(x, loc);
		return;
	}
	if (!x->selected) {
		struct selector *all = arena_zalloc(x->b.a, sizeof(*all));
		all->loc = *loc;
		p->pod_sel = all;
	}
	for (int d = 0; d < NDIR; d++) {
		p->rules[d] = arena_memdup(x->b.a, x->rules[d], x->nrules[d] * sizeof(struct rule));
		p->nrules[d] = x->nrules[d];
		p->rules_given[d] = x->nrules[d] > 0;
		p->rules_loc[d] = *loc;
	}
	build_policy_defaults(p);
	if (x->calico)
		x->m->has_tiers = true;
	if (x->b.d->errors == x->p_errors && p->name && p->ns && p->pod_sel)
		model_add_policy(x->m, p);
	drop_policy(x);
}

/* ---- tiers, namespaces, hosts -------------------------------------------- */

void dsl_tier(struct dsl *x, const struct loc *loc, const struct build_str *name,
	      const struct build_str *order, int default_action)
{
	size_t e0 = x->b.d->errors;
	struct tier *t = arena_zalloc(x->b.a, sizeof(*t));
	struct build_str act;

	t->loc = *loc;
	t->name = build_name(&x->b, "tier", name, valid_dns_label);
	if (order)
		t->has_order = number(x, order, "order", &t->order);
	if (default_action >= 0)
		act = str_of(default_action == ACT_PASS	  ? "Pass"
			     : default_action == ACT_DENY ? "Deny"
							  : "Allow",
			     loc);
	build_tier(&x->b, t, default_action >= 0 ? &act : NULL);
	if (x->b.d->errors == e0)
		model_add_tier(x->m, t);
}

void dsl_namespace(struct dsl *x, const struct loc *loc, const struct build_str *name,
		   const struct dsl_vec *list)
{
	size_t e0 = x->b.d->errors;
	struct namespace *ns = arena_zalloc(x->b.a, sizeof(*ns));

	ns->loc = *loc;
	ns->name = build_name(&x->b, "namespace", name, valid_dns_label);
	if (!labels(x, list, 1, &ns->labels) || !ns->name)
		return;
	build_namespace_label(&x->b, ns, &name->loc);
	if (x->b.d->errors == e0)
		model_add_namespace(x->m, ns);
}

static void drop_host(struct dsl *x)
{
	free(x->hports);
	x->hports = NULL;
	x->nhports = x->ahports = 0;
	x->host = NULL;
}

void dsl_host_begin(struct dsl *x, const struct loc *loc, const struct build_str *name)
{
	struct pod *p = arena_zalloc(x->b.a, sizeof(*p));
	struct loc name_loc;

	drop_host(x);
	x->host = p;
	x->h_errors = x->b.d->errors;
	p->loc = *loc;
	p->ips = arena_array(x->b.a, 2, sizeof(*p->ips));
	qualified(x, name, "host", valid_dns_subdomain, &p->ns, &p->name, &name_loc);
}

void dsl_host_labels(struct dsl *x, const struct dsl_vec *list)
{
	if (!x->host)
		return;
	if (x->host->labels.n)
		diag_error(x->b.d, &list->loc, "'labels' is given twice for this host");
	else
		labels(x, list, 0, &x->host->labels);
}

void dsl_host_addresses(struct dsl *x, const struct dsl_vec *addrs)
{
	for (size_t i = 0; x->host && i < addrs->n; i++)
		build_pod_ip(&x->b, x->host, addrs->v[i]);
}

void dsl_host_port(struct dsl *x, const struct loc *loc, const struct build_str *name,
		   const struct build_str *spec)
{
	struct port pt;
	struct named_port np;
	struct build_num num;
	struct build_str proto;

	if (!x->host || !port(x, spec, &pt))
		return;
	if (!pt.has_port || pt.name || pt.end_port) {
		diag_error(x->b.d, &spec->loc,
			   "a host's named port is one port number, with its protocol: %s=tcp/8080",
			   name->s);
		return;
	}
	num.v = pt.port;
	num.loc = spec->loc;
	proto = str_of(proto_name(pt.proto), &spec->loc);
	if (build_container_port(&x->b, loc, &num, name, &proto, &np))
		VEC_PUSH(x->hports, x->nhports, x->ahports, np);
}

void dsl_host_end(struct dsl *x)
{
	struct pod *p = x->host;

	if (!p)
		return;
	p->ports = arena_memdup(x->b.a, x->hports, x->nhports * sizeof(*x->hports));
	p->nports = x->nhports;
	if (x->b.d->errors == x->h_errors && p->name && p->ns)
		model_add_pod(x->m, p);
	drop_host(x);
}

static void drop_node(struct dsl *x)
{
	x->node = NULL;
}

void dsl_node_begin(struct dsl *x, const struct loc *loc, const struct build_str *name)
{
	struct cluster_node *n = arena_zalloc(x->b.a, sizeof(*n));

	x->node = n;
	x->n_errors = x->b.d->errors;
	n->loc = *loc;
	n->name = build_name(&x->b, "node", name, valid_dns_subdomain);
}

void dsl_node_labels(struct dsl *x, const struct dsl_vec *list)
{
	if (!x->node)
		return;
	if (x->node->labels.n)
		diag_error(x->b.d, &list->loc, "'labels' is given twice for this node");
	else
		labels(x, list, 0, &x->node->labels);
}

void dsl_node_addresses(struct dsl *x, const struct dsl_vec *addrs)
{
	struct cluster_node *n = x->node;
	struct addr *v;

	if (!n)
		return;
	/* room for these after the ones of an earlier 'address' */
	v = arena_array(x->b.a, n->naddrs + addrs->n, sizeof(*v));
	if (n->naddrs)
		memcpy(v, n->addrs, n->naddrs * sizeof(*v));
	n->addrs = v;
	for (size_t i = 0; i < addrs->n; i++) {
		const struct build_str *a = addrs->v[i];
		struct build_str type = str_of("InternalIP", &a->loc);
		build_node_address(&x->b, n, &a->loc, &type, a);
	}
}

void dsl_node_end(struct dsl *x)
{
	struct cluster_node *n = x->node;

	if (n && n->name && x->b.d->errors == x->n_errors)
		model_add_node(x->m, n);
	drop_node(x);
}

/* ---- files --------------------------------------------------------------- */

static void parse_text(struct dsl *x, const char *file, const char *text, size_t len)
{
	yyscan_t scanner;
	YY_BUFFER_STATE buf;
	const char *file0 = x->file;
	unsigned line0 = x->line, col0 = x->col;

	x->stack[x->depth++] = file;
	x->file = file;
	x->line = x->col = 1;
	if (np_lex_init_extra(x, &scanner))
		oom();
	buf = np__scan_bytes(text, (int)len, scanner);
	np_parse(x, scanner);
	np__delete_buffer(buf, scanner);
	np_lex_destroy(scanner);
	x->depth--;
	x->file = file0;
	x->line = line0;
	x->col = col0;
}

void dsl_include(struct dsl *x, const struct loc *loc, const struct build_str *path)
{
	const char *text, *file;
	size_t len;

	if (!x->rd) {
		diag_error(x->b.d, loc, "include is not possible here (the input is not a file)");
		return;
	}
	if (x->depth >= MAX_INCLUDE_DEPTH) {
		diag_error(x->b.d, loc, "includes are nested more than %d deep", MAX_INCLUDE_DEPTH);
		return;
	}
	if (x->rd->read(x->rd->arg, loc, x->file, path->s, &text, &len, &file))
		return;
	for (size_t i = 0; i < x->depth; i++)
		if (!strcmp(x->stack[i], file)) {
			diag_error(x->b.d, loc, "%s includes itself",
				   build_show(&x->b, file, strlen(file)));
			return;
		}
	parse_text(x, file, text, len);
}

int dsl_parse(struct arena *a, struct diag *d, const struct frontend_opts *o,
	      const struct dsl_reader *rd, const char *file, const char *text, size_t len,
	      struct model *m)
{
	struct dsl x = { .b = { .a = a, .d = d }, .m = m, .o = o, .rd = rd, .kind = -1 };
	size_t e0 = d->errors;

	if (len > INT_MAX) {
		struct loc none = loc_none(file);
		return diag_error(d, &none, "input is too large for the policy language reader");
	}
	parse_text(&x, file, text, len);
	drop_policy(&x);
	drop_host(&x);
	free(x.sets);
	return d->errors == e0 ? 0 : -1;
}

bool dsl_sniff(const char *text, size_t len)
{
	static const char *const starts[] = { "policy",	   "namespace", "host",	   "tier",
					      "addresses", "ports",	"include", "admin",
					      "baseline",  "cluster",	"node",	   NULL };
	size_t i = 0;

	for (;;) {
		while (i < len && strchr(" \t\r\n", text[i]))
			i++;
		if (i < len && text[i] == '#') {
			while (i < len && text[i] != '\n')
				i++;
			continue;
		}
		break;
	}
	for (size_t k = 0; starts[k]; k++) {
		size_t n = strlen(starts[k]);
		if (len - i > n && !memcmp(text + i, starts[k], n) && strchr(" \t", text[i + n]))
			return true;
	}
	return false;
}
