/* What an LDAP entry may be on this host. A name or an id that the local
 * files define belongs to the host: an LDAP "root", a twin of a local
 * user, a group "sudo" or one with the gid of "staff" would otherwise take
 * it over through NSS (su, sudo's %group, file ownership). Ids below
 * min_uid are reserved for the system, and 0 is never ours whatever
 * min_uid says. The local files are those of the moment of the write
 * (local.c), so a system account created since the last sync wins now. */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "names.h"
#include "sync.h"

#define HS_SHELL_FALLBACK "/usr/sbin/nologin"

static uint32_t id_floor(const struct hc_config *cfg)
{
	return cfg->min_uid > 1 ? cfg->min_uid : 1;
}

static bool reserved(const struct hc_config *cfg, const char *attr,
		     uint32_t id, char *why, size_t len)
{
	if (id >= id_floor(cfg))
		return false;
	if (id == 0)
		snprintf(why, len, "%s 0 is reserved (root's; never taken "
				   "from LDAP)", attr);
	else
		snprintf(why, len, "%s %u is below min_uid %u", attr,
			 (unsigned)id, (unsigned)id_floor(cfg));
	return true;
}

static bool local_name(const struct hc_local_db *d, const char *kind,
		       const char *idword, const char *name, char *why,
		       size_t len)
{
	const struct hc_local_ent *l = hc_local_byname(d, name);

	if (!l)
		return false;
	if (l->has_id)
		snprintf(why, len, "name \"%s\" is a local %s (%s %u in %s)",
			 name, kind, idword, (unsigned)l->id, d->path);
	else
		snprintf(why, len, "name \"%s\" is a local %s (in %s)", name,
			 kind, d->path);
	return true;
}

static bool local_id(const struct hc_local_db *d, const char *attr,
		     const char *kind, uint32_t id, char *why, size_t len)
{
	const struct hc_local_ent *l = hc_local_byid(d, id);

	if (!l)
		return false;
	snprintf(why, len, "%s %u belongs to local %s \"%s\" (in %s)",
		 attr, (unsigned)id, kind, l->name, d->path);
	return true;
}

bool hs_policy_refuse(const struct hc_config *cfg, const struct hc_local *l,
		      const struct hs_entry *e, char *why, size_t len)
{
	if (e->kind == HS_USER)
		return local_name(&l->users, "user", "uid", e->name, why, len) ||
		       reserved(cfg, "uidNumber", e->id, why, len) ||
		       local_id(&l->users, "uidNumber", "user", e->id, why,
				len) ||
		       reserved(cfg, "primary gidNumber", e->gid, why, len) ||
		       local_id(&l->groups, "primary gidNumber", "group",
				e->gid, why, len);
	return local_name(&l->groups, "group", "gid", e->name, why, len) ||
	       reserved(cfg, "gidNumber", e->id, why, len) ||
	       local_id(&l->groups, "gidNumber", "group", e->id, why, len);
}

const char *hs_policy_shell(const struct hc_config *cfg,
			    const struct hc_local *l, const struct hs_entry *e)
{
	const char *fb = cfg->shell_fallback ? cfg->shell_fallback
					     : HS_SHELL_FALLBACK;
	char why[HS_MAX_SHELL + 128];

	/* no loginShell: passwd(5)'s empty field, the system's /bin/sh */
	if (!e->shell || !e->shell[0])
		return "";
	if (strlen(e->shell) <= HS_MAX_SHELL && hc_valid_field(e->shell) &&
	    hc_local_shell_ok(l, e->shell))
		return e->shell;
	snprintf(why, sizeof(why),
		 "loginShell \"%.*s\" is not listed in %s; serving %s",
		 HS_MAX_SHELL, hc_valid_field(e->shell) ? e->shell : "(bad)",
		 HC_SHELLS_FILE, fb);
	hs_report("user", e->dn, why);
	return fb;
}
