/* hcoopctl check: a monitoring plugin following the Monitoring Plugins
 * guidelines: one line "HCOOP OK|WARNING|CRITICAL|UNKNOWN - text | perfdata"
 * and exit 0/1/2/3, for Icinga, Nagios, Naemon (installed also as
 * /usr/lib/nagios/plugins/check_hcoop). The worst finding decides. */
#include <getopt.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>

#include "hcoopctl.h"
#include "heartbeat.h"
#include "hoststat.h"
#include "ldap_conn.h"

enum { MP_OK, MP_WARNING, MP_CRITICAL, MP_UNKNOWN };
static const char *const mp_name[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

struct verdict {
	int state;
	char text[1024];
	char perf[1024];
};

static void finding(struct verdict *v, int state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void finding(struct verdict *v, int state, const char *fmt, ...)
{
	size_t n = strlen(v->text);
	va_list ap;

	/* the worst finding wins: CRITICAL > WARNING > UNKNOWN > OK */
	static const int rank[] = { [MP_OK] = 0, [MP_UNKNOWN] = 1,
				    [MP_WARNING] = 2, [MP_CRITICAL] = 3 };

	if (rank[state] > rank[v->state])
		v->state = state;
	if (n + 3 >= sizeof(v->text))
		return;
	if (n)
		strcat(v->text, "; ");
	va_start(ap, fmt);
	vsnprintf(v->text + strlen(v->text), sizeof(v->text) - strlen(v->text),
		  fmt, ap);
	va_end(ap);
}

struct limits {
	int64_t age_warn, age_crit; /* seconds */
	double disk_warn, disk_crit; /* percent free */
	int64_t daemon_stale;       /* heartbeat older than this: down */
	bool replication;
	int64_t repl_lag;           /* contextCSN times further apart: warn */
};

/* How old the data is: since the server last answered the daemon, or
 * since the cache's last refresh, whichever is later. A connected daemon
 * with no changes to follow keeps this small; an outage makes it grow. */
static int64_t data_age(const struct hc_hoststat *st, const struct hc_heartbeat *hb)
{
	int64_t seen = st->now - st->cache_age;

	if (hb && hb->last_contact > seen)
		seen = hb->last_contact;
	return st->now - seen;
}

/* The daemon, from its heartbeat: running, connected, guard refusals. */
static void check_daemon(const struct ctl *ctl, const struct limits *l,
			 const struct hc_heartbeat *hb, int hbr,
			 struct verdict *v)
{
	int64_t now = (int64_t)time(NULL);

	if (hbr == -ENOENT) {
		finding(v, MP_WARNING, "no hcoop-sync heartbeat at %s (daemon never ran?)",
			ctl->cfg.heartbeat ? ctl->cfg.heartbeat : HC_HEARTBEAT_DEFAULT_PATH);
		return;
	}
	if (hbr < 0) {
		finding(v, MP_UNKNOWN, "heartbeat unreadable");
		return;
	}
	if (hb->state == HC_HB_STOPPED || now - hb->updated > l->daemon_stale) {
		finding(v, MP_CRITICAL, "hcoop-sync daemon down (heartbeat %" PRId64
			" s old, state %s)", now - hb->updated, hc_hb_state_name(hb->state));
		return;
	}
	if (hb->state == HC_HB_BACKOFF && strstr(hb->last_error, "guard"))
		finding(v, MP_WARNING, "removal guard refused a refresh: check LDAP, "
			"then hcoop-sync --once --force");
	else if (hb->state != HC_HB_CONNECTED)
		finding(v, MP_WARNING, "daemon %s since %" PRId64 " s (%s)",
			hc_hb_state_name(hb->state), now - hb->since, hb->last_error);
}

static void check_cache(const struct hc_hoststat *st,
			const struct hc_heartbeat *hb, const struct limits *l,
			struct verdict *v)
{
	int64_t age;

	if (!st->cache_valid) {
		finding(v, MP_CRITICAL, "cache unusable");
		return;
	}
	age = data_age(st, hb);
	if (age >= l->age_crit)
		finding(v, MP_CRITICAL, "cache %" PRId64 " s old", age);
	else if (age >= l->age_warn)
		finding(v, MP_WARNING, "cache %" PRId64 " s old", age);
	snprintf(v->perf + strlen(v->perf), sizeof(v->perf) - strlen(v->perf),
		 "cache_age=%" PRId64 "s;%" PRId64 ";%" PRId64 " users=%" PRIu32
		 " members_here=%" PRIu32 " ", age, l->age_warn, l->age_crit,
		 st->users, st->members_here);
}

static int newest_csn(LDAP *ld, LDAPMessage *e, void *ctx)
{
	struct berval **vals = ldap_get_values_len(ld, e, "contextCSN");
	int64_t *t = ctx;

	for (size_t i = 0; vals && vals[i]; i++) {
		char buf[64];
		size_t n = vals[i]->bv_len < sizeof(buf) - 1 ? vals[i]->bv_len
							    : sizeof(buf) - 1;
		int64_t x;

		memcpy(buf, vals[i]->bv_val, n);
		buf[n] = '\0';
		x = ctl_gentime(buf); /* a CSN starts with one */
		if (x > *t)
			*t = x;
	}
	ldap_value_free_len(vals);
	return 0;
}

/* --replication: each provider's newest contextCSN of the base; a
 * provider further behind than repl_lag has missed writes (OpenLDAP
 * mirror mode can silently lose a write made right after a restart). */
static void check_replication(struct ctl *ctl, const struct limits *l,
			      struct verdict *v)
{
	static char a_csn[] = "contextCSN";
	static char *attrs[] = { a_csn, NULL };
	int64_t t[HC_MAX_URIS] = { 0 }, lo = INT64_MAX, hi = 0;
	char err[512];
	size_t n = ctl->cfg.n_uri;

	for (size_t i = 0; i < n; i++) {
		struct hc_ldap *c = NULL;
		enum hc_bind how = ctl->sasl_external ? HC_BIND_SASL_EXTERNAL : HC_BIND_CONFIG;
		int r = hc_ldap_connect_from(&ctl->cfg, how, NULL, NULL, i, &c,
					     err, sizeof(err));

		if (r == 0 && hc_ldap_uri_index(c) == i)
			r = hc_ldap_search_paged(c, ctl->cfg.base, LDAP_SCOPE_BASE,
						 "(objectClass=*)", attrs, 0,
						 newest_csn, &t[i], err, sizeof(err));
		else if (r == 0)
			r = -EHOSTUNREACH;
		hc_ldap_close(c);
		if (r != 0 || t[i] == 0) {
			finding(v, MP_WARNING, "replication: %s gave no contextCSN",
				ctl->cfg.uri[i]);
			return;
		}
		lo = t[i] < lo ? t[i] : lo;
		hi = t[i] > hi ? t[i] : hi;
	}
	if (n > 1 && hi - lo > l->repl_lag)
		finding(v, MP_WARNING, "replication: providers' contextCSN %" PRId64
			" s apart (providers disagree)", hi - lo);
	snprintf(v->perf + strlen(v->perf), sizeof(v->perf) - strlen(v->perf),
		 "replication_lag=%" PRId64 "s;%" PRId64 " ", n > 1 ? hi - lo : 0,
		 l->repl_lag);
}

static void check_disk(const struct hc_hoststat *st, const struct limits *l,
		       struct verdict *v)
{
	double pct;

	if (st->home_size == 0) {
		finding(v, MP_UNKNOWN, "home base not measurable");
		return;
	}
	pct = 100.0 * (double)st->home_free / (double)st->home_size;
	if (pct <= l->disk_crit)
		finding(v, MP_CRITICAL, "home base %.1f%% free", pct);
	else if (pct <= l->disk_warn)
		finding(v, MP_WARNING, "home base %.1f%% free", pct);
	snprintf(v->perf + strlen(v->perf), sizeof(v->perf) - strlen(v->perf),
		 "home_free=%.1f%%;%.0f;%.0f ", pct, l->disk_warn, l->disk_crit);
}

static int parse_limits(int argc, char **argv, struct limits *l)
{
	static const struct option opts[] = {
		{ "disk-warn", required_argument, NULL, 'd' },
		{ "disk-crit", required_argument, NULL, 'D' },
		{ "daemon-stale", required_argument, NULL, 's' },
		{ "replication", no_argument, NULL, 'r' },
		{ "replication-lag", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "w:c:", opts, NULL)) != -1) {
		double x = 0;

		if (c == 'r') {
			l->replication = true;
			continue;
		}
		if (c == '?' || !optarg)
			return -1;
		x = strtod(optarg, &end);
		if (*end || x < 0)
			return -1;
		switch (c) {
		case 's': l->daemon_stale = (int64_t)x; break;
		case 'l': l->repl_lag = (int64_t)x; break;
		case 'w': l->age_warn = (int64_t)x; break;
		case 'c': l->age_crit = (int64_t)x; break;
		case 'd': l->disk_warn = x; break;
		case 'D': l->disk_crit = x; break;
		default: return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

int ctl_cmd_check(struct ctl *ctl, int argc, char **argv)
{
	struct limits l = { 3600, 86400, 10, 5, 30, false, 60 };
	struct verdict v = { MP_OK, "", "" };
	struct hc_hoststat st;
	struct hc_heartbeat hb;
	char err[512];
	int hbr;

	if (parse_limits(argc, argv, &l) < 0) {
		printf("HCOOP UNKNOWN - usage: hcoopctl check [-w AGE] [-c AGE] "
		       "[--disk-warn PCT] [--disk-crit PCT] [--daemon-stale S] "
		       "[--replication [--replication-lag S]]\n");
		return MP_UNKNOWN;
	}
	hc_hoststat_gather(&ctl->cfg, &st);
	hbr = hc_heartbeat_read(ctl->cfg.heartbeat ? ctl->cfg.heartbeat
						   : HC_HEARTBEAT_DEFAULT_PATH,
				&hb, err, sizeof(err));
	check_cache(&st, hbr == 0 ? &hb : NULL, &l, &v);
	check_daemon(ctl, &l, &hb, hbr, &v);
	check_disk(&st, &l, &v);
	if (l.replication)
		check_replication(ctl, &l, &v);
	if (!v.text[0])
		snprintf(v.text, sizeof(v.text), "%" PRIu32 " users, %" PRIu32
			 " members here, daemon connected to %s", st.users,
			 st.members_here, hb.server);
	printf("HCOOP %s - %s | %s\n", mp_name[v.state], v.text, v.perf);
	return v.state;
}
