/*
 * server.c - the pods' side of the e2e bench: one process serving every pod
 * network namespace.
 *
 *     server DIR PORTS NETNS...
 *
 * For each NETNS (a name under /run/netns) the process enters the
 * namespace with setns() just long enough to create its sockets (a socket
 * belongs to the namespace it was created in), then serves them all from
 * one epoll loop:
 *
 *   - TCP, IPv4 and IPv6, on every port of PORTS (comma-separated): accept
 *     and close;
 *   - UDP, likewise: echo every datagram to its sender;
 *   - SCTP: the kernel here has no SCTP sockets, so a raw socket of IP
 *     protocol 132 per family sees every SCTP packet delivered to the
 *     namespace; for each INIT chunk it appends "SLOT TAG\n" to DIR/sctp.log
 *     (SLOT = the namespace's position in the argument list, TAG = the
 *     INIT's initiate tag, which the prober makes unique per probe).
 *
 * When every socket is ready it creates DIR/ready; it runs until killed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXPORTS 64

enum kind { K_TCP, K_UDP, K_RAW };

struct sock {
	int fd;
	enum kind kind;
	int family;
	int slot;
};

static int log_fd = -1;

static void die(const char *what)
{
	fprintf(stderr, "server: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int enter_netns(const char *name)
{
	char path[512];
	int fd, rc;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	return rc;
}

static int open_listener(int family, int type, int proto, uint16_t port)
{
	int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	int one = 1;
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (type == SOCK_RAW)
		return fd;
	if (family == AF_INET) {
		struct sockaddr_in a = { 0 };
		a.sin_family = AF_INET;
		a.sin_port = htons(port);
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
			die("bind");
	} else {
		struct sockaddr_in6 a = { 0 };
		a.sin6_family = AF_INET6;
		a.sin6_port = htons(port);
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
			die("bind6");
	}
	if (type == SOCK_STREAM && listen(fd, 4096))
		die("listen");
	return fd;
}

static void add(int ep, struct sock *s)
{
	struct epoll_event ev = { 0 };
	ev.events = EPOLLIN;
	ev.data.ptr = s;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev))
		die("epoll_ctl");
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void handle_raw(struct sock *s)
{
	unsigned char buf[2048];
	for (;;) {
		ssize_t n = recv(s->fd, buf, sizeof(buf), 0);
		size_t off = 0;
		char line[64];
		int len;
		if (n < 0)
			return;
		if (s->family == AF_INET) {
			if (n < 20)
				continue;
			off = (size_t)(buf[0] & 15) * 4;
		}
		/* common header (12 bytes), then the first chunk: type 1 is INIT */
		if ((size_t)n < off + 12 + 20 || buf[off + 12] != 1)
			continue;
		len = snprintf(line, sizeof(line), "%d %u\n", s->slot, get32(buf + off + 16));
		if (write(log_fd, line, (size_t)len) != len)
			die("write sctp.log");
	}
}

static void handle(struct sock *s)
{
	char buf[2048];
	switch (s->kind) {
	case K_TCP:
		for (;;) {
			int c = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
			if (c < 0)
				return;
			close(c);
		}
	case K_UDP:
		for (;;) {
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			ssize_t n =
				recvfrom(s->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
			if (n < 0)
				return;
			sendto(s->fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
		}
	case K_RAW:
		handle_raw(s);
		return;
	}
}

int main(int argc, char **argv)
{
	uint16_t ports[MAXPORTS];
	size_t nports = 0, nsocks = 0;
	struct sock *socks;
	char path[4096];
	const char *p;
	int ep, nns;

	if (argc < 4) {
		fprintf(stderr, "usage: server DIR PORTS NETNS...\n");
		return 2;
	}
	for (p = argv[2]; *p && nports < MAXPORTS;) {
		char *end;
		ports[nports++] = (uint16_t)strtoul(p, &end, 10);
		p = *end == ',' ? end + 1 : end;
		if (end == p && *p)
			break;
	}
	nns = argc - 3;
	snprintf(path, sizeof(path), "%s/sctp.log", argv[1]);
	log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0)
		die(path);
	socks = calloc((size_t)nns * (nports * 4 + 2), sizeof(*socks));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!socks || ep < 0)
		die("setup");
	for (int i = 0; i < nns; i++) {
		if (enter_netns(argv[3 + i]))
			die("setns");
		for (int fam = 0; fam < 2; fam++) {
			int af = fam ? AF_INET6 : AF_INET;
			struct sock *s;
			for (size_t k = 0; k < nports; k++) {
				s = &socks[nsocks++];
				*s = (struct sock){ open_listener(af, SOCK_STREAM, 0, ports[k]),
						    K_TCP, af, i };
				add(ep, s);
				s = &socks[nsocks++];
				*s = (struct sock){ open_listener(af, SOCK_DGRAM, 0, ports[k]),
						    K_UDP, af, i };
				add(ep, s);
			}
			s = &socks[nsocks++];
			*s = (struct sock){ open_listener(af, SOCK_RAW, 132, 0), K_RAW, af, i };
			add(ep, s);
		}
	}
	snprintf(path, sizeof(path), "%s/ready", argv[1]);
	close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	for (;;) {
		struct epoll_event ev[64];
		int n = epoll_wait(ep, ev, 64, -1);
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (int i = 0; i < n; i++)
			handle(ev[i].data.ptr);
	}
}
