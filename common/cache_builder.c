/* Cache builder (see cache.h): what the writer's caller adds. Every
 * string goes into one arena (offsets, not pointers: a million users must
 * not mean six million mallocs), with the duplicate checks of names and
 * ids; cache_render.c lays the file out from it. */
#include "cache.h"
#include "hidx.h"
#include "cache_format.h"
#include "fileio.h"
#include "cache_builder.h"

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

static bool hm_eq(const void *ctx, uint32_t item, const void *key)
{
	const struct hm_key *k = key;

	(void)ctx;
	return k->eq(k->ctx, item - 1, k->key);
}

static int64_t hm_find(const struct hmap *m, uint32_t h, hm_eq_fn eq,
		       const void *ctx, const void *key)
{
	struct hm_key k = { eq, ctx, key };
	uint32_t *hit = hc_hidx4_find(&m->x, h, hm_eq, NULL, &k);

	return hit ? (int64_t)(*hit - 1) : -1;
}

static int hm_insert(struct hmap *m, uint32_t h, uint32_t item)
{
	return hc_hidx4_insert(&m->x, h, item + 1);
}

static void hm_free(struct hmap *m)
{
	hc_hidx4_free(&m->x);
}


/* The hash of each map's items (number + 1), from the builder's records:
 * the value the map was searched or filled with. */
static uint32_t h_uname(const void *ctx, uint32_t item)
{
	return ((const struct hc_cache_builder *)ctx)->u[item - 1].hash;
}

static uint32_t h_uid(const void *ctx, uint32_t item)
{
	return hc_hash_id(((const struct hc_cache_builder *)ctx)->u[item - 1].uid);
}

static uint32_t h_gname(const void *ctx, uint32_t item)
{
	return ((const struct hc_cache_builder *)ctx)->g[item - 1].hash;
}

static uint32_t h_gid(const void *ctx, uint32_t item)
{
	return hc_hash_id(((const struct hc_cache_builder *)ctx)->g[item - 1].gid);
}

static uint32_t h_kuser(const void *ctx, uint32_t item)
{
	return hc_hash_id(((const struct hc_cache_builder *)ctx)->ks[item - 1].user);
}

static uint32_t h_xuser(const void *ctx, uint32_t item)
{
	return hc_hash_id(((const struct hc_cache_builder *)ctx)->xg[item - 1].user);
}

struct hc_cache_builder *hc_cache_builder_new(void)
{
	struct hc_cache_builder *b = calloc(1, sizeof(struct hc_cache_builder));

	if (!b)
		return NULL;
	b->ud.fd = -1;
	hc_hidx4_init(&b->uname.x, h_uname, b);
	hc_hidx4_init(&b->uid.x, h_uid, b);
	hc_hidx4_init(&b->gname.x, h_gname, b);
	hc_hidx4_init(&b->gid.x, h_gid, b);
	hc_hidx4_init(&b->kuser.x, h_kuser, b);
	hc_hidx4_init(&b->xuser.x, h_xuser, b);
	return b;
}

static void ud_free(struct udata *d)
{
	if (d->path) { /* a spool: its mapping (and the file, unless written) */
		if (d->p)
			munmap(d->p, d->cap);
		if (d->fd >= 0) {
			close(d->fd);
			unlink(d->tmp);
		}
	} else {
		free(d->p);
	}
	free(d->path);
	free(d->reads);
}

void hc_cache_builder_free(struct hc_cache_builder *b)
{
	if (!b)
		return;
	ud_free(&b->ud);
	free(b->str.p);
	free(b->pool.p);
	hc_hidx32_free(&b->pmap);
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
	free(b->dnsfx.p);
	free(b->xg);
	free(b->xgid);
	hm_free(&b->xuser);
	free(b->supu);
	free(b->supg);
	free(b);
}

/* ---- the users' records (struct udata) ---- */

/* A spool grows by reserving its blocks first (a full disk fails the add,
 * never a later store through the mapping), then remapping. */
