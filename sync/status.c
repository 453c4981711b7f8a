/* --status: what the cache in force says about itself. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "sync.h"

static void iso8601(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%" PRId64, t);
}

/* The entries the last write left out (skipfile.c): their count, then one
 * "skipped KIND: DN: REASON" line each. */
static void print_skipped(const struct hc_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int n;

	if (!mem) {
		printf("skipped: unknown (%s)\n", strerror(errno));
		return;
	}
	n = hs_skipfile_print(cfg, mem);
	fclose(mem);
	if (n == -ENOENT)
		printf("skipped: unknown (no %s.skipped yet)\n", cfg->cache);
	else if (n < 0)
		printf("skipped: unknown (%s)\n", strerror(-n));
	else
		printf("skipped: %d\n%s", n, buf ? buf : "");
	free(buf);
}

int hs_status(const struct hc_config *cfg)
{
	struct hc_cache *c = NULL;
	struct hc_cache_info info;
	char when[64];
	int r;

	printf("cache: %s\n", cfg->cache);
	printf("readable: %s\n", access(cfg->cache, R_OK) == 0 ? "yes" : "no");
	r = hc_cache_open(cfg->cache, &c);
	if (r == 0)
		r = hc_cache_info(c, &info);
	if (r < 0) {
		printf("valid: no (%s)\n", strerror(-r));
		if (c)
			hc_cache_close(c);
		return HS_EXIT_CACHE;
	}
	iso8601(info.refreshed_at, when, sizeof(when));
	printf("valid: yes\n");
	printf("generation: %" PRIu64 "\n", info.generation);
	printf("refreshed_at: %s\n", when);
	printf("server: %s\n", info.server && info.server[0] ? info.server
							     : "(unknown)");
	printf("users: %" PRIu32 "\n", info.n_users);
	printf("groups: %" PRIu32 "\n", info.n_groups);
	/* the delta file in force: what a full write would merge */
	printf("delta: %" PRIu32 " entries\n",
	       info.delta_users + info.delta_groups + info.delta_superseded);
	hc_cache_close(c);
	print_skipped(cfg);
	return hs_status_daemon(cfg); /* the heartbeat's part */
}
