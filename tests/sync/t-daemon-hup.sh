#!/bin/bash
# Issue 10 item 14: SIGHUP re-reads hcoop.conf (a changed min_uid takes
# effect at the refresh that follows), and a new file that is invalid is
# refused with a log line while the old configuration stays in force (the
# daemon keeps following changes). Item 15: both sync sessions (users,
# groups) share one connection, so they always follow the same server.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/sync/lib.sh"
hs_setup
log=$SLAPD_DIR/daemon.log
hs_start_daemon "$HS_CONF" "$log"
hs_wait 10 grep -q 'refresh applied' "$log"
check "first refresh applied" grep -q 'refresh applied' "$log"

conns() { ss -Htn state established "( dport = :$SLAPD_PORT )" 2>/dev/null |
	grep -c . ; }
is "one LDAP connection for both sync sessions" "$(conns)" 1

check "alice cached (uid 10001, min_uid 1000)" eval "hs_dump | grep -q '^U:alice:'"
# (the removal guard would refuse losing the low groups and admin_group
# "admins" (gid 5001): this refresh means it, so the guard is told)
slapd_write_config "$HS_CONF" "cache $HS_CACHE" "min_uid 10002" \
	"max_removal 100" "admin_group members"
kill -HUP "$HS_DAEMON_PID"
hs_wait 10 eval "! hs_dump | grep -q '^U:alice:'"
check "SIGHUP: the new min_uid is in force (alice, uid 10001, gone)" \
	eval "! hs_dump | grep -q '^U:alice:'"
like "SIGHUP logged" "$(cat "$log")" 'SIGHUP: configuration re-read from'

echo "no_such_keyword 1" >>"$HS_CONF"
kill -HUP "$HS_DAEMON_PID"
hs_wait 5 grep -q 'keeping the configuration in use' "$log"
like "an invalid file is refused with its line" "$(cat "$log")" \
	"SIGHUP: .*hcoop.conf:[0-9]+: .*; keeping the configuration in use"
slapd_modify >/dev/null <<EOT
dn: uid=bob,ou=People,$LDAP_BASE
changetype: modify
replace: gecos
gecos: still
EOT
hs_wait 5 eval "hs_dump | grep -q '^U:bob:[0-9]*:[0-9]*:still:'"
check "still following changes with the old configuration" \
	eval "hs_dump | grep -q '^U:bob:[0-9]*:[0-9]*:still:'"
check "old min_uid still in force" eval "! hs_dump | grep -q '^U:alice:'"
is "still one connection" "$(conns)" 1
kill -TERM "$HS_DAEMON_PID"; rc=0; wait "$HS_DAEMON_PID" || rc=$?
is "SIGTERM: exit 0" "$rc" 0
echo 1..$_hc_n
