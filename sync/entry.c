/* One LDAP entry -> one validated struct hs_entry, or a warning naming the
 * DN and the reason. Nothing that fails a rule here reaches the cache. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache.h"
#include "log.h"
#include "names.h"
#include "numparse.h"
#include "sync.h"

/* uid_t/gid_t -1 means "no change" to chown and friends: never an id. */
#define HS_ID_MAX 4294967294u

struct parse {
	const struct hc_config *cfg;
	struct hs_attrs attrs;
	const char *dn;
	const char *why; /* reason for skipping, static text */
	char whybuf[160];
};

static void entry_free_fields(struct hs_entry *e)
{
	size_t i;

	free(e->key);
	free(e->dn);
	free(e->ndn);
	free(e->name);
	free(e->gecos);
	free(e->dir);
	free(e->shell);
	free(e->host);
	free(e->why);
	free(e->sshkeys);
	for (i = 0; i < e->nmembers; i++)
		free(e->members[i]);
	free(e->members);
}

void hs_entry_free(struct hs_entry *e)
{
	free(e); /* one block: see pack() */
}

static size_t str_size(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

/* Copy s to *pos (advanced); NULL stays NULL. */
static char *put_str(char **pos, const char *s)
{
	size_t n = str_size(s);
	char *d = *pos;

	if (!s)
		return NULL;
	memcpy(d, s, n);
	*pos += n;
	return d;
}

int hs_ascii_casecmp(const char *x, const char *y)
{
	unsigned char a, b;

	do {
		a = (unsigned char)*x++;
		b = (unsigned char)*y++;
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b - 'A' + 'a');
	} while (a && a == b);
	return a - b;
}

const char *hs_entry_order(const struct hs_entry *e)
{
	return e->ndn ? e->ndn : e->dn ? e->dn : "";
}

/* The parsed entry t as one allocation: the struct, the member pointer
 * array, then every string. A model of a million entries then costs one
 * malloc header per entry instead of ten, and frees with one call. The
 * normalised DN is kept only when it is not the DN's ASCII lower case
 * (spaces after commas, escapes: rare), which saves a DN's worth of
 * every entry the daemon holds; hs_entry_order compares either. */
static int pack(const struct hs_entry *t, struct hs_entry **out)
{
	const char *ndn = t->ndn && t->dn && hs_ascii_casecmp(t->dn, t->ndn) == 0
				  ? NULL : t->ndn;
	const char *const s[] = { t->key, t->dn, ndn, t->name, t->gecos,
				  t->dir, t->shell, t->host, t->why,
				  t->sshkeys };
	size_t size = sizeof(*t) + t->nmembers * sizeof(char *), i;
	struct hs_entry *e;
	char *pos;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		size += str_size(s[i]);
	for (i = 0; i < t->nmembers; i++)
		size += str_size(t->members[i]);
	e = malloc(size);
	if (!e)
		return -ENOMEM;
	*e = *t;
	e->members = (char **)(e + 1);
	pos = (char *)(e->members + t->nmembers);
	e->key = put_str(&pos, t->key);
	e->dn = put_str(&pos, t->dn);
	e->ndn = put_str(&pos, ndn);
	e->name = put_str(&pos, t->name);
	e->gecos = put_str(&pos, t->gecos);
	e->dir = put_str(&pos, t->dir);
	e->shell = put_str(&pos, t->shell);
	e->host = put_str(&pos, t->host);
	e->why = put_str(&pos, t->why);
	e->sshkeys = put_str(&pos, t->sshkeys);
	for (i = 0; i < t->nmembers; i++)
		e->members[i] = put_str(&pos, t->members[i]);
	*out = e;
	return 0;
}

int hs_uuid_text(const struct berval *bv, char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)bv->bv_val;
	int n;

	if (bv->bv_len != 16 || len < 37)
		return -EINVAL;
	n = snprintf(buf, len,
		     "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		     "%02x%02x%02x%02x%02x%02x",
		     u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8],
		     u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	return n == 36 ? 0 : -EINVAL;
}

/* A value must be text without NUL: berval values may hold anything. */
static int dup_value(const struct berval *bv, char **out)
{
	if (memchr(bv->bv_val, '\0', bv->bv_len))
		return -EINVAL;
	*out = strndup(bv->bv_val, bv->bv_len);
	return *out ? 0 : -ENOMEM;
}

