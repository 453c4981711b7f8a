/* notify.c: tell systemd (Type=notify) when the cache can be used. */
#ifndef HCOOP_SYNC_NOTIFY_H
#define HCOOP_SYNC_NOTIFY_H

struct hc_config;

/* READY=1, once per process: after the first cache write. No-op when not
 * started by systemd (no NOTIFY_SOCKET). */
void hs_notify_ready(void);
/* READY=1 now if the cache in force is valid, so a restart with LDAP down
 * does not hold up logins that the old cache can serve. */
void hs_notify_ready_if_valid(const struct hc_config *cfg);
/* STOPPING=1 */
void hs_notify_stopping(void);

#endif
