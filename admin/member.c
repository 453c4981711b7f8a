/* hcoopctl member add|move|lock|unlock|delete: the subcommand table, and
 * what they share (finding a member's entry, connecting as an admin). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "ldap_conn.h"
#include "ldapw.h"
#include "names.h"

static const struct {
	const char *name, *usage;
	int (*run)(struct ctl *, int, char **);
} subs[] = {
	{ "add", "NAME --gecos TEXT [--host HOST|auto] [--uid N] [--shell S] "
		 "(--password-file F | --no-password) [--dry-run]", ctl_member_add },
	{ "move", "NAME HOST [--copy-from-here [--copy-dest DEST]] [--dry-run]",
	  ctl_member_move },
	{ "lock", "NAME [--dry-run]", ctl_member_lock },
	{ "unlock", "NAME [--dry-run]", ctl_member_lock },
	{ "delete", "NAME [--dry-run]", ctl_member_delete },
};
#define N_SUBS (sizeof(subs) / sizeof(subs[0]))

static void usage(FILE *f)
{
	for (size_t i = 0; i < N_SUBS; i++)
		fprintf(f, "usage: hcoopctl member %s %s\n", subs[i].name,
			subs[i].usage);
}

int ctl_cmd_member(struct ctl *ctl, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CTL_EXIT_USAGE : CTL_EXIT_OK;
	}
	for (size_t i = 0; i < N_SUBS; i++)
		if (strcmp(argv[1], subs[i].name) == 0) {
			optind = 0; /* a new argv: getopt starts afresh */
			return subs[i].run(ctl, argc - 1, argv + 1);
		}
	ctl_err("member: unknown subcommand '%s'", argv[1]);
	usage(stderr);
	return CTL_EXIT_USAGE;
}

int ctl_write_connect(struct ctl *ctl, struct hc_ldap **c)
{
	if (!ctl_require_admin(ctl))
		return -1;
	return ctl_connect(ctl, c);
}

int ctl_member_find(struct ctl *ctl, struct hc_ldap *c, const char *name,
		    char *dn, size_t dnlen, char *host, size_t hostlen)
{
	char esc[HC_ESCAPED_SIZE(HC_NAME_MAX)], filter[160], base[512];
	int r;

	if (!hc_valid_name(name) ||
	    hc_ldap_escape_filter(name, esc, sizeof(esc)) < 0) {
		ctl_err("'%s' is not a valid member name", name);
		return 0;
	}
	snprintf(filter, sizeof(filter),
		 "(&(objectClass=posixAccount)(uid=%s))", esc);
	snprintf(base, sizeof(base), "%s",
		 ctl->cfg.user_base ? ctl->cfg.user_base : ctl->cfg.base);
	r = ctl_find_one(ctl, c, base, filter, "hcoopHost", host, hostlen, dn,
			 dnlen);
	if (r == 0)
		ctl_err("no member '%s' in LDAP (under %s)", name, base);
	return r;
}
