/* The daemon's ledger (sync.h, struct hs_ledger): what it must remember
 * of every entry the cache was made from, so that a followed change can be
 * written as a delta without a model of the directory in memory. Per
 * entry 24 bytes (kind, entryUUID in binary, id, flags) and a 4-byte slot
 * in each of two hc_hidx4 tables, by (kind, entryUUID) and, for served
 * entries, by (kind, id): about 40 bytes an entry where the model held
 * about 470. Every string lives in the cache file (read through the
 * reader), which is what the delta path reads the old versions from.
 *
 * During a refresh the ledger is loading: the records are only appended,
 * into a file beside the cache (unlinked, O_TMPFILE) whose pages leave
 * the resident set as they are written, so that the ledger adds nothing
 * to the peak of the refresh, which is that of the new cache's builder.
 * "Was this entry delivered already?" is then answered by a Bloom filter
 * (20 bits an entry expected), whose rare "maybe" a scan of the records
 * decides. Once the refresh is written and the builder freed,
 * hs_ledger_index copies the records into memory and builds the tables.
 * Where the file cannot be made or grown, the records stay in memory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sync.h"

#define L_USED 0x80u /* the record is live (not on the free list) */

struct lkey {
	uint8_t kind;
	uint8_t uuid[16];
};

struct lid {
	uint8_t kind;
	uint32_t id;
};

static const struct hs_lrec *rec(const struct hs_ledger *l, uint32_t item)
{
	return &l->v[item - 1];
}

/* Two 64-bit words into a 32-bit hash (splitmix64's finaliser). */
static uint32_t mix(uint64_t a, uint64_t b)
{
	uint64_t h = a * 0x9e3779b97f4a7c15u ^ b;

	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9u;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebu;
	return (uint32_t)(h ^ (h >> 31));
}

static uint32_t key_hash(uint8_t kind, const uint8_t *uuid)
{
	uint64_t a, b;

	memcpy(&a, uuid, 8);
	memcpy(&b, uuid + 8, 8);
	return mix(a ^ kind, b);
}

static uint32_t id_hash(uint8_t kind, uint32_t id)
{
	return mix(id, kind);
}

static uint32_t hash_by_key(const void *ctx, uint32_t item)
{
	const struct hs_lrec *r = rec(ctx, item);

	return key_hash(r->kind, r->uuid);
}

static uint32_t hash_by_id(const void *ctx, uint32_t item)
{
	const struct hs_lrec *r = rec(ctx, item);

	return id_hash(r->kind, r->id);
}

static bool eq_key(const void *ctx, uint32_t item, const void *key)
{
	const struct hs_lrec *r = rec(ctx, item);
	const struct lkey *k = key;

	return r->kind == k->kind && memcmp(r->uuid, k->uuid, 16) == 0;
}

static bool eq_id(const void *ctx, uint32_t item, const void *key)
{
	const struct hs_lrec *r = rec(ctx, item);
	const struct lid *k = key;

	return r->kind == k->kind && r->id == k->id;
}

void hs_ledger_init(struct hs_ledger *l)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	/* the tables hash through l->v, which moves when it grows: they are
	 * given l, not the array */
	hc_hidx4_init(&l->bykey, hash_by_key, l);
	hc_hidx4_init(&l->byid, hash_by_id, l);
}

static size_t rec_bytes(uint32_t n)
{
	return (size_t)n * sizeof(struct hs_lrec);
}

