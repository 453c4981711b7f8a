/* Cache reader (see cache.h, layout in cache_format.h). The file is
 * hostile: open checks the file's owner and mode, the header and section
 * bounds once (O(1)); every record offset read from the file is checked
 * against its section before use, every string offset against the file
 * size and every string's length against its limit (HC_MAX_*), and every
 * probe loop is bounded by its table size. */
#include "cache.h"
#include "cache_format.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
/* The AVX-512 member split (split_v4), in builds that dispatch on the
 * CPU; HC_NO_SPLIT_V4 leaves it out (tests/nss: the v3 variant's test). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(HC_NO_CPU_DISPATCH) && \
	!defined(HC_NO_SPLIT_V4)
#define HC_SPLIT_V4 1
#include <immintrin.h>
#endif

struct hc_sec {
	uint32_t off, size;
};

struct hc_cache {
	/* what every lookup reads first, together (one or two cache lines) */
	const uint8_t *map;
	uint32_t size;
	uint32_t n_users, n_groups;
	uint32_t uslots, gslots; /* index slots (0: no index) */
	uint32_t flag0;  /* the superseded word as it was at open */
	int stale;       /* set once a stat saw another or a changed file */
	long next_check; /* coarse monotonic second of the next stat */
	/* main handle: the delta file mapped beside it (NULL: none valid) */
	struct hc_cache *delta;
	struct hc_sec sec[HC_SEC_COUNT];
	char *path;
	struct stat st;  /* the file as opened: what the stat check compares */
	uint64_t generation, base_generation;
	/* main handle: the delta path as it was at open (dseen false:
	 * absent), which the throttled stat compares */
	char *dpath;
	struct stat dst;
	bool dseen;
	/* delta handle: its SUPERSEDED sets (cache_format.h) */
	const uint8_t *sup_u, *sup_g;
	uint32_t sup_nu, sup_uslots, sup_ng, sup_gslots;
};

/* A string offset inside the file whose string ends (NUL) within max
 * bytes and within the mapping: the reader never relies on the file's last
 * byte being 0 at the time of the read (a file rewritten in place may no
 * longer have it), and no caller scans more than max + 1 bytes. The first
 * 16 bytes are one compare where the target has SSE2 (a passwd field is
 * most often shorter: no loop), then 8 bytes a step while 8 remain within
 * the bound: the lowest byte flagged by the zero-byte test is the first
 * NUL, exactly (a borrow only flags bytes after it). */
static inline const char *str_len_at(const struct hc_cache *c, uint32_t off,
				     uint32_t max, uint32_t *len)
{
	const char *s = (const char *)c->map + off, *nul;
	uint32_t room, i = 0;
	uint64_t w, z;

	if (off >= c->size)
		return NULL;
	room = c->size - off;
	if (room > max + 1)
		room = max + 1;
#ifdef __SSE2__
	if (room >= 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)s),
			_mm_setzero_si128()));

		if (m) {
			*len = (uint32_t)__builtin_ctz(m);
			return s;
		}
		i = 16;
	}
#endif
	for (; room - i >= 8; i += 8) {
		memcpy(&w, s + i, 8);
		w = le64toh(w);
		z = (w - 0x0101010101010101u) & ~w & 0x8080808080808080u;
		if (z) {
			*len = i + (uint32_t)(__builtin_ctzll(z) >> 3);
			return s;
		}
	}
	nul = memchr(s + i, 0, room - i);
	if (!nul)
		return NULL;
	*len = (uint32_t)(nul - s);
	return s;
}

static inline const char *str_at(const struct hc_cache *c, uint32_t off,
				 uint32_t max)
{
	uint32_t len;

	return str_len_at(c, off, max, &len);
}

/* The n bytes at a and b equal? A key is short (a user or group name):
 * up to 16 bytes, two overlapping loads from each side, none outside
 * [0, n), no call; longer, memcmp. */
static inline bool same_bytes(const char *a, const char *b, uint32_t n)
{
	uint64_t x, y, x2, y2;
	uint32_t u, v, u2, v2;

	if (n >= 8 && n <= 16) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&x2, a + n - 8, 8);
		memcpy(&y2, b + n - 8, 8);
		return ((x ^ y) | (x2 ^ y2)) == 0;
	}
	if (n >= 4 && n < 8) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		memcpy(&u2, a + n - 4, 4);
		memcpy(&v2, b + n - 4, 4);
		return ((u ^ v) | (u2 ^ v2)) == 0;
	}
	return memcmp(a, b, n) == 0;
}

/* Is the string at file offset off exactly the n bytes at name (n <=
 * HC_MAX_NAME, none of them NUL)? One compare of a known length and the
 * NUL after it: the same answer as str_at + strcmp, without the scan. */
static inline bool str_is(const struct hc_cache *c, uint32_t off,
			  const char *name, uint32_t n)
{
	return off < c->size && c->size - off > n &&
	       same_bytes((const char *)c->map + off, name, n) &&
	       c->map[off + n] == 0;
}

/* A name to look up: its bytes and strlen, measured once per lookup
 * (hash, index compare and the answer's check all use it). */
struct hc_key {
	const char *name;
	uint32_t len;
};

/* A record offset from the file must lie wholly inside section s. */
static inline const uint8_t *rec_at(const struct hc_cache *c, int s,
				    uint32_t off, uint32_t recsize)
{
	const struct hc_sec *sec = &c->sec[s];

	if (off < sec->off || (off & 3) ||
	    (uint64_t)off + recsize > (uint64_t)sec->off + sec->size)
		return NULL;
	return c->map + off;
}

/* The user record named by off (cache_format.h: HC_U_COLD bytes of it
 * lie before off), wholly inside USER_DATA; the pointer is map + off. */
static inline const uint8_t *urec_at(const struct hc_cache *c, uint32_t off)
{
	const uint8_t *r;

	if (off < HC_U_COLD)
		return NULL;
	r = rec_at(c, HC_SEC_USER_DATA, off - HC_U_COLD, HC_UREC_SIZE);
	return r ? r + HC_U_COLD : NULL;
}

/* A user record's own strings follow it: fetch their cache line in
 * parallel with the record's, not after it. A prefetch never faults; the
 * bound only keeps the pointer arithmetic inside the mapping. */
static inline void prefetch_strings(const struct hc_cache *c, uint32_t off)
{
	if ((uint64_t)off + 64 < c->size)
		__builtin_prefetch(c->map + off + 64);
}

/* ---- open ---- */

