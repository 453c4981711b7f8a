/* --status, the daemon's part: what its heartbeat file says, and whether
 * that is fine. Not fine (HS_EXIT_DAEMON): a heartbeat not rewritten for
 * HS_HEARTBEAT_STALE seconds while it claims to run (a hung or killed
 * daemon), a stopped daemon, or one not connected for longer than
 * HS_DISCONNECTED_MAX seconds. No heartbeat file at all (no daemon ever
 * ran here, e.g. --once from cron) is reported but not an error. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "heartbeat.h"
#include "sync.h"

static void when(const char *label, int64_t t, int64_t now)
{
	char buf[64];
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		printf("%s: never\n", label);
		return;
	}
	if (!gmtime_r(&tt, &tm) ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, sizeof(buf), "%" PRId64, t);
	printf("%s: %s (%" PRId64 " s ago)\n", label, buf, now - t);
}

/* Why the daemon is not fine, or NULL. */
static const char *verdict(const struct hc_heartbeat *hb, int64_t now)
{
	if (hb->state == HC_HB_STOPPED)
		return "stopped";
	if (now - hb->updated > HS_HEARTBEAT_STALE)
		return "heartbeat stale: the daemon is hung or gone";
	if (hb->state != HC_HB_CONNECTED &&
	    now - hb->since > HS_DISCONNECTED_MAX)
		return "not connected for too long";
	return NULL;
}

int hs_status_daemon(const struct hc_config *cfg)
{
	const char *path = cfg->heartbeat ? cfg->heartbeat
					  : HC_HEARTBEAT_DEFAULT_PATH;
	int64_t now = (int64_t)time(NULL);
	struct hc_heartbeat hb;
	const char *bad;
	char err[512];
	int r = hc_heartbeat_read(path, &hb, err, sizeof(err));

	if (r == -ENOENT) {
		printf("daemon: no heartbeat (%s): not running here\n", path);
		return HS_EXIT_OK;
	}
	if (r < 0) {
		printf("daemon: unreadable heartbeat: %s\n", err);
		return HS_EXIT_DAEMON;
	}
	bad = verdict(&hb, now);
	printf("daemon: %s\n", bad ? bad : "ok");
	printf("daemon_pid: %" PRId64 "\n", hb.pid);
	printf("state: %s\n", hc_hb_state_name(hb.state));
	printf("following: %s\n", hb.server[0] ? hb.server : "(none)");
	when("since", hb.since, now);
	when("last_contact", hb.last_contact, now);
	when("last_full_refresh", hb.last_full_refresh, now);
	printf("changes_applied: %" PRIu64 "\n", hb.changes_applied);
	when("heartbeat_updated", hb.updated, now);
	if (hb.last_error[0])
		printf("last_error: %s\n", hb.last_error);
	return bad ? HS_EXIT_DAEMON : HS_EXIT_OK;
}
