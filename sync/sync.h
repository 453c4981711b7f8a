/* hcoop-sync internals: the in-memory model of LDAP users and groups and
 * the jobs that fill it (refresh.c, persist.c), check it (guard.c) and
 * turn it into the cache file (write.c). One header for the program only;
 * nothing here is shared with other components. */
#ifndef HCOOP_SYNC_H
#define HCOOP_SYNC_H

#include <ldap.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "hidx.h"
#include "localdb.h"
#include "strmap.h"

/* exit codes, documented in hcoop-sync(8) */
enum {
	HS_EXIT_OK = 0,
	HS_EXIT_USAGE = 1,   /* usage or configuration error */
	HS_EXIT_LDAP = 2,    /* LDAP unreachable or refused the search */
	HS_EXIT_GUARD = 3,   /* refused by the removal guard */
	HS_EXIT_CACHE = 4,   /* cache cannot be written (or, --status: read) */
};

/* The attributes read for users and groups. userPassword is never among
 * them, so no hash can reach the world-readable cache. */
extern char *hs_user_attrs[];
extern char *hs_group_attrs[];

enum hs_kind { HS_USER, HS_GROUP };

/* Caps on what an entry may bring (hcoop-sync(8), Validation). */
#define HS_MAX_GECOS 256  /* longer: cut, entry kept */
#define HS_MAX_HOME 1024  /* longer: skipped */
#define HS_MAX_HOST 253   /* a DNS name; longer: skipped */
#define HS_MAX_SHELL 256  /* longer: shell_fallback */
#define HS_MAX_DN 1024    /* longer: skipped */
#define HS_KEY_MAX 4100   /* a model key: "u:" + entryUUID or normalised DN */
#define HS_STR_(x) #x
#define HS_STR(x) HS_STR_(x)

struct hs_entry {
	enum hs_kind kind;
	bool dropped; /* lost the de-duplication (set by hs_view_build) */
	/* model.c: another entry of its kind has its name / its id (both
	 * are then in a shared set of the name / id index) */
	bool dup_name, dup_id;
	char *key;  /* entryUUID (lower-case text), or the DN if none */
	char *dn;
	char *ndn;  /* normalised DN: the de-duplication order; NULL in a
		     * packed entry when it is the DN's ASCII lower case
		     * (compare with hs_entry_order) */
	char *name;
	uint32_t id; /* uidNumber or gidNumber */
	/* users */
	uint32_t gid;
	char *gecos, *dir, *shell, *host;
	char *sshkeys; /* valid sshPublicKey lines joined by '\n', or NULL */
	uint32_t flags;
	int64_t expire;
	char *why; /* non-NULL: rejected when parsed, the reason (model.c) */
	/* groups */
	char **members;
	size_t nmembers;
};

/* attrs.c: the values of the attributes above, read in one pass; they
 * point into the message. */
#define HS_N_ATTRS 13
struct hs_attrs {
	struct berval *v[HS_N_ATTRS]; /* NULL-terminated arrays, or NULL */
};
/* 0, -ENOMEM, or -EBADMSG (undecodable entry). */
int hs_attrs_read(LDAP *ld, LDAPMessage *msg, struct hs_attrs *out);
/* The values of attribute name (spelled as in hs_user_attrs) and their
 * number; NULL and 0 when absent. */
const struct berval *hs_attrs_get(const struct hs_attrs *a, const char *name,
				  size_t *n);
void hs_attrs_free(struct hs_attrs *a);

/* entry.c: validate one LDAP entry into one allocation (the entry and
 * its strings; hs_entry_free frees it). 0 and *out set; -EINVAL: skipped (a
 * warning naming the DN and the reason was logged); -ENOMEM. key may be
 * NULL (taken from the entryUUID attribute, else the DN). */
int hs_entry_parse(const struct hc_config *cfg, LDAP *ld, LDAPMessage *msg,
		   enum hs_kind kind, const char *key, struct hs_entry **out);
