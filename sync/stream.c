/* The streamed one-shot refresh (--once): it never follows changes, so it
 * needs no model of the directory. Each entry of the paged searches goes
 * straight into the cache builder, which is then the only copy of the
 * data. The rules of the view (view.c) still decide what is kept:
 *   - an entry rejected when parsed, or refused by policy.c, is kept
 *     aside for the skip file and never blocks another entry;
 *   - an entry sharing neither its name nor its id with another entry of
 *     its kind is kept: it stays in the builder;
 *   - the others are "contested": as soon as an entry shares its name or
 *     id with one in the builder, that one is taken back out, and both go
 *     to a small model of the contested entries (and so does any later
 *     entry that shares a name or id with one of them). At the end of the
 *     refresh the view of that model picks the winners (the DN sorting
 *     first), exactly as the view of the whole directory would: an entry
 *     left in the builder shares nothing with any other.
 * The contested model also holds the rejected and refused entries (as
 * rejected ones: key, DN, reason), so the skip file is made from its view
 * as on the model path. The builder spools its users' records into the
 * temp file that becomes the cache (hs_builder_spool), and the file lists
 * them by uid whatever the order they arrived in.
 *
 * The daemon's refresh phase streams the same way, entry by entry as the
 * sync sessions deliver them (hs_stream_begin / _entry / _finish), and
 * records each entry in its ledger: served (in the builder, sharing
 * nothing) or not (in the contested set, which the daemon keeps after
 * the write). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "ldap_conn.h"
#include "log.h"
#include "sync.h"

/* A DN as the builder gives it back: at most HS_MAX_DN bytes (entry.c). */
#define HS_DN_BUF (HS_MAX_DN + 1)

struct hs_stream {
	const struct hc_config *cfg;
	struct hc_local local;
	struct hc_cache_builder *b;
	struct hs_model set; /* contested, rejected and refused entries */
	struct hs_ledger *ledger; /* the daemon's, or NULL (--once) */
	enum hs_kind kind; /* of the search under way */
	size_t n, pulled;
	int failed; /* an entry could not be kept (no memory, a full disk) */
};

/* The copies a record read back needs to become a struct hs_entry (its
 * fields are not const); freed once packed. */
#define N_COPIES 10 /* a user's: dn, ndn, key, 6 fields, its keys */
struct copies {
	char *s[N_COPIES];
	size_t n;
	bool oom;
};

/* Take p (malloc'd, or NULL: out of memory) into c; NULL on failure. */
static char *own(struct copies *c, char *p)
{
	if (p && c->n < N_COPIES)
		return c->s[c->n++] = p;
	free(p);
	c->oom = true;
	return NULL;
}

static char *copy(struct copies *c, const char *s)
{
	return s ? own(c, strdup(s)) : NULL;
}

static void copies_free(struct copies *c)
{
	while (c->n)
		free(c->s[--c->n]);
}

/* The key the model gives an entry without entryUUID: kind and
 * normalised DN (pulled records keep no entryUUID; the key only has to
 * be unique in the contested set, and a DN is). */
static int set_dn(struct copies *c, enum hs_kind kind, const char *dn,
		  struct hs_entry *t)
{
	char key[HS_KEY_MAX], *ndn = NULL;
	int r;

	if ((r = hs_dn_normalize(dn, &ndn)) < 0)
		return r;
	t->ndn = own(c, ndn);
	t->dn = copy(c, dn);
	if (c->oom)
		return -ENOMEM;
	if ((r = hs_entry_key(kind, t->ndn, key, sizeof(key))) < 0)
		return r;
	return (t->key = copy(c, key)) ? 0 : -ENOMEM;
}

/* The SSH key lines joined by '\n', as hs_sshkeys_parse gives them;
 * NULL for none. */
