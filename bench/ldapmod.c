/* Running ldapmodify (SASL EXTERNAL over ldapi) on an LDIF text, for the
 * persist benchmarks (bench/change.c, bench/burst.c). */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Feeds LDIF to ldapmodify's stdin and waits for it: 0 when it exited 0.
 * The write may block until ldapmodify has read a long LDIF; that is the
 * pace at which it sends the changes to slapd. */
int bench_ldapmodify(const char *uri, const char *ldif)
{
	size_t len = strlen(ldif), off = 0;
	int p[2], st = 0, r = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(p[0]);
		close(p[1]);
		return r;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		dup2(p[0], 0);
		if (null >= 0)
			dup2(null, 1); /* "modifying entry ..." is noise here */
		execlp("ldapmodify", "ldapmodify", "-Y", "EXTERNAL", "-H", uri,
		       "-Q", (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	signal(SIGPIPE, SIG_IGN); /* an early exit shows in its status */
	while (off < len) {
		ssize_t w = write(p[1], ldif + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			r = -EIO;
			break;
		}
		off += (size_t)w;
	}
	close(p[1]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		r = -EIO;
	return r;
}

/* Does getpwnam (through glibc) show NAME with this gecos yet? */
int bench_gecos_is(const char *name, const char *gecos)
{
	char buf[4096];
	struct passwd pw, *res = NULL;

	return getpwnam_r(name, &pw, buf, sizeof(buf), &res) == 0 && res &&
	       strcmp(pw.pw_gecos, gecos) == 0;
}

/* NAMES file (one name a line) into names[max][64]; count or -errno. */
int bench_load_names(const char *path, char (*names)[64], int max)
{
	FILE *f = fopen(path, "re");
	int n = 0;

	if (!f)
		return -errno;
	while (n < max && fscanf(f, "%63s", names[n]) == 1)
		n++;
	fclose(f);
	return n;
}
