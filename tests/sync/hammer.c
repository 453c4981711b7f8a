/* hs-hammer: 8 threads look names up through real glibc NSS (getpwnam_r,
 * getpwuid_r, getgrnam_r, getgrouplist: whatever nsswitch.conf says,
 * libnss_hcoop for the test) until the file STOP exists. Every lookup of
 * every NAME must find it: the count of misses is printed and makes the
 * exit status 1. A mapping cut under the process (cp over the cache)
 * kills it with SIGBUS instead, which the caller sees as 128+7.
 * Usage: hs-hammer STOP NAME... (prints "ready" to stdout once the first
 * round of lookups succeeded). */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NTHREADS 8

static char **names;
static int nnames;
static int stop;     /* atomic */
static long lookups; /* atomic */
static long misses;  /* atomic */

static void miss(const char *what, const char *name)
{
	if (__atomic_fetch_add(&misses, 1, __ATOMIC_RELAXED) < 10)
		fprintf(stderr, "hs-hammer: %s %s: not found\n", what, name);
}

/* One lookup of each kind for name; 0 when all found it. */
static int look(const char *name)
{
	char buf[16384];
	struct passwd pw, *pr = NULL;
	struct group gr, *grr = NULL;
	gid_t groups[64];
	int ng = 64, bad = 0;

	if (getpwnam_r(name, &pw, buf, sizeof(buf), &pr) != 0 || !pr) {
		miss("getpwnam", name);
		return -1;
	}
	uid_t uid = pw.pw_uid;
	gid_t gid = pw.pw_gid;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &pr) != 0 || !pr ||
	    strcmp(pw.pw_name, name) != 0) {
		miss("getpwuid of", name);
		bad = -1;
	}
	if (getgrgid_r(gid, &gr, buf, sizeof(buf), &grr) != 0 || !grr) {
		miss("getgrgid of the primary group of", name);
		bad = -1;
	}
	/* initgroups' index: it always answers (the primary gid at least) */
	(void)getgrouplist(name, gid, groups, &ng);
	__atomic_fetch_add(&lookups, 4, __ATOMIC_RELAXED);
	return bad;
}

static void *worker(void *arg)
{
	int i = (int)(long)arg;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		(void)look(names[i % nnames]);
		i++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	pthread_t t[NTHREADS];
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: hs-hammer STOP NAME...\n");
		return 2;
	}
	names = argv + 2;
	nnames = argc - 2;
	for (i = 0; i < nnames; i++)
		if (look(names[i]) < 0)
			return 2; /* not set up: nothing to hammer */
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(long)i) != 0)
			return 2;
	printf("ready\n");
	fflush(stdout);
	while (access(argv[1], F_OK) != 0)
		nanosleep(&ts, NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	printf("%ld lookups by %d threads, %ld misses\n", lookups, NTHREADS,
	       misses);
	return misses ? 1 : 0;
}
