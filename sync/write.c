/* Builder -> cache file. The writer in common/ does the atomic part (temp
 * file, fsync, rename, fsync of the directory, mode 0644); here, for the
 * streamed refreshes (stream.c, --once and the daemon's) and the daemon's
 * merged writes (delta.c), which fill the builder themselves, one
 * hs_write_built: the guard, the generation, the skip file, the write and
 * what follows it (nscd, home pre-creation). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cache.h"
#include "fileio.h"
#include "lease.h"
#include "log.h"
#include "names.h"
#include "notify.h"
#include "sync.h"

static uint64_t last_generation;


/* mkdir -p of the directory holding path, 0755 for what it creates. */
static int make_parent(const char *path)
{
	char dir[PATH_MAX];
	char *p;
	size_t len = strlen(path);

	if (len >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, len + 1);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = c;
		if (!c)
			break;
	}
	return 0;
}

int hs_builder_add(const struct hc_config *cfg, const struct hc_local *local,
		   struct hc_cache_builder *b, const struct hs_entry *e,
		   bool keep_dn)
{
	struct hc_user_in u = {
		.name = e->name, .gecos = e->gecos ? e->gecos : "",
		.dir = e->dir, .dn = e->dn, .host = e->host, .uid = e->id,
		.gid = e->gid, .flags = e->flags, .shadow_expire = e->expire,
	};
	int r;

	if (e->kind == HS_GROUP)
		return hc_cache_builder_add_group_dn(
			b, e->name, e->id, (const char *const *)e->members,
			e->nmembers, keep_dn ? e->dn : NULL);
	u.shell = hs_policy_shell(cfg, local, e);
	if ((r = hc_cache_builder_add_user(b, &u)) < 0)
		return r;
	return hs_sshkeys_store(b, e);
}

static bool assigned_here(const struct hc_config *cfg, const char *host)
{
	return cfg->host && host && host[0] && hc_host_equal(cfg->host, host);
}

/* Users assigned to this host now but not in the old cache (absent there
 * or assigned elsewhere): the ones whose homes precreate_homes makes. The
 * names point into b, which the write leaves as it is. */
static int newly_assigned(const struct hc_config *cfg,
			  const struct hc_cache *old,
			  const struct hc_cache_builder *b,
			  const char ***out, size_t *n)
{
	size_t i, nu = hc_cache_builder_n_users(b), nk;
	struct hc_user_in u;
	struct hc_user ou;
	const char *k[1];

	*n = 0;
	*out = calloc(nu + 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < nu; i++) {
		if (hc_cache_builder_user_at(b, i, &u, k, 0, &nk) < 0 ||
		    !assigned_here(cfg, u.host))
			continue;
		hc_cache_walk_step(old, (uint32_t)i);
		if (old && hc_cache_user_byname(old, u.name, &ou) == 0 &&
		    assigned_here(cfg, ou.host))
			continue;
		(*out)[(*n)++] = u.name;
	}
	return 0;
}

void hs_builder_spool(const struct hc_config *cfg, struct hc_cache_builder *b)
{
	int r = make_parent(cfg->cache);

	if (r == 0)
		r = hc_cache_builder_spool(b, cfg->cache);
	if (r < 0)
		hc_debug("the users' records stay in memory until the write "
			 "(no spool beside %s: %s)", cfg->cache, strerror(-r));
}

void hs_lookup_step(const struct hc_cache *c, size_t i)
{
	if (i % 16 == 15)
		hc_cache_release(c);
}

uint64_t hs_next_generation(const struct hc_cache *old)
{
	struct hc_cache_info info;
	uint64_t g = last_generation;

	if (old && hc_cache_info(old, &info) == 0 && info.generation > g)
		g = info.generation;
	return g + 1;
}

void hs_generation_written(uint64_t gen)
{
	if (gen > last_generation)
		last_generation = gen;
}

static void precreate_all(const struct hc_config *cfg, const char **names,
			  size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		hs_precreate_home(cfg, names[i]);
}

/* The atomic write of the filled builder, the delta it makes obsolete
 * retired; HC_CACHE_UNCHANGED when the cache already held it all (no
 * delta, the same bytes): then nothing is written. */
