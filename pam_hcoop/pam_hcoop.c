/* pam_hcoop: the PAM entry points. Each is thin: the shared prologue, one
 * step, the one result mapping. Only these symbols are exported
 * (pam_hcoop.map). */
#include <security/pam_modules.h>

#include "hcpam.h"

typedef enum hc_pam_res (*hc_step)(struct hc_pam *p);

static int run(pam_handle_t *pamh, enum hc_hook hook, hc_step step,
	       int flags, int argc, const char **argv)
{
	struct hc_pam p;
	enum hc_pam_res r = hc_pam_begin(&p, pamh, hook, flags, argc, argv);

	if (r == HC_PAM_OK && step != NULL)
		r = step(&p);
	hc_pam_end(&p);
	return hc_pam_rc(hook, r);
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	return run(pamh, HC_HOOK_AUTH, hc_pam_auth, flags, argc, argv);
}

/* No credentials of our own to set: success for our members, ignored for
 * everyone else (so the stack behaves as it did for authenticate). */
PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc,
			      const char **argv)
{
	return run(pamh, HC_HOOK_SETCRED, NULL, flags, argc, argv);
}

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc,
				const char **argv)
{
	return run(pamh, HC_HOOK_ACCOUNT, hc_pam_account, flags, argc, argv);
}

PAM_EXTERN int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc,
				const char **argv)
{
	return run(pamh, HC_HOOK_PASSWORD, hc_pam_password, flags, argc,
		   argv);
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	return run(pamh, HC_HOOK_SESSION, hc_pam_session_open, flags, argc,
		   argv);
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
				    const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
