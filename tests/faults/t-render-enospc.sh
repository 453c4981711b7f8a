#!/bin/bash
# Issue 13 item 3: the cache writer renders straight into a shared mapping
# of its temp file, after reserving the file's blocks (posix_fallocate);
# before that, --once spools the users' records into that same temp file,
# reserving its blocks as it grows (here: it is the spool's growth that
# fails, checked through the debug log).
# On a filesystem without room for the new file, the write must fail
# cleanly before any byte is written: a clear error naming the cache, exit
# status 4 (not a SIGBUS from a page of the mapping the filesystem cannot
# back), no temp file left, the old cache byte for byte and still served
# through glibc. Once there is room, the same write succeeds. Also: the
# writer on a filesystem without fallocate(2) (ramfs: glibc reserves the
# blocks by writing them).
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
[ -f "$HC_BUILD/libnss_hcoop.so.2" ] || { fail "libnss_hcoop.so.2 built"; exit 1; }
source "$HC_SRC/tests/faults/lib.sh"
# glibc's programs cannot load an ASan module: on the ASan tree the module
# comes from the normal tree, hcoop-sync ($HS_SYNC) is the ASan build's
if [ "${HC_SAN:-0}" = 1 ] && [ -f "$HC_SRC/build/libnss_hcoop.so.2" ]; then
	hc_ns_install_modules "$HC_SRC/build"
else
	hc_ns_install_modules
fi
hc_ns_nsswitch "files hcoop"

D=/var/lib/hcoop
mount -t tmpfs -o size=8m,mode=0755 hcoop-enospc "$D" || { fail "mount tmpfs on $D"; exit 1; }
hc_on_exit "umount -l '$D'"
HS_CACHE=$D/cache
hs_setup
"$HS_SYNC" -c "$HS_CONF" --once 2>"$HC_NS/once.err"
is "--once into a tmpfs with room" "$?" 0
is "getent passwd alice (old cache)" "$(getent passwd alice | cut -d: -f5)" "Alice Liddell"
cp "$HS_CACHE" "$HC_NS/cache.before"
size=$(stat -c %s "$HS_CACHE")
diag "cache: $size bytes"

slapd_modify >/dev/null <<EOT
dn: uid=alice,ou=People,$LDAP_BASE
changetype: modify
replace: gecos
gecos: No Room
EOT

# Room for half the new file: the old one stays, the new one cannot fit.
used=$(df -k --output=used "$D" | tail -1)
mount -o remount,size=$((used + size / 2048))k "$D" ||
	{ fail "shrink the tmpfs"; exit 1; }
rc=0
"$HS_SYNC" -c "$HS_CONF" --once --force --debug 2>"$HC_NS/full.err" || rc=$?
left=$(temp_files "$D")
same=no
cmp -s "$HS_CACHE" "$HC_NS/cache.before" && same=yes
fault_check "render into a full filesystem" \
	"tmpfs with room for half of a $size-byte cache" \
	"exit $rc, $left temp files, old cache intact: $same" \
	"exit 4 (no SIGBUS), 0, yes" \
	eval "[ $rc = 4 ] && [ $left = 0 ] && [ $same = yes ]"
is "a write that does not fit: exit 4, the write failed (not a signal)" "$rc" 4
like "the error names the cache and the cause" "$(cat "$HC_NS/full.err")" \
	"cannot write $HS_CACHE: No space left on device"
check_not "the users' records went to the spool (its growth is what failed)" \
	grep -q "stay in memory" "$HC_NS/full.err"
is "no temp file left" "$left" 0
is "old cache intact (byte-compared)" "$same" yes
is "old cache still served" "$(getent passwd alice | cut -d: -f5)" "Alice Liddell"
is "old cache: enumeration complete" \
	"$(getent passwd | awk -F: '$3 >= 10000 && $3 < 65534' | wc -l)" 606

mount -o remount,size=8m "$D"
"$HS_SYNC" -c "$HS_CONF" --once --force 2>>"$HC_NS/once.err"
is "with room again: the write succeeds" "$?" 0
is "the change is served" "$(getent passwd alice | cut -d: -f5)" "No Room"
is "no temp file after the write" "$(temp_files "$D")" 0

# ramfs has no fallocate(2): glibc's posix_fallocate writes the blocks.
umount "$D" && mount -t ramfs -o mode=0755 hcoop-ramfs "$D" ||
	{ fail "mount ramfs on $D"; exit 1; }
"$HS_SYNC" -c "$HS_CONF" --once --force 2>>"$HC_NS/once.err"
is "--once into ramfs (no fallocate(2))" "$?" 0
is "ramfs: served" "$(getent passwd alice | cut -d: -f5)" "No Room"
is "ramfs: file size as written" "$(stat -c %s "$HS_CACHE")" \
	"$(od -An -tu4 -j24 -N4 "$HS_CACHE" | tr -d ' ')"
echo 1..$_hc_n
