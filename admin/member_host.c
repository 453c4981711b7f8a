/* Host entries for the write commands: a host's role, changing it, and
 * `member add --host auto`: the member-role host with the most headroom,
 * from what the hosts publish themselves (hcoopctl hosts). Headroom is the
 * scarcer of the two: the free fraction of member places (capacity minus
 * members assigned in LDAP; a host without capacity has no member limit)
 * and the free fraction of its home filesystem. A host whose status is
 * STALE is never chosen: it may be dead, or full since it last spoke. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "ldap_conn.h"
#include "ldapw.h"
#include "names.h"

static int host_filter(const char *host, char *buf, size_t len)
{
	char esc[HC_ESCAPED_SIZE(256)];

	if (strlen(host) > 255 || hc_ldap_escape_filter(host, esc, sizeof(esc)) < 0)
		return -1;
	snprintf(buf, len, "(&(objectClass=hcoopServer)(cn=%s))", esc);
	return 0;
}

static int host_entry(struct ctl *ctl, struct hc_ldap *c, const char *host,
		      char *role, size_t len, char *dn, size_t dnlen)
{
	char filter[1024];
	int r;

	if (host_filter(host, filter, sizeof(filter)) < 0) {
		ctl_err("'%s' is not a host name", host);
		return -1;
	}
	r = ctl_find_one(ctl, c, ctl->cfg.base, filter, "hcoopRole", role, len,
			 dn, dnlen);
	if (r > 0 && !role[0])
		snprintf(role, len, "member"); /* hcoopctl hosts' default too */
	return r;
}

int ctl_host_role(struct ctl *ctl, struct hc_ldap *c, const char *host,
		  char *role, size_t len)
{
	char dn[512];

	return host_entry(ctl, c, host, role, len, dn, sizeof(dn));
}

int ctl_host_set_role(struct ctl *ctl, struct hc_ldap *c, const char *host,
		      const char *role)
{
	struct ctl_mods m = { .n = 0 };
	char dn[512], now[32];
	struct ctl_change ch = { .op = CTL_OP_MODIFY, .dn = dn, .mods = &m };
	int r, rc;

	r = host_entry(ctl, c, host, now, sizeof(now), dn, sizeof(dn));
	if (r <= 0) {
		if (r == 0)
			ctl_err("no host entry for %s", host);
		return LDAP_NO_SUCH_OBJECT;
	}
	if (strcasecmp(now, role) == 0) {
		printf("%s: role already %s\n", host, role);
		return LDAP_SUCCESS;
	}
	ctl_mod(&m, LDAP_MOD_REPLACE, "hcoopRole", role);
	rc = ctl_change_apply(ctl, c, &ch);
	if (rc != LDAP_SUCCESS)
		ctl_change_err(&ch, rc);
	else if (!ctl->dry_run)
		printf("%s: role %s -> %s\n", host, now, role);
	return rc;
}

static double headroom(json_object *h)
{
	int64_t cap = ctl_jget_int(h, "capacity");
	int64_t size = ctl_jget_int(h, "home_size"), free = ctl_jget_int(h, "home_free");
	double places = 1.0, disk;

	if (cap > 0)
		places = (double)(cap - ctl_jget_int(h, "assigned")) / (double)cap;
	disk = size > 0 ? (double)free / (double)size : 0.0;
	return places < disk ? places : disk;
}

int ctl_host_pick(struct ctl *ctl, struct hc_ldap *c, char *out, size_t len)
{
	json_object *hosts = json_object_new_array(), *best = NULL;
	/* 3 status intervals, as `hosts` flags it; never under 10 s: a busy
	 * host's status write may lag a second interval behind */
	int64_t stale = 3 * (int64_t)(ctl->cfg.status_interval ? ctl->cfg.status_interval : 60);
	double best_room = 0.0;
	char err[512];

	if (stale < 10)
		stale = 10;
	if (ctl_hosts_load(ctl, c, hosts, stale, err, sizeof(err)) < 0) {
		ctl_err("%s", err);
		json_object_put(hosts);
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(hosts); i++) {
		json_object *h = json_object_array_get_idx(hosts, i);
		const char *role = ctl_jget_str(h, "role");
		double room = headroom(h);

		if (!role || strcmp(role, "member") != 0)
			continue;
		if (json_object_get_boolean(json_object_object_get(h, "stale"))) {
			fprintf(stderr, "hcoopctl: --host auto: skipping %s: status STALE\n",
				ctl_jget_str(h, "name"));
			continue;
		}
		if (room > best_room) {
			best_room = room;
			best = h;
		}
	}
	if (best) {
		snprintf(out, len, "%s", ctl_jget_str(best, "name"));
		printf("--host auto: %s (%" PRId64 " of %" PRId64 " places taken, "
		       "%.0f%% headroom)\n", out, ctl_jget_int(best, "assigned"),
		       ctl_jget_int(best, "capacity"), best_room * 100.0);
	} else {
		ctl_err("--host auto: no member host with room and a fresh status "
			"(see hcoopctl hosts)");
	}
	json_object_put(hosts);
	return best ? 0 : -1;
}
