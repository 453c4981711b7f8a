/* The member filter of the model (sync.h, struct hs_mfilter): for a name,
 * whether any group of the model may list it as a member. One byte per
 * counter, at least 8 counters per membership when built, so that a name
 * no group lists is almost always answered "no" (a "maybe" only sends the
 * change to a full write). A counter that reached 255 stays there: it can
 * no longer be counted down exactly. */
#include <errno.h>
#include <stdlib.h>

#include "sync.h"

#define MF_MIN_BITS 16
#define MF_MAX_BITS 28
#define MF_SAT 255

static uint32_t mf_slot(const struct hs_mfilter *f, const char *name)
{
	return (uint32_t)hc_hash_str(name) & f->mask;
}

void hs_mfilter_group(struct hs_mfilter *f, const struct hs_entry *g, int d)
{
	size_t i;

	if (!f->c)
		return;
	for (i = 0; i < g->nmembers; i++) {
		uint8_t *c = &f->c[mf_slot(f, g->members[i])];

		if (*c == MF_SAT)
			continue;
		if (d > 0)
			(*c)++;
		else if (*c > 0)
			(*c)--;
	}
}

int hs_mfilter_build(struct hs_model *m)
{
	const struct hs_list *l = &m->list[HS_GROUP];
	struct hs_mfilter *f = &m->mf;
	uint64_t members = 0;
	unsigned bits = MF_MIN_BITS;
	size_t i;

	if (f->c)
		return 0;
	for (i = 0; i < l->n; i++)
		members += l->v[i]->nmembers;
	while (bits < MF_MAX_BITS && ((uint64_t)1 << bits) < 8 * members)
		bits++;
	f->c = calloc((size_t)1 << bits, 1);
	if (!f->c)
		return -ENOMEM;
	f->mask = (uint32_t)(((uint64_t)1 << bits) - 1);
	for (i = 0; i < l->n; i++)
		hs_mfilter_group(f, l->v[i], +1);
	return 0;
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
