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

static size_t slot_of(const struct hc_strmap *m, const char *key)
{
	size_t i = hc_hash_str(key) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static int grow(struct hc_strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64, i;
	struct hc_strmap n = { 0 };

	n.keys = calloc(ncap, sizeof(*n.keys));
	n.vals = calloc(ncap, sizeof(*n.vals));
	if (!n.keys || !n.vals) {
		free(n.keys);
		free(n.vals);
		return -ENOMEM;
	}
	n.cap = ncap;
	for (i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = slot_of(&n, m->keys[i]);
		n.keys[j] = m->keys[i];
		n.vals[j] = m->vals[i];
	}
	n.n = m->n;
	free(m->keys);
	free(m->vals);
	*m = n;
	return 0;
}

int hc_strmap_put(struct hc_strmap *m, const char *key, size_t val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		int r = grow(m);
		if (r < 0)
			return r;
	}
	i = slot_of(m, key);
	if (!m->keys[i]) {
		m->keys[i] = strdup(key);
		if (!m->keys[i])
			return -ENOMEM;
		m->n++;
	}
	m->vals[i] = val;
	return 0;
}

bool hc_strmap_get(const struct hc_strmap *m, const char *key, size_t *val)
{
	size_t i;

	if (!m->cap)
		return false;
	i = slot_of(m, key);
	if (!m->keys[i])
		return false;
	if (val)
		*val = m->vals[i];
	return true;
}

void hc_strmap_free(struct hc_strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
