/* nss-stress: 8 threads doing lookups, initgroups and enumerations through
 * the module's entry points while the main thread replaces the cache 100
 * times (the real writer, alternating two versions of the data). Every
 * answer must be wholly the old or wholly the new version; every lookup
 * must succeed (a file is always in place). Also: right after each
 * replacement the main thread must already see the new version (the
 * superseded flag), and a file renamed in by other means is noticed
 * within the one-second stat fallback. Linked statically with the module's
 * objects; also built with -fsanitize=thread. Usage: nss-stress CACHE */
#include "cache.h"

#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum nss_status _nss_hcoop_getpwnam_r(const char *, struct passwd *, char *, size_t, int *);
enum nss_status _nss_hcoop_getpwuid_r(uid_t, struct passwd *, char *, size_t, int *);
enum nss_status _nss_hcoop_getgrnam_r(const char *, struct group *, char *, size_t, int *);
enum nss_status _nss_hcoop_setpwent(int);
enum nss_status _nss_hcoop_getpwent_r(struct passwd *, char *, size_t, int *);
enum nss_status _nss_hcoop_endpwent(void);
enum nss_status _nss_hcoop_initgroups_dyn(const char *, gid_t, long *, long *, gid_t **, long, int *);

#define NUSERS 200
#define NTHREADS 8
#define NREPLACE 100

static const char *cache_path;
static int stop;    /* atomic */
static long errors; /* atomic */
static long calls;  /* atomic */

static void err(const char *what, const char *detail)
{
	if (__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED) < 20)
		fprintf(stderr, "nss-stress: %s: %s\n", what, detail);
}

static int write_version(const char *path, int v)
{
	struct hc_cache_builder *b = hc_cache_builder_new();
	char name[32], gecos[48], dir[48], shell[32], dn[64], gname[32], m2[32];
	const char *mem[2];
	int i, r = 0;

	for (i = 0; i < NUSERS && r == 0; i++) {
		struct hc_user_in u = { .name = name, .gecos = gecos, .dir = dir,
					.shell = shell, .dn = dn, .host = "h",
					.uid = 30000 + i, .gid = 30000,
					.shadow_expire = HC_NO_EXPIRE };

		snprintf(name, sizeof(name), "u%03d", i);
		snprintf(gecos, sizeof(gecos), "v%d u%d", v, i);
		snprintf(dir, sizeof(dir), "/home/v%d/u%03d", v, i);
		snprintf(shell, sizeof(shell), "/bin/v%d", v);
		snprintf(dn, sizeof(dn), "uid=u%03d,dc=test", i);
		r = hc_cache_builder_add_user(b, &u);
	}
	for (i = 0; i < NUSERS && r == 0; i++) {
		snprintf(gname, sizeof(gname), "g%03d", i);
		snprintf(name, sizeof(name), "u%03d", i);
		snprintf(m2, sizeof(m2), "u%03d", (i + 1) % NUSERS);
		mem[0] = name;
		mem[1] = m2;
		r = hc_cache_builder_add_group(b, gname, 40000 + i, mem, v ? 2 : 1);
	}
	if (r == 0)
		r = hc_cache_builder_write(b, path, (uint64_t)v + 1, "stress", 0);
	hc_cache_builder_free(b);
	return r;
}

/* Version of a passwd answer for user i, or -1 if it is a mixture. */
static int pw_version(const struct passwd *p, int i)
{
	char want[64];
	int v;

	for (v = 0; v < 2; v++) {
		snprintf(want, sizeof(want), "v%d u%d", v, i);
		if (strcmp(p->pw_gecos, want) != 0)
			continue;
		snprintf(want, sizeof(want), "/home/v%d/u%03d", v, i);
		if (strcmp(p->pw_dir, want) != 0)
			return -1;
		snprintf(want, sizeof(want), "/bin/v%d", v);
		if (strcmp(p->pw_shell, want) != 0 || p->pw_uid != (uid_t)(30000 + i))
			return -1;
		return v;
	}
	return -1;
}

static void one_pw(unsigned *seed, char *buf, size_t len)
{
	struct passwd pw;
	char name[32];
	int i = (int)(rand_r(seed) % NUSERS), e;
	enum nss_status st;

	snprintf(name, sizeof(name), "u%03d", i);
	st = (rand_r(seed) & 1) ? _nss_hcoop_getpwnam_r(name, &pw, buf, len, &e)
				: _nss_hcoop_getpwuid_r(30000 + i, &pw, buf, len, &e);
	if (st != NSS_STATUS_SUCCESS)
		err("passwd lookup failed", name);
	else if (pw_version(&pw, i) < 0)
		err("mixed passwd answer", pw.pw_gecos);
}

