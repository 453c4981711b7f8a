/* The /etc/hcoop.conf parser (see config.h and man/hcoop.conf.5).
 *
 * One table lists every keyword with its value type, the field it fills
 * and its limits; parsing, validation, freeing and dumping all walk that
 * table, so a keyword is added in exactly one place (plus the man page).
 * The parser never logs and never exits: errors are "FILE:LINE: KEYWORD:
 * what is wrong" in the caller's buffer. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errbuf.h"
#include "names.h"
#include "numparse.h"

#define LINE_MAX_LEN 4096 /* bytes, newline excluded */
#define DN_MAX_LEN 1024
#define HOSTNAME_MAX_LEN 253

/* KT_UINT fields are 'unsigned' or 'uint32_t'; one store serves both. */
_Static_assert(_Generic((uint32_t)0, unsigned int: 1, default: 0),
	       "uint32_t must be unsigned int");

enum kw_type {
	KT_DN,      /* the rest of the line, must contain '=' */
	KT_PATH,    /* absolute, no ".." component */
	KT_RELPATH, /* relative, no "", "." or ".." component */
	KT_URI,     /* ldap:// ldaps:// ldapi:// */
	KT_NAME,    /* hc_valid_name() */
	KT_HOST,    /* host name: letters digits '-' '_' '.' */
	KT_ACL,     /* user:NAME:rwx or group:NAME:rwx */
	KT_CMD,     /* the rest of the line: an absolute path, then arguments */
	KT_SASL,    /* EXTERNAL */
	KT_BOOL,
	KT_UINT,    /* decimal in [min, max] */
	KT_MODE,    /* octal, at most 07777 */
	KT_SSL,
	KT_REQCERT,
};

#define KF_MULTI 0x1u   /* may repeat, up to max values */
#define KF_NONE 0x2u    /* "none" sets NULL */
#define KF_NOTROOT 0x4u /* "/" itself is refused */

struct keyword {
	const char *name;
	enum kw_type type;
	unsigned flags;
	size_t off;        /* the field in struct hc_config */
	size_t count_off;  /* KF_MULTI: its element count */
	uint32_t min, max; /* KT_UINT: range; KF_MULTI: max = array size */
};

#define FIELD(f) offsetof(struct hc_config, f)

