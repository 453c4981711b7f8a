/* Whether a config file can be trusted: /etc/hcoop.conf names programs
 * pam_hcoop and hcoop-sync run as root (mkhome), so whoever can write it,
 * or replace it, can run code as root. The rule is sshd's StrictModes:
 * the file and every directory on the way to it are owned by root (or by
 * the caller's euid, so that tests and tools run by a user can load their
 * own files) and not writable by group or others. A directory writable by
 * others is accepted only with its sticky bit (/tmp): there nobody else
 * can rename or remove the entry we checked, owned by a trusted user. */
#include "config_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errbuf.h"

bool hc_config_trusted_uid(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

static int check_dir(const char *dir, const char *path, char *err,
		     size_t errlen)
{
	struct stat st;
	int r;

	if (lstat(dir, &st) < 0) {
		r = -errno;
		hc_set_err(err, errlen, "%s: cannot check directory %s: %m",
			   path, dir);
		return r;
	}
	if (!S_ISDIR(st.st_mode)) {
		hc_set_err(err, errlen, "%s: %s is not a directory", path, dir);
		return -EPERM;
	}
	if (!hc_config_trusted_uid(st.st_uid)) {
		hc_set_err(err, errlen, "%s: directory %s is owned by uid %u, "
			   "must be owned by root", path, dir,
			   (unsigned)st.st_uid);
		return -EPERM;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
		hc_set_err(err, errlen, "%s: directory %s (mode %04o) is "
			   "writable by group or others", path, dir,
			   (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* Check real (a path without symlinks) and each of its parents up to "/". */
static int check_dir_chain(const char *real, const char *path, char *err,
			   size_t errlen)
{
	char dir[PATH_MAX];
	char *slash;
	int r;

	if (snprintf(dir, sizeof(dir), "%s", real) >= (int)sizeof(dir) ||
	    dir[0] != '/') {
		hc_set_err(err, errlen, "%s: cannot check directory %.200s",
			   path, real);
		return -ENAMETOOLONG;
	}
	for (;;) {
		r = check_dir(dir, path, err, errlen);
		if (r < 0 || dir[1] == '\0')
			return r;
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

/* The directory holding the name path (not what it points to), resolved. */
static int check_dir_of_name(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash) {
		snprintf(dir, sizeof(dir), ".");
	} else {
		n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= sizeof(dir)) {
			hc_set_err(err, errlen, "%s: name too long", path);
			return -ENAMETOOLONG;
		}
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	if (!realpath(dir, real)) {
		int r = -errno;

		hc_set_err(err, errlen, "%s: cannot resolve directory %s: %m",
			   path, dir);
		return r;
	}
	return check_dir_chain(real, path, err, errlen);
}

static int check_file(const struct stat *st, const char *path, char *err,
		      size_t errlen)
{
	if (!S_ISREG(st->st_mode)) {
		hc_set_err(err, errlen, "%s: not a regular file", path);
		return -EPERM;
	}
	if (!hc_config_trusted_uid(st->st_uid)) {
		hc_set_err(err, errlen, "%s: owned by uid %u, must be owned by "
			   "root", path, (unsigned)st->st_uid);
		return -EPERM;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		hc_set_err(err, errlen, "%s: mode %04o lets group or others "
			   "write it, must not be group/world-writable", path,
			   (unsigned)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int hc_config_check_trust(int fd, const char *path, char *err, size_t errlen)
{
	char real[PATH_MAX], *slash;
	struct stat st, named;
	int r;

	if (fstat(fd, &st) < 0) {
		r = -errno;
		hc_set_err(err, errlen, "%s: cannot stat: %m", path);
		return r;
	}
	r = check_file(&st, path, err, errlen);
	if (r < 0)
		return r;
	/* the directories of what we opened: resolve the name again and make
	 * sure it still is the file we hold */
	if (!realpath(path, real) || stat(real, &named) < 0) {
		r = -errno;
		hc_set_err(err, errlen, "%s: cannot resolve: %m", path);
		return r;
	}
	if (named.st_dev != st.st_dev || named.st_ino != st.st_ino) {
		hc_set_err(err, errlen, "%s: changed while being checked", path);
		return -EAGAIN;
	}
	slash = strrchr(real, '/');
	if (slash == real)
		slash[1] = '\0';
	else
		*slash = '\0';
	r = check_dir_chain(real, path, err, errlen);
	/* a symlink: whoever can write its directory can re-point it */
	if (r == 0 && lstat(path, &named) == 0 && S_ISLNK(named.st_mode))
		r = check_dir_of_name(path, err, errlen);
	return r;
}
