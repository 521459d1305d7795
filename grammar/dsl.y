/*
 * dsl.y - the grammar of the netpolc policy language (docs/dsl.md has it
 * in EBNF, with an example of every construct).
 *
 * A pure parser: every value it builds goes through the glue in
 * frontend/dsl.c, which calls the validated constructors of
 * frontend/build.h.  Lists under construction live on the heap (struct
 * dsl_vec) and are released by their %destructor when error recovery
 * discards them; everything else is in the run's arena.  Recovery: an
 * error inside a policy body skips to the next statement, an error
 * elsewhere to the next declaration, so one run reports several errors.
 */
%define api.pure full
%define api.prefix {np_}
%define api.location.type {struct loc}
%define parse.error custom
%locations
%expect 0
%parse-param {struct dsl *ctx} {void *scanner}
%lex-param {void *scanner}

%code requires {
#include "frontend/dsl.h"
}

%code provides {
int np_lex(NP_STYPE *lval, struct loc *lloc, void *scanner);
}

%code {
#define YYLLOC_DEFAULT(cur, rhs, n) dsl_span(&(cur), (rhs), (n))
static void np_error(struct loc *loc, struct dsl *ctx, void *scanner, const char *msg);
}

%union {
	struct build_str word;
	struct build_str *wordp;
	struct dsl_vec *vec;
	struct dsl_req *req;
	struct label *label;
	struct dsl_peer peer;
	int num;
}

%token <word> NP_POLICY "policy" NP_SELECT "select" NP_ISOLATE "isolate"
%token <word> NP_ALLOW "allow" NP_DENY "deny" NP_PASS "pass"
%token <word> NP_INGRESS "ingress" NP_EGRESS "egress" NP_FROM "from" NP_TO "to"
%token <word> NP_PORT "port" NP_PODS "pods" NP_NAMESPACES "namespaces"
%token <word> NP_IN "in" NP_NOTIN "notin" NP_HAS "has" NP_ALL "all" NP_ANY "any"
%token <word> NP_AND "and" NP_EXCEPT "except" NP_TIER "tier" NP_ORDER "order"
%token <word> NP_DEFAULT "default" NP_NAMESPACE "namespace" NP_HOST "host"
%token <word> NP_LABELS "labels" NP_ADDRESS "address" NP_ADDRESSES "addresses"
%token <word> NP_PORTS "ports" NP_INCLUDE "include" NP_NE "!="
%token <word> NP_ADMIN "admin" NP_BASELINE "baseline" NP_CLUSTER "cluster"
%token <word> NP_PRIORITY "priority" NP_NODE "node" NP_NODES "nodes" NP_NAMED "named"
%token <word> NP_WORD "word" NP_SETREF "set name" NP_STRING "string"
%token NP_STRING_BAD "unterminated string" NP_BAD "invalid character"
%token NP_COMMENT "comment" /* only for the formatter, never parsed */

%type <word> name key value softkw
%type <peer> peer_item addr_item port_item
%type <wordp> order_opt named_opt
%type <vec> selector reqs values peers peers_opt peer_list ports_opt port_items excepts
%type <vec> words labels addr_items
%type <req> req
%type <label> label
%type <num> action dir dirs default_opt kind

%destructor { dsl_vec_free($$); } <vec>
%destructor { dsl_peer_free(&$$); } <peer>

%%

file:
	  %empty
	| file item
	| file error
	;

item:
	  policy
	| NP_TIER name order_opt default_opt	{ dsl_tier(ctx, &@$, &$2, $3, $4); }
	| NP_NAMESPACE name			{ dsl_namespace(ctx, &@$, &$2, NULL); }
	| NP_NAMESPACE name NP_LABELS labels	{ dsl_namespace(ctx, &@$, &$2, $4); dsl_vec_free($4); }
	| host
	| node
	| NP_ADDRESSES name '=' addr_items	{ dsl_addr_set(ctx, &$2, $4); dsl_vec_free($4); }
	| NP_PORTS name '=' port_items		{ dsl_port_set(ctx, &$2, $4); dsl_vec_free($4); }
	| NP_INCLUDE NP_STRING			{ dsl_include(ctx, &@$, &$2); }
	;