static int check_sections(struct hc_cache *c)
{
	const uint8_t *h = c->map;
	uint32_t i;

	for (i = 0; i < HC_SEC_COUNT; i++) {
		struct hc_sec *s = &c->sec[i];

		s->off = hc_rd32(h + HC_OFF_SECTIONS + 8 * i);
		s->size = hc_rd32(h + HC_OFF_SECTIONS + 8 * i + 4);
		if (s->off < HC_HDR_SIZE || (s->off & 3) || (s->size & 3) ||
		    (uint64_t)s->off + s->size > c->size)
			return -EBADMSG;
	}
	if (c->sec[HC_SEC_USER_TABLE].size / 4 != c->n_users ||
	    c->sec[HC_SEC_USER_TABLE].size % 4 ||
	    c->sec[HC_SEC_GROUP_TABLE].size / 4 != c->n_groups)
		return -EBADMSG;
	/* index sizes: whole slots (any count, possibly none) */
	if (c->sec[HC_SEC_INDEX_USER].size % HC_SLOT_SIZE ||
	    c->sec[HC_SEC_INDEX_GROUP].size % HC_SLOT_SIZE)
		return -EBADMSG;
	c->uslots = c->sec[HC_SEC_INDEX_USER].size / HC_SLOT_SIZE;
	c->gslots = c->sec[HC_SEC_INDEX_GROUP].size / HC_SLOT_SIZE;
	return 0;
}

/* KEYS starts with one u32 per user (format v4). */
static int check_keys_section(const struct hc_cache *c)
{
	return (uint64_t)c->n_users * 4 <= c->sec[HC_SEC_KEYS].size ? 0 : -EBADMSG;
}

static int check_header(struct hc_cache *c)
{
	const uint8_t *h = c->map;

	if (c->size < HC_HDR_SIZE + 1 ||
	    memcmp(h, HC_CACHE_MAGIC, HC_CACHE_MAGIC_LEN) != 0)
		return -EBADMSG;
	if (hc_rd32(h + HC_OFF_BOM) != HC_BOM ||
	    hc_rd32(h + HC_OFF_VERSION) != HC_CACHE_VERSION)
		return -EPROTONOSUPPORT;
	if (hc_rd32(h + HC_OFF_HDRSIZE) != HC_HDR_SIZE ||
	    hc_rd32(h + HC_OFF_FILESIZE) != c->size ||
	    hc_rd32(h + HC_OFF_CHECKSUM) != hc_header_checksum(h) ||
	    h[c->size - 1] != 0)
		return -EBADMSG;
	c->n_users = hc_rd32(h + HC_OFF_NUSERS);
	c->n_groups = hc_rd32(h + HC_OFF_NGROUPS);
	c->generation = hc_rd64(h + HC_OFF_GENERATION);
	c->base_generation = hc_rd64(h + HC_OFF_BASEGEN);
	if (check_sections(c) < 0 || check_keys_section(c) < 0)
		return -EBADMSG;
	return 0;
}

/* A delta's SUPERSEDED section (format v5): the two sets exactly fill
 * it and each keeps an empty slot, so no probe runs the whole table. */
static int check_superseded(struct hc_cache *d)
{
	const struct hc_sec *s = &d->sec[HC_SEC_SUPERSEDED];
	const uint8_t *p = d->map + s->off;
	uint64_t need;

	if (s->size < HC_SUP_HDR_SIZE)
		return -EBADMSG;
	d->sup_nu = hc_rd32(p + HC_SUP_NUSERS);
	d->sup_uslots = hc_rd32(p + HC_SUP_USLOTS);
	d->sup_ng = hc_rd32(p + HC_SUP_NGROUPS);
	d->sup_gslots = hc_rd32(p + HC_SUP_GSLOTS);
	need = HC_SUP_HDR_SIZE + 4 * ((uint64_t)d->sup_uslots + d->sup_gslots);
	if (need != s->size ||
	    (d->sup_nu && d->sup_nu >= d->sup_uslots) ||
	    (d->sup_ng && d->sup_ng >= d->sup_gslots))
		return -EBADMSG;
	d->sup_u = p + HC_SUP_HDR_SIZE;
	d->sup_g = d->sup_u + 4 * (size_t)d->sup_uslots;
	return 0;
}

/* Only root may have written what every process believes about its
 * accounts: a file owned by anyone else, or writable by group or others,
 * is refused (as sshd refuses its own files). */
static int check_trust(const struct stat *st)
{
	if (st->st_uid != 0 || (st->st_mode & (S_IWGRP | S_IWOTH)))
		return -EPERM;
	return 0;
}

/* The kernel maps a file with 2 MiB entries only where the address and
 * the file offset agree modulo 2 MiB (and its page cache holds 2 MiB
 * folios: cache_folios.c). Not every filesystem asks for such an address:
 * overlayfs does not. So a file of 2 MiB or more is mapped inside a
 * reservation 2 MiB longer, at its first aligned address, and the
 * reservation's unused ends are given back. Any failure: a plain map. */
void *hc_map_file(int fd, size_t size)
{
	const size_t huge = (size_t)2 << 20;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), span, len, head;
	uint8_t *r, *a;

	if (size < huge || page == 0 || page > huge)
		goto plain;
	span = (size + page - 1) & ~(page - 1);
	len = span + huge;
	r = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (r == MAP_FAILED)
		goto plain;
	a = (uint8_t *)(((uintptr_t)r + huge - 1) & ~(uintptr_t)(huge - 1));
	/* inside our own reservation: no other mapping can be there */
	if (mmap(a, size, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
		munmap(r, len);
		goto plain;
	}
	head = (size_t)(a - r);
	if (head)
		munmap(r, head);
	if (len - head > span)
		munmap(a + span, len - head - span);
	return a;
plain:
	return mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
}

static int map_fd(int fd, struct hc_cache *c)
{
	struct stat *st = &c->st;
	void *m;
	int r;

	if (fstat(fd, st) < 0)
		return -errno;
	if (!S_ISREG(st->st_mode))
		return -EBADMSG;
	r = check_trust(st);
	if (r < 0)
		return r;
	if (st->st_size < (off_t)HC_HDR_SIZE + 1 || st->st_size > UINT32_MAX)
		return -EBADMSG;
	m = hc_map_file(fd, (size_t)st->st_size);
	if (m == MAP_FAILED)
		return -errno;
	c->map = m;
	c->size = (uint32_t)st->st_size;
	return 0;
}

static long coarse_now(void)
{
	struct timespec ts;

	/* vDSO: no system call */
	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) < 0)
		return 0;
	return (long)ts.tv_sec;
}

