/* account: decided from the cache alone, so it works with LDAP down and
 * also for SSH-key logins where auth never ran. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <security/pam_ext.h>

#include "hcpam.h"
#include "names.h"

/* A host name from the cache goes into a message to the user: only print
 * it if it looks like a host name. */
static bool printable_host(const char *h)
{
	size_t n = strlen(h);

	if (n == 0 || n > 253)
		return false;
	return strspn(h, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == n;
}

static int check_status(struct hc_pam *p)
{
	int64_t today = (int64_t)(time(NULL) / 86400);

	if (p->user.flags & HC_USER_LOCKED) {
		pam_syslog(p->pamh, LOG_NOTICE, "%s: account locked", p->name);
		hc_pam_say(p, PAM_ERROR_MSG, "Your account is locked.");
		return -EKEYREVOKED;
	}
	if (p->user.shadow_expire != HC_NO_EXPIRE &&
	    p->user.shadow_expire <= today) {
		pam_syslog(p->pamh, LOG_NOTICE, "%s: account expired",
			   p->name);
		hc_pam_say(p, PAM_ERROR_MSG, "Your account has expired.");
		return -EKEYEXPIRED;
	}
	return 0;
}

static bool is_admin(struct hc_pam *p)
{
	int r;

	if (p->cfg.admin_group == NULL || p->cfg.admin_group[0] == '\0')
		return false;
	r = hc_cache_user_in_group(p->cache, &p->user, p->cfg.admin_group);
	if (r < 0)
		pam_syslog(p->pamh, LOG_ERR, "%s: group check: %s", p->name,
			   strerror(-r));
	return r == 1;
}

static int refuse_elsewhere(struct hc_pam *p)
{
	const char *h = p->user.host ? p->user.host : "";

	pam_syslog(p->pamh, LOG_NOTICE,
		   "%s: assigned to \"%.100s\", not this host (%.100s)",
		   p->name, h, p->cfg.host ? p->cfg.host : "");
	if (h[0] == '\0')
		hc_pam_say(p, PAM_ERROR_MSG,
			   "Your account is not assigned to any host.");
	else if (printable_host(h))
		hc_pam_say(p, PAM_ERROR_MSG,
			   "Your account lives on %s; log in there.", h);
	else
		hc_pam_say(p, PAM_ERROR_MSG,
			   "Your account lives on another host.");
	return -EPERM;
}

int hc_pam_account(struct hc_pam *p)
{
	const char *h = p->user.host ? p->user.host : "";
	int r = check_status(p);

	if (r < 0)
		return r;
	if (h[0] != '\0' && p->cfg.host != NULL &&
	    hc_host_equal(h, p->cfg.host))
		return 0;
	if (is_admin(p)) {
		if (hc_pam_debug(p))
			pam_syslog(p->pamh, LOG_DEBUG,
				   "%s: admitted as member of %.100s",
				   p->name, p->cfg.admin_group);
		return 0;
	}
	return refuse_elsewhere(p);
}
