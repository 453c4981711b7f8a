/* The host's own accounts, read straight from /etc/passwd, /etc/group and
 * /etc/shells (never through NSS: our own module, or another remote
 * source, must not be able to vouch for a name). hcoop-sync re-reads them
 * before every cache write, so a local account created after the last
 * sync (adduser --system) wins at the next write, and an LDAP entry never
 * shadows a local one (policy.c). A few hundred lines parse in well under
 * a millisecond; a write costs far more. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "numparse.h"
#include "sync.h"

const char hs_passwd_file[] = "/etc/passwd";
const char hs_group_file[] = "/etc/group";
const char hs_shells_file[] = "/etc/shells";

static int db_add(struct hs_local_db *d, const char *name, size_t nlen,
		  const char *idtext)
{
	struct hs_local_ent *e;
	uint32_t id;
	int r;

	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 64;
		struct hs_local_ent *nv = reallocarray(d->v, ncap, sizeof(*nv));
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
	if (!hs_strmap_get(&d->names, e->name, NULL) &&
	    (r = hs_strmap_put(&d->names, e->name, d->n - 1)) < 0)
		return r;
	return 0;
}

/* by id, then line: bsearch then finds the first line with an id */
static int by_id(const void *a, const void *b)
{
	const struct hs_local_ent *x = *(const struct hs_local_ent *const *)a,
				  *y = *(const struct hs_local_ent *const *)b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* The id lookup runs for every LDAP entry at every write: a sorted array
 * of pointers and a binary search, no formatting or hashing. */
static int db_sort_ids(struct hs_local_db *d)
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
static int db_line(struct hs_local_db *d, char *line)
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

static int db_load(struct hs_local_db *d, const char *path, char *err,
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
static int shells_load(struct hs_local *l, char *err, size_t errlen)
{
	FILE *f = fopen(hs_shells_file, "re");
	char *line = NULL, *s;
	size_t cap = 0;
	int r = 0;

	if (!f) {
		if (errno == ENOENT)
			return 0;
		r = -errno;
		snprintf(err, errlen, "cannot read %s: %s", hs_shells_file,
			 strerror(-r));
		return r;
	}
	while (r == 0 && getline(&line, &cap, f) >= 0) {
		s = line + strspn(line, " \t");
		s[strcspn(s, " \t\r\n#")] = '\0';
		if (s[0] == '/')
			r = hs_strmap_put(&l->shells, s, 0);
	}
	if (r < 0)
		snprintf(err, errlen, "cannot read %s: %s", hs_shells_file,
			 strerror(-r));
	free(line);
	fclose(f);
	return r;
}

/* What the files looked like at the last load: inode, size, mtime, ctime
 * (ctime also moves on a rename over the file, as adduser's tools do). */
struct file_sig {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim, ctim;
	bool present;
};
static struct file_sig last_sig[3];

static void sign(const char *path, struct file_sig *s)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	if (stat(path, &st) < 0)
		return;
	s->present = true;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->size = st.st_size;
	s->mtim = st.st_mtim;
	s->ctim = st.st_ctim;
}

static void sign_all(struct file_sig sig[3])
{
	sign(hs_passwd_file, &sig[0]);
	sign(hs_group_file, &sig[1]);
	sign(hs_shells_file, &sig[2]);
}

bool hs_local_changed(void)
{
	struct file_sig now[3];

	sign_all(now);
	if (memcmp(now, last_sig, sizeof(now)) == 0)
		return false;
	memcpy(last_sig, now, sizeof(now)); /* say it once per change */
	return true;
}

int hs_local_load(struct hs_local *l, char *err, size_t errlen)
{
	int r;

	memset(l, 0, sizeof(*l));
	err[0] = '\0';
	sign_all(last_sig); /* before reading: a change during it is seen */
	if ((r = db_load(&l->users, hs_passwd_file, err, errlen)) < 0 ||
	    (r = db_load(&l->groups, hs_group_file, err, errlen)) < 0 ||
	    (r = shells_load(l, err, errlen)) < 0) {
		hs_local_free(l);
		return r;
	}
	hc_debug("local files: %zu users, %zu groups, %zu shells",
		 l->users.n, l->groups.n, l->shells.n);
	return 0;
}

const struct hs_local_ent *hs_local_byname(const struct hs_local_db *d,
					   const char *name)
{
	size_t i;

	return hs_strmap_get(&d->names, name, &i) ? &d->v[i] : NULL;
}

const struct hs_local_ent *hs_local_byid(const struct hs_local_db *d,
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

bool hs_local_shell_ok(const struct hs_local *l, const char *shell)
{
	size_t i;

	return hs_strmap_get(&l->shells, shell, &i);
}

static void db_free(struct hs_local_db *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].name);
	free(d->v);
	free(d->byid);
	hs_strmap_free(&d->names);
	memset(d, 0, sizeof(*d));
}

void hs_local_free(struct hs_local *l)
{
	db_free(&l->users);
	db_free(&l->groups);
	hs_strmap_free(&l->shells);
}
