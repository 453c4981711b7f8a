/* Unit tests for common/hidx.c, the one hash table, in its three widths
 * (hc_hidx: uintptr_t items, hc_hidx32: uint32_t items and the hash in
 * 8-byte slots, hc_hidx4: uint32_t items alone in 4-byte slots, the hash
 * given by a function of the test reading an array; one algorithm,
 * hidx_impl.h). Random inserts, finds and removes checked against a plain
 * array at every load the table passes through, up to its maximum just
 * before it grows (where linear-probe runs are longest and a wrong
 * backward shift loses or strands items), with a good hash, one that
 * collides in clusters, and one that puts everything in a few home slots
 * next to the wrap-around; then cases built by hand, on hc_hidx32 and
 * hc_hidx4 alike: a find and a miss, a backward shift across the
 * wrap-around slot by slot, reserve, growth past 3/4, items near
 * UINT32_MAX. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hidx.h"

#define KEYS 5000u

enum width { W64, W32, W4 };

/* An hc_hidx4 item's hash, as its user keeps it: for the random tests
 * hk[k], k the key of item UINT32_MAX - k; for the hand-built ones the
 * last of rec[] that names the item. */
struct rec {
	uint32_t item, hash;
};

/* Any width, seen through the same few calls, so that every test runs on
 * each. Keys are unsigned numbers; an item is key + 1 in hc_hidx,
 * UINT32_MAX - key in the 32-bit widths (the top of their range). Not to
 * be copied once hc_hidx4_init() has pointed x4 at it. */
struct tab {
	enum width w;
	struct hc_hidx x;
	struct hc_hidx32 x32;
	struct hc_hidx4 x4;
	const uint32_t *hk;
	struct rec rec[256];
	unsigned nrec;
};

static uint32_t hash_key(const void *ctx, uint32_t item)
{
	const struct tab *t = ctx;
	uint32_t k = UINT32_MAX - item;

	if (k >= KEYS)
		fail_msg("hash asked of item %u, never inserted", item);
	return t->hk[k];
}

static uint32_t hash_rec(const void *ctx, uint32_t item)
{
	const struct tab *t = ctx;

	for (unsigned i = t->nrec; i-- > 0;)
		if (t->rec[i].item == item)
			return t->rec[i].hash;
	fail_msg("hash asked of item %u, never inserted", item);
	return 0;
}

/* an empty table of width w; hk: the random tests' hashes (hc_hidx4) */
static void t_init(struct tab *t, enum width w, const uint32_t *hk)
{
	memset(t, 0, sizeof(*t));
	t->w = w;
	t->hk = hk;
	hc_hidx4_init(&t->x4, hk ? hash_key : hash_rec, t);
}

static bool eq(const void *ctx, uintptr_t item, const void *key)
{
	(void)ctx;
	return item - 1 == *(const uint32_t *)key;
}

static bool eq32(const void *ctx, uint32_t item, const void *key)
{
	(void)ctx;
	return item == UINT32_MAX - *(const uint32_t *)key;
}

static uint64_t item_of(const struct tab *t, uint32_t k)
{
	return t->w == W64 ? (uint64_t)k + 1 : UINT32_MAX - k;
}

static int t_insert(struct tab *t, uint32_t hash, uint32_t k)
{
	switch (t->w) {
	case W64:
		return hc_hidx_insert(&t->x, hash, (uintptr_t)k + 1);
	case W32:
		return hc_hidx32_insert(&t->x32, hash, UINT32_MAX - k);
	default:
		return hc_hidx4_insert(&t->x4, hash, UINT32_MAX - k);
	}
}

static int t_reserve(struct tab *t, uint32_t extra)
{
	switch (t->w) {
	case W64:
		return hc_hidx_reserve(&t->x, extra);
	case W32:
		return hc_hidx32_reserve(&t->x32, extra);
	default:
		return hc_hidx4_reserve(&t->x4, extra);
	}
}

/* the item found for k, 0 if none */
static uint64_t t_find(const struct tab *t, uint32_t hash, uint32_t k)
{
	const uint32_t *h32;
	const uintptr_t *h;

	if (t->w == W64)
		return (h = hc_hidx_find(&t->x, hash, eq, NULL, &k)) ? *h : 0;
	h32 = t->w == W32 ? hc_hidx32_find(&t->x32, hash, eq32, NULL, &k)
			  : hc_hidx4_find(&t->x4, hash, eq32, NULL, &k);
	return h32 ? *h32 : 0;
}

