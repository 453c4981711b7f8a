/* hcoopctl member lock|unlock NAME [--dry-run]: the ppolicy lock that
 * pam_hcoop and hcoop-sync already honour (pwdAccountLockedTime
 * 000001010000Z: locked until an admin unlocks, RFC draft-behera ppolicy).
 * hcoop-sync carries it into every host's cache within seconds, so the
 * member is refused everywhere, SSH key logins included (PAM's account
 * step runs for those too); the server itself refuses their password
 * binds. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ldap_conn.h"
#include "ldapw.h"

#define LOCK_ATTR "pwdAccountLockedTime"
#define LOCK_FOREVER "000001010000Z"

int ctl_member_lock(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'd' }, { NULL, 0, NULL, 0 },
	};
	bool lock = strcmp(argv[0], "lock") == 0;
	struct ctl_mods m = { .n = 0 };
	struct hc_ldap *c = NULL;
	char dn[600] = "", host[300], now[64] = "";
	struct ctl_change ch = { .op = CTL_OP_MODIFY, .dn = dn, .mods = &m };
	int r, rc, code = CTL_EXIT_LDAP, o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'd')
			return CTL_EXIT_USAGE;
		ctl->dry_run = true;
	}
	if (optind + 1 != argc) {
		ctl_err("usage: hcoopctl member %s NAME [--dry-run]", argv[0]);
		return CTL_EXIT_USAGE;
	}
	if (ctl_write_connect(ctl, &c) < 0)
		return ctl_require_admin(ctl) ? CTL_EXIT_LDAP : CTL_EXIT_USAGE;
	r = ctl_member_find(ctl, c, argv[optind], dn, sizeof(dn), host, sizeof(host));
	if (r > 0)
		r = ctl_find_one(ctl, c, dn, "(objectClass=*)", LOCK_ATTR, now,
				 sizeof(now), NULL, 0);
	if (r < 0)
		goto out;
	if (!dn[0]) {
		code = CTL_EXIT_NOTFOUND;
		goto out;
	}
	if (lock == (now[0] != '\0')) {
		printf("%s is already %s\n", argv[optind], lock ? "locked" : "unlocked");
		code = CTL_EXIT_OK;
		goto out;
	}
	ctl_mod(&m, lock ? LDAP_MOD_REPLACE : LDAP_MOD_DELETE, LOCK_ATTR,
		lock ? LOCK_FOREVER : NULL);
	rc = ctl_change_apply(ctl, c, &ch);
	if (rc != LDAP_SUCCESS) {
		ctl_change_err(&ch, rc);
		goto out;
	}
	code = CTL_EXIT_OK;
	if (!ctl->dry_run)
		printf("%s %s: every host %s them within seconds\n",
		       lock ? "locked" : "unlocked", argv[optind],
		       lock ? "refuses" : "stops refusing");
out:
	hc_ldap_close(c);
	return code;
}
