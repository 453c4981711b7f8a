/* The LDAP connection helper (see ldap_conn.h for the contract).
 *
 * Every request is sent asynchronously and waited for with ldap_result()
 * and an explicit deadline, because libldap's LDAP_OPT_NETWORK_TIMEOUT only
 * bounds the TCP connect: a server that accepts the connection and then
 * never answers would otherwise hang the caller forever. Worse, libldap
 * 2.5's TLS handshake (ldaps://, and after StartTLS) spins forever on such
 * a server. So setting up a connection (connect, StartTLS, TLS handshake)
 * runs under a watchdog thread that shuts the socket down when cfg->timeout
 * has passed, which makes libldap fail at once; the server then counts as
 * unreachable and the next URI is tried. Binds and later operations wait at
 * most cfg->op_timeout for each answer.
 *
 * The watchdog is the one owner of that deadline and of the shutdown: the
 * StartTLS wait has no timeout of its own (a second timer firing at the
 * same moment used to send an AbandonRequest on the socket the watchdog had
 * just shut down: SIGPIPE in the host process), and once the socket is cut
 * nothing is written to it again (conn_free points the descriptor at
 * /dev/null before libldap's unbind). Every entry point also blocks
 * SIGPIPE in the calling thread around its I/O (ldc_sigpipe_*): a PAM
 * module runs inside sshd, su and cron and must never raise a signal there.
 *
 * A daemon may give a stop flag (hc_ldap_set_cancel): every wait, the
 * watchdog's included, then ends within 200 ms of the flag being set.
 *
 * LDAP result codes are translated here, once (map_rc); nothing else in
 * the project sees them. Passwords are never copied except the bind
 * secret read from bindpw_file, which is wiped before returning. */
#include "ldap_conn.h"

#include <errno.h>
#include <lber.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "errbuf.h"
#include "ldap_internal.h"
#include "log.h"

#define BINDPW_MAX 1024
/* try_uri's "this client refused to send the password" (not an LDAP code:
 * those are > -100) */
#define RC_CLEARTEXT_REFUSED (-1000)


#define SLICE_MS 100 /* how often waits look at the stop flag */

/* Shuts the connection's socket down when the deadline passes. */
struct watchdog {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct timespec deadline; /* CLOCK_MONOTONIC */
	struct hc_ldap *c;
	bool done, fired, running;
};

static volatile sig_atomic_t *cancel_flag;

void hc_ldap_set_cancel(volatile sig_atomic_t *flag)
{
	cancel_flag = flag;
}

bool ldc_cancelled(void)
{
	return cancel_flag && *cancel_flag;
}

void ldc_sigpipe_block(struct ldc_sigpipe *s)
{
	sigset_t pipe, pending;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, &s->old);
	s->was_pending = sigpending(&pending) == 0 &&
			 sigismember(&pending, SIGPIPE) == 1;
}

void ldc_sigpipe_restore(const struct ldc_sigpipe *s)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t pipe, pending;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	/* a SIGPIPE our write raised is pending on this thread: take it */
	if (!s->was_pending && sigpending(&pending) == 0 &&
	    sigismember(&pending, SIGPIPE) == 1)
		while (sigtimedwait(&pipe, NULL, &zero) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &s->old, NULL);
}

enum scheme { SCHEME_LDAP, SCHEME_LDAPS, SCHEME_LDAPI, SCHEME_OTHER };

static enum scheme uri_scheme(const char *uri)
{
	if (strncasecmp(uri, "ldap://", 7) == 0)
		return SCHEME_LDAP;
	if (strncasecmp(uri, "ldaps://", 8) == 0)
		return SCHEME_LDAPS;
	if (strncasecmp(uri, "ldapi://", 8) == 0)
		return SCHEME_LDAPI;
	return SCHEME_OTHER;
}

