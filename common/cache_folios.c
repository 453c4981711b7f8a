/* A large cache file just written, read back into the page cache in huge
 * folios, so that every process that maps it maps it 2 MiB at a time.
 *
 * Why: a lookup touches two unrelated places of the file (an index entry,
 * then the record), and in a file of a million members both are TLB
 * misses when the file is mapped in 4 KiB pages; in a virtual machine a
 * TLB miss walks two page tables. The kernel maps a file with PMD entries
 * where its page cache holds 2 MiB folios (filesystems with large folios:
 * ext4 from Linux 6.16, XFS), in any process, without being asked. What
 * folio sizes the writer leaves is up to how it wrote: hcoop-sync's spool
 * and render leave a mix. At 1,000,000 members a reader mapped 26 MiB of
 * the 160 MiB file with 2 MiB entries; read back here, 141 MiB. Measured
 * then (the module alone, one reader alternated over the two files, 16
 * and 12 runs): getpwnam 157.1 -> 124.2 ns, getpwuid 132.8 -> 108.0 ns
 * (medians); the write took 0.2 s more (3.0 -> 3.2 s), its peak resident
 * set the same. A 19 MiB file gained nothing (most of it is within the
 * TLB's reach anyway), hence WARM_MIN.
 *
 * How: the file is clean after its fsync, so its pages can be dropped
 * (POSIX_FADV_DONTNEED) and read back through a mapping marked
 * MADV_HUGEPAGE, whose faults read 2 MiB folios. One 2 MiB step at a
 * time, each unmapped (MADV_DONTNEED) before the next: the writer's
 * resident set grows by one step at most, whatever the file's size. The
 * first steps are probes: where none came back as one huge folio (a
 * kernel or filesystem without them, THP disabled), nothing more is
 * dropped (a page this process still maps cannot be dropped: the
 * builder's spool is unmapped from it before, hcb_spool_drop). Best
 * effort throughout: the file is already durable, and a
 * failure here changes only how fast it is read. */
#include "cache.h"
#include "cache_builder.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14; before it: EINVAL, a no-op */
#endif

#define HUGE_STEP ((size_t)2 << 20)
#define WARM_MIN ((size_t)32 << 20)
/* steps that probe for a huge folio before giving up: one could fail for
 * a page still mapped (by anyone), not for want of huge folios */
#define WARM_PROBES 4

/* KiB of file pages this process maps with PMD entries; -1 unknown. */
static long file_pmd_kib(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "re");
	char line[128];
	long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "FilePmdMapped: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* [off, off + n) of fd dropped from the page cache and read back from
 * the disk through m, fd's MADV_HUGEPAGE mapping (the caller unmaps it
 * from this process afterwards; the page cache keeps it). */
static int reread(int fd, char *m, size_t off, size_t n)
{
	(void)posix_fadvise(fd, (off_t)off, (off_t)n, POSIX_FADV_DONTNEED);
	return madvise(m + off, n, MADV_POPULATE_READ);
}

void hcb_warm_huge(int fd, size_t n)
{
	bool huge = false;
	size_t off, k, i;
	long before;
	char *m;

	if (n < WARM_MIN)
		return;
	m = hc_map_file(fd, n);
	if (m == MAP_FAILED)
		return;
	/* a PMD entry needs the mapping aligned as the file is (the
	 * fallback of hc_map_file is not) */
	if ((uintptr_t)m % HUGE_STEP != 0 || madvise(m, n, MADV_HUGEPAGE) < 0)
		goto out;
	for (off = 0, i = 0; off < n; off += HUGE_STEP, i++) {
		k = n - off < HUGE_STEP ? n - off : HUGE_STEP;
		before = i < WARM_PROBES && !huge ? file_pmd_kib() : -1;
		if (reread(fd, m, off, k) < 0)
			break;
		if (before >= 0 && file_pmd_kib() - before >= (long)(k >> 10))
			huge = true;
		(void)madvise(m + off, k, MADV_DONTNEED);
		if (i + 1 == WARM_PROBES && !huge)
			break; /* no huge folio: leave the rest as it is */
	}
out:
	munmap(m, n);
}
