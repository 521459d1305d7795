/*
 * build.c - the validated constructors every reader of policies and
 * inventory calls (see build.h): the API server's validation of
 * NetworkPolicy values, with netpolc's wording of each problem.
 */
#include "frontend/build.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/calico.h"
#include "ir/names.h"
#include "lib/strbuf.h"
#include "lib/util.h"

/* ---- messages -------------------------------------------------------- */

const char *build_quote(struct arena *a, const char *s, size_t len, size_t max)
{
	struct strbuf sb = STRBUF_INIT;
	size_t cut = len > max ? max : len;
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
	res = arena_strndup(a, sb.buf, sb.len);
	strbuf_release(&sb);
	return res;
}

const char *build_show(struct build *b, const char *s, size_t len)
{
	return build_quote(b->a, s, len, 80);
}

/* shown: build_show of the string s. */
static const char *shown(struct build *b, const struct build_str *s)
{
	return build_show(b, s->s, s->len);
}

static bool has_nul(const struct build_str *s)
{
	return memchr(s->s, '\0', s->len) != NULL;
}

/* is: s is exactly the string w. */
static bool is(const struct build_str *s, const char *w)
{
	size_t l = strlen(w);
	return s->len == l && !memcmp(s->s, w, l);
}

int build_tolower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/*
 * distance: the edit distance between a (al bytes) and b (bl bytes),
 * ignoring ASCII case; 99 when either is longer than 32 bytes.
 */
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
			unsigned best = prev + (build_tolower(a[i - 1]) != build_tolower(b[j - 1]));
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

const char *build_suggest(const char *s, size_t len, const char *const *known)
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

int build_choice(struct build *b, const struct build_str *s, const char *const *names,
		 const char *what, const char *plural, const char *must)
{
	const char *sug;

	for (int i = 0; names[i]; i++)
		if (is(s, names[i]))
			return i;
	if ((sug = build_suggest(s->s, s->len, names)))
		diag_error(b->d, &s->loc, "%s %s; did you mean '%s'? (%s are case-sensitive)", what,
			   shown(b, s), sug, plural);
	else
		diag_error(b->d, &s->loc, "%s %s: must be %s", what, shown(b, s), must);
	return -1;
}

/* ---- names and labels ------------------------------------------------ */

const char *build_name(struct build *b, const char *what, const struct build_str *name,
		       const char *(*valid)(const char *s, size_t len))
{
	const char *why = valid(name->s, name->len);
	if (!why)
		return name->s;
	diag_error(b->d, &name->loc, "invalid %s name %s: %s", what, shown(b, name), why);
	return NULL;
}

bool build_label_key(struct build *b, const struct build_str *key)
{
	const char *why = valid_label_key(key->s, key->len);
	if (why)
		diag_error(b->d, &key->loc, "invalid label key %s: %s", shown(b, key), why);
	return !why;
}

bool build_label(struct build *b, const struct build_str *key, const struct build_str *value,
		 struct label *out)
{
	const char *why;

	if (!build_label_key(b, key))
		return false;
	if ((why = valid_label_value(value->s, value->len))) {
		diag_error(b->d, &value->loc, "invalid value %s of label %s: %s", shown(b, value),
			   shown(b, key), why);
		return false;
	}
	out->key = key->s;
	out->value = value->s;
	out->loc = key->loc;
	return true;
}

void build_namespace_label(struct build *b, struct namespace *ns, const struct loc *name_loc)
{
	const struct label *l = NULL;
	struct label *nl;

	for (size_t i = 0; i < ns->labels.n; i++)
		if (!strcmp(ns->labels.v[i].key, LABEL_NS_NAME))
			l = &ns->labels.v[i];
	if (l) {
		if (strcmp(l->value, ns->name))
			diag_error(b->d, &l->loc,
				   "label %s must equal the namespace name '%s' (the API server "
				   "sets it), not '%s'",
				   LABEL_NS_NAME, ns->name, l->value);
		return;
	}
	nl = &ns->labels.v[ns->labels.n++];
	nl->key = LABEL_NS_NAME;
	nl->value = ns->name;
	nl->loc = *name_loc;
	labelset_sort(&ns->labels);
}

/* ---- selectors ------------------------------------------------------- */

static const char *const operators[] = { "In", "NotIn", "Exists", "DoesNotExist", NULL };

bool build_requirement(struct build *b, const struct build_req *in, struct sel_req *out)
{
	size_t e0 = b->d->errors;
	const char *why;
	int opi = -1;

	memset(out, 0, sizeof(*out));
	out->loc = in->loc;
	if (in->key) {
		build_label_key(b, in->key);
		out->key = in->key->s;
	}
	if (in->op && (opi = build_choice(b, in->op, operators, "unknown selector operator",
					  "operators", "In, NotIn, Exists or DoesNotExist")) >= 0)
		out->op = (enum sel_op)opi;
	if (in->values_unread)
		return false;
	if (in->nvalues)
		out->values = arena_array(b->a, in->nvalues, sizeof(*out->values));
	for (size_t i = 0; i < in->nvalues; i++) {
		const struct build_str *v = &in->values[i];
		if (!v->s)
			continue;
		if ((why = valid_label_value(v->s, v->len)))
			diag_error(b->d, &v->loc, "invalid label value %s: %s", shown(b, v), why);
		out->values[out->nvalues++] = v->s;
	}
	if (opi < 0)
		return false;
	if ((out->op == SEL_IN || out->op == SEL_NOT_IN) && !in->nvalues)
		diag_error(b->d, in->values_loc ? in->values_loc : &in->loc,
			   "operator %s needs a non-empty 'values' list", operators[opi]);
	if ((out->op == SEL_EXISTS || out->op == SEL_DOES_NOT_EXIST) && in->nvalues)
		diag_error(b->d, in->values_loc, "operator %s takes no values; remove 'values'",
			   operators[opi]);
	return b->d->errors == e0;
}