#define UD_SPOOL_MIN ((size_t)16 << 10)
/* Appended spool pages leave the resident set in steps of this much. */
#define UD_STEP ((size_t)256 << 10)

static int ud_reserve(struct udata *d, size_t need)
{
	size_t cap;
	void *np;
	int r;

	if (need <= d->cap)
		return 0;
	if (need > UINT32_MAX)
		return -EFBIG;
	cap = d->cap ? d->cap * 2 : d->path ? UD_SPOOL_MIN : 4096;
	while (cap < need)
		cap *= 2;
	if (!d->path) {
		if (!(np = realloc(d->p, cap)))
			return -ENOMEM;
		memset((char *)np + d->cap, 0, cap - d->cap);
	} else {
		/* doubling reserves up to twice what is needed: on a full
		 * disk, ask for what is needed alone before failing, so that
		 * a cache that fits is written */
		size_t exact = (need + UD_SPOOL_MIN - 1) & ~(UD_SPOOL_MIN - 1);

		for (;;) {
			do
				r = posix_fallocate(d->fd, (off_t)d->cap,
						    (off_t)(cap - d->cap));
			while (r == EINTR);
			if (r != ENOSPC || cap <= exact)
				break;
			cap = exact;
		}
		if (r != 0)
			return -r;
		np = d->p ? mremap(d->p, d->cap, cap, MREMAP_MAYMOVE)
			  : mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED,
				 d->fd, 0);
		if (np == MAP_FAILED)
			return -ENOMEM;
	}
	d->p = np;
	d->cap = cap;
	if (d->len == 0)
		d->len = HC_HDR_SIZE; /* the header's room: zeros */
	return 0;
}

/* Every spool page leaves this process's resident set: the bytes stay in
 * the file (the page cache) and fault back in when read. */
static void ud_drop(const struct udata *d)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (d->path && d->p)
		(void)madvise(d->p, d->len & ~(page - 1), MADV_DONTNEED);
}

void hcb_spool_drop(const struct hc_cache_builder *b)
{
	ud_drop(&b->ud);
}

/* Record reads between two drops of the spool's pages. A read fault on a
 * file mapping maps up to 16 cached pages around the one touched (the
 * kernel's fault-around), so each read may bring 64 KiB back: 64 of
 * them, at most 4 MiB. */
#define UD_RELAX 64

int hc_cache_builder_spool(struct hc_cache_builder *b, const char *path)
{
	struct udata *d = &b->ud;
	int r;

	if (!path || d->len || d->path || b->nu)
		return -EINVAL;
	if (!(d->path = strdup(path)) || !(d->reads = calloc(1, sizeof(*d->reads)))) {
		free(d->path);
		d->path = NULL;
		return -ENOMEM;
	}
	(void)hc_remove_stale_tmp(path, NULL);
	d->fd = hc_create_tmp(path, d->tmp, sizeof(d->tmp));
	if (d->fd < 0) {
		r = d->fd;
		goto fail;
	}
	if ((r = ud_reserve(d, HC_HDR_SIZE)) < 0) {
		close(d->fd);
		unlink(d->tmp);
		goto fail;
	}
	return 0;
fail:
	free(d->path);
	free(d->reads);
	*d = (struct udata){ .fd = -1 };
	return r;
}

const uint8_t *hcb_urec(const struct hc_cache_builder *b, uint32_t i)
{
	if (b->ud.reads && ++*b->ud.reads >= UD_RELAX) {
		*b->ud.reads = 0;
		ud_drop(&b->ud);
	}
	return b->ud.p + b->u[i].off;
}

/* A string field of the record r of b ("" for offset 0: an empty gecos). */
static const char *rstr(const struct hc_cache_builder *b, const uint8_t *r,
			int field)
{
	uint32_t off = hc_rd32(r + field);

	return off ? (const char *)b->ud.p + off : "";
}

