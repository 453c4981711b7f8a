/* Test driver for common/ldap_conn.c: connect with a config file, run one
 * subcommand, print the result, exit with a status that names the error.
 *
 *   ldapcheck -c CONF [-D DN -w PW | -E | -A] [-d] [-S SECS] COMMAND [ARGS]
 *     (no -D/-E/-A: bind as the config says; -S: once connected, print
 *     "connected URI" and pause SECS seconds before the command, so a test
 *     can freeze the server in between)
 *   bind                         print "connected URI"
 *   whoami                       print the authzid; exit 1 unless it names
 *                                the -D DN (when given)
 *   search-count BASE FILTER [PAGE]   print the number of entries
 *   search BASE FILTER [ATTR...] print "dn: X" and "ATTR: VALUE" lines
 *   passwd OLD NEW [DN]          RFC 3062 password change
 *
 * Exit: 0 ok, 2 config error, 10 -EHOSTUNREACH, 11 -EACCES, 12 -ENOENT,
 * 13 -EPERM, 14 -ECONNREFUSED, 15 -ETIMEDOUT, 16 -EINVAL, 17 -ENOMEM,
 * 18 -EPROTO, 19 other, 64 usage. Errors go to stderr. Test code: the
 * password is taken from argv. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ldap_conn.h"
#include "log.h"
#include "numparse.h"

static int exit_code(int r)
{
	static const struct {
		int err, code;
	} map[] = {
		{ -EHOSTUNREACH, 10 }, { -EACCES, 11 },	   { -ENOENT, 12 },
		{ -EPERM, 13 },	       { -ECONNREFUSED, 14 }, { -ETIMEDOUT, 15 },
		{ -EINVAL, 16 },       { -ENOMEM, 17 },	   { -EPROTO, 18 },
	};
	size_t i;

	if (r == 0)
		return 0;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].err == r)
			return map[i].code;
	return 19;
}

static int count_cb(LDAP *ld, LDAPMessage *e, void *ctx)
{
	(void)ld;
	(void)e;
	++*(unsigned long *)ctx;
	return 0;
}

static int print_cb(LDAP *ld, LDAPMessage *e, void *ctx)
{
	BerElement *ber = NULL;
	struct berval **vals;
	char *dn = ldap_get_dn(ld, e), *a;
	int i;

	(void)ctx;
	printf("dn: %s\n", dn ? dn : "?");
	ldap_memfree(dn);
	for (a = ldap_first_attribute(ld, e, &ber); a;
	     a = ldap_next_attribute(ld, e, ber)) {
		vals = ldap_get_values_len(ld, e, a);
		for (i = 0; vals && vals[i]; i++)
			printf("%s: %.*s\n", a, (int)vals[i]->bv_len,
			       vals[i]->bv_val);
		ldap_value_free_len(vals);
		ldap_memfree(a);
	}
	ber_free(ber, 0);
	return 0;
}

static int cmd_search(struct hc_ldap *c, int argc, char **argv, bool count,
		      char *err, size_t errlen)
{
	unsigned long n = 0;
	uint32_t page = 0;
	char *none[] = { (char *)(uintptr_t)LDAP_NO_ATTRS, NULL };
	char **attrs = NULL;
	int r;

	if (argc < 2)
		return -EINVAL;
	if (count) {
		if (argc > 2 && hc_parse_u32(argv[2], 1, 100000, &page))
			return -EINVAL;
		attrs = none;
	} else if (argc > 2) {
		attrs = argv + 2;
	}
	r = hc_ldap_search_paged(c, argv[0], LDAP_SCOPE_SUBTREE, argv[1], attrs,
				 (int)page, count ? count_cb : print_cb, &n, err,
				 errlen);
	if (r == 0 && count)
		printf("%lu\n", n);
	return r;
}

static int run(struct hc_ldap *c, const char *dn, int argc, char **argv,
	       char *err, size_t errlen)
{
	const char *cmd = argv[0];
	char *id = NULL;
	int r;

	if (strcmp(cmd, "bind") == 0) {
		printf("connected %s\n", hc_ldap_uri(c));
		return 0;
	}
	if (strcmp(cmd, "whoami") == 0) {
		r = hc_ldap_whoami(c, &id, err, errlen);
		if (r == 0) {
			printf("%s\n", id);
			if (dn && !hc_ldap_authzid_is_dn(id, dn))
				r = 1;
		}
		free(id);
		return r;
	}
	if (strcmp(cmd, "search-count") == 0 || strcmp(cmd, "search") == 0)
		return cmd_search(c, argc - 1, argv + 1, cmd[6] == '-', err,
				  errlen);
	if (strcmp(cmd, "passwd") == 0 && (argc == 3 || argc == 4))
		return hc_ldap_passwd(c, argc == 4 ? argv[3] : NULL, argv[1],
				      argv[2], err, errlen);
	return -EINVAL;
}

static void usage(void)
{
	fprintf(stderr, "usage: ldapcheck -c CONF [-D DN -w PW | -E | -A] [-d] "
			"bind|whoami|search-count|search|passwd ...\n");
	exit(64);
}

int main(int argc, char **argv)
{
	struct hc_config cfg;
	struct hc_ldap *c = NULL;
	enum hc_bind how = HC_BIND_CONFIG;
	const char *conf = NULL, *dn = NULL, *pw = NULL;
	uint32_t pause = 0;
	char err[1024] = "";
	int opt, r;

	while ((opt = getopt(argc, argv, "+c:D:w:EAdS:")) != -1) {
		switch (opt) {
		case 'c': conf = optarg; break;
		case 'D': dn = optarg; how = HC_BIND_SIMPLE; break;
		case 'w': pw = optarg; break;
		case 'E': how = HC_BIND_SASL_EXTERNAL; break;
		case 'A': how = HC_BIND_NONE; break;
		case 'd': hc_log_init("ldapcheck", true, true); break;
		case 'S':
			if (hc_parse_u32(optarg, 0, 60, &pause))
				usage();
			break;
		default: usage();
		}
	}
	if (!conf || optind >= argc)
		usage();
	if (hc_config_load(conf, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "ldapcheck: %s\n", err);
		return 2;
	}
	r = hc_ldap_connect(&cfg, how, dn, pw ? pw : "", &c, err, sizeof(err));
	if (r == 0 && pause) {
		printf("connected %s\n", hc_ldap_uri(c));
		fflush(stdout);
		sleep(pause);
	}
	if (r == 0)
		r = run(c, dn, argc - optind, argv + optind, err, sizeof(err));
	if (r != 0 && r != 1)
		fprintf(stderr, "ldapcheck: %s\n", *err ? err : hc_ldap_strerror(r));
	hc_ldap_close(c);
	hc_config_free(&cfg);
	return r == 1 ? 1 : exit_code(r);
}
