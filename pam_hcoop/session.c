/* session open: a member's login on their host gets their home from
 * hcoop-mkhome, which re-checks everything itself as root and is the one
 * place that decides whether an existing home may be used (exit 7: owned by
 * another uid, e.g. a reused name). The helper is skipped only when the
 * home is already a directory owned by the cached uid. By default a
 * failure is reported and the login goes on without a home; home_required
 * turns it into PAM_SESSION_ERR. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <security/pam_ext.h>

#include "hcpam.h"
#include "names.h"
#include "child.h"

#define MKHOME_EXIT_FOREIGN 7 /* hcoop-mkhome(8): home owned by another uid */

enum home_state { HOME_OK, HOME_FAILED, HOME_FOREIGN };

/* The helper's stderr goes to syslog on one line, control bytes masked. */
static void log_helper(struct hc_pam *p, int prio, const char *what,
		       char *text)
{
	for (char *c = text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	pam_syslog(p->pamh, prio, "%s: %.100s %s%s%.400s", p->name,
		   p->cfg.mkhome, what, text[0] ? ": " : "", text);
}

static enum home_state run_mkhome(struct hc_pam *p)
{
	char name[HC_NAME_MAX + 2], opt[] = "-c", what[64], text[512];
	char *argv[] = { p->cfg.mkhome, opt, p->cfg.path, name, NULL };
	struct hc_spawn_req req = { .argv = argv,
				    .timeout_ms = HC_MKHOME_TIMEOUT_MS,
				    .err = text,
				    .errlen = sizeof(text) };
	struct hc_spawn_res res;
	int r;

	if (p->cfg.mkhome == NULL || p->cfg.mkhome[0] != '/') {
		pam_syslog(p->pamh, LOG_ERR, "mkhome must be an absolute path");
		return HOME_FAILED;
	}
	snprintf(name, sizeof(name), "%s", p->name);
	if (p->cfg.path == NULL) { /* no -c: the helper's default config */
		argv[1] = name;
		argv[2] = NULL;
	}
	r = hc_spawn_run(&req, &res);
	if (r < 0) {
		pam_syslog(p->pamh, LOG_ERR, "%s: could not run %.100s: %s",
			   p->name, p->cfg.mkhome, strerror(-r));
		return HOME_FAILED;
	}
	hc_spawn_describe(&req, &res, what, sizeof(what));
	if (res.exited && res.code == 0) {
		log_helper(p, LOG_INFO, what, text);
		return HOME_OK;
	}
	log_helper(p, LOG_ERR, what, text);
	return res.exited && res.code == MKHOME_EXIT_FOREIGN ? HOME_FOREIGN
							      : HOME_FAILED;
}

static bool assigned_here(const struct hc_pam *p)
{
	return p->user.host != NULL && p->cfg.host != NULL &&
	       hc_host_equal(p->user.host, p->cfg.host);
}

/* Not assigned here (an admin visiting): no helper, no home is normal, but
 * a home that is someone else's is still never handed over quietly. */
static enum home_state visiting(struct hc_pam *p, const struct stat *st,
				bool exists)
{
	if (!exists || (S_ISDIR(st->st_mode) && st->st_uid == p->user.uid))
		return HOME_OK;
	pam_syslog(p->pamh, LOG_WARNING,
		   "%s: home %.200s is owned by uid %u, not %u", p->name,
		   p->user.dir, (unsigned)st->st_uid, (unsigned)p->user.uid);
	return HOME_FOREIGN;
}

static enum home_state ensure_home(struct hc_pam *p)
{
	const char *home = p->user.dir;
	struct stat st;
	bool exists;

	if (home == NULL || home[0] != '/') {
		pam_syslog(p->pamh, LOG_ERR, "%s: no absolute home directory",
			   p->name);
		return HOME_FAILED;
	}
	exists = lstat(home, &st) == 0;
	if (!exists && errno != ENOENT) {
		pam_syslog(p->pamh, LOG_ERR, "%s: lstat %.200s: %m", p->name,
			   home);
		return HOME_FAILED;
	}
	if (!assigned_here(p))
		return visiting(p, &st, exists);
	if (exists && S_ISDIR(st.st_mode) && st.st_uid == p->user.uid)
		return HOME_OK;
	enum home_state h = run_mkhome(p);
	if (h == HOME_OK && (lstat(home, &st) < 0 || st.st_uid != p->user.uid)) {
		pam_syslog(p->pamh, LOG_ERR,
			   "%s: %.200s still missing or not theirs", p->name,
			   home);
		h = HOME_FAILED;
	}
	return h;
}

enum hc_pam_res hc_pam_session_open(struct hc_pam *p)
{
	bool required = p->args.home_required || p->cfg.home_required;
	const char *dir = p->user.dir ? p->user.dir : "";
	enum home_state h = ensure_home(p);

	if (h == HOME_OK)
		return HC_PAM_OK;
	if (h == HOME_FOREIGN) {
		pam_syslog(p->pamh, required ? LOG_ERR : LOG_WARNING,
			   "%s: home %.200s belongs to another account: %s",
			   p->name, dir,
			   required ? "session refused (home_required)"
				    : "session continues, check the home");
		hc_pam_say(p, PAM_ERROR_MSG,
			   "Your home directory %.200s belongs to another "
			   "account; please tell the admins.%s",
			   dir, required ? "" : " Continuing.");
		return required ? HC_PAM_REFUSED : HC_PAM_OK;
	}
	hc_pam_say(p, PAM_ERROR_MSG,
		   "Could not create your home directory %.200s.%s", dir,
		   required ? "" : " Continuing without it.");
	return required ? HC_PAM_FAULT : HC_PAM_OK;
}
