/* The account cache: written by hcoop-sync only, read (mmap, read-only) by
 * the NSS module, pam_hcoop and hcoop-mkhome. The byte layout is described
 * in cache_format.h, included by both cache_reader.c and the writer
 * (cache_builder.c, cache_render.c, cache_replace.c).
 *
 * Reader contract: the file is hostile. Every offset and length is checked
 * before use; a missing, truncated, corrupted or wrong-version file gives
 * an error (never a crash, never a hang). Lookups are O(1) (hash index).
 * Returned views point into the mapping and are valid until the cache is
 * closed; callers copy what they keep.
 *
 * Errors (negative errno): -ENOENT key absent (cache valid) or file
 * missing at open; -EPERM the file is not owned by root or is writable by
 * group or others (refused at open); -EBADMSG corrupt (including a string
 * longer than its HC_MAX_* limit of cache_format.h); -EPROTONOSUPPORT
 * wrong version or byte order; -ENOMEM; other -errno from open/mmap.
 *
 * The mapping is shared with the file: a file rewritten in place (cp over
 * it, instead of a rename) is noticed by hc_cache_stale, but a process
 * that reads a page the rewrite truncated away gets SIGBUS from the
 * kernel (MAP_PRIVATE would not help: truncation drops private copies
 * too). Only hcoop-sync's rename, mv or install may replace the file.
 *
 * The delta (format v5): hc_cache_open(path) also maps path.delta when it
 * applies to that main file (cache_format.h, THE DELTA FILE), and every
 * function below then answers for the pair: the delta's entries first,
 * the main file's entries that the delta supersedes absent. Record
 * indexes (struct hc_user/hc_group .index, and the i of the _at
 * functions) are global: [0, main count) the main file, then the delta's
 * records; hc_cache_info() gives the total to walk (user_slots,
 * group_slots) besides the live counts. */
#ifndef HCOOP_CACHE_H
#define HCOOP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Where the cache lives: hcoop-sync's default (cache in hcoop.conf), and
 * the one path the NSS module ever reads (it reads no config). */
#define HC_CACHE_DEFAULT_PATH "/var/lib/hcoop/cache"

/* user flags */
#define HC_USER_LOCKED 0x1u /* pwdAccountLockedTime set */

#define HC_NO_EXPIRE INT64_MIN

/* SSH public keys per member (the KEYS section): at most this many, each
 * one authorized_keys line of at most HC_SSH_KEY_MAX bytes. hcoop-sync
 * keeps the first HC_SSH_KEYS_MAX valid values and skips longer ones. */
#define HC_SSH_KEYS_MAX 32u
#define HC_SSH_KEY_MAX 8192u

struct hc_user {
	const char *name, *gecos, *dir, *shell;
	const char *dn;   /* the entry's DN: PAM binds as this */
	const char *host; /* hcoopHost; "" when unassigned */
	uint32_t uid, gid;
	uint32_t flags;        /* HC_USER_* */
	int64_t shadow_expire; /* days since 1970-01-01, or HC_NO_EXPIRE */
	uint32_t ngroups;      /* entries of the user->groups index */
	uint32_t index;        /* global record number (enumeration order) */
	/* strlen of name, gecos, dir, shell: measured once by the reader's
	 * bound check, so a copy need not measure again */
	uint32_t name_len, gecos_len, dir_len, shell_len;
};

struct hc_group {
	const char *name;
	uint32_t gid;
	uint32_t nmembers;
	uint32_t index;
	uint32_t name_len; /* strlen(name), measured by the reader's check */
	/* the packed member block (cache_format.h, GROUP_DATA): nmembers
	 * names back to back, each NUL-terminated, members_len bytes in all;
	 * NULL and 0 without members. The reader has checked its bounds and
	 * final NUL, not yet the names: walk it with hc_member_next or split
	 * a copy with hc_members_split, which check them. */
	const char *members;
	uint32_t members_len;
};

