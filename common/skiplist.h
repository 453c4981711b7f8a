/* Reading CACHE.skipped, the entries hcoop-sync left out of the last cache
 * it wrote (written by sync/skipfile.c; format in hcoop-sync(8)): one
 * "KIND<TAB>DN<TAB>REASON" line each, KIND "user" or "group". Read by
 * `hcoopctl status` and `hcoopctl explain` (a member in LDAP but not in the
 * cache: why). No libldap. */
#ifndef HCOOP_SKIPLIST_H
#define HCOOP_SKIPLIST_H

#include <stddef.h>

#define HC_SKIP_LINE_MAX 4096

struct hc_skip {
	const char *kind, *dn, *reason; /* valid during the callback */
};

/* The skip file of the cache at cache_path ("CACHE.skipped"). */
int hc_skiplist_path(const char *cache_path, char *buf, size_t len);

/* Call cb for each entry (a non-zero return stops and is returned); 0 at
 * the end; -ENOENT when there is no file; other negative errno. Malformed
 * lines are passed with kind "?" rather than dropped. */
int hc_skiplist_each(const char *cache_path,
		     int (*cb)(const struct hc_skip *s, void *ctx), void *ctx);

/* The entry of kind for name: its DN's first RDN is uid=NAME (users) or
 * cn=NAME (groups), compared case-insensitively. 1 and reason copied, 0 if
 * none, negative errno. */
int hc_skiplist_find(const char *cache_path, const char *kind,
		     const char *name, char *reason, size_t len);

#endif
