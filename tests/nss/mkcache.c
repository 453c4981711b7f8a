/* hcoop-mkcache: test tool. Writes a cache file with the real writer from
 * a text spec on stdin, or dumps a cache with the real reader.
 *
 *   hcoop-mkcache [-g GENERATION] [-s SERVER] OUTPUT < spec
 *   hcoop-mkcache -b BASE [-g GENERATION] OUTPUT < spec
 *                 (writes OUTPUT.delta for the main file OUTPUT of
 *                 generation BASE; the spec may add S and M lines)
 *   hcoop-mkcache -d CACHE        (prints the spec back, then "# info")
 *
 * Spec, one record per line, '#' comments and blank lines ignored:
 *   U:name:uid:gid:gecos:dir:shell:dn:host:flags:expire
 *   G:name:gid:member1,member2,...
 *   K:name:KEYLINE      (an SSH key of user name, added before; the rest of
 *                        the line is the key, ':' included; a user's K lines
 *                        come together)
 *   S:U:pos / S:G:pos   (delta) main USER_TABLE / GROUP_TABLE position
 *                       superseded
 *   M:name:gid1,gid2,.. (delta) the group list of user name
 * host may be empty; flags is a number (1 = locked); expire is days since
 * the epoch or empty for none. Exit 0, 1 on a bad spec (file line named),
 * 2 on a write/read error. */
#include "cache.h"
#include "numparse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXF 12

/* Split s in place at ':' into at most max fields; returns the count. */
static int split(char *s, char **f, int max)
{
	int n = 0;

	f[n++] = s;
	for (; *s; s++) {
		if (*s != ':')
			continue;
		if (n == max)
			return max + 1;
		*s = '\0';
		f[n++] = s + 1;
	}
	return n;
}

static int add_user(struct hc_cache_builder *b, char **f)
{
	struct hc_user_in u = { .name = f[1], .gecos = f[4], .dir = f[5],
				.shell = f[6], .dn = f[7], .host = f[8],
				.shadow_expire = HC_NO_EXPIRE };

	if (hc_parse_u32(f[2], 0, UINT32_MAX, &u.uid) < 0 ||
	    hc_parse_u32(f[3], 0, UINT32_MAX, &u.gid) < 0 ||
	    hc_parse_u32(f[9], 0, UINT32_MAX, &u.flags) < 0)
		return -EINVAL;
	if (*f[10] && hc_parse_i64(f[10], INT64_MIN + 1, INT64_MAX,
				   &u.shadow_expire) < 0)
		return -EINVAL;
	return hc_cache_builder_add_user(b, &u);
}

static int add_group(struct hc_cache_builder *b, char **f)
{
	const char **mem = NULL;
	size_t n = 0, cap = 0;
	char *save = NULL, *m;
	uint32_t gid;
	int r;

	if (hc_parse_u32(f[2], 0, UINT32_MAX, &gid) < 0)
		return -EINVAL;
	for (m = strtok_r(f[3], ",", &save); m; m = strtok_r(NULL, ",", &save)) {
		if (n == cap) {
			const char **nm;

			cap = cap ? cap * 2 : 16;
			nm = reallocarray(mem, cap, sizeof(*mem));
			if (!nm) {
				free(mem);
				return -ENOMEM;
			}
			mem = nm;
		}
		mem[n++] = m;
	}
	r = hc_cache_builder_add_group(b, f[1], gid, mem, n);
	free(mem);
	return r;
}

/* K lines of one user, set together when the next line is not one. */
struct pending_keys {
	char *name;
	char *keys[HC_SSH_KEYS_MAX + 1];
	size_t n;
};

static int flush_keys(struct hc_cache_builder *b, struct pending_keys *p)
{
	int r = 0;
	size_t i;

	if (p->name)
		r = hc_cache_builder_set_keys(b, p->name,
					      (const char *const *)p->keys, p->n);
	free(p->name);
	for (i = 0; i < p->n; i++)
		free(p->keys[i]);
	memset(p, 0, sizeof(*p));
	return r;
}

static int add_key(struct hc_cache_builder *b, struct pending_keys *p,
		   char *line)
{
	char *name = line + 2, *key = strchr(name, ':');
	int r;

	if (!key)
		return -EINVAL;
	*key++ = '\0';
	if (p->name && strcmp(p->name, name) != 0 && (r = flush_keys(b, p)) < 0)
		return r;
	if (p->n > HC_SSH_KEYS_MAX)
		return -E2BIG;
	if (!p->name && !(p->name = strdup(name)))
		return -ENOMEM;
	p->keys[p->n] = strdup(key);
	return p->keys[p->n++] ? 0 : -ENOMEM;
}

static struct pending_keys pending;

/* Delta lines: S:U:pos, S:G:pos, M:name:gids */
static int add_delta_line(struct hc_cache_builder *b, char **f, int n)
{
	uint32_t gids[256];
	size_t ng = 0;
	uint64_t v;
	char *s, *save = NULL;

	if (strcmp(f[0], "S") == 0 && n == 3) {
		if (hc_parse_u64(f[2], 0, UINT32_MAX - 1, &v) < 0)
			return -EINVAL;
		return strcmp(f[1], "U") == 0 ? hc_cache_builder_supersede_user(b, (uint32_t)v)
					      : hc_cache_builder_supersede_group(b, (uint32_t)v);
	}
	if (strcmp(f[0], "M") != 0 || n != 3)
		return -EINVAL;
	for (s = strtok_r(f[2], ",", &save); s && ng < 256;
	     s = strtok_r(NULL, ",", &save)) {
		if (hc_parse_u64(s, 0, UINT32_MAX, &v) < 0)
			return -EINVAL;
		gids[ng++] = (uint32_t)v;
	}
	return hc_cache_builder_set_user_groups(b, f[1], gids, ng);
}