struct hc_cache_info {
	uint64_t generation;
	int64_t refreshed_at; /* unix time of the last LDAP refresh */
	const char *server;   /* URI it was refreshed from */
	uint32_t n_users, n_groups; /* live entries (main + delta) */
	/* positions for hc_cache_user_at / hc_cache_group_at: i in
	 * [0, user_slots), some of them superseded (-ESRCH) */
	uint32_t user_slots, group_slots;
	/* records in the delta (the last user_slots - delta_users positions
	 * are the delta's) and main positions it supersedes; 0: no delta */
	uint32_t delta_users, delta_groups, delta_superseded;
};

struct hc_cache;

/* Open and map path (O_RDONLY|O_CLOEXEC), check the owner and mode, the
 * header and section bounds. O(1) in the file size. */
int hc_cache_open(const char *path, struct hc_cache **out);
/* size bytes of fd mapped read-only and shared, 2 MiB-aligned when the
 * file is that large (so the kernel may map it with 2 MiB entries); as
 * mmap, MAP_FAILED on error. The writer maps its read-back so too
 * (cache_folios.c). */
void *hc_map_file(int fd, size_t size);
void hc_cache_close(struct hc_cache *c);
/* The pages of c's mappings (its delta's too) leave this process's
 * resident set: they stay in the page cache, and what is read next faults
 * back in. For walks over a whole cache (hcoop-sync's removal guard),
 * so that they do not keep a copy of the file resident. */
void hc_cache_release(const struct hc_cache *c);
/* In a walk over the whole of c, after position i: every 4,096 entries
 * the pages the walk read leave the resident set (hc_cache_release), so
 * that a pass over a million entries does not keep the file resident. */
void hc_cache_walk_step(const struct hc_cache *c, uint32_t i);

/* True once hcoop-sync has renamed a newer file over this one, main or
 * delta (the writer sets a flag in the old file; no system call here). */
bool hc_cache_superseded(const struct hc_cache *c);

/* hc_cache_superseded(), or else, at most once per second (coarse
 * monotonic clock, no system call in between), a stat of the path shows
 * another file there (replaced by other means than hcoop-sync) or the same
 * file changed (size, mtime or ctime: rewritten in place, chmod, chown),
 * or the delta path no longer holds what it held at open (a delta
 * renamed in or removed without a flag: a writer killed in between).
 * A failed stat (chroot, no file at the path) is not staleness: the
 * mapping stays valid and is kept. Thread-safe: callers holding a shared
 * handle may call it concurrently. */
bool hc_cache_stale(struct hc_cache *c);

int hc_cache_info(const struct hc_cache *c, struct hc_cache_info *out);

int hc_cache_user_byname(const struct hc_cache *c, const char *name,
			 struct hc_user *out);
int hc_cache_user_byuid(const struct hc_cache *c, uint32_t uid,
			struct hc_user *out);
/* The same lookups for getpwnam/getpwuid and initgroups: the passwd
 * fields (name, gecos, dir, shell and their lengths) and the record's
 * numbers, with dn and host NULL and shadow_expire HC_NO_EXPIRE: the
 * record's cold part and the strings it names are neither checked nor
 * touched, one or two cache lines fewer per lookup. len: strlen(name),
 * which the caller measured already (hc_valid_name_len). */
int hc_cache_passwd_byname(const struct hc_cache *c, const char *name,
			   size_t len, struct hc_user *out);
int hc_cache_passwd_byuid(const struct hc_cache *c, uint32_t uid,
			  struct hc_user *out);
/* Enumeration: i in [0, info.user_slots); -ESRCH: position i is
 * superseded by the delta (skip it and go on); -ENOENT past the end. */
int hc_cache_user_at(const struct hc_cache *c, uint32_t i,
		     struct hc_user *out);
/* The walk every enumeration wants: the first position at or after *i
 * that the delta does not supersede; *i is set to it and its record is in
 * out. -ENOENT past the end; another error is that of position *i (the
 * caller may step over it with (*i)++). */
int hc_cache_user_next(const struct hc_cache *c, uint32_t *i,
		       struct hc_user *out);