policy:
	  NP_POLICY name '{'			{ dsl_policy_begin(ctx, &@1, &$2, -1); }
	  stmts '}'				{ dsl_policy_end(ctx, &@$); }
	| kind NP_POLICY name '{'		{ dsl_policy_begin(ctx, &@1, &$3, $1); }
	  stmts '}'				{ dsl_policy_end(ctx, &@$); }
	;

/* the cluster-wide kinds: AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy */
kind:
	  NP_ADMIN	{ $$ = ANP_ADMIN; }
	| NP_BASELINE	{ $$ = ANP_BASELINE; }
	| NP_CLUSTER	{ $$ = ANP_CLUSTER; }
	;

stmts:
	  %empty
	| stmts stmt
	| stmts error
	;

stmt:
	  NP_SELECT selector			{ dsl_select(ctx, &@$, $2); dsl_vec_free($2); }
	| NP_ISOLATE dirs			{ dsl_isolate(ctx, &@$, $2); }
	| NP_TIER name				{ dsl_policy_tier(ctx, &$2); }
	| NP_ORDER NP_WORD			{ dsl_policy_order(ctx, &$2); }
	| NP_PRIORITY NP_WORD			{ dsl_policy_priority(ctx, &$2); }
	| NP_SELECT NP_NAMESPACES selector	{ dsl_subject(ctx, &@$, $3, NULL); dsl_vec_free($3); }
	| NP_SELECT NP_PODS selector		{ dsl_subject(ctx, &@$, NULL, $3); dsl_vec_free($3); }
	| NP_SELECT NP_PODS selector NP_IN NP_NAMESPACES selector
						{ dsl_subject(ctx, &@$, $6, $3);
						  dsl_vec_free($3); dsl_vec_free($6); }
	| action dir peers_opt ports_opt named_opt
						{ dsl_rule(ctx, &@$, $1, $2, $3, $4, $5);
						  dsl_vec_free($3); dsl_vec_free($4); }
	;

named_opt:
	  %empty		{ $$ = NULL; }
	| NP_NAMED name		{ $$ = dsl_word_dup(ctx, &$2); }
	;

action:
	  NP_ALLOW	{ $$ = ACT_ALLOW; }
	| NP_DENY	{ $$ = ACT_DENY; }
	| NP_PASS	{ $$ = ACT_PASS; }
	;

dir:
	  NP_INGRESS	{ $$ = DIR_INGRESS; }
	| NP_EGRESS	{ $$ = DIR_EGRESS; }
	;

dirs:
	  dir		{ $$ = 1 << $1; }
	| dirs ',' dir	{ $$ = $1 | 1 << $3; }
	;

default_opt:
	  %empty		{ $$ = -1; }
	| NP_DEFAULT action	{ $$ = $2; }
	;

order_opt:
	  %empty		{ $$ = NULL; }
	| NP_ORDER NP_WORD	{ $$ = dsl_word_dup(ctx, &$2); }
	;

/* ---- selectors ---- */

selector:
	  NP_ALL		{ $$ = dsl_vec_new(DSL_SEL_ALL, &@$); }
	| NP_STRING		{ $$ = dsl_vec_new(DSL_SEL_CALICO, &@$); $$->str = $1; }
	| reqs
	;

reqs:
	  req			{ $$ = dsl_vec_new(DSL_SEL_REQS, &@$); dsl_vec_push($$, $1); }
	| reqs NP_AND req	{ $$ = $1; $$->loc = @$; dsl_vec_push($$, $3); }
	;

