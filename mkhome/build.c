/* Build a home under a temporary name in home_base: the skeleton copied
 * through descriptors only, the public folder and Maildir, then owner,
 * mode and ACLs. The temporary directory stays root:root 0700 until the
 * very end, so nobody can reach what is inside while it is being made.
 *
 * Skeleton rules: regular files are copied (O_CREAT|O_EXCL|O_NOFOLLOW,
 * 0600, then fchown/fchmod with setuid/setgid/sticky stripped); directories
 * recursively, at most MK_MAX_DEPTH deep; symlinks are recreated as
 * symlinks and never followed (a link to /etc/shadow stays a link); devices,
 * FIFOs and sockets are skipped. */
#include "mkhome.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int copy_data(int in, int out)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		int r;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return 0;
		r = write_all(out, buf, (size_t)n);
		if (r < 0)
			return r;
	}
}

/* The copy becomes the member's, with the skeleton's permission bits
 * only: chmod after chown (which would clear setuid/setgid anyway), and
 * those bits are never copied. */
static int give(int fd, const struct mk_user *u, mode_t mode)
{
	if (fchown(fd, u->uid, u->gid) < 0 || fchmod(fd, mode & 0777) < 0)
		return -errno;
	return 0;
}

static int copy_file(int srcdir, int dstdir, const char *name,
		     const struct mk_user *u)
{
	struct stat st;
	int in, out = -1, r;

	/* O_NONBLOCK: should the entry be swapped for a FIFO, do not hang */
	in = openat(srcdir, name,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (in < 0)
		return -errno;
	if (fstat(in, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		hc_debug("skeleton: %.200s changed type, skipped", name);
		r = 0;
		goto out;
	}
	out = openat(dstdir, name,
		     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		r = -errno;
		goto out;
	}
	r = copy_data(in, out);
	if (r == 0)
		r = give(out, u, st.st_mode);
out:
	if (out >= 0)
		close(out);
	close(in);
	return r;
}

static int copy_link(int srcdir, int dstdir, const char *name,
		     const struct mk_user *u)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(srcdir, name, target, sizeof(target) - 1);

	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(target) - 1)
		return -ENAMETOOLONG; /* possibly cut short: never a wrong link */
	target[n] = '\0';
	if (symlinkat(target, dstdir, name) < 0)
		return -errno;
	if (fchownat(dstdir, name, u->uid, u->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

static int copy_tree(int srcdir, int dstdir, const struct mk_user *u,
		     int depth);

static int copy_subdir(int srcdir, int dstdir, const char *name,
		       mode_t mode, const struct mk_user *u, int depth)
{
	int in, out = -1, r;

	if (depth >= MK_MAX_DEPTH) {
		hc_err("skeleton nested deeper than %d directories at %.200s",
		       MK_MAX_DEPTH, name);
		return -ELOOP;
	}
	in = openat(srcdir, name, MK_DIR_FLAGS);
	if (in < 0)
		return -errno;
	if (mkdirat(dstdir, name, 0700) < 0) {
		r = -errno;
		goto out;
	}
	out = openat(dstdir, name, MK_DIR_FLAGS);
	if (out < 0) {
		r = -errno;
		goto out;
	}
	r = copy_tree(in, out, u, depth + 1);
	if (r == 0)
		r = give(out, u, mode);
out:
	if (out >= 0)
		close(out);
	close(in);
	return r;
}

static int copy_entry(int srcdir, int dstdir, const char *name,
		      const struct mk_user *u, int depth)
{
	struct stat st;

	if (fstatat(srcdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISREG(st.st_mode))
		return copy_file(srcdir, dstdir, name, u);
	if (S_ISDIR(st.st_mode))
		return copy_subdir(srcdir, dstdir, name, st.st_mode, u, depth);
	if (S_ISLNK(st.st_mode))
		return copy_link(srcdir, dstdir, name, u);
	hc_debug("skeleton: %.200s is a device, FIFO or socket: skipped", name);
	return 0;
}

static int copy_tree(int srcdir, int dstdir, const struct mk_user *u,
		     int depth)
{
	struct dirent *de;
	DIR *d;
	int r = 0;

	d = mk_opendir_fd(srcdir);
	if (!d)
		return -errno;
	while (r == 0) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			r = errno ? -errno : 0;
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = copy_entry(srcdir, dstdir, de->d_name, u, depth);
		if (r < 0)
			hc_err("skeleton: copying %.200s: %s", de->d_name,
			       strerror(-r));
	}
	closedir(d);
	return r;
}

static int copy_skel(const struct hc_config *cfg, const struct mk_user *u,
		     int homefd)
{
	int skelfd, r;

	if (!cfg->skel)
		return 0;
	/* the skeleton's own path is the admin's; inside it nothing is
	 * followed */
	skelfd = open(cfg->skel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (skelfd < 0) {
		if (errno == ENOENT) {
			hc_warn("skeleton %.200s does not exist: home left empty",
				cfg->skel);
			return 0;
		}
		r = -errno;
		hc_err("cannot open skeleton %.200s: %m", cfg->skel);
		return r;
	}
	r = copy_tree(skelfd, homefd, u, 0);
	close(skelfd);
	return r;
}

static int make_maildir(int homefd, const struct mk_user *u)
{
	static const char *const sub[] = { "cur", "new", "tmp" };
	int md, fd, r = 0;
	size_t i;

	r = mk_make_dir(homefd, "Maildir", u, 0700, &md);
	if (r < 0)
		return r;
	for (i = 0; i < 3 && r == 0; i++) {
		r = mk_make_dir(md, sub[i], u, 0700, &fd);
		if (r == 0)
			close(fd);
	}
	close(md);
	return r;
}

static int make_public(const struct hc_config *cfg,
		       const struct mk_template *t, const struct mk_user *u,
		       int homefd)
{
	int fd, r;

	if (!cfg->public_dir)
		return 0;
	r = mk_open_rel(homefd, cfg->public_dir, u, &fd);
	if (r < 0)
		return r;
	r = mk_apply_public(t, u, fd);
	close(fd);
	return r;
}

static int make_tmpname(const struct mk_user *u, char *buf, size_t len)
{
	unsigned char rnd[8];
	int n;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -EIO;
	/* the PID lets a later run tell a dead builder's leftover */
	n = snprintf(buf, len, MK_TMP_PREFIX "%s.%ld.%02x%02x%02x%02x%02x%02x%02x%02x",
		     u->name, (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3],
		     rnd[4], rnd[5], rnd[6], rnd[7]);
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

static int fill_home(const struct hc_config *cfg, const struct mk_template *t,
		     const struct mk_user *u, int homefd)
{
	int r;

	/* a default ACL inherited from home_base must not leak into the
	 * member's files: drop it before anything is created inside */
	r = mk_acl_apply_default(homefd, NULL);
	if (r < 0)
		return r;
	r = copy_skel(cfg, u, homefd);
	if (r == 0)
		r = make_public(cfg, t, u, homefd);
	if (r == 0 && cfg->maildir)
		r = make_maildir(homefd, u);
	if (r == 0)
		r = mk_apply_top(t, u, homefd);
	if (r == 0 && fsync(homefd) < 0)
		r = -errno;
	return r;
}

int mk_build(const struct hc_config *cfg, const struct mk_template *t,
	     const struct mk_user *u, int parentfd, char *tmpname,
	     size_t tmplen, int *lockfd)
{
	int homefd, r;

	r = make_tmpname(u, tmpname, tmplen);
	if (r < 0)
		return r;
	if (mkdirat(parentfd, tmpname, 0700) < 0)
		return -errno;
	homefd = openat(parentfd, tmpname, MK_DIR_FLAGS);
	if (homefd < 0)
		return -errno;
	/* the lock tells a concurrent run's sweep that we are alive */
	r = mk_lock_fd(homefd);
	if (r == 0)
		r = fill_home(cfg, t, u, homefd);
	if (r < 0) {
		close(homefd);
		return r;
	}
	/* the caller keeps it (and the lock) until the rename is done */
	*lockfd = homefd;
	return 0;
}
