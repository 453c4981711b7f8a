/* The account cache file format, version 6. Included by the writer
 * (cache_builder.c, cache_render.c) and cache_reader.c (and by nobody
 * else: the API is cache.h).
 *
 * GENERAL
 *   Every integer is little-endian. Every offset is a u32 byte offset from
 *   the start of the file (so the file is at most 4 GiB). Every section and
 *   every record starts at a multiple of 4; the file is mapped read-only
 *   (MAP_SHARED) so fields are read in place with le32toh(). The last byte
 *   of the file is 0: the reader checks this once at open, after which any
 *   string offset below the file size names a NUL-terminated string inside
 *   the mapping (possibly garbage in a corrupt file, never out of bounds).
 *
 * HEADER (offset 0, HC_HDR_SIZE = 152 bytes)
 *     0  u8[8]  magic "HCOOPC1\n"
 *     8  u32    version (HC_CACHE_VERSION)
 *    12  u32    header size (152)
 *    16  u32    byte-order mark 0x01020304 (bytes 04 03 02 01 in the file)
 *    20  u32    superseded: 0 when written; the writer steps this counter
 *               (+1, never back to 0) in the OLD file (through an fd
 *               opened before the rename) after the new file has been
 *               renamed over it, and in a main file when it writes the
 *               first delta for it. Readers load it on every lookup (no
 *               system call) and reopen the path when it differs from the
 *               value they saw at open.
 *    24  u32    file size in bytes (must equal st_size)
 *    28  u32    header checksum: FNV-1a 32 of the 136 header bytes with the
 *               superseded and checksum fields read as 0
 *    32  u64    generation (hcoop-sync's counter)
 *    40  i64    refreshed_at (unix seconds of the LDAP refresh)
 *    48  u32    server: string offset (URI refreshed from)
 *    52  u32    n_users
 *    56  u32    n_groups
 *    60  u32    reserved, 0
 *    64  u64    base_generation (v5): 0 in a main file; in a delta file
 *               (below), the generation of the main file it applies to
 *    72  section table: HC_SEC_COUNT (10) entries of {u32 offset, u32 size}
 *
 * SECTIONS (each inside the file, 4-aligned, not overlapping the header;
 * in any order: the writer puts USER_DATA first, right after the header,
 * because it writes each user record there as the user is added, then
 * the others in the order below)
 *   0 USER_TABLE   n_users x u32: offset of each user record, in
 *                  enumeration order (getpwent walks this): the writer's
 *                  is by uid.
 *   1 USER_DATA    user blocks, each a user record followed by that
 *                  user's own strings (home, name unless it is the home's
 *                  tail, gecos, DN) so one lookup touches one or two cache
 *                  lines; between them, zeros where the writer took a
 *                  record back (no table or index reaches them). A user
 *                  record is HC_UREC_SIZE = 60 bytes: a cold part of
 *                  HC_U_COLD = 16 bytes, then the hot part. A record's
 *                  offset (in USER_TABLE, the indexes, GROUP_TABLE) names
 *                  its hot part, so the fields getpwnam needs and the
 *                  strings after them are one contiguous run (v6):
 *                   -16 dn  -12 host (string offsets; host "" = unassigned)
 *                    -8 shadow_expire low u32, -4 high u32 (an i64 in days,
 *                       INT64_MIN = none)
 *                     0 name  4 gecos  8 dir  12 shell (string offsets)
 *                    16 uid  20 gid  24 flags (HC_USER_*)
 *                    28 first: index into GIDS of this user's group list
 *                    32 ngroups
 *                    36 index: the record's position in USER_TABLE
 *                    40 upg: 0, or 1 + the GROUP_TABLE position of this
 *                       user's compact private group (below)
 *   2 GROUP_TABLE  n_groups x u32: offset of each group record, in
 *                  enumeration order (the writer's is by gid).
 *                  An offset inside USER_DATA names a compact user private
 *                  group: a group with the user's name, gid = the user's
 *                  uid = the user's gid, and no members. It has no group
 *                  record and no INDEX_GROUP entry (most members have one:
 *                  36 bytes saved each); the user record's upg field names
 *                  its GROUP_TABLE position, and the reader checks that the
 *                  two agree. getgrnam/getgrgid that miss INDEX_GROUP look
 *                  the name/uid up in INDEX_USER and take the user's
 *                  private group if it has one.
 *   3 GROUP_DATA   (v5) group records (HC_GREC_SIZE = 24 bytes), each
 *                  followed by its packed member block, then zeros to the
 *                  next multiple of 4:
 *                     0 name (string offset)  4 gid  8 nmembers
 *                    12 block (offset of the member block)
 *                    16 block_len (bytes of the block, NULs included)
 *                    20 index
 *                  The member block is the nmembers names back to back,
 *                  each NUL-terminated and at most HC_MAX_NAME bytes: the
 *                  very bytes getgrnam_r copies into the caller's buffer,
 *                  so a lookup sizes the answer from nmembers, block_len
 *                  and the name alone (ERANGE without touching a member),
 *                  then makes one copy and one pass over it for the member
 *                  pointers. No member is a string offset: a member that
 *                  is a user repeats the name (one pass over contiguous
 *                  bytes costs less than one cache miss per member). The
 *                  reader checks, before use, that the block lies inside
 *                  GROUP_DATA, that nmembers <= block_len <= nmembers x
 *                  (HC_MAX_NAME + 1) (block_len 0 exactly when nmembers
 *                  is 0) and that its last byte is NUL; the pass that sets
 *                  the pointers counts and measures the names and stops
 *                  at the first one over HC_MAX_NAME or past nmembers
 *                  (corruption), and a block with fewer names is corrupt.
 *   4 GIDS         u32 gids: the initgroups index. User u's groups are
 *                  GIDS[first .. first+ngroups) (every group listing u as
 *                  a member, in group order; the primary gid is not added).
 *   5 STRINGS      shared strings (shells, hosts, server, names of groups
 *                  that are not users, ""), each NUL-terminated,
 *                  de-duplicated.
 *                  Strings may also live in USER_DATA; a user name that is
 *                  the tail of its home ("/home/alice") points into it.
 *   6 INDEX_USER   hash index, open addressing with linear probing:
 *   7 INDEX_GROUP  any number of slots (the writer uses n + n/4 + 1 for
 *                  n users or non-compact groups: a load of 0.8;
 *                  exact-size, not a power of two, to keep the file
 *                  small), 16 bytes each, as two tables (v6): first
 *                  nslots name entries, then nslots id entries, each
 *                  8 bytes (HC_IENT_SIZE):
 *                     0 name hash (hc_hash_name) or uid/gid
 *                     4 record offset
 *                  A lookup by name reads only name entries (three at a
 *                  load of 0.8: one line, two less often than with both
 *                  sides in one slot). Record offset 0 = empty. The name
 *                  side starts at hc_slot(hc_hash_name(name), nslots),
 *                  the id side at hc_slot(hc_hash_id(id), nslots); probing
 *                  goes to the next entry (wrapping) until an empty entry
 *                  or a match, and never more than nslots times. The hash
 *                  or id is compared before any record is touched, so a
 *                  miss almost never reads a record or a string.
 *   8 KEYS         (v4) members' SSH public keys, for
 *                  hcoop-authorized-keys. First n_users x u32, parallel
 *                  to USER_TABLE: the offset of user i's key list, or 0
 *                  for none. Then the key lists, each 4-aligned:
 *                     0 nkeys (at most HC_SSH_KEYS_MAX, cache.h)
 *                     4 nkeys x {u32 string offset, u32 length}
 *                  followed by the key strings, each one OpenSSH
 *                  authorized_keys line without its newline, NUL-
 *                  terminated, at most HC_SSH_KEY_MAX bytes. Every list, pair
 *                  and string lies inside KEYS; the reader checks that
 *                  string[length] is the first NUL. Kept apart from
 *                  USER_DATA so passwd lookups never touch key bytes.
 *   9 SUPERSEDED   (v5) empty (size 0) in a main file. In a delta: the
 *                  main file's USER_TABLE and GROUP_TABLE positions that
 *                  the delta replaces or deletes, as two open-addressed
 *                  sets of u32 slots (position + 1; 0 = empty):
 *                     0 n_users   superseded user positions
 *                     4 uslots    slots of the user set (> n_users, or 0)
 *                     8 n_groups  superseded group positions
 *                    12 gslots    slots of the group set
 *                    16 uslots x u32, then gslots x u32
 *                  Position p starts at hc_slot(hc_hash_id(p), slots) and
 *                  probes linearly (wrapping) to an empty slot or p + 1,
 *                  never more than slots times.
 *
 * THE DELTA FILE (v5)
 *   CACHE.delta, beside CACHE, in this same format (same builder, same
 *   reader code): every user and group changed, added or renamed since the
 *   main file was written (cumulative: each delta write replaces the whole
 *   delta atomically, temp + fsync + rename), its base_generation the main
 *   file's generation, its generation hcoop-sync's counter (+1 per write).
 *   A user record in a delta carries its complete group list (GIDS), not
 *   only the groups of the delta. Readers map the main file, then the
 *   delta if its base_generation equals the main's generation (otherwise,
 *   or when it is corrupt, it is ignored as if absent). A lookup asks the
 *   delta first (a hit is the answer), then the main file, whose hit is
 *   absent when its table position is in the delta's SUPERSEDED set.
 *   Life cycle: the first delta written for a main file sets the main's
 *   superseded flag (readers then reopen both files; a reader with a delta
 *   mapped heeds only the delta's flag), later ones set the previous
 *   delta's flag. A full write (the delta grew past delta_max, or a change
 *   that is not simple: hcoop-sync(8)) renames a new main file in (base
 *   generations no longer match: the old delta is ignored from then on),
 *   then flags the old delta and unlinks it. A crash at any moment leaves
 *   either pair consistent: an old delta is never applied to a new main.
 *
 * COMPATIBILITY
 *   Any change to the layout bumps HC_CACHE_VERSION; a reader refuses every
 *   other version (-EPROTONOSUPPORT) and hcoop-sync rewrites the file.
 *   v4 (SSH keys): the KEYS section and the 136-byte header holding its
 *   table entry. v5: packed groups (a group record carries one member
 *   block instead of an array of member string offsets) and delta files
 *   (base_generation, the SUPERSEDED section and the 152-byte header).
 *   v6: the user record's cold fields (dn, host, expiry) before the
 *   offset that names it, so a passwd lookup reads 44 bytes of record
 *   and then its strings, not 60 (one cache line fewer on most lookups);
 *   each index as a name table and an id table, not one table of slots
 *   holding both.
 *   An older file is refused like any other version until hcoop-sync
 *   rewrites it.
 */
