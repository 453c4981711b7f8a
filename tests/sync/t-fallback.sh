#!/bin/bash
# A server without the sync provider: the daemon falls back to a full
# paged refresh every refresh_interval, and picks up changes that way.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/sync/lib.sh"
hs_setup "refresh_interval 1"
slapd_modify >/dev/null 2>&1 <<EOT
dn: olcOverlay={0}syncprov,olcDatabase={1}mdb,cn=config
changetype: modify
replace: olcDisabled
olcDisabled: TRUE
EOT
rc=$?
[ "$rc" -eq 0 ] || skip_all "this slapd cannot disable syncprov (rc $rc)"

log=$SLAPD_DIR/daemon.log
hs_start_daemon "$HS_CONF" "$log"
hs_wait 10 grep -q 'falling back to a full refresh every 1 s' "$log"
check "falls back to periodic refresh" grep -q 'falling back to a full refresh every 1 s' "$log"
like "says why" "$(cat "$log")" 'does not offer the sync control'
hs_wait 10 test -f "$HS_CACHE"
is "cache written by the fallback" "$(hs_dump | grep -c '^U:')" 606
slapd_modify >/dev/null <<EOT
dn: uid=alice,ou=People,$LDAP_BASE
changetype: modify
replace: loginShell
loginShell: /usr/bin/dash
EOT
hs_wait 5 eval "hs_dump | grep -q '^U:alice:.*:/usr/bin/dash:'"
check "a change arrives with the next refresh" eval "hs_dump | grep -q '^U:alice:.*:/usr/bin/dash:'"
kill -TERM "$HS_DAEMON_PID"; rc=0; wait "$HS_DAEMON_PID" || rc=$?
is "SIGTERM during fallback: exit 0" "$rc" 0
echo 1..$_hc_n
