/*
 * cidr.c - "netpolc cidr": merge, exclude or intersect lists of addresses,
 * prefixes and ranges, and print the minimal prefix list (or the ranges).
 *
 * A thin command line over ir/addrset.h.  Each input is read whole, parsed
 * line by line (address, ADDR/LEN or LO-HI, "#" comments, blank lines) into
 * one address set; problems go to the diagnostic queue with their file,
 * line and column.  Any error means exit status 1 and nothing on stdout.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ir/addrset.h"
#include "lib/diag.h"
#include "lib/strbuf.h"
#include "lib/util.h"

/* Bytes read at a time; a longer line grows the buffer. */
#define CIDR_CHUNK (256 * 1024)

/* Diagnostics kept per run; past this, diag_print says how many were dropped. */
#define CIDR_MAX_DIAGS 1000

/* The text of an input with diagnostics: kept until they are printed. */
struct cidr_input {
	char *text;
	size_t len;
};

struct cidr_run {
	struct diag diag;
	struct cidr_input *in;
	size_t nin, ain;
};

/* read_fd: the whole of fd into a malloc'ed buffer; -1 with errno on failure. */
static int read_fd(int fd, char **out, size_t *outlen)
{
	struct stat st;
	size_t alloc = 65536, len = 0;
	char *buf;

	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0)
		alloc = st_add((size_t)st.st_size, 1);
	buf = xmalloc(alloc);
	for (;;) {
		ssize_t r;
		if (len == alloc) {
			alloc = st_mult(alloc, 2);
			buf = xrealloc(buf, alloc);
		}
		r = read(fd, buf + len, alloc - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -1;
		}
		if (!r)
			break;
		len += (size_t)r;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* quoted: 'text' for a message, control bytes shown as '?', long text cut. */
static const char *quoted(struct strbuf *sb, const char *s, size_t n)
{
	strbuf_reset(sb);
	strbuf_addch(sb, '\'');
	for (size_t i = 0; i < n && i < 80; i++)
		strbuf_addch(sb, (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i]);
	if (n > 80)
		strbuf_addstr(sb, "...");
	strbuf_addch(sb, '\'');
	return sb->buf;
}

struct line_ctx {
	struct diag *d;
	struct loc loc;
	const char *start; /* first byte of the line: columns count from here */
	struct strbuf tmp;
};

static void at_col(struct line_ctx *c, const char *p)
{
	c->loc.col = (unsigned)(p - c->start) + 1;
}

/* parse_bound: one end of a range, a bare address; 0 or -1 (reported). */
static int parse_bound(struct line_ctx *c, const char *p, size_t n, const char *what,
		       struct prefix *out)
{
	const char *why;
	at_col(c, p);
	if (!n)
		return diag_error(c->d, &c->loc, "missing range %s", what);
	if (memchr(p, '/', n))
		return diag_error(c->d, &c->loc, "range %s %s must be an address, not a prefix",
				  what, quoted(&c->tmp, p, n));
	if (prefix_parse_n(p, n, out, NULL, &why))
		return diag_error(c->d, &c->loc, "invalid range %s %s: %s", what,
				  quoted(&c->tmp, p, n), why);
	return 0;
}

static void parse_range(struct line_ctx *c, const char *p, const char *dash, const char *e,
			struct addrset *set)
{
	const char *lend = dash, *r = dash + 1;
	struct prefix lo, hi;
	while (lend > p && is_blank(lend[-1]))
		lend--;
	while (r < e && is_blank(*r))
		r++;
	if (parse_bound(c, p, (size_t)(lend - p), "start", &lo) |
	    parse_bound(c, r, (size_t)(e - r), "end", &hi))
		return;
	at_col(c, p);
	if (lo.a.family != hi.a.family)
		diag_error(c->d, &c->loc, "range %s mixes IPv4 and IPv6",
			   quoted(&c->tmp, p, (size_t)(e - p)));
	else if (lo.a.v > hi.a.v)
		diag_error(c->d, &c->loc, "range %s starts after its end",
			   quoted(&c->tmp, p, (size_t)(e - p)));
	else
		addrset_add_range(set, lo.a.family, lo.a.v, hi.a.v);
}

/* parse_line: one line, [p, e) without its newline. */
static void parse_line(struct line_ctx *c, const char *p, const char *e, struct addrset *set)
{
	const char *q, *dash = NULL, *tok = NULL;
	struct prefix pfx;
	bool host_bits;
	const char *why;

	c->start = p;
	while (p < e && is_blank(*p))
		p++;
	if (p == e || *p == '#')
		return;
	/* one pass: the end of the entry (a comment or the line's end), its first '-' and blank */
	for (q = p; q < e && *q != '#'; q++) {
		if (*q == '-' && !dash)
			dash = q;
		else if (is_blank(*q) && !tok)
			tok = q;
	}
	e = q;
	while (is_blank(e[-1]))
		e--;
	if (dash) {
		parse_range(c, p, dash, e, set);
		return;
	}
	if (tok && tok < e) {
		while (is_blank(*tok))
			tok++;
		at_col(c, tok);
		diag_error(c->d, &c->loc, "unexpected text %s after the address",
			   quoted(&c->tmp, tok, (size_t)(e - tok)));
		return;
	}
	at_col(c, p);
	if (prefix_parse_n(p, (size_t)(e - p), &pfx, &host_bits, &why)) {
		diag_error(c->d, &c->loc, "invalid %s %s: %s",
			   memchr(p, '/', (size_t)(e - p)) ? "prefix" : "address",
			   quoted(&c->tmp, p, (size_t)(e - p)), why);
		return;
	}
	if (host_bits) {
		char buf[ADDR_STRLEN];
		diag_warning(c->d, DIAG_W_HOST_BITS, &c->loc, "%s has host bits set; using %s",
			     quoted(&c->tmp, p, (size_t)(e - p)), prefix_format(&pfx, buf));
	}
	addrset_add_prefix(set, &pfx);
}

/* keep_text: hand text to the diagnostics (for caret lines); the run frees it at the end. */
static void keep_text(struct cidr_run *run, const char *file, char *text, size_t len)
{
	struct cidr_input in = { text, len };
	VEC_PUSH(run->in, run->nin, run->ain, in);
	diag_set_text(&run->diag, file, text, len);
}

/*
 * read_list: read the file (or stdin for "-") and add every entry to set.
 * Problems are queued on the run's diagnostics.  The input is read and
 * parsed in chunks; only when a file drew diagnostics is it read again
 * whole for the caret lines (stdin, which cannot be read again, is kept).
 */
static void read_list(struct cidr_run *run, const char *name, struct addrset *set)
{
	bool is_stdin = !strcmp(name, "-");
	const char *file = diag_source(&run->diag, is_stdin ? "<stdin>" : name, NULL, 0);
	struct line_ctx c = { .d = &run->diag, .tmp = STRBUF_INIT };
	struct strbuf whole = STRBUF_INIT;
	size_t ndiag = run->diag.errors + run->diag.warnings;
	size_t cap = CIDR_CHUNK, len = 0;
	char *buf;
	int fd = is_stdin ? 0 : open(name, O_RDONLY);

	if (fd < 0) {
		int err = errno;
		struct loc l = loc_none(file);
		diag_error(&run->diag, &l, "cannot read: %s", strerror(err));
		return;
	}
	c.loc.file = file;
	buf = xmalloc(cap);
	for (;;) {
		ssize_t r = read(fd, buf + len, cap - len);
		const char *p = buf, *end, *nl;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;
			struct loc l = loc_none(file);
			diag_error(&run->diag, &l, "cannot read: %s", strerror(err));
			break;
		}
		if (!r) {
			if (len) {
				c.loc.line++;
				parse_line(&c, buf, buf + len, set);
			}
			break;
		}
		if (is_stdin)
			strbuf_add(&whole, buf + len, (size_t)r);
		len += (size_t)r;
		end = buf + len;
		while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
			c.loc.line++;
			parse_line(&c, p, nl, set);
			p = nl + 1;
		}
		len = (size_t)(end - p);
		memmove(buf, p, len);
		if (len == cap) {
			cap = st_mult(cap, 2);
			buf = xrealloc(buf, cap);
		}
	}
	free(buf);
	strbuf_release(&c.tmp);
	if (fd > 0)
		close(fd);
	if (is_stdin) {
		size_t n;
		char *text = strbuf_detach(&whole, &n);
		keep_text(run, file, text, n);
	} else if (run->diag.errors + run->diag.warnings > ndiag) {
		char *text;
		size_t n;
		fd = open(name, O_RDONLY);
		if (fd >= 0 && !read_fd(fd, &text, &n))
			keep_text(run, file, text, n);
		if (fd >= 0)
			close(fd);
	}
}