static void one_gr(unsigned *seed, char *buf, size_t len)
{
	struct group gr;
	char name[32], m[32];
	int i = (int)(rand_r(seed) % NUSERS), e, n;

	snprintf(name, sizeof(name), "g%03d", i);
	if (_nss_hcoop_getgrnam_r(name, &gr, buf, len, &e) != NSS_STATUS_SUCCESS) {
		err("group lookup failed", name);
		return;
	}
	for (n = 0; gr.gr_mem[n]; n++)
		;
	snprintf(m, sizeof(m), "u%03d", i);
	if (n < 1 || n > 2 || strcmp(gr.gr_mem[0], m) != 0 ||
	    gr.gr_gid != (gid_t)(40000 + i))
		err("bad group answer", name);
}

static void one_initgroups(unsigned *seed)
{
	long start = 0, size = 4;
	gid_t *g = malloc(4 * sizeof(gid_t));
	char name[32];
	int i = (int)(rand_r(seed) % NUSERS), e;

	snprintf(name, sizeof(name), "u%03d", i);
	/* u_i is in g_i (both versions) and g_(i-1) (version 1 only) */
	if (_nss_hcoop_initgroups_dyn(name, 30000, &start, &size, &g, 0, &e) !=
		    NSS_STATUS_SUCCESS || start < 1 || start > 2)
		err("initgroups", name);
	free(g);
}

static void one_enum(char *buf, size_t len)
{
	struct passwd pw;
	int e, n = 0;

	_nss_hcoop_setpwent(0);
	while (_nss_hcoop_getpwent_r(&pw, buf, len, &e) == NSS_STATUS_SUCCESS) {
		int i = (int)strtol(pw.pw_name + 1, NULL, 10);

		if (pw_version(&pw, i) < 0)
			err("mixed enumerated entry", pw.pw_gecos);
		if (++n > NUSERS * 2) /* other threads share the cursor */
			break;
	}
	_nss_hcoop_endpwent();
}

static void *worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	char buf[1024];
	long k;

	for (k = 0; !__atomic_load_n(&stop, __ATOMIC_RELAXED); k++) {
		one_pw(&seed, buf, sizeof(buf));
		one_gr(&seed, buf, sizeof(buf));
		if (k % 16 == 0)
			one_initgroups(&seed);
		if (k % 512 == 0)
			one_enum(buf, sizeof(buf));
		__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static int current_version(void)
{
	struct passwd pw;
	char buf[1024];
	int e;

	if (_nss_hcoop_getpwnam_r("u007", &pw, buf, sizeof(buf), &e) != NSS_STATUS_SUCCESS)
		return -2;
	return pw_version(&pw, 7);
}

/* A file renamed into place without the writer (no superseded flag) is
 * noticed by the throttled stat within about a second. */
static int other_means(void)
{
	char tmp[4096];
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int i, want = 1 - current_version();

	snprintf(tmp, sizeof(tmp), "%s.other", cache_path);
	if (write_version(tmp, want) < 0 || rename(tmp, cache_path) < 0)
		return -1;
	for (i = 0; i < 60; i++) {
		if (current_version() == want)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

int main(int argc, char **argv)
{
	pthread_t t[NTHREADS];
	struct timespec ts = { 0, 2 * 1000 * 1000 };
	int i, late = 0;

	if (argc != 2)
		return 2;
	cache_path = argv[1];
	if (write_version(cache_path, 0) < 0)
		return 2;
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i + 1));
	for (i = 1; i <= NREPLACE; i++) {
		nanosleep(&ts, NULL);
		if (write_version(cache_path, i % 2) < 0)
			err("write", cache_path);
		if (current_version() != i % 2)
			late++; /* the superseded flag should make this immediate */
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	if (late)
		err("replacement not seen at once", "superseded flag");
	if (other_means() < 0)
		err("replacement by rename not noticed", "stat fallback");
	printf("replacements %d, worker iterations %ld, errors %ld\n", NREPLACE,
	       calls, errors);
	return errors ? 1 : 0;
}
