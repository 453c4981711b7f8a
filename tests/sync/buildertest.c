/* hs-buildertest: the cache builder's streaming API (cache.h: find, read
 * back, remove), and a full dump of a cache through the reader.
 *   hs-buildertest check DIR   TAP lines; exit 1 if any check failed
 *   hs-buildertest dump CACHE  every user (with its SSH keys and its
 *                              group list), group and member, sorted:
 *     U:name:uid:gid:gecos:dir:shell:dn:host:flags:expire
 *     K:name:key line          I:name:gid (one per group of the user)
 *     G:name:gid:member,member,...
 * A removal must leave the builder as if the record had never been
 * added: check renders one with removals and one built without them and
 * compares their dumps. Sorting reorders the records, their maps with
 * them. */
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"

struct lines {
	char **v;
	size_t n, cap;
};

static int add_line(struct lines *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int add_line(struct lines *l, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		char **nv = reallocarray(l->v, ncap, sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	l->v[l->n++] = s;
	return 0;
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int dump_user(const struct hc_cache *c, const struct hc_user *u,
		     struct lines *l)
{
	char exp[32] = "";
	uint32_t i, n, gid;
	const char *k;
	size_t len;
	int r;

	if (u->shadow_expire != HC_NO_EXPIRE)
		snprintf(exp, sizeof(exp), "%" PRId64, u->shadow_expire);
	if ((r = add_line(l, "U:%s:%" PRIu32 ":%" PRIu32 ":%s:%s:%s:%s:%s:%"
			  PRIu32 ":%s", u->name, u->uid, u->gid, u->gecos,
			  u->dir, u->shell, u->dn, u->host, u->flags, exp)) < 0 ||
	    (r = hc_cache_user_nkeys(c, u, &n)) < 0)
		return r;
	for (i = 0; i < n; i++)
		if ((r = hc_cache_user_key(c, u, i, &k, &len)) < 0 ||
		    (r = add_line(l, "K:%s:%s", u->name, k)) < 0)
			return r;
	for (i = 0; i < u->ngroups; i++)
		if ((r = hc_cache_user_group(c, u, i, &gid)) < 0 ||
		    (r = add_line(l, "I:%s:%" PRIu32, u->name, gid)) < 0)
			return r;
	return 0;
}

static int dump_group(const struct hc_group *g, struct lines *l)
{
	struct hc_member_iter it;
	const char *m;
	char *s = NULL;
	size_t len, slen = 0;
	FILE *f = open_memstream(&s, &slen);
	int r;

	if (!f)
		return -ENOMEM;
	hc_member_iter_init(&it, g);
	for (uint32_t j = 0; (r = hc_member_next(&it, &m, &len)) > 0; j++)
		fprintf(f, "%s%s", j ? "," : "", m);
	if (fclose(f) != 0)
		r = -ENOMEM;
	if (r == 0)
		r = add_line(l, "G:%s:%" PRIu32 ":%s", g->name, g->gid, s);
	free(s);
	return r;
}

/* Every line of the cache at path, sorted. */
static int dump(const char *path, struct lines *l)
{
	struct hc_cache *c = NULL;
	struct hc_cache_info info;
	struct hc_user u;
	struct hc_group g;
	uint32_t i;
	int r = hc_cache_open(path, &c);

	if (r < 0 || (r = hc_cache_info(c, &info)) < 0)
		goto out;
	for (i = 0; i < info.user_slots && r == 0; i++) {
		r = hc_cache_user_at(c, i, &u);
		r = r == -ESRCH ? 0 : r == 0 ? dump_user(c, &u, l) : r;
	}
	for (i = 0; i < info.group_slots && r == 0; i++) {
		r = hc_cache_group_at(c, i, &g);
		r = r == -ESRCH ? 0 : r == 0 ? dump_group(&g, l) : r;
	}
	qsort(l->v, l->n, sizeof(*l->v), by_str);
out:
	if (c)
		hc_cache_close(c);
	return r;
}

/* ---- check ---- */

static int failed, count;

static void ok(bool cond, const char *what)
{
	count++;
	if (!cond)
		failed++;
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
}

static const char *const keys1[] = { "ssh-ed25519 AAAAC3Nza one@x",
				     "ssh-rsa AAAAB3Nza two@x" };
static const char *const keys3[] = { "ssh-ed25519 AAAAC3Nzc three@x" };
static const char *const mem_a[] = { "u1", "u3", "nobody" };
static const char *const mem_b[] = { "u0", "u4" };

static int add_u(struct hc_cache_builder *b, int i, const char *host)
{
	char name[16], dir[32], dn[64];
	struct hc_user_in u = { .name = name, .gecos = i % 2 ? "G" : "",
				.dir = dir, .shell = "/bin/sh", .dn = dn,
				.host = host, .uid = 2000 + (uint32_t)i,
				.gid = 2000 + (uint32_t)i,
				.shadow_expire = i == 3 ? 19000 : HC_NO_EXPIRE };
	int r;

	snprintf(name, sizeof(name), "u%d", i);
	snprintf(dir, sizeof(dir), "/home/u%d", i);
	snprintf(dn, sizeof(dn), "uid=u%d,ou=People,dc=x", i);
	if ((r = hc_cache_builder_add_user(b, &u)) < 0)
		return r;
	if (i == 1)
		return hc_cache_builder_set_keys(b, name, keys1, 2);
	if (i == 3)
		return hc_cache_builder_set_keys(b, name, keys3, 1);
	return 0;
}

/* groups: 0 "ga" (members a), 1 "u2" (u2's private group), 2 "gb"
 * (members b), 3 "gc" (none) */
static int add_g(struct hc_cache_builder *b, int i)
{
	static const char *const names[] = { "ga", "u2", "gb", "gc" };
	static const uint32_t gids[] = { 3000, 2002, 3002, 3003 };
	const char *const *m = i == 0 ? mem_a : i == 2 ? mem_b : NULL;
	size_t n = i == 0 ? 3 : i == 2 ? 2 : 0;
	char dn[64];

	snprintf(dn, sizeof(dn), "cn=%s,ou=Groups,dc=x", names[i]);
	return hc_cache_builder_add_group_dn(b, names[i], gids[i], m, n,
					     i == 3 ? NULL : dn);
}

static bool user_is(const struct hc_cache_builder *b, const char *name,
		    uint32_t uid, size_t nkeys_want, const char *key0)
{
	int64_t pos = hc_cache_builder_user_byname(b, name);
	struct hc_user_in u;
	const char *keys[HC_SSH_KEYS_MAX];
	size_t nk;

	if (pos < 0 || hc_cache_builder_user_byuid(b, uid) != pos ||
	    hc_cache_builder_user_at(b, (size_t)pos, &u, keys,
				     HC_SSH_KEYS_MAX, &nk) < 0)
		return false;
	return strcmp(u.name, name) == 0 && u.uid == uid && nk == nkeys_want &&
	       (!key0 || strcmp(keys[0], key0) == 0) &&
	       strncmp(u.dn, "uid=", 4) == 0 && strcmp(u.shell, "/bin/sh") == 0;
}

static bool dn_is(const struct hc_cache_builder *b, size_t pos,
		  const char *want)
{
	char dn[4096];

	return hc_cache_builder_group_dn(b, pos, dn, sizeof(dn)) == 0 &&
	       strcmp(dn, want) == 0;
}

/* Group DNs kept as name + shared suffix (up to 16 suffixes) or whole. */
static void check_dns(void)
{
	struct hc_cache_builder *b = hc_cache_builder_new();
	char name[16], dn[4096];
	bool all = true;
	int i, r = 0;

	if (!b) {
		ok(false, "builder");
		return;
	}
	/* 0..19: "g<i>" under 20 suffixes; then a DN naming another cn and
	 * one that is no cn= at all */
	for (i = 0; i < 20 && r == 0; i++) {
		snprintf(name, sizeof(name), "g%d", i);
		snprintf(dn, sizeof(dn), "cn=g%d,ou=S%d,dc=x", i, i % 18);
		r = hc_cache_builder_add_group_dn(b, name, 4000 + (uint32_t)i,
						  NULL, 0, dn);
	}
	if (r == 0)
		r = hc_cache_builder_add_group_dn(b, "h", 4100, NULL, 0,
						  "cn=g,ou=S1,dc=x");
	if (r == 0)
		r = hc_cache_builder_add_group_dn(b, "k", 4101, NULL, 0,
						  "uid=k,ou=P,dc=x");
	for (i = 0; i < 20; i++) {
		char want[64];
		snprintf(want, sizeof(want), "cn=g%d,ou=S%d,dc=x", i, i % 18);
		all = all && dn_is(b, (size_t)i, want);
	}
	ok(r == 0 && all && dn_is(b, 20, "cn=g,ou=S1,dc=x") &&
	   dn_is(b, 21, "uid=k,ou=P,dc=x") &&
	   hc_cache_builder_group_dn(b, 3, dn, 10) == -ERANGE &&
	   hc_cache_builder_group_dn(b, 21, dn, 10) == -ERANGE &&
	   hc_cache_builder_group_dn(b, 22, dn, sizeof(dn)) == -ENOENT,
	   "group DNs (shared suffixes, more suffixes than kept, others) read back");
	hc_cache_builder_free(b);
}

static void check_find_read(struct hc_cache_builder *b)
{
	char dn[4096];
	struct hc_group_in g;
	int64_t ga = hc_cache_builder_group_byname(b, "ga");
	struct hc_user_in u;
	const char *k[1];
	size_t nk;

	ok(hc_cache_builder_n_users(b) == 5 && hc_cache_builder_n_groups(b) == 4,
	   "counts after the adds");
	ok(hc_cache_builder_user_byname(b, "u3") == 3 &&
	   hc_cache_builder_user_byuid(b, 2004) == 4 &&
	   hc_cache_builder_user_byname(b, "zz") == -1 &&
	   hc_cache_builder_user_byuid(b, 1) == -1, "users found by name and uid");
	ok(ga == 0 && hc_cache_builder_group_bygid(b, 3002) == 2 &&
	   hc_cache_builder_group_byname(b, "zz") == -1 &&
	   hc_cache_builder_group_bygid(b, 1) == -1, "groups found by name and gid");
	ok(user_is(b, "u1", 2001, 2, keys1[0]), "user read back with its keys");
	ok(hc_cache_builder_user_at(b, 0, &u, k, 1, &nk) == 0 &&
	   strcmp(u.host, "here") == 0 && strcmp(u.gecos, "") == 0 &&
	   u.shadow_expire == HC_NO_EXPIRE, "user fields read back");
	ok(hc_cache_builder_group_at(b, (size_t)ga, &g) == 0 && g.gid == 3000 &&
	   g.nmembers == 3 && dn_is(b, (size_t)ga, "cn=ga,ou=Groups,dc=x") &&
	   strcmp(hc_cache_builder_group_member(b, 0, 2), "nobody") == 0 &&
	   !hc_cache_builder_group_member(b, 0, 3),
	   "group read back with its DN and members");
	ok(hc_cache_builder_group_at(b, 3, &g) == 0 &&
	   hc_cache_builder_group_dn(b, 3, dn, sizeof(dn)) == -ENOENT,
	   "a group added without DN has none");

	ok(hc_cache_builder_user_at(b, 5, &u, k, 1, &nk) == -ENOENT &&
	   hc_cache_builder_group_at(b, 4, &g) == -ENOENT &&
	   hc_cache_builder_remove_user(b, 5) == -ENOENT,
	   "positions past the end: -ENOENT");
}

static void check_remove(struct hc_cache_builder *b)
{
	/* users 0..4: remove u0 (first; u4 moves to 0), u2 (middle), then
	 * the last; u1 and u3 keep their keys whatever moved */
	ok(hc_cache_builder_remove_user(b, 0) == 0 &&
	   hc_cache_builder_user_byname(b, "u0") == -1 &&
	   hc_cache_builder_user_byuid(b, 2000) == -1 &&
	   hc_cache_builder_user_byname(b, "u4") == 0 &&
	   user_is(b, "u4", 2004, 0, NULL), "remove the first user");
	ok(hc_cache_builder_remove_user(b, (size_t)hc_cache_builder_user_byname(b, "u1")) == 0 &&
	   hc_cache_builder_user_byname(b, "u1") == -1 &&
	   user_is(b, "u3", 2003, 1, keys3[0]), "remove a middle user with keys");
	ok(hc_cache_builder_remove_user(b, hc_cache_builder_n_users(b) - 1) == 0 &&
	   hc_cache_builder_n_users(b) == 2, "remove the last user");
	/* groups 0..3: first, then the last */
	ok(hc_cache_builder_remove_group(b, 0) == 0 &&
	   hc_cache_builder_group_byname(b, "ga") == -1 &&
	   hc_cache_builder_group_bygid(b, 3000) == -1 &&
	   hc_cache_builder_group_byname(b, "gc") == 0 &&
	   hc_cache_builder_group_bygid(b, 3003) == 0, "remove the first group");
	ok(hc_cache_builder_remove_group(b, hc_cache_builder_n_groups(b) - 1) == 0 &&
	   hc_cache_builder_n_groups(b) == 2, "remove the last group");
}

/* After a write the builder's positions are the file's order: users
 * u1, u3, u4 by uid, groups u2 (2002), ga (3000), gc (3003) by gid. */
static void check_order(struct hc_cache_builder *b)
{
	struct hc_group_in g;

	ok(hc_cache_builder_user_byname(b, "u1") == 0 &&
	   hc_cache_builder_user_byname(b, "u3") == 1 &&
	   hc_cache_builder_user_byuid(b, 2004) == 2 &&
	   user_is(b, "u1", 2001, 2, keys1[0]) &&
	   user_is(b, "u3", 2003, 1, keys3[0]) && user_is(b, "u4", 2004, 0, NULL) &&
	   strcmp(hc_cache_builder_user_dn(b, 2), "uid=u4,ou=People,dc=x") == 0,
	   "users by uid after the write: positions, maps and key lists follow");
	ok(hc_cache_builder_group_byname(b, "u2") == 0 &&
	   hc_cache_builder_group_bygid(b, 3000) == 1 &&
	   hc_cache_builder_group_at(b, 2, &g) == 0 && strcmp(g.name, "gc") == 0 &&
	   strcmp(hc_cache_builder_group_member(b, 1, 1), "u3") == 0 &&
	   dn_is(b, 1, "cn=ga,ou=Groups,dc=x"),
	   "groups by gid after the write: positions, maps, members and DNs follow");
}

/* The file enumerates the records in the builder's order. */
static bool first_user_is(const char *dir, const char *f, const char *name)
{
	struct hc_cache *c = NULL;
	struct hc_user u;
	char path[4096];
	bool yes;

	snprintf(path, sizeof(path), "%s/%s", dir, f);
	if (hc_cache_open(path, &c) < 0)
		return false;
	yes = hc_cache_user_at(c, 0, &u) == 0 && strcmp(u.name, name) == 0;
	/* pages handed back are read again from the file */
	hc_cache_release(c);
	yes = yes && strcmp(u.name, name) == 0 &&
	      hc_cache_user_byname(c, name, &u) == 0 && u.index == 0;
	hc_cache_close(c);
	return yes;
}

static int render(struct hc_cache_builder *b, const char *dir, const char *f,
		  struct lines *l);
static bool same(const struct lines *a, const struct lines *b);

/* Temp files (PATH.tmp.*) beside dir/f. */
static int temps(const char *dir, const char *f)
{
	char pat[4096];
	glob_t g;
	int n;

	snprintf(pat, sizeof(pat), "%s/%s.tmp.*", dir, f);
	n = glob(pat, 0, NULL, &g) == 0 ? (int)g.gl_pathc : 0;
	globfree(&g);
	return n;
}

/* A spooled builder (users added in reverse uid order, one removed on the
 * way) writes what the in-memory one wrote; its spool is the temp file
 * that becomes the cache, and it is written once. */
static void check_spool(const char *dir, const struct lines *want)
{
	struct hc_cache_builder *s = hc_cache_builder_new(),
				*t = hc_cache_builder_new();
	struct lines l = { 0 };
	struct hc_user_in u;
	const char *k[1], *name = NULL;
	char path[4096], other[4096];
	size_t nk;
	int r;

	snprintf(path, sizeof(path), "%s/spooled", dir);
	snprintf(other, sizeof(other), "%s/elsewhere", dir);
	ok(s && t && hc_cache_builder_spool(s, path) == 0 && temps(dir, "spooled") == 1,
	   "spool: a temp file beside the cache");
	ok(hc_cache_builder_spool(s, path) == -EINVAL, "spool: only once");
	r = add_u(s, 4, NULL);
	r = r ? r : add_u(s, 0, NULL);
	r = r ? r : hc_cache_builder_remove_user(s, 1);
	r = r ? r : add_u(s, 3, NULL);
	r = r ? r : add_u(s, 1, NULL);
	for (int i = 0; i < 3 && r == 0; i++)
		r = add_g(s, i == 2 ? 3 : i);
	ok(r == 0 && hc_cache_builder_user_at(s, 2, &u, k, 0, &nk) == 0 &&
	   strcmp(u.name, "u1") == 0 && strcmp(u.shell, "/bin/sh") == 0,
	   "spool: users added, removed and read back");
	name = u.name;
	ok(hc_cache_builder_write(s, other, 1, "ldap://x", 0) == -EINVAL,
	   "spool: written only where it was made for");
	ok(render(s, dir, "spooled", &l) == 0 && same(&l, want) &&
	   temps(dir, "spooled") == 0,
	   "spool: the file equals the in-memory builder's, no temp file left");
	ok(strcmp(name, "u1") == 0 &&
	   hc_cache_builder_user_at(s, 0, &u, k, 0, &nk) == -ESTALE &&
	   hc_cache_builder_write(s, path, 2, "ldap://x", 0) == -EINVAL &&
	   add_u(s, 2, NULL) == -ESTALE,
	   "spool: written once; what was read back stays readable");
	ok(hc_cache_builder_spool(t, other) == 0 && add_u(t, 0, NULL) == 0 &&
	   temps(dir, "elsewhere") == 1, "spool: a second builder");
	hc_cache_builder_free(t);
	ok(temps(dir, "elsewhere") == 0 && access(other, F_OK) != 0,
	   "spool: freed unwritten, its temp file is removed");
	lines_free(&l);
	hc_cache_builder_free(s);
}

static int render(struct hc_cache_builder *b, const char *dir, const char *f,
		  struct lines *l)
{
	char path[4096];
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, f);
	if ((r = hc_cache_builder_write(b, path, 1, "ldap://x", 0)) < 0)
		return r;
	return dump(path, l);
}

static bool same(const struct lines *a, const struct lines *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0) {
			printf("# differ: %s | %s\n", a->v[i], b->v[i]);
			return false;
		}
	return true;
}

/* The same users and groups in a new builder, written if changed. */
static int write_again(const char *path, uint64_t gen, const char *server,
		       int extra)
{
	struct hc_cache_builder *b = hc_cache_builder_new();
	int i, r = b ? 0 : -ENOMEM;

	for (i = 0; i < 3 + extra && r == 0; i++)
		r = add_u(b, i, NULL);
	for (i = 0; i < 2 && r == 0; i++)
		r = add_g(b, i);
	if (r == 0)
		r = hc_cache_builder_write_if_changed(b, path, gen, server,
						      (int64_t)gen * 1000);
	hc_cache_builder_free(b);
	return r;
}

static ino_t inode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_ino : 0;
}

