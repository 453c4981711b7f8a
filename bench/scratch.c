/* Per-thread result buffers for the lookup benchmark. Group buffers start
 * large (a shared group can list 10,000 members) and double on ERANGE. */
#include "bench.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SCRATCH_BUF0 (256 * 1024)
#define SCRATCH_GIDS0 1024

int bench_scratch_init(struct bench_scratch *s)
{
	memset(s, 0, sizeof(*s));
	s->buf = malloc(SCRATCH_BUF0);
	s->gids = calloc(SCRATCH_GIDS0, sizeof(gid_t));
	if (!s->buf || !s->gids) {
		bench_scratch_free(s);
		return -ENOMEM;
	}
	s->len = SCRATCH_BUF0;
	s->n_gids = SCRATCH_GIDS0;
	return 0;
}

void bench_scratch_free(struct bench_scratch *s)
{
	free(s->buf);
	free(s->gids);
	s->buf = NULL;
	s->gids = NULL;
}

int bench_scratch_grow(struct bench_scratch *s)
{
	char *p;

	if (s->len > (64u << 20))
		return -ERANGE; /* a 64 MiB entry is a bug, not a big group */
	p = realloc(s->buf, s->len * 2);
	if (!p)
		return -ENOMEM;
	s->buf = p;
	s->len *= 2;
	return 0;
}
