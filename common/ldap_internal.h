/* Shared between ldap_conn.c (connecting, binding) and ldap_ops.c
 * (operations on a connection). Not for use outside common/. */
#ifndef HCOOP_LDAP_INTERNAL_H
#define HCOOP_LDAP_INTERNAL_H

#include <ldap.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

struct hc_ldap {
	LDAP *ld;
	char *uri;
	size_t uri_index;     /* its position in cfg->uri */
	struct timeval op_tv; /* wait for each answer at most this long */
	struct ldap_conncb cb; /* records the socket; lives as long as ld */
	/* The socket (-1 before connect and once libldap dropped it). fd_mu
	 * orders the watchdog's shutdown against libldap closing the socket,
	 * so the watchdog can never shut down a reused descriptor. */
	pthread_mutex_t fd_mu;
	int fd;
	bool cut; /* the watchdog shut the socket down: never write to it */
	bool tcp_up; /* the TCP connection was made (a later failure is TLS's) */
};

/* SIGPIPE safety of a library call inside someone else's process (sshd,
 * su, cron): SIGPIPE is blocked in the calling thread for the call, one
 * raised by our writes is consumed, and the mask is restored. */
struct ldc_sigpipe {
	sigset_t old;
	bool was_pending; /* pending before: not ours to consume */
};
void ldc_sigpipe_block(struct ldc_sigpipe *s);
void ldc_sigpipe_restore(const struct ldc_sigpipe *s);

/* ldap_tlsdiag.c: why the certificate der, presented by host, fails the
 * checks of a handshake with cafile (NULL: the system CA list): unknown
 * CA, expired, not yet valid, name mismatch, into why (never empty). */
struct berval;
void ldc_tls_cause(const struct berval *der, const char *host,
		   const char *cafile, char *why, size_t len);

/* The stop flag of hc_ldap_set_cancel, or NULL. */
bool ldc_cancelled(void);

/* The one translation of LDAP result codes to our errors. */
int ldc_map_rc(int rc);
/* The handle's diagnostic text (thread-local buffer). */
const char *ldc_diag(LDAP *ld);
/* "URI: what: reason (server text)" into err. */
void ldc_rc_err(char *err, size_t errlen, const char *uri, const char *what,
		int rc, const char *diag);
/* Wait for msgid's answer at most tv; an LDAP code. Waits in slices so
 * that a cancel (hc_ldap_set_cancel) ends it within 200 ms with
 * LDAP_USER_CANCELLED (the request is abandoned, as on a timeout). */
int ldc_wait_result(LDAP *ld, int msgid, int all, const struct timeval *tv,
		    LDAPMessage **res);
/* Result code and diagnostic of a final response; frees res. */
int ldc_parse_final(LDAP *ld, LDAPMessage *res, char **diag);
/* The final answer to a request sent with code rc as msgid (waited for
 * at most tv): LDAP_SUCCESS or the failing code, the server's text in
 * *diag (ldap_memfree it). */
int ldc_final_answer(LDAP *ld, int rc, int msgid, const struct timeval *tv,
		     char **diag);

#endif
