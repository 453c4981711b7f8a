/* The in-memory set of LDAP users and groups, keyed by kind + entryUUID,
 * kept ready for the de-duplicated view that becomes the cache: per kind
 * the entries in normalised-DN order, and chains of entries sharing a name
 * or an id. A change costs a hash update, a binary search and one memmove of
 * pointers, not a sort of everything. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"

void hs_model_init(struct hs_model *m)
{
	memset(m, 0, sizeof(*m));
	m->keys.field = HS_BY_KEY;
	m->names[HS_USER].field = m->names[HS_GROUP].field = HS_BY_NAME;
	m->ids[HS_USER].field = m->ids[HS_GROUP].field = HS_BY_ID;
}

/* The view's order: normalised DN, then key (equal normalised DNs come
 * only from odd spellings; this keeps the order total). The normalised DN
 * is all lower case, so comparing it or the DN it was left out for (pack
 * in entry.c) without case is its byte order. */
static int cmp_entry(const struct hs_entry *x, const struct hs_entry *y)
{
	int c = hs_ascii_casecmp(hs_entry_order(x), hs_entry_order(y));

	return c ? c : strcmp(x->key, y->key);
}

static int by_ndn(const void *a, const void *b)
{
	return cmp_entry(*(const struct hs_entry *const *)a,
			 *(const struct hs_entry *const *)b);
}

void hs_model_order(struct hs_model *m)
{
	int k;

	for (k = 0; k < 2; k++) {
		struct hs_list *l = &m->list[k];
		if (!l->sorted && l->n > 1)
			qsort(l->v, l->n, sizeof(*l->v), by_ndn);
		l->sorted = true;
	}
}

/* First position in a sorted list whose entry does not sort before e. */
static size_t lower_bound(const struct hs_list *l, const struct hs_entry *e)
{
	size_t lo = 0, hi = l->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cmp_entry(l->v[mid], e) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int list_reserve(struct hs_list *l)
{
	size_t ncap;
	struct hs_entry **nv;

	if (l->n < l->cap)
		return 0;
	ncap = l->cap ? l->cap * 2 : 256;
	nv = reallocarray(l->v, ncap, sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	l->v = nv;
	l->cap = ncap;
	return 0;
}

/* After list_reserve: cannot fail. While bulk loading (a refresh) the
 * list is unsorted and hs_view_build sorts it once. */
static void list_insert(struct hs_list *l, struct hs_entry *e)
{
	size_t i = l->sorted ? lower_bound(l, e) : l->n;

	memmove(l->v + i + 1, l->v + i, (l->n - i) * sizeof(*l->v));
	l->v[i] = e;
	l->n++;
}

static void list_remove(struct hs_list *l, const struct hs_entry *e)
{
	size_t i = l->sorted ? lower_bound(l, e) : 0;

	while (i < l->n && l->v[i] != e) /* unsorted: only during a refresh */
		i++;
	if (i == l->n)
		return;
	memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof(*l->v));
	l->n--;
}

static struct hs_entry **prev_of(struct hs_entry *e, bool by_name)
{
	return by_name ? &e->name_prev : &e->id_prev;
}

static struct hs_entry **next_of(struct hs_entry *e, bool by_name)
{
	return by_name ? &e->name_next : &e->id_next;
}

/* After hs_index_reserve(ix, 1): cannot fail. e becomes the head. */
static void chain_link(struct hs_index *ix, struct hs_entry *e, bool by_name)
{
	struct hs_entry *head = hs_index_find(ix, e->name, e->id);

	*prev_of(e, by_name) = NULL;
	*next_of(e, by_name) = head;
	if (head)
		*prev_of(head, by_name) = e;
	hs_index_set(ix, e);
}

static void chain_unlink(struct hs_index *ix, struct hs_entry *e,
			 bool by_name)
{
	struct hs_entry *p = *prev_of(e, by_name), *n = *next_of(e, by_name);

	if (p)
		*next_of(p, by_name) = n;
	else if (n)
		hs_index_set(ix, n); /* replaces e's slot: cannot fail */
	else
		hs_index_del(ix, e);
	if (n)
		*prev_of(n, by_name) = p;
	*prev_of(e, by_name) = *next_of(e, by_name) = NULL;
}

static void remove_entry(struct hs_model *m, struct hs_entry *e)
{
	hs_index_del(&m->keys, e);
	if (e->why) {
		list_remove(&m->rejected, e);
		hs_entry_free(e);
		return;
	}
	chain_unlink(&m->names[e->kind], e, true);
	chain_unlink(&m->ids[e->kind], e, false);
	list_remove(&m->list[e->kind], e);
	if (e->kind == HS_GROUP)
		hs_mfilter_group(&m->mf, e, -1);
	m->n--;
	hs_entry_free(e);
}

/* A rejected entry is only in the key index (so that it replaces, and is
 * replaced by, other versions of its entry) and in the unsorted rejected
 * list the skip file is made from. */
static int put_rejected(struct hs_model *m, struct hs_entry *e,
			struct hs_entry *old)
{
	if (hs_index_reserve(&m->keys, 1) < 0 ||
	    list_reserve(&m->rejected) < 0) {
		hs_entry_free(e);
		return -ENOMEM;
	}
	if (old)
		remove_entry(m, old);
	hs_index_set(&m->keys, e);
	list_insert(&m->rejected, e);
	return 0;
}

int hs_model_put(struct hs_model *m, struct hs_entry *e)
{
	struct hs_entry *old = hs_index_find(&m->keys, e->key, 0);
	int k = e->kind;

	if (e->why)
		return put_rejected(m, e, old);
	/* all room first, so the entry is linked everywhere or nowhere */
	if (hs_index_reserve(&m->keys, 1) < 0 ||
	    hs_index_reserve(&m->names[k], 1) < 0 ||
	    hs_index_reserve(&m->ids[k], 1) < 0 ||
	    list_reserve(&m->list[k]) < 0) {
		hs_entry_free(e);
		return -ENOMEM;
	}
	if (old)
		remove_entry(m, old);
	hs_index_set(&m->keys, e);
	chain_link(&m->names[k], e, true);
	chain_link(&m->ids[k], e, false);
	list_insert(&m->list[k], e);
	if (k == HS_GROUP)
		hs_mfilter_group(&m->mf, e, +1);
	m->n++;
	return 0;
}

bool hs_model_del(struct hs_model *m, enum hs_kind kind, const char *id)
{
	char key[HS_KEY_MAX];
	struct hs_entry *e;

	if (hs_entry_key(kind, id, key, sizeof(key)) < 0)
		return false;
	e = hs_index_find(&m->keys, key, 0);
	if (!e)
		return false;
	remove_entry(m, e);
	return true;
}

void hs_model_free(struct hs_model *m)
{
	size_t i;
	int k;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < m->list[k].n; i++)
			hs_entry_free(m->list[k].v[i]);
		free(m->list[k].v);
		hs_index_free(&m->names[k]);
		hs_index_free(&m->ids[k]);
	}
	for (i = 0; i < m->rejected.n; i++)
		hs_entry_free(m->rejected.v[i]);
	free(m->rejected.v);
	hs_index_free(&m->keys);
	hs_mfilter_free(&m->mf);
	hs_model_init(m);
}
