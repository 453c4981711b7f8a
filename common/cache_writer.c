/* Cache writer (see cache.h, layout in cache_format.h). The builder keeps
 * every string in one arena (offsets, not pointers: a million users must
 * not mean six million mallocs); write() lays the file out in two passes
 * (sizes, then bytes) into one buffer, then replaces the file atomically
 * and flags the old one superseded. */
#include "cache.h"
#include "hidx.h"
#include "cache_format.h"
#include "fileio.h"

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- a growable arena of NUL-terminated strings ---- */

struct arena {
	char *p;
	size_t len, cap;
};

/* Append s (len bytes, then a NUL). */
static int arena_addn(struct arena *a, const char *s, size_t len,
		      uint32_t *off)
{
	size_t n = len + 1;

	if (a->len + n > UINT32_MAX)
		return -EFBIG;
	if (a->len + n > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4096;
		char *p;

		while (cap < a->len + n)
			cap *= 2;
		p = realloc(a->p, cap);
		if (!p)
			return -ENOMEM;
		a->p = p;
		a->cap = cap;
	}
	memcpy(a->p + a->len, s, len);
	a->p[a->len + len] = '\0';
	*off = (uint32_t)a->len;
	a->len += n;
	return 0;
}

static int arena_add(struct arena *a, const char *s, uint32_t *off)
{
	return arena_addn(a, s, strlen(s), off);
}

/* ---- an index from hash to item number (dup checks, interning) ----
 * The one hash table (common/hidx.h), items stored as number + 1. */

struct hmap {
	struct hc_hidx x;
};

typedef bool (*hm_eq_fn)(const void *ctx, uint32_t item, const void *key);

struct hm_key {
	hm_eq_fn eq;
	const void *ctx, *key;
};

static bool hm_eq(const void *ctx, uintptr_t item, const void *key)
{
	const struct hm_key *k = key;

	(void)ctx;
	return k->eq(k->ctx, (uint32_t)(item - 1), k->key);
}

static int64_t hm_find(const struct hmap *m, uint32_t h, hm_eq_fn eq,
		       const void *ctx, const void *key)
{
	struct hm_key k = { eq, ctx, key };
	uintptr_t *hit = hc_hidx_find(&m->x, h, hm_eq, NULL, &k);

	return hit ? (int64_t)(*hit - 1) : -1;
}

static int hm_insert(struct hmap *m, uint32_t h, uint32_t item)
{
	return hc_hidx_insert(&m->x, h, (uintptr_t)item + 1);
}

static void hm_free(struct hmap *m)
{
	hc_hidx_free(&m->x);
}

/* ---- the builder ---- */

/* Lengths and the name hash are kept so that write() never measures or
 * hashes a string twice; shells and hosts (a handful of values) go
 * straight to the shared pool. */
struct buser {
	uint32_t name, gecos, dir, dn; /* arena offsets */
	uint32_t nlen, glen, dlen, dnlen;
	uint32_t shell, host;          /* pool offsets */
	uint32_t hash;                 /* hc_hash_name(name) */
	uint32_t uid, gid, flags;
	int64_t expire;
};

/* The member names are added to the arena one after the other, so they
 * already lie there as the file's packed member block: blen bytes from
 * arena offset block (cache_format.h, GROUP_DATA). */
struct bgroup {
	uint32_t name, gid, first, nmembers; /* members: mem[first..] */
	uint32_t block, blen;                /* the member block in the arena */
	uint32_t hash;                       /* hc_hash_name(name) */
};

/* One user's SSH key list: kv[first .. first+n). */
struct bkeys {
	uint32_t user, first, n;
};

struct bkeyv {
	uint32_t off, len; /* kstr offset, length without the NUL */
};

struct hc_cache_builder {
	struct arena str;
	struct arena pool; /* the STRINGS section, de-duplicated */
	struct hmap pmap;  /* pool string -> offset */
	struct buser *u;
	struct bgroup *g;
	uint32_t *mem; /* arena offsets of member names */
	size_t nu, capu, ng, capg, nmem, capmem;
	struct hmap uname, uid, gname, gid;
	struct bkeys *ks; /* SSH keys: one list per user that has keys */
	struct bkeyv *kv; /* their lines, in kstr */
	struct arena kstr;
	size_t nks, capks, nkv, capkv;
	struct hmap kuser; /* user number -> ks entry */
	/* delta files (format v5) */
	uint64_t base;     /* base_generation written; 0: a main file */
	struct bkeys *xg;  /* explicit group lists: xgid[first .. first+n) */
	uint32_t *xgid;
	size_t nxg, capxg, nxgid, capxgid;
	struct hmap xuser; /* user number -> xg entry */
	uint32_t *supu, *supg; /* superseded main positions, raw */
	size_t nsupu, capsupu, nsupg, capsupg;
};

struct hc_cache_builder *hc_cache_builder_new(void)
{
	return calloc(1, sizeof(struct hc_cache_builder));
}

void hc_cache_builder_free(struct hc_cache_builder *b)
{
	if (!b)
		return;
	free(b->str.p);
	free(b->pool.p);
	hm_free(&b->pmap);
	free(b->u);
	free(b->g);
	free(b->mem);
	hm_free(&b->uname);
	hm_free(&b->uid);
	hm_free(&b->gname);
	hm_free(&b->gid);
	free(b->ks);
	free(b->kv);
	free(b->kstr.p);
	hm_free(&b->kuser);
	free(b->xg);
	free(b->xgid);
	hm_free(&b->xuser);
	free(b->supu);
	free(b->supg);
	free(b);
}

static int grow(void **p, size_t *cap, size_t need, size_t elsize)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	np = reallocarray(*p, ncap, elsize);
	if (!np)
		return -ENOMEM;
	*p = np;
	*cap = ncap;
	return 0;
}

static bool eq_uname(const void *ctx, uint32_t i, const void *key)
{
	const struct hc_cache_builder *b = ctx;

	return strcmp(b->str.p + b->u[i].name, key) == 0;
}

