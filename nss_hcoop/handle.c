/* The process-wide cache handle.
 *
 * One shared handle (cur). A lookup counts one more reference to it with
 * one compare-and-swap and no lock (ref_cur), checks that it is still
 * fresh (hc_cache_stale: an atomic load of the file's superseded flag, and
 * at most once a second a stat), reads the mapping, and drops its
 * reference when done (hc_nss_release). Only a stale or missing cur sends
 * it to cur_lock, under which cur is replaced. The refs themselves are
 * never freed, only reused (the spare list): a lookup that read cur just
 * before it died touches memory that is still a ref, whose count, at 0,
 * it will not count back up.
 * No per-thread state, no thread-exit destructor: a thread that exits, or
 * a destructor that looks a name up while its thread exits, holds nothing
 * that can be left dangling.
 *
 * Lifetime: a mapping is unmapped when its last reference goes. cur holds
 * one; every lookup and every enumeration cursor (hc_nss_acquire) in
 * progress holds one. So a superseded mapping is unmapped as soon as the
 * lookups and walks that started on it are done, and nothing is unmapped
 * under a reader.
 *
 * fork(): another thread may hold cur_lock or an enumeration cursor's lock
 * at the moment of the fork; the child would then block forever on its
 * next lookup. pthread_atfork handlers take every lock of the module
 * before the fork (cursor locks first, the order in which lookups nest
 * them) and release them in both parent and child, so the child starts
 * with all of them free and the data they guard consistent. */
#include "nss_hcoop.h"

#include <errno.h>
#include <stdlib.h>

static pthread_mutex_t cur_lock = PTHREAD_MUTEX_INITIALIZER;
/* written under cur_lock, read by the fast path without it; holds one
 * reference */
static struct hc_ref *cur;
/* refs whose count went to 0, for reuse (guarded by cur_lock): a ref is
 * never freed, so the fast path may still touch one that just died */
static struct hc_ref *spare;

/* The last reference gone, out of line (and out of the lookups that the
 * entry points flatten): the unmap and the lock are not the fast path. */
static __attribute__((noinline, cold)) void ref_died(struct hc_ref *r)
{
	/* dead: no fast path can take it back (it never counts up from 0) */
	hc_cache_close(r->c);
	r->c = NULL;
	pthread_mutex_lock(&cur_lock);
	r->next = spare;
	spare = r;
	pthread_mutex_unlock(&cur_lock);
}

void hc_nss_release(struct hc_ref *r)
{
	if (r && __atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) == 0)
		ref_died(r);
}

/* Caller holds cur_lock. */
static int open_ref(struct hc_ref **out)
{
	struct hc_ref *r = spare;
	int e;

	if (r)
		spare = r->next;
	else if (!(r = calloc(1, sizeof(*r))))
		return -ENOMEM;
	e = hc_cache_open(HC_CACHE_DEFAULT_PATH, &r->c);
	if (e < 0) {
		r->next = spare;
		spare = r;
		if (e == -ENOMEM)
			return e;
		hc_nss_log_once(e == -EPERM ? "refusing untrusted cache (owner not "
					      "root, or group/other-writable)"
					    : "cannot use cache",
				e);
		/* a missing file is "unavailable", not "no such user" */
		return -ENOMEDIUM;
	}
	/* r->c before the count: a fast path that counts r up sees it */
	__atomic_store_n(&r->refs, 1, __ATOMIC_RELEASE);
	*out = r;
	return 0;
}

/* The fast path: one more reference to cur, without the lock (one
 * compare-and-swap, no mutex: every lookup of every thread comes through
 * here). A count already at 0 is a ref dying or spare: never counted
 * back up, so what we hold is alive; if it was reused for a newer cache
 * since we read cur, that one is as good (staleness is checked next). */
static struct hc_ref *ref_cur(void)
{
	struct hc_ref *r = __atomic_load_n(&cur, __ATOMIC_ACQUIRE);
	unsigned n;

	if (!r)
		return NULL;
	n = __atomic_load_n(&r->refs, __ATOMIC_RELAXED);
	do {
		if (n == 0)
			return NULL;
	} while (!__atomic_compare_exchange_n(&r->refs, &n, n + 1, true,
					      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
	return r;
}

/* The slow path, out of line: a stale or missing cur (r: the reference
 * the fast path took, if any), replaced under the lock. */
static __attribute__((noinline, cold)) int acquire_slow(struct hc_ref *r,
							  struct hc_ref **out)
{
	struct hc_ref *old = NULL;
	int e = 0;

	hc_nss_release(r);
	pthread_mutex_lock(&cur_lock);
	if (cur && hc_cache_stale(cur->c)) {
		old = cur;
		__atomic_store_n(&cur, NULL, __ATOMIC_RELEASE);
	}
	if (!cur && (e = open_ref(&r)) == 0)
		__atomic_store_n(&cur, r, __ATOMIC_RELEASE);
	if (e == 0) {
		__atomic_add_fetch(&cur->refs, 1, __ATOMIC_RELAXED);
		*out = cur;
	}
	pthread_mutex_unlock(&cur_lock);
	hc_nss_release(old); /* takes cur_lock when it was the last one */
	return e;
}

int hc_nss_acquire(struct hc_ref **out)
{
	struct hc_ref *r = ref_cur();

	if (r && !hc_cache_stale(r->c)) {
		*out = r;
		return 0;
	}
	return acquire_slow(r, out);
}

/* ---- fork ---- */

static void before_fork(void)
{
	pthread_mutex_lock(&hc_pw_cursor.lock);
	pthread_mutex_lock(&hc_gr_cursor.lock);
	pthread_mutex_lock(&cur_lock);
}

static void after_fork(void)
{
	pthread_mutex_unlock(&cur_lock);
	pthread_mutex_unlock(&hc_gr_cursor.lock);
	pthread_mutex_unlock(&hc_pw_cursor.lock);
}

/* At load, before any lookup can take a lock (the module is linked
 * -z nodelete, so the handlers never outlive it). */
__attribute__((constructor)) static void register_fork_handlers(void)
{
	/* without them (ENOMEM at load) a fork in the middle of another
	 * thread's lookup is as unsafe as in most libraries */
	(void)pthread_atfork(before_fork, after_fork, after_fork);
}

/* ---- enumeration cursors ---- */

struct hc_cursor hc_pw_cursor = HC_CURSOR_INIT;
struct hc_cursor hc_gr_cursor = HC_CURSOR_INIT;

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
