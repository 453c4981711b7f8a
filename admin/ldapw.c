/* Apply one change to the directory, or print it as LDIF (--dry-run): see
 * ldapw.h. The raw handle of the shared connection helper is used for the
 * operations it has no call for (add, delete, modify with response
 * controls); every wait is bounded by op_timeout like the helper's own. */
#include <errno.h>
#include <stdio.h>
#include <lber.h>
#include <ldap.h>
#include <ldif.h>
#include <string.h>
#include <strings.h>

#include "ldap_conn.h"
#include "ldapw.h"

int ctl_mod(struct ctl_mods *m, int op, const char *type, const char *value)
{
	LDAPMod *last = m->n ? &m->m[m->n - 1] : NULL;
	size_t nv;

	if (!last || last->mod_op != op || strcmp(last->mod_type, type) != 0 ||
	    !value) {
		if (m->n >= CTL_MAX_MODS)
			return -E2BIG;
		last = &m->m[m->n];
		last->mod_op = op;
		last->mod_type = (char *)(uintptr_t)type;
		last->mod_values = value ? m->v[m->n] : NULL;
		m->v[m->n][0] = NULL;
		m->p[m->n] = last;
		m->p[++m->n] = NULL;
		if (!value)
			return 0;
	}
	for (nv = 0; last->mod_values[nv]; nv++)
		;
	if (nv >= CTL_MAX_VALS)
		return -E2BIG;
	last->mod_values[nv] = (char *)(uintptr_t)value;
	last->mod_values[nv + 1] = NULL;
	return 0;
}

bool ctl_require_admin(const struct ctl *ctl)
{
	if (ctl->binddn || ctl->sasl_external)
		return true;
	ctl_err("this command changes the directory: give an admin identity "
		"(-D DN -W or -y FILE, or -Y EXTERNAL over ldapi://)");
	return false;
}

/* One LDIF line "name: value" (base64 when the value needs it), never
 * wrapped so that a reader's grep finds it. */
static void put_line(int type, const char *name, const char *val, size_t len)
{
	char *s = ldif_put_wrap(type, name, val, len, LDIF_LINE_WIDTH_MAX);

	if (s) {
		fputs(s, stdout);
		ber_memfree(s);
	}
}

static void put_control(const LDAPControl *ctl)
{
	char name[128];

	snprintf(name, sizeof(name), "control: %s %s", ctl->ldctl_oid,
		 ctl->ldctl_iscritical ? "true" : "false");
	put_line(LDIF_PUT_BINARY, name, ctl->ldctl_value.bv_val,
		 ctl->ldctl_value.bv_len);
}

static const char *op_word(int op)
{
	switch (op & ~LDAP_MOD_BVALUES) {
	case LDAP_MOD_ADD: return "add";
	case LDAP_MOD_DELETE: return "delete";
	case LDAP_MOD_INCREMENT: return "increment";
	default: return "replace";
	}
}

static void print_ldif(const struct ctl_change *ch, LDAPControl **ctrls)
{
	static const char *const kind[] = { "add", "modify", "delete" };

	put_line(LDIF_PUT_VALUE, "dn", ch->dn, strlen(ch->dn));
	if (ch->assert_filter)
		printf("# assertion: %s\n", ch->assert_filter);
	for (size_t i = 0; ctrls && ctrls[i]; i++)
		put_control(ctrls[i]);
	printf("changetype: %s\n", kind[ch->op]);
	for (size_t i = 0; ch->mods && i < ch->mods->n; i++) {
		const LDAPMod *m = &ch->mods->m[i];

		if (ch->op == CTL_OP_MODIFY)
			printf("%s: %s\n", op_word(m->mod_op), m->mod_type);
		for (size_t j = 0; m->mod_values && m->mod_values[j]; j++)
			put_line(LDIF_PUT_VALUE, m->mod_type, m->mod_values[j],
				 strlen(m->mod_values[j]));
		if (ch->op == CTL_OP_MODIFY)
			puts("-");
	}
	putchar('\n');
}

