/* The floor: an NSS module that answers one fixed entry for any key, so
 * that glibc's own dispatch cost (nsswitch.conf stat, dlsym'd call, result
 * copy) can be measured through the same code path as nss_hcoop and
 * nss_files. Built only for `make bench`, never installed.
 *
 * Enumeration returns the fixed entry `count` times, count read at
 * setpwent/setgrent from /etc/hcoopfloor.count (inside the benchmark's
 * private namespace), default 1000: it gives a per-entry floor for getpwent.
 * The fixed entries: user "floor" uid 4242 gid 4242, group "floor" gid 4242
 * with one member "floor". Every key matches (name or id). */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#define FLOOR_ID 4242
#define FLOOR_COUNT_FILE "/etc/hcoopfloor.count"

static pthread_mutex_t ent_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long pw_left, gr_left;

/* Copy s into buf at *off; NULL when it does not fit. */
static char *put_str(char *buf, size_t len, size_t *off, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if (n > len - *off)
		return NULL;
	p = memcpy(buf + *off, s, n);
	*off += n;
	return p;
}

static enum nss_status fill_pw(struct passwd *pw, char *buf, size_t len,
			       int *errnop)
{
	size_t off = 0;

	pw->pw_name = put_str(buf, len, &off, "floor");
	pw->pw_passwd = put_str(buf, len, &off, "x");
	pw->pw_gecos = put_str(buf, len, &off, "Floor Benchmark");
	pw->pw_dir = put_str(buf, len, &off, "/home/floor");
	pw->pw_shell = put_str(buf, len, &off, "/bin/bash");
	if (!pw->pw_name || !pw->pw_passwd || !pw->pw_gecos || !pw->pw_dir ||
	    !pw->pw_shell) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	pw->pw_uid = FLOOR_ID;
	pw->pw_gid = FLOOR_ID;
	return NSS_STATUS_SUCCESS;
}

static enum nss_status fill_gr(struct group *gr, char *buf, size_t len,
			       int *errnop)
{
	size_t align = sizeof(char *) - ((uintptr_t)buf % sizeof(char *));
	size_t off;
	char **mem;

	if (align == sizeof(char *))
		align = 0;
	if (len < align + 2 * sizeof(char *))
		goto erange;
	mem = (char **)(void *)(buf + align);
	off = align + 2 * sizeof(char *);
	gr->gr_name = put_str(buf, len, &off, "floor");
	gr->gr_passwd = put_str(buf, len, &off, "x");
	mem[0] = put_str(buf, len, &off, "floor");
	mem[1] = NULL;
	if (!gr->gr_name || !gr->gr_passwd || !mem[0])
		goto erange;
	gr->gr_mem = mem;
	gr->gr_gid = FLOOR_ID;
	return NSS_STATUS_SUCCESS;
erange:
	*errnop = ERANGE;
	return NSS_STATUS_TRYAGAIN;
}

static unsigned long read_count(void)
{
	unsigned long n = 1000;
	FILE *f = fopen(FLOOR_COUNT_FILE, "re");

	if (f) {
		if (fscanf(f, "%lu", &n) != 1)
			n = 1000;
		fclose(f);
	}
	return n;
}

#define EXPORT __attribute__((visibility("default")))

EXPORT enum nss_status _nss_hcoopfloor_getpwnam_r(const char *, struct passwd *,
						  char *, size_t, int *);
EXPORT enum nss_status _nss_hcoopfloor_getpwuid_r(uid_t, struct passwd *,
						  char *, size_t, int *);
EXPORT enum nss_status _nss_hcoopfloor_getgrnam_r(const char *, struct group *,
						  char *, size_t, int *);
EXPORT enum nss_status _nss_hcoopfloor_getgrgid_r(gid_t, struct group *,
						  char *, size_t, int *);
EXPORT enum nss_status _nss_hcoopfloor_initgroups_dyn(const char *, gid_t,
						      long *, long *, gid_t **,
						      long, int *);
EXPORT enum nss_status _nss_hcoopfloor_setpwent(int);
EXPORT enum nss_status _nss_hcoopfloor_endpwent(void);
EXPORT enum nss_status _nss_hcoopfloor_getpwent_r(struct passwd *, char *,
						  size_t, int *);
EXPORT enum nss_status _nss_hcoopfloor_setgrent(int);
EXPORT enum nss_status _nss_hcoopfloor_endgrent(void);
EXPORT enum nss_status _nss_hcoopfloor_getgrent_r(struct group *, char *,
						  size_t, int *);

enum nss_status _nss_hcoopfloor_getpwnam_r(const char *name, struct passwd *pw,
					   char *buf, size_t len, int *errnop)
{
	(void)name;
	return fill_pw(pw, buf, len, errnop);
}

enum nss_status _nss_hcoopfloor_getpwuid_r(uid_t uid, struct passwd *pw,
					   char *buf, size_t len, int *errnop)
{
	(void)uid;
	return fill_pw(pw, buf, len, errnop);
}

enum nss_status _nss_hcoopfloor_getgrnam_r(const char *name, struct group *gr,
					   char *buf, size_t len, int *errnop)
{
	(void)name;
	return fill_gr(gr, buf, len, errnop);
}

enum nss_status _nss_hcoopfloor_getgrgid_r(gid_t gid, struct group *gr,
					   char *buf, size_t len, int *errnop)
{
	(void)gid;
	return fill_gr(gr, buf, len, errnop);
}

/* One supplementary group (the fixed one) for every user. */
enum nss_status _nss_hcoopfloor_initgroups_dyn(const char *user, gid_t skip,
					       long *start, long *size,
					       gid_t **groupsp, long limit,
					       int *errnop)
{
	(void)user;
	(void)limit;
	if (skip == FLOOR_ID)
		return NSS_STATUS_SUCCESS;
	if (*start >= *size) {
		*errnop = ENOMEM; /* glibc starts with room; never hit in the bench */
		return NSS_STATUS_TRYAGAIN;
	}
	(*groupsp)[(*start)++] = FLOOR_ID;
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_hcoopfloor_setpwent(int stayopen)
{
	(void)stayopen;
	pthread_mutex_lock(&ent_lock);
	pw_left = read_count();
	pthread_mutex_unlock(&ent_lock);
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_hcoopfloor_endpwent(void)
{
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_hcoopfloor_getpwent_r(struct passwd *pw, char *buf,
					   size_t len, int *errnop)
{
	enum nss_status st = NSS_STATUS_NOTFOUND;

	pthread_mutex_lock(&ent_lock);
	if (pw_left > 0) {
		st = fill_pw(pw, buf, len, errnop);
		if (st == NSS_STATUS_SUCCESS)
			pw_left--;
	}
	pthread_mutex_unlock(&ent_lock);
	return st;
}

enum nss_status _nss_hcoopfloor_setgrent(int stayopen)
{
	(void)stayopen;
	pthread_mutex_lock(&ent_lock);
	gr_left = read_count();
	pthread_mutex_unlock(&ent_lock);
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_hcoopfloor_endgrent(void)
{
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_hcoopfloor_getgrent_r(struct group *gr, char *buf,
					   size_t len, int *errnop)
{
	enum nss_status st = NSS_STATUS_NOTFOUND;

	pthread_mutex_lock(&ent_lock);
	if (gr_left > 0) {
		st = fill_gr(gr, buf, len, errnop);
		if (st == NSS_STATUS_SUCCESS)
			gr_left--;
	}
	pthread_mutex_unlock(&ent_lock);
	return st;
}