#ifndef HCOOP_CACHE_FORMAT_H
#define HCOOP_CACHE_FORMAT_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* String length limits, in bytes without the terminating NUL. The writer
 * refuses a longer string (-ENAMETOOLONG); the reader treats a string
 * with no NUL within its limit as corruption (-EBADMSG), so no lookup
 * ever scans more than this per string, whatever the file says. Far
 * above what hcoop-sync admits (names: HC_NAME_MAX in names.h). */
#define HC_MAX_NAME 255u   /* user, group and member names */
#define HC_MAX_GECOS 4095u /* gecos */
#define HC_MAX_PATH 4095u  /* home directory, shell */
#define HC_MAX_DN 4095u    /* the entry's DN */
#define HC_MAX_HOST 255u   /* hcoopHost (a DNS name) */
#define HC_MAX_SERVER 4095u /* the header's server URI */

#define HC_CACHE_MAGIC "HCOOPC1\n"
#define HC_CACHE_MAGIC_LEN 8
#define HC_CACHE_VERSION 6u
#define HC_BOM 0x01020304u

#define HC_HDR_SIZE 152u
enum {
	HC_OFF_MAGIC = 0,
	HC_OFF_VERSION = 8,
	HC_OFF_HDRSIZE = 12,
	HC_OFF_BOM = 16,
	HC_OFF_SUPERSEDED = 20,
	HC_OFF_FILESIZE = 24,
	HC_OFF_CHECKSUM = 28,
	HC_OFF_GENERATION = 32,
	HC_OFF_REFRESHED = 40,
	HC_OFF_SERVER = 48,
	HC_OFF_NUSERS = 52,
	HC_OFF_NGROUPS = 56,
	HC_OFF_BASEGEN = 64,
	HC_OFF_SECTIONS = 72,
};