static bool eq_uid(const void *ctx, uint32_t i, const void *key)
{
	return ((const struct hc_cache_builder *)ctx)->u[i].uid == *(const uint32_t *)key;
}

static bool eq_gname(const void *ctx, uint32_t i, const void *key)
{
	const struct hc_cache_builder *b = ctx;

	return strcmp(b->str.p + b->g[i].name, key) == 0;
}

static bool eq_gid(const void *ctx, uint32_t i, const void *key)
{
	return ((const struct hc_cache_builder *)ctx)->g[i].gid == *(const uint32_t *)key;
}

static int64_t find_user_h(const struct hc_cache_builder *b, const char *name,
			   uint32_t h)
{
	return hm_find(&b->uname, h, eq_uname, b, name);
}

static int64_t find_user(const struct hc_cache_builder *b, const char *name)
{
	return find_user_h(b, name, hc_hash_name(name));
}

static bool eq_pool(const void *ctx, uint32_t off, const void *key)
{
	return strcmp(((const struct arena *)ctx)->p + off, key) == 0;
}

/* Pool offset of s, adding it once. */
static int intern(struct hc_cache_builder *b, const char *s, uint32_t *off)
{
	uint32_t h = hc_hash_name(s);
	int64_t f = hm_find(&b->pmap, h, eq_pool, &b->pool, s);
	int r;

	if (f >= 0) {
		*off = (uint32_t)f;
		return 0;
	}
	r = arena_add(&b->pool, s, off);
	if (r < 0)
		return r;
	if (*off == UINT32_MAX)
		return -EFBIG;
	return hm_insert(&b->pmap, h, *off);
}

static int add_user_strings(struct hc_cache_builder *b, struct buser *u,
			    const struct hc_user_in *in)
{
	int r;

	u->nlen = (uint32_t)strlen(in->name);
	u->glen = (uint32_t)strlen(in->gecos);
	u->dlen = (uint32_t)strlen(in->dir);
	u->dnlen = (uint32_t)strlen(in->dn);
	if ((r = arena_addn(&b->str, in->name, u->nlen, &u->name)) < 0 ||
	    (r = arena_addn(&b->str, in->gecos, u->glen, &u->gecos)) < 0 ||
	    (r = arena_addn(&b->str, in->dir, u->dlen, &u->dir)) < 0 ||
	    (r = arena_addn(&b->str, in->dn, u->dnlen, &u->dn)) < 0 ||
	    (r = intern(b, in->shell, &u->shell)) < 0 ||
	    (r = intern(b, in->host ? in->host : "", &u->host)) < 0)
		return r;
	return 0;
}

/* ---- string-length limits (HC_MAX_* in cache_format.h) ---- */

static bool too_long(const char *s, size_t max)
{
	return s && strnlen(s, max + 1) > max;
}

/* What the reader would refuse as corrupt is never written. */
static bool user_too_long(const struct hc_user_in *in)
{
	return too_long(in->name, HC_MAX_NAME) ||
	       too_long(in->gecos, HC_MAX_GECOS) ||
	       too_long(in->dir, HC_MAX_PATH) ||
	       too_long(in->shell, HC_MAX_PATH) ||
	       too_long(in->dn, HC_MAX_DN) || too_long(in->host, HC_MAX_HOST);
}

static bool group_too_long(const char *name, const char *const *members,
			   size_t nmembers)
{
	size_t i;

	if (too_long(name, HC_MAX_NAME))
		return true;
	for (i = 0; i < nmembers; i++)
		if (too_long(members[i], HC_MAX_NAME))
			return true;
	return false;
}

int hc_cache_builder_add_user(struct hc_cache_builder *b,
			      const struct hc_user_in *in)
{
	struct buser u = { .uid = in->uid, .gid = in->gid, .flags = in->flags,
			   .expire = in->shadow_expire };
	uint32_t n;
	int r;

	if (!in->name || !in->gecos || !in->dir || !in->shell || !in->dn)
		return -EINVAL;
	if (user_too_long(in))
		return -ENAMETOOLONG;
	u.hash = hc_hash_name(in->name);
	if (find_user_h(b, in->name, u.hash) >= 0 ||
	    hm_find(&b->uid, hc_hash_id(in->uid), eq_uid, b, &in->uid) >= 0)
		return -EEXIST;
	if (b->nu >= UINT32_MAX / HC_UREC_SIZE)
		return -EFBIG;
	if ((r = grow((void **)&b->u, &b->capu, b->nu + 1, sizeof(*b->u))) < 0 ||
	    (r = add_user_strings(b, &u, in)) < 0)
		return r;
	n = (uint32_t)b->nu;
	b->u[n] = u;
	if ((r = hm_insert(&b->uname, u.hash, n)) < 0 ||
	    (r = hm_insert(&b->uid, hc_hash_id(in->uid), n)) < 0)
		return r;
	b->nu++;
	return 0;
}

