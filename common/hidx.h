/* The one hash table of the project: an open-addressing index from a
 * 32-bit hash to an item the caller owns (a pointer, or an array index + 1;
 * 0 means empty). Keys are never stored: the caller's eq() compares the
 * item with the key it looks for, so an index costs 16 bytes a slot
 * whatever the key. Linear probing, at most 3/4 full (the table doubles
 * beyond), deletion by backward shift (no tombstones); the hash kept in the
 * slot makes a probe a compare in the slot array, not a call of eq(). Users: the string map (strmap.c),
 * hcoop-sync's entry indexes (sync/index.c) and the cache writer's
 * duplicate checks and string interning (cache_builder.c). */
#ifndef HCOOP_HIDX_H
#define HCOOP_HIDX_H

#include <stdbool.h>
#include <stdint.h>

struct hc_hslot {
	uint32_t hash;
	uintptr_t item; /* 0: empty */
};

struct hc_hidx {
	struct hc_hslot *s;
	uint32_t mask, n; /* mask = slots - 1 */
};

typedef bool (*hc_hidx_eq)(const void *ctx, uintptr_t item, const void *key);

/* The slot holding the item equal to key (its item may be replaced in
 * place, by one equal to it), or NULL. */
uintptr_t *hc_hidx_find(const struct hc_hidx *x, uint32_t hash, hc_hidx_eq eq,
			const void *ctx, const void *key);
/* Room for extra more items, so that as many inserts cannot fail. */
int hc_hidx_reserve(struct hc_hidx *x, uint32_t extra);
/* Add item (not 0; the caller knows no equal item is present). */
int hc_hidx_insert(struct hc_hidx *x, uint32_t hash, uintptr_t item);
/* Remove the item equal to key; false if there was none. */
bool hc_hidx_remove(struct hc_hidx *x, uint32_t hash, hc_hidx_eq eq,
		    const void *ctx, const void *key);
void hc_hidx_free(struct hc_hidx *x);

#endif
