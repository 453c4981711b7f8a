/* nss-lifetime: the cache handle's lifetime and fork safety, through the
 * module's entry points (its objects linked in, like nss-stress; built in
 * the ASan tree too). Usage: nss-lifetime CACHE MODE, MODE one of
 *
 *   tsd   a thread looks a name up, and at its exit a pthread key
 *         destructor that runs after the module's own cleanup replaces the
 *         cache and looks a name up again: must answer the new content
 *         (before the fix: heap-use-after-free under ASan).
 *   fork  while threads take the module's locks in a tight loop, fork
 *         200 times; each child looks names up and enumerates under a
 *         5 s alarm: a child that blocks (a lock copied in the held state)
 *         is killed by the alarm and counted.
 *   chroot  a child looks a name up, chroots into an empty directory
 *         (so the path can no longer be stat'ed) and keeps looking up for
 *         2.5 s, past the once-a-second check: every answer must still
 *         come from the mapping.
 *   rewrite  8 threads look names up while the cache is rewritten in
 *         place (same inode, never shorter: dd conv=notrunc) 20 times
 *         with the other version, the last time with a larger file whose
 *         strings now run across the old file's end: no thread dies, and
 *         afterwards lookups answer the new content (the stat check sees
 *         the new size or mtime). A rewrite that truncates (cp) cannot be
 *         survived by any reader of a shared mapping: see nss_hcoop(8).
 *
 * Exit 0 when every check held, 1 otherwise, 2 on usage or setup error. */
#include "cache.h"

#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum nss_status _nss_hcoop_getpwnam_r(const char *, struct passwd *, char *, size_t, int *);
enum nss_status _nss_hcoop_getgrnam_r(const char *, struct group *, char *, size_t, int *);
enum nss_status _nss_hcoop_setpwent(int);
enum nss_status _nss_hcoop_getpwent_r(struct passwd *, char *, size_t, int *);
enum nss_status _nss_hcoop_endpwent(void);

extern char **environ;

#define NUSERS 50

static const char *cache_path;
static int stop; /* atomic */

/* Version v of the data (v = 2: version 1 with longer gecos, so a larger
 * file). */
static int write_version(const char *path, int v)
{
	struct hc_cache_builder *b = hc_cache_builder_new();
	char name[32], gecos[48], dir[48];
	const char *mem[1] = { "u000" };
	int i, r = b ? 0 : -ENOMEM;

	for (i = 0; i < NUSERS && r == 0; i++) {
		struct hc_user_in u = { .name = name, .gecos = gecos, .dir = dir,
					.shell = "/bin/sh", .dn = "uid=x,dc=test",
					.host = "h", .uid = 30000 + i, .gid = 30000,
					.shadow_expire = HC_NO_EXPIRE };

		snprintf(name, sizeof(name), "u%03d", i);
		snprintf(gecos, sizeof(gecos), "v%d u%d%s", v == 2 ? 1 : v, i,
			 v == 2 ? "                    " : "");
		snprintf(dir, sizeof(dir), "/home/v%d/u%03d", v, i);
		r = hc_cache_builder_add_user(b, &u);
	}
	if (r == 0)
		r = hc_cache_builder_add_group(b, "g", 40000, mem, 1);
	if (r == 0)
		r = hc_cache_builder_write(b, path, (uint64_t)v + 1, "lifetime", 0);
	hc_cache_builder_free(b);
	return r;
}

/* The version u007 answers, -1 if none or not found. */
static int version_now(void)
{
	struct passwd pw;
	char buf[1024];
	int e;

	if (_nss_hcoop_getpwnam_r("u007", &pw, buf, sizeof(buf), &e) != NSS_STATUS_SUCCESS)
		return -1;
	if (strcmp(pw.pw_gecos, "v0 u7") == 0)
		return 0;
	if (strcmp(pw.pw_gecos, "v1 u7") == 0)
		return 1;
	if (strncmp(pw.pw_gecos, "v1 u7 ", 6) == 0)
		return 2;
	return -1;
}

/* ---- tsd ---- */

static pthread_key_t late_key;
static int late_version = -2;

static void late_lookup(void *arg)
{
	(void)arg;
	/* the module's own thread-exit cleanup (if any) has run by now: its
	 * key was created first, and destructors run in key order */
	if (write_version(cache_path, 1) < 0)
		return;
	late_version = version_now();
}

static void *tsd_thread(void *arg)
{
	(void)arg;
	if (version_now() != 0)
		return (void *)1;
	pthread_setspecific(late_key, &late_key);
	return NULL;
}

static void *first_thread(void *arg)
{
	(void)arg;
	return version_now() == 0 ? NULL : (void *)1;
}

/* One thread in a lookup at a time, none but the one under test holding
 * anything of the module's: the main thread never looks up before. */
static int run_thread(void *(*fn)(void *), void **res)
{
	pthread_t t;

	if (pthread_create(&t, NULL, fn, NULL) != 0)
		return -1;
	return pthread_join(t, res) == 0 ? 0 : -1;
}

