/*
 * probe.c - the clients' side of the e2e bench: probe every cell of a set
 * of truth tables at once and compare with what `netpolc table` expects.
 *
 *     probe PLAN
 *
 * PLAN is a text file of lines:
 *
 *     label TEXT                    names the scenario in messages
 *     timeout MS                    how long a silent probe waits (default 400)
 *     sctplog PATH                  the server's SCTP arrival log
 *     flush NETNS                   empty the conntrack table of NETNS first
 *     slot NAME NETNS IP4|- IP6|-   pod NAME ("ns/name") lives in NETNS
 *     table PATH                    a `netpolc table -o json` output
 *
 * For every table and every ordered pair of distinct slotted pods of the
 * table with an address of its family, one probe runs from the source's
 * namespace (entered with setns(); sockets keep the namespace they were
 * made in) to the destination's address:
 *
 *   TCP   non-blocking connect: established = allowed; a silent timeout or
 *         a local output drop = denied (EPERM from netfilter, ENOBUFS from
 *         a tc egress drop: see local_drop);
 *   UDP   a datagram the server echoes: echo received = allowed;
 *   SCTP  the kernel has no SCTP sockets: a raw IP protocol-132 packet, a
 *         valid SCTP common header (CRC32c checksum) with an INIT chunk
 *         whose initiate tag is unique to the probe; allowed iff the
 *         destination's raw listener logged that tag (see server.c).
 *
 * All probes of all tables run in parallel.  The diagonal (a pod to
 * itself) is not probed, as the Kubernetes e2e suite does not judge it.
 * Tables with differing cells are printed as grids.  Exit status: 0 all
 * cells agree, 1 some differ, 2 the bench itself failed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { P_TCP, P_UDP, P_SCTP };
static const char *const proto_names[] = { "TCP", "UDP", "SCTP" };

enum result { R_PENDING, R_ALLOW, R_DENY, R_ERR };

struct slot {
	char *name, *netns;
	bool has[2]; /* [0] IPv4, [1] IPv6 */
	struct sockaddr_in a4;
	struct sockaddr_in6 a6;
	int raw[2]; /* SCTP send sockets, made on first use */
};

struct table {
	char *path;
	int proto, port, family;
	size_t npods;
	char **pods;
	bool *allowed; /* npods * npods, row = source */
	int *slot;     /* table pod -> slot index, or -1 */
};

struct probe {
	size_t table, src, dst; /* table pod indices */
	int fd;
	uint32_t tag;
	enum result r;
	int err;
};

static struct slot *slots;
static size_t nslots;
static struct table *tables;
static size_t ntables;
static char **flushes;
static size_t nflushes;
static char label[256] = "scenario";
static char sctplog[4096];
static int timeout_ms = 400;

static void fatal(const char *what)
{
	fprintf(stderr, "probe: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void *xalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p)
		fatal("calloc");
	return p;
}

static char *dup_str(const char *s)
{
	char *p = strdup(s);
	if (!p)
		fatal("strdup");
	return p;
}

/* ---- CRC32c (Castagnoli), as SCTP uses it (RFC 4960 appendix B) ---- */

static uint32_t crc_table[256];

static void crc32c_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32c(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++)
		c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* sctp_init: an SCTP packet (common header + INIT chunk) of 32 bytes. */
static void sctp_init(unsigned char *pkt, uint16_t sport, uint16_t dport, uint32_t tag)
{
	uint32_t crc;
	memset(pkt, 0, 32);
	put16(pkt, sport);
	put16(pkt + 2, dport);
	/* verification tag 0 (required in a packet carrying INIT), checksum 0 for now */
	pkt[12] = 1;		/* chunk type INIT */
	pkt[13] = 0;		/* flags */
	put16(pkt + 14, 20);	/* chunk length */
	put32(pkt + 16, tag);	/* initiate tag, never 0 */
	put32(pkt + 20, 65535); /* advertised receiver window */
	put16(pkt + 24, 1);	/* outbound streams */
	put16(pkt + 26, 1);	/* inbound streams */
	put32(pkt + 28, tag);	/* initial TSN */
	crc = crc32c(pkt, 32);
	/* the checksum travels in little-endian byte order */
	pkt[8] = (unsigned char)crc;
	pkt[9] = (unsigned char)(crc >> 8);
	pkt[10] = (unsigned char)(crc >> 16);
	pkt[11] = (unsigned char)(crc >> 24);
}

/* ---- namespaces and conntrack ---- */

static void enter(const char *netns)
{
	char path[512];
	int fd;
	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		fatal(path);
	close(fd);
}

/* ct_flush: delete every conntrack entry of the current namespace. */
static void ct_flush(void)
{
	struct {
		struct nlmsghdr nh;
		struct nfgenmsg nf;
	} req = { 0 };
	char buf[4096];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	ssize_t n;

	if (fd < 0)
		fatal("netlink socket");
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = 1;
	req.nf.nfgen_family = AF_UNSPEC;
	req.nf.version = NFNETLINK_V0;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fatal("netlink send");
	n = recv(fd, buf, sizeof(buf), 0);
	if (n >= (ssize_t)sizeof(struct nlmsghdr)) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		if (h->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(h);
			/* ENOENT: the table was empty already */
			if (e->error && e->error != -ENOENT) {
				errno = -e->error;
				fatal("conntrack flush");
			}
		}
	}
	close(fd);
}