static const struct keyword keywords[] = {
	{"uri", KT_URI, KF_MULTI, FIELD(uri), FIELD(n_uri), 0, HC_MAX_URIS},
	{"base", KT_DN, 0, FIELD(base), 0, 0, 0},
	{"user_base", KT_DN, 0, FIELD(user_base), 0, 0, 0},
	{"group_base", KT_DN, 0, FIELD(group_base), 0, 0, 0},
	{"binddn", KT_DN, 0, FIELD(binddn), 0, 0, 0},
	{"bindpw_file", KT_PATH, 0, FIELD(bindpw_file), 0, 0, 0},
	{"sasl_mech", KT_SASL, 0, FIELD(sasl_mech), 0, 0, 0},
	{"ssl", KT_SSL, 0, FIELD(ssl), 0, 0, 0},
	{"tls_cacert", KT_PATH, 0, FIELD(tls_cacert), 0, 0, 0},
	{"tls_reqcert", KT_REQCERT, 0, FIELD(tls_reqcert), 0, 0, 0},
	{"allow_cleartext", KT_BOOL, 0, FIELD(allow_cleartext), 0, 0, 0},
	{"timeout", KT_UINT, 0, FIELD(timeout), 0, 1, 300},
	{"op_timeout", KT_UINT, 0, FIELD(op_timeout), 0, 1, 3600},
	{"host", KT_HOST, 0, FIELD(host), 0, 0, 0},
	{"admin_group", KT_NAME, 0, FIELD(admin_group), 0, 0, 0},
	{"min_uid", KT_UINT, 0, FIELD(min_uid), 0, 0, UINT32_MAX - 1},
	{"cache", KT_PATH, KF_NOTROOT, FIELD(cache), 0, 0, 0},
	{"refresh_interval", KT_UINT, 0, FIELD(refresh_interval), 0, 1, 604800},
	{"max_removal", KT_UINT, 0, FIELD(max_removal), 0, 0, 100},
	{"precreate_homes", KT_BOOL, 0, FIELD(precreate_homes), 0, 0, 0},
	{"mkhome", KT_PATH, KF_NOTROOT, FIELD(mkhome), 0, 0, 0},
	{"home_base", KT_PATH, KF_NOTROOT, FIELD(home_base), 0, 0, 0},
	{"skel", KT_PATH, KF_NONE, FIELD(skel), 0, 0, 0},
	{"home_mode", KT_MODE, 0, FIELD(home_mode), 0, 0, 0},
	{"home_acl", KT_ACL, KF_MULTI, FIELD(home_acl), FIELD(n_home_acl), 0,
	 HC_MAX_ACLS},
	{"public_dir", KT_RELPATH, KF_NONE, FIELD(public_dir), 0, 0, 0},
	{"public_mode", KT_MODE, 0, FIELD(public_mode), 0, 0, 0},
	{"public_acl", KT_ACL, KF_MULTI, FIELD(public_acl), FIELD(n_public_acl),
	 0, HC_MAX_ACLS},
	{"maildir", KT_BOOL, 0, FIELD(maildir), 0, 0, 0},
	{"home_required", KT_BOOL, 0, FIELD(home_required), 0, 0, 0},
	{"debug", KT_BOOL, 0, FIELD(debug), 0, 0, 0},
	{"mail_domain", KT_HOST, KF_NONE, FIELD(mail_domain), 0, 0, 0},
	{"transport_map", KT_PATH, KF_NOTROOT, FIELD(transport_map), 0, 0, 0},
	{"recipient_map", KT_PATH, KF_NOTROOT, FIELD(recipient_map), 0, 0, 0},
	{"map_type", KT_NAME, 0, FIELD(map_type), 0, 0, 0},
	{"postmap", KT_CMD, 0, FIELD(postmap), 0, 0, 0},
	{"mail_reload", KT_CMD, KF_NONE, FIELD(mail_reload), 0, 0, 0},
	{"members_zone", KT_HOST, KF_NONE, FIELD(members_zone), 0, 0, 0},
	{"zone_file", KT_PATH, KF_NOTROOT, FIELD(zone_file), 0, 0, 0},
	{"zone_ns", KT_HOST, KF_MULTI, FIELD(zone_ns), FIELD(n_zone_ns), 0,
	 HC_MAX_ZONE_NS},
	{"zone_contact", KT_HOST, 0, FIELD(zone_contact), 0, 0, 0},
	{"zone_ttl", KT_UINT, 0, FIELD(zone_ttl), 0, 1, 604800},
	{"dns_reload", KT_CMD, KF_NONE, FIELD(dns_reload), 0, 0, 0},
	{"reload_timeout", KT_UINT, 0, FIELD(reload_timeout), 0, 1, 3600},
};

#define N_KEYWORDS (sizeof(keywords) / sizeof(keywords[0]))

struct enum_name {
	const char *name;
	int value;
};

