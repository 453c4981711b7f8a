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

/* ---- the sets of entries sharing a name or an id ---- */

static bool *flag_of(struct hs_entry *e, bool by_name)
{
	return by_name ? &e->dup_name : &e->dup_id;
}

static bool same_value(const struct hs_entry *x, const struct hs_entry *y,
		       bool by_name)
{
	return by_name ? strcmp(x->name, y->name) == 0 : x->id == y->id;
}

/* A set with room for what linking e will need once old (NULL, or the
 * entry e replaces, still linked) is gone, so that link_entry cannot
 * fail; *out NULL when none is needed. */
static int spare_for(const struct hs_index *ix, const struct hs_entry *e,
		     const struct hs_entry *old, bool by_name,
		     struct hs_dup **out)
{
	uintptr_t *slot = hs_index_slot(ix, e);
	const struct hs_dup *d = NULL;
	size_t n = 0, cap;

	*out = NULL;
	if (slot) {
		d = *slot & HS_DUP_TAG ? (const struct hs_dup *)(*slot & ~HS_DUP_TAG)
				       : NULL;
		n = d ? d->n : 1;
	}
	if (old && n && same_value(old, e, by_name))
		n--;
	/* none yet, or a set that stays and has room */
	if (n == 0 || (d && n >= 2 && n < d->cap))
		return 0;
	cap = n + 1 < 4 ? 4 : 2 * n;
	*out = malloc(sizeof(**out) + cap * sizeof((*out)->v[0]));
	if (!*out)
		return -ENOMEM;
	(*out)->n = 0;
	(*out)->cap = cap;
	return 0;
}

/* After hs_index_reserve(ix, 1) and spare_for: cannot fail. */
static void link_entry(struct hs_index *ix, struct hs_entry *e, bool by_name,
		       struct hs_dup **spare)
{
	uintptr_t *slot = hs_index_slot(ix, e);
	struct hs_dup *d, *nd;

	*flag_of(e, by_name) = false;
	if (!slot) {
		hs_index_set(ix, e);
		return;
	}
	if (!(*slot & HS_DUP_TAG)) {
		struct hs_entry *h = (struct hs_entry *)*slot;
		d = *spare;
		*spare = NULL;
		d->v[0] = h;
		d->n = 1;
		*flag_of(h, by_name) = true;
		*slot = (uintptr_t)d | HS_DUP_TAG;
	}
	d = (struct hs_dup *)(*slot & ~HS_DUP_TAG);
	if (d->n == d->cap) {
		nd = *spare;
		*spare = NULL;
		memcpy(nd->v, d->v, d->n * sizeof(d->v[0]));
		nd->n = d->n;
		free(d);
		d = nd;
		*slot = (uintptr_t)d | HS_DUP_TAG;
	}
	d->v[d->n++] = e;
	*flag_of(e, by_name) = true;
}

static void unlink_entry(struct hs_index *ix, struct hs_entry *e, bool by_name)
{
	uintptr_t *slot = hs_index_slot(ix, e);
	struct hs_dup *d;
	size_t i;

	*flag_of(e, by_name) = false;
	if (!slot)
		return;
	if (!(*slot & HS_DUP_TAG)) {
		if ((struct hs_entry *)*slot == e)
			hs_index_del(ix, e);
		return;
	}
	d = (struct hs_dup *)(*slot & ~HS_DUP_TAG);
	for (i = 0; i < d->n && d->v[i] != e; i++)
		;
	if (i == d->n)
		return;
	memmove(d->v + i, d->v + i + 1, (d->n - i - 1) * sizeof(d->v[0]));
	if (--d->n == 1) { /* shared no more */
		*flag_of(d->v[0], by_name) = false;
		*slot = (uintptr_t)d->v[0];
		free(d);
	}
}

static void remove_entry(struct hs_model *m, struct hs_entry *e)
{
	hs_index_del(&m->keys, e);
	if (e->why) {
		list_remove(&m->rejected, e);
		hs_entry_free(e);
		return;
	}
	unlink_entry(&m->names[e->kind], e, true);
	unlink_entry(&m->ids[e->kind], e, false);
	list_remove(&m->list[e->kind], e);
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
	const struct hs_entry *vold;
	struct hs_dup *sn = NULL, *si = NULL;
	int k = e->kind;

	if (e->why)
		return put_rejected(m, e, old);
	/* (a rejected old one is in no set) */
	vold = old && !old->why && old->kind == e->kind ? old : NULL;
	/* all room first, so the entry is linked everywhere or nowhere */
	if (hs_index_reserve(&m->keys, 1) < 0 ||
	    hs_index_reserve(&m->names[k], 1) < 0 ||
	    hs_index_reserve(&m->ids[k], 1) < 0 ||
	    list_reserve(&m->list[k]) < 0 ||
	    spare_for(&m->names[k], e, vold, true, &sn) < 0 ||
	    spare_for(&m->ids[k], e, vold, false, &si) < 0) {
		free(sn);
		hs_entry_free(e);
		return -ENOMEM;
	}
	if (old)
		remove_entry(m, old);
	hs_index_set(&m->keys, e);
	link_entry(&m->names[k], e, true, &sn);
	link_entry(&m->ids[k], e, false, &si);
	free(sn);
	free(si);
	list_insert(&m->list[k], e);
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
	hs_model_init(m);
}
