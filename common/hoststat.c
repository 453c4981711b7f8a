/* hc_hoststat_gather: see hoststat.h. */
#include "hoststat.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "heartbeat.h"
#include "names.h"

/* MemTotal / MemAvailable from /proc/meminfo (kB there). */
static void read_meminfo(struct hc_hoststat *st)
{
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");
	unsigned long long kb;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			st->mem_total = (uint64_t)kb * 1024;
		else if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			st->mem_available = (uint64_t)kb * 1024;
	}
	fclose(f);
}

static void read_homefs(const struct hc_config *cfg, struct hc_hoststat *st)
{
	struct statvfs vfs;

	if (!cfg->home_base || statvfs(cfg->home_base, &vfs) < 0)
		return;
	st->home_size = (uint64_t)vfs.f_blocks * vfs.f_frsize;
	st->home_free = (uint64_t)vfs.f_bavail * vfs.f_frsize;
}

/* Members assigned here, and (homes) how many of them have a home
 * directory: one lstat each, so only when the status is published. */
static int count_members(const struct hc_config *cfg, struct hc_cache *c,
			 struct hc_hoststat *st, bool homes)
{
	struct hc_user u;
	struct stat sb;

	uint32_t i;
	int r;

	for (i = 0; (r = hc_cache_user_next(c, &i, &u)) != -ENOENT; i++) {
		if (r < 0)
			return r;
		/* hcoop-sync walks it after every write: not resident */
		hc_cache_walk_step(c, i);
		if (!u.host[0] || !hc_host_equal(u.host, cfg->host))
			continue;
		st->members_here++;
		if (homes && lstat(u.dir, &sb) == 0 && S_ISDIR(sb.st_mode))
			st->homes_present++;
	}
	return 0;
}

int64_t hc_hoststat_cache_age(const struct hc_config *cfg,
			      const struct hc_cache_info *info, int64_t now)
{
	struct hc_heartbeat hb;
	char err[300];

	if (hc_heartbeat_read(cfg->heartbeat ? cfg->heartbeat
					     : HC_HEARTBEAT_DEFAULT_PATH,
			      &hb, err, sizeof(err)) < 0)
		return now - info->refreshed_at;
	return now - hc_hb_refreshed_at(&hb, info->generation,
					info->refreshed_at);
}

static int read_cache(const struct hc_config *cfg, struct hc_hoststat *st,
		      bool homes)
{
	struct hc_cache *c = NULL;
	struct hc_cache_info info;
	int r = hc_cache_open(cfg->cache, &c);

	if (r == 0)
		r = hc_cache_info(c, &info);
	if (r == 0) {
		st->generation = info.generation;
		st->cache_age = hc_hoststat_cache_age(cfg, &info, st->now);
		snprintf(st->server, sizeof(st->server), "%s",
			 info.server ? info.server : "");
		st->users = info.n_users;
		st->groups = info.n_groups;
		r = count_members(cfg, c, st, homes);
		st->cache_valid = r == 0;
	}
	hc_cache_close(c);
	return r;
}

int hc_hoststat_gather(const struct hc_config *cfg, struct hc_hoststat *st)
{
	long n;

	memset(st, 0, sizeof(*st));
	st->now = (int64_t)time(NULL);
	if (getloadavg(st->load, 3) != 3)
		memset(st->load, 0, sizeof(st->load));
	n = sysconf(_SC_NPROCESSORS_ONLN);
	st->cpus = n > 0 ? (uint32_t)n : 0;
	read_meminfo(st);
	read_homefs(cfg, st);
	return read_cache(cfg, st, true);
}

int hc_hoststat_members(const struct hc_config *cfg, struct hc_hoststat *st)
{
	memset(st, 0, sizeof(*st));
	st->now = (int64_t)time(NULL);
	return read_cache(cfg, st, false);
}
