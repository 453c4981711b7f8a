#!/usr/bin/python3
"""module_pmd.py LIBNSS N FIRSTUID: look up uids FIRSTUID..FIRSTUID+N-1
through the NSS module's own getpwuid_r (dlopen), so that it maps
/var/lib/hcoop/cache and touches all of it; print the KiB of its mapping
of the cache that the kernel maps with PMD (2 MiB) entries, then the
file's size in KiB, then how many uids it found. Used by t-folios.sh and
bench/lib.sh (cache_folios): what the module maps, not what another
reader would."""
import ctypes
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from pmd_kib import mapped_pmd_kib  # noqa: E402

CACHE = "/var/lib/hcoop/cache"


def main():
    lib = ctypes.CDLL(sys.argv[1])
    n, first = int(sys.argv[2]), int(sys.argv[3])
    fn = lib._nss_hcoop_getpwuid_r
    fn.restype = ctypes.c_int
    fn.argtypes = [ctypes.c_uint, ctypes.c_void_p, ctypes.c_char_p,
                   ctypes.c_size_t, ctypes.POINTER(ctypes.c_int)]
    pw = ctypes.create_string_buffer(64)
    buf = ctypes.create_string_buffer(4096)
    err = ctypes.c_int(0)
    found = 0
    for uid in range(first, first + n):
        if fn(uid, pw, buf, len(buf), ctypes.byref(err)) == 1:
            found += 1
    size = os.stat(CACHE).st_size
    kib = mapped_pmd_kib(os.path.basename(CACHE), size)
    print(kib, size // 1024, found)


if __name__ == "__main__":
    main()
