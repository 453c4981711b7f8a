/* The daemon: connect (trying the uris in order, starting after the one
 * just lost), follow changes with refreshAndPersist (persist.c), and on
 * every failure wait a back-off (1 s doubling to 60 s, with jitter, reset
 * once a refresh was written) before any new LDAP traffic: a lost or
 * silent server, a refused connection, a cache that cannot be written
 * (full or read-only disk: no reconnect and no refresh until the wait is
 * over). Servers without a sync provider get a full refresh every
 * refresh_interval.
 *
 * Signals: SIGTERM/SIGINT stop it within a second whatever it waits on
 * (every LDAP wait is cut by the same flag, see hc_ldap_set_cancel);
 * SIGHUP re-reads the configuration file (keeping the old one, with a log
 * line, when the new one is invalid) and reconnects with a full refresh.
 * The state goes to the heartbeat file at every change (heartbeat.c). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "lease.h"
#include "ldap_conn.h"
#include "log.h"
#include "notify.h"
#include "sync.h"
#include "version.h"

#define OUTAGE_LOG_EVERY 600 /* s between "still failing" lines */

volatile sig_atomic_t hs_stop, hs_hup;

struct daemon {
	struct hc_config *cfg;
	bool force;          /* --force: the first refresh skips the guard */
	bool no_sync;        /* the server has no sync provider */
	size_t next_uri;     /* where the next connect starts */
	struct hs_backoff bo;
	/* connection failures of the current outage */
	unsigned long fails;
	time_t fail_first, fail_logged;
};

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		hs_hup = 1;
	else
		hs_stop = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a signal cuts a wait short */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	hc_ldap_set_cancel(&hs_stop);
}

/* Sleep up to ms, cut short by a stop or SIGHUP; the heartbeat stays
 * fresh meanwhile (a long wait is not a hung daemon). */
static void nap_ms(unsigned ms)
{
	struct timespec ts = { 0, 50 * 1000000L };
	unsigned i;

	for (i = 0; i < ms / 50 && !hs_stop && !hs_hup; i++) {
		nanosleep(&ts, NULL);
		hs_hb_tick();
	}
}

/* Wait out a back-off after a failure, in state "backoff". */
static void back_off(struct daemon *d, const char *server, const char *why)
{
	unsigned ms = hs_backoff_next(&d->bo);

	hs_hb_state(HC_HB_BACKOFF, server, why);
	hc_debug("back-off %u ms", ms);
	nap_ms(ms);
}

/* Issue 18: an outage is logged at its first failure, then at most every
 * OUTAGE_LOG_EVERY seconds with a count, and once on recovery. */
static void connect_failed(struct daemon *d, const char *err)
{
	time_t now = time(NULL);

	if (d->fails++ == 0) {
		d->fail_first = d->fail_logged = now;
		hc_err("cannot connect: %s (retrying with back-off)", err);
	} else if (now - d->fail_logged >= OUTAGE_LOG_EVERY) {
		d->fail_logged = now;
		hc_err("still cannot connect after %lu attempts in %ld s: %s",
		       d->fails, (long)(now - d->fail_first), err);
	} else {
		hc_debug("cannot connect: %s", err);
	}
}

static void connected(struct daemon *d, struct hc_ldap *c)
{
	if (d->fails)
		hc_info("connected to %s again after %lu failed attempts in "
			"%ld s", hc_ldap_uri(c), d->fails,
			(long)(time(NULL) - d->fail_first));
	else
		hc_info("connected to %s", hc_ldap_uri(c));
	d->fails = 0;
}

/* One full paged refresh and write, for servers without sync: streamed
 * into the cache builder as --once does (stream.c), no model kept. */
static int fallback_refresh(struct daemon *d, struct hc_ldap *c)
{
	char err[512];
	int r;

	hs_hb_state(HC_HB_REFRESHING, hc_ldap_uri(c), NULL);
	r = hs_stream_once(d->cfg, c, d->force ? 0 : HS_WRITE_GUARDED, err,
			   sizeof(err));
	if (r == -ENOTCONN) {
		hc_err("refresh from %s failed: %s", hc_ldap_uri(c), err);
		hs_hb_state(HC_HB_REFRESHING, NULL, err);
		r = -ECONNRESET;
	} else if (r < 0 && r != -EPERM) {
		if (err[0])
			hc_err("%s; the cache is not written", err);
		r = HS_PERSIST_WRITE_FAILED;
	}
	if (r == 0) {
		hs_hb_full_refresh();
		hs_hb_state(HC_HB_CONNECTED, hc_ldap_uri(c), "");
	}
	return r;
}

