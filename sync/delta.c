/* The delta path: one batch of followed changes written as CACHE.delta
 * (cache_format.h, THE DELTA FILE) in time that depends on the batch and
 * the delta, not on the number of members: no view is built and no entry
 * outside the batch is visited.
 *
 * A batch is simple when every entry it touched, before and after, shares
 * neither its name nor its id with another entry of its kind (so its
 * change blocks or unblocks nothing in the de-duplication), the new
 * version passes policy.c, and the old version was served (so the skip
 * file does not change). Then the cache after the batch is the cache
 * before it minus the old versions plus the new ones, plus the users
 * whose group list changed (members gained or lost by a changed group),
 * which the delta carries whole with their new list. Anything else
 * returns HS_DELTA_FULL and the caller rewrites the whole cache.
 *
 * The cache as served now (main + delta, through the reader) is the "old"
 * side: old versions are found in it by name or id (O(1) each), and their
 * positions superseded (main file) or dropped (previous delta, whose
 * other entries are carried into the new one: the delta is cumulative). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "delta.h"
#include "fileio.h"
#include "lease.h"
#include "log.h"
#include "names.h"

const struct hs_entry *hs_delta_current(const struct dctx *d,
					const struct hs_change *ch)
{
	return hs_index_find(&d->m->keys, ch->key, 0);
}

/* ---- old versions: supersede or drop ---- */

static int drop_user(struct dctx *d, const struct hc_user *u)
{
	if (u->index < d->main_users)
		return hc_cache_builder_supersede_user(d->b, u->index);
	d->drop_u[u->index - d->main_users] = true;
	return 0;
}

static int drop_group(struct dctx *d, const struct hc_group *g)
{
	if (g->index < d->main_groups)
		return hc_cache_builder_supersede_group(d->b, g->index);
	d->drop_g[g->index - d->main_groups] = true;
	return 0;
}

/* Whatever the cache serves under this user name or uid goes. */
static int drop_users_of(struct dctx *d, const char *name, uint32_t uid)
{
	struct hc_user u;
	int r = 0;

	if (hc_cache_user_byname(d->c, name, &u) == 0)
		r = drop_user(d, &u);
	if (r == 0 && hc_cache_user_byuid(d->c, uid, &u) == 0)
		r = drop_user(d, &u);
	return r;
}

static int drop_groups_of(struct dctx *d, const char *name, uint32_t gid)
{
	struct hc_group g;
	int r = 0;

	if (hc_cache_group_byname(d->c, name, &g) == 0)
		r = drop_group(d, &g);
	if (r == 0 && hc_cache_group_bygid(d->c, gid, &g) == 0)
		r = drop_group(d, &g);
	return r;
}

/* Was the old version of ch served (the cache has it under its name with
 * its id)? An uncontested entry that was not served was refused: it is in
 * the skip file, which only a full write rewrites. */
static bool old_served(const struct dctx *d, const struct hs_change *ch)
{
	struct hc_user u;
	struct hc_group g;

	if (ch->kind == HS_USER)
		return hc_cache_user_byname(d->c, ch->old_name, &u) == 0 &&
		       u.uid == ch->old_id;
	return hc_cache_group_byname(d->c, ch->old_name, &g) == 0 &&
	       g.gid == ch->old_id;
}

/* Is the change simple (file comment)? Then drop what it replaces. */
static int classify(struct dctx *d, const struct hs_change *ch)
{
	const struct hs_entry *e = hs_delta_current(d, ch);
	char why[512];
	int r;

	if (ch->old_rejected || (ch->had_old && ch->old_contested))
		return HS_DELTA_FULL;
	if (e && (e->why || hs_entry_contested(e) ||
		  hs_policy_refuse(d->cfg, &d->local, e, why, sizeof(why))))
		return HS_DELTA_FULL;
	if (ch->had_old && !old_served(d, ch))
		return HS_DELTA_FULL;
	if (ch->had_old) {
		r = ch->kind == HS_USER
			    ? drop_users_of(d, ch->old_name, ch->old_id)
			    : drop_groups_of(d, ch->old_name, ch->old_id);
		if (r < 0)
			return r;
	}
	if (!e)
		return 0;
	return ch->kind == HS_USER ? drop_users_of(d, e->name, e->id)
				   : drop_groups_of(d, e->name, e->id);
}

