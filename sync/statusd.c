/* The daemon's status thread: publishes this host's status into its LDAP
 * entry (publish.c) at start, every status_interval seconds and when the
 * number of members assigned here changes, and refreshes the Prometheus
 * metrics (metrics.c) every few seconds. It runs beside the sync loop so a
 * slow or unreachable server for the status write can never delay a
 * change reaching the cache; it reads what the sync loop publishes
 * anyway (the heartbeat file, the cache, the skip file), never its
 * memory, and keeps its own copy of the configuration (re-read each
 * cycle, so SIGHUP's new config reaches it too). All signals are blocked
 * in it: SIGTERM/SIGHUP are the sync loop's. */
#include <errno.h>
#include <stdlib.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "heartbeat.h"
#include "hoststat.h"
#include "log.h"
#include "skiplist.h"
#include "sync.h"
#include "version.h"

#define TICK_S 5 /* metrics, and the check for a changed member count */
#define MIN_GAP_S 1 /* a wake runs a cycle no sooner after the last one */

static struct {
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	bool woken; /* hs_statusd_wake since the last cycle began */
	char *path; /* the config file */
	uint64_t failures;
} sd = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

static int count_skip(const struct hc_skip *s, void *ctx)
{
	(void)s;
	(*(uint32_t *)ctx)++;
	return 0;
}

/* Publish once; log the first failure of an outage and the recovery. */
static void publish(const struct hc_config *cfg, const struct hc_heartbeat *hb,
		    bool *failing)
{
	struct hs_sync_facts f = { .state = hc_hb_state_name(hb->state),
				   .server = hb->server, .since = hb->since,
				   .version = HC_VERSION };
	char err[512] = "";
	int r;

	hc_skiplist_each(cfg->cache, count_skip, &f.skipped);
	r = hs_publish_status(cfg, &f, err, sizeof(err));
	if (r < 0) {
		sd.failures++;
		if (!*failing)
			hc_warn("status: cannot publish this host's status to %s: "
				"%s (retrying every %u s; logged once per outage)",
				cfg->binddn ? cfg->binddn : "(no binddn)", err,
				cfg->status_interval);
		*failing = true;
	} else if (*failing) {
		hc_info("status: published again to %s", cfg->binddn);
		*failing = false;
	}
}

/* The generation of the cache in force (O(1): the header), or
 * UINT64_MAX - 1 when there is none, so a cache appearing counts. */
static uint64_t cache_generation(const struct hc_config *cfg)
{
	struct hc_cache *c = NULL;
	struct hc_cache_info info;
	uint64_t g = UINT64_MAX - 1;

	if (hc_cache_open(cfg->cache, &c) == 0 && hc_cache_info(c, &info) == 0)
		g = info.generation;
	hc_cache_close(c);
	return g;
}

/* Wait up to s seconds, or less when hs_statusd_wake asked for a cycle:
 * then until MIN_GAP_S after the start of the last one (at), so a stream
 * of writes (one wake each) costs at most one walk of the cache a second.
 * false once asked to stop. */
static bool nap(const struct timespec *at, unsigned s)
{
	struct timespec until, soon = *at;
	bool go;
	int e = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += s;
	soon.tv_sec += MIN_GAP_S < s ? MIN_GAP_S : s;
	pthread_mutex_lock(&sd.lock);
	/* a wake during the cycle counts too: it came after what we read */
	while (!sd.stop && e != ETIMEDOUT)
		e = pthread_cond_timedwait(&sd.wake, &sd.lock,
					   sd.woken ? &soon : &until);
	sd.woken = false;
	go = !sd.stop;
	pthread_mutex_unlock(&sd.lock);
	return go;
}

static void *run(void *arg)
{
	struct hc_config cfg, fresh;
	struct hc_heartbeat hb;
	struct hc_hoststat st;
	uint32_t last_members = UINT32_MAX;
	uint64_t last_gen = UINT64_MAX;
	time_t last_pub = 0;
	bool failing = false;
	char err[512];
	struct timespec at;

	(void)arg;
	if (hc_config_load(sd.path, &cfg, err, sizeof(err)) < 0) {
		hc_err("status: %s; no status published", err);
		return NULL;
	}
	do {
		struct hs_metrics m = { .hb = &hb, .status_failures = sd.failures };

		clock_gettime(CLOCK_REALTIME, &at);

		if (hc_config_load(sd.path, &fresh, err, sizeof(err)) == 0) {
			hc_config_free(&cfg);
			cfg = fresh;
		}
		memset(&hb, 0, sizeof(hb));
		hc_heartbeat_read(cfg.heartbeat ? cfg.heartbeat
						: HC_HEARTBEAT_DEFAULT_PATH,
				  &hb, err, sizeof(err));
		/* members here can only change with the cache: walk it again
		 * only after a new generation (the full facts: publish.c) */
		if (cache_generation(&cfg) != last_gen) {
			hc_hoststat_members(&cfg, &st);
			last_gen = st.generation;
		} else {
			st.members_here = last_members;
		}
		if (cfg.status_interval > 0 &&
		    (st.members_here != last_members ||
		     time(NULL) - last_pub >= (time_t)cfg.status_interval)) {
			publish(&cfg, &hb, &failing);
			last_members = st.members_here;
			last_pub = time(NULL);
		}
		int r = hs_metrics_write(&cfg, &m);
		if (r < 0)
			hc_debug("metrics: %s", strerror(-r));
	} while (nap(&at, cfg.status_interval > 0 && cfg.status_interval < TICK_S
				  ? cfg.status_interval : TICK_S));
	hc_config_free(&cfg);
	return NULL;
}

int hs_statusd_start(const struct hc_config *cfg)
{
	sigset_t all, old;
	int r;

	if (sd.running || !cfg->path)
		return 0;
	sd.path = strdup(cfg->path);
	if (!sd.path)
		return -ENOMEM;
	sd.stop = false;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&sd.thread, NULL, run, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		free(sd.path);
		sd.path = NULL;
		return -r;
	}
	sd.running = true;
	return 0;
}

void hs_statusd_wake(void)
{
	pthread_mutex_lock(&sd.lock);
	sd.woken = true;
	pthread_cond_signal(&sd.wake);
	pthread_mutex_unlock(&sd.lock);
}

void hs_statusd_stop(void)
{
	struct timespec until;

	if (!sd.running)
		return;
	pthread_mutex_lock(&sd.lock);
	sd.stop = true;
	pthread_cond_signal(&sd.wake);
	pthread_mutex_unlock(&sd.lock);
	/* a status write in flight is bounded by timeout/op_timeout and cut
	 * short by the stop flag; don't let it hold up the exit longer */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	if (pthread_timedjoin_np(sd.thread, NULL, &until) == 0) {
		free(sd.path);
		sd.path = NULL;
	}
	sd.running = false;
}
