/* hc_admit_*: see admission.h for the rules. */
#include "admission.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "localdb.h"
#include "names.h"

#define NSS_BUF_MAX (1u << 20)

static void say(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static enum hc_admit set(struct hc_admit_out *out, enum hc_admit a)
{
	out->result = a;
	return a;
}

static uint32_t id_floor(const struct hc_admit_in *in)
{
	return in->min_uid > 1 ? in->min_uid : 1;
}

static bool missing_input(const struct hc_admit_in *in,
			  struct hc_admit_out *out)
{
	if (in->cache == NULL) {
		say(out->why, sizeof(out->why), "no usable cache");
		set(out, HC_CACHE_UNUSABLE);
		return true;
	}
	if (in->user == NULL || in->user->name == NULL ||
	    !hc_valid_name(in->user->name)) {
		say(out->why, sizeof(out->why), "not in the cache");
		set(out, HC_NOT_OURS);
		return true;
	}
	return false;
}

/* What NSS answers for the name must be the cached account: with "files"
 * first a local name wins there, and any other source in front of ours
 * could answer too. */
static bool nss_agrees(const struct hc_user *u, struct hc_admit_out *out)
{
	struct passwd pw, *res = NULL;
	size_t len = 4096;
	char *buf = NULL;
	int e;

	do {
		char *nb = realloc(buf, len);

		if (nb == NULL) {
			e = ENOMEM;
			break;
		}
		buf = nb;
		e = getpwnam_r(u->name, &pw, buf, len, &res);
		len *= 2;
	} while (e == ERANGE && len <= NSS_BUF_MAX);
	if (e == 0 && res != NULL && res->pw_uid == u->uid) {
		free(buf);
		return true;
	}
	if (e == 0 && res != NULL)
		say(out->why, sizeof(out->why),
		    "name \"%s\" resolves to uid %u, not the cached uid %u",
		    u->name, (unsigned)res->pw_uid, (unsigned)u->uid);
	else
		say(out->why, sizeof(out->why),
		    "name \"%s\" does not resolve through NSS (%s)", u->name,
		    e ? strerror(e) : "not found");
	free(buf);
	return false;
}

/* The local files of in (common/localdb.c), read afresh: a local account
 * made a second ago counts. false (and out->why) when they cannot be read:
 * we cannot prove a name is free. */
static bool load_local(const struct hc_admit_in *in, struct hc_local *l,
		       struct hc_admit_out *out)
{
	const struct hc_local_paths paths = { .passwd = in->passwd_path,
					      .group = in->group_path };
	char err[300];

	if (hc_local_load(l, &paths, err, sizeof(err)) == 0)
		return true;
	say(out->why, sizeof(out->why), "%s", err);
	return false;
}

/* By name, else by id, as the files source would answer either. */
static const struct hc_local_ent *local_find(const struct hc_local_db *d,
					     const char *name, uint32_t id)
{
	const struct hc_local_ent *e = name ? hc_local_byname(d, name) : NULL;

	return e ? e : hc_local_byid(d, id);
}

/* The checks that need no file: the input, the reserved range. false:
 * out says why (the name is not ours). */
static bool precheck(const struct hc_admit_in *in, struct hc_admit_out *out)
{
	const struct hc_user *u = in->user;

	memset(out, 0, sizeof(*out));
	if (missing_input(in, out))
		return false;
	set(out, HC_SHADOWED_BY_LOCAL);
	if (u->uid < id_floor(in)) {
		say(out->why, sizeof(out->why),
		    "uid %u is reserved (below %u)", (unsigned)u->uid,
		    (unsigned)id_floor(in));
		return false;
	}
	return true;
}

/* After precheck, with the local files read: does no local user own the
 * name or uid, and does NSS agree? */
static bool ours_given(const struct hc_admit_in *in,
		       const struct hc_local *local, struct hc_admit_out *out)
{
	const struct hc_user *u = in->user;
	const struct hc_local_ent *hit = local_find(&local->users, u->name, u->uid);

	if (hit != NULL && strcmp(hit->name, u->name) == 0)
		say(out->why, sizeof(out->why),
		    "name \"%s\" is the local user %s (uid %u in %s)", u->name,
		    hit->name, (unsigned)hit->id, local->users.path);
	else if (hit != NULL)
		say(out->why, sizeof(out->why),
		    "uid %u of \"%s\" belongs to the local user %s (in %s)",
		    (unsigned)u->uid, u->name, hit->name, local->users.path);
	if (hit != NULL)
		return false;
	if (!in->skip_nss && !nss_agrees(u, out))
		return false;
	set(out, HC_ADMIT_HERE);
	return true;
}

bool hc_admit_is_ours(const struct hc_admit_in *in, struct hc_admit_out *out)
{
	struct hc_local local;
	bool ours;

	if (!precheck(in, out) || !load_local(in, &local, out))
		return false;
	ours = ours_given(in, &local, out);
	hc_local_free(&local);
	return ours;
}

/* One group (gid, and its cached name when known) against the local group
 * file and the reserved range. */
static bool group_is_local(const struct hc_admit_in *in,
			   const struct hc_local_db *db, uint32_t gid,
			   const char *what, struct hc_admit_out *out)
{
	struct hc_group g = { 0 };
	const struct hc_local_ent *hit;
	const char *name = NULL;

	if (hc_cache_group_bygid(in->cache, gid, &g) == 0)
		name = g.name;
	hit = local_find(db, name, gid);
	if (hit == NULL && gid < id_floor(in)) {
		say(out->why, sizeof(out->why), "%s gid %u is reserved", what,
		    (unsigned)gid);
		return true;
	}
	if (hit == NULL)
		return false;
	if (name != NULL)
		say(out->why, sizeof(out->why),
		    "%s %s (gid %u) is the local group %s (gid %u in %s)",
		    what, name, (unsigned)gid, hit->name, (unsigned)hit->id,
		    db->path);
	else
		say(out->why, sizeof(out->why),
		    "%s gid %u is the local group %s (gid %u in %s)", what,
		    (unsigned)gid, hit->name, (unsigned)hit->id, db->path);
	return true;
}

static bool groups_collide(const struct hc_admit_in *in,
			   const struct hc_local *local,
			   struct hc_admit_out *out)
{
	const struct hc_user *u = in->user;
	bool bad;
	int r;

	bad = group_is_local(in, &local->groups, u->gid, "primary group", out);
	for (uint32_t i = 0; !bad && i < u->ngroups; i++) {
		uint32_t gid;

		r = hc_cache_user_group(in->cache, u, i, &gid);
		if (r < 0) {
			say(out->why, sizeof(out->why), "group %u: %s",
			    (unsigned)i, strerror(-r));
			bad = true;
		} else {
			bad = group_is_local(in, &local->groups, gid, "group", out);
		}
	}
	return bad;
}

/* A host name from the cache goes into a message to the member: only print
 * it if it looks like a host name. */
static bool printable_host(const char *h)
{
	size_t n = strlen(h);

	if (n == 0 || n > 253)
		return false;
	return strspn(h, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == n;
}

static enum hc_admit status_refusal(const struct hc_admit_in *in,
				    struct hc_admit_out *out)
{
	const struct hc_user *u = in->user;
	int64_t today = in->now / 86400;

	if (u->flags & HC_USER_LOCKED) {
		say(out->why, sizeof(out->why), "account locked");
		say(out->member_msg, sizeof(out->member_msg),
		    "Your account is locked.");
		return set(out, HC_REFUSE_LOCKED);
	}
	if (u->shadow_expire != HC_NO_EXPIRE && u->shadow_expire <= today) {
		say(out->why, sizeof(out->why), "account expired");
		say(out->member_msg, sizeof(out->member_msg),
		    "Your account has expired.");
		return set(out, HC_REFUSE_EXPIRED);
	}
	return HC_ADMIT_HERE;
}

static bool is_admin(const struct hc_admit_in *in, struct hc_admit_out *out)
{
	int r;

	if (in->admin_group == NULL || in->admin_group[0] == '\0')
		return false;
	r = hc_cache_user_in_group(in->cache, in->user, in->admin_group);
	if (r < 0)
		say(out->why, sizeof(out->why), "group check: %s",
		    strerror(-r));
	return r == 1;
}

static enum hc_admit host_decision(const struct hc_admit_in *in,
				   struct hc_admit_out *out)
{
	const char *h = in->user->host ? in->user->host : "";
	const char *here = in->host ? in->host : "";

	if (h[0] != '\0' && here[0] != '\0' && hc_host_equal(h, here)) {
		say(out->why, sizeof(out->why), "assigned to this host");
		return set(out, HC_ADMIT_HERE);
	}
	if (is_admin(in, out)) {
		say(out->why, sizeof(out->why), "member of %.100s",
		    in->admin_group);
		return set(out, HC_ADMIT_ADMIN);
	}
	if (out->why[0] == '\0')
		say(out->why, sizeof(out->why),
		    "assigned to \"%.100s\", not this host (%.100s)", h, here);
	if (h[0] == '\0') {
		say(out->member_msg, sizeof(out->member_msg),
		    "Your account is not assigned to any host.");
		return set(out, HC_REFUSE_NO_HOST);
	}
	if (printable_host(h))
		say(out->member_msg, sizeof(out->member_msg),
		    "Your account lives on %s; log in there.", h);
	else
		say(out->member_msg, sizeof(out->member_msg),
		    "Your account lives on another host.");
	return set(out, HC_REFUSE_ELSEWHERE);
}

/* With the local files read once for both the users and the groups. */
static enum hc_admit decide_given(const struct hc_admit_in *in,
				  const struct hc_local *local,
				  struct hc_admit_out *out)
{
	if (!ours_given(in, local, out))
		return out->result;
	out->why[0] = '\0';
	if (groups_collide(in, local, out)) {
		say(out->member_msg, sizeof(out->member_msg),
		    "Your account cannot log in here: one of its groups "
		    "clashes with a local group. Please tell the admins.");
		return set(out, HC_REFUSE_LOCAL_GROUP);
	}
	if (status_refusal(in, out) != HC_ADMIT_HERE)
		return out->result;
	return host_decision(in, out);
}

enum hc_admit hc_admit_decide(const struct hc_admit_in *in,
			      struct hc_admit_out *out)
{
	struct hc_local local;
	enum hc_admit a;

	if (!precheck(in, out) || !load_local(in, &local, out))
		return out->result;
	a = decide_given(in, &local, out);
	hc_local_free(&local);
	return a;
}

const char *hc_admit_name(enum hc_admit a)
{
	static const char *const names[] = {
		[HC_ADMIT_HERE] = "ADMIT_HERE",
		[HC_ADMIT_ADMIN] = "ADMIT_ADMIN",
		[HC_REFUSE_ELSEWHERE] = "REFUSE_ELSEWHERE",
		[HC_REFUSE_NO_HOST] = "REFUSE_NO_HOST",
		[HC_REFUSE_LOCKED] = "REFUSE_LOCKED",
		[HC_REFUSE_EXPIRED] = "REFUSE_EXPIRED",
		[HC_REFUSE_LOCAL_GROUP] = "REFUSE_LOCAL_GROUP",
		[HC_NOT_OURS] = "NOT_OURS",
		[HC_SHADOWED_BY_LOCAL] = "SHADOWED_BY_LOCAL",
		[HC_CACHE_UNUSABLE] = "CACHE_UNUSABLE",
	};

	if ((unsigned)a < sizeof(names) / sizeof(names[0]) && names[a])
		return names[a];
	return "UNKNOWN";
}
