/* Hash indexes of the model's entries by entryUUID key, by name and by id,
 * over the one hash table (common/hidx.h). An item is the entry pointer
 * (the key is read from the entry, never copied), so an index costs one
 * slot per entry. For names and ids several entries may share the value:
 * the item is then their set (struct hs_dup, low bit set; model.c keeps
 * the sets). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"

static uint32_t hash_id(uint32_t id)
{
	uint64_t h = id * 0x9E3779B97F4A7C15ULL;

	return (uint32_t)(h ^ (h >> 29));
}

static uint32_t hash_key(const struct hs_index *ix, const char *s, uint32_t id)
{
	return ix->field == HS_BY_ID ? hash_id(id) : (uint32_t)hc_hash_str(s);
}

struct probe {
	enum hs_field field;
	const char *s;
	uint32_t id;
};

/* The entry of an item (of a set: its first; they share the value). */
static struct hs_entry *first_of(uintptr_t item)
{
	if (item & HS_DUP_TAG)
		return ((const struct hs_dup *)(item & ~HS_DUP_TAG))->v[0];
	return (struct hs_entry *)item;
}

static bool matches(const void *ctx, uintptr_t item, const void *key)
{
	const struct hs_entry *e = first_of(item);
	const struct probe *p = key;

	(void)ctx;
	switch (p->field) {
	case HS_BY_KEY: return strcmp(e->key, p->s) == 0;
	case HS_BY_NAME: return strcmp(e->name, p->s) == 0;
	default: return e->id == p->id;
	}
}

static struct probe probe_of(const struct hs_index *ix, const struct hs_entry *e)
{
	struct probe p = { ix->field, ix->field == HS_BY_KEY ? e->key : e->name,
			   e->id };

	return p;
}

struct hs_entry *hs_index_find(const struct hs_index *ix, const char *s,
			       uint32_t id)
{
	struct probe p = { ix->field, s, id };
	uintptr_t *hit = hc_hidx_find(&ix->x, hash_key(ix, s, id), matches,
				      NULL, &p);

	return hit ? first_of(*hit) : NULL;
}

uintptr_t *hs_index_slot(const struct hs_index *ix, const struct hs_entry *e)
{
	struct probe p = probe_of(ix, e);

	return hc_hidx_find(&ix->x, hash_key(ix, p.s, p.id), matches, NULL, &p);
}

int hs_index_reserve(struct hs_index *ix, size_t extra)
{
	return extra > UINT32_MAX ? -ENOMEM
				  : hc_hidx_reserve(&ix->x, (uint32_t)extra);
}

int hs_index_set(struct hs_index *ix, struct hs_entry *e)
{
	struct probe p = probe_of(ix, e);
	uint32_t h = hash_key(ix, p.s, p.id);
	uintptr_t *hit = hc_hidx_find(&ix->x, h, matches, NULL, &p);

	/* a replaced item needs no room: after hs_index_reserve(ix, 1)
	 * this cannot fail */
	if (hit) {
		*hit = (uintptr_t)e;
		return 0;
	}
	return hc_hidx_insert(&ix->x, h, (uintptr_t)e);
}

void hs_index_del(struct hs_index *ix, const struct hs_entry *e)
{
	struct probe p = probe_of(ix, e);

	hc_hidx_remove(&ix->x, hash_key(ix, p.s, p.id), matches, NULL, &p);
}

void hs_index_free(struct hs_index *ix)
{
	uint64_t i;

	for (i = 0; ix->x.s && i <= ix->x.mask; i++)
		if (ix->x.s[i].item & HS_DUP_TAG)
			free((void *)(ix->x.s[i].item & ~HS_DUP_TAG));
	hc_hidx_free(&ix->x);
}