struct selector *build_selector(struct build *b, const struct loc *loc, const struct labelset *ls,
				struct sel_req *exprs, size_t nexprs)
{
	struct selector *s = arena_zalloc(b->a, sizeof(*s));
	s->loc = *loc;
	if (ls) {
		s->match_labels = ls->v;
		s->nlabels = ls->n;
	}
	s->exprs = exprs;
	s->nexprs = nexprs;
	return s;
}

/* ---- ports ----------------------------------------------------------- */

/* k8s_protocol: TCP, UDP or SCTP exactly (as enum proto); else reports it and returns -1. */
static int k8s_protocol(struct build *b, const struct build_str *s)
{
	static const char *const names[] = { "TCP", "UDP", "SCTP", NULL };
	for (int i = 0; names[i]; i++)
		if (is(s, names[i]))
			return i;
	if (proto_parse(s->s) >= 0 && !has_nul(s))
		diag_error(b->d, &s->loc,
			   "unsupported protocol %s: must be TCP, UDP or SCTP (upper case)",
			   shown(b, s));
	else
		diag_error(b->d, &s->loc, "unsupported protocol %s: must be TCP, UDP or SCTP",
			   shown(b, s));
	return -1;
}

static bool port_in_range(struct build *b, const struct build_num *n, const char *what)
{
	if (n->v >= 1 && n->v <= 65535)
		return true;
	diag_error(b->d, &n->loc, "%s %lld is out of range: must be between 1 and 65535", what,
		   n->v);
	return false;
}

/* port_name_ok: name is a valid port name; number_hint: suggest a number for digits. */
static bool port_name_ok(struct build *b, const struct build_str *name, bool number_hint)
{
	const char *why = valid_port_name(name->s, name->len);
	if (!why)
		return true;
	if (number_hint && all_digits(name->s, name->len))
		diag_error(b->d, &name->loc,
			   "invalid port name %s: %s; for port number %.*s write it without quotes",
			   shown(b, name), why, (int)name->len, name->s);
	else
		diag_error(b->d, &name->loc, "invalid port name %s: %s", shown(b, name), why);
	return false;
}

bool build_port(struct build *b, const struct build_port *in, struct port *out)
{
	size_t e0 = b->d->errors;
	const struct build_num *end = in->end_port;

	memset(out, 0, sizeof(*out));
	out->loc = in->loc;
	out->proto = PROTO_TCP;
	if (in->protocol) {
		int p = k8s_protocol(b, in->protocol);
		out->proto_explicit = true;
		if (p >= 0)
			out->proto = (enum proto)p;
	}
	if (in->number) {
		out->has_port = true;
		if (port_in_range(b, in->number, "port"))
			out->port = (uint16_t)in->number->v;
	} else if (in->name) {
		out->has_port = true;
		out->name = in->name->s;
		port_name_ok(b, in->name, true);
	}
	if (!end) {
		/* a single port, or every port of the protocol */
	} else if (!out->has_port) {
		diag_error(b->d, &end->loc,
			   "endPort needs a numeric 'port' (the start of the range)");
	} else if (out->name) {
		diag_error(b->d, &end->loc,
			   "endPort cannot be used with a named port (%s); give 'port' as a number",
			   shown(b, in->name));
	} else if (port_in_range(b, end, "endPort") && out->port) {
		if (end->v < out->port)
			diag_error(b->d, &end->loc,
				   "endPort %lld must be greater than or equal to port %u", end->v,
				   out->port);
		else
			out->end_port = (uint16_t)end->v;
	}
	return b->d->errors == e0;
}

bool build_container_port(struct build *b, const struct loc *loc, const struct build_num *number,
			  const struct build_str *name, const struct build_str *protocol,
			  struct named_port *out)
{
	size_t e0 = b->d->errors;

	memset(out, 0, sizeof(*out));
	out->loc = *loc;
	out->proto = PROTO_TCP;
	if (number && port_in_range(b, number, "containerPort"))
		out->port = (uint16_t)number->v;
	if (name && name->len && port_name_ok(b, name, false))
		out->name = name->s;
	if (protocol) {
		int p = k8s_protocol(b, protocol);
		if (p >= 0)
			out->proto = (enum proto)p;
	}
	return b->d->errors == e0;
}

/* cmp_name: by text, equal texts in document order (so the first comes first). */
static int cmp_name(const void *x, const void *y)
{
	const struct build_str *a = x, *b = y;
	size_t l = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->s, b->s, l);
	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	return a->loc.col < b->loc.col ? -1 : a->loc.col > b->loc.col;
}

void build_unique_port_names(struct build *b, struct build_str *names, size_t n)
{
	if (n > 1)
		xqsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 1; i < n; i++) {
		if (names[i].len != names[i - 1].len ||
		    memcmp(names[i].s, names[i - 1].s, names[i].len))
			continue;
		diag_error(b->d, &names[i].loc, "duplicate port name %s in one container",
			   shown(b, &names[i]));
		diag_note(b->d, &names[i - 1].loc, "first used here");
	}
}

/* ---- addresses ------------------------------------------------------- */

/*
 * An IPv4-mapped IPv6 prefix is refused with a located error: read as
 * IPv6 it would be a rule no packet meets, while implementations match it
 * as IPv4 (prefix_v4_mapped).
 */
/* parse_cidr: s as ADDR/LEN; a host-bits form is masked with a warning. */
static bool parse_cidr(struct build *b, const struct build_str *s, const char *what,
		       struct prefix *out)
{
	bool host_bits = false;
	const char *why = NULL;
	char buf[ADDR_STRLEN];
	struct prefix v4;
	struct addr a;