void hs_ledger_free(struct hs_ledger *l)
{
	hc_hidx4_free(&l->bykey);
	hc_hidx4_free(&l->byid);
	if (l->fd >= 0) {
		munmap(l->v, rec_bytes(l->cap));
		close(l->fd);
	} else {
		free(l->v);
	}
	free(l->bloom);
	hs_ledger_init(l);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The 16 bytes of an entryUUID in its RFC 4122 text form (hs_uuid_text). */
static int parse_uuid(const char *s, uint8_t *out)
{
	size_t i, n = 0;

	for (i = 0; s[i] && n < 32; i++) {
		int hi, lo;

		if (s[i] == '-' && (i == 8 || i == 13 || i == 18 || i == 23))
			continue;
		if ((hi = hexval(s[i])) < 0 || (lo = hexval(s[i + 1])) < 0)
			return -EINVAL;
		out[n / 2] = (uint8_t)(hi << 4 | lo);
		n += 2;
		i++;
	}
	return n == 32 && s[i] == '\0' ? 0 : -EINVAL;
}

/* ---- loading: the refresh phase ---- */

#define SPOOL_FIRST 16384u   /* records of the first spool mapping */
#define SPOOL_DROP 8192u     /* records appended between two page drops */
#define BLOOM_BITS_PER 20u   /* bits of the filter per entry expected */
#define BLOOM_K 10u          /* probes: about 1 in 50,000 false "maybe" */

static void bloom_probes(uint8_t kind, const uint8_t *uuid, uint32_t *h1,
			 uint32_t *h2)
{
	uint64_t a, b;

	memcpy(&a, uuid, 8);
	memcpy(&b, uuid + 8, 8);
	*h1 = key_hash(kind, uuid);
	*h2 = mix(b, a ^ ((uint64_t)kind << 8)) | 1u;
}

static void bloom_add(struct hs_ledger *l, uint8_t kind, const uint8_t *uuid)
{
	uint32_t h1, h2, i, bit;

	bloom_probes(kind, uuid, &h1, &h2);
	for (i = 0; i < BLOOM_K; i++) {
		bit = (h1 + i * h2) & l->bloom_mask;
		l->bloom[bit / 64] |= (uint64_t)1 << (bit % 64);
	}
}

static bool bloom_has(const struct hs_ledger *l, uint8_t kind,
		      const uint8_t *uuid)
{
	uint32_t h1, h2, i, bit;

	bloom_probes(kind, uuid, &h1, &h2);
	for (i = 0; i < BLOOM_K; i++) {
		bit = (h1 + i * h2) & l->bloom_mask;
		if (!(l->bloom[bit / 64] & ((uint64_t)1 << (bit % 64))))
			return false;
	}
	return true;
}

/* The spool's pages up to record n leave the resident set (they stay in
 * the file and the page cache). */
static void spool_drop(const struct hs_ledger *l, uint32_t n)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t upto = rec_bytes(n);

	if (l->fd < 0 || pg <= 0)
		return;
	upto -= upto % (size_t)pg;
	if (upto)
		madvise(l->v, upto, MADV_DONTNEED);
}

/* The records leave the file for memory: the spool cannot grow. */
static int spool_to_memory(struct hs_ledger *l, uint32_t ncap)
{
	struct hs_lrec *v = malloc(rec_bytes(ncap));

	if (!v)
		return -ENOMEM;
	if (l->n)
		memcpy(v, l->v, rec_bytes(l->n));
	munmap(l->v, rec_bytes(l->cap));
	close(l->fd);
	l->fd = -1;
	l->v = v;
	l->cap = ncap;
	return 0;
}

static int spool_grow(struct hs_ledger *l)
{
	uint32_t ncap = l->cap ? l->cap * 2 : SPOOL_FIRST;
	struct hs_lrec *nv;
	void *p;

	if (ncap <= l->cap || rec_bytes(ncap) / sizeof(*nv) != ncap)
		return -ENOMEM;
	if (l->fd >= 0) {
		if (posix_fallocate(l->fd, 0, (off_t)rec_bytes(ncap)) == 0) {
			p = l->v ? mremap(l->v, rec_bytes(l->cap),
					  rec_bytes(ncap), MREMAP_MAYMOVE)
				 : mmap(NULL, rec_bytes(ncap),
					PROT_READ | PROT_WRITE, MAP_SHARED,
					l->fd, 0);
			if (p != MAP_FAILED) {
				l->v = p;
				l->cap = ncap;
				return 0;
			}
		}
		if (!l->v) { /* nothing spooled yet */
			close(l->fd);
			l->fd = -1;
		} else {
			return spool_to_memory(l, ncap);
		}
	}
	if (!(nv = reallocarray(l->v, ncap, sizeof(*nv))))
		return -ENOMEM;
	l->v = nv;
	l->cap = ncap;
	return 0;
}