/* The one translation of LDAP result codes to our errors. */
int ldc_map_rc(int rc)
{
	switch (rc) {
	case LDAP_SUCCESS:
		return 0;
	case LDAP_INVALID_CREDENTIALS:
	case LDAP_INAPPROPRIATE_AUTH:
		return -EACCES;
	case LDAP_NO_SUCH_OBJECT:
		return -ENOENT;
	case LDAP_INSUFFICIENT_ACCESS:
	case LDAP_CONFIDENTIALITY_REQUIRED:
	case LDAP_STRONG_AUTH_REQUIRED:
	case LDAP_UNWILLING_TO_PERFORM:
	case LDAP_CONSTRAINT_VIOLATION:
		return -EPERM;
	case LDAP_SERVER_DOWN:
	case LDAP_CONNECT_ERROR:
	case LDAP_UNAVAILABLE:
	case LDAP_BUSY:
		return -EHOSTUNREACH;
	case LDAP_TIMEOUT:
	case LDAP_TIMELIMIT_EXCEEDED:
		return -ETIMEDOUT;
	case LDAP_NO_MEMORY:
		return -ENOMEM;
	case LDAP_PARAM_ERROR:
		return -EINVAL;
	case LDAP_USER_CANCELLED:
		return -ECANCELED;
	default:
		return -EPROTO;
	}
}

/* Failures after which the next URI is worth trying: the server is not
 * there, not talking, or could not complete TLS. */
static bool rc_is_unreachable(int rc)
{
	return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR ||
	       rc == LDAP_TIMEOUT || rc == LDAP_UNAVAILABLE || rc == LDAP_BUSY;
}

const char *ldc_diag(LDAP *ld)
{
	static __thread char buf[256];
	char *msg = NULL;

	buf[0] = '\0';
	if (ld && ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &msg) ==
			       LDAP_OPT_SUCCESS && msg) {
		snprintf(buf, sizeof(buf), "%s", msg);
		ldap_memfree(msg);
	}
	return buf;
}

/* "reason" or "reason (server said: text)" into err, for one URI. */
void ldc_rc_err(char *err, size_t errlen, const char *uri, const char *what,
		   int rc, const char *diag)
{
	if (diag && *diag)
		hc_set_err(err, errlen, "%s: %s: %s (%.200s)", uri, what,
			ldap_err2string(rc), diag);
	else
		hc_set_err(err, errlen, "%s: %s: %s", uri, what,
			ldap_err2string(rc));
}

static int reqcert_value(enum hc_reqcert r)
{
	switch (r) {
	case HC_REQCERT_NEVER:
		return LDAP_OPT_X_TLS_NEVER;
	case HC_REQCERT_ALLOW:
		return LDAP_OPT_X_TLS_ALLOW;
	case HC_REQCERT_TRY:
		return LDAP_OPT_X_TLS_TRY;
	case HC_REQCERT_HARD:
		return LDAP_OPT_X_TLS_HARD;
	case HC_REQCERT_DEMAND:
	default:
		return LDAP_OPT_X_TLS_DEMAND;
	}
}

/* Per-handle options; the TLS ones end with a fresh context so they apply
 * to this handle only (a PAM module must not change its host's globals). */
static int set_options(LDAP *ld, const struct hc_config *cfg)
{
	int v3 = LDAP_VERSION3, reqcert = reqcert_value(cfg->tls_reqcert);
	int zero = 0, rc, ka_idle = 60, ka_probes = 3, ka_intvl = 10;
	struct timeval net = { .tv_sec = cfg->timeout ? cfg->timeout : 3 };
	struct timeval op = { .tv_sec = cfg->op_timeout ? cfg->op_timeout : 10 };

	rc = ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	if (rc == LDAP_OPT_SUCCESS)
		rc = ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &net);
	if (rc == LDAP_OPT_SUCCESS)
		rc = ldap_set_option(ld, LDAP_OPT_TIMEOUT, &op);
	if (rc == LDAP_OPT_SUCCESS)
		rc = ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	if (rc == LDAP_OPT_SUCCESS)
		rc = ldap_set_option(ld, LDAP_OPT_RESTART, LDAP_OPT_ON);
	/* A silent partition (no FIN, no RST) must end a long-lived
	 * connection such as hcoop-sync's persistent search. */
	if (rc == LDAP_OPT_SUCCESS)
		rc = ldap_set_option(ld, LDAP_OPT_X_KEEPALIVE_IDLE, &ka_idle);
	if (rc == LDAP_OPT_SUCCESS)
		rc = ldap_set_option(ld, LDAP_OPT_X_KEEPALIVE_PROBES, &ka_probes);
	if (rc == LDAP_OPT_SUCCESS)
		rc = ldap_set_option(ld, LDAP_OPT_X_KEEPALIVE_INTERVAL, &ka_intvl);
	if (rc == LDAP_OPT_SUCCESS && cfg->tls_cacert)
		rc = ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE,
				     cfg->tls_cacert);
	if (rc == LDAP_OPT_SUCCESS)
		rc = ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &reqcert);
	if (rc == LDAP_OPT_SUCCESS)
		rc = ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
	return rc == LDAP_OPT_SUCCESS ? LDAP_SUCCESS : LDAP_LOCAL_ERROR;
}