/* ---- filling the builder ---- */

static bool assigned_here(const struct hc_config *cfg, const char *host)
{
	return cfg->host && host && host[0] && hc_host_equal(cfg->host, host);
}

/* newly_assigned() of write.c for one user: assigned here now, and not
 * served as assigned here before. */
static void note_fresh(struct dctx *d, const struct hs_entry *e)
{
	struct hc_user ou;

	if (!d->cfg->precreate_homes || !assigned_here(d->cfg, e->host))
		return;
	if (hc_cache_user_byname(d->c, e->name, &ou) == 0 &&
	    assigned_here(d->cfg, ou.host))
		return;
	d->fresh[d->n_fresh++] = e->name;
}

static int add_model_user(struct dctx *d, const struct hs_entry *e)
{
	struct hc_user_in u = {
		.name = e->name, .gecos = e->gecos ? e->gecos : "",
		.dir = e->dir, .shell = hs_policy_shell(d->cfg, &d->local, e),
		.dn = e->dn, .host = e->host, .uid = e->id, .gid = e->gid,
		.flags = e->flags, .shadow_expire = e->expire,
	};
	int r;

	if ((r = hc_cache_builder_add_user(d->b, &u)) < 0 ||
	    (r = hs_sshkeys_store(d->b, e)) < 0)
		return r;
	note_fresh(d, e);
	return 0;
}

/* A served user record, copied as it is (keys included). */
static int add_served_user(struct dctx *d, const struct hc_user *su)
{
	struct hc_user_in u = {
		.name = su->name, .gecos = su->gecos, .dir = su->dir,
		.shell = su->shell, .dn = su->dn, .host = su->host,
		.uid = su->uid, .gid = su->gid, .flags = su->flags,
		.shadow_expire = su->shadow_expire,
	};
	const char *keys[HC_SSH_KEYS_MAX];
	uint32_t n = 0, i;
	size_t len;
	int r;

	if ((r = hc_cache_builder_add_user(d->b, &u)) < 0 ||
	    (r = hc_cache_user_nkeys(d->c, su, &n)) < 0)
		return r;
	for (i = 0; i < n && i < HC_SSH_KEYS_MAX; i++)
		if ((r = hc_cache_user_key(d->c, su, i, &keys[i], &len)) < 0)
			return r;
	return n ? hc_cache_builder_set_keys(d->b, su->name, keys, i) : 0;
}

/* The changed users (from the model) and the touched ones: users of the
 * model, unchanged in the batch, copied from the cache with their new
 * group list. A touched name that is no user, or a user not served
 * (refused), has no list to change. */
static int add_users(struct dctx *d)
{
	const struct hs_entry *e;
	struct hc_user u;
	size_t k, i, v;
	int r;

	for (k = 0; k < d->ch->n; k++) {
		const struct hs_change *ch = &d->ch->v[k];

		e = hs_delta_current(d, ch);
		if (ch->kind != HS_USER || !e)
			continue;
		if ((r = add_model_user(d, e)) < 0 || (r = hs_delta_set_groups(d, e->name)) != 0)
			return r;
	}
	for (i = 0; i < d->touch.n; i++) {
		const char *name = d->touch.v[i].key;

		e = hs_index_find(&d->m->names[HS_USER], name, 0);
		if (!e || hc_strmap_get(&d->ch->seen, e->key, &v))
			continue; /* no user, or a changed one: done above */
		if (hs_entry_contested(e))
			return HS_DELTA_FULL;
		if (hc_cache_user_byname(d->c, name, &u) < 0 || u.uid != e->id)
			continue;
		if ((r = drop_user(d, &u)) < 0 || (r = add_served_user(d, &u)) < 0 ||
		    (r = hs_delta_set_groups(d, name)) != 0)
			return r;
	}
	return 0;
}

