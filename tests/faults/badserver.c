/* A misbehaving "LDAP server" on 127.0.0.1 for the fault suite. Prints its
 * port, then serves every connection the same way until killed:
 *
 *   badserver silent  accept and never answer (the kernel holds the socket)
 *   badserver random  answer with 64 KiB of random bytes, then stay silent
 *   badserver huge    answer with an LDAP message header claiming 2 GiB
 *                     (SEQUENCE, long-form length 0x80000000), a few bytes
 *                     of it, then stay silent */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

enum mode { SILENT, RANDOM, HUGE };

static void answer(int fd, enum mode m)
{
	static const unsigned char huge[] = { 0x30, 0x84, 0x80, 0x00, 0x00,
					      0x00, 0x02, 0x01, 0x01, 0x61 };
	unsigned char buf[65536];
	ssize_t n;

	if (m == HUGE) {
		n = write(fd, huge, sizeof(huge));
	} else if (m == RANDOM) {
		if (getrandom(buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
			memset(buf, 0xa5, sizeof(buf));
		n = write(fd, buf, sizeof(buf));
	} else {
		n = 0;
	}
	(void)n; /* a client that went away is fine */
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	enum mode m;
	int fd, c, one = 1;

	if (argc != 2 || (strcmp(argv[1], "silent") && strcmp(argv[1], "random") &&
			  strcmp(argv[1], "huge"))) {
		fprintf(stderr, "usage: badserver silent|random|huge\n");
		return 64;
	}
	m = argv[1][0] == 's' ? SILENT : argv[1][0] == 'r' ? RANDOM : HUGE;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 128) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		fprintf(stderr, "badserver: %s\n", strerror(errno));
		return 1;
	}
	printf("%u\n", ntohs(sa.sin_port));
	fflush(stdout);
	for (;;) {
		c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE)
				continue;
			return 1;
		}
		answer(c, m); /* and keep it open: never read, never close */
	}
}
