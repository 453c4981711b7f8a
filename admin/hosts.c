/* hcoopctl hosts: every host entry (class hcoopServer) with its role and
 * capacity, the members LDAP assigns to it, and the status it published
 * itself; fullest first, so the admin sees at once where room is short.
 * hcoopctl hosts --members HOST: the members assigned there. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "hcoopctl.h"
#include "ldap_conn.h"
#include "names.h"

#define DEFAULT_STALE_S 180 /* 3 x hcoop-sync's default status interval */

/* libldap takes char *[]: the names live in writable arrays */
static char a_cn[] = "cn", a_role[] = "hcoopRole", a_cap[] = "hcoopCapacity",
	    a_time[] = "hcoopStatusTime", a_load[] = "hcoopLoadAverage",
	    a_cpus[] = "hcoopCPUs", a_mt[] = "hcoopMemTotal",
	    a_ma[] = "hcoopMemAvailable", a_hs[] = "hcoopHomeSize",
	    a_hf[] = "hcoopHomeFree", a_mh[] = "hcoopMembersHere",
	    a_hp[] = "hcoopHomesPresent", a_sk[] = "hcoopSkipped",
	    a_srv[] = "hcoopSyncServer", a_st[] = "hcoopSyncState",
	    a_age[] = "hcoopCacheAge", a_ver[] = "hcoopSyncVersion",
	    a_uid[] = "uid", a_host[] = "hcoopHost";
static char *host_attrs[] = { a_cn, a_role, a_cap, a_time, a_load, a_cpus,
			      a_mt, a_ma, a_hs, a_hf, a_mh, a_hp, a_sk,
			      a_srv, a_st, a_age, a_ver, NULL };
static char *member_attrs[] = { a_uid, a_host, NULL };

/* The first value of attr, or NULL; *buf holds it NUL-terminated. */
static const char *first(LDAP *ld, LDAPMessage *e, const char *attr,
			 char *buf, size_t len)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	const char *r = NULL;

	if (v && v[0] && v[0]->bv_len < len) {
		memcpy(buf, v[0]->bv_val, v[0]->bv_len);
		buf[v[0]->bv_len] = '\0';
		r = buf;
	}
	ldap_value_free_len(v);
	return r;
}

