/* The facts a host publishes about itself (hcoopServer status attributes,
 * ldap-schema/hcoop.ldif) and that `hcoopctl status` shows locally: load,
 * CPUs, memory, the filesystem of home_base, and what this host's cache
 * says (members assigned here, homes present, generation, age). Gathered
 * from /proc, statvfs and the cache only: no network, no LDAP, so the same
 * code serves the daemon and the admin tool. */
#ifndef HCOOP_HOSTSTAT_H
#define HCOOP_HOSTSTAT_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct hc_hoststat {
	int64_t now;            /* unix time the facts were taken */
	double load[3];         /* 1, 5, 15 minutes */
	uint32_t cpus;
	uint64_t mem_total, mem_available;   /* bytes */
	uint64_t home_size, home_free;       /* bytes, home_base's filesystem */
	bool cache_valid;
	uint64_t generation;
	int64_t cache_age;      /* seconds since the last refresh from LDAP
				 * (hc_hoststat_cache_age) */
	char server[512];       /* the URI the cache was refreshed from */
	uint32_t users, groups;
	uint32_t members_here;  /* users whose hcoopHost is cfg->host */
	uint32_t homes_present; /* of those, with a directory at their home */
};

/* Fill st. Facts that cannot be read stay 0 (and cache_valid false for
 * an unusable cache); returns 0, or the cache's error (negative errno)
 * after filling the rest. */
int hc_hoststat_gather(const struct hc_config *cfg, struct hc_hoststat *st);

/* Only the cache's facts (generation, counts, members here), without the
 * per-member lstat of homes_present (left 0) or the system facts: cheap
 * enough to ask every few seconds. */
int hc_hoststat_members(const struct hc_config *cfg, struct hc_hoststat *st);

/* Seconds, at now, since the cache described by info was last checked
 * against LDAP: its own refresh time, or the daemon's last full refresh
 * (its heartbeat, cfg->heartbeat) when that confirmed the same generation
 * later (hc_hb_refreshed_at). */
struct hc_cache_info;
int64_t hc_hoststat_cache_age(const struct hc_config *cfg,
			      const struct hc_cache_info *info, int64_t now);

#endif
