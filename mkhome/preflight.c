/* The checks hcoop-mkhome makes on its own before it creates anything:
 * who runs it, who the member is (from the cache, never from the caller),
 * and whether the home path is safe to create. Each refusal is logged here
 * with its reason and mapped to its documented exit code. */
#include "mkhome.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "log.h"

enum mk_exit mk_require_root(void)
{
	/* both ids: a setuid-root copy run by a user must refuse too */
	if (getuid() != 0 || geteuid() != 0) {
		hc_err("refused: must be run by root (uid %u, euid %u)",
		       (unsigned)getuid(), (unsigned)geteuid());
		return MK_NOT_ROOT;
	}
	return MK_OK;
}

static enum mk_exit copy_user(const struct hc_config *cfg,
			      const struct hc_user *cu, struct mk_user *u)
{
	size_t n;

	if (cu->uid < cfg->min_uid) {
		hc_err("refused: %s has uid %u, below min_uid %u", u->name,
		       (unsigned)cu->uid, (unsigned)cfg->min_uid);
		return MK_LOW_UID;
	}
	if (!hc_host_equal(cu->host, cfg->host)) {
		hc_err("refused: %s is assigned to host '%.100s', this is '%.100s'",
		       u->name, cu->host, cfg->host ? cfg->host : "");
		return MK_OTHER_HOST;
	}
	n = strlen(cu->dir);
	if (n >= sizeof(u->home)) {
		hc_err("refused: %s: home path too long", u->name);
		return MK_UNSAFE;
	}
	memcpy(u->home, cu->dir, n + 1);
	u->uid = cu->uid;
	u->gid = cu->gid;
	return MK_OK;
}

enum mk_exit mk_lookup_user(const struct hc_config *cfg, const char *name,
			    struct mk_user *u)
{
	struct hc_cache *c = NULL;
	struct hc_user cu;
	enum mk_exit ret;
	int r;

	memset(u, 0, sizeof(*u));
	if (!hc_valid_name(name)) {
		hc_err("refused: '%.40s' is not a valid user name", name);
		return MK_NOT_MEMBER;
	}
	snprintf(u->name, sizeof(u->name), "%s", name);
	r = hc_cache_open(cfg->cache, &c);
	if (r < 0) {
		hc_err("cannot open the cache %.200s: %s", cfg->cache,
		       strerror(-r));
		return MK_IO;
	}
	r = hc_cache_user_byname(c, name, &cu);
	if (r == -ENOENT) {
		hc_err("refused: %s is not in the account cache %.200s", name,
		       cfg->cache);
		ret = MK_NOT_MEMBER;
	} else if (r < 0) {
		hc_err("cannot look %s up in %.200s: %s", name, cfg->cache,
		       strerror(-r));
		ret = MK_IO;
	} else {
		ret = copy_user(cfg, &cu, u);
	}
	/* the views point into the mapping: copy_user copied what we keep */
	hc_cache_close(c);
	return ret;
}

/* Absolute, no empty, "." or ".." component, no trailing slash (except
 * "/" itself), no control bytes. */
static bool path_normalized(const char *p)
{
	const char *s;

	if (p[0] != '/')
		return false;
	if (p[1] == '\0')
		return true;
	for (s = p; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	s = p;
	while (*s == '/') {
		const char *e = strchrnul(s + 1, '/');
		size_t n = (size_t)(e - (s + 1));

		if (n == 0 || (n == 1 && s[1] == '.') ||
		    (n == 2 && s[1] == '.' && s[2] == '.'))
			return false;
		s = e;
	}
	return true;
}

enum mk_exit mk_check_path(const struct hc_config *cfg, struct mk_user *u)
{
	const char *base = cfg->home_base;
	size_t nb = strlen(base);
	const char *leaf;

	if (!path_normalized(base)) {
		hc_err("refused: home_base '%.200s' is not a normalized absolute path",
		       base);
		return MK_UNSAFE;
	}
	if (!path_normalized(u->home)) {
		hc_err("refused: %s: home '%.200s' is not a normalized absolute path",
		       u->name, u->home);
		return MK_UNSAFE;
	}
	if (nb == 1) /* home_base "/" */
		nb = 0;
	if (strncmp(u->home, base, nb) != 0 || u->home[nb] != '/') {
		hc_err("refused: %s: home '%.200s' is not under home_base '%.200s'",
		       u->name, u->home, base);
		return MK_UNSAFE;
	}
	leaf = u->home + nb + 1;
	/* directly under home_base; hidden names are refused so that a home
	 * can never be taken for one of our temporaries */
	if (*leaf == '\0' || strchr(leaf, '/') || *leaf == '.') {
		hc_err("refused: %s: home '%.200s' is not a directory directly under '%.200s'",
		       u->name, u->home, base);
		return MK_UNSAFE;
	}
	u->leaf = leaf;
	return MK_OK;
}

/* Walk base from "/" one component at a time, never following a symlink:
 * an attacker who swaps a component for a link makes openat fail. base is
 * normalized (mk_check_path ran first). */
static int open_dir_nofollow(const char *path, int *out)
{
	int root, r;

	root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -errno;
	r = mk_open_rel(root, path + 1, NULL, out);
	close(root);
	return r;
}

enum mk_exit mk_open_parent(const struct hc_config *cfg, int *parentfd)
{
	struct stat st;
	int fd = -1, r;

	r = open_dir_nofollow(cfg->home_base, &fd);
	if (r < 0) {
		hc_err("refused: cannot open home_base %.200s without following symlinks: %s",
		       cfg->home_base, strerror(-r));
		return (r == -ELOOP || r == -ENOTDIR) ? MK_UNSAFE : MK_IO;
	}
	if (fstat(fd, &st) < 0) {
		hc_err("fstat %.200s: %m", cfg->home_base);
		close(fd);
		return MK_IO;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		hc_err("refused: home_base %.200s must be owned by root and not group/world-writable (owner %u, mode %04o)",
		       cfg->home_base, (unsigned)st.st_uid,
		       (unsigned)(st.st_mode & 07777));
		close(fd);
		return MK_UNSAFE;
	}
	*parentfd = fd;
	return MK_OK;
}

enum mk_exit mk_inspect_home(int parentfd, const struct mk_user *u,
			     bool *exists)
{
	struct stat st;

	*exists = false;
	if (fstatat(parentfd, u->leaf, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return MK_OK;
		hc_err("stat %.200s: %m", u->home);
		return MK_IO;
	}
	if (!S_ISDIR(st.st_mode)) {
		hc_err("refused: %s: %.200s exists and is not a directory%s",
		       u->name, u->home,
		       S_ISLNK(st.st_mode) ? " (a symlink)" : "");
		return MK_UNSAFE;
	}
	if (st.st_uid != u->uid) {
		hc_err("refused: %s: home %.200s exists but is owned by uid %u, not %u (uid reuse?); left untouched",
		       u->name, u->home, (unsigned)st.st_uid,
		       (unsigned)u->uid);
		return MK_FOREIGN;
	}
	*exists = true;
	return MK_OK;
}
