/* hcoopctl status: this host's view, without LDAP: the cache (path,
 * generation, age, source, counts), members assigned here and their
 * homes, load, memory and the home filesystem (common/hoststat.c, the
 * same facts hcoop-sync publishes). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hcoopctl.h"
#include "hoststat.h"

static void fill(struct ctl *ctl, const struct hc_hoststat *st)
{
	json_object *o = ctl->out;

	ctl_jset_str(o, "host", ctl->cfg.host);
	ctl_jset_str(o, "cache", ctl->cfg.cache);
	ctl_jset_bool(o, "cache_valid", st->cache_valid);
	ctl_jset_int(o, "generation", (int64_t)st->generation);
	ctl_jset_int(o, "cache_age", st->cache_age);
	ctl_jset_str(o, "source", st->server);
	ctl_jset_int(o, "users", st->users);
	ctl_jset_int(o, "groups", st->groups);
	ctl_jset_int(o, "members_here", st->members_here);
	ctl_jset_int(o, "homes_present", st->homes_present);
	ctl_jset_double(o, "load1", st->load[0]);
	ctl_jset_int(o, "cpus", st->cpus);
	ctl_jset_int(o, "mem_total", (int64_t)st->mem_total);
	ctl_jset_int(o, "mem_available", (int64_t)st->mem_available);
	ctl_jset_str(o, "home_base", ctl->cfg.home_base);
	ctl_jset_int(o, "home_size", (int64_t)st->home_size);
	ctl_jset_int(o, "home_free", (int64_t)st->home_free);
}

static void print_text(const struct ctl *ctl, const struct hc_hoststat *st)
{
	printf("host:          %s\n", ctl->cfg.host);
	printf("cache:         %s (%s)\n", ctl->cfg.cache,
	       st->cache_valid ? "valid" : "UNUSABLE");
	if (st->cache_valid) {
		printf("generation:    %" PRIu64 ", refreshed %" PRId64 " s ago from %s\n",
		       st->generation, st->cache_age, st->server[0] ? st->server : "?");
		printf("entries:       %" PRIu32 " users, %" PRIu32 " groups\n",
		       st->users, st->groups);
		printf("members here:  %" PRIu32 " (%" PRIu32 " with a home)\n",
		       st->members_here, st->homes_present);
	}
	printf("load:          %.2f %.2f %.2f on %" PRIu32 " CPUs\n", st->load[0],
	       st->load[1], st->load[2], st->cpus);
	printf("memory:        %" PRIu64 " MiB available of %" PRIu64 " MiB\n",
	       st->mem_available >> 20, st->mem_total >> 20);
	printf("%-14s %" PRIu64 " MiB free of %" PRIu64 " MiB\n", "home base:",
	       st->home_free >> 20, st->home_size >> 20);
}

int ctl_cmd_status(struct ctl *ctl, int argc, char **argv)
{
	struct hc_hoststat st;

	(void)argv;
	if (argc > 1) {
		ctl_err("usage: hcoopctl status");
		return CTL_EXIT_USAGE;
	}
	hc_hoststat_gather(&ctl->cfg, &st);
	fill(ctl, &st);
	if (ctl->json)
		ctl_print_json(ctl);
	else
		print_text(ctl, &st);
	return st.cache_valid ? CTL_EXIT_OK : CTL_EXIT_CACHE;
}
