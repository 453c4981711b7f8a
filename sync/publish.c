/* Publishing this host's status into its own LDAP entry (the host's
 * service account, cfg->binddn; class hcoopServer): one short connection
 * and one modify replacing the status attributes. The ACL lets a host
 * write exactly these attributes of its own entry (access.ldif). Host
 * entries lie outside user_base/group_base, so the write causes no persist
 * traffic on any host. Failures are returned, never fatal: the caller logs
 * once per outage. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hoststat.h"
#include "ldap_conn.h"
#include "sync.h"

#define N_STATUS_ATTRS 16

struct mods {
	LDAPMod mod[N_STATUS_ATTRS];
	LDAPMod *ptr[N_STATUS_ATTRS + 1];
	char *vals[N_STATUS_ATTRS][2];
	char text[N_STATUS_ATTRS][600];
	size_t n;
};

static void put(struct mods *m, const char *attr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void put(struct mods *m, const char *attr, const char *fmt, ...)
{
	va_list ap;
	size_t i = m->n;

	if (i >= N_STATUS_ATTRS)
		return;
	va_start(ap, fmt);
	vsnprintf(m->text[i], sizeof(m->text[i]), fmt, ap);
	va_end(ap);
	m->vals[i][0] = m->text[i];
	m->vals[i][1] = NULL;
	m->mod[i].mod_op = LDAP_MOD_REPLACE;
	m->mod[i].mod_type = (char *)(uintptr_t)attr;
	m->mod[i].mod_values = m->vals[i];
	m->ptr[i] = &m->mod[i];
	m->ptr[++m->n] = NULL;
}

static const char *gentime(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || strftime(buf, len, "%Y%m%d%H%M%SZ", &tm) == 0)
		snprintf(buf, len, "19700101000000Z");
	return buf;
}

static void build(struct mods *m, const struct hc_hoststat *st,
		  const struct hs_sync_facts *sy)
{
	char t[32];

	memset(m, 0, sizeof(*m));
	put(m, "hcoopStatusTime", "%s", gentime(st->now, t, sizeof(t)));
	put(m, "hcoopLoadAverage", "%.2f %.2f %.2f", st->load[0], st->load[1],
	    st->load[2]);
	put(m, "hcoopCPUs", "%" PRIu32, st->cpus);
	put(m, "hcoopMemTotal", "%" PRIu64, st->mem_total);
	put(m, "hcoopMemAvailable", "%" PRIu64, st->mem_available);
	put(m, "hcoopHomeSize", "%" PRIu64, st->home_size);
	put(m, "hcoopHomeFree", "%" PRIu64, st->home_free);
	put(m, "hcoopMembersHere", "%" PRIu32, st->members_here);
	put(m, "hcoopHomesPresent", "%" PRIu32, st->homes_present);
	put(m, "hcoopSkipped", "%" PRIu32, sy->skipped);
	put(m, "hcoopCacheGeneration", "%" PRIu64, st->generation);
	put(m, "hcoopCacheAge", "%" PRId64, st->cache_age < 0 ? 0 : st->cache_age);
	put(m, "hcoopSyncVersion", "%s", sy->version);
	put(m, "hcoopSyncState", "%s", sy->state);
	if (sy->server && sy->server[0]) {
		put(m, "hcoopSyncServer", "%s", sy->server);
		put(m, "hcoopSyncSince", "%s", gentime(sy->since, t, sizeof(t)));
	}
}

int hs_publish_status(const struct hc_config *cfg,
		      const struct hs_sync_facts *sy, char *err, size_t errlen)
{
	struct hc_hoststat st;
	struct hc_ldap *c = NULL;
	struct mods m;
	int r;

	if (!cfg->binddn) {
		snprintf(err, errlen, "no binddn: the host's own entry is unknown");
		return -EINVAL;
	}
	hc_hoststat_gather(cfg, &st); /* a broken cache still has a status */
	build(&m, &st, sy);
	r = hc_ldap_connect(cfg, HC_BIND_CONFIG, NULL, NULL, &c, err, errlen);
	if (r == 0)
		r = hc_ldap_modify(c, cfg->binddn, m.ptr, NULL, err, errlen);
	hc_ldap_close(c);
	return r;
}
