/* The one way our programs and modules run another program: hcoop-mkhome
 * from pam_hcoop's session step (inside sshd, login, su) and from
 * hcoop-sync's precreate_homes, route reloads, restore commands.
 *
 * The child starts clean: argv[0] by absolute path, the given environment
 * (none by default), stdin/stdout on /dev/null, stderr a pipe we read, no
 * other descriptor, an empty signal mask, every signal at its default
 * action, its own process group. The caller's process-wide state is never
 * touched: the child is created with no exit signal, so the host
 * application's SIGCHLD handler (or SIG_IGN) neither sees nor reaps it, and
 * we wait on it alone through a pidfd.
 *
 * One deadline rule: the deadline counts from the start; when it passes,
 * the child's whole process group is killed (SIGKILL) and reaped, and the
 * result says so. Nothing here logs. */
#ifndef HCOOP_SPAWN_H
#define HCOOP_SPAWN_H

#include <stdbool.h>
#include <stddef.h>

/* The deadline for running hcoop-mkhome, the same from pam_hcoop's session
 * step (a login waits for it) and hcoop-sync's precreate_homes: a home
 * that takes longer to build is a fault to look at, not to wait for. */
#define HC_MKHOME_TIMEOUT_MS 10000u

struct hc_spawn_req {
	char *const *argv;    /* argv[0] must be an absolute path */
	char *const *envp;    /* NULL: an empty environment */
	unsigned timeout_ms;  /* 0 is refused: every wait is bounded */
	char *err;            /* the child's stderr (first errlen-1 bytes,
				 NUL-terminated); may be NULL */
	size_t errlen;
};

struct hc_spawn_res {
	bool timed_out;  /* killed at the deadline */
	bool exited;     /* exited normally: see code */
	int code;        /* exit status, or the signal number if !exited */
};

/* 0 when the child ran (res says how it ended), or a negative errno when it
 * could not be started: -EINVAL (relative path, no deadline), or what
 * pipe/clone/pidfd returned. */
int hc_spawn_run(const struct hc_spawn_req *req, struct hc_spawn_res *res);

/* A one-line description of res for logs ("exit status 3", "signal 9",
 * "killed after 10000 ms"). */
const char *hc_spawn_describe(const struct hc_spawn_req *req,
			      const struct hc_spawn_res *res, char *buf,
			      size_t len);

#endif
