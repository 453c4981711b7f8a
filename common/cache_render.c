/* Cache writer, layout (format in cache_format.h): the file laid out from
 * the builder in two passes, sizes (plan) then bytes (emit_file, called
 * by cache_replace.c with the temp file's mapping, section by section in
 * file order, each finished range handed back as it goes); for a main
 * file and for a delta file. */
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

/* ---- layout: pass 1 sizes, pass 2 bytes ---- */

/* The render's arrays, 4 bytes an entry each, all 0 at the start (so
 * "user + 1, 0 = none"). Those only the users' and groups' passes need
 * are freed as soon as the groups are out (drop()). */
struct wctx {
	struct hc_cache_builder *b;
	uint32_t empty;    /* pool offset of "" */
	uint32_t *gcount;  /* per user: groups, then the GIDS fill cursor */
	uint32_t *glast;   /* per user: last group number + 1 (dedup) */
	uint32_t *goff;    /* per group: record offset, 0 if compact */
	uint32_t *upg;   /* per user: 1 + position of its compact group, or 0 */
	uint32_t *gupg;  /* per group: 1 + user index if compact, or 0 */
	uint32_t *memu;  /* per member entry: 1 + user index, or 0 */
	size_t ngfull;   /* groups with a record (not compact) */
	uint64_t sec_off[HC_SEC_COUNT], sec_size[HC_SEC_COUNT], total;
	uint64_t ngids;  /* GIDS entries from the groups (before the delta's) */
	uint8_t *out;
	struct hcb_out *o; /* out's owner: hand finished ranges back */
};

static const char *bstr(const struct wctx *w, uint32_t off)
{
	return w->b->str.p + off;
}

/* A load of 0.8: short probes (hits and misses alike) for 20 bytes per
 * entry. Any count works (hc_slot scales the hash to it). */
