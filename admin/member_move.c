/* hcoopctl member move NAME HOST [--copy-from-here [--copy-dest DEST]]
 * [--dry-run]
 *
 * One change: hcoopHost replaced under an RFC 4528 assertion that it still
 * holds the value we read, so two admins moving the same member cannot
 * interleave (the second is told who won). The old host refuses the member
 * at its next change event (seconds), the new one pre-creates the home and
 * Maildir (precreate_homes). The data is copied with rsync from the old
 * host; the old home is kept, never deleted (hcoopctl homes audit lists
 * it, --archive moves it aside). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "ldap_conn.h"
#include "ldapw.h"
#include "names.h"
#include "child.h"

#define RSYNC "/usr/bin/rsync"
#define RSYNC_TIMEOUT_MS (12u * 3600u * 1000u) /* a big home over a slow link */

int ctl_member_set_host(struct ctl *ctl, struct hc_ldap *c, const char *dn,
			const char *from, const char *to, char *diag, size_t dlen)
{
	struct ctl_mods m = { .n = 0 };
	char filter[HC_ESCAPED_SIZE(256) + 32], esc[HC_ESCAPED_SIZE(256)];
	struct ctl_change ch = { .op = CTL_OP_MODIFY, .dn = dn, .mods = &m,
				 .assert_filter = filter };
	int rc;

	if (from && from[0]) {
		if (strlen(from) > 255 ||
		    hc_ldap_escape_filter(from, esc, sizeof(esc)) < 0)
			return LDAP_PARAM_ERROR;
		snprintf(filter, sizeof(filter), "(hcoopHost=%s)", esc);
	} else {
		snprintf(filter, sizeof(filter), "(!(hcoopHost=*))");
	}
	ctl_mod(&m, LDAP_MOD_REPLACE, "hcoopHost", to);
	rc = ctl_change_apply(ctl, c, &ch);
	if (diag)
		snprintf(diag, dlen, "%s", ch.diag);
	return rc;
}

struct move_req {
	const char *name, *to, *dest;
	bool copy;
};

static int parse_move(struct ctl *ctl, int argc, char **argv, struct move_req *q)
{
	static const struct option opts[] = {
		{ "copy-from-here", no_argument, NULL, 'c' },
		{ "copy-dest", required_argument, NULL, 'D' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'c')
			q->copy = true;
		else if (c == 'D')
			q->dest = optarg;
		else if (c == 'd')
			ctl->dry_run = true;
		else
			return -1;
	}
	if (optind + 2 != argc) {
		ctl_err("usage: hcoopctl member move NAME HOST [--copy-from-here "
			"[--copy-dest DEST]] [--dry-run]");
		return -1;
	}
	q->name = argv[optind];
	q->to = argv[optind + 1];
	return 0;
}

/* The admin's own ssh identity (agent, ~/.ssh) reaches rsync's ssh. */
static int run_rsync(const char *src, const char *dest)
{
	static const char *const pass[] = { "HOME", "SSH_AUTH_SOCK", "USER",
					    "LOGNAME" };
	char envbuf[5][1024], *envp[6];
	size_t ne = 0;
	char *const argv[] = { (char *)(uintptr_t)RSYNC, (char *)(uintptr_t)"-aHAX",
			       (char *)(uintptr_t)"--numeric-ids",
			       (char *)(uintptr_t)src, (char *)(uintptr_t)dest, NULL };
	char err[1024], how[64];
	struct hc_spawn_req req = { .argv = argv, .envp = envp,
				    .timeout_ms = RSYNC_TIMEOUT_MS, .err = err,
				    .errlen = sizeof(err) };
	struct hc_spawn_res res;
	int r;

	snprintf(envbuf[ne], sizeof(envbuf[ne]), "PATH=/usr/bin:/bin");
	envp[ne] = envbuf[ne];
	ne++;
	for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++) {
		const char *v = getenv(pass[i]);

		if (v && (size_t)snprintf(envbuf[ne], sizeof(envbuf[ne]), "%s=%s",
					  pass[i], v) < sizeof(envbuf[ne])) {
			envp[ne] = envbuf[ne];
			ne++;
		}
	}
	envp[ne] = NULL;
	printf("running: %s -aHAX --numeric-ids %s %s\n", RSYNC, src, dest);
	fflush(stdout);
	r = hc_spawn_run(&req, &res);
	if (r < 0) {
		ctl_err("cannot run %s: %s", RSYNC, strerror(-r));
		return -1;
	}
	if (res.exited && res.code == 0)
		return 0;
	ctl_err("rsync failed (%s): %s", hc_spawn_describe(&req, &res, how, sizeof(how)),
		err);
	return -1;
}

/* The length of path without its trailing slashes (at least 1 for "/"). */
static size_t trim_len(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	return n;
}

/* rsync's source and destination for the home. The home goes into its
 * parent (src "/home/alice", dest "root@HOST:/home/"), so that rsync makes
 * it as an entry of a directory that exists: a mkdir that takes EEXIST in
 * its stride. As the top-level destination ("/home/alice/" into
 * ".../home/alice/") rsync would stat it, find nothing, then mkdir it, and
 * the new host pre-creates that very home within a second of the move:
 * rsync then exits 11 ("mkdir ... failed: File exists"), the copy lost.
 * A --copy-dest whose last component is not the home's name is copied
 * into as given (contents to contents): the admin chose that directory.
 * home is absolute with a last component (copy_step checks); false when a
 * path does not fit. */
