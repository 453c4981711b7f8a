/* hcoopctl explain USER [--host HOST] [--ldap]: why USER may or may not log
 * in on this host (or on HOST, as that host would decide from this host's
 * cache). The verdict and the member's message come from
 * common/admission.c, the very function pam_hcoop's account step calls, so
 * explain can never disagree with PAM. The other facts (uid, groups,
 * shell, home, cache age, what the sync skipped) are there to show why. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "admission.h"
#include "cache.h"
#include "hcoopctl.h"
#include "hoststat.h"
#include "names.h"
#include "skiplist.h"

struct explain_opts {
	const char *user, *host;
	bool ldap;
};

static int parse(int argc, char **argv, struct explain_opts *o)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "ldap", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'H')
			o->host = optarg;
		else if (c == 'l')
			o->ldap = true;
		else
			return -1;
	}
	if (optind + 1 != argc)
		return -1;
	o->user = argv[optind];
	return 0;
}

/* Is shell listed in /etc/shells here? */
static bool shell_listed(const char *shell)
{
	char line[4096];
	FILE *f = fopen("/etc/shells", "re");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		found = line[0] == '/' && strcmp(line, shell) == 0;
	}
	fclose(f);
	return found;
}

static void home_facts(json_object *o, const struct hc_user *u)
{
	struct stat st;

	if (lstat(u->dir, &st) < 0) {
		ctl_jset_str(o, "home_state", "missing (made at first login)");
		return;
	}
	if (!S_ISDIR(st.st_mode))
		ctl_jset_str(o, "home_state", "not a directory");
	else if (st.st_uid != u->uid)
		ctl_jset_str(o, "home_state", "owned by another uid");
	else
		ctl_jset_str(o, "home_state", "present");
	ctl_jset_int(o, "home_owner", st.st_uid);
	ctl_jset_int(o, "home_mode", st.st_mode & 07777);
}

static void user_facts(struct ctl *ctl, const struct hc_cache *c,
		       const struct hc_user *u)
{
	json_object *o = ctl->out;
	int admin = ctl->cfg.admin_group
			    ? hc_cache_user_in_group(c, u, ctl->cfg.admin_group)
			    : 0;

	ctl_jset_bool(o, "in_cache", true);
	ctl_jset_int(o, "uid", u->uid);
	ctl_jset_int(o, "gid", u->gid);
	ctl_jset_str(o, "dn", u->dn);
	ctl_jset_str(o, "assigned_host", u->host[0] ? u->host : NULL);
	ctl_jset_bool(o, "admin", admin == 1);
	ctl_jset_bool(o, "locked", (u->flags & HC_USER_LOCKED) != 0);
	ctl_jset_bool(o, "expired", u->shadow_expire != HC_NO_EXPIRE &&
					    u->shadow_expire * 86400 <= time(NULL));
	ctl_jset_str(o, "shell", u->shell);
	ctl_jset_bool(o, "shell_listed_here", shell_listed(u->shell));
	ctl_jset_str(o, "home", u->dir);
	home_facts(o, u);
}

static void not_in_cache(struct ctl *ctl, const char *user)
{
	char reason[1024];

	ctl_jset_bool(ctl->out, "in_cache", false);
	if (hc_skiplist_find(ctl->cfg.cache, "user", user, reason,
			     sizeof(reason)) == 1)
		ctl_jset_str(ctl->out, "skipped_by_sync", reason);
}

static void cache_facts(struct ctl *ctl, const struct hc_cache *c)
{
	struct hc_cache_info info;

	if (hc_cache_info(c, &info) == 0) {
		ctl_jset_int(ctl->out, "cache_generation", (int64_t)info.generation);
		ctl_jset_int(ctl->out, "cache_age",
			     hc_hoststat_cache_age(&ctl->cfg, &info,
						   (int64_t)time(NULL)));
	}
}

static void print_text(const struct ctl *ctl)
{
	static const char *const keys[] = {
		"user", "host", "in_cache", "skipped_by_sync", "uid", "gid", "dn",
		"assigned_host", "admin", "locked", "expired", "shell",
		"shell_listed_here", "home", "home_state", "cache_age",
		"ldap", "ldap_differs", "verdict", "why", "message",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_object *v;

		if (!json_object_object_get_ex(ctl->out, keys[i], &v) || !v)
			continue;
		printf("%-18s %s\n", keys[i], json_object_get_string(v));
	}
}

int ctl_explain_ldap(struct ctl *ctl, const char *user,
		     const struct hc_user *cached);

int ctl_cmd_explain(struct ctl *ctl, int argc, char **argv)
{
	struct explain_opts o = { 0 };
	struct hc_admit_in in = { 0 };
	struct hc_admit_out out;
	struct hc_cache *c = NULL;
	struct hc_user u;
	bool found = false;
	enum hc_admit a;

	if (parse(argc, argv, &o) < 0) {
		ctl_err("usage: hcoopctl explain USER [--host HOST] [--ldap]");
		return CTL_EXIT_USAGE;
	}
	ctl_jset_str(ctl->out, "user", o.user);
	ctl_jset_str(ctl->out, "host", o.host ? o.host : ctl->cfg.host);
	if (hc_cache_open(ctl->cfg.cache, &c) == 0) {
		found = hc_valid_name(o.user) &&
			hc_cache_user_byname(c, o.user, &u) == 0;
		cache_facts(ctl, c);
		if (found)
			user_facts(ctl, c, &u);
		else
			not_in_cache(ctl, o.user);
	}
	in.cache = c;
	in.user = found ? &u : NULL;
	in.host = o.host ? o.host : ctl->cfg.host;
	in.admin_group = ctl->cfg.admin_group;
	in.min_uid = ctl->cfg.min_uid;
	in.now = (int64_t)time(NULL);
	a = hc_admit_decide(&in, &out);
	ctl_jset_str(ctl->out, "verdict", hc_admit_name(a));
	ctl_jset_bool(ctl->out, "admitted", hc_admit_ok(a));
	ctl_jset_str(ctl->out, "why", out.why);
	ctl_jset_str(ctl->out, "message", out.member_msg[0] ? out.member_msg : NULL);
	if (o.ldap && ctl_explain_ldap(ctl, o.user, found ? &u : NULL) < 0) {
		hc_cache_close(c);
		return CTL_EXIT_LDAP;
	}
	if (ctl->json)
		ctl_print_json(ctl);
	else
		print_text(ctl);
	hc_cache_close(c);
	if (a == HC_CACHE_UNUSABLE)
		return CTL_EXIT_CACHE;
	if (a == HC_NOT_OURS)
		return CTL_EXIT_NOTFOUND;
	return hc_admit_ok(a) ? CTL_EXIT_OK : CTL_EXIT_REFUSED;
}