	if (has_nul(s) || !s->len) {
		diag_error(b->d, &s->loc, "invalid %s %s: must be a CIDR such as 10.0.0.0/8", what,
			   shown(b, s));
		return false;
	}
	if (!memchr(s->s, '/', s->len) && !addr_parse(s->s, &a)) {
		diag_error(b->d, &s->loc,
			   "invalid %s %s: the prefix length is missing (for this one address "
			   "write %s/%d)",
			   what, shown(b, s), s->s, a.family == AF4 ? 32 : 128);
		return false;
	}
	if (prefix_parse(s->s, out, &host_bits, &why)) {
		diag_error(b->d, &s->loc, "invalid %s %s: %s", what, shown(b, s),
			   why ? why : "not an IP prefix");
		return false;
	}
	if (prefix_v4_mapped(out, &v4)) {
		diag_error(b->d, &s->loc,
			   "invalid %s %s: an IPv4-mapped IPv6 prefix, which implementations "
			   "match as the IPv4 prefix %s; write that",
			   what, shown(b, s), prefix_format(&v4, buf));
		return false;
	}
	if (host_bits)
		diag_warning(b->d, DIAG_W_HOST_BITS, &s->loc,
			     "%s %s has host bits set; it is read as %s", what, shown(b, s),
			     prefix_format(out, buf));
	return true;
}

static const char *family_name(int family)
{
	return family == AF4 ? "IPv4" : "IPv6";
}

const struct ipblock *build_ipblock(struct build *b, const struct loc *loc,
				    const struct loc *key_loc, const struct build_str *cidr,
				    const struct build_str *except, size_t nexcept)
{
	size_t e0 = b->d->errors;
	struct ipblock *ib = arena_zalloc(b->a, sizeof(*ib));
	bool ok = false;

	ib->loc = *loc;
	if (!cidr) {
		diag_error(b->d, key_loc, "ipBlock has no 'cidr'");
	} else if (cidr->s) {
		ib->cidr_text = cidr->s;
		ib->cidr_loc = cidr->loc;
		ok = parse_cidr(b, cidr, "cidr", &ib->cidr);
	}
	if (nexcept) {
		ib->except = arena_array(b->a, nexcept, sizeof(*ib->except));
		ib->except_text = arena_array(b->a, nexcept, sizeof(*ib->except_text));
		ib->except_loc = arena_array(b->a, nexcept, sizeof(*ib->except_loc));
	}
	for (size_t i = 0; i < nexcept; i++) {
		const struct build_str *e = &except[i];
		struct prefix *p = &ib->except[ib->nexcept];
		if (!e->s || !parse_cidr(b, e, "except", p))
			continue;
		ib->except_text[ib->nexcept] = e->s;
		ib->except_loc[ib->nexcept++] = e->loc;
		if (!ok)
			continue;
		if (p->a.family != ib->cidr.a.family)
			diag_error(b->d, &e->loc, "except %s is %s but cidr %s is %s", shown(b, e),
				   family_name(p->a.family), shown(b, cidr),
				   family_name(ib->cidr.a.family));
		else if (!prefix_contains(&ib->cidr, &p->a))
			diag_error(b->d, &e->loc, "except %s is not inside cidr %s", shown(b, e),
				   shown(b, cidr));
		else if (p->len <= ib->cidr.len)
			diag_error(b->d, &e->loc,
				   "except %s covers all of cidr %s; an except must be strictly "
				   "inside it (a prefix longer than /%u)",
				   shown(b, e), shown(b, cidr), ib->cidr.len);
	}
	return b->d->errors == e0 ? ib : NULL;
}

bool build_pod_ip(struct build *b, struct pod *p, const struct build_str *ip)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	if (has_nul(ip) || addr_parse(ip->s, &a)) {
		diag_error(b->d, &ip->loc, "invalid pod IP %s: must be an IPv4 or IPv6 address",
			   shown(b, ip));
		return false;
	}
	for (size_t i = 0; i < p->nips; i++) {
		if (!addr_cmp(&p->ips[i], &a))
			return true;
		if (p->ips[i].family == a.family) {
			diag_error(b->d, &ip->loc,
				   "pod IP %s is a second %s address (the pod has %s); a pod has "
				   "at most one address per family",
				   shown(b, ip), family_name(a.family),
				   addr_format(&p->ips[i], buf));
			return false;
		}
	}
	p->ips[p->nips++] = a;
	return true;
}

/* ---- peers and policies ---------------------------------------------- */

bool build_peer(struct build *b, enum dir dir, const struct build_peer *in, struct peer *out)
{
	unsigned nset = in->pod_sel_given + in->ns_sel_given + (in->ipblock_loc != NULL);

	memset(out, 0, sizeof(*out));
	out->loc = in->loc;
	out->pod_sel = in->pod_sel;
	out->ns_sel = in->ns_sel;
	out->ipblock = in->ipblock;
	if (!nset) {
		diag_error(b->d, &in->loc,
			   "empty peer: set podSelector, namespaceSelector or ipBlock (to match "
			   "every %s, leave out '%s')",
			   dir == DIR_INGRESS ? "source" : "destination",
			   dir == DIR_INGRESS ? "from" : "to");
		return false;
	}
	if (nset > 1 && in->ipblock_loc) {
		diag_error(b->d, in->ipblock_loc,
			   "ipBlock cannot be combined with podSelector or namespaceSelector in "
			   "one peer; make them separate list items");
		return false;
	}
	return true;
}

bool build_policy_types(struct build *b, struct policy *p, const struct loc *loc,
			const struct build_str *types, size_t n)
{
	/* in enum dir order */
	static const char *const names[] = { "Ingress", "Egress", NULL };
	bool any = false;

	if (n > 2)
		diag_error(b->d, loc, "policyTypes may list at most two types (Ingress, Egress)");
	for (size_t i = 0; i < n; i++) {
		const struct build_str *t = &types[i];
		int dd;
		if (!t->s || (dd = build_choice(b, t, names, "unsupported policyType",
						"policyTypes", "Ingress or Egress")) < 0)
			continue;
		if (p->types[dd])
			diag_warning(b->d, DIAG_W_DUPLICATE_TYPE, &t->loc,
				     "policyType '%s' is listed twice",
				     dir_type_name((enum dir)dd));
		p->types[dd] = true;
		any = true;
	}
	return any;
}

