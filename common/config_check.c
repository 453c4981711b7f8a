/* The value checkers of the config parser: for each string-valued type,
 * NULL when a value is fine, else why not. A value that would parse but
 * that a later step refuses (hcoop-mkhome, libldap, a TLS name check) is
 * refused here, with the reason, when the file is read. */
#include "config_internal.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#include "names.h"

#define DN_MAX_LEN 1024
#define HOSTNAME_MAX_LEN 253

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

/* Normalized, as hcoop-mkhome wants home_base (it compares each home with
 * it as written): "/home/" or "/srv//home" parse but could never match. */
/* true if some '/'-separated component of s is longer than NAME_MAX, which
 * every later open (and hcoop-mkhome's component walk) refuses */
static bool has_long_component(const char *s)
{
	while (*s) {
		size_t len = strcspn(s, "/");

		if (len > NAME_MAX)
			return true;
		s += len;
		s += (*s == '/');
	}
	return false;
}

static const char *check_path(const char *v)
{
	size_t n = strlen(v);

	if (v[0] != '/')
		return "must be an absolute path";
	if (n >= PATH_MAX)
		return "path too long";
	if (has_component(v, ".."))
		return "must not contain '..'";
	if (n > 1 && v[n - 1] == '/')
		return "must not end with '/'";
	if (strstr(v, "//") || has_component(v + 1, "."))
		return "must not contain empty or '.' components";
	if (has_long_component(v))
		return "a component is longer than 255 bytes";
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
	if (has_long_component(v))
		return "a component is longer than 255 bytes";
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

/* RFC 1123: no '_', which DNS and TLS names never carry, so a host named
 * with one could never match a certificate or a route */
static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-';
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
		} else if (*s == '_') {
			return "'_' is not allowed in a host name (letters, "
			       "digits, '-' and '.')";
		} else if (!host_char(*s)) {
			return "host names contain only letters, digits, '-' and '.'";
		} else if (label == 0 && *s == '-') {
			return "a host name label must not start with '-'";
		} else if (*s == '-' && (s + 1 == v + n || s[1] == '.')) {
			return "a host name label must not end with '-'";
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

static const char *check_sasl(const char *v)
{
	return strcmp(v, "EXTERNAL") == 0 ? NULL
					 : "only EXTERNAL is supported";
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

const char *hc_config_check_string(enum kw_type t, const char *v)
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
	case KT_SASL:
		return check_sasl(v);
	case KT_CMD:
		return check_cmd(v);
	default:
		return "internal error: not a string keyword";
	}
}

/* Two entries for one user or group make an ACL that hcoop-mkhome's
 * acl_valid() refuses at a member's first login; say so now. */
const char *hc_config_check_acl_unique(char *const *have, size_t n,
				       const char *v)
{
	size_t tag = (size_t)(strrchr(v, ':') - v) + 1; /* "user:NAME:" */
	size_t i;

	for (i = 0; i < n; i++)
		if (strncmp(have[i], v, tag) == 0)
			return "a second entry for the same user or group "
			       "(one ACL entry each)";
	return NULL;
}
