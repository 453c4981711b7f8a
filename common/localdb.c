/* hc_local_*: see localdb.h. A few hundred lines parse in well under a
 * millisecond; a cache write or a PAM conversation costs far more. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "localdb.h"
#include "numparse.h"

static const char *path_of(const struct hc_local_paths *p, int which)
{
	const char *given = !p ? NULL : which == 0 ? p->passwd
				      : which == 1 ? p->group : p->shells;
	static const char *const dflt[] = { HC_PASSWD_FILE, HC_GROUP_FILE,
					    HC_SHELLS_FILE };

	return given ? given : dflt[which];
}

static int db_add(struct hc_local_db *d, const char *name, size_t nlen,
		  const char *idtext)
{
	struct hc_local_ent *e;
	uint32_t id;
	int r;

	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 64;
		struct hc_local_ent *nv = reallocarray(d->v, ncap, sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		d->v = nv;
		d->cap = ncap;
	}
	e = &d->v[d->n];
	e->name = strndup(name, nlen);
	if (!e->name)
		return -ENOMEM;
	/* a line whose id does not parse still reserves its name */
	e->has_id = idtext && hc_parse_u32(idtext, 0, UINT32_MAX, &id) == 0;
	e->id = e->has_id ? id : 0;
	d->n++;
	/* the first line wins, as in the files source of glibc */
	if (!hc_strmap_get(&d->names, e->name, NULL) &&
	    (r = hc_strmap_put(&d->names, e->name, d->n - 1)) < 0)
		return r;
	return 0;
}

/* by id, then line: bsearch then finds the first line with an id */
static int by_id(const void *a, const void *b)
{
	const struct hc_local_ent *x = *(const struct hc_local_ent *const *)a,
				  *y = *(const struct hc_local_ent *const *)b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* The id lookup runs for every LDAP entry at every write: a sorted array
 * of pointers and a binary search, no formatting or hashing. */
static int db_sort_ids(struct hc_local_db *d)
{
	size_t i;

	d->byid = calloc(d->n + 1, sizeof(*d->byid));
	if (!d->byid)
		return -ENOMEM;
	for (i = 0; i < d->n; i++)
		if (d->v[i].has_id)
			d->byid[d->n_ids++] = &d->v[i];
	qsort(d->byid, d->n_ids, sizeof(*d->byid), by_id);
	return 0;
}

/* One passwd(5)/group(5) line: NAME:x:ID:... A NIS-compat "+name" or
 * "-name" line reserves the name after the sign (never an id); comments
 * and blank lines are skipped. */
static int db_line(struct hc_local_db *d, char *line)
{
	char *f[3] = { line, NULL, NULL };
	size_t nlen;
	int i;

	line[strcspn(line, "\n")] = '\0';
	if (line[0] == '#' || line[0] == '\0')
		return 0;
	for (i = 1; i < 3; i++) {
		f[i] = f[i - 1] ? strchr(f[i - 1], ':') : NULL;
		if (f[i])
			*f[i]++ = '\0';
	}
	if (f[2])
		f[2][strcspn(f[2], ":")] = '\0';
	if (line[0] == '+' || line[0] == '-') {
		line++;
		f[2] = NULL;
	}
	nlen = strlen(line);
	return nlen ? db_add(d, line, nlen, f[2]) : 0;
}

static int db_load(struct hc_local_db *d, const char *path, char *err,
		   size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	int r = 0;

	d->path = path;
	if (!f) {
		r = -errno;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-r));
		return r;
	}
	while (r == 0 && getline(&line, &cap, f) >= 0)
		r = db_line(d, line);
	if (r == 0 && ferror(f))
		r = -EIO;
	if (r == 0)
		r = db_sort_ids(d);
	if (r < 0)
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-r));
	free(line);
	fclose(f);
	return r;
}

/* /etc/shells: one absolute path a line, '#' comments. A missing file
 * means no shell is accepted (every user gets shell_fallback), which is
 * what a host without the file intends for remote accounts. */
static int shells_load(struct hc_local *l, const char *path, char *err,
		       size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, *s;
	size_t cap = 0;
	int r = 0;

	if (!f) {
		if (errno == ENOENT)
			return 0;
		r = -errno;
		snprintf(err, errlen, "cannot read %s: %s", path,
			 strerror(-r));
		return r;
	}
	while (r == 0 && getline(&line, &cap, f) >= 0) {
		s = line + strspn(line, " \t");
		s[strcspn(s, " \t\r\n#")] = '\0';
		if (s[0] == '/')
			r = hc_strmap_put(&l->shells, s, 0);
	}
	if (r < 0)
		snprintf(err, errlen, "cannot read %s: %s", path,
			 strerror(-r));
	free(line);
	fclose(f);
	return r;
}

static void sign(const char *path, struct hc_local_sig *s, int i)
{
	struct stat st;

	memset(&s->f[i], 0, sizeof(s->f[i]));
	if (stat(path, &st) < 0)
		return;
	s->f[i].present = true;
	s->f[i].dev = st.st_dev;
	s->f[i].ino = st.st_ino;
	s->f[i].size = st.st_size;
	s->f[i].mtim = st.st_mtim;
	s->f[i].ctim = st.st_ctim;
}

void hc_local_sign(const struct hc_local_paths *paths, struct hc_local_sig *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < 3; i++)
		sign(path_of(paths, i), s, i);
}

int hc_local_load(struct hc_local *l, const struct hc_local_paths *paths,
		  char *err, size_t errlen)
{
	int r;

	memset(l, 0, sizeof(*l));
	err[0] = '\0';
	if ((r = db_load(&l->users, path_of(paths, 0), err, errlen)) < 0 ||
	    (r = db_load(&l->groups, path_of(paths, 1), err, errlen)) < 0 ||
	    (r = shells_load(l, path_of(paths, 2), err, errlen)) < 0) {
		hc_local_free(l);
		return r;
	}
	return 0;
}

const struct hc_local_ent *hc_local_byname(const struct hc_local_db *d,
					   const char *name)
{
	size_t i;

	return hc_strmap_get(&d->names, name, &i) ? &d->v[i] : NULL;
}

const struct hc_local_ent *hc_local_byid(const struct hc_local_db *d,
					 uint32_t id)
{
	size_t lo = 0, hi = d->n_ids, mid;

	while (lo < hi) { /* first entry with an id >= id */
		mid = lo + (hi - lo) / 2;
		if (d->byid[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n_ids && d->byid[lo]->id == id ? d->byid[lo] : NULL;
}

bool hc_local_shell_ok(const struct hc_local *l, const char *shell)
{
	size_t i;

	return hc_strmap_get(&l->shells, shell, &i);
}

static void db_free(struct hc_local_db *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].name);
	free(d->v);
	free(d->byid);
	hc_strmap_free(&d->names);
	memset(d, 0, sizeof(*d));
}

void hc_local_free(struct hc_local *l)
{
	db_free(&l->users);
	db_free(&l->groups);
	hc_strmap_free(&l->shells);
}
