/* Tell a running nscd to drop its passwd and group caches, as
 * "nscd --invalidate passwd" does: one request per database on nscd's
 * socket, in glibc's nscd-client.h wire format (host byte order):
 *     struct { int32_t version; int32_t type; int32_t key_len; }
 * followed by key_len bytes of key (including the NUL); nscd answers with
 * one int32 status. Every step is bounded by a short timeout: a stuck nscd
 * must never stall the sync daemon. No nscd socket: nothing to do. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "sync.h"

#define NSCD_SOCKET "/var/run/nscd/socket"
#define NSCD_VERSION 2
#define NSCD_INVALIDATE 10 /* request_type INVALIDATE in nscd-client.h */
#define NSCD_TIMEOUT_MS 500

static int wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r;

	do
		r = poll(&p, 1, NSCD_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

static int nscd_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int r;

	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, NSCD_SOCKET, sizeof(NSCD_SOCKET));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
	    errno != EINPROGRESS && errno != EAGAIN) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

static int invalidate_one(const char *db)
{
	int32_t hdr[3] = { NSCD_VERSION, NSCD_INVALIDATE,
			   (int32_t)strlen(db) + 1 };
	struct iovec iov[2] = {
		{ .iov_base = hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)(uintptr_t)db, .iov_len = strlen(db) + 1 },
	};
	int32_t resp = 0;
	ssize_t n;
	int fd = nscd_connect(), r;

	if (fd < 0)
		return fd;
	if ((r = wait_fd(fd, POLLOUT)) < 0)
		goto out;
	n = writev(fd, iov, 2);
	if (n != (ssize_t)(sizeof(hdr) + strlen(db) + 1)) {
		r = n < 0 ? -errno : -EIO;
		goto out;
	}
	if ((r = wait_fd(fd, POLLIN)) < 0)
		goto out;
	n = read(fd, &resp, sizeof(resp));
	r = n == sizeof(resp) ? (resp == 0 ? 0 : -EPROTO) : -EIO;
out:
	close(fd);
	return r;
}

void hs_nscd_invalidate(void)
{
	static const char *const dbs[] = { "passwd", "group" };
	size_t i;
	int r;

	if (access(NSCD_SOCKET, F_OK) < 0)
		return;
	for (i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		r = invalidate_one(dbs[i]);
		if (r < 0)
			hc_warn("nscd: cannot invalidate %s: %s", dbs[i],
				strerror(-r));
		else
			hc_debug("nscd: invalidated %s", dbs[i]);
	}
}
