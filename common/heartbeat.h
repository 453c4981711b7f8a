/* The hcoop-sync heartbeat file: what the daemon is doing, for
 * `hcoop-sync --status`, the admin tool and monitoring. Written by the
 * daemon (sync/heartbeat.c) atomically (temp file + rename) on every state
 * change and at least every 10 s while connected; read here. No libldap.
 *
 * Format (hcoop-sync(8)): text, one "key=value" per line, in this order;
 * times are seconds since the epoch (0: never); unknown keys are ignored
 * by the reader so fields can be added:
 *   pid=1234
 *   state=connecting|refreshing|connected|backoff|stopped
 *   server=ldap://...          (the URI followed or tried; may be empty)
 *   since=...                  (start of the current state)
 *   last_contact=...           (the server last answered)
 *   last_full_refresh=...      (a full refresh was last written)
 *   changes_applied=...        (changes written since the daemon started)
 *   generation=...             (of the cache last written)
 *   updated=...                (this file written)
 *   last_error=...             (one line, may be empty) */
#ifndef HCOOP_HEARTBEAT_H
#define HCOOP_HEARTBEAT_H

#include <stddef.h>
#include <stdint.h>

enum hc_hb_state {
	HC_HB_CONNECTING = 0,
	HC_HB_REFRESHING,
	HC_HB_CONNECTED,
	HC_HB_BACKOFF,
	HC_HB_STOPPED,
};

#define HC_HB_TEXT_MAX 512
#define HC_HB_FILE_MAX 4096

struct hc_heartbeat {
	int64_t pid;
	enum hc_hb_state state;
	char server[HC_HB_TEXT_MAX];
	int64_t since, last_contact, last_full_refresh, updated;
	uint64_t changes_applied, generation;
	char last_error[HC_HB_TEXT_MAX];
};

const char *hc_hb_state_name(enum hc_hb_state s);

/* Render hb as the file's text into buf. Bytes written (excluding NUL),
 * or -ENOSPC. Newlines in the text fields are replaced by spaces. */
int hc_heartbeat_format(const struct hc_heartbeat *hb, char *buf,
			size_t len);

/* Parse a heartbeat file. 0; -ENOENT (no file: no daemon has run);
 * -EBADMSG with "PATH:LINE: ..." in err (malformed, or pid/state/updated
 * missing); other negative errno (cannot read). */
int hc_heartbeat_read(const char *path, struct hc_heartbeat *hb, char *err,
		      size_t errlen);

/* When the cache of this generation was last checked against LDAP: its own
 * refresh time (refreshed_at, from the file), or the heartbeat's last full
 * refresh when that is later and hb (NULL: none) speaks of the same
 * generation. A refresh that finds nothing new writes no file
 * (hcoop-sync(8)), so the file's time alone would age while the daemon
 * keeps confirming it. */
int64_t hc_hb_refreshed_at(const struct hc_heartbeat *hb, uint64_t generation,
			   int64_t refreshed_at);

#endif