static int conn_add_cb(LDAP *ld, Sockbuf *sb, LDAPURLDesc *srv,
		       struct sockaddr *addr, struct ldap_conncb *ctx)
{
	struct hc_ldap *c = ctx->lc_arg;
	ber_socket_t fd = -1;

	(void)ld;
	(void)srv;
	(void)addr;
	if (ber_sockbuf_ctrl(sb, LBER_SB_OPT_GET_FD, &fd) == 1) {
		pthread_mutex_lock(&c->fd_mu);
		c->fd = fd;
		c->tcp_up = true;
		pthread_mutex_unlock(&c->fd_mu);
	}
	return 0;
}

static void conn_del_cb(LDAP *ld, Sockbuf *sb, struct ldap_conncb *ctx)
{
	struct hc_ldap *c = ctx->lc_arg;

	(void)ld;
	(void)sb;
	/* libldap calls this before it closes the socket */
	pthread_mutex_lock(&c->fd_mu);
	c->fd = -1;
	pthread_mutex_unlock(&c->fd_mu);
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* The next wake-up: the deadline, or one slice from now if sooner. */
static struct timespec next_wake(const struct timespec *deadline)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += SLICE_MS * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return ts_before(&t, deadline) ? t : *deadline;
}

/* Shut the socket down (the one place that does). */
static void watchdog_cut(struct watchdog *w)
{
	pthread_mutex_lock(&w->c->fd_mu);
	if (w->c->fd >= 0) {
		shutdown(w->c->fd, SHUT_RDWR);
		w->c->cut = true;
		w->fired = true;
	}
	pthread_mutex_unlock(&w->c->fd_mu);
}