req:
	  key '=' value			{ $$ = dsl_req(ctx, &@$, &$1, NULL, &$3, 1); }
	| key NP_NE value		{ $$ = dsl_req(ctx, &@$, &$1, "NotIn", &$3, 1); }
	| key NP_IN '(' values ')'	{ $$ = dsl_req_list(ctx, &@$, &$1, "In", $4); dsl_vec_free($4); }
	| key NP_NOTIN '(' values ')'	{ $$ = dsl_req_list(ctx, &@$, &$1, "NotIn", $4); dsl_vec_free($4); }
	| NP_HAS '(' key ')'		{ $$ = dsl_req(ctx, &@$, &$3, "Exists", NULL, 0); }
	| '!' NP_HAS '(' key ')'	{ $$ = dsl_req(ctx, &@$, &$4, "DoesNotExist", NULL, 0); }
	;

values:
	  value			{ $$ = dsl_vec_new(0, &@$); dsl_vec_push($$, dsl_word_dup(ctx, &$1)); }
	| values ',' value	{ $$ = $1; dsl_vec_push($$, dsl_word_dup(ctx, &$3)); }
	;

name:	NP_WORD | NP_STRING | softkw ;
key:	NP_WORD | softkw | NP_POLICY | NP_SELECT | NP_ISOLATE | NP_ALLOW | NP_DENY | NP_PASS
	| NP_TIER | NP_ORDER | NP_NAMESPACE | NP_HOST | NP_ADDRESSES | NP_PORTS | NP_INCLUDE
	| NP_PRIORITY | NP_NODE ;
value:	NP_WORD | softkw | NP_STRING | NP_ALL | NP_HAS | NP_IN | NP_NOTIN | NP_AND ;

/*
 * keywords that are label keys and values as they are; a value spelt like a
 * keyword that starts a statement or a declaration is quoted, so that a
 * missing value is reported where it is missing
 */
softkw:	  NP_INGRESS | NP_EGRESS | NP_FROM | NP_TO | NP_PORT | NP_PODS | NP_NAMESPACES
	| NP_ANY | NP_EXCEPT | NP_DEFAULT | NP_LABELS | NP_ADDRESS | NP_NODES | NP_NAMED
	| NP_ADMIN | NP_BASELINE | NP_CLUSTER ;

/* ---- peers and ports ---- */

peers_opt:
	  %empty		{ $$ = NULL; }
	| NP_FROM peer_list	{ $$ = $2; $$->kw = NP_FROM; $$->loc = @1; }
	| NP_TO peer_list	{ $$ = $2; $$->kw = NP_TO; $$->loc = @1; }
	;

peer_list:
	  NP_ANY		{ $$ = dsl_vec_new(DSL_PEERS, &@$); $$->any = true; }
	| peers
	;

peers:
	  peer_item		{ $$ = dsl_vec_new(DSL_PEERS, &@$); dsl_peer_item(ctx, $$, &$1); }
	| peers ',' peer_item	{ $$ = $1; dsl_peer_item(ctx, $$, &$3); }
	;

peer_item:
	  NP_PODS selector	{ $$ = dsl_peer_of(&@$, $2, NULL, NULL, NULL); }
	| NP_PODS selector NP_IN NP_NAMESPACES selector
				{ $$ = dsl_peer_of(&@$, $2, $5, NULL, NULL); }
	| NP_NAMESPACES selector	{ $$ = dsl_peer_of(&@$, NULL, $2, NULL, NULL); }
	| NP_NODES selector	{ $$ = dsl_peer_of(&@$, NULL, NULL, NULL, NULL); $$.nodes = $2; }
	| NP_WORD excepts	{ $$ = dsl_peer_of(&@$, NULL, NULL, dsl_word_dup(ctx, &$1), $2); }
	| NP_SETREF		{ $$ = dsl_peer_of(&@$, NULL, NULL, NULL, NULL); $$.set = $1; }
	;

excepts:
	  %empty			{ $$ = NULL; }
	| NP_EXCEPT NP_WORD		{ $$ = dsl_vec_new(0, &@2); dsl_vec_push($$, dsl_word_dup(ctx, &$2)); }
	| NP_EXCEPT '(' words ')'	{ $$ = $3; }
	;

