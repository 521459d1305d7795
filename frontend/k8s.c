/*
 * k8s.c - Kubernetes objects into the policy model.
 *
 * One document tree (frontend/node.h) holds one object or a list of them.
 * NetworkPolicy objects become struct policy, with the API server's
 * defaulting (policyTypes, protocol) applied and its validation mirrored;
 * Namespaces, Pods and the pod templates of workloads become inventory.
 * Other kinds are reported with a warning and ignored.
 *
 * Every problem is reported (diag_error at the offending node) and the
 * decoding goes on; an object with any error is left out of the model, so
 * later stages only see valid objects.  Unknown fields are errors inside
 * NetworkPolicy objects, metadata included (their schema is small and a
 * typo changes the meaning); Pods, workloads and Namespaces have huge
 * schemas, so only the fields read here are checked and the rest is
 * ignored, except that unknown metadata fields get a warning (a misspelt
 * `labels` would silently drop the labels).
 *
 * Null is the same as absent for every field, as in the API server's
 * decoder: `podSelector: null` in a peer is "not set", `ingress: null` is
 * "no rules".  A null list item is an error (the API server would read it
 * as an empty object, which for a rule means "allow everything"; that is
 * almost always a slip of indentation).
 */
#include "frontend/frontend.h"

#include <stdlib.h>
#include <string.h>

#include "frontend/validate.h"
#include "ir/strbuf.h"
#include "ir/util.h"

struct k8s {
	struct arena *a;
	struct diag *d;
	const struct frontend_opts *o;
	struct model *m;
};

/* Unknown names get "did you mean" suggestions until this many diagnostics were queued. */
#define SUGGEST_BUDGET 1000

/* A field name the user may have misplaced, with advice for that mistake. */
struct hint {
	const char *field, *text;
};

/* ---- messages -------------------------------------------------------- */

