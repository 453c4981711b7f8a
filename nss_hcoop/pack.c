/* All buffer packing: every copy is bounded by the caller's buffer (for a
 * group the sizes are summed, with overflow checks, before anything is
 * written, since the aligned member pointer array comes first), and every
 * string is copied into the caller's buffer, so nothing returned points
 * into the mapping (which may be unmapped by the next lookup). */
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

/* Copy s to *p, never past end, always terminated (the file may even be
 * rewritten in place under us by root between a sizing pass and the
 * copy). NULL when it does not fit. */
static char *put(char **p, const char *end, const char *s)
{
	size_t room = (size_t)(end - *p), n;
	char *at = *p;

	if (room == 0)
		return NULL;
	n = strnlen(s, room);
	if (n == room)
		return NULL;
	memcpy(at, s, n);
	at[n] = '\0';
	*p += n + 1;
	return at;
}

/* Copy the n bytes at s (a length the reader measured) to *p and
 * terminate them, never past end; NULL when they do not fit. The NUL is
 * written, not copied: the file may have changed since it was measured. */
static char *put_n(char **p, const char *end, const char *s, size_t n)
{
	char *at = *p;

	if ((size_t)(end - at) <= n)
		return NULL;
	memcpy(at, s, n);
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

/* The bytes the group needs in buf, or -ERANGE as soon as they exceed
 * buflen: a group is never measured further than the caller's buffer
 * (each member costs at least a pointer), and each member name is
 * bounded by the reader (HC_MAX_NAME), so a hostile member count or
 * string costs at most buflen's worth of work. */
static int group_size(const struct hc_cache *c, const struct hc_group *g,
		      const char *buf, size_t buflen, size_t *need)
{
	const char *m;
	uint32_t i;
	int r;

	*need = align_pad(buf);
	/* pointers first (aligned), then the strings */
	if ((size_t)g->nmembers + 1 > SIZE_MAX / sizeof(char *) ||
	    !add_size(need, ((size_t)g->nmembers + 1) * sizeof(char *)) ||
	    !add_size(need, strlen(g->name) + 1) || !add_size(need, 2) ||
	    *need > buflen)
		return -ERANGE;
	for (i = 0; i < g->nmembers; i++) {
		r = hc_cache_group_member(c, g, i, &m);
		if (r < 0)
			return r == -ENOENT ? -EBADMSG : r;
		if (!add_size(need, strlen(m) + 1) || *need > buflen)
			return -ERANGE;
	}
	return 0;
}

int hc_pack_group(const struct hc_cache *c, const struct hc_group *g,
		  struct group *gr, char *buf, size_t buflen)
{
	size_t need;
	char **mem, *p;
	const char *m;
	uint32_t i;
	int r;

	if (!buf)
		return -ERANGE;
	r = group_size(c, g, buf, buflen, &need);
	if (r < 0)
		return r;
	if (need > buflen)
		return -ERANGE;
	mem = (char **)(void *)(buf + align_pad(buf));
	p = (char *)(mem + g->nmembers + 1);
	for (i = 0; i < g->nmembers; i++) {
		r = hc_cache_group_member(c, g, i, &m);
		if (r < 0 || !(mem[i] = put(&p, buf + need, m)))
			return -EBADMSG;
	}
	mem[g->nmembers] = NULL;
	gr->gr_name = put(&p, buf + need, g->name);
	gr->gr_passwd = put(&p, buf + need, "x");
	if (!gr->gr_name || !gr->gr_passwd)
		return -EBADMSG;
	gr->gr_gid = g->gid;
	gr->gr_mem = mem;
	return 0;
}