/* RFC 4527: the control's value is the list of attributes to return. */
static int make_postread(const char *attr, LDAPControl **out)
{
	char *attrs[] = { (char *)(uintptr_t)attr, NULL };
	BerElement *ber = ber_alloc_t(LBER_USE_DER);
	struct berval bv = { 0, NULL };
	int rc = LDAP_NO_MEMORY;

	if (!ber)
		return rc;
	if (ber_printf(ber, "{v}", attrs) != -1 && ber_flatten2(ber, &bv, 0) == 0)
		rc = ldap_control_create(LDAP_CONTROL_POST_READ, 1, &bv, 1, out);
	ber_free(ber, 1);
	return rc;
}

/* The first value of the post-read entry in the response controls. */
static void read_postread(LDAPControl **sctrls, struct ctl_change *ch)
{
	LDAPControl *pr = ldap_control_find(LDAP_CONTROL_POST_READ, sctrls, NULL);
	struct berval dn, type, *vals = NULL;
	BerElement *ber;

	if (!pr || !(ber = ber_init(&pr->ldctl_value)))
		return;
	if (ber_scanf(ber, "{m{", &dn) != LBER_ERROR) {
		while (ber_scanf(ber, "{m[W]}", &type, &vals) != LBER_ERROR) {
			if (vals && vals[0].bv_val &&
			    vals[0].bv_len < sizeof(ch->postread_val) &&
			    type.bv_len == strlen(ch->postread) &&
			    strncasecmp(type.bv_val, ch->postread, type.bv_len) == 0) {
				memcpy(ch->postread_val, vals[0].bv_val, vals[0].bv_len);
				ch->postread_val[vals[0].bv_len] = '\0';
			}
			ber_bvarray_free(vals);
			vals = NULL;
		}
	}
	ber_free(ber, 1);
}

static int send_op(LDAP *ld, const struct ctl_change *ch, LDAPControl **ctrls,
		   int *msgid)
{
	LDAPMod **mods = ch->mods ? ch->mods->p : NULL;

	switch (ch->op) {
	case CTL_OP_ADD:
		return ldap_add_ext(ld, ch->dn, mods, ctrls, NULL, msgid);
	case CTL_OP_MODIFY:
		return ldap_modify_ext(ld, ch->dn, mods, ctrls, NULL, msgid);
	default:
		return ldap_delete_ext(ld, ch->dn, ctrls, NULL, msgid);
	}
}

static int run_op(struct ctl *ctl, LDAP *ld, struct ctl_change *ch,
		  LDAPControl **ctrls)
{
	struct timeval tv = { .tv_sec = ctl->cfg.op_timeout };
	LDAPControl **sctrls = NULL;
	LDAPMessage *res = NULL;
	char *diag = NULL;
	int msgid, rc, err = LDAP_SUCCESS;

	rc = send_op(ld, ch, ctrls, &msgid);
	if (rc != LDAP_SUCCESS)
		return rc;
	rc = ldap_result(ld, msgid, LDAP_MSG_ALL, &tv, &res);
	if (rc <= 0) {
		ldap_abandon_ext(ld, msgid, NULL, NULL);
		snprintf(ch->diag, sizeof(ch->diag), "no answer in %u s",
			 ctl->cfg.op_timeout);
		return rc == 0 ? LDAP_TIMEOUT : LDAP_SERVER_DOWN;
	}
	rc = ldap_parse_result(ld, res, &err, NULL, &diag, NULL, &sctrls, 1);
	if (rc == LDAP_SUCCESS)
		rc = err;
	if (diag && *diag)
		snprintf(ch->diag, sizeof(ch->diag), "%s", diag);
	if (rc == LDAP_SUCCESS && ch->postread)
		read_postread(sctrls, ch);
	ldap_memfree(diag);
	ldap_controls_free(sctrls);
	return rc;
}

