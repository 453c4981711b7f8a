/* hc_spawn_run: see child.h for the contract. */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* In the child: only async-signal-safe calls (the parent may have threads,
 * and after clone3 there is no glibc fork bookkeeping at all). */
static void exec_child(const struct hc_spawn_req *req, int errfd)
{
	static char *const empty[] = { NULL };
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	/* an application running with 0-2 closed may have our fds there:
	 * lift them above 2 before the dup2()s */
	if (null >= 0)
		null = fcntl(null, F_DUPFD_CLOEXEC, 3);
	errfd = fcntl(errfd, F_DUPFD_CLOEXEC, 3);
	if (null < 0 || errfd < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(errfd, 2) < 0)
		_exit(126);
	if (close_range(3, ~0U, 0) < 0) {
		long max = sysconf(_SC_OPEN_MAX);

		for (long fd = 3; fd < (max > 0 ? max : 1024); fd++)
			close((int)fd);
	}
	execve(req->argv[0], req->argv, req->envp ? req->envp : empty);
	_exit(127);
}

static long raw_clone(int exit_signal, int *pidfd)
{
	struct clone_args args = {
		.flags = pidfd ? CLONE_PIDFD : 0,
		.pidfd = (uint64_t)(uintptr_t)pidfd,
		.exit_signal = (uint64_t)exit_signal,
	};

	return syscall(SYS_clone3, &args, sizeof(args));
}

/* glibc's sigaction() refuses its two internal signals (32, 33), yet a
 * parent can hand them down ignored and exec keeps that. The kernel's
 * rt_sigaction takes them: an all-zero struct is SIG_DFL, no flags, an
 * empty mask, whatever the architecture's layout. */
static void default_raw(int sig)
{
	static const unsigned long zero[16];

	syscall(SYS_rt_sigaction, sig, zero, NULL, (size_t)(NSIG - 1) / 8);
}

/* The intermediate process. An execve() resets a process's exit signal to
 * SIGCHLD, so the program itself cannot be our direct child without
 * becoming visible to the application's SIGCHLD handling. This process
 * never execs: it keeps exit signal 0, starts the program with clean
 * signal state, tells us its pid through stfd, waits for it and hands its
 * wait status to us through stfd too. The program leads a new process
 * group (set on both sides of the clone, so neither order races), so the
 * deadline kills it and whatever it started while this process stays
 * alive to reap it: nothing is left for init to collect. */
static void intermediate(const struct hc_spawn_req *req, int errfd, int stfd)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int status = 0, prog;
	long pid;

	/* sshd or a daemon may block or ignore signals, and exec keeps
	 * both; SIGCHLD at its default also lets us wait below */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP &&
		    sigaction(sig, &dfl, NULL) < 0)
			default_raw(sig);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	pid = raw_clone(SIGCHLD, NULL);
	if (pid < 0 && errno == ENOSYS)
		pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		exec_child(req, errfd);
	}
	if (pid < 0)
		_exit(125);
	setpgid((pid_t)pid, (pid_t)pid);
	prog = (int)pid;
	if (write(stfd, &prog, sizeof(prog)) != sizeof(prog))
		_exit(125);
	while (waitpid((pid_t)pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(125);
	if (write(stfd, &status, sizeof(status)) != sizeof(status))
		_exit(125);
	_exit(0);
}

/* Start the intermediate with no exit signal: invisible to the
 * application's wait(-1), never auto-reaped by its SIGCHLD=SIG_IGN. Falls
 * back to fork() + pidfd_open() where clone3 is unavailable (old kernel,
 * seccomp), where an application reaping every child can take the status
 * from us (reported as -ECHILD). */
static pid_t start(const struct hc_spawn_req *req, int errfd, int stfd,
		   int *pidfd)
{
	long pid = raw_clone(0, pidfd);

	if (pid < 0 && (errno == ENOSYS || errno == EPERM)) {
		pid = fork();
		if (pid > 0) {
			*pidfd = pidfd_open((pid_t)pid, 0);
			if (*pidfd < 0) {
				int e = errno;

				kill((pid_t)pid, SIGKILL);
				while (waitpid((pid_t)pid, NULL, 0) < 0 &&
				       errno == EINTR)
					;
				errno = e;
				return -1;
			}
		}
	}
	if (pid == 0)
		intermediate(req, errfd, stfd);
	return (pid_t)pid;
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000L +
	       (deadline->tv_nsec - now.tv_nsec) / 1000000L;
}

/* Append what the child wrote; false once the pipe is closed. */
static bool drain(int fd, const struct hc_spawn_req *req, size_t *used)
{
	char tmp[512];
	ssize_t n = read(fd, tmp, sizeof(tmp));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	if (req->err && *used + 1 < req->errlen) {
		size_t k = (size_t)n;

		if (k > req->errlen - 1 - *used)
			k = req->errlen - 1 - *used;
		memcpy(req->err + *used, tmp, k);
		*used += k;
		req->err[*used] = '\0';
	}
	return true;
}

/* One int from stfd (the program's pid, then its wait status); waits at
 * most timeout_ms (-1: until the intermediate has written or exited). */
static bool read_int(int stfd, int timeout_ms, int *v)
{
	struct pollfd p = { .fd = stfd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, timeout_ms) <= 0)
		return false;
	do
		n = read(stfd, v, sizeof(*v));
	while (n < 0 && errno == EINTR);
	return n == sizeof(*v);
}