/* The i-th gid of the user's groups (every group listing them as member). */
int hc_cache_user_group(const struct hc_cache *c, const struct hc_user *u,
			uint32_t i, uint32_t *gid);

int hc_cache_group_byname(const struct hc_cache *c, const char *name,
			  struct hc_group *out);
int hc_cache_group_bygid(const struct hc_cache *c, uint32_t gid,
			 struct hc_group *out);
/* i in [0, info.group_slots); -ESRCH and -ENOENT as hc_cache_user_at. */
int hc_cache_group_at(const struct hc_cache *c, uint32_t i,
		      struct hc_group *out);
/* As hc_cache_user_next, for groups. */
int hc_cache_group_next(const struct hc_cache *c, uint32_t *i,
			struct hc_group *out);
/* The i-th member: O(i) (a walk of the block); callers that want every
 * member walk them with hc_member_next instead. */
int hc_cache_group_member(const struct hc_cache *c, const struct hc_group *g,
			  uint32_t i, const char **name);

/* Every member of g in order, one pass over its block, no lookup:
 *     struct hc_member_iter it;
 *     hc_member_iter_init(&it, &g);
 *     while ((r = hc_member_next(&it, &name, &len)) > 0) ...
 * hc_member_next gives 1 and the next name (NUL-terminated, len bytes),
 * 0 after exactly g.nmembers names, -EBADMSG as soon as the block is seen
 * not to hold g.nmembers names of at most HC_MAX_NAME bytes (never reading
 * past the block). */
struct hc_member_iter {
	const char *p, *end;
	uint32_t left;
};
void hc_member_iter_init(struct hc_member_iter *it, const struct hc_group *g);
int hc_member_next(struct hc_member_iter *it, const char **name, size_t *len);

/* The copy-out path of getgrnam_r: copy g's members_len block bytes
 * from src (g->members, in the mapping) into copy (the caller's buffer),
 * point mem[0 .. nmembers) at the copy's names and set mem[nmembers] =
 * NULL, with the checks of hc_member_next made on the copy (which a file
 * rewritten in place meanwhile cannot change; -EBADMSG at the first
 * violation: mem's nmembers + 1 entries and the copy may then hold
 * garbage). Where the CPU has AVX-512, one pass does the copy and the
 * split; elsewhere a memcpy, then one pass over the copy. */
int hc_members_split(char *copy, const char *src, size_t len,
		     uint32_t nmembers, char **mem);
/* Which variant of that pass this build runs on this CPU: "x86-64-v4"
 * (AVX-512 with VBMI2), "x86-64-v3" (AVX2, BMI1/2), "sse2" (the x86-64
 * baseline) or "portable" (word-at-a-time): for tests and the bench. */
const char *hc_members_split_variant(void);

/* Is user a member of group groupname (listed as member, or the group is
 * the user's primary group)? 1 yes, 0 no, negative error. */
int hc_cache_user_in_group(const struct hc_cache *c, const struct hc_user *u,
			   const char *groupname);

/* SSH public keys of a user (the KEYS section): *n is how many, 0 for a
 * user without keys. */
int hc_cache_user_nkeys(const struct hc_cache *c, const struct hc_user *u,
			uint32_t *n);
/* The i-th key: one authorized_keys line (no newline, NUL-terminated,
 * *len bytes). -ENOENT past the last one. */
int hc_cache_user_key(const struct hc_cache *c, const struct hc_user *u,
		      uint32_t i, const char **key, size_t *len);

/* Is a delta file mapped beside the main file? */
bool hc_cache_has_delta(const struct hc_cache *c);
/* The delta's superseded sets, slot by slot (for hcoop-sync, which
 * carries them into the next delta): 0 and *pos a main-file position of
 * users (groups false) or groups; -ESRCH an empty slot; -ENOENT past the
 * last slot or no delta. */
int hc_cache_superseded_at(const struct hc_cache *c, bool groups,
			   uint32_t slot, uint32_t *pos);
/* The main file's own generation (hc_cache_info gives the delta's when
 * one is mapped): what a delta written now must name as its base. */
