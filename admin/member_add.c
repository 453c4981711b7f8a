/* hcoopctl member add NAME --gecos TEXT [--host HOST|auto] [--uid N]
 * [--shell S] (--password-file F | --no-password) [--dry-run]
 *
 * Every check that can refuse runs BEFORE a number is taken from the
 * counter, so the only gaps in the uid sequence come from adds refused by
 * the server itself (two admins adding the same name at the same moment:
 * one add wins, the other is told the name exists). The member entry
 * (posixAccount + hcoopMember), then the private group; the password only
 * through the Password Modify extended operation, so the server hashes it
 * by its own policy. */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "ldap_conn.h"
#include "ldapw.h"
#include "names.h"
#include "numparse.h"

struct add_req {
	const char *name, *gecos, *host, *shell, *pwfile;
	bool no_password;
	uint32_t uid; /* 0: from the counter */
	char host_buf[256];
	char password[512];
};

static int parse_add(struct ctl *ctl, int argc, char **argv, struct add_req *q)
{
	static const struct option opts[] = {
		{ "gecos", required_argument, NULL, 'g' },
		{ "host", required_argument, NULL, 'H' },
		{ "uid", required_argument, NULL, 'u' },
		{ "shell", required_argument, NULL, 's' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "no-password", no_argument, NULL, 'n' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	q->shell = "/bin/bash";
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'g': q->gecos = optarg; break;
		case 'H': q->host = optarg; break;
		case 's': q->shell = optarg; break;
		case 'p': q->pwfile = optarg; break;
		case 'n': q->no_password = true; break;
		case 'd': ctl->dry_run = true; break;
		case 'u': {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);

			if (*end || !*optarg || v == 0 || v >= 4294967294ull) {
				ctl_err("--uid: '%s' is not a uid", optarg);
				return -1;
			}
			q->uid = (uint32_t)v;
			break;
		}
		default: return -1;
		}
	}
	if (optind + 1 != argc || !q->gecos ||
	    (!q->pwfile == !q->no_password)) {
		ctl_err("usage: hcoopctl member add NAME --gecos TEXT [--host HOST|auto] "
			"[--uid N] [--shell S] (--password-file F | --no-password) [--dry-run]");
		return -1;
	}
	q->name = argv[optind];
	return 0;
}

static bool in_file(const char *path, const char *name, bool groups)
{
	FILE *f = fopen(path, "re");
	bool found = false;

	if (!f)
		return false;
	if (groups) {
		struct group *g;

		while (!found && (g = fgetgrent(f)))
			found = strcmp(g->gr_name, name) == 0;
	} else {
		struct passwd *p;

		while (!found && (p = fgetpwent(f)))
			found = strcmp(p->pw_name, name) == 0;
	}
	fclose(f);
	return found;
}

/* The name rules, the shipped list, this machine's own accounts. */
static int check_name(const struct add_req *q)
{
	if (!hc_valid_name(q->name) || strchr(q->name, '$')) {
		ctl_err("'%s' is not a valid member name: 1-32 characters, "
			"first a-z or _, then a-z 0-9 _ . -", q->name);
		return -1;
	}
	for (size_t i = 0; ctl_reserved_names[i]; i++)
		if (strcmp(ctl_reserved_names[i], q->name) == 0) {
			ctl_err("'%s' is reserved: a local account or role name on "
				"Debian hosts (see hcoopctl(8))", q->name);
			return -1;
		}
	if (in_file("/etc/passwd", q->name, false) ||
	    in_file("/etc/group", q->name, true)) {
		ctl_err("'%s' is a local user or group on this machine", q->name);
		return -1;
	}
	if (!hc_valid_field(q->gecos) || !q->gecos[0]) {
		ctl_err("--gecos: empty, or contains ':' or a control character");
		return -1;
	}
	if (q->shell[0] != '/' || !hc_valid_field(q->shell)) {
		ctl_err("--shell: '%s' is not an absolute path", q->shell);
		return -1;
	}
	return 0;
}

static int read_pwfile(struct add_req *q)
{
	FILE *f;

	if (q->no_password)
		return 0;
	f = fopen(q->pwfile, "re");
	if (!f) {
		ctl_err("%s: %s", q->pwfile, strerror(errno));
		return -1;
	}
	if (!fgets(q->password, sizeof(q->password), f))
		q->password[0] = '\0';
	fclose(f);
	q->password[strcspn(q->password, "\r\n")] = '\0';
	if (!q->password[0]) {
		ctl_err("%s: empty password refused", q->pwfile);
		return -1;
	}
	return 0;
}

