/*
 * lower.c - the document access, field checks, labels and metadata that
 * the Kubernetes and Calico lowerings share.
 */
#include "frontend/lower.h"

#include <string.h>

#include "frontend/validate.h"
#include "ir/strbuf.h"

/* Unknown names get "did you mean" suggestions until this many diagnostics were queued. */
#define SUGGEST_BUDGET 1000

/* ---- messages -------------------------------------------------------- */

const char *lower_quote(struct arena *a, const char *s, size_t len, size_t max)
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

const char *lower_show(struct lower *lo, const char *s, size_t len)
{
	return lower_quote(lo->a, s, len, 80);
}

const char *lower_shown(struct lower *lo, const struct node *n)
{
	return lower_show(lo, n->str, n->len);
}

bool lower_is_scalar(const struct node *n)
{
	return n->kind != NODE_MAP && n->kind != NODE_SEQ && n->kind != NODE_NULL;
}

bool lower_eq(const struct node *n, const char *s)
{
	size_t l = strlen(s);
	return n && n->kind == NODE_STR && n->len == l && !memcmp(n->str, s, l);
}

bool lower_has_nul(const struct node *n)
{
	return memchr(n->str, '\0', n->len) != NULL;
}

bool lower_want(struct lower *lo, const struct node *n, enum node_kind w, const char *what)
{
	if (n->kind == w)
		return true;
	if (w == NODE_STR && lower_is_scalar(n))
		diag_error(lo->d, &n->loc, "%s: expected a string, got %s (%s); quote it: \"%.*s\"",
			   what, node_kind_name(n->kind), n->str, (int)n->len, n->str);
	else if (lo->null_map_hint && n->kind == NODE_NULL && w == NODE_MAP)
		diag_error(lo->d, &n->loc,
			   "%s: expected a mapping, got null (write {} for an empty one)", what);
	else if (lower_is_scalar(n))
		diag_error(lo->d, &n->loc, "%s: expected %s, got %s (%s)", what, node_kind_name(w),
			   node_kind_name(n->kind), lower_shown(lo, n));
	else
		diag_error(lo->d, &n->loc, "%s: expected %s, got %s", what, node_kind_name(w),
			   node_kind_name(n->kind));
	return false;
}

bool lower_want_object(struct lower *lo, const struct node *obj, const char *what)
{
	if (obj->kind == NODE_MAP)
		return true;
	diag_error(lo->d, &obj->loc,
		   "expected a %s object (a mapping with apiVersion and kind), got %s", what,
		   node_kind_name(obj->kind));
	return false;
}

/* ---- field access ---------------------------------------------------- */

const struct node_pair *lower_pair(const struct node *map, const char *key)
{
	size_t kl = strlen(key);
	if (!map || map->kind != NODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (map->pairs[i].key->len == kl && !memcmp(map->pairs[i].key->str, key, kl))
			return &map->pairs[i];
	return NULL;
}

const struct node *lower_val(const struct node *map, const char *key)
{
	const struct node_pair *p = lower_pair(map, key);
	return p && p->value->kind != NODE_NULL ? p->value : NULL;
}

const struct node *lower_typed(struct lower *lo, const struct node *map, const char *key,
			       enum node_kind w)
{
	const struct node *v = lower_val(map, key);
	return v && lower_want(lo, v, w, key) ? v : NULL;
}

/* ---- names and suggestions ------------------------------------------- */

int lower_ascii_tolower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

unsigned lower_distance(const char *a, size_t al, const char *b, size_t bl)
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
			unsigned best = prev + (lower_ascii_tolower(a[i - 1]) !=
						lower_ascii_tolower(b[j - 1]));
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

const char *lower_suggest(const char *s, size_t len, const char *const *known)
{
	const char *best = NULL;
	unsigned bestd = len <= 4 ? 1 : 2;
	for (size_t i = 0; known[i]; i++) {
		size_t kl = strlen(known[i]);
		unsigned dd;
		if ((len > kl ? len - kl : kl - len) > bestd)
			continue; /* the distance is at least the difference in length */
		dd = lower_distance(s, len, known[i], kl);
		if (dd <= bestd) {
			best = known[i];
			bestd = dd;
		}
	}
	return best;
}

int lower_choice(struct lower *lo, const struct node *n, const char *const *names, const char *what,
		 const char *plural, const char *must)
{
	const char *sug;

	for (int i = 0; names[i]; i++)
		if (lower_eq(n, names[i]))
			return i;
	if ((sug = lower_suggest(n->str, n->len, names)))
		diag_error(lo->d, &n->loc, "%s %s; did you mean '%s'? (%s are case-sensitive)",
			   what, lower_shown(lo, n), sug, plural);
	else
		diag_error(lo->d, &n->loc, "%s %s: must be %s", what, lower_shown(lo, n), must);
	return -1;
}

/* ---- unknown fields -------------------------------------------------- */

static bool in_list(const struct node *key, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (lower_eq(key, list[i]))
			return true;
	return false;
}

void lower_check_fields(struct lower *lo, const struct node *map, const char *const *known,
			const char *where, bool strict, const struct lower_hint *hints)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct node *key = map->pairs[i].key;
		const char *sug, *hint = NULL;
		struct strbuf sb = STRBUF_INIT;
		if (in_list(key, known))
			continue;
		for (size_t j = 0; hints && hints[j].field; j++)
			if (lower_eq(key, hints[j].field))
				hint = hints[j].text;
		/* past many diagnostics nobody reads suggestions: keep hostile input cheap */
		if (hint) {
			strbuf_addstr(&sb, hint);
		} else if (lo->d->errors + lo->d->warnings < SUGGEST_BUDGET &&
			   (sug = lower_suggest(key->str, key->len, known))) {
			strbuf_addf(&sb, "did you mean '%s'?", sug);
		} else {
			strbuf_addstr(&sb, "known fields:");
			for (size_t j = 0; known[j]; j++)
				strbuf_addf(&sb, "%s %s", j ? "," : "", known[j]);
		}
		if (strict)
			diag_error(lo->d, &key->loc, "unknown field %s in %s; %s",
				   lower_shown(lo, key), where, sb.buf);
		else
			diag_warning(lo->d, &key->loc, "unknown field %s in %s is ignored; %s",
				     lower_shown(lo, key), where, sb.buf);
		strbuf_release(&sb);
	}
}