const char *hcb_uname(const struct hc_cache_builder *b, uint32_t i)
{
	return rstr(b, hcb_urec(b, i), HC_U_NAME);
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
	return strcmp(hcb_uname(ctx, i), key) == 0;
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

int64_t hcb_find_user_h(const struct hc_cache_builder *b, const char *name,
			   uint32_t h)
{
	return hm_find(&b->uname, h, eq_uname, b, name);
}

int64_t hcb_find_user(const struct hc_cache_builder *b, const char *name)
{
	return hcb_find_user_h(b, name, hc_hash_name(name));
}

static bool eq_pool(const void *ctx, uint32_t item, const void *key)
{
	return strcmp(((const struct arena *)ctx)->p + item - 1, key) == 0;
}

static int64_t pool_find(const struct hc_cache_builder *b, const char *s,
			 uint32_t h)
{
	uint32_t *hit = hc_hidx32_find(&b->pmap, h, eq_pool, &b->pool, s);

	return hit ? (int64_t)(*hit - 1) : -1;
}

/* Pool offset of s, adding it once. */
int hcb_intern(struct hc_cache_builder *b, const char *s, uint32_t *off)
{
	uint32_t h = hc_hash_name(s);
	int64_t f = pool_find(b, s, h);
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
	return hc_hidx32_insert(&b->pmap, h, *off + 1);
}

/* s (len bytes and a NUL) at *at in the records; its offset. */
static uint32_t ud_put(struct udata *d, size_t *at, const char *s, size_t len)
{
	uint32_t off = (uint32_t)*at;

	memcpy(d->p + *at, s, len + 1);
	*at += len + 1;
	return off;
}

/* The record of in, then its strings: the home, the name unless it is
 * the home's tail ("/home/alice"), the gecos unless empty, the DN. */
static int put_user(struct hc_cache_builder *b, const struct hc_user_in *in,
		    uint32_t *roff)
{
	struct udata *d = &b->ud;
	size_t nlen = strlen(in->name), glen = strlen(in->gecos),
	       dlen = strlen(in->dir), dnlen = strlen(in->dn), at, size;
	bool tail = dlen > nlen && in->dir[dlen - nlen - 1] == '/' &&
		    memcmp(in->dir + dlen - nlen, in->name, nlen) == 0;
	uint32_t shell, host, dir;
	uint8_t *r;
	int e;

	if ((e = hcb_intern(b, in->shell, &shell)) < 0 ||
	    (e = hcb_intern(b, in->host ? in->host : "", &host)) < 0)
		return e;
	size = HC_UREC_SIZE + dlen + 1 + (tail ? 0 : nlen + 1) +
	       (glen ? glen + 1 : 0) + dnlen + 1;
	size = (size + 3) & ~(size_t)3;
	if ((e = ud_reserve(d, (d->len ? d->len : HC_HDR_SIZE) + size)) < 0)
		return e;
	/* the record is named by its hot part, after the cold fields */
	*roff = (uint32_t)(d->len + HC_U_COLD);
	memset(d->p + d->len, 0, size);
	r = d->p + *roff;
	at = d->len + HC_UREC_SIZE;
	dir = ud_put(d, &at, in->dir, dlen);
	hc_wr32(r + HC_U_DIR, dir);
	hc_wr32(r + HC_U_NAME, tail ? dir + (uint32_t)(dlen - nlen)
				  : ud_put(d, &at, in->name, nlen));
	if (glen)
		hc_wr32(r + HC_U_GECOS, ud_put(d, &at, in->gecos, glen));
	hc_wr32(r + HC_U_DN, ud_put(d, &at, in->dn, dnlen));
	hc_wr32(r + HC_U_SHELL, shell); /* pool offsets until the render */
	hc_wr32(r + HC_U_HOST, host);
	hc_wr32(r + HC_U_UID, in->uid);
	hc_wr32(r + HC_U_GID, in->gid);
	hc_wr32(r + HC_U_FLAGS, in->flags);
	hc_wr32(r + HC_U_EXPIRE_LO, (uint32_t)(uint64_t)in->shadow_expire);
	hc_wr32(r + HC_U_EXPIRE_HI, (uint32_t)((uint64_t)in->shadow_expire >> 32));
	d->len += size;
	if (d->path && (d->given += size) >= UD_STEP) {
		d->given = 0;
		ud_drop(d);
	}
	return 0;
}

/* ---- string-length limits (HC_MAX_* in cache_format.h) ---- */

bool hcb_too_long(const char *s, size_t max)
{
	return s && strnlen(s, max + 1) > max;
}

/* What the reader would refuse as corrupt is never written. */
static bool user_too_long(const struct hc_user_in *in)
{
	return hcb_too_long(in->name, HC_MAX_NAME) ||
	       hcb_too_long(in->gecos, HC_MAX_GECOS) ||
	       hcb_too_long(in->dir, HC_MAX_PATH) ||
	       hcb_too_long(in->shell, HC_MAX_PATH) ||
	       hcb_too_long(in->dn, HC_MAX_DN) || hcb_too_long(in->host, HC_MAX_HOST);
}

static bool group_too_long(const char *name, const char *const *members,
			   size_t nmembers)
{
	size_t i;

	if (hcb_too_long(name, HC_MAX_NAME))
		return true;
	for (i = 0; i < nmembers; i++)
		if (hcb_too_long(members[i], HC_MAX_NAME))
			return true;
	return false;
}

int hc_cache_builder_add_user(struct hc_cache_builder *b,
			      const struct hc_user_in *in)
{
	struct buser u = { .uid = in->uid, .gid = in->gid };
	uint32_t n;
	int r;

	if (!in->name || !in->gecos || !in->dir || !in->shell || !in->dn)
		return -EINVAL;
	if (b->ud.spent)
		return -ESTALE;
	if (user_too_long(in))
		return -ENAMETOOLONG;
	u.hash = hc_hash_name(in->name);
	if (hcb_find_user_h(b, in->name, u.hash) >= 0 ||
	    hm_find(&b->uid, hc_hash_id(in->uid), eq_uid, b, &in->uid) >= 0)
		return -EEXIST;
	if (b->nu >= UINT32_MAX / HC_UREC_SIZE)
		return -EFBIG;
	if ((r = grow((void **)&b->u, &b->capu, b->nu + 1, sizeof(*b->u))) < 0 ||
	    (r = put_user(b, in, &u.off)) < 0)
		return r;
	n = (uint32_t)b->nu;
	b->u[n] = u;
	if ((r = hm_insert(&b->uname, u.hash, n)) < 0 ||
	    (r = hm_insert(&b->uid, hc_hash_id(in->uid), n)) < 0)
		return r;
	b->nu++;
	return 0;
}

/* The suffix number of s in dnsfx, adding it while there is room; -1. */
static int find_suffix(struct hc_cache_builder *b, const char *s)
{
	uint32_t off;
	size_t i;

	for (i = 0; i < b->nsfx; i++)
		if (strcmp(b->dnsfx.p + b->sfx[i], s) == 0)
			return (int)i;
	if (b->nsfx == HCB_DN_SUFFIXES || arena_add(&b->dnsfx, s, &off) < 0)
		return -1;
	b->sfx[b->nsfx] = off;
	return (int)b->nsfx++;
}

/* dn1 for the DN of group name (bgroup). */
static int keep_dn(struct hc_cache_builder *b, const char *name,
		   const char *dn, uint32_t *dn1)
{
	size_t nlen = strlen(name);
	uint32_t off;
	int k = -1, r;

	if (strncmp(dn, "cn=", 3) == 0 && strncmp(dn + 3, name, nlen) == 0 &&
	    dn[3 + nlen] == ',')
		k = find_suffix(b, dn + 3 + nlen + 1);
	if (k >= 0) {
		*dn1 = HCB_DN_SFX + (uint32_t)k;
		return 0;
	}
	if ((r = arena_add(&b->str, dn, &off)) < 0)
		return r;
	if (off >= HCB_DN_SFX - 1)
		return -EFBIG;
	*dn1 = off + 1;
	return 0;
}

int hc_cache_builder_add_group(struct hc_cache_builder *b, const char *name,
			       uint32_t gid, const char *const *members,
			       size_t nmembers)
{
	return hc_cache_builder_add_group_dn(b, name, gid, members, nmembers,
					     NULL);
}

int hc_cache_builder_add_group_dn(struct hc_cache_builder *b,
				  const char *name, uint32_t gid,
				  const char *const *members, size_t nmembers,
				  const char *dn)
{
	struct bgroup g = { .gid = gid, .first = (uint32_t)b->nmem };
	uint32_t n;
	size_t i;
	int r;

	if (!name || (nmembers && !members))
		return -EINVAL;
	if (group_too_long(name, members, nmembers) ||
	    hcb_too_long(dn, HC_MAX_DN))
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
	/* after the members: they must stay one block */
	if (dn && (r = keep_dn(b, name, dn, &g.dn1)) < 0)
		return r;
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
	ui = hcb_find_user(b, name);
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
uint64_t hcb_keys_size(const struct hc_cache_builder *b)
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
	ui = hcb_find_user(b, name);
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
uint64_t hcb_sup_slots(size_t n)
{
	return n == 0 ? 0 : 4 * (uint64_t)n + 1;
}


int64_t hcb_pool_find(const struct hc_cache_builder *b, const char *s)
{
	return pool_find(b, s, hc_hash_name(s));
}


/* ---- streaming: find, read back, remove ---- */

int64_t hc_cache_builder_user_byname(const struct hc_cache_builder *b,
				     const char *name)
{
	return name ? hcb_find_user(b, name) : -1;
}

int64_t hc_cache_builder_user_byuid(const struct hc_cache_builder *b,
				    uint32_t uid)
{
	return hm_find(&b->uid, hc_hash_id(uid), eq_uid, b, &uid);
}

int64_t hc_cache_builder_group_byname(const struct hc_cache_builder *b,
				      const char *name)
{
	return name ? hm_find(&b->gname, hc_hash_name(name), eq_gname, b, name)
		    : -1;
}

int64_t hc_cache_builder_group_bygid(const struct hc_cache_builder *b,
				     uint32_t gid)
{
	return hm_find(&b->gid, hc_hash_id(gid), eq_gid, b, &gid);
}

size_t hc_cache_builder_n_users(const struct hc_cache_builder *b)
{
	return b->nu;
}

size_t hc_cache_builder_n_groups(const struct hc_cache_builder *b)
{
	return b->ng;
}

static int64_t keys_of(const struct hc_cache_builder *b, uint32_t user)
{
	return hm_find(&b->kuser, hc_hash_id(user), eq_kuser, b, &user);
}

int hc_cache_builder_user_at(const struct hc_cache_builder *b, size_t pos,
			     struct hc_user_in *u, const char **keys,
			     size_t cap, size_t *nkeys)
{
	const uint8_t *r;
	int64_t k;
	uint32_t i, p = (uint32_t)pos;

	*nkeys = 0;
	if (pos >= b->nu)
		return -ENOENT;
	if (b->ud.spent)
		return -ESTALE;
	r = hcb_urec(b, p);
	*u = (struct hc_user_in){
		.name = rstr(b, r, HC_U_NAME), .gecos = rstr(b, r, HC_U_GECOS),
		.dir = rstr(b, r, HC_U_DIR), .dn = rstr(b, r, HC_U_DN),
		.shell = b->pool.p + hc_rd32(r + HC_U_SHELL),
		.host = b->pool.p + hc_rd32(r + HC_U_HOST),
		.uid = b->u[p].uid, .gid = b->u[p].gid,
		.flags = hc_rd32(r + HC_U_FLAGS),
		.shadow_expire = (int64_t)((uint64_t)hc_rd32(r + HC_U_EXPIRE_LO) |
					   (uint64_t)hc_rd32(r + HC_U_EXPIRE_HI) << 32),
	};
	k = keys_of(b, p);
	for (i = 0; k >= 0 && i < b->ks[k].n && i < cap; i++)
		keys[(*nkeys)++] = b->kstr.p + b->kv[b->ks[k].first + i].off;
	return 0;
}

int hc_cache_builder_group_at(const struct hc_cache_builder *b, size_t pos,
			      struct hc_group_in *g)
{
	const struct bgroup *r;

	if (pos >= b->ng)
		return -ENOENT;
	r = &b->g[pos];
	g->name = b->str.p + r->name;
	g->gid = r->gid;
	g->nmembers = r->nmembers;
	return 0;
}

const char *hc_cache_builder_group_member(const struct hc_cache_builder *b,
					  size_t pos, size_t i)
{
	if (pos >= b->ng || i >= b->g[pos].nmembers)
		return NULL;
	return b->str.p + b->mem[b->g[pos].first + i];
}

/* Map entries are found by the record number they hold, whatever key
 * they were found by (the record may already have been overwritten). */
static bool eq_item(const void *ctx, uint32_t i, const void *key)
{
	(void)ctx;
	return i == *(const uint32_t *)key;
}

static uint32_t *hm_slot(const struct hmap *m, uint32_t h, uint32_t item)
{
	struct hm_key k = { eq_item, NULL, &item };

	return hc_hidx4_find(&m->x, h, hm_eq, NULL, &k);
}

static void hm_remove(struct hmap *m, uint32_t h, uint32_t item)
{
	struct hm_key k = { eq_item, NULL, &item };

	hc_hidx4_remove(&m->x, h, hm_eq, NULL, &k);
}

/* The map entry of h naming record from now names record to. */
static void hm_renumber(struct hmap *m, uint32_t h, uint32_t from, uint32_t to)
{
	uint32_t *slot = hm_slot(m, h, from);

	if (slot)
		*slot = to + 1;
}

static bool is_delta(const struct hc_cache_builder *b)
{
	return b->base || b->nxg || b->nsupu || b->nsupg;
}

/* Drop user pos's key list (its lines stay in kstr, unused). */
static void remove_keys(struct hc_cache_builder *b, uint32_t pos)
{
	int64_t k = keys_of(b, pos);
	uint32_t last;

	if (k < 0)
		return;
	hm_remove(&b->kuser, hc_hash_id(pos), (uint32_t)k);
	last = (uint32_t)b->nks - 1;
	if ((uint32_t)k != last) {
		b->ks[k] = b->ks[last];
		hm_renumber(&b->kuser, hc_hash_id(b->ks[k].user), last,
			    (uint32_t)k);
	}
	b->nks--;
	if (b->nks == 0)
		b->nkv = 0;
}

/* A removed user's record and strings become zeros (the file keeps no
 * trace of it), or room again when it was the last one added. The DN is
 * the last of its strings. */
static void forget_record(struct udata *d, uint32_t off)
{
	uint32_t dn = hc_rd32(d->p + off + HC_U_DN), start = off - HC_U_COLD;
	size_t end = (dn + strlen((const char *)d->p + dn) + 1 + 3) & ~(size_t)3;

	memset(d->p + start, 0, end - start);
	if (end == d->len)
		d->len = start;
}

int hc_cache_builder_remove_user(struct hc_cache_builder *b, size_t pos)
{
	uint32_t p = (uint32_t)pos, last;
	int64_t k;

	if (is_delta(b) || b->ud.spent)
		return -EINVAL;
	if (pos >= b->nu)
		return -ENOENT;
	forget_record(&b->ud, b->u[p].off);
	remove_keys(b, p);
	hm_remove(&b->uname, b->u[p].hash, p);
	hm_remove(&b->uid, hc_hash_id(b->u[p].uid), p);
	last = (uint32_t)b->nu - 1;
	if (p != last) {
		b->u[p] = b->u[last];
		hm_renumber(&b->uname, b->u[p].hash, last, p);
		hm_renumber(&b->uid, hc_hash_id(b->u[p].uid), last, p);
		/* the moved user's key list is keyed by its number */
		if ((k = keys_of(b, last)) >= 0) {
			hm_remove(&b->kuser, hc_hash_id(last), (uint32_t)k);
			b->ks[k].user = p;
			/* a slot was just freed: this cannot fail */
			(void)hm_insert(&b->kuser, hc_hash_id(p), (uint32_t)k);
		}
	}
	b->nu--;
	return 0;
}

int hc_cache_builder_remove_group(struct hc_cache_builder *b, size_t pos)
{
	uint32_t p = (uint32_t)pos, last;
	const struct bgroup *g;

	if (is_delta(b))
		return -EINVAL;
	if (pos >= b->ng)
		return -ENOENT;
	g = &b->g[p];
	/* the last member list added: give its room back */
	if (g->first + g->nmembers == b->nmem)
		b->nmem = g->first;
	hm_remove(&b->gname, g->hash, p);
	hm_remove(&b->gid, hc_hash_id(g->gid), p);
	last = (uint32_t)b->ng - 1;
	if (p != last) {
		b->g[p] = b->g[last];
		hm_renumber(&b->gname, b->g[p].hash, last, p);
		hm_renumber(&b->gid, hc_hash_id(b->g[p].gid), last, p);
	}
	b->ng--;
	return 0;
}

const char *hc_cache_builder_user_dn(const struct hc_cache_builder *b,
				     size_t pos)
{
	return pos < b->nu && !b->ud.spent ? rstr(b, hcb_urec(b, (uint32_t)pos), HC_U_DN)
					   : NULL;
}

/* s appended to buf at at, as far as it fits; the new length. */
static size_t put(char *buf, size_t at, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (at + n < len)
		memcpy(buf + at, s, n);
	return at + n;
}

int hc_cache_builder_group_dn(const struct hc_cache_builder *b, size_t pos,
			      char *buf, size_t len)
{
	uint32_t dn1 = pos < b->ng ? b->g[pos].dn1 : 0;
	size_t at;

	if (!dn1)
		return -ENOENT;
	if (dn1 < HCB_DN_SFX) {
		at = put(buf, 0, len, b->str.p + dn1 - 1);
	} else { /* called for each comparison of a sort: no printf */
		at = put(buf, 0, len, "cn=");
		at = put(buf, at, len, b->str.p + b->g[pos].name);
		at = put(buf, at, len, ",");
		at = put(buf, at, len, b->dnsfx.p + b->sfx[dn1 - HCB_DN_SFX]);
	}
	if (at >= len)
		return -ERANGE;
	buf[at] = '\0';
	return 0;
}

/* ---- the file's order: users by uid, groups by gid ---- */

static int by_uid(const void *x, const void *y, void *arg)
{
	const struct hc_cache_builder *b = arg;
	uint32_t a = b->u[*(const uint32_t *)x].uid, c = b->u[*(const uint32_t *)y].uid;

	return (a > c) - (a < c);
}

static int by_gid(const void *x, const void *y, void *arg)
{
	const struct hc_cache_builder *b = arg;
	uint32_t a = b->g[*(const uint32_t *)x].gid, c = b->g[*(const uint32_t *)y].gid;

	return (a > c) - (a < c);
}

/* perm[i] = the record to move to position i, for records of elsize
 * bytes: applied in place, one cycle at a time (perm is consumed). */
static void permute(void *recs, size_t elsize, uint32_t *perm, size_t n)
{
	char *v = recs, tmp[128];
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		if (perm[i] == i)
			continue;
		memcpy(tmp, v + i * elsize, elsize);
		for (j = i; perm[j] != i; j = k) {
			k = perm[j];
			memcpy(v + j * elsize, v + k * elsize, elsize);
			perm[j] = (uint32_t)j;
		}
		memcpy(v + j * elsize, tmp, elsize);
		perm[j] = (uint32_t)j;
	}
}

/* The order cmp gives n records: perm (malloc'd), and its inverse when
 * inv is not NULL. */
static int sorted_perm(struct hc_cache_builder *b, size_t n,
		       int (*cmp)(const void *, const void *, void *),
		       uint32_t **perm, uint32_t **inv)
{
	size_t i;

	*perm = malloc((n ? n : 1) * sizeof(**perm));
	if (inv)
		*inv = malloc((n ? n : 1) * sizeof(**inv));
	if (!*perm || (inv && !*inv)) {
		free(*perm);
		if (inv)
			free(*inv);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		(*perm)[i] = (uint32_t)i;
	qsort_r(*perm, n, sizeof(**perm), cmp, b);
	for (i = 0; inv && i < n; i++)
		(*inv)[(*perm)[i]] = (uint32_t)i;
	return 0;
}

/* The maps by record number, rebuilt after a reordering; the duplicate
 * checks only when more may be added (not on a spool about to be
 * written: the render needs the names and the key and group lists). */
static int reindex(struct hc_cache_builder *b, bool dup_checks)
{
	uint32_t i;
	int r;

	hm_free(&b->uname);
	hm_free(&b->uid);
	hm_free(&b->kuser);
	hm_free(&b->xuser);
	hm_free(&b->gname);
	hm_free(&b->gid);
	if ((r = hc_hidx4_reserve(&b->uname.x, (uint32_t)b->nu)) < 0 ||
	    (r = hc_hidx4_reserve(&b->kuser.x, (uint32_t)b->nks)) < 0 ||
	    (r = hc_hidx4_reserve(&b->xuser.x, (uint32_t)b->nxg)) < 0)
		return r;
	for (i = 0; i < b->nu; i++)
		if ((r = hm_insert(&b->uname, b->u[i].hash, i)) < 0 ||
		    (dup_checks &&
		     (r = hm_insert(&b->uid, hc_hash_id(b->u[i].uid), i)) < 0))
			return r;
	for (i = 0; i < b->nks; i++)
		if ((r = hm_insert(&b->kuser, hc_hash_id(b->ks[i].user), i)) < 0)
			return r;
	for (i = 0; i < b->nxg; i++)
		if ((r = hm_insert(&b->xuser, hc_hash_id(b->xg[i].user), i)) < 0)
			return r;
	for (i = 0; dup_checks && i < b->ng; i++)
		if ((r = hm_insert(&b->gname, b->g[i].hash, i)) < 0 ||
		    (r = hm_insert(&b->gid, hc_hash_id(b->g[i].gid), i)) < 0)
			return r;
	return 0;
}

int hcb_order(struct hc_cache_builder *b)
{
	uint32_t *perm, *inv;
	size_t i;
	int r;

	if (b->ud.path) { /* rebuilt after the sort: not there during it */
		hm_free(&b->uname);
		hm_free(&b->uid);
		hm_free(&b->gname);
		hm_free(&b->gid);
	}
	if ((r = sorted_perm(b, b->nu, by_uid, &perm, &inv)) < 0)
		return r;
	for (i = 0; i < b->nks; i++)
		b->ks[i].user = inv[b->ks[i].user];
	for (i = 0; i < b->nxg; i++)
		b->xg[i].user = inv[b->xg[i].user];
	free(inv);
	_Static_assert(sizeof(struct buser) <= 128, "permute's buffer");
	permute(b->u, sizeof(*b->u), perm, b->nu);
	free(perm);
	if ((r = sorted_perm(b, b->ng, by_gid, &perm, NULL)) < 0)
		return r;
	_Static_assert(sizeof(struct bgroup) <= 128, "permute's buffer");
	permute(b->g, sizeof(*b->g), perm, b->ng);
	free(perm);
	return reindex(b, b->ud.path == NULL);
}
