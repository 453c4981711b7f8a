/* The one "authentication failure" line, in the form pam_unix writes it,
 * so log watchers that already parse pam_unix (fail2ban's pam-generic and
 * sshd filters, logcheck) see failed member logins too:
 *   pam_hcoop(sshd:auth): authentication failure; logname= uid=0 euid=0
 *   tty=ssh ruser= rhost=127.0.0.1  user=alice
 * Item values come from the application; anything that could split the
 * line into fake fields (blanks, control bytes) is replaced by '?'. */
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <security/pam_ext.h>
#include <security/pam_modutil.h>

#include "hcpam.h"

static const char *item(struct hc_pam *p, int type, char *buf, size_t len)
{
	const void *v = NULL;

	if (pam_get_item(p->pamh, type, &v) != PAM_SUCCESS || v == NULL)
		v = "";
	snprintf(buf, len, "%s", (const char *)v);
	for (char *c = buf; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f)
			*c = '?';
	return buf;
}

void hc_pam_log_authfail(struct hc_pam *p)
{
	char tty[64], ruser[64], rhost[256], logname[64];
	const char *l = pam_modutil_getlogin(p->pamh);

	snprintf(logname, sizeof(logname), "%s", l ? l : "");
	for (char *c = logname; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f)
			*c = '?';
	pam_syslog(p->pamh, LOG_NOTICE,
		   "authentication failure; logname=%s uid=%u euid=%u tty=%s "
		   "ruser=%s rhost=%s  user=%s",
		   logname, (unsigned)getuid(), (unsigned)geteuid(),
		   item(p, PAM_TTY, tty, sizeof(tty)),
		   item(p, PAM_RUSER, ruser, sizeof(ruser)),
		   item(p, PAM_RHOST, rhost, sizeof(rhost)), p->name);
}