void build_policy_defaults(struct policy *p)
{
	if (p->types_explicit)
		return;
	/* SetDefaults_NetworkPolicy: Ingress, plus Egress iff egress has rules */
	p->types[DIR_INGRESS] = true;
	p->types[DIR_EGRESS] = p->nrules[DIR_EGRESS] > 0;
}

/* ---- Calico ---------------------------------------------------------- */

void build_unsupported(struct build *b, const struct loc *loc, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (b->skip_unsupported)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	diag_error(b->d, loc, "%s", sb.buf);
	strbuf_release(&sb);
}

/* text_has: the n bytes at s contain the string w. */
static bool text_has(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);
	for (size_t i = 0; i + wl <= n; i++)
		if (!memcmp(s + i, w, wl))
			return true;
	return false;
}

/* lone_global: the text is "global()" with nothing but blanks around or inside the parentheses. */
static bool lone_global(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (n - i < 7 || memcmp(s + i, "global(", 7))
		return false;
	i += 7;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= n || s[i] != ')')
		return false;
	for (i++; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* values_have: some string literal of e contains w. */
static bool values_have(const struct sel_expr *e, const char *w)
{
	if (!e)
		return false;
	if (e->value && strstr(e->value, w))
		return true;
	for (size_t i = 0; i < e->nvalues; i++)
		if (strstr(e->values[i], w))
			return true;
	return values_have(e->a, w) || values_have(e->b, w);
}

/* derived_key: a label key Calico derives from namespaces or service accounts (not modelled). */
static const struct sel_expr *derived_key(const struct sel_expr *e)
{
	const struct sel_expr *r;
	if (!e)
		return NULL;
	if (e->key && (!strncmp(e->key, "pcns.", 5) || !strncmp(e->key, "pcsa.", 5) ||
		       !strcmp(e->key, "projectcalico.org/serviceaccount")))
		return e;
	if ((r = derived_key(e->a)))
		return r;
	return derived_key(e->b);
}

const struct sel_expr *build_calico_selector(struct build *b, const struct build_str *text,
					     const char *field, enum build_sel_ctx ctx)
{
	const struct sel_expr *e, *k;
	bool global = text_has(text->s, text->len, "global(");

	if (ctx != BUILD_SEL_RULE_NS && global) {
		diag_error(b->d, &text->loc,
			   "%s: global() can only be used in a rule's namespaceSelector", field);
		return NULL;
	}
	if (!(e = calico_sel_parse(b->a, b->d, &text->loc, text->s, text->len)))
		return NULL;
	if (ctx == BUILD_SEL_RULE_NS && global && !lone_global(text->s, text->len)) {
		diag_error(b->d, &text->loc,
			   "%s: global() cannot be combined with other selectors (write "
			   "namespaceSelector: global() alone)",
			   field);
		return NULL;
	}
	if (ctx != BUILD_SEL_ENDPOINT && values_have(e, "all()")) {
		build_unsupported(b, &text->loc,
				  "%s: a string holding 'all()' is not supported here (Calico "
				  "rewrites all() inside a namespaceSelector's text, strings "
				  "included)",
				  field);
		return NULL;
	}
	if (ctx == BUILD_SEL_ENDPOINT && (k = derived_key(e))) {
		build_unsupported(b, &k->loc,
				  "%s: label '%s' is one Calico derives from namespaces or service "
				  "accounts; netpolc does not model it (use namespaceSelector)",
				  field, k->key);
		return NULL;
	}
	return e;
}

bool build_calico_ns_hosts(const struct sel_expr *e)
{
	switch (e->op) {
	case SX_GLOBAL:
	case SX_NE:
	case SX_NOT_IN:
		return true;
	case SX_AND:
		return build_calico_ns_hosts(e->a) && build_calico_ns_hosts(e->b);
	case SX_OR:
		return build_calico_ns_hosts(e->a) || build_calico_ns_hosts(e->b);
	case SX_NOT:
		return !build_calico_ns_hosts(e->a);
	default:
		return false;
	}
}

/*
 * only_workloads: e requires projectcalico.org/orchestrator == 'k8s', a
 * label of workload endpoints that host endpoints never carry.
 */
static bool only_workloads(const struct sel_expr *e)
{
	if (!e)
		return false;
	if (e->op == SX_AND)
		return only_workloads(e->a) || only_workloads(e->b);
	return e->op == SX_EQ && !strcmp(e->key, "projectcalico.org/orchestrator") &&
	       !strcmp(e->value, "k8s");
}

bool build_calico_policy_ns(struct build *b, const struct sel_expr *sel, const struct loc *sel_loc,
			    const struct sel_expr *nsel, const struct loc *nsel_loc)
{
	if (build_calico_ns_hosts(nsel) && !only_workloads(sel)) {
		build_unsupported(b, nsel_loc,
				  "this namespaceSelector is also true for host endpoints (they "
				  "carry no namespace labels), so Calico would apply the policy to "
				  "them too; netpolc cannot express that: add "
				  "'has(projectcalico.org/name) && ' in front");
		return false;
	}
	if (values_have(sel, "all()")) {
		build_unsupported(b, sel_loc,
				  "selector: a string holding 'all()' is not supported with a "
				  "namespaceSelector (Calico rewrites all() in the combined text)");
		return false;
	}
	return true;
}

/* digits_value: the decimal number s[0..n) if it is at most 65535, else -1. */
static long digits_value(const char *s, size_t n)
{
	long v = 0;
	for (size_t i = 0; i < n; i++) {
		v = v * 10 + (s[i] - '0');
		if (v > 65535)
			return -1;
	}
	return v;
}

bool build_calico_protocol(struct build *b, const struct build_num *number,
			   const struct build_str *text, enum proto *out)
{
	static const char *const names[] = { "TCP", "UDP", "SCTP", NULL };
	static const char *const other[] = { "ICMP", "ICMPv6", "UDPLite", NULL };
	const struct loc *loc = number ? &number->loc : &text->loc;
	long long num = -1;

	if (number)
		num = number->v;
	else if (all_digits(text->s, text->len))
		num = digits_value(text->s, text->len) < 0 ? 256 : digits_value(text->s, text->len);
	if (num >= 0) {
		if (num < 1 || num > 255) {
			diag_error(b->d, loc,
				   "protocol %lld is invalid: a protocol number is 1-255", num);
			return false;
		}
		if (num == 6 || num == 17 || num == 132) {
			*out = num == 6 ? PROTO_TCP : num == 17 ? PROTO_UDP : PROTO_SCTP;
			return true;
		}
		build_unsupported(
			b, loc,
			"protocol %lld is not supported: netpolc models TCP (6), UDP (17) "
			"and SCTP (132)",
			num);
		return false;
	}
	for (int i = 0; names[i]; i++) {
		if (is(text, names[i])) {
			*out = (enum proto)i;
			return true;
		}
	}
	for (int i = 0; other[i]; i++) {
		if (is(text, other[i])) {
			build_unsupported(
				b, loc,
				"protocol %s is not supported: netpolc models TCP, UDP and SCTP",
				other[i]);
			return false;
		}
	}
	for (int i = 0; names[i]; i++) {
		if (text->len == strlen(names[i]) &&
		    !distance(text->s, text->len, names[i], text->len)) {
			diag_error(
				b->d, loc,
				"invalid protocol %s: Calico's protocol names are case-sensitive; "
				"write %s",
				shown(b, text), names[i]);
			return false;
		}
	}
	diag_error(b->d, loc,
		   "invalid protocol %s: must be TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number "
		   "1-255",
		   shown(b, text));
	return false;
}

/* calico_port_name_ok: numorstring's named-port syntax, [a-zA-Z0-9_.-]{1,128}. */
static bool calico_port_name_ok(const char *s, size_t n)
{
	if (n < 1 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-'))
			return false;
	}
	return true;
}

bool build_calico_port(struct build *b, const struct build_num *number,
		       const struct build_str *text, struct port *out)
{
	const char *colon;
	long lo, hi;

	memset(out, 0, sizeof(*out));
	out->has_port = true;
	if (number) {
		out->loc = number->loc;
		if (number->v < 1 || number->v > 65535) {
			diag_error(b->d, &number->loc, "port %lld is invalid: must be 1-65535",
				   number->v);
			return false;
		}
		out->port = (uint16_t)number->v;
		return true;
	}
	out->loc = text->loc;
	colon = memchr(text->s, ':', text->len);
	if (all_digits(text->s, text->len)) {
		lo = digits_value(text->s, text->len);
		hi = lo;
	} else if (colon && colon > text->s && all_digits(text->s, (size_t)(colon - text->s)) &&
		   all_digits(colon + 1, text->len - (size_t)(colon - text->s) - 1)) {
		lo = digits_value(text->s, (size_t)(colon - text->s));
		hi = digits_value(colon + 1, text->len - (size_t)(colon - text->s) - 1);
		if (lo >= 0 && hi >= 0 && lo > hi) {
			diag_error(b->d, &text->loc,
				   "port range %s is invalid: the first port is greater than the "
				   "last",
				   shown(b, text));
			return false;
		}
	} else if (calico_port_name_ok(text->s, text->len)) {
		out->name = text->s;
		return true;
	} else {
		diag_error(b->d, &text->loc,
			   "invalid port %s: must be a number, a range \"a:b\" or a port name "
			   "(1-128 of letters, digits, '_', '.' and '-')",
			   shown(b, text));
		return false;
	}
	if (lo < 1 || hi < 1) {
		diag_error(b->d, &text->loc, "port %s is invalid: port numbers are 1-65535",
			   shown(b, text));
		return false;
	}
	out->port = (uint16_t)lo;
	out->end_port = hi != lo ? (uint16_t)hi : 0;
	return true;
}

bool build_hep_port(struct build *b, struct pod *hep, const struct loc *loc,
		    const struct build_str *name, const struct build_num *proto_number,
		    const struct build_str *proto_text, const struct build_num *number)
{
	struct named_port *np = &hep->ports[hep->nports];
	enum proto pr;

	if (!calico_port_name_ok(name->s, name->len)) {
		diag_error(b->d, &name->loc, "invalid port name %s", shown(b, name));
		return false;
	}
	if ((proto_text && !proto_text->s) ||
	    !build_calico_protocol(b, proto_number, proto_text, &pr))
		return false;
	if (number->v < 1 || number->v > 65535) {
		diag_error(b->d, &number->loc, "port: expected a number 1-65535");
		return false;
	}
	for (size_t j = 0; j < hep->nports; j++)
		if (hep->ports[j].proto == pr && !strcmp(hep->ports[j].name, name->s))
			diag_error(b->d, &name->loc, "duplicate %s port name %s", proto_name(pr),
				   shown(b, name));
	np->loc = *loc;
	np->name = name->s;
	np->proto = pr;
	np->port = (uint16_t)number->v;
	hep->nports++;
	return true;
}

void build_hep_labels(struct build *b, const struct pod *hep)
{
	for (size_t i = 0; i < hep->labels.n; i++) {
		const struct label *l = &hep->labels.v[i];
		if (!strncmp(l->key, "pcns.", 5) || !strncmp(l->key, "pcsa.", 5) ||
		    !strcmp(l->key, "projectcalico.org/namespace"))
			build_unsupported(b, &l->loc,
					  "label '%s' on a HostEndpoint is not supported: Calico "
					  "reads it as namespace data",
					  l->key);
	}
}

bool build_hep_ip(struct build *b, struct pod *hep, const struct build_str *ip)
{
	struct addr a;

	if (has_nul(ip) || addr_parse(ip->s, &a)) {
		diag_error(b->d, &ip->loc, "invalid expectedIPs entry %s: not an IP address",
			   shown(b, ip));
		return false;
	}
	for (size_t j = 0; j < hep->nips; j++)
		if (!addr_cmp(&hep->ips[j], &a))
			return true;
	hep->ips[hep->nips++] = a;
	return true;
}

bool build_calico_net(struct build *b, const struct build_str *s, const char *what, bool negated,
		      struct build_family *fam, struct prefix *out)
{
	const char *why = NULL;
	struct prefix v4;

	if (has_nul(s) || prefix_parse(s->s, out, NULL, &why)) {
		diag_error(b->d, &s->loc, "invalid %s entry %s: %s", what, shown(b, s),
			   why ? why : "must be a CIDR such as 10.0.0.0/8 or an address");
		return false;
	}
	if (prefix_v4_mapped(out, &v4)) {
		build_unsupported(b, &s->loc,
				  "%s entry %s is an IPv4-mapped IPv6 network, which Calico treats "
				  "as IPv4; write the IPv4 network",
				  what, shown(b, s));
		return false;
	}
	if (negated && out->len == 0) {
		diag_error(b->d, &s->loc,
			   "%s entry %s matches every address: the rule could never match", what,
			   shown(b, s));
		return false;
	}
	if (fam->family && fam->family != out->a.family) {
		diag_error(b->d, &s->loc,
			   "%s entry %s is %s, but this rule already has %s networks (%s); a "
			   "Calico rule holds one IP version",
			   what, shown(b, s), family_name(out->a.family), family_name(fam->family),
			   shown(b, &fam->at));
		return false;
	}
	fam->family = out->a.family;
	fam->at = *s;
	return true;
}

int build_calico_ip_version(struct build *b, const struct build_num *v)
{
	if (v->v == 4 || v->v == 6)
		return (int)v->v;
	diag_error(b->d, &v->loc, "ipVersion must be 4 or 6");
	return 0;
}

bool build_calico_family(struct build *b, int ipver, const struct build_family *fam)
{
	if (!ipver || !fam->family || fam->family == (ipver == 4 ? AF4 : AF6))
		return true;
	diag_error(b->d, &fam->at.loc, "%s is IPv%d but the rule has ipVersion %d",
		   shown(b, &fam->at), fam->family == AF4 ? 4 : 6, ipver);
	return false;
}

void build_calico_types(struct build *b, struct policy *p, const struct build_str *types, size_t n,
			size_t ningress, size_t negress)
{
	if (!n) {
		p->types[DIR_INGRESS] = !negress || ningress;
		p->types[DIR_EGRESS] = negress > 0;
		return;
	}
	p->types_explicit = true;
	for (size_t i = 0; i < n; i++) {
		const struct build_str *t = &types[i];
		enum dir dd;
		if (!t->s)
			continue;
		if (is(t, "Ingress")) {
			dd = DIR_INGRESS;
		} else if (is(t, "Egress")) {
			dd = DIR_EGRESS;
		} else {
			diag_error(b->d, &t->loc,
				   "unknown policy type %s: must be Ingress or Egress "
				   "(case-sensitive)",
				   shown(b, t));
			continue;
		}
		if (p->types[dd])
			diag_error(b->d, &t->loc, "type '%s' is listed more than once",
				   dir_type_name(dd));
		p->types[dd] = true;
	}
}

/* The tiers Calico creates itself, with the values its validation requires. */
static const struct {
	const char *name;
	double order;
	enum action action;
} fixed_tiers[] = {
	{ "default", DEFAULT_TIER_ORDER, ACT_DENY },
	{ "kube-admin", 1000.0, ACT_PASS },
	{ "kube-baseline", 10000000.0, ACT_PASS },
};

bool build_tier(struct build *b, struct tier *t, const struct build_str *default_action)
{
	size_t e0 = b->d->errors;

	t->default_action = ACT_DENY;
	if (default_action && is(default_action, "Pass"))
		t->default_action = ACT_PASS;
	else if (default_action && !is(default_action, "Deny"))
		diag_error(b->d, &default_action->loc, "defaultAction must be Deny or Pass, not %s",
			   shown(b, default_action));
	for (size_t i = 0; t->name && i < ARRAY_SIZE(fixed_tiers); i++) {
		if (strcmp(t->name, fixed_tiers[i].name))
			continue;
		if ((t->has_order && t->order != fixed_tiers[i].order) ||
		    t->default_action != fixed_tiers[i].action)
			diag_error(b->d, &t->loc,
				   "tier '%s' must have order %.0f and defaultAction %s", t->name,
				   fixed_tiers[i].order,
				   fixed_tiers[i].action == ACT_PASS ? "Pass" : "Deny");
		t->has_order = true;
		t->order = fixed_tiers[i].order;
	}
	return b->d->errors == e0;
}

/* ---- AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy */

bool build_builtin_tier(struct policy *p, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(fixed_tiers); i++) {
		if (strcmp(name, fixed_tiers[i].name))
			continue;
		p->tier = fixed_tiers[i].name;
		p->tier_order = fixed_tiers[i].order;
		p->tier_default = fixed_tiers[i].action;
		return true;
	}
	return false;
}