/* the first name of each value is the one hc_config_dump prints */
static const struct enum_name bool_names[] = {
	{"yes", 1}, {"no", 0}, {"on", 1}, {"off", 0}, {"true", 1}, {"false", 0},
};
static const struct enum_name ssl_names[] = {
	{"start_tls", HC_SSL_START_TLS}, {"on", HC_SSL_ON}, {"off", HC_SSL_OFF},
};
static const struct enum_name reqcert_names[] = {
	{"never", HC_REQCERT_NEVER},   {"allow", HC_REQCERT_ALLOW},
	{"try", HC_REQCERT_TRY},       {"demand", HC_REQCERT_DEMAND},
	{"hard", HC_REQCERT_HARD},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

struct parser {
	const char *path;
	unsigned line;
	unsigned seen[N_KEYWORDS]; /* line a keyword was (last) set on */
	char *err;
	size_t errlen;
};

/* ---- field access ---- */

static void *field(struct hc_config *cfg, const struct keyword *kw)
{
	return (char *)cfg + kw->off;
}

static const void *cfield(const struct hc_config *cfg, const struct keyword *kw)
{
	return (const char *)cfg + kw->off;
}

static size_t *count_of(struct hc_config *cfg, const struct keyword *kw)
{
	return (size_t *)(void *)((char *)cfg + kw->count_off);
}

static size_t ccount_of(const struct hc_config *cfg, const struct keyword *kw)
{
	if (!(kw->flags & KF_MULTI))
		return 1;
	return *(const size_t *)(const void *)((const char *)cfg + kw->count_off);
}

static bool is_string_type(enum kw_type t)
{
	return t <= KT_SASL;
}

/* ---- messages ---- */

/* "FILE:LINE: KEYWORD: what" (kw NULL: "FILE:LINE: what"); -EINVAL */
static int perr(struct parser *p, const char *kw, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct parser *p, const char *kw, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (kw)
		hc_set_err(p->err, p->errlen, "%s:%u: %s: %s", p->path, p->line, kw,
			what);
	else
		hc_set_err(p->err, p->errlen, "%s:%u: %s", p->path, p->line, what);
	return -EINVAL;
}

/* ---- value checks: NULL when fine, else why not ---- */

static const char *check_dn(const char *v)
{
	if (strlen(v) > DN_MAX_LEN)
		return "DN too long";
	if (v[0] == '=' || v[0] == ',' || !strchr(v, '='))
		return "not a DN (like dc=example,dc=org)";
	return NULL;
}

/* true if some '/'-separated component of s equals c */
static bool has_component(const char *s, const char *c)
{
	size_t n = strlen(c);

	while (*s) {
		size_t len = strcspn(s, "/");

		if (len == n && strncmp(s, c, n) == 0)
			return true;
		s += len;
		s += (*s == '/');
	}
	return false;
}

static const char *check_path(const char *v)
{
	if (v[0] != '/')
		return "must be an absolute path";
	if (strlen(v) >= PATH_MAX)
		return "path too long";
	if (has_component(v, ".."))
		return "must not contain '..'";
	return NULL;
}

static const char *check_relpath(const char *v)
{
	size_t n = strlen(v);

	if (v[0] == '/')
		return "must be relative to the home directory";
	if (n >= PATH_MAX)
		return "path too long";
	if (has_component(v, "..") || has_component(v, "."))
		return "must not contain '.' or '..' components";
	if (strstr(v, "//") || v[n - 1] == '/')
		return "must not contain empty components";
	return NULL;
}

static const char *check_uri(const char *v)
{
	if (strncasecmp(v, "ldapi://", 8) == 0)
		return NULL;
	if (strncasecmp(v, "ldap://", 7) == 0)
		v += 7;
	else if (strncasecmp(v, "ldaps://", 8) == 0)
		v += 8;
	else
		return "must start with ldap://, ldaps:// or ldapi://";
	if (*v == '\0' || *v == '/' || *v == ':')
		return "no host name";
	return NULL;
}

static const char *check_name(const char *v)
{
	return hc_valid_name(v) ? NULL
				: "not a valid name (1-32 of a-z 0-9 _ . -, "
				  "starting with a letter or _)";
}

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static const char *check_host(const char *v)
{
	size_t label = 0, n = strlen(v);
	const char *s;

	if (n > 0 && v[n - 1] == '.')
		n--; /* one trailing dot is allowed and ignored */
	if (n == 0 || n > HOSTNAME_MAX_LEN)
		return "not a host name";
	if (v[0] == '-' || v[0] == '.')
		return "host names start with a letter or digit";
	for (s = v; s < v + n; s++) {
		if (*s == '.') {
			if (label == 0)
				return "empty label in host name";
			label = 0;
		} else if (!host_char(*s)) {
			return "host names contain only letters, digits, '-', '_' and '.'";
		} else if (++label > 63) {
			return "host name label longer than 63";
		}
	}
	return label ? NULL : "empty label in host name";
}

static const char *check_acl(const char *v)
{
	char name[HC_NAME_MAX + 1];
	const char *colon, *perms;
	size_t len;

	if (strncmp(v, "user:", 5) == 0)
		v += 5;
	else if (strncmp(v, "group:", 6) == 0)
		v += 6;
	else
		return "expected user:NAME:PERMS or group:NAME:PERMS";
	colon = strchr(v, ':');
	if (!colon)
		return "expected user:NAME:PERMS or group:NAME:PERMS";
	len = (size_t)(colon - v);
	if (len == 0 || len >= sizeof(name))
		return "not a valid user or group name";
	memcpy(name, v, len);
	name[len] = '\0';
	if (!hc_valid_name(name))
		return "not a valid user or group name";
	perms = colon + 1;
	if (strlen(perms) != 3 || (perms[0] != 'r' && perms[0] != '-') ||
	    (perms[1] != 'w' && perms[1] != '-') ||
	    (perms[2] != 'x' && perms[2] != '-'))
		return "permissions must be 3 characters like rwx, r-x or ---";
	return NULL;
}

/* An absolute program path, then arguments split on blanks (no shell). */
static const char *check_cmd(const char *v)
{
	char prog[PATH_MAX];
	size_t n = strcspn(v, " \t");

	if (n >= sizeof(prog))
		return "program path too long";
	memcpy(prog, v, n);
	prog[n] = '\0';
	return check_path(prog);
}

static const char *check_sasl(const char *v)
{
	return strcmp(v, "EXTERNAL") == 0 ? NULL
					 : "only EXTERNAL is supported";
}

static const char *check_string(enum kw_type t, const char *v)
{
	switch (t) {
	case KT_DN:
		return check_dn(v);
	case KT_PATH:
		return check_path(v);
	case KT_RELPATH:
		return check_relpath(v);
	case KT_URI:
		return check_uri(v);
	case KT_NAME:
		return check_name(v);
	case KT_HOST:
		return check_host(v);
	case KT_ACL:
		return check_acl(v);
	case KT_CMD:
		return check_cmd(v);
	case KT_SASL:
		return check_sasl(v);
	default:
		return "internal error: not a string keyword";
	}
}

/* ---- storing values ---- */

static int store_string(struct parser *p, struct hc_config *cfg,
			const struct keyword *kw, const char *v)
{
	char **slot = field(cfg, kw);
	const char *why;
	char *copy = NULL;

	if ((kw->flags & KF_NONE) && strcmp(v, "none") == 0)
		goto store;
	why = check_string(kw->type, v);
	if (!why && (kw->flags & KF_NOTROOT) && strcmp(v, "/") == 0)
		why = "must not be /";
	if (why)
		return perr(p, kw->name, "'%.100s': %s", v, why);
	copy = strdup(v);
	if (!copy)
		return perr(p, kw->name, "out of memory");
store:
	if (kw->flags & KF_MULTI) {
		slot[*count_of(cfg, kw)] = copy;
		(*count_of(cfg, kw))++;
	} else {
		free(*slot);
		*slot = copy;
	}
	return 0;
}

static int enum_lookup(const struct enum_name *tab, size_t n, const char *s,
		       int *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(tab[i].name, s) == 0) {
			*out = tab[i].value;
			return 0;
		}
	}
	return -EINVAL;
}