void hs_entry_free(struct hs_entry *e);
/* The model key of an entry of this kind with this entryUUID (text) or
 * normalised DN; 0 or -ENAMETOOLONG. */
int hs_entry_key(enum hs_kind kind, const char *id, char *buf, size_t len);
/* The de-duplication order of e: its normalised DN, or its DN when that
 * folds to it (compare with hs_ascii_casecmp: ASCII case-insensitive, not
 * strcasecmp, which follows the locale). */
const char *hs_entry_order(const struct hs_entry *e);
int hs_ascii_casecmp(const char *x, const char *y);
/* RFC 4122 text form of a 16-byte entryUUID; buf at least 37 bytes. */
int hs_uuid_text(const struct berval *bv, char *buf, size_t len);

/* sshkey.c: the member's valid sshPublicKey values (each one checked
 * authorized_keys line; the others logged with dn and skipped), joined by
 * '\n' into *out (NULL: none). 0 or -ENOMEM. */
int hs_sshkeys_parse(const char *dn, const struct hs_attrs *a, char **out);
/* sshkey.c: hand e's keys to the cache builder (after its user). */
struct hc_cache_builder;
int hs_sshkeys_store(struct hc_cache_builder *b, const struct hs_entry *e);


/* index.c: entries by key, name or id; the slot holds the entry, or for
 * a name or id that several entries share (rare: contested entries) a
 * set of them (struct hs_dup, tagged by the item's low bit), so an entry
 * that shares nothing costs one slot per index and no link. */
enum hs_field { HS_BY_KEY, HS_BY_NAME, HS_BY_ID };
struct hs_index {
	struct hc_hidx x; /* items: struct hs_entry pointers */
	enum hs_field field;
};
/* The entry with this key / name (s) or id (of a shared one: the first
 * of its set), or NULL. */
struct hs_entry *hs_index_find(const struct hs_index *ix, const char *s,
			       uint32_t id);
/* The entries sharing a name or an id. */
struct hs_dup {
	size_t n, cap;
	struct hs_entry *v[];
};
#define HS_DUP_TAG ((uintptr_t)1)
/* The slot of the item (an entry, or a tagged struct hs_dup) with e's
 * value, or NULL; its item may be replaced by another with that value. */
uintptr_t *hs_index_slot(const struct hs_index *ix, const struct hs_entry *e);
/* Room for extra more values, so that as many hs_index_set calls
 * cannot fail. */
int hs_index_reserve(struct hs_index *ix, size_t extra);
/* Make e the one found for its value (insert or replace). */
int hs_index_set(struct hs_index *ix, struct hs_entry *e);
void hs_index_del(struct hs_index *ix, const struct hs_entry *e);
/* Frees the shared sets too. */
void hs_index_free(struct hs_index *ix);

/* model.c: the set of entries keyed by hs_entry.key, kept up to date
 * change by change: per kind, the entries in normalised-DN order and the
 * sets of entries sharing a name or an id, so the de-duplicated view
 * costs one pass and no hashing except for the (rare) contested
 * entries. Initialise with hs_model_init. */
struct hs_list {
	struct hs_entry **v;
	size_t n, cap;
	bool sorted; /* v in (ndn, key) order; false while bulk loading */
};
/* mfilter.c: how many groups the cache serves list each member name, as
 * saturating 8-bit counters indexed by the name's hash (a counting
 * filter: "no group lists this name" is exact, "maybe" may be a
 * collision). Built on first use (one pass over the cache's groups), then
 * kept by each delta's group changes, dropped by a full write; lets the
 * delta path give a user that is new under its name its group list
 * without a reverse index of every member. */
