/* Module options from the PAM stack line. Unknown options are logged and
 * ignored (the PAM convention): a typo must not lock anyone out. */
#include <string.h>
#include <syslog.h>
#include <security/pam_ext.h>

#include "hcpam.h"

void hc_pam_args_parse(pam_handle_t *pamh, int argc, const char **argv,
		       struct hc_pam_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];

		if (strcmp(o, "use_first_pass") == 0)
			a->use_first_pass = true;
		else if (strcmp(o, "try_first_pass") == 0)
			a->try_first_pass = true;
		else if (strcmp(o, "use_authtok") == 0)
			a->use_authtok = true;
		else if (strcmp(o, "debug") == 0)
			a->debug = true;
		else if (strcmp(o, "home_required") == 0)
			a->home_required = true;
		else if (strncmp(o, "config=", 7) == 0 && o[7] != '\0')
			a->config = o + 7;
		else
			pam_syslog(pamh, LOG_ERR, "unknown option: %.100s", o);
	}
}