static int sync_on(struct daemon *d, struct hc_ldap *c)
{
	int r;

	if (!d->no_sync) {
		r = hs_persist(d->cfg, c, d->force);
		if (r != -EOPNOTSUPP)
			return r;
		hc_warn("falling back to a full refresh every %u s",
			d->cfg->refresh_interval);
		d->no_sync = true;
	}
	r = fallback_refresh(d, c);
	if (r == 0)
		d->force = false;
	return r;
}

static const char *outcome(int r)
{
	switch (r) {
	case HS_PERSIST_WRITE_FAILED:
		return "the cache could not be written";
	case -EPERM:
		return "refused by the removal guard";
	case -ETIMEDOUT:
		return "the server stopped answering";
	default:
		return "lost the server";
	}
}

/* One connection's life, then the wait before the next. */
static void one_connection(struct daemon *d)
{
	struct hc_ldap *c = NULL;
	char err[512], server[HC_HB_TEXT_MAX];
	unsigned long refreshes;
	int r;

	hs_hb_state(HC_HB_CONNECTING, "", NULL);
	r = hc_ldap_connect_from(d->cfg, HC_BIND_CONFIG, NULL, NULL,
				 d->next_uri, &c, err, sizeof(err));
	if (r < 0) {
		if (r == -ECANCELED)
			return;
		connect_failed(d, err);
		back_off(d, "", err);
		return;
	}
	connected(d, c);
	snprintf(server, sizeof(server), "%s", hc_ldap_uri(c));
	refreshes = hs_hb_refreshes();
	r = sync_on(d, c);
	if (hs_hb_refreshes() != refreshes) {
		/* it worked for a while: the next failure starts at 1 s */
		d->force = false;
		hs_backoff_reset(&d->bo);
	}
	/* a lost server is tried last next time */
	if (r != 0 && r != -EPERM && r != HS_PERSIST_WRITE_FAILED)
		d->next_uri = (hc_ldap_uri_index(c) + 1) % d->cfg->n_uri;
	else
		d->next_uri = hc_ldap_uri_index(c);
	hc_ldap_close(c);
	if (r == 0) {
		/* stop or SIGHUP; or a fallback refresh done: the next one in
		 * refresh_interval, with no connection held meanwhile */
		d->force = false;
		hs_backoff_reset(&d->bo);
		if (d->no_sync)
			nap_ms(d->cfg->refresh_interval * 1000u);
		return;
	}
	if (hs_stop)
		return;
	if (r == -EPERM) {
		/* the guard refused: wait for a fix in LDAP, or SIGHUP */
		hs_hb_state(HC_HB_BACKOFF, server, outcome(r));
		nap_ms(d->cfg->refresh_interval * 1000u);
		return;
	}
	hc_warn("%s: %s; no LDAP traffic during the back-off", server,
		outcome(r));
	back_off(d, server, outcome(r));
}

/* SIGHUP: a new configuration, or the old one if the file is bad. */
static void reload(struct daemon *d)
{
	struct hc_config fresh;
	char err[512];

	if (hc_config_load(d->cfg->path, &fresh, err, sizeof(err)) < 0) {
		hc_err("SIGHUP: %s; keeping the configuration in use", err);
		return;
	}
	hc_config_free(d->cfg);
	*d->cfg = fresh;
	hs_hb_config(d->cfg);
	hs_lease_reconfigure(d->cfg);
	d->no_sync = false; /* and look for a sync provider again */
	d->next_uri = 0;
	hs_backoff_reset(&d->bo);
	hc_info("SIGHUP: configuration re-read from %s; full refresh",
		d->cfg->path);
}

int hs_daemon(struct hc_config *cfg, bool force)
{
	struct daemon d = { .cfg = cfg, .force = force };

	install_signals();
	hs_backoff_reset(&d.bo);
	hs_hb_init(cfg);
	hc_info("hcoop-sync %s starting; cache %s", HC_VERSION, cfg->cache);
	/* before any other thread: it blocks its signals in all of them */
	if (hs_lease_start(cfg) < 0)
		hc_warn("cache guard: cannot start; the cache is not protected "
			"against cp over it");
	hs_notify_ready_if_valid(cfg);
	if (hs_statusd_start(cfg) < 0)
		hc_warn("status: cannot start the status thread; no status published");
	while (!hs_stop) {
		one_connection(&d);
		if (hs_hup && !hs_stop) {
			hs_hup = 0;
			reload(&d);
		}
	}
	hs_statusd_stop();
	hs_lease_stop();
	hs_hb_state(HC_HB_STOPPED, "", "");
	hc_info("stopping");
	hs_notify_stopping();
	return 0;
}
