/* The one place where results become PAM codes. A user who is not ours
 * (including a name a local account owns) is PAM_USER_UNKNOWN from auth
 * and PAM_IGNORE elsewhere, so pam_unix handles root and local accounts;
 * not being able to read the cache never locks out local accounts. */
#include <errno.h>
#include <security/pam_modules.h>

#include "hcpam.h"

static int rc_refused(enum hc_hook hook)
{
	switch (hook) {
	case HC_HOOK_AUTH:
	case HC_HOOK_SETCRED:
		return PAM_AUTH_ERR;
	case HC_HOOK_PASSWORD:
		return PAM_AUTHTOK_ERR;
	case HC_HOOK_SESSION:
		return PAM_SESSION_ERR;
	case HC_HOOK_ACCOUNT:
	default:
		return PAM_PERM_DENIED;
	}
}

int hc_pam_rc(enum hc_hook hook, enum hc_pam_res r)
{
	switch (r) {
	case HC_PAM_OK:
		return PAM_SUCCESS;
	case HC_PAM_NOT_OURS:
		return hook == HC_HOOK_AUTH ? PAM_USER_UNKNOWN : PAM_IGNORE;
	case HC_PAM_CACHE_UNUSABLE:
		return hook == HC_HOOK_AUTH ? PAM_AUTHINFO_UNAVAIL : PAM_IGNORE;
	case HC_PAM_LDAP_DOWN:
		return PAM_AUTHINFO_UNAVAIL;
	case HC_PAM_BAD_PASSWORD:
		return hook == HC_HOOK_PASSWORD ? PAM_AUTHTOK_RECOVERY_ERR
						: PAM_AUTH_ERR;
	case HC_PAM_REFUSED:
	case HC_PAM_LOCKED:
	case HC_PAM_USER_CHANGED:
		return rc_refused(hook);
	case HC_PAM_EXPIRED:
		return hook == HC_HOOK_ACCOUNT ? PAM_ACCT_EXPIRED
					       : rc_refused(hook);
	case HC_PAM_CONV:
		return PAM_CONV_ERR;
	case HC_PAM_NO_MEMORY:
		return PAM_BUF_ERR;
	case HC_PAM_FAULT:
	default:
		return hook == HC_HOOK_SESSION ? PAM_SESSION_ERR
					       : PAM_SERVICE_ERR;
	}
}

/* What common/'s helpers and the prompts return. */
enum hc_pam_res hc_pam_res_errno(int r)
{
	switch (r) {
	case 0:
		return HC_PAM_OK;
	case -EACCES:
		return HC_PAM_BAD_PASSWORD;
	case -EHOSTUNREACH:
	case -ETIMEDOUT:
		return HC_PAM_LDAP_DOWN;
	case -EPERM:
		return HC_PAM_REFUSED;
	case -ECANCELED:
		return HC_PAM_CONV;
	case -ENOMEM:
		return HC_PAM_NO_MEMORY;
	default: /* incl. -ECONNREFUSED: no password in clear, ever */
		return HC_PAM_FAULT;
	}
}

enum hc_pam_res hc_pam_res_admit(enum hc_admit a)
{
	switch (a) {
	case HC_ADMIT_HERE:
	case HC_ADMIT_ADMIN:
		return HC_PAM_OK;
	case HC_REFUSE_LOCKED:
		return HC_PAM_LOCKED;
	case HC_REFUSE_EXPIRED:
		return HC_PAM_EXPIRED;
	case HC_NOT_OURS:
	case HC_SHADOWED_BY_LOCAL:
		return HC_PAM_NOT_OURS;
	case HC_CACHE_UNUSABLE:
		return HC_PAM_CACHE_UNUSABLE;
	case HC_REFUSE_ELSEWHERE:
	case HC_REFUSE_NO_HOST:
	case HC_REFUSE_LOCAL_GROUP:
	default:
		return HC_PAM_REFUSED;
	}
}
