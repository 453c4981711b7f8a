/* Operations on an established connection: paged search, "Who am I?",
 * Password Modify (see ldap_conn.h for the contract). Each request is
 * asynchronous with an explicit deadline of op_timeout per answer, and
 * runs with SIGPIPE blocked in the calling thread (ldc_sigpipe_*). */
#include "ldap_conn.h"

#include <errno.h>
#include <lber.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errbuf.h"
#include "ldap_internal.h"

#define DEFAULT_PAGE_SIZE 500

/* An error for an operation on an established connection. */
static int op_fail(struct hc_ldap *c, const char *what, int rc,
		   const char *diag, char *err, size_t errlen)
{
	ldc_rc_err(err, errlen, c->uri, what, rc,
	       diag && *diag ? diag : ldc_diag(c->ld));
	return ldc_map_rc(rc);
}

/* The final message of one page: its code and the cookie for the next
 * page (empty when done). Frees res. */
static int page_done(struct hc_ldap *c, LDAPMessage *res,
		     struct berval *cookie, char *err, size_t errlen)
{
	LDAPControl **ctrls = NULL, *pr;
	char *diag = NULL;
	int code = LDAP_OTHER, rc;
	ber_int_t estimate;

	rc = ldap_parse_result(c->ld, res, &code, NULL, &diag, NULL, &ctrls, 1);
	if (rc == LDAP_SUCCESS)
		rc = code;
	if (rc != LDAP_SUCCESS) {
		/* sizeLimitExceeded included: a truncated result is an error */
		rc = op_fail(c, "search", rc, diag, err, errlen);
		goto out;
	}
	ber_memfree(cookie->bv_val);
	cookie->bv_val = NULL;
	cookie->bv_len = 0;
	pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, ctrls, NULL);
	if (pr && ldap_parse_pageresponse_control(c->ld, pr, &estimate,
						  cookie) != LDAP_SUCCESS)
		rc = op_fail(c, "paged results control", LDAP_DECODING_ERROR,
			     NULL, err, errlen);
out:
	ldap_memfree(diag);
	ldap_controls_free(ctrls);
	return rc;
}

/* Send one page request. */
static int page_send(struct hc_ldap *c, const char *base, int scope,
		     const char *filter, char **attrs, int page_size,
		     struct berval *cookie, int *msgid, char *err, size_t errlen)
{
	LDAPControl *pc = NULL, *ctrls[2] = { NULL, NULL };
	struct timeval tl = c->op_tv;
	int rc;

	rc = ldap_create_page_control(c->ld, page_size,
				      cookie->bv_val ? cookie : NULL, 0, &pc);
	if (rc != LDAP_SUCCESS)
		return op_fail(c, "paged results control", rc, NULL, err,
			       errlen);
	ctrls[0] = pc;
	rc = ldap_search_ext(c->ld, base, scope, filter, attrs, 0, ctrls, NULL,
			     &tl, LDAP_NO_LIMIT, msgid);
	ldap_control_free(pc);
	return rc == LDAP_SUCCESS ? 0 :
				    op_fail(c, "search", rc, NULL, err, errlen);
}

/* Read one page's messages, calling cb per entry. 0 when the final result
 * came (and *cookie says whether more pages follow). */
static int page_read(struct hc_ldap *c, int msgid, struct berval *cookie,
		     hc_ldap_entry_cb cb, void *ctx, char *err, size_t errlen)
{
	LDAPMessage *res;
	int rc;

	for (;;) {
		rc = ldc_wait_result(c->ld, msgid, LDAP_MSG_ONE, &c->op_tv, &res);
		if (rc != LDAP_SUCCESS)
			return op_fail(c, "search", rc, NULL, err, errlen);
		switch (ldap_msgtype(res)) {
		case LDAP_RES_SEARCH_ENTRY:
			rc = cb(c->ld, res, ctx);
			ldap_msgfree(res);
			if (rc != 0) {
				ldap_abandon_ext(c->ld, msgid, NULL, NULL);
				return rc;
			}
			break;
		case LDAP_RES_SEARCH_RESULT:
			return page_done(c, res, cookie, err, errlen);
		default: /* references: referrals are off, ignore */
			ldap_msgfree(res);
		}
	}
}

static int search_paged(struct hc_ldap *c, const char *base, int scope,
			const char *filter, char **attrs, int page_size,
			hc_ldap_entry_cb cb, void *ctx, char *err,
			size_t errlen)
{
	struct berval cookie = { 0, NULL };
	int msgid, r;

	if (!c || !base || !cb || page_size < 0) {
		hc_set_err(err, errlen, "LDAP search: bad arguments");
		return -EINVAL;
	}
	if (page_size == 0)
		page_size = DEFAULT_PAGE_SIZE;
	do {
		r = page_send(c, base, scope, filter, attrs, page_size, &cookie,
			      &msgid, err, errlen);
		if (r == 0)
			r = page_read(c, msgid, &cookie, cb, ctx, err, errlen);
	} while (r == 0 && cookie.bv_val && cookie.bv_len > 0);
	ber_memfree(cookie.bv_val);
	return r;
}

int hc_ldap_search_paged(struct hc_ldap *c, const char *base, int scope,
			 const char *filter, char **attrs, int page_size,
			 hc_ldap_entry_cb cb, void *ctx, char *err,
			 size_t errlen)
{
	struct ldc_sigpipe sp;
	int r;

	ldc_sigpipe_block(&sp);
	r = search_paged(c, base, scope, filter, attrs, page_size, cb, ctx,
			 err, errlen);
	ldc_sigpipe_restore(&sp);
	return r;
}

