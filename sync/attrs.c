/* The attributes hcoop-sync reads, and one pass over an entry's attributes
 * that sets aside the values of each (ldap_get_values_len per attribute
 * would re-parse the entry from its start every time). The values point
 * into the message: valid while it is. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sync.h"

/* writable copies: libldap's attrs parameter is char ** */
static char at_uid[] = "uid", at_uidnum[] = "uidNumber",
	    at_gidnum[] = "gidNumber", at_gecos[] = "gecos", at_cn[] = "cn",
	    at_home[] = "homeDirectory", at_shell[] = "loginShell",
	    at_host[] = "hcoopHost", at_expire[] = "shadowExpire",
	    at_locked[] = "pwdAccountLockedTime", at_uuid[] = "entryUUID",
	    at_member[] = "memberUid", at_sshkey[] = "sshPublicKey";

char *hs_user_attrs[] = { at_uid, at_uidnum, at_gidnum, at_gecos, at_cn,
			  at_home, at_shell, at_host, at_expire, at_locked,
			  at_uuid, at_sshkey, NULL };
char *hs_group_attrs[] = { at_cn, at_gidnum, at_member, at_uuid, NULL };

static const char *const known[HS_N_ATTRS] = {
	at_uid, at_uidnum, at_gidnum, at_gecos, at_cn, at_home,
	at_shell, at_host, at_expire, at_locked, at_uuid, at_member,
	at_sshkey,
};

/* Index in known[] of an attribute description (exact type, any case,
 * as ldap_get_values_len matches), or -1. */
static int known_index(const struct berval *a)
{
	int i;

	for (i = 0; i < HS_N_ATTRS; i++)
		if (strlen(known[i]) == a->bv_len &&
		    strncasecmp(known[i], a->bv_val, a->bv_len) == 0)
			return i;
	return -1;
}

int hs_attrs_read(LDAP *ld, LDAPMessage *msg, struct hs_attrs *out)
{
	BerElement *ber = NULL;
	struct berval dn, attr, *vals;
	int rc, i;

	memset(out, 0, sizeof(*out));
	rc = ldap_get_dn_ber(ld, msg, &ber, &dn);
	while (rc == LDAP_SUCCESS) {
		vals = NULL;
		rc = ldap_get_attribute_ber(ld, msg, ber, &attr, &vals);
		if (rc != LDAP_SUCCESS || !attr.bv_val)
			break;
		i = known_index(&attr);
		if (i >= 0 && !out->v[i])
			out->v[i] = vals;
		else
			ber_memfree(vals);
	}
	if (ber)
		ber_free(ber, 0);
	if (rc != LDAP_SUCCESS) {
		hs_attrs_free(out);
		return rc == LDAP_NO_MEMORY ? -ENOMEM : -EBADMSG;
	}
	return 0;
}

const struct berval *hs_attrs_get(const struct hs_attrs *a, const char *name,
				  size_t *n)
{
	const struct berval *v = NULL;
	int i;

	for (i = 0; i < HS_N_ATTRS && !v; i++)
		if (strcmp(known[i], name) == 0)
			v = a->v[i];
	for (*n = 0; v && v[*n].bv_val; (*n)++)
		;
	return v;
}

void hs_attrs_free(struct hs_attrs *a)
{
	int i;

	for (i = 0; i < HS_N_ATTRS; i++)
		ber_memfree(a->v[i]);
	memset(a, 0, sizeof(*a));
}
