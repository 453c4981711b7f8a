/* pam_hcoop internals: one context shared by the hooks, built by one
 * prologue (prologue.c), one named result per step, mapped to a PAM code by
 * one function (rc.c).
 *
 * Helpers that wrap common/ (the LDAP helper, the password prompts) return
 * 0 or a negative errno as common/ does; each step turns that into an
 * enum hc_pam_res once, with hc_pam_res_errno(). */
#ifndef HCOOP_PAM_H
#define HCOOP_PAM_H

#include <stdbool.h>
#include <security/pam_modules.h>

#include "admission.h"
#include "cache.h"
#include "config.h"

/* What a step found; rc.c maps it to the PAM code for the hook. */
enum hc_pam_res {
	HC_PAM_OK = 0,
	HC_PAM_NOT_OURS,       /* not a member (or a local account owns the
				  name): left to pam_unix */
	HC_PAM_CACHE_UNUSABLE, /* we cannot tell who is a member */
	HC_PAM_BAD_PASSWORD,   /* wrong or empty (old) password */
	HC_PAM_LDAP_DOWN,      /* no LDAP server answered in time */
	HC_PAM_REFUSED,        /* not admitted here; new password refused */
	HC_PAM_LOCKED,
	HC_PAM_EXPIRED,
	HC_PAM_CONV,           /* the conversation failed or gave no answer */
	HC_PAM_USER_CHANGED,   /* PAM_USER changed between two hooks */
	HC_PAM_NO_MEMORY,
	HC_PAM_FAULT,          /* a local fault (config, fork, helper) */
};

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

/* prologue.c: fill p for this hook (user, config, cache lookup, and the
 * "is it really ours" check of admission.h). On any return p must be
 * released with hc_pam_end(). */
enum hc_pam_res hc_pam_begin(struct hc_pam *p, pam_handle_t *pamh,
			     enum hc_hook hook, int flags, int argc,
			     const char **argv);
void hc_pam_end(struct hc_pam *p);
bool hc_pam_debug(const struct hc_pam *p);
/* The admission input for p's user (this host, the config, now). */
void hc_pam_admit_in(const struct hc_pam *p, struct hc_admit_in *in);

/* rc.c: the one mapping from our results to PAM codes, and the two ways
 * other results become ours. */
int hc_pam_rc(enum hc_hook hook, enum hc_pam_res r);
enum hc_pam_res hc_pam_res_errno(int r);
enum hc_pam_res hc_pam_res_admit(enum hc_admit a);

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

/* authlog.c: log a failed password check the way pam_unix does (with
 * tty=, ruser=, rhost=), for fail2ban and friends. */
void hc_pam_log_authfail(struct hc_pam *p);

/* the steps */
enum hc_pam_res hc_pam_auth(struct hc_pam *p);
enum hc_pam_res hc_pam_account(struct hc_pam *p);
enum hc_pam_res hc_pam_password(struct hc_pam *p);
enum hc_pam_res hc_pam_session_open(struct hc_pam *p);

#endif
