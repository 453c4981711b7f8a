/* Cache writer, on disk: a file rendered straight into its temp file (or
 * given as a buffer) replaces the old one atomically (temp file, fsync,
 * rename, directory fsync), the old one is flagged superseded for the
 * readers that map it, temp files of killed writers are swept (the one
 * sweep, hc_remove_stale_tmp), and a delta is retired. */
#include "cache.h"
#include "hidx.h"
#include "cache_format.h"
#include "fileio.h"
#include "cache_builder.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

char *hcb_delta_path(const char *main_path)
{
	size_t n = strlen(main_path);
	char *p = malloc(n + sizeof(HC_DELTA_SUFFIX));

	if (p) {
		memcpy(p, main_path, n);
		memcpy(p + n, HC_DELTA_SUFFIX, sizeof(HC_DELTA_SUFFIX));
	}
	return p;
}

/* ---- atomic replacement ---- */

/* The file now at path, opened before our rename so that afterwards we can
 * flag exactly the file we replaced. Only a file of ours is touched. */
int hcb_open_old(const char *path)
{
	char magic[HC_CACHE_MAGIC_LEN];
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);

	if (fd < 0)
		return -1;
	if (pread(fd, magic, sizeof(magic), 0) != (ssize_t)sizeof(magic) ||
	    memcmp(magic, HC_CACHE_MAGIC, sizeof(magic)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Step the file's superseded counter (cache_format.h): readers compare
 * it with the value they saw at open. One writer at a time (the lock of
 * hcoop-sync), so read-modify-write is enough. */
static void flag_superseded(int fd)
{
	uint32_t v = 0;

	if (fd < 0)
		return;
	/* best effort: readers also notice by a throttled stat */
	if (pread(fd, &v, sizeof(v), HC_OFF_SUPERSEDED) != (ssize_t)sizeof(v))
		v = 0;
	v = le32toh(v) + 1;
	v = htole32(v ? v : 1);
	if (pwrite(fd, &v, sizeof(v), HC_OFF_SUPERSEDED) < 0) {
		/* nothing more to do */
	}
	close(fd);
}

/* ---- the bytes of the temp file ---- */

/* Finished pages go back in steps of this much: few system calls, and
 * little of the file resident at any time. */
#define OUT_STEP ((size_t)256 << 10)

void hcb_out_done(struct hcb_out *o, size_t upto, bool force)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), end;

	if (!o->mapped || upto > o->n)
		return;
	end = upto & ~(page - 1);
	if (end <= o->given || (!force && end - o->given < OUT_STEP))
		return;
	/* a shared file mapping: the dirty pages stay in the page cache and
	 * reach the file; only this process's mapping of them goes */
	(void)madvise(o->p + o->given, end - o->given, MADV_DONTNEED);
	o->given = end;
}

