/* All buffer packing: every copy is bounded by the caller's buffer (for a
 * group the size is summed, with overflow checks, from the record before
 * anything is written, since the aligned member pointer array comes
 * first), and every string is copied into the caller's buffer, so nothing
 * returned points into the mapping (which may be unmapped by the next
 * lookup). */
#include "nss_hcoop.h"

#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

/* *total += n, false on overflow. */
static bool add_size(size_t *total, size_t n)
{
	if (*total > SIZE_MAX - n)
		return false;
	*total += n;
	return true;
}

/* n bytes from s to d. A passwd field is most often short: up to 32
 * bytes as two overlapping loads and stores (each of the n bytes written,
 * none past them), no call; longer ones by memcpy. */
static inline void copy_n(char *d, const char *s, size_t n)
{
	uint64_t a, b;
	uint32_t x, y;

	if (n >= 8 && n <= 16) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		memcpy(d, &x, 4);
		memcpy(d + n - 4, &y, 4);
	} else if (n > 16 && n <= 32) {
		char lo[16], hi[16];

		memcpy(lo, s, 16);
		memcpy(hi, s + n - 16, 16);
		memcpy(d, lo, 16);
		memcpy(d + n - 16, hi, 16);
	} else {
		memcpy(d, s, n);
	}
}

/* Copy the n bytes at s (a length the reader measured) to *p and
 * terminate them, never past end; NULL when they do not fit. The NUL is
 * written, not copied: the file may have changed since it was measured. */
static char *put_n(char **p, const char *end, const char *s, size_t n)
{
	char *at = *p;

	if ((size_t)(end - at) <= n)
		return NULL;
	copy_n(at, s, n);
	at[n] = '\0';
	*p += n + 1;
	return at;
}

/* One pass: each field is copied with a bound (put_n, with the lengths
 * the reader measured while checking them), so a field that does not fit
 * is noticed while copying and nothing is measured twice. On -ERANGE the
 * caller's buffer holds partial bytes it must not use. */
int hc_pack_passwd(const struct hc_user *u, struct passwd *pw, char *buf,
		   size_t buflen)
{
	const char *end = buf + buflen;
	char *p = buf;

	if (!buf)
		return -ERANGE;
	if (!(pw->pw_name = put_n(&p, end, u->name, u->name_len)) ||
	    !(pw->pw_passwd = put_n(&p, end, "x", 1)) ||
	    !(pw->pw_gecos = put_n(&p, end, u->gecos, u->gecos_len)) ||
	    !(pw->pw_dir = put_n(&p, end, u->dir, u->dir_len)) ||
	    !(pw->pw_shell = put_n(&p, end, u->shell, u->shell_len)))
		return -ERANGE;
	pw->pw_uid = u->uid;
	pw->pw_gid = u->gid;
	return 0;
}

/* Bytes of padding that make buf + n aligned for a char * array. */
static size_t align_pad(const char *buf)
{
	uintptr_t a = (uintptr_t)buf, al = alignof(char *);

	return (size_t)((al - a % al) % al);
}

/* The bytes the group needs in buf: the aligned pointer array, the
 * member block as it is in the file (names with their NULs), the name
 * and "x". Known from the record alone, so a buffer too small is ERANGE
 * without touching a member (glibc's doubling retries stay cheap). */
static bool group_size(const struct hc_group *g, size_t pad, size_t *need)
{
	*need = pad;
	return (size_t)g->nmembers + 1 <= SIZE_MAX / sizeof(char *) &&
	       add_size(need, ((size_t)g->nmembers + 1) * sizeof(char *)) &&
	       add_size(need, g->members_len) &&
	       add_size(need, (size_t)g->name_len + 1) && add_size(need, 2);
}

/* One copy of the member block into buf, right after the pointers, and
 * the pass that sets the pointers and checks the names on the copy (not
 * the mapping, which root could rewrite in place meanwhile): one pass
 * for both where the CPU has AVX-512 (hc_members_split). */
int hc_pack_group(const struct hc_group *g, struct group *gr, char *buf,
		  size_t buflen)
{
	size_t pad, need;
	char **mem, *p;
	int r;

	if (!buf)
		return -ERANGE;
	pad = align_pad(buf);
	if (!group_size(g, pad, &need) || need > buflen)
		return -ERANGE;
	mem = (char **)(void *)(buf + pad);
	p = (char *)(mem + g->nmembers + 1);
	r = hc_members_split(p, g->members, g->members_len, g->nmembers, mem);
	if (r < 0)
		return r;
	p += g->members_len;
	gr->gr_name = put_n(&p, buf + need, g->name, g->name_len);
	gr->gr_passwd = put_n(&p, buf + need, "x", 1);
	if (!gr->gr_name || !gr->gr_passwd)
		return -EBADMSG;
	gr->gr_gid = g->gid;
	gr->gr_mem = mem;
	return 0;
}