/* show: user text for a message, single-quoted, control bytes escaped, cut after 80 bytes. */
static const char *show(struct k8s *k, const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t cut = len > 80 ? 80 : len;
	const char *res;

	while (cut < len && cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--; /* do not split a UTF-8 sequence */
	strbuf_addch(&sb, '\'');
	for (size_t i = 0; i < cut; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			strbuf_addf(&sb, "\\x%02x", c);
		else
			strbuf_addch(&sb, c);
	}
	strbuf_addstr(&sb, cut < len ? "...'" : "'");
	res = arena_strndup(k->a, sb.buf, sb.len);
	strbuf_release(&sb);
	return res;
}

static const char *shown(struct k8s *k, const struct node *n)
{
	return show(k, n->str, n->len);
}

static bool is_scalar(const struct node *n)
{
	return n->kind != NODE_MAP && n->kind != NODE_SEQ && n->kind != NODE_NULL;
}

/* eq: n is the string s. */
static bool eq(const struct node *n, const char *s)
{
	size_t l = strlen(s);
	return n->kind == NODE_STR && n->len == l && !memcmp(n->str, s, l);
}

/* is_identifier: n is a non-empty string of ASCII letters and digits (safe to print bare). */
static bool is_identifier(const struct node *n)
{
	if (n->kind != NODE_STR || !n->len || n->len > 64)
		return false;
	for (size_t i = 0; i < n->len; i++) {
		char c = n->str[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/* has_nul: the string holds a NUL byte (never valid where we read it). */
static bool has_nul(const struct node *n)
{
	return memchr(n->str, '\0', n->len) != NULL;
}

/*
 * want: n has kind w, else report "what: expected W, got X" at n, with a
 * hint to quote a number or boolean where a string was meant.
 */
static bool want(struct k8s *k, const struct node *n, enum node_kind w, const char *what)
{
	if (n->kind == w)
		return true;
	if (w == NODE_STR && is_scalar(n))
		diag_error(k->d, &n->loc, "%s: expected a string, got %s (%s); quote it: \"%.*s\"",
			   what, node_kind_name(n->kind), n->str, (int)n->len, n->str);
	else if (n->kind == NODE_NULL && w == NODE_MAP)
		diag_error(k->d, &n->loc,
			   "%s: expected a mapping, got null (write {} for an empty one)", what);
	else if (is_scalar(n))
		diag_error(k->d, &n->loc, "%s: expected %s, got %s (%s)", what, node_kind_name(w),
			   node_kind_name(n->kind), shown(k, n));
	else
		diag_error(k->d, &n->loc, "%s: expected %s, got %s", what, node_kind_name(w),
			   node_kind_name(n->kind));
	return false;
}

/* ---- field access ---------------------------------------------------- */

static const struct node_pair *pair_of(const struct node *map, const char *key)
{
	size_t kl = strlen(key);
	if (!map || map->kind != NODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (map->pairs[i].key->len == kl && !memcmp(map->pairs[i].key->str, key, kl))
			return &map->pairs[i];
	return NULL;
}

/* val: the value of key, or NULL when it is absent or null. */
static const struct node *val(const struct node *map, const char *key)
{
	const struct node_pair *p = pair_of(map, key);
	return p && p->value->kind != NODE_NULL ? p->value : NULL;
}

/* typed: the value of key if it has kind w (NULL if absent or null; a wrong kind is reported). */
static const struct node *typed(struct k8s *k, const struct node *map, const char *key,
				enum node_kind w)
{
	const struct node *v = val(map, key);
	return v && want(k, v, w, key) ? v : NULL;
}

/* need_str: like typed(..., NODE_STR), and a missing value is reported at map. */
static const struct node *need_str(struct k8s *k, const struct node *map, const char *key,
				   const char *owner)
{
	const struct node_pair *p = pair_of(map, key);
	if (!p || p->value->kind == NODE_NULL) {
		diag_error(k->d, p ? &p->key->loc : &map->loc, "%s has no '%s'", owner, key);
		return NULL;
	}
	return want(k, p->value, NODE_STR, key) ? p->value : NULL;
}

/* ---- unknown fields -------------------------------------------------- */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* distance: edit distance between a and b ignoring case, or 99 if either is long. */
static unsigned distance(const char *a, size_t al, const char *b, size_t bl)
{
	unsigned row[33], prev;
	if (al > 32 || bl > 32)
		return 99;
	for (size_t j = 0; j <= bl; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= al; i++) {
		prev = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= bl; j++) {
			unsigned cur = row[j];
			unsigned best = prev + (lower(a[i - 1]) != lower(b[j - 1]));
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[bl];
}

/* suggest: the known name closest to s (case or one or two typos away), or NULL. */
static const char *suggest(const char *s, size_t len, const char *const *known)
{
	const char *best = NULL;
	unsigned bestd = len <= 4 ? 1 : 2;
	for (size_t i = 0; known[i]; i++) {
		size_t kl = strlen(known[i]);
		unsigned dd;
		if ((len > kl ? len - kl : kl - len) > bestd)
			continue; /* the distance is at least the difference in length */
		dd = distance(s, len, known[i], kl);
		if (dd <= bestd) {
			best = known[i];
			bestd = dd;
		}
	}
	return best;
}

static bool in_list(const struct node *key, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (eq(key, list[i]))
			return true;
	return false;
}

/*
 * check_fields: report every key of map that is not in known, as an error
 * (strict) or a warning, with a suggestion, a hint, or the known fields.
 */
static void check_fields(struct k8s *k, const struct node *map, const char *const *known,
			 const char *where, bool strict, const struct hint *hints)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct node *key = map->pairs[i].key;
		const char *sug, *hint = NULL;
		struct strbuf sb = STRBUF_INIT;
		if (in_list(key, known))
			continue;
		for (size_t j = 0; hints && hints[j].field; j++)
			if (eq(key, hints[j].field))
				hint = hints[j].text;
		/* past many diagnostics nobody reads suggestions: keep hostile input cheap */
		if (hint) {
			strbuf_addstr(&sb, hint);
		} else if (k->d->errors + k->d->warnings < SUGGEST_BUDGET &&
			   (sug = suggest(key->str, key->len, known))) {
			strbuf_addf(&sb, "did you mean '%s'?", sug);
		} else {
			strbuf_addstr(&sb, "known fields:");
			for (size_t j = 0; known[j]; j++)
				strbuf_addf(&sb, "%s %s", j ? "," : "", known[j]);
		}
		if (strict)
			diag_error(k->d, &key->loc, "unknown field %s in %s; %s", shown(k, key),
				   where, sb.buf);
		else
			diag_warning(k->d, &key->loc, "unknown field %s in %s is ignored; %s",
				     shown(k, key), where, sb.buf);
		strbuf_release(&sb);
	}
}

/* ---- labels and selectors -------------------------------------------- */

/*
 * read_labels: a map of label key -> string value, validated, sorted by
 * key.  One spare slot is allocated for the namespace name label.
 */
static void read_labels(struct k8s *k, const struct node *map, struct labelset *out)
{
	out->v = arena_array(k->a, map->n + 1, sizeof(*out->v));
	out->n = 0;
	for (size_t i = 0; i < map->n; i++) {
		const struct node *key = map->pairs[i].key, *v = map->pairs[i].value;
		const char *why = valid_label_key(key->str, key->len);
		struct label *l = &out->v[out->n];
		if (why) {
			diag_error(k->d, &key->loc, "invalid label key %s: %s", shown(k, key), why);
			continue;
		}
		l->key = key->str;
		l->loc = key->loc;
		if (v->kind == NODE_NULL) {
			diag_warning(k->d, &v->loc,
				     "label %s has no value; it is read as the empty string (write "
				     "%.*s: \"\" to say so)",
				     shown(k, key), (int)key->len, key->str);
			l->value = "";
		} else if (v->kind != NODE_STR) {
			const char *what = arena_printf(k->a, "label %s", shown(k, key));
			want(k, v, NODE_STR, what);
			continue;
		} else if ((why = valid_label_value(v->str, v->len))) {
			diag_error(k->d, &v->loc, "invalid value %s of label %s: %s", shown(k, v),
				   shown(k, key), why);
			continue;
		} else {
			l->value = v->str;
		}
		out->n++;
	}
	labelset_sort(out);
}

static const char *const selector_fields[] = { "matchLabels", "matchExpressions", NULL };
static const char *const requirement_fields[] = { "key", "operator", "values", NULL };
static const char *const operators[] = { "In", "NotIn", "Exists", "DoesNotExist", NULL };

static void read_requirement(struct k8s *k, const struct node *n, struct sel_req *r)
{
	const struct node *key, *op, *values;
	const struct node_pair *vp;
	const char *why;
	int opi = -1;

	r->loc = n->loc;
	check_fields(k, n, requirement_fields, "matchExpressions item", true, NULL);
	key = need_str(k, n, "key", "matchExpressions item");
	if (key) {
		if ((why = valid_label_key(key->str, key->len)))
			diag_error(k->d, &key->loc, "invalid label key %s: %s", shown(k, key), why);
		r->key = key->str;
	}
	op = need_str(k, n, "operator", "matchExpressions item");
	if (op) {
		for (int i = 0; operators[i]; i++)
			if (eq(op, operators[i]))
				opi = i;
		if (opi < 0) {
			const char *sug = suggest(op->str, op->len, operators);
			if (sug)
				diag_error(k->d, &op->loc,
					   "unknown selector operator %s; did you mean '%s'? "
					   "(operators are case-sensitive)",
					   shown(k, op), sug);
			else
				diag_error(
					k->d, &op->loc,
					"unknown selector operator %s: must be In, NotIn, Exists "
					"or DoesNotExist",
					shown(k, op));
		} else {
			r->op = (enum sel_op)opi;
		}
	}
	vp = pair_of(n, "values");
	values = vp && vp->value->kind != NODE_NULL ? vp->value : NULL;
	if (values && want(k, values, NODE_SEQ, "values")) {
		r->values = arena_array(k->a, values->n, sizeof(*r->values));
		for (size_t i = 0; i < values->n; i++) {
			const struct node *v = values->items[i];
			if (!want(k, v, NODE_STR, "values item"))
				continue;
			if ((why = valid_label_value(v->str, v->len)))
				diag_error(k->d, &v->loc, "invalid label value %s: %s", shown(k, v),
					   why);
			r->values[r->nvalues++] = v->str;
		}
	} else if (values) {
		return;
	}
	if (opi < 0)
		return;
	if ((r->op == SEL_IN || r->op == SEL_NOT_IN) && !(values && values->n))
		diag_error(k->d, vp ? &vp->key->loc : &n->loc,
			   "operator %s needs a non-empty 'values' list", operators[opi]);
	if ((r->op == SEL_EXISTS || r->op == SEL_DOES_NOT_EXIST) && values && values->n)
		diag_error(k->d, &vp->key->loc, "operator %s takes no values; remove 'values'",
			   operators[opi]);
}

/* read_selector: a LabelSelector; NULL after a type error. */
static struct selector *read_selector(struct k8s *k, const struct node *n, const char *what)
{
	struct selector *s;
	const struct node *ml, *me;

	if (!want(k, n, NODE_MAP, what))
		return NULL;
	check_fields(k, n, selector_fields, what, true, NULL);
	s = arena_zalloc(k->a, sizeof(*s));
	s->loc = n->loc;
	if ((ml = typed(k, n, "matchLabels", NODE_MAP))) {
		struct labelset ls;
		read_labels(k, ml, &ls);
		s->match_labels = ls.v;
		s->nlabels = ls.n;
	}
	if ((me = typed(k, n, "matchExpressions", NODE_SEQ))) {
		s->exprs = arena_array(k->a, me->n, sizeof(*s->exprs));
		for (size_t i = 0; i < me->n; i++)
			if (want(k, me->items[i], NODE_MAP, "matchExpressions item"))
				read_requirement(k, me->items[i], &s->exprs[s->nexprs++]);
	}
	return s;
}

/* ---- NetworkPolicy ports --------------------------------------------- */

static const char *const port_fields[] = { "protocol", "port", "endPort", NULL };

/* read_protocol: TCP, UDP or SCTP exactly; -1 (reported) otherwise. */
static int read_protocol(struct k8s *k, const struct node *n)
{
	static const char *const names[] = { "TCP", "UDP", "SCTP", NULL };
	for (int i = 0; names[i]; i++)
		if (eq(n, names[i]))
			return i;
	if (proto_parse(n->str) >= 0 && !has_nul(n))
		diag_error(k->d, &n->loc,
			   "unsupported protocol %s: must be TCP, UDP or SCTP (upper case)",
			   shown(k, n));
	else
		diag_error(k->d, &n->loc, "unsupported protocol %s: must be TCP, UDP or SCTP",
			   shown(k, n));
	return -1;
}

static bool port_in_range(struct k8s *k, const struct node *n, const char *what)
{
	if (n->ival >= 1 && n->ival <= 65535)
		return true;
	diag_error(k->d, &n->loc, "%s %lld is out of range: must be between 1 and 65535", what,
		   n->ival);
	return false;
}

static void read_port_name(struct k8s *k, const struct node *n)
{
	const char *why = valid_port_name(n->str, n->len);
	if (!why)
		return;
	if (all_digits(n->str, n->len))
		diag_error(k->d, &n->loc,
			   "invalid port name %s: %s; for port number %.*s write it without quotes",
			   shown(k, n), why, (int)n->len, n->str);
	else
		diag_error(k->d, &n->loc, "invalid port name %s: %s", shown(k, n), why);
}

static void read_port(struct k8s *k, const struct node *n, struct port *pt)
{
	const struct node *proto, *port, *end;

	pt->loc = n->loc;
	pt->proto = PROTO_TCP;
	check_fields(k, n, port_fields, "port", true, NULL);
	if ((proto = typed(k, n, "protocol", NODE_STR))) {
		int p = read_protocol(k, proto);
		pt->proto_explicit = true;
		if (p >= 0)
			pt->proto = (enum proto)p;
	}
	port = val(n, "port");
	if (port && port->kind == NODE_INT) {
		pt->has_port = true;
		if (port_in_range(k, port, "port"))
			pt->port = (uint16_t)port->ival;
	} else if (port && port->kind == NODE_STR) {
		pt->has_port = true;
		pt->name = port->str;
		read_port_name(k, port);
	} else if (port) {
		diag_error(k->d, &port->loc,
			   "port: expected a number or a port name (a string), got %s%s%s%s",
			   node_kind_name(port->kind), is_scalar(port) ? " (" : "",
			   is_scalar(port) ? port->str : "", is_scalar(port) ? ")" : "");
		port = NULL;
	}
	end = val(n, "endPort");
	if (!end || !want(k, end, NODE_INT, "endPort"))
		return;
	if (!pt->has_port) {
		diag_error(k->d, &end->loc,
			   "endPort needs a numeric 'port' (the start of the range)");
	} else if (pt->name) {
		diag_error(k->d, &end->loc,
			   "endPort cannot be used with a named port (%s); give 'port' as a number",
			   shown(k, port));
	} else if (port_in_range(k, end, "endPort") && pt->port) {
		if (end->ival < pt->port)
			diag_error(k->d, &end->loc,
				   "endPort %lld must be greater than or equal to port %u",
				   end->ival, pt->port);
		else
			pt->end_port = (uint16_t)end->ival;
	}
}

/* ---- NetworkPolicy peers --------------------------------------------- */

static const char *const peer_fields[] = { "podSelector", "namespaceSelector", "ipBlock", NULL };
static const char *const ipblock_fields[] = { "cidr", "except", NULL };

/* parse_cidr: n (a string) as ADDR/LEN; a host-bits form is masked with a warning. */
static bool parse_cidr(struct k8s *k, const struct node *n, const char *what, struct prefix *out)
{
	bool host_bits = false;
	const char *why = NULL;
	char buf[ADDR_STRLEN];
	struct addr a;

	if (has_nul(n) || !n->len) {
		diag_error(k->d, &n->loc, "invalid %s %s: must be a CIDR such as 10.0.0.0/8", what,
			   shown(k, n));
		return false;
	}
	if (!memchr(n->str, '/', n->len) && !addr_parse(n->str, &a)) {
		diag_error(
			k->d, &n->loc,
			"invalid %s %s: the prefix length is missing (for this one address write "
			"%s/%d)",
			what, shown(k, n), n->str, a.family == AF4 ? 32 : 128);
		return false;
	}
	if (prefix_parse(n->str, out, &host_bits, &why)) {
		diag_error(k->d, &n->loc, "invalid %s %s: %s", what, shown(k, n),
			   why ? why : "not an IP prefix");
		return false;
	}
	if (host_bits)
		diag_warning(k->d, &n->loc, "%s %s has host bits set; it is read as %s", what,
			     shown(k, n), prefix_format(out, buf));
	return true;
}

static const char *family_name(const struct prefix *p)
{
	return p->a.family == AF4 ? "IPv4" : "IPv6";
}

/* read_ipblock: the ipBlock n, found under the key at key (where a missing cidr is reported). */
static const struct ipblock *read_ipblock(struct k8s *k, const struct node *n,
					  const struct loc *key)
{
	struct ipblock *b;
	const struct node *cidr = NULL, *except;
	bool ok = false;

	if (!want(k, n, NODE_MAP, "ipBlock"))
		return NULL;
	check_fields(k, n, ipblock_fields, "ipBlock", true, NULL);
	b = arena_zalloc(k->a, sizeof(*b));
	b->loc = n->loc;
	if (!val(n, "cidr"))
		diag_error(k->d, key, "ipBlock has no 'cidr'");
	else if ((cidr = typed(k, n, "cidr", NODE_STR))) {
		b->cidr_text = cidr->str;
		b->cidr_loc = cidr->loc;
		ok = parse_cidr(k, cidr, "cidr", &b->cidr);
	}
	if (!(except = typed(k, n, "except", NODE_SEQ)))
		return b;
	b->except = arena_array(k->a, except->n, sizeof(*b->except));
	b->except_text = arena_array(k->a, except->n, sizeof(*b->except_text));
	b->except_loc = arena_array(k->a, except->n, sizeof(*b->except_loc));
	for (size_t i = 0; i < except->n; i++) {
		const struct node *e = except->items[i];
		struct prefix *p = &b->except[b->nexcept];
		if (!want(k, e, NODE_STR, "except item") || !parse_cidr(k, e, "except", p))
			continue;
		b->except_text[b->nexcept] = e->str;
		b->except_loc[b->nexcept++] = e->loc;
		if (!ok)
			continue;
		if (p->a.family != b->cidr.a.family)
			diag_error(k->d, &e->loc, "except %s is %s but cidr %s is %s", shown(k, e),
				   family_name(p), shown(k, cidr), family_name(&b->cidr));
		else if (!prefix_contains(&b->cidr, &p->a))
			diag_error(k->d, &e->loc, "except %s is not inside cidr %s", shown(k, e),
				   shown(k, cidr));
		else if (p->len <= b->cidr.len)
			diag_error(k->d, &e->loc,
				   "except %s covers all of cidr %s; an except must be strictly "
				   "inside it (a prefix longer than /%u)",
				   shown(k, e), shown(k, cidr), b->cidr.len);
	}
	return b;
}

static void read_peer(struct k8s *k, const struct node *n, enum dir dir, struct peer *pe)
{
	const struct node_pair *ipb = pair_of(n, "ipBlock");
	const struct node *v;
	unsigned nset = 0;

	pe->loc = n->loc;
	check_fields(k, n, peer_fields, "peer", true, NULL);
	if ((v = val(n, "podSelector"))) {
		pe->pod_sel = read_selector(k, v, "podSelector");
		nset++;
	}
	if ((v = val(n, "namespaceSelector"))) {
		pe->ns_sel = read_selector(k, v, "namespaceSelector");
		nset++;
	}
	if ((v = val(n, "ipBlock"))) {
		pe->ipblock = read_ipblock(k, v, &ipb->key->loc);
		nset++;
	}
	if (!nset)
		diag_error(k->d, &n->loc,
			   "empty peer: set podSelector, namespaceSelector or ipBlock (to match "
			   "every %s, leave out '%s')",
			   dir == DIR_INGRESS ? "source" : "destination",
			   dir == DIR_INGRESS ? "from" : "to");
	else if (nset > 1 && val(n, "ipBlock"))
		diag_error(
			k->d, &ipb->key->loc,
			"ipBlock cannot be combined with podSelector or namespaceSelector in one "
			"peer; make them separate list items");
}

/* ---- NetworkPolicy rules and spec ------------------------------------ */

static const char *const rule_fields[NDIR][3] = { { "from", "ports", NULL },
						  { "to", "ports", NULL } };
static const struct hint rule_hints[NDIR][5] = {
	{ { "to", "ingress rules name their peers in 'from'" },
	  { "podSelector", "peers belong in a 'from' list: from: [{podSelector: ...}]" },
	  { "namespaceSelector",
	    "peers belong in a 'from' list: from: [{namespaceSelector: ...}]" },
	  { "ipBlock", "peers belong in a 'from' list: from: [{ipBlock: ...}]" },
	  { NULL, NULL } },
	{ { "from", "egress rules name their peers in 'to'" },
	  { "podSelector", "peers belong in a 'to' list: to: [{podSelector: ...}]" },
	  { "namespaceSelector", "peers belong in a 'to' list: to: [{namespaceSelector: ...}]" },
	  { "ipBlock", "peers belong in a 'to' list: to: [{ipBlock: ...}]" },
	  { NULL, NULL } },
};

static void read_rule(struct k8s *k, const struct node *n, enum dir dir, struct rule *r)
{
	const char *pkey = rule_fields[dir][0];
	const struct node_pair *pp = pair_of(n, pkey), *po = pair_of(n, "ports");
	const struct node *v;

	r->loc = n->loc;
	r->action = ACT_ALLOW;
	check_fields(k, n, rule_fields[dir], dir == DIR_INGRESS ? "ingress rule" : "egress rule",
		     true, rule_hints[dir]);
	r->peers_given = pp != NULL;
	r->ports_given = po != NULL;
	if ((v = typed(k, n, pkey, NODE_SEQ))) {
		r->peers = arena_array(k->a, v->n, sizeof(*r->peers));
		for (size_t i = 0; i < v->n; i++)
			if (want(k, v->items[i], NODE_MAP, "peer"))
				read_peer(k, v->items[i], dir, &r->peers[r->npeers++]);
	}
	if ((v = typed(k, n, "ports", NODE_SEQ))) {
		r->ports = arena_array(k->a, v->n, sizeof(*r->ports));
		for (size_t i = 0; i < v->n; i++)
			if (want(k, v->items[i], NODE_MAP, "ports item"))
				read_port(k, v->items[i], &r->ports[r->nports++]);
	}
}

static void read_rules(struct k8s *k, struct policy *p, const struct node *spec, enum dir dir)
{
	const char *key = dir == DIR_INGRESS ? "ingress" : "egress";
	const struct node_pair *pr = pair_of(spec, key);
	const struct node *v;

	if (!pr)
		return;
	p->rules_given[dir] = true;
	p->rules_loc[dir] = pr->key->loc;
	if (!(v = typed(k, spec, key, NODE_SEQ)))
		return;
	p->rules[dir] = arena_array(k->a, v->n, sizeof(*p->rules[dir]));
	for (size_t i = 0; i < v->n; i++) {
		const char *what = dir == DIR_INGRESS ? "ingress rule" : "egress rule";
		if (v->items[i]->kind == NODE_NULL)
			diag_error(k->d, &v->items[i]->loc,
				   "%s: expected a mapping, got null (write {} for a rule that "
				   "matches all traffic)",
				   what);
		else if (want(k, v->items[i], NODE_MAP, what))
			read_rule(k, v->items[i], dir, &p->rules[dir][p->nrules[dir]++]);
	}
}

/* read_policy_types: explicit policyTypes into p->types; false when absent or empty. */
static bool read_policy_types(struct k8s *k, struct policy *p, const struct node *spec)
{
	const struct node_pair *pr = pair_of(spec, "policyTypes");
	const struct node *v;
	bool any = false;

	if (!pr)
		return false;
	p->types_loc = pr->key->loc;
	if (!(v = typed(k, spec, "policyTypes", NODE_SEQ)) || !v->n)
		return false;
	if (v->n > 2)
		diag_error(k->d, &v->loc,
			   "policyTypes may list at most two types (Ingress, Egress)");
	for (size_t i = 0; i < v->n; i++) {
		const struct node *t = v->items[i];
		enum dir dd;
		if (!want(k, t, NODE_STR, "policyTypes item"))
			continue;
		if (eq(t, "Ingress")) {
			dd = DIR_INGRESS;
		} else if (eq(t, "Egress")) {
			dd = DIR_EGRESS;
		} else {
			static const char *const types[] = { "Ingress", "Egress", NULL };
			const char *sug = suggest(t->str, t->len, types);
			if (sug)
				diag_error(k->d, &t->loc,
					   "unsupported policyType %s; did you mean '%s'? "
					   "(policyTypes are case-sensitive)",
					   shown(k, t), sug);
			else
				diag_error(k->d, &t->loc,
					   "unsupported policyType %s: must be Ingress or Egress",
					   shown(k, t));
			continue;
		}
		if (p->types[dd])
			diag_warning(k->d, &t->loc, "policyType '%s' is listed twice",
				     dir_type_name(dd));
		p->types[dd] = true;
		any = true;
	}
	return any;
}

/* ---- metadata -------------------------------------------------------- */

static const char *const meta_fields[] = { "name",
					   "generateName",
					   "namespace",
					   "selfLink",
					   "uid",
					   "resourceVersion",
					   "generation",
					   "creationTimestamp",
					   "deletionTimestamp",
					   "deletionGracePeriodSeconds",
					   "labels",
					   "annotations",
					   "ownerReferences",
					   "finalizers",
					   "managedFields",
					   "clusterName",
					   NULL };

enum scope { SCOPE_CLUSTER, SCOPE_NAMESPACED };

struct meta {
	const char *name; /* NULL when missing or invalid */
	const char *ns;	  /* namespaced objects: metadata.namespace or the default */
	struct loc name_loc;
	struct labelset labels;
};

/*
 * read_meta: metadata of an object of kind (anchor: where to report what is
 * missing).  Unknown metadata fields are errors when strict, warnings
 * otherwise.
 */
static void read_meta(struct k8s *k, const struct node *obj, const char *kind,
		      const struct loc *anchor, enum scope scope, bool strict, struct meta *md)
{
	const struct node *meta, *name, *ns, *labels, *ann;
	const char *why;

	memset(md, 0, sizeof(*md));
	md->name_loc = *anchor;
	meta = typed(k, obj, "metadata", NODE_MAP);
	if (meta)
		check_fields(k, meta, meta_fields, "metadata", strict, NULL);
	name = typed(k, meta, "name", NODE_STR);
	if (!name) {
		if (!val(meta, "name"))
			diag_error(k->d, anchor, "%s has no metadata.name%s", kind,
				   val(meta, "generateName") ? " (generateName is not expanded)"
							     : "");
	} else if ((why = scope == SCOPE_CLUSTER ? valid_dns_label(name->str, name->len)
						 : valid_dns_subdomain(name->str, name->len))) {
		diag_error(k->d, &name->loc, "invalid %s name %s: %s", kind, shown(k, name), why);
	} else {
		md->name = name->str;
		md->name_loc = name->loc;
	}
	if (scope == SCOPE_NAMESPACED) {
		ns = typed(k, meta, "namespace", NODE_STR);
		if (ns && ns->len) {
			if ((why = valid_dns_label(ns->str, ns->len)))
				diag_error(k->d, &ns->loc, "invalid namespace name %s: %s",
					   shown(k, ns), why);
			else
				md->ns = ns->str;
		} else if (!ns && val(meta, "namespace")) {
			/* wrong type: already reported */
		} else if (k->o && k->o->default_ns) {
			md->ns = k->o->default_ns;
		} else {
			diag_error(k->d, &md->name_loc,
				   "%s %s has no metadata.namespace; pass -n NAMESPACE", kind,
				   name ? shown(k, name) : "(unnamed)");
		}
	}
	if ((labels = typed(k, meta, "labels", NODE_MAP)))
		read_labels(k, labels, &md->labels);
	if ((ann = typed(k, meta, "annotations", NODE_MAP))) {
		for (size_t i = 0; i < ann->n; i++) {
			const struct node *v = ann->pairs[i].value;
			if (v->kind != NODE_NULL && v->kind != NODE_STR)
				want(k, v, NODE_STR,
				     arena_printf(k->a, "annotation %s",
						  shown(k, ann->pairs[i].key)));
		}
	}
}

/* ---- NetworkPolicy --------------------------------------------------- */

static const char *const policy_fields[] = { "apiVersion", "kind",   "metadata",
					     "spec",	   "status", NULL };
static const char *const spec_fields[] = { "podSelector", "policyTypes", "ingress", "egress",
					   NULL };
static const struct hint policy_hints[] = {
	{ "podSelector", "'podSelector' belongs under 'spec'" },
	{ "policyTypes", "'policyTypes' belongs under 'spec'" },
	{ "ingress", "'ingress' belongs under 'spec'" },
	{ "egress", "'egress' belongs under 'spec'" },
	{ NULL, NULL },
};
static const struct hint spec_hints[] = {
	{ "from", "'from' belongs in an ingress rule: ingress: [{from: ...}]" },
	{ "to", "'to' belongs in an egress rule: egress: [{to: ...}]" },
	{ "ports", "'ports' belongs in an ingress or egress rule" },
	{ "namespaceSelector", "a policy applies to pods of its own namespace only; "
			       "namespaceSelector belongs in a peer" },
	{ NULL, NULL },
};

static void lower_policy(struct k8s *k, const struct node *obj, const struct loc *anchor)
{
	size_t e0 = k->d->errors;
	struct policy *p = arena_zalloc(k->a, sizeof(*p));
	const struct node_pair *sp = pair_of(obj, "spec");
	const struct node *spec, *ps;
	struct meta md;

	check_fields(k, obj, policy_fields, "NetworkPolicy", true, policy_hints);
	read_meta(k, obj, "NetworkPolicy", anchor, SCOPE_NAMESPACED, true, &md);
	p->loc = obj->loc;
	p->kind = "NetworkPolicy";
	p->name = md.name;
	p->name_loc = md.name_loc;
	p->ns = md.ns;
	p->types_loc = sp ? sp->key->loc : *anchor;
	spec = typed(k, obj, "spec", NODE_MAP);
	if (spec)
		check_fields(k, spec, spec_fields, "NetworkPolicy spec", true, spec_hints);
	if ((ps = val(spec, "podSelector")))
		p->pod_sel = read_selector(k, ps, "podSelector");
	if (!p->pod_sel) {
		struct selector *all = arena_zalloc(k->a, sizeof(*all));
		all->loc = spec ? spec->loc : *anchor;
		p->pod_sel = all;
	}
	p->types_explicit = read_policy_types(k, p, spec);
	read_rules(k, p, spec, DIR_INGRESS);
	read_rules(k, p, spec, DIR_EGRESS);
	if (!p->types_explicit) {
		/* SetDefaults_NetworkPolicy: Ingress, plus Egress iff egress has rules */
		p->types[DIR_INGRESS] = true;
		p->types[DIR_EGRESS] = p->nrules[DIR_EGRESS] > 0;
	}
	if (k->d->errors == e0)
		model_add_policy(k->m, p);
}

/* ---- pods and workloads ---------------------------------------------- */

struct port_vec {
	struct named_port *v;
	size_t n, alloc;
};

static int cmp_port_name(const void *x, const void *y)
{
	const struct node *a = *(const struct node *const *)x, *b = *(const struct node *const *)y;
	size_t l = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->str, b->str, l);
	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	/* equal names: document order, so the note points at the first */
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	return a->loc.col < b->loc.col ? -1 : a->loc.col > b->loc.col;
}

/* read_container_ports: the ports of one container; names unique within it. */
static void read_container_ports(struct k8s *k, const struct node *c, struct port_vec *pv)
{
	const struct node *ports = typed(k, c, "ports", NODE_SEQ), **names;
	size_t nnames = 0;

	if (!ports)
		return;
	names = xcalloc(ports->n ? ports->n : 1, sizeof(*names));
	for (size_t i = 0; i < ports->n; i++) {
		const struct node *it = ports->items[i], *num, *name, *proto;
		struct named_port np = { 0 };
		const char *why;
		if (!want(k, it, NODE_MAP, "ports item"))
			continue;
		np.loc = it->loc;
		np.proto = PROTO_TCP;
		if ((num = val(it, "containerPort")) && want(k, num, NODE_INT, "containerPort") &&
		    port_in_range(k, num, "containerPort"))
			np.port = (uint16_t)num->ival;
		else if (!num)
			diag_error(k->d, &it->loc, "container port has no 'containerPort'");
		if ((name = typed(k, it, "name", NODE_STR)) && name->len) {
			if ((why = valid_port_name(name->str, name->len))) {
				diag_error(k->d, &name->loc, "invalid port name %s: %s",
					   shown(k, name), why);
			} else {
				np.name = name->str;
				names[nnames++] = name;
			}
		}
		if ((proto = typed(k, it, "protocol", NODE_STR))) {
			int p = read_protocol(k, proto);
			if (p >= 0)
				np.proto = (enum proto)p;
		}
		VEC_PUSH(pv->v, pv->n, pv->alloc, np);
	}
	if (nnames > 1)
		qsort(names, nnames, sizeof(*names), cmp_port_name);
	for (size_t i = 1; i < nnames; i++) {
		if (names[i]->len != names[i - 1]->len ||
		    memcmp(names[i]->str, names[i - 1]->str, names[i]->len))
			continue;
		diag_error(k->d, &names[i]->loc, "duplicate port name %s in one container",
			   shown(k, names[i]));
		diag_note(k->d, &names[i - 1]->loc, "first used here");
	}
	free(names);
}

/*
 * read_pod_spec: node name, host network and container ports (containers,
 * and sidecars: init containers with restartPolicy Always, which run beside
 * them and whose named ports Services resolve too).
 */
static void read_pod_spec(struct k8s *k, const struct node *spec, struct pod *p)
{
	const struct node *v, *cs;
	struct port_vec pv = { 0 };

	if ((v = typed(k, spec, "nodeName", NODE_STR)))
		p->node_name = v->str;
	if ((v = val(spec, "hostNetwork")) && want(k, v, NODE_BOOL, "hostNetwork"))
		p->host_network = v->bval;
	if ((cs = typed(k, spec, "containers", NODE_SEQ)))
		for (size_t i = 0; i < cs->n; i++)
			if (want(k, cs->items[i], NODE_MAP, "containers item"))
				read_container_ports(k, cs->items[i], &pv);
	if ((cs = typed(k, spec, "initContainers", NODE_SEQ))) {
		for (size_t i = 0; i < cs->n; i++) {
			const struct node *c = cs->items[i], *rp;
			if (!want(k, c, NODE_MAP, "initContainers item"))
				continue;
			rp = typed(k, c, "restartPolicy", NODE_STR);
			if (rp && eq(rp, "Always"))
				read_container_ports(k, c, &pv);
		}
	}
	if (pv.n) {
		p->ports = arena_memdup(k->a, pv.v, pv.n * sizeof(*pv.v));
		p->nports = pv.n;
	}
	free(pv.v);
}

/* add_pod_ip: one status address; duplicates merge, a second one per family is an error. */
static void add_pod_ip(struct k8s *k, struct pod *p, const struct node *n)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	if (has_nul(n) || addr_parse(n->str, &a)) {
		diag_error(k->d, &n->loc, "invalid pod IP %s: must be an IPv4 or IPv6 address",
			   shown(k, n));
		return;
	}
	for (size_t i = 0; i < p->nips; i++) {
		if (!addr_cmp(&p->ips[i], &a))
			return;
		if (p->ips[i].family == a.family) {
			diag_error(
				k->d, &n->loc,
				"pod IP %s is a second %s address (the pod has %s); a pod has at "
				"most one address per family",
				shown(k, n), a.family == AF4 ? "IPv4" : "IPv6",
				addr_format(&p->ips[i], buf));
			return;
		}
	}
	p->ips[p->nips++] = a;
}

static void read_pod_status(struct k8s *k, const struct node *status, struct pod *p)
{
	const struct node *v, *ips;

	p->ips = arena_array(k->a, 2, sizeof(*p->ips));
	if ((v = typed(k, status, "podIP", NODE_STR)) && v->len)
		add_pod_ip(k, p, v);
	if (!(ips = typed(k, status, "podIPs", NODE_SEQ)))
		return;
	for (size_t i = 0; i < ips->n; i++) {
		const struct node *it = ips->items[i];
		if (want(k, it, NODE_MAP, "podIPs item") &&
		    (v = need_str(k, it, "ip", "podIPs item")))
			add_pod_ip(k, p, v);
	}
}

static void lower_pod(struct k8s *k, const struct node *obj, const struct loc *anchor)
{
	size_t e0 = k->d->errors;
	struct pod *p = arena_zalloc(k->a, sizeof(*p));
	struct meta md;

	read_meta(k, obj, "Pod", anchor, SCOPE_NAMESPACED, false, &md);
	p->loc = obj->loc;
	p->name = md.name;
	p->ns = md.ns;
	p->labels = md.labels;
	read_pod_spec(k, typed(k, obj, "spec", NODE_MAP), p);
	read_pod_status(k, typed(k, obj, "status", NODE_MAP), p);
	if (k->d->errors == e0)
		model_add_pod(k->m, p);
}

/*
 * lower_workload: one template pod named after the workload, with the
 * template's labels and container ports and no address.  path leads from
 * the object to the pod template.
 */
static void lower_workload(struct k8s *k, const struct node *obj, const char *kind,
			   const char *const *path, const struct loc *anchor)
{
	size_t e0 = k->d->errors;
	struct pod *p = arena_zalloc(k->a, sizeof(*p));
	const struct node *t = obj, *tmeta, *labels;
	struct strbuf where = STRBUF_INIT;
	struct meta md;

	read_meta(k, obj, kind, anchor, SCOPE_NAMESPACED, false, &md);
	p->loc = obj->loc;
	p->name = md.name;
	p->ns = md.ns;
	p->workload_kind = kind;
	for (size_t i = 0; path[i] && t; i++) {
		const struct node *next = val(t, path[i]);
		strbuf_addf(&where, "%s%s", i ? "." : "", path[i]);
		if (!next)
			diag_error(k->d, anchor, "%s %s has no %s (the pod template)", kind,
				   md.name ? show(k, md.name, strlen(md.name)) : "(unnamed)",
				   where.buf);
		else if (!want(k, next, NODE_MAP, path[i]))
			next = NULL;
		t = next;
	}
	strbuf_release(&where);
	if (t) {
		if ((tmeta = typed(k, t, "metadata", NODE_MAP))) {
			check_fields(k, tmeta, meta_fields, "template metadata", false, NULL);
			if ((labels = typed(k, tmeta, "labels", NODE_MAP)))
				read_labels(k, labels, &p->labels);
		}
		read_pod_spec(k, typed(k, t, "spec", NODE_MAP), p);
	}
	if (k->d->errors == e0)
		model_add_pod(k->m, p);
}

/* ---- namespaces ------------------------------------------------------ */

static void lower_namespace(struct k8s *k, const struct node *obj, const struct loc *anchor)
{
	size_t e0 = k->d->errors;
	struct namespace *ns = arena_zalloc(k->a, sizeof(*ns));
	struct meta md;
	const struct label *l;

	read_meta(k, obj, "Namespace", anchor, SCOPE_CLUSTER, false, &md);
	ns->loc = obj->loc;
	ns->name = md.name;
	ns->labels = md.labels;
	if (!ns->labels.v)
		ns->labels.v = arena_array(k->a, 1, sizeof(*ns->labels.v));
	if (!ns->name)
		return;
	l = NULL;
	for (size_t i = 0; i < ns->labels.n; i++)
		if (!strcmp(ns->labels.v[i].key, LABEL_NS_NAME))
			l = &ns->labels.v[i];
	if (l && strcmp(l->value, ns->name)) {
		diag_error(k->d, &l->loc,
			   "label %s must equal the namespace name '%s' (the API server sets it), "
			   "not '%s'",
			   LABEL_NS_NAME, ns->name, l->value);
	} else if (!l) {
		struct label *nl = &ns->labels.v[ns->labels.n++];
		nl->key = LABEL_NS_NAME;
		nl->value = ns->name;
		nl->loc = md.name_loc;
		labelset_sort(&ns->labels);
	}
	if (k->d->errors == e0)
		model_add_namespace(k->m, ns);
}

/* ---- kinds and lists ------------------------------------------------- */

enum kind_type { KT_POLICY, KT_NAMESPACE, KT_POD, KT_WORKLOAD, KT_LIST };

struct kind_info {
	const char *kind;
	const char *api_version;
	const char *old_group; /* a group that once served this kind: a wrong version there is an
				  error */
	enum kind_type type;
	const char *const *template_path;
};

static const char *const spec_template[] = { "spec", "template", NULL };
static const char *const cronjob_template[] = { "spec", "jobTemplate", "spec", "template", NULL };

static const struct kind_info kinds[] = {
	{ "NetworkPolicy", "networking.k8s.io/v1", "extensions", KT_POLICY, NULL },
	{ "Namespace", "v1", NULL, KT_NAMESPACE, NULL },
	{ "Pod", "v1", NULL, KT_POD, NULL },
	{ "Deployment", "apps/v1", "extensions", KT_WORKLOAD, spec_template },
	{ "StatefulSet", "apps/v1", NULL, KT_WORKLOAD, spec_template },
	{ "DaemonSet", "apps/v1", "extensions", KT_WORKLOAD, spec_template },
	{ "ReplicaSet", "apps/v1", "extensions", KT_WORKLOAD, spec_template },
	{ "ReplicationController", "v1", NULL, KT_WORKLOAD, spec_template },
	{ "Job", "batch/v1", NULL, KT_WORKLOAD, spec_template },
	{ "CronJob", "batch/v1", NULL, KT_WORKLOAD, cronjob_template },
	{ "List", "v1", NULL, KT_LIST, NULL },
};

/* group_of: the API group of an apiVersion ("" for the core group "v1"). */
static size_t group_len(const char *av, size_t len)
{
	const char *slash = memchr(av, '/', len);
	return slash ? (size_t)(slash - av) : 0;
}

/* related_group: apiVersion av is in the group of ki (or its old group). */
static bool related_group(const struct node *av, const struct kind_info *ki)
{
	size_t gl = group_len(av->str, av->len);
	size_t kl = group_len(ki->api_version, strlen(ki->api_version));
	if (gl == kl && !memcmp(av->str, ki->api_version, gl))
		return true;
	return ki->old_group && gl == strlen(ki->old_group) && !memcmp(av->str, ki->old_group, gl);
}

static const struct kind_info *find_kind(const char *s, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strlen(kinds[i].kind) == len && !memcmp(kinds[i].kind, s, len))
			return &kinds[i];
	return NULL;
}

/* same_nocase: s (len bytes) equals a + b ignoring ASCII case. */
static bool same_nocase(const char *s, size_t len, const char *a, const char *b)
{
	size_t al = strlen(a), bl = strlen(b);
	if (len != al + bl)
		return false;
	for (size_t i = 0; i < len; i++)
		if (lower(s[i]) != lower(i < al ? a[i] : b[i - al]))
			return false;
	return true;
}

/* find_kind_nocase: a known kind (or its list) spelled with other case; *list says which. */
static const struct kind_info *find_kind_nocase(const struct node *kn, bool *list)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		*list = false;
		if (same_nocase(kn->str, kn->len, kinds[i].kind, ""))
			return &kinds[i];
		*list = true;
		if (kinds[i].type != KT_LIST &&
		    same_nocase(kn->str, kn->len, kinds[i].kind, "List"))
			return &kinds[i];
	}
	return NULL;
}