int64_t ctl_gentime(const char *s)
{
	struct tm tm = { 0 };

	if (!s || sscanf(s, "%4d%2d%2d%2d%2d%2d", &tm.tm_year, &tm.tm_mon,
			 &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

/* host entry attribute -> JSON key (and text column) */
static const struct { const char *attr, *key; } int_attrs[] = {
	{ "hcoopCapacity", "capacity" }, { "hcoopCPUs", "cpus" },
	{ "hcoopMemTotal", "mem_total" }, { "hcoopMemAvailable", "mem_available" },
	{ "hcoopHomeSize", "home_size" }, { "hcoopHomeFree", "home_free" },
	{ "hcoopMembersHere", "members_here" },
	{ "hcoopHomesPresent", "homes_present" }, { "hcoopSkipped", "skipped" },
	{ "hcoopCacheAge", "cache_age" },
}, str_attrs[] = {
	{ "hcoopLoadAverage", "load_average" }, { "hcoopSyncServer", "sync_server" },
	{ "hcoopSyncState", "sync_state" }, { "hcoopSyncVersion", "sync_version" },
};

static int add_host(LDAP *ld, LDAPMessage *e, void *ctx)
{
	json_object *hosts = ctx, *h = json_object_new_object();
	char buf[600];
	const char *v;

	ctl_jset_str(h, "name", first(ld, e, "cn", buf, sizeof(buf)));
	v = first(ld, e, "hcoopRole", buf, sizeof(buf));
	ctl_jset_str(h, "role", v ? v : "member");
	for (size_t i = 0; i < sizeof(int_attrs) / sizeof(int_attrs[0]); i++)
		if ((v = first(ld, e, int_attrs[i].attr, buf, sizeof(buf))))
			ctl_jset_int(h, int_attrs[i].key, strtoll(v, NULL, 10));
	for (size_t i = 0; i < sizeof(str_attrs) / sizeof(str_attrs[0]); i++)
		ctl_jset_str(h, str_attrs[i].key,
			     first(ld, e, str_attrs[i].attr, buf, sizeof(buf)));
	ctl_jset_int(h, "status_time", ctl_gentime(first(ld, e, "hcoopStatusTime",
							   buf, sizeof(buf))));
	json_object_array_add(hosts, h);
	return 0;
}

struct tally {
	json_object *hosts;  /* array of host objects */
	json_object *members; /* --members: array of names, or NULL */
	const char *only;    /* --members HOST */
};

static json_object *host_named(json_object *hosts, const char *name)
{
	for (size_t i = 0; i < json_object_array_length(hosts); i++) {
		json_object *h = json_object_array_get_idx(hosts, i);
		const char *n = ctl_jget_str(h, "name");

		if (n && hc_host_equal(n, name))
			return h;
	}
	return NULL;
}

static int count_member(LDAP *ld, LDAPMessage *e, void *ctx)
{
	struct tally *t = ctx;
	char host[300], uid[64];
	json_object *h;

	if (!first(ld, e, "hcoopHost", host, sizeof(host)))
		return 0;
	if (t->members) {
		if (hc_host_equal(host, t->only) && first(ld, e, "uid", uid, sizeof(uid)))
			json_object_array_add(t->members, json_object_new_string(uid));
		return 0;
	}
	h = host_named(t->hosts, host);
	if (!h) { /* assigned to a host with no entry: show it anyway */
		h = json_object_new_object();
		ctl_jset_str(h, "name", host);
		ctl_jset_str(h, "role", "(no host entry)");
		json_object_array_add(t->hosts, h);
	}
	ctl_jset_int(h, "assigned", ctl_jget_int(h, "assigned") + 1);
	return 0;
}

/* Fullest first: by assigned/capacity, hosts without capacity after. */
static double fullness(json_object *h)
{
	int64_t cap = ctl_jget_int(h, "capacity");

	return cap > 0 ? (double)ctl_jget_int(h, "assigned") / (double)cap : -1.0;
}

static int by_fullness(const void *a, const void *b)
{
	json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b;
	double fx = fullness(x), fy = fullness(y);

	if (fx != fy)
		return fx < fy ? 1 : -1;
	return (int)(ctl_jget_int(y, "assigned") - ctl_jget_int(x, "assigned"));
}

static void mark_stale(json_object *hosts, int64_t stale_s)
{
	int64_t now = (int64_t)time(NULL);

	for (size_t i = 0; i < json_object_array_length(hosts); i++) {
		json_object *h = json_object_array_get_idx(hosts, i);
		int64_t t = ctl_jget_int(h, "status_time");

		ctl_jset_bool(h, "stale", t == 0 || now - t > stale_s);
		if (!json_object_object_get_ex(h, "assigned", NULL))
			ctl_jset_int(h, "assigned", 0);
	}
}

static void print_hosts(json_object *hosts)
{
	printf("%-24s %-8s %8s %8s %8s %-15s %9s %9s %s\n", "HOST", "ROLE",
	       "ASSIGNED", "CAPACITY", "REPORTED", "LOAD", "MEM-AVAIL",
	       "HOME-FREE", "STATUS");
	for (size_t i = 0; i < json_object_array_length(hosts); i++) {
		json_object *h = json_object_array_get_idx(hosts, i);
		const char *load = ctl_jget_str(h, "load_average");
		char cap[24] = "-";

		if (ctl_jget_int(h, "capacity") > 0)
			snprintf(cap, sizeof(cap), "%" PRId64, ctl_jget_int(h, "capacity"));
		printf("%-24s %-8s %8" PRId64 " %8s %8" PRId64 " %-15s %8" PRId64
		       "M %8" PRId64 "M %s %s\n",
		       ctl_jget_str(h, "name"), ctl_jget_str(h, "role"),
		       ctl_jget_int(h, "assigned"), cap,
		       ctl_jget_int(h, "members_here"), load ? load : "-",
		       ctl_jget_int(h, "mem_available") >> 20,
		       ctl_jget_int(h, "home_free") >> 20,
		       json_object_get_boolean(json_object_object_get(h, "stale"))
			       ? "STALE" : "ok",
		       ctl_jget_str(h, "sync_version") ? ctl_jget_str(h, "sync_version") : "");
	}
}

static int parse_opts(int argc, char **argv, const char **only, int64_t *stale)
{
	static const struct option opts[] = {
		{ "members", required_argument, NULL, 'm' },
		{ "stale", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'm')
			*only = optarg;
		else if (c == 's')
			*stale = strtoll(optarg, NULL, 10);
		else
			return -1;
	}
	return optind == argc && *stale > 0 ? 0 : -1;
}

int ctl_cmd_hosts(struct ctl *ctl, int argc, char **argv)
{
	struct tally t = { .hosts = json_object_new_array() };
	const char *ubase = ctl->cfg.user_base ? ctl->cfg.user_base : ctl->cfg.base;
	struct hc_ldap *c = NULL;
	int64_t stale = DEFAULT_STALE_S;
	char err[512];
	int r;

	json_object_object_add(ctl->out, "hosts", t.hosts);
	if (parse_opts(argc, argv, &t.only, &stale) < 0) {
		ctl_err("usage: hcoopctl hosts [--members HOST] [--stale SECONDS]");
		return CTL_EXIT_USAGE;
	}
	if (t.only) {
		t.members = json_object_new_array();
		json_object_object_add(ctl->out, "members", t.members);
	}
	if (ctl_connect(ctl, &c) < 0)
		return CTL_EXIT_LDAP;
	r = hc_ldap_search_paged(c, ctl->cfg.base, LDAP_SCOPE_SUBTREE,
				 "(objectClass=hcoopServer)", host_attrs, 0,
				 add_host, t.hosts, err, sizeof(err));
	if (r == 0)
		r = hc_ldap_search_paged(c, ubase, LDAP_SCOPE_SUBTREE,
					 "(&(objectClass=hcoopMember)(hcoopHost=*))",
					 member_attrs, 0, count_member, &t, err,
					 sizeof(err));
	hc_ldap_close(c);
	if (r != 0) {
		ctl_err("%s", err);
		return CTL_EXIT_LDAP;
	}
	if (t.members) {
		if (ctl->json)
			ctl_print_json(ctl);
		else
			for (size_t i = 0; i < json_object_array_length(t.members); i++)
				puts(json_object_get_string(json_object_array_get_idx(t.members, i)));
		return CTL_EXIT_OK;
	}
	mark_stale(t.hosts, stale);
	json_object_array_sort(t.hosts, by_fullness);
	if (ctl->json)
		ctl_print_json(ctl);
	else
		print_hosts(t.hosts);
	return CTL_EXIT_OK;
}

/* For the write commands (member add --host auto, failover): the same facts
 * as `hcoopctl hosts`, over the caller's connection. */
int ctl_hosts_load(struct ctl *ctl, struct hc_ldap *c, json_object *hosts,
		   int64_t stale_s, char *err, size_t errlen)
{
	struct tally t = { .hosts = hosts };
	const char *ubase = ctl->cfg.user_base ? ctl->cfg.user_base : ctl->cfg.base;
	int r;

	r = hc_ldap_search_paged(c, ctl->cfg.base, LDAP_SCOPE_SUBTREE,
				 "(objectClass=hcoopServer)", host_attrs, 0,
				 add_host, hosts, err, errlen);
	if (r == 0)
		r = hc_ldap_search_paged(c, ubase, LDAP_SCOPE_SUBTREE,
					 "(&(objectClass=hcoopMember)(hcoopHost=*))",
					 member_attrs, 0, count_member, &t, err,
					 errlen);
	if (r == 0)
		mark_stale(hosts, stale_s);
	return r;
}
