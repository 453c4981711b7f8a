/* hcoopctl homes audit [--archive DIR] [--dry-run]   (run on a host)
 *
 * Every directory directly under home_base whose owner is not a member
 * assigned to this host, with why, its size and its last change:
 *   moved      the owner's uid is a member assigned to another host (shown)
 *   no-host    the owner's member is assigned to no host
 *   deleted    no entry has the uid, and the counter handed it out: a
 *              deleted member's home
 *   unknown    no entry has the uid, and it is not one the counter gave
 *   MISMATCH   the directory carries a member's name but its owner's uid
 *              is someone else's (or the name's member has another uid):
 *              must never happen with uids that are never reused - loud
 * Local accounts' directories (owner in this machine's /etc/passwd) are
 * not members' business and are left out. Nothing is ever deleted:
 * --archive DIR renames each listed home into DIR (same filesystem: a
 * rename, atomic, no copy; one refused across filesystems). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "ldap_conn.h"
#include "ldapw.h"
#include "names.h"

struct member {
	uint32_t uid;
	char name[HC_NAME_MAX + 1];
	char host[256];
};

struct members {
	struct member *m;
	size_t n, cap;
};

static int add_member(LDAP *ld, LDAPMessage *e, void *p)
{
	struct members *ms = p;
	struct berval **u = ldap_get_values_len(ld, e, "uid");
	struct berval **n = ldap_get_values_len(ld, e, "uidNumber");
	struct berval **h = ldap_get_values_len(ld, e, "hcoopHost");
	int r = 0;

	if (u && u[0] && n && n[0] && u[0]->bv_len <= HC_NAME_MAX && n[0]->bv_len < 12) {
		char num[12];
		struct member *x;

		if (ms->n == ms->cap) {
			size_t cap = ms->cap ? ms->cap * 2 : 512;
			struct member *nm = realloc(ms->m, cap * sizeof(*nm));

			if (!nm) {
				r = -1;
				goto out;
			}
			ms->m = nm;
			ms->cap = cap;
		}
		x = &ms->m[ms->n++];
		memcpy(num, n[0]->bv_val, n[0]->bv_len);
		num[n[0]->bv_len] = '\0';
		x->uid = (uint32_t)strtoul(num, NULL, 10);
		memcpy(x->name, u[0]->bv_val, u[0]->bv_len);
		x->name[u[0]->bv_len] = '\0';
		x->host[0] = '\0';
		if (h && h[0] && h[0]->bv_len < sizeof(x->host)) {
			memcpy(x->host, h[0]->bv_val, h[0]->bv_len);
			x->host[h[0]->bv_len] = '\0';
		}
	}
out:
	ldap_value_free_len(u);
	ldap_value_free_len(n);
	ldap_value_free_len(h);
	return r;
}

static const struct member *by_uid(const struct members *ms, uint32_t uid)
{
	for (size_t i = 0; i < ms->n; i++)
		if (ms->m[i].uid == uid)
			return &ms->m[i];
	return NULL;
}

static const struct member *by_name(const struct members *ms, const char *name)
{
	for (size_t i = 0; i < ms->n; i++)
		if (strcmp(ms->m[i].name, name) == 0)
			return &ms->m[i];
	return NULL;
}

static bool local_uid(uid_t uid)
{
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd *p;
	bool found = false;

	if (!f)
		return false;
	while (!found && (p = fgetpwent(f)))
		found = p->pw_uid == uid;
	fclose(f);
	return found;
}

/* du and the newest change inside, never following a symlink nor leaving
 * the filesystem. nftw has no context argument: one walk at a time. */
static uint64_t walk_bytes;
static time_t walk_newest;

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path;
	(void)type;
	(void)ftw;
	walk_bytes += (uint64_t)st->st_blocks * 512u;
	if (st->st_mtime > walk_newest)
		walk_newest = st->st_mtime;
	return 0;
}

struct audit {
	struct ctl *ctl;
	struct members ms;
	int64_t counter;
	const char *archive;
	json_object *list;
	int mismatches, archived, failed;
};

/* Why this home is listed, or NULL when it belongs here. */
static const char *classify(const struct audit *a, const char *name, uid_t owner,
			    char *why, size_t len)
{
	const struct member *o = by_uid(&a->ms, owner), *n = by_name(&a->ms, name);

	if (o && strcmp(o->name, name) != 0) {
		snprintf(why, len, "uid %u is %s's, not %s's%s", (unsigned)owner, o->name,
			 name, n ? " (who has another uid)" : "");
		return "MISMATCH";
	}
	if (!o && n) {
		snprintf(why, len, "%s has uid %u in LDAP, the directory is owned by %u",
			 name, (unsigned)n->uid, (unsigned)owner);
		return "MISMATCH";
	}
	if (o && o->host[0] && hc_host_equal(o->host, a->ctl->cfg.host))
		return NULL;
	if (o) {
		snprintf(why, len, "%s", o->host[0] ? o->host : "(no host)");
		return o->host[0] ? "moved" : "no-host";
	}
	if (local_uid(owner))
		return NULL;
	if (a->counter > 0 && (int64_t)owner <= a->counter && owner >= a->ctl->cfg.min_uid) {
		snprintf(why, len, "uid %u not in LDAP (deleted member)", (unsigned)owner);
		return "deleted";
	}
	snprintf(why, len, "uid %u not in LDAP", (unsigned)owner);
	return "unknown";
}

