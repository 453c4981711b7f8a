/* The removal guard: a refresh that would drop a large share of the
 * accounts is far more likely a wrong base, a broken ACL or a half-loaded
 * server than a real mass deletion, and applying it would lock members out
 * of every host at once. So it is refused and logged; --force applies it. */
#include <errno.h>
#include <inttypes.h>

#include "cache.h"
#include "log.h"
#include "sync.h"

int hs_guard_check(const struct hc_config *cfg, const struct hc_cache *old,
		   const struct hs_view *v)
{
	struct hc_cache_info info;
	struct hc_user u;
	uint64_t removed = 0;
	uint32_t i;

	if (!old || hc_cache_info(old, &info) < 0 || info.n_users == 0)
		return 0;
	for (i = 0; i < info.n_users; i++) {
		if (hc_cache_user_at(old, i, &u) < 0)
			return 0; /* an unreadable cache protects nothing */
		if (!hs_view_has_user(v, u.name))
			removed++;
	}
	if (removed * 100 <= (uint64_t)cfg->max_removal * info.n_users)
		return 0;
	hc_err("refusing refresh: it would remove %" PRIu64 " of %" PRIu32
	       " users (%" PRIu64 "%%, max_removal is %u%%); keeping the old "
	       "cache %s; check the base and the server's ACLs, or run "
	       "hcoop-sync --once --force to apply it",
	       removed, info.n_users, removed * 100 / info.n_users,
	       cfg->max_removal, cfg->cache);
	return -EPERM;
}
