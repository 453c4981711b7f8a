/* The change log of one batch (sync.h, struct hs_changes): the model keeps
 * only the newest version of each entry, but the delta path must know
 * what the cache serves now (the version of the last write) to supersede
 * it. So before the first change of an entry in a batch its name, id and
 * (groups) members are copied here; later changes of the same entry in
 * the batch add nothing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"

static void change_free(struct hs_change *ch)
{
	size_t i;

	for (i = 0; i < ch->old_nmembers; i++)
		free(ch->old_members[i]);
	free(ch->old_members);
	free(ch->old_name);
	free(ch->key);
}

/* Copy what matters of the entry e (the old version) into ch. */
static int copy_old(struct hs_change *ch, const struct hs_entry *e)
{
	size_t i;

	ch->had_old = !e->why;
	ch->old_rejected = e->why != NULL;
	ch->old_contested = !e->why && hs_entry_contested(e);
	ch->old_id = e->id;
	ch->old_name = strdup(e->name ? e->name : "");
	if (!ch->old_name)
		return -ENOMEM;
	if (e->kind != HS_GROUP || e->why || e->nmembers == 0)
		return 0;
	ch->old_members = calloc(e->nmembers, sizeof(char *));
	if (!ch->old_members)
		return -ENOMEM;
	for (i = 0; i < e->nmembers; i++) {
		ch->old_members[i] = strdup(e->members[i]);
		if (!ch->old_members[i])
			return -ENOMEM;
		ch->old_nmembers++;
	}
	return 0;
}

static int note(struct hs_changes *c, const struct hs_model *m,
		const char *key, enum hs_kind kind)
{
	struct hs_change *ch;
	const struct hs_entry *e;
	size_t n;
	int r;

	if (hc_strmap_get(&c->seen, key, &n))
		return 0;
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;

		ch = reallocarray(c->v, ncap, sizeof(*ch));
		if (!ch)
			return -ENOMEM;
		c->v = ch;
		c->cap = ncap;
	}
	ch = &c->v[c->n];
	memset(ch, 0, sizeof(*ch));
	ch->kind = kind;
	ch->key = strdup(key);
	if (!ch->key)
		return -ENOMEM;
	c->n++; /* from here on change_free owns what ch holds */
	e = hs_index_find(&m->keys, key, 0);
	if (e && (r = copy_old(ch, e)) < 0)
		return r;
	return hc_strmap_put(&c->seen, key, c->n - 1);
}

void hs_changes_note(struct hs_changes *c, const struct hs_model *m,
		     enum hs_kind kind, const char *id, size_t limit)
{
	char key[HS_KEY_MAX];

	if (c->full)
		return;
	if (c->n >= limit || hs_entry_key(kind, id, key, sizeof(key)) < 0 ||
	    note(c, m, key, kind) < 0)
		c->full = true; /* the full write needs no log */
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