int hc_cache_builder_add_group(struct hc_cache_builder *b, const char *name,
			       uint32_t gid, const char *const *members,
			       size_t nmembers)
{
	struct bgroup g = { .gid = gid, .first = (uint32_t)b->nmem };
	uint32_t n;
	size_t i;
	int r;

	if (!name || (nmembers && !members))
		return -EINVAL;
	if (group_too_long(name, members, nmembers))
		return -ENAMETOOLONG;
	g.hash = hc_hash_name(name);
	if (hm_find(&b->gname, g.hash, eq_gname, b, name) >= 0 ||
	    hm_find(&b->gid, hc_hash_id(gid), eq_gid, b, &gid) >= 0)
		return -EEXIST;
	if (b->ng >= UINT32_MAX / HC_GREC_SIZE ||
	    b->nmem + nmembers >= UINT32_MAX / 4)
		return -EFBIG;
	if ((r = grow((void **)&b->g, &b->capg, b->ng + 1, sizeof(*b->g))) < 0 ||
	    (r = grow((void **)&b->mem, &b->capmem, b->nmem + nmembers,
		      sizeof(*b->mem))) < 0 ||
	    (r = arena_add(&b->str, name, &g.name)) < 0)
		return r;
	for (i = 0; i < nmembers; i++) {
		if (!members[i])
			return -EINVAL;
		r = arena_add(&b->str, members[i], &b->mem[b->nmem + i]);
		if (r < 0)
			return r;
	}
	g.block = nmembers ? b->mem[b->nmem] : 0;
	g.blen = nmembers ? (uint32_t)(b->str.len - g.block) : 0;
	g.nmembers = (uint32_t)nmembers;
	n = (uint32_t)b->ng;
	b->g[n] = g;
	if ((r = hm_insert(&b->gname, g.hash, n)) < 0 ||
	    (r = hm_insert(&b->gid, hc_hash_id(gid), n)) < 0)
		return r;
	b->nmem += nmembers;
	b->ng++;
	return 0;
}

/* ---- SSH keys (KEYS section) ---- */

static bool eq_kuser(const void *ctx, uint32_t i, const void *key)
{
	return ((const struct hc_cache_builder *)ctx)->ks[i].user ==
	       *(const uint32_t *)key;
}

/* A key line as the format allows it: bounded, one line, no NUL. */
static bool key_line_ok(const char *k)
{
	size_t len = strnlen(k, HC_SSH_KEY_MAX + 1);

	return len > 0 && len <= HC_SSH_KEY_MAX && !strpbrk(k, "\r\n");
}

int hc_cache_builder_set_keys(struct hc_cache_builder *b, const char *name,
			      const char *const *keys, size_t nkeys)
{
	struct bkeys k = { .first = (uint32_t)b->nkv, .n = (uint32_t)nkeys };
	int64_t ui;
	size_t i;
	int r;

	if (!name || nkeys > HC_SSH_KEYS_MAX || (nkeys && !keys))
		return -EINVAL;
	for (i = 0; i < nkeys; i++)
		if (!keys[i] || !key_line_ok(keys[i]))
			return -EINVAL;
	ui = find_user(b, name);
	if (ui < 0)
		return -ENOENT;
	k.user = (uint32_t)ui;
	if (hm_find(&b->kuser, hc_hash_id(k.user), eq_kuser, b, &k.user) >= 0)
		return -EEXIST;
	if (nkeys == 0)
		return 0;
	if ((r = grow((void **)&b->ks, &b->capks, b->nks + 1, sizeof(*b->ks))) < 0 ||
	    (r = grow((void **)&b->kv, &b->capkv, b->nkv + nkeys,
		      sizeof(*b->kv))) < 0)
		return r;
	for (i = 0; i < nkeys; i++) {
		struct bkeyv *v = &b->kv[b->nkv + i];

		v->len = (uint32_t)strlen(keys[i]);
		if ((r = arena_addn(&b->kstr, keys[i], v->len, &v->off)) < 0)
			return r;
	}
	if ((r = hm_insert(&b->kuser, hc_hash_id(k.user), (uint32_t)b->nks)) < 0)
		return r;
	b->ks[b->nks++] = k;
	b->nkv += nkeys;
	return 0;
}

/* The table (one u32 per user), then per list: nkeys, the {offset,
 * length} pairs and the strings, 4-aligned. */
static uint64_t keys_size(const struct hc_cache_builder *b)
{
	uint64_t n = 4 * (uint64_t)b->nu, list;
	size_t i, j;

	for (i = 0; i < b->nks; i++) {
		list = 4 + 8 * (uint64_t)b->ks[i].n;
		for (j = 0; j < b->ks[i].n; j++)
			list += b->kv[b->ks[i].first + j].len + 1;
		n += (list + 3) & ~(uint64_t)3;
	}
	return n;
}

/* ---- delta files: explicit group lists, superseded positions ---- */

static bool eq_xuser(const void *ctx, uint32_t i, const void *key)
{
	return ((const struct hc_cache_builder *)ctx)->xg[i].user ==
	       *(const uint32_t *)key;
}

int hc_cache_builder_set_user_groups(struct hc_cache_builder *b,
				     const char *name, const uint32_t *gids,
				     size_t n)
{
	struct bkeys x = { .first = (uint32_t)b->nxgid, .n = (uint32_t)n };
	int64_t ui;
	int r;

	if (!name || (n && !gids))
		return -EINVAL;
	if (n >= UINT32_MAX / 8 || b->nxgid + n >= UINT32_MAX / 8)
		return -EFBIG;
	ui = find_user(b, name);
	if (ui < 0)
		return -ENOENT;
	x.user = (uint32_t)ui;
	if (hm_find(&b->xuser, hc_hash_id(x.user), eq_xuser, b, &x.user) >= 0)
		return -EEXIST;
	if ((r = grow((void **)&b->xg, &b->capxg, b->nxg + 1, sizeof(*b->xg))) < 0 ||
	    (r = grow((void **)&b->xgid, &b->capxgid, b->nxgid + n + 1,
		      sizeof(*b->xgid))) < 0 ||
	    (r = hm_insert(&b->xuser, hc_hash_id(x.user), (uint32_t)b->nxg)) < 0)
		return r;
	if (n)
		memcpy(b->xgid + b->nxgid, gids, n * sizeof(*gids));
	b->xg[b->nxg++] = x;
	b->nxgid += n;
	return 0;
}

static int push_pos(uint32_t **v, size_t *n, size_t *cap, uint32_t pos)
{
	int r;

	if (pos == UINT32_MAX || *n >= UINT32_MAX / 8)
		return -EFBIG;
	if ((r = grow((void **)v, cap, *n + 1, sizeof(**v))) < 0)
		return r;
	(*v)[(*n)++] = pos;
	return 0;
}