/* No user or group of that name, no entry with the explicit uid. */
static int check_free(struct ctl *ctl, struct hc_ldap *c, const struct add_req *q)
{
	char esc[HC_ESCAPED_SIZE(HC_NAME_MAX)], filter[256], dn[512];
	int r;

	hc_ldap_escape_filter(q->name, esc, sizeof(esc));
	snprintf(filter, sizeof(filter), "(|(uid=%s)(&(objectClass=posixGroup)(cn=%s)))",
		 esc, esc);
	r = ctl_find_one(ctl, c, ctl->cfg.base, filter, NULL, NULL, 0, dn, sizeof(dn));
	if (r > 0)
		ctl_err("'%s' already exists in LDAP: %s", q->name, dn);
	if (r != 0 || !q->uid)
		return r != 0 ? -1 : 0;
	snprintf(filter, sizeof(filter), "(|(uidNumber=%" PRIu32 ")(gidNumber=%" PRIu32 "))",
		 q->uid, q->uid);
	r = ctl_find_one(ctl, c, ctl->cfg.base, filter, NULL, NULL, 0, dn, sizeof(dn));
	if (r > 0)
		ctl_err("--uid %" PRIu32 ": already used by %s", q->uid, dn);
	return r != 0 ? -1 : 0;
}

static int check_host(struct ctl *ctl, struct hc_ldap *c, struct add_req *q)
{
	char role[32];
	int r;

	if (!q->host)
		return 0;
	if (strcmp(q->host, "auto") == 0) {
		if (ctl_host_pick(ctl, c, q->host_buf, sizeof(q->host_buf)) < 0)
			return -1;
		q->host = q->host_buf;
		return 0;
	}
	r = ctl_host_role(ctl, c, q->host, role, sizeof(role));
	if (r == 0)
		ctl_err("--host %s: no such host entry (class hcoopServer)", q->host);
	else if (r > 0 && strcmp(role, "member") != 0 && strcmp(role, "spare") != 0)
		ctl_err("--host %s: its role is %s, not member or spare", q->host, role);
	else if (r > 0)
		return 0;
	return -1;
}

/* A new id that nothing in LDAP uses: a hand-made entry may have taken a
 * number above the counter; it is skipped (the counter moves past it). */
static int take_uid(struct ctl *ctl, struct hc_ldap *c, struct add_req *q)
{
	char filter[128];
	int64_t now;

	if (q->uid) {
		now = ctl_counter_peek(ctl, c);
		if (now < 0)
			return -1;
		if ((int64_t)q->uid <= now)
			fprintf(stderr, "hcoopctl: warning: uid %" PRIu32 " is not above the "
				"counter (%" PRId64 "): it may have been a deleted member's; "
				"files owned by it on the hosts become %s's\n",
				q->uid, now, q->name);
		return ctl_counter_raise(ctl, c, q->uid);
	}
	for (int tries = 0; tries < 100; tries++) {
		int r;

		if (ctl_counter_next(ctl, c, &q->uid) < 0)
			return -1;
		snprintf(filter, sizeof(filter),
			 "(|(uidNumber=%" PRIu32 ")(gidNumber=%" PRIu32 "))", q->uid, q->uid);
		r = ctl_find_one(ctl, c, ctl->cfg.base, filter, NULL, NULL, 0, NULL, 0);
		if (r < 0)
			return -1;
		if (r == 0 || ctl->dry_run)
			return 0;
		fprintf(stderr, "hcoopctl: uid %" PRIu32 " is already used by a "
			"hand-made entry: skipped\n", q->uid);
	}
	ctl_err("no free uid after 100 numbers: look at the counter");
	return -1;
}