static int write_file(const struct hc_config *cfg, struct hc_cache_builder *b,
		      uint64_t gen, const char *server)
{
	int r;

	/* the writer opens the old main file, and the retirement the old
	 * delta, for writing: not under our own lease */
	hs_lease_pause();
	r = hc_cache_builder_write_if_changed(b, cfg->cache, gen,
					      server ? server : "",
					      (int64_t)time(NULL));
	if (r < 0) {
		hs_lease_resume();
		hc_err("cannot write %s: %s", cfg->cache, strerror(-r));
		return r;
	}
	if (r == HC_CACHE_UNCHANGED) {
		hs_lease_resume();
		return r;
	}
	last_generation = gen;
	/* the new main file holds everything: readers that still map the
	 * old delta reopen, new ones would ignore it (base generation) */
	if ((r = hc_cache_delta_retire(cfg->cache)) < 0)
		hc_warn("cannot remove %s%s: %s (readers ignore it)", cfg->cache,
			".delta", strerror(-r));
	hs_lease_resume();
	return 0;
}

/* The skip file, drop freed, the file written and logged. */
static int write_logged(const struct hc_config *cfg,
			struct hc_cache_builder *b, const struct hs_view *v,
			struct hs_model *drop, uint64_t gen, const char *server)
{
	size_t skipped = v->n_skips + v->m->rejected.n;
	double t0 = hc_now_ms();
	int r;

	if ((r = make_parent(cfg->cache)) < 0) {
		hc_err("cannot create the directory of %s: %s", cfg->cache,
		       strerror(-r));
		return r;
	}
	/* the skip file lists the model's rejected entries: before the drop */
	hs_skipfile_write(cfg, v);
	if (drop)
		hs_model_free(drop);
	if ((r = write_file(cfg, b, gen, server)) < 0)
		return r;
	if (r == HC_CACHE_UNCHANGED) {
		hc_info("%s unchanged: %zu users, %zu groups from %s, as "
			"written before (%zu entries skipped, see --status); "
			"nothing written", cfg->cache,
			hc_cache_builder_n_users(b),
			hc_cache_builder_n_groups(b), server ? server : "?",
			skipped);
		return r;
	}
	hc_info("wrote %s: generation %llu, %zu users, %zu groups from %s "
		"(%zu entries skipped, see --status)",
		cfg->cache, (unsigned long long)gen,
		hc_cache_builder_n_users(b), hc_cache_builder_n_groups(b),
		server ? server : "?", skipped);
	hc_debug("cache written in %.1f ms", hc_now_ms() - t0);
	return 0;
}

int hs_write_built(const struct hc_config *cfg, struct hc_cache_builder *b,
		   const struct hs_view *v, struct hs_model *drop,
		   const char *server, unsigned flags)
{
	struct hc_cache *old = NULL;
	const char **fresh = NULL;
	size_t n_fresh = 0;
	uint64_t gen;
	int r = 0;

	if (hc_cache_open(cfg->cache, &old) < 0)
		old = NULL; /* missing or invalid: nothing to compare with */
	if ((flags & HS_WRITE_GUARDED) &&
	    (r = hs_guard_check(cfg, old, b)) < 0)
		goto out;
	if (cfg->precreate_homes &&
	    (r = newly_assigned(cfg, old, b, &fresh, &n_fresh)) < 0)
		goto out;
	gen = hs_next_generation(old);
	/* done with the old file: the pages the guard read leave our
	 * resident set before the new file is rendered */
	if (old)
		hc_cache_close(old);
	old = NULL;
	if ((r = write_logged(cfg, b, v, drop, gen, server)) < 0)
		goto out;
	if (r == HC_CACHE_UNCHANGED) {
		/* what readers have is current: nothing to tell anyone */
		r = 0;
		hs_notify_ready();
		goto out;
	}
	hs_nscd_invalidate();
	hs_notify_ready(); /* the unit's Type=notify: getent can answer now */
	hs_statusd_wake(); /* members here may have changed: publish */
	/* after the write: mkhome re-checks the assignment in the cache */
	precreate_all(cfg, fresh, n_fresh);
out:
	free(fresh);
	if (old)
		hc_cache_close(old);
	return r;
}
