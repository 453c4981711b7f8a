/* precreate_homes: run hcoop-mkhome for a member newly assigned to this
 * host, so mail forwarded here can land before their first login. mkhome
 * trusts no caller and re-checks everything from the cache; we only give
 * it a clean start: absolute path, empty environment, fds 0-2 on
 * /dev/null, nothing else inherited, and a bounded wait. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sync.h"

#define MKHOME_WAIT_MS 30000
#define MKHOME_POLL_MS 20

static void child_exec(const struct hc_config *cfg, const char *user)
{
	static char opt_c[] = "-c";
	char *const argv[] = { (char *)(uintptr_t)cfg->mkhome, opt_c,
			       (char *)(uintptr_t)cfg->path,
			       (char *)(uintptr_t)user, NULL };
	char *const envp[] = { NULL };
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		_exit(127);
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(127);
	/* every other descriptor (the LDAP socket, the cache) stays ours */
	closefrom(3);
	execve(cfg->mkhome, argv, envp);
	_exit(127);
}

static int wait_bounded(pid_t pid, int *status)
{
	struct timespec ts = { 0, MKHOME_POLL_MS * 1000000L };
	int waited = 0;
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (waited >= MKHOME_WAIT_MS)
			break;
		nanosleep(&ts, NULL);
		waited += MKHOME_POLL_MS;
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return -ETIMEDOUT;
}

int hs_precreate_home(const struct hc_config *cfg, const char *user)
{
	int status = 0, r;
	pid_t pid;

	if (!cfg->mkhome || cfg->mkhome[0] != '/' || !cfg->path) {
		hc_err("precreate_homes: mkhome must be an absolute path");
		return -EINVAL;
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		hc_err("precreate_homes: fork: %s", strerror(-r));
		return r;
	}
	if (pid == 0)
		child_exec(cfg, user);
	r = wait_bounded(pid, &status);
	if (r == -ETIMEDOUT) {
		hc_err("precreate_homes: %s %s did not finish within %d s; "
		       "killed", cfg->mkhome, user, MKHOME_WAIT_MS / 1000);
		return r;
	}
	if (r < 0)
		return r;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		hc_info("precreate_homes: %s %s done", cfg->mkhome, user);
		return 0;
	}
	hc_warn("precreate_homes: %s %s failed (%s %d)", cfg->mkhome, user,
		WIFEXITED(status) ? "exit status" : "signal",
		WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return -EIO;
}
