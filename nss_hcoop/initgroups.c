/* initgroups_dyn: the user's groups from the cache's own user->groups
 * index (never a scan of all groups). Appends to the caller's array,
 * growing it with reallocarray, honouring limit, skipping the primary
 * `group` and gids already present. */
#include "nss_hcoop.h"
#include "names.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

struct gidvec {
	long *start, *size;
	gid_t **groups;
	long limit;
};

static bool have(const struct gidvec *v, gid_t gid)
{
	long i;

	for (i = 0; i < *v->start; i++)
		if ((*v->groups)[i] == gid)
			return true;
	return false;
}

/* 0 added (or skipped), 1 full (limit reached), -ENOMEM. */
static int push(struct gidvec *v, gid_t gid)
{
	if (*v->start == *v->size) {
		long nsize;
		gid_t *ng;

		if (v->limit > 0 && *v->size >= v->limit)
			return 1;
		if (*v->size > LONG_MAX / 2 ||
		    (size_t)*v->size > SIZE_MAX / 2 / sizeof(gid_t))
			return -ENOMEM;
		nsize = *v->size > 0 ? *v->size * 2 : 16;
		if (v->limit > 0 && nsize > v->limit)
			nsize = v->limit;
		ng = reallocarray(*v->groups, (size_t)nsize, sizeof(gid_t));
		if (!ng)
			return -ENOMEM;
		*v->groups = ng;
		*v->size = nsize;
	}
	(*v->groups)[(*v->start)++] = gid;
	return 0;
}

/* The initgroups core. */
static int user_groups(const char *user, size_t len, gid_t skip,
		       struct gidvec *v)
{
	struct hc_ref *ref;
	const struct hc_cache *c;
	struct hc_user u;
	uint32_t i, gid;
	int r;

	r = hc_nss_acquire(&ref);
	if (r < 0)
		return r;
	c = ref->c;
	r = hc_cache_passwd_byname(c, user, len, &u);
	for (i = 0; r == 0 && i < u.ngroups; i++) {
		r = hc_cache_user_group(c, &u, i, &gid);
		if (r == 0 && gid != skip && !have(v, gid))
			r = push(v, gid);
	}
	if (r == 1) /* limit reached: what fits is the answer */
		r = 0;
	if (r < 0 && r != -ENOENT && r != -ENOMEM)
		hc_nss_log_once("corrupt cache", r);
	hc_nss_release(ref);
	return r;
}

NSS_EXPORT enum nss_status _nss_hcoop_initgroups_dyn(const char *user,
						    gid_t group, long *start,
						    long *size, gid_t **groupsp,
						    long limit, int *errnop);
enum nss_status _nss_hcoop_initgroups_dyn(const char *user, gid_t group,
					  long *start, long *size,
					  gid_t **groupsp, long limit,
					  int *errnop)
{
	struct gidvec v = { start, size, groupsp, limit };
	int saved = errno, r = -ENOENT;
	size_t len = hc_valid_name_len(user);
	enum nss_status st;

	if (len > 0 && *start >= 0 && *size >= *start)
		r = user_groups(user, len, group, &v);
	st = hc_nss_status(r, errnop);
	if (st == NSS_STATUS_SUCCESS)
		errno = saved;
	return st;
}
