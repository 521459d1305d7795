/*
 * flow.c - long-lived flows for tests/e2e/update.sh.
 *
 *     flow serve PORT            TCP and UDP echo on PORT, IPv4 and IPv6;
 *                                TCP connections stay open; runs until killed
 *     flow client ADDR PORT      one TCP connection and one UDP socket to
 *                                ADDR:PORT, kept for the whole run; for each
 *                                line on stdin, send a byte on both and print
 *                                "tcp ok|lost udp ok|lost" (1 s to answer)
 *     flow connect ADDR PORT MS  one TCP connection attempt to ADDR:PORT;
 *                                prints how it ended and after how long:
 *                                "connected", "refused" (a TCP reset),
 *                                "unreachable" (an ICMP error), "denied"
 *                                (a local drop: EPERM) or "timeout" (no
 *                                answer within MS milliseconds), then " MS"
 *
 * A "lost" TCP connection stays lost (the client does not reconnect), so
 * the output shows whether the same connection survived.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static _Noreturn void die(const char *what)
{
	perror(what);
	exit(1);
}

static _Noreturn void serve(int port)
{
	struct pollfd p[64];
	int n = 0;
	for (int fam = 0; fam < 2; fam++)
		for (int type = 0; type < 2; type++) {
			struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
						   .sin6_port = htons((uint16_t)port) };
			struct sockaddr_in a4 = { .sin_family = AF_INET,
						  .sin_port = htons((uint16_t)port) };
			int one = 1, fd = socket(fam ? AF_INET6 : AF_INET,
						 type ? SOCK_DGRAM : SOCK_STREAM, 0);
			if (fd < 0)
				die("socket");
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (fam)
				setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
			if (bind(fd, fam ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
				 fam ? sizeof(a6) : sizeof(a4)))
				die("bind");
			if (!type && listen(fd, 16))
				die("listen");
			p[n].fd = fd;
			p[n].events = POLLIN;
			n++;
		}
	for (;;) {
		if (poll(p, (nfds_t)n, -1) < 0)
			die("poll");
		for (int i = 0; i < n; i++) {
			char buf[512];
			struct sockaddr_storage ss;
			socklen_t sl = sizeof(ss);
			ssize_t k;
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (i < 4 && (i & 1) == 0) { /* a TCP listener */
				int c = accept(p[i].fd, NULL, NULL);
				if (c >= 0 && n < 64) {
					p[n].fd = c;
					p[n].events = POLLIN;
					p[n].revents = 0;
					n++;
				} else if (c >= 0) {
					close(c);
				}
			} else if (i < 4) { /* UDP */
				k = recvfrom(p[i].fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss,
					     &sl);
				if (k > 0)
					sendto(p[i].fd, buf, (size_t)k, 0, (struct sockaddr *)&ss,
					       sl);
			} else {
				k = read(p[i].fd, buf, sizeof(buf));
				if (k <= 0) {
					close(p[i].fd);
					p[i--] = p[--n];
				} else {
					(void)!write(p[i].fd, buf, (size_t)k);
				}
			}
		}
	}
}

static int echo_ok(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c = 'x';
	if (fd < 0 || send(fd, &c, 1, MSG_NOSIGNAL) != 1)
		return 0;
	if (poll(&p, 1, 1000) != 1)
		return 0;
	return recv(fd, &c, 1, 0) == 1;
}

/* sockaddr: ADDR:PORT into *ss and *sl; the family, or -1 for a bad address */
static int sockaddr(const char *addr, int port, struct sockaddr_storage *ss, socklen_t *sl)
{
	int fam;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		fam = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		*sl = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		fam = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		*sl = sizeof(struct sockaddr_in6);
	} else {
		fprintf(stderr, "flow: bad address %s\n", addr);
		return -1;
	}
	ss->ss_family = (sa_family_t)fam;
	return fam;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int try_connect(const char *addr, int port, int ms)
{
	struct sockaddr_storage ss;
	socklen_t sl, el = sizeof(int);
	int fam = sockaddr(addr, port, &ss, &sl), fd, err = 0;
	long t0 = now_ms();
	const char *how;

	if (fam < 0)
		return 2;
	fd = socket(fam, SOCK_STREAM, 0);
	if (fd < 0 || fcntl(fd, F_SETFL, O_NONBLOCK))
		die("socket");
	if (connect(fd, (struct sockaddr *)&ss, sl)) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		err = errno;
		if (err == EINPROGRESS) {
			err = ETIMEDOUT;
			if (poll(&p, 1, ms) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el))
				die("getsockopt");
		}
	}
	switch (err) {
	case 0:
		how = "connected";
		break;
	case ECONNREFUSED:
		how = "refused";
		break;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EACCES:
		how = "unreachable";
		break;
	case EPERM:
		how = "denied";
		break;
	case ETIMEDOUT:
		how = "timeout";
		break;
	default:
		how = strerror(err);
	}
	printf("%s %ld\n", how, now_ms() - t0);
	close(fd);
	return 0;
}

static int client(const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fam = sockaddr(addr, port, &ss, &sl), t, u;
	char line[64];
	if (fam < 0)
		return 2;
	t = socket(fam, SOCK_STREAM, 0);
	u = socket(fam, SOCK_DGRAM, 0);
	if (t < 0 || u < 0)
		die("socket");
	/* a connect whose SYN is dropped gives up after 2 s */
	setsockopt(t, SOL_SOCKET, SO_SNDTIMEO, &(struct timeval){ 2, 0 }, sizeof(struct timeval));
	if (connect(t, (struct sockaddr *)&ss, sl)) {
		close(t);
		t = -1;
	}
	if (connect(u, (struct sockaddr *)&ss, sl))
		die("connect udp");
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		int tok = echo_ok(t), uok = echo_ok(u);
		if (!tok && t >= 0) {
			close(t);
			t = -1;
		}
		printf("tcp %s udp %s\n", tok ? "ok" : "lost", uok ? "ok" : "lost");
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "serve"))
		serve(atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "client"))
		return client(argv[2], atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "connect"))
		return try_connect(argv[2], atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr,
		"usage: flow serve PORT | flow client ADDR PORT | flow connect ADDR PORT MS\n");
	return 2;
}
