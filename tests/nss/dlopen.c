/* nss-dlopen: calls libnss_hcoop.so.2's entry points directly (dlopen),
 * every call with buffer sizes from 1 upward: each too-small size must give
 * NSS_STATUS_TRYAGAIN with ERANGE, the first size that fits SUCCESS, and
 * a much larger buffer the same answer. Prints answers in getent format.
 *
 *   nss-dlopen SO pwnam NAME | pwuid UID | grnam NAME | grgid GID
 *   nss-dlopen SO pwent | grent          (enumeration, ERANGE retries)
 *   nss-dlopen SO initgroups USER GID [LIMIT]
 *   nss-dlopen SO status pwnam NAME      (prints SUCCESS/NOTFOUND/...)
 *   nss-dlopen SO bench PREFIX N CALLS   (ns per getpwnam_r, random keys
 *                                         PREFIX%07u below N; and misses)
 * Exit 0 when every check held, 1 on a failed check, 2 on usage. */
#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef enum nss_status (*pwnam_fn)(const char *, struct passwd *, char *,
				    size_t, int *);
typedef enum nss_status (*pwuid_fn)(uid_t, struct passwd *, char *, size_t,
				    int *);
typedef enum nss_status (*grnam_fn)(const char *, struct group *, char *,
				    size_t, int *);
typedef enum nss_status (*grgid_fn)(gid_t, struct group *, char *, size_t,
				    int *);
typedef enum nss_status (*pwent_fn)(struct passwd *, char *, size_t, int *);
typedef enum nss_status (*grent_fn)(struct group *, char *, size_t, int *);
typedef enum nss_status (*setent_fn)(int);
typedef enum nss_status (*endent_fn)(void);
typedef enum nss_status (*initgr_fn)(const char *, gid_t, long *, long *,
				     gid_t **, long, int *);

static void *so;
static int failed;

static void *sym(const char *name)
{
	void *p = dlsym(so, name);

	if (!p) {
		fprintf(stderr, "nss-dlopen: missing %s\n", name);
		exit(1);
	}
	return p;
}

static void bad(const char *what, size_t len, int st, int e)
{
	fprintf(stderr, "nss-dlopen: %s: buflen %zu: status %d errno %d\n",
		what, len, st, e);
	failed = 1;
}

static const char *status_name(enum nss_status st)
{
	switch (st) {
	case NSS_STATUS_SUCCESS: return "SUCCESS";
	case NSS_STATUS_NOTFOUND: return "NOTFOUND";
	case NSS_STATUS_UNAVAIL: return "UNAVAIL";
	case NSS_STATUS_TRYAGAIN: return "TRYAGAIN";
	default: return "OTHER";
	}
}

static char *fmt_pw(const struct passwd *p)
{
	char *s = NULL;

	if (asprintf(&s, "%s:%s:%u:%u:%s:%s:%s", p->pw_name, p->pw_passwd,
		     p->pw_uid, p->pw_gid, p->pw_gecos, p->pw_dir,
		     p->pw_shell) < 0)
		exit(2);
	return s;
}

static char *fmt_gr(const struct group *g)
{
	size_t n = strlen(g->gr_name) + 32, i;
	char *s;

	for (i = 0; g->gr_mem[i]; i++)
		n += strlen(g->gr_mem[i]) + 1;
	s = malloc(n);
	if (!s)
		exit(2);
	snprintf(s, n, "%s:%s:%u:", g->gr_name, g->gr_passwd, g->gr_gid);
	for (i = 0; g->gr_mem[i]; i++) {
		if (i)
			strcat(s, ",");
		strcat(s, g->gr_mem[i]);
	}
	return s;
}

/* One lookup kind, called through a generic thunk. */
struct call {
	int kind; /* 0 pwnam 1 pwuid 2 grnam 3 grgid 4 pwent 5 grent */
	const char *name;
	unsigned id;
};

static enum nss_status do_call(const struct call *c, char *buf, size_t len,
			       int *e, char **out)
{
	struct passwd pw;
	struct group gr;
	enum nss_status st;

	switch (c->kind) {
	case 0: st = ((pwnam_fn)sym("_nss_hcoop_getpwnam_r"))(c->name, &pw, buf, len, e); break;
	case 1: st = ((pwuid_fn)sym("_nss_hcoop_getpwuid_r"))(c->id, &pw, buf, len, e); break;
	case 2: st = ((grnam_fn)sym("_nss_hcoop_getgrnam_r"))(c->name, &gr, buf, len, e); break;
	case 3: st = ((grgid_fn)sym("_nss_hcoop_getgrgid_r"))(c->id, &gr, buf, len, e); break;
	case 4: st = ((pwent_fn)sym("_nss_hcoop_getpwent_r"))(&pw, buf, len, e); break;
	default: st = ((grent_fn)sym("_nss_hcoop_getgrent_r"))(&gr, buf, len, e); break;
	}
	if (st == NSS_STATUS_SUCCESS)
		*out = (c->kind == 0 || c->kind == 1 || c->kind == 4) ? fmt_pw(&pw) : fmt_gr(&gr);
	return st;
}

/* Sizes 1, 2, ... until SUCCESS (each smaller one must be ERANGE), odd
 * buffer addresses included; then a big buffer must agree. Returns the
 * final status and *out the answer. */
static enum nss_status ladder(const struct call *c, char **out)
{
	enum nss_status st;
	size_t len;
	char *buf, *big = NULL;
	int e;

