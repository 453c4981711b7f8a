/* Why a TLS handshake failed, in words an admin can act on. libldap only
 * says "Connect error"; so after a failure ldap_conn.c fetches the
 * server's certificate on a second connection that does not verify it,
 * and this file checks it the way the handshake did (GnuTLS, the library
 * libldap itself uses on Debian): validity dates, the name or address
 * connected to, and the signer against tls_cacert (or the system CA list
 * when none is configured). */
#include "ldap_internal.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "errbuf.h"

static bool name_matches(gnutls_x509_crt_t crt, const char *host)
{
	unsigned char ip[16];
	int af = strchr(host, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(af, host, ip) == 1)
		return gnutls_x509_crt_check_ip(crt, ip,
						af == AF_INET ? 4 : 16, 0) != 0;
	return gnutls_x509_crt_check_hostname(crt, host) != 0;
}

/* Is the certificate signed by a CA we trust? */
static bool signer_known(gnutls_x509_crt_t crt, const char *cafile)
{
	gnutls_x509_trust_list_t tl;
	unsigned status = 0;
	bool ok = false;

	if (gnutls_x509_trust_list_init(&tl, 0) < 0)
		return true; /* cannot tell: do not accuse the CA */
	if ((cafile ? gnutls_x509_trust_list_add_trust_file(
			      tl, cafile, NULL, GNUTLS_X509_FMT_PEM, 0, 0)
		    : gnutls_x509_trust_list_add_system_trust(tl, 0, 0)) > 0 &&
	    gnutls_x509_trust_list_verify_crt(tl, &crt, 1,
					      GNUTLS_VERIFY_DISABLE_TIME_CHECKS,
					      &status, NULL) == 0)
		ok = !(status & (GNUTLS_CERT_SIGNER_NOT_FOUND |
				 GNUTLS_CERT_SIGNER_NOT_CA | GNUTLS_CERT_INVALID));
	gnutls_x509_trust_list_deinit(tl, 1); /* and the CAs it holds */
	return ok;
}

static void fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

void ldc_tls_cause(const struct berval *der, const char *host,
		   const char *cafile, char *why, size_t len)
{
	gnutls_datum_t d = { (unsigned char *)der->bv_val,
			     (unsigned)der->bv_len };
	gnutls_x509_crt_t crt;
	const char *ca = cafile ? cafile : "none configured (tls_cacert unset: "
					  "the system CA list)";
	time_t now = time(NULL), nb, na;
	char when[32], cause[200] = "cause not found";

	if (gnutls_x509_crt_init(&crt) < 0)
		goto out;
	if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) < 0) {
		snprintf(cause, sizeof(cause), "unreadable server certificate");
		goto done;
	}
	na = gnutls_x509_crt_get_expiration_time(crt);
	nb = gnutls_x509_crt_get_activation_time(crt);
	if (!signer_known(crt, cafile)) {
		snprintf(cause, sizeof(cause), "unknown CA (the server's "
			 "certificate is signed by no CA of the CA file)");
	} else if (na != (time_t)-1 && now > na) {
		fmt_time(na, when, sizeof(when));
		snprintf(cause, sizeof(cause), "certificate expired on %s", when);
	} else if (nb != (time_t)-1 && now < nb) {
		fmt_time(nb, when, sizeof(when));
		snprintf(cause, sizeof(cause), "certificate not valid before %s",
			 when);
	} else if (host && !name_matches(crt, host)) {
		snprintf(cause, sizeof(cause), "name mismatch (the certificate "
			 "is not for '%.80s')", host);
	}
done:
	gnutls_x509_crt_deinit(crt);
out:
	hc_set_err(why, len, "%s; CA file: %s", cause, ca);
}
