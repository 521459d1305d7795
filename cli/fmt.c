/*
 * fmt.c - "netpolc fmt [-w] [FILE.np]...": the policy language laid out
 * canonically (frontend/dslfmt.c), to standard output or, with -w, back
 * into the files that change.
 *
 * Each file is first read as every command reads it (its includes too),
 * so a file with an error is reported, located, and nothing is printed or
 * written.  With -w the changed files are replaced all or none, each
 * through a temporary file renamed over it (cli_commit).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "frontend/dsl.h"
#include "frontend/frontend.h"
#include "lib/strbuf.h"
#include "lib/util.h"

#define STDIN_NAME "<stdin>"

/* read_text: the whole file (NULL: standard input) into sb; 0, or 1 after an error. */
static int read_text(const char *path, struct strbuf *sb)
{
	int fd = path ? open(path, O_RDONLY) : STDIN_FILENO;
	char buf[65536];
	ssize_t k;

	if (fd < 0) {
		fprintf(stderr, "netpolc: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((k = read(fd, buf, sizeof(buf))) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			fprintf(stderr, "netpolc: %s: %s\n", path ? path : STDIN_NAME,
				strerror(errno));
			if (path)
				close(fd);
			return 1;
		}
		strbuf_add(sb, buf, (size_t)k);
	}
	if (path)
		close(fd);
	return 0;
}

/*
 * format_one: read path (NULL: standard input), check it as the language,
 * format it into out; *changed when out differs from the text.  0, or 1
 * after printing the errors.
 */
static int format_one(const struct cli *c, const char *path, struct strbuf *out, bool *changed)
{
	const char *name = path ? path : STDIN_NAME;
	struct strbuf text = STRBUF_INIT;
	struct compilation comp;
	struct frontend_opts fo;
	struct dsl_token *t = NULL, *u = NULL;
	size_t nt = 0, nu = 0, start = out->len, skip = 0;
	int rc = read_text(path, &text);

	if (rc) {
		strbuf_release(&text);
		return rc;
	}
	compilation_init(&comp, &c->wopts);
	frontend_opts_default(&fo);
	if (!path && !dsl_sniff(text.buf, text.len)) {
		struct loc none = loc_none(STDIN_NAME);
		diag_error(&comp.diag, &none,
			   "standard input is not the policy language (its first word is not a "
			   "declaration)");
	} else {
		frontend_load_buffer(&comp.arena, &comp.diag, &fo, name, text.buf, text.len,
				     &comp.model);
	}
	rc = compilation_finish(&comp, 0);
	if (!rc) {
		if (text.len >= 3 && !memcmp(text.buf, "\xEF\xBB\xBF", 3))
			skip = 3; /* the byte-order mark goes */
		if (dsl_tokens(&comp.arena, name, text.buf + skip, text.len - skip, &t, &nt))
			BUG("%s parsed, but its tokens do not", name);
		dsl_format(t, nt, out);
		if (dsl_tokens(&comp.arena, name, out->buf + start, out->len - start, &u, &nu) ||
		    !dsl_tokens_equal(t, nt, u, nu))
			BUG("formatting %s changed more than white space", name);
		*changed = out->len - start != text.len ||
			   memcmp(out->buf + start, text.buf, text.len);
	}
	free(t);
	free(u);
	compilation_release(&comp);
	strbuf_release(&text);
	return rc;
}

/* The files fmt -w replaces: parts with a path each, committed as one. */
static const struct backend fmt_files = { "fmt", NULL, LEVEL_MODEL, OUT_FILE, NULL, NULL, false };

int cmd_fmt(struct cli *c)
{
	struct emit_out files = { 0 };
	struct strbuf out = STRBUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < c->npaths; i++) {
		const char *p = c->paths[i];
		if (!strcmp(p, "-") && c->write)
			return cli_usage_error(c, "-w rewrites files; standard input is not one");
		if (strcmp(p, "-") && !has_suffix(p, ".np"))
			return cli_usage_error(c,
					       "fmt formats the policy language: '%s' is not a "
					       ".np file",
					       p);
	}
	for (size_t i = 0; i < c->npaths; i++) {
		const char *p = strcmp(c->paths[i], "-") ? c->paths[i] : NULL;
		bool changed = false;
		size_t start = out.len;

		rc |= format_one(c, p, &out, &changed);
		if (c->write && changed)
			strbuf_add(emit_path(&files, p), out.buf + start, out.len - start);
	}
	if (!rc && c->write)
		rc = cli_commit(&fmt_files, NULL, &files);
	else if (!rc)
		rc = cli_stdout(out.buf, out.len);
	emit_out_release(&files);
	strbuf_release(&out);
	return rc;
}
