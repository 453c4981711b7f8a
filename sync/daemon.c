/* The daemon: connect (hc_ldap_connect tries the uris in order), follow
 * changes with refreshAndPersist, reconnect with exponential back-off
 * (1 s doubling to 60 s) when the server goes away, and fall back to a
 * full refresh every refresh_interval when the server has no sync
 * provider. SIGTERM/SIGINT stop it; SIGHUP forces a full refresh (a new
 * connection starts with one). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "ldap_conn.h"
#include "log.h"
#include "notify.h"
#include "sync.h"
#include "version.h"

#define BACKOFF_MIN 1
#define BACKOFF_MAX 60

volatile sig_atomic_t hs_stop, hs_hup;

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
}

/* Sleep up to secs, cut short by a stop or SIGHUP. */
static void nap(unsigned secs)
{
	struct timespec ts = { 0, 100 * 1000000L };
	unsigned long i;

	for (i = 0; i < secs * 10UL && !hs_stop && !hs_hup; i++)
		nanosleep(&ts, NULL);
}

/* One full paged refresh and write, for servers without sync. */
static int fallback_refresh(const struct hc_config *cfg, struct hc_ldap *c,
			    bool force)
{
	struct hs_model m;
	char err[512];
	int r;

	hs_model_init(&m);
	r = hs_refresh(cfg, c, &m, err, sizeof(err));

	if (r < 0)
		hc_err("refresh from %s failed: %s", hc_ldap_uri(c), err);
	else
		r = hs_write(cfg, &m, hc_ldap_uri(c),
			     HS_WRITE_CONSUME | (force ? 0 : HS_WRITE_GUARDED));
	hs_model_free(&m);
	return r;
}

/* One connection's life. Returns the seconds to wait before the next. */
static unsigned one_connection(const struct hc_config *cfg, bool *force,
			       unsigned *backoff, bool *no_sync)
{
	struct hc_ldap *c = NULL;
	char err[512];
	int r = hc_ldap_connect(cfg, HC_BIND_CONFIG, NULL, NULL, &c, err,
				sizeof(err));
	unsigned wait;

	if (r < 0) {
		hc_err("cannot connect: %s (retrying in %u s)", err, *backoff);
		wait = *backoff;
		*backoff = *backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : *backoff * 2;
		return wait;
	}
	hc_info("connected to %s", hc_ldap_uri(c));
	if (!*no_sync) {
		r = hs_persist(cfg, c, *force);
		if (r == -EOPNOTSUPP) {
			hc_warn("falling back to a full refresh every %u s",
				cfg->refresh_interval);
			*no_sync = true;
		} else {
			*force = false; /* --force covers the first refresh */
		}
	}
	if (*no_sync)
		r = fallback_refresh(cfg, c, *force);
	hc_ldap_close(c);
	if (r == 0 && *no_sync) {
		*force = false;
		*backoff = BACKOFF_MIN;
		return cfg->refresh_interval;
	}
	if (r == 0) /* stop or SIGHUP */
		return 0;
	if (r == -EPERM) /* the guard refused: wait for a fix or SIGHUP */
		return cfg->refresh_interval;
	/* the connection was good: start the back-off again */
	*backoff = BACKOFF_MIN;
	wait = *backoff;
	*backoff *= 2;
	return wait;
}

int hs_daemon(const struct hc_config *cfg, bool force)
{
	unsigned backoff = BACKOFF_MIN, wait;
	bool no_sync = false;

	install_signals();
	hc_info("hcoop-sync %s starting; cache %s", HC_VERSION, cfg->cache);
	hs_notify_ready_if_valid(cfg);
	while (!hs_stop) {
		hs_hup = 0;
		wait = one_connection(cfg, &force, &backoff, &no_sync);
		if (hs_hup) {
			hc_info("SIGHUP: full refresh");
			no_sync = false; /* and look for a sync provider again */
		}
		if (!hs_stop && wait)
			nap(wait);
	}
	hc_info("stopping");
	hs_notify_stopping();
	return 0;
}
