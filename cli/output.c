/*
 * output.c - commit a backend's parts all or nothing.
 *
 * Every regular file is first written to a temporary file beside its
 * target and fsync'ed; only when all are written are they renamed over
 * their targets.  On any failure, or on SIGINT/SIGTERM/SIGHUP meanwhile,
 * every temporary file is removed and no target is created or changed.
 * Devices, FIFOs and sockets (/dev/null, /dev/stdout) and standard output
 * are written in place, last.  An existing file keeps its mode; a
 * symbolic link is followed, so its target is what gets replaced.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/strbuf.h"
#include "lib/util.h"

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int cli_stdout(const char *buf, size_t len)
{
	if (write_all(STDOUT_FILENO, buf, len)) {
		fprintf(stderr, "netpolc: error writing standard output: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

int cli_flush(struct strbuf *out, bool last)
{
	int rc = 0;
	if (out->len >= CLI_CHUNK || (last && out->len))
		rc = cli_stdout(out->buf, out->len);
	if (out->len >= CLI_CHUNK || last)
		strbuf_reset(out);
	return rc;
}

/* One part on its way to its file. */
struct target {
	const struct strbuf *buf;
	char *path;    /* where it goes (a link followed); NULL: standard output */
	char *tmp;     /* the temporary file, or NULL: written in place */
	bool in_place; /* a device, FIFO or socket */
};

/* What a signal handler must remove: set before the files exist. */
static char *volatile *pending;
static volatile sig_atomic_t npending;
static const char *volatile made_dir;

static void remove_pending(void)
{
	for (sig_atomic_t i = 0; i < npending; i++)
		unlink(pending[i]);
	if (made_dir)
		rmdir(made_dir);
}

