/* Output files. A reader (Postfix, BIND, an admin's cat) sees the old file
 * or the new one, never a part: rt_write_atomic writes a temporary file
 * beside the target and renames it over. */
#include "routes.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/* data into the open fd, mode 0644, fsync, close (always) */
static int finish_fd(int fd, const char *data, size_t len)
{
	int r = write_all(fd, data, len);

	if (r == 0 && fchmod(fd, 0644) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static void sync_dir_of(const char *path)
{
	char copy[PATH_MAX];
	int fd;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)fsync(fd); /* durability only: the rename already happened */
	close(fd);
}

int rt_write_atomic(const char *path, const char *data, size_t len)
{
	char tmp[PATH_MAX];
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		hc_err("cannot create a file beside %s: %m", path);
		return r;
	}
	r = finish_fd(fd, data, len);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		errno = -r;
		hc_err("cannot write %s: %m", path);
		unlink(tmp);
		return r;
	}
	sync_dir_of(path);
	return 0;
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
	r = finish_fd(fd, data, len);
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
