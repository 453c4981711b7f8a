#!/bin/bash
# Issue 10 item 14: refresh_interval is a real timer while following
# changes: every interval a full refresh replaces the model, which heals a
# change the persist session never saw (here: one written behind slapd's
# back with slapmodify, which sends no sync notification); one that finds
# nothing new leaves the cache file alone.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/sync/lib.sh"
hs_setup "refresh_interval 3"
log=$SLAPD_DIR/daemon.log
hs_start_daemon "$HS_CONF" "$log"
hs_wait 10 grep -q 'refresh applied' "$log"
check "following changes" grep -q 'following changes' "$log"

# A change the sync provider never announces.
slapmodify -F "$SLAPD_DIR/slapd.d" -b "$LDAP_BASE" -q >/dev/null 2>&1 <<EOT
dn: uid=carol,ou=People,$LDAP_BASE
changetype: modify
replace: gecos
gecos: missed
EOT
rc=$?
is "slapmodify behind slapd's back" "$rc" 0
sleep 0.5
check_not "the persist session did not see it" eval "hs_dump | grep -q '^U:carol:[0-9]*:[0-9]*:missed:'"
hs_wait 8 eval "hs_dump | grep -q '^U:carol:[0-9]*:[0-9]*:missed:'"
check "the periodic full refresh healed it" eval "hs_dump | grep -q '^U:carol:[0-9]*:[0-9]*:missed:'"
like "logged" "$(cat "$log")" 'periodic full refresh from .* \(refresh_interval 3 s\)'

# The next periodic refresh finds nothing new: the cache stays the very
# file it was (readers, nscd and hcoop-routes see no new generation).
gen=$(hs_main_gen) ino=$(stat -c %i "$HS_CACHE")
n=$(grep -c 'periodic full refresh' "$log")
hs_wait 8 eval "[ \$(grep -c 'periodic full refresh' '$log') -gt $n ] && grep -q 'unchanged: .*nothing written' '$log'"
check "a periodic refresh with nothing new says so" grep -q "$HS_CACHE unchanged: .*nothing written" "$log"
is "and keeps the generation" "$(hs_main_gen)" "$gen"
is "and the file (inode)" "$(stat -c %i "$HS_CACHE")" "$ino"

# The file's own refresh time ages; its age as reported counts from the
# daemon's last full refresh of that generation (heartbeat): the metric
# and hcoopctl's cache_age do not alarm on a quiet, followed directory.
n=$(grep -c 'unchanged: .*nothing written' "$log")
hs_wait 8 eval "[ \$(grep -c 'unchanged: .*nothing written' '$log') -gt $n ]"
sleep 1 # the heartbeat file is written on its own tick
file_at=$(date -d "$("$HS_SYNC" -c "$HS_CONF" --status | sed -n 's/^refreshed_at: //p')" +%s)
age=$("$HC_BUILD/hcoopctl" -c "$HS_CONF" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cache_age"])')
diag "file written $(( $(date +%s) - file_at )) s ago, cache_age $age s"
check "the file itself is older than one refresh_interval" test $(( $(date +%s) - file_at )) -ge 4
check "its reported age is that of the last refresh (< 4 s)" test "$age" -lt 4
kill -TERM "$HS_DAEMON_PID"; rc=0; wait "$HS_DAEMON_PID" || rc=$?
is "SIGTERM: exit 0" "$rc" 0
echo 1..$_hc_n
