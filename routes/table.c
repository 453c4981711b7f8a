/* The routes, read from the account cache through common/'s reader: one
 * (member, host) pair per member with a valid name and host, sorted by
 * name so that the same cache always renders the same bytes. */
#include "routes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "log.h"

static int by_name(const void *a, const void *b)
{
	const struct rt_route *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* 1 when u gives a route (added), 0 when it is skipped, negative errno. */
static int add_user(struct rt_table *t, const struct hc_user *u)
{
	struct rt_route *r = &t->v[t->n];

	if (!u->host || u->host[0] == '\0') {
		t->unrouted++;
		return 0;
	}
	if (!rt_valid_label(u->name)) {
		hc_warn("skipping member '%.100s': not a valid DNS label "
			"(1-63 of a-z 0-9 -, not starting or ending with -)",
			u->name);
		t->skipped++;
		return 0;
	}
	if (!rt_valid_hostname(u->host) ||
	    rt_host_canon(u->host, r->host, sizeof(r->host)) < 0) {
		hc_warn("skipping member '%s': hcoopHost '%.100s' is not a "
			"valid host name", u->name, u->host);
		t->skipped++;
		return 0;
	}
	r->name = strdup(u->name);
	if (!r->name)
		return -ENOMEM;
	t->n++;
	return 1;
}

static int fill(struct rt_table *t, const struct hc_cache *c, uint32_t n)
{
	struct hc_user u;
	uint32_t i;
	int r;

	t->v = calloc(n ? n : 1, sizeof(*t->v));
	if (!t->v)
		return -ENOMEM;
	for (i = 0; (r = hc_cache_user_next(c, &i, &u)) != -ENOENT; i++) {
		if (r < 0)
			return r;
		r = add_user(t, &u);
		if (r < 0)
			return r;
	}
	qsort(t->v, t->n, sizeof(*t->v), by_name);
	return 0;
}

int rt_table_load(const char *path, struct rt_table *t)
{
	struct hc_cache_info info;
	struct hc_cache *c = NULL;
	int r;

	memset(t, 0, sizeof(*t));
	r = hc_cache_open(path, &c);
	if (r < 0) {
		hc_err("cannot read the cache %s: %s", path, strerror(-r));
		return r;
	}
	r = hc_cache_info(c, &info);
	if (r == 0) {
		t->generation = info.generation;
		r = fill(t, c, info.user_slots);
	}
	if (r < 0) {
		hc_err("cannot read the cache %s: %s", path, strerror(-r));
		rt_table_free(t);
	}
	hc_cache_close(c);
	return r;
}

void rt_table_free(struct rt_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	memset(t, 0, sizeof(*t));
}
