#!/bin/bash
# A large cache file is left in the page cache in huge folios (issue 13,
# common/cache_folios.c), so a reader maps it with 2 MiB entries: where
# the kernel and the filesystem of the test's temp dir can hold a file's
# pages in huge folios at all (probed first, independently of our code),
# a reader of a 48 MiB cache written by hcoop-mkcache maps at least 3/4
# of it with PMD entries. Without the read-back the folios the writer
# leaves are mapped so for under a tenth of it (4 of 46 MiB, measured
# here). The file's bytes are those of the same spec written to tmpfs,
# where no read-back happens.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/nss/lib.sh"
T=$(hc_tmpdir)

# KiB of a file a reader maps with PMD entries (tests/lib/pmd_kib.py)
pmd_kib() { # file [probe]
	"$HC_SRC/tests/lib/pmd_kib.py" "$@" | cut -d' ' -f1
}

head -c $((8 << 20)) /dev/urandom >"$T/probe"
probe=$(pmd_kib "$T/probe" probe)
[ "${probe:-0}" -gt 0 ] ||
	skip_all "this kernel or the filesystem of $T keeps no file in huge folios (a MADV_HUGEPAGE read-back of 8 MiB: ${probe:-?} KiB mapped with PMD entries)"
diag "probe: $probe KiB of 8192 mapped with PMD entries"

nss_spec 250000 0 >"$T/spec"
check "hcoop-mkcache writes a large cache" "$MKCACHE" -g 7 -s ldap.test "$T/cache" <"$T/spec"
size=$(stat -c %s "$T/cache")
diag "cache: $size bytes"
check "the cache is over the 32 MiB below which nothing is read back" test "$size" -gt $((32 << 20))
got=$(pmd_kib "$T/cache")
need=$((size / 1024 * 3 / 4))
check "a reader maps $got KiB of its $((size / 1024)) KiB with PMD entries (at least 3/4)" \
	test "${got:-0}" -ge "$need"

shm=$(mktemp -d /dev/shm/hcoop-folios.XXXXXX)
hc_on_exit "rm -rf '$shm'"
check "the same spec written to tmpfs" "$MKCACHE" -g 7 -s ldap.test "$shm/cache" <"$T/spec"
# the header holds the write's time: the rest must be the same bytes
check "the bytes after the header are the same" cmp -i 152 "$T/cache" "$shm/cache"
check "alice is found in the large cache" sh -c \
	"'$MKCACHE' -d '$T/cache' | grep -q '^U:alice:10001:'"

# The module's own mapping, with the cache under an overlay (as in make
# bench): overlayfs does not ask for a 2 MiB-aligned address, so a plain
# mmap gets none and no 2 MiB entry; hc_map_file aligns it itself.
mkdir -p "$T/ovl/lower" "$T/ovl/upper" "$T/ovl/work"
ln "$T/cache" "$T/ovl/lower/cache"
out=$(unshare -m --propagation private sh -c "
	mount -t overlay hcoop-folios -o lowerdir='$T/ovl/lower',upperdir='$T/ovl/upper',workdir='$T/ovl/work' /var/lib/hcoop &&
	'$HC_SRC/tests/nss/module_pmd.py' '$HC_BUILD/libnss_hcoop.so.2' 250000 20001")
read -r mgot msize mfound <<<"$out"
is "the module finds the 250,000 users through the overlay" "${mfound:-}" 250000
check "the module maps ${mgot:-?} KiB of ${msize:-?} KiB with PMD entries through the overlay (at least 3/4)" \
	test "${mgot:-0}" -ge "$need"
