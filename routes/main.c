/* hcoop-routes: the main server's mail and DNS routes from the account
 * cache. Options and dispatch only; see hcoop-routes(8). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "routes.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct opts {
	const char *config;
	bool once, force, debug;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: hcoop-routes [-c FILE] [--once [--force]] [--debug]\n");
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"once", no_argument, NULL, 'o'},
		{"force", no_argument, NULL, 'f'},
		{"debug", no_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:dh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'o': o->once = true; break;
		case 'f': o->force = true; break;
		case 'd': o->debug = true; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc || (o->force && !o->once)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	struct hc_config cfg;
	struct rt_state st = {0};
	char err[512];
	int code = parse_args(argc, argv, &o);

	if (code)
		return code;
	hc_log_init("hcoop-routes", o.debug,
		    o.once || o.debug || isatty(STDERR_FILENO));
	if (hc_config_load(o.config, &cfg, err, sizeof(err)) < 0 ||
	    rt_check_config(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "hcoop-routes: %s\n", err);
		if (cfg.path)
			hc_config_free(&cfg);
		return EXIT_USAGE;
	}
	if (cfg.debug)
		hc_log_set_debug(true);
	st.cfg = &cfg;
	if (o.once)
		code = rt_render(&st, o.force) < 0 ? EXIT_FAIL : EXIT_OK;
	else
		code = rt_watch(&st) < 0 ? EXIT_FAIL : EXIT_OK;
	hc_config_free(&cfg);
	return code;
}
