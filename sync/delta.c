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
 * which the delta carries whole with their new list. A batch that is not
 * simple returns HS_DELTA_REFRESH: only a refresh from LDAP (the sessions
 * restarted) can decide it.
 *
 * The daemon keeps no model of the directory: the ledger says which
 * entries are served (and their ids), the cache as served now (main +
 * delta, through the reader) holds everything else and is the "old"
 * side: old versions are found in it by name or id (O(1) each), and their
 * positions superseded (main file) or dropped (previous delta, whose
 * other entries are carried into the new one: the delta is cumulative).
 * When the delta would grow past HS_DELTA_CAP x delta_max the same batch
 * is written as a new main file instead, merged from the cache and the
 * batch (every served record copied, the dropped ones left out): no LDAP,
 * no view. A delta past delta_max alone is merged the same way, with no
 * batch, at the first pause in the changes (hs_merge_delta): a stream of
 * changes is not held up by a full write in its middle. */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "delta.h"
#include "fileio.h"
#include "lease.h"
#include "log.h"
#include "names.h"


/* ---- old versions: supersede or drop ---- */

static int drop_user(struct dctx *d, const struct hc_user *u)
{
	if (d->merge) {
		d->drop_u[u->index] = true;
		return 0;
	}
	if (u->index < d->main_users)
		return hc_cache_builder_supersede_user(d->b, u->index);
	d->drop_u[u->index - d->main_users] = true;
	return 0;
}

