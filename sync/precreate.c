/* precreate_homes: run hcoop-mkhome for a member newly assigned to this
 * host, so mail forwarded here can land before their first login. mkhome
 * trusts no caller and re-checks everything from the cache; we start it
 * through the one spawn helper (common/child.h: clean environment and
 * signal state, no inherited descriptor, the same deadline as pam_hcoop's
 * session step) and log what it said on stderr. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "child.h"
#include "sync.h"

/* What the helper wrote, on one line. */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

int hs_precreate_home(const struct hc_config *cfg, const char *user)
{
	static char opt_c[] = "-c", opt_restore[] = "--restore";
	/* restore_command: mkhome fills the home from the backup in the
	 * background (its restore.c) and answers at once */
	char *const argv[] = { (char *)(uintptr_t)cfg->mkhome, opt_c,
			       (char *)(uintptr_t)cfg->path,
			       cfg->restore_command ? opt_restore : (char *)(uintptr_t)user,
			       cfg->restore_command ? (char *)(uintptr_t)user : NULL, NULL };
	char err[512], how[64];
	struct hc_spawn_req req = { .argv = argv,
				    .timeout_ms = HC_MKHOME_TIMEOUT_MS,
				    .err = err,
				    .errlen = sizeof(err) };
	struct hc_spawn_res res;
	int r;

	if (!cfg->mkhome || cfg->mkhome[0] != '/' || !cfg->path) {
		hc_err("precreate_homes: mkhome must be an absolute path");
		return -EINVAL;
	}
	r = hc_spawn_run(&req, &res);
	if (r < 0) {
		hc_err("precreate_homes: cannot run %s: %s", cfg->mkhome,
		       strerror(-r));
		return r;
	}
	one_line(err);
	hc_spawn_describe(&req, &res, how, sizeof(how));
	if (res.exited && res.code == 0) {
		hc_info("precreate_homes: %s %s done", cfg->mkhome, user);
		return 0;
	}
	hc_warn("precreate_homes: %s %s failed (%s)%s%.400s", cfg->mkhome, user,
		how, err[0] ? ": " : "", err);
	return res.timed_out ? -ETIMEDOUT : -EIO;
}
