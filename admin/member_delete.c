/* hcoopctl member delete NAME [--dry-run]: the member's name leaves every
 * group (memberUid values, and member DNs of groupOfNames such as
 * ldapadmins), then their private group, then their entry. In that order,
 * so that a delete killed half-way is finished by running it again (the
 * entry is what finds the rest). The uid is never handed out again (the
 * counter only goes up) and the homes stay on the hosts for `hcoopctl
 * homes audit`. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "ldap_conn.h"
#include "ldapw.h"
#include "names.h"

struct refs {
	struct ctl *ctl;
	struct hc_ldap *c;
	const char *name, *dn, *private_dn;
	int failed, done;
};

/* One group referring to the member: drop the reference (or, for their
 * private group, nothing yet: it goes as a whole below). */
static int drop_ref(LDAP *ld, LDAPMessage *e, void *p)
{
	struct refs *r = p;
	char *gdn = ldap_get_dn(ld, e);
	struct ctl_mods m = { .n = 0 };
	struct ctl_change ch = { .op = CTL_OP_MODIFY, .dn = gdn, .mods = &m };
	struct berval **uids = ldap_get_values_len(ld, e, "memberUid");
	struct berval **dns = ldap_get_values_len(ld, e, "member");
	int rc;

	if (!gdn || strcasecmp(gdn, r->private_dn) == 0)
		goto out;
	for (size_t i = 0; uids && uids[i]; i++)
		if (uids[i]->bv_len == strlen(r->name) &&
		    memcmp(uids[i]->bv_val, r->name, uids[i]->bv_len) == 0)
			ctl_mod(&m, LDAP_MOD_DELETE, "memberUid", r->name);
	for (size_t i = 0; dns && dns[i]; i++)
		if (dns[i]->bv_len == strlen(r->dn) &&
		    strncasecmp(dns[i]->bv_val, r->dn, dns[i]->bv_len) == 0)
			ctl_mod(&m, LDAP_MOD_DELETE, "member", r->dn);
	if (!m.n)
		goto out;
	rc = ctl_change_apply(r->ctl, r->c, &ch);
	if (rc == LDAP_SUCCESS) {
		r->done++;
	} else {
		ctl_change_err(&ch, rc);
		if (rc == LDAP_OBJECT_CLASS_VIOLATION)
			ctl_err("(%s would have no member left: give it another "
				"member first)", gdn);
		r->failed++;
	}
out:
	ldap_value_free_len(uids);
	ldap_value_free_len(dns);
	ldap_memfree(gdn);
	return 0;
}

static int drop_refs(struct refs *r)
{
	static char a_mu[] = "memberUid", a_m[] = "member";
	char *attrs[] = { a_mu, a_m, NULL };
	char esc[HC_ESCAPED_SIZE(HC_NAME_MAX)], edn[HC_ESCAPED_SIZE(600)];
	char filter[2048], err[512];
	int rc;

	if (hc_ldap_escape_filter(r->name, esc, sizeof(esc)) < 0 ||
	    hc_ldap_escape_filter(r->dn, edn, sizeof(edn)) < 0)
		return -1;
	snprintf(filter, sizeof(filter), "(|(memberUid=%s)(member=%s))", esc, edn);
	rc = hc_ldap_search_paged(r->c, r->ctl->cfg.base, LDAP_SCOPE_SUBTREE,
				  filter, attrs, 0, drop_ref, r, err, sizeof(err));
	if (rc < 0) {
		ctl_err("%s", err);
		return -1;
	}
	return r->failed ? -1 : 0;
}

/* The private group: same name, gid equal to the member's gidNumber. */
static int drop_private(struct refs *r, const char *gid)
{
	char esc[HC_ESCAPED_SIZE(HC_NAME_MAX)], filter[256], dn[600];
	struct ctl_change ch = { .op = CTL_OP_DELETE, .dn = dn };
	int f, rc;

	hc_ldap_escape_filter(r->name, esc, sizeof(esc));
	snprintf(filter, sizeof(filter), "(&(objectClass=posixGroup)(cn=%s)(gidNumber=%s))",
		 esc, gid);
	f = ctl_find_one(r->ctl, r->c, r->ctl->cfg.base, filter, NULL, NULL, 0, dn,
			 sizeof(dn));
	if (f <= 0)
		return f;
	rc = ctl_change_apply(r->ctl, r->c, &ch);
	if (rc == LDAP_SUCCESS || rc == LDAP_NO_SUCH_OBJECT)
		return 0;
	ctl_change_err(&ch, rc);
	return -1;
}

int ctl_member_delete(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'd' }, { NULL, 0, NULL, 0 },
	};
	struct hc_ldap *c = NULL;
	char dn[600] = "", host[300], gid[24], pdn[600];
	struct ctl_change ch = { .op = CTL_OP_DELETE, .dn = dn };
	struct refs r = { .ctl = ctl, .dn = dn, .private_dn = pdn };
	int f, rc, code = CTL_EXIT_LDAP, o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'd')
			return CTL_EXIT_USAGE;
		ctl->dry_run = true;
	}
	if (optind + 1 != argc) {
		ctl_err("usage: hcoopctl member delete NAME [--dry-run]");
		return CTL_EXIT_USAGE;
	}
	r.name = argv[optind];
	if (ctl_write_connect(ctl, &c) < 0)
		return ctl_require_admin(ctl) ? CTL_EXIT_LDAP : CTL_EXIT_USAGE;
	r.c = c;
	f = ctl_member_find(ctl, c, r.name, dn, sizeof(dn), host, sizeof(host));
	if (f > 0)
		f = ctl_find_one(ctl, c, dn, "(objectClass=posixAccount)", "gidNumber",
				 gid, sizeof(gid), NULL, 0);
	if (f <= 0) {
		code = f == 0 ? CTL_EXIT_NOTFOUND : CTL_EXIT_LDAP;
		goto out;
	}
	ctl_group_dn(ctl, r.name, pdn, sizeof(pdn));
	if (drop_refs(&r) < 0 || drop_private(&r, gid) < 0)
		goto out;
	rc = ctl_change_apply(ctl, c, &ch);
	if (rc != LDAP_SUCCESS) {
		ctl_change_err(&ch, rc);
		goto out;
	}
	code = CTL_EXIT_OK;
	if (!ctl->dry_run)
		printf("deleted %s (%s), their private group and %d group "
		       "reference(s); uid %s is never handed out again; their home "
		       "stays on %s (hcoopctl homes audit)\n", r.name, dn, r.done, gid,
		       host[0] ? host : "their old host");
out:
	hc_ldap_close(c);
	return code;
}