/* Map one file (main or delta) into c, whose path is set. */
static int open_file(struct hc_cache *c)
{
	int fd, r;

	fd = open(c->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	r = map_fd(fd, c);
	close(fd); /* the mapping stays valid */
	if (r == 0)
		r = check_header(c);
	if (r == 0)
		c->flag0 = __atomic_load_n((const uint32_t *)(c->map + HC_OFF_SUPERSEDED),
					   __ATOMIC_RELAXED);
	return r;
}

/* The delta beside main c (cache_format.h, THE DELTA FILE): mapped when
 * it is valid and applies to this main file (base_generation), else
 * treated as absent, silently: a delta left by a crash before a full
 * write, or a corrupt one, must not stop the main file from answering.
 * What the path held is remembered for the stat check either way. */
static void open_delta(struct hc_cache *c)
{
	struct hc_cache *d;
	size_t n = strlen(c->path);

	c->dpath = malloc(n + sizeof(HC_DELTA_SUFFIX));
	if (!c->dpath)
		return;
	memcpy(c->dpath, c->path, n);
	memcpy(c->dpath + n, HC_DELTA_SUFFIX, sizeof(HC_DELTA_SUFFIX));
	c->dseen = stat(c->dpath, &c->dst) == 0;
	if (!c->dseen || c->base_generation != 0)
		return;
	d = calloc(1, sizeof(*d));
	if (!d)
		return;
	d->path = c->dpath; /* borrowed: freed with c */
	if (open_file(d) == 0 && d->base_generation != 0 &&
	    d->base_generation == c->generation && check_superseded(d) == 0) {
		d->path = NULL;
		c->dst = d->st; /* the file mapped, not the one stat'ed */
		c->delta = d;
		return;
	}
	d->path = NULL;
	hc_cache_close(d);
}

int hc_cache_open(const char *path, struct hc_cache **out)
{
	struct hc_cache *c;
	int r;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->path = strdup(path);
	if (!c->path) {
		r = -ENOMEM;
		goto fail;
	}
	r = open_file(c);
	if (r < 0)
		goto fail;
	open_delta(c);
	c->next_check = coarse_now() + 1;
	*out = c;
	return 0;
fail:
	hc_cache_close(c);
	return r;
}

void hc_cache_close(struct hc_cache *c)
{
	if (!c)
		return;
	hc_cache_close(c->delta);
	if (c->map)
		munmap((void *)(uintptr_t)c->map, c->size);
	free(c->dpath);
	free(c->path);
	free(c);
}

void hc_cache_release(const struct hc_cache *c)
{
	for (; c; c = c->delta)
		if (c->map)
			(void)madvise((void *)(uintptr_t)c->map, c->size,
				      MADV_DONTNEED);
}

void hc_cache_walk_step(const struct hc_cache *c, uint32_t i)
{
	if (i % 4096 == 4095)
		hc_cache_release(c);
}

/* ---- freshness ---- */

/* The flag is a counter the writer steps (cache_format.h): superseded
 * means "changed since we mapped the file", so a main file already flagged
 * for a delta that is gone since (removed by hand, damaged) does not send
 * every lookup into a reopen. With a delta mapped only the delta's flag
 * counts: the writer flags the main file when it writes the first delta
 * (so that readers without one learn of it), and flags both when a full
 * write replaces them. */
bool hc_cache_superseded(const struct hc_cache *c)
{
	const struct hc_cache *f = c->delta ? c->delta : c;

	/* the writer stores into the file while we read it: one atomic load */
	return __atomic_load_n((const uint32_t *)(f->map + HC_OFF_SUPERSEDED),
			       __ATOMIC_RELAXED) != f->flag0;
}

static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* Is the file at the path (st) still the one mapped? Another file there
 * (renamed in by other means than hcoop-sync), or the same inode changed
 * in place (cp over it: new size, mtime or ctime; also a chmod/chown,
 * so the trust check is made again). */
static bool same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       same_time(&a->st_mtim, &b->st_mtim) &&
	       same_time(&a->st_ctim, &b->st_ctim);
}

/* The delta path still holds what it held at open (nothing, or the same
 * file): a delta renamed in or removed by a writer that died before it
 * could set a superseded flag is noticed here. */
static bool same_delta(const struct hc_cache *c)
{
	struct stat st;
	bool there;

	if (!c->dpath)
		return true;
	there = stat(c->dpath, &st) == 0;
	return there == c->dseen && (!there || same_stat(&st, &c->dst));
}

/* The once-a-second part of hc_cache_stale, out of line: its struct stat
 * and system call stay off the path every lookup takes. */
static __attribute__((noinline, cold)) bool stale_by_stat(struct hc_cache *c,
							    long now)
{
	struct stat st;

	__atomic_store_n(&c->next_check, now + 1, __ATOMIC_RELAXED);
	/* A path that cannot be stat'ed says nothing about the mapping (after
	 * chroot(), or a missing file between an unlink and a rename by
	 * hand): keep serving what is mapped. */
	if (stat(c->path, &st) == 0 && (!same_stat(&st, &c->st) || !same_delta(c)))
		__atomic_store_n(&c->stale, 1, __ATOMIC_RELAXED);
	return __atomic_load_n(&c->stale, __ATOMIC_RELAXED) != 0;
}

bool hc_cache_stale(struct hc_cache *c)
{
	long now;

	if (hc_cache_superseded(c) || __atomic_load_n(&c->stale, __ATOMIC_RELAXED))
		return true;
	now = coarse_now();
	if (now < __atomic_load_n(&c->next_check, __ATOMIC_RELAXED))
		return false;
	return stale_by_stat(c, now);
}

/* With a delta: its generation, refresh time and server (the newest
 * write), the live counts (main minus superseded plus delta) and the
 * positions enumeration walks (main, then delta). */
int hc_cache_info(const struct hc_cache *c, struct hc_cache_info *out)
{
	const struct hc_cache *d = c->delta, *f = d ? d : c;
	const uint8_t *h = f->map;

	out->generation = f->generation;
	out->refreshed_at = (int64_t)hc_rd64(h + HC_OFF_REFRESHED);
	out->server = str_at(f, hc_rd32(h + HC_OFF_SERVER), HC_MAX_SERVER);
	if (!out->server)
		return -EBADMSG;
	out->n_users = out->user_slots = c->n_users;
	out->n_groups = out->group_slots = c->n_groups;
	out->delta_users = out->delta_groups = out->delta_superseded = 0;
	if (d) {
		/* a hostile delta may claim more than the main holds */
		out->n_users -= d->sup_nu < c->n_users ? d->sup_nu : c->n_users;
		out->n_groups -= d->sup_ng < c->n_groups ? d->sup_ng : c->n_groups;
		out->n_users += d->n_users;
		out->n_groups += d->n_groups;
		out->user_slots += d->n_users;
		out->group_slots += d->n_groups;
		out->delta_users = d->n_users;
		out->delta_groups = d->n_groups;
		out->delta_superseded = d->sup_nu + d->sup_ng;
	}
	return 0;
}

/* ---- users ---- */

/* The user record at off. With k, its name is k's: the probe compared
 * the name at the offset it read from this record (knoff) and that
 * offset is used, not read again (the file may change under us). full
 * false: the passwd fields only, dn and host NULL and no expiry (the
 * record's cold part, before off, and the strings it names are neither
 * read nor touched). */
static inline __attribute__((always_inline)) int fill_user(const struct hc_cache *c, uint32_t off,
		     const struct hc_key *k, uint32_t knoff, bool full,
		     struct hc_user *u)
{
	const uint8_t *r = urec_at(c, off);
	uint64_t exp;