static void *watchdog_run(void *p)
{
	struct watchdog *w = p;
	struct timespec now, wake;

	pthread_mutex_lock(&w->mu);
	while (!w->done) {
		wake = next_wake(&w->deadline);
		pthread_cond_timedwait(&w->cv, &w->mu, &wake);
		if (w->done)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ts_before(&now, &w->deadline) && !ldc_cancelled())
			continue;
		/* too late: make libldap's blocked or spinning I/O fail */
		watchdog_cut(w);
		break;
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void watchdog_start(struct watchdog *w, struct hc_ldap *c,
			   unsigned secs)
{
	pthread_condattr_t ca;

	memset(w, 0, sizeof(*w));
	w->c = c;
	clock_gettime(CLOCK_MONOTONIC, &w->deadline);
	w->deadline.tv_sec += secs;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* without the thread we still have libldap's own timeouts */
	w->running = pthread_create(&w->th, NULL, watchdog_run, w) == 0;
}

/* Returns true if the watchdog had to cut the connection. */
static bool watchdog_stop(struct watchdog *w)
{
	pthread_mutex_lock(&w->mu);
	w->done = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (w->running)
		pthread_join(w->th, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	return w->fired;
}

/* Wait for the answer to msgid until tv passes. Returns an LDAP code:
 * LDAP_SUCCESS with *res set, LDAP_TIMEOUT (request abandoned), or the
 * handle's error (e.g. LDAP_SERVER_DOWN). */
int ldc_wait_result(LDAP *ld, int msgid, int all, const struct timeval *tv,
		       LDAPMessage **res)
{
	long left = tv->tv_sec * 1000L + tv->tv_usec / 1000, step;
	struct timeval t;
	int rc;

	*res = NULL;
	for (;;) {
		step = left < SLICE_MS ? left : SLICE_MS;
		t.tv_sec = step / 1000;
		t.tv_usec = (step % 1000) * 1000;
		rc = ldap_result(ld, msgid, all, &t, res);
		left -= step;
		if (rc != 0 || left <= 0 || ldc_cancelled())
			break;
	}
	if (rc > 0)
		return LDAP_SUCCESS;
	if (rc == 0) {
		ldap_abandon_ext(ld, msgid, NULL, NULL);
		return ldc_cancelled() ? LDAP_USER_CANCELLED : LDAP_TIMEOUT;
	}
	if (ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &rc) != LDAP_OPT_SUCCESS ||
	    rc == LDAP_SUCCESS)
		rc = LDAP_OTHER;
	return rc;
}

/* Take the result code and diagnostic text of a final response; frees res.
 * *diag is ldap_memfree'd by the caller (may be NULL). */
int ldc_parse_final(LDAP *ld, LDAPMessage *res, char **diag)
{
	int rc, err = LDAP_OTHER;

	*diag = NULL;
	rc = ldap_parse_result(ld, res, &err, NULL, diag, NULL, NULL, 1);
	return rc == LDAP_SUCCESS ? err : rc;
}

int ldc_final_answer(LDAP *ld, int rc, int msgid, const struct timeval *tv,
		     char **diag)
{
	LDAPMessage *res = NULL;

	if (rc == LDAP_SUCCESS)
		rc = ldc_wait_result(ld, msgid, LDAP_MSG_ALL, tv, &res);
	if (rc == LDAP_SUCCESS)
		rc = ldc_parse_final(ld, res, diag);
	return rc;
}

/* StartTLS on a plain ldap:// connection. This request is the first one,
 * so it also makes the TCP connection. Bounded by the watchdog alone (tv
 * is a longer backstop for when its thread could not start): a timer of
 * our own would race with its shutdown and write an abandon to a dead
 * socket. */
static int start_tls(LDAP *ld, const char *uri, const struct timeval *tv,
		     bool *handshake_failed, char *err, size_t errlen)
{
	char *diag = NULL;
	int msgid = -1, rc;

	rc = ldap_extended_operation(ld, LDAP_EXOP_START_TLS, NULL, NULL, NULL,
				     &msgid);
	rc = ldc_final_answer(ld, rc, msgid, tv, &diag);
	if (rc != LDAP_SUCCESS) {
		ldc_rc_err(err, errlen, uri, "StartTLS", rc,
		       diag ? diag : ldc_diag(ld));
		ldap_memfree(diag);
		/* a server that refuses StartTLS is no use to us either */
		return rc_is_unreachable(rc) ? rc : LDAP_CONNECT_ERROR;
	}
	rc = ldap_install_tls(ld);
	if (rc != LDAP_SUCCESS) {
		*handshake_failed = true;
		ldc_rc_err(err, errlen, uri, "TLS handshake", rc, ldc_diag(ld));
		return LDAP_CONNECT_ERROR;
	}
	return LDAP_SUCCESS;
}

/* One bind request and its answer. mech NULL: simple bind with pw (NULL:
 * anonymous); "EXTERNAL": SASL EXTERNAL (ldapi peer credentials). */
static int bind_once(LDAP *ld, const char *uri, const char *dn,
		     const char *mech, const char *pw,
		     const struct timeval *tv, char *err, size_t errlen)
{
	struct berval cred = { 0, NULL };
	char *diag = NULL;
	int msgid = -1, rc;

	if (pw) {
		cred.bv_val = (char *)(uintptr_t)pw; /* libldap only reads it */
		cred.bv_len = strlen(pw);
	} else if (mech) {
		/* SASL EXTERNAL: an EMPTY initial response ("as the socket
		 * says"); no response at all makes slapd answer "bind in
		 * progress" and wait for a second step */
		cred.bv_val = (char *)(uintptr_t)"";
	}
	rc = ldap_sasl_bind(ld, mech ? NULL : dn,
			    mech ? mech : LDAP_SASL_SIMPLE, &cred, NULL, NULL,
			    &msgid);
	rc = ldc_final_answer(ld, rc, msgid, tv, &diag);
	if (rc != LDAP_SUCCESS) {
		/* name who we tried to be: "bind failed" alone sends the
		 * admin guessing which of the configs is wrong */
		char what[300];

		snprintf(what, sizeof(what), "bind as %.250s",
			 mech ? mech : dn ? dn : "anonymous");
		ldc_rc_err(err, errlen, uri, what, rc, diag ? diag : ldc_diag(ld));
	}
	ldap_memfree(diag);
	return rc;
}

struct bind_args {
	enum hc_bind how;
	const char *dn;
	const char *pw; /* NULL: no password is sent */
};

/* A handle for uri with our options and the socket-recording callback. */
static int conn_init(struct hc_ldap *c, const struct hc_config *cfg,
		     const char *uri, char *err, size_t errlen)
{
	int rc;

	c->fd = -1;
	c->cb.lc_add = conn_add_cb;
	c->cb.lc_del = conn_del_cb;
	c->cb.lc_arg = c;
	c->op_tv.tv_sec = cfg->op_timeout ? cfg->op_timeout : 10;
	rc = ldap_initialize(&c->ld, uri);
	if (rc == LDAP_SUCCESS)
		rc = set_options(c->ld, cfg);
	if (rc == LDAP_SUCCESS &&
	    ldap_set_option(c->ld, LDAP_OPT_CONNECT_CB, &c->cb) !=
		    LDAP_OPT_SUCCESS)
		rc = LDAP_LOCAL_ERROR;
	if (rc != LDAP_SUCCESS)
		ldc_rc_err(err, errlen, uri, "init", rc, NULL);
	return rc;
}

static int conn_setup(struct hc_ldap *c, const struct hc_config *cfg,
		      const char *uri, bool starttls, bool explain, char *err,
		      size_t errlen);
static void conn_free(struct hc_ldap *c);

/* Append "; text" to err, bounded. */
static void err_append(char *err, size_t errlen, const char *text)
{
	size_t used = strnlen(err, errlen);

	if (used + 3 < errlen)
		snprintf(err + used, errlen - used, "; %s", text);
}

/* The handshake refused the server's certificate: fetch it on a second
 * connection that does not check it (bounded the same way, nothing sent
 * but the handshake) and say why: unknown CA, expired, name mismatch, and
 * which CA file was used. */
static void tls_explain(const struct hc_config *cfg, const char *uri,
			bool starttls, char *err, size_t errlen)
{
	struct hc_config loose = *cfg;
	struct hc_ldap *d = calloc(1, sizeof(*d));
	struct berval der = { 0, NULL };
	LDAPURLDesc *lud = NULL;
	char why[400], scratch[256];

	if (!d)
		return;
	pthread_mutex_init(&d->fd_mu, NULL);
	loose.tls_reqcert = HC_REQCERT_NEVER;
	if (conn_init(d, &loose, uri, scratch, sizeof(scratch)) == LDAP_SUCCESS &&
	    conn_setup(d, &loose, uri, starttls, false, scratch,
		       sizeof(scratch)) == LDAP_SUCCESS &&
	    ldap_get_option(d->ld, LDAP_OPT_X_TLS_PEERCERT, &der) ==
		    LDAP_OPT_SUCCESS &&
	    der.bv_val) {
		if (ldap_url_parse(uri, &lud) != LDAP_URL_SUCCESS)
			lud = NULL;
		ldc_tls_cause(&der, lud ? lud->lud_host : NULL, cfg->tls_cacert,
			      why, sizeof(why));
		err_append(err, errlen, why);
		ldap_free_urldesc(lud);
		ber_memfree(der.bv_val);
	} else {
		snprintf(why, sizeof(why), "CA file: %s", cfg->tls_cacert ?
			 cfg->tls_cacert : "none configured (tls_cacert unset)");
		err_append(err, errlen, why);
	}
	conn_free(d);
}

/* TCP connect, the ldaps handshake or StartTLS: all within cfg->timeout,
 * enforced by the watchdog. With explain, a refused certificate is
 * explained (tls_explain). */
static int conn_setup(struct hc_ldap *c, const struct hc_config *cfg,
		      const char *uri, bool starttls, bool explain, char *err,
		      size_t errlen)
{
	unsigned secs = cfg->timeout ? cfg->timeout : 3;
	struct timeval net = { .tv_sec = secs };
	bool handshake_failed = false;
	struct watchdog w;
	int rc;

	watchdog_start(&w, c, secs);
	if (w.running)
		net.tv_sec = secs + 60; /* the watchdog fires first */
	rc = ldap_connect(c->ld);
	if (rc != LDAP_SUCCESS) {
		handshake_failed = c->tcp_up && uri_scheme(uri) == SCHEME_LDAPS;
		ldc_rc_err(err, errlen, uri, handshake_failed ? "TLS handshake"
							      : "connect",
			   rc, ldc_diag(c->ld));
	} else if (starttls) {
		rc = start_tls(c->ld, uri, &net, &handshake_failed, err, errlen);
	}
	if (watchdog_stop(&w)) {
		if (ldc_cancelled())
			hc_set_err(err, errlen, "%s: cancelled", uri);
		else
			hc_set_err(err, errlen, "%s: no answer within %u s "
				   "(connect/TLS)", uri, secs);
		rc = ldc_cancelled() ? LDAP_USER_CANCELLED : LDAP_TIMEOUT;
	} else if (handshake_failed && explain) {
		tls_explain(cfg, uri, starttls, err, errlen);
	}
	return rc;
}

/* Connect, secure and bind to one URI. Returns an LDAP code (or
 * RC_CLEARTEXT_REFUSED). The cleartext rule is checked before anything is
 * sent. */
static int try_uri(const struct hc_config *cfg, const char *uri,
		   const struct bind_args *b, struct hc_ldap *c, char *err,
		   size_t errlen)
{
	enum scheme sch = uri_scheme(uri);
	bool want_starttls = sch == SCHEME_LDAP && cfg->ssl != HC_SSL_OFF;
	bool need_tls = b->pw && sch == SCHEME_LDAP && !cfg->allow_cleartext;
	int rc;

	if (sch == SCHEME_OTHER) {
		hc_set_err(err, errlen, "%s: not an ldap://, ldaps:// or ldapi:// URI",
			uri);
		return LDAP_PARAM_ERROR;
	}
	if (need_tls && !want_starttls) {
		hc_set_err(err, errlen, "%s: refusing to send a password without "
			"TLS (ssl off; use start_tls, ldaps:// or ldapi://)", uri);
		return RC_CLEARTEXT_REFUSED;
	}
	hc_debug("ldap: trying %s", uri);
	rc = conn_init(c, cfg, uri, err, errlen);
	if (rc == LDAP_SUCCESS)
		rc = conn_setup(c, cfg, uri, want_starttls, true, err, errlen);
	if (rc != LDAP_SUCCESS)
		return rc;
	/* belt and braces: never let a password out unprotected */
	if (need_tls && !ldap_tls_inplace(c->ld)) {
		hc_set_err(err, errlen, "%s: TLS not in place, password not sent",
			uri);
		return RC_CLEARTEXT_REFUSED;
	}
	return bind_once(c->ld, uri, b->dn,
			 b->how == HC_BIND_SASL_EXTERNAL ? "EXTERNAL" : NULL,
			 b->pw, &c->op_tv, err, errlen);
}

/* Decide who to bind as; for HC_BIND_CONFIG reads the secret into pwbuf. */
static int resolve_bind(const struct hc_config *cfg, enum hc_bind how,
			const char *dn, const char *pw, struct bind_args *b,
			char *pwbuf, size_t pwlen, char *err, size_t errlen)
{
	b->how = how;
	b->dn = NULL;
	b->pw = NULL;
	switch (how) {
	case HC_BIND_NONE:
	case HC_BIND_SASL_EXTERNAL:
		return 0;
	case HC_BIND_SIMPLE:
		if (!dn || !*dn || !pw || !*pw) {
			/* an empty password is an anonymous bind that
			 * servers report as success */
			hc_set_err(err, errlen, "LDAP bind: empty %s refused",
				(!dn || !*dn) ? "DN" : "password");
			return -EINVAL;
		}
		b->dn = dn;
		b->pw = pw;
		return 0;
	case HC_BIND_CONFIG:
		break;
	default:
		hc_set_err(err, errlen, "LDAP bind: unknown bind method %d", how);
		return -EINVAL;
	}
	if (cfg->sasl_mech) {
		b->how = HC_BIND_SASL_EXTERNAL;
		return 0;
	}
	if (!cfg->binddn) {
		b->how = HC_BIND_NONE;
		return 0;
	}
	int r = hc_config_read_bindpw(cfg, pwbuf, pwlen, err, errlen);
	if (r < 0)
		return r;
	if (!*pwbuf) {
		hc_set_err(err, errlen, "%s: bindpw_file is empty", cfg->path ?
			cfg->path : "config");
		return -EINVAL;
	}
	b->how = HC_BIND_SIMPLE;
	b->dn = cfg->binddn;
	b->pw = pwbuf;
	return 0;
}

/* Append "; msg" (or "msg") to the failure list, bounded. */
static void add_reason(char *all, size_t len, const char *msg)
{
	size_t used = strnlen(all, len);

	if (used + 3 < len)
		snprintf(all + used, len - used, "%s%s", used ? "; " : "", msg);
}

/* The watchdog cut the socket: libldap's unbind must not write to it
 * (EPIPE). Point the descriptor at /dev/null instead; libldap closes that. */
static void conn_neutralise(struct hc_ldap *c)
{
	int nul;

	if (!c->cut || c->fd < 0)
		return;
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nul >= 0) {
		dup3(nul, c->fd, O_CLOEXEC);
		close(nul);
	}
}

