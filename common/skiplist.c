/* CACHE.skipped reader: see skiplist.h. */
#include "skiplist.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int hc_skiplist_path(const char *cache_path, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.skipped", cache_path);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static void split(char *line, struct hc_skip *s)
{
	char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;

	line[strcspn(line, "\n")] = '\0';
	if (!t1 || !t2) {
		s->kind = "?";
		s->dn = line;
		s->reason = "";
		return;
	}
	*t1 = *t2 = '\0';
	s->kind = line;
	s->dn = t1 + 1;
	s->reason = t2 + 1;
}

int hc_skiplist_each(const char *cache_path,
		     int (*cb)(const struct hc_skip *s, void *ctx), void *ctx)
{
	char path[4096], line[HC_SKIP_LINE_MAX];
	struct hc_skip s;
	FILE *f;
	int r = hc_skiplist_path(cache_path, path, sizeof(path));

	if (r < 0)
		return r;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (r == 0 && fgets(line, sizeof(line), f)) {
		split(line, &s);
		r = cb(&s, ctx);
	}
	fclose(f);
	return r;
}

struct find {
	const char *kind, *name;
	char *reason;
	size_t len;
};

/* Does dn start with ATTR=NAME followed by ',' or its end? */
static int rdn_is(const char *dn, const char *attr, const char *name)
{
	size_t a = strlen(attr), n = strlen(name);

	return strncasecmp(dn, attr, a) == 0 && dn[a] == '=' &&
	       strncasecmp(dn + a + 1, name, n) == 0 &&
	       (dn[a + 1 + n] == ',' || dn[a + 1 + n] == '\0');
}

static int match(const struct hc_skip *s, void *ctx)
{
	struct find *f = ctx;
	const char *attr = strcmp(f->kind, "user") == 0 ? "uid" : "cn";

	if (strcmp(s->kind, f->kind) != 0 || !rdn_is(s->dn, attr, f->name))
		return 0;
	snprintf(f->reason, f->len, "%s: %s", s->dn, s->reason);
	return 1;
}

int hc_skiplist_find(const char *cache_path, const char *kind,
		     const char *name, char *reason, size_t len)
{
	struct find f = { kind, name, reason, len };
	int r = hc_skiplist_each(cache_path, match, &f);

	return r == -ENOENT ? 0 : r;
}
