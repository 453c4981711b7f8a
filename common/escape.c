/* RFC 4515 filter-value escaping (see escape.h). Besides the four bytes
 * the RFC requires, control bytes, DEL and every byte >= 0x80 are escaped
 * too, so a filter never carries raw non-ASCII into a log line or a server
 * that would choke on invalid UTF-8. */
#include "escape.h"

#include <errno.h>
#include <stdbool.h>

static bool needs_escape(unsigned char c)
{
	return c == '*' || c == '(' || c == ')' || c == '\\' || c < 0x20 ||
	       c >= 0x7f;
}

int hc_ldap_escape_filter(const char *in, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	size_t o = 0;

	if (!out || outlen == 0)
		return -ERANGE;
	out[0] = '\0';
	if (!in)
		return -EINVAL;
	for (p = (const unsigned char *)in; *p; p++) {
		size_t need = needs_escape(*p) ? 3 : 1;

		/* room for this byte's encoding and the final NUL */
		if (outlen - o < need + 1) {
			out[0] = '\0';
			return -ERANGE;
		}
		if (need == 1) {
			out[o++] = (char)*p;
			continue;
		}
		out[o++] = '\\';
		out[o++] = hex[*p >> 4];
		out[o++] = hex[*p & 0xf];
	}
	out[o] = '\0';
	return 0;
}