/* ---- the plan and the tables ---- */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;
	if (!f)
		fatal(path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xalloc((size_t)n + 1);
	if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
		fatal(path);
	fclose(f);
	return buf;
}

static void bad_table(const struct table *t, const char *why)
{
	fprintf(stderr, "probe: %s: %s\n", t->path, why);
	exit(2);
}

/* json_string: the string starting at *p (at its opening quote); advances past it. */
static char *json_string(const char **p)
{
	const char *s = *p + 1;
	size_t n = 0;
	char *out = xalloc(strlen(s) + 1);
	while (*s && *s != '"') {
		if (*s == '\\' && s[1])
			s++;
		out[n++] = *s++;
	}
	*p = *s ? s + 1 : s;
	return out;
}

static void load_table(struct table *t)
{
	char *text = read_file(t->path);
	const char *p;
	size_t n = 0, cap;

	if ((p = strstr(text, "\"protocol\":\""))) {
		p += strlen("\"protocol\":\"");
		t->proto = !strncmp(p, "TCP", 3) ? P_TCP : !strncmp(p, "UDP", 3) ? P_UDP : P_SCTP;
	} else {
		bad_table(t, "no protocol");
	}
	if (!(p = strstr(text, "\"port\":")))
		bad_table(t, "no port");
	t->port = atoi(p + strlen("\"port\":"));
	t->family = 4;
	if ((p = strstr(text, "\"family\":")))
		t->family = atoi(p + strlen("\"family\":"));
	if (!(p = strstr(text, "\"pods\":[")))
		bad_table(t, "no pods");
	p += strlen("\"pods\":[");
	cap = 16;
	t->pods = xalloc(cap * sizeof(*t->pods));
	while (*p && *p != ']') {
		if (*p == '"') {
			if (t->npods == cap) {
				cap *= 2;
				t->pods = realloc(t->pods, cap * sizeof(*t->pods));
				if (!t->pods)
					fatal("realloc");
			}
			t->pods[t->npods++] = json_string(&p);
		} else {
			p++;
		}
	}
	if (!(p = strstr(text, "\"allowed\":[")))
		bad_table(t, "no allowed");
	p += strlen("\"allowed\":[");
	t->allowed = xalloc(t->npods * t->npods + 1);
	for (; *p && n <= t->npods * t->npods; p++) {
		if (!strncmp(p, "true", 4) || !strncmp(p, "false", 5)) {
			if (n == t->npods * t->npods)
				bad_table(t, "too many cells");
			t->allowed[n++] = *p == 't';
			p += 3;
		}
	}
	if (n != t->npods * t->npods)
		bad_table(t, "wrong number of cells");
	t->slot = xalloc(t->npods * sizeof(*t->slot));
	for (size_t i = 0; i < t->npods; i++) {
		t->slot[i] = -1;
		for (size_t k = 0; k < nslots; k++)
			if (!strcmp(slots[k].name, t->pods[i]))
				t->slot[i] = (int)k;
	}
	free(text);
}

