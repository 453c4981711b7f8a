/* The daemon's side of the heartbeat file (format and reader in
 * common/heartbeat.c). State changes are written at once; contact and
 * change counts are recorded in memory and written by hs_hb_tick at least
 * every HB_PERIOD seconds, so a change costs no file write of its own. The
 * file is replaced atomically (temp file in the same directory, rename),
 * so a reader never sees half of it. A failure to write it is logged once
 * and never stops the daemon: the cache matters, the heartbeat reports. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "fileio.h"
#include "heartbeat.h"
#include "log.h"
#include "sync.h"

#define HB_PERIOD 5 /* seconds; the documented promise is 10 */

static struct {
	const struct hc_config *cfg;
	struct hc_heartbeat hb;
	time_t written;
	bool warned;
	unsigned long refreshes;
} hb;

static const char *hb_path(void)
{
	return hb.cfg && hb.cfg->heartbeat ? hb.cfg->heartbeat
					   : HC_HEARTBEAT_DEFAULT_PATH;
}

/* mkdir -p of path's directory, 0755 for what it creates. */
static int make_dirs(const char *path)
{
	char dir[PATH_MAX];
	size_t i, len = strlen(path);

	if (len >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, len + 1);
	for (i = 1; i < len; i++) {
		if (dir[i] != '/')
			continue;
		dir[i] = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		dir[i] = '/';
	}
	return 0;
}

static void read_generation(void)
{
	struct hc_cache *c = NULL;
	struct hc_cache_info info;

	if (hc_cache_open(hb.cfg->cache, &c) < 0)
		return;
	if (hc_cache_info(c, &info) == 0)
		hb.hb.generation = info.generation;
	hc_cache_close(c);
}

static int write_file(void)
{
	char text[HC_HB_FILE_MAX];
	const char *path = hb_path();
	int n, r;

	hb.hb.updated = (int64_t)time(NULL);
	read_generation();
	n = hc_heartbeat_format(&hb.hb, text, sizeof(text));
	if (n < 0)
		return n;
	if ((r = make_dirs(path)) < 0)
		return r;
	return hc_atomic_write(path, text, (size_t)n, 0644);
}

static void flush(void)
{
	int r = write_file();

	hb.written = time(NULL);
	if (r < 0 && !hb.warned)
		hc_warn("cannot write the heartbeat %s: %s", hb_path(),
			strerror(-r));
	hb.warned = r < 0;
}

void hs_hb_init(const struct hc_config *cfg)
{
	hb.cfg = cfg;
	hb.hb.pid = (int64_t)getpid();
	/* a daemon killed while writing leaves PATH.tmp.PID */
	hc_remove_stale_tmp(hb_path(), NULL);
}

void hs_hb_config(const struct hc_config *cfg)
{
	hb.cfg = cfg;
}

void hs_hb_state(enum hc_hb_state st, const char *server, const char *error)
{
	time_t now = time(NULL);

	if (st != hb.hb.state || hb.hb.since == 0)
		hb.hb.since = (int64_t)now;
	hb.hb.state = st;
	if (server)
		snprintf(hb.hb.server, sizeof(hb.hb.server), "%s", server);
	if (error)
		snprintf(hb.hb.last_error, sizeof(hb.hb.last_error), "%s",
			 error);
	flush();
}

void hs_hb_contact(void)
{
	hb.hb.last_contact = (int64_t)time(NULL);
}

void hs_hb_changes(unsigned long n)
{
	hb.hb.changes_applied += n;
}

void hs_hb_full_refresh(void)
{
	hb.hb.last_full_refresh = (int64_t)time(NULL);
	hb.refreshes++;
	flush();
}

unsigned long hs_hb_refreshes(void)
{
	return hb.refreshes;
}

void hs_hb_tick(void)
{
	if (time(NULL) - hb.written >= HB_PERIOD)
		flush();
}
