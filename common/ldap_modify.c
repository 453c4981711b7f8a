/* Modify one entry with a deadline (op_timeout), optionally under request
 * controls (e.g. an RFC 4528 assertion, for hcoopctl's guarded changes).
 * Its own file so ldap_ops.c stays the read side. */
#include <errno.h>
#include <ldap.h>

#include "ldap_conn.h"
#include "ldap_internal.h"

int hc_ldap_modify(struct hc_ldap *c, const char *dn, LDAPMod **mods,
		   LDAPControl **ctrls, char *err, size_t errlen)
{
	LDAPMessage *res = NULL;
	char *diag = NULL;
	int msgid, rc, r;

	rc = ldap_modify_ext(c->ld, dn, mods, ctrls, NULL, &msgid);
	if (rc == LDAP_SUCCESS)
		rc = ldc_wait_result(c->ld, msgid, LDAP_MSG_ALL, &c->op_tv, &res);
	if (rc == LDAP_SUCCESS)
		rc = ldc_parse_final(c->ld, res, &diag);
	if (rc == LDAP_SUCCESS) {
		r = 0;
	} else {
		ldc_rc_err(err, errlen, c->uri, "modify", rc,
			   diag && *diag ? diag : ldc_diag(c->ld));
		r = ldc_map_rc(rc);
	}
	ldap_memfree(diag);
	return r;
}