/* The previous delta's records nobody replaced, and its superseded
 * positions: the delta is cumulative. */
static int carry_users(struct dctx *d)
{
	struct hc_user u;
	uint32_t i, j, gid, gids[1024];
	int r;

	for (i = d->main_users; i < d->info.user_slots; i++) {
		if (d->drop_u[i - d->main_users])
			continue;
		if ((r = hc_cache_user_at(d->c, i, &u)) < 0)
			return r;
		if (u.ngroups > 1024)
			return HS_DELTA_FULL;
		for (j = 0; j < u.ngroups; j++) {
			if ((r = hc_cache_user_group(d->c, &u, j, &gid)) < 0)
				return r;
			gids[j] = gid;
		}
		if ((r = add_served_user(d, &u)) < 0 ||
		    (r = hc_cache_builder_set_user_groups(d->b, u.name, gids,
							  u.ngroups)) < 0)
			return r;
		d->entries++;
	}
	return 0;
}

static int add_group_copy(struct dctx *d, const struct hc_group *g)
{
	const char **mem = calloc(g->nmembers + 1, sizeof(*mem));
	uint32_t j;
	int r = mem ? 0 : -ENOMEM;

	for (j = 0; r == 0 && j < g->nmembers; j++)
		r = hc_cache_group_member(d->c, g, j, &mem[j]);
	if (r == 0)
		r = hc_cache_builder_add_group(d->b, g->name, g->gid, mem,
					       g->nmembers);
	free(mem);
	return r;
}

static int carry_groups(struct dctx *d)
{
	struct hc_group g;
	uint32_t i, pos;
	int r;

	for (i = d->main_groups; i < d->info.group_slots; i++) {
		if (d->drop_g[i - d->main_groups])
			continue;
		if ((r = hc_cache_group_at(d->c, i, &g)) < 0 ||
		    (r = add_group_copy(d, &g)) < 0)
			return r;
		d->entries++;
	}
	for (i = 0; (r = hc_cache_superseded_at(d->c, false, i, &pos)) != -ENOENT; i++) {
		if (r == 0 && (r = hc_cache_builder_supersede_user(d->b, pos)) < 0)
			return r;
		d->entries += r == 0;
	}
	for (i = 0; (r = hc_cache_superseded_at(d->c, true, i, &pos)) != -ENOENT; i++) {
		if (r == 0 && (r = hc_cache_builder_supersede_group(d->b, pos)) < 0)
			return r;
		d->entries += r == 0;
	}
	return 0;
}