struct hs_mfilter {
	uint8_t *c; /* NULL: not built */
	uint32_t mask;
};
struct hs_model {
	struct hs_index keys;
	struct hs_index names[2], ids[2]; /* [HS_USER], [HS_GROUP] */
	struct hs_list list[2];
	struct hs_list rejected; /* entries skipped when parsed, unsorted */
	size_t n;
};
/* Built from the groups the cache c serves (one pass over their member
 * blocks, its pages handed back as it goes); 0 when already built. */
struct hc_cache;
int hs_mfilter_build(struct hs_mfilter *f, const struct hc_cache *c);
/* Count these member names in (+1) or out (-1), if built. */
void hs_mfilter_names(struct hs_mfilter *f, char *const *names, size_t n,
		      int d);
/* May some group list name? (Built first.) */
bool hs_mfilter_maybe(const struct hs_mfilter *f, const char *name);
void hs_mfilter_free(struct hs_mfilter *f);
void hs_model_init(struct hs_model *m);
/* Takes ownership of e; replaces an entry with the same key. */
int hs_model_put(struct hs_model *m, struct hs_entry *e);
/* Removes the entry of this kind with this entryUUID (or normalised DN,
 * when it has none); false if there was none. */
bool hs_model_del(struct hs_model *m, enum hs_kind kind, const char *id);
/* Sort what a bulk load appended; later changes keep the order. */
void hs_model_order(struct hs_model *m);
void hs_model_free(struct hs_model *m);

/* The de-duplicated view that goes into the cache: users and groups, each
 * sorted by normalised DN; an entry whose name or id is already taken by
 * one earlier in that order is dropped with a warning naming both DNs.
 * Points into the model, valid until it changes. */
struct hs_skip {
	enum hs_kind kind;
	const char *dn; /* points into the model */
	char *why;
};
struct hs_view {
	const struct hs_model *m;
	const struct hs_entry **users, **groups;
	size_t n_users, n_groups;
	struct hs_skip *skips; /* refused by policy.c or lost a duplicate */
	size_t n_skips, cap_skips;
};
/* Entries policy.c refuses (local collisions, reserved ids) are left out
 * before the de-duplication, so they never block a valid entry. */
int hs_view_build(struct hs_model *m, const struct hc_config *cfg,
		  const struct hc_local *local, struct hs_view *v);
/* Does e share its name or id with another entry of its kind? */
bool hs_entry_contested(const struct hs_entry *e);
void hs_view_free(struct hs_view *v);

/* local.c: have /etc/passwd, /etc/group or /etc/shells changed (inode,
 * size, mtime, ctime) since the last hs_local_load or the last true
 * answer? A daemon following changes asks once a second, so a local account
 * created meanwhile wins within about a second. */
int hs_local_load(struct hc_local *l, char *err, size_t errlen);
bool hs_local_changed(void);

/* policy.c: may e go into the cache on this host? false, or true with the
 * reason (naming the local entry it collides with) in why. */
bool hs_policy_refuse(const struct hc_config *cfg, const struct hc_local *l,
		      const struct hs_entry *e, char *why, size_t len);
/* The shell to serve for user e: its loginShell if /etc/shells lists it
 * (or it has none), else cfg->shell_fallback (reported). */
const char *hs_policy_shell(const struct hc_config *cfg,
			    const struct hc_local *l, const struct hs_entry *e);

/* report.c: log "WHAT DN: WHY" as a warning once per (WHAT, DN, WHY) for
 * the life of the process, so a reconnect or refresh does not repeat what
 * was already said; a change that alters the reason is logged again. */
void hs_report(const char *what, const char *dn, const char *why);

/* skipfile.c: CACHE.skipped, the entries left out of the last cache
 * written, one "KIND<TAB>DN<TAB>REASON" line each (hcoop-sync(8)). */
int hs_skipfile_write(const struct hc_config *cfg, const struct hs_view *v);
/* Print the file for --status; the number of entries, or -errno. */
int hs_skipfile_print(const struct hc_config *cfg, FILE *out);

struct hc_ldap;
/* refresh.c: connect, refresh, write once; returns an HS_EXIT_* code. */
int hs_once(const struct hc_config *cfg, bool force);

