/* Getting passwords from the stack or the user, and talking to the user.
 * A password we prompt for is handed to libpam as an item (so the next
 * module can use it with use_first_pass) and our copy is wiped at once. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <security/pam_ext.h>

#include "hcpam.h"

static int prompt_item(struct hc_pam *p, int item, const char *prompt)
{
	char *resp = NULL;
	int r;

	r = pam_prompt(p->pamh, PAM_PROMPT_ECHO_OFF, &resp, "%s", prompt);
	if (r != PAM_SUCCESS || resp == NULL) {
		free(resp);
		return -ECANCELED;
	}
	r = pam_set_item(p->pamh, item, resp);
	explicit_bzero(resp, strlen(resp));
	free(resp);
	return r == PAM_SUCCESS ? 0 : -ENOMEM;
}

int hc_pam_get_pass(struct hc_pam *p, int item, const char *prompt,
		    const char **out)
{
	const void *v = NULL;
	/* use_authtok is about the new password of the password stack */
	bool forced = p->args.use_first_pass ||
		      (p->args.use_authtok && item == PAM_AUTHTOK);
	bool reuse = forced || p->args.try_first_pass;
	int r;

	*out = NULL;
	if (reuse && pam_get_item(p->pamh, item, &v) == PAM_SUCCESS &&
	    v != NULL) {
		*out = v;
		return 0;
	}
	if (forced)
		return -ECANCELED; /* told not to ask; nothing to use */
	r = prompt_item(p, item, prompt);
	if (r < 0)
		return r;
	if (pam_get_item(p->pamh, item, &v) != PAM_SUCCESS || v == NULL)
		return -ECANCELED;
	*out = v;
	return 0;
}

void hc_pam_say(struct hc_pam *p, int style, const char *fmt, ...)
{
	va_list ap;

	if (p->flags & PAM_SILENT)
		return;
	va_start(ap, fmt);
	pam_vprompt(p->pamh, style, NULL, fmt, ap);
	va_end(ap);
}
