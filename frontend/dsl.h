/*
 * dsl.h - the glue between the policy language's parser (grammar/dsl.y,
 * grammar/dsl.l) and the validated constructors (frontend/build.h).
 *
 * The scanner and the parser call the dsl_* functions below; each turns
 * one piece of syntax into constructor calls, so the semantic checks and
 * their messages are the ones every reader shares.  Nothing here is for
 * use outside frontend/dsl.c and the grammar, except dsl_parse.
 */
#ifndef NETPOLC_DSL_H
#define NETPOLC_DSL_H

#include <stdbool.h>
#include <stddef.h>

#include "frontend/build.h"
#include "frontend/frontend.h"
#include "ir/model.h"
#include "lib/strbuf.h"

/*
 * dsl_reader: reads the file an include names (path as written, relative
 * to the including file name from) into *text (it must outlive the
 * model), sets *file to its name as registered with the diag, and returns
 * 0; or reports the problem at loc and returns -1.
 */
struct dsl_reader {
	int (*read)(void *arg, const struct loc *loc, const char *from, const char *path,
		    const char **text, size_t *len, const char **file);
	void *arg;
};

/*
 * dsl_parse: the policy language text (len bytes, registered with d as
 * file) into the model; reports every problem.  Returns 0 or -1.
 */
int dsl_parse(struct arena *a, struct diag *d, const struct frontend_opts *o,
	      const struct dsl_reader *rd, const char *file, const char *text, size_t len,
	      struct model *m);

/*
 * dsl_sniff: text (len bytes, from stdin) looks like the policy language:
 * its first word outside comments is a declaration keyword followed by a
 * blank (YAML would have a ':' or a '-').
 */
bool dsl_sniff(const char *text, size_t len);

/*
 * A token as written, for the formatter: its kind (a grammar token, a
 * character such as '{' or ',', or DSL_TOK_COMMENT), its bytes in the
 * text and where it starts and ends.
 */
struct dsl_token {
	int kind;
	const char *text;
	size_t len;
	struct loc loc;
};

/* Token kinds the formatter tells apart (the grammar's, named). */
enum dsl_token_kind {
	DSL_TOK_COMMENT = -1,
	DSL_TOK_WORD = -2,    /* a word, a string or a set name */
	DSL_TOK_KEYWORD = -3, /* any other keyword: select, allow, from, ... */
};

/*
 * dsl_tokens: the tokens of text (len bytes, file for their locations),
 * comments included, into *out (malloc'ed, *n of them).  Keywords keep
 * their own kind for the names below, through dsl_keyword_kind.  Returns
 * 0, or -1 on a byte sequence no token starts with (the text was not
 * parsed first).
 */
int dsl_tokens(struct arena *a, const char *file, const char *text, size_t len,
	       struct dsl_token **out, size_t *n);

/*
 * The keywords the formatter places (a statement or a declaration starts
 * with one, '=' of a set definition is spaced): their kinds as returned
 * by dsl_tokens.
 */
enum dsl_keyword {
	DSL_KW_POLICY = 1,
	DSL_KW_SELECT,
	DSL_KW_ISOLATE,
	DSL_KW_ALLOW,
	DSL_KW_DENY,
	DSL_KW_PASS,
	DSL_KW_TIER,
	DSL_KW_ORDER,
	DSL_KW_NAMESPACE,
	DSL_KW_HOST,
	DSL_KW_ADDRESSES,
	DSL_KW_PORTS,
	DSL_KW_INCLUDE,
	DSL_KW_IN,
	DSL_KW_NOTIN,
	DSL_KW_HAS,
	DSL_KW_NE,
	DSL_KW_ADMIN,
	DSL_KW_BASELINE,
	DSL_KW_CLUSTER,
	DSL_KW_PRIORITY,
	DSL_KW_NODE,
};

/*
 * dsl_format: tokens t[0..n) (of a text that parses) laid out canonically
 * into out, comments kept; only white space differs from the text.  The
 * result formats to itself.
 */
void dsl_format(const struct dsl_token *t, size_t n, struct strbuf *out);
/*
 * dsl_tokens_equal: a (the text's tokens) and b (its layout's) are the same
 * tokens, comments but for the trailing blanks the layout drops.
 */
bool dsl_tokens_equal(const struct dsl_token *a, size_t na, const struct dsl_token *b, size_t nb);

/* Where a word is written, for dsl_bare. */
enum dsl_pos {
	DSL_NAME,  /* a name of a policy, namespace, host, tier; a network; a port */
	DSL_KEY,   /* a label key (never quoted: the grammar reads a string there as a selector) */
	DSL_VALUE, /* a label value */
};

/*
 * dsl_bare: s can be written as it is at pos: a non-empty run of word
 * characters that the scanner does not read as a keyword not allowed
 * there.  Otherwise a name or value is written as a string (dsl_quote) and
 * a key cannot be written at all.
 */
bool dsl_bare(const char *s, enum dsl_pos pos);
/* dsl_quote: s as a string of the language ("..." with \" and \\ escaped). */
void dsl_quote(struct strbuf *out, const char *s);
/* dsl_word_out: s bare when dsl_bare(s, pos), else quoted. */
void dsl_word_out(struct strbuf *out, const char *s, enum dsl_pos pos);

/* ---- for the grammar ----------------------------------------------------- */

