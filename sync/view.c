/* The de-duplicated view of the model: walk each kind in normalised-DN
 * order, leave out what policy.c refuses on this host (local names and
 * ids, reserved ids), and keep an entry unless its name or id is already
 * taken by one kept earlier. An entry that shares neither its name nor its id with any
 * other entry of its kind (it is in no shared set of the model) is always
 * kept and never blocks another, so only the contested entries go through
 * the hash sets; the result is exactly that of running the rule over all
 * entries, whatever order the changes came in. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sync.h"

bool hs_entry_contested(const struct hs_entry *e)
{
	return e->dup_name || e->dup_id;
}

/* Record e as left out of the view (it goes to the skip file) and log it
 * once. */
static int skip(struct hs_view *v, struct hs_entry *e, const char *why)
{
	struct hs_skip *s;

	e->dropped = true;
	hs_report(e->kind == HS_USER ? "skipping user" : "skipping group",
		  e->dn, why);
	if (v->n_skips == v->cap_skips) {
		size_t ncap = v->cap_skips ? v->cap_skips * 2 : 16;
		s = reallocarray(v->skips, ncap, sizeof(*s));
		if (!s)
			return -ENOMEM;
		v->skips = s;
		v->cap_skips = ncap;
	}
	s = &v->skips[v->n_skips];
	s->kind = e->kind;
	s->dn = e->dn;
	s->why = strdup(why);
	if (!s->why)
		return -ENOMEM;
	v->n_skips++;
	return 0;
}

/* Keep e unless its name or id is already taken by an entry earlier in
 * normalised-DN order. names/ids map to the index of the winner in out. */
static int dedup_one(struct hs_view *v, struct hs_entry *e,
		     const struct hs_entry **out, size_t *n,
		     struct hc_strmap *names, struct hc_strmap *ids)
{
	char idkey[16], why[512];
	size_t w;
	int r;

	snprintf(idkey, sizeof(idkey), "%" PRIu32, e->id);
	if (hc_strmap_get(names, e->name, &w) || hc_strmap_get(ids, idkey, &w)) {
		snprintf(why, sizeof(why),
			 "%s %.32s / %s %" PRIu32 " already used by %.300s "
			 "(the DN sorting first wins)",
			 e->kind == HS_USER ? "uid" : "cn", e->name,
			 e->kind == HS_USER ? "uidNumber" : "gidNumber", e->id,
			 out[w]->dn);
		return skip(v, e, why);
	}
	if ((r = hc_strmap_put(names, e->name, *n)) < 0 ||
	    (r = hc_strmap_put(ids, idkey, *n)) < 0)
		return r;
	e->dropped = false;
	out[(*n)++] = e;
	return 0;
}

struct dedup_ctx {
	const struct hc_config *cfg;
	const struct hc_local *local;
	struct hs_view *v;
};

static int dedup(const struct dedup_ctx *c, struct hs_list *l,
		 const struct hs_entry **out, size_t *n)
{
	struct hc_strmap names = { 0 }, ids = { 0 };
	struct hs_entry *e;
	char why[512];
	size_t i;
	int r = 0;

	*n = 0;
	for (i = 0; i < l->n && r == 0; i++) {
		e = l->v[i];
		if (hs_policy_refuse(c->cfg, c->local, e, why, sizeof(why))) {
			r = skip(c->v, e, why);
		} else if (hs_entry_contested(e)) {
			r = dedup_one(c->v, e, out, n, &names, &ids);
		} else {
			e->dropped = false;
			out[(*n)++] = e;
		}
	}
	hc_strmap_free(&names);
	hc_strmap_free(&ids);
	return r;
}

int hs_view_build(struct hs_model *m, const struct hc_config *cfg,
		  const struct hc_local *local, struct hs_view *v)
{
	struct hs_list *u = &m->list[HS_USER], *g = &m->list[HS_GROUP];
	struct dedup_ctx c = { .cfg = cfg, .local = local, .v = v };
	int r = -ENOMEM;

	memset(v, 0, sizeof(*v));
	v->m = m;
	hs_model_order(m);
	v->users = calloc(u->n + 1, sizeof(*v->users));
	v->groups = calloc(g->n + 1, sizeof(*v->groups));
	if (!v->users || !v->groups)
		goto out;
	r = dedup(&c, u, v->users, &v->n_users);
	if (r == 0)
		r = dedup(&c, g, v->groups, &v->n_groups);
out:
	if (r < 0)
		hs_view_free(v);
	return r;
}

void hs_view_free(struct hs_view *v)
{
	size_t i;

	for (i = 0; i < v->n_skips; i++)
		free(v->skips[i].why);
	free(v->skips);
	free(v->users);
	free(v->groups);
	memset(v, 0, sizeof(*v));
}
