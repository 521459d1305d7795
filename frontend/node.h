/*
 * node.h - the document tree both readers (YAML and JSON) produce.
 *
 * libyaml events and jansson values never leave frontend/yaml.c and
 * frontend/json.c: they are turned into this tree, allocated in the run's
 * arena, with a 1-based location on every node.  Scalars keep their text
 * and a resolved type (YAML 1.1 plain-scalar rules as Kubernetes' YAML
 * reader applies them: `yes`/`on`/`true` are booleans, `80` an integer,
 * `~`/`null`/empty null; quoted scalars are strings).  Mapping keys are
 * unique (readers report duplicates) and keep document order.  Aliases are
 * expanded by sharing: one node may appear under several parents, so the
 * tree is read-only after construction.
 */
#ifndef NETPOLC_NODE_H
#define NETPOLC_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/arena.h"
#include "lib/diag.h"

enum node_kind { NODE_NULL, NODE_STR, NODE_INT, NODE_FLOAT, NODE_BOOL, NODE_MAP, NODE_SEQ };

struct node;

struct node_pair {
	struct node *key; /* always NODE_STR (non-string keys are reported by the reader) */
	struct node *value;
};

struct node {
	enum node_kind kind;
	struct loc loc;
	const char *str;	 /* scalar text (decoded for strings); "" for containers */
	size_t len;		 /* bytes in str (a JSON string may hold NUL) */
	long long ival;		 /* NODE_INT */
	bool bval;		 /* NODE_BOOL */
	size_t n;		 /* entries of a map or seq */
	struct node_pair *pairs; /* NODE_MAP */
	struct node **items;	 /* NODE_SEQ */
};

/* Caps that keep hostile input from exhausting time or memory. */
struct input_limits {
	size_t max_file_size; /* bytes per input file (default 1 GiB) */
	unsigned max_depth;   /* nesting of maps/seqs (default 64) */
	size_t max_nodes;     /* nodes YAML aliases may add, per file (default 16 Mi) */
};

void input_limits_default(struct input_limits *l);
/*
 * input_limits_or_default: lim, or when it is NULL the default limits,
 * written into *buf (which must outlive the result).
 */
const struct input_limits *input_limits_or_default(const struct input_limits *lim,
						   struct input_limits *buf);

/*
 * A parsed input file: its documents in order (a YAML stream may hold
 * many; empty documents are dropped; JSON gives one).
 */
struct doc_list {
	struct node **docs;
	size_t n;
};

/*
 * yaml_parse / json_parse: text (len bytes, not necessarily NUL-terminated,
 * already checked to be UTF-8) from the file named file (interned by
 * diag_source) into docs.  Every problem is reported to d; returns 0, or -1
 * if the file could not be read into a tree (what was read before the
 * error is still in docs and may be used for further checks).
 */
int yaml_parse(struct arena *a, struct diag *d, const struct input_limits *lim, const char *file,
	       const char *text, size_t len, struct doc_list *docs);
int json_parse(struct arena *a, struct diag *d, const struct input_limits *lim, const char *file,
	       const char *text, size_t len, struct doc_list *docs);
/*
 * json_parse_jansson: json_parse without its direct reader, always through
 * jansson (what json_parse falls back to), for the tests that compare them.
 */
int json_parse_jansson(struct arena *a, struct diag *d, const struct input_limits *lim,
		       const char *file, const char *text, size_t len, struct doc_list *docs);

/* node_get: value of key in map (NULL if absent or map is not a map). */
struct node *node_get(const struct node *map, const char *key);
/* node_kind_name: "a mapping", "a string", ... for messages. */
const char *node_kind_name(enum node_kind k);
/* node_is_null: absent (NULL pointer) or an explicit null. */
bool node_is_null(const struct node *n);

/*
 * node_text_loc: the 1-based line and character column of byte off of
 * text (off bytes must be readable; they are counted as UTF-8, one column
 * per character), in the file named file.
 */
struct loc node_text_loc(const char *file, const char *text, size_t off);

#endif
