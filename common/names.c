/* The valid-name rule and host-name comparison (see names.h). ASCII only,
 * never the locale: a name must mean the same thing in every process. */
#include "names.h"

#include <string.h>

/* The bytes of the rule as a table (NAME_FIRST: may start a name,
 * NAME_NEXT: may follow), so the NSS module's check of every key is one
 * load per byte and one pass, the terminating NUL found on the way. */
enum { NAME_NEXT = 1, NAME_FIRST = 2 };
static const unsigned char name_class[256] = {
	['a' ... 'z'] = NAME_FIRST | NAME_NEXT,
	['_'] = NAME_FIRST | NAME_NEXT,
	['0' ... '9'] = NAME_NEXT,
	['.'] = NAME_NEXT,
	['-'] = NAME_NEXT,
};

size_t hc_valid_name_len(const char *name)
{
	size_t i;
	unsigned char c;

	if (!name || !(name_class[(unsigned char)name[0]] & NAME_FIRST))
		return 0;
	for (i = 1; i < HC_NAME_MAX; i++) {
		c = (unsigned char)name[i];
		if (name_class[c] & NAME_NEXT)
			continue;
		/* the end, or '$' as the last byte (Samba machine accounts) */
		if (c == 0)
			return i;
		return c == '$' && name[i + 1] == 0 ? i + 1 : 0;
	}
	return name[HC_NAME_MAX] == 0 ? HC_NAME_MAX : 0;
}

bool hc_valid_name(const char *name)
{
	return hc_valid_name_len(name) != 0;
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
