/* One pass: read the cache, update the outputs that changed. The outputs
 * are independent: a failed mail update does not hold back the zone. */
#include "routes.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "errbuf.h"
#include "log.h"

static int check_mail(const struct hc_config *cfg, char *err, size_t errlen)
{
	if (!rt_valid_hostname(cfg->mail_domain)) {
		hc_set_err(err, errlen, "%s: mail_domain '%.100s' is not a valid "
			   "domain name", cfg->path, cfg->mail_domain);
		return -EINVAL;
	}
	if (!rt_map_suffix(cfg->map_type)) {
		hc_set_err(err, errlen, "%s: map_type '%.100s': expected lmdb, "
			   "cdb, hash or btree", cfg->path, cfg->map_type);
		return -EINVAL;
	}
	return 0;
}

static int check_zone(const struct hc_config *cfg, char *err, size_t errlen)
{
	size_t i;

	if (!rt_valid_hostname(cfg->members_zone)) {
		hc_set_err(err, errlen, "%s: members_zone '%.100s' is not a valid "
			   "zone name", cfg->path, cfg->members_zone);
		return -EINVAL;
	}
	if (cfg->n_zone_ns == 0) {
		hc_set_err(err, errlen, "%s: members_zone needs at least one "
			   "zone_ns line", cfg->path);
		return -EINVAL;
	}
	for (i = 0; i < cfg->n_zone_ns; i++) {
		if (!rt_valid_hostname(cfg->zone_ns[i])) {
			hc_set_err(err, errlen, "%s: zone_ns '%.100s' is not a "
				   "valid host name", cfg->path, cfg->zone_ns[i]);
			return -EINVAL;
		}
	}
	if (cfg->zone_contact && !rt_valid_hostname(cfg->zone_contact)) {
		hc_set_err(err, errlen, "%s: zone_contact '%.100s' is not a valid "
			   "name (hostmaster.example.org form)", cfg->path,
			   cfg->zone_contact);
		return -EINVAL;
	}
	return 0;
}

int rt_check_config(const struct hc_config *cfg, char *err, size_t errlen)
{
	int r = 0;

	if (!cfg->mail_domain && !cfg->members_zone) {
		hc_set_err(err, errlen, "%s: nothing to do: set mail_domain "
			   "and/or members_zone", cfg->path);
		return -EINVAL;
	}
	if (cfg->mail_domain)
		r = check_mail(cfg, err, errlen);
	if (r == 0 && cfg->members_zone)
		r = check_zone(cfg, err, errlen);
	return r;
}

int rt_render(struct rt_state *st, bool force)
{
	const struct hc_config *cfg = st->cfg;
	struct rt_table t;
	int r, rz = 0, rm = 0;

	r = rt_table_load(cfg->cache, &t);
	if (r < 0)
		return r; /* logged; the outputs in place stay in force */
	if (!force && st->have_generation && t.generation == st->generation) {
		rt_table_free(&t);
		return 0;
	}
	hc_debug("cache generation %" PRIu64 ": %zu routed, %zu without a "
		 "host, %zu skipped", t.generation, t.n, t.unrouted, t.skipped);
	/* the zone first: one file and one reload (tens of ms), while the mail
	 * side runs postmap twice and a Postfix reload (~200 ms) */
	if (cfg->members_zone)
		rz = rt_zone_update(cfg, &t, force, &st->dns_pending);
	if (cfg->mail_domain)
		rm = rt_mail_update(cfg, &t, force, &st->mail_pending);
	st->generation = t.generation;
	st->have_generation = true;
	rt_table_free(&t);
	return rm < 0 ? rm : rz;
}
