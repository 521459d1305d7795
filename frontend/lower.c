/*
 * lower.c - the document access, field checks, labels and metadata that
 * the Kubernetes and Calico lowerings share.
 */
#include "frontend/lower.h"

#include <string.h>

#include "ir/names.h"
#include "lib/strbuf.h"

/* Unknown names get "did you mean" suggestions until this many diagnostics were queued. */
#define SUGGEST_BUDGET 1000

/* ---- messages -------------------------------------------------------- */

const char *lower_shown(struct lower *lo, const struct node *n)
{
	return build_show(&lo->b, n->str, n->len);
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

struct build_str lower_str(const struct node *n)
{
	struct build_str s = { n->str, n->len, n->loc };
	return s;
}

struct build_num lower_num(const struct node *n)
{
	struct build_num v = { n->kind == NODE_INT ? n->ival : 0, n->loc };
	return v;
}

struct build_str lower_str_item(struct lower *lo, const struct node *n, const char *what)
{
	struct build_str s = lower_str(n);
	if (!lower_want(lo, n, NODE_STR, what))
		s.s = NULL;
	return s;
}

struct build_str *lower_str_items(struct lower *lo, const struct node *seq, const char *what)
{
	struct build_str *v = arena_array(lo->b.a, seq->n + 1, sizeof(*v));
	for (size_t i = 0; i < seq->n; i++)
		v[i] = lower_str_item(lo, seq->items[i], what);
	return v;
}

bool lower_want(struct lower *lo, const struct node *n, enum node_kind w, const char *what)
{
	if (n->kind == w)
		return true;
	if (w == NODE_STR && lower_is_scalar(n))
		diag_error(lo->b.d, &n->loc,
			   "%s: expected a string, got %s (%s); quote it: \"%.*s\"", what,
			   node_kind_name(n->kind), n->str, (int)n->len, n->str);
	else if (lo->null_map_hint && n->kind == NODE_NULL && w == NODE_MAP)
		diag_error(lo->b.d, &n->loc,
			   "%s: expected a mapping, got null (write {} for an empty one)", what);
	else if (lower_is_scalar(n))
		diag_error(lo->b.d, &n->loc, "%s: expected %s, got %s (%s)", what,
			   node_kind_name(w), node_kind_name(n->kind), lower_shown(lo, n));
	else
		diag_error(lo->b.d, &n->loc, "%s: expected %s, got %s", what, node_kind_name(w),
			   node_kind_name(n->kind));
	return false;
}

bool lower_want_object(struct lower *lo, const struct node *obj, const char *what)
{
	if (obj->kind == NODE_MAP)
		return true;
	diag_error(lo->b.d, &obj->loc,
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
		} else if (lo->b.d->errors + lo->b.d->warnings < SUGGEST_BUDGET &&
			   (sug = build_suggest(key->str, key->len, known))) {
			strbuf_addf(&sb, "did you mean '%s'?", sug);
		} else {
			strbuf_addstr(&sb, "known fields:");
			for (size_t j = 0; known[j]; j++)
				strbuf_addf(&sb, "%s %s", j ? "," : "", known[j]);
		}
		if (strict)
			diag_error(lo->b.d, &key->loc, "unknown field %s in %s; %s",
				   lower_shown(lo, key), where, sb.buf);
		else
			diag_warning(lo->b.d, DIAG_W_UNKNOWN_FIELD, &key->loc,
				     "unknown field %s in %s is ignored; %s", lower_shown(lo, key),
				     where, sb.buf);
		strbuf_release(&sb);
	}
}

/* ---- labels and metadata --------------------------------------------- */

void lower_labels(struct lower *lo, const struct node *map, struct labelset *out)
{
	out->v = arena_array(lo->b.a, map->n + 1, sizeof(*out->v));
	out->n = 0;
	for (size_t i = 0; i < map->n; i++) {
		const struct node *key = map->pairs[i].key, *v = map->pairs[i].value;
		struct build_str k = lower_str(key), val = lower_str(v);
		if (v->kind == NODE_NULL) {
			val.s = "";
			val.len = 0;
		} else if (v->kind != NODE_STR) {
			if (build_label_key(&lo->b, &k))
				lower_want(lo, v, NODE_STR,
					   arena_printf(lo->b.a, "label %s", lower_shown(lo, key)));
			continue;
		}
		if (!build_label(&lo->b, &k, &val, &out->v[out->n]))
			continue;
		if (v->kind == NODE_NULL && lo->null_label_warning)
			diag_warning(lo->b.d, DIAG_W_NULL_LABEL, &v->loc,
				     "label %s has no value; it is read as the empty string (write "
				     "%.*s: \"\" to say so)",
				     lower_shown(lo, key), (int)key->len, key->str);
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

	if (r->scope == LOWER_CLUSTER_NO_NS) {
		if (ns && ns->len)
			diag_error(lo->b.d, &ns->loc,
				   "a %s is cluster-wide: it has no metadata.namespace", kind);
		md->ns = "";
	} else if (ns && ns->len) {
		struct build_str s = lower_str(ns);
		md->ns = build_name(&lo->b, "namespace", &s, valid_dns_label);
	} else if (!ns && lower_val(meta, "namespace")) {
		/* wrong type: already reported */
	} else if (r->default_ns) {
		md->ns = r->default_ns;
	} else if (r->ns_optional) {
		md->ns = "";
	} else {
		diag_error(lo->b.d, &md->name_loc,
			   "%s %s has no metadata.namespace; pass -n NAMESPACE", kind,
			   name ? lower_shown(lo, name) : "(unnamed)");
	}
}

void lower_meta(struct lower *lo, const struct node *obj, const char *kind,
		const struct loc *anchor, const struct lower_meta_rules *r, struct lower_meta *md)
{
	const struct node *meta, *name, *labels, *ann;

	memset(md, 0, sizeof(*md));
	md->name_loc = *anchor;
	meta = lower_typed(lo, obj, "metadata", NODE_MAP);
	if (meta)
		lower_check_fields(lo, meta, r->fields, "metadata", r->strict, NULL);
	name = lower_typed(lo, meta, "name", NODE_STR);
	if (!name) {
		if (!lower_val(meta, "name"))
			diag_error(lo->b.d, anchor, "%s has no metadata.name%s", kind,
				   r->generate_name_note && lower_val(meta, "generateName")
					   ? " (generateName is not expanded)"
					   : "");
	} else {
		struct build_str s = lower_str(name);
		if ((md->name = build_name(&lo->b, kind, &s, r->valid_name)))
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
			   r->annotation_key ? arena_printf(lo->b.a, "annotation %s",
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
