/* hcb-lookup: time one NSS operation through glibc (or directly through a
 * dlopen'ed module) with random keys, on T threads.
 *
 *   hcb-lookup -k KEYS -o OP [-t THREADS] [-d SECONDS] [-w SECONDS]
 *              [-b BATCH] [-m MIN_SAMPLES] [-D LIB:PREFIX] [-c] [-l LABEL]
 *              [-M BYTES]
 *   hcb-lookup -V
 *
 * Method: after a warm-up, each thread times batches of B calls with
 * CLOCK_MONOTONIC and records batch_time / B as one sample. B is chosen
 * from the warm-up so one batch lasts ~10 us (at most 64 calls; 1 for
 * calls slower than 10 us), so clock overhead stays under ~1% and the
 * sub-microsecond calls are resolved. Median and p99 are over these
 * samples (p99 is therefore of batch means when B > 1). calls/s is the
 * total number of calls of all threads over the wall time of the run.
 * -c (cold): every key is used once, in key-file order, no warm-up, B = 1:
 * what a cache in front (nscd) sees as misses. -o memcpy -M BYTES times a
 * memcpy of BYTES instead of a lookup (the copy-bound reference of a big
 * group). Output: one "RESULT" line. -V: one "SPLIT variant=..." line, the
 * member split this CPU runs (hc_members_split_variant: what the big-group
 * figures depend on), and nothing timed. */
#include "bench.h"
#include "cache.h"
#include "numparse.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_IDX 8192
#define MAX_THREADS 16

struct opts {
	const char *keys, *op, *direct, *label;
	int threads, batch, min_samples, cold, variant;
	uint32_t copy_bytes;
	double duration, warmup;
};

struct worker {
	const struct opts *o;
	const struct bench_op *op;
	const struct bench_keys *k;
	pthread_barrier_t *bar;
	size_t nkeys;
	size_t idx[N_IDX];
	double *samples;
	size_t n_samples, cap;
	unsigned long calls;
	long entries;
	int batch;
	uint64_t t_start, t_end;
	struct bench_scratch s;
};

static void fill_indices(struct worker *w, unsigned seed)
{
	uint64_t x = 0x9e3779b97f4a7c15ull * (seed + 1);

	for (size_t i = 0; i < N_IDX; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		w->idx[i] = w->o->cold ? i % w->nkeys : (size_t)(x % w->nkeys);
	}
}

/* Cold runs walk the keys in file order (each key once); others cycle
 * through the precomputed random indices (one load, no division). */
static size_t key_at(const struct worker *w, unsigned long n)
{
	return w->o->cold ? n % w->nkeys : w->idx[n % N_IDX];
}

/* Warm-up: run calls for o->warmup seconds; choose the batch size. */
static void warm_up(struct worker *w)
{
	uint64_t t0 = bench_now_ns(), t;
	unsigned long n = 0;

	w->batch = 1;
	if (w->o->cold)
		return;
	do {
		w->op->fn(&w->s, w->k, w->idx[n % N_IDX]);
		n++;
		t = bench_now_ns();
	} while ((double)(t - t0) < w->o->warmup * 1e9);
	if (w->o->batch > 0) {
		w->batch = w->o->batch;
	} else {
		double per_call = (double)(t - t0) / (double)n;
		double b = 10000.0 / (per_call > 1 ? per_call : 1);
		w->batch = b < 1 ? 1 : b > 64 ? 64 : (int)b;
	}
	w->s.found = w->s.missing = 0;
}

static int add_sample(struct worker *w, double v)
{
	if (w->n_samples == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4096;
		double *p = reallocarray(w->samples, cap, sizeof(*p));

		if (!p)
			return -ENOMEM;
		w->samples = p;
		w->cap = cap;
	}
	w->samples[w->n_samples++] = v;
	return 0;
}

static bool done(const struct worker *w, uint64_t now)
{
	double el = (double)(now - w->t_start) / 1e9;
	double hard = w->o->duration * 8 > 4 ? w->o->duration * 8 : 4;

	if (w->o->cold && w->calls >= w->nkeys)
		return true;
	if (el >= hard)
		return true;
	return el >= w->o->duration && w->n_samples >= (size_t)w->o->min_samples;
}

static void *run_worker(void *arg)
{
	struct worker *w = arg;
	unsigned long next = 0;
	uint64_t t0, t1;

	warm_up(w);
	pthread_barrier_wait(w->bar);
	w->t_start = t1 = bench_now_ns();
	do {
		t0 = t1;
		for (int b = 0; b < w->batch; b++, next++)
			w->entries += w->op->fn(&w->s, w->k, key_at(w, next));
		t1 = bench_now_ns();
		w->calls += (unsigned long)w->batch;
		if (add_sample(w, (double)(t1 - t0) / w->batch) < 0)
			break;
	} while (!done(w, t1));
	w->t_end = t1;
	return NULL;
}

