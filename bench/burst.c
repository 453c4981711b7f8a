/* hcb-burst: throughput of the persist path. One ldapmodify (SASL
 * EXTERNAL over ldapi) sends COUNT changes back to back, each setting
 * another member's gecos, as fast as slapd takes them; then getpwnam
 * (through glibc) is polled every 0.2 ms until every one of them shows.
 *
 *   hcb-burst -H LDAPI_URI -b BASE -f NAMES [-n COUNT] [-T TIMEOUT_S]
 *
 * t=0 is just before ldapmodify starts (the first send); "sent" is when it
 * exited (slapd has acknowledged every change); "visible" is when the last
 * change showed through getpwnam. The last change is waited for first, then
 * the others are checked (each waited for if need be), so "visible" is the
 * moment all of them were in the cache. Prints "RESULT changes=..
 * sent_s=.. visible_s=.. changes_per_s=.. shown=.. timeout=0|1". */
#include "bench.h"
#include "numparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define MAX_CHANGES 10000
#define LDIF_PER_CHANGE 256

static char names[MAX_CHANGES][64];

static void gecos_of(char *out, size_t len, int i)
{
	snprintf(out, len, "Burst %d by %d", i, (int)getpid());
}

/* All COUNT modifications as one LDIF text (caller frees). */
static char *burst_ldif(const char *base, int count)
{
	size_t cap = (size_t)count * LDIF_PER_CHANGE, off = 0;
	char *ldif = malloc(cap), gecos[128];

	if (!ldif)
		return NULL;
	for (int i = 0; i < count; i++) {
		int w;

		gecos_of(gecos, sizeof(gecos), i);
		w = snprintf(ldif + off, cap - off,
			     "dn: uid=%s,ou=People,%s\nchangetype: modify\n"
			     "replace: gecos\ngecos: %s\n\n", names[i], base, gecos);
		if (w < 0 || (size_t)w >= cap - off) {
			free(ldif);
			return NULL;
		}
		off += (size_t)w;
	}
	return ldif;
}

/* Waits until names[i] shows change i; 0, or -1 past the deadline. */
static int wait_shown(int i, uint64_t deadline)
{
	struct timespec nap = {0, 200000};
	char gecos[128];

	gecos_of(gecos, sizeof(gecos), i);
	while (!bench_gecos_is(names[i], gecos)) {
		if (bench_now_ns() > deadline)
			return -1;
		nanosleep(&nap, NULL);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *uri = NULL, *base = NULL, *names_file = NULL;
	uint32_t count = 1000;
	double timeout_s = 120;
	int c, n, shown = 0, late = 0;
	uint64_t t0, t_sent, t_vis, deadline;
	char *ldif;

	while ((c = getopt(argc, argv, "H:b:f:n:T:")) != -1) {
		switch (c) {
		case 'H': uri = optarg; break;
		case 'b': base = optarg; break;
		case 'f': names_file = optarg; break;
		case 'n':
			if (hc_parse_u32(optarg, 1, MAX_CHANGES, &count) < 0)
				count = 0;
			break;
		case 'T': timeout_s = strtod(optarg, NULL); break;
		default: return 2;
		}
	}
	if (!uri || !base || !names_file || count < 1 ||
	    (n = bench_load_names(names_file, names, MAX_CHANGES)) < (int)count) {
		fprintf(stderr, "usage: hcb-burst -H LDAPI -b BASE -f NAMES "
				"[-n COUNT] [-T S] (NAMES: COUNT distinct names)\n");
		return 2;
	}
	ldif = burst_ldif(base, (int)count);
	if (!ldif)
		return 1;
	t0 = bench_now_ns();
	if (bench_ldapmodify(uri, ldif) < 0) {
		fprintf(stderr, "hcb-burst: ldapmodify failed\n");
		free(ldif);
		return 1;
	}
	t_sent = bench_now_ns();
	free(ldif);
	deadline = t_sent + (uint64_t)(timeout_s * 1e9);
	if (wait_shown((int)count - 1, deadline) < 0)
		late = 1;
	for (int i = 0; i < (int)count; i++)
		if (wait_shown(i, late ? 0 : deadline) == 0)
			shown++;
	t_vis = bench_now_ns();
	printf("RESULT changes=%d sent_s=%.3f visible_s=%.3f changes_per_s=%.0f "
	       "shown=%d timeout=%d\n", (int)count, (double)(t_sent - t0) / 1e9,
	       (double)(t_vis - t0) / 1e9,
	       (double)count / ((double)(t_vis - t0) / 1e9), shown,
	       late || shown < (int)count);
	return late || shown < (int)count ? 1 : 0;
}