	if (!r)
		return -EBADMSG;
	if (k) {
		u->name = (const char *)c->map + knoff;
		u->name_len = k->len;
	} else {
		prefetch_strings(c, off);
		u->name = str_len_at(c, hc_rd32(r + HC_U_NAME), HC_MAX_NAME,
				     &u->name_len);
	}
	u->gecos = str_len_at(c, hc_rd32(r + HC_U_GECOS), HC_MAX_GECOS, &u->gecos_len);
	u->dir = str_len_at(c, hc_rd32(r + HC_U_DIR), HC_MAX_PATH, &u->dir_len);
	u->shell = str_len_at(c, hc_rd32(r + HC_U_SHELL), HC_MAX_PATH, &u->shell_len);
	u->dn = u->host = NULL;
	u->shadow_expire = HC_NO_EXPIRE;
	if (full) {
		u->dn = str_at(c, hc_rd32(r + HC_U_DN), HC_MAX_DN);
		u->host = str_at(c, hc_rd32(r + HC_U_HOST), HC_MAX_HOST);
		if (!u->dn || !u->host)
			return -EBADMSG;
		exp = hc_rd32(r + HC_U_EXPIRE_LO) |
		      (uint64_t)hc_rd32(r + HC_U_EXPIRE_HI) << 32;
		u->shadow_expire = (int64_t)exp;
	}
	if (!u->name || !u->gecos || !u->dir || !u->shell)
		return -EBADMSG;
	u->uid = hc_rd32(r + HC_U_UID);
	u->gid = hc_rd32(r + HC_U_GID);
	u->flags = hc_rd32(r + HC_U_FLAGS);
	u->ngroups = hc_rd32(r + HC_U_NGROUPS);
	u->index = hc_rd32(r + HC_U_INDEX);
	if (u->index >= c->n_users)
		return -EBADMSG;
	return 0;
}

/* Probe one side (name or id) of an index whose first slot is
 * hc_slot(h, nslots). Returns the record offset of the first entry whose
 * key matches and, for a name (k not NULL), whose record's name is that
 * name (*noff: the name's offset as read from the record and compared);
 * 0 when absent, UINT32_MAX for a bad record offset. At most nslots
 * probes, whatever the file says. */
static inline __attribute__((always_inline)) uint32_t probe(const struct hc_cache *c, int sec, uint32_t nslots,
		      unsigned side, uint32_t key, uint32_t h,
		      const struct hc_key *k, uint32_t *noff)
{
	const uint8_t *tab = c->map + c->sec[sec].off;
	uint32_t i, pos, roff, n;

	if (nslots == 0)
		return 0;
	pos = hc_slot(h, nslots);
	for (i = 0; i < nslots; i++) {
		const uint8_t *ent = tab + hc_ient(nslots, side, pos);
		const uint8_t *r;

		roff = hc_rd32(ent + HC_IENT_REC);
		if (roff == 0)
			return 0;
		if (hc_rd32(ent + HC_IENT_KEY) == key) {
			if (!k)
				return roff;
			/* the name may lie on the record's next line */
			prefetch_strings(c, roff);
			/* the record kind follows from the index */
			r = sec == HC_SEC_INDEX_USER
				    ? urec_at(c, roff)
				    : rec_at(c, HC_SEC_GROUP_DATA, roff, HC_GREC_SIZE);
			if (!r)
				return UINT32_MAX;
			n = hc_rd32(r + (sec == HC_SEC_INDEX_USER ? HC_U_NAME : HC_G_NAME));
			if (str_is(c, n, k->name, k->len)) {
				*noff = n;
				return roff;
			}
		}
		if (++pos == nslots)
			pos = 0;
	}
	return 0;
}

/* h: the hash of k, computed once for main and delta */
static inline __attribute__((always_inline)) int file_user_byname(const struct hc_cache *c, const struct hc_key *k,
			    uint32_t h, bool full, struct hc_user *out)
{
	uint32_t noff = 0;
	uint32_t off = probe(c, HC_SEC_INDEX_USER, c->uslots, HC_S_HASH, h, h,
			     k, &noff);

	if (off == 0)
		return -ENOENT;
	return fill_user(c, off, k, noff, full, out);
}

static inline __attribute__((always_inline)) int file_user_byuid(const struct hc_cache *c, uint32_t uid, bool full,
			   struct hc_user *out)
{
	uint32_t off = probe(c, HC_SEC_INDEX_USER, c->uslots, HC_S_ID, uid,
			     hc_hash_id(uid), NULL, NULL);
	int r;

	if (off == 0)
		return -ENOENT;
	r = fill_user(c, off, NULL, 0, full, out);
	if (r == 0 && out->uid != uid)
		return -EBADMSG;
	return r;
}

static int file_user_at(const struct hc_cache *c, uint32_t i,
			struct hc_user *out)
{
	if (i >= c->n_users)
		return -ENOENT;
	return fill_user(c, hc_rd32(c->map + c->sec[HC_SEC_USER_TABLE].off + 4 * (size_t)i),
			 NULL, 0, true, out);
}

static int file_user_group(const struct hc_cache *c, const struct hc_user *u,
			   uint32_t i, uint32_t *gid)
{
	const struct hc_sec *g = &c->sec[HC_SEC_GIDS];
	const uint8_t *r;
	uint32_t first;

	if (u->index >= c->n_users)
		return -EINVAL;
	r = urec_at(c, hc_rd32(c->map + c->sec[HC_SEC_USER_TABLE].off + 4 * (size_t)u->index));
	if (!r)
		return -EBADMSG;
	if (i >= hc_rd32(r + HC_U_NGROUPS))
		return -ENOENT;
	first = hc_rd32(r + HC_U_GFIRST);
	if ((uint64_t)first + i >= g->size / 4)
		return -EBADMSG;
	*gid = hc_rd32(c->map + g->off + 4 * ((size_t)first + i));
	return 0;
}

/* ---- groups ---- */

/* The member block of a group record (cache_format.h, GROUP_DATA), its
 * O(1) checks: inside GROUP_DATA, a length that nmembers names can have
 * (so a hostile count or length is refused before anything is sized or
 * copied), the final NUL. The names are checked when walked. */
static int member_block(const struct hc_cache *c, uint32_t off, uint32_t len,
			struct hc_group *g)
{
	const struct hc_sec *s = &c->sec[HC_SEC_GROUP_DATA];

	g->members = NULL;
	g->members_len = 0;
	if (g->nmembers == 0)
		return len == 0 ? 0 : -EBADMSG;
	if (len < g->nmembers ||
	    len > (uint64_t)g->nmembers * (HC_MAX_NAME + 1) || off < s->off ||
	    (uint64_t)off + len > (uint64_t)s->off + s->size ||
	    c->map[off + len - 1] != 0)
		return -EBADMSG;
	g->members = (const char *)c->map + off;
	g->members_len = len;
	return 0;
}

static int fill_group(const struct hc_cache *c, uint32_t off,
		      struct hc_group *g)
{
	const uint8_t *r = rec_at(c, HC_SEC_GROUP_DATA, off, HC_GREC_SIZE);

