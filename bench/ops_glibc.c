/* The benchmarked operations through real glibc (nsswitch.conf decides
 * which module answers: files, hcoop, hcoopfloor, or nscd in front). */
#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static long count(struct bench_scratch *s, int rc, const void *res)
{
	if (rc == 0 && res) {
		s->found++;
		return 1;
	}
	s->missing++;
	return 0;
}

static long op_pwnam(struct bench_scratch *s, const struct bench_keys *k,
		     size_t i)
{
	struct passwd pw, *res = NULL;
	int rc = getpwnam_r(k->users[i].name, &pw, s->buf, s->len, &res);

	return count(s, rc, res);
}

static long op_pwuid(struct bench_scratch *s, const struct bench_keys *k,
		     size_t i)
{
	struct passwd pw, *res = NULL;
	int rc = getpwuid_r(k->users[i].uid, &pw, s->buf, s->len, &res);

	return count(s, rc, res);
}

/* A name that is valid but absent everywhere. */
static long op_pwnam_neg(struct bench_scratch *s, const struct bench_keys *k,
			 size_t i)
{
	struct passwd pw, *res = NULL;
	int rc;

	rc = getpwnam_r(k->neg[i], &pw, s->buf, s->len, &res);
	/* absent is the expected answer: count it as "found" */
	return count(s, rc == 0 && !res ? 0 : -1, &pw);
}

static long op_grnam(struct bench_scratch *s, const struct bench_keys *k,
		     size_t i)
{
	struct group gr, *res = NULL;
	int rc;

	while ((rc = getgrnam_r(k->groups[i].name, &gr, s->buf, s->len,
				&res)) == ERANGE &&
	       bench_scratch_grow(s) == 0)
		;
	return count(s, rc, res);
}

static long op_grgid(struct bench_scratch *s, const struct bench_keys *k,
		     size_t i)
{
	struct group gr, *res = NULL;
	int rc;

	while ((rc = getgrgid_r(k->groups[i].gid, &gr, s->buf, s->len,
				&res)) == ERANGE &&
	       bench_scratch_grow(s) == 0)
		;
	return count(s, rc, res);
}

static long op_grouplist(struct bench_scratch *s, const struct bench_keys *k,
			 size_t i)
{
	int n = (int)s->n_gids;
	int rc = getgrouplist(k->users[i].name, k->users[i].gid, s->gids, &n);

	/* the primary group is always listed: n >= 1 means the call worked */
	return count(s, rc >= 0 && n >= 1 ? 0 : -1, s);
}

/* One full enumeration; returns the number of entries seen. */
static long op_pwent(struct bench_scratch *s, const struct bench_keys *k,
		     size_t i)
{
	struct passwd pw, *res;
	long n = 0;

	(void)k;
	(void)i;
	setpwent();
	while (getpwent_r(&pw, s->buf, s->len, &res) == 0 && res)
		n++;
	endpwent();
	s->found++;
	return n;
}

static const struct bench_op glibc_ops[] = {
	{"getpwnam", op_pwnam, 'U', 0},
	{"getpwuid", op_pwuid, 'U', 0},
	{"getpwnam-neg", op_pwnam_neg, 'U', 0},
	{"getgrnam", op_grnam, 'G', 0},
	{"getgrgid", op_grgid, 'G', 0},
	{"getgrouplist", op_grouplist, 'U', 0},
	{"getpwent", op_pwent, 'U', 1},
};

const struct bench_op *bench_glibc_op(const char *name)
{
	for (size_t i = 0; i < sizeof(glibc_ops) / sizeof(glibc_ops[0]); i++)
		if (strcmp(glibc_ops[i].name, name) == 0)
			return &glibc_ops[i];
	return NULL;
}
