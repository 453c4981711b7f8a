/* The removal guard: a refresh that would drop a large share of the
 * accounts is far more likely a wrong base, a broken ACL or a half-loaded
 * server than a real mass deletion, and applying it would lock members out
 * of every host at once. Users and groups are counted separately (an
 * empty group_base drops every group and no user), and a refresh in which
 * admin_group disappears is refused whatever the share: without it no
 * admin can log in to fix things. Refused refreshes are logged; --force
 * applies them. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>

#include "cache.h"
#include "log.h"
#include "sync.h"

/* Does the new cache (the filled builder) hold a user (group) of this
 * name? Both the model's and the streamed path ask the builder. */
static bool has(const struct hc_cache_builder *b, enum hs_kind kind,
		const char *name)
{
	return (kind == HS_USER ? hc_cache_builder_user_byname(b, name)
				: hc_cache_builder_group_byname(b, name)) >= 0;
}

/* How many of the old cache's n users (groups) b lacks; -1 when the
 * old cache cannot be read (an unreadable cache protects nothing). */
static int64_t removed(const struct hc_cache *old, uint32_t n,
		       enum hs_kind kind, const struct hc_cache_builder *b)
{
	struct hc_user u;
	struct hc_group g;
	int64_t gone = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		int r = kind == HS_USER ? hc_cache_user_at(old, i, &u)
					: hc_cache_group_at(old, i, &g);

		if (r == -ESRCH) /* superseded by the delta */
			continue;
		if (r < 0)
			return -1;
		if (!has(b, kind, kind == HS_USER ? u.name : g.name))
			gone++;
		hc_cache_walk_step(old, i);
	}
	return gone;
}

static bool too_many(const struct hc_config *cfg, const char *what,
		     int64_t gone, uint32_t n)
{
	if (gone <= 0 || (uint64_t)gone * 100 <= (uint64_t)cfg->max_removal * n)
		return false;
	hc_err("refusing refresh: it would remove %" PRId64 " of %" PRIu32
	       " %s (%" PRId64 "%%, max_removal is %u%%); keeping the old "
	       "cache %s; check the base and the server's ACLs, or run "
	       "hcoop-sync --once --force to apply it",
	       gone, n, what, gone * 100 / n, cfg->max_removal, cfg->cache);
	return true;
}

static bool admin_group_lost(const struct hc_config *cfg,
			     const struct hc_cache *old,
			     const struct hc_cache_builder *b)
{
	struct hc_group g;

	if (!cfg->admin_group ||
	    hc_cache_group_byname(old, cfg->admin_group, &g) < 0 ||
	    has(b, HS_GROUP, cfg->admin_group))
		return false;
	hc_err("refusing refresh: admin_group %s would disappear from the "
	       "cache (no admin could log in); keeping the old cache %s; run "
	       "hcoop-sync --once --force to apply it",
	       cfg->admin_group, cfg->cache);
	return true;
}

int hs_guard_check(const struct hc_config *cfg, const struct hc_cache *old,
		   const struct hc_cache_builder *b)
{
	struct hc_cache_info info;
	bool refuse = false;

	if (!old || hc_cache_info(old, &info) < 0)
		return 0;
	refuse |= too_many(cfg, "users",
			   removed(old, info.user_slots, HS_USER, b), info.n_users);
	refuse |= too_many(cfg, "groups",
			   removed(old, info.group_slots, HS_GROUP, b),
			   info.n_groups);
	refuse |= admin_group_lost(cfg, old, b);
	return refuse ? -EPERM : 0;
}
