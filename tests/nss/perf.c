/* nss-perf: the module's own cost per lookup, without glibc. Not a test
 * (nothing asserted): a measuring tool for the cache format and the
 * module, next to the heavier `make bench`.
 *
 *   nss-perf LIB SPEC [CALLS [NKEYS]]
 *
 * dlopens LIB (the built libnss_hcoop.so.2, which reads the fixed path
 * /var/lib/hcoop/cache: run it in a mount namespace where that is the
 * cache made from SPEC), reads the users of SPEC (hcoop-mkcache format)
 * and calls _nss_hcoop_getpwnam_r / getpwuid_r directly with keys drawn at
 * random from ALL users (the worst case for the CPU caches; NKEYS > 0
 * draws them from that many random users instead, as `make bench` does
 * with 20,000), and with
 * absent keys of the same shape. Prints ns per call (median of 5 rounds)
 * and, as the yardstick, the latency of one dependent DRAM load on this
 * machine (pointer chase over a random cycle in 256 MiB). */
#include <dlfcn.h>
#include <errno.h>
#include <nss.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef enum nss_status (*pwnam_fn)(const char *, struct passwd *, char *,
				    size_t, int *);
typedef enum nss_status (*pwuid_fn)(uid_t, struct passwd *, char *, size_t,
				    int *);
typedef enum nss_status (*grnam_fn)(const char *, struct group *, char *,
				    size_t, int *);
typedef enum nss_status (*grgid_fn)(gid_t, struct group *, char *, size_t,
				    int *);

#define KEYLEN 32 /* fixed-width key slots: the keys stream sequentially */
#define ROUNDS 5

struct keys {
	char *names; /* n x KEYLEN, shuffled */
	char *absent; /* n x KEYLEN, names not in the cache */
	uint32_t *uids, *absent_uids;
	size_t n;
};

static volatile size_t sink;
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, so runs are comparable */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717u;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int add_key(struct keys *k, size_t *cap, const char *name,
		   unsigned long uid)
{
	if (strlen(name) >= KEYLEN - 1)
		return 0;
	if (k->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4096;
		char *nn = realloc(k->names, nc * KEYLEN);
		uint32_t *nu;

		if (!nn)
			return -ENOMEM;
		k->names = nn;
		nu = realloc(k->uids, nc * sizeof(*nu));
		if (!nu)
			return -ENOMEM;
		k->uids = nu;
		*cap = nc;
	}
	snprintf(k->names + k->n * KEYLEN, KEYLEN, "%s", name);
	k->uids[k->n++] = (uint32_t)uid;
	return 0;
}

static int read_spec(const char *path, struct keys *k)
{
	FILE *f = fopen(path, "re");
	char line[4096], name[KEYLEN];
	size_t cap = 0;
	unsigned long uid;
	int r = 0;

	if (!f)
		return -errno;
	while (r == 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "U:%31[^:]:%lu:", name, &uid) == 2)
			r = add_key(k, &cap, name, uid);
	fclose(f);
	return r;
}

/* Shuffle (Fisher-Yates) and make the absent keys: the same name with its
 * first letter changed to 'q' plus a suffix, uids far above any present. */
static int prepare(struct keys *k)
{
	char tmp[KEYLEN];
	size_t i, j;
	uint32_t t;

	for (i = k->n - 1; i > 0; i--) {
		j = rnd() % (i + 1);
		memcpy(tmp, k->names + i * KEYLEN, KEYLEN);
		memcpy(k->names + i * KEYLEN, k->names + j * KEYLEN, KEYLEN);
		memcpy(k->names + j * KEYLEN, tmp, KEYLEN);
		t = k->uids[i];
		k->uids[i] = k->uids[j];
		k->uids[j] = t;
	}
	k->absent = malloc(k->n * KEYLEN);
	k->absent_uids = malloc(k->n * sizeof(uint32_t));
	if (!k->absent || !k->absent_uids)
		return -ENOMEM;
	for (i = 0; i < k->n; i++) {
		snprintf(k->absent + i * KEYLEN, KEYLEN, "q%.*sz",
			 KEYLEN - 4, k->names + i * KEYLEN + 1);
		k->absent_uids[i] = 3000000000u + (uint32_t)(rnd() % 1000000000u);
	}
	return 0;
}

struct run {
	pwnam_fn pwnam;
	pwuid_fn pwuid;
	grnam_fn grnam;
	grgid_fn grgid;
	const struct keys *k;
	size_t calls;
	long ok, bad;
};

/* One call; which: 0 pwnam found, 1 pwuid found, 2 pwnam absent,
 * 3 pwuid absent, 4 grnam and 5 grgid of the user's private group (same
 * name, gid = uid: the keys must have one, as bench/gendata.py's do). */
