/* The cache guard. `cp backup CACHE` opens the published inode with
 * O_TRUNC: every process whose NSS mapping then touches a page past the
 * new end dies with SIGBUS, whatever the reader checks. So the daemon
 * holds a read lease (F_SETLEASE F_RDLCK) on each file it publishes (the
 * cache, and <cache>.delta when there is one): an open for writing or a
 * truncate(2) by any other process then waits in the kernel (up to
 * /proc/sys/fs/lease-break-time) and we are sent LEASE_SIG.
 *
 * On a break: copy the leased bytes (what we published) to a temporary
 * file beside it, fsync, rename it over the path; wait until every
 * reader's once-a-second stat has seen the new inode (READER_WAIT_MS, or
 * half the break time if that is shorter); then release the lease. The
 * writer goes on with the old inode, which nobody maps any more, the path
 * keeps our content, and we lease the new inode. A rename over the path
 * (mv, install) breaks no lease and needs none of this. Only the file's
 * owner (or CAP_LEASE) may lease it: the daemon owns what it writes.
 *
 * Threads: the guard thread waits on a signalfd and a stop eventfd; the
 * leases (g.s) belong to whoever holds g.lock. LEASE_SIG, and SIGIO (the
 * kernel's fallback when the real-time signal queue is full), are blocked
 * in every thread: hs_lease_start blocks them before the daemon creates
 * any other thread. The cache writer opens the old file for writing to
 * flag it superseded, which would break our own lease and then wait for
 * us: hs_lease_pause/resume drop the leases around every write and take
 * them again on what is then at the paths; the guard's own put-back holds
 * the same lock, so it never renames old content over a newer file.
 *
 * Failures are never fatal: a file that cannot be leased (EACCES: not its
 * owner; EAGAIN: open for writing somewhere; EINVAL: no leases on that
 * filesystem) is logged once and stays unprotected until the next write
 * tries again. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "fileio.h"
#include "lease.h"
#include "log.h"
#include "sync.h"

#define LEASE_SIG (SIGRTMIN + 2) /* glibc keeps 32 and 33 for itself */
#define MAX_PATHS 2
#define READER_WAIT_MS 2000 /* readers stat the path once a second */
#define BREAK_TIME_FILE "/proc/sys/fs/lease-break-time"
#define COPY_CHUNK 65536

struct slot {
	char *path;
	int fd;          /* the leased file (read-only), or -1 */
	struct stat st;  /* fd's inode when leased */
	int failed;      /* errno of the last failure logged, 0 if none */
};

static struct {
	pthread_mutex_t lock; /* owns s[] */
	pthread_t thread;
	bool running;         /* main thread only */
	int sigfd, stopfd;
	struct slot s[MAX_PATHS];
	size_t n;
} g = { .lock = PTHREAD_MUTEX_INITIALIZER, .sigfd = -1, .stopfd = -1 };

/* ---- one lease ---- */

static const char *why_unleased(int e)
{
	switch (e) {
	case EACCES:
		return "hcoop-sync is not its owner";
	case EAGAIN:
		return "some process has it open for writing";
	case EINVAL:
		return "no leases on this file system";
	default:
		return "lease refused";
	}
}

static void lease_failed(struct slot *s, int e)
{
	if (e == ENOENT) { /* no such file yet (a delta file): nothing to guard */
		hc_debug("cache guard: no %s to lease", s->path);
		return;
	}
	if (e != s->failed)
		hc_warn("cache guard: cannot lease %s: %s (%s); until the next "
			"write it is not protected against cp over it",
			s->path, strerror(e), why_unleased(e));
	s->failed = e;
}

static void lease_one(struct slot *s)
{
	int fd = open(s->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
				       O_NONBLOCK);
	/* the break signal goes to the process, whichever thread waits */
	struct f_owner_ex owner = { .type = F_OWNER_PID, .pid = getpid() };
	int e = 0;

	if (fd < 0)
		e = errno;
	else if (fstat(fd, &s->st) < 0)
		e = errno;
	else if (!S_ISREG(s->st.st_mode))
		e = EINVAL;
	else if (fcntl(fd, F_SETSIG, LEASE_SIG) < 0 ||
		 fcntl(fd, F_SETLEASE, F_RDLCK) < 0 ||
		 fcntl(fd, F_SETOWN_EX, &owner) < 0)
		e = errno;
	if (e) {
		if (fd >= 0)
			close(fd);
		lease_failed(s, e);
		return;
	}
	if (s->failed)
		hc_info("cache guard: %s is leased again", s->path);
	s->failed = 0;
	s->fd = fd;
	hc_debug("cache guard: leased %s (inode %llu)", s->path,
		 (unsigned long long)s->st.st_ino);
}