static const char *enum_name_of(const struct enum_name *tab, size_t n, int v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tab[i].value == v)
			return tab[i].name;
	return "?";
}

static int store_enum(struct parser *p, struct hc_config *cfg,
		      const struct keyword *kw, const char *v)
{
	int val;

	switch (kw->type) {
	case KT_BOOL:
		if (enum_lookup(bool_names, N_OF(bool_names), v, &val) < 0)
			return perr(p, kw->name,
				    "'%.100s': expected yes, no, on, off, "
				    "true or false", v);
		*(bool *)field(cfg, kw) = val;
		return 0;
	case KT_SSL:
		if (enum_lookup(ssl_names, N_OF(ssl_names), v, &val) < 0)
			return perr(p, kw->name,
				    "'%.100s': expected start_tls, on or off", v);
		*(enum hc_ssl *)field(cfg, kw) = (enum hc_ssl)val;
		return 0;
	default:
		if (enum_lookup(reqcert_names, N_OF(reqcert_names), v, &val) < 0)
			return perr(p, kw->name,
				    "'%.100s': expected never, allow, try, "
				    "demand or hard", v);
		*(enum hc_reqcert *)field(cfg, kw) = (enum hc_reqcert)val;
		return 0;
	}
}

static int store_number(struct parser *p, struct hc_config *cfg,
			const struct keyword *kw, const char *v)
{
	uint32_t val;
	int r;

	if (kw->type == KT_MODE) {
		r = hc_parse_mode(v, &val);
		if (r == -ERANGE)
			return perr(p, kw->name, "'%.100s': out of range (at most 07777)", v);
		if (r < 0)
			return perr(p, kw->name, "'%.100s': not an octal mode like 0750", v);
	} else {
		r = hc_parse_u32(v, kw->min, kw->max, &val);
		if (r == -ERANGE)
			return perr(p, kw->name, "'%.100s': out of range (%u to %u)",
				    v, kw->min, kw->max);
		if (r < 0)
			return perr(p, kw->name, "'%.100s': not a number", v);
	}
	*(uint32_t *)field(cfg, kw) = val;
	return 0;
}