static int mode_tsd(void)
{
	void *res;

	if (write_version(cache_path, 0) < 0 ||
	    run_thread(first_thread, &res) < 0 || res)
		return 2;
	/* created after any key the module makes at its first lookup, so its
	 * destructor runs after the module's */
	if (pthread_key_create(&late_key, late_lookup) != 0 ||
	    run_thread(tsd_thread, &res) < 0)
		return 2;
	printf("tsd: thread lookup %s, lookup in a late destructor answered v%d, "
	       "then main v%d\n", res ? "failed" : "ok", late_version, version_now());
	return res == NULL && late_version == 1 && version_now() == 1 ? 0 : 1;
}

/* ---- fork ---- */

static void *locker(void *arg)
{
	struct passwd pw;
	char buf[1024];
	int e;

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		/* setpwent/endpwent take the cursor lock and the handle's */
		_nss_hcoop_setpwent(0);
		_nss_hcoop_getpwent_r(&pw, buf, sizeof(buf), &e);
		_nss_hcoop_endpwent();
		version_now();
	}
	return NULL;
}

static void child_lookups(void)
{
	struct passwd pw;
	char buf[1024];
	int e, n = 0;

	alarm(5);
	if (version_now() < 0)
		_exit(3);
	_nss_hcoop_setpwent(0);
	while (_nss_hcoop_getpwent_r(&pw, buf, sizeof(buf), &e) == NSS_STATUS_SUCCESS)
		n++;
	_nss_hcoop_endpwent();
	_exit(n == NUSERS ? 0 : 4);
}

static int mode_fork(void)
{
	pthread_t t[2];
	int i, st, hung = 0, bad = 0;

	if (write_version(cache_path, 0) < 0 || version_now() != 0)
		return 2;
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, locker, NULL);
	for (i = 0; i < 200; i++) {
		pid_t pid = fork();

		if (pid == 0)
			child_lookups();
		if (pid < 0 || waitpid(pid, &st, 0) != pid)
			return 2;
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
			hung++;
		else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
		if (i % 20 == 19) /* new files now and then: reopen paths too */
			write_version(cache_path, (i / 20) % 2);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("fork: 200 children, %d hung, %d failed\n", hung, bad);
	return hung || bad ? 1 : 0;
}

/* ---- cp ---- */

static long answered; /* atomic */

static void *looker(void *arg)
{
	struct group gr;
	char buf[4096];
	int e;

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		/* during a rewrite anything but a crash is acceptable */
		if (version_now() >= 0)
			__atomic_fetch_add(&answered, 1, __ATOMIC_RELAXED);
		_nss_hcoop_getgrnam_r("g", &gr, buf, sizeof(buf), &e);
	}
	return NULL;
}

/* dd if=from of=to conv=notrunc: the same inode rewritten in place */
static int rewrite(const char *from, const char *to)
{
	char dd[] = "dd", in[4200], out[4200], conv[] = "conv=notrunc",
	     quiet[] = "status=none";
	char *argv[] = { dd, in, out, conv, quiet, NULL };
	pid_t pid;
	int st;

	snprintf(in, sizeof(in), "if=%s", from);
	snprintf(out, sizeof(out), "of=%s", to);
	if (posix_spawn(&pid, "/bin/dd", NULL, NULL, argv, environ) != 0 ||
	    waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int mode_rewrite(void)
{
	char other[3][4096];
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	pthread_t t[8];
	int i, v = 0, seen = -1;

	for (i = 0; i < 3; i++) {
		snprintf(other[i], sizeof(other[i]), "%s.v%d", cache_path, i);
		if (write_version(other[i], i) < 0)
			return 2;
	}
	if (write_version(cache_path, 0) < 0 || version_now() != 0)
		return 2;
	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, looker, NULL);
	for (i = 0; i < 20; i++) {
		nanosleep(&ts, NULL);
		v = i == 19 ? 2 : 1 - v;
		if (rewrite(other[v], cache_path) < 0)
			return 2;
	}
	/* the rewrite is noticed by the once-a-second check */
	for (i = 0; i < 40 && seen != v; i++) {
		nanosleep(&ts, NULL);
		nanosleep(&ts, NULL);
		seen = version_now();
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	printf("rewrite: 20 rewrites in place under 8 threads, %ld answers, "
	       "then v%d (want v%d)\n", answered, seen, v);
	return seen == v ? 0 : 1;
}

/* ---- chroot ---- */

static int mode_chroot(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	char dir[] = "/tmp/nss-lifetime.XXXXXX";
	int i, st, bad = 0;
	pid_t pid;

	if (write_version(cache_path, 0) < 0 || !mkdtemp(dir))
		return 2;
	pid = fork();
	if (pid == 0) {
		if (version_now() != 0 || chroot(dir) < 0 || chdir("/") < 0)
			_exit(2);
		for (i = 0; i < 25; i++) {
			nanosleep(&ts, NULL);
			bad += version_now() != 0;
		}
		_exit(bad ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 2;
	rmdir(dir);
	printf("chroot: child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	cache_path = argv[1];
	if (strcmp(argv[2], "tsd") == 0)
		return mode_tsd();
	if (strcmp(argv[2], "fork") == 0)
		return mode_fork();
	if (strcmp(argv[2], "chroot") == 0)
		return mode_chroot();
	if (strcmp(argv[2], "rewrite") == 0)
		return mode_rewrite();
	return 2;
}
