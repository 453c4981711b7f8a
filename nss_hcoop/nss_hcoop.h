/* Internals of libnss_hcoop.so.2. The module serves passwd, group and
 * initgroups from the cache file only (HC_CACHE_DEFAULT_PATH, fixed: the
 * module reads no environment). Entry points (passwd.c, group.c) are thin;
 * handle.c owns the process-wide cache handle, pack.c the buffer packing,
 * status.c the one mapping from negative errno to nss_status. */
#ifndef HCOOP_NSS_HCOOP_H
#define HCOOP_NSS_HCOOP_H

#include "cache.h"

#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <stddef.h>

#define NSS_EXPORT __attribute__((visibility("default")))
/* On the lookup entry points: every call they make to the module's own
 * code is inlined into them (with the module linked -flto, across files:
 * nss_hcoop/module.mk), so a lookup is one function with the key check,
 * the handle, the probe, the copy and the status in registers, not six
 * calls passing structures through memory. What must stay out (the
 * slow and cold paths: reopening, the last release, the once-a-second
 * stat, the log) is marked noinline where it is defined. */
#define NSS_HOT __attribute__((flatten))


/* A counted reference to one open cache. */
struct hc_ref {
	struct hc_cache *c;
	unsigned refs;       /* atomic; 0: dead (on the spare list) */
	struct hc_ref *next; /* the spare list (handle.c) */
};

/* The current cache (reopened when superseded or replaced), with one more
 * reference for the caller, who drops it with hc_nss_release when done
 * reading (lookups: before returning); 0 or negative errno (cache
 * unusable: logged once per process). */
int hc_nss_acquire(struct hc_ref **out);
void hc_nss_release(struct hc_ref *r);

/* An enumeration cursor (setXent/getXent_r/endXent): its own lock and its
 * own reference, so a replacement during enumeration finishes the walk
 * over the file it started on. */
struct hc_cursor {
	pthread_mutex_t lock;
	struct hc_ref *ref;
	uint32_t next;
};
#define HC_CURSOR_INIT { PTHREAD_MUTEX_INITIALIZER, NULL, 0 }
/* The two cursors (passwd.c, group.c use them; handle.c owns them, so its
 * fork handlers can take their locks). */
extern struct hc_cursor hc_pw_cursor, hc_gr_cursor;
/* Caller holds cur->lock for all three. */
void hc_cursor_reset(struct hc_cursor *cur);
int hc_cursor_begin(struct hc_cursor *cur);

/* 0, or -ERANGE when buflen is too small (nothing then points into buf
 * that the caller may use). Nothing ever points into the mapping. */
int hc_pack_passwd(const struct hc_user *u, struct passwd *pw, char *buf,
		   size_t buflen);
int hc_pack_group(const struct hc_group *g, struct group *gr, char *buf,
		  size_t buflen);

/* 0 -> SUCCESS, -ENOENT -> NOTFOUND (the cache is valid: a missing
 * file is reported by hc_nss_acquire as -ENOMEDIUM), -ERANGE -> TRYAGAIN (ERANGE),
 * anything else -> UNAVAIL. Sets *errnop except on success. */
enum nss_status hc_nss_status(int r, int *errnop);

/* Log once per process to syslog (never stdout/stderr). */
void hc_nss_log_once(const char *what, int r);

#endif
