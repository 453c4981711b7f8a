/* One batch of followed changes (sync.h, struct hs_changes): per entry
 * touched, its newest version (the batch owns it until the write). What
 * the cache served of it before the batch is looked up only when the
 * batch is written (hs_changes_resolve): the ledger gives its id, the
 * cache its name and members, so nothing of the unchanged entries is kept
 * in memory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "sync.h"

static void old_free(struct hs_change *ch)
{
	size_t i;

	for (i = 0; i < ch->old_nmembers; i++)
		free(ch->old_members[i]);
	free(ch->old_members);
	free(ch->old_name);
	ch->old_members = NULL;
	ch->old_nmembers = 0;
	ch->old_name = NULL;
	ch->had_old = ch->old_unusual = false;
	ch->old_id = 0;
}

static void change_free(struct hs_change *ch)
{
	old_free(ch);
	hs_entry_free(ch->cur);
	free(ch->key);
}

int hs_changes_put(struct hs_changes *c, enum hs_kind kind, const char *id,
		   struct hs_entry *e)
{
	char key[HS_KEY_MAX];
	struct hs_change *ch;
	size_t n;
	int r;

	if ((r = hs_entry_key(kind, id, key, sizeof(key))) < 0)
		goto fail;
	if (hc_strmap_get(&c->seen, key, &n)) {
		hs_entry_free(c->v[n].cur);
		c->v[n].cur = e;
		return 0;
	}
	r = -ENOMEM;
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;

		ch = reallocarray(c->v, ncap, sizeof(*ch));
		if (!ch)
			goto fail;
		c->v = ch;
		c->cap = ncap;
	}
	ch = &c->v[c->n];
	memset(ch, 0, sizeof(*ch));
	ch->kind = kind;
	if (!(ch->key = strdup(key)))
		goto fail;
	if ((r = hc_strmap_put(&c->seen, key, c->n)) < 0) {
		free(ch->key);
		goto fail;
	}
	ch->cur = e;
	c->n++;
	return 0;
fail:
	hs_entry_free(e);
	return r;
}

bool hs_changes_has(const struct hs_changes *c, const char *key)
{
	size_t n;

	return hc_strmap_get(&c->seen, key, &n);
}

/* The old version of a served group: its members, copied. */
static int copy_members(struct hs_change *ch, const struct hc_group *g)
{
	struct hc_member_iter it;
	const char *m;
	size_t len;
	int r;

	if (g->nmembers == 0)
		return 0;
	if (!(ch->old_members = calloc(g->nmembers, sizeof(char *))))
		return -ENOMEM;
	hc_member_iter_init(&it, g);
	while ((r = hc_member_next(&it, &m, &len)) > 0) {
		if (ch->old_nmembers == g->nmembers)
			return -EBADMSG;
		if (!(ch->old_members[ch->old_nmembers] = strdup(m)))
			return -ENOMEM;
		ch->old_nmembers++;
	}
	return r;
}

/* ch's old side from the ledger and the cache. */
static int resolve(struct hs_change *ch, const struct hs_ledger *l,
		   const struct hc_cache *c)
{
	struct hs_lrec lr;
	struct hc_user u;
	struct hc_group g;
	const char *name;
	int r;

	old_free(ch);
	if (hs_ledger_find(l, ch->kind, ch->key + 2, &lr) < 0)
		return 0; /* new to the daemon */
	if (!(lr.flags & HS_LEDGER_SERVED)) {
		ch->old_unusual = true;
		return 0;
	}
	ch->had_old = true;
	ch->old_id = lr.id;
	r = ch->kind == HS_USER ? hc_cache_user_byuid(c, lr.id, &u)
				: hc_cache_group_bygid(c, lr.id, &g);
	if (r < 0) /* the cache does not hold what the ledger says */
		return HS_DELTA_FULL;
	name = ch->kind == HS_USER ? u.name : g.name;
	if (!(ch->old_name = strdup(name)))
		return -ENOMEM;
	return ch->kind == HS_GROUP ? copy_members(ch, &g) : 0;
}

int hs_changes_resolve(struct hs_changes *c, const struct hs_ledger *l,
		       const struct hc_cache *cache)
{
	size_t i;
	int r;

	for (i = 0; i < c->n; i++) {
		if ((r = resolve(&c->v[i], l, cache)) != 0)
			return r;
		hs_lookup_step(cache, i);
	}
	return 0;
}

void hs_changes_reset(struct hs_changes *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		change_free(&c->v[i]);
	free(c->v);
	hc_strmap_free(&c->seen);
	memset(c, 0, sizeof(*c));
}
