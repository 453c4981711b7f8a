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

#include "names.h"
#include "numparse.h"

#define LOCAL_FILE_MAX (16u << 20)   /* a bigger /etc/passwd is refused */
#define NSS_BUF_MAX (1u << 20)
#define NO_ID UINT32_MAX             /* an id field we could not parse */

/* One local database (passwd or group) as the files source sees it: the
 * name (field 1) and the id (field 3) of every line. */
struct local_ent {
	const char *name;
	uint32_t id;
};

struct local_db {
	const char *path;
	char *buf;
	struct local_ent *ent;
	size_t n;
};

static void local_free(struct local_db *db)
{
	free(db->buf);
	free(db->ent);
	db->buf = NULL;
	db->ent = NULL;
	db->n = 0;
}

/* The whole file, NUL-terminated (a line growing under us is cut). */
static int read_file(const char *path, char **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t used = 0, size;
	struct stat st;
	char *buf;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > LOCAL_FILE_MAX) {
		close(fd);
		return -EINVAL; /* not a regular file of a sane size */
	}
	size = (size_t)st.st_size;
	buf = malloc(size + 1);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (used < size) {
		n = read(fd, buf + used, size - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	*out = buf;
	return 0;
}

/* name:x:ID:... ; lines without three fields still define their name. */
static void parse_line(char *line, struct local_ent *e)
{
	char *f2 = strchr(line, ':'), *f3 = NULL, *end;

	e->name = line;
	e->id = NO_ID;
	if (f2 == NULL)
		return;
	*f2++ = '\0';
	f3 = strchr(f2, ':');
	if (f3 == NULL)
		return;
	f3++;
	end = strchr(f3, ':');
	if (end != NULL)
		*end = '\0';
	if (hc_parse_u32(f3, 0, UINT32_MAX - 1, &e->id) < 0)
		e->id = NO_ID;
}

static int local_load(struct local_db *db, const char *path)
{
	size_t lines = 1;
	char *s, *nl;
	int r;

	memset(db, 0, sizeof(*db));
	db->path = path;
	r = read_file(path, &db->buf);
	if (r < 0)
		return r;
	for (s = db->buf; *s; s++)
		lines += *s == '\n';
	db->ent = calloc(lines, sizeof(*db->ent));
	if (db->ent == NULL) {
		local_free(db);
		return -ENOMEM;
	}
	for (s = db->buf; *s; s = nl) {
		nl = strchr(s, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		else
			nl = s + strlen(s);
		if (*s == '\0' || *s == '#')
			continue;
		parse_line(s, &db->ent[db->n++]);
	}
	return 0;
}

/* The local entry with this name, or else with this id; NULL for none. */
static const struct local_ent *local_find(const struct local_db *db,
					  const char *name, uint32_t id)
{
	for (size_t i = 0; i < db->n; i++)
		if (name != NULL && strcmp(db->ent[i].name, name) == 0)
			return &db->ent[i];
	for (size_t i = 0; i < db->n; i++)
		if (db->ent[i].id != NO_ID && db->ent[i].id == id)
			return &db->ent[i];
	return NULL;
}

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

bool hc_admit_is_ours(const struct hc_admit_in *in, struct hc_admit_out *out)
{
	const char *path = in->passwd_path ? in->passwd_path : HC_PASSWD_PATH;
	const struct hc_user *u = in->user;
	const struct local_ent *hit;
	struct local_db db;
	int r;

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
	r = local_load(&db, path);
	if (r < 0) {
		say(out->why, sizeof(out->why), "cannot read %s: %s", path,
		    strerror(-r));
		return false;
	}
	hit = local_find(&db, u->name, u->uid);
	if (hit != NULL && strcmp(hit->name, u->name) == 0)
		say(out->why, sizeof(out->why),
		    "name \"%s\" is the local user %s (uid %u in %s)", u->name,
		    hit->name, (unsigned)hit->id, path);
	else if (hit != NULL)
		say(out->why, sizeof(out->why),
		    "uid %u of \"%s\" belongs to the local user %s (in %s)",
		    (unsigned)u->uid, u->name, hit->name, path);
	local_free(&db);
	if (hit != NULL)
		return false;
	if (!in->skip_nss && !nss_agrees(u, out))
		return false;
	set(out, HC_ADMIT_HERE);
	return true;
}

/* One group (gid, and its cached name when known) against the local group
 * file and the reserved range. */
static bool group_is_local(const struct hc_admit_in *in,
			   const struct local_db *db, uint32_t gid,
			   const char *what, struct hc_admit_out *out)
{
	struct hc_group g = { 0 };
	const struct local_ent *hit;
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
			   struct hc_admit_out *out)
{
	const char *path = in->group_path ? in->group_path : HC_GROUP_PATH;
	const struct hc_user *u = in->user;
	struct local_db db;
	bool bad;
	int r = local_load(&db, path);

	if (r < 0) {
		say(out->why, sizeof(out->why), "cannot read %s: %s", path,
		    strerror(-r));
		return true;
	}
	bad = group_is_local(in, &db, u->gid, "primary group", out);
	for (uint32_t i = 0; !bad && i < u->ngroups; i++) {
		uint32_t gid;

		r = hc_cache_user_group(in->cache, u, i, &gid);
		if (r < 0) {
			say(out->why, sizeof(out->why), "group %u: %s",
			    (unsigned)i, strerror(-r));
			bad = true;
		} else {
			bad = group_is_local(in, &db, gid, "group", out);
		}
	}
	local_free(&db);
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

enum hc_admit hc_admit_decide(const struct hc_admit_in *in,
			      struct hc_admit_out *out)
{
	if (!hc_admit_is_ours(in, out))
		return out->result;
	out->why[0] = '\0';
	if (groups_collide(in, out)) {
		say(out->member_msg, sizeof(out->member_msg),
		    "Your account cannot log in here: one of its groups "
		    "clashes with a local group. Please tell the admins.");
		return set(out, HC_REFUSE_LOCAL_GROUP);
	}
	if (status_refusal(in, out) != HC_ADMIT_HERE)
		return out->result;
	return host_decision(in, out);
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