/* set_anp_tier: p runs in the fixed tier named tier (kube-admin or kube-baseline). */
static void set_anp_tier(struct policy *p, const char *tier)
{
	if (!build_builtin_tier(p, tier))
		BUG("tier %s is not built in", tier);
}

const char *build_anp_kind(enum anp_kind kind)
{
	static const char *const kinds[] = { "AdminNetworkPolicy", "BaselineAdminNetworkPolicy",
					     "ClusterNetworkPolicy" };
	return kinds[kind];
}

struct policy *build_anp_policy(struct build *b, enum anp_kind kind, const struct loc *loc,
				const char *name, const struct loc *name_loc)
{
	struct policy *p = arena_zalloc(b->a, sizeof(*p));
	p->loc = *loc;
	p->kind = build_anp_kind(kind);
	p->name = name ? name : "";
	p->name_loc = *name_loc;
	p->ns = "";
	p->global = true;
	p->no_host_network = true;
	set_anp_tier(p, kind == ANP_BASELINE ? BANP_TIER : ANP_TIER);
	p->types_explicit = true;
	if (kind == ANP_BASELINE && name && strcmp(name, "default"))
		diag_error(b->d, name_loc,
			   "a BaselineAdminNetworkPolicy must be named 'default' (there is only "
			   "one per cluster), not '%s'",
			   name);
	return p;
}

