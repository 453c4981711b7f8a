/* pamdrive: drive real Linux-PAM against a private service directory.
 *
 *   pamdrive [-q] [-k] [-n LOOPS] CONFDIR SERVICE USER OPS
 *            [ANSWER...]
 *
 * OPS is a comma-separated list of auth, setcred, acct, chauthtok, open,
 * close, user:NAME (sets PAM_USER, as a misbehaving module could),
 * rhost:HOST, ruser:NAME, tty:TTY (set those items, as sshd does), run in
 * order (stopping at the first failure unless -k). Each
 * echo-off/echo-on prompt is answered with the next ANSWER (none left:
 * conversation error). Prints "OP PAM_CODE_NAME" for each operation and
 * "msg error: TEXT" / "msg info: TEXT" / "prompt: TEXT" for what the
 * modules said. -n repeats the whole transaction (pam_start..pam_end)
 * LOOPS times; -q prints only a final "loops N ok M" line. (An
 * application cannot preset PAM_AUTHTOK: libpam refuses it, so tests
 * stack pam_unix in front to test use_first_pass.) Exit status 0 when
 * every operation succeeded. */
#include <errno.h>
#include <security/pam_appl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct drive {
	char **answers;
	int nanswers, next;
	bool quiet;
};

static const char *code_name(int rc)
{
	static const struct { int rc; const char *name; } t[] = {
#define C(x) { x, #x }
		C(PAM_SUCCESS), C(PAM_OPEN_ERR), C(PAM_SYMBOL_ERR),
		C(PAM_SERVICE_ERR), C(PAM_SYSTEM_ERR), C(PAM_BUF_ERR),
		C(PAM_PERM_DENIED), C(PAM_AUTH_ERR), C(PAM_CRED_INSUFFICIENT),
		C(PAM_AUTHINFO_UNAVAIL), C(PAM_USER_UNKNOWN), C(PAM_MAXTRIES),
		C(PAM_NEW_AUTHTOK_REQD), C(PAM_ACCT_EXPIRED),
		C(PAM_SESSION_ERR), C(PAM_CRED_UNAVAIL), C(PAM_CRED_EXPIRED),
		C(PAM_CRED_ERR), C(PAM_NO_MODULE_DATA), C(PAM_CONV_ERR),
		C(PAM_AUTHTOK_ERR), C(PAM_AUTHTOK_RECOVERY_ERR),
		C(PAM_AUTHTOK_LOCK_BUSY), C(PAM_AUTHTOK_DISABLE_AGING),
		C(PAM_TRY_AGAIN), C(PAM_IGNORE), C(PAM_ABORT),
		C(PAM_AUTHTOK_EXPIRED), C(PAM_MODULE_UNKNOWN),
		C(PAM_BAD_ITEM), C(PAM_CONV_AGAIN), C(PAM_INCOMPLETE),
#undef C
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].rc == rc)
			return t[i].name;
	return "PAM_UNKNOWN_CODE";
}

static void free_resp(struct pam_response *r, int n)
{
	for (int i = 0; i < n; i++) {
		if (r[i].resp != NULL) {
			explicit_bzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	}
	free(r);
}

static int conv(int n, const struct pam_message **msg,
		struct pam_response **resp, void *data)
{
	struct drive *d = data;
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		const char *text = msg[i]->msg ? msg[i]->msg : "";
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			if (!d->quiet)
				printf("prompt: %s\n", text);
			if (d->next >= d->nanswers) {
				free_resp(r, n);
				return PAM_CONV_ERR;
			}
			r[i].resp = strdup(d->answers[d->next++]);
			if (r[i].resp == NULL) {
				free_resp(r, n);
				return PAM_BUF_ERR;
			}
			break;
		case PAM_ERROR_MSG:
			if (!d->quiet)
				printf("msg error: %s\n", text);
			break;
		default:
			if (!d->quiet)
				printf("msg info: %s\n", text);
			break;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

static int do_op(pam_handle_t *pamh, const char *op)
{
	if (strcmp(op, "auth") == 0)
		return pam_authenticate(pamh, 0);
	if (strcmp(op, "setcred") == 0)
		return pam_setcred(pamh, PAM_ESTABLISH_CRED);
	if (strcmp(op, "acct") == 0)
		return pam_acct_mgmt(pamh, 0);
	if (strcmp(op, "chauthtok") == 0)
		return pam_chauthtok(pamh, 0);
	if (strcmp(op, "open") == 0)
		return pam_open_session(pamh, 0);
	if (strcmp(op, "close") == 0)
		return pam_close_session(pamh, 0);
	if (strncmp(op, "user:", 5) == 0)
		return pam_set_item(pamh, PAM_USER, op + 5);
	/* what sshd or login set before authenticating */
	if (strncmp(op, "rhost:", 6) == 0)
		return pam_set_item(pamh, PAM_RHOST, op + 6);
	if (strncmp(op, "ruser:", 6) == 0)
		return pam_set_item(pamh, PAM_RUSER, op + 6);
	if (strncmp(op, "tty:", 4) == 0)
		return pam_set_item(pamh, PAM_TTY, op + 4);
	fprintf(stderr, "pamdrive: unknown op %s\n", op);
	exit(2);
}

/* One transaction; returns true when every op succeeded. */
static bool transaction(struct drive *d, const char *confdir,
			const char *service, const char *user, const char *ops,
			bool keep_going)
{
	struct pam_conv pc = { conv, d };
	pam_handle_t *pamh = NULL;
	char *list = strdup(ops), *save = NULL;
	bool all = true;
	int rc;

	if (list == NULL)
		exit(2);
	d->next = 0;
	rc = pam_start_confdir(service, user, &pc, confdir, &pamh);
	if (rc != PAM_SUCCESS) {
		printf("start %s\n", code_name(rc));
		free(list);
		return false;
	}
	for (char *op = strtok_r(list, ",", &save); op != NULL;
	     op = strtok_r(NULL, ",", &save)) {
		rc = do_op(pamh, op);
		if (!d->quiet)
			printf("%s %s\n", op, code_name(rc));
		if (rc != PAM_SUCCESS) {
			all = false;
			if (!keep_going)
				break;
		}
	}
	pam_end(pamh, rc);
	free(list);
	return all;
}

int main(int argc, char **argv)
{
	struct drive d = { 0 };
	unsigned long loops = 1, good = 0;
	bool keep_going = false;
	int c;

	while ((c = getopt(argc, argv, "qkn:")) != -1) {
		switch (c) {
		case 'q': d.quiet = true; break;
		case 'k': keep_going = true; break;
		case 'n': loops = strtoul(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (argc - optind < 4) {
		fprintf(stderr, "usage: pamdrive [-q] [-k] [-n LOOPS] "
				"CONFDIR SERVICE USER OPS [ANSWER...]\n");
		return 2;
	}
	d.answers = argv + optind + 4;
	d.nanswers = argc - optind - 4;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (unsigned long i = 0; i < loops; i++)
		if (transaction(&d, argv[optind], argv[optind + 1],
				argv[optind + 2], argv[optind + 3], keep_going))
			good++;
	if (d.quiet)
		printf("loops %lu ok %lu\n", loops, good);
	return good == loops ? 0 : 1;
}
