/*
 * frontend.h - from input paths to a policy model.
 *
 * frontend_load reads every path (a file, a directory walked recursively in
 * sorted order taking *.yaml *.yml *.json *.np, or "-" for stdin), checks
 * size and UTF-8, picks the reader (JSON when the name ends in .json or the
 * first non-space byte is '{' or '['; the DSL for .np; YAML otherwise) and
 * lowers every object into the model.  All problems go to d.  The model,
 * its strings and the file texts live in the arena.
 */
#ifndef NETPOLC_FRONTEND_H
#define NETPOLC_FRONTEND_H

#include <stddef.h>

#include "frontend/node.h"
#include "ir/model.h"
#include "lib/arena.h"
#include "lib/diag.h"

struct frontend_opts {
	struct input_limits limits;
	const char *default_ns; /* namespace for policies without one (NULL: error) */
	/*
	 * A Kubernetes NetworkPolicy without a namespace (and no default_ns)
	 * keeps the namespace "" instead of being an error: for backends that
	 * write policies to be applied with `kubectl apply -n`.
	 */
	bool policy_ns_optional;
};

void frontend_opts_default(struct frontend_opts *o);

/* frontend_load: 0 when no error was reported, -1 otherwise. */
int frontend_load(struct arena *a, struct diag *d, const struct frontend_opts *o,
		  const char *const *paths, size_t npaths, struct model *m);

/*
 * frontend_load_buffer: the same for one in-memory buffer named name (tests
 * and fuzzers).  The buffer must outlive the arena.
 */
int frontend_load_buffer(struct arena *a, struct diag *d, const struct frontend_opts *o,
			 const char *name, const char *text, size_t len, struct model *m);

/*
 * frontend_read_docs: read the file path ("-": standard input) as every
 * input is read (size cap, byte order mark, UTF-8, JSON when the name ends
 * in .json or the text starts with '{' or '[', YAML otherwise) into its
 * document trees, without lowering them: for the files of other formats
 * that commands read (netpolc test).  Returns 0, or -1 after reporting.
 */
int frontend_read_docs(struct arena *a, struct diag *d, const struct frontend_opts *o,
		       const char *path, struct doc_list *docs);

/*
 * k8s_lower: one document (a Kubernetes object or a List of them) into the
 * model (frontend/k8s.c).  Reports every problem; returns 0 or -1.
 */
int k8s_lower(struct arena *a, struct diag *d, const struct frontend_opts *o,
	      const struct node *doc, struct model *m);

/* utf8_check: offset of the first invalid byte, or len if the text is valid UTF-8. */
size_t utf8_check(const char *text, size_t len);

#endif