/* guard.c: 0 if replacing the cache old (NULL: none valid) by b removes
 * at most cfg->max_removal percent of its users and of its groups, and
 * keeps cfg->admin_group if old has it; -EPERM (logged) otherwise. */
struct hc_cache;
int hs_guard_check(const struct hc_config *cfg, const struct hc_cache *old,
		   const struct hc_cache_builder *b);

/* write.c: flags of hs_write_built. With HS_WRITE_GUARDED, the removal
 * guard runs first (-EPERM when it refuses; the old cache stays). */
enum { HS_WRITE_GUARDED = 1 };

/* ---- the streamed one-shot refresh (stream.c) and the write both
 * paths share (write.c) ---- */
/* entry.c: pack() and normalize_dn(), for entries made again from the
 * cache builder's records. */
int hs_entry_pack(const struct hs_entry *t, struct hs_entry **out);
int hs_dn_normalize(const char *dn, char **out);
/* write.c: add entry e of the view to the builder (users with their SSH
 * keys and the shell policy.c serves; groups with their DN when keep_dn,
 * for a group that may be taken out again). */
int hs_builder_add(const struct hc_config *cfg, const struct hc_local *local,
		   struct hc_cache_builder *b, const struct hs_entry *e,
		   bool keep_dn);
/* write.c: what follows filling the builder b: the guard (flags:
 * HS_WRITE_GUARDED; it compares the old cache with b), the skip file (from v:
 * its skips and its model's rejected entries), drop freed (may be NULL),
 * the atomic write, then nscd, status and the homes of users newly
 * assigned here. 0, -EPERM (guard) or a negative errno (logged). */
/* A fresh builder for a full write of cfg->cache spools its users'
 * records into the temp file that becomes the cache (cache.h,
 * hc_cache_builder_spool); where that cannot be done they stay in memory
 * (logged at debug level). */
void hs_builder_spool(const struct hc_config *cfg, struct hc_cache_builder *b);
int hs_write_built(const struct hc_config *cfg, struct hc_cache_builder *b,
		   const struct hs_view *v, struct hs_model *drop,
		   const char *server, unsigned flags);
/* stream.c: a full paged refresh streamed into the cache builder and
 * written (hs_write_built): no model of the whole directory is kept, only
 * the contested entries (hcoop-sync(8), Validation and duplicates) and the
 * skipped ones. 0, -EPERM (guard), -ENOTCONN (the refresh failed; message
 * in err) or a negative errno (logged, or with the message in err). */
int hs_stream_once(const struct hc_config *cfg, struct hc_ldap *c,
		   unsigned flags, char *err, size_t errlen);
/* stream.c, entry by entry (the daemon's refresh phase): begin loads the
 * local files and makes a spooled builder; each entry (key: its
 * entryUUID text) goes into it or into the contested set, and ledger
 * (may be NULL) learns which; finish writes as hs_stream_once does
 * (flags as hs_write_built) and, with keep, moves the contested set
 * (contested, rejected and refused entries, whole) into *keep.
 * hs_stream_entry: 0, or a negative errno that is the cache's fault (no
 * memory, a full disk), never the server's. */
struct hs_stream;
struct hs_ledger;
int hs_stream_begin(const struct hc_config *cfg, struct hs_ledger *ledger,
		    struct hs_stream **out, char *err, size_t errlen);
int hs_stream_entry(struct hs_stream *s, LDAP *ld, LDAPMessage *msg,
		    enum hs_kind kind, const char *key);
int hs_stream_finish(struct hs_stream *s, const char *server, unsigned flags,
		     struct hs_model *keep);
void hs_stream_free(struct hs_stream *s);
/* write.c: the generation of the next write after the cache old (NULL:
 * none valid), and the record of one written. */
