/* group: getgrnam_r, getgrgid_r, setgrent/getgrent_r/endgrent. Same shape
 * as passwd.c. */
#include "nss_hcoop.h"
#include "names.h"

#include <errno.h>

enum gr_key { GR_BYNAME, GR_BYGID };

/* The group lookup core. */
static int gr_lookup(enum gr_key k, const char *name, gid_t gid,
		     struct group *gr, char *buf, size_t buflen)
{
	struct hc_ref *ref;
	const struct hc_cache *c;
	struct hc_group g;
	int r;

	r = hc_nss_acquire(&ref);
	if (r < 0)
		return r;
	c = ref->c;
	if (k == GR_BYNAME)
		r = hc_cache_group_byname(c, name, &g);
	else
		r = hc_cache_group_bygid(c, (uint32_t)gid, &g);
	if (r == 0)
		r = hc_pack_group(&g, gr, buf, buflen);
	if (r < 0 && r != -ENOENT && r != -ERANGE)
		hc_nss_log_once("corrupt cache", r);
	hc_nss_release(ref);
	return r;
}

NSS_EXPORT enum nss_status _nss_hcoop_getgrnam_r(const char *name,
						struct group *gr, char *buf,
						size_t buflen, int *errnop);
NSS_HOT enum nss_status _nss_hcoop_getgrnam_r(const char *name, struct group *gr,
				      char *buf, size_t buflen, int *errnop)
{
	int saved = errno, r = -ENOENT;
	enum nss_status st;

	if (hc_valid_name(name))
		r = gr_lookup(GR_BYNAME, name, 0, gr, buf, buflen);
	st = hc_nss_status(r, errnop);
	if (st == NSS_STATUS_SUCCESS)
		errno = saved;
	return st;
}

NSS_EXPORT enum nss_status _nss_hcoop_getgrgid_r(gid_t gid, struct group *gr,
						char *buf, size_t buflen,
						int *errnop);
NSS_HOT enum nss_status _nss_hcoop_getgrgid_r(gid_t gid, struct group *gr, char *buf,
				      size_t buflen, int *errnop)
{
	int saved = errno;
	enum nss_status st;

	st = hc_nss_status(gr_lookup(GR_BYGID, NULL, gid, gr, buf, buflen),
			   errnop);
	if (st == NSS_STATUS_SUCCESS)
		errno = saved;
	return st;
}

/* ---- enumeration ---- */

/* Next entry; on ERANGE the position stays (same entry on retry). */
static int gr_next(struct group *gr, char *buf, size_t buflen)
{
	struct hc_group g;
	int r;

	r = hc_cursor_begin(&hc_gr_cursor);
	if (r < 0)
		return r;
	r = hc_cache_group_next(hc_gr_cursor.ref->c, &hc_gr_cursor.next, &g);
	if (r == 0)
		r = hc_pack_group(&g, gr, buf, buflen);
	if (r == 0)
		hc_gr_cursor.next++;
	return r;
}

NSS_EXPORT enum nss_status _nss_hcoop_setgrent(int stayopen);
enum nss_status _nss_hcoop_setgrent(int stayopen)
{
	int saved = errno, r;

	(void)stayopen;
	pthread_mutex_lock(&hc_gr_cursor.lock);
	hc_cursor_reset(&hc_gr_cursor);
	r = hc_cursor_begin(&hc_gr_cursor);
	pthread_mutex_unlock(&hc_gr_cursor.lock);
	errno = saved;
	return r < 0 ? NSS_STATUS_UNAVAIL : NSS_STATUS_SUCCESS;
}

NSS_EXPORT enum nss_status _nss_hcoop_endgrent(void);
enum nss_status _nss_hcoop_endgrent(void)
{
	int saved = errno;

	pthread_mutex_lock(&hc_gr_cursor.lock);
	hc_cursor_reset(&hc_gr_cursor);
	pthread_mutex_unlock(&hc_gr_cursor.lock);
	errno = saved;
	return NSS_STATUS_SUCCESS;
}

NSS_EXPORT enum nss_status _nss_hcoop_getgrent_r(struct group *gr, char *buf,
						size_t buflen, int *errnop);
enum nss_status _nss_hcoop_getgrent_r(struct group *gr, char *buf,
				      size_t buflen, int *errnop)
{
	int saved = errno, r;
	enum nss_status st;

	pthread_mutex_lock(&hc_gr_cursor.lock);
	r = gr_next(gr, buf, buflen);
	pthread_mutex_unlock(&hc_gr_cursor.lock);
	st = hc_nss_status(r, errnop);
	if (st == NSS_STATUS_SUCCESS)
		errno = saved;
	return st;
}
