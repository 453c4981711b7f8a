/* explain --ldap: compare this host's cached record with the live entry,
 * so an admin sees a stale cache (a change the sync has not applied yet)
 * or an entry the sync left out. The filter value is escaped (RFC 4515)
 * by the one escape function; the user name was not validated by anyone
 * before us. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "escape.h"
#include "hcoopctl.h"
#include "ldap_conn.h"
#include "names.h"

static char a_uid[] = "uid", a_uidn[] = "uidNumber", a_gidn[] = "gidNumber",
	    a_home[] = "homeDirectory", a_shell[] = "loginShell",
	    a_host[] = "hcoopHost", a_lock[] = "pwdAccountLockedTime";
static char *attrs[] = { a_uid, a_uidn, a_gidn, a_home, a_shell, a_host,
			 a_lock, NULL };

struct live {
	json_object *entry; /* attribute -> first value */
	int n;
};

static int take(LDAP *ld, LDAPMessage *e, void *ctx)
{
	struct live *l = ctx;
	char *dn = ldap_get_dn(ld, e);

	l->n++;
	ctl_jset_str(l->entry, "dn", dn);
	ldap_memfree(dn);
	for (char **a = attrs; *a; a++) {
		struct berval **v = ldap_get_values_len(ld, e, *a);

		if (v && v[0])
			json_object_object_add(l->entry, *a,
					       json_object_new_string_len(v[0]->bv_val,
									  (int)v[0]->bv_len));
		ldap_value_free_len(v);
	}
	return 0;
}

/* One "ATTR: cache X, LDAP Y" per difference into diffs. */
static void compare(json_object *entry, const struct hc_user *u,
		    json_object *diffs)
{
	char num[32], line[1200];
	const char *v;
	struct {
		const char *attr, *cached;
		bool host;
	} f[] = {
		{ "uidNumber", NULL, false }, { "gidNumber", NULL, false },
		{ "homeDirectory", u->dir, false }, { "loginShell", u->shell, false },
		{ "hcoopHost", u->host, true },
	};
	char uidn[16], gidn[16];

	snprintf(uidn, sizeof(uidn), "%" PRIu32, u->uid);
	snprintf(gidn, sizeof(gidn), "%" PRIu32, u->gid);
	f[0].cached = uidn;
	f[1].cached = gidn;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		v = ctl_jget_str(entry, f[i].attr);
		if (!v)
			v = "";
		if (f[i].host ? (v[0] || f[i].cached[0]) && !hc_host_equal(v, f[i].cached)
			      : strcmp(v, f[i].cached) != 0) {
			snprintf(line, sizeof(line), "%s: cache '%s', LDAP '%s'",
				 f[i].attr, f[i].cached, v);
			json_object_array_add(diffs, json_object_new_string(line));
		}
	}
	v = ctl_jget_str(entry, "pwdAccountLockedTime");
	if ((v != NULL) != ((u->flags & HC_USER_LOCKED) != 0)) {
		snprintf(num, sizeof(num), "%s", v ? "locked" : "not locked");
		snprintf(line, sizeof(line), "lock: cache '%s', LDAP '%s'",
			 u->flags & HC_USER_LOCKED ? "locked" : "not locked", num);
		json_object_array_add(diffs, json_object_new_string(line));
	}
}

int ctl_explain_ldap(struct ctl *ctl, const char *user,
		     const struct hc_user *cached);

int ctl_explain_ldap(struct ctl *ctl, const char *user,
		     const struct hc_user *cached)
{
	const char *ubase = ctl->cfg.user_base ? ctl->cfg.user_base : ctl->cfg.base;
	struct live l = { json_object_new_object(), 0 };
	char esc[HC_ESCAPED_SIZE(256)], filter[sizeof(esc) + 64], err[512];
	json_object *diffs = json_object_new_array();
	struct hc_ldap *c = NULL;
	int r;

	json_object_object_add(ctl->out, "ldap", l.entry);
	json_object_object_add(ctl->out, "ldap_differs", diffs);
	if (strlen(user) > 256 || hc_ldap_escape_filter(user, esc, sizeof(esc)) < 0) {
		ctl_err("user name too long");
		return -EINVAL;
	}
	snprintf(filter, sizeof(filter), "(&(objectClass=posixAccount)(uid=%s))", esc);
	if (ctl_connect(ctl, &c) < 0)
		return -EHOSTUNREACH;
	r = hc_ldap_search_paged(c, ubase, LDAP_SCOPE_SUBTREE, filter, attrs, 0,
				 take, &l, err, sizeof(err));
	hc_ldap_close(c);
	if (r != 0) {
		ctl_err("%s", err);
		return r < 0 ? r : -EIO;
	}
	if (l.n == 0)
		json_object_array_add(diffs, json_object_new_string(
			cached ? "in the cache but not in LDAP (deleted; the cache is stale)"
			       : "not in LDAP"));
	else if (!cached)
		json_object_array_add(diffs, json_object_new_string(
			"in LDAP but not in this host's cache"));
	else
		compare(l.entry, cached, diffs);
	return 0;
}