static bool t_remove(struct tab *t, uint32_t hash, uint32_t k)
{
	switch (t->w) {
	case W64:
		return hc_hidx_remove(&t->x, hash, eq, NULL, &k);
	case W32:
		return hc_hidx32_remove(&t->x32, hash, eq32, NULL, &k);
	default:
		return hc_hidx4_remove(&t->x4, hash, eq32, NULL, &k);
	}
}

static uint32_t t_n(const struct tab *t)
{
	return t->w == W64 ? t->x.n : t->w == W32 ? t->x32.n : t->x4.n;
}

static uint32_t t_mask(const struct tab *t)
{
	return t->w == W64 ? t->x.mask : t->w == W32 ? t->x32.mask
						     : t->x4.mask;
}

static uint64_t t_slots(const struct tab *t)
{
	return (uint64_t)t_mask(t) + 1;
}

static const void *t_array(const struct tab *t)
{
	return t->w == W64 ? (const void *)t->x.s
	       : t->w == W32 ? (const void *)t->x32.s
			     : (const void *)t->x4.s;
}

/* slots that hold an item */
static uint32_t t_used(const struct tab *t)
{
	uint32_t used = 0;

	for (uint64_t i = 0; t_array(t) && i < t_slots(t); i++)
		used += t->w == W64   ? t->x.s[i].item != 0
			: t->w == W32 ? t->x32.s[i].item != 0
				      : t->x4.s[i].item != 0;
	return used;
}

static void t_free(struct tab *t)
{
	hc_hidx_free(&t->x);
	hc_hidx32_free(&t->x32);
	hc_hidx4_free(&t->x4);
	t->nrec = 0;
}

typedef uint32_t (*hash_fn)(uint32_t key);

static uint32_t h_good(uint32_t k)
{
	k ^= k >> 16;
	k *= 0x7feb352du;
	k ^= k >> 15;
	k *= 0x846ca68bu;
	return k ^ (k >> 16);
}

/* 64 hash values: long runs of equal hashes and of neighbours */
static uint32_t h_cluster(uint32_t k)
{
	return h_good(k) % 64;
}

/* home slots at the top of any table: runs wrap around slot 0 */
static uint32_t h_wrap(uint32_t k)
{
	return 0xfffffff0u | (h_good(k) & 0xf);
}

struct ref {
	uint32_t hk[KEYS]; /* h(k), for hc_hidx4 */
	bool in[KEYS];
	uint32_t n;
	double max_load;
};

static void check_one(const struct tab *t, const struct ref *r, hash_fn h,
		      uint32_t k)
{
	uint64_t hit = t_find(t, h(k), k);

	if (r->in[k] && hit != item_of(t, k))
		fail_msg("key %u present but not found (n %u, slots %llu)", k,
			 t_n(t), (unsigned long long)t_slots(t));
	if (!r->in[k] && hit)
		fail_msg("key %u absent but found", k);
}

static void check_all(const struct tab *t, const struct ref *r, hash_fn h)
{
	uint32_t k;

	assert_int_equal(t_n(t), r->n);
	for (k = 0; k < KEYS; k++)
		check_one(t, r, h, k);
	assert_int_equal(t_used(t), r->n); /* nothing duplicated or stranded */
}

static void op(struct tab *t, struct ref *r, hash_fn h, uint32_t target)
{
	uint32_t k = (uint32_t)rand() % KEYS;
	double load;

	/* insert more often below the target count, remove above it */
	if ((uint32_t)rand() % (2 * KEYS) < KEYS + (target > r->n ? 600 : 0) -
						      (target < r->n ? 600 : 0)) {
		if (r->in[k]) {
			check_one(t, r, h, k);
			return;
		}
		assert_int_equal(t_insert(t, h(k), k), 0);
		r->in[k] = true;
		r->n++;
		load = (double)t_n(t) / (double)t_slots(t);
		if (load > r->max_load)
			r->max_load = load;
	} else {
		assert_int_equal(t_remove(t, h(k), k), r->in[k]);
		r->n -= r->in[k];
		r->in[k] = false;
	}
	check_one(t, r, h, k);
}

static void run(enum width w, hash_fn h, unsigned seed)
{
	struct tab t;
	struct ref *r = calloc(1, sizeof(*r));
	unsigned round, i;

	assert_non_null(r);
	for (i = 0; i < KEYS; i++)
		r->hk[i] = h(i);
	t_init(&t, w, r->hk);
	srand(seed);
	for (round = 0; round < 60; round++) {
		/* each round drifts towards a count of its own, through the
		 * loads between two growths */
		uint32_t target = (uint32_t)rand() % KEYS;

		for (i = 0; i < 4000; i++) {
			op(&t, r, h, target);
			if (i % 1000 == 999)
				check_all(&t, r, h);
		}
	}
	check_all(&t, r, h);
	/* the test reached the table's highest load (3/4: see hidx.h) */
	if (r->max_load < 0.74 || r->max_load > 0.75)
		fail_msg("highest load seen %.3f", r->max_load);
	t_free(&t);
	free(r);
}

