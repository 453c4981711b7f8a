/* hc_strmap: see strmap.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

size_t hc_hash_str(const char *s)
{
	/* FNV-1a: keys are UUIDs, names and numbers written by the LDAP
	 * admins, not by anyone who gains by making them collide. */
	size_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static bool eq(const void *ctx, uintptr_t item, const void *key)
{
	const struct hc_strmap *m = ctx;

	return strcmp(m->v[item - 1].key, key) == 0;
}

int hc_strmap_put(struct hc_strmap *m, const char *key, size_t val)
{
	uint32_t h = (uint32_t)hc_hash_str(key);
	uintptr_t *hit = hc_hidx_find(&m->ix, h, eq, m, key);
	int r;

	if (hit) {
		m->v[*hit - 1].val = val;
		return 0;
	}
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 16;
		struct hc_strent *nv = reallocarray(m->v, ncap, sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		m->v = nv;
		m->cap = ncap;
	}
	if ((r = hc_hidx_reserve(&m->ix, 1)) < 0)
		return r;
	m->v[m->n].key = strdup(key);
	if (!m->v[m->n].key)
		return -ENOMEM;
	m->v[m->n].val = val;
	m->n++;
	return hc_hidx_insert(&m->ix, h, m->n); /* reserved: cannot fail */
}

bool hc_strmap_get(const struct hc_strmap *m, const char *key, size_t *val)
{
	uintptr_t *hit = hc_hidx_find(&m->ix, (uint32_t)hc_hash_str(key), eq,
				      m, key);

	if (hit && val)
		*val = m->v[*hit - 1].val;
	return hit != NULL;
}

void hc_strmap_free(struct hc_strmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].key);
	free(m->v);
	hc_hidx_free(&m->ix);
	memset(m, 0, sizeof(*m));
}
