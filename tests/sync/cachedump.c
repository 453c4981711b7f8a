/* hs-cachedump CACHE: print every user and group of a cache file through
 * the real reader (hc_cache_*), one line each, sorted by the test:
 *   U:name:uid:gid:gecos:dir:shell:dn:host:flags:expire
 *   G:name:gid:member,member,...
 * Exit 1 if the cache cannot be opened or read. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cache.h"

static int dump_users(const struct hc_cache *c)
{
	struct hc_user u;
	uint32_t i;

	int r;

	for (i = 0; (r = hc_cache_user_next(c, &i, &u)) != -ENOENT; i++) {
		if (r < 0)
			return -1;
		printf("U:%s:%" PRIu32 ":%" PRIu32 ":%s:%s:%s:%s:%s:%" PRIu32 ":",
		       u.name, u.uid, u.gid, u.gecos, u.dir, u.shell, u.dn,
		       u.host ? u.host : "", u.flags);
		if (u.shadow_expire != HC_NO_EXPIRE)
			printf("%" PRId64, u.shadow_expire);
		printf("\n");
	}
	return 0;
}

static int dump_groups(const struct hc_cache *c)
{
	struct hc_member_iter it;
	struct hc_group g;
	const char *m;
	uint32_t i, j;
	size_t len;
	int r;

	for (i = 0; (r = hc_cache_group_next(c, &i, &g)) != -ENOENT; i++) {
		if (r < 0)
			return -1;
		printf("G:%s:%" PRIu32 ":", g.name, g.gid);
		hc_member_iter_init(&it, &g);
		for (j = 0; (r = hc_member_next(&it, &m, &len)) > 0; j++)
			printf("%s%s", j ? "," : "", m);
		if (r < 0)
			return -1;
		printf("\n");
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct hc_cache *c = NULL;
	struct hc_cache_info info;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: hs-cachedump CACHE\n");
		return 2;
	}
	r = hc_cache_open(argv[1], &c);
	if (r < 0) {
		fprintf(stderr, "hs-cachedump: %s: %s\n", argv[1], strerror(-r));
		return 1;
	}
	r = hc_cache_info(c, &info);
	if (r == 0)
		r = dump_users(c);
	if (r == 0)
		r = dump_groups(c);
	hc_cache_close(c);
	return r == 0 ? 0 : 1;
}