	*out = NULL;
	for (len = 1; len < 1 << 20; len++) {
		buf = malloc(len + 1);
		e = 0;
		/* odd address: the group pointer array must be realigned */
		st = do_call(c, buf + (len & 1), len, &e, out);
		free(buf);
		if (st == NSS_STATUS_TRYAGAIN && e == ERANGE)
			continue;
		break;
	}
	if (st != NSS_STATUS_SUCCESS || c->kind >= 4)
		return st;
	buf = malloc(1 << 20);
	st = do_call(c, buf, 1 << 20, &e, &big);
	if (st != NSS_STATUS_SUCCESS || strcmp(big, *out) != 0)
		bad("big buffer disagrees", 1 << 20, st, e);
	free(big);
	free(buf);
	return NSS_STATUS_SUCCESS;
}

static int lookup(struct call *c)
{
	char *out;
	enum nss_status st = ladder(c, &out);

	if (st == NSS_STATUS_SUCCESS) {
		printf("%s\n", out);
		free(out);
		return failed;
	}
	if (st != NSS_STATUS_NOTFOUND)
		bad(status_name(st), 0, st, 0);
	return failed ? 1 : 3;
}

static int enumerate(int kind)
{
	const char *set = kind == 4 ? "_nss_hcoop_setpwent" : "_nss_hcoop_setgrent";
	const char *end = kind == 4 ? "_nss_hcoop_endpwent" : "_nss_hcoop_endgrent";
	struct call c = { .kind = kind };
	enum nss_status st;
	char *out;

	if (((setent_fn)sym(set))(0) != NSS_STATUS_SUCCESS) {
		bad("setent", 0, 0, 0);
		return 1;
	}
	while ((st = ladder(&c, &out)) == NSS_STATUS_SUCCESS) {
		printf("%s\n", out);
		free(out);
	}
	if (st != NSS_STATUS_NOTFOUND)
		bad("enumeration end", 0, st, 0);
	((endent_fn)sym(end))();
	return failed;
}

static int do_initgroups(const char *user, unsigned gid, long limit)
{
	long start = 1, size = 1, i;
	gid_t *g = malloc(sizeof(gid_t));
	int e = 0;
	enum nss_status st;

	g[0] = gid;
	st = ((initgr_fn)sym("_nss_hcoop_initgroups_dyn"))(user, gid, &start, &size,
							   &g, limit, &e);
	printf("%s", status_name(st));
	for (i = 0; i < start; i++)
		printf(" %u", g[i]);
	printf("\n");
	if (limit > 0 && start > limit)
		bad("limit exceeded", 0, st, e);
	free(g);
	return failed;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int bench(const char *prefix, unsigned n, unsigned calls)
{
	pwnam_fn f = (pwnam_fn)sym("_nss_hcoop_getpwnam_r");
	char (*names)[40] = malloc(sizeof(*names) * 65536);
	char buf[1024];
	struct passwd pw;
	unsigned i, k, found = 0;
	double t0, t;
	int e;

	srand(1);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 65536; i++)
			snprintf(names[i], sizeof(names[i]), "%s%07u%s", prefix,
				 (unsigned)(((unsigned long)rand() * 65537u) % n) + 1,
				 k ? "x" : "");
		for (i = 0; i < 10000; i++) /* warm-up */
			f(names[i & 65535], &pw, buf, sizeof(buf), &e);
		t0 = now_ns();
		for (i = 0; i < calls; i++)
			found += f(names[i & 65535], &pw, buf, sizeof(buf), &e) == NSS_STATUS_SUCCESS;
		t = now_ns() - t0;
		printf("%s getpwnam_r: %.1f ns/call over %u calls (%u found)\n",
		       k ? "negative" : "positive", t / calls, calls, found);
		found = 0;
	}
	free(names);
	return 0;
}

int main(int argc, char **argv)
{
	struct call c = { 0 };

	if (argc < 3)
		return 2;
	so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!so) {
		fprintf(stderr, "nss-dlopen: %s\n", dlerror());
		return 1;
	}
	if (strcmp(argv[2], "pwent") == 0)
		return enumerate(4);
	if (strcmp(argv[2], "grent") == 0)
		return enumerate(5);
	if (argc < 4)
		return 2;
	if (strcmp(argv[2], "initgroups") == 0 && argc >= 5)
		return do_initgroups(argv[3], (unsigned)strtoul(argv[4], NULL, 10),
				  argc > 5 ? strtol(argv[5], NULL, 10) : 0);
	if (strcmp(argv[2], "bench") == 0 && argc == 6)
		return bench(argv[3], (unsigned)strtoul(argv[4], NULL, 10),
			     (unsigned)strtoul(argv[5], NULL, 10));
	if (strcmp(argv[2], "status") == 0 && argc == 5) {
		char buf[4096], *out = NULL;
		int e = 0;

		c.name = argv[4];
		printf("%s\n", status_name(do_call(&c, buf, sizeof(buf), &e, &out)));
		free(out);
		return 0;
	}
	c.name = argv[3];
	c.id = (unsigned)strtoul(argv[3], NULL, 10);
	if (strcmp(argv[2], "pwnam") == 0)
		c.kind = 0;
	else if (strcmp(argv[2], "pwuid") == 0)
		c.kind = 1;
	else if (strcmp(argv[2], "grnam") == 0)
		c.kind = 2;
	else if (strcmp(argv[2], "grgid") == 0)
		c.kind = 3;
	else
		return 2;
	return lookup(&c);
}
