/* pam_hcoop internals: one context shared by the hooks, built by one
 * prologue (prologue.c) and mapped to a PAM code by one function (rc.c).
 *
 * Every function here returns 0 or a negative errno. The errno values
 * that carry a specific meaning between the steps and the mapper:
 *   -ENOENT        the user is not ours (invalid name or not in the cache)
 *   -ENODATA       we cannot tell: the cache is missing or unusable
 *   -EACCES        wrong or empty password / wrong old password
 *   -EHOSTUNREACH, -ETIMEDOUT   no LDAP server answered in time
 *   -EPERM         refused: not admitted here, or new password refused
 *   -EKEYREVOKED   account locked;  -EKEYEXPIRED  account expired
 *   -ECANCELED     the conversation failed or gave no answer
 *   -EXDEV         PAM_USER changed between two hooks
 *   -ECONNREFUSED  the LDAP helper refused to send a password in clear
 *   anything else  a local fault (config, memory, fork): service error */
#ifndef HCOOP_PAM_H
#define HCOOP_PAM_H

#include <stdbool.h>
#include <security/pam_modules.h>

#include "cache.h"
#include "config.h"

enum hc_hook {
	HC_HOOK_AUTH = 0,
	HC_HOOK_SETCRED,
	HC_HOOK_ACCOUNT,
	HC_HOOK_PASSWORD,
	HC_HOOK_SESSION,
};

struct hc_pam_args {
	bool use_first_pass, try_first_pass, use_authtok;
	bool debug, home_required;
	const char *config; /* NULL: HC_CONFIG_DEFAULT_PATH */
};

struct hc_pam {
	pam_handle_t *pamh;
	enum hc_hook hook;
	int flags; /* the hook's PAM flags */
	struct hc_pam_args args;
	struct hc_config cfg;
	bool cfg_loaded;
	struct hc_cache *cache;
	struct hc_user user; /* views into the cache mapping */
	const char *name;    /* PAM_USER, owned by libpam */
};

/* args.c */
void hc_pam_args_parse(pam_handle_t *pamh, int argc, const char **argv,
		       struct hc_pam_args *a);

/* prologue.c: fill p for this hook (user, config, cache lookup). On any
 * return p must be released with hc_pam_end(). */
int hc_pam_begin(struct hc_pam *p, pam_handle_t *pamh, enum hc_hook hook,
		 int flags, int argc, const char **argv);
void hc_pam_end(struct hc_pam *p);
bool hc_pam_debug(const struct hc_pam *p);

/* rc.c: the one mapping from our results to PAM codes. */
int hc_pam_rc(enum hc_hook hook, int r);

/* authtok.c: read a password (old or new) as the options say. *out is a
 * libpam-owned item; never copy it except into wiped buffers. */
int hc_pam_get_pass(struct hc_pam *p, int item, const char *prompt,
		    const char **out);
/* Tell the user something (PAM_ERROR_MSG or PAM_TEXT_INFO), unless
 * PAM_SILENT. */
void hc_pam_say(struct hc_pam *p, int style, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* auth.c: bind as the user's DN with pw and confirm the identity with
 * "Who am I?"; *out is the open connection (close it). */
struct hc_ldap;
int hc_pam_ldap_login(struct hc_pam *p, const char *pw, struct hc_ldap **out);

/* the steps */
int hc_pam_auth(struct hc_pam *p);
int hc_pam_account(struct hc_pam *p);
int hc_pam_password(struct hc_pam *p);
int hc_pam_session_open(struct hc_pam *p);

/* spawn.c: run argv[0] (absolute) with an empty environment, no inherited
 * descriptors, stdin/stdout on /dev/null and stderr into errbuf (NUL-
 * terminated, truncated), killed at the deadline. *status is the wait
 * status. -ETIME when it had to be killed. */
int hc_pam_spawn(char *const argv[], unsigned deadline_s, int *status,
		 char *errbuf, size_t errlen);

#endif
