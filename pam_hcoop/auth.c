/* auth: a simple bind as the member's DN (from the cache, never built from
 * the name), then "Who am I?" must name that DN. The LDAP helper owns URI
 * order, timeouts, TLS and the refusal to send a password in clear. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <security/pam_ext.h>

#include "hcpam.h"
#include "ldap_conn.h"

/* The server must agree on who we are: a bind that "succeeds" as someone
 * else (anonymous, a proxy identity) is a failure. */
static int confirm_identity(struct hc_pam *p, struct hc_ldap *ld)
{
	char err[512] = "";
	char *authzid = NULL;
	int r = hc_ldap_whoami(ld, &authzid, err, sizeof(err));

	if (r < 0) {
		pam_syslog(p->pamh, LOG_ERR, "%s: whoami failed: %s",
			   p->name, err);
		return r;
	}
	if (!hc_ldap_authzid_is_dn(authzid, p->user.dn)) {
		pam_syslog(p->pamh, LOG_ERR,
			   "%s: bound as \"%.200s\", not %.200s", p->name,
			   authzid, p->user.dn);
		r = -EACCES;
	}
	free(authzid);
	return r;
}

int hc_pam_ldap_login(struct hc_pam *p, const char *pw, struct hc_ldap **out)
{
	char err[512] = "";
	struct hc_ldap *ld = NULL;
	int r;

	*out = NULL;

	r = hc_ldap_connect(&p->cfg, HC_BIND_SIMPLE, p->user.dn, pw, &ld, err,
			    sizeof(err));
	if (r < 0) {
		pam_syslog(p->pamh, r == -EACCES ? LOG_NOTICE : LOG_ERR,
			   "%s: bind as %.200s failed: %s", p->name,
			   p->user.dn, err[0] ? err : hc_ldap_strerror(r));
		return r;
	}
	r = confirm_identity(p, ld);
	if (r < 0) {
		hc_ldap_close(ld);
		return r;
	}
	*out = ld;
	return 0;
}

static int auth(struct hc_pam *p)
{
	struct hc_ldap *ld = NULL;
	const char *pw = NULL;
	int r;

	if (p->user.dn == NULL || p->user.dn[0] == '\0') {
		pam_syslog(p->pamh, LOG_ERR, "%s: no DN in the cache", p->name);
		return -EACCES;
	}
	r = hc_pam_get_pass(p, PAM_AUTHTOK, "LDAP password: ", &pw);
	if (r < 0)
		return r;
	/* An empty simple bind is an anonymous bind that servers report as
	 * success: refuse it here, before any network traffic. (A password
	 * with a NUL arrives cut at the NUL; an empty rest is caught here.) */
	if (pw[0] == '\0') {
		pam_syslog(p->pamh, LOG_NOTICE, "%s: empty password refused",
			   p->name);
		return -EACCES;
	}
	r = hc_pam_ldap_login(p, pw, &ld);
	if (ld != NULL)
		hc_ldap_close(ld);
	if (r == 0 && hc_pam_debug(p))
		pam_syslog(p->pamh, LOG_DEBUG, "%s: authenticated as %.200s",
			   p->name, p->user.dn);
	return r;
}

enum hc_pam_res hc_pam_auth(struct hc_pam *p)
{
	int r = auth(p);

	if (r == -EACCES)
		hc_pam_log_authfail(p);
	return hc_pam_res_errno(r);
}