int hc_cache_builder_supersede_user(struct hc_cache_builder *b, uint32_t pos)
{
	return push_pos(&b->supu, &b->nsupu, &b->capsupu, pos);
}

int hc_cache_builder_supersede_group(struct hc_cache_builder *b, uint32_t pos)
{
	return push_pos(&b->supg, &b->nsupg, &b->capsupg, pos);
}

/* Slots of a delta's index or superseded set for n entries: a load of
 * 1/4, so that the lookups that miss the delta (nearly all of them) end
 * at the first or second slot; a delta is small, the room is cheap. More
 * than n, so a probe always ends at an empty slot. */
static uint64_t sup_slots(size_t n)
{
	return n == 0 ? 0 : 4 * (uint64_t)n + 1;
}

/* ---- layout: pass 1 sizes, pass 2 bytes ---- */

struct wctx {
	struct hc_cache_builder *b;
	uint32_t empty;    /* pool offset of "" */
	uint32_t *gcount;  /* per user: groups, then the GIDS fill cursor */
	uint32_t *glast;   /* per user: last group number + 1 (dedup) */
	uint32_t *ufirst;  /* per user: first GIDS entry */
	uint32_t *uoff, *unameoff; /* per user: record and name file offsets */
	uint32_t *goff;            /* per group: record offset */
	uint32_t *upg;   /* per user: 1 + position of its compact group, or 0 */
	int64_t *gupg;   /* per group: user index if compact, else -1 */
	int64_t *memu;   /* per member entry: user index, or -1 */
	size_t ngfull;   /* groups with a record (not compact) */
	uint64_t sec_off[HC_SEC_COUNT], sec_size[HC_SEC_COUNT], total;
	uint64_t ngids;  /* GIDS entries from the groups (before the delta's) */
	uint8_t *out;
};

static const char *bstr(const struct wctx *w, uint32_t off)
{
	return w->b->str.p + off;
}

/* The user name is the tail of the home ("/home/alice"): share it. */
static bool name_in_dir(const struct wctx *w, const struct buser *u)
{
	const char *dir = bstr(w, u->dir);

	return u->dlen > u->nlen && dir[u->dlen - u->nlen - 1] == '/' &&
	       memcmp(dir + u->dlen - u->nlen, bstr(w, u->name), u->nlen) == 0;
}

static uint64_t user_size(const struct wctx *w, const struct buser *u)
{
	uint64_t n = HC_UREC_SIZE + (uint64_t)u->dlen + 1 + u->dnlen + 1;

	if (!name_in_dir(w, u))
		n += u->nlen + 1;
	if (u->glen)
		n += u->glen + 1;
	return (n + 3) & ~(uint64_t)3;
}

/* A load of 0.8: short probes (hits and misses alike) for 20 bytes per
 * entry. Any count works (hc_slot scales the hash to it). */
static uint64_t index_slots(size_t n)
{
	return n == 0 ? 0 : (uint64_t)n + n / 4 + 1;
}

static void plan_users(struct wctx *w, uint64_t *udata)
{
	size_t i;

	*udata = 0;
	for (i = 0; i < w->b->nu; i++)
		*udata += user_size(w, &w->b->u[i]);
}

/* A user private group stored compactly (format: GROUP_TABLE). */
static bool is_upg(const struct buser *u, const struct bgroup *g)
{
	return g->nmembers == 0 && g->gid == u->uid && g->gid == u->gid;
}

/* Compact private groups are marked; group names that are not users go
 * to the pool; members that are users count towards that user's
 * initgroups list. */
static int plan_groups(struct wctx *w, uint64_t *gdata, uint64_t *ngids)
{
	struct hc_cache_builder *b = w->b;
	uint32_t off, m;
	size_t i;
	int r;

	*gdata = *ngids = 0;
	for (i = 0; i < b->ng; i++) {
		const struct bgroup *g = &b->g[i];
		int64_t gu = find_user_h(b, bstr(w, g->name), g->hash);

		w->gupg[i] = -1;
		if (gu >= 0 && is_upg(&b->u[gu], g)) {
			w->gupg[i] = gu;
			w->upg[gu] = (uint32_t)i + 1;
			continue;
		}
		w->ngfull++;
		*gdata += HC_GREC_SIZE + (((uint64_t)g->blen + 3) & ~(uint64_t)3);
		if (gu < 0 && (r = intern(b, bstr(w, g->name), &off)) < 0)
			return r;
		for (m = 0; m < g->nmembers; m++) {
			const char *mn = bstr(w, b->mem[g->first + m]);
			int64_t ui = find_user(b, mn);

			w->memu[g->first + m] = ui;
			if (ui >= 0 && w->glast[ui] != i + 1) {
				w->glast[ui] = (uint32_t)i + 1;
				w->gcount[ui]++;
				(*ngids)++;
			}
		}
	}
	return 0;
}

