/* The one LDAP connection helper (libldap). Everyone who talks to LDAP
 * (hcoop-sync, pam_hcoop auth and password change, tests) goes through it.
 * Never linked into the NSS module.
 *
 * It owns: URI order and failover, connect (network) and operation
 * timeouts from the config, StartTLS/ldaps with certificate checks
 * (tls_reqcert, tls_cacert; a fresh TLS context per connection), refusing
 * to send a password without TLS (except to ldapi://, or allow_cleartext),
 * simple paged results (RFC 2696), "Who am I?" (RFC 4532) and Password
 * Modify (RFC 3062). A certificate the TLS handshake refused is explained
 * in the error message (unknown CA, expired, name mismatch, and the CA
 * file used). Every call is safe against SIGPIPE in its host process
 * (blocked in the calling thread around the I/O, a pending one consumed).
 *
 * Errors are negative errno values with one meaning each; LDAP result codes
 * never leave ldap_conn.c:
 *   -EHOSTUNREACH  no server could be reached (all URIs failed to connect,
 *                  time out or complete TLS)
 *   -EACCES        invalid credentials (never retried on the next server)
 *   -ENOENT        no such entry / object
 *   -EPERM         the server refused: insufficient access, confidentiality
 *                  required, unwilling to perform, password policy
 *   -ECONNREFUSED  this client refused to send a password in cleartext
 *   -ETIMEDOUT     an operation on a connected server timed out
 *   -ECANCELED     the stop flag of hc_ldap_set_cancel was set
 *   -EINVAL        bad arguments (e.g. empty password, no uri configured)
 *   -ENOMEM
 *   -EPROTO        any other LDAP error
 * Functions taking (err, errlen) fill it with a one-line human message
 * (server and reason, the server's diagnostic text when it gave one). */
#ifndef HCOOP_LDAP_CONN_H
#define HCOOP_LDAP_CONN_H

#include <ldap.h>
#include <signal.h>
#include <stddef.h>

#include "config.h"

struct hc_ldap;

enum hc_bind {
	HC_BIND_NONE = 0,      /* anonymous */
	HC_BIND_SIMPLE,        /* dn + password given by the caller */
	HC_BIND_SASL_EXTERNAL, /* ldapi peer credentials or TLS client cert */
	HC_BIND_CONFIG,        /* as the config says: sasl_mech, or binddn +
				  bindpw_file, or anonymous */
};

/* Connect to the first URI that answers, in config order, and bind.
 * For HC_BIND_SIMPLE, pw must be non-empty and contain no NUL (-EINVAL
 * otherwise, before any network traffic). An -EACCES from one server is
 * final: the next server is not tried. */
int hc_ldap_connect(const struct hc_config *cfg, enum hc_bind how,
		    const char *dn, const char *pw, struct hc_ldap **out,
		    char *err, size_t errlen);

/* The same, trying the URIs from cfg->uri[first] on (wrapping round):
 * a daemon that lost server i tries i+1 first. */
int hc_ldap_connect_from(const struct hc_config *cfg, enum hc_bind how,
			 const char *dn, const char *pw, size_t first,
			 struct hc_ldap **out, char *err, size_t errlen);

void hc_ldap_close(struct hc_ldap *c);

/* Process-wide: when *flag becomes non-zero (a signal handler sets it),
 * every wait of this helper ends within 200 ms with -ECANCELED. For
 * daemons only; a module never calls it. */
void hc_ldap_set_cancel(volatile sig_atomic_t *flag);

/* The index in cfg->uri of the server this connection uses. */
size_t hc_ldap_uri_index(const struct hc_ldap *c);

/* The URI this connection uses, and the raw handle (for ldap_sync_*). */
const char *hc_ldap_uri(const struct hc_ldap *c);
LDAP *hc_ldap_handle(struct hc_ldap *c);

/* Called once per entry; a non-zero return stops the search and is
 * returned by hc_ldap_search_paged. */
typedef int (*hc_ldap_entry_cb)(LDAP *ld, LDAPMessage *entry, void *ctx);

/* Search with simple paged results (page_size 0: default 500), calling cb
 * for each entry in order. Returns 0, a negative error above, or cb's
 * non-zero value. */
int hc_ldap_search_paged(struct hc_ldap *c, const char *base, int scope,
			 const char *filter, char **attrs, int page_size,
			 hc_ldap_entry_cb cb, void *ctx, char *err,
			 size_t errlen);

/* RFC 4532: the authorization identity of this connection, as the server
 * gives it ("dn:..."); *authzid is malloc'd. */
int hc_ldap_whoami(struct hc_ldap *c, char **authzid, char *err,
		   size_t errlen);

/* True if whoami's answer names exactly dn (case-insensitive DN compare
 * after the "dn:" prefix). */
int hc_ldap_authzid_is_dn(const char *authzid, const char *dn);

/* RFC 3062 Password Modify for dn (NULL: the bound identity) with the old
 * and new passwords; oldpw NULL (only with a dn) sets it as an admin
 * (hcoopctl member add), the server's access rules deciding. On refusal returns -EPERM (or -EACCES for a wrong old
 * password) and err carries the server's reason (e.g. a quality rule). */
int hc_ldap_passwd(struct hc_ldap *c, const char *dn, const char *oldpw,
		   const char *newpw, char *err, size_t errlen);

/* ldap_modify with a deadline of op_timeout (ldap_ops.c); ctrls may
 * carry e.g. an RFC 4528 assertion (a failed assertion is -EPROTO with the
 * server's text in err). */
int hc_ldap_modify(struct hc_ldap *c, const char *dn, LDAPMod **mods,
		   LDAPControl **ctrls, char *err, size_t errlen);

/* strerror-like text for the errors above. */
const char *hc_ldap_strerror(int err);

#endif