static const char *object_name(struct k8s *k, const struct node *obj)
{
	const struct node *n = val(val(obj, "metadata"), "name");
	return n && n->kind == NODE_STR ? shown(k, n) : "(unnamed)";
}

static void lower_object(struct k8s *k, const struct node *obj, const struct kind_info *implied);

static void lower_list(struct k8s *k, const struct node *obj, const struct kind_info *item)
{
	const struct node *items = typed(k, obj, "items", NODE_SEQ);
	if (!items)
		return;
	for (size_t i = 0; i < items->n; i++)
		lower_object(k, items->items[i], item);
}

/*
 * kind_of: the kind of obj and its checked apiVersion.  Items of a typed
 * list (PodList, ...) may leave out apiVersion and kind: implied gives
 * them.  NULL when the object is ignored or wrong (reported); *list is set
 * for a typed list, whose items are of the returned kind.
 */
static const struct kind_info *kind_of(struct k8s *k, const struct node *obj,
				       const struct kind_info *implied, bool *list,
				       const struct loc **anchor)
{
	const struct node *kn = val(obj, "kind"), *av = val(obj, "apiVersion");
	const struct kind_info *ki;

	*list = false;
	*anchor = &obj->loc;
	if (kn && !want(k, kn, NODE_STR, "kind"))
		return NULL;
	if (av && !want(k, av, NODE_STR, "apiVersion"))
		return NULL;
	if (!kn && implied) {
		if (av && !eq(av, implied->api_version)) {
			diag_error(k->d, &av->loc, "%s must have apiVersion %s, not %s",
				   implied->kind, implied->api_version, shown(k, av));
			return NULL;
		}
		return implied;
	}
	if (!kn) {
		diag_error(k->d, &obj->loc, "object %s has no 'kind'", object_name(k, obj));
		if (!av)
			diag_error(k->d, &obj->loc, "object %s has no 'apiVersion'",
				   object_name(k, obj));
		return NULL;
	}
	*anchor = &kn->loc;
	ki = find_kind(kn->str, kn->len);
	if (!ki && kn->len > 4 && !memcmp(kn->str + kn->len - 4, "List", 4)) {
		ki = find_kind(kn->str, kn->len - 4);
		if (ki && ki->type == KT_LIST)
			ki = NULL;
		*list = ki != NULL;
	}
	if (!ki) {
		bool l;
		const struct kind_info *sug = find_kind_nocase(kn, &l);
		if (sug)
			diag_error(k->d, &kn->loc, "unknown kind %s; did you mean '%s%s'?",
				   shown(k, kn), sug->kind, l ? "List" : "");
		else
			diag_warning(k->d, &kn->loc, "ignoring %s %s: not a kind netpolc reads",
				     is_identifier(kn) ? kn->str : shown(k, kn),
				     object_name(k, obj));
		return NULL;
	}
	if (!av && implied && implied == ki)
		return ki;
	if (!av) {
		diag_error(k->d, &kn->loc, "%s %s has no 'apiVersion'; add apiVersion: %s",
			   ki->kind, object_name(k, obj), ki->api_version);
		return NULL;
	}
	if (!eq(av, ki->api_version)) {
		if (related_group(av, ki))
			diag_error(k->d, &av->loc, "%s%s must have apiVersion %s, not %s", ki->kind,
				   *list ? "List" : "", ki->api_version, shown(k, av));
		else
			diag_warning(
				k->d, &kn->loc,
				"ignoring %s%s %s of apiVersion %s: netpolc reads %s only from "
				"apiVersion %s",
				ki->kind, *list ? "List" : "", object_name(k, obj), shown(k, av),
				ki->kind, ki->api_version);
		return NULL;
	}
	return ki;
}

