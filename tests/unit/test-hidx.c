/* Unit tests for common/hidx.c, the one hash table, in both widths of
 * item (hc_hidx: uintptr_t, hc_hidx32: uint32_t; one algorithm,
 * hidx_impl.h). Random inserts, finds and removes checked against a plain
 * array at every load the table passes through, up to its maximum just
 * before it grows (where linear-probe runs are longest and a wrong
 * backward shift loses or strands items), with a good hash, one that
 * collides in clusters, and one that puts everything in a few home slots
 * next to the wrap-around; then cases of hc_hidx32 built by hand: a find
 * and a miss, a backward shift across the wrap-around slot by slot,
 * reserve, growth past 3/4, items near UINT32_MAX. */
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

/* Either width, seen through the same few calls, so that the random tests
 * run on both. Keys are unsigned numbers; an item is key + 1 in hc_hidx,
 * UINT32_MAX - key in hc_hidx32 (the top of its range). */
struct tab {
	bool w32;
	struct hc_hidx x;
	struct hc_hidx32 x32;
};

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
	return t->w32 ? UINT32_MAX - k : (uint64_t)k + 1;
}

static int t_insert(struct tab *t, uint32_t hash, uint32_t k)
{
	return t->w32 ? hc_hidx32_insert(&t->x32, hash, UINT32_MAX - k)
		      : hc_hidx_insert(&t->x, hash, (uintptr_t)k + 1);
}

static int t_reserve(struct tab *t, uint32_t extra)
{
	return t->w32 ? hc_hidx32_reserve(&t->x32, extra)
		      : hc_hidx_reserve(&t->x, extra);
}

/* the item found for k, 0 if none */
static uint64_t t_find(const struct tab *t, uint32_t hash, uint32_t k)
{
	const uint32_t *h32;
	const uintptr_t *h;

	if (t->w32)
		return (h32 = hc_hidx32_find(&t->x32, hash, eq32, NULL, &k)) ? *h32 : 0;
	return (h = hc_hidx_find(&t->x, hash, eq, NULL, &k)) ? *h : 0;
}

static bool t_remove(struct tab *t, uint32_t hash, uint32_t k)
{
	return t->w32 ? hc_hidx32_remove(&t->x32, hash, eq32, NULL, &k)
		      : hc_hidx_remove(&t->x, hash, eq, NULL, &k);
}

static uint32_t t_n(const struct tab *t)
{
	return t->w32 ? t->x32.n : t->x.n;
}

static uint64_t t_slots(const struct tab *t)
{
	return (uint64_t)(t->w32 ? t->x32.mask : t->x.mask) + 1;
}

static const void *t_array(const struct tab *t)
{
	return t->w32 ? (const void *)t->x32.s : (const void *)t->x.s;
}

/* slots that hold an item */
static uint32_t t_used(const struct tab *t)
{
	uint32_t used = 0;

	for (uint64_t i = 0; t_array(t) && i < t_slots(t); i++)
		used += t->w32 ? t->x32.s[i].item != 0 : t->x.s[i].item != 0;
	return used;
}

