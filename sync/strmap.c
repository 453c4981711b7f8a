/* A small open-addressing hash map from strings to indexes: the model's
 * entryUUID index and the de-duplication sets. Linear probing, deletion by
 * backward shift (no tombstones), load factor kept under 1/2. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"

size_t hs_hash_str(const char *s)
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

static size_t slot_of(const struct hs_strmap *m, const char *key)
{
	size_t i = hs_hash_str(key) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static int grow(struct hs_strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64, i;
	struct hs_strmap n = { 0 };

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

int hs_strmap_put(struct hs_strmap *m, const char *key, size_t val)
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

bool hs_strmap_get(const struct hs_strmap *m, const char *key, size_t *val)
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

void hs_strmap_del(struct hs_strmap *m, const char *key)
{
	size_t i, j, k, mask = m->cap - 1;

	if (!m->cap)
		return;
	i = slot_of(m, key);
	if (!m->keys[i])
		return;
	free(m->keys[i]);
	m->keys[i] = NULL;
	m->n--;
	/* backward shift: move later members of the probe run into the hole
	 * when their home slot does not lie cyclically in (i, j]. */
	for (j = (i + 1) & mask; m->keys[j]; j = (j + 1) & mask) {
		k = hs_hash_str(m->keys[j]) & mask;
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		m->keys[i] = m->keys[j];
		m->vals[i] = m->vals[j];
		m->keys[j] = NULL;
		i = j;
	}
}

void hs_strmap_free(struct hs_strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
