/* libFuzzer target for the cache reader: the input is a whole cache file.
 * Open it, then walk every API entry over what it claims to hold. Any
 * crash, hang, out-of-bounds read or UB is a finding, and so is one input
 * whose walk takes more than HC_FUZZ_MAX_MS of CPU time (a hang detector
 * far below libFuzzer's own -timeout: every string the reader returns is
 * bounded, so no input needs long); error returns are fine. Built with
 * clang -fsanitize=fuzzer,address,undefined. Needs root: the reader
 * refuses a file not owned by root.
 *
 * Delta files (format v5): with HC_FUZZ_PAIR naming a directory that holds
 * a valid main file "cache" of generation 1 (tests/fuzz/run.sh makes it),
 * an input whose header claims a base_generation (bytes 64..71 not all 0)
 * is written as "cache.delta" beside it instead, and the pair walked. */
#include "cache.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HC_FUZZ_MAX_MS 50.0

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char delta_dir[64]; /* "": no delta mode */

/* SSH keys (format v4): every key read in full */
static void walk_keys(struct hc_cache *c, const struct hc_user *u)
{
	const char *k;
	size_t len;
	uint32_t i, n;

	if (hc_cache_user_nkeys(c, u, &n) < 0)
		return;
	for (i = 0; i < n + 1 && i < 64; i++)
		if (hc_cache_user_key(c, u, i, &k, &len) < 0 || strlen(k) != len)
			break;
}

static void walk_user(struct hc_cache *c, const struct hc_user *u)
{
	struct hc_user v;
	uint32_t i, gid;

	hc_cache_user_byname(c, u->name, &v);
	hc_cache_user_byuid(c, u->uid, &v);
	for (i = 0; i < u->ngroups && i < 64; i++)
		if (hc_cache_user_group(c, u, i, &gid) < 0)
			break;
	hc_cache_user_in_group(c, u, "staff");
	hc_cache_user_in_group(c, u, u->name);
	walk_keys(c, u);
}

/* The packed member block (format v5): walked with the iterator, and a
 * copy split as getgrnam_r splits it; both must give the same verdict
 * and the same names. By index only for the first few (O(i) each). */
static void walk_members(struct hc_cache *c, const struct hc_group *g)
{
	struct hc_member_iter it;
	char *copy = NULL, **mem = NULL;
	const char *m;
	uint32_t i = 0;
	size_t len;
	int r, s = -1;

	if (g->members_len > 0 && !(copy = malloc(g->members_len)))
		return;
	mem = calloc((size_t)g->nmembers + 1, sizeof(*mem));
	if (mem) {
		s = hc_members_split(copy, g->members, g->members_len, g->nmembers, mem);
	}
	hc_member_iter_init(&it, g);
	while ((r = hc_member_next(&it, &m, &len)) > 0) {
		if (strlen(m) != len || len > 255 ||
		    (s == 0 && strcmp(mem[i], m) != 0))
			abort();
		i++;
	}
	if (mem && (r == 0) != (s == 0))
		abort(); /* the two walks disagree on the block */
	for (i = 0; i < g->nmembers && i < 8; i++)
		if (hc_cache_group_member(c, g, i, &m) < 0 || strlen(m) > 255)
			break;
	free(mem);
	free(copy);
}

static void walk_group(struct hc_cache *c, const struct hc_group *g)
{
	struct hc_group h;

	hc_cache_group_byname(c, g->name, &h);
	hc_cache_group_bygid(c, g->gid, &h);
	walk_members(c, g);
}

static void walk(struct hc_cache *c)
{
	struct hc_cache_info info;
	struct hc_user u;
	struct hc_group g;
	uint32_t i;

	if (hc_cache_info(c, &info) < 0)
		return;
	hc_cache_superseded(c);
	for (i = 0; i < info.user_slots && i < 64; i++)
		if (hc_cache_user_at(c, i, &u) == 0)
			walk_user(c, &u);
	for (i = 0; i < info.group_slots && i < 64; i++)
		if (hc_cache_group_at(c, i, &g) == 0)
			walk_group(c, &g);
	hc_cache_user_byname(c, "alice", &u);
	hc_cache_user_byname(c, "nosuch", &u);
	hc_cache_user_byuid(c, 10001, &u);
	hc_cache_group_byname(c, "staff", &g);
	hc_cache_group_bygid(c, 5000, &g);
}

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void delta_setup(void)
{
	const char *dir = getenv("HC_FUZZ_PAIR");

	if (dir && !delta_dir[0] && strlen(dir) < 48)
		snprintf(delta_dir, sizeof(delta_dir), "%s", dir);
}

static bool is_delta(const uint8_t *data, size_t size)
{
	static const uint8_t zero[8];

	return delta_dir[0] && size >= 72 && memcmp(data + 64, zero, 8) != 0;
}

/* The input as the delta beside the main copy; the main file's path. */
static int write_delta(const uint8_t *data, size_t size, char *path,
		       size_t len)
{
	char dpath[96];
	FILE *f;

	snprintf(dpath, sizeof(dpath), "%s/cache.delta", delta_dir);
	f = fopen(dpath, "w");
	if (!f)
		return -1;
	if (fwrite(data, 1, size, f) != size) {
		fclose(f);
		return -1;
	}
	fclose(f);
	snprintf(path, len, "%s/cache", delta_dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[96];
	struct hc_cache *c;
	double t0;

	if (memfd < 0) {
		memfd = memfd_create("fuzz-cache", MFD_CLOEXEC);
		/* a memfd is created 0777: make it what the reader accepts */
		if (memfd < 0 || fchmod(memfd, 0644) < 0 || geteuid() != 0) {
			fprintf(stderr, "fuzz-cache: needs root (the reader refuses "
					"files not owned by root)\n");
			abort();
		}
	}
	delta_setup();
	if (is_delta(data, size)) {
		if (write_delta(data, size, path, sizeof(path)) < 0)
			abort();
	} else {
		if (ftruncate(memfd, 0) < 0 ||
		    pwrite(memfd, data, size, 0) != (ssize_t)size)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	}
	t0 = cpu_ms();
	if (hc_cache_open(path, &c) == 0) {
		walk(c);
		hc_cache_close(c);
	}
	if (cpu_ms() - t0 > HC_FUZZ_MAX_MS) {
		fprintf(stderr, "fuzz-cache: one input took %.0f ms (limit %.0f)\n",
			cpu_ms() - t0, HC_FUZZ_MAX_MS);
		abort();
	}
	return 0;
}