bool build_anp_is_cluster(const struct policy *p)
{
	return !strcmp(p->kind, "ClusterNetworkPolicy");
}

bool build_cnp_tier(struct build *b, struct policy *p, const struct loc *loc,
		    const struct build_str *tier)
{
	static const char *const names[] = { "Admin", "Baseline", NULL };
	int i;
	if (!tier) {
		diag_error(b->d, loc,
			   "ClusterNetworkPolicy spec has no 'tier' (Admin or Baseline)");
		return false;
	}
	if ((i = build_choice(b, tier, names, "unknown tier", "tiers", "Admin or Baseline")) < 0)
		return false;
	set_anp_tier(p, i ? BANP_TIER : ANP_TIER);
	return true;
}

bool build_anp_priority(struct build *b, struct policy *p, const struct loc *loc,
			const struct build_num *prio)
{
	if (!prio) {
		diag_error(b->d, loc, "%s spec has no 'priority' (0 to %d)", p->kind,
			   ANP_MAX_PRIORITY);
		return false;
	}
	if (prio->v < 0 || prio->v > ANP_MAX_PRIORITY) {
		diag_error(b->d, &prio->loc,
			   "priority %lld is out of range: must be between 0 and %d", prio->v,
			   ANP_MAX_PRIORITY);
		return false;
	}
	p->has_order = true;
	p->order = (double)prio->v;
	return true;
}

