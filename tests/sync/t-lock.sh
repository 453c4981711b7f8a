#!/bin/bash
# One hcoop-sync per cache: the daemon holds CACHE.lock for its life, so a
# second daemon and a --once exit with status 4 and a message naming the
# lock and the holder's pid, leaving the cache alone; --status still
# reads; the lock goes with the daemon (no stale lock after SIGKILL); a
# normal exit removes the file.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/sync/lib.sh"
hs_setup
log=$SLAPD_DIR/daemon.log

"$HS_SYNC" -c "$HS_CONF" --once 2>/dev/null
is "--once alone: exit 0" "$?" 0
check_not "--once removes its lock file at exit" test -e "$HS_CACHE.lock"

hs_start_daemon "$HS_CONF" "$log"
hs_wait 10 grep -q 'refresh applied' "$log"
check "the daemon applied its first refresh" grep -q 'refresh applied' "$log"
is "the lock file names the daemon" "$(cat "$HS_CACHE.lock")" "$HS_DAEMON_PID"
gen_before=$("$HS_SYNC" -c "$HS_CONF" --status | sed -n 's/^generation: //p')

out=$("$HS_SYNC" -c "$HS_CONF" --once 2>&1); rc=$?
is "--once while the daemon runs: exit 4" "$rc" 4
like "--once: the message names the lock and the holder" "$out" \
	"another hcoop-sync \\(pid $HS_DAEMON_PID\\) holds $HS_CACHE.lock"
out=$(timeout 10 "$HS_SYNC" -c "$HS_CONF" --foreground 2>&1); rc=$?
is "a second daemon: exit 4 at once" "$rc" 4
like "second daemon: the message names the lock" "$out" "holds $HS_CACHE.lock"
is "the cache was not rewritten by the refused runs" \
	"$("$HS_SYNC" -c "$HS_CONF" --status | sed -n 's/^generation: //p')" "$gen_before"
"$HS_SYNC" -c "$HS_CONF" --status >/dev/null
is "--status still works while the daemon runs" "$?" 0
check "the first daemon is still running" kill -0 "$HS_DAEMON_PID"

kill -KILL "$HS_DAEMON_PID"
wait "$HS_DAEMON_PID" 2>/dev/null
check "a killed daemon leaves its lock file" test -f "$HS_CACHE.lock"
"$HS_SYNC" -c "$HS_CONF" --once 2>/dev/null
is "... which does not stop the next --once (the lock went with it)" "$?" 0
check_not "... and is gone after it" test -e "$HS_CACHE.lock"

# SIGTERM: the daemon removes its lock file.
log2=$SLAPD_DIR/daemon2.log
hs_start_daemon "$HS_CONF" "$log2"
# (after its first refresh: its signal handlers are in place by then)
hs_wait 10 grep -q 'refresh applied' "$log2"
check "a new daemon takes the lock" test -f "$HS_CACHE.lock"
kill -TERM "$HS_DAEMON_PID"
wait "$HS_DAEMON_PID" 2>/dev/null
check_not "SIGTERM: the daemon removed its lock file" test -e "$HS_CACHE.lock"

# A symlink planted as the lock file is not followed.
target=$SLAPD_DIR/not-the-lock
: >"$target"
rm -f "$HS_CACHE.lock"
ln -s "$target" "$HS_CACHE.lock"
out=$("$HS_SYNC" -c "$HS_CONF" --once 2>&1); rc=$?
is "a symlinked lock file: exit 4" "$rc" 4
like "... with the reason" "$out" "cannot open the lock file $HS_CACHE.lock"
is "... and the symlink's target untouched" "$(stat -c %s "$target")" 0
