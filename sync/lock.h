/* lock.c: one hcoop-sync per cache file. */
#ifndef HCOOP_SYNC_LOCK_H
#define HCOOP_SYNC_LOCK_H

#include <stddef.h>

/* Take the lock CACHE.lock (beside the cache) until hs_lock_release or
 * the end of the process: flock, so it goes with the process however it
 * ends and never goes stale. 0; -EWOULDBLOCK when another process holds it (err
 * names the file and the holder's pid); another -errno when the file
 * cannot be opened (err says why). */
int hs_lock_take(const char *cache, char *err, size_t errlen);
/* Unlink the lock file and release the lock (a normal exit). */
void hs_lock_release(void);

#endif
