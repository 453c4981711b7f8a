/* hcoop-mkhome: create a member's home, atomically, with skeleton and
 * POSIX ACLs; or (--check/--repair) compare/restore the top of an existing
 * one. See man/hcoop-mkhome.8 for the checks and exit codes.
 *
 *   hcoop-mkhome [-c FILE] [--debug] USER
 *   hcoop-mkhome [-c FILE] [--debug] --check USER
 *   hcoop-mkhome [-c FILE] [--debug] --repair USER
 *   hcoop-mkhome [-c FILE] [--debug] --restore USER   (restore.c) */
#include "mkhome.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "version.h"

enum mk_mode { MODE_CREATE, MODE_CHECK, MODE_REPAIR };

struct mk_args {
	const char *config;
	const char *user;
	enum mk_mode mode;
	bool debug;
	bool restore; /* fill a new home with restore_command (restore.c) */
};

static void usage(FILE *f)
{
	fprintf(f, "usage: hcoop-mkhome [-c FILE] [--debug] [--check | --repair | --restore] USER\n"
		   "       hcoop-mkhome --version\n");
}

/* 0 to go on, 1 (MK_USAGE) on bad arguments, -1 after --help. */
static int parse_args(int argc, char **argv, struct mk_args *a)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "repair", no_argument, NULL, 'R' },
		{ "restore", no_argument, NULL, 'S' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, modes = 0;

	memset(a, 0, sizeof(*a));
	while ((c = getopt_long(argc, argv, "+c:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': a->config = optarg; break;
		case 'C': a->mode = MODE_CHECK; modes++; break;
		case 'R': a->mode = MODE_REPAIR; modes++; break;
		case 'S': a->restore = true; modes++; break;
		case 'd': a->debug = true; break;
		case 'h': usage(stdout); return -1;
		case 'V': printf("hcoop-mkhome %s\n", HC_VERSION); return -1;
		default: usage(stderr); return MK_USAGE;
		}
	}
	if (modes > 1 || optind != argc - 1) {
		usage(stderr);
		return MK_USAGE;
	}
	a->user = argv[optind];
	return 0;
}

static enum mk_exit create_home(const struct hc_config *cfg,
				const struct mk_template *t,
				const struct mk_user *u, int parentfd, bool restore)
{
	char tmpname[256] = "";
	enum mk_exit ret;
	int lockfd = -1, r;

	r = mk_build(cfg, t, u, parentfd, tmpname, sizeof(tmpname), &lockfd);
	if (r < 0) {
		hc_err("%s: building the home in %.200s: %s", u->name,
		       cfg->home_base, strerror(-r));
		/* the name is only valid if mkdirat got that far */
		if (!strncmp(tmpname, MK_TMP_PREFIX, sizeof(MK_TMP_PREFIX) - 1))
			mk_remove_tree(parentfd, tmpname);
		return MK_IO;
	}
	if (restore && cfg->restore_command)
		ret = mk_restore_detached(cfg, t, u, parentfd, tmpname, lockfd);
	else
		ret = mk_install(parentfd, tmpname, u);
	close(lockfd);
	return ret;
}

/* Everything after the arguments: checks, then the chosen action. */
static enum mk_exit run(const struct hc_config *cfg, const struct mk_args *a)
{
	struct mk_template t;
	struct mk_user u;
	enum mk_exit ret;
	char err[512];
	bool exists;
	int parentfd = -1;

	if (mk_template_load(cfg, &t, err, sizeof(err)) < 0) {
		hc_err("%.200s: %s", cfg->path ? cfg->path : "config", err);
		return MK_USAGE;
	}
	ret = mk_lookup_user(cfg, a->user, &u);
	if (ret == MK_OK)
		ret = mk_check_path(cfg, &u);
	if (ret == MK_OK)
		ret = mk_open_parent(cfg, &parentfd);
	if (ret != MK_OK)
		goto out;
	if (a->mode == MODE_CREATE)
		mk_sweep(parentfd);
	ret = mk_inspect_home(parentfd, &u, &exists);
	if (ret != MK_OK)
		goto out;
	if (exists && a->mode == MODE_CREATE && a->restore && cfg->restore_command)
		mk_restore_state(cfg, u.name, "skipped", "the home already exists: nothing restored");
	if (exists && a->mode == MODE_CREATE)
		hc_debug("%s: home %.200s already exists, left untouched",
			 u.name, u.home);
	else if (exists)
		ret = mk_check(cfg, &t, &u, parentfd, a->mode == MODE_REPAIR);
	else if (a->mode == MODE_CHECK) {
		printf("%s: missing\n", u.home);
		ret = MK_DRIFT;
	} else
		ret = create_home(cfg, &t, &u, parentfd, a->restore);
out:
	if (parentfd >= 0)
		close(parentfd);
	mk_template_free(&t);
	return ret;
}

int main(int argc, char **argv)
{
	struct hc_config cfg;
	struct mk_args a;
	enum mk_exit ret;
	char err[512];
	int r;

	/* modes are set explicitly with fchmod; nothing may be wider before */
	umask(077);
	hc_log_init("hcoop-mkhome", false, true);
	r = parse_args(argc, argv, &a);
	if (r != 0)
		return r < 0 ? MK_OK : MK_USAGE;
	hc_log_set_debug(a.debug);
	ret = mk_require_root();
	if (ret != MK_OK)
		return ret;
	if (hc_config_load(a.config, &cfg, err, sizeof(err)) < 0) {
		hc_err("%s", err);
		return MK_USAGE;
	}
	if (cfg.debug)
		hc_log_set_debug(true);
	ret = run(&cfg, &a);
	hc_config_free(&cfg);
	return ret;
}
