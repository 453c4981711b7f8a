/* account: decided from the cache and the local files alone (so it works
 * with LDAP down and for SSH-key logins where auth never ran), by the one
 * admission decision in common/admission.c that hcoopctl explain shares. */
#include <syslog.h>
#include <security/pam_ext.h>

#include "hcpam.h"

enum hc_pam_res hc_pam_account(struct hc_pam *p)
{
	struct hc_admit_in in;
	struct hc_admit_out out;
	enum hc_admit a;

	hc_pam_admit_in(p, &in);
	a = hc_admit_decide(&in, &out);
	if (hc_admit_ok(a)) {
		if (hc_pam_debug(p))
			pam_syslog(p->pamh, LOG_DEBUG, "%s: %s: %s", p->name,
				   hc_admit_name(a), out.why);
		return HC_PAM_OK;
	}
	pam_syslog(p->pamh, a == HC_REFUSE_LOCAL_GROUP ? LOG_WARNING
						      : LOG_NOTICE,
		   "%s: %s: %s", p->name, hc_admit_name(a), out.why);
	if (out.member_msg[0] != '\0')
		hc_pam_say(p, PAM_ERROR_MSG, "%s", out.member_msg);
	return hc_pam_res_admit(a);
}
