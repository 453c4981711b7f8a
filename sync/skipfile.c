/* CACHE.skipped: the entries the last cache write left out, so that
 * --status (and the admins' tool) can show them without digging in the
 * log. Text, one entry a line, sorted:
 *     KIND<TAB>DN<TAB>REASON
 * KIND is "user" or "group"; tabs and control characters in the DN or the
 * reason are written as '?'. Written beside the cache, atomically (temp
 * file PATH.tmp.PID, fsync, rename), mode 0644 like the cache; rewritten
 * only when its content changes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "skiplist.h"
#include "sync.h"

#define SKIP_SUFFIX ".skipped"

static size_t last_hash; /* of the content last written; 0: none */

static int skip_path(const struct hc_config *cfg, char *buf, size_t len)
{
	return hc_skiplist_path(cfg->cache, buf, len);
}

static int by_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line; NULL on ENOMEM. */
static char *format_line(enum hs_kind kind, const char *dn, const char *why)
{
	char *s = NULL, *p;

	if (asprintf(&s, "%s\t%.1024s\t%.1024s\n",
		     kind == HS_USER ? "user" : "group", dn, why) < 0)
		return NULL;
	for (p = s; p[1]; p++) /* keep the tabs we put, and the newline */
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			*p = '?';
	return s;
}

/* Every skipped entry's line, sorted; -ENOMEM. */
static int collect(const struct hs_view *v, char ***out, size_t *n)
{
	const struct hs_list *rej = &v->m->rejected;
	size_t i, total = v->n_skips + rej->n;
	char **lines = calloc(total + 1, sizeof(*lines));

	*n = 0;
	if (!lines)
		return -ENOMEM;
	for (i = 0; i < v->n_skips; i++) {
		const struct hs_skip *s = &v->skips[i];
		if (!(lines[(*n)++] = format_line(s->kind, s->dn, s->why)))
			goto nomem;
	}
	for (i = 0; i < rej->n; i++) {
		const struct hs_entry *e = rej->v[i];
		if (!(lines[(*n)++] = format_line(e->kind, e->dn, e->why)))
			goto nomem;
	}
	qsort(lines, *n, sizeof(*lines), by_line);
	*out = lines;
	return 0;
nomem:
	for (i = 0; i < *n; i++)
		free(lines[i]);
	free(lines);
	*n = 0;
	return -ENOMEM;
}

static void removed_stale(const char *file)
{
	hc_info("removed stale %s (left by a crash)", file);
}

/* The lines, joined, to path (common/fileio.c: temp file, fsync, rename). */
static int replace_file(const char *path, char **lines, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int r;

	if (!mem)
		return -errno;
	for (size_t i = 0; i < n; i++)
		fputs(lines[i], mem);
	r = fclose(mem) == 0 ? hc_atomic_write(path, buf, len, 0644) : -ENOMEM;
	free(buf);
	return r;
}

static size_t content_hash(char **lines, size_t n)
{
	size_t h = 1469598103934665603ULL, i;

	for (i = 0; i < n; i++)
		h = h * 31 + hc_hash_str(lines[i]);
	return h ? h : 1;
}

int hs_skipfile_write(const struct hc_config *cfg, const struct hs_view *v)
{
	char path[4096], **lines = NULL;
	size_t n = 0, i, h;
	int r;

	if ((r = skip_path(cfg, path, sizeof(path))) < 0 ||
	    (r = collect(v, &lines, &n)) < 0)
		goto out;
	h = content_hash(lines, n);
	if (h == last_hash && access(path, F_OK) == 0)
		goto out;
	if (!last_hash)
		hc_remove_stale_tmp(path, removed_stale);
	r = replace_file(path, lines, n);
	if (r == 0)
		last_hash = h;
out:
	if (r < 0)
		hc_warn("cannot write %s" SKIP_SUFFIX ": %s", cfg->cache,
			strerror(-r));
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return r;
}

static int print_one(const struct hc_skip *sk, void *ctx)
{
	struct { FILE *out; int n; } *p = ctx;

	if (strcmp(sk->kind, "?") == 0)
		return 0; /* not a line this program wrote */
	fprintf(p->out, "skipped %s: %s: %s\n", sk->kind, sk->dn, sk->reason);
	p->n++;
	return 0;
}

int hs_skipfile_print(const struct hc_config *cfg, FILE *out)
{
	struct { FILE *out; int n; } p = { out, 0 };
	int r = hc_skiplist_each(cfg->cache, print_one, &p);

	return r < 0 ? r : p.n;
}