int ctl_change_apply(struct ctl *ctl, struct hc_ldap *c, struct ctl_change *ch)
{
	LDAP *ld = hc_ldap_handle(c);
	LDAPControl *ctrls[3] = { NULL, NULL, NULL };
	size_t n = 0;
	int rc = LDAP_SUCCESS;

	ch->diag[0] = ch->postread_val[0] = '\0';
	if (ch->assert_filter) {
		rc = ldap_create_assertion_control(ld, (char *)(uintptr_t)ch->assert_filter,
						   1, &ctrls[n]);
		if (rc == LDAP_SUCCESS)
			n++;
	}
	if (rc == LDAP_SUCCESS && ch->postread) {
		rc = make_postread(ch->postread, &ctrls[n]);
		if (rc == LDAP_SUCCESS)
			n++;
	}
	if (rc == LDAP_SUCCESS) {
		if (ctl->dry_run)
			print_ldif(ch, ctrls);
		else
			rc = run_op(ctl, ld, ch, ctrls);
	}
	for (size_t i = 0; i < n; i++)
		ldap_control_free(ctrls[i]);
	return rc;
}

void ctl_change_err(const struct ctl_change *ch, int rc)
{
	static const char *const kind[] = { "add", "modify", "delete" };

	ctl_err("%s %s: %s%s%s", kind[ch->op], ch->dn, ldap_err2string(rc),
		ch->diag[0] ? " - " : "", ch->diag);
}

struct find_ctx {
	const char *attr;
	char *buf, *dn;
	size_t len, dnlen;
	int found;
};

static int find_cb(LDAP *ld, LDAPMessage *e, void *p)
{
	struct find_ctx *f = p;
	struct berval **v;

	if (f->found++)
		return 0;
	if (f->dn) {
		char *d = ldap_get_dn(ld, e);

		snprintf(f->dn, f->dnlen, "%s", d ? d : "");
		ldap_memfree(d);
	}
	if (!f->attr)
		return 0;
	v = ldap_get_values_len(ld, e, f->attr);
	if (v && v[0] && v[0]->bv_len < f->len) {
		memcpy(f->buf, v[0]->bv_val, v[0]->bv_len);
		f->buf[v[0]->bv_len] = '\0';
	}
	ldap_value_free_len(v);
	return 0;
}

int ctl_find_one(struct ctl *ctl, struct hc_ldap *c, const char *base,
		 const char *filter, const char *attr, char *buf, size_t len,
		 char *dn, size_t dnlen)
{
	char a[64] = "1.1", err[512];
	char *attrs[] = { a, NULL };
	struct find_ctx f = { attr, buf, dn, len, dnlen, 0 };
	int r;

	if (attr)
		snprintf(a, sizeof(a), "%s", attr);
	if (buf && len)
		buf[0] = '\0';
	(void)ctl;
	r = hc_ldap_search_paged(c, base, LDAP_SCOPE_SUBTREE, filter, attrs, 0,
				 find_cb, &f, err, sizeof(err));
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		ctl_err("%s", err);
		return r;
	}
	return f.found ? 1 : 0;
}

/* user_base/group_base default to base (config.c), and new entries never
 * go directly under the suffix: then ou=People / ou=Groups, as
 * ldap-schema/examples/base.ldif makes them. */
static void parent_of(const char *given, const char *ou, const char *base,
		      char *buf, size_t len)
{
	if (given && strcasecmp(given, base) != 0)
		snprintf(buf, len, "%s", given);
	else
		snprintf(buf, len, "ou=%s,%s", ou, base);
}

void ctl_user_parent(const struct ctl *ctl, char *buf, size_t len)
{
	parent_of(ctl->cfg.user_base, "People", ctl->cfg.base, buf, len);
}

void ctl_group_parent(const struct ctl *ctl, char *buf, size_t len)
{
	parent_of(ctl->cfg.group_base, "Groups", ctl->cfg.base, buf, len);
}

/* Names passed here are valid names (hc_valid_name): nothing in them needs
 * DN escaping. */
int ctl_member_dn(const struct ctl *ctl, const char *name, char *buf, size_t len)
{
	char parent[512];
	int n;

	ctl_user_parent(ctl, parent, sizeof(parent));
	n = snprintf(buf, len, "uid=%s,%s", name, parent);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int ctl_group_dn(const struct ctl *ctl, const char *name, char *buf, size_t len)
{
	char parent[512];
	int n;

	ctl_group_parent(ctl, parent, sizeof(parent));
	n = snprintf(buf, len, "cn=%s,%s", name, parent);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
