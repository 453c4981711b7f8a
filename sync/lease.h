/* The cache guard (lease.c, hcoop-sync(8) CACHE PROTECTION): read leases
 * on the files the daemon publishes, so that a `cp` over the cache waits
 * while the readers are moved off the inode it would truncate. */
#ifndef HS_LEASE_H
#define HS_LEASE_H

struct hc_config;

/* Block the guard's signals in the calling thread (so call it before any
 * other thread is created: they inherit the mask), lease the files now at
 * cfg's paths and start the guard thread. 0, or a negative errno: the
 * daemon then runs unprotected (pause/resume do nothing). */
int hs_lease_start(const struct hc_config *cfg);

/* Stop and join the guard thread, drop every lease. */
void hs_lease_stop(void);

/* Around every write of a guarded file: the writer opens the old file for
 * writing (to flag it superseded), which would break our own lease.
 * pause takes the guard's lock (after handling a break already under
 * way) and drops the leases; resume leases whatever is now at the paths
 * and releases the lock. No-ops when the guard is not running (--once). */
void hs_lease_pause(void);
void hs_lease_resume(void);

/* SIGHUP: cfg may name another cache; lease the new paths. */
void hs_lease_reconfigure(const struct hc_config *cfg);

#endif