uint64_t hs_next_generation(const struct hc_cache *old);
/* The delta path's lookups, after the i-th change (as
 * hc_cache_walk_step for walks): every one of them may fault in 64 KiB of
 * a big file (the kernel's fault around), so every 16 changes the pages go
 * (at a million members a 1,000-change batch otherwise kept 30 MiB of the
 * file resident). */
void hs_lookup_step(const struct hc_cache *c, size_t i);

void hs_generation_written(uint64_t gen);

/* ledger.c: what the daemon remembers of each entry the cache was made
 * from (no strings: those are in the cache): its kind and entryUUID, its
 * id, and whether it is served as an entry that shares neither its name
 * nor its id with another (HS_LEDGER_SERVED: a change of it may go to
 * the delta; any other entry, contested, rejected or refused, is kept
 * whole in the daemon's small model of such entries, and a change of it
 * makes the daemon refresh). Found by (kind, entryUUID) and, when served,
 * by (kind, id). */
#define HS_LEDGER_SERVED 0x1u
struct hs_lrec {
	uint8_t kind;
	uint8_t uuid[16];
	uint8_t flags;
	uint8_t pad[2];
	uint32_t id;
};
_Static_assert(sizeof(struct hs_lrec) == 24, "24 bytes an entry");
struct hs_ledger {
	struct hs_lrec *v; /* item i is v[i - 1] */
	uint32_t n, cap, live;
	uint32_t free; /* first free item, 0: none (linked through id) */
	struct hc_hidx4 bykey, byid;
	/* loading (a refresh under way): v is appended to only, mapped from
	 * the unlinked file fd (-1: in memory), and bloom tells which
	 * entries may have been delivered already */
	bool loading;
	int fd;
	uint64_t *bloom;
	uint32_t bloom_mask;
};
void hs_ledger_init(struct hs_ledger *l);
void hs_ledger_free(struct hs_ledger *l);
/* Record (or update) the entry of this kind and entryUUID (text form);
 * 0, -EINVAL (not an entryUUID) or -ENOMEM (nothing changed). */
int hs_ledger_put(struct hs_ledger *l, enum hs_kind kind, const char *uuid,
		  uint32_t id, bool served);
bool hs_ledger_del(struct hs_ledger *l, enum hs_kind kind, const char *uuid);
/* 0 and *out (may be NULL), or -ENOENT. */
int hs_ledger_find(const struct hs_ledger *l, enum hs_kind kind,
		   const char *uuid, struct hs_lrec *out);
/* The model key (hs_entry_key) of the served entry of this kind with
 * this id; -ENOENT when none is served with it. */
int hs_ledger_key_of(const struct hs_ledger *l, enum hs_kind kind,
		     uint32_t id, char *buf, size_t len);
/* Start loading (a refresh): about expect entries to come (the filter
 * is sized for them; more only make its "maybe" less rare), spooled in a
 * file in the directory of cache_path when it can be made. Forgets what
 * the ledger held. 0 or -ENOMEM. While loading, hs_ledger_put appends
 * (each entry is put once), find and key_of find nothing. */
int hs_ledger_load(struct hs_ledger *l, const char *cache_path, size_t expect);
/* Has the ledger an entry of this kind and entryUUID (exact, loading or
 * not)? */
bool hs_ledger_known(const struct hs_ledger *l, enum hs_kind kind,
		     const char *uuid);
/* Loading (or parked) done: the records into memory and the tables
 * built. 0 or -ENOMEM. */
int hs_ledger_index(struct hs_ledger *l);
/* Park an indexed ledger in a spool file (as loading, without the
 * filter: hs_ledger_known scans) while a merged write needs the memory;
 * hs_ledger_index brings it back. Stays in memory where no file can be
 * made. 0. */
int hs_ledger_park(struct hs_ledger *l, const char *cache_path);
/* The served entry of this kind with this id is served no more (it was
 * taken back out of the builder: contested); false if none was. */
