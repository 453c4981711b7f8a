#!/usr/bin/env python3
"""Write hostile variants of a valid cache file (one that has a group
"big" with many members and a user "alice") into a directory: every
member offset of "big", or one of alice's strings, pointing at one long
run of non-NUL bytes appended to the file (LEN bytes, default 8 MiB, then
the final NUL), with the header's file size and checksum fixed so the file
passes open and reaches the per-lookup checks. A reader that does not bound
string lengths spends nmembers x LEN on one getgrnam.
Usage: hostile.py CACHE OUTDIR [LEN]"""
import os, struct, sys

src, out = sys.argv[1], sys.argv[2]
run_len = int(sys.argv[3]) if len(sys.argv) > 3 else 8 << 20
data = open(src, "rb").read()
HDR = 128

def checksum(h):
    h = bytearray(h[:HDR])
    h[20:24] = b"\0\0\0\0"
    h[28:32] = b"\0\0\0\0"
    x = 2166136261
    for b in h:
        x = ((x ^ b) * 16777619) & 0xffffffff
    return x

def cstr(d, off):
    return bytes(d[off:d.index(b"\0", off)]).decode()

def sec(d, i):
    return struct.unpack_from("<II", d, 72 + 8 * i)  # v5 section table

def with_run(d):
    """d + the run + NUL, size and checksum fixed; returns (bytes, run offset)."""
    pad = (-len(d)) % 4
    run = len(d) + pad
    d = bytearray(d) + bytes(pad) + b"A" * run_len + b"\0"
    struct.pack_into("<I", d, 24, len(d))
    struct.pack_into("<I", d, 28, checksum(d))
    return d, run

def find_group(d, name):
    gt_off, gt_size = sec(d, 2)
    gd_off, gd_size = sec(d, 3)
    for k in range(gt_size // 4):
        rec = struct.unpack_from("<I", d, gt_off + 4 * k)[0]
        if gd_off <= rec < gd_off + gd_size and cstr(d, struct.unpack_from("<I", d, rec)[0]) == name:
            return rec
    sys.exit("hostile.py: no group %s" % name)

def find_user(d, name):
    ut_off, ut_size = sec(d, 0)
    for k in range(ut_size // 4):
        rec = struct.unpack_from("<I", d, ut_off + 4 * k)[0]
        if cstr(d, struct.unpack_from("<I", d, rec)[0]) == name:
            return rec
    sys.exit("hostile.py: no user %s" % name)

d, run = with_run(data)
g = find_group(d, "big")
nmem, moff = struct.unpack_from("<II", d, g + 8)
for i in range(nmem):
    struct.pack_into("<I", d, moff + 4 * i, run)
open(os.path.join(out, "long-members"), "wb").write(d)

u = find_user(data, "alice")
for field, at in (("name", 0), ("gecos", 4), ("dir", 8), ("shell", 12), ("dn", 16), ("host", 20)):
    d, run = with_run(data)
    struct.pack_into("<I", d, u + at, run)
    open(os.path.join(out, "long-user-" + field), "wb").write(d)
print(nmem)
