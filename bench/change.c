/* hcb-change: how long after an LDAP change returns is it visible through
 * getpwnam? For each round: run ldapmodify (SASL EXTERNAL over ldapi) to
 * set a member's gecos to a new value, wait for it to exit successfully,
 * then poll getpwnam_r every 0.2 ms until that gecos is returned.
 *
 *   hcb-change -H LDAPI_URI -b BASE -f NAMES [-r ROUNDS] [-T TIMEOUT_S]
 *
 * Latency = time from ldapmodify's exit to the first getpwnam showing the
 * change (resolution ~0.2 ms plus one lookup). Prints one line per round
 * and "RESULT rounds=.. median_ms=.. max_ms=.. timeouts=..". */
#include "bench.h"
#include "numparse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int ldapmodify(const char *uri, const char *ldif)
{
	int p[2], st;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
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
	if (write(p[1], ldif, strlen(ldif)) != (ssize_t)strlen(ldif))
		st = -EIO;
	close(p[1]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

static int visible(const char *name, const char *gecos)
{
	char buf[4096];
	struct passwd pw, *res = NULL;

	return getpwnam_r(name, &pw, buf, sizeof(buf), &res) == 0 && res &&
	       strcmp(pw.pw_gecos, gecos) == 0;
}

/* One round: returns latency in ms, or -1 on timeout / error. */
static double one_round(const char *uri, const char *base, const char *name,
			int round, double timeout_s)
{
	char gecos[128], ldif[1024];
	struct timespec nap = {0, 200000};
	uint64_t t0;

	snprintf(gecos, sizeof(gecos), "Changed %d by %d", round, (int)getpid());
	snprintf(ldif, sizeof(ldif),
		 "dn: uid=%s,ou=People,%s\nchangetype: modify\n"
		 "replace: gecos\ngecos: %s\n", name, base, gecos);
	if (ldapmodify(uri, ldif) < 0)
		return -1;
	t0 = bench_now_ns();
	while (!visible(name, gecos)) {
		if ((double)(bench_now_ns() - t0) / 1e9 > timeout_s)
			return -1;
		nanosleep(&nap, NULL);
	}
	return (double)(bench_now_ns() - t0) / 1e6;
}

static int load_names(const char *path, char names[][64], int max)
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

int main(int argc, char **argv)
{
	const char *uri = NULL, *base = NULL, *names_file = NULL;
	static char names[1000][64];
	double lat[1000], timeout_s = 10;
	uint32_t rounds = 50;
	int c, n, ok = 0, timeouts = 0;

	while ((c = getopt(argc, argv, "H:b:f:r:T:")) != -1) {
		switch (c) {
		case 'H': uri = optarg; break;
		case 'b': base = optarg; break;
		case 'f': names_file = optarg; break;
		case 'r':
			if (hc_parse_u32(optarg, 1, 1000, &rounds) < 0)
				rounds = 0;
			break;
		case 'T': timeout_s = strtod(optarg, NULL); break;
		default: return 2;
		}
	}
	if (!uri || !base || !names_file || rounds < 1 ||
	    (n = load_names(names_file, names, 1000)) <= 0) {
		fprintf(stderr, "usage: hcb-change -H LDAPI -b BASE -f NAMES [-r N] [-T S]\n");
		return 2;
	}
	for (int i = 0; i < (int)rounds; i++) {
		double ms = one_round(uri, base, names[i % n], i, timeout_s);

		printf("round %d %s %.3f\n", i, names[i % n], ms);
		fflush(stdout);
		if (ms < 0)
			timeouts++;
		else
			lat[ok++] = ms;
	}
	bench_sort(lat, (size_t)ok);
	printf("RESULT rounds=%d median_ms=%.3f max_ms=%.3f timeouts=%d\n",
	       (int)rounds, bench_pct(lat, (size_t)ok, 50),
	       ok ? lat[ok - 1] : 0.0, timeouts);
	return ok ? 0 : 1;
}