static void conn_free(struct hc_ldap *c)
{
	if (!c)
		return;
	if (c->ld) {
		conn_neutralise(c);
		ldap_unbind_ext_s(c->ld, NULL, NULL);
	}
	pthread_mutex_destroy(&c->fd_mu);
	free(c->uri);
	free(c);
}

/* Try the URIs in order until one connects and binds, or one gives a final
 * answer. Returns an LDAP code; *out is set on success. */
static int try_all(const struct hc_config *cfg, const struct bind_args *b,
		   size_t first, struct hc_ldap **out, char *last,
		   size_t lastlen, char *all, size_t alllen)
{
	struct hc_ldap *c;
	int rc = LDAP_SERVER_DOWN;
	size_t n, i;

	for (n = 0; n < cfg->n_uri; n++) {
		if (ldc_cancelled())
			return LDAP_USER_CANCELLED;
		i = (first + n) % cfg->n_uri;
		c = calloc(1, sizeof(*c));
		if (!c || !(c->uri = strdup(cfg->uri[i]))) {
			free(c);
			return LDAP_NO_MEMORY;
		}
		pthread_mutex_init(&c->fd_mu, NULL);
		c->uri_index = i;
		rc = try_uri(cfg, cfg->uri[i], b, c, last, lastlen);
		if (rc == LDAP_SUCCESS) {
			*out = c;
			return rc;
		}
		conn_free(c);
		if (!rc_is_unreachable(rc))
			return rc;
		hc_debug("ldap: %s", last);
		add_reason(all, alllen, last);
	}
	return rc;
}

