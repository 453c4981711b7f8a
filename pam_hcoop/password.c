/* password: RFC 3062 Password Modify as the member, old password required
 * (we hold no credential that could change it otherwise). The server's
 * reason for a refusal (e.g. a quality rule) is shown to the member. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <security/pam_ext.h>

#include "hcpam.h"
#include "ldap_conn.h"

static void wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static int get_old(struct hc_pam *p, const char **old)
{
	int r = hc_pam_get_pass(p, PAM_OLDAUTHTOK,
				"Current LDAP password: ", old);

	if (r == 0 && (*old)[0] == '\0')
		r = -EACCES;
	return r;
}

/* Ask twice; on a match the new password becomes PAM_AUTHTOK. */
static int prompt_new(struct hc_pam *p)
{
	char *a = NULL, *b = NULL;
	int r = -ECANCELED;

	if (pam_prompt(p->pamh, PAM_PROMPT_ECHO_OFF, &a, "%s",
		       "New LDAP password: ") != PAM_SUCCESS || a == NULL)
		goto out;
	if (pam_prompt(p->pamh, PAM_PROMPT_ECHO_OFF, &b, "%s",
		       "Retype new LDAP password: ") != PAM_SUCCESS || b == NULL)
		goto out;
	r = -EPERM;
	if (strcmp(a, b) != 0) {
		hc_pam_say(p, PAM_ERROR_MSG, "Sorry, passwords do not match.");
		goto out;
	}
	if (a[0] == '\0') {
		hc_pam_say(p, PAM_ERROR_MSG, "No password has been supplied.");
		goto out;
	}
	r = pam_set_item(p->pamh, PAM_AUTHTOK, a) == PAM_SUCCESS ? 0 : -ENOMEM;
out:
	wipe_free(a);
	wipe_free(b);
	return r;
}

static int get_new(struct hc_pam *p, const char **newpw)
{
	const void *v = NULL;
	int r;

	*newpw = NULL;
	if (p->args.use_authtok || p->args.use_first_pass ||
	    p->args.try_first_pass) {
		if (pam_get_item(p->pamh, PAM_AUTHTOK, &v) == PAM_SUCCESS &&
		    v != NULL && ((const char *)v)[0] != '\0') {
			*newpw = v;
			return 0;
		}
		if (!p->args.try_first_pass)
			return -ECANCELED;
	}
	r = prompt_new(p);
	if (r < 0)
		return r;
	if (pam_get_item(p->pamh, PAM_AUTHTOK, &v) != PAM_SUCCESS || v == NULL)
		return -ECANCELED;
	*newpw = v;
	return 0;
}

/* First pass: check the old password now, so the member is not asked for
 * a new one in vain. */
static int prelim(struct hc_pam *p)
{
	struct hc_ldap *ld = NULL;
	const char *old = NULL;
	int r = get_old(p, &old);

	if (r == 0)
		r = hc_pam_ldap_login(p, old, &ld);
	if (ld != NULL)
		hc_ldap_close(ld);
	if (r == -EACCES)
		hc_pam_say(p, PAM_ERROR_MSG, "Current password is wrong.");
	return r;
}

static int update(struct hc_pam *p)
{
	char err[512] = "";
	struct hc_ldap *ld = NULL;
	const void *v = NULL;
	const char *old = NULL, *newpw = NULL;
	int r = 0;

	/* the first pass left the checked old password as PAM_OLDAUTHTOK */
	if (pam_get_item(p->pamh, PAM_OLDAUTHTOK, &v) == PAM_SUCCESS &&
	    v != NULL && ((const char *)v)[0] != '\0')
		old = v;
	else
		r = get_old(p, &old);

	if (r == 0)
		r = get_new(p, &newpw);
	if (r == 0)
		r = hc_pam_ldap_login(p, old, &ld);
	if (r < 0)
		goto out;
	r = hc_ldap_passwd(ld, p->user.dn, old, newpw, err, sizeof(err));
	if (r < 0) {
		pam_syslog(p->pamh, LOG_NOTICE, "%s: password change refused: %s",
			   p->name, err[0] ? err : hc_ldap_strerror(r));
		hc_pam_say(p, PAM_ERROR_MSG, "Password change refused: %s",
			   err[0] ? err : hc_ldap_strerror(r));
		goto out;
	}
	pam_syslog(p->pamh, LOG_NOTICE, "%s: LDAP password changed", p->name);
out:
	if (ld != NULL)
		hc_ldap_close(ld);
	return r;
}

enum hc_pam_res hc_pam_password(struct hc_pam *p)
{
	/* We keep no password ageing of our own: nothing "expired" to do. */
	if (p->flags & PAM_CHANGE_EXPIRED_AUTHTOK)
		return HC_PAM_NOT_OURS;
	if (p->flags & PAM_PRELIM_CHECK)
		return hc_pam_res_errno(prelim(p));
	if (p->flags & PAM_UPDATE_AUTHTOK)
		return hc_pam_res_errno(update(p));
	return HC_PAM_FAULT;
}
