/* The in-memory set of LDAP users and groups, keyed by entryUUID, and the
 * de-duplicated view of it that becomes the cache. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sync.h"

int hs_model_put(struct hs_model *m, struct hs_entry *e)
{
	size_t i;
	int r;

	if (hs_strmap_get(&m->idx, e->key, &i)) {
		hs_entry_free(m->v[i]);
		m->v[i] = e;
		return 0;
	}
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 256;
		struct hs_entry **nv = reallocarray(m->v, ncap, sizeof(*nv));
		if (!nv)
			goto nomem;
		m->v = nv;
		m->cap = ncap;
	}
	r = hs_strmap_put(&m->idx, e->key, m->n);
	if (r < 0)
		goto nomem;
	m->v[m->n++] = e;
	return 0;
nomem:
	hs_entry_free(e);
	return -ENOMEM;
}

bool hs_model_del(struct hs_model *m, const char *key)
{
	size_t i, last;

	if (!hs_strmap_get(&m->idx, key, &i))
		return false;
	hs_strmap_del(&m->idx, key);
	hs_entry_free(m->v[i]);
	last = --m->n;
	if (i != last) {
		/* keep the array dense: the last entry fills the hole */
		m->v[i] = m->v[last];
		hs_strmap_put(&m->idx, m->v[i]->key, i); /* existing key: no alloc */
	}
	return true;
}

void hs_model_free(struct hs_model *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		hs_entry_free(m->v[i]);
	free(m->v);
	hs_strmap_free(&m->idx);
	memset(m, 0, sizeof(*m));
}

void hs_model_swap(struct hs_model *a, struct hs_model *b)
{
	struct hs_model t = *a;

	*a = *b;
	*b = t;
}

static int by_ndn(const void *a, const void *b)
{
	const struct hs_entry *x = *(const struct hs_entry *const *)a;
	const struct hs_entry *y = *(const struct hs_entry *const *)b;
	int c = strcmp(x->ndn, y->ndn);

	/* equal normalised DNs (only from odd spellings): keep it total */
	return c ? c : strcmp(x->key, y->key);
}

/* Keep e unless its name or id is already taken by an entry earlier in
 * normalised-DN order. names/ids map to the index of the winner in out. */
static int dedup_one(const struct hs_entry *e, const struct hs_entry **out,
		     size_t *n, struct hs_strmap *names, struct hs_strmap *ids)
{
	char idkey[16];
	size_t w;
	const char *what = e->kind == HS_USER ? "user" : "group";
	int r;

	snprintf(idkey, sizeof(idkey), "%" PRIu32, e->id);
	if (hs_strmap_get(names, e->name, &w) || hs_strmap_get(ids, idkey, &w)) {
		hc_warn("skipping %s %.300s: %s %.32s / %s %" PRIu32
			" already used by %.300s (the DN sorting first wins)",
			what, e->dn, e->kind == HS_USER ? "uid" : "cn",
			e->name, e->kind == HS_USER ? "uidNumber" : "gidNumber",
			e->id, out[w]->dn);
		return 0;
	}
	if ((r = hs_strmap_put(names, e->name, *n)) < 0 ||
	    (r = hs_strmap_put(ids, idkey, *n)) < 0)
		return r;
	out[(*n)++] = e;
	return 0;
}

static int dedup(const struct hs_entry **all, size_t n_all,
		 const struct hs_entry **out, size_t *n,
		 struct hs_strmap *names)
{
	struct hs_strmap ids = { 0 };
	size_t i;
	int r = 0;

	qsort(all, n_all, sizeof(*all), by_ndn);
	*n = 0;
	for (i = 0; i < n_all && r == 0; i++)
		r = dedup_one(all[i], out, n, names, &ids);
	hs_strmap_free(&ids);
	return r;
}

int hs_view_build(const struct hs_model *m, struct hs_view *v)
{
	const struct hs_entry **u = NULL, **g = NULL;
	struct hs_strmap gnames = { 0 };
	size_t i, nu = 0, ng = 0;
	int r = -ENOMEM;

	memset(v, 0, sizeof(*v));
	u = calloc(m->n + 1, sizeof(*u));
	g = calloc(m->n + 1, sizeof(*g));
	v->users = calloc(m->n + 1, sizeof(*v->users));
	v->groups = calloc(m->n + 1, sizeof(*v->groups));
	if (!u || !g || !v->users || !v->groups)
		goto out;
	for (i = 0; i < m->n; i++) {
		if (m->v[i]->kind == HS_USER)
			u[nu++] = m->v[i];
		else
			g[ng++] = m->v[i];
	}
	r = dedup(u, nu, v->users, &v->n_users, &v->user_names);
	if (r == 0)
		r = dedup(g, ng, v->groups, &v->n_groups, &gnames);
out:
	free(u);
	free(g);
	hs_strmap_free(&gnames);
	if (r < 0)
		hs_view_free(v);
	return r;
}

void hs_view_free(struct hs_view *v)
{
	free(v->users);
	free(v->groups);
	hs_strmap_free(&v->user_names);
	memset(v, 0, sizeof(*v));
}
