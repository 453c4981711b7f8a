/* The copy-bound reference of the group-size classes (issue 13): memcpy of
 * as many bytes as a group's member names take back to back, from one
 * buffer into the caller's scratch buffer, timed like any lookup. A
 * getgrgid must copy at least this much, so nss_hcoop's time over this one
 * is what the lookup costs beyond the copy itself. Measured with the same
 * harness, in the same run, as the lookups it is compared with. */
#include "bench.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char *copy_src;
static size_t copy_len;

static long op_memcpy(struct bench_scratch *s, const struct bench_keys *k,
		      size_t i)
{
	(void)k;
	(void)i;
	while (s->len < copy_len)
		if (bench_scratch_grow(s) < 0) {
			s->missing++;
			return 0;
		}
	memcpy(s->buf, copy_src, copy_len);
	/* the copy must happen: the compiler may not drop it as dead */
	__asm__ volatile("" : : "r"(s->buf) : "memory");
	s->found++;
	return 1;
}

static const struct bench_op copy_op = {"memcpy", op_memcpy, 'G', 0};

const struct bench_op *bench_copy_op(size_t bytes)
{
	if (bytes == 0 || bytes > (64u << 20))
		return NULL;
	free(copy_src);
	copy_src = malloc(bytes);
	if (!copy_src)
		return NULL;
	/* names-like content: "m0000001\0m0000002\0..." */
	for (size_t i = 0; i < bytes; i++)
		copy_src[i] = i % 9 == 8 ? '\0' : (char)('0' + i % 9);
	copy_len = bytes;
	return &copy_op;
}