/* The fallback: render into a private zeroed buffer, then write it. */
static int fill_buffered(int fd, const struct hcb_content *c)
{
	struct hcb_out o = { .n = c->n };
	int r;

	/* huge pages where the kernel allows them: faulting in tens of MB
	 * 4 KiB at a time is a visible share of a write */
	o.p = mmap(NULL, c->n, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (o.p == MAP_FAILED)
		return -ENOMEM;
	(void)madvise(o.p, c->n, MADV_HUGEPAGE);
	r = 0;
	if (c->keep && pread(fd, o.p, c->keep, 0) != (ssize_t)c->keep)
		r = -EIO;
	if (r == 0)
		r = c->render(c->ctx, &o);
	if (r == 0 && lseek(fd, 0, SEEK_SET) < 0)
		r = -errno;
	if (r == 0)
		r = hc_write_all(fd, o.p, c->n);
	munmap(o.p, c->n);
	return r;
}

/* Reserve the file's blocks, then render straight into its pages. A
 * filesystem without fallocate (and no emulation) or without shared
 * mappings takes the buffered path; a full one fails here, before any
 * page of the mapping can be dirtied. */
static int fill(int fd, const struct hcb_content *c)
{
	struct hcb_out o = { .n = c->n, .mapped = true };
	struct stat st;
	int r;

	if (!c->render)
		return hc_write_all(fd, c->buf, c->n);
	/* a spool reserved ahead of its records: the file is exactly n */
	if (c->keep && fstat(fd, &st) == 0 && (uint64_t)st.st_size > c->n &&
	    ftruncate(fd, (off_t)c->n) < 0)
		return -errno;
	do
		r = posix_fallocate(fd, 0, (off_t)c->n);
	while (r == EINTR);
	if (r == EOPNOTSUPP || r == ENODEV)
		return fill_buffered(fd, c);
	if (r != 0)
		return -r;
	o.p = mmap(NULL, c->n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (o.p == MAP_FAILED)
		return fill_buffered(fd, c);
	r = c->render(c->ctx, &o);
	/* munmap leaves the dirty pages to the fsync that follows */
	munmap(o.p, c->n);
	return r;
}

/* ---- the replacement ---- */

/* Bytes compared at a time: two buffers this size are all the memory the
 * comparison takes, whatever the file's size (the daemon's peak). */
#define CMP_STEP ((size_t)256 << 10)

/* The header fields every write sets anew (cache_format.h): zeroed in
 * both copies before they are compared. */
static void blank_volatile(uint8_t *h, size_t n)
{
	static const struct { size_t off, len; } f[] = {
		{ HC_OFF_SUPERSEDED, 4 }, { HC_OFF_CHECKSUM, 4 },
		{ HC_OFF_GENERATION, 8 }, { HC_OFF_REFRESHED, 8 },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i].off + f[i].len <= n)
			memset(h + f[i].off, 0, f[i].len);
}

/* Does path, a cache file of ours with no delta beside it, hold the n
 * bytes of fd but for the header's volatile fields? Any doubt (a read
 * error, no memory, a delta) is "no": then the file is written as ever. */
static bool same_file(const char *path, int fd, size_t n)
{
	char *dpath = hcb_delta_path(path);
	uint8_t *a = malloc(CMP_STEP), *b = malloc(CMP_STEP);
	struct stat st, dst;
	bool same = false;
	int old = -1;
	size_t off;

	if (!dpath || !a || !b || lstat(dpath, &dst) == 0 || errno != ENOENT)
		goto out;
	old = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (old < 0 || fstat(old, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != n)
		goto out;
	for (off = 0; off < n; off += CMP_STEP) {
		size_t k = n - off < CMP_STEP ? n - off : CMP_STEP;

		if (pread(old, a, k, (off_t)off) != (ssize_t)k ||
		    pread(fd, b, k, (off_t)off) != (ssize_t)k)
			goto out;
		if (off == 0) {
			blank_volatile(a, k);
			blank_volatile(b, k);
		}
		if (memcmp(a, b, k) != 0)
			goto out;
	}
	same = true;
out:
	if (old >= 0)
		close(old);
	free(a);
	free(b);
	free(dpath);
	return same;
}

int hcb_replace_file(const char *path, const struct hcb_content *c,
		     int also)
{
	char tmp[4096];
	int fd;

	(void)hc_remove_stale_tmp(path, NULL);
	fd = hc_create_tmp(path, tmp, sizeof(tmp));
	if (fd < 0) {
		if (also >= 0)
			close(also);
		return fd;
	}
	return hcb_replace_with(path, fd, tmp, c, also);
}

int hcb_replace_with(const char *path, int fd, const char *tmp,
		     const struct hcb_content *c, int also)
{
	int oldfd = -1, r;

	/* created 0600 (O_EXCL), made world-readable on purpose, whatever
	 * the umask */
	if (fchmod(fd, 0644) < 0) {
		r = -errno;
		goto discard;
	}
	r = fill(fd, c);
	if (r < 0)
		goto discard;
	/* before the fsync: an unchanged file costs no disk write */
	if (c->keep_same && same_file(path, fd, c->n)) {
		r = HC_CACHE_UNCHANGED;
		goto discard;
	}
	if (fsync(fd) < 0) {
		r = -errno;
		goto discard;
	}
	/* before the rename: no reader has mapped a page of it yet */
	hcb_warm_huge(fd, c->n);
	if (close(fd) < 0) {
		fd = -1;
		r = -errno;
		goto discard;
	}
	fd = -1;
	oldfd = hcb_open_old(path);
	if (rename(tmp, path) < 0) {
		r = -errno;
		goto discard;
	}
	r = hc_fsync_dir_of(path);
	flag_superseded(oldfd);
	flag_superseded(also);
	return r;
discard: /* a failure, or nothing to replace */
	if (fd >= 0)
		close(fd);
	if (oldfd >= 0)
		close(oldfd);
	if (also >= 0)
		close(also);
	unlink(tmp);
	return r;
}

int hc_cache_delta_retire(const char *main_path)
{
	char *dpath = hcb_delta_path(main_path);
	int fd, r = 0;

	if (!dpath)
		return -ENOMEM;
	(void)hc_remove_stale_tmp(dpath, NULL); /* a delta write killed midway */
	fd = hcb_open_old(dpath);
	if (fd >= 0) {
		flag_superseded(fd);
		if (unlink(dpath) < 0 && errno != ENOENT)
			r = -errno;
		else
			r = hc_fsync_dir_of(dpath);
	} /* none, or not ours: left alone (readers ignore it by its base) */
	free(dpath);
	return r;
}
