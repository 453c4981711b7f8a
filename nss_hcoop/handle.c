/* The process-wide cache handle.
 *
 * One shared handle (cur), guarded by cur_lock. A lookup takes the lock
 * only to check that cur is still fresh (hc_cache_stale: an atomic load of
 * the file's superseded flag, and at most once a second a stat), to reopen
 * it if not, and to count one more reference; it reads the mapping with
 * the lock released and drops its reference when done (hc_nss_release).
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
		hc_nss_log_once(e == -EPERM ? "refusing untrusted cache (owner not "
					      "root, or group/other-writable)"
					    : "cannot use cache",
				e);
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
