/* Checked number parsing (see numparse.h). strtoull/strtoll accept leading
 * space, a sign and (for unsigned) wrap "-1" to the maximum, so the first
 * byte is checked here before they are called, and errno and the end
 * pointer after. */
#include "numparse.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* After strtoull/strtoll with errno cleared: 0, -ERANGE (overflow) or
 * -EINVAL (junk after the digits). */
static int strto_result(const char *end)
{
	if (!end || *end != '\0')
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	return errno ? -EINVAL : 0;
}

int hc_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end = NULL;
	int r;

	if (!s || !is_digit(s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	r = strto_result(end);
	if (r < 0)
		return r;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int hc_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int r = hc_parse_u64(s, min, max, &v);

	if (r < 0)
		return r;
	*out = (uint32_t)v;
	return 0;
}

int hc_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	long long v;
	char *end = NULL;
	int r;

	if (!s)
		return -EINVAL;
	if (!is_digit(s[0]) && !(s[0] == '-' && is_digit(s[1])))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	r = strto_result(end);
	if (r < 0)
		return r;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int hc_parse_mode(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	const char *p;

	if (!s || !*s)
		return -EINVAL;
	for (p = s; *p; p++)
		if (*p < '0' || *p > '7')
			return -EINVAL;
	/* leading zeros never overflow; stop as soon as the value is too big */
	for (p = s; *p; p++) {
		v = v * 8 + (uint32_t)(*p - '0');
		if (v > 07777)
			return -ERANGE;
	}
	*out = v;
	return 0;
}