uint64_t hc_cache_main_generation(const struct hc_cache *c);

/* ---- writer (hcoop-sync and test tools) ---- */

struct hc_user_in {
	const char *name, *gecos, *dir, *shell, *dn, *host; /* host may be NULL */
	uint32_t uid, gid;
	uint32_t flags;
	int64_t shadow_expire;
};

struct hc_cache_builder;

struct hc_cache_builder *hc_cache_builder_new(void);
void hc_cache_builder_free(struct hc_cache_builder *b);
/* Before the first add, for a builder that will be written to path (and
 * nowhere else): its users' records go straight into the temp file that
 * becomes path, their pages leaving the resident set as they are written,
 * so that a million users cost their record numbers, not their strings, in
 * memory. The file's blocks are reserved as it grows (a full disk fails
 * an add with -ENOSPC). Such a builder is written once: after
 * hc_cache_builder_write (success or not) it can only be freed, and what
 * hc_cache_builder_user_at gave before stays readable until then.
 * -EOPNOTSUPP: the filesystem cannot reserve blocks (the builder is left
 * as it was, in memory); -EINVAL: not empty. */
int hc_cache_builder_spool(struct hc_cache_builder *b, const char *path);
/* Strings are copied. The caller has validated and de-duplicated: adding a
 * second user with the same name or uid (group: name or gid) is -EEXIST; a
 * string longer than its limit (HC_MAX_* in cache_format.h: a name or
 * member name 255 bytes, gecos, home, shell, DN 4095, host 255) is
 * -ENAMETOOLONG and nothing is added. */
int hc_cache_builder_add_user(struct hc_cache_builder *b,
			      const struct hc_user_in *u);
int hc_cache_builder_add_group(struct hc_cache_builder *b, const char *name,
			       uint32_t gid, const char *const *members,
			       size_t nmembers);
/* hc_cache_builder_add_group, plus the group's DN (dn may be NULL),
 * kept for hc_cache_builder_group_at only: groups carry no DN in the
 * file. */
int hc_cache_builder_add_group_dn(struct hc_cache_builder *b,
				  const char *name, uint32_t gid,
				  const char *const *members, size_t nmembers,
				  const char *dn);

/* Streaming (hcoop-sync --once fills the builder as entries arrive and
 * takes contested ones back out). Users and groups are numbered 0 .. n-1
 * in the order added, except that a removal moves the last one into the
 * hole. The position of the user (group) with this name or id, or -1. */
int64_t hc_cache_builder_user_byname(const struct hc_cache_builder *b,
				     const char *name);
int64_t hc_cache_builder_user_byuid(const struct hc_cache_builder *b,
				    uint32_t uid);
int64_t hc_cache_builder_group_byname(const struct hc_cache_builder *b,
				      const char *name);
int64_t hc_cache_builder_group_bygid(const struct hc_cache_builder *b,
				     uint32_t gid);
size_t hc_cache_builder_n_users(const struct hc_cache_builder *b);
size_t hc_cache_builder_n_groups(const struct hc_cache_builder *b);
/* The user at pos as added (host "" when none was given; shell as
 * given), its SSH key lines in keys[0 .. *nkeys) (cap entries; at most
 * HC_SSH_KEYS_MAX are ever stored). Strings point into the builder,
 * valid until its next change. -ENOENT: no such position; -ESTALE: a
 * spooled builder already written. */
int hc_cache_builder_user_at(const struct hc_cache_builder *b, size_t pos,
			     struct hc_user_in *u, const char **keys,
			     size_t cap, size_t *nkeys);
/* The group at pos, its members through hc_cache_builder_group_member
 * (i < nmembers), its DN through hc_cache_builder_group_dn. Same
 * lifetime; -ENOENT: no such position. */
struct hc_group_in {
	const char *name;
	uint32_t gid;
	size_t nmembers;
};
int hc_cache_builder_group_at(const struct hc_cache_builder *b, size_t pos,
			      struct hc_group_in *g);
const char *hc_cache_builder_group_member(const struct hc_cache_builder *b,
					  size_t pos, size_t i);
