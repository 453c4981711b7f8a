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
	/* No length bound inside the loop (one test a byte less on every
	 * key the NSS module is asked for): it stops at the first byte that
	 * cannot follow, at the latest the NUL, so a run longer than a name
	 * reads only the caller's own string, and is refused below. */
	for (i = 1; name_class[(unsigned char)name[i]] & NAME_NEXT; i++)
		;
	/* the end, or '$' as the last byte (Samba machine accounts) */
	c = (unsigned char)name[i];
	if (c == '$' && name[i + 1] == 0)
		i++;
	else if (c != 0)
		return 0;
	return i <= HC_NAME_MAX ? i : 0;
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