bool build_anp_one_of(struct build *b, const struct loc *loc, const char *what,
		      const char *const *names, const bool *given, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t nset = 0;
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(&sb, "%s%s", i ? (i + 1 == n ? " or " : ", ") : "", names[i]);
		nset += given[i];
	}
	if (nset != 1)
		diag_error(b->d, loc, "%s must set exactly one of %s (it sets %zu)", what, sb.buf,
			   nset);
	strbuf_release(&sb);
	return nset == 1;
}

bool build_anp_count(struct build *b, const struct loc *loc, const char *what, size_t n, size_t min,
		     size_t max)
{
	if (n >= min && n <= max)
		return true;
	if (n < min)
		diag_error(b->d, loc, "%s must have at least %zu item%s", what, min,
			   min == 1 ? "" : "s");
	else
		diag_error(b->d, loc, "%s has %zu items; at most %zu are allowed", what, n, max);
	return false;
}

bool build_anp_action(struct build *b, const struct policy *p, const struct build_str *s,
		      enum action *out)
{
	static const char *const anp_actions[] = { "Allow", "Deny", "Pass", NULL };
	static const char *const banp_actions[] = { "Allow", "Deny", NULL };
	static const char *const cnp_actions[] = { "Accept", "Deny", "Pass", NULL };
	static const enum action acts[] = { ACT_ALLOW, ACT_DENY, ACT_PASS };
	bool cluster = build_anp_is_cluster(p);
	bool baseline = !cluster && !strcmp(p->tier, BANP_TIER);
	int i;
	if (baseline && is(s, "Pass")) {
		diag_error(b->d, &s->loc,
			   "a BaselineAdminNetworkPolicy rule cannot Pass (there is no later "
			   "tier to pass to): use Allow or Deny");
		return false;
	}
	if (cluster && is(s, "Allow")) {
		diag_error(b->d, &s->loc,
			   "unknown action 'Allow': ClusterNetworkPolicy (v1alpha2) renamed it "
			   "Accept");
		return false;
	}
	if (!cluster && is(s, "Accept")) {
		diag_error(b->d, &s->loc,
			   "unknown action 'Accept': %s (v1alpha1) spells it Allow (Accept is "
			   "ClusterNetworkPolicy's)",
			   p->kind);
		return false;
	}
	i = build_choice(b, s,
			 cluster    ? cnp_actions
			 : baseline ? banp_actions
				    : anp_actions,
			 "unknown action", "actions",
			 cluster    ? "Accept, Deny or Pass"
			 : baseline ? "Allow or Deny"
				    : "Allow, Deny or Pass");
	if (i < 0)
		return false;
	*out = acts[i];
	return true;
}

bool build_anp_rule_name(struct build *b, const struct build_str *s)
{
	if (s->len <= ANP_MAX_RULE_NAME)
		return true;
	diag_error(b->d, &s->loc, "rule name %s is %zu bytes long; at most %d are allowed",
		   shown(b, s), s->len, ANP_MAX_RULE_NAME);
	return false;
}

void build_anp_subject(struct build *b, struct policy *p, const struct selector *ns_sel,
		       const struct selector *pod_sel)
{
	p->global_ns_sel = ns_sel;
	if (!pod_sel) {
		struct selector *all = arena_zalloc(b->a, sizeof(*all));
		all->loc = ns_sel ? ns_sel->loc : p->loc;
		pod_sel = all;
	}
	p->pod_sel = pod_sel;
}

