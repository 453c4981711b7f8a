/* passwd: getpwnam_r, getpwuid_r, setpwent/getpwent_r/endpwent. Entry
 * points save errno, validate the key, call the one core, map once. */
#include "nss_hcoop.h"
#include "names.h"

#include <errno.h>

enum pw_key { PW_BYNAME, PW_BYUID };

/* The passwd lookup core. */
static int pw_lookup(enum pw_key k, const char *name, size_t len, uid_t uid,
		     struct passwd *pw, char *buf, size_t buflen)
{
	struct hc_ref *ref;
	const struct hc_cache *c;
	struct hc_user u;
	int r;

	r = hc_nss_acquire(&ref);
	if (r < 0)
		return r;
	c = ref->c;
	if (k == PW_BYNAME)
		r = hc_cache_passwd_byname(c, name, len, &u);
	else
		r = hc_cache_passwd_byuid(c, (uint32_t)uid, &u);
	if (r == 0)
		r = hc_pack_passwd(&u, pw, buf, buflen);
	else if (r != -ENOENT)
		hc_nss_log_once("corrupt cache", r);
	hc_nss_release(ref);
	return r;
}

NSS_EXPORT enum nss_status _nss_hcoop_getpwnam_r(const char *name,
						struct passwd *pw, char *buf,
						size_t buflen, int *errnop);
NSS_HOT enum nss_status _nss_hcoop_getpwnam_r(const char *name, struct passwd *pw,
				      char *buf, size_t buflen, int *errnop)
{
	int saved = errno, r = -ENOENT;
	size_t len = hc_valid_name_len(name);
	enum nss_status st;

	if (len > 0)
		r = pw_lookup(PW_BYNAME, name, len, 0, pw, buf, buflen);
	st = hc_nss_status(r, errnop);
	if (st == NSS_STATUS_SUCCESS)
		errno = saved;
	return st;
}

NSS_EXPORT enum nss_status _nss_hcoop_getpwuid_r(uid_t uid, struct passwd *pw,
						char *buf, size_t buflen,
						int *errnop);
NSS_HOT enum nss_status _nss_hcoop_getpwuid_r(uid_t uid, struct passwd *pw, char *buf,
				      size_t buflen, int *errnop)
{
	int saved = errno;
	enum nss_status st;

	st = hc_nss_status(pw_lookup(PW_BYUID, NULL, 0, uid, pw, buf, buflen),
			   errnop);
	if (st == NSS_STATUS_SUCCESS)
		errno = saved;
	return st;
}

/* ---- enumeration ---- */

/* Next entry; on ERANGE the position stays, so a retry with a bigger
 * buffer returns the same entry. */
static int pw_next(struct passwd *pw, char *buf, size_t buflen)
{
	struct hc_user u;
	int r;

	r = hc_cursor_begin(&hc_pw_cursor);
	if (r < 0)
		return r;
	r = hc_cache_user_next(hc_pw_cursor.ref->c, &hc_pw_cursor.next, &u);
	if (r == 0)
		r = hc_pack_passwd(&u, pw, buf, buflen);
	if (r == 0)
		hc_pw_cursor.next++;
	return r;
}

NSS_EXPORT enum nss_status _nss_hcoop_setpwent(int stayopen);
enum nss_status _nss_hcoop_setpwent(int stayopen)
{
	int saved = errno, r;

	(void)stayopen;
	pthread_mutex_lock(&hc_pw_cursor.lock);
	hc_cursor_reset(&hc_pw_cursor);
	r = hc_cursor_begin(&hc_pw_cursor);
	pthread_mutex_unlock(&hc_pw_cursor.lock);
	errno = saved;
	return r < 0 ? NSS_STATUS_UNAVAIL : NSS_STATUS_SUCCESS;
}

NSS_EXPORT enum nss_status _nss_hcoop_endpwent(void);
enum nss_status _nss_hcoop_endpwent(void)
{
	int saved = errno;

	pthread_mutex_lock(&hc_pw_cursor.lock);
	hc_cursor_reset(&hc_pw_cursor);
	pthread_mutex_unlock(&hc_pw_cursor.lock);
	errno = saved;
	return NSS_STATUS_SUCCESS;
}

NSS_EXPORT enum nss_status _nss_hcoop_getpwent_r(struct passwd *pw, char *buf,
						size_t buflen, int *errnop);
enum nss_status _nss_hcoop_getpwent_r(struct passwd *pw, char *buf,
				      size_t buflen, int *errnop)
{
	int saved = errno, r;
	enum nss_status st;

	pthread_mutex_lock(&hc_pw_cursor.lock);
	r = pw_next(pw, buf, buflen);
	pthread_mutex_unlock(&hc_pw_cursor.lock);
	st = hc_nss_status(r, errnop);
	if (st == NSS_STATUS_SUCCESS)
		errno = saved;
	return st;
}