/* Take the user (with its SSH keys) or the group at pos out: the builder
 * then writes the same file as if it had never been added (a few bytes
 * of strings stay unused). -ENOENT: no such position; -EINVAL on a delta
 * builder (explicit group lists or superseded positions set). */
int hc_cache_builder_remove_user(struct hc_cache_builder *b, size_t pos);
int hc_cache_builder_remove_group(struct hc_cache_builder *b, size_t pos);

/* The DN of the user at pos (same lifetime), NULL past the end. */
const char *hc_cache_builder_user_dn(const struct hc_cache_builder *b,
				     size_t pos);
/* The DN of the group at pos, copied to buf (most group DNs are kept as
 * their name and a shared suffix): 0; -ENOENT: no such position, or a
 * group added without DN; -ERANGE: len too small (HC_MAX_DN + 1 is
 * enough). */
int hc_cache_builder_group_dn(const struct hc_cache_builder *b, size_t pos,
			      char *buf, size_t len);

/* The SSH keys of user name (added before): nkeys lines, each without
 * newline, CR or NUL and at most HC_SSH_KEY_MAX bytes, at most
 * HC_SSH_KEYS_MAX of them (-EINVAL otherwise; hcoop-sync has validated
 * them). Copied. -ENOENT: no such user; -EEXIST: keys already set. */
int hc_cache_builder_set_keys(struct hc_cache_builder *b, const char *name,
			      const char *const *keys, size_t nkeys);
/* Write atomically: a temporary file beside path, fsync, rename over path,
 * fsync the directory; mode 0644. Then flag the replaced file superseded so
 * readers reopen. The file lists the users by uid and the groups by gid,
 * whatever the order they were added in; the builder's positions follow
 * (a spooled builder: -EINVAL for any other path). */
int hc_cache_builder_write(struct hc_cache_builder *b, const char *path,
			   uint64_t generation, const char *server,
			   int64_t refreshed_at);
/* The same, unless path has no delta file beside it and already holds
 * exactly these bytes but for the header's generation, refresh time,
 * checksum and superseded counter: then nothing is written or flagged,
 * the rendered temp file is removed, and the answer is
 * HC_CACHE_UNCHANGED (path keeps its generation). So a periodic refresh
 * that finds nothing new moves no reader to a new file, invalidates no
 * nscd and makes hcoop-routes reload nothing. 0, HC_CACHE_UNCHANGED or
 * -errno. */
#define HC_CACHE_UNCHANGED 1
int hc_cache_builder_write_if_changed(struct hc_cache_builder *b,
				      const char *path, uint64_t generation,
				      const char *server, int64_t refreshed_at);

/* Delta files (cache_format.h, THE DELTA FILE). In a delta every user's
 * group list is the one given here (none unless set): the delta's groups
 * are only the changed ones. gids copied; -ENOENT no such user (add it
 * first), -EEXIST already set, -EFBIG too many. */
int hc_cache_builder_set_user_groups(struct hc_cache_builder *b,
				     const char *name, const uint32_t *gids,
				     size_t n);
/* Main-file USER_TABLE / GROUP_TABLE positions the delta replaces or
 * deletes (a position given twice counts once). */
int hc_cache_builder_supersede_user(struct hc_cache_builder *b, uint32_t pos);
int hc_cache_builder_supersede_group(struct hc_cache_builder *b,
				     uint32_t pos);
/* Write the builder as main_path.delta for the main file of generation
 * base (not 0), atomically like hc_cache_builder_write. The replaced
 * delta is flagged superseded when it applied to that same main file;
 * otherwise (the first delta of this main file) the main file is, so that
 * readers with no delta mapped reopen and find it. */
int hc_cache_builder_write_delta(struct hc_cache_builder *b,
				 const char *main_path, uint64_t base,
				 uint64_t generation, const char *server,
				 int64_t refreshed_at);
/* After a full write of main_path: flag main_path.delta superseded and
 * remove it. 0 when there was none. */
int hc_cache_delta_retire(const char *main_path);

#endif