struct dsl;

/* What a selector's list holds (dsl_vec.tag). */
enum { DSL_SEL_ALL = 1, DSL_SEL_REQS, DSL_SEL_CALICO, DSL_PEERS };

/* A list under construction (heap; the parser frees it). */
struct dsl_vec {
	void **v;
	size_t n, alloc;
	int tag;
	int kw;		      /* peers: the token of from or to */
	bool any;	      /* from/to any */
	struct loc loc;	      /* the list, or its from/to keyword */
	struct build_str str; /* DSL_SEL_CALICO: the selector text */
};

/* One requirement of a selector: a label (=) or a requirement. */
struct dsl_req {
	bool is_label, ok;
	struct label label;
	struct sel_req req;
};

/* One peer (or port) as written: selectors, a network with exceptions (a port), or a set. */
struct dsl_peer {
	struct loc loc;
	struct dsl_vec *pods, *ns, *except;
	struct dsl_vec *nodes; /* a nodes peer's selector */
	struct build_str *cidr;
	struct build_str set; /* s non-NULL: @set */
};

struct dsl_vec *dsl_vec_new(int tag, const struct loc *loc);
void dsl_vec_push(struct dsl_vec *v, void *item);
void dsl_vec_free(struct dsl_vec *v);
void dsl_peer_free(struct dsl_peer *p);
struct dsl_peer dsl_peer_of(const struct loc *loc, struct dsl_vec *pods, struct dsl_vec *ns,
			    struct build_str *cidr, struct dsl_vec *except);

/* scanner */
void dsl_advance(struct dsl *x, struct loc *loc, const char *text, size_t len);
void dsl_word(struct dsl *x, struct build_str *out, const char *text, size_t len,
	      const struct loc *loc);
void dsl_string(struct dsl *x, struct build_str *out, const char *text, size_t len,
		const struct loc *loc);
void dsl_keyword(struct build_str *out, const char *kw, const struct loc *loc);
bool dsl_comments(const struct dsl *x);

/* parser */
void dsl_span(struct loc *out, const struct loc *rhs, int n);
__attribute__((format(printf, 3, 4))) void dsl_error(struct dsl *x, const struct loc *loc,
						     const char *fmt, ...);
void dsl_syntax_error(struct dsl *x, const struct loc *loc, const char *token, bool at_end,
		      const char *const *expected);
struct build_str *dsl_word_dup(struct dsl *x, const struct build_str *w);
struct dsl_req *dsl_req(struct dsl *x, const struct loc *loc, const struct build_str *key,
			const char *op, const struct build_str *value, size_t n);
struct dsl_req *dsl_req_list(struct dsl *x, const struct loc *loc, const struct build_str *key,
			     const char *op, const struct dsl_vec *values);
struct label *dsl_label(struct dsl *x, const struct build_str *key, const struct build_str *value);

/* kind: -1 for a namespaced policy, else the enum anp_kind of a cluster-wide one */
void dsl_policy_begin(struct dsl *x, const struct loc *loc, const struct build_str *name, int kind);
void dsl_policy_end(struct dsl *x, const struct loc *loc);
void dsl_select(struct dsl *x, const struct loc *loc, const struct dsl_vec *sel);
void dsl_isolate(struct dsl *x, const struct loc *loc, int dirs);
void dsl_policy_tier(struct dsl *x, const struct build_str *name);
void dsl_policy_order(struct dsl *x, const struct build_str *order);
void dsl_policy_priority(struct dsl *x, const struct build_str *prio);
void dsl_subject(struct dsl *x, const struct loc *loc, const struct dsl_vec *ns,
		 const struct dsl_vec *pods);
void dsl_rule(struct dsl *x, const struct loc *loc, int action, int dir,
	      const struct dsl_vec *peers, const struct dsl_vec *ports,
	      const struct build_str *name);
void dsl_peer_item(struct dsl *x, struct dsl_vec *out, struct dsl_peer *p);
void dsl_port_item(struct dsl *x, struct dsl_vec *out, struct dsl_peer *item);

void dsl_tier(struct dsl *x, const struct loc *loc, const struct build_str *name,
	      const struct build_str *order, int default_action);
void dsl_namespace(struct dsl *x, const struct loc *loc, const struct build_str *name,
		   const struct dsl_vec *labels);
void dsl_host_begin(struct dsl *x, const struct loc *loc, const struct build_str *name);
void dsl_host_labels(struct dsl *x, const struct dsl_vec *labels);
void dsl_host_addresses(struct dsl *x, const struct dsl_vec *addrs);
void dsl_host_port(struct dsl *x, const struct loc *loc, const struct build_str *name,
		   const struct build_str *spec);
void dsl_host_end(struct dsl *x);
void dsl_node_begin(struct dsl *x, const struct loc *loc, const struct build_str *name);
void dsl_node_labels(struct dsl *x, const struct dsl_vec *labels);
void dsl_node_addresses(struct dsl *x, const struct dsl_vec *addrs);
void dsl_node_end(struct dsl *x);
void dsl_addr_set(struct dsl *x, const struct build_str *name, const struct dsl_vec *items);
void dsl_port_set(struct dsl *x, const struct build_str *name, const struct dsl_vec *items);
void dsl_include(struct dsl *x, const struct loc *loc, const struct build_str *path);

#endif