static uint64_t index_slots(size_t n)
{
	return n == 0 ? 0 : (uint64_t)n + n / 4 + 1;
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
		int64_t gu = hcb_find_user_h(b, bstr(w, g->name), g->hash);

		if (gu >= 0 && is_upg(&b->u[gu], g)) {
			w->gupg[i] = (uint32_t)gu + 1;
			w->upg[gu] = (uint32_t)i + 1;
			continue;
		}
		w->ngfull++;
		*gdata += HC_GREC_SIZE + (((uint64_t)g->blen + 3) & ~(uint64_t)3);
		if (gu < 0 && (r = hcb_intern(b, bstr(w, g->name), &off)) < 0)
			return r;
		for (m = 0; m < g->nmembers; m++) {
			const char *mn = bstr(w, b->mem[g->first + m]);
			int64_t ui = hcb_find_user(b, mn);

			if (ui < 0)
				continue;
			w->memu[g->first + m] = (uint32_t)ui + 1;
			if (w->glast[ui] != i + 1) {
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

	if ((r = hcb_intern(b, "", &w->empty)) < 0 ||
	    (r = hcb_intern(b, server, &tmp)) < 0 ||
	    (r = plan_groups(w, &gdata, &ngids)) < 0)
		return r;
	udata = b->ud.len > HC_HDR_SIZE ? b->ud.len - HC_HDR_SIZE : 0;
	w->sec_size[HC_SEC_USER_TABLE] = 4 * (uint64_t)b->nu;
	w->sec_size[HC_SEC_USER_DATA] = udata;
	w->sec_size[HC_SEC_GROUP_TABLE] = 4 * (uint64_t)b->ng;
	w->sec_size[HC_SEC_GROUP_DATA] = gdata;
	w->sec_size[HC_SEC_GIDS] = 4 * (ngids + (b->base ? b->nxgid : 0));
	w->sec_size[HC_SEC_STRINGS] = (b->pool.len + 3) & ~(size_t)3;
	w->sec_size[HC_SEC_INDEX_USER] =
		(b->base ? hcb_sup_slots(b->nu) : index_slots(b->nu)) * HC_SLOT_SIZE;
	w->sec_size[HC_SEC_INDEX_GROUP] =
		(b->base ? hcb_sup_slots(w->ngfull) : index_slots(w->ngfull)) * HC_SLOT_SIZE;
	w->sec_size[HC_SEC_KEYS] = hcb_keys_size(b);
	w->ngids = ngids;
	w->sec_size[HC_SEC_SUPERSEDED] =
		b->base ? HC_SUP_HDR_SIZE +
				  4 * (hcb_sup_slots(b->nsupu) + hcb_sup_slots(b->nsupg))
			: 0;
	/* USER_DATA first: its records were written for that place */
	w->sec_off[HC_SEC_USER_DATA] = HC_HDR_SIZE;
	off = HC_HDR_SIZE + udata;
	for (i = 0; i < HC_SEC_COUNT; i++) {
		if (i == HC_SEC_USER_DATA)
			continue;
		w->sec_off[i] = off;
		off += w->sec_size[i];
	}
	w->total = off + 4; /* trailing zeros: the file ends in a NUL */
	if (w->total > UINT32_MAX)
		return -EFBIG;
	return 0;
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
	int64_t f = hcb_pool_find(b, s);

	return pool_at(w, (uint32_t)f);
}

/* User i's record, in place: the fields the builder left for the render
 * (cache_builder.h, struct udata). */
static void emit_user(struct wctx *w, uint32_t i, uint32_t gfirst)
{
	uint32_t off = w->b->u[i].off;
	uint8_t *r = w->out + off;

	hc_wr32(w->out + w->sec_off[HC_SEC_USER_TABLE] + 4 * (uint64_t)i, off);
	if (hc_rd32(r + HC_U_GECOS) == 0)
		hc_wr32(r + HC_U_GECOS, pool_at(w, w->empty));
	hc_wr32(r + HC_U_SHELL, pool_at(w, hc_rd32(r + HC_U_SHELL)));
	hc_wr32(r + HC_U_HOST, pool_at(w, hc_rd32(r + HC_U_HOST)));
	hc_wr32(r + HC_U_GFIRST, gfirst);
	hc_wr32(r + HC_U_NGROUPS, w->gcount[i]);
	hc_wr32(r + HC_U_INDEX, i);
	hc_wr32(r + HC_U_UPG, w->upg[i]);
}

static int by_off(const void *x, const void *y, void *arg)
{
	const struct buser *u = arg;
	uint32_t a = u[*(const uint32_t *)x].off, c = u[*(const uint32_t *)y].off;

	return (a > c) - (a < c);
}

/* USER_DATA (copied from the builder's memory unless the output is its
 * spool) and USER_TABLE. The records are visited in file order, whatever
 * the users' order (the spool is in the order they were added), so that
 * each finished page leaves the resident set: glast, free until the
 * groups, holds that order. Each user's GIDS range follows the previous
 * one's; gcount becomes the fill cursor of that range. */
static void emit_users(struct wctx *w)
{
	const struct udata *d = &w->b->ud;
	uint32_t k, i, first = 0, n, *ord = w->glast;

	if (!d->path && d->len > HC_HDR_SIZE)
		memcpy(w->out + HC_HDR_SIZE, d->p + HC_HDR_SIZE,
		       d->len - HC_HDR_SIZE);
	for (k = 0; k < w->b->nu; k++)
		ord[k] = k;
	qsort_r(ord, w->b->nu, sizeof(*ord), by_off, w->b->u);
	for (k = 0; k < w->b->nu; k++) {
		i = ord[k];
		n = w->gcount[i];
		emit_user(w, i, first);
		w->gcount[i] = first;
		first += n;
		hcb_out_done(w->o, w->b->u[i].off, false);
	}
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
	int64_t ui;
	uint32_t m, mu;

	if (w->gupg[i]) { /* compact: the table names the user record */
		hc_wr32(tab, b->u[w->gupg[i] - 1].off);
		return;
	}
	ui = hcb_find_user_h(b, name, g->hash);
	w->goff[i] = (uint32_t)*pos;
	hc_wr32(tab, w->goff[i]);
	hc_wr32(r + HC_G_NAME, ui >= 0 ? hc_rd32(w->out + b->u[ui].off + HC_U_NAME)
				    : pool_off(w, name));
	hc_wr32(r + HC_G_GID, g->gid);
	hc_wr32(r + HC_G_NMEMBERS, g->nmembers);
	hc_wr32(r + HC_G_BLOCK, (uint32_t)*pos + HC_GREC_SIZE);
	hc_wr32(r + HC_G_BLOCK_LEN, g->blen);
	hc_wr32(r + HC_G_INDEX, i);
	*pos += HC_GREC_SIZE;
	memcpy(w->out + *pos, bstr(w, g->block), g->blen);
	*pos = (*pos + g->blen + 3) & ~(uint64_t)3;
	for (m = 0; m < g->nmembers; m++) {
		mu = w->memu[g->first + m];
		if (mu && w->glast[mu - 1] != i + 1) {
			w->glast[mu - 1] = i + 1;
			hc_wr32(gids + 4 * (uint64_t)w->gcount[mu - 1]++, g->gid);
		}
	}
}

/* GROUP_TABLE and GROUP_DATA in order; GIDS, after them, filled at
 * each member's cursor (random order), so it stays resident until the
 * last group is out. */
static void emit_groups(struct wctx *w)
{
	uint64_t pos = w->sec_off[HC_SEC_GROUP_DATA];
	uint32_t i;

	for (i = 0; i < w->b->ng; i++) {
		emit_group(w, i, &pos);
		hcb_out_done(w->o, pos, false);
	}
}

/* Put one entry (key, record offset) on one side of an index, first
 * slot hc_slot(h, nslots). There is always a free slot (nslots > n). */
static void index_put(uint8_t *tab, uint32_t nslots, unsigned side,
		      uint32_t h, uint32_t key, uint32_t roff)
{
	uint32_t pos = hc_slot(h, nslots), used;

	for (;;) {
		memcpy(&used, tab + hc_ient(nslots, side, pos) + HC_IENT_REC,
		       sizeof(used));
		if (used == 0)
			break;
		if (++pos == nslots)
			pos = 0;
	}
	hc_wr32(tab + hc_ient(nslots, side, pos) + HC_IENT_KEY, key);
	hc_wr32(tab + hc_ient(nslots, side, pos) + HC_IENT_REC, roff);
}

/* One index section: written in hash order (random), so all of it is
 * resident until done. Compact private groups have no entry (goff 0). */
static void emit_index(struct wctx *w, unsigned sec)
{
	const struct hc_cache_builder *b = w->b;
	uint8_t *t = w->out + w->sec_off[sec];
	uint32_t n = (uint32_t)(w->sec_size[sec] / HC_SLOT_SIZE);
	uint32_t i, h;

	if (sec == HC_SEC_INDEX_USER) {
		for (i = 0; i < b->nu; i++) {
			h = b->u[i].hash;
			index_put(t, n, HC_S_HASH, h, h, b->u[i].off);
			index_put(t, n, HC_S_ID, hc_hash_id(b->u[i].uid),
				  b->u[i].uid, b->u[i].off);
		}
		return;
	}
	for (i = 0; i < b->ng; i++) {
		if (w->goff[i] == 0)
			continue;
		h = b->g[i].hash;
		index_put(t, n, HC_S_HASH, h, h, w->goff[i]);
		index_put(t, n, HC_S_ID, hc_hash_id(b->g[i].gid), b->g[i].gid,
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

		hc_wr32(out + sec + 4 * (uint64_t)k->user, (uint32_t)pos);
		hc_wr32(out + pos, k->n);
		str = pos + 4 + 8 * (uint64_t)k->n;
		for (j = 0; j < k->n; j++) {
			const struct bkeyv *v = &b->kv[k->first + j];

			hc_wr32(out + pos + 4 + 8 * j, (uint32_t)str);
			hc_wr32(out + pos + 8 + 8 * j, v->len);
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
		uint8_t *r = w->out + b->u[i].off;

		hc_wr32(r + HC_U_GFIRST, 0);
		hc_wr32(r + HC_U_NGROUPS, 0);
	}
	for (i = 0; i < b->nxg; i++) {
		const struct bkeys *x = &b->xg[i];
		uint8_t *r = w->out + b->u[x->user].off;

		hc_wr32(r + HC_U_GFIRST, (uint32_t)at);
		hc_wr32(r + HC_U_NGROUPS, x->n);
		for (uint32_t j = 0; j < x->n; j++, at++)
			hc_wr32(gids + 4 * at, b->xgid[x->first + j]);
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
			v = hc_rd32(set + 4 * (size_t)at);
			if (v == 0 || v == pos[i] + 1)
				break;
			if (++at == slots)
				at = 0;
		}
		if (v == 0) {
			hc_wr32(set + 4 * (size_t)at, pos[i] + 1);
			count++;
		}
	}
	return count;
}

static void emit_superseded(struct wctx *w)
{
	const struct hc_cache_builder *b = w->b;
	uint8_t *p = w->out + w->sec_off[HC_SEC_SUPERSEDED];
	uint32_t us = (uint32_t)hcb_sup_slots(b->nsupu), gs = (uint32_t)hcb_sup_slots(b->nsupg);

	hc_wr32(p + HC_SUP_USLOTS, us);
	hc_wr32(p + HC_SUP_GSLOTS, gs);
	hc_wr32(p + HC_SUP_NUSERS,
	     emit_set(p + HC_SUP_HDR_SIZE, us, b->supu, b->nsupu));
	hc_wr32(p + HC_SUP_NGROUPS, emit_set(p + HC_SUP_HDR_SIZE + 4 * (size_t)us,
					  gs, b->supg, b->nsupg));
}

static void emit_header(struct wctx *w, uint64_t generation,
			const char *server, int64_t refreshed_at)
{
	uint8_t *h = w->out;
	uint32_t i;

	memcpy(h, HC_CACHE_MAGIC, HC_CACHE_MAGIC_LEN);
	hc_wr32(h + HC_OFF_VERSION, HC_CACHE_VERSION);
	hc_wr32(h + HC_OFF_HDRSIZE, HC_HDR_SIZE);
	hc_wr32(h + HC_OFF_BOM, HC_BOM);
	hc_wr32(h + HC_OFF_FILESIZE, (uint32_t)w->total);
	hc_wr64(h + HC_OFF_GENERATION, generation);
	hc_wr64(h + HC_OFF_BASEGEN, w->b->base);
	hc_wr64(h + HC_OFF_REFRESHED, (uint64_t)refreshed_at);
	hc_wr32(h + HC_OFF_SERVER, pool_off(w, server));
	hc_wr32(h + HC_OFF_NUSERS, (uint32_t)w->b->nu);
	hc_wr32(h + HC_OFF_NGROUPS, (uint32_t)w->b->ng);
	for (i = 0; i < HC_SEC_COUNT; i++) {
		hc_wr32(h + HC_OFF_SECTIONS + 8 * i, (uint32_t)w->sec_off[i]);
		hc_wr32(h + HC_OFF_SECTIONS + 8 * i + 4, (uint32_t)w->sec_size[i]);
	}
	hc_wr32(h + HC_OFF_CHECKSUM, hc_header_checksum(h));
}

static void drop(uint32_t **a)
{
	free(*a);
	*a = NULL;
}

static void wctx_free(struct wctx *w)
{
	drop(&w->gcount);
	drop(&w->glast);
	drop(&w->goff);
	drop(&w->upg);
	drop(&w->gupg);
	drop(&w->memu);
}

/* The arrays and the plan: everything before the first byte. */
static int prepare(struct wctx *w, const char *server)
{
	size_t nu = w->b->nu ? w->b->nu : 1, ng = w->b->ng ? w->b->ng : 1;

	w->gcount = calloc(nu, sizeof(uint32_t));
	w->glast = calloc(nu, sizeof(uint32_t));
	w->goff = calloc(ng, sizeof(uint32_t));
	w->upg = calloc(nu, sizeof(uint32_t));
	w->gupg = calloc(ng, sizeof(uint32_t));
	w->memu = calloc(w->b->nmem ? w->b->nmem : 1, sizeof(uint32_t));
	if (!w->gcount || !w->glast ||
	    !w->goff || !w->upg || !w->gupg || !w->memu)
		return -ENOMEM;
	return plan(w, server);
}

struct emit_args {
	struct wctx *w;
	uint64_t generation;
	const char *server;
	int64_t refreshed_at;
};

/* The hcb_render_fn: the sections in file order into out->p (zeroed),
 * each handed back once finished. What is resident at a time is at most
 * one section written out of order (GIDS, INDEX_USER or INDEX_GROUP,
 * whichever is largest) plus a step (hcb_out_done) of the others. */
static int emit_file(void *ctx, struct hcb_out *o)
{
	const struct emit_args *a = ctx;
	struct wctx *w = a->w;
	const uint64_t *off = w->sec_off;

	w->out = o->p;
	w->o = o;
	emit_users(w);
	drop(&w->upg);
	if (w->b->base)
		emit_user_groups(w);
	emit_groups(w);
	drop(&w->gcount);
	drop(&w->glast);
	drop(&w->gupg);
	drop(&w->memu);
	hcb_out_done(o, off[HC_SEC_STRINGS], true); /* GIDS done */
	memcpy(w->out + off[HC_SEC_STRINGS], w->b->pool.p, w->b->pool.len);
	hcb_out_done(o, off[HC_SEC_INDEX_USER], true);
	emit_index(w, HC_SEC_INDEX_USER);
	hcb_out_done(o, off[HC_SEC_INDEX_GROUP], true);
	emit_index(w, HC_SEC_INDEX_GROUP);
	hcb_out_done(o, off[HC_SEC_KEYS], true);
	emit_keys(w->out, off[HC_SEC_KEYS], w->b);
	if (w->b->base)
		emit_superseded(w);
	emit_header(w, a->generation, a->server, a->refreshed_at);
	/* the render read records back through the spool's mapping: a page
	 * still mapped there cannot be dropped and read back in a huge folio
	 * after the fsync (hcb_warm_huge) */
	hcb_spool_drop(w->b);
	return 0;
}

/* Order, plan, then hand emit_file to the replacement of path: into a
 * temp file of its own, or into the spool that holds USER_DATA already. */
static int render_to(struct wctx *w, const char *path, uint64_t generation,
		     const char *server, int64_t refreshed_at, int also,
		     bool keep_same)
{
	struct emit_args a = { w, generation, server, refreshed_at };
	struct hcb_content c = { .render = emit_file, .ctx = &a,
				 .keep_same = keep_same };
	struct udata *d = &w->b->ud;
	int r;

	if (d->spent || (d->path && strcmp(d->path, path) != 0))
		r = -EINVAL;
	else if ((r = hcb_order(w->b)) == 0)
		r = prepare(w, server);
	if (r < 0) {
		if (also >= 0)
			close(also);
		return r;
	}
	c.n = w->total;
	if (!d->path)
		return hcb_replace_file(path, &c, also);
	/* the spool is handed over (closed, renamed or removed): its
	 * mapping stays for what user_at gave out, nothing more is written */
	c.keep = d->len;
	d->spent = true;
	r = hcb_replace_with(path, d->fd, d->tmp, &c, also);
	d->fd = -1;
	return r;
}

static int write_main(struct hc_cache_builder *b, const char *path,
		      uint64_t generation, const char *server,
		      int64_t refreshed_at, bool keep_same)
{
	struct wctx w = { .b = b };
	int r;

	if (!server)
		server = "";
	if (hcb_too_long(server, HC_MAX_SERVER))
		return -ENAMETOOLONG;
	b->base = 0;
	r = render_to(&w, path, generation, server, refreshed_at, -1,
		      keep_same);
	wctx_free(&w);
	return r;
}

int hc_cache_builder_write(struct hc_cache_builder *b, const char *path,
			   uint64_t generation, const char *server,
			   int64_t refreshed_at)
{
	return write_main(b, path, generation, server, refreshed_at, false);
}

int hc_cache_builder_write_if_changed(struct hc_cache_builder *b,
				      const char *path, uint64_t generation,
				      const char *server, int64_t refreshed_at)
{
	return write_main(b, path, generation, server, refreshed_at, true);
}

/* ---- delta files ---- */


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
	if (hcb_too_long(server, HC_MAX_SERVER))
		return -ENAMETOOLONG;
	dpath = hcb_delta_path(main_path);
	if (!dpath)
		return -ENOMEM;
	b->base = base;
	/* readers map the old delta only if it applies to this main file:
	 * otherwise they have the main file alone and learn from its flag */
	if (header_u64(dpath, HC_OFF_BASEGEN) != base &&
	    header_u64(main_path, HC_OFF_GENERATION) == base)
		also = hcb_open_old(main_path);
	r = render_to(&w, dpath, generation, server, refreshed_at, also, false);
	wctx_free(&w);
	free(dpath);
	return r;
}