static int store_value(struct parser *p, struct hc_config *cfg,
		       const struct keyword *kw, const char *v)
{
	if (is_string_type(kw->type))
		return store_string(p, cfg, kw, v);
	if (kw->type == KT_UINT || kw->type == KT_MODE)
		return store_number(p, cfg, kw, v);
	return store_enum(p, cfg, kw, v);
}

/* ---- lines ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static const struct keyword *find_keyword(const char *name)
{
	size_t i;

	for (i = 0; i < N_KEYWORDS; i++)
		if (strcmp(keywords[i].name, name) == 0)
			return &keywords[i];
	return NULL;
}

static const char *find_ctrl(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return s;
	return NULL;
}

/* Single-valued keywords may appear once; multi-valued up to max times. */
static int check_repeat(struct parser *p, struct hc_config *cfg,
			const struct keyword *kw)
{
	unsigned prev = p->seen[kw - keywords];

	if (kw->flags & KF_MULTI) {
		if (*count_of(cfg, kw) >= kw->max)
			return perr(p, kw->name, "too many values (at most %u)",
				    kw->max);
		return 0;
	}
	if (prev)
		return perr(p, kw->name, "already set on line %u", prev);
	return 0;
}

/* Split off the value: DNs take the rest of the line (they may contain
 * spaces), every other keyword exactly one token. */
static int split_value(struct parser *p, const struct keyword *kw, char *v)
{
	char *end, *rest;

	if (*v == '\0')
		return perr(p, kw->name, "missing value");
	if (kw->type == KT_DN || kw->type == KT_CMD)
		return 0;
	end = v + strcspn(v, " \t");
	if (*end == '\0')
		return 0;
	*end = '\0';
	for (rest = end + 1; is_space(*rest); rest++)
		;
	return perr(p, kw->name, "unexpected argument '%.100s' after the value",
		    rest);
}

