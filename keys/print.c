/* The member's keys, from the cache through common/'s reader, to stdout.
 * hcoop-sync validated every key; a line that still holds a control byte
 * (a damaged file) is not printed, since a newline in it would give sshd
 * a second, unvalidated authorized_keys line. */
#include "authkeys.h"

#include <errno.h>
#include <string.h>

#include "cache.h"
#include "log.h"
#include "names.h"

static bool printable(const char *k, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)k[i] < 0x20 || k[i] == 0x7f)
			return false;
	return len > 0;
}

/* The keys of u; 0 or a reader error. */
static int print_user(const struct hc_cache *c, const struct hc_user *u,
		      FILE *out)
{
	const char *k;
	size_t len;
	uint32_t i;
	int r;

	for (i = 0; (r = hc_cache_user_key(c, u, i, &k, &len)) == 0; i++) {
		if (!printable(k, len)) {
			hc_warn("cache: key %u of %s holds a control byte: "
				"not printed", i + 1, u->name);
			continue;
		}
		fwrite(k, 1, len, out);
		fputc('\n', out);
	}
	return r == -ENOENT ? 0 : r;
}

int ak_print_keys(const char *path, const char *user, FILE *out)
{
	struct hc_cache *c = NULL;
	struct hc_user u;
	int r;

	/* not a member name: no member, no keys (and no lookup) */
	if (!hc_valid_name(user))
		return AK_EXIT_OK;
	r = hc_cache_open(path, &c);
	if (r < 0) {
		hc_err("%s: %s%s", path, strerror(-r),
		       r == -EPROTONOSUPPORT ? " (hcoop-sync rewrites it)" : "");
		return AK_EXIT_FAIL;
	}
	r = hc_cache_user_byname(c, user, &u);
	if (r == 0)
		r = print_user(c, &u, out);
	hc_cache_close(c);
	if (r < 0 && r != -ENOENT) {
		hc_err("%s: %s: %s", path, user, strerror(-r));
		return AK_EXIT_FAIL;
	}
	if (fflush(out) != 0 || ferror(out)) {
		hc_err("writing the keys of %s: %m", user);
		return AK_EXIT_FAIL;
	}
	return AK_EXIT_OK;
}
