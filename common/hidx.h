/* The one hash table of the project: an open-addressing index from a
 * 32-bit hash to an item the caller owns (a pointer, or an array index + 1;
 * 0 means empty). Keys are never stored: the caller's eq() compares the
 * item with the key it looks for, so a slot costs the same whatever the
 * key, and a table 4/3 to 8/3 slots an item. Linear probing, at most 3/4
 * full (the table doubles beyond), deletion by backward shift (no
 * tombstones); a probe compares the slot's hash with the one searched
 * before it calls eq().
 *
 * Three widths, one algorithm (common/hidx_impl.h, instantiated three
 * times by hidx.c):
 *   hc_hidx    uintptr_t item and its hash in a 16-byte slot (on 64-bit):
 *              the string map (strmap.c), hcoop-sync's entry indexes
 *              (sync/index.c);
 *   hc_hidx32  uint32_t item (a number or an offset) and its hash in an 8-byte
 *              slot: half the memory; the cache writer's string pool
 *              (cache_builder.c), whose items would otherwise be hashed
 *              again from their strings at each probe;
 *   hc_hidx4   uint32_t item alone in a 4-byte slot, its hash asked of a
 *              function of the caller (which keeps it anyway, e.g. in an
 *              array indexed by the record number): a quarter of the
 *              memory, a call and a load outside the slots for each
 *              occupied slot visited; the cache writer's duplicate checks
 *              (user and group name, uid, gid) and its key and group-list
 *              maps (cache_builder.c). */
#ifndef HCOOP_HIDX_H
#define HCOOP_HIDX_H

#include <stdbool.h>
#include <stdint.h>

/* Table T with slots S and items of type I, declared once for every
 * width (hc_hidx4's structs differ: below); every function is T_name:
 *
 * struct S { uint32_t hash; I item; };	item 0: an empty slot
 * struct T { struct S *s; uint32_t mask, n; };	mask = slots - 1, n items
 *
 * typedef bool (*T_eq)(const void *ctx, I item, const void *key);
 *
 * I *T_find(const struct T *x, uint32_t hash, T_eq eq, const void *ctx,
 *	     const void *key);
 *	The slot holding the item equal to key (its item may be replaced in
 *	place, by one equal to it), or NULL.
 * int T_reserve(struct T *x, uint32_t extra);
 *	Room for extra more items, so that as many inserts cannot fail;
 *	0 or -ENOMEM.
 * int T_insert(struct T *x, uint32_t hash, I item);
 *	Add item (not 0; the caller knows no equal item is present);
 *	0 or -ENOMEM.
 * bool T_remove(struct T *x, uint32_t hash, T_eq eq, const void *ctx,
 *		 const void *key);
 *	Remove the item equal to key; false if there was none.
 * void T_free(struct T *x);
 *	Free the slots; x is then an empty table, ready for reuse. */
#define HC_HIDX_DECLARE_FNS(T, I)                                            \
	typedef bool (*T##_eq)(const void *ctx, I item, const void *key);    \
	I *T##_find(const struct T *x, uint32_t hash, T##_eq eq,             \
		    const void *ctx, const void *key);                       \
	int T##_reserve(struct T *x, uint32_t extra);                        \
	int T##_insert(struct T *x, uint32_t hash, I item);                  \
	bool T##_remove(struct T *x, uint32_t hash, T##_eq eq,               \
			const void *ctx, const void *key);                   \
	void T##_free(struct T *x)
#define HC_HIDX_DECLARE(T, S, I)                                             \
	struct S {                                                           \
		uint32_t hash;                                               \
		I item;                                                      \
	};                                                                   \
	struct T {                                                           \
		struct S *s;                                                 \
		uint32_t mask, n;                                            \
	};                                                                   \
	HC_HIDX_DECLARE_FNS(T, I)

/* struct hc_hidx, struct hc_hslot (16 bytes on 64-bit), hc_hidx_eq,
 * hc_hidx_find, hc_hidx_reserve, hc_hidx_insert, hc_hidx_remove,
 * hc_hidx_free */
HC_HIDX_DECLARE(hc_hidx, hc_hslot, uintptr_t);
/* struct hc_hidx32, struct hc_hslot32 (8 bytes), hc_hidx32_eq,
 * hc_hidx32_find, hc_hidx32_reserve, hc_hidx32_insert, hc_hidx32_remove,
 * hc_hidx32_free */
HC_HIDX_DECLARE(hc_hidx32, hc_hslot32, uint32_t);

/* hc_hidx4: uint32_t items in 4-byte slots, the hash not in the slot but
 * given by the caller's hash(ctx, item), which the table calls for each
 * occupied slot a probe, a backward shift or a growth visits (a probe
 * compares it with the hash searched before calling eq, as the others
 * do). For items whose hash the caller already keeps, e.g. in an array
 * indexed by the item: half the memory of hc_hidx32, at the cost of a
 * call and a load elsewhere a slot visited. */
typedef uint32_t (*hc_hidx4_hash)(const void *ctx, uint32_t item);
struct hc_hslot4 {
	uint32_t item;
};
struct hc_hidx4 {
	struct hc_hslot4 *s;
	uint32_t mask, n;
	hc_hidx4_hash hashfn;
	const void *ctx;
};
/* An empty table whose items hash as hash(ctx, item); hc_hidx4_free()
 * keeps both. A zeroed struct is no table: call this first. */
void hc_hidx4_init(struct hc_hidx4 *x, hc_hidx4_hash hash, const void *ctx);
/* hc_hidx4_eq, hc_hidx4_find, hc_hidx4_reserve, hc_hidx4_insert,
 * hc_hidx4_remove, hc_hidx4_free: as above (insert's hash is the one
 * hash(ctx, item) gives, passed to save a call) */
HC_HIDX_DECLARE_FNS(hc_hidx4, uint32_t);

#endif
