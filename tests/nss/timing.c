/* nss-timing: a hang detector for damaged or hostile caches (not a
 * benchmark). Calls every lookup entry point of the module (its objects
 * linked in) on /var/lib/hcoop/cache the way glibc does, retrying with a
 * doubled buffer on ERANGE (from 1 KiB, up to 256 MiB), and times each
 * whole lookup, retries included, and each whole enumeration step.
 * Time is this thread's CPU time, so a loaded machine does not make a
 * lookup look slow. Usage: nss-timing MAX_MS. Prints each lookup's status
 * ("grnam big UNAVAIL 0.1") and the slowest call; exit 1 if any took
 * longer than MAX_MS milliseconds, 2 on usage. */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum nss_status _nss_hcoop_getpwnam_r(const char *, struct passwd *, char *, size_t, int *);
enum nss_status _nss_hcoop_getpwuid_r(uid_t, struct passwd *, char *, size_t, int *);
enum nss_status _nss_hcoop_getgrnam_r(const char *, struct group *, char *, size_t, int *);
enum nss_status _nss_hcoop_getgrgid_r(gid_t, struct group *, char *, size_t, int *);
enum nss_status _nss_hcoop_setpwent(int);
enum nss_status _nss_hcoop_getpwent_r(struct passwd *, char *, size_t, int *);
enum nss_status _nss_hcoop_endpwent(void);
enum nss_status _nss_hcoop_setgrent(int);
enum nss_status _nss_hcoop_getgrent_r(struct group *, char *, size_t, int *);
enum nss_status _nss_hcoop_endgrent(void);
enum nss_status _nss_hcoop_initgroups_dyn(const char *, gid_t, long *, long *, gid_t **, long, int *);

#define MAXBUF ((size_t)256 << 20)

enum op { PWNAM, PWUID, GRNAM, GRGID, PWENT, GRENT };

struct q {
	enum op op;
	const char *name;
	unsigned id;
	const char *label;
};

static double worst_ms;
static char worst[64];

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static enum nss_status call(const struct q *q, char *buf, size_t len, int *e)
{
	struct passwd pw;
	struct group gr;

	switch (q->op) {
	case PWNAM: return _nss_hcoop_getpwnam_r(q->name, &pw, buf, len, e);
	case PWUID: return _nss_hcoop_getpwuid_r(q->id, &pw, buf, len, e);
	case GRNAM: return _nss_hcoop_getgrnam_r(q->name, &gr, buf, len, e);
	case GRGID: return _nss_hcoop_getgrgid_r(q->id, &gr, buf, len, e);
	case PWENT: return _nss_hcoop_getpwent_r(&pw, buf, len, e);
	case GRENT: return _nss_hcoop_getgrent_r(&gr, buf, len, e);
	}
	return NSS_STATUS_UNAVAIL;
}

/* One lookup as glibc makes it: grow the buffer on ERANGE. */
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

static enum nss_status lookup(const struct q *q, double *ms)
{
	size_t len = 1024;
	double t0 = now_ms(), dt;
	enum nss_status st;
	char *buf = NULL;
	int e = 0;

	for (;;) {
		char *nb = realloc(buf, len);

		if (!nb) {
			st = NSS_STATUS_UNAVAIL;
			break;
		}
		buf = nb;
		st = call(q, buf, len, &e);
		if (st != NSS_STATUS_TRYAGAIN || e != ERANGE || len >= MAXBUF)
			break;
		len *= 2;
	}
	dt = now_ms() - t0;
	if (dt > worst_ms) {
		worst_ms = dt;
		snprintf(worst, sizeof(worst), "%s", q->label);
	}
	if (ms)
		*ms = dt;
	free(buf);
	return st;
}

static void time_initgroups(void)
{
	long start = 0, size = 8;
	gid_t *g = malloc(size * sizeof(*g));
	double t0 = now_ms(), dt;
	int e;

	if (!g)
		return;
	_nss_hcoop_initgroups_dyn("alice", 10001, &start, &size, &g, 0, &e);
	dt = now_ms() - t0;
	if (dt > worst_ms) {
		worst_ms = dt;
		snprintf(worst, sizeof(worst), "initgroups alice");
	}
	free(g);
}

int main(int argc, char **argv)
{
	static const struct q qs[] = {
		{ PWNAM, "alice", 0, "pwnam alice" }, { PWUID, NULL, 10001, "pwuid 10001" },
		{ PWUID, NULL, 10002, "pwuid 10002" }, { GRNAM, "big", 0, "grnam big" },
		{ GRGID, NULL, 20001, "grgid 20001" }, { GRNAM, "alice", 0, "grnam alice" },
		{ GRNAM, "hcstaff", 0, "grnam hcstaff" }, { GRGID, NULL, 10002, "grgid 10002" },
	};
	const struct q pwent = { PWENT, NULL, 0, "getpwent" },
		       grent = { GRENT, NULL, 0, "getgrent" };
	double max;
	size_t i;
	int n;

	if (argc != 2 || (max = strtod(argv[1], NULL)) <= 0)
		return 2;
	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		double ms;
		enum nss_status st = lookup(&qs[i], &ms);

		printf("%s %s %.1f\n", qs[i].label, status_name(st), ms);
	}
	time_initgroups();
	_nss_hcoop_setpwent(0);
	for (n = 0; n < 100000 && lookup(&pwent, NULL) == NSS_STATUS_SUCCESS; n++)
		;
	_nss_hcoop_endpwent();
	_nss_hcoop_setgrent(0);
	for (n = 0; n < 100000 && lookup(&grent, NULL) == NSS_STATUS_SUCCESS; n++)
		;
	_nss_hcoop_endgrent();
	printf("slowest: %s %.1f ms\n", worst, worst_ms);
	return worst_ms > max ? 1 : 0;
}