static void on_signal(int sig)
{
	remove_pending();
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int signals[] = { SIGINT, SIGTERM, SIGHUP };

/* follow: path with its symbolic links followed (malloc'ed), even a dangling last one. */
static char *follow(const char *path)
{
	char *p = xstrdup(path);
	for (int depth = 0; depth < 40; depth++) {
		struct stat st;
		char link[PATH_MAX];
		ssize_t n;
		struct strbuf sb = STRBUF_INIT;
		const char *slash;
		if (lstat(p, &st) || !S_ISLNK(st.st_mode))
			return p;
		n = readlink(p, link, sizeof(link) - 1);
		if (n < 0)
			return p;
		link[n] = '\0';
		slash = strrchr(p, '/');
		if (link[0] != '/' && slash)
			strbuf_add(&sb, p, (size_t)(slash - p + 1));
		strbuf_addstr(&sb, link);
		free(p);
		p = strbuf_detach(&sb, NULL);
	}
	return p;
}

/* write_tmp: t's text into a new temporary file beside t->path; 0 or 1 after an error. */
static int write_tmp(struct target *t)
{
	struct strbuf tmp = STRBUF_INIT;
	struct stat st;
	mode_t mode;
	int fd;

	/* keep the mode an existing output file had; else the umask's 0666 */
	if (!stat(t->path, &st)) {
		mode = st.st_mode & 07777;
	} else {
		mode_t um = umask(0);
		umask(um);
		mode = 0666 & ~um;
	}
	strbuf_addf(&tmp, "%s.XXXXXX", t->path);
	t->tmp = strbuf_detach(&tmp, NULL);
	/* known to the signal handler before it exists */
	pending[npending] = t->tmp;
	npending++;
	fd = mkstemp(t->tmp);
	if (fd < 0) {
		fprintf(stderr, "netpolc: %s: cannot create temporary file: %s\n", t->path,
			strerror(errno));
		npending--;
		free(t->tmp);
		t->tmp = NULL;
		return 1;
	}
	if (fchmod(fd, mode) || write_all(fd, t->buf->buf, t->buf->len) || fsync(fd)) {
		fprintf(stderr, "netpolc: %s: write failed: %s\n", t->path, strerror(errno));
		close(fd);
		return 1;
	}
	if (close(fd)) {
		fprintf(stderr, "netpolc: %s: write failed: %s\n", t->path, strerror(errno));
		return 1;
	}
	return 0;
}

static int write_in_place(const struct target *t)
{
	int fd;
	if (!t->path)
		return cli_stdout(t->buf->buf, t->buf->len);
	fd = open(t->path, O_WRONLY);
	if (fd < 0 || write_all(fd, t->buf->buf, t->buf->len) || close(fd)) {
		fprintf(stderr, "netpolc: %s: %s\n", t->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	return 0;
}

/* target_path: where part p goes (malloc'ed), NULL for standard output. */
static char *target_path(const struct backend *be, const char *output, const struct emit_part *p)
{
	struct strbuf sb = STRBUF_INIT;
	if (p->in_dir) {
		if (be->out != OUT_DIR)
			BUG("backend %s writes a file, not %s in a directory", be->name, p->path);
		strbuf_addf(&sb, "%s/%s", output, p->path);
		return strbuf_detach(&sb, NULL);
	}
	if (p->path)
		return follow(p->path);
	if (be->out != OUT_FILE)
		BUG("backend %s writes a directory, not a main part", be->name);
	if (!output || !strcmp(output, "-"))
		return NULL;
	return follow(output);
}

/* make_dir: the output directory of an OUT_DIR backend; *made set if created here. */
static int make_dir(const char *dir, bool *made)
{
	struct stat st;
	*made = false;
	if (!stat(dir, &st)) {
		if (S_ISDIR(st.st_mode))
			return 0;
		fprintf(stderr, "netpolc: %s: not a directory\n", dir);
		return 1;
	}
	if (mkdir(dir, 0777)) {
		fprintf(stderr, "netpolc: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	*made = true;
	return 0;
}

int cli_commit(const struct backend *be, const char *output, struct emit_out *o)
{
	struct target *t = xcalloc(o->n + 1, sizeof(*t));
	struct sigaction sa, old[ARRAY_SIZE(signals)];
	bool made = false;
	size_t done = 0;
	int rc = 0;

	static bool registered;

	/* oom() exits from inside the loops below: leave no directory or temporary file */
	if (!registered && !atexit(remove_pending))
		registered = true;
	pending = xcalloc(o->n + 1, sizeof(*pending));
	npending = 0;
	if (be->out == OUT_DIR && make_dir(output, &made))
		rc = 1;
	made_dir = made ? output : NULL;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		sigaction(signals[i], &sa, &old[i]);
	for (size_t i = 0; !rc && i < o->n; i++) {
		struct stat st;
		t[i].buf = &o->v[i]->buf;
		t[i].path = target_path(be, output, o->v[i]);
		t[i].in_place = !t[i].path || (!stat(t[i].path, &st) && !S_ISREG(st.st_mode));
		if (!t[i].in_place)
			rc = write_tmp(&t[i]);
	}
	for (; !rc && done < o->n; done++) {
		if (t[done].tmp && rename(t[done].tmp, t[done].path)) {
			fprintf(stderr, "netpolc: %s: %s\n", t[done].path, strerror(errno));
			rc = 1;
			break;
		}
	}
	/* on failure: remove what is still a temporary file (renamed ones are in place) */
	for (size_t i = 0; i < o->n; i++)
		if (rc && t[i].tmp && i >= done)
			unlink(t[i].tmp);
	if (rc && made)
		rmdir(output);
	npending = 0;
	made_dir = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		sigaction(signals[i], &old[i], NULL);
	for (size_t i = 0; !rc && i < o->n; i++)
		if (t[i].in_place)
			rc = write_in_place(&t[i]);
	for (size_t i = 0; i < o->n; i++) {
		free(t[i].path);
		free(t[i].tmp);
	}
	free(t);
	free((void *)pending);
	pending = NULL;
	return rc;
}