void build_anp_pods_peer(const struct loc *loc, const struct selector *ns_sel,
			 const struct selector *pod_sel, struct peer *out)
{
	memset(out, 0, sizeof(*out));
	out->loc = *loc;
	out->ns_sel = ns_sel;
	out->pod_sel = pod_sel;
	out->global_scope = true;
	out->no_host_network = true;
}

bool build_anp_networks(struct build *b, const struct loc *loc, const struct build_str *cidrs,
			size_t n, struct peer *out)
{
	size_t e0 = b->d->errors;
	struct prefix *nets = arena_array(b->a, n ? n : 1, sizeof(*nets));
	size_t k = 0;

	memset(out, 0, sizeof(*out));
	out->loc = *loc;
	build_anp_count(b, loc, "networks", n, 1, ANP_MAX_NETWORKS);
	for (size_t i = 0; i < n; i++) {
		const struct build_str *c = &cidrs[i];
		if (!c->s)
			continue;
		if (c->len > 43) {
			diag_error(b->d, &c->loc,
				   "network %s is %zu characters long; at most 43 are allowed",
				   shown(b, c), c->len);
			continue;
		}
		if (!parse_cidr(b, c, "network", &nets[k]))
			continue;
		for (size_t j = 0; j < k; j++)
			if (!memcmp(&nets[j], &nets[k], sizeof(nets[k])))
				diag_error(b->d, &c->loc, "network %s is listed twice",
					   shown(b, c));
		k++;
	}
	out->nets = nets;
	out->nnets = k;
	return b->d->errors == e0;
}

void build_anp_unsupported_peer(struct build *b, const struct loc *loc, const char *field)
{
	diag_error(b->d, loc,
		   "%s peers cannot be compiled offline: the addresses they match are answers "
		   "of DNS at run time",
		   field);
}

void build_anp_nodes_peer(const struct loc *loc, const struct selector *sel, struct peer *out)
{
	memset(out, 0, sizeof(*out));
	out->loc = *loc;
	out->node_sel = sel;
}

bool build_node_address(struct build *b, struct cluster_node *n, const struct loc *loc,
			const struct build_str *type, const struct build_str *address)
{
	struct addr a;
	if (!type || !address) {
		diag_error(b->d, loc, "a Node address needs 'type' and 'address'");
		return false;
	}
	if (!is(type, "InternalIP") && !is(type, "ExternalIP"))
		return true;
	if (has_nul(address) || addr_parse(address->s, &a)) {
		diag_error(b->d, &address->loc,
			   "invalid Node address %s of type %s: must be an IPv4 or IPv6 address",
			   shown(b, address), type->s);
		return false;
	}
	for (size_t i = 0; i < n->naddrs; i++)
		if (!addr_cmp(&n->addrs[i], &a))
			return true;
	n->addrs[n->naddrs++] = a;
	return true;
}

size_t build_anp_port(struct build *b, const struct build_anp_port *in, struct port *out)
{
	size_t e0 = b->d->errors;
	enum proto proto = PROTO_TCP;
	const char *range_what = in->cluster ? "range" : "portRange";

	memset(out, 0, sizeof(*out));
	out->loc = in->loc;
	if (in->named) {
		if (!port_name_ok(b, in->named, false))
			return 0;
		/* the name decides: whatever protocol the pod's port has */
		for (int p = 0; p < NPROTO; p++) {
			out[p].loc = in->loc;
			out[p].proto = (enum proto)p;
			out[p].proto_explicit = true;
			out[p].has_port = true;
			out[p].name = in->named->s;
		}
		return NPROTO;
	}
	if (in->cluster) {
		proto = in->proto;
	} else if (in->protocol) {
		int p = k8s_protocol(b, in->protocol);
		if (p >= 0)
			proto = (enum proto)p;
	}
	out->proto = proto;
	out->proto_explicit = true;
	out->has_port = true;
	if (!in->range) {
		if (!in->port)
			diag_error(b->d, &in->loc, "%s has no '%s'",
				   in->cluster ? "destinationPort" : "portNumber",
				   in->cluster ? "number" : "port");
		else if (port_in_range(b, in->port, "port"))
			out->port = (uint16_t)in->port->v;
		return b->d->errors == e0;
	}
	if (!in->start)
		diag_error(b->d, in->start_loc, "%s has no 'start'", range_what);
	if (!in->end)
		diag_error(b->d, in->end_loc, "%s has no 'end'", range_what);
	if (in->start && in->end && port_in_range(b, in->start, "start") &&
	    port_in_range(b, in->end, "end")) {
		if (in->end->v < in->start->v)
			diag_error(b->d, &in->end->loc,
				   "%s end %lld is below start %lld: the range would match "
				   "no port",
				   range_what, in->end->v, in->start->v);
		else if (in->cluster && in->end->v == in->start->v)
			diag_error(b->d, &in->end->loc,
				   "range end %lld equals its start: a ClusterNetworkPolicy range "
				   "needs start < end (write number: %lld for one port)",
				   in->end->v, in->start->v);
		out->port = (uint16_t)in->start->v;
		out->end_port = (uint16_t)in->end->v;
	}
	return b->d->errors == e0;
}

bool build_anp_named_networks(struct build *b, const struct rule *r)
{
	const struct port *named = NULL;
	for (size_t i = 0; i < r->nports && !named; i++)
		if (r->ports[i].name)
			named = &r->ports[i];
	if (!named)
		return true;
	for (size_t i = 0; i < r->npeers; i++) {
		if (!r->peers[i].nnets)
			continue;
		diag_error(b->d, &named->loc,
			   "a named port cannot be used in a rule with a networks peer (a "
			   "network has no named ports)");
		diag_note(b->d, &r->peers[i].loc, "the networks peer is here");
		return false;
	}
	return true;
}
