/* --check and --repair: the top of an existing home against the template.
 *
 * Only two directories are ever looked at: the home itself and its public
 * folder. --check prints each difference (owner, mode, access ACL, and the
 * default ACL of the public folder) and exits MK_DRIFT; --repair puts
 * owner, mode and ACLs back on those two and nothing else: the member's
 * files are never walked. Both are opened with O_NOFOLLOW, so a public
 * folder replaced by a symlink is reported and left alone. */
#include "mkhome.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static void report(const char *path, const char *what, const char *got,
		   const char *want)
{
	printf("%s: %s is %s, expected %s\n", path, what, got, want);
}

static unsigned acl_drift(const char *path, int fd, acl_type_t type,
			  acl_t want, const char *what)
{
	acl_t got = NULL;
	char *gs, *ws;
	unsigned n = 0;
	int r;

	r = mk_acl_read(fd, type, &got);
	if (r < 0) {
		printf("%s: cannot read the %s: %s\n", path, what, strerror(-r));
		return 1;
	}
	/* "no ACL support" reads as none: compare as the minimal one */
	if (type == ACL_TYPE_ACCESS && !got)
		return 0;
	if (!mk_acl_same(got, want)) {
		gs = mk_acl_text(got);
		ws = mk_acl_text(want);
		report(path, what, gs ? gs : "?", ws ? ws : "?");
		free(gs);
		free(ws);
		n = 1;
	}
	if (got)
		acl_free(got);
	return n;
}

/* Number of differences between the directory fd and what is wanted. */
static unsigned dir_drift(const char *path, int fd, const struct mk_user *u,
			  mode_t mode, acl_t access, acl_t def, bool check_def)
{
	struct stat st;
	char got[32], want[32];
	unsigned n = 0;

	if (fstat(fd, &st) < 0) {
		printf("%s: cannot stat: %s\n", path, strerror(errno));
		return 1;
	}
	if (st.st_uid != u->uid || st.st_gid != u->gid) {
		snprintf(got, sizeof(got), "%u:%u", (unsigned)st.st_uid,
			 (unsigned)st.st_gid);
		snprintf(want, sizeof(want), "%u:%u", (unsigned)u->uid,
			 (unsigned)u->gid);
		report(path, "owner", got, want);
		n++;
	}
	if ((st.st_mode & 07777) != mode) {
		snprintf(got, sizeof(got), "%04o", (unsigned)(st.st_mode & 07777));
		snprintf(want, sizeof(want), "%04o", (unsigned)mode);
		report(path, "mode", got, want);
		n++;
	}
	n += acl_drift(path, fd, ACL_TYPE_ACCESS, access, "access ACL");
	if (check_def)
		n += acl_drift(path, fd, ACL_TYPE_DEFAULT, def, "default ACL");
	return n;
}

static enum mk_exit check_public(const struct hc_config *cfg,
				 const struct mk_template *t,
				 const struct mk_user *u, int homefd,
				 bool repair, unsigned *drift, unsigned *unfixed)
{
	char path[4200];
	int fd = -1, r;

	if (!cfg->public_dir)
		return MK_OK;
	snprintf(path, sizeof(path), "%s/%s", u->home, cfg->public_dir);
	r = mk_open_rel(homefd, cfg->public_dir, NULL, &fd);
	if (r < 0) {
		/* never recreated or followed: the member's choice or doing */
		printf("%s: %s\n", path,
		       r == -ENOENT ? "missing" : "not a plain directory (symlink?)");
		(*drift)++;
		(*unfixed)++;
		if (repair)
			hc_warn("%s: %.200s is %s: not repaired", u->name, path,
				r == -ENOENT ? "missing" : "not a plain directory");
		return MK_OK;
	}
	*drift += dir_drift(path, fd, u, t->public_mode, t->public_acl,
			    t->public_def, true);
	if (repair) {
		r = mk_apply_public(t, u, fd);
		if (r < 0) {
			hc_err("%s: repairing %.200s: %s", u->name, path,
			       strerror(-r));
			close(fd);
			return MK_IO;
		}
	}
	close(fd);
	return MK_OK;
}

enum mk_exit mk_check(const struct hc_config *cfg,
		      const struct mk_template *t, const struct mk_user *u,
		      int parentfd, bool repair)
{
	enum mk_exit ret;
	unsigned drift = 0, unfixed = 0;
	int homefd, r;

	homefd = openat(parentfd, u->leaf, MK_DIR_FLAGS);
	if (homefd < 0) {
		hc_err("%s: cannot open home %.200s: %m", u->name, u->home);
		return MK_IO;
	}
	drift = dir_drift(u->home, homefd, u, t->home_mode, t->home_acl, NULL,
			  false);
	if (repair) {
		r = mk_apply_top(t, u, homefd);
		if (r < 0) {
			hc_err("%s: repairing %.200s: %s", u->name, u->home,
			       strerror(-r));
			close(homefd);
			return MK_IO;
		}
	}
	ret = check_public(cfg, t, u, homefd, repair, &drift, &unfixed);
	close(homefd);
	if (ret != MK_OK)
		return ret;
	if (repair) {
		if (drift > unfixed)
			hc_info("%s: repaired %u difference(s) on %.200s",
				u->name, drift - unfixed, u->home);
		/* what could not be repaired is still drift */
		return unfixed ? MK_DRIFT : MK_OK;
	}
	return drift ? MK_DRIFT : MK_OK;
}
