/* hcoopctl failover DEAD SPARE [--dry-run]: every member assigned to DEAD
 * moves to SPARE, each with the same assertion as `member move` (a member
 * an admin moved meanwhile is left where they are), DEAD's role becomes
 * `down` first (so `member add --host auto` and moves stop choosing it)
 * and SPARE's role `member` last.
 *
 * Resumable by construction: the state is in LDAP only. Killed half-way
 * and run again, DEAD is already down, the members already moved no longer
 * match hcoopHost=DEAD and are not touched again; the rest move. Each move
 * is printed (and flushed) as it is made, so the admin sees how far a
 * killed run got. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "ldap_conn.h"
#include "ldapw.h"
#include "names.h"

struct victim {
	char *dn, *uid;
};

struct victims {
	struct victim *v;
	size_t n, cap;
};

static int collect(LDAP *ld, LDAPMessage *e, void *p)
{
	struct victims *vs = p;
	struct berval **uid = ldap_get_values_len(ld, e, "uid");
	char *dn = ldap_get_dn(ld, e);
	int r = 0;

	if (vs->n == vs->cap) {
		size_t cap = vs->cap ? vs->cap * 2 : 256;
		struct victim *nv = realloc(vs->v, cap * sizeof(*nv));

		if (!nv) {
			r = -1;
			goto out;
		}
		vs->v = nv;
		vs->cap = cap;
	}
	vs->v[vs->n].dn = strdup(dn ? dn : "");
	vs->v[vs->n].uid = uid && uid[0] ? strndup(uid[0]->bv_val, uid[0]->bv_len)
					 : strdup("?");
	if (!vs->v[vs->n].dn || !vs->v[vs->n].uid) {
		free(vs->v[vs->n].dn);
		free(vs->v[vs->n].uid);
		r = -1;
		goto out;
	}
	vs->n++;
out:
	ldap_memfree(dn);
	ldap_value_free_len(uid);
	return r;
}

static void victims_free(struct victims *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		free(vs->v[i].dn);
		free(vs->v[i].uid);
	}
	free(vs->v);
}

/* Members whose hcoopHost is host (case-insensitive, as the schema says). */
static int members_of(struct ctl *ctl, struct hc_ldap *c, const char *host,
		      struct victims *vs)
{
	static char a_uid[] = "uid";
	char *attrs[] = { a_uid, NULL };
	char esc[HC_ESCAPED_SIZE(256)], filter[HC_ESCAPED_SIZE(256) + 64], err[512];
	int r;

	if (hc_ldap_escape_filter(host, esc, sizeof(esc)) < 0)
		return -1;
	snprintf(filter, sizeof(filter), "(&(objectClass=posixAccount)(hcoopHost=%s))", esc);
	r = hc_ldap_search_paged(c, ctl->cfg.user_base ? ctl->cfg.user_base : ctl->cfg.base,
				 LDAP_SCOPE_SUBTREE, filter, attrs, 0, collect, vs,
				 err, sizeof(err));
	if (r != 0)
		ctl_err("%s", r > 0 ? "out of memory" : err);
	return r != 0 ? -1 : 0;
}

static int check_hosts(struct ctl *ctl, struct hc_ldap *c, const char *dead,
		       const char *spare)
{
	char role[32];
	int r;

	if (hc_host_equal(dead, spare)) {
		ctl_err("failover: DEAD and SPARE are the same host");
		return -1;
	}
	r = ctl_host_role(ctl, c, dead, role, sizeof(role));
	if (r == 0)
		ctl_err("%s: no such host entry", dead);
	if (r <= 0)
		return -1;
	r = ctl_host_role(ctl, c, spare, role, sizeof(role));
	if (r == 0)
		ctl_err("%s: no such host entry", spare);
	if (r > 0 && strcmp(role, "spare") != 0 && strcmp(role, "member") != 0) {
		ctl_err("%s: its role is %s, not spare (or member, on a rerun)", spare, role);
		return -1;
	}
	return r > 0 ? 0 : -1;
}

static int move_all(struct ctl *ctl, struct hc_ldap *c, const char *dead,
		    const char *spare, const struct victims *vs, size_t *moved,
		    size_t *lost)
{
	char diag[512];

	for (size_t i = 0; i < vs->n; i++) {
		int rc = ctl_member_set_host(ctl, c, vs->v[i].dn, dead, spare, diag,
					     sizeof(diag));

		if (rc == LDAP_SUCCESS) {
			(*moved)++;
			if (!ctl->dry_run)
				printf("moved %s (%s): %s -> %s\n", vs->v[i].uid,
				       vs->v[i].dn, dead, spare);
		} else if (rc == LDAP_ASSERTION_FAILED) {
			(*lost)++;
			printf("left %s: no longer on %s (moved by someone else)\n",
			       vs->v[i].uid, dead);
		} else {
			ctl_err("modify %s: %s%s%s", vs->v[i].dn, ldap_err2string(rc),
				diag[0] ? " - " : "", diag);
			return -1;
		}
		fflush(stdout);
	}
	return 0;
}

static int parse_failover(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'd' }, { NULL, 0, NULL, 0 },
	};
	int o;

	optind = 0; /* a new argv for getopt (main parsed its own) */
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'd')
			return -1;
		ctl->dry_run = true;
	}
	if (optind + 2 != argc) {
		ctl_err("usage: hcoopctl failover DEAD SPARE [--dry-run]");
		return -1;
	}
	return 0;
}

int ctl_cmd_failover(struct ctl *ctl, int argc, char **argv)
{
	struct victims vs = { NULL, 0, 0 }, there = { NULL, 0, 0 };
	struct hc_ldap *c = NULL;
	const char *dead, *spare;
	size_t moved = 0, lost = 0;
	int code = CTL_EXIT_LDAP;

	if (parse_failover(ctl, argc, argv) < 0)
		return CTL_EXIT_USAGE;
	dead = argv[optind];
	spare = argv[optind + 1];
	if (ctl_write_connect(ctl, &c) < 0)
		return ctl_require_admin(ctl) ? CTL_EXIT_LDAP : CTL_EXIT_USAGE;
	if (check_hosts(ctl, c, dead, spare) < 0) {
		code = CTL_EXIT_REFUSED;
		goto out;
	}
	if (ctl_host_set_role(ctl, c, dead, "down") != LDAP_SUCCESS ||
	    members_of(ctl, c, dead, &vs) < 0)
		goto out;
	printf("%zu member(s) of %s to move to %s\n", vs.n, dead, spare);
	fflush(stdout);
	if (move_all(ctl, c, dead, spare, &vs, &moved, &lost) < 0 ||
	    ctl_host_set_role(ctl, c, spare, "member") != LDAP_SUCCESS ||
	    members_of(ctl, c, spare, &there) < 0)
		goto out;
	code = CTL_EXIT_OK;
	if (ctl->dry_run)
		goto out;
	printf("failover %s -> %s done: moved %zu now, %zu left alone (moved by "
	       "someone else); %zu member(s) on %s in all\n", dead, spare, moved,
	       lost, there.n, spare);
	printf("next: %s pre-creates their homes (precreate_homes; restore_command "
	       "fills them from the backup); point mail and DNS at %s (hcoop-routes "
	       "follows hcoopHost)\n", spare, spare);
out:
	victims_free(&vs);
	victims_free(&there);
	hc_ldap_close(c);
	return code;
}