static void unlease_one(struct slot *s)
{
	if (s->fd < 0)
		return;
	(void)fcntl(s->fd, F_SETLEASE, F_UNLCK);
	close(s->fd);
	s->fd = -1;
}

/* A writer waits for us: during a break F_GETLEASE gives the type the
 * lease must go down to, F_UNLCK for an opener that wants to write. */
static bool break_pending(const struct slot *s)
{
	return s->fd >= 0 && fcntl(s->fd, F_GETLEASE) == F_UNLCK;
}

/* ---- putting the published content back ---- */

static int copy_fd(int from, int to, off_t size)
{
	static char buf[COPY_CHUNK]; /* under g.lock */
	off_t off = 0;
	ssize_t n;
	int r;

	while (off < size) {
		n = pread(from, buf, sizeof(buf), off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO; /* shorter than at fstat */
		if ((r = hc_write_all(to, buf, (size_t)n)) < 0)
			return r;
		off += n;
	}
	return 0;
}

static int copy_to_tmp(const struct slot *s, const struct stat *st,
		       char *tmp, size_t size)
{
	int fd = hc_create_tmp(s->path, tmp, size), r;

	if (fd < 0)
		return fd;
	r = copy_fd(s->fd, fd, st->st_size);
	if (r == 0 && fchmod(fd, st->st_mode & 07777) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

/* 0: our content is at the path again, as a new inode; 1: another file
 * is at the path already (renamed in: nothing to put back); -errno. */
static int put_back(const struct slot *s)
{
	struct stat now, at;
	char tmp[4096];
	int r;

	if (fstat(s->fd, &now) < 0)
		return -errno;
	if (stat(s->path, &at) < 0)
		return errno == ENOENT ? 1 : -errno;
	if (at.st_dev != now.st_dev || at.st_ino != now.st_ino)
		return 1;
	/* a writer let through earlier (the kernel's break timeout) may have
	 * changed it: never publish what we did not write */
	if (now.st_size != s->st.st_size ||
	    now.st_mtim.tv_sec != s->st.st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != s->st.st_mtim.tv_nsec)
		return -ESTALE;
	r = copy_to_tmp(s, &now, tmp, sizeof(tmp));
	if (r < 0)
		return r;
	if (rename(tmp, s->path) < 0) {
		r = -errno;
		unlink(tmp);
		return r;
	}
	(void)hc_fsync_dir_of(s->path); /* best effort: the rename is done */
	return 0;
}

/* ---- a break ---- */

static unsigned reader_wait_ms(void)
{
	FILE *f = fopen(BREAK_TIME_FILE, "re");
	long secs = -1;

	if (f) {
		if (fscanf(f, "%ld", &secs) != 1)
			secs = -1;
		fclose(f);
	}
	/* leave the kernel's timeout well ahead of our release */
	if (secs >= 0 && secs * 500 < READER_WAIT_MS)
		return (unsigned)(secs * 500);
	return READER_WAIT_MS;
}

/* Sleep ms, cut short by hs_lease_stop or SIGTERM. */
static void wait_readers(unsigned ms)
{
	struct pollfd p = { .fd = g.stopfd, .events = POLLIN };
	struct timespec t0, t;
	long left = ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (left > 0) {
		int n = poll(&p, 1, (int)left);

		if (n > 0)
			return; /* hs_lease_stop */
		/* EINTR: only the sync loop's thread takes signals */
		if (n < 0 && (errno != EINTR || hs_stop))
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - ((t.tv_sec - t0.tv_sec) * 1000 +
			     (t.tv_nsec - t0.tv_nsec) / 1000000);
	}
}

/* Somebody opened s for writing: move the readers off, then let it go. */
static void handle_break(struct slot *s)
{
	unsigned ms = reader_wait_ms();
	int r = put_back(s);

	if (r >= 0)
		wait_readers(ms); /* readers move to the path's new inode */
	unlease_one(s);
	if (r == 0)
		hc_warn("%s was opened for writing by another process (cp or "
			"truncate over it?) while programs had it mapped: "
			"hcoop-sync put its content back as a new file and let "
			"the writer through after %u ms on the old one, which "
			"nobody reads any more; replace the cache with mv or "
			"install, never cp over it", s->path, ms);
	else if (r == 1)
		hc_info("cache guard: a writer opened the file replaced at %s; "
			"let through after %u ms", s->path, ms);
	else
		hc_err("%s was opened for writing by another process and its "
		       "content could not be put back (%s): programs that "
		       "have it mapped may die (SIGBUS) if it is truncated; "
		       "replace the cache with mv or install, never cp over it",
		       s->path, r == -ESTALE ? "it had changed already"
					     : strerror(-r));
}

/* ---- paths ---- */

static void clear_paths(void)
{
	for (size_t i = 0; i < g.n; i++) {
		unlease_one(&g.s[i]);
		free(g.s[i].path);
	}
	g.n = 0;
}

/* The files this daemon publishes for cfg, leased. Under g.lock. */
static int set_paths(const struct hc_config *cfg)
{
	static const char *const suffix[MAX_PATHS] = { "", ".delta" };

	clear_paths();
	for (size_t i = 0; i < MAX_PATHS; i++) {
		struct slot *s = &g.s[g.n];

		memset(s, 0, sizeof(*s));
		s->fd = -1;
		if (asprintf(&s->path, "%s%s", cfg->cache, suffix[i]) < 0)
			return -ENOMEM;
		g.n++;
		lease_one(s);
	}
	return 0;
}

/* ---- the guard thread ---- */

static void drain_signals(void)
{
	struct signalfd_siginfo si;

	while (read(g.sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		hc_debug("cache guard: signal %u for fd %d", si.ssi_signo,
			 si.ssi_fd);
}

/* Every slot is checked, whatever the signal said: SIGIO (queue full)
 * names no file, and a signal may be late for a lease already dropped. */
static void *guard_main(void *arg)
{
	struct pollfd p[2] = { { .fd = g.sigfd, .events = POLLIN },
			       { .fd = g.stopfd, .events = POLLIN } };

	(void)arg;
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			hc_err("cache guard: poll: %s; the cache is no longer "
			       "protected against cp over it", strerror(errno));
			/* nobody would answer a break: let writers through */
			pthread_mutex_lock(&g.lock);
			clear_paths();
			pthread_mutex_unlock(&g.lock);
			break;
		}
		if (p[1].revents)
			break;
		drain_signals();
		pthread_mutex_lock(&g.lock);
		for (size_t i = 0; i < g.n; i++) {
			if (!break_pending(&g.s[i]))
				continue;
			handle_break(&g.s[i]);
			lease_one(&g.s[i]);
		}
		pthread_mutex_unlock(&g.lock);
	}
	return NULL;
}

/* ---- the API ---- */

static int open_fds(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, LEASE_SIG);
	sigaddset(&set, SIGIO);
	/* here, before any other thread: they all inherit it */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -EINVAL;
	g.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (g.sigfd < 0)
		return -errno;
	g.stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (g.stopfd < 0)
		return -errno;
	return 0;
}

static void close_fds(void)
{
	if (g.sigfd >= 0)
		close(g.sigfd);
	if (g.stopfd >= 0)
		close(g.stopfd);
	g.sigfd = g.stopfd = -1;
}

int hs_lease_start(const struct hc_config *cfg)
{
	sigset_t all, old;
	int r;

	if (g.running)
		return 0;
	if ((r = open_fds()) < 0)
		goto fail;
	pthread_mutex_lock(&g.lock);
	r = set_paths(cfg);
	pthread_mutex_unlock(&g.lock);
	if (r < 0)
		goto fail;
	/* SIGTERM and SIGHUP are the sync loop's */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&g.thread, NULL, guard_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		goto fail;
	g.running = true;
	return 0;
fail:
	pthread_mutex_lock(&g.lock);
	clear_paths();
	pthread_mutex_unlock(&g.lock);
	close_fds();
	return r;
}

void hs_lease_stop(void)
{
	uint64_t one = 1;

	if (!g.running)
		return;
	if (write(g.stopfd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		hc_err("cache guard: cannot stop the thread: %s",
		       strerror(errno));
	else
		pthread_join(g.thread, NULL);
	g.running = false;
	pthread_mutex_lock(&g.lock);
	clear_paths();
	pthread_mutex_unlock(&g.lock);
	close_fds();
	hc_debug("cache guard: stopped, leases released");
}

void hs_lease_pause(void)
{
	if (!g.running)
		return;
	pthread_mutex_lock(&g.lock);
	for (size_t i = 0; i < g.n; i++) {
		/* a writer already waiting: move the readers off first */
		if (break_pending(&g.s[i]))
			handle_break(&g.s[i]);
		unlease_one(&g.s[i]);
	}
}

void hs_lease_resume(void)
{
	if (!g.running)
		return;
	for (size_t i = 0; i < g.n; i++)
		lease_one(&g.s[i]);
	pthread_mutex_unlock(&g.lock);
}

void hs_lease_reconfigure(const struct hc_config *cfg)
{
	if (!g.running)
		return;
	pthread_mutex_lock(&g.lock);
	if (g.n == 0 || strcmp(g.s[0].path, cfg->cache) != 0) {
		if (set_paths(cfg) < 0)
			hc_err("cache guard: out of memory; the cache is not "
			       "protected against cp over it");
	}
	pthread_mutex_unlock(&g.lock);
}