bool hs_ledger_unserve_id(struct hs_ledger *l, enum hs_kind kind, uint32_t id);

/* changes.c: one batch of followed changes, for the delta path: per
 * entry touched (model key), its newest version, which the batch owns
 * (NULL: deleted, or no longer valid enough to be kept); the old side,
 * what the cache served of it before the batch, is filled in only when
 * the batch is written (hs_changes_resolve). Reset after every write. */
struct hs_change {
	enum hs_kind kind;
	char *key;             /* the model key: "u:" / "g:" + entryUUID */
	struct hs_entry *cur;  /* the newest version, or NULL */
	bool had_old;          /* the ledger has it served */
	bool old_unusual;      /* the ledger has it, not served (contested,
				* rejected or refused: in the daemon's set) */
	char *old_name;        /* served: its name in the cache */
	uint32_t old_id;
	char **old_members;    /* served groups: a copy of the old members */
	size_t old_nmembers;
};
struct hs_changes {
	struct hs_change *v;
	size_t n, cap;
	struct hc_strmap seen; /* key -> index in v */
};
/* The entry of this kind and entryUUID is now e (NULL: gone); takes e.
 * 0 or -ENOMEM (e freed). */
int hs_changes_put(struct hs_changes *c, enum hs_kind kind, const char *id,
		   struct hs_entry *e);
bool hs_changes_has(const struct hs_changes *c, const char *key);
/* Fill every change's old side from the ledger and the cache (main and
 * delta, as served). 0, HS_DELTA_FULL (the cache does not hold what the
 * ledger says: only a refresh can tell) or a negative errno. */
struct hc_cache;
int hs_changes_resolve(struct hs_changes *c, const struct hs_ledger *l,
		       const struct hc_cache *cache);
void hs_changes_reset(struct hs_changes *c);

/* What the daemon keeps between two writes of followed changes: the
 * ledger of every entry, the entries that are not simply served
 * (contested, rejected, refused: whole, as a model, for the collision
 * checks and the skip file), and the member filter (built from the
 * cache on first use). */
struct hs_follow {
	struct hs_ledger ledger;
	struct hs_model set;
	struct hs_mfilter mf;
	size_t delta_entries; /* of the delta file last written, 0: none */
};

/* delta.c: write the batch (cache_format.h, THE DELTA FILE) when every
 * entry it touched is simple (hcoop-sync(8), The delta file): as the
 * delta file, or, when the delta would grow past HS_DELTA_CAP (a stream of
 * changes may take the delta past delta_max: hs_merge_delta merges it at
 * the first pause), as a new main file merged from the cache and the batch
 * (no LDAP); then do what follows a write (nscd, status, homes) and update
 * f. 0 written; HS_DELTA_REFRESH: only a refresh can take the batch
 * (nothing written); or a negative errno (nothing written, logged). */
#define HS_DELTA_FULL 1    /* internal: the batch needs the merged write */
#define HS_DELTA_REFRESH 2
#define HS_DELTA_CAP 4     /* x delta_max: the most a delta ever holds */
int hs_write_delta(const struct hc_config *cfg, struct hs_follow *f,
		   struct hs_changes *ch, const char *server);
/* delta.c: merge the delta into a new main file now (no batch), when it
 * holds more than delta_max entries; 0 (merged, or nothing to do),
 * HS_DELTA_REFRESH or a negative errno, as hs_write_delta. The daemon
 * calls it once no change has come for HS_MERGE_IDLE_MS. */
#define HS_MERGE_IDLE_MS 1000
int hs_merge_delta(const struct hc_config *cfg, struct hs_follow *f,
		   const char *server);

/* nscd.c: ask a running nscd to drop its passwd and group caches. */
void hs_nscd_invalidate(void);

/* precreate.c: run cfg->mkhome -c CFG USER through hc_spawn_run (deadline
 * HC_MKHOME_TIMEOUT_MS). 0 or -errno (-ETIMEDOUT: killed, -EIO: failed). */
