/* hcb-authkeys: wall time of one process call, as sshd makes it for
 * AuthorizedKeysCommand (spawn, read its output through a pipe, wait).
 *
 *   hcb-authkeys RUNS USERS_FILE PROGRAM ARGS...
 *
 * Each run replaces an ARG that is exactly "%u" by the next name of
 * USERS_FILE (one a line, cycled), so the runs do not hit one cache line.
 * Prints "runs=N median_ns=M p10_ns= p90_ns= bytes=B" (B: output bytes of
 * all runs, so a silent failure shows). Exit 1 if a run fails. */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char **load_users(const char *path, size_t *n)
{
	char **v = NULL, *line = NULL;
	size_t cap = 0, lcap = 0;
	ssize_t len;
	FILE *f = fopen(path, "re");

	*n = 0;
	if (!f)
		return NULL;
	while ((len = getline(&line, &lcap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (*n == cap) {
			char **nv;

			cap = cap ? cap * 2 : 1024;
			nv = reallocarray(v, cap, sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[(*n)++] = strdup(line);
	}
	free(line);
	fclose(f);
	return v;
}

/* One call: spawn argv with stdout a pipe, read it all, wait. Output
 * bytes, or -1. */
static long run_once(char **argv)
{
	posix_spawn_file_actions_t fa;
	char buf[65536];
	int p[2], status;
	long total = 0;
	ssize_t k;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	while ((k = read(p[0], buf, sizeof(buf))) > 0 || (k < 0 && errno == EINTR))
		total += k > 0 ? k : 0;
	close(p[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	return total;
}

int main(int argc, char **argv)
{
	size_t runs, nusers, i, j;
	char **users, **args;
	double *t;
	long bytes = 0, b;
	int rc = 0;

	if (argc < 4 || (runs = strtoul(argv[1], NULL, 10)) == 0) {
		fprintf(stderr, "usage: hcb-authkeys RUNS USERS_FILE PROGRAM ARGS...\n");
		return 2;
	}
	users = load_users(argv[2], &nusers);
	args = calloc((size_t)argc, sizeof(*args));
	t = calloc(runs, sizeof(*t));
	if (!users || nusers == 0 || !args || !t) {
		fprintf(stderr, "hcb-authkeys: %s: no users\n", argv[2]);
		return 2;
	}
	for (i = 0; i < runs && rc == 0; i++) {
		uint64_t t0;

		for (j = 3; j < (size_t)argc; j++)
			args[j - 3] = strcmp(argv[j], "%u") == 0 ? users[i % nusers]
								 : argv[j];
		t0 = bench_now_ns();
		b = run_once(args);
		t[i] = (double)(bench_now_ns() - t0);
		if (b < 0) {
			fprintf(stderr, "hcb-authkeys: run %zu of %s failed\n", i, argv[3]);
			rc = 1;
		}
		bytes += b;
	}
	bench_sort(t, runs);
	printf("runs=%zu median_ns=%.0f p10_ns=%.0f p90_ns=%.0f bytes=%ld\n", runs,
	       bench_pct(t, runs, 50), bench_pct(t, runs, 10), bench_pct(t, runs, 90),
	       bytes);
	return rc;
}