static void parse_plan(const char *path)
{
	char *text = read_file(path), *line, *next;
	size_t aslots = 0, atables = 0, aflush = 0;

	for (line = text; line && *line; line = next) {
		char a[512], b[512], c[512], d[512], e[512];
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "label ", 6)) {
			snprintf(label, sizeof(label), "%s", line + 6);
		} else if (sscanf(line, "timeout %d", &timeout_ms) == 1) {
			continue;
		} else if (sscanf(line, "sctplog %4095s", sctplog) == 1) {
			continue;
		} else if (sscanf(line, "flush %511s", a) == 1) {
			if (nflushes == aflush) {
				aflush = aflush ? 2 * aflush : 16;
				flushes = realloc(flushes, aflush * sizeof(*flushes));
				if (!flushes)
					fatal("realloc");
			}
			flushes[nflushes++] = dup_str(a);
		} else if (sscanf(line, "slot %511s %511s %511s %511s %511s", a, b, c, d, e) == 5 ||
			   sscanf(line, "slot %511s %511s %511s %511s", a, b, c, d) == 4) {
			struct slot *s;
			if (nslots == aslots) {
				aslots = aslots ? 2 * aslots : 16;
				slots = realloc(slots, aslots * sizeof(*slots));
				if (!slots)
					fatal("realloc");
			}
			s = &slots[nslots++];
			memset(s, 0, sizeof(*s));
			s->name = dup_str(a);
			s->netns = dup_str(b);
			s->raw[0] = s->raw[1] = -1;
			s->a4.sin_family = AF_INET;
			s->a6.sin6_family = AF_INET6;
			s->has[0] = strcmp(c, "-") && inet_pton(AF_INET, c, &s->a4.sin_addr) == 1;
			s->has[1] = strcmp(d, "-") && inet_pton(AF_INET6, d, &s->a6.sin6_addr) == 1;
		} else if (sscanf(line, "table %511s", a) == 1) {
			if (ntables == atables) {
				atables = atables ? 2 * atables : 16;
				tables = realloc(tables, atables * sizeof(*tables));
				if (!tables)
					fatal("realloc");
			}
			memset(&tables[ntables], 0, sizeof(*tables));
			tables[ntables++].path = dup_str(a);
		}
	}
	free(text);
	for (size_t i = 0; i < ntables; i++)
		load_table(&tables[i]);
}

/* ---- probing ---- */

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static socklen_t dst_addr(const struct slot *s, int fam, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (fam == 4) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		*a = s->a4;
		a->sin_port = htons((uint16_t)port);
		return sizeof(*a);
	}
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
	*a = s->a6;
	a->sin6_port = htons((uint16_t)port);
	return sizeof(*a);
}

/*
 * local_drop: the error a send gets when the firewall of its own stack
 * drops the packet: EPERM from a netfilter output hook, ENOBUFS from a tc
 * egress program (TC_ACT_SHOT is NET_XMIT_DROP for the sender).
 */
static bool local_drop(int err)
{
	return err == EPERM || err == ENOBUFS;
}

static void start(struct probe *pr, int ep)
{
	const struct table *t = &tables[pr->table];
	struct slot *src = &slots[t->slot[pr->src]], *dst = &slots[t->slot[pr->dst]];
	int af = t->family == 4 ? AF_INET : AF_INET6;
	struct sockaddr_storage ss;
	socklen_t sl = dst_addr(dst, t->family, t->port, &ss);
	struct epoll_event ev = { 0 };

	pr->fd = -1;
	if (t->proto == P_SCTP) {
		unsigned char pkt[32];
		int *raw = &src->raw[t->family == 6];
		if (*raw < 0) {
			*raw = socket(af, SOCK_RAW | SOCK_CLOEXEC, 132);
			if (*raw < 0)
				fatal("raw socket");
		}
		sctp_init(pkt, (uint16_t)(1024 + pr->tag % 60000), (uint16_t)t->port, pr->tag);
		if (t->family == 4)
			((struct sockaddr_in *)&ss)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&ss)->sin6_port = 0;
		if (sendto(*raw, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, sl) < 0) {
			pr->err = errno;
			pr->r = local_drop(errno) ? R_DENY : R_ERR;
		}
		return;
	}
	pr->fd = socket(
		af, (t->proto == P_TCP ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC,
		0);
	if (pr->fd < 0)
		fatal("socket");
	if (connect(pr->fd, (struct sockaddr *)&ss, sl) && errno != EINPROGRESS) {
		pr->err = errno;
		pr->r = local_drop(errno) ? R_DENY : R_ERR;
		return;
	}
	if (t->proto == P_UDP && send(pr->fd, &pr->tag, sizeof(pr->tag), 0) < 0) {
		pr->err = errno;
		pr->r = local_drop(errno) ? R_DENY : R_ERR;
		return;
	}
	ev.events = t->proto == P_TCP ? EPOLLOUT : EPOLLIN;
	ev.data.ptr = pr;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, pr->fd, &ev))
		fatal("epoll_ctl");
}