static int add_groups(struct dctx *d)
{
	size_t k;
	int r;

	for (k = 0; k < d->ch->n; k++) {
		const struct hs_change *ch = &d->ch->v[k];
		const struct hs_entry *e = hs_delta_current(d, ch);

		if (ch->kind != HS_GROUP || !e)
			continue;
		r = hc_cache_builder_add_group(d->b, e->name, e->id,
					       (const char *const *)e->members,
					       e->nmembers);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- the write ---- */

static int dctx_open(struct dctx *d)
{
	char err[512];
	int r;

	if (hc_cache_open(d->cfg->cache, &d->c) < 0 ||
	    hc_cache_info(d->c, &d->info) < 0 ||
	    hc_cache_main_generation(d->c) == 0)
		return HS_DELTA_FULL; /* nothing valid to add a delta to */
	d->main_users = d->info.user_slots - d->info.delta_users;
	d->main_groups = d->info.group_slots - d->info.delta_groups;
	/* local files changed since the last look: every entry must be
	 * checked again (a full write). Read without moving the watch's
	 * mark, so that a change from now on is still seen by the next look */
	if (hs_local_changed())
		return HS_DELTA_FULL;
	if ((r = hc_local_load(&d->local, NULL, err, sizeof(err))) < 0) {
		hc_err("%s; the cache is not written", err);
		return r;
	}
	d->b = hc_cache_builder_new();
	d->drop_u = calloc(d->info.user_slots - d->main_users + 1, sizeof(bool));
	d->drop_g = calloc(d->info.group_slots - d->main_groups + 1, sizeof(bool));
	d->newmem = calloc(d->ch->n, sizeof(*d->newmem));
	d->fresh = calloc(d->ch->n + 1, sizeof(*d->fresh));
	if (!d->b || !d->drop_u || !d->drop_g || !d->newmem || !d->fresh)
		return -ENOMEM;
	return hs_mfilter_build(d->m);
}

static void dctx_free(struct dctx *d)
{
	size_t k;

	for (k = 0; d->newmem && k < d->ch->n; k++)
		hc_strmap_free(&d->newmem[k]);
	free(d->newmem);
	free(d->drop_u);
	free(d->drop_g);
	free(d->fresh);
	hc_strmap_free(&d->touch);
	hc_cache_builder_free(d->b);
	hc_cache_close(d->c);
	hc_local_free(&d->local);
}

/* Everything the new delta holds, or HS_DELTA_FULL. */
static int build(struct dctx *d)
{
	size_t k;
	int r;

	/* an upper bound first: the previous delta plus the batch */
	if ((size_t)d->info.delta_users + d->info.delta_groups +
		    d->info.delta_superseded + d->ch->n > d->cfg->delta_max)
		return HS_DELTA_FULL;
	/* then counted: the batch, the touched users, what is carried */
	d->entries = d->ch->n;
	for (k = 0; k < d->ch->n; k++)
		if ((r = classify(d, &d->ch->v[k])) != 0)
			return r;
	for (k = 0; k < d->ch->n; k++) {
		if (d->ch->v[k].kind == HS_GROUP && (r = hs_delta_touch_members(d, k)) < 0)
			return r;
		if (d->entries > d->cfg->delta_max)
			return HS_DELTA_FULL;
	}
	if ((r = add_users(d)) != 0 || (r = add_groups(d)) != 0 ||
	    (r = carry_users(d)) != 0 || (r = carry_groups(d)) != 0)
		return r;
	return d->entries > d->cfg->delta_max ? HS_DELTA_FULL : 0;
}

static int write_out(struct dctx *d, const char *server)
{
	uint64_t gen = hs_next_generation(d->c);
	double t0 = hc_now_ms();
	int r;

	/* the old delta or the main file is opened for writing, to set its
	 * superseded flag: not under our own lease */
	hs_lease_pause();
	r = hc_cache_builder_write_delta(d->b, d->cfg->cache,
					 hc_cache_main_generation(d->c), gen,
					 server ? server : "", (int64_t)time(NULL));
	hs_lease_resume();
	if (r < 0) {
		hc_err("cannot write %s.delta: %s", d->cfg->cache, strerror(-r));
		return r;
	}
	hs_generation_written(gen);
	hc_info("wrote %s.delta: generation %llu, %zu changes, %zu entries "
		"in the delta (%.1f ms)",
		d->cfg->cache, (unsigned long long)gen, d->ch->n, d->entries,
		hc_now_ms() - t0);
	return 0;
}

int hs_write_delta(const struct hc_config *cfg, struct hs_model *m,
		   const struct hs_changes *ch, const char *server)
{
	struct dctx d = { .cfg = cfg, .m = m, .ch = ch };
	size_t i;
	int r;

	if (cfg->delta_max == 0 || ch->full || ch->n == 0)
		return HS_DELTA_FULL;
	r = dctx_open(&d);
	if (r == 0)
		r = build(&d);
	if (r < 0 && r != -ENOMEM)
		hc_debug("delta not written (%s): a full write follows",
			 strerror(-r));
	if (r == 0)
		r = write_out(&d, server);
	if (r == 0) {
		hs_nscd_invalidate();
		hs_statusd_wake(); /* members here may have changed */
		/* after the write: mkhome re-checks the assignment */
		for (i = 0; i < d.n_fresh; i++)
			hs_precreate_home(cfg, d.fresh[i]);
	}
	dctx_free(&d);
	return r;
}