static int whoami(struct hc_ldap *c, char **authzid, char *err,
		  size_t errlen)
{
	struct berval *id = NULL;
	LDAPMessage *res = NULL;
	int msgid, rc, r;

	*authzid = NULL;
	rc = ldap_whoami(c->ld, NULL, NULL, &msgid);
	if (rc == LDAP_SUCCESS)
		rc = ldc_wait_result(c->ld, msgid, LDAP_MSG_ALL, &c->op_tv, &res);
	if (rc == LDAP_SUCCESS)
		rc = ldap_parse_whoami(c->ld, res, &id);
	ldap_msgfree(res);
	if (rc != LDAP_SUCCESS)
		return op_fail(c, "whoami", rc, NULL, err, errlen);
	r = 0;
	*authzid = id && id->bv_val ? strndup(id->bv_val, id->bv_len) :
				      strdup("");
	if (!*authzid)
		r = -ENOMEM;
	ber_bvfree(id);
	return r;
}

int hc_ldap_whoami(struct hc_ldap *c, char **authzid, char *err,
		   size_t errlen)
{
	struct ldc_sigpipe sp;
	int r;

	ldc_sigpipe_block(&sp);
	r = whoami(c, authzid, err, errlen);
	ldc_sigpipe_restore(&sp);
	return r;
}

int hc_ldap_authzid_is_dn(const char *authzid, const char *dn)
{
	char *a = NULL, *b = NULL;
	int same;

	if (!authzid || !dn || strncasecmp(authzid, "dn:", 3) != 0)
		return 0;
	if (ldap_dn_normalize(authzid + 3, LDAP_DN_FORMAT_LDAPV3, &a,
			      LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS ||
	    ldap_dn_normalize(dn, LDAP_DN_FORMAT_LDAPV3, &b,
			      LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		same = 0;
	else
		same = a && b && strcasecmp(a, b) == 0;
	ldap_memfree(a);
	ldap_memfree(b);
	return same;
}

static struct berval bv_of(const char *s)
{
	struct berval b = { 0, NULL };

	if (s) {
		b.bv_val = (char *)(uintptr_t)s; /* libldap only reads it */
		b.bv_len = strlen(s);
	}
	return b;
}

static int passwd_op(struct hc_ldap *c, const char *dn, const char *oldpw,
		     const char *newpw, char *err, size_t errlen)
{
	struct berval user = bv_of(dn), old = bv_of(oldpw), new = bv_of(newpw);
	char *diag = NULL;
	int msgid = -1, rc, r;

	/* no old password: an admin setting another entry's (hcoopctl) */
	if (!c || (oldpw && !*oldpw) || (!oldpw && !dn) || !newpw || !*newpw) {
		hc_set_err(err, errlen, "password change: empty password refused");
		return -EINVAL;
	}
	rc = ldap_passwd(c->ld, dn ? &user : NULL, oldpw ? &old : NULL, &new, NULL, NULL,
			 &msgid);
	rc = ldc_final_answer(c->ld, rc, msgid, &c->op_tv, &diag);
	if (rc == LDAP_SUCCESS) {
		r = 0;
	} else {
		r = op_fail(c, "password change", rc, diag, err, errlen);
		/* slapd answers a wrong old password with "unwilling" */
		if (rc == LDAP_UNWILLING_TO_PERFORM && diag &&
		    strstr(diag, "old password"))
			r = -EACCES;
	}
	ldap_memfree(diag);
	return r;
}

int hc_ldap_modify(struct hc_ldap *c, const char *dn, LDAPMod **mods,
		   LDAPControl **ctrls, char *err, size_t errlen)
{
	struct ldc_sigpipe sp;
	char *diag = NULL;
	int msgid = -1, rc, r = 0;

	ldc_sigpipe_block(&sp);
	rc = ldap_modify_ext(c->ld, dn, mods, ctrls, NULL, &msgid);
	rc = ldc_final_answer(c->ld, rc, msgid, &c->op_tv, &diag);
	if (rc != LDAP_SUCCESS)
		r = op_fail(c, "modify", rc, diag, err, errlen);
	ldap_memfree(diag);
	ldc_sigpipe_restore(&sp);
	return r;
}

int hc_ldap_passwd(struct hc_ldap *c, const char *dn, const char *oldpw,
		   const char *newpw, char *err, size_t errlen)
{
	struct ldc_sigpipe sp;
	int r;

	ldc_sigpipe_block(&sp);
	r = passwd_op(c, dn, oldpw, newpw, err, errlen);
	ldc_sigpipe_restore(&sp);
	return r;
}

const char *hc_ldap_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -EHOSTUNREACH:
		return "no LDAP server reachable";
	case -EACCES:
		return "invalid credentials";
	case -ENOENT:
		return "no such entry";
	case -EPERM:
		return "refused by the LDAP server";
	case -ECONNREFUSED:
		return "refusing to send a password without TLS";
	case -ETIMEDOUT:
		return "LDAP operation timed out";
	case -EINVAL:
		return "invalid argument";
	case -ENOMEM:
		return "out of memory";
	case -EPROTO:
		return "LDAP protocol error";
	case -ECANCELED:
		return "cancelled";
	default:
		return "unknown LDAP error";
	}
}