words:
	  NP_WORD		{ $$ = dsl_vec_new(0, &@$); dsl_vec_push($$, dsl_word_dup(ctx, &$1)); }
	| words ',' NP_WORD	{ $$ = $1; dsl_vec_push($$, dsl_word_dup(ctx, &$3)); }
	;

ports_opt:
	  %empty		{ $$ = NULL; }
	| NP_PORT port_items	{ $$ = $2; }
	;

port_items:
	  port_item		{ $$ = dsl_vec_new(0, &@$); dsl_port_item(ctx, $$, &$1); }
	| port_items ',' port_item { $$ = $1; dsl_port_item(ctx, $$, &$3); }
	;

port_item:
	  NP_WORD		{ $$ = dsl_peer_of(&@$, NULL, NULL, dsl_word_dup(ctx, &$1), NULL); }
	| NP_STRING		{ $$ = dsl_peer_of(&@$, NULL, NULL, dsl_word_dup(ctx, &$1), NULL); }
	| NP_SETREF		{ $$ = dsl_peer_of(&@$, NULL, NULL, NULL, NULL); $$.set = $1; }
	;

/* ---- inventory ---- */

node:
	  NP_NODE name		{ dsl_node_begin(ctx, &@$, &$2); }
	  node_opts		{ dsl_node_end(ctx); }
	;

node_opts:
	  %empty
	| node_opts NP_LABELS labels	{ dsl_node_labels(ctx, $3); dsl_vec_free($3); }
	| node_opts NP_ADDRESS words	{ dsl_node_addresses(ctx, $3); dsl_vec_free($3); }
	;

host:
	  NP_HOST name		{ dsl_host_begin(ctx, &@$, &$2); }
	  host_opts		{ dsl_host_end(ctx); }
	;

host_opts:
	  %empty
	| host_opts NP_LABELS labels	{ dsl_host_labels(ctx, $3); dsl_vec_free($3); }
	| host_opts NP_ADDRESS words	{ dsl_host_addresses(ctx, $3); dsl_vec_free($3); }
	| host_opts NP_PORT host_ports
	;

host_ports:
	  host_port
	| host_ports ',' host_port
	;

host_port:
	  key '=' NP_WORD	{ dsl_host_port(ctx, &@$, &$1, &$3); }
	;

labels:
	  label			{ $$ = dsl_vec_new(0, &@$); dsl_vec_push($$, $1); }
	| labels ',' label	{ $$ = $1; dsl_vec_push($$, $3); }
	;

label:
	  key '=' value		{ $$ = dsl_label(ctx, &$1, &$3); }
	;

addr_items:
	  addr_item		{ $$ = dsl_vec_new(DSL_PEERS, &@$); dsl_peer_item(ctx, $$, &$1); }
	| addr_items ',' addr_item { $$ = $1; dsl_peer_item(ctx, $$, &$3); }
	;

addr_item:
	  NP_WORD excepts	{ $$ = dsl_peer_of(&@$, NULL, NULL, dsl_word_dup(ctx, &$1), $2); }
	| NP_SETREF		{ $$ = dsl_peer_of(&@$, NULL, NULL, NULL, NULL); $$.set = $1; }
	;

%%

static void np_error(struct loc *loc, struct dsl *ctx, void *scanner, const char *msg)
{
	(void)scanner;
	dsl_error(ctx, loc, "%s", msg);
}

static int yyreport_syntax_error(const yypcontext_t *pc, struct dsl *ctx, void *scanner)
{
	enum { MAX = 12 };
	yysymbol_kind_t expected[MAX];
	const char *names[MAX + 1];
	int n = yypcontext_expected_tokens(pc, expected, MAX);
	int k = 0;

	(void)scanner;
	for (int i = 0; i < n && i < MAX; i++)
		if (expected[i] != YYSYMBOL_YYerror)
			names[k++] = yysymbol_name(expected[i]);
	names[k] = NULL;
	dsl_syntax_error(ctx, yypcontext_location(pc), yysymbol_name(yypcontext_token(pc)),
			 yypcontext_token(pc) == YYSYMBOL_YYEOF, n < 0 || n > MAX ? NULL : names);
	return 0;
}
