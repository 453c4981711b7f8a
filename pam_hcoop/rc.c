/* The one place where our results become PAM codes (see hcpam.h for what
 * each errno means). A user who is not ours is PAM_USER_UNKNOWN from auth
 * and PAM_IGNORE elsewhere, so pam_unix handles root and local accounts;
 * not being able to read the cache never locks out local accounts. */
#include <errno.h>
#include <security/pam_modules.h>

#include "hcpam.h"

static int rc_not_ours(enum hc_hook hook, int r)
{
	if (hook != HC_HOOK_AUTH)
		return PAM_IGNORE;
	return r == -ENOENT ? PAM_USER_UNKNOWN : PAM_AUTHINFO_UNAVAIL;
}

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

int hc_pam_rc(enum hc_hook hook, int r)
{
	switch (r) {
	case 0:
		return PAM_SUCCESS;
	case -ENOENT:
	case -ENODATA:
		return rc_not_ours(hook, r);
	case -EHOSTUNREACH:
	case -ETIMEDOUT:
		return PAM_AUTHINFO_UNAVAIL;
	case -EACCES:
		return hook == HC_HOOK_PASSWORD ? PAM_AUTHTOK_RECOVERY_ERR
						: PAM_AUTH_ERR;
	case -EPERM:
	case -EKEYREVOKED:
	case -EXDEV:
		return rc_refused(hook);
	case -EKEYEXPIRED:
		return hook == HC_HOOK_ACCOUNT ? PAM_ACCT_EXPIRED
					       : rc_refused(hook);
	case -ECANCELED:
		return PAM_CONV_ERR;
	case -ENOMEM:
		return PAM_BUF_ERR;
	default:
		return hook == HC_HOOK_SESSION ? PAM_SESSION_ERR
					       : PAM_SERVICE_ERR;
	}
}
