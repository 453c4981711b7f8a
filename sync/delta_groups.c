/* The group lists a delta carries (sync/delta.c): a user record in a
 * delta holds the user's complete list, so the users whose groups a
 * changed group gained or lost get a new record, and every user record
 * written gets its list after the batch. The cache as served gives the
 * list before it (by name: a list is "the groups naming this member"),
 * the batch what it changed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "delta.h"

static int touch(struct dctx *d, const char *name)
{
	size_t v;

	if (hc_strmap_get(&d->touch, name, &v))
		return 0;
	d->entries++;
	return hc_strmap_put(&d->touch, name, 0);
}

static int member_set(struct hc_strmap *s, char *const *members, size_t n)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++)
		if ((r = hc_strmap_put(s, members[i], 0)) < 0)
			return r;
	return 0;
}

/* The members a changed group gained or lost: all of them (old and new)
 * when its gid changed or it came or went, else the symmetric
 * difference. */
int hs_delta_touch_members(struct dctx *d, size_t k)
{
	const struct hs_change *ch = &d->ch->v[k];
	const struct hs_entry *e = ch->cur;
	struct hc_strmap old = { 0 };
	bool all = !ch->had_old || !e || e->id != ch->old_id;
	size_t i, v;
	int r;

	if (e && (r = member_set(&d->newmem[k], e->members, e->nmembers)) < 0)
		return r;
	if (!all && (r = member_set(&old, ch->old_members, ch->old_nmembers)) < 0)
		goto out;
	r = 0;
	for (i = 0; e && i < e->nmembers && r == 0; i++)
		if (all || !hc_strmap_get(&old, e->members[i], &v))
			r = touch(d, e->members[i]);
	for (i = 0; i < ch->old_nmembers && r == 0; i++)
		if (all || !hc_strmap_get(&d->newmem[k], ch->old_members[i], &v))
			r = touch(d, ch->old_members[i]);
out:
	hc_strmap_free(&old);
	return r;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct gidlist {
	uint32_t *v;
	size_t n, cap;
};

static int gid_add(struct gidlist *l, uint32_t gid)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		uint32_t *nv = reallocarray(l->v, ncap, sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = gid;
	return 0;
}

/* Is gid the old gid of a changed group (served before the batch)? */
static bool changed_old_gid(const struct dctx *d, uint32_t gid)
{
	size_t k;

	for (k = 0; k < d->ch->n; k++) {
		const struct hs_change *ch = &d->ch->v[k];

		if (ch->kind == HS_GROUP && ch->had_old && ch->old_id == gid)
			return true;
	}
	return false;
}

/* Does g's member block name this member? */
static int lists(const struct hc_group *g, const char *name, size_t len)
{
	struct hc_member_iter it;
	const char *m;
	size_t mlen;
	int r;

	hc_member_iter_init(&it, g);
	while ((r = hc_member_next(&it, &m, &mlen)) > 0)
		if (mlen == len && memcmp(m, name, len) == 0)
			return 1;
	return r;
}

/* The groups the cache serves that list name, a name no served user has
 * (so no record holds its list): a new user that a group already named,
 * or a collision of the member filter. One pass over the groups and
 * their member blocks (about 30 ms at a million members, 365,000
 * memberships: bench data), not the full write of seconds the list would
 * otherwise cost; the old
 * gids of changed groups are left out (the caller adds their new
 * versions), and the pages it read are handed back as it goes. */
static int listed_in(struct dctx *d, const char *name, struct gidlist *l)
{
	size_t len = strlen(name);
	struct hc_group g;
	uint32_t i = 0;
	int r;

	for (;; i++) {
		if ((r = hc_cache_group_next(d->c, &i, &g)) == -ENOENT)
			break;
		if (r < 0)
			return r;
		hc_cache_walk_step(d->c, i);
		if (g.nmembers == 0 || changed_old_gid(d, g.gid))
			continue;
		if ((r = lists(&g, name, len)) < 0)
			return r;
		if (r && (r = gid_add(l, g.gid)) < 0)
			return r;
	}
	hc_cache_release(d->c);
	return 0;
}

/* The groups of user name after the batch: what the cache serves for
 * that name (a served user's record holds its list; for any other name
 * the member blocks are searched, when the member filter says a group
 * may list it), without the changed groups' old gids, with the changed
 * groups that list it now. */
static int groups_of(struct dctx *d, const char *name, struct gidlist *l)
{
	struct hc_user u;
	size_t k, v, i, o;
	uint32_t gid;
	int r;

	if (hc_cache_user_byname(d->c, name, &u) == 0) {
		for (i = 0; i < u.ngroups; i++) {
			if ((r = hc_cache_user_group(d->c, &u, (uint32_t)i, &gid)) < 0)
				return r;
			if (!changed_old_gid(d, gid) && (r = gid_add(l, gid)) < 0)
				return r;
		}
	} else {
		if ((r = hs_mfilter_build(&d->f->mf, d->c)) < 0)
			return r;
		if (hs_mfilter_maybe(&d->f->mf, name) &&
		    (r = listed_in(d, name, l)) < 0)
			return r;
	}
	for (k = 0; k < d->ch->n; k++) {
		const struct hs_change *ch = &d->ch->v[k];
		const struct hs_entry *e;

		if (ch->kind != HS_GROUP || !(e = ch->cur) ||
		    !hc_strmap_get(&d->newmem[k], name, &v))
			continue;
		if ((r = gid_add(l, e->id)) < 0)
			return r;
	}
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_u32);
	for (i = o = 0; i < l->n; i++)
		if (o == 0 || l->v[o - 1] != l->v[i])
			l->v[o++] = l->v[i];
	l->n = o;
	return 0;
}

int hs_delta_set_groups(struct dctx *d, const char *name)
{
	struct gidlist l = { 0 };
	int r = groups_of(d, name, &l);

	if (r == 0)
		r = hc_cache_builder_set_user_groups(d->b, name, l.v, l.n);
	free(l.v);
	return r;
}
