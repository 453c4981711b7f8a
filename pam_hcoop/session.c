/* session open: a member's first login on their host makes their home by
 * running hcoop-mkhome (which re-checks everything itself, as root). By
 * default a failure is reported and the login goes on without a home;
 * home_required turns it into PAM_SESSION_ERR. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <security/pam_ext.h>

#include "hcpam.h"
#include "names.h"

#define MKHOME_DEADLINE_S 10

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

static int run_mkhome(struct hc_pam *p)
{
	char name[HC_NAME_MAX + 2], opt[] = "-c", what[64], text[512];
	char *argv[] = { p->cfg.mkhome, opt, p->cfg.path, name, NULL };
	int status = 0, r;

	if (p->cfg.mkhome == NULL || p->cfg.mkhome[0] != '/') {
		pam_syslog(p->pamh, LOG_ERR, "mkhome must be an absolute path");
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "%s", p->name);
	if (p->cfg.path == NULL) { /* no -c: the helper's default config */
		argv[1] = name;
		argv[2] = NULL;
	}
	r = hc_pam_spawn(argv, MKHOME_DEADLINE_S, &status, text, sizeof(text));
	if (r == -ETIME)
		snprintf(what, sizeof(what), "killed after %d s",
			 MKHOME_DEADLINE_S);
	else if (r < 0)
		snprintf(what, sizeof(what), "could not run (%s)", strerror(-r));
	else if (WIFEXITED(status))
		snprintf(what, sizeof(what), "exited with status %d",
			 WEXITSTATUS(status));
	else
		snprintf(what, sizeof(what), "killed by signal %d",
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	if (r == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		log_helper(p, LOG_INFO, what, text);
		return 0;
	}
	log_helper(p, LOG_ERR, what, text);
	return r < 0 ? r : -EIO;
}

static int ensure_home(struct hc_pam *p)
{
	const char *home = p->user.dir;
	struct stat st;
	int r;

	if (home == NULL || home[0] != '/') {
		pam_syslog(p->pamh, LOG_ERR, "%s: no absolute home directory",
			   p->name);
		return -EIO;
	}
	if (lstat(home, &st) == 0)
		return 0;
	/* hcoop-mkhome makes homes only for members assigned here (admins
	 * visiting another host have none): do not ask it in vain. */
	if (p->user.host == NULL || p->cfg.host == NULL ||
	    !hc_host_equal(p->user.host, p->cfg.host)) {
		if (hc_pam_debug(p))
			pam_syslog(p->pamh, LOG_DEBUG,
				   "%s: no home, not assigned here", p->name);
		return 0;
	}
	if (errno != ENOENT) {
		pam_syslog(p->pamh, LOG_ERR, "%s: lstat %.200s: %m", p->name,
			   home);
		return -EIO;
	}
	r = run_mkhome(p);
	if (r == 0 && lstat(home, &st) < 0) {
		pam_syslog(p->pamh, LOG_ERR, "%s: %.200s still missing: %m",
			   p->name, home);
		r = -EIO;
	}
	return r;
}

int hc_pam_session_open(struct hc_pam *p)
{
	bool required = p->args.home_required || p->cfg.home_required;
	int r = ensure_home(p);

	if (r == 0)
		return 0;
	hc_pam_say(p, PAM_ERROR_MSG,
		   "Could not create your home directory %.200s.%s",
		   p->user.dir ? p->user.dir : "",
		   required ? "" : " Continuing without it.");
	return required ? -EIO : 0;
}