enum hc_section {
	HC_SEC_USER_TABLE,
	HC_SEC_USER_DATA,
	HC_SEC_GROUP_TABLE,
	HC_SEC_GROUP_DATA,
	HC_SEC_GIDS,
	HC_SEC_STRINGS,
	HC_SEC_INDEX_USER,
	HC_SEC_INDEX_GROUP,
	HC_SEC_KEYS,
	HC_SEC_SUPERSEDED,
	HC_SEC_COUNT
};
_Static_assert(HC_HDR_SIZE == HC_OFF_SECTIONS + 8 * HC_SEC_COUNT,
	       "the section table ends the header");

/* SUPERSEDED section header (u32 words) */
#define HC_SUP_HDR_SIZE 16u
enum {
	HC_SUP_NUSERS = 0,
	HC_SUP_USLOTS = 4,
	HC_SUP_NGROUPS = 8,
	HC_SUP_GSLOTS = 12,
};


/* Little-endian fields, read and written in place at any alignment: the
 * one definition for the reader and the writer. */
static inline uint32_t hc_rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static inline uint64_t hc_rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static inline void hc_wr32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void hc_wr64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

/* The suffix of the delta file's path: CACHE + ".delta". */
#define HC_DELTA_SUFFIX ".delta"

/* A user record: HC_U_COLD bytes before the offset that names it (the
 * fields PAM and hcoopctl want: negative offsets), HC_UREC_SIZE in all. */