static void finish(struct probe *pr)
{
	const struct table *t = &tables[pr->table];
	int err = 0;
	socklen_t el = sizeof(err);
	if (t->proto == P_TCP) {
		if (getsockopt(pr->fd, SOL_SOCKET, SO_ERROR, &err, &el))
			err = errno;
	} else {
		uint32_t got = 0;
		ssize_t n = recv(pr->fd, &got, sizeof(got), 0);
		if (n < 0)
			err = errno;
		else if (n != sizeof(got) || got != pr->tag)
			return; /* not our echo: keep waiting */
	}
	if (err == EAGAIN || err == EINPROGRESS)
		return;
	pr->err = err;
	/* refused (nobody listening) or unreachable: the bench is broken, not the policy */
	pr->r = !err ? R_ALLOW : local_drop(err) ? R_DENY : R_ERR;
}

static void sctp_results(struct probe *v, size_t n)
{
	FILE *f = fopen(sctplog, "r");
	unsigned slot, tag;
	if (!f)
		fatal(sctplog);
	while (fscanf(f, "%u %u", &slot, &tag) == 2) {
		for (size_t i = 0; i < n; i++) {
			const struct table *t = &tables[v[i].table];
			if (t->proto != P_SCTP || v[i].tag != tag || v[i].r != R_PENDING)
				continue;
			v[i].r = (int)slot == t->slot[v[i].dst] ? R_ALLOW : R_ERR;
		}
	}
	fclose(f);
}

static void run(struct probe *v, size_t n)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	const char *cur = NULL;
	long deadline;
	size_t pending = 0;

	if (ep < 0)
		fatal("epoll_create1");
	if (sctplog[0] && truncate(sctplog, 0))
		fatal(sctplog);
	for (size_t i = 0; i < n; i++) {
		const struct table *t = &tables[v[i].table];
		const char *ns = slots[t->slot[v[i].src]].netns;
		if (!cur || strcmp(cur, ns)) {
			enter(ns);
			cur = ns;
		}
		start(&v[i], ep);
		if (v[i].r == R_PENDING && v[i].fd >= 0)
			pending++;
	}
	deadline = now_ms() + timeout_ms;
	while (pending) {
		struct epoll_event ev[256];
		long left = deadline - now_ms();
		int k;
		if (left <= 0)
			break;
		k = epoll_wait(ep, ev, 256, (int)left);
		if (k < 0 && errno != EINTR)
			fatal("epoll_wait");
		for (int i = 0; i < k; i++) {
			struct probe *pr = ev[i].data.ptr;
			if (pr->r != R_PENDING)
				continue;
			finish(pr);
			if (pr->r != R_PENDING) {
				epoll_ctl(ep, EPOLL_CTL_DEL, pr->fd, NULL);
				pending--;
			}
		}
	}
	/* SCTP arrivals are only known from the log: give them the whole timeout */
	for (long left; (left = deadline - now_ms()) > 0;) {
		struct timespec ts = { left / 1000, (left % 1000) * 1000000 };
		nanosleep(&ts, NULL);
	}
	sctp_results(v, n);
	for (size_t i = 0; i < n; i++) {
		if (v[i].r == R_PENDING)
			v[i].r = R_DENY;
		if (v[i].fd >= 0)
			close(v[i].fd);
	}
	close(ep);
}

