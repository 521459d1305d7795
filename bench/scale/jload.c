/*
 * jload.c - the reference of the scale benchmark: a bare jansson load.
 *
 *     jload [-b] FILE
 *
 * loads FILE with json_load_file() (jansson reads it in small chunks), or
 * with -b reads the whole file into memory first and parses it with
 * json_loadb().  jansson allocates from netpolc's arena (lib/arena.c) and
 * frees nothing, the tree is released with the arena: the allocation
 * netpolc's JSON reader gives jansson (frontend/json.c), so the reference
 * stays the same parse without netpolc's own work.  Nothing else: no walk,
 * no output.  Exit status 0 when the file is valid JSON, 1 otherwise
 * (with jansson's message on stderr), 2 on usage errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/arena.h"

static struct arena jarena;

static void *jalloc(size_t n)
{
	return arena_alloc(&jarena, n);
}

static void jfree(void *p)
{
	(void)p;
}

/* slurp: the whole of path in a malloc'ed buffer; NULL on error (reported). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		perror(path);
		return NULL;
	}
	for (;;) {
		size_t r;
		if (n == cap) {
			char *nb;
			cap = cap ? cap * 2 : (size_t)1 << 20;
			nb = realloc(buf, cap);
			if (!nb) {
				fputs("jload: out of memory\n", stderr);
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		perror(path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	const char *path;
	json_error_t err;
	json_t *root;
	int buffered = 0;

	if (argc == 3 && !strcmp(argv[1], "-b")) {
		buffered = 1;
		path = argv[2];
	} else if (argc == 2 && argv[1][0] != '-') {
		path = argv[1];
	} else {
		fputs("usage: jload [-b] FILE\n", stderr);
		return 2;
	}
	json_set_alloc_funcs(jalloc, jfree);
	if (buffered) {
		size_t len;
		char *text = slurp(path, &len);
		if (!text)
			return 1;
		root = json_loadb(text, len, 0, &err);
		free(text);
	} else {
		root = json_load_file(path, 0, &err);
	}
	if (!root) {
		fprintf(stderr, "%s:%d:%d: %s\n", path, err.line, err.column, err.text);
		return 1;
	}
	arena_release(&jarena);
	return 0;
}
