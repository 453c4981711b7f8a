/* nss-grexact: the exact buffer size of getgrnam_r through real glibc.
 *
 *   nss-grexact NAME
 *
 * Looks NAME up (growing the buffer), then computes the size the module
 * documents for it (nss_hcoop(8)): the member pointers and their NULL,
 * the member names with their NULs, the name and the password "x" with
 * theirs, plus the padding that aligns the pointers. Checks, on an
 * aligned and on a misaligned buffer, that one byte less gives ERANGE and
 * the exact size gives the same group. Prints the group in getent format
 * and "exact SIZE"; exit 0 when every check held, 1 otherwise (the failed
 * check on stderr), 2 on usage or when the group is not found. */
#include <errno.h>
#include <grp.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed;

/* The group as one getent line (for comparing answers). */
static char *fmt(const struct group *g)
{
	size_t n = strlen(g->gr_name) + strlen(g->gr_passwd) + 32, i;
	char *s, *p;

	for (i = 0; g->gr_mem[i]; i++)
		n += strlen(g->gr_mem[i]) + 1;
	s = malloc(n);
	if (!s)
		exit(2);
	p = s + sprintf(s, "%s:%s:%u:", g->gr_name, g->gr_passwd,
			(unsigned)g->gr_gid);
	for (i = 0; g->gr_mem[i]; i++)
		p += sprintf(p, "%s%s", i ? "," : "", g->gr_mem[i]);
	return s;
}

/* getgrnam_r into buf of len bytes: its return code, *line the answer. */
static int call(const char *name, char *buf, size_t len, char **line)
{
	struct group gr, *res = NULL;
	int rc = getgrnam_r(name, &gr, buf, len, &res);

	*line = rc == 0 && res ? fmt(res) : NULL;
	return rc == 0 && !res ? ENOENT : rc;
}

static void expect(const char *what, const char *name, char *buf, size_t len,
		   int want_rc, const char *want)
{
	char *line;
	int rc = call(name, buf, len, &line);

	if (rc != want_rc || (want && (!line || strcmp(line, want) != 0))) {
		fprintf(stderr, "nss-grexact: %s: buflen %zu: rc %d (want %d)%s\n",
			what, len, rc, want_rc,
			want && rc == 0 ? ", another answer" : "");
		failed = 1;
	}
	free(line);
}

int main(int argc, char **argv)
{
	struct group gr, *res = NULL;
	size_t len = 1024, need, i, pad;
	char *buf = NULL, *nb, *want;
	int rc;

	if (argc != 2)
		return 2;
	do {
		nb = realloc(buf, len *= 2);
		if (!nb)
			return 2;
		buf = nb;
	} while ((rc = getgrnam_r(argv[1], &gr, buf, len, &res)) == ERANGE);
	if (rc != 0 || !res)
		return 2;
	want = fmt(res);
	need = strlen(res->gr_name) + 1 + strlen(res->gr_passwd) + 1;
	for (i = 0; res->gr_mem[i]; i++)
		need += strlen(res->gr_mem[i]) + 1;
	need += (i + 1) * sizeof(char *);
	/* a fresh aligned buffer of exactly need (+ room for the shift) */
	free(buf);
	buf = malloc(need + alignof(char *));
	if (!buf)
		return 2;
	expect("aligned, one byte short", argv[1], buf, need - 1, ERANGE, NULL);
	expect("aligned, exact size", argv[1], buf, need, 0, want);
	/* one byte in: the pointers start alignof(char *) - 1 bytes later */
	pad = alignof(char *) - 1;
	expect("misaligned, one byte short", argv[1], buf + 1, need + pad - 1,
	       ERANGE, NULL);
	expect("misaligned, exact size", argv[1], buf + 1, need + pad, 0, want);
	printf("%s\nexact %zu\n", want, need);
	free(want);
	free(buf);
	return failed;
}