	if (!r)
		return -EBADMSG;
	g->name = str_len_at(c, hc_rd32(r + HC_G_NAME), HC_MAX_NAME, &g->name_len);
	if (!g->name)
		return -EBADMSG;
	g->gid = hc_rd32(r + HC_G_GID);
	g->nmembers = hc_rd32(r + HC_G_NMEMBERS);
	g->index = hc_rd32(r + HC_G_INDEX);
	if (g->index >= c->n_groups)
		return -EBADMSG;
	return member_block(c, hc_rd32(r + HC_G_BLOCK), hc_rd32(r + HC_G_BLOCK_LEN), g);
}

/* GROUP_TABLE entry i. */
static uint32_t group_table(const struct hc_cache *c, uint32_t i)
{
	return hc_rd32(c->map + c->sec[HC_SEC_GROUP_TABLE].off + 4 * (size_t)i);
}

/* A compact user private group (cache_format.h, GROUP_TABLE) from the
 * user record at off, GROUP_TABLE position i. Enumeration checks that
 * the record names i (from_table); a lookup through INDEX_USER spares
 * that extra random load: i is only ever used as a bounded table index
 * (group_member), so a lie there cannot take a read out of bounds. */
static int fill_upg(const struct hc_cache *c, uint32_t off, uint32_t i,
		    bool from_table, struct hc_group *g)
{
	const uint8_t *r = urec_at(c, off);

	if (!r || i >= c->n_groups ||
	    (from_table && hc_rd32(r + HC_U_UPG) != i + 1))
		return -EBADMSG;
	prefetch_strings(c, off);
	g->name = str_len_at(c, hc_rd32(r + HC_U_NAME), HC_MAX_NAME, &g->name_len);
	g->gid = hc_rd32(r + HC_U_GID);
	g->nmembers = 0;
	g->index = i;
	g->members = NULL;
	g->members_len = 0;
	if (!g->name || hc_rd32(r + HC_U_UID) != g->gid)
		return -EBADMSG;
	return 0;
}

/* The private group of the user record at off (from INDEX_USER), if it
 * has a compact one. */
static int upg_of_user(const struct hc_cache *c, uint32_t off,
		       struct hc_group *g)
{
	const uint8_t *r = urec_at(c, off);
	uint32_t upg;

	if (!r)
		return -EBADMSG;
	upg = hc_rd32(r + HC_U_UPG);
	if (upg == 0)
		return -ENOENT;
	return fill_upg(c, off, upg - 1, false, g);
}

static bool in_user_data(const struct hc_cache *c, uint32_t off)
{
	return urec_at(c, off) != NULL;
}

static int file_group_byname(const struct hc_cache *c, const struct hc_key *k,
			     uint32_t h, struct hc_group *out)
{
	uint32_t noff;
	uint32_t off = probe(c, HC_SEC_INDEX_GROUP, c->gslots, HC_S_HASH, h, h,
			     k, &noff);
	int r;

	if (off == 0) {
		off = probe(c, HC_SEC_INDEX_USER, c->uslots, HC_S_HASH, h, h,
			    k, &noff);
		if (off == 0)
			return -ENOENT;
		r = upg_of_user(c, off, out);
	} else {
		r = fill_group(c, off, out);
	}
	if (r == 0 && (out->name_len != k->len ||
		       memcmp(out->name, k->name, k->len) != 0))
		return -EBADMSG;
	return r;
}

static int file_group_bygid(const struct hc_cache *c, uint32_t gid,
			    struct hc_group *out)
{
	uint32_t off = probe(c, HC_SEC_INDEX_GROUP, c->gslots, HC_S_ID, gid,
			     hc_hash_id(gid), NULL, NULL);
	int r;

	if (off == 0) {
		off = probe(c, HC_SEC_INDEX_USER, c->uslots, HC_S_ID, gid,
			    hc_hash_id(gid), NULL, NULL);
		if (off == 0)
			return -ENOENT;
		r = upg_of_user(c, off, out);
	} else {
		r = fill_group(c, off, out);
	}
	if (r == 0 && out->gid != gid)
		return -EBADMSG;
	return r;
}

static int file_group_at(const struct hc_cache *c, uint32_t i,
			 struct hc_group *out)
{
	uint32_t off;

	if (i >= c->n_groups)
		return -ENOENT;
	off = group_table(c, i);
	if (in_user_data(c, off))
		return fill_upg(c, off, i, true, out);
	return fill_group(c, off, out);
}

/* ---- members: one pass over the packed block ---- */

void hc_member_iter_init(struct hc_member_iter *it, const struct hc_group *g)
{
	it->p = g->members;
	it->end = g->members ? g->members + g->members_len : NULL;
	it->left = g->nmembers;
}

int hc_member_next(struct hc_member_iter *it, const char **name, size_t *len)
{
	const char *nul;
	size_t room;

	if (it->left == 0)
		return it->p == it->end ? 0 : -EBADMSG; /* names left over */
	if (!it->p || it->p >= it->end)
		return -EBADMSG; /* fewer names than nmembers */
	room = (size_t)(it->end - it->p);
	if (room > HC_MAX_NAME + 1)
		room = HC_MAX_NAME + 1;
	nul = memchr(it->p, 0, room);
	if (!nul)
		return -EBADMSG;
	*name = it->p;
	*len = (size_t)(nul - it->p);
	it->p = nul + 1;
	it->left--;
	return 1;
}

static int file_group_member(const struct hc_cache *c,
			     const struct hc_group *g, uint32_t i,
			     const char **name)
{
	struct hc_member_iter it;
	uint32_t k;
	size_t len;
	int r;

	(void)c; /* g's block points into c's mapping */
	if (i >= g->nmembers)
		return -ENOENT;
	hc_member_iter_init(&it, g);
	for (k = 0;; k++) {
		r = hc_member_next(&it, name, &len);
		if (r <= 0)
			return r == 0 ? -EBADMSG : r;
		if (k == i)
			return 0;
	}
}

/* The NUL bytes of the 64 bytes at p as a bit mask (bit i: p[i] is 0).
 * SSE2 where the target has it (every x86-64); elsewhere eight words,
 * each with the exact zero-byte mask (bit 7 of each byte set where the
 * byte is 0; no false positives, unlike the shorter haszero trick whose
 * borrows mark the byte after a zero), its eight flags gathered by one
 * multiply. */
static inline uint64_t nul_mask64(const char *p)
{
#ifdef __SSE2__
	const __m128i zero = _mm_setzero_si128();
	uint64_t m = 0;
	int k;

	for (k = 0; k < 4; k++)
		m |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
			     _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k)),
			     zero))
		     << (16 * k);
	return m;
#else
	const uint64_t lo7 = 0x7f7f7f7f7f7f7f7full;
	uint64_t m = 0, w, z;
	int k;

	for (k = 0; k < 8; k++) {
		memcpy(&w, p + 8 * k, sizeof(w));
		w = le64toh(w);
		z = ~(((w & lo7) + lo7) | w | lo7) >> 7;
		m |= ((z * 0x0102040810204080ull) >> 56) << (8 * k);
	}
	return m;
