/* Owner, mode and ACLs of the two top-level directories (the home and its
 * public folder), as the template from acl.c says: used when a home is
 * built and by --repair. */
#include "mkhome.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

int mk_apply_top(const struct mk_template *t, const struct mk_user *u,
		 int homefd)
{
	/* chmod first: it rewrites the mask, which the ACL then sets */
	if (fchown(homefd, u->uid, u->gid) < 0 ||
	    fchmod(homefd, t->home_mode) < 0)
		return -errno;
	return mk_acl_apply_access(homefd, t->home_acl);
}

int mk_apply_public(const struct mk_template *t, const struct mk_user *u,
		    int pubfd)
{
	int r;

	if (fchown(pubfd, u->uid, u->gid) < 0 ||
	    fchmod(pubfd, t->public_mode) < 0)
		return -errno;
	r = mk_acl_apply_access(pubfd, t->public_acl);
	if (r == 0)
		r = mk_acl_apply_default(pubfd, t->public_def);
	return r;
}