/* Reap the intermediate; the program's wait status comes from stfd. */
static int reap(int pidfd, int stfd, bool have_prog, struct hc_spawn_res *res)
{
	siginfo_t si;
	int status, prog;

	memset(&si, 0, sizeof(si));
	while (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED | __WALL) < 0)
		if (errno != EINTR)
			return -errno;
	if (res->timed_out) {
		res->code = SIGKILL;
		return 0;
	}
	/* it has exited: whatever it wrote is there, EOF after that */
	if ((!have_prog && !read_int(stfd, -1, &prog)) ||
	    !read_int(stfd, -1, &status))
		return -ECHILD; /* the intermediate could not start or wait */
	res->exited = WIFEXITED(status);
	res->code = res->exited ? WEXITSTATUS(status) : WTERMSIG(status);
	return 0;
}

/* The deadline passed: kill the program's group, let the intermediate reap
 * it (it does nothing else; 1 s at most), then reap the intermediate. */
static int kill_at_deadline(int pidfd, int stfd,
			    struct hc_spawn_res *res)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int prog = 0;
	bool have_prog = read_int(stfd, 0, &prog) && prog > 0;

	res->timed_out = true;
	if (have_prog) {
		kill(-(pid_t)prog, SIGKILL); /* what it started, too */
		kill((pid_t)prog, SIGKILL);  /* before its setpgid, if ever */
	}
	if (!have_prog || poll(&p, 1, 1000) <= 0)
		pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
	return reap(pidfd, stfd, have_prog, res);
}

/* Wait for the child (pidfd) until the deadline, reading its stderr. */
static int wait_child(const struct hc_spawn_req *req, int pidfd,
		      int errfd, int stfd, struct hc_spawn_res *res)
{
	struct timespec deadline;
	bool open_pipe = true;
	size_t used = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += req->timeout_ms / 1000;
	deadline.tv_nsec += (long)(req->timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	for (;;) {
		struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN },
				       { .fd = open_pipe ? errfd : -1,
					 .events = POLLIN } };
		long left = ms_left(&deadline);

		if (left <= 0)
			break;
		if (poll(p, 2, left > 1000 ? 1000 : (int)left) < 0 &&
		    errno != EINTR)
			break;
		if (p[1].revents)
			open_pipe = drain(errfd, req, &used);
		if (p[0].revents & POLLIN) {
			/* what it wrote just before exiting is still in the
			 * pipe; read without blocking (a grandchild may hold
			 * the pipe open) */
			struct pollfd e = { .fd = errfd, .events = POLLIN };

			while (open_pipe && poll(&e, 1, 0) > 0)
				open_pipe = drain(errfd, req, &used);
			return reap(pidfd, stfd, false, res);
		}
	}
	return kill_at_deadline(pidfd, stfd, res);
}

int hc_spawn_run(const struct hc_spawn_req *req, struct hc_spawn_res *res)
{
	int pfd[2], st[2], pidfd = -1, r;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (req->err && req->errlen > 0)
		req->err[0] = '\0';
	if (!req->argv || !req->argv[0] || req->argv[0][0] != '/' ||
	    req->timeout_ms == 0)
		return -EINVAL;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(st, O_CLOEXEC) < 0) {
		r = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return r;
	}
	pid = start(req, pfd[1], st[1], &pidfd);
	r = pid < 0 ? -errno : 0;
	close(pfd[1]);
	close(st[1]);
	if (r == 0) {
		r = wait_child(req, pidfd, pfd[0], st[0], res);
		close(pidfd);
	}
	close(pfd[0]);
	close(st[0]);
	return r;
}

const char *hc_spawn_describe(const struct hc_spawn_req *req,
			      const struct hc_spawn_res *res, char *buf,
			      size_t len)
{
	if (res->timed_out)
		snprintf(buf, len, "killed after %u ms", req->timeout_ms);
	else if (res->exited)
		snprintf(buf, len, "exit status %d", res->code);
	else
		snprintf(buf, len, "signal %d", res->code);
	return buf;
}