#endif
}

/* The pass over a block, shared by its variants (split_block and its
 * x86 builds below): the names are cut at the NULs, a 64-byte chunk at
 * a time. Per chunk, one mask of its NULs and one length check, for the
 * name running into it (the others in it are shorter than 64); the
 * check against nmembers only in the last chunks, where fewer than 64
 * names may remain (a chunk holds at most 64), and in the bytes after
 * the last whole chunk. The helpers are always inlined into each
 * variant, so that each is compiled for that variant's target. */
struct split {
	char *s;            /* where the next name starts */
	char **out, **lim;  /* the next pointer; mem + nmembers */
};

/* Before the pass: 1 to go on, else the answer for an empty block (0 or
 * -EBADMSG). Each variant checks that the copy's last byte is NUL. */
static inline __attribute__((always_inline)) int
split_begin(struct split *sp, char *copy, size_t len, uint32_t nmembers,
	    char **mem)
{
	if (len == 0) { /* no block (copy may be NULL) */
		mem[0] = NULL;
		return nmembers == 0 ? 0 : -EBADMSG;
	}
	sp->s = copy;
	sp->out = mem;
	sp->lim = mem + nmembers;
	return 1;
}

/* The chunk at c, whose NULs are z: false when its first name is too
 * long or, near the end, there are more names than nmembers. Sets the
 * pointers itself only near the end (fewer than 64 left): elsewhere
 * *fast is set and the caller's wider step does it. */
static inline __attribute__((always_inline)) bool
split_chunk_checked(struct split *sp, char *c, uint64_t z, bool *fast)
{
	if ((size_t)(c + (z ? __builtin_ctzll(z) : 64) - sp->s) > HC_MAX_NAME)
		return false;
	*fast = sp->lim - sp->out >= 64;
	if (*fast)
		return true;
	for (; z; z &= z - 1) {
		if (sp->out == sp->lim)
			return false;
		*sp->out++ = sp->s;
		sp->s = c + __builtin_ctzll(z) + 1;
	}
	return true;
}

/* The bytes from c to the block's end (less than a chunk), then the
 * verdict: exactly nmembers names, and the NULL after them. */
static inline __attribute__((always_inline)) int
split_end(struct split *sp, char *c, char *end)
{
	for (; c < end; c++) {
		if (*c != 0)
			continue;
		if ((size_t)(c - sp->s) > HC_MAX_NAME || sp->out == sp->lim)
			return -EBADMSG;
		*sp->out++ = sp->s;
		sp->s = c + 1;
	}
	if (sp->out != sp->lim)
		return -EBADMSG;
	*sp->out = NULL;
	return 0;
}

/* A memcpy, then a name at a time: per NUL a count-trailing-zeros and a
 * pointer store. */