/* A random test's case: the width, the hash, the first seed and how many
 * seeds from it (its cmocka state). */
struct rcase {
	enum width w;
	hash_fn h;
	unsigned seed, seeds;
};

static void test_random(void **state)
{
	const struct rcase *c = *state;

	for (unsigned i = 0; i < c->seeds; i++)
		run(c->w, c->h, c->seed + i);
}

/* reserve(extra): that many inserts without a reallocation (so none can
 * fail), at any count */
static void reserve_then_insert(enum width w)
{
	struct tab t;
	uint32_t k, j, extra, *hk = malloc(KEYS * sizeof(*hk));
	const void *s;

	assert_non_null(hk);
	for (j = 0; j < KEYS; j++)
		hk[j] = h_good(j);
	t_init(&t, w, hk);

	for (k = 0; k < 3000; k += extra) {
		extra = 1 + (uint32_t)rand() % 200;
		assert_int_equal(t_reserve(&t, extra), 0);
		s = t_array(&t);
		for (j = k; j < k + extra; j++)
			assert_int_equal(t_insert(&t, h_good(j), j), 0);
		assert_ptr_equal(t_array(&t), s);
		assert_true((uint64_t)t_n(&t) * 4 <= t_slots(&t) * 3);
	}
	for (j = 0; j < k; j++)
		assert_true(t_find(&t, h_good(j), j) == item_of(&t, j));
	t_free(&t);
	free(hk);
}

static void test_reserve(void **state)
{
	const struct rcase *c = *state;

	reserve_then_insert(c->w);
}

/* The hand-built cases below, each run on hc_hidx32 and on hc_hidx4 (the
 * enum width their cmocka state points to): the key is the item itself,
 * and ctx (if not NULL) counts the calls of eq. An hc_hidx4 item's hash is
 * recorded in rec[] as it is inserted, as the cache writer keeps it. */
static bool eq_item(const void *ctx, uint32_t item, const void *key)
{
	if (ctx)
		++*(unsigned *)(uintptr_t)ctx;
	return item == *(const uint32_t *)key;
}

static int ins(struct tab *t, uint32_t hash, uint32_t item)
{
	if (t->w == W32)
		return hc_hidx32_insert(&t->x32, hash, item);
	assert_true(t->nrec < sizeof(t->rec) / sizeof(t->rec[0]));
	t->rec[t->nrec++] = (struct rec){ item, hash };
	return hc_hidx4_insert(&t->x4, hash, item);
}

static uint32_t *find(const struct tab *t, uint32_t hash, uint32_t key,
		      unsigned *calls)
{
	return t->w == W32 ? hc_hidx32_find(&t->x32, hash, eq_item, calls, &key)
			   : hc_hidx4_find(&t->x4, hash, eq_item, calls, &key);
}

static bool rm(struct tab *t, uint32_t hash, uint32_t key)
{
	return t->w == W32 ? hc_hidx32_remove(&t->x32, hash, eq_item, NULL, &key)
			   : hc_hidx4_remove(&t->x4, hash, eq_item, NULL, &key);
}

/* slot i's item, in place */
static uint32_t *slot(const struct tab *t, uint32_t i)
{
	return t->w == W32 ? &t->x32.s[i].item : &t->x4.s[i].item;
}

/* the hash of the item in slot i: kept in the slot, or given by the
 * table's function */
static uint32_t slot_hash(const struct tab *t, uint32_t i)
{
	return t->w == W32 ? t->x32.s[i].hash
			   : t->x4.hashfn(t->x4.ctx, t->x4.s[i].item);
}

static enum width width_of(void **state)
{
	return *(const enum width *)*state;
}

/* a find returns the item's own slot, 8 or 4 bytes wide, whose item may
 * be replaced in place; hashes with one home slot make a probe run; an
 * emptied table takes items again (hc_hidx4: with its hash function) */
