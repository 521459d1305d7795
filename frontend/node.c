/*
 * node.c - helpers over the document tree of node.h, the default input
 * limits, and locations in the text the readers read.
 */
#include "frontend/node.h"

#include <string.h>

void input_limits_default(struct input_limits *l)
{
	l->max_file_size = (size_t)1 << 30;
	l->max_depth = 64;
	l->max_nodes = (size_t)16 << 20;
}

const struct input_limits *input_limits_or_default(const struct input_limits *lim,
						   struct input_limits *buf)
{
	if (lim)
		return lim;
	input_limits_default(buf);
	return buf;
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

struct loc node_text_loc(const char *file, const char *text, size_t off)
{
	struct loc l = { .file = file, .line = 1, .col = 1 };
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			l.line++;
			l.col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			l.col++;
		}
	}
	return l;
}