/* The value of attr to use: the only one, or with several the one that
 * also names the entry in its RDN ("uid=VALUE,..."), else the first.
 * 0 (*out may be NULL when absent), -EINVAL (bad text), -ENOMEM. */
static int get_value(struct parse *p, const char *attr, char **out)
{
	size_t i, n, pick = 0;
	const struct berval *vals = hs_attrs_get(&p->attrs, attr, &n);
	size_t alen = strlen(attr);
	int r = 0;

	*out = NULL;
	if (n == 0)
		return 0;
	for (i = 0; n > 1 && i < n; i++) {
		const char *dn = p->dn;
		size_t vlen = vals[i].bv_len;
		if (strncasecmp(dn, attr, alen) == 0 && dn[alen] == '=' &&
		    strlen(dn + alen + 1) > vlen &&
		    memcmp(dn + alen + 1, vals[i].bv_val, vlen) == 0 &&
		    (dn[alen + 1 + vlen] == ',' || dn[alen + 1 + vlen] == '+')) {
			pick = i;
			break;
		}
	}
	r = dup_value(&vals[pick], out);
	if (r == -EINVAL) {
		snprintf(p->whybuf, sizeof(p->whybuf),
			 "%s contains a NUL byte", attr);
		p->why = p->whybuf;
	}
	return r;
}

static int need_value(struct parse *p, const char *attr, char **out)
{
	int r = get_value(p, attr, out);

	if (r == 0 && !*out) {
		snprintf(p->whybuf, sizeof(p->whybuf), "no %s", attr);
		p->why = p->whybuf;
		return -EINVAL;
	}
	return r;
}

static int bad(struct parse *p, const char *attr, const char *what)
{
	snprintf(p->whybuf, sizeof(p->whybuf), "%s %s", attr, what);
	p->why = p->whybuf;
	return -EINVAL;
}

static int get_id(struct parse *p, const char *attr, uint32_t *out)
{
	char *s = NULL;
	int r = need_value(p, attr, &s);

	if (r == 0) {
		r = hc_parse_u32(s, 0, HS_ID_MAX, out);
		if (r < 0)
			r = bad(p, attr, r == -ERANGE ? "out of range"
						      : "is not a number");
	}
	free(s);
	return r;
}

/* A passwd/group field: no ':' and no control byte. */
static int check_field(struct parse *p, const char *attr, const char *v)
{
	if (v && !hc_valid_field(v))
		return bad(p, attr, "contains ':' or a control character");
	return 0;
}

static int check_name(struct parse *p, const char *attr, const char *v)
{
	if (!hc_valid_name(v))
		return bad(p, attr, "is not a valid name (1-32 of [a-z0-9_.-], "
				    "starting [a-z_])");
	return 0;
}

static int parse_expire(struct parse *p, struct hs_entry *e)
{
	char *s = NULL;
	int64_t v;
	int r = get_value(p, "shadowExpire", &s);

	e->expire = HC_NO_EXPIRE;
	if (r < 0 || !s)
		return r;
	/* -1 is the conventional "never" of shadow(5) tools */
	r = hc_parse_i64(s, -1, INT32_MAX, &v);
	if (r < 0)
		r = bad(p, "shadowExpire", "is not a number of days");
	else if (v >= 0)
		e->expire = v;
	free(s);
	return r;
}

/* Homes are served only in normal form: absolute, no empty (//), "." or
 * ".." component, no trailing '/', not "/" itself, at most HS_MAX_HOME
 * bytes. Tools that compare or create homes by their text (mkhome, the
 * session's owner check, backups) then see the directory the path names.
 * NULL if fine, else why not. */
static const char *home_problem(const char *dir)
{
	const char *c = dir, *end;
	size_t n;

	if (dir[0] != '/')
		return "is not an absolute path";
	if (strlen(dir) > HS_MAX_HOME)
		return "is longer than " HS_STR(HS_MAX_HOME) " bytes";
	if (dir[1] == '\0')
		return "is \"/\"";
	while (*c == '/') {
		c++;
		end = strchrnul(c, '/');
		n = (size_t)(end - c);
		if (n == 0)
			return *end ? "contains \"//\"" : "ends with '/'";
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return "has a \".\" or \"..\" component";
		c = end;
	}
	return NULL;
}

