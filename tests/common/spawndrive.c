/* Test driver for common/child.c: runs one command through hc_spawn_run
 * with the caller's process state set up the way a hostile or careless
 * host application might (blocked and ignored signals, SIGCHLD ignored or
 * handled by a reaping handler, a leaked descriptor, a secret in the
 * environment), then prints what happened as key=value lines.
 *
 *   spawndrive [-t MS] [-i] [-h] [-b] [-l] -- /abs/cmd args...
 *     -t MS  deadline (default 5000)     -i  SIGCHLD = SIG_IGN
 *     -h     SIGCHLD handler doing waitpid(-1)
 *     -b     block SIGTERM, ignore SIGINT  -l  leak fd 7 (no CLOEXEC)
 *     -r     ignore signals 32 and 33 (glibc's own: only the raw system
 *            call can; some supervisors hand them down ignored) */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"

static volatile sig_atomic_t handler_reaped;

static void on_chld(int sig)
{
	int e = errno;

	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		handler_reaped++;
	errno = e;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { 0 }, before, after;
	struct hc_spawn_req req = { 0 };
	struct hc_spawn_res res;
	struct timespec t0, t1;
	char err[4096], desc[64];
	int opt, r;

	req.timeout_ms = 5000;
	setenv("HCOOP_SECRET", "do-not-inherit", 1);
	while ((opt = getopt(argc, argv, "t:ihblr")) != -1) {
		switch (opt) {
		case 't': req.timeout_ms = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'i': sa.sa_handler = SIG_IGN; sigaction(SIGCHLD, &sa, NULL); break;
		case 'h': sa.sa_handler = on_chld; sigaction(SIGCHLD, &sa, NULL); break;
		case 'b': {
			sigset_t s;
			struct sigaction ign = { .sa_handler = SIG_IGN };

			sigemptyset(&s);
			sigaddset(&s, SIGTERM);
			sigprocmask(SIG_BLOCK, &s, NULL);
			sigaction(SIGINT, &ign, NULL);
			break;
		}
		case 'l': {
			int fd = open("/dev/null", O_RDONLY);

			if (fd >= 0 && fd != 7) {
				dup2(fd, 7);
				close(fd);
			}
			break;
		}
		case 'r': {
			unsigned long ign[16] = { (unsigned long)SIG_IGN };

			for (int sig = 32; sig <= 33; sig++)
				syscall(SYS_rt_sigaction, sig, ign, NULL,
					(size_t)(NSIG - 1) / 8);
			break;
		}
		default: return 2;
		}
	}
	req.argv = argv + optind;
	req.err = err;
	req.errlen = sizeof(err);
	sigaction(SIGCHLD, NULL, &before);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = hc_spawn_run(&req, &res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sigaction(SIGCHLD, NULL, &after);
	printf("rc=%d\n", r);
	printf("timed_out=%d exited=%d code=%d\n", res.timed_out, res.exited,
	       res.code);
	printf("describe=%s\n", hc_spawn_describe(&req, &res, desc, sizeof(desc)));
	printf("elapsed_ms=%ld\n", (t1.tv_sec - t0.tv_sec) * 1000L +
				       (t1.tv_nsec - t0.tv_nsec) / 1000000L);
	printf("handler_reaped=%d\n", (int)handler_reaped);
	printf("sigchld_unchanged=%d\n", before.sa_handler == after.sa_handler);
	printf("err<<\n%s\n>>\n", err);
	return 0;
}