static int drop_group(struct dctx *d, const struct hc_group *g)
{
	if (d->merge) {
		d->drop_g[g->index] = true;
		return 0;
	}
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

/* Does the cache record with this id (found under e's name or id) belong
 * to another entry than ch's, one that still has that name (by_name) or
 * that id after the batch? A record whose entry the ledger does not have
 * as served is a contest's winner: a clash. */
static bool clash(const struct dctx *d, const struct hs_change *ch,
		  uint32_t rec_id, const struct hs_entry *e, bool by_name)
{
	char key[HS_KEY_MAX];
	size_t k;
	const struct hs_entry *o;

	if (ch->had_old && rec_id == ch->old_id)
		return false; /* its own old version */
	if (hs_ledger_key_of(&d->f->ledger, ch->kind, rec_id, key,
			     sizeof(key)) < 0)
		return true;
	if (!hc_strmap_get(&d->ch->seen, key, &k))
		return true; /* an entry the batch leaves as it is */
	o = d->ch->v[k].cur;
	if (!o)
		return false; /* gone after the batch */
	if (o->why) /* rejected (no name): the batch needs a refresh anyway */
		return true;
	return by_name ? strcmp(o->name, e->name) == 0 : o->id == e->id;
}

/* Would e share its name or id with another entry of its kind after the
 * batch: one of the daemon's set, one the cache serves, or another of the
 * batch (d->newkeys)? */
static int contested(struct dctx *d, const struct hs_change *ch,
		     const struct hs_entry *e)
{
	const struct hs_model *set = &d->f->set;
	char k[HC_NAME_MAX + 16];
	struct hc_user u;
	struct hc_group g;
	size_t v;
	int r;

	if (hs_index_find(&set->names[e->kind], e->name, 0) ||
	    hs_index_find(&set->ids[e->kind], NULL, e->id))
		return 1;
	if (e->kind == HS_USER) {
		if ((hc_cache_user_byname(d->c, e->name, &u) == 0 &&
		     clash(d, ch, u.uid, e, true)) ||
		    (hc_cache_user_byuid(d->c, e->id, &u) == 0 &&
		     clash(d, ch, u.uid, e, false)))
			return 1;
	} else if ((hc_cache_group_byname(d->c, e->name, &g) == 0 &&
		    clash(d, ch, g.gid, e, true)) ||
		   (hc_cache_group_bygid(d->c, e->id, &g) == 0 &&
		    clash(d, ch, g.gid, e, false))) {
		return 1;
	}
	/* two entries of the batch under one name or id */
	snprintf(k, sizeof(k), "%c%s", e->kind == HS_USER ? 'u' : 'g', e->name);
	if (hc_strmap_get(&d->newkeys, k, &v))
		return 1;
	if ((r = hc_strmap_put(&d->newkeys, k, 0)) < 0)
		return r;
	snprintf(k, sizeof(k), "%c#%u", e->kind == HS_USER ? 'u' : 'g', e->id);
	if (hc_strmap_get(&d->newkeys, k, &v))
		return 1;
	return hc_strmap_put(&d->newkeys, k, 0);
}

/* Is the change simple (file comment)? Then drop what it replaces. */
static int classify(struct dctx *d, const struct hs_change *ch)
{
	const struct hs_entry *e = ch->cur;
	char why[512];
	int r;

	if (ch->old_unusual)
		return HS_DELTA_REFRESH;
	if (e && (e->why ||
		  hs_policy_refuse(d->cfg, &d->local, e, why, sizeof(why))))
		return HS_DELTA_REFRESH;
	if (e && (r = contested(d, ch, e)) != 0)
		return r < 0 ? r : HS_DELTA_REFRESH;
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

	/* a merged write finds them itself (hs_write_built) */
	if (d->merge || !d->cfg->precreate_homes ||
	    !assigned_here(d->cfg, e->host))
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

/* The changed users (from the batch) and, in a delta, the touched ones:
 * served users, unchanged in the batch, copied from the cache with their
 * new group list. A touched name that is no served user has no list to
 * change. (A merged write lists every user's groups itself.) */
static int add_users(struct dctx *d)
{
	char key[HS_KEY_MAX];
	struct hc_user u;
	size_t k, i;
	int r;

	for (k = 0; k < d->ch->n; k++) {
		const struct hs_change *ch = &d->ch->v[k];
		const struct hs_entry *e = ch->cur;

		if (ch->kind != HS_USER || !e)
			continue;
		if ((r = add_model_user(d, e)) < 0 ||
		    (!d->merge && (r = hs_delta_set_groups(d, e->name)) != 0))
			return r;
		hs_lookup_step(d->c, k);
	}
	for (i = 0; !d->merge && i < d->touch.n; i++) {
		const char *name = d->touch.v[i].key;

		if (hc_cache_user_byname(d->c, name, &u) < 0)
			continue; /* no served user has it */
		/* a served user the ledger does not have served: a
		 * contest's winner, which only a refresh may change */
		if (hs_ledger_key_of(&d->f->ledger, HS_USER, u.uid, key,
				     sizeof(key)) < 0)
			return HS_DELTA_REFRESH;
		if (hs_changes_has(d->ch, key))
			continue; /* a changed user: done above */
		if ((r = drop_user(d, &u)) < 0 || (r = add_served_user(d, &u)) < 0 ||
		    (r = hs_delta_set_groups(d, name)) != 0)
			return r;
		hs_lookup_step(d->c, i);
	}
	return 0;
}

/* The previous delta's records nobody replaced (a merge: every served
 * record nobody replaced), and in a delta the previous one's superseded
 * positions: the delta is cumulative. */
static int carry_users(struct dctx *d)
{
	struct hc_user u;
	uint32_t i, j, gid, gids[1024];
	int r;

	for (i = d->merge ? 0 : d->main_users; i < d->info.user_slots; i++) {
		if (d->drop_u[d->merge ? i : i - d->main_users])
			continue;
		if ((r = hc_cache_user_at(d->c, i, &u)) == -ESRCH)
			continue; /* superseded by the delta */
		if (r < 0)
			return r;
		if (d->merge) {
			hc_cache_walk_step(d->c, i);
			if ((r = add_served_user(d, &u)) < 0)
				return r;
			continue;
		}
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
	struct hc_member_iter it;
	size_t len, n = 0;
	int r = mem ? 0 : -ENOMEM;

	hc_member_iter_init(&it, g);
	while (r == 0 && (r = hc_member_next(&it, &mem[n], &len)) > 0)
		r = ++n <= g->nmembers ? 0 : -EBADMSG;
	if (r == 0)
		r = hc_cache_builder_add_group(d->b, g->name, g->gid, mem, n);
	free(mem);
	return r;
}

static int carry_groups(struct dctx *d)
{
	struct hc_group g;
	uint32_t i, pos;
	int r;

	for (i = d->merge ? 0 : d->main_groups; i < d->info.group_slots; i++) {
		if (d->drop_g[d->merge ? i : i - d->main_groups])
			continue;
		if ((r = hc_cache_group_at(d->c, i, &g)) == -ESRCH)
			continue;
		if (r < 0 || (r = add_group_copy(d, &g)) < 0)
			return r;
		hc_cache_walk_step(d->c, i);
		d->entries++;
	}
	if (d->merge) {
		hc_cache_release(d->c);
		return 0;
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
		const struct hs_entry *e = ch->cur;

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
		return HS_DELTA_REFRESH; /* nothing valid to add a delta to */
	d->main_users = d->info.user_slots - d->info.delta_users;
	d->main_groups = d->info.group_slots - d->info.delta_groups;
	/* local files changed since the last look: every entry must be
	 * checked again (a refresh). Read without moving the watch's
	 * mark, so that a change from now on is still seen by the next look */
	if (hs_local_changed())
		return HS_DELTA_REFRESH;
	if ((r = hc_local_load(&d->local, NULL, err, sizeof(err))) < 0) {
		hc_err("%s; the cache is not written", err);
		return r;
	}
	/* the cache must hold what the ledger says of each old version */
	if ((r = hs_changes_resolve(d->ch, &d->f->ledger, d->c)) != 0)
		return r == HS_DELTA_FULL ? HS_DELTA_REFRESH : r;
	return 0;
}

/* What one attempt (delta or merge) builds. */
static void attempt_free(struct dctx *d)
{
	size_t k;

	for (k = 0; d->newmem && k < d->ch->n; k++)
		hc_strmap_free(&d->newmem[k]);
	free(d->newmem);
	free(d->drop_u);
	free(d->drop_g);
	free(d->fresh);
	hc_strmap_free(&d->touch);
	hc_strmap_free(&d->newkeys);
	hc_cache_builder_free(d->b);
	d->newmem = NULL;
	d->drop_u = d->drop_g = NULL;
	d->fresh = NULL;
	d->n_fresh = 0;
	d->b = NULL;
	d->entries = 0;
}

static int attempt_alloc(struct dctx *d)
{
	size_t nu = d->merge ? d->info.user_slots
			     : d->info.user_slots - d->main_users;
	size_t ng = d->merge ? d->info.group_slots
			     : d->info.group_slots - d->main_groups;

	d->b = hc_cache_builder_new();
	d->drop_u = calloc(nu + 1, sizeof(bool));
	d->drop_g = calloc(ng + 1, sizeof(bool));
	d->newmem = calloc(d->ch->n, sizeof(*d->newmem));
	d->fresh = calloc(d->ch->n + 1, sizeof(*d->fresh));
	if (!d->b || !d->drop_u || !d->drop_g || !d->newmem || !d->fresh)
		return -ENOMEM;
	if (d->merge)
		hs_builder_spool(d->cfg, d->b);
	return 0;
}

static int park(struct dctx *d)
{
	int r = hs_ledger_park(&d->f->ledger, d->cfg->cache);

	malloc_trim(0); /* what the ledger held, back to the system */
	return r;
}

/* The most entries a delta may hold (hs_write_delta). */
static size_t delta_cap(const struct hc_config *cfg)
{
	return (size_t)cfg->delta_max * HS_DELTA_CAP;
}

/* Everything the new delta (or merged main file) holds: 0,
 * HS_DELTA_FULL (a delta cannot hold it: merge), HS_DELTA_REFRESH. */
static int build(struct dctx *d)
{
	size_t k, cap = delta_cap(d->cfg);
	int r;

	if ((r = attempt_alloc(d)) < 0)
		return r;
	/* an upper bound first: the previous delta plus the batch */
	if (!d->merge && (size_t)d->info.delta_users + d->info.delta_groups +
				 d->info.delta_superseded + d->ch->n > cap)
		return HS_DELTA_FULL;
	/* then counted: the batch, the touched users, what is carried */
	d->entries = d->ch->n;
	for (k = 0; k < d->ch->n; k++) {
		if ((r = classify(d, &d->ch->v[k])) != 0)
			return r;
		hs_lookup_step(d->c, k);
	}
	for (k = 0; k < d->ch->n; k++) {
		if (d->ch->v[k].kind == HS_GROUP && (r = hs_delta_touch_members(d, k)) < 0)
			return r;
		if (!d->merge && d->entries > cap)
			return HS_DELTA_FULL;
	}
	if ((r = add_users(d)) != 0 || (r = add_groups(d)) != 0)
		return r;
	/* a merge copies the whole cache into the builder: the ledger's
	 * tables out of its way until the file is written, as during a
	 * refresh, so that the merge's peak is that of a full write */
	if (d->merge && (r = park(d)) < 0)
		return r;
	if ((r = carry_users(d)) != 0 || (r = carry_groups(d)) != 0)
		return r;
	return !d->merge && d->entries > cap ? HS_DELTA_FULL : 0;
}

static int write_delta_file(struct dctx *d, const char *server)
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
	hs_nscd_invalidate();
	hs_statusd_wake(); /* members here may have changed */
	return 0;
}

/* The merged main file: the skip file stays that of the daemon's set. */
static int write_merged(struct dctx *d, const char *server)
{
	struct hs_view v;
	int r, e;

	if (d->idle)
		hc_info("the delta holds %zu entries, more than delta_max (%u), "
			"and no change came for %d ms: merging it into a new %s",
			d->f->delta_entries, d->cfg->delta_max,
			HS_MERGE_IDLE_MS, d->cfg->cache);
	else
		hc_info("the delta would hold more than %d x delta_max (%zu) "
			"entries: merging %zu changes into a new %s",
			HS_DELTA_CAP, delta_cap(d->cfg), d->ch->n,
			d->cfg->cache);
	/* the reader's mapping is not needed any more: hs_write_built
	 * opens the cache itself */
	hc_cache_close(d->c);
	d->c = NULL;
	if ((r = hs_view_build(&d->f->set, d->cfg, &d->local, &v)) < 0)
		return r;
	r = hs_write_built(d->cfg, d->b, &v, NULL, server, 0);
	hs_view_free(&v);
	/* the builder first, then the ledger's tables take its room */
	hc_cache_builder_free(d->b);
	d->b = NULL;
	malloc_trim(0);
	e = hs_ledger_index(&d->f->ledger);
	return r < 0 ? r : e;
}

/* After the write: the ledger and the member filter follow the batch. */
static int follow_batch(struct dctx *d)
{
	struct hs_follow *f = d->f;
	size_t k;
	int r;

	if (d->merge)
		hs_mfilter_free(&f->mf); /* rebuilt from the new file */
	for (k = 0; k < d->ch->n; k++) {
		const struct hs_change *ch = &d->ch->v[k];
		const struct hs_entry *e = ch->cur;

		if (ch->kind == HS_GROUP) {
			hs_mfilter_names(&f->mf, ch->old_members,
					 ch->old_nmembers, -1);
			if (e)
				hs_mfilter_names(&f->mf, e->members,
						 e->nmembers, +1);
		}
		if (e && (r = hs_ledger_put(&f->ledger, ch->kind, ch->key + 2,
					    e->id, true)) < 0)
			return r;
		if (!e)
			hs_ledger_del(&f->ledger, ch->kind, ch->key + 2);
	}
	return 0;
}

/* The batch ch (possibly empty, with idle) as a delta or a merge. */
static int write_batch(const struct hc_config *cfg, struct hs_follow *f,
		       struct hs_changes *ch, const char *server, bool idle)
{
	struct dctx d = { .cfg = cfg, .f = f, .ch = ch, .idle = idle };
	size_t i;
	int r;

	r = dctx_open(&d);
	/* delta_max 0: every batch is merged */
	d.merge = idle || cfg->delta_max == 0;
	if (r == 0 && (r = build(&d)) == HS_DELTA_FULL && !d.merge) {
		attempt_free(&d);
		d.merge = true;
		r = build(&d);
	}
	if (r == HS_DELTA_FULL) /* cannot happen in a merge: be safe */
		r = HS_DELTA_REFRESH;
	if (r == HS_DELTA_REFRESH)
		hc_info("a change that is not simple (hcoop-sync(8), The delta "
			"file): a full refresh follows");
	if (r == 0)
		r = d.merge ? write_merged(&d, server)
			    : write_delta_file(&d, server);
	if (r == 0) {
		f->delta_entries = d.merge ? 0 : d.entries;
		/* after the write: mkhome re-checks the assignment */
		for (i = 0; i < d.n_fresh; i++)
			hs_precreate_home(cfg, d.fresh[i]);
		r = follow_batch(&d);
	}
	attempt_free(&d);
	hc_cache_close(d.c);
	hc_local_free(&d.local);
	/* a parked ledger not brought back (a failed merge): now */
	if (f->ledger.loading && hs_ledger_index(&f->ledger) < 0 && r >= 0)
		r = -ENOMEM;
	/* the batch's and the builder's memory back to the system */
	malloc_trim(0);
	return r;
}

int hs_write_delta(const struct hc_config *cfg, struct hs_follow *f,
		   struct hs_changes *ch, const char *server)
{
	if (ch->n == 0)
		return 0;
	return write_batch(cfg, f, ch, server, false);
}

int hs_merge_delta(const struct hc_config *cfg, struct hs_follow *f,
		   const char *server)
{
	struct hs_changes none;
	int r;

	if (f->delta_entries <= cfg->delta_max)
		return 0;
	memset(&none, 0, sizeof(none));
	r = write_batch(cfg, f, &none, server, true);
	hs_changes_reset(&none);
	return r;
}
