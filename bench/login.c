/* hcb-login: wall time of full PAM login cycles through real libpam:
 * pam_start_confdir, authenticate, acct_mgmt, open_session,
 * close_session, pam_end, each cycle timed as a whole.
 *
 *   hcb-login -s SERVICE -C CONFDIR -f USERS [-n ROUNDS]
 *
 * USERS: lines "user password"; round i logs in as line i % count (so a
 * file of fresh users with -n = their count gives first logins, one line
 * repeated gives logins with the home present). Prints
 * "RESULT rounds=.. ok=.. median_ms=.. p90_ms=.. max_ms=.. failures=..". */
#include "bench.h"
#include "numparse.h"

#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cred {
	char user[64], pass[128];
};

/* Answers every hidden prompt with the password; ignores info text. */
static int conv(int n, const struct pam_message **msg,
		struct pam_response **resp, void *data)
{
	const struct cred *c = data;
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	if (!r)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = strdup(c->pass);
	}
	*resp = r;
	return PAM_SUCCESS;
}

/* One cycle; returns 0 or the first failing PAM code. */
static int cycle(const char *service, const char *confdir, struct cred *c)
{
	struct pam_conv pc = {conv, c};
	pam_handle_t *ph = NULL;
	int rc = pam_start_confdir(service, c->user, &pc, confdir, &ph);

	if (rc == PAM_SUCCESS)
		rc = pam_authenticate(ph, 0);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(ph, 0);
	if (rc == PAM_SUCCESS)
		rc = pam_open_session(ph, 0);
	if (rc == PAM_SUCCESS)
		rc = pam_close_session(ph, 0);
	if (ph)
		pam_end(ph, rc);
	return rc;
}

static int load(const char *path, struct cred *c, int max)
{
	FILE *f = fopen(path, "re");
	int n = 0;

	if (!f)
		return -1;
	while (n < max && fscanf(f, "%63s %127s", c[n].user, c[n].pass) == 2)
		n++;
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	const char *service = NULL, *confdir = NULL, *users = NULL;
	static struct cred creds[1000];
	static double ms[1000];
	uint32_t rounds = 20;
	int c, n, ok = 0, fails = 0;

	while ((c = getopt(argc, argv, "s:C:f:n:")) != -1) {
		switch (c) {
		case 's': service = optarg; break;
		case 'C': confdir = optarg; break;
		case 'f': users = optarg; break;
		case 'n':
			if (hc_parse_u32(optarg, 1, 1000, &rounds) < 0)
				rounds = 0;
			break;
		default: return 2;
		}
	}
	if (!service || !confdir || !users || rounds < 1 ||
	    (n = load(users, creds, 1000)) <= 0) {
		fprintf(stderr, "usage: hcb-login -s SERVICE -C CONFDIR -f USERS [-n N]\n");
		return 2;
	}
	for (int i = 0; i < (int)rounds; i++) {
		uint64_t t0 = bench_now_ns();
		int rc = cycle(service, confdir, &creds[i % n]);
		double el = (double)(bench_now_ns() - t0) / 1e6;

		if (rc != PAM_SUCCESS) {
			fprintf(stderr, "round %d %s: %s\n", i, creds[i % n].user,
				pam_strerror(NULL, rc));
			fails++;
			continue;
		}
		ms[ok++] = el;
	}
	bench_sort(ms, (size_t)ok);
	printf("RESULT rounds=%d ok=%d median_ms=%.2f p90_ms=%.2f max_ms=%.2f "
	       "failures=%d\n", (int)rounds, ok, bench_pct(ms, (size_t)ok, 50),
	       bench_pct(ms, (size_t)ok, 90), ok ? ms[ok - 1] : 0.0, fails);
	explicit_bzero(creds, sizeof(creds));
	return ok ? 0 : 1;
}