static uint64_t generation(const char *path)
{
	struct hc_cache *c = NULL;
	struct hc_cache_info info;
	uint64_t g = 0;

	if (hc_cache_open(path, &c) == 0 && hc_cache_info(c, &info) == 0)
		g = info.generation;
	hc_cache_close(c);
	return g;
}

/* hc_cache_builder_write_if_changed: the same bytes (but for generation
 * and time) keep the file; anything else, or a delta beside it, writes. */
static void check_if_changed(const char *dir)
{
	char path[4096], delta[4200];
	ino_t ino;

	snprintf(path, sizeof(path), "%s/ifchanged", dir);
	snprintf(delta, sizeof(delta), "%s.delta", path);
	ok(write_again(path, 1, "ldap://x", 0) == 0 && generation(path) == 1,
	   "if changed: no file yet, written");
	ino = inode(path);
	ok(write_again(path, 2, "ldap://x", 0) == HC_CACHE_UNCHANGED &&
	   inode(path) == ino && generation(path) == 1 &&
	   temps(dir, "ifchanged") == 0,
	   "if changed: the same content keeps the file and its generation, "
	   "no temp file left");
	ok(write_again(path, 3, "ldap://x", 1) == 0 && inode(path) != ino &&
	   generation(path) == 3, "if changed: one user more, written");
	ino = inode(path);
	ok(write_again(path, 4, "ldap://y", 1) == 0 && inode(path) != ino &&
	   generation(path) == 4, "if changed: another server, written");
	ino = inode(path);
	ok(symlink("nowhere", delta) == 0 &&
	   write_again(path, 5, "ldap://y", 1) == 0 && inode(path) != ino &&
	   generation(path) == 5 && unlink(delta) == 0,
	   "if changed: anything beside it named .delta, written");
}

