/* The daemon: waits on the cache with inotify. hcoop-sync replaces the
 * cache by renaming a new file over it, which the cache's directory
 * reports as IN_MOVED_TO; IN_CLOSE_WRITE covers a file written in place
 * (a test tool, an admin's copy). Each event naming the cache or its
 * delta file (CACHE.delta, where hcoop-sync writes most changes) triggers a
 * pass, which does nothing unless the cache generation changed. A pass
 * also runs every RESCAN_S seconds, in case an event was lost (inotify
 * queue overflow, a directory mounted over). Signals come through a
 * signalfd: SIGHUP forces a pass, SIGTERM/SIGINT stop. */
#include "routes.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "log.h"

#define RESCAN_S 60

struct watch {
	int ino, sig;
	char dir[PATH_MAX], base[NAME_MAX + 1];
};

static int watch_open(struct watch *w, const char *cache)
{
	char a[PATH_MAX], b[PATH_MAX];
	sigset_t set;

	if (snprintf(a, sizeof(a), "%s", cache) >= (int)sizeof(a))
		return -ENAMETOOLONG;
	memcpy(b, a, sizeof(b));
	snprintf(w->dir, sizeof(w->dir), "%s", dirname(a));
	if (snprintf(w->base, sizeof(w->base), "%s", basename(b)) >=
	    (int)sizeof(w->base))
		return -ENAMETOOLONG;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	w->sig = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (w->sig < 0)
		return -errno;
	w->ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (w->ino < 0)
		return -errno;
	if (inotify_add_watch(w->ino, w->dir, IN_MOVED_TO | IN_CLOSE_WRITE) < 0)
		return -errno;
	return 0;
}

static void watch_close(struct watch *w)
{
	if (w->ino >= 0)
		close(w->ino);
	if (w->sig >= 0)
		close(w->sig);
}

/* Is name the cache's or its delta's (cache_format.h, THE DELTA FILE)? */
static bool names_cache(const struct watch *w, const char *name)
{
	size_t n = strlen(w->base);

	return strncmp(name, w->base, n) == 0 &&
	       (name[n] == '\0' || strcmp(name + n, ".delta") == 0);
}

/* 1 if the queued events name the cache, 0 if not, -errno */
static int drain_events(const struct watch *w)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	int hit = 0;
	ssize_t n;
	char *p;

	for (;;) {
		n = read(w->ino, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? hit : -errno;
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			if (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED))
				hit = 1; /* lost events or lost the watch: look */
			if (ev->mask & IN_IGNORED)
				return -ENOENT;
			if (ev->len && names_cache(w, ev->name))
				hit = 1;
		}
	}
}

/* 1: stop; 0: go on (a pass was run when asked) */
static int on_signal(struct rt_state *st, const struct watch *w)
{
	struct signalfd_siginfo si;

	while (read(w->sig, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo != SIGHUP) {
			hc_info("signal %u: stopping", si.ssi_signo);
			return 1;
		}
		hc_info("SIGHUP: rewriting and reloading everything");
		rt_render(st, true);
	}
	return 0;
}

static int loop(struct rt_state *st, struct watch *w)
{
	struct pollfd pfd[2] = {{.fd = w->ino, .events = POLLIN},
				{.fd = w->sig, .events = POLLIN}};
	int n, r;

	for (;;) {
		n = poll(pfd, 2, RESCAN_S * 1000);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (pfd[1].revents && on_signal(st, w))
			return 0;
		if (n == 0) {
			rt_render(st, false);
			continue;
		}
		if (!pfd[0].revents)
			continue;
		r = drain_events(w);
		if (r < 0) {
			hc_err("lost the watch on %s: %s", w->dir, strerror(-r));
			return r;
		}
		if (r > 0)
			rt_render(st, false);
	}
}

int rt_watch(struct rt_state *st)
{
	struct watch w = {.ino = -1, .sig = -1};
	int r;

	r = watch_open(&w, st->cfg->cache);
	if (r < 0) {
		hc_err("cannot watch the directory of %s: %s", st->cfg->cache,
		       strerror(-r));
		goto out;
	}
	hc_info("watching %s for changes of %s", w.dir, w.base);
	rt_render(st, false); /* a missing cache is logged; we wait for it */
	r = loop(st, &w);
out:
	watch_close(&w);
	return r;
}
