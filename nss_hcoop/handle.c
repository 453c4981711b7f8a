/* The process-wide cache handle.
 *
 * Lookups (hc_nss_get) take no lock and no atomic read-modify-write: each
 * thread keeps its own counted reference to the cache it last used (a
 * __thread pointer) and, on every call, only checks that it is still
 * current: the global generation (one relaxed load, bumped whenever the
 * shared handle is replaced) and the file's freshness (an atomic load of
 * its superseded flag, and at most once a second a stat: no system call
 * otherwise). Only when that check fails does the thread take the mutex,
 * get the current handle (reopening it if stale) and drop its old
 * reference.
 *
 * Lifetime: a mapping is unmapped when its last reference goes, and every
 * thread that may still read it holds one, so nothing is unmapped under a
 * reader. A superseded mapping therefore stays until every thread that
 * used it has made another lookup or exited (a pthread key destructor
 * drops the reference at thread exit): at most one retired mapping per
 * idle thread. The module is linked -z nodelete, so that destructor is
 * never left pointing into an unloaded object.
 *
 * Enumeration cursors take their own counted reference (hc_nss_acquire):
 * a walk outlives a single call and keeps the file it started on. */
#include "nss_hcoop.h"

#include <errno.h>
#include <stdlib.h>

static pthread_mutex_t cur_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hc_ref *cur; /* guarded by cur_lock; holds one reference */
static unsigned long cur_gen; /* atomic; changes whenever cur does */

static __thread struct hc_ref *t_ref; /* this thread's reference */
static __thread unsigned long t_gen;  /* cur_gen when t_ref was taken */
static pthread_key_t t_key;           /* drops t_ref at thread exit */
static pthread_once_t t_once = PTHREAD_ONCE_INIT;
static int t_key_ok;

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

/* The current handle with one more reference, and its generation. */
static int acquire_gen(struct hc_ref **out, unsigned long *gen)
{
	int e = 0;

	pthread_mutex_lock(&cur_lock);
	if (cur && hc_cache_stale(cur->c)) {
		hc_nss_release(cur);
		cur = NULL;
		__atomic_add_fetch(&cur_gen, 1, __ATOMIC_RELEASE);
	}
	if (!cur) {
		e = open_ref(&cur);
		if (e == 0)
			__atomic_add_fetch(&cur_gen, 1, __ATOMIC_RELEASE);
	}
	if (e == 0) {
		__atomic_add_fetch(&cur->refs, 1, __ATOMIC_RELAXED);
		*out = cur;
		*gen = __atomic_load_n(&cur_gen, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&cur_lock);
	return e;
}

int hc_nss_acquire(struct hc_ref **out)
{
	unsigned long gen;

	return acquire_gen(out, &gen);
}

static void thread_gone(void *ref)
{
	hc_nss_release(ref);
}

static void make_key(void)
{
	t_key_ok = pthread_key_create(&t_key, thread_gone) == 0;
}

/* Slow path: swap this thread's reference for the current one. */
static int refresh(struct hc_cache **out)
{
	struct hc_ref *nr = NULL, *old = t_ref;
	unsigned long gen = 0;
	int e;

	pthread_once(&t_once, make_key);
	e = acquire_gen(&nr, &gen);
	t_ref = e == 0 ? nr : NULL;
	t_gen = gen;
	/* without a key (never seen in practice) the reference simply
	 * lives until the process exits */
	if (t_key_ok)
		pthread_setspecific(t_key, t_ref);
	hc_nss_release(old);
	if (e < 0)
		return e;
	*out = nr->c;
	return 0;
}

int hc_nss_get(struct hc_cache **out)
{
	struct hc_ref *r = t_ref;

	if (r && t_gen == __atomic_load_n(&cur_gen, __ATOMIC_ACQUIRE) &&
	    !hc_cache_stale(r->c)) {
		*out = r->c;
		return 0;
	}
	return refresh(out);
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
