/*
 * input.c - from paths to documents: files, directories, stdin; size cap,
 * UTF-8 check, YAML or JSON, then k8s_lower() for every document.
 *
 * A file is read with a bounded read (never more than max_file_size + 1
 * bytes, whatever the file claims to be) into the arena, so its text stays
 * alive for diagnostics until the arena is released.  Directories are
 * walked in byte order of their entry names, recursively; hidden entries
 * are skipped and every directory is read at most once, so symlink loops
 * end.  Inside directories only regular files named *.yaml, *.yml or
 * *.json or *.np are read; a path named on the command line is read
 * whatever its name.  A name ending in .np, or stdin whose first word is a
 * declaration of the policy language (dsl_sniff), goes to the DSL reader.
 */
#include "frontend/frontend.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/calico.h"
#include "frontend/dsl.h"
#include "lib/strbuf.h"
#include "lib/util.h"

#define STDIN_NAME "<stdin>"

struct dir_id {
	dev_t dev;
	ino_t ino;
};

struct loader {
	struct arena *a;
	struct diag *d;
	const struct frontend_opts *o;
	struct model *m;
	struct dir_id *seen; /* directories already walked */
	size_t nseen, aseen;
};

void frontend_opts_default(struct frontend_opts *o)
{
	memset(o, 0, sizeof(*o));
	input_limits_default(&o->limits);
	o->default_ns = NULL;
}

/* ---- UTF-8 ------------------------------------------------------------- */

size_t utf8_check(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned lo = 0x80, hi = 0xBF;
		if (c < 0x80) {
			/* ASCII runs: eight bytes at a time */
			while (i + 8 <= len) {
				uint64_t w;
				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080u)
					break;
				i += 8;
			}
			if (i < len && s[i] < 0x80)
				i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			if (c == 0xE0)
				lo = 0xA0; /* overlong */
			else if (c == 0xED)
				hi = 0x9F; /* surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			if (c == 0xF0)
				lo = 0x90; /* overlong */
			else if (c == 0xF4)
				hi = 0x8F; /* above U+10FFFF */
		} else {
			return i;
		}
		if (i + n >= len)
			return i; /* truncated at the end */
		for (size_t k = 1; k <= n; k++) {
			unsigned b = s[i + k];
			if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
				return i;
		}
		i += n + 1;
	}
	return len;
}

/* ---- one text ---------------------------------------------------------- */

static bool looks_like_json(const char *name, const char *text, size_t len)
{
	if (has_suffix(name, ".json"))
		return true;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		return c == '{' || c == '[';
	}
	return false;
}

static void too_large(struct loader *l, const char *path)
{
	const char *file = diag_source(l->d, path, NULL, 0);
	struct loc none = loc_none(file);
	diag_error(l->d, &none, "input is larger than the size limit of %zu bytes",
		   l->o->limits.max_file_size);
}

static int read_include(void *arg, const struct loc *loc, const char *from, const char *path,
			const char **text, size_t *len, const char **file);

/*
 * check_text: drop a byte order mark from *text, register it as file name
 * and check its size and UTF-8.  Returns the interned file name, or NULL
 * after reporting the problem.
 */
static const char *check_text(struct loader *l, const char *name, const char **text, size_t *len)
{
	const char *file;
	size_t bad;

	if (*len >= 3 && !memcmp(*text, "\xEF\xBB\xBF", 3)) {
		*text += 3;
		*len -= 3;
	}
	file = diag_source(l->d, name, *text, *len);
	if (*len > l->o->limits.max_file_size) {
		too_large(l, name);
		return NULL;
	}
	bad = utf8_check(*text, *len);
	if (bad < *len) {
		struct loc at = node_text_loc(file, *text, bad);
		diag_error(l->d, &at, "invalid UTF-8 (byte 0x%02x); input must be UTF-8 text",
			   (unsigned char)(*text)[bad]);
		return NULL;
	}
	return file;
}

/* parse_docs: YAML or JSON text (checked by check_text) into docs; 0 or -1 as the readers. */
static int parse_docs(struct loader *l, const char *name, const char *file, const char *text,
		      size_t len, struct doc_list *docs)
{
	if (looks_like_json(name, text, len))
		return json_parse(l->a, l->d, &l->o->limits, file, text, len, docs);
	return yaml_parse(l->a, l->d, &l->o->limits, file, text, len, docs);
}

/*
 * load_text: check, parse and lower one input text named name.  The text
 * must outlive the diag and the model (arena or caller-owned).
 */