static enum nss_status call(struct run *r, int which, size_t at, char *buf,
			    size_t size)
{
	const struct keys *k = r->k;
	struct passwd pw;
	struct group gr;
	int e;

	switch (which) {
	case 0: return r->pwnam(k->names + at * KEYLEN, &pw, buf, size, &e);
	case 1: return r->pwuid(k->uids[at], &pw, buf, size, &e);
	case 2: return r->pwnam(k->absent + at * KEYLEN, &pw, buf, size, &e);
	case 3: return r->pwuid(k->absent_uids[at], &pw, buf, size, &e);
	case 4: return r->grnam(k->names + at * KEYLEN, &gr, buf, size, &e);
	default: return r->grgid(k->uids[at], &gr, buf, size, &e);
	}
}

/* One timed loop of call(which). Returns ns per call. */
static double loop(struct run *r, int which)
{
	const struct keys *k = r->k;
	enum nss_status want = which == 2 || which == 3 ? NSS_STATUS_NOTFOUND
							: NSS_STATUS_SUCCESS;
	char buf[1024];
	double t0, t1;
	size_t i, at = (size_t)(rnd() % k->n);

	t0 = now_ns();
	for (i = 0; i < r->calls; i++, at = at + 1 == k->n ? 0 : at + 1) {
		enum nss_status st = call(r, which, at, buf, sizeof(buf));

		if (st == want)
			r->ok++;
		else
			r->bad++;
	}
	t1 = now_ns();
	return (t1 - t0) / (double)r->calls;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_of(struct run *r, int which)
{
	double v[ROUNDS];
	int i;

	loop(r, which); /* warm-up */
	for (i = 0; i < ROUNDS; i++)
		v[i] = loop(r, which);
	qsort(v, ROUNDS, sizeof(v[0]), cmp_d);
	return v[ROUNDS / 2];
}

/* One dependent load that misses every cache: a random single cycle over
 * 256 MiB of 64-byte lines. */
static double dram_latency(void)
{
	size_t n = (256u << 20) / 64, i, j, steps = 4000000, p = 0;
	size_t *idx = malloc(n * sizeof(size_t));
	uint64_t *mem = aligned_alloc(64, n * 64);
	double t0, t1;

	if (!idx || !mem) {
		free(idx);
		free(mem);
		return -1;
	}
	for (i = 0; i < n; i++)
		idx[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = rnd() % (i + 1);
		p = idx[i];
		idx[i] = idx[j];
		idx[j] = p;
	}
	for (i = 0; i < n; i++)
		mem[idx[i] * 8] = idx[(i + 1) % n] * 8;
	free(idx);
	p = 0;
	for (i = 0; i < steps / 4; i++)
		p = mem[p];
	t0 = now_ns();
	for (i = 0; i < steps; i++)
		p = mem[p];
	t1 = now_ns();
	free(mem);
	sink = p; /* keep the chase */
	return (t1 - t0) / (double)steps;
}

int main(int argc, char **argv)
{
	struct keys k = { 0 };
	struct run r = { 0 };
	static const char *what[6] = { "getpwnam found", "getpwuid found",
				       "getpwnam absent", "getpwuid absent",
				       "getgrnam upg", "getgrgid upg" };
	void *h;
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: nss-perf LIB SPEC [CALLS]\n");
		return 2;
	}
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "nss-perf: %s\n", dlerror());
		return 1;
	}
	*(void **)&r.pwnam = dlsym(h, "_nss_hcoop_getpwnam_r");
	*(void **)&r.pwuid = dlsym(h, "_nss_hcoop_getpwuid_r");
	*(void **)&r.grnam = dlsym(h, "_nss_hcoop_getgrnam_r");
	*(void **)&r.grgid = dlsym(h, "_nss_hcoop_getgrgid_r");
	if (!r.pwnam || !r.pwuid || !r.grnam || !r.grgid || read_spec(argv[2], &k) < 0 || k.n < 2 ||
	    prepare(&k) < 0) {
		fprintf(stderr, "nss-perf: cannot load module or keys\n");
		return 1;
	}
	r.k = &k;
	r.calls = argc > 3 ? strtoul(argv[3], NULL, 10) : 2000000;
	if (argc > 4 && strtoul(argv[4], NULL, 10) > 1 &&
	    strtoul(argv[4], NULL, 10) < k.n)
		k.n = strtoul(argv[4], NULL, 10); /* the first NKEYS of a shuffle */
	printf("keys %zu, %zu calls per round, median of %d rounds\n", k.n,
	       r.calls, ROUNDS);
	for (i = 0; i < 6; i++)
		printf("%-16s %7.1f ns/call\n", what[i], median_of(&r, i));
	printf("%-16s %7.1f ns (one dependent DRAM load)\n", "dram latency",
	       dram_latency());
	if (r.bad) {
		fprintf(stderr, "nss-perf: %ld calls gave an unexpected status\n",
			r.bad);
		return 1;
	}
	return 0;
}