static int parse_line(struct parser *p, struct hc_config *cfg, char *line)
{
	const struct keyword *kw;
	char *name, *v, *end;
	size_t n = strlen(line);
	const char *bad;
	int r;

	while (n > 0 && (is_space(line[n - 1]) || line[n - 1] == '\r'))
		line[--n] = '\0';
	for (name = line; is_space(*name); name++)
		;
	if (*name == '\0' || *name == '#')
		return 0;
	end = name + strcspn(name, " \t");
	v = end;
	while (is_space(*v))
		v++;
	*end = '\0';
	if (find_ctrl(name))
		return perr(p, NULL, "control character in keyword");
	kw = find_keyword(name);
	if (!kw)
		return perr(p, NULL, "unknown keyword '%.100s'", name);
	bad = find_ctrl(v);
	if (bad)
		return perr(p, kw->name, "control character (byte 0x%02x) in value",
			    (unsigned char)*bad);
	r = split_value(p, kw, v);
	if (r == 0)
		r = check_repeat(p, cfg, kw);
	if (r == 0)
		r = store_value(p, cfg, kw, v);
	if (r == 0)
		p->seen[kw - keywords] = p->line;
	return r;
}

/* One line into buf (size LINE_MAX_LEN + 1), newline removed.
 * 1: a line; 0: end of file; -E2BIG too long; -EILSEQ NUL byte; -errno. */
static int read_line(FILE *f, char *buf, size_t size)
{
	size_t n = 0;
	bool nul = false;
	int c;

	errno = 0;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (n + 1 >= size)
			return -E2BIG;
		nul |= (c == '\0');
		buf[n++] = (char)c;
	}
	if (c == EOF && ferror(f))
		return errno ? -errno : -EIO;
	if (c == EOF && n == 0)
		return 0;
	buf[n] = '\0';
	return nul ? -EILSEQ : 1;
}

static int parse_file(struct parser *p, FILE *f, struct hc_config *cfg)
{
	char line[LINE_MAX_LEN + 1];
	int r;

	for (p->line = 1;; p->line++) {
		r = read_line(f, line, sizeof(line));
		if (r == 0)
			return 0;
		if (r == -E2BIG)
			return perr(p, NULL, "line too long (more than %d bytes)",
				    LINE_MAX_LEN);
		if (r == -EILSEQ)
			return perr(p, NULL, "NUL byte in line");
		if (r < 0) {
			errno = -r;
			hc_set_err(p->err, p->errlen, "%s:%u: read error: %m",
				p->path, p->line);
			return r;
		}
		r = parse_line(p, cfg, line);
		if (r < 0)
			return r;
	}
}

/* ---- after the last line ---- */