/* Merge all threads' samples and print the RESULT line. */
static int report(const struct opts *o, struct worker *ws, int n)
{
	size_t total = 0, off = 0;
	unsigned long calls = 0, found = 0, missing = 0;
	long entries = 0;
	uint64_t t0 = UINT64_MAX, t1 = 0;
	double *all;

	for (int i = 0; i < n; i++)
		total += ws[i].n_samples;
	all = calloc(total ? total : 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		memcpy(all + off, ws[i].samples, ws[i].n_samples * sizeof(*all));
		off += ws[i].n_samples;
		calls += ws[i].calls;
		entries += ws[i].entries;
		found += ws[i].s.found;
		missing += ws[i].s.missing;
		t0 = ws[i].t_start < t0 ? ws[i].t_start : t0;
		t1 = ws[i].t_end > t1 ? ws[i].t_end : t1;
	}
	bench_sort(all, total);
	printf("RESULT label=%s op=%s threads=%d batch=%d calls=%lu samples=%zu "
	       "median_ns=%.1f p99_ns=%.1f calls_per_s=%.0f "
	       "entries_per_call=%.1f found=%lu missing=%lu\n",
	       o->label, o->op, n, ws[0].batch, calls, total,
	       bench_pct(all, total, 50), bench_pct(all, total, 99),
	       (double)calls / ((double)(t1 - t0) / 1e9),
	       calls ? (double)entries / (double)calls : 0.0, found, missing);
	free(all);
	return 0;
}

/* A count option in [min, max]; -EINVAL when it is not one. */
static int opt_int(const char *s, uint32_t min, uint32_t max, int *out)
{
	uint32_t v;
	int r = hc_parse_u32(s, min, max, &v);

	if (r == 0)
		*out = (int)v;
	return r;
}

/* Seconds, a positive decimal fraction. */
static int opt_secs(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || !(*out > 0 && *out < 3600) ? -EINVAL
									 : 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	int c, r = 0;

	*o = (struct opts){.threads = 1, .min_samples = 5, .duration = 0.5,
			   .warmup = 0.2, .label = "-"};
	while (r == 0 && (c = getopt(argc, argv, "k:o:t:d:w:b:m:D:cl:M:V")) != -1) {
		switch (c) {
		case 'k': o->keys = optarg; break;
		case 'o': o->op = optarg; break;
		case 't': r = opt_int(optarg, 1, MAX_THREADS, &o->threads); break;
		case 'd': r = opt_secs(optarg, &o->duration); break;
		case 'w': r = opt_secs(optarg, &o->warmup); break;
		case 'b': r = opt_int(optarg, 1, 1 << 20, &o->batch); break;
		case 'm': r = opt_int(optarg, 1, 1 << 20, &o->min_samples); break;
		case 'D': o->direct = optarg; break;
		case 'c': o->cold = 1; break;
		case 'l': o->label = optarg; break;
		case 'M': r = hc_parse_u32(optarg, 1, 64u << 20, &o->copy_bytes); break;
		case 'V': o->variant = 1; break;
		default: r = -EINVAL;
		}
	}
	if (r < 0 || (!o->variant && (!o->keys || !o->op)))
		return -EINVAL;
	return 0;
}

static const struct bench_op *pick_op(const struct opts *o)
{
	char lib[4096], *colon;

	if (strcmp(o->op, "memcpy") == 0)
		return bench_copy_op(o->copy_bytes);
	if (!o->direct)
		return bench_glibc_op(o->op);
	snprintf(lib, sizeof(lib), "%s", o->direct);
	colon = strrchr(lib, ':');
	if (!colon)
		return NULL;
	*colon = '\0';
	if (bench_direct_init(lib, colon + 1) < 0)
		return NULL;
	return bench_direct_op(o->op);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct bench_keys k;
	const struct bench_op *op;
	static struct worker ws[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	pthread_barrier_t bar;
	int n, r;

	if (parse(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: hcb-lookup -k KEYS -o OP [-t N] [-d S] "
				"[-w S] [-b B] [-m N] [-D LIB:PREFIX] [-c] [-l LABEL] "
				"[-M BYTES] | -V\n");
		return 2;
	}
	if (o.variant) {
		printf("SPLIT variant=%s\n", hc_members_split_variant());
		return 0;
	}
	r = bench_keys_load(o.keys, &k);
	op = pick_op(&o);
	if (r < 0 || !op) {
		fprintf(stderr, "hcb-lookup: cannot load %s or op %s: %s\n", o.keys,
			o.op, r < 0 ? strerror(-r) : "unknown op");
		return 1;
	}
	n = op->serial || o.cold ? 1 : o.threads;
	pthread_barrier_init(&bar, NULL, (unsigned)n);
	for (int i = 0; i < n; i++) {
		ws[i].o = &o;
		ws[i].op = op;
		ws[i].k = &k;
		ws[i].bar = &bar;
		ws[i].nkeys = op->keyset == 'G' ? k.n_groups : k.n_users;
		fill_indices(&ws[i], (unsigned)i);
		if (bench_scratch_init(&ws[i].s) < 0)
			return 1;
		pthread_create(&th[i], NULL, run_worker, &ws[i]);
	}
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	return report(&o, ws, n) < 0 ? 1 : 0;
}
