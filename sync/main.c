/* hcoop-sync: mirror the co-op's LDAP users and groups into the local
 * cache file. Options and dispatch only; see hcoop-sync(8). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "lock.h"
#include "log.h"
#include "sync.h"
#include "version.h"

enum mode { MODE_DAEMON, MODE_ONCE, MODE_STATUS, MODE_DUMP };

struct opts {
	const char *config;
	enum mode mode;
	bool force, debug, foreground;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: hcoop-sync [-c FILE] [--once] [--force] [--status] "
		   "[--dump-config]\n"
		   "                  [--debug] [--foreground] [--version]\n");
}

/* 0, or an exit code (usage printed). */
static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "once", no_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "status", no_argument, NULL, 's' },
		{ "dump-config", no_argument, NULL, 'D' },
		{ "debug", no_argument, NULL, 'd' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:dh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'o': o->mode = MODE_ONCE; break;
		case 'f': o->force = true; break;
		case 's': o->mode = MODE_STATUS; break;
		case 'D': o->mode = MODE_DUMP; break;
		case 'd': o->debug = true; break;
		case 'F': o->foreground = true; break;
		case 'h': usage(stdout); exit(HS_EXIT_OK);
		case 'V': printf("hcoop-sync %s\n", HC_VERSION); exit(HS_EXIT_OK);
		default: usage(stderr); return HS_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return HS_EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .config = NULL, .mode = MODE_DAEMON };
	struct hc_config cfg;
	char err[512];
	int code = parse_args(argc, argv, &o);

	if (code)
		return code;
	hc_log_init("hcoop-sync", o.debug,
		    o.foreground || o.debug || o.mode != MODE_DAEMON ||
			    isatty(STDERR_FILENO));
	if (hc_config_load(o.config, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "hcoop-sync: %s\n", err);
		return HS_EXIT_USAGE;
	}
	if (o.debug)
		hc_log_set_debug(true);
	else if (cfg.debug)
		hc_log_set_debug(true);
	/* one writer per cache (lock.c): the daemon for its life, --once for its run */
	if ((o.mode == MODE_ONCE || o.mode == MODE_DAEMON) &&
	    hs_lock_take(cfg.cache, err, sizeof(err)) < 0) {
		hc_err("%s", err);
		hc_config_free(&cfg);
		return HS_EXIT_CACHE;
	}
	switch (o.mode) {
	case MODE_STATUS: code = hs_status(&cfg); break;
	case MODE_DUMP: hc_config_dump(&cfg, stdout); code = HS_EXIT_OK; break;
	case MODE_ONCE: code = hs_once(&cfg, o.force); break;
	default: code = hs_daemon(&cfg, o.force); break;
	}
	hs_lock_release();
	hc_config_free(&cfg);
	return code;
}