static inline __attribute__((always_inline)) int
split_block(char *copy, const char *src, size_t len, uint32_t nmembers,
	    char **mem)
{
	struct split sp;
	char *c = copy, *end;
	uint64_t z;
	bool fast;
	int r = split_begin(&sp, copy, len, nmembers, mem);

	if (r != 1)
		return r;
	end = copy + len; /* not before: copy may be NULL when len is 0 */
	memcpy(copy, src, len);
	if (copy[len - 1] != 0)
		return -EBADMSG;
	for (; end - c >= 64; c += 64) {
		z = nul_mask64(c);
		if (!split_chunk_checked(&sp, c, z, &fast))
			return -EBADMSG;
		for (; fast && z; z &= z - 1) {
			*sp.out++ = sp.s;
			sp.s = c + __builtin_ctzll(z) + 1;
		}
	}
	return split_end(&sp, c, end);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(HC_NO_CPU_DISPATCH)
/* The same pass for x86-64-v3 (Haswell and later): tzcnt and blsr make
 * the per-name step a few instructions shorter, ~15% of the pass for a
 * big group. Debian's x86-64 baseline has neither, hence the choice at
 * run time (split_kind). HC_NO_CPU_DISPATCH builds the baseline alone
 * (tests/nss/t-split.sh tests every variant). */
__attribute__((target("arch=x86-64-v3"))) static int
split_v3(char *copy, const char *src, size_t len, uint32_t nmembers,
	 char **mem)
{
	return split_block(copy, src, len, nmembers, mem);
}
#endif

#ifdef HC_SPLIT_V4
/* The pass with AVX-512 (x86-64-v4 and VBMI2: Ice Lake, Zen 4 and
 * later), a chunk at a time instead of a name at a time, fused with the
 * copy: each chunk is loaded from the mapping once, stored into the copy
 * and cut from the same register (so the checks see exactly the bytes
 * copied); one compare gives the chunk's NULs as a mask, one compress gathers the offsets of
 * the names that start after them, and eight pointers are formed and
 * stored per add and masked store (which writes exactly the lanes
 * asked: never past the n pointers of the chunk, and the chunks where
 * fewer than 64 may remain went the checked way). A big group has about
 * seven names a chunk: the pass takes a fifth of the v3 instructions. */
__attribute__((target("arch=x86-64-v4,avx512vbmi2"))) static int
split_v4(char *copy, const char *src, size_t len, uint32_t nmembers,
	 char **mem)
{
	/* byte k: k + 1, where a name starts after a NUL at k */
	const __m512i after = _mm512_set_epi8(
		64, 63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49,
		48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33,
		32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
		16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
	struct split sp;
	char *c = copy, *end;
	uint64_t z;
	unsigned n, j;
	bool fast;
	int r = split_begin(&sp, copy, len, nmembers, mem);

	if (r != 1)
		return r;
	end = copy + len;
	for (; end - c >= 64; c += 64, src += 64) {
		__m512i v = _mm512_loadu_si512((const void *)src), starts, base;

		_mm512_storeu_si512((void *)c, v);
		z = _mm512_testn_epi8_mask(v, v);
		if (!split_chunk_checked(&sp, c, z, &fast))
			return -EBADMSG;
		if (!fast || !z)
			continue;
		/* the names ending in this chunk: the one running into it,
		 * then those starting after each NUL but the last */
		n = (unsigned)__builtin_popcountll(z);
		*sp.out = sp.s;
		starts = _mm512_maskz_compress_epi8(z, after);
		base = _mm512_set1_epi64((long long)(intptr_t)c);
		for (j = 1; j < n; j += 8) {
			__mmask8 m = n - j >= 8 ? 0xff : (__mmask8)((1u << (n - j)) - 1);

			_mm512_mask_storeu_epi64(sp.out + j, m, _mm512_add_epi64(base,
				_mm512_cvtepu8_epi64(_mm512_castsi512_si128(starts))));
			starts = _mm512_alignr_epi64(_mm512_setzero_si512(), starts, 1);
		}
		sp.out += n;
		sp.s = c + (64 - __builtin_clzll(z));
	}
	memcpy(c, src, (size_t)(end - c));
	if (end[-1] != 0)
		return -EBADMSG;
	return split_end(&sp, c, end);
}
#endif

enum split_kind { SPLIT_BASE, SPLIT_V3, SPLIT_V4 };

/* The widest variant this build has and this CPU runs: a few loads of
 * the cpu model libgcc fills at start-up. */
static enum split_kind split_kind(void)
{
#ifdef HC_SPLIT_V4
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
	    __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi2"))
		return SPLIT_V4;
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(HC_NO_CPU_DISPATCH)
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
	    __builtin_cpu_supports("bmi2"))
		return SPLIT_V3;
#endif
	return SPLIT_BASE;
}

int hc_members_split(char *copy, const char *src, size_t len,
		     uint32_t nmembers, char **mem)
{
	switch (split_kind()) {
#ifdef HC_SPLIT_V4
	case SPLIT_V4:
		return split_v4(copy, src, len, nmembers, mem);
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(HC_NO_CPU_DISPATCH)
	case SPLIT_V3:
		return split_v3(copy, src, len, nmembers, mem);
#endif
	default:
		return split_block(copy, src, len, nmembers, mem);
	}
}

const char *hc_members_split_variant(void)
{
	switch (split_kind()) {
	case SPLIT_V4:
		return "x86-64-v4";
	case SPLIT_V3:
		return "x86-64-v3";
	default:
#ifdef __SSE2__
		return "sse2";
#else
		return "portable";
#endif
	}
}

int hc_cache_user_in_group(const struct hc_cache *c, const struct hc_user *u,
			   const char *groupname)
{
	struct hc_group g;
	uint32_t i, gid;
	int r;

	r = hc_cache_group_byname(c, groupname, &g);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (g.gid == u->gid)
		return 1;
	for (i = 0; i < u->ngroups; i++) {
		r = hc_cache_user_group(c, u, i, &gid);
		if (r < 0)
			return r == -ENOENT ? 0 : r;
		if (gid == g.gid)
			return 1;
	}
	return 0;
}

/* ---- SSH keys (KEYS section, format v4) ---- */

/* The key list of u, checked: *list NULL when u has none. u must be the
 * user its index names (a record from another position of USER_TABLE
 * would otherwise be handed someone else's keys). */
static int key_list(const struct hc_cache *c, const struct hc_user *u,
		    const uint8_t **list, uint32_t *n)
{
	const struct hc_sec *k = &c->sec[HC_SEC_KEYS];
	const uint8_t *r;
	uint32_t off;

	*list = NULL;
	*n = 0;
	if (u->index >= c->n_users)
		return -EINVAL;
	r = urec_at(c, hc_rd32(c->map + c->sec[HC_SEC_USER_TABLE].off + 4 * (size_t)u->index));
	if (!r || str_at(c, hc_rd32(r + HC_U_NAME), HC_MAX_NAME) != u->name)
		return -EBADMSG;
	off = hc_rd32(c->map + k->off + 4 * (size_t)u->index);
	if (off == 0)
		return 0;
	if ((uint64_t)off < (uint64_t)k->off + 4 * (uint64_t)c->n_users ||
	    !rec_at(c, HC_SEC_KEYS, off, 4))
		return -EBADMSG;
	*n = hc_rd32(c->map + off);
	if (*n > HC_SSH_KEYS_MAX || !rec_at(c, HC_SEC_KEYS, off, 4 + 8 * *n))
		return -EBADMSG;
	*list = c->map + off;
	return 0;
}

static int file_user_nkeys(const struct hc_cache *c, const struct hc_user *u,
			   uint32_t *n)
{
	const uint8_t *list;

	return key_list(c, u, &list, n);
}

static int file_user_key(const struct hc_cache *c, const struct hc_user *u,
			 uint32_t i, const char **key, size_t *len)
{
	const struct hc_sec *k = &c->sec[HC_SEC_KEYS];
	const uint8_t *list;
	uint32_t n, soff, slen;
	int r = key_list(c, u, &list, &n);

	if (r < 0)
		return r;
	if (i >= n)
		return -ENOENT;
	soff = hc_rd32(list + 4 + 8 * (size_t)i);
	slen = hc_rd32(list + 8 + 8 * (size_t)i);
	/* the string and its NUL inside KEYS, no NUL before its end */
	if (slen > HC_SSH_KEY_MAX || soff < k->off ||
	    (uint64_t)soff + slen + 1 > (uint64_t)k->off + k->size ||
	    c->map[soff + slen] != 0 || memchr(c->map + soff, 0, slen))
		return -EBADMSG;
	*key = (const char *)c->map + soff;
	*len = slen;
	return 0;
}

/* ---- main + delta (format v5: cache_format.h, THE DELTA FILE) ----
 * Every public lookup asks the delta first, then the main file, whose hit
 * counts only when its table position is not superseded. A record's
 * index is global: [0, main count) the main file, from there the delta;
 * the functions taking a record back (group lists, members, keys) read it
 * from the file its index names. */

/* Is main position pos in the delta's set (slots u32s at set)? At most
 * slots probes. */
static bool sup_has(const uint8_t *set, uint32_t slots, uint32_t pos)
{
	uint32_t i, at, v;

	if (slots == 0)
		return false;
	at = hc_slot(hc_hash_id(pos), slots);
	for (i = 0; i < slots; i++) {
		v = hc_rd32(set + 4 * (size_t)at);
		if (v == 0)
			return false;
		if (v == pos + 1)
			return true;
		if (++at == slots)
			at = 0;
	}
	return false;
}

static bool user_gone(const struct hc_cache *c, uint32_t pos)
{
	return sup_has(c->delta->sup_u, c->delta->sup_uslots, pos);
}

static bool group_gone(const struct hc_cache *c, uint32_t pos)
{
	return sup_has(c->delta->sup_g, c->delta->sup_gslots, pos);
}

/* The answer of a main-file user lookup r, once the delta missed. */
static int main_user(const struct hc_cache *c, int r, const struct hc_user *u)
{
	return r == 0 && user_gone(c, u->index) ? -ENOENT : r;
}

static int main_group(const struct hc_cache *c, int r, const struct hc_group *g)
{
	return r == 0 && group_gone(c, g->index) ? -ENOENT : r;
}

/* The key of name (n bytes) and its hash; false when no record can bear
 * the name (longer than any the file may hold). */
static bool name_key(const char *name, size_t n, struct hc_key *k, uint32_t *h)
{
	if (n > HC_MAX_NAME)
		return false;
	k->name = name;
	k->len = (uint32_t)n;
	*h = hc_hash_bytes(name, n);
	return true;
}

/* strlen, bounded: the length name_key refuses when it is longer */
static size_t name_len(const char *name)
{
	return strnlen(name, HC_MAX_NAME + 1);
}

/* The delta's answer, out of line: the main file's lookup is the one
 * inlined into each public lookup (the common case has no delta). */
static __attribute__((noinline)) int
delta_user_byname(const struct hc_cache *c, const struct hc_key *k, uint32_t h,
		  bool full, struct hc_user *out)
{
	int r = file_user_byname(c->delta, k, h, full, out);

	if (r == 0)
		out->index += c->n_users;
	return r;
}

static __attribute__((noinline)) int
delta_user_byuid(const struct hc_cache *c, uint32_t uid, bool full,
		 struct hc_user *out)
{
	int r = file_user_byuid(c->delta, uid, full, out);

	if (r == 0)
		out->index += c->n_users;
	return r;
}

static int user_byname(const struct hc_cache *c, const char *name, size_t n,
		       bool full, struct hc_user *out)
{
	struct hc_key k;
	uint32_t h;
	int r;

	if (!name_key(name, n, &k, &h))
		return -ENOENT;
	if (c->delta && (r = delta_user_byname(c, &k, h, full, out)) != -ENOENT)
		return r;
	r = file_user_byname(c, &k, h, full, out);
	return c->delta ? main_user(c, r, out) : r;
}

static int user_byuid(const struct hc_cache *c, uint32_t uid, bool full,
		      struct hc_user *out)
{
	int r;

	if (c->delta && (r = delta_user_byuid(c, uid, full, out)) != -ENOENT)
		return r;
	r = file_user_byuid(c, uid, full, out);
	return c->delta ? main_user(c, r, out) : r;
}

int hc_cache_user_byname(const struct hc_cache *c, const char *name,
			 struct hc_user *out)
{
	return user_byname(c, name, name_len(name), true, out);
}

int hc_cache_user_byuid(const struct hc_cache *c, uint32_t uid,
			struct hc_user *out)
{
	return user_byuid(c, uid, true, out);
}

int hc_cache_passwd_byname(const struct hc_cache *c, const char *name,
			   size_t len, struct hc_user *out)
{
	return user_byname(c, name, len, false, out);
}

int hc_cache_passwd_byuid(const struct hc_cache *c, uint32_t uid,
			  struct hc_user *out)
{
	return user_byuid(c, uid, false, out);
}

int hc_cache_user_at(const struct hc_cache *c, uint32_t i, struct hc_user *out)
{
	int r;

	if (i < c->n_users) {
		r = file_user_at(c, i, out);
		return r == 0 && c->delta && user_gone(c, i) ? -ESRCH : r;
	}
	if (!c->delta)
		return -ENOENT;
	r = file_user_at(c->delta, i - c->n_users, out);
	if (r == 0)
		out->index += c->n_users;
	return r;
}

int hc_cache_user_next(const struct hc_cache *c, uint32_t *i,
		       struct hc_user *out)
{
	int r;

	while ((r = hc_cache_user_at(c, *i, out)) == -ESRCH)
		(*i)++;
	return r;
}

/* The file holding user record u, and u as that file numbers it. */
static const struct hc_cache *user_file(const struct hc_cache *c,
					const struct hc_user *u,
					struct hc_user *local)
{
	*local = *u;
	if (!c->delta || u->index < c->n_users)
		return c;
	local->index -= c->n_users;
	return c->delta;
}

static const struct hc_cache *group_file(const struct hc_cache *c,
					 const struct hc_group *g,
					 struct hc_group *local)
{
	*local = *g;
	if (!c->delta || g->index < c->n_groups)
		return c;
	local->index -= c->n_groups;
	return c->delta;
}

int hc_cache_user_group(const struct hc_cache *c, const struct hc_user *u,
			uint32_t i, uint32_t *gid)
{
	struct hc_user l;
	const struct hc_cache *f = user_file(c, u, &l);

	return file_user_group(f, &l, i, gid);
}

int hc_cache_group_byname(const struct hc_cache *c, const char *name,
			  struct hc_group *out)
{
	struct hc_key k;
	uint32_t h;
	int r;

	if (!name_key(name, name_len(name), &k, &h))
		return -ENOENT;
	if (!c->delta)
		return file_group_byname(c, &k, h, out);
	r = file_group_byname(c->delta, &k, h, out);
	if (r == 0)
		out->index += c->n_groups;
	if (r != -ENOENT)
		return r;
	return main_group(c, file_group_byname(c, &k, h, out), out);
}

int hc_cache_group_bygid(const struct hc_cache *c, uint32_t gid,
			 struct hc_group *out)
{
	int r;

	if (!c->delta)
		return file_group_bygid(c, gid, out);
	r = file_group_bygid(c->delta, gid, out);
	if (r == 0)
		out->index += c->n_groups;
	if (r != -ENOENT)
		return r;
	return main_group(c, file_group_bygid(c, gid, out), out);
}

int hc_cache_group_at(const struct hc_cache *c, uint32_t i,
		      struct hc_group *out)
{
	int r;

	if (i < c->n_groups) {
		r = file_group_at(c, i, out);
		return r == 0 && c->delta && group_gone(c, i) ? -ESRCH : r;
	}
	if (!c->delta)
		return -ENOENT;
	r = file_group_at(c->delta, i - c->n_groups, out);
	if (r == 0)
		out->index += c->n_groups;
	return r;
}

int hc_cache_group_next(const struct hc_cache *c, uint32_t *i,
			struct hc_group *out)
{
	int r;

	while ((r = hc_cache_group_at(c, *i, out)) == -ESRCH)
		(*i)++;
	return r;
}

int hc_cache_group_member(const struct hc_cache *c, const struct hc_group *g,
			  uint32_t i, const char **name)
{
	struct hc_group l;
	const struct hc_cache *f = group_file(c, g, &l);

	return file_group_member(f, &l, i, name);
}

int hc_cache_user_nkeys(const struct hc_cache *c, const struct hc_user *u,
			uint32_t *n)
{
	struct hc_user l;
	const struct hc_cache *f = user_file(c, u, &l);

	return file_user_nkeys(f, &l, n);
}

int hc_cache_user_key(const struct hc_cache *c, const struct hc_user *u,
		      uint32_t i, const char **key, size_t *len)
{
	struct hc_user l;
	const struct hc_cache *f = user_file(c, u, &l);

	return file_user_key(f, &l, i, key, len);
}

int hc_cache_superseded_at(const struct hc_cache *c, bool groups,
			   uint32_t slot, uint32_t *pos)
{
	const struct hc_cache *d = c->delta;
	uint32_t n, v;

	if (!d)
		return -ENOENT;
	n = groups ? d->sup_gslots : d->sup_uslots;
	if (slot >= n)
		return -ENOENT;
	v = hc_rd32((groups ? d->sup_g : d->sup_u) + 4 * (size_t)slot);
	if (v == 0)
		return -ESRCH;
	*pos = v - 1;
	return 0;
}

bool hc_cache_has_delta(const struct hc_cache *c)
{
	return c->delta != NULL;
}

uint64_t hc_cache_main_generation(const struct hc_cache *c)
{
	return c->generation;
}
