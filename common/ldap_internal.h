/* Shared between ldap_conn.c (connecting, binding) and ldap_ops.c
 * (operations on a connection). Not for use outside common/. */
#ifndef HCOOP_LDAP_INTERNAL_H
#define HCOOP_LDAP_INTERNAL_H

#include <ldap.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/time.h>

struct hc_ldap {
	LDAP *ld;
	char *uri;
	struct timeval op_tv; /* wait for each answer at most this long */
	struct ldap_conncb cb; /* records the socket; lives as long as ld */
	atomic_int fd;         /* the socket, -1 before connect */
};

/* The one translation of LDAP result codes to our errors. */
int ldc_map_rc(int rc);
/* The handle's diagnostic text (thread-local buffer). */
const char *ldc_diag(LDAP *ld);
/* "URI: what: reason (server text)" into err. */
void ldc_rc_err(char *err, size_t errlen, const char *uri, const char *what,
		int rc, const char *diag);
/* Wait for msgid's answer at most tv; an LDAP code. */
int ldc_wait_result(LDAP *ld, int msgid, int all, const struct timeval *tv,
		    LDAPMessage **res);
/* Result code and diagnostic of a final response; frees res. */
int ldc_parse_final(LDAP *ld, LDAPMessage *res, char **diag);

#endif
