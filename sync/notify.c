/* sd_notify for the unit's Type=notify: "systemctl start hcoop-sync"
 * returns, and nss-user-lookup.target is reached, only once getent can
 * answer from a cache: one just written, or a valid one found at start. */
#include "notify.h"

#include <stdbool.h>
#include <systemd/sd-daemon.h>

#include "cache.h"
#include "config.h"
#include "log.h"

static bool ready_sent;

void hs_notify_ready(void)
{
	if (ready_sent)
		return;
	ready_sent = true;
	if (sd_notify(0, "READY=1\nSTATUS=cache ready") < 0)
		hc_warn("cannot notify systemd of readiness");
}

void hs_notify_ready_if_valid(const struct hc_config *cfg)
{
	struct hc_cache *c = NULL;

	if (hc_cache_open(cfg->cache, &c) < 0)
		return; /* none yet: ready after the first write */
	hc_cache_close(c);
	hc_info("cache %s is valid: ready while connecting", cfg->cache);
	hs_notify_ready();
}

void hs_notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}
