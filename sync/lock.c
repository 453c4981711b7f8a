/* One instance per cache: the daemon holds CACHE.lock for its life and
 * --once for its run, so a second daemon, or a --once while the daemon
 * runs, stops with a message instead of racing it on the same file and
 * its generation number. The holder writes its pid into the file, only
 * to name it in that message. */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The pid written by the holder, or 0 if unreadable. */
static long holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid;
	char *end;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	return end != buf && pid > 0 ? pid : 0;
}

static void record_pid(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	/* best effort: the lock itself is what counts */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) < 0)
		return;
}

/* The cache's directory, if missing (a first run): one level only, 0755
 * as write.c makes it; deeper paths are the admin's to create. */
static void make_dir_of(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return; /* open() below reports the problem */
}

int hs_lock_take(const char *cache, char *err, size_t errlen)
{
	char path[PATH_MAX];
	long pid;
	int fd, r;

	if (snprintf(path, sizeof(path), "%s.lock", cache) >= (int)sizeof(path)) {
		snprintf(err, errlen, "%s.lock: path too long", cache);
		return -ENAMETOOLONG;
	}
	make_dir_of(path);
	/* never follow a symlink planted in place of the lock file */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot open the lock file %s: %s", path,
			 strerror(-r));
		return r;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		r = -errno;
		if (r == -EWOULDBLOCK) {
			pid = holder_pid(fd);
			snprintf(err, errlen,
				 "another hcoop-sync (pid %ld) holds %s: it "
				 "already keeps %s up to date (systemctl "
				 "reload hcoop-sync asks it for a full refresh)",
				 pid, path, cache);
		} else {
			snprintf(err, errlen, "cannot lock %s: %s", path,
				 strerror(-r));
		}
		close(fd);
		return r;
	}
	record_pid(fd);
	/* fd stays open (and locked) until the process exits */
	return 0;
}