/* An unnamed file in the directory of cache_path for the records, or
 * -1 (they stay in memory). Unnamed: nothing to clean up after a crash. */
static int open_spool(const char *cache_path)
{
	const char *slash = strrchr(cache_path, '/');
	size_t len = !slash ? 0 : slash == cache_path ? 1 : (size_t)(slash - cache_path);
	char dir[PATH_MAX];

	if (len >= sizeof(dir))
		return -1;
	memcpy(dir, len ? cache_path : ".", len ? len : 1);
	dir[len ? len : 1] = '\0';
	return open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
}

int hs_ledger_load(struct hs_ledger *l, const char *cache_path, size_t expect)
{
	uint64_t bits = 1u << 16;

	hs_ledger_free(l);
	while (bits < (uint64_t)expect * BLOOM_BITS_PER && bits < (1u << 31))
		bits <<= 1;
	if (!(l->bloom = calloc(bits / 64, sizeof(uint64_t))))
		return -ENOMEM;
	l->bloom_mask = (uint32_t)(bits - 1);
	l->loading = true;
	l->fd = open_spool(cache_path);
	return 0;
}

int hs_ledger_park(struct hs_ledger *l, const char *cache_path)
{
	int fd;
	void *p;
	uint32_t cap = l->n ? l->n : 1;

	if (l->loading || (fd = open_spool(cache_path)) < 0)
		return 0;
	if (posix_fallocate(fd, 0, (off_t)rec_bytes(cap)) != 0 ||
	    (p = mmap(NULL, rec_bytes(cap), PROT_READ | PROT_WRITE, MAP_SHARED,
		      fd, 0)) == MAP_FAILED) {
		close(fd);
		return 0; /* it stays in memory */
	}
	hc_hidx4_free(&l->bykey);
	hc_hidx4_free(&l->byid);
	if (l->n)
		memcpy(p, l->v, rec_bytes(l->n));
	free(l->v);
	l->v = p;
	l->cap = cap;
	l->fd = fd;
	l->loading = true;
	spool_drop(l, l->n);
	return 0;
}

/* Scan the records for (kind, uuid): the filter's "maybe" decided. */
static bool scan(const struct hs_ledger *l, uint8_t kind, const uint8_t *uuid)
{
	uint32_t i;
	bool hit = false;

	for (i = 0; i < l->n && !hit; i++) {
		hit = l->v[i].kind == kind && memcmp(l->v[i].uuid, uuid, 16) == 0;
		if (i % SPOOL_DROP == SPOOL_DROP - 1)
			spool_drop(l, i);
	}
	spool_drop(l, l->n);
	return hit;
}

bool hs_ledger_known(const struct hs_ledger *l, enum hs_kind kind,
		     const char *uuid)
{
	uint8_t u[16];

	if (!l->loading)
		return hs_ledger_find(l, kind, uuid, NULL) == 0;
	if (parse_uuid(uuid, u) < 0)
		return false;
	/* parked (no filter): the scan alone */
	return (!l->bloom || bloom_has(l, (uint8_t)kind, u)) &&
	       scan(l, (uint8_t)kind, u);
}