/* gecos is the member's own: cap it at HS_MAX_GECOS bytes (cut on a UTF-8
 * character boundary) and replace ':' and control characters by spaces,
 * so one bad byte does not drop the member's account everywhere. */
static void sanitize_gecos(struct parse *p, char *g)
{
	size_t len = strlen(g), i;
	bool cut = false, fixed = false;
	char why[128];

	if (len > HS_MAX_GECOS) {
		len = HS_MAX_GECOS;
		while (len > 0 && ((unsigned char)g[len] & 0xC0) == 0x80)
			len--;
		g[len] = '\0';
		cut = true;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)g[i];
		if (ch == ':' || ch < 0x20 || ch == 0x7f) {
			g[i] = ' ';
			fixed = true;
		}
	}
	if (!cut && !fixed)
		return;
	snprintf(why, sizeof(why), "gecos %s%s%s; entry kept",
		 cut ? "cut to " HS_STR(HS_MAX_GECOS) " bytes" : "",
		 cut && fixed ? " and " : "",
		 fixed ? "had ':' or control characters (now spaces)" : "");
	hs_report("user", p->dn, why);
}

static int parse_user(struct parse *p, struct hs_entry *e)
{
	char *locked = NULL;
	const char *why;
	int r;

	if ((r = need_value(p, "uid", &e->name)) < 0 ||
	    (r = check_name(p, "uid", e->name)) < 0 ||
	    (r = get_id(p, "uidNumber", &e->id)) < 0 ||
	    (r = get_id(p, "gidNumber", &e->gid)) < 0 ||
	    (r = need_value(p, "homeDirectory", &e->dir)) < 0 ||
	    (r = check_field(p, "homeDirectory", e->dir)) < 0)
		return r;
	if ((why = home_problem(e->dir)))
		return bad(p, "homeDirectory", why);
	if ((r = get_value(p, "gecos", &e->gecos)) < 0)
		return r;
	if (!e->gecos && (r = get_value(p, "cn", &e->gecos)) < 0)
		return r;
	if (e->gecos)
		sanitize_gecos(p, e->gecos);
	/* loginShell is checked against /etc/shells at write time (policy.c) */
	if ((r = get_value(p, "loginShell", &e->shell)) < 0 ||
	    (r = get_value(p, "hcoopHost", &e->host)) < 0 ||
	    (r = check_field(p, "hcoopHost", e->host)) < 0 ||
	    (r = parse_expire(p, e)) < 0 ||
	    (r = get_value(p, "pwdAccountLockedTime", &locked)) < 0 ||
	    (r = hs_sshkeys_parse(p->dn, &p->attrs, &e->sshkeys)) < 0)
		return r;
	if (e->host && strlen(e->host) > HS_MAX_HOST)
		return bad(p, "hcoopHost",
			   "is longer than " HS_STR(HS_MAX_HOST) " bytes");
	/* Any lock time counts: a timed lockout ends by the server's clock,
	 * which a cache cannot follow; the next sync lifts it. */
	if (locked)
		e->flags |= HC_USER_LOCKED;
	free(locked);
	/* ids below min_uid and local collisions: policy.c, at write time */
	return 0;
}

static int parse_group(struct parse *p, struct hs_entry *e)
{
	const struct berval *vals;
	size_t i, n;
	int r;

	if ((r = need_value(p, "cn", &e->name)) < 0 ||
	    (r = check_name(p, "cn", e->name)) < 0 ||
	    (r = get_id(p, "gidNumber", &e->id)) < 0)
		return r;
	vals = hs_attrs_get(&p->attrs, "memberUid", &n);
	e->members = calloc(n ? n : 1, sizeof(*e->members));
	if (!e->members)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		char *m = NULL;
		r = dup_value(&vals[i], &m);
		if (r == -ENOMEM)
			return r;
		/* one bad member is dropped, not the whole group */
		if (r < 0 || !hc_valid_name(m)) {
			char why[100];
			snprintf(why, sizeof(why),
				 "ignoring invalid memberUid \"%.64s\"",
				 m ? m : "(binary)");
			hs_report("group", p->dn, why);
			free(m);
			continue;
		}
		e->members[e->nmembers++] = m;
	}
	return 0;
}

/* Normalised DN: LDAPv3 string form of the parsed DN, ASCII lower-cased
 * (the attribute types and the values of uid, cn, ou and dc we use are
 * case-insensitive). Only used to order entries, so a DN the library
 * cannot parse keeps its lower-cased text. */
