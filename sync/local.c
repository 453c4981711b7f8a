/* The local account files as hcoop-sync sees them (common/localdb.c reads
 * them): loaded before every cache write, and watched once a second while
 * following changes, so a local account created meanwhile (adduser
 * --system) wins within about a second with no LDAP change needed. */
#include <string.h>

#include "log.h"
#include "sync.h"

/* The files as of the last load or the last true answer. */
static struct hc_local_sig last_sig;

int hs_local_load(struct hc_local *l, char *err, size_t errlen)
{
	int r;

	hc_local_sign(NULL, &last_sig); /* before reading: a change during it is seen */
	r = hc_local_load(l, NULL, err, errlen);
	if (r == 0)
		hc_debug("local files: %zu users, %zu groups, %zu shells",
			 l->users.n, l->groups.n, l->shells.n);
	return r;
}

bool hs_local_changed(void)
{
	struct hc_local_sig now;

	hc_local_sign(NULL, &now);
	if (memcmp(&now, &last_sig, sizeof(now)) == 0)
		return false;
	last_sig = now; /* say it once per change */
	return true;
}