#define HC_UREC_SIZE 60u
#define HC_U_COLD 16u
enum {
	HC_U_DN = -16,
	HC_U_HOST = -12,
	HC_U_EXPIRE_LO = -8,
	HC_U_EXPIRE_HI = -4,
	HC_U_NAME = 0,
	HC_U_GECOS = 4,
	HC_U_DIR = 8,
	HC_U_SHELL = 12,
	HC_U_UID = 16,
	HC_U_GID = 20,
	HC_U_FLAGS = 24,
	HC_U_GFIRST = 28,
	HC_U_NGROUPS = 32,
	HC_U_INDEX = 36,
	HC_U_UPG = 40,
};

#define HC_GREC_SIZE 24u
enum {
	HC_G_NAME = 0,
	HC_G_GID = 4,
	HC_G_NMEMBERS = 8,
	HC_G_BLOCK = 12,
	HC_G_BLOCK_LEN = 16,
	HC_G_INDEX = 20,
};

/* An index: nslots x HC_SLOT_SIZE bytes, the name side's nslots
 * entries, then the id side's. */
#define HC_SLOT_SIZE 16u
#define HC_IENT_SIZE 8u
enum { HC_S_HASH = 0, HC_S_ID = 1 }; /* the sides */
enum { HC_IENT_KEY = 0, HC_IENT_REC = 4 };

/* The byte offset in an index of nslots slots of entry pos of a side. */
static inline size_t hc_ient(uint32_t nslots, unsigned side, uint32_t pos)
{
	return ((size_t)side * nslots + pos) * HC_IENT_SIZE;
}

static inline uint32_t hc_fmix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* One 64-bit multiply-xorshift round per 8 bytes (little-endian loads, so
 * the hash is the same on every host). Never reads past p + n: full words
 * by memcpy, the tail copied into a zeroed word. The length seeds the
 * state, so a tail of zero bytes still changes the hash. */
static inline uint64_t hc_mix64(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xbf58476d1ce4e5b9u;
	return h ^ (h >> 31);
}

static inline uint32_t hc_hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ ((uint64_t)n * 0xff51afd7ed558ccdu);
	uint64_t w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = hc_mix64(h, le64toh(w));
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, p, n);
		h = hc_mix64(h, le64toh(w));
	}
	h ^= h >> 29;
	h *= 0x94d049bb133111ebu;
	return (uint32_t)(h ^ (h >> 32));
}

static inline uint32_t hc_hash_name(const char *s)
{
	return hc_hash_bytes(s, strlen(s));
}

/* The first slot for hash h in a table of nslots (any count): the high
 * bits of h scaled to the table, no division. Always < nslots. */
static inline uint32_t hc_slot(uint32_t h, uint32_t nslots)
{
	return (uint32_t)(((uint64_t)h * nslots) >> 32);
}

static inline uint32_t hc_hash_id(uint32_t id) { return hc_fmix32(id ^ 0x9e3779b9u); }

/* Header checksum: FNV-1a 32 with the superseded and checksum words as 0. */
static inline uint32_t hc_header_checksum(const uint8_t *hdr)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < HC_HDR_SIZE; i++) {
		uint8_t b = hdr[i];

		if ((i >= HC_OFF_SUPERSEDED && i < HC_OFF_SUPERSEDED + 4) ||
		    (i >= HC_OFF_CHECKSUM && i < HC_OFF_CHECKSUM + 4))
			b = 0;
		h = (h ^ b) * 16777619u;
	}
	return h;
}

#endif