static int add_entries(struct ctl *ctl, struct hc_ldap *c, const struct add_req *q,
		       char *udn, size_t ulen)
{
	struct ctl_mods mu = { .n = 0 }, mg = { .n = 0 };
	char gdn[600], num[16], home[1024];
	struct ctl_change cu = { .op = CTL_OP_ADD, .dn = udn, .mods = &mu };
	struct ctl_change cg = { .op = CTL_OP_ADD, .dn = gdn, .mods = &mg };
	struct ctl_change undo = { .op = CTL_OP_DELETE, .dn = udn };
	int rc;

	if (ctl_member_dn(ctl, q->name, udn, ulen) < 0 ||
	    ctl_group_dn(ctl, q->name, gdn, sizeof(gdn)) < 0 ||
	    (size_t)snprintf(home, sizeof(home), "%s/%s", ctl->cfg.home_base,
			     q->name) >= sizeof(home)) {
		ctl_err("%s: DN or home too long", q->name);
		return -1;
	}
	snprintf(num, sizeof(num), "%" PRIu32, q->uid);
	const char *oc[] = { "inetOrgPerson", "posixAccount", "shadowAccount",
			     "hcoopMember" };
	for (size_t i = 0; i < 4; i++)
		ctl_mod(&mu, LDAP_MOD_ADD, "objectClass", oc[i]);
	ctl_mod(&mu, LDAP_MOD_ADD, "uid", q->name);
	ctl_mod(&mu, LDAP_MOD_ADD, "cn", q->gecos);
	ctl_mod(&mu, LDAP_MOD_ADD, "sn", q->name);
	ctl_mod(&mu, LDAP_MOD_ADD, "gecos", q->gecos);
	ctl_mod(&mu, LDAP_MOD_ADD, "uidNumber", num);
	ctl_mod(&mu, LDAP_MOD_ADD, "gidNumber", num);
	ctl_mod(&mu, LDAP_MOD_ADD, "homeDirectory", home);
	ctl_mod(&mu, LDAP_MOD_ADD, "loginShell", q->shell);
	if (q->host)
		ctl_mod(&mu, LDAP_MOD_ADD, "hcoopHost", q->host);
	ctl_mod(&mg, LDAP_MOD_ADD, "objectClass", "posixGroup");
	ctl_mod(&mg, LDAP_MOD_ADD, "cn", q->name);
	ctl_mod(&mg, LDAP_MOD_ADD, "gidNumber", num);
	ctl_mod(&mg, LDAP_MOD_ADD, "memberUid", q->name);
	rc = ctl_change_apply(ctl, c, &cu);
	if (rc != LDAP_SUCCESS) {
		if (rc != LDAP_ALREADY_EXISTS) {
			ctl_change_err(&cu, rc);
			return -1;
		}
		ctl_err("'%s' already exists (added meanwhile by someone else); "
			"uid %s stays unused", q->name, num);
		return -2;
	}
	rc = ctl_change_apply(ctl, c, &cg);
	if (rc == LDAP_SUCCESS)
		return 0;
	ctl_change_err(&cg, rc);
	/* no member without their private group: take the entry back */
	if (ctl_change_apply(ctl, c, &undo) != LDAP_SUCCESS)
		ctl_err("and could not remove %s again: remove it by hand", udn);
	return -1;
}

static int set_password(struct ctl *ctl, struct hc_ldap *c, struct add_req *q,
			const char *dn)
{
	char err[512];
	int r;

	if (q->no_password)
		return 0;
	if (ctl->dry_run) {
		printf("# then the password, with the Password Modify extended "
		       "operation (RFC 3062) for %s (not shown)\n", dn);
		return 0;
	}
	r = hc_ldap_passwd(c, dn, NULL, q->password, err, sizeof(err));
	explicit_bzero(q->password, sizeof(q->password));
	if (r < 0) {
		ctl_err("%s was created, but setting the password failed: %s "
			"(set it with ldappasswd)", dn, err);
		return -1;
	}
	return 0;
}

static void print_next(const struct ctl *ctl, const struct add_req *q)
{
	printf("added %s: uid %" PRIu32 ", private group %s (gid %" PRIu32 "), home %s/%s\n",
	       q->name, q->uid, q->name, q->uid, ctl->cfg.home_base, q->name);
	if (q->host)
		printf("next: %s's hcoop-sync sees the new member within seconds and, "
		       "with precreate_homes, creates the home and Maildir; "
		       "%s can then log in on %s%s\n", q->host, q->name, q->host,
		       q->no_password ? " once a password is set (ldappasswd) or an "
					"SSH key added" : "");
	else
		printf("next: no host assigned: %s may log in nowhere until "
		       "`hcoopctl member move %s HOST`\n", q->name, q->name);
}

int ctl_member_add(struct ctl *ctl, int argc, char **argv)
{
	struct add_req q = { 0 };
	struct hc_ldap *c = NULL;
	char dn[600];
	int code = CTL_EXIT_LDAP;

	if (parse_add(ctl, argc, argv, &q) < 0 || check_name(&q) < 0 ||
	    read_pwfile(&q) < 0)
		return CTL_EXIT_USAGE;
	if (ctl_write_connect(ctl, &c) < 0)
		return ctl_require_admin(ctl) ? CTL_EXIT_LDAP : CTL_EXIT_USAGE;
	if (check_free(ctl, c, &q) < 0 || check_host(ctl, c, &q) < 0)
		code = CTL_EXIT_REFUSED;
	else if (take_uid(ctl, c, &q) == 0) {
		int r = add_entries(ctl, c, &q, dn, sizeof(dn));

		if (r == -2)
			code = CTL_EXIT_REFUSED;
		else if (r == 0)
			code = set_password(ctl, c, &q, dn) == 0 ? CTL_EXIT_OK : CTL_EXIT_LDAP;
		if (r == 0 && !ctl->dry_run)
			print_next(ctl, &q);
	}
	explicit_bzero(q.password, sizeof(q.password));
	hc_ldap_close(c);
	return code;
}