static char *join_keys(struct copies *c, const char *const *keys, size_t n)
{
	size_t len = 0, i, at = 0;
	char *s;

	if (!n)
		return NULL;
	for (i = 0; i < n; i++)
		len += strlen(keys[i]) + 1;
	if (!(s = own(c, malloc(len))))
		return NULL;
	for (i = 0; i < n; i++) {
		size_t l = strlen(keys[i]);
		memcpy(s + at, keys[i], l);
		at += l;
		s[at++] = i + 1 < n ? '\n' : '\0';
	}
	return s;
}

/* The builder's user at pos as a contested entry. */
static int user_back(struct hs_stream *s, size_t pos, struct hs_entry **out)
{
	const char *keys[HC_SSH_KEYS_MAX];
	struct hs_entry t = { .kind = HS_USER };
	struct copies c = { .n = 0 };
	struct hc_user_in u;
	size_t nkeys;
	int r = hc_cache_builder_user_at(s->b, pos, &u, keys, HC_SSH_KEYS_MAX,
					 &nkeys);

	if (r < 0 || (r = set_dn(&c, HS_USER, u.dn, &t)) < 0)
		goto out;
	t.id = u.uid;
	t.gid = u.gid;
	t.flags = u.flags;
	t.expire = u.shadow_expire;
	t.name = copy(&c, u.name);
	t.gecos = copy(&c, u.gecos);
	t.dir = copy(&c, u.dir);
	/* the shell policy.c chose: choosing again gives the same */
	t.shell = copy(&c, u.shell);
	t.host = copy(&c, u.host && u.host[0] ? u.host : NULL);
	t.sshkeys = join_keys(&c, keys, nkeys);
	r = c.oom ? -ENOMEM : hs_entry_pack(&t, out);
out:
	copies_free(&c);
	return r;
}

/* The builder's group at pos as a contested entry. */
static int group_back(struct hs_stream *s, size_t pos, struct hs_entry **out)
{
	struct hs_entry t = { .kind = HS_GROUP, .expire = HC_NO_EXPIRE };
	struct copies c = { .n = 0 };
	struct hc_group_in g;
	char dn[HS_DN_BUF];
	size_t i;
	int r = hc_cache_builder_group_at(s->b, pos, &g);

	if (r < 0)
		return r;
	/* added with hc_cache_builder_add_group_dn: never without */
	if (hc_cache_builder_group_dn(s->b, pos, dn, sizeof(dn)) < 0)
		return -EINVAL;
	r = -ENOMEM;
	t.members = calloc(g.nmembers + 1, sizeof(*t.members));
	if (!t.members)
		goto out;
	for (; t.nmembers < g.nmembers; t.nmembers++) {
		const char *m = hc_cache_builder_group_member(s->b, pos,
							      t.nmembers);
		if (!(t.members[t.nmembers] = strdup(m)))
			goto out;
	}
	if ((r = set_dn(&c, HS_GROUP, dn, &t)) < 0)
		goto out;
	t.id = g.gid;
	t.name = copy(&c, g.name);
	r = c.oom ? -ENOMEM : hs_entry_pack(&t, out);
out:
	for (i = 0; i < t.nmembers; i++)
		free(t.members[i]);
	free(t.members);
	copies_free(&c);
	return r;
}

/* Take the builder's record at pos out into the contested set. */
static int pull(struct hs_stream *s, enum hs_kind kind, int64_t pos)
{
	struct hs_entry *e = NULL;
	int r = kind == HS_USER ? user_back(s, (size_t)pos, &e)
				: group_back(s, (size_t)pos, &e);

	if (r < 0)
		return r;
	if (s->ledger)
		hs_ledger_unserve_id(s->ledger, kind, e->id);
	if ((r = hs_model_put(&s->set, e)) < 0)
		return r;
	s->pulled++;
	return kind == HS_USER ? hc_cache_builder_remove_user(s->b, (size_t)pos)
			       : hc_cache_builder_remove_group(s->b, (size_t)pos);
}