int hs_precreate_home(const struct hc_config *cfg, const char *user);

/* persist.c / daemon.c */
extern volatile sig_atomic_t hs_stop, hs_hup;
/* cfg is re-read on SIGHUP (the old one kept when the new file is
 * invalid): the daemon may replace its contents. */
int hs_daemon(struct hc_config *cfg, bool force);
/* Both refreshAndPersist sessions (users, groups) on one connected handle,
 * so both always follow the same server; returns when the connection is
 * lost or the server stops answering (-ECONNRESET, -ETIMEDOUT), the server
 * lacks the sync control (-EOPNOTSUPP), the cache cannot be written
 * (HS_PERSIST_WRITE_FAILED), the guard refused (-EPERM), on stop/SIGHUP
 * (0), or on another error. */
int hs_persist(const struct hc_config *cfg, struct hc_ldap *c, bool force);

/* publish.c: write this host's status (common/hoststat.h plus the sync
 * facts below) into its own entry, cfg->binddn, over a short connection of
 * its own. 0 or a negative errno with err set. */
struct hs_sync_facts {
	const char *state;   /* connected, refreshing, connecting, backoff */
	const char *server;  /* the URI followed, or NULL */
	int64_t since;       /* unix time of the current state */
	uint32_t skipped;    /* entries skipped by validation */
	const char *version;
};
int hs_publish_status(const struct hc_config *cfg,
		      const struct hs_sync_facts *sy, char *err, size_t errlen);

/* metrics.c: Prometheus textfile metrics (hcoop.prom) in metrics_dir or
 * Debian's node-exporter textfile directory when it exists; no-op (0)
 * when neither. 0 or negative errno. */
struct hc_heartbeat;
struct hs_metrics {
	const struct hc_heartbeat *hb;
	uint64_t status_failures;
};
const char *hs_metrics_dir(const struct hc_config *cfg);
int hs_metrics_write(const struct hc_config *cfg, const struct hs_metrics *m);

/* statusd.c: the status thread (publish + metrics); no-op without a
 * config path. */
int hs_statusd_start(const struct hc_config *cfg);
void hs_statusd_wake(void);
void hs_statusd_stop(void);

/* status.c */
int hs_status(const struct hc_config *cfg);

/* ---- H2: daemon reliability (daemon.c, persist.c, heartbeat.c,
 * backoff.c) ---- */
#include "heartbeat.h"

/* --status: the daemon is not fine (stale heartbeat, stopped, or not
 * connected for longer than HS_DISCONNECTED_MAX seconds) */
#define HS_EXIT_DAEMON 5
#define HS_DISCONNECTED_MAX 180 /* 3 x the longest back-off */
#define HS_HEARTBEAT_STALE 30   /* written every <= 10 s while running */

/* persist.c: the outcome of hs_persist besides 0 / -errno */
#define HS_PERSIST_WRITE_FAILED 1 /* the cache could not be written */

/* backoff.c: 1 s doubling to 60 s, with 0-25 % jitter */
struct hs_backoff {
	unsigned cur_ms;
	unsigned seed;
};
void hs_backoff_reset(struct hs_backoff *b);
/* The next wait in ms (and double the following one). */
unsigned hs_backoff_next(struct hs_backoff *b);

/* heartbeat.c: the writer of the heartbeat file */
void hs_hb_init(const struct hc_config *cfg);
void hs_hb_config(const struct hc_config *cfg); /* after a reload */
void hs_hb_state(enum hc_hb_state st, const char *server, const char *error);
void hs_hb_contact(void);
void hs_hb_changes(unsigned long n);
void hs_hb_full_refresh(void);
unsigned long hs_hb_refreshes(void); /* full refreshes written so far */
void hs_hb_tick(void);

/* hbstatus.c: the heartbeat part of --status; an HS_EXIT_* code */
int hs_status_daemon(const struct hc_config *cfg);

#endif
