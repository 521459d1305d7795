/*
 * load.c - new-connection load for the nftables benchmark.
 *
 *     load MILLISECONDS CONCURRENCY NETNS/ADDRESS/PORT...
 *
 * Keeps CONCURRENCY TCP connections in flight, spread round-robin over the
 * targets; each target is a source network namespace (a name under
 * /run/netns: the socket is created there) and a destination.  A
 * connection counts when its handshake completes; it is then closed with
 * an RST (SO_LINGER 0), so neither side keeps TIME_WAIT state and the
 * ephemeral ports never run out.  A connection that takes over a second, or
 * fails, counts as failed.  Prints one line:
 *
 *     connections N failed N seconds S rate R cpu C
 *
 * where C is the CPU time (user + system, seconds) this process used,
 * which includes the kernel's forwarding work done on its behalf.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct target {
	int netns; /* fd of the namespace */
	struct sockaddr_in dst;
};

struct conn {
	int fd;
	size_t target;
	double started;
};

static struct target *targets;
static size_t ntargets;
static int cur_ns = -1;

static void fatal(const char *what)
{
	fprintf(stderr, "load: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void start(int ep, struct conn *c, size_t t)
{
	struct linger lg = { 1, 0 };
	struct epoll_event ev = { 0 };
	if (cur_ns != targets[t].netns) {
		if (setns(targets[t].netns, CLONE_NEWNET))
			fatal("setns");
		cur_ns = targets[t].netns;
	}
	c->target = t;
	c->started = now();
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		fatal("socket");
	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	if (connect(c->fd, (struct sockaddr *)&targets[t].dst, sizeof(targets[t].dst)) &&
	    errno != EINPROGRESS)
		fatal("connect");
	ev.events = EPOLLOUT;
	ev.data.ptr = c;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev))
		fatal("epoll_ctl");
}

int main(int argc, char **argv)
{
	double duration, t0, end, last_scan;
	long conc, ok = 0, failed = 0;
	size_t next = 0;
	struct conn *conns;
	int ep;

	if (argc < 4) {
		fprintf(stderr, "usage: load MILLISECONDS CONCURRENCY NETNS/ADDRESS/PORT...\n");
		return 2;
	}
	duration = atof(argv[1]) / 1000.0;
	conc = atol(argv[2]);
	ntargets = (size_t)argc - 3;
	targets = calloc(ntargets, sizeof(*targets));
	conns = calloc((size_t)conc, sizeof(*conns));
	if (!targets || !conns || conc < 1)
		fatal("setup");
	for (size_t i = 0; i < ntargets; i++) {
		char ns[256], path[300], addr[64];
		int port;
		if (sscanf(argv[3 + i], "%255[^/]/%63[^/]/%d", ns, addr, &port) != 3) {
			fprintf(stderr, "load: bad target '%s'\n", argv[3 + i]);
			return 2;
		}
		snprintf(path, sizeof(path), "/run/netns/%s", ns);
		targets[i].netns = open(path, O_RDONLY | O_CLOEXEC);
		if (targets[i].netns < 0)
			fatal(path);
		targets[i].dst.sin_family = AF_INET;
		targets[i].dst.sin_port = htons((unsigned short)port);
		if (inet_pton(AF_INET, addr, &targets[i].dst.sin_addr) != 1) {
			fprintf(stderr, "load: bad address '%s'\n", addr);
			return 2;
		}
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		fatal("epoll_create1");
	t0 = now();
	end = t0 + duration;
	last_scan = t0;
	for (long i = 0; i < conc; i++)
		start(ep, &conns[i], next++ % ntargets);
	while (now() < end) {
		struct epoll_event ev[256];
		int n = epoll_wait(ep, ev, 256, 100);
		double t = now();
		if (n < 0 && errno != EINTR)
			fatal("epoll_wait");
		for (int i = 0; i < n; i++) {
			struct conn *c = ev[i].data.ptr;
			int err = 0;
			socklen_t el = sizeof(err);
			getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
			if (err == EINPROGRESS)
				continue;
			if (err)
				failed++;
			else
				ok++;
			close(c->fd);
			start(ep, c, next++ % ntargets);
		}
		/* connections stuck for over a second: count them as failed */
		if (t - last_scan < 0.1)
			continue;
		last_scan = t;
		for (long i = 0; i < conc; i++) {
			if (t - conns[i].started > 1.0) {
				close(conns[i].fd);
				failed++;
				start(ep, &conns[i], next++ % ntargets);
			}
		}
	}
	t0 = now() - t0;
	{
		struct rusage ru;
		double cpu = 0;
		if (!getrusage(RUSAGE_SELF, &ru))
			cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
			      (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
		printf("connections %ld failed %ld seconds %.3f rate %.0f cpu %.3f\n", ok, failed,
		       t0, (double)ok / t0, cpu);
	}
	return 0;
}
