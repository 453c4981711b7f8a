/* Loading the benchmark's key file (written by bench/gendata.py). */
#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	void *p;

	if (n < *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 1024;
	p = reallocarray(*arr, *cap, size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

static int add_line(struct bench_keys *k, const char *line, size_t caps[2])
{
	char name[256];
	unsigned long a, b;

	if (sscanf(line, "U %255s %lu %lu", name, &a, &b) == 3) {
		if (grow((void **)&k->users, &caps[0], k->n_users,
			 sizeof(*k->users)) < 0)
			return -ENOMEM;
		k->users[k->n_users].name = strdup(name);
		k->users[k->n_users].uid = (uid_t)a;
		k->users[k->n_users].gid = (gid_t)b;
		return k->users[k->n_users++].name ? 0 : -ENOMEM;
	}
	if (sscanf(line, "G %255s %lu", name, &a) == 2) {
		if (grow((void **)&k->groups, &caps[1], k->n_groups,
			 sizeof(*k->groups)) < 0)
			return -ENOMEM;
		k->groups[k->n_groups].name = strdup(name);
		k->groups[k->n_groups].gid = (gid_t)a;
		return k->groups[k->n_groups++].name ? 0 : -ENOMEM;
	}
	return -EINVAL;
}

/* Absent names made up front, so that formatting them is not timed. */
static int make_neg(struct bench_keys *k)
{
	k->neg = calloc(k->n_users, sizeof(*k->neg));
	if (!k->neg)
		return -ENOMEM;
	for (size_t i = 0; i < k->n_users; i++)
		if (asprintf(&k->neg[i], "nosuch%07zu", i) < 0)
			return -ENOMEM;
	return 0;
}

int bench_keys_load(const char *path, struct bench_keys *k)
{
	size_t caps[2] = {0, 0};
	char line[512];
	int lineno = 0, r = 0;
	FILE *f = fopen(path, "re");

	memset(k, 0, sizeof(*k));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		r = add_line(k, line, caps);
		if (r < 0) {
			fprintf(stderr, "%s:%d: bad key line\n", path, lineno);
			break;
		}
	}
	fclose(f);
	if (r == 0 && (k->n_users == 0 || k->n_groups == 0))
		r = -ENODATA;
	return r < 0 ? r : make_neg(k);
}
