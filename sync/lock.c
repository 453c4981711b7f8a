/* One instance per cache: the daemon holds CACHE.lock for its life and
 * --once for its run, so a second daemon, or a --once while the daemon
 * runs, stops with a message instead of racing it on the same file and
 * its generation number. The holder writes its pid into the file, only
 * to name it in that message, and unlinks the file at a normal exit
 * (while still holding the lock); a taker therefore checks that the file
 * it locked is still the one at the path, or tries again. A file left by
 * a crash is harmless: the lock went with the process. */
#include "lock.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
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

/* Through a second, short-lived descriptor: the one holding the lock
 * stays read-only (see try_lock). */
static void record_pid(const char *path)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return; /* best effort: the lock itself is what counts */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) != n &&
	    ftruncate(fd, 0) < 0) /* no half a pid */
		hc_debug("lock file %s: cannot record the pid", path);
	close(fd);
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

static char lock_path[PATH_MAX];
static int lock_fd = -1;

/* Is fd still the file at path (not unlinked by a holder exiting)? */
static bool still_there(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && lstat(path, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* One attempt: 0 (locked, *fdp set), -ESTALE (the file was unlinked
 * by its last holder: try again), or an error with err set
 * (-EWOULDBLOCK: held). */
static int try_lock(const char *path, const char *cache, int *fdp, char *err,
		    size_t errlen)
{
	long pid;
	int fd, r;

	/* never follow a symlink planted in place of the lock file */
	/* read-only: flock needs no write access, and a descriptor open for
	 * writing would keep the cache's filesystem from being remounted
	 * read-only (an admin repairing a disk) */
	fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
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
	if (!still_there(fd, path)) {
		close(fd);
		return -ESTALE;
	}
	*fdp = fd;
	return 0;
}

int hs_lock_take(const char *cache, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int fd = -1, r = -ESTALE, tries;

	if (snprintf(path, sizeof(path), "%s.lock", cache) >= (int)sizeof(path)) {
		snprintf(err, errlen, "%s.lock: path too long", cache);
		return -ENAMETOOLONG;
	}
	make_dir_of(path);
	for (tries = 0; tries < 10 && r == -ESTALE; tries++)
		r = try_lock(path, cache, &fd, err, errlen);
	if (r == -ESTALE)
		snprintf(err, errlen, "cannot lock %s: it keeps being replaced",
			 path);
	if (r < 0)
		return r;
	record_pid(path);
	memcpy(lock_path, path, sizeof(path));
	lock_fd = fd; /* open (and locked) until hs_lock_release or exit */
	return 0;
}

void hs_lock_release(void)
{
	if (lock_fd < 0)
		return;
	unlink(lock_path); /* first, while the lock still keeps others out */
	close(lock_fd);
	lock_fd = -1;
}
