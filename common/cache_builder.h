/* The cache writer's private parts, shared by its three files:
 * cache_builder.c (what the caller adds), cache_render.c (the file laid
 * out from it) and cache_replace.c (the atomic replacement on disk). Not
 * for use outside the writer: callers see cache.h only. */
#ifndef HCOOP_CACHE_BUILDER_H
#define HCOOP_CACHE_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hidx.h"

/* ---- a growable arena of NUL-terminated strings ---- */

struct arena {
	char *p;
	size_t len, cap;
};


/* ---- an index from hash to item number (dup checks, interning) ----
 * The one hash table (common/hidx.h) in its 4-byte-slot width, items
 * stored as number + 1: the hash of an item is the builder's to give
 * (kept in its records, or computed from them), set per map at
 * hc_cache_builder_new. */

struct hmap {
	struct hc_hidx4 x;
};

typedef bool (*hm_eq_fn)(const void *ctx, uint32_t item, const void *key);

struct hm_key {
	hm_eq_fn eq;
	const void *ctx, *key;
};


/* ---- the builder ---- */

/* A user is its record in USER_DATA form (struct udata) and, kept here
 * for the maps and the ordering, what they need without touching it. */
struct buser {
	uint32_t off;  /* the record's offset in udata: its file offset */
	uint32_t hash; /* hc_hash_name(name) */
	uint32_t uid, gid;
};

/* The users' records as the file holds them (cache_format.h, USER_DATA:
 * each record followed by its own strings), appended as users are added,
 * from offset HC_HDR_SIZE on: USER_DATA is the file's first section, so
 * a record's string offsets are final when it is written. Left for the
 * render: the fields it alone knows (group list, table position, private
 * group) and those naming the STRINGS pool, which hold pool offsets until
 * then (gecos 0: empty). Either malloc'd (fd -1) or the mapping of a
 * spool: the very temp file that becomes the cache (hc_cache_builder_spool),
 * whose pages leave the resident set as they are written. */
struct udata {
	uint8_t *p;
	size_t len, cap;
	int fd;          /* the spool, or -1 */
	size_t given;    /* spool bytes appended since its pages were dropped */
	uint32_t *reads; /* spool records read since then: a counter even
			  * the const lookups step (hcb_urec) */
	char *path;      /* the cache the spool is for */
	char tmp[4096];  /* the spool's name */
	bool spent;      /* written: the fields for the render are gone */
};

/* The member names are added to the arena one after the other, so they
 * already lie there as the file's packed member block: blen bytes from
 * arena offset block (cache_format.h, GROUP_DATA). */
struct bgroup {
	uint32_t name, gid, first, nmembers; /* members: mem[first..] */
	uint32_t block, blen;                /* the member block in the arena */
	uint32_t hash;                       /* hc_hash_name(name) */
	uint32_t dn1; /* the DN (never written): 0 none, else see dn_of() */
};

/* Group DNs are kept for streaming only (cache.h, add_group_dn). Nearly
 * all are "cn=NAME,SUFFIX" with one of a few suffixes (the group bases):
 * such a DN costs no string, its dn1 is HCB_DN_SFX + the suffix's number;
 * any other is an arena string, dn1 its offset + 1 (below HCB_DN_SFX). */
#define HCB_DN_SUFFIXES 16u
#define HCB_DN_SFX (UINT32_MAX - HCB_DN_SUFFIXES)

/* One user's SSH key list: kv[first .. first+n). */
struct bkeys {
	uint32_t user, first, n;
};

struct bkeyv {
	uint32_t off, len; /* kstr offset, length without the NUL */
};

struct hc_cache_builder {
	struct udata ud;
	struct arena str;
	struct arena pool; /* the STRINGS section, de-duplicated */
	/* pool string -> offset + 1: its hash kept in the slot (hc_hidx32),
	 * which the string would otherwise be hashed again for at each
	 * probe; the pool holds a handful of strings */
	struct hc_hidx32 pmap;
	struct buser *u;
	struct bgroup *g;
	uint32_t *mem; /* arena offsets of member names */
	size_t nu, capu, ng, capg, nmem, capmem;
	struct hmap uname, uid, gname, gid;
	struct bkeys *ks; /* SSH keys: one list per user that has keys */
	struct bkeyv *kv; /* their lines, in kstr */
	struct arena kstr;
	size_t nks, capks, nkv, capkv;
	struct hmap kuser; /* user number -> ks entry */
	struct arena dnsfx;               /* group DN suffixes */
	uint32_t sfx[HCB_DN_SUFFIXES];    /* their offsets in dnsfx */
	size_t nsfx;
	/* delta files (format v5) */
	uint64_t base;     /* base_generation written; 0: a main file */
	struct bkeys *xg;  /* explicit group lists: xgid[first .. first+n) */
	uint32_t *xgid;
	size_t nxg, capxg, nxgid, capxgid;
	struct hmap xuser; /* user number -> xg entry */
	uint32_t *supu, *supg; /* superseded main positions, raw */
	size_t nsupu, capsupu, nsupg, capsupg;
};

