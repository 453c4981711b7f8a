/* nss-grperf: the cost of getgrgid_r of big groups through glibc, next to
 * the copy-bound yardstick. Not a test (nothing asserted): a measuring
 * tool for the packed member blocks (issue 13), run by tests/nss/grperf.sh
 * in a namespace whose nsswitch.conf says "group: hcoop".
 *
 *   nss-grperf CALLS GID...
 *
 * For each gid: the buffer is grown first (as glibc's getgrgid keeps its
 * own between calls), then CALLS timed calls of getgrgid_r; and, in the
 * same run, CALLS timed memcpy of the entry's packed member block (the
 * names with their NULs: what the module copies) from one buffer to
 * another, and of the whole packed entry (the member pointers and the
 * block). Prints per gid: members, block bytes, median us per
 * getgrgid_r, median us per memcpy, and the ratios. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile size_t sink;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One getgrgid_r into buf, growing it on ERANGE; the group or NULL. */
static struct group *lookup(gid_t gid, struct group *gr, char **buf,
			    size_t *len)
{
	struct group *res = NULL;
	int rc;

	while ((rc = getgrgid_r(gid, gr, *buf, *len, &res)) == ERANGE) {
		char *nb = realloc(*buf, *len * 2);

		if (!nb)
			return NULL;
		*buf = nb;
		*len *= 2;
	}
	return rc == 0 ? res : NULL;
}

/* Median us of CALLS memcpy of size bytes between two warm buffers. */
static double time_memcpy(size_t size, size_t calls, double *t)
{
	char *src = malloc(size + 1), *dst = malloc(size + 1);
	double t0, m;
	size_t i;

	if (!src || !dst)
		exit(2);
	memset(src, 'm', size + 1);
	memset(dst, 0, size + 1);
	for (i = 0; i < calls; i++) {
		t0 = now_us();
		memcpy(dst, src, size);
		sink += (size_t)dst[size / 2];
		t[i] = now_us() - t0;
		src[i % size] ^= 1; /* not hoisted out of the loop */
	}
	m = median(t, calls);
	free(src);
	free(dst);
	return m;
}

static int one(gid_t gid, size_t calls, double *t)
{
	size_t len = 1024, i, n, block = 0, entry;
	char *buf = malloc(len);
	struct group gr, *g;
	double t0, tg, tm, te;

	if (!buf || !(g = lookup(gid, &gr, &buf, &len))) {
		printf("gid %u: not found\n", (unsigned)gid);
		free(buf);
		return 1;
	}
	for (n = 0; g->gr_mem[n]; n++)
		block += strlen(g->gr_mem[n]) + 1;
	for (i = 0; i < calls; i++) {
		t0 = now_us();
		g = lookup(gid, &gr, &buf, &len);
		t[i] = now_us() - t0;
		sink += g ? (size_t)g->gr_mem : 0;
	}
	tg = median(t, calls);
	tm = time_memcpy(block, calls, t);
	entry = (n + 1) * sizeof(char *) + block;
	te = time_memcpy(entry, calls, t);
	printf("gid %u members %zu block %zu bytes: getgrgid_r %.2f us, "
	       "memcpy(block) %.2f us (ratio %.2f), memcpy(entry %zu bytes) "
	       "%.2f us (ratio %.2f)\n",
	       (unsigned)gid, n, block, tg, tm, tm > 0 ? tg / tm : 0, entry, te,
	       te > 0 ? tg / te : 0);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	size_t calls;
	double *t;
	int i, rc = 0;

	if (argc < 3 || (calls = strtoul(argv[1], NULL, 10)) == 0) {
		fprintf(stderr, "usage: nss-grperf CALLS GID...\n");
		return 2;
	}
	t = calloc(calls, sizeof(*t));
	if (!t)
		return 2;
	for (i = 2; i < argc; i++)
		rc |= one((gid_t)strtoul(argv[i], NULL, 10), calls, t);
	free(t);
	return rc;
}