/* Pull out the builder's records sharing e's name or id; *hit: any. */
static int pull_clashes(struct hs_stream *s, const struct hs_entry *e, bool *hit)
{
	const struct hc_cache_builder *b = s->b;
	int64_t pos;
	int r;

	pos = e->kind == HS_USER ? hc_cache_builder_user_byname(b, e->name)
				 : hc_cache_builder_group_byname(b, e->name);
	if (pos >= 0) {
		*hit = true;
		if ((r = pull(s, e->kind, pos)) < 0)
			return r;
	}
	/* looked up after the first pull: positions move on removal */
	pos = e->kind == HS_USER ? hc_cache_builder_user_byuid(b, e->id)
				 : hc_cache_builder_group_bygid(b, e->id);
	if (pos >= 0) {
		*hit = true;
		if ((r = pull(s, e->kind, pos)) < 0)
			return r;
	}
	return 0;
}

/* ---- one entry ---- */

/* The daemon's ledger learns where entry e went (before e is freed). */
static int ledger_note(struct hs_stream *s, const struct hs_entry *e,
		       bool served)
{
	/* keys of the daemon's entries are "u:" or "g:" and the entryUUID */
	if (!s->ledger)
		return 0;
	return hs_ledger_put(s->ledger, e->kind, e->key + 2, e->id, served);
}

/* Into the contested set (which takes e). */
static int set_put(struct hs_stream *s, struct hs_entry *e)
{
	int r = ledger_note(s, e, false);

	if (r < 0) {
		hs_entry_free(e);
		return r;
	}
	return hs_model_put(&s->set, e);
}

/* A valid entry policy.c accepts: into the builder, unless contested. */
static int place(struct hs_stream *s, struct hs_entry *e)
{
	struct hs_model *m = &s->set;
	bool hit = hs_index_find(&m->names[e->kind], e->name, 0) ||
		   hs_index_find(&m->ids[e->kind], NULL, e->id);
	int r = pull_clashes(s, e, &hit);

	if (r < 0) {
		hs_entry_free(e);
		return r;
	}
	if (hit)
		return set_put(s, e);
	r = hs_builder_add(s->cfg, &s->local, s->b, e, true);
	if (r == 0)
		r = ledger_note(s, e, true);
	hs_entry_free(e);
	return r;
}

/* An entry policy.c refuses: logged as the view logs it, and kept as a
 * rejected entry (key, DN, reason) for the skip file. */
static int refuse(struct hs_stream *s, struct hs_entry *e, char *why)
{
	struct hs_entry t = { .kind = e->kind, .key = e->key, .dn = e->dn,
			      .ndn = e->ndn, .why = why,
			      .expire = HC_NO_EXPIRE };
	struct hs_entry *rj = NULL;
	int r;

	hs_report(e->kind == HS_USER ? "skipping user" : "skipping group",
		  e->dn, why);
	r = hs_entry_pack(&t, &rj);
	hs_entry_free(e);
	return r < 0 ? r : set_put(s, rj);
}

int hs_stream_entry(struct hs_stream *s, LDAP *ld, LDAPMessage *msg,
		    enum hs_kind kind, const char *key)
{
	struct hs_entry *e = NULL;
	char why[512];
	int r = hs_entry_parse(s->cfg, ld, msg, kind, key, &e);

	if (r == -EINVAL) /* not even a rejected entry could be made */
		return 0;
	if (r < 0)
		return r;
	s->n++;
	if (e->why)
		return set_put(s, e);
	if (hs_policy_refuse(s->cfg, &s->local, e, why, sizeof(why)))
		return refuse(s, e, why);
	return place(s, e);
}

/* A failure to keep an entry is ours, not the server's (the caller must
 * not blame the connection). */
static int stream_entry(LDAP *ld, LDAPMessage *msg, void *arg)
{
	struct hs_stream *s = arg;
	int r = hs_stream_entry(s, ld, msg, s->kind, NULL);

	if (r < 0)
		s->failed = r;
	return r;
}