static int load_put(struct hs_ledger *l, enum hs_kind kind, const char *uuid,
		    uint32_t id, bool served)
{
	struct hs_lrec *r;
	int e;

	if (l->n == l->cap && (e = spool_grow(l)) < 0)
		return e;
	r = &l->v[l->n];
	memset(r, 0, sizeof(*r));
	if (parse_uuid(uuid, r->uuid) < 0)
		return -EINVAL;
	r->kind = (uint8_t)kind;
	r->id = id;
	r->flags = L_USED | (served ? HS_LEDGER_SERVED : 0);
	bloom_add(l, r->kind, r->uuid);
	if (++l->n % SPOOL_DROP == 0)
		spool_drop(l, l->n);
	l->live++;
	return 0;
}

static bool load_unserve(struct hs_ledger *l, uint8_t kind, uint32_t id)
{
	uint32_t i;
	bool hit = false;

	for (i = 0; i < l->n && !hit; i++) {
		struct hs_lrec *r = &l->v[i];

		if (r->kind == kind && r->id == id &&
		    (r->flags & HS_LEDGER_SERVED)) {
			r->flags &= (uint8_t)~HS_LEDGER_SERVED;
			hit = true;
		}
		if (i % SPOOL_DROP == SPOOL_DROP - 1)
			spool_drop(l, i);
	}
	spool_drop(l, l->n);
	return hit;
}

int hs_ledger_index(struct hs_ledger *l)
{
	uint32_t i, cap = l->n > 1024 ? l->n : 1024;
	struct hs_lrec *v;
	int e;

	if (!l->loading)
		return 0;
	if (l->fd >= 0) {
		/* into memory, a chunk at a time, the file's pages dropped */
		if (!(v = malloc(rec_bytes(cap))))
			return -ENOMEM;
		for (i = 0; i < l->n; i += SPOOL_DROP) {
			uint32_t m = l->n - i < SPOOL_DROP ? l->n - i : SPOOL_DROP;

			memcpy(v + i, l->v + i, rec_bytes(m));
			spool_drop(l, i + m);
		}
		munmap(l->v, rec_bytes(l->cap));
		close(l->fd);
		l->fd = -1;
		l->v = v;
		l->cap = cap;
	}
	free(l->bloom);
	l->bloom = NULL;
	l->loading = false;
	if ((e = hc_hidx4_reserve(&l->bykey, l->n)) < 0 ||
	    (e = hc_hidx4_reserve(&l->byid, l->n)) < 0)
		return e;
	l->free = 0;
	for (i = l->n; i >= 1; i--) {
		struct hs_lrec *r = &l->v[i - 1];

		if (!(r->flags & L_USED)) { /* parked with its free items */
			r->id = l->free;
			l->free = i;
			continue;
		}
		hc_hidx4_insert(&l->bykey, key_hash(r->kind, r->uuid), i);
		if (r->flags & HS_LEDGER_SERVED)
			hc_hidx4_insert(&l->byid, id_hash(r->kind, r->id), i);
	}
	return 0;
}

static uint32_t *find_key(const struct hs_ledger *l, enum hs_kind kind,
			  const char *uuid, struct lkey *k)
{
	k->kind = (uint8_t)kind;
	if (parse_uuid(uuid, k->uuid) < 0)
		return NULL;
	return hc_hidx4_find(&l->bykey, key_hash(k->kind, k->uuid), eq_key, l,
			     k);
}

int hs_ledger_find(const struct hs_ledger *l, enum hs_kind kind,
		   const char *uuid, struct hs_lrec *out)
{
	struct lkey k;
	uint32_t *it = find_key(l, kind, uuid, &k);

	if (!it)
		return -ENOENT;
	if (out)
		*out = *rec(l, *it);
	return 0;
}

