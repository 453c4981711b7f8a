/* Putting the finished home in place, and cleaning up after crashed runs.
 *
 * The home appears with one renameat2(RENAME_NOREPLACE): either the whole
 * tree or nothing is at the final path, and of two simultaneous runs
 * exactly one rename wins; the loser removes its own copy.
 *
 * Temporaries are named ".hcoop-mkhome.<user>.<pid>.<random>". A builder
 * holds an flock on its temporary until the rename, so a leftover is one
 * nobody holds locked (the kernel drops the lock when a process dies, even
 * by SIGKILL) and whose creator PID is dead or which is older than a
 * minute (PID reused). Removal is fdutil.c's mk_remove_tree: through
 * descriptors with unlinkat, never following a symlink. */
#include "mkhome.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "numparse.h"

#define STALE_AGE 60 /* seconds */

/* The PID in ".hcoop-mkhome.<user>.<pid>.<random>", or 0. */
static pid_t tmp_pid(const char *name)
{
	const char *end = strrchr(name, '.'), *start;
	char buf[16];
	uint32_t pid;
	size_t n;

	if (!end || end <= name + sizeof(MK_TMP_PREFIX) - 1)
		return 0;
	for (start = end - 1; start > name && *start != '.'; start--)
		;
	n = (size_t)(end - start - 1);
	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, start + 1, n);
	buf[n] = '\0';
	if (hc_parse_u32(buf, 1, INT32_MAX, &pid) < 0)
		return 0;
	return (pid_t)pid;
}

static bool is_stale(const char *name, const struct stat *st)
{
	pid_t pid = tmp_pid(name);

	if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
		return true;
	return st->st_mtime < time(NULL) - STALE_AGE;
}

static void sweep_one(int parentfd, const char *name)
{
	struct stat st;
	int fd, r;

	fd = openat(parentfd, name, MK_DIR_FLAGS);
	if (fd < 0)
		return; /* gone, or not a directory: not ours to touch */
	if (mk_lock_fd(fd) < 0 || fstat(fd, &st) < 0 || !is_stale(name, &st)) {
		close(fd); /* a live builder holds it */
		return;
	}
	r = mk_remove_tree(parentfd, name);
	if (r < 0)
		hc_warn("cannot remove leftover %.200s: %s", name, strerror(-r));
	else
		hc_info("removed leftover temporary %.200s", name);
	close(fd);
}

void mk_sweep(int parentfd)
{
	struct dirent *de;
	DIR *d;

	d = mk_opendir_fd(parentfd);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL)
		if (!strncmp(de->d_name, MK_TMP_PREFIX,
			     sizeof(MK_TMP_PREFIX) - 1))
			sweep_one(parentfd, de->d_name);
	closedir(d);
}

static enum mk_exit lost_race(int parentfd, const char *tmpname,
			      const struct mk_user *u)
{
	bool exists;
	enum mk_exit ret;
	int r;

	r = mk_remove_tree(parentfd, tmpname);
	if (r < 0)
		hc_warn("cannot remove our temporary %.200s: %s", tmpname,
			strerror(-r));
	ret = mk_inspect_home(parentfd, u, &exists);
	if (ret == MK_OK && exists)
		hc_info("%s: home %.200s was created by another run", u->name,
			u->home);
	else if (ret == MK_OK)
		ret = MK_IO; /* appeared and vanished again: give up */
	return ret;
}

enum mk_exit mk_install(int parentfd, const char *tmpname,
			const struct mk_user *u)
{
	int r;

	if (renameat2(parentfd, tmpname, parentfd, u->leaf,
		      RENAME_NOREPLACE) == 0) {
		if (fsync(parentfd) < 0)
			hc_warn("fsync %.200s: %m", u->home);
		hc_info("%s: created home %.200s", u->name, u->home);
		return MK_OK;
	}
	if (errno == EEXIST)
		return lost_race(parentfd, tmpname, u);
	r = errno;
	hc_err("%s: cannot rename %.200s into place as %.200s: %s", u->name,
	       tmpname, u->home, strerror(r));
	r = mk_remove_tree(parentfd, tmpname);
	if (r < 0)
		hc_warn("cannot remove our temporary %.200s: %s", tmpname,
			strerror(-r));
	return MK_IO;
}
