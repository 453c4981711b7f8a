/* A TCP listener on 127.0.0.1 that accepts connections and never answers:
 * the "server that hangs" of the failover tests. Prints its port, then
 * holds every connection open until killed.
 *
 *   blackhole [PORT]     (0 or none: any free port) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "numparse.h"

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	uint32_t port = 0;
	int fd, one = 1;

	if (argc > 2 || (argc == 2 && hc_parse_u32(argv[1], 0, 65535, &port))) {
		fprintf(stderr, "usage: blackhole [PORT]\n");
		return 64;
	}
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		fprintf(stderr, "blackhole: %s\n", strerror(errno));
		return 1;
	}
	printf("%u\n", ntohs(sa.sin_port));
	fflush(stdout);
	for (;;) {
		/* keep each connection open (never read or write it) */
		if (accept4(fd, NULL, NULL, SOCK_CLOEXEC) < 0 && errno != EINTR &&
		    errno != ECONNABORTED && errno != EMFILE)
			return 1;
	}
}
