/* The one mapping from internal results to NSS status codes, and the
 * once-per-process log of an unusable cache. */
#include "nss_hcoop.h"

#include <errno.h>
#include <string.h>
#include <syslog.h>

enum nss_status hc_nss_status(int r, int *errnop)
{
	switch (r) {
	case 0:
		return NSS_STATUS_SUCCESS;
	case -ENOENT:
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND;
	case -ERANGE:
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	case -ENOMEM:
		*errnop = ENOMEM;
		return NSS_STATUS_TRYAGAIN;
	default:
		/* the cache is unusable: let the next source (files) answer */
		*errnop = ENOENT;
		return NSS_STATUS_UNAVAIL;
	}
}

/* cold and out of line: it runs once, never on a lookup that works */
__attribute__((noinline, cold)) void hc_nss_log_once(const char *what, int r)
{
	static int logged;

	if (__atomic_exchange_n(&logged, 1, __ATOMIC_RELAXED))
		return;
	/* no openlog(): the ident belongs to the host program */
	syslog(LOG_AUTH | LOG_ERR, "nss_hcoop: %s %s: %s", what,
	       HC_CACHE_DEFAULT_PATH, strerror(-r));
}
