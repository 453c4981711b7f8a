/* hcoop-authorized-keys: sshd's AuthorizedKeysCommand. Prints a member's
 * SSH public keys from the account cache; see man/hcoop-authorized-keys.8
 * for the sshd_config lines and the exit codes.
 *
 *   hcoop-authorized-keys [-c FILE] USER
 *
 * Runs as AuthorizedKeysCommandUser (nobody): it reads the world-readable
 * config and cache only, never the bind secret, never the network, and
 * writes nothing but its output. */
#include "authkeys.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: hcoop-authorized-keys [-c FILE] USER\n");
}

/* 0 to go on, AK_EXIT_USAGE on bad arguments, -1 after --help. */
static int parse_args(int argc, char **argv, const char **config,
		      const char **user)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': *config = optarg; break;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return AK_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return AK_EXIT_USAGE;
	}
	*user = argv[optind];
	return 0;
}

int main(int argc, char **argv)
{
	const char *config = NULL, *user = NULL;
	struct hc_config cfg;
	char err[512];
	int code;

	hc_log_set_facility(LOG_AUTHPRIV);
	hc_log_init("hcoop-authorized-keys", false, true);
	code = parse_args(argc, argv, &config, &user);
	if (code)
		return code < 0 ? AK_EXIT_OK : code;
	if (hc_config_load(config, &cfg, err, sizeof(err)) < 0) {
		hc_err("%s", err);
		return AK_EXIT_FAIL;
	}
	code = ak_print_keys(cfg.cache, user, stdout);
	hc_config_free(&cfg);
	return code;
}
