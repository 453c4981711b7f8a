#!/usr/bin/env python3
"""Write damaged variants of a valid cache file into a directory:
truncations, bit flips, wrong version/magic/byte order, empty, huge counts
and hostile offsets (the last with a recomputed header checksum, so they
get past the checksum and reach the section and record checks).
Usage: corrupt.py CACHE OUTDIR"""
import os, random, struct, sys

src, out = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
random.seed(42)
HDR = struct.unpack_from("<I", data, 12)[0]  # header size (152 in v5)

def checksum(h):
    h = bytearray(h[:HDR])
    h[20:24] = b"\0\0\0\0"
    h[28:32] = b"\0\0\0\0"
    x = 2166136261
    for b in h:
        x = ((x ^ b) * 16777619) & 0xffffffff
    return x

def fixsum(d):
    d = bytearray(d)
    d[28:32] = struct.pack("<I", checksum(d))
    return bytes(d)

def put32(d, off, v, fix=True):
    d = bytearray(d)
    d[off:off + 4] = struct.pack("<I", v & 0xffffffff)
    return fixsum(d) if fix else bytes(d)

n = 0
def emit(name, d):
    global n
    n += 1
    open(os.path.join(out, "%04d-%s" % (n, name)), "wb").write(d)

emit("empty", b"")
emit("zeros", bytes(len(data)))
emit("magic", b"XCOOPC1\n" + data[8:])
emit("version", put32(data, 8, struct.unpack_from("<I", data, 8)[0] + 1))
emit("byteorder", put32(data, 16, 0x04030201))
emit("filesize", put32(data, 24, len(data) + 4))
emit("nousers-huge", put32(data, 52, 0xffffffff))
emit("ngroups-huge", put32(data, 56, 0x7fffffff))
emit("no-final-nul", data[:-1] + b"x")
SEC0 = 72  # the section table (v5: after base_generation at 64)
for sec in range((HDR - SEC0) // 8):
    emit("sec%d-off-huge" % sec, put32(data, SEC0 + 8 * sec, 0xfffffff0))
    emit("sec%d-size-huge" % sec, put32(data, SEC0 + 4 + 8 * sec, 0xfffffff0))
    emit("sec%d-off-zero" % sec, put32(data, SEC0 + 8 * sec, 0))
    emit("sec%d-off-odd" % sec, put32(data, SEC0 + 8 * sec, 130))
# hostile record, string and slot values inside the body (checksum is
# only over the header, so these reach the per-lookup checks)
for i in range(200):
    off = random.randrange(HDR, len(data) - 4) & ~3
    emit("word-%d" % off, put32(data, off, random.choice(
        [0, 1, 0xffffffff, 0x7fffffff, len(data), len(data) - 1, HDR, random.getrandbits(32)]), fix=False))
# compact user private groups (format v3): hostile upg fields in user
# records, GROUP_TABLE entries naming user records (with and without a
# private group, misaligned)
ut_off, ut_size = struct.unpack_from("<II", data, SEC0)
gt_off, gt_size = struct.unpack_from("<II", data, SEC0 + 16)
for k in range(min(8, ut_size // 4)):
    rec = struct.unpack_from("<I", data, ut_off + 4 * k)[0]
    for v in (0xffffffff, gt_size // 4 + 1, gt_size // 4, 1, 0):
        emit("upg-%d-%x" % (k, v), put32(data, rec + 40, v, fix=False))
for k in range(min(8, gt_size // 4)):
    rec = struct.unpack_from("<I", data, ut_off + 4 * k)[0]
    emit("gtab-%d-user" % k, put32(data, gt_off + 4 * k, rec, fix=False))
    emit("gtab-%d-user4" % k, put32(data, gt_off + 4 * k, rec + 4, fix=False))
for cut in sorted(set([0, 1, 8, 64, 127, 128, 129, len(data) - 1] +
                      [random.randrange(len(data)) for _ in range(60)])):
    emit("trunc-%d" % cut, data[:cut])
for i in range(200):
    d = bytearray(data)
    off = random.randrange(len(d))
    d[off] ^= 1 << random.randrange(8)
    emit("flip-%d" % off, bytes(d))
print(n)
