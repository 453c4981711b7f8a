/* --once: connect, stream one full refresh into the cache builder
 * (stream.c) and write it; the exit codes of hcoop-sync(8). */
#include <errno.h>
#include <stdio.h>

#include "ldap_conn.h"
#include "log.h"
#include "sync.h"

/* --once streams the refresh into the cache builder (stream.c): no
 * model, so its peak memory is about the builder's. */
int hs_once(const struct hc_config *cfg, bool force)
{
	struct hc_ldap *c = NULL;
	char err[512];
	int r;

	r = hc_ldap_connect(cfg, HC_BIND_CONFIG, NULL, NULL, &c, err,
			    sizeof(err));
	if (r < 0) {
		hc_err("cannot connect: %s", err);
		return HS_EXIT_LDAP;
	}
	r = hs_stream_once(cfg, c, force ? 0 : HS_WRITE_GUARDED, err,
			   sizeof(err));
	if (r == -ENOTCONN)
		hc_err("refresh from %s failed: %s", hc_ldap_uri(c), err);
	else if (r < 0 && err[0])
		hc_err("%s; the cache is not written", err);
	hc_ldap_close(c);
	return r == 0 ? HS_EXIT_OK : r == -ENOTCONN ? HS_EXIT_LDAP
		: r == -EPERM ? HS_EXIT_GUARD : HS_EXIT_CACHE;
}