/* ---- labels and metadata --------------------------------------------- */

void lower_labels(struct lower *lo, const struct node *map, struct labelset *out)
{
	out->v = arena_array(lo->a, map->n + 1, sizeof(*out->v));
	out->n = 0;
	for (size_t i = 0; i < map->n; i++) {
		const struct node *key = map->pairs[i].key, *v = map->pairs[i].value;
		const char *why = valid_label_key(key->str, key->len);
		struct label *l = &out->v[out->n];
		if (why) {
			diag_error(lo->d, &key->loc, "invalid label key %s: %s",
				   lower_shown(lo, key), why);
			continue;
		}
		l->key = key->str;
		l->loc = key->loc;
		if (v->kind == NODE_NULL) {
			if (lo->null_label_warning)
				diag_warning(lo->d, &v->loc,
					     "label %s has no value; it is read as the empty "
					     "string (write %.*s: \"\" to say so)",
					     lower_shown(lo, key), (int)key->len, key->str);
			l->value = "";
		} else if (v->kind != NODE_STR) {
			const char *what = arena_printf(lo->a, "label %s", lower_shown(lo, key));
			lower_want(lo, v, NODE_STR, what);
			continue;
		} else if ((why = valid_label_value(v->str, v->len))) {
			diag_error(lo->d, &v->loc, "invalid value %s of label %s: %s",
				   lower_shown(lo, v), lower_shown(lo, key), why);
			continue;
		} else {
			l->value = v->str;
		}
		out->n++;
	}
	labelset_sort(out);
}

/* read_namespace: metadata.namespace of a LOWER_NAMESPACED object into md->ns. */
static void read_namespace(struct lower *lo, const struct node *meta, const char *kind,
			   const struct lower_meta_rules *r, const struct node *name,
			   struct lower_meta *md)
{
	const struct node *ns = lower_typed(lo, meta, "namespace", NODE_STR);
	const char *why;

	if (r->scope == LOWER_CLUSTER_NO_NS) {
		if (ns && ns->len)
			diag_error(lo->d, &ns->loc,
				   "a %s is cluster-wide: it has no metadata.namespace", kind);
		md->ns = "";
	} else if (ns && ns->len) {
		if ((why = valid_dns_label(ns->str, ns->len)))
			diag_error(lo->d, &ns->loc, "invalid namespace name %s: %s",
				   lower_shown(lo, ns), why);
		else
			md->ns = ns->str;
	} else if (!ns && lower_val(meta, "namespace")) {
		/* wrong type: already reported */
	} else if (r->default_ns) {
		md->ns = r->default_ns;
	} else {
		diag_error(lo->d, &md->name_loc,
			   "%s %s has no metadata.namespace; pass -n NAMESPACE", kind,
			   name ? lower_shown(lo, name) : "(unnamed)");
	}
}

void lower_meta(struct lower *lo, const struct node *obj, const char *kind,
		const struct loc *anchor, const struct lower_meta_rules *r, struct lower_meta *md)
{
	const struct node *meta, *name, *labels, *ann;
	const char *why;

	memset(md, 0, sizeof(*md));
	md->name_loc = *anchor;
	meta = lower_typed(lo, obj, "metadata", NODE_MAP);
	if (meta)
		lower_check_fields(lo, meta, r->fields, "metadata", r->strict, NULL);
	name = lower_typed(lo, meta, "name", NODE_STR);
	if (!name) {
		if (!lower_val(meta, "name"))
			diag_error(lo->d, anchor, "%s has no metadata.name%s", kind,
				   r->generate_name_note && lower_val(meta, "generateName")
					   ? " (generateName is not expanded)"
					   : "");
	} else if ((why = r->valid_name(name->str, name->len))) {
		diag_error(lo->d, &name->loc, "invalid %s name %s: %s", kind, lower_shown(lo, name),
			   why);
	} else {
		md->name = name->str;
		md->name_loc = name->loc;
	}
	if (r->scope != LOWER_CLUSTER)
		read_namespace(lo, meta, kind, r, name, md);
	if ((labels = lower_typed(lo, meta, "labels", NODE_MAP)))
		lower_labels(lo, labels, &md->labels);
	if (!(ann = lower_typed(lo, meta, "annotations", NODE_MAP)))
		return;
	for (size_t i = 0; i < ann->n; i++) {
		const struct node *v = ann->pairs[i].value;
		if (v->kind == NODE_NULL || v->kind == NODE_STR)
			continue;
		lower_want(lo, v, NODE_STR,
			   r->annotation_key ? arena_printf(lo->a, "annotation %s",
							    lower_shown(lo, ann->pairs[i].key))
					     : "annotation");
	}
}

/* ---- policy specs ---------------------------------------------------- */

const struct node *lower_rule_list(struct lower *lo, struct policy *p, const struct node *spec,
				   enum dir dir)
{
	const char *key = dir == DIR_INGRESS ? "ingress" : "egress";
	const struct node_pair *pr = lower_pair(spec, key);

	if (!pr)
		return NULL;
	p->rules_given[dir] = true;
	p->rules_loc[dir] = pr->key->loc;
	return lower_typed(lo, spec, key, NODE_SEQ);
}