static void test_insert_find(void **state)
{
	struct tab t;
	uint32_t *hit;

	t_init(&t, width_of(state), NULL);
	assert_int_equal(t.w == W32 ? sizeof(struct hc_hslot32)
				    : sizeof(struct hc_hslot4),
			 t.w == W32 ? 8 : 4);
	assert_null(find(&t, 5, 7, NULL)); /* no slots yet */
	assert_int_equal(ins(&t, 5, 7), 0);
	assert_int_equal(ins(&t, 5 + 64, 8), 0);
	assert_int_equal(t_mask(&t), 63);
	assert_int_equal(t_n(&t), 2);
	assert_ptr_equal(find(&t, 5, 7, NULL), slot(&t, 5));
	hit = find(&t, 5 + 64, 8, NULL);
	assert_ptr_equal(hit, slot(&t, 6));
	assert_int_equal(slot_hash(&t, 6), 5 + 64);
	if (t.w == W4) /* the replacing item hashes the same */
		t.rec[t.nrec++] = (struct rec){ 9, 5 + 64 };
	*hit = 9;
	assert_null(find(&t, 5 + 64, 8, NULL));
	assert_ptr_equal(find(&t, 5 + 64, 9, NULL), slot(&t, 6));
	t_free(&t);
	assert_null(t_array(&t));
	assert_int_equal(t_n(&t), 0);
	assert_int_equal(ins(&t, 5, 7), 0);
	assert_ptr_equal(find(&t, 5, 7, NULL), slot(&t, 5));
	t_free(&t);
}

/* a miss: another key under a present hash, a hash never inserted whose
 * home slot starts a run (no call of eq: the slot's hash differs), and a
 * remove of an absent key that changes nothing */
static void test_miss(void **state)
{
	struct tab t;
	unsigned calls = 0;

	t_init(&t, width_of(state), NULL);
	assert_int_equal(ins(&t, 5, 7), 0);
	assert_int_equal(ins(&t, 5 + 64, 8), 0);
	assert_int_equal(ins(&t, 5 + 128, 9), 0);
	assert_null(find(&t, 5 + 192, 7, &calls));
	assert_int_equal(calls, 0);
	assert_null(find(&t, 6, 8, &calls));
	assert_int_equal(calls, 0);
	assert_null(find(&t, 5, 8, &calls));
	assert_int_equal(calls, 1);
	assert_false(rm(&t, 5, 8));
	assert_int_equal(t_n(&t), 3);
	assert_ptr_equal(find(&t, 5 + 128, 9, NULL), slot(&t, 7));
	t_free(&t);
}

static void expect_slot(const struct tab *t, uint32_t i, uint32_t hash,
			uint32_t item)
{
	if (*slot(t, i) != item || (item && slot_hash(t, i) != hash))
		fail_msg("slot %u: item %u, expected hash %u item %u", i,
			 *slot(t, i), hash, item);
}

/* removes in a run that wraps from slot 63 to slot 0 of 64: the members
 * whose home lies in the hole's way move back, across the wrap, the
 * others stay */
static void test_remove_wrap(void **state)
{
	struct tab t;

	t_init(&t, width_of(state), NULL);
	/* homes 62 63 0 62 at slots 62 63 0 1 */
	assert_int_equal(ins(&t, 62, 1), 0);
	assert_int_equal(ins(&t, 63, 2), 0);
	assert_int_equal(ins(&t, 64, 3), 0);
	assert_int_equal(ins(&t, 62 + 64, 4), 0);
	expect_slot(&t, 1, 62 + 64, 4);
	assert_true(rm(&t, 62, 1));
	/* 2 and 3 are at home; 4 comes back from slot 1 to 62 */
	expect_slot(&t, 62, 62 + 64, 4);
	expect_slot(&t, 63, 63, 2);
	expect_slot(&t, 0, 64, 3);
	expect_slot(&t, 1, 0, 0);
	assert_int_equal(t_n(&t), 3);
	t_free(&t);

	/* homes 63 63 63 0 at slots 63 0 1 2: removing the first moves
	 * each of the others back by one, two of them across the wrap */
	assert_int_equal(ins(&t, 63, 1), 0);
	assert_int_equal(ins(&t, 63 + 64, 2), 0);
	assert_int_equal(ins(&t, 63 + 128, 3), 0);
	assert_int_equal(ins(&t, 0, 4), 0);
	expect_slot(&t, 2, 0, 4);
	assert_true(rm(&t, 63, 1));
	expect_slot(&t, 63, 63 + 64, 2);
	expect_slot(&t, 0, 63 + 128, 3);
	expect_slot(&t, 1, 0, 4);
	expect_slot(&t, 2, 0, 0);
	assert_non_null(find(&t, 0, 4, NULL));
	assert_non_null(find(&t, 63 + 128, 3, NULL));
	assert_false(rm(&t, 63, 1));
	t_free(&t);
}

/* 64 slots hold 48 items (3/4), the 49th doubles the table, keeping
 * every item; reserve() grows at the same count and not before, and
 * refuses a size beyond 2^31 slots without touching the table */
