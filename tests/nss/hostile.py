#!/usr/bin/env python3
"""Write hostile variants of a valid cache file (one that has a group
"big" with many members and a user "alice") into a directory: the packed
member block of "big" (format v5 and later), or one of alice's strings, being one
long run of non-NUL bytes appended to the file (LEN bytes, default 8 MiB,
then the final NUL), with the header's file size and checksum fixed so the
file passes open and reaches the per-lookup checks. For the block,
GROUP_DATA is stretched to the end of the file so the block lies inside
it, and big keeps its member count, so the block passes the record's O(1)
checks and is sized and copied: only the pass over the copy, which stops
HC_MAX_NAME bytes in, finds it corrupt. A reader that does not bound
string lengths scans LEN bytes per string.
Usage: hostile.py CACHE OUTDIR [LEN]"""
import os, struct, sys

src, out = sys.argv[1], sys.argv[2]
run_len = int(sys.argv[3]) if len(sys.argv) > 3 else 8 << 20
data = open(src, "rb").read()
HDR = struct.unpack_from("<I", data, 12)[0]  # header size (152 in v5)

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
nmem = struct.unpack_from("<I", d, g + 8)[0]
gd_off = sec(d, 3)[0]
d += bytes((-len(d)) % 4)  # GROUP_DATA's size is a multiple of 4
struct.pack_into("<I", d, 24, len(d))
struct.pack_into("<I", d, 72 + 8 * 3 + 4, len(d) - gd_off)  # GROUP_DATA size
struct.pack_into("<II", d, g + 12, run, run_len + 1)  # block, block_len (v5)
assert run_len + 1 <= nmem * 256, "the run must pass the block's O(1) checks"
struct.pack_into("<I", d, 28, checksum(d))
open(os.path.join(out, "long-members"), "wb").write(d)

u = find_user(data, "alice")
# the user record's fields (v6: dn and host before the offset naming it)
for field, at in (("name", 0), ("gecos", 4), ("dir", 8), ("shell", 12), ("dn", -16), ("host", -12)):
    d, run = with_run(data)
    struct.pack_into("<I", d, u + at, run)
    open(os.path.join(out, "long-user-" + field), "wb").write(d)
print(nmem)
