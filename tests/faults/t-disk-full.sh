#!/bin/bash
# Issue 12 item 4 / issue 10 item 6: with the cache on a full (tiny tmpfs)
# or read-only filesystem the daemon used to reconnect and do a full refresh
# every second. Now a write failure backs off (1 s doubling, jitter) with no
# LDAP traffic until the wait is over: at most 3 connections in 6 s (the
# old code made 6); no temp file is left on the full filesystem; once there
# is room the cache is written after the back-off then in force, and the old
# cache stays intact meanwhile.
source "$(dirname "$0")/../lib/tap.sh"
need_root
if [ "${HC_IN_MNTNS:-0}" != 1 ]; then
	rc=0
	HC_IN_MNTNS=1 unshare -m --propagation private -- "$0" "$@" || rc=$?
	exit "$rc"
fi
source "$HC_SRC/tests/faults/lib.sh"

hs_setup
small=$(hc_tmpdir)
mount -t tmpfs -o size=16k,mode=0755 hcoop-faults "$small" || { fail "mount tmpfs"; exit 1; }
hc_on_exit "umount -l '$small'"
HS_CACHE=$small/cache
slapd_write_config "$HS_CONF" "cache $HS_CACHE" "timeout 1"
log=$SLAPD_DIR/full.log
WINDOW=6
hs_start_daemon "$HS_CONF" "$log"
sleep "$WINDOW"
n=$(grep -c 'connected to' "$log")
fault_check "disk full" "cache on a 16 KiB tmpfs" \
	"$n connections (full refreshes) in $WINDOW s" "<= 3 (back-off 1, 2, 4 s)" \
	eval "[ $n -ge 1 ] && [ $n -le 3 ]"
like "the failure is logged with the back-off" "$(cat "$log")" 'could not be written; no LDAP traffic during the back-off'
is "no temp file left on the full filesystem" "$(temp_files "$small")" 0

mount -o remount,size=8m "$small"
t0=$(now_ms)
ms=$(wait_ms 15 test -s "$HS_CACHE")
fault_check "disk full: recovery" "room made on the filesystem" \
	"cache written ${ms:-never} ms later" "the back-off in force (<= 10 s)" \
	le "$ms" 10000
n0=$(hs_dump | grep -c '^U:')
is "recovered cache is complete" "$n0" 606

# Read-only: a change cannot be written; the old cache stays, byte for byte.
cp "$HS_CACHE" "$SLAPD_DIR/cache.before"
hs_wait 5 grep -q 'refresh applied' "$log"
mount -o remount,ro "$small"
c0=$(grep -c 'connected to' "$log")
slapd_modify >/dev/null <<EOT
dn: uid=alice,ou=People,$LDAP_BASE
changetype: modify
replace: gecos
gecos: readonly
EOT
sleep "$WINDOW"
n=$(($(grep -c 'connected to' "$log") - c0))
fault_check "read-only cache filesystem" "remount ro, then 1 change" \
	"$n reconnections in $WINDOW s" "<= 3" eval "[ $n -le 3 ]"
check "old cache intact (byte-compared)" cmp -s "$HS_CACHE" "$SLAPD_DIR/cache.before"
mount -o remount,rw "$small"
hs_wait 15 eval "hs_dump | grep -q '^U:alice:[0-9]*:[0-9]*:readonly:'"
check "the change arrives once writable" eval "hs_dump | grep -q '^U:alice:[0-9]*:[0-9]*:readonly:'"
stop_ms "$HS_DAEMON_PID"
is "SIGTERM: exit 0" "$STOP_RC" 0
echo 1..$_hc_n
