/* The DNS name rules for what hcoop-routes writes. Nothing that fails them
 * reaches a zone or a transport map: an LDAP value is data, never syntax. */
#include "routes.h"

#include <errno.h>
#include <string.h>

#define LABEL_MAX 63
#define HOSTNAME_MAX 253

static bool is_alnum_any(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* Length of the label at s (up to '.' or the end) if it is valid, else 0. */
static size_t label_len(const char *s, bool lower_only)
{
	size_t n = 0;

	for (; s[n] && s[n] != '.'; n++) {
		char c = s[n];

		if (n == LABEL_MAX)
			return 0;
		if (lower_only && c >= 'A' && c <= 'Z')
			return 0;
		if (!is_alnum_any(c) && c != '-')
			return 0;
	}
	if (n == 0 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	return n;
}

bool rt_valid_label(const char *s)
{
	size_t n;

	if (!s)
		return false;
	n = label_len(s, true);
	return n > 0 && s[n] == '\0';
}

bool rt_valid_hostname(const char *s)
{
	size_t total, n;
	const char *p;

	if (!s)
		return false;
	total = strlen(s);
	if (total > 0 && s[total - 1] == '.')
		total--;
	if (total == 0 || total > HOSTNAME_MAX)
		return false;
	for (p = s;; p += n + 1) {
		n = label_len(p, false);
		if (n == 0)
			return false;
		if (p[n] == '\0' || (p[n] == '.' && p[n + 1] == '\0'))
			return true;
	}
}

int rt_host_canon(const char *s, char *out, size_t len)
{
	size_t i, n = strlen(s);

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n >= len)
		return -ENAMETOOLONG;
	for (i = 0; i < n; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a')
						      : s[i];
	out[n] = '\0';
	return 0;
}