static bool copy_args(const struct move_req *q, const char *home, char *src,
		      size_t srclen, char *dest, size_t destlen)
{
	size_t hn = trim_len(home), dn, leaf;
	const char *slash = memrchr(home, '/', hn);
	int n;

	leaf = hn - (size_t)(slash - home) - 1;
	if (!q->dest) {
		n = snprintf(dest, destlen, "root@%s:%.*s/", q->to,
			     (int)(slash - home), home);
	} else {
		dn = trim_len(q->dest);
		if (dn <= leaf || memcmp(q->dest + dn - leaf, slash + 1, leaf) != 0 ||
		    q->dest[dn - leaf - 1] != '/') {
			/* another name: contents into it, as given */
			return (size_t)snprintf(src, srclen, "%.*s/", (int)hn, home) < srclen &&
			       (size_t)snprintf(dest, destlen, "%s", q->dest) < destlen;
		}
		n = snprintf(dest, destlen, "%.*s", (int)(dn - leaf), q->dest);
	}
	return n >= 0 && (size_t)n < destlen &&
	       (size_t)snprintf(src, srclen, "%.*s", (int)hn, home) < srclen;
}

static int copy_step(const struct move_req *q, const char *home, const char *from)
{
	char src[1100], dest[1400];
	size_t hn = trim_len(home);

	if (home[0] != '/' || hn < 2) {
		ctl_err("%s: home directory \"%.200s\" is not an absolute path to a "
			"directory of its own: copy the data by hand", q->name, home);
		return -1;
	}
	if (!copy_args(q, home, src, sizeof(src), dest, sizeof(dest))) {
		ctl_err("home %.200s or destination too long to copy", home);
		return -1;
	}
	if (!q->copy) {
		printf("next: copy the data, as root on %s:\n"
		       "  rsync -aHAX --numeric-ids %s %s\n"
		       "(or run `hcoopctl member move %s %s --copy-from-here` there); "
		       "the old home stays on %s until you archive it "
		       "(hcoopctl homes audit --archive DIR)\n",
		       from[0] ? from : "the old host", src, dest, q->name, q->to,
		       from[0] ? from : "the old host");
		return 0;
	}
	return run_rsync(src, dest);
}

static int check_target(struct ctl *ctl, struct hc_ldap *c, const char *to)
{
	char role[32];
	int r = ctl_host_role(ctl, c, to, role, sizeof(role));

	if (r == 0)
		ctl_err("%s: no such host entry (class hcoopServer)", to);
	else if (r > 0 && strcmp(role, "member") != 0 && strcmp(role, "spare") != 0)
		ctl_err("%s: its role is %s: only member or spare hosts take members",
			to, role);
	else if (r > 0)
		return 0;
	return -1;
}

int ctl_member_move(struct ctl *ctl, int argc, char **argv)
{
	struct move_req q = { 0 };
	struct hc_ldap *c = NULL;
	char dn[600], from[300], home[1024], diag[512];
	int r, rc, code = CTL_EXIT_REFUSED;

	if (parse_move(ctl, argc, argv, &q) < 0)
		return CTL_EXIT_USAGE;
	if (ctl_write_connect(ctl, &c) < 0)
		return ctl_require_admin(ctl) ? CTL_EXIT_LDAP : CTL_EXIT_USAGE;
	r = ctl_member_find(ctl, c, q.name, dn, sizeof(dn), from, sizeof(from));
	if (r <= 0) {
		hc_ldap_close(c);
		return r == 0 ? CTL_EXIT_NOTFOUND : CTL_EXIT_LDAP;
	}
	if (ctl_find_one(ctl, c, dn, "(objectClass=posixAccount)", "homeDirectory",
			 home, sizeof(home), NULL, 0) <= 0 || check_target(ctl, c, q.to) < 0)
		goto out;
	if (from[0] && hc_host_equal(from, q.to)) {
		printf("%s is already on %s\n", q.name, q.to);
		code = CTL_EXIT_OK;
		goto out;
	}
	rc = ctl_member_set_host(ctl, c, dn, from, q.to, diag, sizeof(diag));
	if (rc == LDAP_ASSERTION_FAILED) {
		ctl_err("%s is no longer on %s (someone moved them meanwhile): nothing "
			"changed; look again with hcoopctl explain %s", q.name,
			from[0] ? from : "no host", q.name);
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		ctl_err("modify %s: %s%s%s", dn, ldap_err2string(rc), diag[0] ? " - " : "",
			diag);
		code = CTL_EXIT_LDAP;
		goto out;
	}
	if (!ctl->dry_run)
		printf("moved %s: %s -> %s; %s refuses them within seconds, %s "
		       "pre-creates the home\n", q.name, from[0] ? from : "(no host)",
		       q.to, from[0] ? from : "no host", q.to);
	code = ctl->dry_run ? CTL_EXIT_OK : copy_step(&q, home, from) == 0 ? CTL_EXIT_OK : CTL_EXIT_COPY;
out:
	hc_ldap_close(c);
	return code;
}