/* ---- report ---- */

static char cell(const struct probe *pr, bool want)
{
	switch (pr->r) {
	case R_ALLOW:
		return want ? '+' : 'A';
	case R_DENY:
		return want ? 'D' : '.';
	default:
		return 'E';
	}
}

static size_t report(struct probe *v, size_t n)
{
	size_t bad_total = 0;
	for (size_t ti = 0; ti < ntables; ti++) {
		const struct table *t = &tables[ti];
		size_t np = t->npods, bad = 0, probed = 0, w = 4;
		char *grid = xalloc(np * np + 1);
		memset(grid, '-', np * np);
		for (size_t i = 0; i < n; i++) {
			char c;
			if (v[i].table != ti)
				continue;
			c = cell(&v[i], t->allowed[v[i].src * np + v[i].dst]);
			grid[v[i].src * np + v[i].dst] = c;
			probed++;
			if (c != '+' && c != '.')
				bad++;
		}
		bad_total += bad;
		if (!bad) {
			free(grid);
			continue;
		}
		for (size_t i = 0; i < np; i++)
			if (strlen(t->pods[i]) > w)
				w = strlen(t->pods[i]);
		printf("MISMATCH %s: %s/%d IPv%d: %zu of %zu probed cells differ from netpolc "
		       "table\n",
		       label, proto_names[t->proto], t->port, t->family, bad, probed);
		printf("    %-*s  ", (int)(w + 5), "source \\ destination");
		for (size_t j = 0; j < np; j++)
			printf("%zu", j % 10);
		printf("\n");
		for (size_t i = 0; i < np; i++) {
			printf("    %2zu %-*s  ", i, (int)w + 2, t->pods[i]);
			fwrite(grid + i * np, 1, np, stdout);
			printf("\n");
		}
		printf("    + allowed, . denied (both as netpolc table says); A allowed but table "
		       "says "
		       "deny; D denied but table says allow; E probe error; - not probed\n");
		for (size_t i = 0; i < n; i++)
			if (v[i].table == ti && v[i].r == R_ERR)
				printf("    E %s -> %s: %s\n", t->pods[v[i].src], t->pods[v[i].dst],
				       v[i].err ? strerror(v[i].err) : "arrived at the wrong pod");
		free(grid);
	}
	return bad_total;
}

int main(int argc, char **argv)
{
	struct probe *v;
	size_t n = 0, cap = 0, bad;
	struct rlimit rl;
	uint32_t base;

	if (argc != 2) {
		fprintf(stderr, "usage: probe PLAN\n");
		return 2;
	}
	crc32c_init();
	parse_plan(argv[1]);
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (size_t i = 0; i < nflushes; i++) {
		enter(flushes[i]);
		ct_flush();
	}
	for (size_t ti = 0; ti < ntables; ti++)
		cap += tables[ti].npods * tables[ti].npods;
	v = xalloc((cap + 1) * sizeof(*v));
	base = (uint32_t)getpid() * 2654435761u ^ (uint32_t)now_ms();
	/* sources outermost, so that the namespace changes once per source */
	for (size_t s = 0; s < nslots; s++) {
		for (size_t ti = 0; ti < ntables; ti++) {
			const struct table *t = &tables[ti];
			int fam = t->family == 6;
			for (size_t i = 0; i < t->npods; i++) {
				if (t->slot[i] != (int)s || !slots[s].has[fam])
					continue;
				for (size_t j = 0; j < t->npods; j++) {
					if (i == j || t->slot[j] < 0 || !slots[t->slot[j]].has[fam])
						continue;
					v[n].table = ti;
					v[n].src = i;
					v[n].dst = j;
					v[n].tag = base + (uint32_t)n;
					if (!v[n].tag)
						v[n].tag = 1;
					n++;
				}
			}
		}
	}
	if ((size_t)rl.rlim_cur < n + 64) {
		fprintf(stderr, "probe: %zu probes need more file descriptors than %lu\n", n,
			(unsigned long)rl.rlim_cur);
		return 2;
	}
	run(v, n);
	bad = report(v, n);
	printf("%s: %zu probes, %zu differ\n", label, n, bad);
	return bad ? 1 : 0;
}
