/* Unit tests for common/hidx.c, the one hash table: random inserts,
 * finds and removes checked against a plain array at every load the
 * table passes through, up to its maximum just before it grows (where
 * linear-probe runs are longest and a wrong backward shift loses or
 * strands items), with a good hash, one that collides in clusters, and
 * one that puts everything in a few home slots next to the wrap-around. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hidx.h"

#define KEYS 5000u

/* Items are key + 1; keys are unsigned numbers. */
static bool eq(const void *ctx, uintptr_t item, const void *key)
{
	(void)ctx;
	return item - 1 == *(const uint32_t *)key;
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

static void check_one(const struct hc_hidx *x, const struct ref *r,
		      hash_fn h, uint32_t k)
{
	uintptr_t *hit = hc_hidx_find(x, h(k), eq, NULL, &k);

	if (r->in[k] && (!hit || *hit != (uintptr_t)k + 1))
		fail_msg("key %u present but not found (n %u, slots %u)", k,
			 x->n, x->mask + 1);
	if (!r->in[k] && hit)
		fail_msg("key %u absent but found", k);
}

static void check_all(const struct hc_hidx *x, const struct ref *r, hash_fn h)
{
	uint32_t k, used = 0;

	assert_int_equal(x->n, r->n);
	for (k = 0; k < KEYS; k++)
		check_one(x, r, h, k);
	for (k = 0; x->s && k <= x->mask; k++)
		used += x->s[k].item != 0;
	assert_int_equal(used, r->n); /* nothing duplicated or stranded */
}

static void op(struct hc_hidx *x, struct ref *r, hash_fn h, uint32_t target)
{
	uint32_t k = (uint32_t)rand() % KEYS;
	double load;

	/* insert more often below the target count, remove above it */
	if ((uint32_t)rand() % (2 * KEYS) < KEYS + (target > r->n ? 600 : 0) -
						      (target < r->n ? 600 : 0)) {
		if (r->in[k]) {
			check_one(x, r, h, k);
			return;
		}
		assert_int_equal(hc_hidx_insert(x, h(k), (uintptr_t)k + 1), 0);
		r->in[k] = true;
		r->n++;
		load = (double)x->n / (x->mask + 1);
		if (load > r->max_load)
			r->max_load = load;
	} else {
		assert_int_equal(hc_hidx_remove(x, h(k), eq, NULL, &k), r->in[k]);
		r->n -= r->in[k];
		r->in[k] = false;
	}
	check_one(x, r, h, k);
}

static void run(hash_fn h, unsigned seed)
{
	struct hc_hidx x = { 0 };
	struct ref *r = calloc(1, sizeof(*r));
	unsigned round, i;

	assert_non_null(r);
	srand(seed);
	for (round = 0; round < 60; round++) {
		/* each round drifts towards a count of its own, through the
		 * loads between two growths */
		uint32_t target = (uint32_t)rand() % KEYS;

		for (i = 0; i < 4000; i++) {
			op(&x, r, h, target);
			if (i % 1000 == 999)
				check_all(&x, r, h);
		}
	}
	check_all(&x, r, h);
	/* the test reached the table's highest load (3/4: see hidx.h) */
	if (r->max_load < 0.74 || r->max_load > 0.75)
		fail_msg("highest load seen %.3f", r->max_load);
	hc_hidx_free(&x);
	free(r);
}

static void test_good_hash(void **state)
{
	(void)state;
	run(h_good, 1);
	run(h_good, 2);
}

static void test_clustered_hash(void **state)
{
	(void)state;
	run(h_cluster, 3);
}

static void test_wrapping_hash(void **state)
{
	(void)state;
	run(h_wrap, 4);
}

/* reserve(extra): that many inserts without a reallocation, at any count */
static void test_reserve(void **state)
{
	struct hc_hidx x = { 0 };
	uint32_t k, j, extra;
	struct hc_hslot *s;

	(void)state;
	for (k = 0; k < 3000; k += extra) {
		extra = 1 + (uint32_t)rand() % 200;
		assert_int_equal(hc_hidx_reserve(&x, extra), 0);
		s = x.s;
		for (j = k; j < k + extra; j++)
			assert_int_equal(hc_hidx_insert(&x, h_good(j), j + 1), 0);
		assert_ptr_equal(x.s, s);
		assert_true((uint64_t)x.n * 4 <= (uint64_t)(x.mask + 1) * 3);
	}
	for (j = 0; j < k; j++)
		assert_non_null(hc_hidx_find(&x, h_good(j), eq, NULL, &j));
	hc_hidx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_hash),
		cmocka_unit_test(test_clustered_hash),
		cmocka_unit_test(test_wrapping_hash),
		cmocka_unit_test(test_reserve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
