/* hcb-hidx: micro-benchmark of the one hash table (common/hidx.c) at
 * 10,000 .. 1,000,000 items: inserts into an empty table (growths
 * included), hits, misses and removes in random order, each the median
 * of 5 runs in ns per operation, and the table's bytes per item at the
 * end of the inserts. Items are indices into a key array, as in the
 * callers (eq reads the key: one access per hit).
 *
 *   hcb-hidx [N...]          default: 10000 100000 1000000
 *
 * Output: one "HIDX n=... insert_ns=... hit_ns=... miss_ns=...
 * remove_ns=... bytes_per_item=... load=..." line per N. Built by
 * `make hidx-bench` (rule in tests/unit/module.mk). To compare two
 * versions of the table, build this file against each, e.g.
 *   git show main:common/hidx.c >/tmp/old.c
 *   gcc -O2 -std=c11 -D_GNU_SOURCE -Icommon bench/hidx.c /tmp/old.c */
#include "hidx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 5

static uint32_t *keys; /* keys[i]: the key of item i + 1 */

static bool eq(const void *ctx, uintptr_t item, const void *key)
{
	(void)ctx;
	return keys[item - 1] == *(const uint32_t *)key;
}

/* a 32-bit mix: the callers' hashes are well spread too */
static uint32_t hash(uint32_t k)
{
	k ^= k >> 16;
	k *= 0x7feb352du;
	k ^= k >> 15;
	k *= 0x846ca68bu;
	return k ^ (k >> 16);
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v)
{
	qsort(v, RUNS, sizeof(*v), cmp_double);
	return v[RUNS / 2];
}

/* order: a random permutation of 0..n-1 */
static void shuffle(uint32_t *order, uint32_t n)
{
	uint32_t i, j, t;

	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = (uint32_t)(((uint64_t)rand() << 16 ^ (uint64_t)rand()) % (i + 1));
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

static volatile uintptr_t sink;

static void one_size(uint32_t n, uint32_t *order)
{
	double ins[RUNS], hit[RUNS], miss[RUNS], rem[RUNS], t;
	double bytes = 0, load = 0;
	uint32_t i, r, k;

	for (i = 0; i < n; i++)
		keys[i] = 2 * i; /* misses: the odd numbers */
	for (r = 0; r < RUNS; r++) {
		struct hc_hidx x = { 0 };

		shuffle(order, n);
		t = now_ns();
		for (i = 0; i < n; i++)
			if (hc_hidx_insert(&x, hash(keys[order[i]]), order[i] + 1) < 0)
				exit(1);
		ins[r] = (now_ns() - t) / n;
		bytes = (double)(x.mask + 1) * sizeof(*x.s) / n;
		load = (double)x.n / (x.mask + 1);
		shuffle(order, n);
		t = now_ns();
		for (i = 0; i < n; i++) {
			k = keys[order[i]];
			sink = (uintptr_t)hc_hidx_find(&x, hash(k), eq, NULL, &k);
		}
		hit[r] = (now_ns() - t) / n;
		t = now_ns();
		for (i = 0; i < n; i++) {
			k = keys[order[i]] + 1;
			sink = (uintptr_t)hc_hidx_find(&x, hash(k), eq, NULL, &k);
		}
		miss[r] = (now_ns() - t) / n;
		t = now_ns();
		for (i = 0; i < n / 2; i++) {
			k = keys[order[i]];
			if (!hc_hidx_remove(&x, hash(k), eq, NULL, &k))
				exit(1);
		}
		rem[r] = (now_ns() - t) / (n / 2);
		hc_hidx_free(&x);
	}
	printf("HIDX n=%u insert_ns=%.1f hit_ns=%.1f miss_ns=%.1f remove_ns=%.1f "
	       "bytes_per_item=%.1f load=%.3f\n", n, median(ins), median(hit),
	       median(miss), median(rem), bytes, load);
}

int main(int argc, char **argv)
{
	static const uint32_t def[] = { 10000, 30000, 100000, 300000, 1000000 };
	uint32_t sizes[16], ns = 0, max = 0, i;
	uint32_t *order;

	for (i = 1; i < (uint32_t)argc && ns < 16; i++)
		sizes[ns++] = (uint32_t)strtoul(argv[i], NULL, 10);
	if (ns == 0)
		for (ns = 0; ns < sizeof(def) / sizeof(def[0]); ns++)
			sizes[ns] = def[ns];
	for (i = 0; i < ns; i++)
		max = sizes[i] > max ? sizes[i] : max;
	keys = calloc(max ? max : 1, sizeof(*keys));
	order = calloc(max ? max : 1, sizeof(*order));
	if (!keys || !order)
		return 1;
	srand(13);
	for (i = 0; i < ns; i++)
		if (sizes[i] >= 2)
			one_size(sizes[i], order);
	free(keys);
	free(order);
	return 0;
}