int hs_ledger_key_of(const struct hs_ledger *l, enum hs_kind kind,
		     uint32_t id, char *buf, size_t len)
{
	struct lid k = { (uint8_t)kind, id };
	uint32_t *it = hc_hidx4_find(&l->byid, id_hash(k.kind, id), eq_id, l,
				     &k);
	char uuid[16], text[40];
	struct berval bv = { sizeof(uuid), uuid };

	if (!it)
		return -ENOENT;
	memcpy(uuid, rec(l, *it)->uuid, sizeof(uuid));
	if (hs_uuid_text(&bv, text, sizeof(text)) < 0)
		return -EINVAL;
	return hs_entry_key(kind, text, buf, len);
}

/* Take item out of the id table, if it is in it (served). */
static void unlink_id(struct hs_ledger *l, uint32_t item)
{
	const struct hs_lrec *r = rec(l, item);
	struct lid k = { r->kind, r->id };

	if (r->flags & HS_LEDGER_SERVED)
		hc_hidx4_remove(&l->byid, id_hash(k.kind, k.id), eq_id, l, &k);
}

static int new_item(struct hs_ledger *l, uint32_t *item)
{
	if (l->free) {
		*item = l->free;
		l->free = l->v[*item - 1].id; /* the free list's link */
		return 0;
	}
	if (l->n == l->cap) {
		uint32_t ncap = l->cap ? l->cap * 2 : 1024;
		struct hs_lrec *nv;

		if (ncap <= l->cap || !(nv = reallocarray(l->v, ncap, sizeof(*nv))))
			return -ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	*item = ++l->n;
	return 0;
}

int hs_ledger_put(struct hs_ledger *l, enum hs_kind kind, const char *uuid,
		  uint32_t id, bool served)
{
	struct lkey k;
	uint32_t *it, item;
	struct hs_lrec *r;
	int e;

	if (l->loading) /* the refresh delivers each entry once */
		return load_put(l, kind, uuid, id, served);
	it = find_key(l, kind, uuid, &k);
	if (!it && parse_uuid(uuid, k.uuid) < 0)
		return -EINVAL;
	/* room first: nothing below may fail half-way */
	if ((e = hc_hidx4_reserve(&l->byid, 1)) < 0)
		return e;
	if (it) {
		item = *it;
		unlink_id(l, item);
	} else {
		if ((e = hc_hidx4_reserve(&l->bykey, 1)) < 0 ||
		    (e = new_item(l, &item)) < 0)
			return e;
		r = &l->v[item - 1];
		memset(r, 0, sizeof(*r));
		r->kind = k.kind;
		memcpy(r->uuid, k.uuid, 16);
		r->flags = L_USED;
		hc_hidx4_insert(&l->bykey, key_hash(k.kind, k.uuid), item);
		l->live++;
	}
	r = &l->v[item - 1];
	r->id = id;
	r->flags = L_USED | (served ? HS_LEDGER_SERVED : 0);
	if (served)
		hc_hidx4_insert(&l->byid, id_hash(r->kind, id), item);
	return 0;
}

bool hs_ledger_del(struct hs_ledger *l, enum hs_kind kind, const char *uuid)
{
	struct lkey k;
	uint32_t *it = find_key(l, kind, uuid, &k), item;

	if (!it)
		return false;
	item = *it;
	unlink_id(l, item);
	hc_hidx4_remove(&l->bykey, key_hash(k.kind, k.uuid), eq_key, l, &k);
	memset(&l->v[item - 1], 0, sizeof(l->v[0]));
	l->v[item - 1].id = l->free;
	l->free = item;
	l->live--;
	return true;
}

bool hs_ledger_unserve_id(struct hs_ledger *l, enum hs_kind kind, uint32_t id)
{
	struct lid k = { (uint8_t)kind, id };
	uint32_t *it, item;

	if (l->loading) /* rare: a contested entry taken back out */
		return load_unserve(l, k.kind, id);
	it = hc_hidx4_find(&l->byid, id_hash(k.kind, id), eq_id, l, &k);
	if (!it)
		return false;
	item = *it;
	unlink_id(l, item);
	l->v[item - 1].flags &= (uint8_t)~HS_LEDGER_SERVED;
	return true;
}
