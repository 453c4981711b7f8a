/* Prometheus textfile-collector metrics: when metrics_dir is set, or
 * Debian's node-exporter textfile directory exists, the daemon writes
 * METRICS_DIR/hcoop.prom (common/fileio.c: temp file + rename, so the
 * collector never reads half a file) after each cache write and each heartbeat. Format: the
 * Prometheus text exposition format, version 0.0.4. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cache.h"
#include "fileio.h"
#include "heartbeat.h"
#include "log.h"
#include "skiplist.h"
#include "sync.h"

#define DEBIAN_TEXTFILE_DIR "/var/lib/prometheus/node-exporter"

const char *hs_metrics_dir(const struct hc_config *cfg)
{
	struct stat st;

	if (cfg->metrics_dir)
		return cfg->metrics_dir;
	if (stat(DEBIAN_TEXTFILE_DIR, &st) == 0 && S_ISDIR(st.st_mode))
		return DEBIAN_TEXTFILE_DIR;
	return NULL;
}

static void metric(FILE *f, const char *name, const char *type,
		   const char *help, double v)
{
	fprintf(f, "# HELP hcoop_%s %s\n# TYPE hcoop_%s %s\nhcoop_%s %.17g\n",
		name, help, name, type, name, v);
}

static int count_skip(const struct hc_skip *s, void *ctx)
{
	(void)s;
	(*(unsigned *)ctx)++;
	return 0;
}

static void render(FILE *f, const struct hc_config *cfg,
		   const struct hs_metrics *m)
{
	struct hc_cache *c = NULL;
	struct hc_cache_info info = { 0 };
	unsigned skipped = 0;
	bool valid = hc_cache_open(cfg->cache, &c) == 0 &&
		     hc_cache_info(c, &info) == 0;

	hc_skiplist_each(cfg->cache, count_skip, &skipped);
	metric(f, "cache_valid", "gauge", "1 if the cache file is usable", valid);
	metric(f, "users", "gauge", "Users in the cache", info.n_users);
	metric(f, "groups", "gauge", "Groups in the cache", info.n_groups);
	metric(f, "skipped_entries", "gauge",
	       "Directory entries left out by validation", skipped);
	metric(f, "cache_generation", "gauge", "Generation of the cache file",
	       (double)info.generation);
	metric(f, "cache_age_seconds", "gauge",
	       "Seconds since the cache was refreshed from LDAP",
	       valid ? (double)(time(NULL) -
				hc_hb_refreshed_at(m->hb, info.generation,
						   info.refreshed_at))
		     : 0);
	metric(f, "connected", "gauge", "1 while following an LDAP server",
	       m->hb->state == HC_HB_CONNECTED);
	metric(f, "last_full_refresh_timestamp_seconds", "gauge",
	       "Unix time of the last full refresh", (double)m->hb->last_full_refresh);
	metric(f, "persist_changes_applied_total", "counter",
	       "Changes followed and written since the daemon started",
	       (double)m->hb->changes_applied);
	metric(f, "status_write_failures_total", "counter",
	       "Failed writes of this host's status to LDAP",
	       (double)m->status_failures);
	hc_cache_close(c);
}

int hs_metrics_write(const struct hc_config *cfg, const struct hs_metrics *m)
{
	const char *dir = hs_metrics_dir(cfg);
	char path[4096], *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (!dir)
		return 0;
	if (snprintf(path, sizeof(path), "%s/hcoop.prom", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	f = open_memstream(&buf, &len);
	if (!f)
		return -errno;
	render(f, cfg, m);
	r = fclose(f) == 0 ? hc_atomic_write(path, buf, len, 0644) : -ENOMEM;
	free(buf);
	return r;
}