static int print_prefixes(const struct addrset *s)
{
	struct strbuf out = STRBUF_INIT;
	struct addrset_iter it;
	struct prefix p;
	char buf[ADDR_STRLEN];
	int status = 0;

	addrset_iter_init(&it, s);
	while (!status && addrset_iter_next(&it, &p)) {
		size_t n = strlen(prefix_format(&p, buf));
		buf[n++] = '\n';
		strbuf_add(&out, buf, n);
		status = cli_flush(&out, false);
	}
	if (!status)
		status = cli_flush(&out, true);
	strbuf_release(&out);
	return status;
}

static void format_range(struct strbuf *out, int family, u128 lo, u128 hi)
{
	char buf[ADDR_STRLEN];
	struct addr a = { .family = (uint8_t)family, .v = lo };
	strbuf_addstr(out, addr_format(&a, buf));
	if (hi != lo) {
		a.v = hi;
		strbuf_addch(out, '-');
		strbuf_addstr(out, addr_format(&a, buf));
	}
	strbuf_addch(out, '\n');
}

static int print_ranges(struct addrset *s)
{
	struct strbuf out = STRBUF_INIT;
	int status = 0;

	addrset_normalize(s);
	for (size_t i = 0; !status && i < s->n4; i++) {
		format_range(&out, AF4, s->v4[i].lo, s->v4[i].hi);
		status = cli_flush(&out, false);
	}
	for (size_t i = 0; !status && i < s->n6; i++) {
		format_range(&out, AF6, s->v6[i].lo, s->v6[i].hi);
		status = cli_flush(&out, false);
	}
	if (!status)
		status = cli_flush(&out, true);
	strbuf_release(&out);
	return status;
}

