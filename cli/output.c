/*
 * output.c - atomic output: write a temporary file beside the target,
 * fsync it, rename it over the target.  On any failure the target is left
 * as it was and the temporary file is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ir/strbuf.h"

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

int cli_write_output(const char *path, const char *buf, size_t len)
{
	struct strbuf tmp = STRBUF_INIT;
	struct stat st;
	int fd;
	if (!path || !strcmp(path, "-")) {
		if (write_all(STDOUT_FILENO, buf, len)) {
			fprintf(stderr, "netpolc: error writing standard output: %s\n",
				strerror(errno));
			return 1;
		}
		return 0;
	}
	/* a device, FIFO or socket (/dev/null, /dev/stdout) is written in place, never replaced */
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		int dfd = open(path, O_WRONLY);
		if (dfd < 0 || write_all(dfd, buf, len) || close(dfd)) {
			fprintf(stderr, "netpolc: %s: %s\n", path, strerror(errno));
			return 1;
		}
		return 0;
	}
	strbuf_addf(&tmp, "%s.XXXXXX", path);
	fd = mkstemp(tmp.buf);
	if (fd < 0) {
		fprintf(stderr, "netpolc: %s: cannot create temporary file: %s\n", path,
			strerror(errno));
		strbuf_release(&tmp);
		return 1;
	}
	/* keep the mode an existing output file had; else the umask's 0666 */
	if (!stat(path, &st)) {
		fchmod(fd, st.st_mode & 07777);
	} else {
		mode_t um = umask(0);
		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	if (write_all(fd, buf, len) || fsync(fd) || close(fd)) {
		fprintf(stderr, "netpolc: %s: write failed: %s\n", path, strerror(errno));
		unlink(tmp.buf);
		strbuf_release(&tmp);
		return 1;
	}
	if (rename(tmp.buf, path)) {
		fprintf(stderr, "netpolc: %s: %s\n", path, strerror(errno));
		unlink(tmp.buf);
		strbuf_release(&tmp);
		return 1;
	}
	strbuf_release(&tmp);
	return 0;
}
