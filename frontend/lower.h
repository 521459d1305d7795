/*
 * lower.h - helpers both object lowerings use (frontend/k8s.c and
 * frontend/calico.c): typed access to document nodes with located errors,
 * known-field checks with "did you mean" suggestions, labels, metadata and
 * the rule lists of a policy spec.  They handle the syntax of the document
 * tree; what the values mean is checked by the constructors they call
 * (frontend/build.h).
 *
 * Every problem is reported to the context's diag at the offending node and
 * the helpers return what could still be read, so a lowering can go on and
 * report the next problem.  Strings a helper returns point into the
 * document tree or the context's arena; nothing needs to be freed.  The two
 * lowerings word a few messages differently; struct lower says which way.
 */
#ifndef NETPOLC_LOWER_H
#define NETPOLC_LOWER_H

#include <stdbool.h>
#include <stddef.h>

#include "frontend/build.h"
#include "frontend/node.h"
#include "ir/model.h"
#include "lib/arena.h"
#include "lib/diag.h"

/* The context of one lowering. */
struct lower {
	struct build b; /* the arena (quoted text for messages) and the diagnostics */
	/* lower_want: a null where a mapping belongs suggests writing {} */
	bool null_map_hint;
	/* lower_labels: a label without a value is warned about (it reads as "") */
	bool null_label_warning;
};

/* A field name the user may have misplaced, with advice for that mistake. */
struct lower_hint {
	const char *field, *text;
};

/* lower_shown: build_show of the text of scalar n. */
const char *lower_shown(struct lower *lo, const struct node *n);

/* lower_is_scalar: n is a string, number or boolean (not a container, not null). */
bool lower_is_scalar(const struct node *n);
/* lower_eq: n is the string s (n may be NULL: false). */
bool lower_eq(const struct node *n, const char *s);
/* lower_str: string n as a constructor's value. */
struct build_str lower_str(const struct node *n);
/* lower_num: number n as a constructor's value (0 when n is not an integer). */
struct build_num lower_num(const struct node *n);
/*
 * lower_str_item: item n of a list of strings as a constructor's value;
 * when n is not a string, that is reported ("WHAT: expected a string ...")
 * and the value is unusable (s NULL).
 */
struct build_str lower_str_item(struct lower *lo, const struct node *n, const char *what);
/*
 * lower_str_items: the items of sequence seq as constructors' values (an
 * array of seq->n in lo->b.a), each read by lower_str_item.
 */
struct build_str *lower_str_items(struct lower *lo, const struct node *seq, const char *what);

/*
 * lower_want: n (not NULL) has kind w; else reports "what: expected W, got
 * X" at n, with a hint to quote a scalar where a string was meant, and
 * returns false.
 */
bool lower_want(struct lower *lo, const struct node *n, enum node_kind w, const char *what);

/* lower_pair: the pair of key in map, or NULL (also when map is NULL or not a mapping). */
const struct node_pair *lower_pair(const struct node *map, const char *key);
/* lower_val: the value of key in map, or NULL when it is absent or null (map may be NULL). */
const struct node *lower_val(const struct node *map, const char *key);
/*
 * lower_typed: the value of key in map if it has kind w; NULL when it is
 * absent or null, or has another kind (reported, named after key).
 */
const struct node *lower_typed(struct lower *lo, const struct node *map, const char *key,
			       enum node_kind w);
/*
 * lower_want_object: obj is a mapping; else reports "expected a WHAT object
 * (a mapping with apiVersion and kind), got X" and returns false.
 */
bool lower_want_object(struct lower *lo, const struct node *obj, const char *what);

/*
 * lower_check_fields: reports every key of mapping map that is not in the
 * NULL-terminated list known, as an error (strict) or a warning ("is
 * ignored"), naming where it is.  The message ends with the text of the
 * key's hint (hints: a list ending in { NULL, NULL }, or NULL), else a
 * suggestion (while fewer than 1000 diagnostics are queued), else the list
 * of known fields.
 */
void lower_check_fields(struct lower *lo, const struct node *map, const char *const *known,
			const char *where, bool strict, const struct lower_hint *hints);

/*
 * lower_labels: mapping map of label keys to string values into out,
 * validated and sorted by key; invalid entries are reported and left out.
 * out->v is in lo->b.a, with one spare slot after out->n for a label the
 * caller may add.
 */
void lower_labels(struct lower *lo, const struct node *map, struct labelset *out);

/* The known fields of ObjectMeta that both lowerings accept, for a field list. */
#define LOWER_META_FIELDS                                                                         \
	"name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",  \
		"creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", \
		"annotations", "ownerReferences", "finalizers", "managedFields"

enum lower_scope {
	LOWER_CLUSTER,	     /* cluster-wide; metadata.namespace is not read */
	LOWER_CLUSTER_NO_NS, /* cluster-wide; a non-empty metadata.namespace is an error */
	LOWER_NAMESPACED,    /* metadata.namespace, else the default, else an error */
};

/* How lower_meta reads the metadata of one kind of object. */
struct lower_meta_rules {
	const char *const *fields; /* the known fields of metadata, NULL-terminated */
	bool strict;		   /* unknown fields are errors, else warnings */
	enum lower_scope scope;
	/* why a metadata.name of len bytes is invalid, or NULL (see ir/names.h) */
	const char *(*valid_name)(const char *s, size_t len);
	const char *default_ns;	 /* LOWER_NAMESPACED: for objects without one; NULL: error */
	bool ns_optional;	 /* LOWER_NAMESPACED: without one or a default, "" (not an error) */
	bool generate_name_note; /* a missing name mentions a generateName that is there */
	bool annotation_key;	 /* a non-string annotation is reported with its key */
};

struct lower_meta {
	const char *name;    /* NULL when missing or invalid */
	const char *ns;	     /* LOWER_NAMESPACED: namespace or default; LOWER_CLUSTER_NO_NS: "" */
	struct loc name_loc; /* of metadata.name, else the anchor */
	struct labelset labels;
};

/*
 * lower_meta: the metadata of obj, an object of kind, read under rules r
 * into md.  anchor is where a missing name is reported.  Every problem is
 * reported; md holds what is valid (strings in the tree or lo->b.a).
 */
void lower_meta(struct lower *lo, const struct node *obj, const char *kind,
		const struct loc *anchor, const struct lower_meta_rules *r, struct lower_meta *md);

/*
 * lower_rule_list: the rule list of direction dir of policy spec spec (which
 * may be NULL).  When the key is there, p records that and where; returns
 * the list when it is a sequence, else NULL (a wrong kind is reported).
 */
const struct node *lower_rule_list(struct lower *lo, struct policy *p, const struct node *spec,
				   enum dir dir);

#endif
