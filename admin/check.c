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

#include "hcoopctl.h"
#include "hoststat.h"

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

	if (state > v->state || (v->state == MP_UNKNOWN && state != MP_OK))
		v->state = state == MP_UNKNOWN && v->state > MP_OK ? v->state : state;
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
};

static void check_cache(const struct hc_hoststat *st, const struct limits *l,
			struct verdict *v)
{
	if (!st->cache_valid) {
		finding(v, MP_CRITICAL, "cache unusable");
		return;
	}
	if (st->cache_age >= l->age_crit)
		finding(v, MP_CRITICAL, "cache %" PRId64 " s old", st->cache_age);
	else if (st->cache_age >= l->age_warn)
		finding(v, MP_WARNING, "cache %" PRId64 " s old", st->cache_age);
	snprintf(v->perf + strlen(v->perf), sizeof(v->perf) - strlen(v->perf),
		 "cache_age=%" PRId64 "s;%" PRId64 ";%" PRId64 " users=%" PRIu32
		 " members_here=%" PRIu32 " ", st->cache_age, l->age_warn,
		 l->age_crit, st->users, st->members_here);
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
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "w:c:", opts, NULL)) != -1) {
		double x = strtod(optarg, &end);

		if (*end || x < 0)
			return -1;
		switch (c) {
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
	struct limits l = { 3600, 86400, 10, 5 };
	struct verdict v = { MP_OK, "", "" };
	struct hc_hoststat st;

	if (parse_limits(argc, argv, &l) < 0) {
		printf("HCOOP UNKNOWN - usage: hcoopctl check [-w AGE] [-c AGE] "
		       "[--disk-warn PCT] [--disk-crit PCT]\n");
		return MP_UNKNOWN;
	}
	hc_hoststat_gather(&ctl->cfg, &st);
	check_cache(&st, &l, &v);
	check_disk(&st, &l, &v);
	if (!v.text[0])
		snprintf(v.text, sizeof(v.text), "%" PRIu32 " users, %" PRIu32
			 " members here, cache %" PRId64 " s old", st.users,
			 st.members_here, st.cache_age);
	printf("HCOOP %s - %s | %s\n", mp_name[v.state], v.text, v.perf);
	return v.state;
}
