/* hc_write_all, hc_now_ms, hc_fsync_dir_of, hc_atomic_write, hc_create_tmp,
 * hc_remove_stale_tmp: see fileio.h. */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int hc_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

double hc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Durability of the rename: without it a crash can bring back the old
 * file (or neither). */
int hc_create_tmp(const char *path, char *tmp, size_t tmpsize)
{
	static unsigned counter;
	int i, fd;

	for (i = 0; i < 100; i++) {
		unsigned n = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);

		if ((size_t)snprintf(tmp, tmpsize, "%s.tmp.%ld.%u", path,
				     (long)getpid(), n) >= tmpsize)
			return -ENAMETOOLONG;
		fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
			  0600);
		if (fd >= 0) {
			(void)flock(fd, LOCK_EX | LOCK_NB);
			return fd;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int hc_fsync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int fd, n, r = 0;

	n = !slash ? snprintf(dir, sizeof(dir), ".")
		   : slash == path ? snprintf(dir, sizeof(dir), "/")
				   : snprintf(dir, sizeof(dir), "%.*s",
					      (int)(slash - path), path);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return -ENAMETOOLONG;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

int hc_atomic_write(const char *path, const void *data, size_t len,
		    mode_t mode)
{
	char tmp[4200];
	int fd = hc_create_tmp(path, tmp, sizeof(tmp)), r;

	if (fd < 0)
		return fd;
	r = hc_write_all(fd, data, len);
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	else
		(void)hc_fsync_dir_of(path); /* the rename is done: best effort */
	return r;
}

/* The directory of path and the prefix "NAME.tmp." of its temp files. */
static int split(const char *path, char *dir, size_t dlen, char *prefix,
		 size_t plen)
{
	const char *slash = strrchr(path, '/');
	int n;

	if (!slash)
		n = snprintf(dir, dlen, ".");
	else if (slash == path)
		n = snprintf(dir, dlen, "/");
	else
		n = snprintf(dir, dlen, "%.*s", (int)(slash - path), path);
	if (n < 0 || (size_t)n >= dlen)
		return -ENAMETOOLONG;
	n = snprintf(prefix, plen, "%s.tmp.", slash ? slash + 1 : path);
	return n < 0 || (size_t)n >= plen ? -ENAMETOOLONG : 0;
}

/* The creator's PID if name is prefix + "PID.N" (hc_create_tmp), else 0. */
static long tmp_creator(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long pid;

	if (strncmp(name, prefix, n) != 0)
		return 0;
	name += n;
	if (*name < '0' || *name > '9')
		return 0;
	errno = 0;
	pid = strtol(name, &end, 10);
	if (errno || *end != '.' || end[1] < '0' || end[1] > '9')
		return 0;
	strtoul(end + 1, &end, 10);
	return *end == '\0' && pid > 0 && (pid_t)pid == pid ? pid : 0;
}

/* Remove name (in dirfd) if it is a regular file that nobody holds
 * locked (hc_create_tmp locks it until the write is done) and it is still
 * the file we checked when we unlink it. */
static bool remove_if_unlocked(int dirfd, const char *name)
{
	struct stat a, b;
	bool gone = false;
	int fd = openat(dirfd, name,
			O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return false;
	if (fstat(fd, &a) == 0 && S_ISREG(a.st_mode) &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0 &&
	    fstatat(dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		gone = unlinkat(dirfd, name, 0) == 0;
	close(fd);
	return gone;
}

int hc_remove_stale_tmp(const char *path, void (*removed)(const char *file))
{
	char dir[4096], prefix[512];
	struct dirent *d;
	int count = 0;
	DIR *dh;
	long pid;

	if (split(path, dir, sizeof(dir), prefix, sizeof(prefix)) < 0 ||
	    !(dh = opendir(dir)))
		return 0;
	while ((d = readdir(dh))) {
		pid = tmp_creator(d->d_name, prefix);
		/* our own (another thread's write) and a live or unknown
		 * process's files are left alone */
		if (pid == 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (remove_if_unlocked(dirfd(dh), d->d_name)) {
			count++;
			if (removed)
				removed(d->d_name);
		}
	}
	closedir(dh);
	return count;
}
