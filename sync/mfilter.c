/* The member filter (sync.h, struct hs_mfilter): for a name, whether any
 * group the cache serves may list it as a member. One byte per counter,
 * at least 8 counters per membership when built, so that a name no group
 * lists is almost always answered "no" (a "maybe" only costs the delta
 * path one pass over the member blocks). A counter that reached 255 stays
 * there: it can no longer be counted down exactly. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "strmap.h"
#include "sync.h"

#define MF_MIN_BITS 16
#define MF_MAX_BITS 28
#define MF_SAT 255

static uint32_t mf_slot(const struct hs_mfilter *f, const char *name)
{
	return (uint32_t)hc_hash_str(name) & f->mask;
}

static void count(struct hs_mfilter *f, const char *name, int d)
{
	uint8_t *c = &f->c[mf_slot(f, name)];

	if (*c == MF_SAT)
		return;
	if (d > 0)
		(*c)++;
	else if (*c > 0)
		(*c)--;
}

void hs_mfilter_names(struct hs_mfilter *f, char *const *names, size_t n,
		      int d)
{
	size_t i;

	if (!f->c)
		return;
	for (i = 0; i < n; i++)
		count(f, names[i], d);
}

/* Every member of every group c serves, counted in (f built) or only
 * counted (*members). */
static int walk(struct hs_mfilter *f, const struct hc_cache *c,
		uint64_t *members)
{
	struct hc_member_iter it;
	struct hc_group g;
	const char *m;
	size_t len;
	uint32_t i = 0;
	int r;

	for (;; i++) {
		if ((r = hc_cache_group_next(c, &i, &g)) == -ENOENT)
			break;
		if (r < 0)
			return r;
		hc_cache_walk_step(c, i);
		*members += g.nmembers;
		if (!f->c || g.nmembers == 0)
			continue;
		hc_member_iter_init(&it, &g);
		while ((r = hc_member_next(&it, &m, &len)) > 0)
			count(f, m, +1);
		if (r < 0)
			return r;
	}
	hc_cache_release(c);
	return 0;
}

int hs_mfilter_build(struct hs_mfilter *f, const struct hc_cache *c)
{
	uint64_t members = 0;
	unsigned bits = MF_MIN_BITS;
	int r;

	if (f->c)
		return 0;
	if ((r = walk(f, c, &members)) < 0)
		return r;
	while (bits < MF_MAX_BITS && ((uint64_t)1 << bits) < 8 * members)
		bits++;
	f->c = calloc((size_t)1 << bits, 1);
	if (!f->c)
		return -ENOMEM;
	f->mask = (uint32_t)(((uint64_t)1 << bits) - 1);
	if ((r = walk(f, c, &members)) < 0)
		hs_mfilter_free(f);
	return r;
}

bool hs_mfilter_maybe(const struct hs_mfilter *f, const char *name)
{
	return !f->c || f->c[mf_slot(f, name)] != 0;
}

void hs_mfilter_free(struct hs_mfilter *f)
{
	free(f->c);
	f->c = NULL;
	f->mask = 0;
}
