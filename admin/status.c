/* hcoopctl status: this host's view, without LDAP: the cache (path,
 * generation, age, source, counts), members assigned here and their
 * homes, load, memory and the home filesystem (common/hoststat.c, the
 * same facts hcoop-sync publishes). */
#include <inttypes.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "hcoopctl.h"
#include "heartbeat.h"
#include "hoststat.h"
#include "skiplist.h"

#define DAEMON_STALE_S 30 /* heartbeat rewritten at least every 10 s */

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

/* The daemon, from its heartbeat file (/run/hcoop/): running, connected
 * to which server since when. */
static void daemon_facts(struct ctl *ctl)
{
	json_object *d = json_object_new_object();
	struct hc_heartbeat hb;
	char err[512];
	const char *path = ctl->cfg.heartbeat ? ctl->cfg.heartbeat
					      : HC_HEARTBEAT_DEFAULT_PATH;
	int r = hc_heartbeat_read(path, &hb, err, sizeof(err));
	int64_t now = (int64_t)time(NULL);

	json_object_object_add(ctl->out, "daemon", d);
	ctl_jset_str(d, "heartbeat", path);
	if (r < 0) {
		ctl_jset_bool(d, "running", false);
		ctl_jset_str(d, "error", r == -ENOENT ? "no heartbeat (never ran here?)" : err);
		return;
	}
	ctl_jset_bool(d, "running", hb.state != HC_HB_STOPPED &&
					   now - hb.updated <= DAEMON_STALE_S);
	ctl_jset_bool(d, "connected", hb.state == HC_HB_CONNECTED &&
					     now - hb.updated <= DAEMON_STALE_S);
	ctl_jset_int(d, "pid", hb.pid);
	ctl_jset_str(d, "state", hc_hb_state_name(hb.state));
	ctl_jset_str(d, "server", hb.server);
	ctl_jset_int(d, "since", hb.since);
	ctl_jset_int(d, "last_contact", hb.last_contact);
	ctl_jset_int(d, "last_full_refresh", hb.last_full_refresh);
	ctl_jset_int(d, "changes_applied", (int64_t)hb.changes_applied);
	ctl_jset_int(d, "heartbeat_age", now - hb.updated);
	ctl_jset_str(d, "last_error", hb.last_error);
}

static int add_skip(const struct hc_skip *sk, void *ctx)
{
	json_object *o = json_object_new_object();

	ctl_jset_str(o, "kind", sk->kind);
	ctl_jset_str(o, "dn", sk->dn);
	ctl_jset_str(o, "reason", sk->reason);
	ctl_jset_bool(o, "shadowed_by_local", strstr(sk->reason, "local") != NULL);
	json_object_array_add(ctx, o);
	return 0;
}

static void print_daemon(const struct ctl *ctl)
{
	json_object *d = json_object_object_get(ctl->out, "daemon");
	int64_t now = (int64_t)time(NULL);

	if (!json_object_get_boolean(json_object_object_get(d, "running"))) {
		const char *e = ctl_jget_str(d, "error");

		printf("daemon:        NOT RUNNING (%s)\n", e ? e : "heartbeat stale or stopped");
		return;
	}
	printf("daemon:        pid %" PRId64 ", %s to %s since %" PRId64
	       " s, last contact %" PRId64 " s ago\n", ctl_jget_int(d, "pid"),
	       ctl_jget_str(d, "state"), ctl_jget_str(d, "server"),
	       now - ctl_jget_int(d, "since"), now - ctl_jget_int(d, "last_contact"));
	if (ctl_jget_str(d, "last_error") && ctl_jget_str(d, "last_error")[0])
		printf("last error:    %s\n", ctl_jget_str(d, "last_error"));
}

static void print_skipped(const struct ctl *ctl)
{
	json_object *a = json_object_object_get(ctl->out, "skipped");
	size_t n = a ? json_object_array_length(a) : 0;

	printf("skipped:       %zu entries left out by hcoop-sync\n", n);
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(a, i);

		printf("  %s%s %s: %s\n",
		       json_object_get_boolean(json_object_object_get(o, "shadowed_by_local"))
			       ? "SHADOWED " : "", ctl_jget_str(o, "kind"),
		       ctl_jget_str(o, "dn"), ctl_jget_str(o, "reason"));
	}
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
	print_daemon(ctl);
	print_skipped(ctl);
	if (ctl->cfg.restore_command)
		printf("restores:      %" PRId64 " pending, %" PRId64 " running, %" PRId64
		       " done, %" PRId64 " failed, %" PRId64 " skipped (hcoopctl homes restores)\n",
		       ctl_jget_int(ctl->out, "restores_pending"),
		       ctl_jget_int(ctl->out, "restores_running"),
		       ctl_jget_int(ctl->out, "restores_done"),
		       ctl_jget_int(ctl->out, "restores_failed"),
		       ctl_jget_int(ctl->out, "restores_skipped"));
}

int ctl_cmd_status(struct ctl *ctl, int argc, char **argv)
{
	struct hc_hoststat st;

	(void)argv;
	if (argc > 1) {
		ctl_err("usage: hcoopctl status");
		return CTL_EXIT_USAGE;
	}
	json_object *skipped = json_object_new_array();

	hc_hoststat_gather(&ctl->cfg, &st);
	fill(ctl, &st);
	daemon_facts(ctl);
	json_object_object_add(ctl->out, "skipped", skipped);
	hc_skiplist_each(ctl->cfg.cache, add_skip, skipped);
	ctl_restores_add(ctl); /* homes restored on a spare (restore_command) */
	if (ctl->json)
		ctl_print_json(ctl);
	else
		print_text(ctl, &st);
	return st.cache_valid ? CTL_EXIT_OK : CTL_EXIT_CACHE;
}