/* cache_builder.c */
/* The user record of user i, its name. On a spool, every so many reads
 * the pages they brought back leave the resident set again. */
const uint8_t *hcb_urec(const struct hc_cache_builder *b, uint32_t i);
const char *hcb_uname(const struct hc_cache_builder *b, uint32_t i);
/* Users sorted by uid and groups by gid, the file's order; on a spooled
 * builder, the maps the render does not use are freed. */
int hcb_order(struct hc_cache_builder *b);
int64_t hcb_find_user_h(const struct hc_cache_builder *b, const char *name,
			uint32_t h);
int64_t hcb_find_user(const struct hc_cache_builder *b, const char *name);
/* Pool offset of s, adding it once. */
int hcb_intern(struct hc_cache_builder *b, const char *s, uint32_t *off);
/* Pool offset of s (interned before), or -1. */
int64_t hcb_pool_find(const struct hc_cache_builder *b, const char *s);
bool hcb_too_long(const char *s, size_t max);
uint64_t hcb_keys_size(const struct hc_cache_builder *b);
uint64_t hcb_sup_slots(size_t n);

/* cache_replace.c */
/* main_path + HC_DELTA_SUFFIX (malloc'd), or NULL. */
char *hcb_delta_path(const char *main_path);
/* The file now at path, opened O_RDWR if it is one of ours, else -1. */
int hcb_open_old(const char *path);
/* What hcb_replace_file writes: n bytes, either given (buf) or rendered
 * by render(ctx, out) into out->p, n zeroed bytes. Where it can, the
 * replacement hands render a shared mapping of the temp file, its blocks
 * reserved first (posix_fallocate: a full disk fails the write before a
 * byte is written, never a SIGBUS later); otherwise a private buffer,
 * written out after. */
struct hcb_out {
	uint8_t *p;
	size_t n;
	bool mapped;  /* p maps the temp file */
	size_t given; /* bytes below this handed back to the page cache */
};
typedef int (*hcb_render_fn)(void *ctx, struct hcb_out *out);
struct hcb_content {
	const uint8_t *buf; /* NULL: render */
	size_t n;
	size_t keep; /* bytes of the temp file already written (a spool) */
	hcb_render_fn render;
	void *ctx;
	/* path already holds these bytes (no delta beside it): keep it,
	 * write nothing, answer HC_CACHE_UNCHANGED */
	bool keep_same;
};
/* render: bytes of out->p below upto are finished; their whole pages
 * leave the process's resident set once enough have accumulated (force:
 * now). The bytes stay in the file and may still be read or written
 * (they fault back in). A no-op on a private buffer. */
void hcb_out_done(struct hcb_out *out, size_t upto, bool force);
/* Write c to a temp file beside path, fsync, rename it over path, fsync
 * the directory, then step the superseded counter of the file replaced
 * and of also (-1: none; closed here either way). 0 or -errno (the temp
 * file removed); with c->keep_same, HC_CACHE_UNCHANGED when path already
 * held the bytes (cache.h, hc_cache_builder_write_if_changed; the temp
 * file removed, nothing flagged). */
int hcb_replace_file(const char *path, const struct hcb_content *c,
		     int also);
/* The same for a temp file already made and partly written (a spool:
 * c->keep bytes), its fd (closed here) and name. */
int hcb_replace_with(const char *path, int fd, const char *tmp,
		     const struct hcb_content *c, int also);
/* The spool's pages leave this process's resident set (a no-op without
 * a spool); what user_at gave out stays valid (it faults back in). */
void hcb_spool_drop(const struct hc_cache_builder *b);
/* fd, n bytes just fsynced: its page cache read back in huge folios
 * where the kernel has them and the file is large (cache_folios.c). Best
 * effort, nothing to report. */
void hcb_warm_huge(int fd, size_t n);

#endif
