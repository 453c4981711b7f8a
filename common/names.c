/* The valid-name rule and host-name comparison (see names.h). ASCII only,
 * never the locale: a name must mean the same thing in every process. */
#include "names.h"

#include <string.h>

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool hc_valid_name(const char *name)
{
	size_t i, n;

	if (!name)
		return false;
	n = strnlen(name, HC_NAME_MAX + 1);
	if (n == 0 || n > HC_NAME_MAX)
		return false;
	if (!is_lower(name[0]) && name[0] != '_')
		return false;
	for (i = 1; i < n; i++) {
		char c = name[i];

		if (is_lower(c) || is_digit(c) || c == '_' || c == '.' ||
		    c == '-')
			continue;
		/* '$' only as the last byte (Samba machine accounts) */
		if (c == '$' && i == n - 1)
			continue;
		return false;
	}
	return true;
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Length without one trailing dot ("host.example." is "host.example"). */
static size_t host_len(const char *s)
{
	size_t n = strlen(s);

	if (n > 0 && s[n - 1] == '.')
		n--;
	return n;
}

bool hc_host_equal(const char *a, const char *b)
{
	size_t i, na, nb;

	if (!a || !b)
		return false;
	na = host_len(a);
	nb = host_len(b);
	/* an empty assignment never matches anything, not even itself */
	if (na == 0 || na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return false;
	return true;
}

bool hc_valid_field(const char *s)
{
	const unsigned char *p;

	if (!s)
		return false;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p == ':' || *p < 0x20 || *p == 0x7f)
			return false;
	return true;
}
