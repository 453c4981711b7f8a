/* hcoop-mkhome --restore USER: the home is built under its temporary name
 * as always, then filled by restore_command (hcoop.conf(5)) BEFORE it is
 * renamed into place, so the member never sees a half-restored home.
 *
 * A restore may take hours; hcoop-sync (precreate_homes) must not wait for
 * it. So once the temporary home is built, we fork: the parent answers at
 * once (exit 0, "restore started"), the child leaves the caller's process
 * group and session, waits its turn (one restore at a time per host, a lock
 * file), runs the command through the one spawn helper with its own
 * deadline, makes every file the member's, re-applies the top's owner,
 * mode and ACLs, and renames the home into place. Its progress is a state
 * file per member, DIR/restores/USER next to the cache (pending, running,
 * done, failed, skipped), which `hcoopctl homes restores` shows. */
#include "mkhome.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "child.h"

#define RESTORE_TIMEOUT_MS (2u * 3600u * 1000u)
#define MAX_ARGS 32

/* DIR/restores, DIR being the cache file's directory; created 0755. */
static int state_dir(const struct hc_config *cfg, char *buf, size_t len)
{
	const char *slash = strrchr(cfg->cache, '/');
	int n;

	if (!slash)
		return -EINVAL;
	n = snprintf(buf, len, "%.*s/restores", (int)(slash - cfg->cache), cfg->cache);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* "STATE UNIXTIME text" into DIR/restores/USER (temp file + rename). */
__attribute__((format(printf, 3, 4)))
static void state_set(const struct hc_config *cfg, const char *user,
		      const char *fmt, ...)
{
	char dir[4096], tmp[4200], path[4200], text[1024];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	for (char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	if (state_dir(cfg, dir, sizeof(dir)) < 0)
		return;
	snprintf(tmp, sizeof(tmp), "%s/.%s.%ld", dir, user, (long)getpid());
	snprintf(path, sizeof(path), "%s/%s", dir, user);
	f = fopen(tmp, "we");
	if (!f)
		return;
	fprintf(f, "%s\n", text);
	if (fclose(f) != 0 || rename(tmp, path) < 0)
		unlink(tmp);
}

/* restore_command split on blanks, %u %h %% replaced; bufs hold words. */
static int expand(const char *cmd, const char *user, const char *home,
		  char bufs[MAX_ARGS][4096], char **argv)
{
	char copy[4096], *save = NULL, *tok;
	size_t n = 0;

	if (snprintf(copy, sizeof(copy), "%s", cmd) >= (int)sizeof(copy))
		return -E2BIG;
	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		size_t o = 0;

		if (n + 1 >= MAX_ARGS)
			return -E2BIG;
		for (const char *p = tok; *p; p++) {
			const char *sub = NULL;
			char one[2] = { *p, '\0' };

			if (*p == '%' && (p[1] == 'u' || p[1] == 'h' || p[1] == '%')) {
				sub = p[1] == 'u' ? user : p[1] == 'h' ? home : "%";
				p++;
			}
			o += (size_t)snprintf(bufs[n] + o, o < 4096 ? 4096 - o : 0, "%s",
					      sub ? sub : one);
			if (o >= 4096)
				return -E2BIG;
		}
		argv[n] = bufs[n];
		n++;
	}
	argv[n] = NULL;
	return n > 0 && argv[0][0] == '/' ? 0 : -EINVAL;
}

static int run_command(const struct hc_config *cfg, const struct mk_user *u,
		       const char *home, char *why, size_t whylen)
{
	static char env_path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
		    env_home[] = "HOME=/root";
	static char bufs[MAX_ARGS][4096];
	char *argv[MAX_ARGS], *envp[] = { env_path, env_home, NULL };
	char err[1024] = "", how[96];
	struct hc_spawn_req req = { .argv = argv, .envp = envp,
				    .timeout_ms = RESTORE_TIMEOUT_MS,
				    .err = err, .errlen = sizeof(err) };
	struct hc_spawn_res res;
	int r = expand(cfg->restore_command, u->name, home, bufs, argv);

	if (r < 0) {
		snprintf(why, whylen, "restore_command: %s", strerror(-r));
		return r;
	}
	r = hc_spawn_run(&req, &res);
	if (r < 0) {
		snprintf(why, whylen, "cannot run %s: %s", argv[0], strerror(-r));
		return r;
	}
	if (res.exited && res.code == 0)
		return 0;
	for (char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	snprintf(why, whylen, "%s: %s%s%s", argv[0],
		 hc_spawn_describe(&req, &res, how, sizeof(how)), err[0] ? ": " : "", err);
	return -EIO;
}

/* Every entry of the restored tree becomes the member's: lchown, never
 * following a symlink nor leaving the filesystem. nftw has no context
 * argument; one walk per process. */
static uid_t own_uid;
static gid_t own_gid;
static int own_failed;

static int own_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	if (type == FTW_NS || type == FTW_DNR || lchown(path, own_uid, own_gid) < 0)
		own_failed = errno ? errno : EIO;
	return 0;
}

static int own_tree(const char *path, const struct mk_user *u)
{
	own_uid = u->uid;
	own_gid = u->gid;
	own_failed = 0;
	if (nftw(path, own_one, 32, FTW_PHYS | FTW_MOUNT) < 0)
		return -errno;
	return own_failed ? -own_failed : 0;
}

/* In the detached child: the restore itself, then the rename. */
static int restore_and_install(const struct hc_config *cfg,
			       const struct mk_template *t,
			       const struct mk_user *u, int parentfd,
			       const char *tmpname, int homefd)
{
	char path[4352], why[1200] = "";
	struct stat st;
	int r;

	snprintf(path, sizeof(path), "%s/%s", cfg->home_base, tmpname);
	/* root's alone while root's command writes into it */
	if (fchown(homefd, 0, 0) < 0 || fchmod(homefd, 0700) < 0) {
		state_set(cfg, u->name, "failed %ld cannot take the temporary home: %s",
			  (long)time(NULL), strerror(errno));
		return -1;
	}
	state_set(cfg, u->name, "running %ld %s", (long)time(NULL), cfg->restore_command);
	r = run_command(cfg, u, path, why, sizeof(why));
	if (r == 0 && (r = own_tree(path, u)) < 0)
		snprintf(why, sizeof(why), "making the files %s's: %s", u->name, strerror(-r));
	if (r == 0 && (r = mk_apply_top(t, u, homefd)) < 0)
		snprintf(why, sizeof(why), "owner, mode and ACLs of the home: %s", strerror(-r));
	if (r == 0 && fstatat(parentfd, u->leaf, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		snprintf(why, sizeof(why), "%.900s appeared meanwhile (a login?): the "
			 "restored copy is discarded, restore by hand", u->home);
		r = -EEXIST;
	}
	if (r == 0 && mk_install(parentfd, tmpname, u) != MK_OK) {
		snprintf(why, sizeof(why), "cannot rename the home into place");
		r = -EIO;
	}
	if (r < 0) {
		mk_remove_tree(parentfd, tmpname);
		state_set(cfg, u->name, "failed %ld %s", (long)time(NULL), why);
		hc_err("%s: restore failed: %s", u->name, why);
		return -1;
	}
	state_set(cfg, u->name, "done %ld %s", (long)time(NULL), u->home);
	hc_info("%s: home %.200s restored", u->name, u->home);
	return 0;
}

/* One restore at a time on this host: the others wait here, pending. */
static int take_turn(const struct hc_config *cfg)
{
	char dir[4096], lock[4200];
	int fd;

	if (state_dir(cfg, dir, sizeof(dir)) < 0)
		return -1;
	snprintf(lock, sizeof(lock), "%s/.lock", dir);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

enum mk_exit mk_restore_detached(const struct hc_config *cfg,
				 const struct mk_template *t,
				 const struct mk_user *u, int parentfd,
				 const char *tmpname, int homefd)
{
	int devnull, lock, ok;
	pid_t pid;

	state_set(cfg, u->name, "pending %ld waiting for its turn", (long)time(NULL));
	pid = fork();
	if (pid < 0) {
		hc_err("%s: restore: fork: %m", u->name);
		mk_remove_tree(parentfd, tmpname);
		state_set(cfg, u->name, "failed %ld fork: %s", (long)time(NULL), strerror(errno));
		return MK_IO;
	}
	if (pid > 0) {
		printf("%s: restore started in the background (pid %ld)\n", u->name, (long)pid);
		return MK_OK;
	}
	/* the child: out of the caller's group (its deadline) and pipes */
	setsid();
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		close(devnull);
	}
	lock = take_turn(cfg);
	ok = restore_and_install(cfg, t, u, parentfd, tmpname, homefd);
	if (lock >= 0)
		close(lock);
	_exit(ok == 0 ? MK_OK : MK_IO);
}

void mk_restore_state(const struct hc_config *cfg, const char *user,
		      const char *state, const char *text)
{
	state_set(cfg, user, "%s %ld %s", state, (long)time(NULL), text);
}