static void load_text(struct loader *l, const char *name, const char *text, size_t len)
{
	const char *file = check_text(l, name, &text, &len);
	struct doc_list docs = { 0 };
	int rc;

	if (!file)
		return;
	if (has_suffix(name, ".np") || (!strcmp(name, STDIN_NAME) && dsl_sniff(text, len))) {
		struct dsl_reader rd = { read_include, l };
		dsl_parse(l->a, l->d, l->o, &rd, file, text, len, l->m);
		return;
	}
	rc = parse_docs(l, name, file, text, len, &docs);
	if (!docs.n && !rc) {
		struct loc none = loc_none(file);
		diag_warning(l->d, DIAG_W_EMPTY_INPUT, &none, "no objects in this input");
	}
	for (size_t i = 0; i < docs.n; i++)
		(calico_document(docs.docs[i]) ? calico_lower : k8s_lower)(l->a, l->d, l->o,
									   docs.docs[i], l->m);
}

/* ---- files ------------------------------------------------------------- */

static void read_error(struct loader *l, const char *path, int err)
{
	const char *file = diag_source(l->d, path, NULL, 0);
	struct loc none = loc_none(file);
	diag_error(l->d, &none, "%s", strerror(err));
}

/* read_some: read(2) until n bytes, end of file or an error; bytes read, or -1. */
static ssize_t read_some(int fd, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(fd, buf + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/*
 * read_fd: the contents of fd into the arena (*out, NUL-terminated), never
 * reading more than max_file_size + 1 bytes.  A regular file is read in
 * place at the size fstat reports; a stream (or a file that grew) into a
 * growing buffer.  Returns 0, or -1 after reporting the problem.
 */
static int read_fd(struct loader *l, int fd, const char *path, char **out, size_t *outlen)
{
	size_t max = l->o->limits.max_file_size, cap, len = 0;
	struct stat st;
	char *buf;
	ssize_t n;

	if (fstat(fd, &st) < 0) {
		read_error(l, path, errno);
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		size_t size;
		char extra;
		if ((uintmax_t)st.st_size > max) {
			too_large(l, path);
			return -1;
		}
		size = (size_t)st.st_size;
		buf = arena_alloc(l->a, st_add(size, 1));
		n = read_some(fd, buf, size);
		if (n >= 0 && (size_t)n == size)
			n = read_some(fd, &extra, 1) == 0 ? n : -2;
		if (n == -1) {
			read_error(l, path, errno);
			return -1;
		}
		if (n >= 0) {
			buf[n] = '\0';
			*out = buf;
			*outlen = (size_t)n;
			return 0;
		}
		/* the file grew while we read it: go on as with a stream */
		len = size + 1;
		cap = len < max ? 2 * len : max + 2;
		if (cap > max + 2)
			cap = max + 2;
		if (cap < len + 1)
			cap = len + 1;
		*out = buf;
		buf = xmalloc(cap);
		memcpy(buf, *out, size);
		buf[size] = extra;
	} else {
		cap = max + 2 < 64 * 1024 ? max + 2 : 64 * 1024;
		buf = xmalloc(cap);
	}
	while (len <= max) {
		if (len + 1 >= cap) {
			cap = cap > (max + 2) / 2 ? max + 2 : cap * 2;
			buf = xrealloc(buf, cap);
		}
		n = read_some(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			read_error(l, path, errno);
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		too_large(l, path);
		free(buf);
		return -1;
	}
	*out = arena_alloc(l->a, len + 1);
	memcpy(*out, buf, len);
	(*out)[len] = '\0';
	*outlen = len;
	free(buf);
	return 0;
}

static void load_file(struct loader *l, const char *path)
{
	char *text;
	size_t len;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		read_error(l, path, errno);
		return;
	}
	if (read_fd(l, fd, path, &text, &len) == 0)
		load_text(l, path, text, len);
	close(fd);
}

/*
 * read_include: the file path names, relative to the directory of the
 * file from, checked as any input is (size, UTF-8); see struct dsl_reader.
 */
static int read_include(void *arg, const struct loc *loc, const char *from, const char *path,
			const char **text, size_t *len, const char **file)
{
	struct loader *l = arg;
	const char *slash = strrchr(from, '/');
	char *name, *buf;
	size_t bad;
	int fd, rc;

	if (path[0] == '/' || !slash)
		name = arena_strdup(l->a, path);
	else
		name = arena_printf(l->a, "%.*s/%s", (int)(slash - from), from, path);
	if ((fd = open(name, O_RDONLY | O_CLOEXEC)) < 0)
		return diag_error(l->d, loc, "cannot include '%s': %s", name, strerror(errno));
	rc = read_fd(l, fd, name, &buf, len);
	close(fd);
	if (rc)
		return -1;
	*text = buf;
	*file = diag_source(l->d, name, buf, *len);
	bad = utf8_check(buf, *len);
	if (bad < *len) {
		struct loc at = node_text_loc(*file, buf, bad);
		return diag_error(l->d, &at,
				  "invalid UTF-8 (byte 0x%02x); input must be UTF-8 text",
				  (unsigned char)buf[bad]);
	}
	return 0;
}

static void load_stdin(struct loader *l)
{
	char *text;
	size_t len;
	if (read_fd(l, STDIN_FILENO, STDIN_NAME, &text, &len) == 0)
		load_text(l, STDIN_NAME, text, len);
}

/* ---- directories ------------------------------------------------------- */

static bool wanted_name(const char *name)
{
	return has_suffix(name, ".yaml") || has_suffix(name, ".yml") || has_suffix(name, ".json") ||
	       has_suffix(name, ".np");
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* seen_dir: true if st's directory was walked before; records it otherwise. */
static bool seen_dir(struct loader *l, const struct stat *st)
{
	struct dir_id id = { st->st_dev, st->st_ino };
	for (size_t i = 0; i < l->nseen; i++)
		if (l->seen[i].dev == id.dev && l->seen[i].ino == id.ino)
			return true;
	VEC_PUSH(l->seen, l->nseen, l->aseen, id);
	return false;
}

static void walk_dir(struct loader *l, const char *path, const struct stat *dst)
{
	DIR *dir;
	struct dirent *de;
	char **names = NULL;
	size_t nnames = 0, anames = 0;
	struct strbuf sub = STRBUF_INIT;

	if (seen_dir(l, dst))
		return; /* reached again through a symbolic link */
	dir = opendir(path);
	if (!dir) {
		read_error(l, path, errno);
		return;
	}
	errno = 0;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		VEC_PUSH(names, nnames, anames, xstrdup(de->d_name));
	}
	if (errno)
		read_error(l, path, errno);
	closedir(dir);
	if (nnames > 1)
		xqsort(names, nnames, sizeof(*names), cmp_name);

	for (size_t i = 0; i < nnames; i++) {
		struct stat st;
		strbuf_reset(&sub);
		strbuf_addstr(&sub, path);
		if (sub.len && sub.buf[sub.len - 1] != '/')
			strbuf_addch(&sub, '/');
		strbuf_addstr(&sub, names[i]);
		if (stat(sub.buf, &st) < 0) {
			if (wanted_name(names[i]))
				read_error(l, sub.buf, errno);
			continue;
		}
		if (S_ISDIR(st.st_mode))
			walk_dir(l, sub.buf, &st);
		else if (S_ISREG(st.st_mode) && wanted_name(names[i]))
			load_file(l, sub.buf);
	}
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	strbuf_release(&sub);
}

/* ---- entry points ------------------------------------------------------ */

int frontend_load(struct arena *a, struct diag *d, const struct frontend_opts *o,
		  const char *const *paths, size_t npaths, struct model *m)
{
	struct loader l = { a, d, o, m, NULL, 0, 0 };
	size_t errors = d->errors;

	for (size_t i = 0; i < npaths; i++) {
		const char *path = paths[i];
		struct stat st;
		if (!strcmp(path, "-")) {
			model_add_input(m, STDIN_NAME);
			load_stdin(&l);
			continue;
		}
		model_add_input(m, path);
		if (stat(path, &st) < 0)
			read_error(&l, path, errno);
		else if (S_ISDIR(st.st_mode))
			walk_dir(&l, path, &st);
		else
			load_file(&l, path);
	}
	free(l.seen);
	return d->errors > errors ? -1 : 0;
}

int frontend_load_buffer(struct arena *a, struct diag *d, const struct frontend_opts *o,
			 const char *name, const char *text, size_t len, struct model *m)
{
	struct loader l = { a, d, o, m, NULL, 0, 0 };
	size_t errors = d->errors;
	model_add_input(m, name);
	load_text(&l, name, text, len);
	return d->errors > errors ? -1 : 0;
}

int frontend_read_docs(struct arena *a, struct diag *d, const struct frontend_opts *o,
		       const char *path, struct doc_list *docs)
{
	struct loader l = { a, d, o, NULL, NULL, 0, 0 };
	const char *name = strcmp(path, "-") ? path : STDIN_NAME, *file;
	size_t errors = d->errors;
	const char *text;
	char *buf;
	size_t len;
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;

	memset(docs, 0, sizeof(*docs));
	if (fd < 0) {
		read_error(&l, path, errno);
		return -1;
	}
	if (read_fd(&l, fd, name, &buf, &len) == 0) {
		text = buf;
		file = check_text(&l, name, &text, &len);
		if (file)
			parse_docs(&l, name, file, text, len, docs);
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return d->errors > errors ? -1 : 0;
}
