/* Descriptor helpers every step of hcoop-mkhome uses: walking and making
 * directories below a descriptor without ever following a symlink, a DIR
 * stream over a borrowed descriptor, the builder's lock, and removing a
 * tree through descriptors (unlinkat, never a path, never a link
 * followed). Depends on nothing else in mkhome/. */
#include "mkhome.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

DIR *mk_opendir_fd(int fd)
{
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	DIR *d;

	if (dup_fd < 0)
		return NULL;
	d = fdopendir(dup_fd);
	if (!d) {
		int e = errno;

		close(dup_fd);
		errno = e;
	}
	return d;
}

/* mkdir that accepts a directory the skeleton already provided, then opens
 * it without following a link. */
int mk_make_dir(int dirfd, const char *name, const struct mk_user *u,
		mode_t mode, int *out)
{
	int fd;

	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(dirfd, name, MK_DIR_FLAGS);
	if (fd < 0)
		return -errno;
	if (fchown(fd, u->uid, u->gid) < 0 || fchmod(fd, mode) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	*out = fd;
	return 0;
}

/* Open the relative path rel below dirfd one component at a time, never
 * following a link (O_NOFOLLOW alone guards only the last component).
 * With u, missing components are created for the member: 0755 so the web
 * server can pass through; the caller sets the last one's mode. */
int mk_open_rel(int dirfd, const char *rel, const struct mk_user *u,
		int *out)
{
	char comp[256];
	const char *s = rel;
	int fd, next, r = 0;

	fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return -errno;
	while (*s && r == 0) {
		const char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);

		if (n == 0 || n >= sizeof(comp)) {
			r = -EINVAL;
			break;
		}
		memcpy(comp, s, n);
		comp[n] = '\0';
		if (u)
			r = mk_make_dir(fd, comp, u, 0755, &next);
		else if ((next = openat(fd, comp, MK_DIR_FLAGS)) < 0)
			r = -errno;
		if (r == 0) {
			close(fd);
			fd = next;
		}
		s = *e ? e + 1 : e;
	}
	if (r < 0) {
		close(fd);
		return r;
	}
	*out = fd;
	return 0;
}

int mk_lock_fd(int fd)
{
	return flock(fd, LOCK_EX | LOCK_NB) < 0 ? -errno : 0;
}

static int remove_at(int dirfd, const char *name, int depth);

/* One pass over dirfd removing what it finds; *removed counts entries. */
static int remove_pass(int dirfd, int depth, unsigned *removed)
{
	struct dirent *de;
	DIR *d;
	int r = 0;

	d = mk_opendir_fd(dirfd);
	if (!d)
		return -errno;
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = remove_at(dirfd, de->d_name, depth + 1);
		(*removed)++;
	}
	closedir(d);
	return r;
}

static int remove_at(int dirfd, const char *name, int depth)
{
	struct stat st;
	unsigned removed;
	int fd, r = 0;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT) ?
			       -errno : 0;
	if (depth > MK_MAX_DEPTH + 4)
		return -ELOOP;
	fd = openat(dirfd, name, MK_DIR_FLAGS);
	if (fd < 0)
		return -errno;
	/* entries removed while reading may hide others: repeat until a
	 * pass finds nothing */
	do {
		removed = 0;
		r = remove_pass(fd, depth, &removed);
	} while (r == 0 && removed > 0);
	close(fd);
	if (r == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) < 0 &&
	    errno != ENOENT)
		r = -errno;
	return r;
}

int mk_remove_tree(int dirfd, const char *name)
{
	return remove_at(dirfd, name, 0);
}
