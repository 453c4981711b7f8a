/* The same operations, calling the module's _nss_<prefix>_* entry points
 * directly through dlopen: the module's own cost, without glibc's
 * dispatch (no nsswitch.conf check, no result copy by glibc). */
#include "bench.h"

#include <dlfcn.h>
#include <errno.h>
#include <nss.h>
#include <stdio.h>
#include <string.h>

typedef enum nss_status (*pwnam_fn)(const char *, struct passwd *, char *,
				    size_t, int *);
typedef enum nss_status (*pwuid_fn)(uid_t, struct passwd *, char *, size_t,
				    int *);
typedef enum nss_status (*grnam_fn)(const char *, struct group *, char *,
				    size_t, int *);
typedef enum nss_status (*grgid_fn)(gid_t, struct group *, char *, size_t,
				    int *);
typedef enum nss_status (*initgroups_fn)(const char *, gid_t, long *, long *,
					 gid_t **, long, int *);
typedef enum nss_status (*setent_fn)(int);
typedef enum nss_status (*endent_fn)(void);
typedef enum nss_status (*pwent_fn)(struct passwd *, char *, size_t, int *);

static struct {
	pwnam_fn pwnam;
	pwuid_fn pwuid;
	grnam_fn grnam;
	grgid_fn grgid;
	initgroups_fn initgroups;
	setent_fn setpwent;
	endent_fn endpwent;
	pwent_fn getpwent;
} mod;

static void *sym(void *h, const char *prefix, const char *fn)
{
	char name[128];
	void *p;

	snprintf(name, sizeof(name), "_nss_%s_%s", prefix, fn);
	/* a module may answer only some operations (the one-miss floor:
	 * passwd by name and uid); asking it for another is refused by
	 * bench_direct_op */
	p = dlsym(h, name);
	return p;
}

int bench_direct_init(const char *lib, const char *prefix)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		fprintf(stderr, "direct: %s\n", dlerror());
		return -ENOENT;
	}
	/* casts through void* are how dlsym results become functions */
	*(void **)&mod.pwnam = sym(h, prefix, "getpwnam_r");
	*(void **)&mod.pwuid = sym(h, prefix, "getpwuid_r");
	*(void **)&mod.grnam = sym(h, prefix, "getgrnam_r");
	*(void **)&mod.grgid = sym(h, prefix, "getgrgid_r");
	*(void **)&mod.initgroups = sym(h, prefix, "initgroups_dyn");
	*(void **)&mod.setpwent = sym(h, prefix, "setpwent");
	*(void **)&mod.endpwent = sym(h, prefix, "endpwent");
	*(void **)&mod.getpwent = sym(h, prefix, "getpwent_r");
	if (!mod.pwnam || !mod.pwuid) {
		fprintf(stderr, "direct: %s has no _nss_%s_getpwnam_r/getpwuid_r\n",
			lib, prefix);
		return -ENOENT;
	}
	return 0;
}

static long count(struct bench_scratch *s, enum nss_status st)
{
	if (st == NSS_STATUS_SUCCESS) {
		s->found++;
		return 1;
	}
	s->missing++;
	return 0;
}

static long d_pwnam(struct bench_scratch *s, const struct bench_keys *k,
		    size_t i)
{
	struct passwd pw;
	int e;

	return count(s, mod.pwnam(k->users[i].name, &pw, s->buf, s->len, &e));
}

static long d_pwuid(struct bench_scratch *s, const struct bench_keys *k,
		    size_t i)
{
	struct passwd pw;
	int e;

	return count(s, mod.pwuid(k->users[i].uid, &pw, s->buf, s->len, &e));
}

static long d_pwnam_neg(struct bench_scratch *s, const struct bench_keys *k,
			size_t i)
{
	struct passwd pw;
	enum nss_status st;
	int e;

	st = mod.pwnam(k->neg[i], &pw, s->buf, s->len, &e);
	return count(s, st == NSS_STATUS_NOTFOUND ? NSS_STATUS_SUCCESS
						  : NSS_STATUS_UNAVAIL);
}

static long d_grnam(struct bench_scratch *s, const struct bench_keys *k,
		    size_t i)
{
	struct group gr;
	enum nss_status st;
	int e;

	while ((st = mod.grnam(k->groups[i].name, &gr, s->buf, s->len, &e)) ==
		       NSS_STATUS_TRYAGAIN &&
	       e == ERANGE && bench_scratch_grow(s) == 0)
		;
	return count(s, st);
}

static long d_grgid(struct bench_scratch *s, const struct bench_keys *k,
		    size_t i)
{
	struct group gr;
	enum nss_status st;
	int e;

	while ((st = mod.grgid(k->groups[i].gid, &gr, s->buf, s->len, &e)) ==
		       NSS_STATUS_TRYAGAIN &&
	       e == ERANGE && bench_scratch_grow(s) == 0)
		;
	return count(s, st);
}

/* Like glibc's getgrouplist: start at 1 (the primary group is slot 0). */
static long d_initgroups(struct bench_scratch *s, const struct bench_keys *k,
			 size_t i)
{
	long start = 1, size = s->n_gids;
	int e;
	enum nss_status st;

	s->gids[0] = k->users[i].gid;
	st = mod.initgroups(k->users[i].name, k->users[i].gid, &start, &size,
			    &s->gids, -1, &e);
	s->n_gids = size;
	return count(s, st == NSS_STATUS_NOTFOUND ? NSS_STATUS_SUCCESS : st);
}

static long d_pwent(struct bench_scratch *s, const struct bench_keys *k,
		    size_t i)
{
	struct passwd pw;
	long n = 0;
	int e;

	(void)k;
	(void)i;
	mod.setpwent(0);
	while (mod.getpwent(&pw, s->buf, s->len, &e) == NSS_STATUS_SUCCESS)
		n++;
	mod.endpwent();
	s->found++;
	return n;
}

static const struct bench_op direct_ops[] = {
	{"getpwnam", d_pwnam, 'U', 0},
	{"getpwuid", d_pwuid, 'U', 0},
	{"getpwnam-neg", d_pwnam_neg, 'U', 0},
	{"getgrnam", d_grnam, 'G', 0},
	{"getgrgid", d_grgid, 'G', 0},
	{"getgrouplist", d_initgroups, 'U', 0},
	{"getpwent", d_pwent, 'U', 1},
};

const struct bench_op *bench_direct_op(const char *name)
{
	for (size_t i = 0; i < sizeof(direct_ops) / sizeof(direct_ops[0]); i++)
		if (strcmp(direct_ops[i].name, name) == 0) {
			if ((!mod.grnam && direct_ops[i].fn == d_grnam) ||
			    (!mod.grgid && direct_ops[i].fn == d_grgid) ||
			    (!mod.initgroups && direct_ops[i].fn == d_initgroups))
				return NULL;
			if ((!mod.getpwent || !mod.setpwent || !mod.endpwent) &&
			    direct_ops[i].fn == d_pwent)
				return NULL;
			return &direct_ops[i];
		}
	return NULL;
}
