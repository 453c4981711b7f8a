#!/usr/bin/env python3
"""Write hostile variants of the packed member block (cache format v5,
cache_format.h GROUP_DATA) of one group of a valid cache file into a
directory, one file per variant, named after what is wrong. Only the
group record and its block change (the header checksum covers the header
alone), so each file passes open and reaches the per-lookup checks.
Every variant must be refused as corrupt by a lookup of that group.
Usage: packed.py CACHE GROUP OUTDIR   (prints the variant names)"""
import os, struct, sys

src, group, out = sys.argv[1], sys.argv[2], sys.argv[3]
data = bytes(open(src, "rb").read())
MAX_NAME = 255
REC = 24  # HC_GREC_SIZE (v5)
G_NAME, G_GID, G_NMEMBERS, G_BLOCK, G_BLOCK_LEN = 0, 4, 8, 12, 16

def sec(d, i):
    return struct.unpack_from("<II", d, 72 + 8 * i)  # HC_OFF_SECTIONS (v5)

def cstr(d, off):
    return d[off:d.index(b"\0", off)].decode()

def find_group(d, name):
    gt_off, gt_size = sec(d, 2)
    gd_off, gd_size = sec(d, 3)
    for k in range(gt_size // 4):
        rec = struct.unpack_from("<I", d, gt_off + 4 * k)[0]
        if gd_off <= rec < gd_off + gd_size and \
                cstr(d, struct.unpack_from("<I", d, rec + G_NAME)[0]) == name:
            return rec
    sys.exit("packed.py: no group %s with a record" % name)

assert struct.unpack_from("<I", data, 8)[0] == 6, "packed.py knows format v6"
rec = find_group(data, group)
n, boff, blen = struct.unpack_from("<III", data, rec + G_NMEMBERS)
gd_off, gd_size = sec(data, 3)
gd_end = gd_off + gd_size
block = data[boff:boff + blen]
assert n >= 100 and block.count(b"\0") == n and block[-1] == 0, "need a group of 100+ members"

def with_fields(**f):
    d = bytearray(data)
    for k, v in f.items():
        struct.pack_into("<I", d, rec + {"n": G_NMEMBERS, "off": G_BLOCK, "len": G_BLOCK_LEN}[k],
                         v & 0xffffffff)
    return d

def with_block(b, **f):
    d = with_fields(**f)
    assert len(b) == blen
    d[boff:boff + blen] = b
    return d

# the NULs of the block, to merge names
nuls = [i for i, c in enumerate(block) if c == 0]
mid = len(nuls) // 2
merge = 0
while nuls[mid + merge] - (nuls[mid - 1] + 1) <= MAX_NAME:
    merge += 1  # names mid .. mid+merge become one name over the limit
long_name = bytearray(block)
for i in nuls[mid:mid + merge]:
    long_name[i] = ord("x")

variants = {
    # the block's bounds
    "len-past-section": with_fields(len=gd_end - boff + 4),
    "len-huge": with_fields(len=0xfffffff0),
    "len-zero": with_fields(len=0),
    "off-past-section": with_fields(off=gd_end),
    "off-before-section": with_fields(off=gd_off - 8),
    "off-wrap": with_fields(off=0xffffff00),
    # its final NUL
    "no-final-nul": with_block(block[:-1] + b"x"),
    # the count against the names
    "fewer-names": with_fields(n=n + 1),
    "more-names": with_fields(n=n - 1),
    "count-zero": with_fields(n=0),
    "count-huge": with_fields(n=0xffffffff),
    # a name over HC_MAX_NAME, the count matching the NULs
    "name-over-limit": with_block(bytes(long_name), n=n - merge),
    # one huge name: the whole block is one string (the count as before,
    # so it is sized and copied; the pass stops HC_MAX_NAME bytes in)...
    "huge-name": with_block(bytes(c if c else ord("A") for c in block[:-1]) + b"\0"),
    # ... and with a count of 1 (refused from the record alone)
    "huge-name-n1": with_block(bytes(c if c else ord("A") for c in block[:-1]) + b"\0", n=1),
}
for name, d in variants.items():
    open(os.path.join(out, "packed-" + name), "wb").write(d)
    print("packed-" + name)
