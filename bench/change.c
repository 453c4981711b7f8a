/* hcb-change: how long after an LDAP change returns is it visible through
 * getpwnam? For each round: run ldapmodify (SASL EXTERNAL over ldapi) to
 * set a member's gecos to a new value, wait for it to exit successfully,
 * then poll getpwnam_r every 0.2 ms until that gecos is returned.
 *
 *   hcb-change -H LDAPI_URI -b BASE -f NAMES [-r ROUNDS] [-T TIMEOUT_S]
 *              [-L BUDGET_S]
 *
 * Latency = time from ldapmodify's exit to the first getpwnam showing the
 * change (resolution ~0.2 ms plus one lookup). -L: start no new round once
 * the series has run BUDGET_S seconds and at least 10 rounds are done (so
 * a slow persist path cannot stretch `make bench` past its budget; the
 * RESULT line then says how many of the planned rounds ran). Prints one
 * line per round and "RESULT rounds=.. planned=.. median_ms=.. max_ms=..
 * timeouts=.. budget_stop=0|1 budget_s=..". */
#include "bench.h"
#include "numparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS 1000
#define MIN_ROUNDS_IN_BUDGET 10

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
	if (bench_ldapmodify(uri, ldif) < 0)
		return -1;
	t0 = bench_now_ns();
	while (!bench_gecos_is(name, gecos)) {
		if ((double)(bench_now_ns() - t0) / 1e9 > timeout_s)
			return -1;
		nanosleep(&nap, NULL);
	}
	return (double)(bench_now_ns() - t0) / 1e6;
}

int main(int argc, char **argv)
{
	const char *uri = NULL, *base = NULL, *names_file = NULL;
	static char names[MAX_ROUNDS][64];
	double lat[MAX_ROUNDS], timeout_s = 10, budget_s = 0;
	uint32_t rounds = 50;
	int c, n, i, ok = 0, timeouts = 0, stopped = 0;
	uint64_t t0;

	while ((c = getopt(argc, argv, "H:b:f:r:T:L:")) != -1) {
		switch (c) {
		case 'H': uri = optarg; break;
		case 'b': base = optarg; break;
		case 'f': names_file = optarg; break;
		case 'r':
			if (hc_parse_u32(optarg, 1, MAX_ROUNDS, &rounds) < 0)
				rounds = 0;
			break;
		case 'T': timeout_s = strtod(optarg, NULL); break;
		case 'L': budget_s = strtod(optarg, NULL); break;
		default: return 2;
		}
	}
	if (!uri || !base || !names_file || rounds < 1 ||
	    (n = bench_load_names(names_file, names, MAX_ROUNDS)) <= 0) {
		fprintf(stderr, "usage: hcb-change -H LDAPI -b BASE -f NAMES [-r N] "
				"[-T S] [-L S]\n");
		return 2;
	}
	t0 = bench_now_ns();
	for (i = 0; i < (int)rounds; i++) {
		double ms;

		if (budget_s > 0 && i >= MIN_ROUNDS_IN_BUDGET &&
		    (double)(bench_now_ns() - t0) / 1e9 > budget_s) {
			stopped = 1;
			break;
		}
		ms = one_round(uri, base, names[i % n], i, timeout_s);
		printf("round %d %s %.3f\n", i, names[i % n], ms);
		fflush(stdout);
		if (ms < 0)
			timeouts++;
		else
			lat[ok++] = ms;
	}
	bench_sort(lat, (size_t)ok);
	printf("RESULT rounds=%d planned=%d median_ms=%.3f max_ms=%.3f "
	       "timeouts=%d budget_stop=%d budget_s=%.0f\n", i, (int)rounds,
	       bench_pct(lat, (size_t)ok, 50), ok ? lat[ok - 1] : 0.0, timeouts,
	       stopped, budget_s);
	return ok ? 0 : 1;
}
