/*
 * review.h - the `list` and `diff` commands over compiled IRs (loaded
 * through the driver, cli/driver.h); output into a buffer the caller writes.
 */
#ifndef NETPOLC_CLI_REVIEW_H
#define NETPOLC_CLI_REVIEW_H

#include <stdbool.h>

#include "cli/cli.h"
#include "ir/review.h"
#include "lib/arena.h"
#include "lib/strbuf.h"

enum review_fmt { FMT_TEXT, FMT_JSON, FMT_CSV, FMT_MARKDOWN, FMT_DOT, FMT_SVG, FMT_HTML };

struct review_opts {
	enum review_by by;
	enum review_fmt fmt;
	int family;
	bool explain, exposure;
	const char *from, *to; /* a group name, or a namespace: only those peers */
	bool has_port;	       /* only sets holding this port */
	int proto;
	uint16_t port;
};

/*
 * review_options: the options of c list (list) or diff (!list) share,
 * into *o; 0, or 2 after a usage error.
 */
int review_options(const struct cli *c, struct review_opts *o, bool list);
/* review_json_str: s as a JSON string (quotes and backslashes escaped). */
void review_json_str(struct strbuf *out, const char *s);
/* review_wanted: group g passes the --from / --to filter f (a name, or a namespace; NULL: all). */
bool review_wanted(const struct review_group *g, const char *f);
/* review_explain: a line per piece of c (may be NULL): its set and the deciding rule of each side.
 */
void review_explain(const struct conns *c, const char *indent, struct strbuf *out);
/* review_list_picture: the list of r as -o svg or html (o->fmt) into out (cli/review_pic.c). */
void review_list_picture(struct review *r, const struct review_opts *o, struct strbuf *out);
/*
 * review_diff_picture: the diff of r[0] (old) and r[1] (new) as an SVG or
 * HTML matrix over the peers of both sides; pols the policies changed.
 */
void review_diff_picture(struct review r[2], const char *const *pols, size_t npols, bool html,
			 struct strbuf *out);
/* review_prefixes: the prefixes of s, separated by sep (cli/review_pic.c). */
void review_prefixes(const struct addrset *s, const char *sep, struct strbuf *out);
/*
 * review_describe: the addresses of s (one family, not empty) in as few
 * prefixes as prefixes and "except" can name them: "10.0.0.0/8 except
 * 10.1.0.0/16", "0.0.0.0/0 except (10.0.0.0/8, 192.168.0.0/16 except
 * 192.168.1.0/24)"; in arena a.
 */
const char *review_describe(struct arena *a, const struct addrset *s, int family);
/* cli_list: the list of ir into out; 0. */
int cli_list(const struct ir *ir, const struct review_opts *o, struct arena *a, struct strbuf *out);
/* cli_diff: the changes from old to new into out; 0 nothing changed, 3 something did. */
int cli_diff(const struct ir *old, const struct ir *new, const struct review_opts *o,
	     struct arena *a, struct strbuf *out);
/*
 * cli_git_load: the files of "git:REV:PATH" (a file or a directory of
 * *.yaml *.yml *.json *.np) read with git into memory and read into c's
 * model (not finalised).  0, or 1 after reporting to c's diagnostics.
 */
int cli_git_load(const char *spec, struct compilation *c, const char *default_ns);

#endif