static void t_free(struct tab *t)
{
	hc_hidx_free(&t->x);
	hc_hidx32_free(&t->x32);
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

static void run(bool w32, hash_fn h, unsigned seed)
{
	struct tab t = { .w32 = w32 };
	struct ref *r = calloc(1, sizeof(*r));
	unsigned round, i;

	assert_non_null(r);
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
	bool w32;
	hash_fn h;
	unsigned seed, seeds;
};

static void test_random(void **state)
{
	const struct rcase *c = *state;

	for (unsigned i = 0; i < c->seeds; i++)
		run(c->w32, c->h, c->seed + i);
}

/* reserve(extra): that many inserts without a reallocation (so none can
 * fail), at any count */
static void reserve_then_insert(bool w32)
{
	struct tab t = { .w32 = w32 };
	uint32_t k, j, extra;
	const void *s;

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
}

static void test_reserve(void **state)
{
	const struct rcase *c = *state;

	reserve_then_insert(c->w32);
}

/* The hand-built hc_hidx32 cases below: the key is the item itself, and
 * ctx (if not NULL) counts the calls of eq. */
static bool eq_item(const void *ctx, uint32_t item, const void *key)
{
	if (ctx)
		++*(unsigned *)(uintptr_t)ctx;
	return item == *(const uint32_t *)key;
}

static uint32_t *find32(const struct hc_hidx32 *x, uint32_t hash,
			uint32_t key, unsigned *calls)
{
	return hc_hidx32_find(x, hash, eq_item, calls, &key);
}

static bool remove32(struct hc_hidx32 *x, uint32_t hash, uint32_t key)
{
	return hc_hidx32_remove(x, hash, eq_item, NULL, &key);
}

/* a find returns the item's own slot, 8 bytes wide, whose item may be
 * replaced in place; hashes with one home slot make a probe run */
static void test32_insert_find(void **state)
{
	struct hc_hidx32 x = { 0 };
	uint32_t *hit;

	(void)state;
	assert_int_equal(sizeof(struct hc_hslot32), 8);
	assert_null(find32(&x, 5, 7, NULL)); /* no slots yet */
	assert_int_equal(hc_hidx32_insert(&x, 5, 7), 0);
	assert_int_equal(hc_hidx32_insert(&x, 5 + 64, 8), 0);
	assert_int_equal(x.mask, 63);
	assert_int_equal(x.n, 2);
	assert_ptr_equal(find32(&x, 5, 7, NULL), &x.s[5].item);
	hit = find32(&x, 5 + 64, 8, NULL);
	assert_ptr_equal(hit, &x.s[6].item);
	assert_int_equal(x.s[6].hash, 5 + 64);
	*hit = 9;
	assert_null(find32(&x, 5 + 64, 8, NULL));
	assert_ptr_equal(find32(&x, 5 + 64, 9, NULL), &x.s[6].item);
	hc_hidx32_free(&x);
	assert_null(x.s);
	assert_int_equal(x.n, 0);
}

/* a miss: another key under a present hash, a hash never inserted whose
 * home slot starts a run (no call of eq: the hash in the slot differs),
 * and a remove of an absent key that changes nothing */
static void test32_miss(void **state)
{
	struct hc_hidx32 x = { 0 };
	unsigned calls = 0;

	(void)state;
	assert_int_equal(hc_hidx32_insert(&x, 5, 7), 0);
	assert_int_equal(hc_hidx32_insert(&x, 5 + 64, 8), 0);
	assert_int_equal(hc_hidx32_insert(&x, 5 + 128, 9), 0);
	assert_null(find32(&x, 5 + 192, 7, &calls));
	assert_int_equal(calls, 0);
	assert_null(find32(&x, 6, 8, &calls));
	assert_int_equal(calls, 0);
	assert_null(find32(&x, 5, 8, &calls));
	assert_int_equal(calls, 1);
	assert_false(remove32(&x, 5, 8));
	assert_int_equal(x.n, 3);
	assert_ptr_equal(find32(&x, 5 + 128, 9, NULL), &x.s[7].item);
	hc_hidx32_free(&x);
}

static void expect_slot(const struct hc_hidx32 *x, uint32_t i, uint32_t hash,
			uint32_t item)
{
	if (x->s[i].item != item || (item && x->s[i].hash != hash))
		fail_msg("slot %u: hash %u item %u, expected %u %u", i,
			 x->s[i].hash, x->s[i].item, hash, item);
}

/* removes in a run that wraps from slot 63 to slot 0 of 64: the members
 * whose home lies in the hole's way move back, across the wrap, the
 * others stay */
static void test32_remove_wrap(void **state)
{
	struct hc_hidx32 x = { 0 };

	(void)state;
	/* homes 62 63 0 62 at slots 62 63 0 1 */
	assert_int_equal(hc_hidx32_insert(&x, 62, 1), 0);
	assert_int_equal(hc_hidx32_insert(&x, 63, 2), 0);
	assert_int_equal(hc_hidx32_insert(&x, 64, 3), 0);
	assert_int_equal(hc_hidx32_insert(&x, 62 + 64, 4), 0);
	expect_slot(&x, 1, 62 + 64, 4);
	assert_true(remove32(&x, 62, 1));
	/* 2 and 3 are at home; 4 comes back from slot 1 to 62 */
	expect_slot(&x, 62, 62 + 64, 4);
	expect_slot(&x, 63, 63, 2);
	expect_slot(&x, 0, 64, 3);
	expect_slot(&x, 1, 0, 0);
	assert_int_equal(x.n, 3);
	hc_hidx32_free(&x);

	/* homes 63 63 63 0 at slots 63 0 1 2: removing the first moves
	 * each of the others back by one, two of them across the wrap */
	assert_int_equal(hc_hidx32_insert(&x, 63, 1), 0);
	assert_int_equal(hc_hidx32_insert(&x, 63 + 64, 2), 0);
	assert_int_equal(hc_hidx32_insert(&x, 63 + 128, 3), 0);
	assert_int_equal(hc_hidx32_insert(&x, 0, 4), 0);
	expect_slot(&x, 2, 0, 4);
	assert_true(remove32(&x, 63, 1));
	expect_slot(&x, 63, 63 + 64, 2);
	expect_slot(&x, 0, 63 + 128, 3);
	expect_slot(&x, 1, 0, 4);
	expect_slot(&x, 2, 0, 0);
	assert_non_null(find32(&x, 0, 4, NULL));
	assert_non_null(find32(&x, 63 + 128, 3, NULL));
	assert_false(remove32(&x, 63, 1));
	hc_hidx32_free(&x);
}

/* 64 slots hold 48 items (3/4), the 49th doubles the table, keeping
 * every item; reserve() grows at the same count and not before, and
 * refuses a size beyond 2^31 slots without touching the table */
static void test32_growth(void **state)
{
	struct hc_hidx32 x = { 0 };
	struct hc_hslot32 *s;
	uint32_t k;

	(void)state;
	for (k = 0; k < 48; k++)
		assert_int_equal(hc_hidx32_insert(&x, h_good(k), k + 1), 0);
	assert_int_equal(x.mask, 63);
	assert_int_equal(hc_hidx32_reserve(&x, 0), 0);
	assert_int_equal(x.mask, 63);
	assert_int_equal(hc_hidx32_insert(&x, h_good(48), 49), 0);
	assert_int_equal(x.mask, 127);
	for (k = 0; k < 49; k++)
		assert_non_null(find32(&x, h_good(k), k + 1, NULL));
	s = x.s;
	assert_int_equal(hc_hidx32_reserve(&x, 96 - 49), 0);
	assert_ptr_equal(x.s, s);
	assert_int_equal(hc_hidx32_reserve(&x, 96 - 48), 0);
	assert_int_equal(x.mask, 255);
	s = x.s;
	assert_int_equal(hc_hidx32_reserve(&x, UINT32_MAX), -ENOMEM);
	assert_ptr_equal(x.s, s);
	assert_int_equal(x.mask, 255);
	assert_int_equal(x.n, 49);
	for (k = 0; k < 49; k++)
		assert_non_null(find32(&x, h_good(k), k + 1, NULL));
	hc_hidx32_free(&x);
}

/* items at the top of the 32-bit range, all under one hash, come back
 * whole (no bit lost, none taken for empty) through finds, a growth and
 * removes */
static void test32_items_high(void **state)
{
	struct hc_hidx32 x = { 0 };
	struct tab t = { .w32 = true };
	const uint32_t top[] = { UINT32_MAX, UINT32_MAX - 1, 0x80000000u,
				 0x80000001u, 0xfffeffffu };
	uint32_t k, *hit;

	(void)state;
	for (k = 0; k < 5; k++)
		assert_int_equal(hc_hidx32_insert(&x, 0xffffffffu, top[k]), 0);
	for (k = 0; k < 100; k++) /* grow the table under them */
		assert_int_equal(hc_hidx32_insert(&x, h_good(k), k + 1), 0);
	assert_int_equal(x.mask, 255);
	for (k = 0; k < 5; k++) {
		hit = find32(&x, 0xffffffffu, top[k], NULL);
		assert_non_null(hit);
		assert_int_equal(*hit, top[k]);
	}
	assert_true(remove32(&x, 0xffffffffu, UINT32_MAX));
	assert_null(find32(&x, 0xffffffffu, UINT32_MAX, NULL));
	for (k = 1; k < 5; k++)
		assert_int_equal(*find32(&x, 0xffffffffu, top[k], NULL), top[k]);
	assert_int_equal(x.n, 104);
	t.x32 = x;
	assert_int_equal(t_used(&t), 104); /* nothing stranded */
	hc_hidx32_free(&x);
}

int main(void)
{
	/* named: cmocka_unit_test_prestate() would name them all after the
	 * function */
#define CASE(name, fn, w32, h, seed, seeds)                                   \
	{ name, fn, NULL, NULL, &(struct rcase){ w32, h, seed, seeds } }
	const struct CMUnitTest tests[] = {
		CASE("test_good_hash", test_random, false, h_good, 1, 2),
		CASE("test_clustered_hash", test_random, false, h_cluster, 3, 1),
		CASE("test_wrapping_hash", test_random, false, h_wrap, 4, 1),
		CASE("test_reserve", test_reserve, false, NULL, 0, 0),
		CASE("test32_good_hash", test_random, true, h_good, 5, 1),
		CASE("test32_clustered_hash", test_random, true, h_cluster, 6, 1),
		CASE("test32_wrapping_hash", test_random, true, h_wrap, 7, 1),
		CASE("test32_reserve", test_reserve, true, NULL, 0, 0),
		cmocka_unit_test(test32_insert_find),
		cmocka_unit_test(test32_miss),
		cmocka_unit_test(test32_remove_wrap),
		cmocka_unit_test(test32_growth),
		cmocka_unit_test(test32_items_high),
	};
#undef CASE

	return cmocka_run_group_tests(tests, NULL, NULL);
}
