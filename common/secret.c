/* The bind secret: hc_config_read_bindpw (used by ldap_conn.c) and the
 * checks of the file named by bindpw_file, also made when the config is
 * read (hc_config_check_bindpw_file). */
#include "config_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errbuf.h"

/* What a secret file must look like: checked on the stat of the name when
 * the config is read, and again on the opened file when it is read. */
static int check_secret_stat(const struct stat *st, const char *path,
			     char *err, size_t errlen)
{
	if (S_ISLNK(st->st_mode)) {
		hc_set_err(err, errlen, "%s: is a symbolic link", path);
		return -EPERM;
	}
	if (!S_ISREG(st->st_mode)) {
		hc_set_err(err, errlen, "%s: not a regular file", path);
		return -EPERM;
	}
	if (!hc_config_trusted_uid(st->st_uid)) {
		hc_set_err(err, errlen, "%s: owned by uid %u, must be owned by root",
			path, (unsigned)st->st_uid);
		return -EPERM;
	}
	if (st->st_mode & 077) {
		hc_set_err(err, errlen, "%s: mode %04o gives access to group or "
			"others, must be 0600 or stricter", path,
			(unsigned)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int hc_config_check_bindpw_file(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int r;

	if (lstat(path, &st) < 0) {
		r = -errno;
		/* a user who may not even look at it cannot judge it: the
		 * reader checks again when it opens the file */
		if (r == -EACCES)
			return 0;
		hc_set_err(err, errlen, "%s: %m", path);
		return r;
	}
	return check_secret_stat(&st, path, err, errlen);
}

static int check_secret_file(int fd, const char *path, char *err,
			     size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		int r = -errno;

		hc_set_err(err, errlen, "%s: cannot stat: %m", path);
		return r;
	}
	return check_secret_stat(&st, path, err, errlen);
}

/* Read the whole file into buf; -ENAMETOOLONG if it (less one final
 * newline) does not fit with its NUL. */
static int read_secret(int fd, char *buf, size_t len, size_t *got)
{
	size_t n = 0;
	ssize_t r;
	char extra;

	while (n < len) {
		r = read(fd, buf + n, len - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n == len) {
		/* full: fine only if the file ends here with a newline */
		do
			r = read(fd, &extra, 1);
		while (r < 0 && errno == EINTR);
		explicit_bzero(&extra, sizeof(extra));
		if (r != 0 || buf[n - 1] != '\n')
			return r < 0 ? -errno : -ENAMETOOLONG;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	*got = n;
	return 0;
}

int hc_config_read_bindpw(const struct hc_config *cfg, char *buf, size_t len,
			  char *err, size_t errlen)
{
	const char *path = cfg->bindpw_file;
	size_t n = 0;
	int fd = -1, r;

	hc_set_err(err, errlen, "%s", "");
	if (len > 0)
		buf[0] = '\0';
	if (!path) {
		hc_set_err(err, errlen, "no bindpw_file configured");
		return -ENOENT;
	}
	if (len == 0)
		return -ENAMETOOLONG;
	r = hc_config_check_bindpw_file(path, err, errlen);
	if (r < 0)
		return r;
	/* O_NONBLOCK: a FIFO swapped in after lstat must not block us */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		hc_set_err(err, errlen, "%s: cannot open: %m", path);
		return r;
	}
	r = check_secret_file(fd, path, err, errlen);
	if (r == 0) {
		r = read_secret(fd, buf, len, &n);
		if (r == -ENAMETOOLONG)
			hc_set_err(err, errlen, "%s: password too long", path);
		else if (r < 0) {
			errno = -r;
			hc_set_err(err, errlen, "%s: read error: %m", path);
		}
	}
	if (r == 0 && n == 0) {
		hc_set_err(err, errlen, "%s: is empty", path);
		r = -EINVAL;
	}
	if (r == 0 && strlen(buf) != n) {
		hc_set_err(err, errlen, "%s: contains a NUL byte", path);
		r = -EINVAL;
	}
	close(fd);
	if (r < 0)
		explicit_bzero(buf, len);
	return r;
}
