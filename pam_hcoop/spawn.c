/* Running the root helper from inside someone else's process (sshd,
 * login): fork + execve by absolute path, empty environment, nothing
 * inherited but 0-2 (stdin/stdout on /dev/null, stderr a pipe we read),
 * SIGCHLD at its default so the application's handler cannot reap our
 * child, and a deadline after which the child is killed by PID. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hcpam.h"

static void child(char *const argv[], int errfd)
{
	static char *const envp[] = { NULL };
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	/* If the application runs with 0-2 closed, our fds may sit there:
	 * move them above 2 first, so the dup2()s below cannot clobber them
	 * (and dup2 to 0-2 clears close-on-exec). */
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
	execve(argv[0], argv, envp);
	_exit(127);
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000L +
	       (deadline->tv_nsec - now.tv_nsec) / 1000000L;
}

/* Append what the child writes on stderr; -1 once it is closed. */
static int drain(int fd, char *buf, size_t len, size_t *used)
{
	char tmp[256];
	ssize_t n = read(fd, tmp, sizeof(tmp));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return -1;
	if (*used + 1 < len) {
		size_t k = (size_t)n;

		if (k > len - 1 - *used)
			k = len - 1 - *used;
		memcpy(buf + *used, tmp, k);
		*used += k;
		buf[*used] = '\0';
	}
	return 0;
}

/* After the exit: what the child wrote just before it is still in the
 * pipe. Read it without blocking (a grandchild may hold the pipe open). */
static void drain_ready(int fd, bool eof, char *buf, size_t len, size_t *used)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (!eof && poll(&pfd, 1, 0) > 0)
		eof = drain(fd, buf, len, used) < 0;
}

static pid_t reap(pid_t pid, int *status, int options)
{
	pid_t w;

	do
		w = waitpid(pid, status, options);
	while (w < 0 && errno == EINTR);
	return w;
}

/* Wait for pid until the deadline, reading its stderr meanwhile. */
static int wait_child(pid_t pid, int fd, unsigned deadline_s, int *status,
		      char *errbuf, size_t errlen)
{
	struct timespec deadline;
	size_t used = 0;
	bool eof = false;
	pid_t w;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += deadline_s;
	for (;;) {
		w = reap(pid, status, WNOHANG);
		if (w == pid) {
			drain_ready(fd, eof, errbuf, errlen, &used);
			return 0;
		}
		if (w < 0)
			return -errno;
		long left = ms_left(&deadline);
		if (left <= 0)
			break;
		/* short polls: the exit is seen by waitpid, not by EOF (a
		 * grandchild may hold the pipe open) */
		struct pollfd pfd = { .fd = eof ? -1 : fd, .events = POLLIN };
		int n = poll(&pfd, 1, left < 20 ? (int)left : 20);
		if (n > 0 && drain(fd, errbuf, errlen, &used) < 0)
			eof = true;
	}
	kill(pid, SIGKILL);
	reap(pid, status, 0);
	return -ETIME;
}

int hc_pam_spawn(char *const argv[], unsigned deadline_s, int *status,
		 char *errbuf, size_t errlen)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	int pfd[2], r;
	pid_t pid;

	if (errlen > 0)
		errbuf[0] = '\0';
	if (argv[0] == NULL || argv[0][0] != '/')
		return -EINVAL;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &old);
	pid = fork();
	if (pid == 0)
		child(argv, pfd[1]);
	close(pfd[1]);
	if (pid < 0) {
		r = -errno;
		close(pfd[0]);
	} else {
		r = wait_child(pid, pfd[0], deadline_s, status, errbuf, errlen);
		close(pfd[0]);
	}
	sigaction(SIGCHLD, &old, NULL);
	return r;
}
