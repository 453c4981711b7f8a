/* Output files. A reader (Postfix, BIND, an admin's cat) sees the old file
 * or the new one, never a part: rt_write_atomic is common/fileio.c's
 * atomic write (temporary file beside the target, fsync, rename). */
#include "routes.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"

int rt_write_atomic(const char *path, const char *data, size_t len)
{
	int r = hc_atomic_write(path, data, len, 0644);

	if (r < 0) {
		errno = -r;
		hc_err("cannot write %s: %m", path);
	}
	return r;
}

int rt_write_plain(const char *path, const char *data, size_t len)
{
	int fd, r;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0) {
		r = -errno;
		hc_err("cannot create %s: %m", path);
		return r;
	}
	r = hc_write_all(fd, data, len);
	if (r == 0 && fchmod(fd, 0644) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		errno = -r;
		hc_err("cannot write %s: %m", path);
	}
	return r;
}

int rt_same_content(const char *path, const char *data, size_t len)
{
	char buf[65536];
	size_t off = 0;
	ssize_t n;
	int fd, same = 1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	while (same) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			same = -errno;
			break;
		}
		if (n == 0) {
			same = off == len;
			break;
		}
		if ((size_t)n > len - off || memcmp(buf, data + off, (size_t)n))
			same = 0;
		off += (size_t)n;
	}
	close(fd);
	return same;
}

int rt_read_head(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, r = 0;

	if (len == 0)
		return -EINVAL;
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		r = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return r;
}
