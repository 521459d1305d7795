/*
 * node.c - helpers over the document tree of node.h, and the default
 * input limits.
 */
#include "frontend/node.h"

#include <string.h>

void input_limits_default(struct input_limits *l)
{
	l->max_file_size = (size_t)1 << 30;
	l->max_depth = 64;
	l->max_nodes = (size_t)16 << 20;
}

struct node *node_get(const struct node *map, const char *key)
{
	size_t klen;
	if (!map || map->kind != NODE_MAP)
		return NULL;
	klen = strlen(key);
	for (size_t i = 0; i < map->n; i++) {
		const struct node *k = map->pairs[i].key;
		if (k->len == klen && !memcmp(k->str, key, klen))
			return map->pairs[i].value;
	}
	return NULL;
}

const char *node_kind_name(enum node_kind k)
{
	switch (k) {
	case NODE_NULL:
		return "null";
	case NODE_STR:
		return "a string";
	case NODE_INT:
		return "an integer";
	case NODE_FLOAT:
		return "a number";
	case NODE_BOOL:
		return "a boolean";
	case NODE_MAP:
		return "a mapping";
	case NODE_SEQ:
		return "a sequence";
	}
	return "a value";
}

bool node_is_null(const struct node *n)
{
	return !n || n->kind == NODE_NULL;
}
