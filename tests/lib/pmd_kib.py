#!/usr/bin/python3
"""pmd_kib.py FILE [probe]: map all of FILE (read-only, shared, at the
address the kernel picks: not hc_map_file's alignment), touch every
page, and print the KiB of the mapping that the kernel maps with PMD
(2 MiB) entries (FilePmdMapped in /proc/self/smaps), then the file's
size in KiB. With "probe", the file's pages are first dropped from the
page cache and read back through a MADV_HUGEPAGE mapping: what this
kernel and filesystem can do at all, whoever wrote the file.
Used by tests/nss/t-folios.sh; mapped_pmd_kib by tests/nss/module_pmd.py."""
import mmap
import os
import sys


def mapped_pmd_kib(name, size):
    """KiB this process maps with PMD entries of its mappings of a file
    called name (the last part of its path: on an overlay the kernel may
    name the file of the layer below) that are as long as size, in
    pages."""
    pages = (size + 4095) // 4096 * 4096
    kib, inside = 0, False
    with open("/proc/self/smaps") as f:
        for line in f:
            first = line.split()[0] if line.strip() else ""
            if "-" in first and not first.endswith(":"):
                lo, hi = (int(x, 16) for x in first.split("-"))
                inside = (line.rstrip().endswith("/" + name)
                          and hi - lo == pages)
            elif inside and line.startswith("FilePmdMapped:"):
                kib += int(line.split()[1])
    return kib


def main():
    path = sys.argv[1]
    probe = len(sys.argv) > 2 and sys.argv[2] == "probe"
    fd = os.open(path, os.O_RDONLY)
    size = os.fstat(fd).st_size
    if probe:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    m = mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ)
    if probe:
        m.madvise(mmap.MADV_HUGEPAGE)
    s = 0
    for off in range(0, size, 4096):
        s += m[off]
    kib = mapped_pmd_kib(os.path.basename(os.path.realpath(path)), size)
    print(kib, size // 1024)


if __name__ == "__main__":
    main()