static int plan(struct wctx *w, const char *server)
{
	struct hc_cache_builder *b = w->b;
	uint64_t udata, gdata, ngids, off;
	uint32_t tmp;
	size_t i;
	int r;

	if ((r = intern(b, "", &w->empty)) < 0 ||
	    (r = intern(b, server, &tmp)) < 0 ||
	    (r = plan_groups(w, &gdata, &ngids)) < 0)
		return r;
	plan_users(w, &udata);
	w->sec_size[HC_SEC_USER_TABLE] = 4 * (uint64_t)b->nu;
	w->sec_size[HC_SEC_USER_DATA] = udata;
	w->sec_size[HC_SEC_GROUP_TABLE] = 4 * (uint64_t)b->ng;
	w->sec_size[HC_SEC_GROUP_DATA] = gdata;
	w->sec_size[HC_SEC_GIDS] = 4 * (ngids + (b->base ? b->nxgid : 0));
	w->sec_size[HC_SEC_STRINGS] = (b->pool.len + 3) & ~(size_t)3;
	w->sec_size[HC_SEC_INDEX_USER] =
		(b->base ? sup_slots(b->nu) : index_slots(b->nu)) * HC_SLOT_SIZE;
	w->sec_size[HC_SEC_INDEX_GROUP] =
		(b->base ? sup_slots(w->ngfull) : index_slots(w->ngfull)) * HC_SLOT_SIZE;
	w->sec_size[HC_SEC_KEYS] = keys_size(b);
	w->ngids = ngids;
	w->sec_size[HC_SEC_SUPERSEDED] =
		b->base ? HC_SUP_HDR_SIZE +
				  4 * (sup_slots(b->nsupu) + sup_slots(b->nsupg))
			: 0;
	off = HC_HDR_SIZE;
	for (i = 0; i < HC_SEC_COUNT; i++) {
		w->sec_off[i] = off;
		off += w->sec_size[i];
	}
	w->total = off + 4; /* trailing zeros: the file ends in a NUL */
	if (w->total > UINT32_MAX)
		return -EFBIG;
	return 0;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void wr64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

/* Copy the len bytes at arena offset s and a NUL to *pos; return its
 * file offset. */
static uint32_t put_str(struct wctx *w, uint64_t *pos, uint32_t s,
			uint32_t len)
{
	uint32_t at = (uint32_t)*pos;

	memcpy(w->out + at, bstr(w, s), (size_t)len + 1);
	*pos += (uint64_t)len + 1;
	return at;
}

/* File offset of the pool string at pool offset off. */
static uint32_t pool_at(const struct wctx *w, uint32_t off)
{
	return (uint32_t)(w->sec_off[HC_SEC_STRINGS] + off);
}

/* File offset of pool string s (interned by plan()). */
static uint32_t pool_off(struct wctx *w, const char *s)
{
	const struct hc_cache_builder *b = w->b;
	int64_t f = hm_find(&b->pmap, hc_hash_name(s), eq_pool, &b->pool, s);

	return pool_at(w, (uint32_t)f);
}

static void emit_user(struct wctx *w, uint32_t i, uint64_t *pos)
{
	const struct buser *u = &w->b->u[i];
	uint8_t *r = w->out + *pos;
	uint32_t dir_off;

	w->uoff[i] = (uint32_t)*pos;
	wr32(w->out + w->sec_off[HC_SEC_USER_TABLE] + 4 * (uint64_t)i, w->uoff[i]);
	*pos += HC_UREC_SIZE;
	dir_off = put_str(w, pos, u->dir, u->dlen);
	wr32(r + HC_U_DIR, dir_off);
	if (name_in_dir(w, u))
		w->unameoff[i] = dir_off + u->dlen - u->nlen;
	else
		w->unameoff[i] = put_str(w, pos, u->name, u->nlen);
	wr32(r + HC_U_NAME, w->unameoff[i]);
	wr32(r + HC_U_GECOS, u->glen ? put_str(w, pos, u->gecos, u->glen)
				     : pool_at(w, w->empty));
	wr32(r + HC_U_DN, put_str(w, pos, u->dn, u->dnlen));
	wr32(r + HC_U_SHELL, pool_at(w, u->shell));
	wr32(r + HC_U_HOST, pool_at(w, u->host));
	wr32(r + HC_U_UID, u->uid);
	wr32(r + HC_U_GID, u->gid);
	wr32(r + HC_U_FLAGS, u->flags);
	wr32(r + HC_U_EXPIRE_LO, (uint32_t)(uint64_t)u->expire);
	wr32(r + HC_U_EXPIRE_HI, (uint32_t)((uint64_t)u->expire >> 32));
	wr32(r + HC_U_GFIRST, w->ufirst[i]);
	wr32(r + HC_U_NGROUPS, w->gcount[i]);
	wr32(r + HC_U_INDEX, i);
	wr32(r + HC_U_UPG, w->upg[i]);
	*pos = (*pos + 3) & ~(uint64_t)3;
}

static void emit_users(struct wctx *w)
{
	uint64_t pos = w->sec_off[HC_SEC_USER_DATA];
	uint32_t i, first = 0;

	for (i = 0; i < w->b->nu; i++) {
		w->ufirst[i] = first;
		first += w->gcount[i];
	}
	for (i = 0; i < w->b->nu; i++)
		emit_user(w, i, &pos);
	/* gcount becomes the fill cursor of each user's GIDS range */
	memcpy(w->gcount, w->ufirst, w->b->nu * sizeof(uint32_t));
	memset(w->glast, 0, w->b->nu * sizeof(uint32_t));
}

static void emit_group(struct wctx *w, uint32_t i, uint64_t *pos)
{
	const struct hc_cache_builder *b = w->b;
	const struct bgroup *g = &b->g[i];
	const char *name = bstr(w, g->name);
	uint8_t *r = w->out + *pos;
	uint8_t *gids = w->out + w->sec_off[HC_SEC_GIDS];
	uint8_t *tab = w->out + w->sec_off[HC_SEC_GROUP_TABLE] + 4 * (uint64_t)i;
	int64_t ui = w->gupg[i];
	uint32_t m;

	if (ui >= 0) { /* compact: the table names the user record */
		wr32(tab, w->uoff[ui]);
		return;
	}
	ui = find_user_h(b, name, g->hash);
	w->goff[i] = (uint32_t)*pos;
	wr32(tab, w->goff[i]);
	wr32(r + HC_G_NAME, ui >= 0 ? w->unameoff[ui] : pool_off(w, name));
	wr32(r + HC_G_GID, g->gid);
	wr32(r + HC_G_NMEMBERS, g->nmembers);
	wr32(r + HC_G_BLOCK, (uint32_t)*pos + HC_GREC_SIZE);
	wr32(r + HC_G_BLOCK_LEN, g->blen);
	wr32(r + HC_G_INDEX, i);
	*pos += HC_GREC_SIZE;
	memcpy(w->out + *pos, bstr(w, g->block), g->blen);
	*pos = (*pos + g->blen + 3) & ~(uint64_t)3;
	for (m = 0; m < g->nmembers; m++) {
		ui = w->memu[g->first + m];
		if (ui >= 0 && w->glast[ui] != i + 1) {
			w->glast[ui] = i + 1;
			wr32(gids + 4 * (uint64_t)w->gcount[ui]++, g->gid);
		}
	}
}

static void emit_groups(struct wctx *w)
{
	uint64_t pos = w->sec_off[HC_SEC_GROUP_DATA];
	uint32_t i;

	for (i = 0; i < w->b->ng; i++)
		emit_group(w, i, &pos);
}

/* Put one entry (key, record offset) on one side of an index, first
 * slot hc_slot(h, nslots). There is always a free slot (nslots > n). */
static void index_put(uint8_t *tab, uint32_t nslots, unsigned side,
		      uint32_t h, uint32_t key, uint32_t roff)
{
	uint32_t pos = hc_slot(h, nslots), used;

	for (;;) {
		memcpy(&used, tab + (uint64_t)pos * HC_SLOT_SIZE + side + 4,
		       sizeof(used));
		if (used == 0)
			break;
		if (++pos == nslots)
			pos = 0;
	}
	wr32(tab + (uint64_t)pos * HC_SLOT_SIZE + side, key);
	wr32(tab + (uint64_t)pos * HC_SLOT_SIZE + side + 4, roff);
}

static void emit_indexes(struct wctx *w)
{
	const struct hc_cache_builder *b = w->b;
	uint8_t *ut = w->out + w->sec_off[HC_SEC_INDEX_USER];
	uint8_t *gt = w->out + w->sec_off[HC_SEC_INDEX_GROUP];
	uint32_t nu = (uint32_t)(w->sec_size[HC_SEC_INDEX_USER] / HC_SLOT_SIZE);
	uint32_t ng = (uint32_t)(w->sec_size[HC_SEC_INDEX_GROUP] / HC_SLOT_SIZE);
	uint32_t i, h;

	for (i = 0; i < b->nu; i++) {
		h = b->u[i].hash;
		index_put(ut, nu, HC_S_HASH, h, h, w->uoff[i]);
		index_put(ut, nu, HC_S_ID, hc_hash_id(b->u[i].uid), b->u[i].uid,
			  w->uoff[i]);
	}
	for (i = 0; i < b->ng; i++) {
		if (w->gupg[i] >= 0)
			continue;
		h = b->g[i].hash;
		index_put(gt, ng, HC_S_HASH, h, h, w->goff[i]);
		index_put(gt, ng, HC_S_ID, hc_hash_id(b->g[i].gid), b->g[i].gid,
			  w->goff[i]);
	}
}

/* KEYS: the table entry of each user with keys, then the lists. */
static void emit_keys(uint8_t *out, uint64_t sec, const struct hc_cache_builder *b)
{
	uint64_t pos = sec + 4 * (uint64_t)b->nu, str;
	size_t i, j;

	for (i = 0; i < b->nks; i++) {
		const struct bkeys *k = &b->ks[i];

		wr32(out + sec + 4 * (uint64_t)k->user, (uint32_t)pos);
		wr32(out + pos, k->n);
		str = pos + 4 + 8 * (uint64_t)k->n;
		for (j = 0; j < k->n; j++) {
			const struct bkeyv *v = &b->kv[k->first + j];

			wr32(out + pos + 4 + 8 * j, (uint32_t)str);
			wr32(out + pos + 8 + 8 * j, v->len);
			memcpy(out + str, b->kstr.p + v->off, (size_t)v->len + 1);
			str += (uint64_t)v->len + 1;
		}
		pos = (str + 3) & ~(uint64_t)3;
	}
}

/* A delta's users carry the group lists given by the caller (none unless
 * set), after the GIDS entries the delta's own groups produced. */
static void emit_user_groups(struct wctx *w)
{
	const struct hc_cache_builder *b = w->b;
	uint8_t *gids = w->out + w->sec_off[HC_SEC_GIDS];
	uint64_t at = w->ngids;
	size_t i;

	for (i = 0; i < b->nu; i++) {
		uint8_t *r = w->out + w->uoff[i];

		wr32(r + HC_U_GFIRST, 0);
		wr32(r + HC_U_NGROUPS, 0);
	}
	for (i = 0; i < b->nxg; i++) {
		const struct bkeys *x = &b->xg[i];
		uint8_t *r = w->out + w->uoff[x->user];

		wr32(r + HC_U_GFIRST, (uint32_t)at);
		wr32(r + HC_U_NGROUPS, x->n);
		for (uint32_t j = 0; j < x->n; j++, at++)
			wr32(gids + 4 * at, b->xgid[x->first + j]);
	}
}

/* One superseded set: each position once, open addressing as the reader
 * probes it. Returns how many distinct positions. */
static uint32_t emit_set(uint8_t *set, uint32_t slots, const uint32_t *pos,
			 size_t n)
{
	uint32_t count = 0, at, v;
	size_t i;

	for (i = 0; i < n; i++) {
		at = hc_slot(hc_hash_id(pos[i]), slots);
		for (;;) {
			memcpy(&v, set + 4 * (size_t)at, sizeof(v));
			v = le32toh(v);
			if (v == 0 || v == pos[i] + 1)
				break;
			if (++at == slots)
				at = 0;
		}
		if (v == 0) {
			wr32(set + 4 * (size_t)at, pos[i] + 1);
			count++;
		}
	}
	return count;
}

static void emit_superseded(struct wctx *w)
{
	const struct hc_cache_builder *b = w->b;
	uint8_t *p = w->out + w->sec_off[HC_SEC_SUPERSEDED];
	uint32_t us = (uint32_t)sup_slots(b->nsupu), gs = (uint32_t)sup_slots(b->nsupg);

	wr32(p + HC_SUP_USLOTS, us);
	wr32(p + HC_SUP_GSLOTS, gs);
	wr32(p + HC_SUP_NUSERS,
	     emit_set(p + HC_SUP_HDR_SIZE, us, b->supu, b->nsupu));
	wr32(p + HC_SUP_NGROUPS, emit_set(p + HC_SUP_HDR_SIZE + 4 * (size_t)us,
					  gs, b->supg, b->nsupg));
}

static void emit_header(struct wctx *w, uint64_t generation,
			const char *server, int64_t refreshed_at)
{
	uint8_t *h = w->out;
	uint32_t i;

	memcpy(h, HC_CACHE_MAGIC, HC_CACHE_MAGIC_LEN);
	wr32(h + HC_OFF_VERSION, HC_CACHE_VERSION);
	wr32(h + HC_OFF_HDRSIZE, HC_HDR_SIZE);
	wr32(h + HC_OFF_BOM, HC_BOM);
	wr32(h + HC_OFF_FILESIZE, (uint32_t)w->total);
	wr64(h + HC_OFF_GENERATION, generation);
	wr64(h + HC_OFF_BASEGEN, w->b->base);
	wr64(h + HC_OFF_REFRESHED, (uint64_t)refreshed_at);
	wr32(h + HC_OFF_SERVER, pool_off(w, server));
	wr32(h + HC_OFF_NUSERS, (uint32_t)w->b->nu);
	wr32(h + HC_OFF_NGROUPS, (uint32_t)w->b->ng);
	for (i = 0; i < HC_SEC_COUNT; i++) {
		wr32(h + HC_OFF_SECTIONS + 8 * i, (uint32_t)w->sec_off[i]);
		wr32(h + HC_OFF_SECTIONS + 8 * i + 4, (uint32_t)w->sec_size[i]);
	}
	wr32(h + HC_OFF_CHECKSUM, hc_header_checksum(h));
}

static void wctx_free(struct wctx *w)
{
	free(w->gcount);
	free(w->glast);
	free(w->ufirst);
	free(w->uoff);
	free(w->unameoff);
	free(w->goff);
	free(w->upg);
	free(w->gupg);
	free(w->memu);
	if (w->out)
		munmap(w->out, w->total);
}

static int render(struct wctx *w, uint64_t generation, const char *server,
		  int64_t refreshed_at)
{
	size_t nu = w->b->nu ? w->b->nu : 1, ng = w->b->ng ? w->b->ng : 1;
	int r;

	w->gcount = calloc(nu, sizeof(uint32_t));
	w->glast = calloc(nu, sizeof(uint32_t));
	w->ufirst = calloc(nu, sizeof(uint32_t));
	w->uoff = calloc(nu, sizeof(uint32_t));
	w->unameoff = calloc(nu, sizeof(uint32_t));
	w->goff = calloc(ng, sizeof(uint32_t));
	w->upg = calloc(nu, sizeof(uint32_t));
	w->gupg = calloc(ng, sizeof(int64_t));
	w->memu = calloc(w->b->nmem ? w->b->nmem : 1, sizeof(int64_t));
	if (!w->gcount || !w->glast || !w->ufirst || !w->uoff || !w->unameoff ||
	    !w->goff || !w->upg || !w->gupg || !w->memu)
		return -ENOMEM;
	r = plan(w, server);
	if (r < 0)
		return r;
	/* zeroed pages; huge pages where the kernel allows them: faulting
	 * in tens of MB 4 KiB at a time is a visible share of a write */
	w->out = mmap(NULL, w->total, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w->out == MAP_FAILED) {
		w->out = NULL;
		return -ENOMEM;
	}
	(void)madvise(w->out, w->total, MADV_HUGEPAGE);
	emit_users(w);
	emit_groups(w);
	memcpy(w->out + w->sec_off[HC_SEC_STRINGS], w->b->pool.p, w->b->pool.len);
	emit_indexes(w);
	emit_keys(w->out, w->sec_off[HC_SEC_KEYS], w->b);
	if (w->b->base) {
		emit_user_groups(w);
		emit_superseded(w);
	}
	emit_header(w, generation, server, refreshed_at);
	return 0;
}

/* ---- atomic replacement ---- */

/* The file now at path, opened before our rename so that afterwards we can
 * flag exactly the file we replaced. Only a file of ours is touched. */
static int open_old(const char *path)
{
	char magic[HC_CACHE_MAGIC_LEN];
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);

	if (fd < 0)
		return -1;
	if (pread(fd, magic, sizeof(magic), 0) != (ssize_t)sizeof(magic) ||
	    memcmp(magic, HC_CACHE_MAGIC, sizeof(magic)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Step the file's superseded counter (cache_format.h): readers compare
 * it with the value they saw at open. One writer at a time (the lock of
 * hcoop-sync), so read-modify-write is enough. */
static void flag_superseded(int fd)
{
	uint32_t v = 0;

	if (fd < 0)
		return;
	/* best effort: readers also notice by a throttled stat */
	if (pread(fd, &v, sizeof(v), HC_OFF_SUPERSEDED) != (ssize_t)sizeof(v))
		v = 0;
	v = le32toh(v) + 1;
	v = htole32(v ? v : 1);
	if (pwrite(fd, &v, sizeof(v), HC_OFF_SUPERSEDED) < 0) {
		/* nothing more to do */
	}
	close(fd);
}

/* ---- temporary files left by a crash ---- */

/* The creator's PID if name is base + ".tmp.PID.N" (hc_create_tmp), else 0. */
static long tmp_creator(const char *name, const char *base)
{
	size_t n = strlen(base);
	char *end;
	long pid;

	if (strncmp(name, base, n) != 0 || strncmp(name + n, ".tmp.", 5) != 0)
		return 0;
	name += n + 5;
	if (*name < '0' || *name > '9')
		return 0;
	pid = strtol(name, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return 0;
	strtoul(end + 1, &end, 10);
	return *end == '\0' && pid > 0 ? pid : 0;
}

/* Remove name (in dirfd) if it is a regular file that nobody holds
 * locked (hc_create_tmp locks it until the write is done) and it is still
 * the file we checked when we unlink it. */
static void remove_if_unlocked(int dirfd, const char *name)
{
	struct stat a, b;
	int fd = openat(dirfd, name,
			O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return;
	if (fstat(fd, &a) == 0 && S_ISREG(a.st_mode) &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0 &&
	    fstatat(dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		(void)unlinkat(dirfd, name, 0);
	close(fd);
}

/* At the start of every write: temporary files of path whose creator is
 * gone (killed during a write) and that nobody has locked are removed.
 * Our own PID's files (another thread's write) and a live process's are
 * left alone. Best effort: a failure here never fails the write. */
static void remove_stale_tmps(const char *path)
{
	char *dcopy = strdup(path), *bcopy = strdup(path);
	const char *base;
	struct dirent *e;
	DIR *d = NULL;
	long pid;

	if (!dcopy || !bcopy)
		goto out;
	base = basename(bcopy);
	d = opendir(dirname(dcopy));
	if (!d)
		goto out;
	while ((e = readdir(d)) != NULL) {
		pid = tmp_creator(e->d_name, base);
		if (pid == 0 || pid == (long)getpid() || (pid_t)pid != pid)
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* alive (or not ours to signal) */
		remove_if_unlocked(dirfd(d), e->d_name);
	}
out:
	if (d)
		closedir(d);
	free(dcopy);
	free(bcopy);
}

/* also: a file to flag superseded too once the rename is done (-1: none;
 * closed here either way). */
static int replace_file(const char *path, const uint8_t *buf, size_t n,
			int also)
{
	char tmp[4096];
	int fd, oldfd = -1, r;

	remove_stale_tmps(path);
	fd = hc_create_tmp(path, tmp, sizeof(tmp));
	if (fd < 0) {
		if (also >= 0)
			close(also);
		return fd;
	}
	/* created 0600 (O_EXCL), made world-readable on purpose, whatever
	 * the umask */
	if (fchmod(fd, 0644) < 0) {
		r = -errno;
		goto fail;
	}
	r = hc_write_all(fd, buf, n);
	if (r < 0)
		goto fail;
	if (fsync(fd) < 0) {
		r = -errno;
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = -errno;
		goto fail;
	}
	fd = -1;
	oldfd = open_old(path);
	if (rename(tmp, path) < 0) {
		r = -errno;
		goto fail;
	}
	r = hc_fsync_dir_of(path);
	flag_superseded(oldfd);
	flag_superseded(also);
	return r;
fail:
	if (fd >= 0)
		close(fd);
	if (oldfd >= 0)
		close(oldfd);
	if (also >= 0)
		close(also);
	unlink(tmp);
	return r;
}

int hc_cache_builder_write(struct hc_cache_builder *b, const char *path,
			   uint64_t generation, const char *server,
			   int64_t refreshed_at)
{
	struct wctx w = { .b = b };
	int r;

	if (!server)
		server = "";
	if (too_long(server, HC_MAX_SERVER))
		return -ENAMETOOLONG;
	b->base = 0;
	r = render(&w, generation, server, refreshed_at);
	if (r == 0)
		r = replace_file(path, w.out, w.total, -1);
	wctx_free(&w);
	return r;
}

/* ---- delta files ---- */

static char *delta_path(const char *main_path)
{
	size_t n = strlen(main_path);
	char *p = malloc(n + sizeof(HC_DELTA_SUFFIX));

	if (p) {
		memcpy(p, main_path, n);
		memcpy(p + n, HC_DELTA_SUFFIX, sizeof(HC_DELTA_SUFFIX));
	}
	return p;
}

/* The u64 at off in the file at path whose magic is ours, or 0. */
static uint64_t header_u64(const char *path, off_t off)
{
	char magic[HC_CACHE_MAGIC_LEN];
	uint64_t v = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);

	if (fd < 0)
		return 0;
	if (pread(fd, magic, sizeof(magic), 0) != (ssize_t)sizeof(magic) ||
	    memcmp(magic, HC_CACHE_MAGIC, sizeof(magic)) != 0 ||
	    pread(fd, &v, sizeof(v), off) != (ssize_t)sizeof(v))
		v = 0;
	close(fd);
	return le64toh(v);
}

int hc_cache_builder_write_delta(struct hc_cache_builder *b,
				 const char *main_path, uint64_t base,
				 uint64_t generation, const char *server,
				 int64_t refreshed_at)
{
	struct wctx w = { .b = b };
	char *dpath;
	int r, also = -1;

	if (!server)
		server = "";
	if (base == 0)
		return -EINVAL;
	if (too_long(server, HC_MAX_SERVER))
		return -ENAMETOOLONG;
	dpath = delta_path(main_path);
	if (!dpath)
		return -ENOMEM;
	b->base = base;
	r = render(&w, generation, server, refreshed_at);
	/* readers map the old delta only if it applies to this main file:
	 * otherwise they have the main file alone and learn from its flag */
	if (r == 0 && header_u64(dpath, HC_OFF_BASEGEN) != base &&
	    header_u64(main_path, HC_OFF_GENERATION) == base)
		also = open_old(main_path);
	if (r == 0)
		r = replace_file(dpath, w.out, w.total, also);
	wctx_free(&w);
	free(dpath);
	return r;
}

int hc_cache_delta_retire(const char *main_path)
{
	char *dpath = delta_path(main_path);
	int fd, r = 0;

	if (!dpath)
		return -ENOMEM;
	remove_stale_tmps(dpath); /* a delta write killed midway */
	fd = open_old(dpath);
	if (fd >= 0) {
		flag_superseded(fd);
		if (unlink(dpath) < 0 && errno != ENOENT)
			r = -errno;
		else
			r = hc_fsync_dir_of(dpath);
	} /* none, or not ours: left alone (readers ignore it by its base) */
	free(dpath);
	return r;
}