static void archive_one(struct audit *a, int basefd, const char *name)
{
	char target[4096], stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(target, sizeof(target), "%s/%s.%s", a->archive, name, stamp);
	if (a->ctl->dry_run) {
		printf("  would archive to %s\n", target);
		return;
	}
	if (renameat2(basefd, name, AT_FDCWD, target, RENAME_NOREPLACE) == 0) {
		printf("  archived to %s\n", target);
		a->archived++;
		return;
	}
	ctl_err("archive %s/%s -> %s: %s%s", a->ctl->cfg.home_base, name, target,
		strerror(errno), errno == EXDEV ? " (the archive must be on the same "
						  "filesystem: homes are never copied)" : "");
	a->failed++;
}

static void audit_one(struct audit *a, int basefd, const char *name)
{
	char why[400], path[4096], when[32];
	const char *kind;
	struct stat st;
	json_object *o;
	struct tm tm;

	if (fstatat(basefd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
		return;
	kind = classify(a, name, st.st_uid, why, sizeof(why));
	if (!kind)
		return;
	snprintf(path, sizeof(path), "%s/%s", a->ctl->cfg.home_base, name);
	walk_bytes = 0;
	walk_newest = st.st_mtime;
	nftw(path, walk_one, 16, FTW_PHYS | FTW_MOUNT);
	gmtime_r(&walk_newest, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	o = json_object_new_object();
	ctl_jset_str(o, "home", path);
	ctl_jset_str(o, "kind", kind);
	ctl_jset_str(o, "detail", why);
	ctl_jset_int(o, "owner_uid", st.st_uid);
	ctl_jset_int(o, "bytes", (int64_t)walk_bytes);
	ctl_jset_int(o, "last_change", (int64_t)walk_newest);
	json_object_array_add(a->list, o);
	if (strcmp(kind, "MISMATCH") == 0)
		a->mismatches++;
	if (!a->ctl->json)
		printf("%-9s %-40s %10" PRIu64 "K  %s  %s\n", kind, path,
		       walk_bytes / 1024, when, why);
	if (a->archive)
		archive_one(a, basefd, name);
}

static int load_members(struct audit *a, struct hc_ldap *c)
{
	static char a_u[] = "uid", a_n[] = "uidNumber", a_h[] = "hcoopHost";
	char *attrs[] = { a_u, a_n, a_h, NULL };
	const struct hc_config *cfg = &a->ctl->cfg;
	char err[512];
	int r;

	r = hc_ldap_search_paged(c, cfg->user_base ? cfg->user_base : cfg->base,
				 LDAP_SCOPE_SUBTREE, "(objectClass=posixAccount)",
				 attrs, 0, add_member, &a->ms, err, sizeof(err));
	if (r != 0) {
		ctl_err("%s", r > 0 ? "out of memory" : err);
		return -1;
	}
	a->counter = ctl_counter_peek(a->ctl, c);
	return a->counter < 0 ? -1 : 0;
}

static int parse_audit(struct ctl *ctl, int argc, char **argv, struct audit *a)
{
	static const struct option opts[] = {
		{ "archive", required_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	optind = 0; /* a new argv for getopt (main parsed its own) */
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'a')
			a->archive = optarg;
		else if (o == 'd')
			ctl->dry_run = true;
		else
			return -1;
	}
	if (optind + 1 != argc || strcmp(argv[optind], "audit") != 0) {
		ctl_err("usage: hcoopctl homes audit [--archive DIR] [--dry-run] | "
			"hcoopctl homes restores");
		return -1;
	}
	return 0;
}

static void walk_base(struct audit *a, int basefd)
{
	DIR *d = fdopendir(dup(basefd));
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			audit_one(a, basefd, de->d_name);
	closedir(d);
}

int ctl_cmd_homes(struct ctl *ctl, int argc, char **argv)
{
	struct audit a = { .ctl = ctl };
	struct hc_ldap *c = NULL;
	int basefd, code;

	if (argc == 2 && strcmp(argv[1], "restores") == 0)
		return ctl_homes_restores(ctl);
	if (parse_audit(ctl, argc, argv, &a) < 0)
		return CTL_EXIT_USAGE;
	basefd = open(ctl->cfg.home_base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (basefd < 0) {
		ctl_err("%s: %s", ctl->cfg.home_base, strerror(errno));
		return CTL_EXIT_USAGE;
	}
	if (ctl_connect(ctl, &c) < 0 || load_members(&a, c) < 0) {
		hc_ldap_close(c);
		close(basefd);
		free(a.ms.m);
		return CTL_EXIT_LDAP;
	}
	hc_ldap_close(c);
	a.list = json_object_new_array();
	json_object_object_add(ctl->out, "homes", a.list);
	if (!ctl->json)
		printf("%-9s %-40s %11s  %-20s  %s\n", "KIND", "HOME", "SIZE",
		       "LAST CHANGE", "DETAIL");
	walk_base(&a, basefd);
	close(basefd);
	ctl_jset_int(ctl->out, "mismatches", a.mismatches);
	if (ctl->json)
		ctl_print_json(ctl);
	else if (a.mismatches)
		fprintf(stderr, "hcoopctl: WARNING: %d home(s) owned by a uid that "
			"is now another member's: that member can read them; fix the "
			"ownership NOW\n", a.mismatches);
	code = a.mismatches ? CTL_EXIT_REFUSED : a.failed ? CTL_EXIT_USAGE : CTL_EXIT_OK;
	free(a.ms.m);
	return code;
}
