/* The process-wide cache handle. A lookup takes the mutex only long enough
 * to check freshness (an atomic load of the superseded flag, and at most
 * once a second a stat: no system call otherwise) and take a reference;
 * the lookup itself runs unlocked. The last reference unmaps. */
#include "nss_hcoop.h"

#include <errno.h>
#include <stdlib.h>

static pthread_mutex_t cur_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hc_ref *cur; /* guarded by cur_lock; holds one reference */

void hc_nss_release(struct hc_ref *r)
{
	if (!r)
		return;
	if (__atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		hc_cache_close(r->c);
		free(r);
	}
}

static int open_ref(struct hc_ref **out)
{
	struct hc_ref *r = calloc(1, sizeof(*r));
	int e;

	if (!r)
		return -ENOMEM;
	e = hc_cache_open(HC_CACHE_DEFAULT_PATH, &r->c);
	if (e < 0) {
		free(r);
		if (e == -ENOMEM)
			return e;
		hc_nss_log_once("cannot use cache", e);
		/* a missing file is "unavailable", not "no such user" */
		return -ENOMEDIUM;
	}
	r->refs = 1;
	*out = r;
	return 0;
}

int hc_nss_acquire(struct hc_ref **out)
{
	int e = 0;

	pthread_mutex_lock(&cur_lock);
	if (cur && hc_cache_stale(cur->c)) {
		hc_nss_release(cur);
		cur = NULL;
	}
	if (!cur)
		e = open_ref(&cur);
	if (e == 0) {
		__atomic_add_fetch(&cur->refs, 1, __ATOMIC_RELAXED);
		*out = cur;
	}
	pthread_mutex_unlock(&cur_lock);
	return e;
}

void hc_cursor_reset(struct hc_cursor *cur_)
{
	hc_nss_release(cur_->ref);
	cur_->ref = NULL;
	cur_->next = 0;
}

/* Start (or keep) a walk: a walk in progress keeps its own file. */
int hc_cursor_begin(struct hc_cursor *cur_)
{
	if (cur_->ref)
		return 0;
	cur_->next = 0;
	return hc_nss_acquire(&cur_->ref);
}