int cmd_cidr(struct cli *c)
{
	struct cidr_run run = { .in = NULL };
	struct addrset in = ADDRSET_INIT, arg = ADDRSET_INIT, res = ADDRSET_INIT;
	size_t stdin_uses = 0;
	int status = 0;

	for (size_t i = 0; i < c->npaths; i++)
		stdin_uses += !strcmp(c->paths[i], "-");
	if (c->cidr_other && !strcmp(c->cidr_other, "-"))
		stdin_uses++;
	if (stdin_uses > 1)
		return cli_usage_error(c, "standard input can be read only once");

	diag_init(&run.diag);
	run.diag.max_errors = CIDR_MAX_DIAGS;
	for (size_t i = 0; i < c->npaths; i++)
		read_list(&run, c->paths[i], &in);
	if (c->cidr_other)
		read_list(&run, c->cidr_other, &arg);
	diag_print(&run.diag, stderr);
	if (diag_has_errors(&run.diag)) {
		status = 1;
		goto out;
	}

	if (c->cidr_op == CIDR_EXCLUDE)
		addrset_subtract(&res, &in, &arg);
	else if (c->cidr_op == CIDR_INTERSECT)
		addrset_intersect(&res, &in, &arg);
	if (c->ranges)
		status = print_ranges(c->cidr_op == CIDR_MERGE ? &in : &res);
	else
		status = print_prefixes(c->cidr_op == CIDR_MERGE ? &in : &res);
out:
	addrset_release(&in);
	addrset_release(&arg);
	addrset_release(&res);
	for (size_t i = 0; i < run.nin; i++)
		free(run.in[i].text);
	free(run.in);
	diag_release(&run.diag);
	return status;
}
