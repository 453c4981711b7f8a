/* CACHE.skipped: the entries the last cache write left out, so that
 * --status (and the admins' tool) can show them without digging in the
 * log. Text, one entry a line, sorted:
 *     KIND<TAB>DN<TAB>REASON
 * KIND is "user" or "group"; tabs and control characters in the DN or the
 * reason are written as '?'. Written beside the cache, atomically (temp
 * file PATH.tmp.PID, fsync, rename), mode 0644 like the cache; rewritten
 * only when its content changes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "sync.h"

#define SKIP_SUFFIX ".skipped"

static size_t last_hash; /* of the content last written; 0: none */

static int skip_path(const struct hc_config *cfg, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s" SKIP_SUFFIX, cfg->cache);

	return n >= 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
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

static int write_all(int fd, char **lines, size_t n)
{
	size_t i, len, off;
	ssize_t w;

	for (i = 0; i < n; i++) {
		len = strlen(lines[i]);
		for (off = 0; off < len; off += (size_t)w) {
			w = write(fd, lines[i] + off, len - off);
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w < 0)
				return -errno;
		}
	}
	return fsync(fd) < 0 ? -errno : 0;
}

/* A crash between open and rename leaves PATH.tmp.PID behind: remove
 * those whose process is gone (once per process, before the first
 * write). */
static void remove_stale(const char *path)
{
	char dir[4096], prefix[512], *end;
	const char *slash = strrchr(path, '/');
	struct dirent *d;
	DIR *dh;
	long pid;
	int n;

	if (!slash)
		n = snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		n = snprintf(dir, sizeof(dir), "/");
	else
		n = snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return;
	n = snprintf(prefix, sizeof(prefix), "%s.tmp.", slash ? slash + 1 : path);
	if (n < 0 || (size_t)n >= sizeof(prefix))
		return;
	if (!(dh = opendir(dir)))
		return;
	while ((d = readdir(dh))) {
		if (strncmp(d->d_name, prefix, strlen(prefix)) != 0)
			continue;
		errno = 0;
		pid = strtol(d->d_name + strlen(prefix), &end, 10);
		if (errno || *end || pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (unlinkat(dirfd(dh), d->d_name, 0) == 0)
			hc_info("removed stale %s/%s", dir, d->d_name);
	}
	closedir(dh);
}

static int replace_file(const char *path, char **lines, size_t n)
{
	char tmp[4200];
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return -errno;
	r = fchmod(fd, 0644) < 0 ? -errno : write_all(fd, lines, n);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
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
		remove_stale(path);
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

int hs_skipfile_print(const struct hc_config *cfg, FILE *out)
{
	char path[4096], *line = NULL, *dn, *why;
	size_t cap = 0;
	int n = 0, r;
	FILE *f;

	if ((r = skip_path(cfg, path, sizeof(path))) < 0)
		return r;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) >= 0) {
		line[strcspn(line, "\n")] = '\0';
		dn = strchr(line, '\t');
		why = dn ? strchr(dn + 1, '\t') : NULL;
		if (!why)
			continue;
		*dn++ = '\0';
		*why++ = '\0';
		fprintf(out, "skipped %s: %s: %s\n", line, dn, why);
		n++;
	}
	free(line);
	fclose(f);
	return n;
}