/* lower_object: one object, or a list of them (items of a typed list are of kind implied). */
static void lower_object(struct k8s *k, const struct node *obj, const struct kind_info *implied)
{
	const struct kind_info *ki;
	const struct loc *anchor;
	bool list;

	if (obj->kind != NODE_MAP) {
		diag_error(
			k->d, &obj->loc,
			"expected a Kubernetes object (a mapping with apiVersion and kind), got %s",
			node_kind_name(obj->kind));
		return;
	}
	if (!(ki = kind_of(k, obj, implied, &list, &anchor)))
		return;
	if (list) {
		lower_list(k, obj, ki);
		return;
	}
	switch (ki->type) {
	case KT_POLICY:
		lower_policy(k, obj, anchor);
		break;
	case KT_NAMESPACE:
		lower_namespace(k, obj, anchor);
		break;
	case KT_POD:
		lower_pod(k, obj, anchor);
		break;
	case KT_WORKLOAD:
		lower_workload(k, obj, ki->kind, ki->template_path, anchor);
		break;
	case KT_LIST:
		lower_list(k, obj, NULL);
		break;
	}
}

int k8s_lower(struct arena *a, struct diag *d, const struct frontend_opts *o,
	      const struct node *doc, struct model *m)
{
	struct k8s k = { a, d, o, m };
	size_t e0 = d->errors;
	if (!doc)
		return 0;
	lower_object(&k, doc, NULL);
	return d->errors == e0 ? 0 : -1;
}
