/* hcoop-cachebench: a measuring tool (not a test). Times the cache
 * writer alone, apart from any spec parsing:
 *
 *   hcoop-cachebench SPEC OUTPUT [ROUNDS]
 *
 * SPEC is parsed once into memory (hcoop-mkcache's format, trusted: this
 * is a benchmark input); then, ROUNDS times (default 5), a new builder is
 * filled (hc_cache_builder_add_*) and written to OUTPUT
 * (hc_cache_builder_write, fsyncs included). Prints each phase's best and
 * median milliseconds and the file size. */
#include "cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct rec {
	char kind;
	struct hc_user_in u;
	const char *gname;
	uint32_t gid;
	const char **mem;
	size_t nmem;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *field(char **s)
{
	char *f = *s, *c = strchr(f, ':');

	if (c) {
		*c = '\0';
		*s = c + 1;
	} else {
		*s = f + strlen(f);
	}
	return f;
}

static int parse_group(char *s, struct rec *r)
{
	char *m, *save = NULL;
	size_t cap = 0;

	r->gname = field(&s);
	r->gid = (uint32_t)strtoul(field(&s), NULL, 10);
	for (m = strtok_r(s, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
		if (r->nmem == cap) {
			cap = cap ? cap * 2 : 8;
			r->mem = reallocarray(r->mem, cap, sizeof(*r->mem));
			if (!r->mem)
				return -1;
		}
		r->mem[r->nmem++] = m;
	}
	return 0;
}

static int parse(char *line, struct rec *r)
{
	char *s = line + 2;

	memset(r, 0, sizeof(*r));
	r->kind = line[0];
	if (r->kind == 'G')
		return parse_group(s, r);
	if (r->kind != 'U')
		return -1;
	r->u.name = field(&s);
	r->u.uid = (uint32_t)strtoul(field(&s), NULL, 10);
	r->u.gid = (uint32_t)strtoul(field(&s), NULL, 10);
	r->u.gecos = field(&s);
	r->u.dir = field(&s);
	r->u.shell = field(&s);
	r->u.dn = field(&s);
	r->u.host = field(&s);
	r->u.flags = (uint32_t)strtoul(field(&s), NULL, 10);
	s = field(&s);
	r->u.shadow_expire = *s ? strtoll(s, NULL, 10) : HC_NO_EXPIRE;
	return 0;
}

static struct rec *load(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	struct rec *v = NULL;
	size_t cap = 0, len;
	char *line = NULL;

	*n = 0;
	if (!f)
		return NULL;
	while (getline(&line, &len, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = reallocarray(v, cap, sizeof(*v));
		}
		if (!v || parse(line, &v[*n]) < 0)
			exit(1);
		(*n)++;
		line = NULL; /* the record points into it */
	}
	fclose(f);
	return v;
}

static int one_round(const struct rec *v, size_t n, const char *out,
		     double *fill, double *write)
{
	struct hc_cache_builder *b = hc_cache_builder_new();
	double t0 = now_ms();
	size_t i;
	int r = 0;

	for (i = 0; b && r == 0 && i < n; i++)
		r = v[i].kind == 'U' ? hc_cache_builder_add_user(b, &v[i].u)
				     : hc_cache_builder_add_group(b, v[i].gname, v[i].gid,
								  v[i].mem, v[i].nmem);
	*fill = now_ms() - t0;
	t0 = now_ms();
	if (b && r == 0)
		r = hc_cache_builder_write(b, out, 1, "bench", 0);
	*write = now_ms() - t0;
	hc_cache_builder_free(b);
	return b ? r : -1;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	double fill[64], wr[64], t0;
	int rounds = argc > 3 ? atoi(argv[3]) : 5, i;
	struct rec *v;
	struct stat st;
	size_t n;

	if (argc < 3 || rounds < 1 || rounds > 64) {
		fprintf(stderr, "usage: hcoop-cachebench SPEC OUTPUT [ROUNDS<=64]\n");
		return 1;
	}
	t0 = now_ms();
	v = load(argv[1], &n);
	if (!v)
		return 1;
	printf("parse %.1f ms (%zu records)\n", now_ms() - t0, n);
	for (i = 0; i < rounds; i++)
		if (one_round(v, n, argv[2], &fill[i], &wr[i]) < 0)
			return 2;
	qsort(fill, rounds, sizeof(double), cmp);
	qsort(wr, rounds, sizeof(double), cmp);
	stat(argv[2], &st);
	printf("fill  best %.1f ms median %.1f ms\n", fill[0], fill[rounds / 2]);
	printf("write best %.1f ms median %.1f ms\n", wr[0], wr[rounds / 2]);
	printf("size  %lld bytes\n", (long long)st.st_size);
	return 0;
}