static int normalize_dn(const char *dn, char **out)
{
	LDAPDN parsed = NULL;
	char *s = NULL, *p;

	if (ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAP) == LDAP_SUCCESS &&
	    ldap_dn2str(parsed, &s, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS) {
		*out = strdup(s);
		ldap_memfree(s);
	} else {
		*out = strdup(dn);
	}
	ldap_dnfree(parsed);
	if (!*out)
		return -ENOMEM;
	for (p = *out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return 0;
}

int hs_entry_key(enum hs_kind kind, const char *id, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%c:%s", kind == HS_USER ? 'u' : 'g', id);

	return n >= 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

/* The model's key: the kind and the entryUUID (lower case), else the
 * normalised DN. An entry that is both posixAccount and posixGroup is then
 * two entries, a user and a group, as it is to NSS. */
static int entry_key(struct parse *p, const char *key, struct hs_entry *e)
{
	char *id = NULL, *k;
	size_t len;
	int r = 0;

	if (!key) {
		r = get_value(p, "entryUUID", &id);
		if (r < 0)
			return r;
		for (k = id; k && *k; k++)
			if (*k >= 'A' && *k <= 'Z')
				*k = (char)(*k - 'A' + 'a');
	}
	key = key ? key : id ? id : e->ndn;
	len = strlen(key) + 3;
	e->key = malloc(len);
	if (!e->key)
		r = -ENOMEM;
	else
		r = hs_entry_key(e->kind, key, e->key, len);
	free(id);
	return r;
}

/* A skipped entry stays in the model as a "rejected" one (key, DN and
 * reason only): it replaces an older valid version, and --status lists it
 * from the skip file. */
static int reject(struct parse *p, const struct hs_entry *t,
		  struct hs_entry **out)
{
	struct hs_entry r = { .kind = t->kind, .key = t->key, .dn = t->dn,
			      .ndn = t->ndn, .expire = HC_NO_EXPIRE };
	char fallback[HS_KEY_MAX], why[sizeof(p->whybuf)];

	snprintf(why, sizeof(why), "%s", p->why ? p->why : "invalid entry");
	r.why = why;
	if (!r.key) {
		if (hs_entry_key(t->kind, t->ndn, fallback, sizeof(fallback)) < 0)
			return -EINVAL;
		r.key = fallback;
	}
	hs_report(t->kind == HS_USER ? "skipping user" : "skipping group",
		  t->dn, r.why);
	return pack(&r, out);
}

int hs_entry_parse(const struct hc_config *cfg, LDAP *ld, LDAPMessage *msg,
		   enum hs_kind kind, const char *key, struct hs_entry **out)
{
	struct parse p = { .cfg = cfg };
	struct hs_entry t = { 0 }, *e = &t;
	char *dn = ldap_get_dn(ld, msg);
	int r = -ENOMEM;

	*out = NULL;
	if (!dn)
		goto out;
	e->kind = kind;
	e->expire = HC_NO_EXPIRE;
	p.dn = dn;
	e->dn = strdup(dn);
	if (!e->dn || (r = normalize_dn(dn, &e->ndn)) < 0)
		goto out;
	r = hs_attrs_read(ld, msg, &p.attrs);
	if (r == -EBADMSG) {
		p.why = "its attributes cannot be decoded";
		r = -EINVAL;
	}
	if (r == 0)
		r = entry_key(&p, key, e);
	if (r == 0)
		r = kind == HS_USER ? parse_user(&p, e) : parse_group(&p, e);
	if (r == 0)
		r = check_field(&p, "DN", e->dn);
	if (r == 0 && strlen(e->dn) > HS_MAX_DN)
		r = bad(&p, "DN", "is longer than " HS_STR(HS_MAX_DN) " bytes");
	if (r == 0)
		r = pack(e, out);
	else if (r == -EINVAL)
		r = reject(&p, e, out);
out:
	ldap_memfree(dn);
	hs_attrs_free(&p.attrs);
	entry_free_fields(e);
	return r;
}

/* For the streamed refresh (stream.c), which makes entries again from
 * what the cache builder holds. */
int hs_entry_pack(const struct hs_entry *t, struct hs_entry **out)
{
	return pack(t, out);
}

int hs_dn_normalize(const char *dn, char **out)
{
	return normalize_dn(dn, out);
}
