/* Hash indexes of the model's entries by entryUUID key, by name and by id.
 * A slot holds an entry pointer (the key is read from the entry, never
 * copied), so an index costs one pointer per slot. Open addressing with
 * linear probing, deletion by backward shift (no tombstones), load factor
 * kept under 1/2. For names and ids a slot holds the head of the chain of
 * entries that share the value (model.c links the chains). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"

static size_t hash_id(uint32_t id)
{
	uint64_t h = id * 0x9E3779B97F4A7C15ULL;

	return (size_t)(h ^ (h >> 29));
}

static size_t hash_of(const struct hs_index *ix, const struct hs_entry *e)
{
	switch (ix->field) {
	case HS_BY_KEY: return hc_hash_str(e->key);
	case HS_BY_NAME: return hc_hash_str(e->name);
	default: return hash_id(e->id);
	}
}

static size_t hash_key(const struct hs_index *ix, const char *s, uint32_t id)
{
	return ix->field == HS_BY_ID ? hash_id(id) : hc_hash_str(s);
}

static bool matches(const struct hs_index *ix, const struct hs_entry *e,
		    const char *s, uint32_t id)
{
	switch (ix->field) {
	case HS_BY_KEY: return strcmp(e->key, s) == 0;
	case HS_BY_NAME: return strcmp(e->name, s) == 0;
	default: return e->id == id;
	}
}

static size_t slot_of(const struct hs_index *ix, const char *s, uint32_t id)
{
	size_t mask = ix->cap - 1, i = hash_key(ix, s, id) & mask;

	while (ix->slot[i] && !matches(ix, ix->slot[i], s, id))
		i = (i + 1) & mask;
	return i;
}

static const char *str_of(const struct hs_index *ix, const struct hs_entry *e)
{
	return ix->field == HS_BY_KEY ? e->key : e->name;
}

static int grow(struct hs_index *ix)
{
	size_t ncap = ix->cap ? ix->cap * 2 : 64, i, mask = ncap - 1, j;
	struct hs_entry **ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (i = 0; i < ix->cap; i++) {
		if (!ix->slot[i])
			continue;
		for (j = hash_of(ix, ix->slot[i]) & mask; ns[j];
		     j = (j + 1) & mask)
			;
		ns[j] = ix->slot[i];
	}
	free(ix->slot);
	ix->slot = ns;
	ix->cap = ncap;
	return 0;
}

struct hs_entry *hs_index_find(const struct hs_index *ix, const char *s,
			       uint32_t id)
{
	if (!ix->cap)
		return NULL;
	return ix->slot[slot_of(ix, s, id)];
}

int hs_index_reserve(struct hs_index *ix, size_t extra)
{
	while ((ix->n + extra) * 2 > ix->cap) {
		int r = grow(ix);
		if (r < 0)
			return r;
	}
	return 0;
}

int hs_index_set(struct hs_index *ix, struct hs_entry *e)
{
	size_t i;
	int r;

	/* a replaced slot needs no room: after hs_index_reserve(ix, 1)
	 * this cannot fail */
	if (ix->cap && ix->slot[i = slot_of(ix, str_of(ix, e), e->id)]) {
		ix->slot[i] = e;
		return 0;
	}
	if ((r = hs_index_reserve(ix, 1)) < 0)
		return r;
	ix->slot[slot_of(ix, str_of(ix, e), e->id)] = e;
	ix->n++;
	return 0;
}

void hs_index_del(struct hs_index *ix, const struct hs_entry *e)
{
	size_t i, j, k, mask = ix->cap - 1;

	if (!ix->cap)
		return;
	i = slot_of(ix, str_of(ix, e), e->id);
	if (!ix->slot[i])
		return;
	ix->slot[i] = NULL;
	ix->n--;
	/* backward shift: move later members of the probe run into the hole
	 * when their home slot does not lie cyclically in (i, j]. */
	for (j = (i + 1) & mask; ix->slot[j]; j = (j + 1) & mask) {
		k = hash_of(ix, ix->slot[j]) & mask;
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		ix->slot[i] = ix->slot[j];
		ix->slot[j] = NULL;
		i = j;
	}
}

void hs_index_free(struct hs_index *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->cap = ix->n = 0;
}