int hc_ldap_connect(const struct hc_config *cfg, enum hc_bind how,
		    const char *dn, const char *pw, struct hc_ldap **out,
		    char *err, size_t errlen)
{
	return hc_ldap_connect_from(cfg, how, dn, pw, 0, out, err, errlen);
}

int hc_ldap_connect_from(const struct hc_config *cfg, enum hc_bind how,
			 const char *dn, const char *pw, size_t first,
			 struct hc_ldap **out, char *err, size_t errlen)
{
	char pwbuf[BINDPW_MAX], last[512] = "", all[1024] = "";
	struct ldc_sigpipe sp;
	struct bind_args b;
	int r, rc;

	*out = NULL;
	pwbuf[0] = '\0';
	if (!cfg || cfg->n_uri == 0) {
		hc_set_err(err, errlen, "LDAP: no uri configured");
		return -EINVAL;
	}
	r = resolve_bind(cfg, how, dn, pw, &b, pwbuf, sizeof(pwbuf), err,
			 errlen);
	if (r < 0)
		goto out;
	ldc_sigpipe_block(&sp);
	rc = try_all(cfg, &b, first, out, last, sizeof(last), all,
		     sizeof(all));
	ldc_sigpipe_restore(&sp);
	if (rc == LDAP_SUCCESS) {
		r = 0;
	} else if (rc == LDAP_USER_CANCELLED) {
		r = -ECANCELED;
		hc_set_err(err, errlen, "LDAP: cancelled (stopping)");
	} else if (rc == RC_CLEARTEXT_REFUSED) {
		r = -ECONNREFUSED;
		hc_set_err(err, errlen, "%s", last);
	} else if (rc_is_unreachable(rc)) {
		r = -EHOSTUNREACH;
		hc_set_err(err, errlen, "no LDAP server reachable: %s", all);
	} else {
		r = ldc_map_rc(rc);
		hc_set_err(err, errlen, "%s", rc == LDAP_NO_MEMORY ?
			"out of memory" : last);
	}
out:
	explicit_bzero(pwbuf, sizeof(pwbuf));
	return r;
}

void hc_ldap_close(struct hc_ldap *c)
{
	struct ldc_sigpipe sp;

	ldc_sigpipe_block(&sp);
	conn_free(c);
	ldc_sigpipe_restore(&sp);
}

size_t hc_ldap_uri_index(const struct hc_ldap *c)
{
	return c ? c->uri_index : 0;
}

const char *hc_ldap_uri(const struct hc_ldap *c)
{
	return c ? c->uri : NULL;
}

LDAP *hc_ldap_handle(struct hc_ldap *c)
{
	return c ? c->ld : NULL;
}

