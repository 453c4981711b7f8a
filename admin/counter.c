/* The uidNumber counter: one entry cn=idcounter,BASE (class hcoopIdCounter)
 * whose hcoopLastId is the last number handed out. A number is taken with
 * ONE atomic operation, an RFC 4525 Modify-Increment carrying the RFC 4527
 * post-read control: the server adds 1 and returns the new value in the
 * same answer, so two admins adding members at once always get different
 * numbers, and numbers only go up (a deleted member's uid is never handed
 * to someone else: their files on a host stay theirs).
 *
 * The first `member add` on a directory without the counter creates it at
 * the highest uidNumber/gidNumber present (nobody/nogroup's 65534 and the
 * 32-bit "-1"/"-2" aside), so an existing co-op adopts the tool as is; two
 * first adds at once both try, one add wins, the other sees "already
 * exists" and simply increments. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ldap_conn.h"
#include "ldapw.h"

#define COUNTER_ATTR "hcoopLastId"

void ctl_counter_dn(const struct ctl *ctl, char *buf, size_t len)
{
	snprintf(buf, len, "cn=idcounter,%s", ctl->cfg.base);
}

static bool ignored_id(uint64_t v)
{
	return v == 65534 || v == 65535 || v >= 4294967294u;
}

static int max_cb(LDAP *ld, LDAPMessage *e, void *p)
{
	static const char *const attrs[] = { "uidNumber", "gidNumber" };
	uint64_t *max = p;

	for (size_t a = 0; a < 2; a++) {
		struct berval **v = ldap_get_values_len(ld, e, attrs[a]);

		for (size_t i = 0; v && v[i]; i++) {
			char num[24];
			uint64_t n;

			if (v[i]->bv_len >= sizeof(num))
				continue;
			memcpy(num, v[i]->bv_val, v[i]->bv_len);
			num[v[i]->bv_len] = '\0';
			n = strtoull(num, NULL, 10);
			if (!ignored_id(n) && n > *max)
				*max = n;
		}
		ldap_value_free_len(v);
	}
	return 0;
}

static int highest_id(struct ctl *ctl, struct hc_ldap *c, uint64_t *max)
{
	static char a_u[] = "uidNumber", a_g[] = "gidNumber";
	char *attrs[] = { a_u, a_g, NULL };
	char err[512];
	int r;

	*max = 0;
	r = hc_ldap_search_paged(c, ctl->cfg.base, LDAP_SCOPE_SUBTREE,
				 "(|(uidNumber=*)(gidNumber=*))", attrs, 0,
				 max_cb, max, err, sizeof(err));
	if (r < 0)
		ctl_err("%s", err);
	return r;
}

int64_t ctl_counter_peek(struct ctl *ctl, struct hc_ldap *c)
{
	char dn[512], val[32];
	int r;

	ctl_counter_dn(ctl, dn, sizeof(dn));
	r = ctl_find_one(ctl, c, dn, "(objectClass=hcoopIdCounter)",
			 COUNTER_ATTR, val, sizeof(val), NULL, 0);
	if (r < 0)
		return r;
	return r ? (int64_t)strtoll(val, NULL, 10) : 0;
}

/* The counter does not exist yet: create it at the highest id present. */
static int create_counter(struct ctl *ctl, struct hc_ldap *c, uint64_t *start)
{
	struct ctl_mods m = { .n = 0 };
	char dn[512], val[24];
	struct ctl_change ch = { .op = CTL_OP_ADD, .dn = dn, .mods = &m };
	int rc;

	if (highest_id(ctl, c, start) < 0)
		return -1;
	ctl_counter_dn(ctl, dn, sizeof(dn));
	snprintf(val, sizeof(val), "%" PRIu64, *start);
	ctl_mod(&m, LDAP_MOD_ADD, "objectClass", "hcoopIdCounter");
	ctl_mod(&m, LDAP_MOD_ADD, "cn", "idcounter");
	ctl_mod(&m, LDAP_MOD_ADD, COUNTER_ATTR, val);
	if (ctl->dry_run)
		printf("# no counter yet: it starts at the highest id present, %s\n",
		       val);
	rc = ctl_change_apply(ctl, c, &ch);
	if (rc == LDAP_SUCCESS || rc == LDAP_ALREADY_EXISTS)
		return 0; /* already exists: another admin's first add won */
	ctl_change_err(&ch, rc);
	return -1;
}

static int increment(struct ctl *ctl, struct hc_ldap *c, struct ctl_change *ch)
{
	static char one[] = "1";

	ctl_mod(ch->mods, LDAP_MOD_INCREMENT, COUNTER_ATTR, one);
	return ctl_change_apply(ctl, c, ch);
}

int ctl_counter_next(struct ctl *ctl, struct hc_ldap *c, uint32_t *out)
{
	struct ctl_mods m = { .n = 0 }, m2 = { .n = 0 };
	char dn[512];
	struct ctl_change ch = { .op = CTL_OP_MODIFY, .dn = dn, .mods = &m,
				 .postread = COUNTER_ATTR };
	uint64_t start = 0, v;
	int64_t now = 0;
	int rc;

	ctl_counter_dn(ctl, dn, sizeof(dn));
	if (ctl->dry_run && (now = ctl_counter_peek(ctl, c)) < 0)
		return -1;
	if (ctl->dry_run && now == 0) {
		if (create_counter(ctl, c, &start) < 0)
			return -1;
		now = (int64_t)start;
	}
	rc = increment(ctl, c, &ch);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		if (create_counter(ctl, c, &start) < 0)
			return -1;
		ch.mods = &m2;
		rc = increment(ctl, c, &ch);
	}
	if (rc != LDAP_SUCCESS) {
		ctl_change_err(&ch, rc);
		return -1;
	}
	if (ctl->dry_run) {
		*out = (uint32_t)(now + 1);
		printf("# the counter answers (post-read) %" PRIu32 "\n\n", *out);
		return 0;
	}
	v = strtoull(ch.postread_val, NULL, 10);
	if (v == 0 || v >= 4294967294u) {
		ctl_err("%s: the server returned no usable %s (post-read '%s')",
			dn, COUNTER_ATTR, ch.postread_val);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* --uid N above the counter: move the counter up to N so that it is never
 * handed out again. The assertion makes it safe against a concurrent
 * increment: if the counter passed N meanwhile, nothing is to be done. */
int ctl_counter_raise(struct ctl *ctl, struct hc_ldap *c, uint32_t n)
{
	struct ctl_mods m = { .n = 0 };
	char dn[512], val[24], filter[64];
	struct ctl_change ch = { .op = CTL_OP_MODIFY, .dn = dn, .mods = &m,
				 .assert_filter = filter };
	uint64_t start;
	int64_t now = ctl_counter_peek(ctl, c);
	int rc;

	if (now < 0)
		return -1;
	if (now == 0 && create_counter(ctl, c, &start) < 0)
		return -1;
	ctl_counter_dn(ctl, dn, sizeof(dn));
	snprintf(val, sizeof(val), "%" PRIu32, n);
	snprintf(filter, sizeof(filter), "(!(" COUNTER_ATTR ">=%" PRIu32 "))", n);
	ctl_mod(&m, LDAP_MOD_REPLACE, COUNTER_ATTR, val);
	rc = ctl_change_apply(ctl, c, &ch);
	if (rc == LDAP_SUCCESS || rc == LDAP_ASSERTION_FAILED)
		return 0;
	ctl_change_err(&ch, rc);
	return -1;
}
