/* hcoopctl: parse the shared options, find the command in the table, run
 * it. See hcoopctl(8). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcoopctl.h"
#include "log.h"
#include "version.h"

static const struct ctl_cmd commands[] = {
	{ "status", "", "this host's view: cache, daemon, skipped entries", ctl_cmd_status },
	{ "explain", "USER [--host HOST] [--ldap]", "why USER may or may not log in here (or on HOST)", ctl_cmd_explain },
	{ "hosts", "[--members HOST] [--stale SECONDS]", "every host: role, capacity, members, load, disk", ctl_cmd_hosts },
	{ "check", "[-w AGE] [-c AGE] [--disk-warn PCT] [--disk-crit PCT]", "monitoring plugin (Nagios/Icinga)", ctl_cmd_check },
	{ "member", "add|move|lock|unlock|delete NAME ... [--dry-run]", "change a member (admin identity; member --help)", ctl_cmd_member },
	{ "failover", "DEAD SPARE [--dry-run]", "move every member of DEAD to SPARE (resumable)", ctl_cmd_failover },
	{ "homes", "audit [--archive DIR] [--dry-run] | restores", "homes here that are not this host's members'; restores", ctl_cmd_homes },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fputs("usage: hcoopctl [-c FILE] [-H URI] [-D DN (-W | -y FILE)] "
	      "[-Y EXTERNAL] [--json] COMMAND [ARGS]\n\ncommands:\n", f);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-8s %s\n           %s\n", commands[i].name,
			commands[i].usage, commands[i].summary);
	fputs("\nSee hcoopctl(8).\n", f);
}

static int parse_global(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+c:H:D:Wy:Y:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': ctl->config_path = optarg; break;
		case 'H': ctl->uri = optarg; break;
		case 'D': ctl->binddn = optarg; break;
		case 'W': ctl->ask_pw = true; break;
		case 'y': ctl->pwfile = optarg; break;
		case 'Y':
			if (strcasecmp(optarg, "EXTERNAL") != 0) {
				ctl_err("-Y: only EXTERNAL is supported");
				return -1;
			}
			ctl->sasl_external = true;
			break;
		case 'j': ctl->json = true; break;
		case 'h': usage(stdout); exit(CTL_EXIT_OK);
		case 'V': printf("hcoopctl %s\n", HC_VERSION); exit(CTL_EXIT_OK);
		default: usage(stderr); return -1;
		}
	}
	if (ctl->binddn && !ctl->ask_pw && !ctl->pwfile) {
		ctl_err("-D needs -W or -y FILE");
		return -1;
	}
	return 0;
}

/* Run as check_hcoop (the monitoring plugins' directory links there):
 * "check_hcoop [--config FILE] ARGS" is "hcoopctl --config FILE check
 * ARGS" (a plugin's -c is its critical threshold). */
static char **as_plugin(int *argc, char **argv)
{
	static char check[] = "check";
	const char *base = strrchr(argv[0], '/');
	int lead = 1;
	char **v;

	base = base ? base + 1 : argv[0];
	if (strcmp(base, "check_hcoop") != 0)
		return argv;
	if (*argc >= 3 && strcmp(argv[1], "--config") == 0)
		lead = 3;
	v = calloc((size_t)*argc + 2, sizeof(*v));
	if (!v)
		return argv;
	memcpy(v, argv, (size_t)lead * sizeof(*v));
	v[lead] = check;
	memcpy(v + lead + 1, argv + lead, (size_t)(*argc - lead) * sizeof(*v));
	(*argc)++;
	return v;
}

static int run(int argc, char **argv)
{
	struct ctl ctl = { 0 };
	char err[1024];
	int code;

	/* an interactive tool: messages of the shared code go to the
	 * admin's terminal, not to the host's log */
	hc_log_set_syslog(false);
	hc_log_init("hcoopctl", false, true);
	if (parse_global(&ctl, argc, argv) < 0)
		return CTL_EXIT_USAGE;
	if (optind >= argc) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	const char *name = argv[optind];
	const struct ctl_cmd *cmd = NULL;

	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			cmd = &commands[i];
	if (!cmd) {
		ctl_err("unknown command '%s' (try --help)", name);
		return CTL_EXIT_USAGE;
	}
	for (int i = optind + 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: hcoopctl [OPTIONS] %s %s\n  %s\nSee hcoopctl(8).\n",
			       cmd->name, cmd->usage, cmd->summary);
			return CTL_EXIT_OK;
		}
	if (hc_config_load(ctl.config_path, &ctl.cfg, err, sizeof(err)) < 0) {
		if (strcmp(name, "check") == 0) { /* a plugin always says one line */
			printf("HCOOP UNKNOWN - %s\n", err);
			return 3;
		}
		ctl_err("%s", err);
		return CTL_EXIT_USAGE;
	}
	ctl.out = json_object_new_object();
	argv += optind;
	argc -= optind;
	/* --json may also follow the command, as admins type it */
	for (int i = 1, j = 1; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], "--json") == 0) {
			ctl.json = true;
			continue;
		}
		argv[j++] = argv[i]; /* argv[argc] is NULL: copied last */
		if (i == argc)
			argc = j - 1;
	}
	optind = 0; /* the command parses its own options (0: glibc re-initialises getopt, permuting again) */
	code = cmd->run(&ctl, argc, argv);
	json_object_put(ctl.out);
	hc_config_free(&ctl.cfg);

	return code;
}

int main(int argc, char **argv)
{
	char **v = as_plugin(&argc, argv);
	int code = run(argc, v);

	if (v != argv)
		free(v);
	return code;
}