static void test_growth(void **state)
{
	struct tab t;
	const void *s;
	uint32_t k;

	t_init(&t, width_of(state), NULL);
	for (k = 0; k < 48; k++)
		assert_int_equal(ins(&t, h_good(k), k + 1), 0);
	assert_int_equal(t_mask(&t), 63);
	assert_int_equal(t_reserve(&t, 0), 0);
	assert_int_equal(t_mask(&t), 63);
	assert_int_equal(ins(&t, h_good(48), 49), 0);
	assert_int_equal(t_mask(&t), 127);
	for (k = 0; k < 49; k++)
		assert_non_null(find(&t, h_good(k), k + 1, NULL));
	s = t_array(&t);
	assert_int_equal(t_reserve(&t, 96 - 49), 0);
	assert_ptr_equal(t_array(&t), s);
	assert_int_equal(t_reserve(&t, 96 - 48), 0);
	assert_int_equal(t_mask(&t), 255);
	s = t_array(&t);
	assert_int_equal(t_reserve(&t, UINT32_MAX), -ENOMEM);
	assert_ptr_equal(t_array(&t), s);
	assert_int_equal(t_mask(&t), 255);
	assert_int_equal(t_n(&t), 49);
	for (k = 0; k < 49; k++)
		assert_non_null(find(&t, h_good(k), k + 1, NULL));
	t_free(&t);
}

/* items at the top of the 32-bit range, all under one hash, come back
 * whole (no bit lost, none taken for empty) through finds, a growth and
 * removes */
static void test_items_high(void **state)
{
	struct tab t;
	const uint32_t top[] = { UINT32_MAX, UINT32_MAX - 1, 0x80000000u,
				 0x80000001u, 0xfffeffffu };
	uint32_t k, *hit;

	t_init(&t, width_of(state), NULL);
	for (k = 0; k < 5; k++)
		assert_int_equal(ins(&t, 0xffffffffu, top[k]), 0);
	for (k = 0; k < 100; k++) /* grow the table under them */
		assert_int_equal(ins(&t, h_good(k), k + 1), 0);
	assert_int_equal(t_mask(&t), 255);
	for (k = 0; k < 5; k++) {
		hit = find(&t, 0xffffffffu, top[k], NULL);
		assert_non_null(hit);
		assert_int_equal(*hit, top[k]);
	}
	assert_true(rm(&t, 0xffffffffu, UINT32_MAX));
	assert_null(find(&t, 0xffffffffu, UINT32_MAX, NULL));
	for (k = 1; k < 5; k++)
		assert_int_equal(*find(&t, 0xffffffffu, top[k], NULL), top[k]);
	assert_int_equal(t_n(&t), 104);
	assert_int_equal(t_used(&t), 104); /* nothing stranded */
	t_free(&t);
}

int main(void)
{
	static const enum width w32 = W32, w4 = W4;
	/* named: cmocka_unit_test_prestate() would name them all after the
	 * function */
#define CASE(name, fn, w, h, seed, seeds)                                     \
	{ name, fn, NULL, NULL, &(struct rcase){ w, h, seed, seeds } }
#define HAND(prefix, fn, w)                                                   \
	{ prefix #fn, test_##fn, NULL, NULL, (void *)(uintptr_t)&w }
#define HANDS(prefix, w)                                                      \
	HAND(prefix, insert_find, w), HAND(prefix, miss, w),                  \
		HAND(prefix, remove_wrap, w), HAND(prefix, growth, w),        \
		HAND(prefix, items_high, w)
/* the random cases and reserve of width w: seeds s (goods of them) for
 * the good hash, the next two for the others */
#define RANDOMS(prefix, w, s, goods)                                          \
	CASE(prefix "good_hash", test_random, w, h_good, s, goods),           \
		CASE(prefix "clustered_hash", test_random, w, h_cluster,      \
		     s + goods, 1),                                           \
		CASE(prefix "wrapping_hash", test_random, w, h_wrap,          \
		     s + goods + 1, 1),                                       \
		CASE(prefix "reserve", test_reserve, w, NULL, 0, 0)
	const struct CMUnitTest tests[] = {
		RANDOMS("test_", W64, 1, 2),
		RANDOMS("test32_", W32, 5, 1),
		RANDOMS("test4_", W4, 8, 1),
		HANDS("test32_", w32),
		HANDS("test4_", w4),
	};
#undef HANDS
#undef HAND
#undef RANDOMS
#undef CASE

	return cmocka_run_group_tests(tests, NULL, NULL);
}