static int default_copy(char **dst, const char *src)
{
	if (*dst || !src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

static unsigned seen_line(const struct parser *p, const char *name)
{
	return p->seen[find_keyword(name) - keywords];
}

static int finish(struct parser *p, struct hc_config *cfg)
{
	if (cfg->sasl_mech && cfg->binddn) {
		p->line = seen_line(p, "sasl_mech");
		return perr(p, "sasl_mech", "cannot be combined with binddn "
			    "(line %u)", seen_line(p, "binddn"));
	}
	if (default_copy(&cfg->user_base, cfg->base) < 0 ||
	    default_copy(&cfg->group_base, cfg->base) < 0 ||
	    default_copy(&cfg->path, p->path) < 0) {
		hc_set_err(p->err, p->errlen, "%s: out of memory", p->path);
		return -ENOMEM;
	}
	return 0;
}

/* ---- public ---- */

static char *default_host(void)
{
	char buf[HOST_NAME_MAX + 1];

	/* the kernel's name, no DNS: a lookup may hang, and NSS calls this */
	if (gethostname(buf, sizeof(buf)) < 0 || buf[0] == '\0')
		return strdup("localhost");
	buf[sizeof(buf) - 1] = '\0';
	return strdup(buf);
}

int hc_config_defaults(struct hc_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ssl = HC_SSL_START_TLS;
	cfg->tls_reqcert = HC_REQCERT_DEMAND;
	cfg->timeout = 3;
	cfg->op_timeout = 10;
	cfg->min_uid = 1000;
	cfg->refresh_interval = 600;
	cfg->max_removal = 10;
	cfg->home_mode = 0750;
	cfg->public_mode = 0755;
	cfg->host = default_host();
	cfg->cache = strdup(HC_CACHE_DEFAULT_PATH);
	cfg->mkhome = strdup(HC_MKHOME_DEFAULT_PATH);
	cfg->home_base = strdup("/home");
	cfg->skel = strdup("/etc/skel");
	cfg->public_dir = strdup("public_html");
	cfg->zone_ttl = 300;
	cfg->reload_timeout = 30;
	cfg->transport_map = strdup(HC_ROUTES_DIR "/transport");
	cfg->recipient_map = strdup(HC_ROUTES_DIR "/recipients");
	cfg->map_type = strdup("lmdb");
	cfg->postmap = strdup(HC_POSTMAP_DEFAULT);
	cfg->zone_file = strdup(HC_ROUTES_DIR "/members.zone");
	if (!cfg->transport_map || !cfg->recipient_map || !cfg->map_type ||
	    !cfg->postmap || !cfg->zone_file) {
		hc_config_free(cfg);
		return -ENOMEM;
	}
	if (!cfg->host || !cfg->cache || !cfg->mkhome || !cfg->home_base ||
	    !cfg->skel || !cfg->public_dir) {
		hc_config_free(cfg);
		return -ENOMEM;
	}
	return 0;
}

void hc_config_free(struct hc_config *cfg)
{
	size_t i, j;

	if (!cfg)
		return;
	for (i = 0; i < N_KEYWORDS; i++) {
		const struct keyword *kw = &keywords[i];
		char **slot;
		size_t n;

		if (!is_string_type(kw->type))
			continue;
		slot = field(cfg, kw);
		n = (kw->flags & KF_MULTI) ? *count_of(cfg, kw) : 1;
		for (j = 0; j < n; j++)
			free(slot[j]);
	}
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}

int hc_config_load(const char *path, struct hc_config *cfg, char *err,
		   size_t errlen)
{
	struct parser p = {.err = err, .errlen = errlen};
	FILE *f = NULL;
	int r;

	hc_set_err(err, errlen, "%s", "");
	p.path = path ? path : HC_CONFIG_DEFAULT_PATH;
	r = hc_config_defaults(cfg);
	if (r < 0) {
		hc_set_err(err, errlen, "%s: out of memory", p.path);
		return r;
	}
	f = fopen(p.path, "re");
	if (!f) {
		r = -errno;
		hc_set_err(err, errlen, "%s: cannot open: %m", p.path);
		goto out;
	}
	r = parse_file(&p, f, cfg);
	if (r == 0)
		r = finish(&p, cfg);
out:
	if (f)
		fclose(f);
	if (r < 0)
		hc_config_free(cfg);
	return r;
}

/* ---- dump ---- */

static void dump_one(const struct hc_config *cfg, const struct keyword *kw,
		     size_t i, FILE *out)
{
	const void *f = cfield(cfg, kw);
	const char *s;

	switch (kw->type) {
	case KT_BOOL:
		fprintf(out, "%s %s\n", kw->name, *(const bool *)f ? "yes" : "no");
		return;
	case KT_UINT:
		fprintf(out, "%s %u\n", kw->name, *(const uint32_t *)f);
		return;
	case KT_MODE:
		fprintf(out, "%s %04o\n", kw->name, *(const uint32_t *)f);
		return;
	case KT_SSL:
		fprintf(out, "%s %s\n", kw->name,
			enum_name_of(ssl_names, N_OF(ssl_names), *(const enum hc_ssl *)f));
		return;
	case KT_REQCERT:
		fprintf(out, "%s %s\n", kw->name,
			enum_name_of(reqcert_names, N_OF(reqcert_names),
				     *(const enum hc_reqcert *)f));
		return;
	default:
		s = ((char *const *)f)[i];
		if (s)
			fprintf(out, "%s %s\n", kw->name, s);
		else if (kw->flags & KF_NONE)
			fprintf(out, "%s none\n", kw->name);
		else
			fprintf(out, "# %s (not set)\n", kw->name);
	}
}

void hc_config_dump(const struct hc_config *cfg, FILE *out)
{
	size_t i, j, n;

	fprintf(out, "# hcoop configuration in effect (from %s)\n",
		cfg->path ? cfg->path : "defaults");
	for (i = 0; i < N_KEYWORDS; i++) {
		n = ccount_of(cfg, &keywords[i]);
		if (n == 0)
			fprintf(out, "# %s (not set)\n", keywords[i].name);
		for (j = 0; j < n; j++)
			dump_one(cfg, &keywords[i], j, out);
	}
}

/* ---- the secret ---- */

static int check_secret_file(int fd, const char *path, char *err,
			     size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		int r = -errno;

		hc_set_err(err, errlen, "%s: cannot stat: %m", path);
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		hc_set_err(err, errlen, "%s: not a regular file", path);
		return -EPERM;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		hc_set_err(err, errlen, "%s: owned by uid %u, must be owned by root",
			path, (unsigned)st.st_uid);
		return -EPERM;
	}
	if (st.st_mode & 077) {
		hc_set_err(err, errlen, "%s: mode %04o gives access to group or "
			"others, must be 0600 or stricter", path,
			(unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* Read the whole file into buf; -ENAMETOOLONG if it (less one final
 * newline) does not fit with its NUL. */
static int read_secret(int fd, char *buf, size_t len, size_t *got)
{
	size_t n = 0;
	ssize_t r;
	char extra;

	while (n < len) {
		r = read(fd, buf + n, len - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n == len) {
		/* full: fine only if the file ends here with a newline */
		do
			r = read(fd, &extra, 1);
		while (r < 0 && errno == EINTR);
		explicit_bzero(&extra, sizeof(extra));
		if (r != 0 || buf[n - 1] != '\n')
			return r < 0 ? -errno : -ENAMETOOLONG;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	*got = n;
	return 0;
}

int hc_config_read_bindpw(const struct hc_config *cfg, char *buf, size_t len,
			  char *err, size_t errlen)
{
	const char *path = cfg->bindpw_file;
	struct stat st;
	size_t n = 0;
	int fd = -1, r;

	hc_set_err(err, errlen, "%s", "");
	if (len > 0)
		buf[0] = '\0';
	if (!path) {
		hc_set_err(err, errlen, "no bindpw_file configured");
		return -ENOENT;
	}
	if (len == 0)
		return -ENAMETOOLONG;
	if (lstat(path, &st) < 0) {
		r = -errno;
		hc_set_err(err, errlen, "%s: %m", path);
		return r;
	}
	if (S_ISLNK(st.st_mode)) {
		hc_set_err(err, errlen, "%s: is a symbolic link", path);
		return -EPERM;
	}
	/* O_NONBLOCK: a FIFO swapped in after lstat must not block us */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		hc_set_err(err, errlen, "%s: cannot open: %m", path);
		return r;
	}
	r = check_secret_file(fd, path, err, errlen);
	if (r == 0) {
		r = read_secret(fd, buf, len, &n);
		if (r == -ENAMETOOLONG)
			hc_set_err(err, errlen, "%s: password too long", path);
		else if (r < 0) {
			errno = -r;
			hc_set_err(err, errlen, "%s: read error: %m", path);
		}
	}
	if (r == 0 && n == 0) {
		hc_set_err(err, errlen, "%s: is empty", path);
		r = -EINVAL;
	}
	if (r == 0 && strlen(buf) != n) {
		hc_set_err(err, errlen, "%s: contains a NUL byte", path);
		r = -EINVAL;
	}
	close(fd);
	if (r < 0)
		explicit_bzero(buf, len);
	return r;
}
