/* nss-split: hc_members_split and hc_member_next (common/cache_reader.c,
 * the two walks of a packed member block) against a byte-by-byte
 * reference of the format's rule (cache_format.h, GROUP_DATA): exactly
 * nmembers names, each NUL-terminated, at most HC_MAX_NAME bytes, the
 * last byte of the block NUL.
 *
 *   nss-split [ROUNDS]
 *
 * First the cases at the edges of the 64-byte chunks the split works in
 * (names of 0, 1, 63, 64, 65, 254, 255 and 256 bytes, ending on, before
 * and after a chunk boundary; blocks of 1 to 200 bytes; counts one off
 * either way and half the count), then ROUNDS random blocks (default
 * 50,000). Every verdict and every name pointer must match the
 * reference, the copy must hold the block's bytes, and the split must
 * never write past the nmembers + 1 pointers or the copy's len bytes
 * (a guard follows each). Built four times (tests/nss/module.mk:
 * nss-split, nss-split-v3, nss-split-base, nss-split-swar), one per
 * variant of the pass, so each is tested here; the last line names the
 * variant that ran (hc_members_split_variant). Exit 0, or 1 with the first
 * mismatch on stderr. */
#include "cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NAME 255
#define GUARD 128

static unsigned long checked;

/* The rule, one byte at a time: 0 and the name starts, or -1. */
static int reference(const char *b, size_t len, uint32_t n, size_t *starts)
{
	size_t i, st = 0;
	uint32_t got = 0;

	if (len == 0)
		return n == 0 ? 0 : -1;
	if (b[len - 1] != 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (b[i] != 0)
			continue;
		if (i - st > MAX_NAME || got == n)
			return -1;
		starts[got++] = st;
		st = i + 1;
	}
	return got == n ? 0 : -1;
}

/* Both walks of b against the reference; 0 when they agree. */
static int check(const char *b, size_t len, uint32_t n)
{
	size_t *starts = malloc(((size_t)n + 1) * sizeof(*starts)), i, nl;
	/* the n + 1 pointers the caller has, then a guard the split must
	 * never write (it stops at the first name past n) */
	char **mem = malloc(((size_t)n + 1 + GUARD) * sizeof(*mem));
	char *copy = malloc(len + 1);
	struct hc_group g = { .nmembers = n, .members = len ? b : NULL,
			      .members_len = (uint32_t)len };
	struct hc_member_iter it;
	const char *name;
	int want, got, r = 0, bad = 0;

	if (!starts || !mem || !copy)
		exit(2);
	for (i = 0; i < GUARD; i++)
		mem[n + 1 + i] = (char *)&checked;
	copy[len] = 'G'; /* a guard the copy must never write */
	want = reference(b, len, n, starts);
	got = hc_members_split(len ? copy : NULL, len ? b : NULL, len, n, mem);
	if (copy[len] != 'G' || (want == 0 && len > 0 && memcmp(copy, b, len) != 0))
		bad = 1; /* the copy is not the block's bytes, or ran past it */
	if ((got == 0) != (want == 0))
		bad = 1;
	for (i = 0; i < GUARD; i++)
		if (mem[n + 1 + i] != (char *)&checked)
			bad = 1; /* wrote past the caller's array */
	for (i = 0; !bad && want == 0 && i < n; i++)
		bad = mem[i] != copy + starts[i];
	if (!bad && want == 0 && mem[n] != NULL)
		bad = 1;
	hc_member_iter_init(&it, &g);
	for (i = 0; !bad && (r = hc_member_next(&it, &name, &nl)) > 0; i++)
		bad = want != 0 ? 0 : (i >= n || name != b + starts[i] ||
				       strlen(name) != nl);
	if (!bad && (r == 0) != (want == 0))
		bad = 1;
	if (bad)
		fprintf(stderr, "nss-split: block of %zu bytes, %u names: reference %d, "
				"split %d\n", len, n, want, got);
	checked++;
	free(starts);
	free(mem);
	free(copy);
	return bad;
}

static uint32_t count_nuls(const char *b, size_t len)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += b[i] == 0;
	return n;
}

/* The block, with its count, the counts one off, and half its count
 * (names well past the count: the split must stop at the first). */
static int check_counts(const char *b, size_t len)
{
	uint32_t n = count_nuls(b, len);

	return check(b, len, n) | check(b, len, n + 1) |
	       (n ? check(b, len, n - 1) : 0) | (n > 3 ? check(b, len, n / 2) : 0);
}

/* Names of these lengths back to back, the first after a prefix of pre
 * one-byte names: every name length at every offset of a chunk. */
static int edges(void)
{
	static const size_t lens[] = { 0, 1, 7, 8, 9, 62, 63, 64, 65, 127, 128,
				       200, 254, 255, 256, 300 };
	char b[4096];
	size_t pre, i, j, len;
	int bad = 0;

	for (pre = 0; pre < 70; pre++)
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
			for (j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
				len = 0;
				memset(b, 0, sizeof(b));
				for (; len < 2 * pre; len += 2)
					b[len] = 'p';
				memset(b + len, 'a', lens[i]);
				len += lens[i] + 1;
				memset(b + len, 'b', lens[j]);
				len += lens[j] + 1;
				bad |= check_counts(b, len);
				bad |= check_counts(b, len - 1); /* no final NUL */
			}
	for (len = 1; len <= 200; len++) { /* all NULs: len empty names */
		memset(b, 0, len);
		bad |= check_counts(b, len);
	}
	bad |= check(NULL, 0, 0) | check(NULL, 0, 1);
	return bad;
}

static int random_blocks(unsigned long rounds)
{
	char b[2048];
	unsigned long k;
	size_t len, i;
	int bad = 0;

	srand(13);
	for (k = 0; k < rounds && !bad; k++) {
		int nulpct = 1 + rand() % 40;

		len = 1 + (size_t)rand() % sizeof(b);
		for (i = 0; i < len; i++) {
			int x = rand() % 100;

			b[i] = x < nulpct ? 0 : x % 3 ? (char)('a' + x % 26) : (char)(x * 7 + 1);
			if (b[i] == 0 && x >= nulpct)
				b[i] = 'z';
		}
		if (rand() % 4)
			b[len - 1] = 0;
		bad |= check_counts(b, len);
	}
	return bad;
}

int main(int argc, char **argv)
{
	unsigned long rounds = argc > 1 ? strtoul(argv[1], NULL, 10) : 50000;
	int bad = edges() || random_blocks(rounds);

	printf("%lu blocks checked: %s (%s)\n", checked, bad ? "MISMATCH" : "all agree",
	       hc_members_split_variant());
	return bad;
}