static int search(struct hs_stream *s, struct hc_ldap *c, enum hs_kind kind,
		  char *err, size_t errlen)
{
	const struct hc_config *cfg = s->cfg;
	const char *ub = cfg->user_base ? cfg->user_base : cfg->base;
	const char *gb = cfg->group_base ? cfg->group_base : cfg->base;
	int r;

	s->kind = kind;
	r = hc_ldap_search_paged(c, kind == HS_USER ? ub : gb,
				 LDAP_SCOPE_SUBTREE,
				 kind == HS_USER ? "(objectClass=posixAccount)"
						 : "(objectClass=posixGroup)",
				 kind == HS_USER ? hs_user_attrs : hs_group_attrs,
				 0, stream_entry, s, err, errlen);
	if (r > 0) /* a callback's own (positive) value: never ours */
		r = -EPROTO;
	if (r == -ENOMEM && !err[0])
		snprintf(err, errlen, "out of memory");
	return r;
}

int hs_stream_begin(const struct hc_config *cfg, struct hs_ledger *ledger,
		    struct hs_stream **out, char *err, size_t errlen)
{
	struct hs_stream *s = calloc(1, sizeof(*s));
	int r;

	err[0] = '\0';
	*out = NULL;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->cfg = cfg;
	s->ledger = ledger;
	hs_model_init(&s->set);
	/* the local files of the moment of the refresh decide policy.c's
	 * refusals, as they do at the model's write */
	if ((r = hs_local_load(&s->local, err, errlen)) < 0) {
		free(s);
		return r;
	}
	if (!(s->b = hc_cache_builder_new())) {
		hs_stream_free(s);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	hs_builder_spool(cfg, s->b);
	*out = s;
	return 0;
}

void hs_stream_free(struct hs_stream *s)
{
	if (!s)
		return;
	hc_cache_builder_free(s->b);
	hs_model_free(&s->set);
	hc_local_free(&s->local);
	free(s);
}

int hs_stream_finish(struct hs_stream *s, const char *server, unsigned flags,
		     struct hs_model *keep)
{
	struct hs_view v;
	size_t i;
	int r;

	hc_debug("refresh from %s streamed: %zu entries, %zu contested, "
		 "%zu skipped, %zu taken back out of the builder",
		 server, s->n, s->set.n, s->set.rejected.n, s->pulled);
	/* the winners of the contested set into the builder, then the write */
	if ((r = hs_view_build(&s->set, s->cfg, &s->local, &v)) < 0)
		return r;
	for (i = 0; i < v.n_users && r == 0; i++)
		r = hs_builder_add(s->cfg, &s->local, s->b, v.users[i], true);
	for (i = 0; i < v.n_groups && r == 0; i++)
		r = hs_builder_add(s->cfg, &s->local, s->b, v.groups[i], true);
	if (r < 0)
		hc_err("cannot build the cache: %s", strerror(-r));
	else
		r = hs_write_built(s->cfg, s->b, &v, keep ? NULL : &s->set,
				   server, flags);
	hs_view_free(&v);
	if (keep) { /* the daemon checks later changes against it */
		*keep = s->set;
		hs_model_init(&s->set);
	}
	return r;
}

int hs_stream_once(const struct hc_config *cfg, struct hc_ldap *c,
		   unsigned flags, char *err, size_t errlen)
{
	struct hs_stream *s = NULL;
	int r = hs_stream_begin(cfg, NULL, &s, err, errlen);

	if (r < 0)
		return r;
	if ((r = search(s, c, HS_USER, err, errlen)) < 0 ||
	    (r = search(s, c, HS_GROUP, err, errlen)) < 0) {
		if (s->failed)
			snprintf(err, errlen, "cannot write %s: %s", cfg->cache,
				 strerror(-s->failed));
		r = s->failed ? s->failed : -ENOTCONN;
		goto out;
	}
	err[0] = '\0'; /* from here on the write logs its own errors */
	r = hs_stream_finish(s, hc_ldap_uri(c), flags, NULL);
out:
	hs_stream_free(s);
	return r;
}