static int check(const char *dir)
{
	struct hc_cache_builder *b = hc_cache_builder_new(),
				*f = hc_cache_builder_new(),
				*d = hc_cache_builder_new();
	struct lines la = { 0 }, lb = { 0 };
	int i, r = 0;

	for (i = 0; i < 5 && r == 0; i++)
		r = add_u(b, i, i == 0 ? "here" : NULL);
	for (i = 0; i < 4 && r == 0; i++)
		r = add_g(b, i);
	ok(r == 0, "users and groups added");
	check_find_read(b);
	check_dns();
	check_remove(b);
	/* left: u4, u3 and groups gc, u2; then u1 again (with its keys) and
	 * the removed group ga again */
	ok(add_u(b, 1, NULL) == 0 && add_g(b, 0) == 0 &&
	   user_is(b, "u1", 2001, 2, keys1[0]), "re-add removed names");
	ok(add_u(b, 3, NULL) == -EEXIST && add_g(b, 1) == -EEXIST,
	   "duplicates still refused after removals");
	/* the same records, never removed */
	r = add_u(f, 1, NULL);
	r = r ? r : add_u(f, 3, NULL);
	r = r ? r : add_u(f, 4, NULL);
	for (i = 0; i < 3 && r == 0; i++)
		r = add_g(f, i == 2 ? 3 : i); /* ga, u2, gc */
	ok(r == 0, "reference builder filled");
	ok(render(b, dir, "removed", &la) == 0 && render(f, dir, "fresh", &lb) == 0 &&
	   la.n > 5 && same(&la, &lb),
	   "the file after removals equals one built without them");
	ok(first_user_is(dir, "removed", "u1") && first_user_is(dir, "fresh", "u1"),
	   "the file lists the users by uid");
	check_order(b);
	check_spool(dir, &lb);
	check_if_changed(dir);
	ok(add_u(d, 1, NULL) == 0 &&
	   hc_cache_builder_set_user_groups(d, "u1", NULL, 0) == 0 &&
	   hc_cache_builder_remove_user(d, 0) == -EINVAL,
	   "removal refused on a delta builder");
	lines_free(&la);
	lines_free(&lb);
	hc_cache_builder_free(b);
	hc_cache_builder_free(f);
	hc_cache_builder_free(d);
	printf("1..%d\n", count);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct lines l = { 0 };
	int r;

	if (argc == 3 && strcmp(argv[1], "check") == 0)
		return check(argv[2]);
	if (argc != 3 || strcmp(argv[1], "dump") != 0) {
		fprintf(stderr, "usage: hs-buildertest check DIR | dump CACHE\n");
		return 2;
	}
	r = dump(argv[2], &l);
	for (size_t i = 0; r == 0 && i < l.n; i++)
		puts(l.v[i]);
	lines_free(&l);
	if (r < 0)
		fprintf(stderr, "hs-buildertest: %s: %s\n", argv[2], strerror(-r));
	return r < 0 ? 1 : 0;
}