static int parse_line(struct hc_cache_builder *b, char *line)
{
	char *f[MAXF];
	int n, r;

	line[strcspn(line, "\n")] = '\0';
	if (line[0] == '#' || line[0] == '\0')
		return 0;
	if (strncmp(line, "K:", 2) == 0)
		return add_key(b, &pending, line);
	if ((r = flush_keys(b, &pending)) < 0)
		return r;
	n = split(line, f, MAXF);
	if (strcmp(f[0], "U") == 0 && n == 11)
		return add_user(b, f);
	if (strcmp(f[0], "G") == 0 && n == 4)
		return add_group(b, f);
	return add_delta_line(b, f, n);
}

static int dump(const char *path)
{
	struct hc_cache *c;
	struct hc_cache_info info;
	struct hc_user u;
	struct hc_group g;
	const char *m;
	uint32_t i, j;
	int r = hc_cache_open(path, &c);

	if (r < 0 || (r = hc_cache_info(c, &info)) < 0) {
		fprintf(stderr, "hcoop-mkcache: %s: %s\n", path, strerror(-r));
		hc_cache_close(c);
		return 2;
	}
	for (i = 0; (r = hc_cache_user_next(c, &i, &u)) != -ENOENT; i++) {
		if (r < 0)
			continue;
		printf("U:%s:%u:%u:%s:%s:%s:%s:%s:%u:", u.name, u.uid, u.gid,
		       u.gecos, u.dir, u.shell, u.dn, u.host, u.flags);
		if (u.shadow_expire != HC_NO_EXPIRE)
			printf("%lld", (long long)u.shadow_expire);
		printf("\n");
	}
	for (i = 0; (r = hc_cache_user_next(c, &i, &u)) != -ENOENT; i++) {
		const char *k;
		size_t len;

		for (j = 0; r == 0 && hc_cache_user_key(c, &u, j, &k, &len) == 0; j++)
			printf("K:%s:%s\n", u.name, k);
	}
	for (i = 0; (r = hc_cache_group_next(c, &i, &g)) != -ENOENT; i++) {
		struct hc_member_iter it;
		size_t len;

		if (r < 0)
			continue;
		printf("G:%s:%u:", g.name, g.gid);
		hc_member_iter_init(&it, &g);
		for (j = 0; (r = hc_member_next(&it, &m, &len)) > 0; j++)
			printf("%s%s", j ? "," : "", m);
		printf("\n");
		if (r < 0) {
			fprintf(stderr, "hcoop-mkcache: %s: group %s: %s\n", path,
				g.name, strerror(-r));
			hc_cache_close(c);
			return 2;
		}
	}
	printf("# info generation=%llu server=%s users=%u groups=%u\n",
	       (unsigned long long)info.generation, info.server, info.n_users,
	       info.n_groups);
	hc_cache_close(c);
	return 0;
}

int main(int argc, char **argv)
{
	struct hc_cache_builder *b;
	const char *server = "mkcache";
	uint64_t gen = 1, base = 0;
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int opt, r;

	while ((opt = getopt(argc, argv, "b:d:g:s:")) != -1) {
		if (opt == 'd')
			return dump(optarg);
		if (opt == 's')
			server = optarg;
		else if (opt == 'b' && hc_parse_u64(optarg, 1, UINT64_MAX, &base) == 0)
			continue;
		else if (opt != 'g' || hc_parse_u64(optarg, 0, UINT64_MAX, &gen) < 0) {
			fprintf(stderr, "usage: hcoop-mkcache [-g GEN] [-s SERVER] OUTPUT < spec | -d CACHE\n");
			return 1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: hcoop-mkcache [-g GEN] [-s SERVER] OUTPUT < spec | -d CACHE\n");
		return 1;
	}
	b = hc_cache_builder_new();
	if (!b)
		return 2;
	while (getline(&line, &cap, stdin) > 0) {
		lineno++;
		r = parse_line(b, line);
		if (r < 0) {
			fprintf(stderr, "hcoop-mkcache: stdin:%ld: %s\n", lineno,
				strerror(-r));
			free(line);
			hc_cache_builder_free(b);
			return 1;
		}
	}
	free(line);
	r = flush_keys(b, &pending);
	if (r < 0) {
		fprintf(stderr, "hcoop-mkcache: stdin: keys: %s\n", strerror(-r));
		hc_cache_builder_free(b);
		return 1;
	}
	r = base ? hc_cache_builder_write_delta(b, argv[optind], base, gen, server,
						(int64_t)time(NULL))
		 : hc_cache_builder_write(b, argv[optind], gen, server,
					  (int64_t)time(NULL));
	hc_cache_builder_free(b);
	if (r < 0) {
		fprintf(stderr, "hcoop-mkcache: %s: %s\n", argv[optind], strerror(-r));
		return 2;
	}
	return 0;
}
