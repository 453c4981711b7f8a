#!/bin/bash
# The heartbeat file and --status's judgement of the daemon (issue 12):
# a running daemon writes pid/state/server/since/last_contact/... and
# keeps it fresh (at least every 10 s); --status says "ok" (exit 0) while
# it is connected, and exit 5 for a stale heartbeat (hung or killed daemon),
# a daemon disconnected for longer than 180 s, a stopped one, or a
# malformed file; no file at all is not an error (no daemon here). Issue 18:
# a failed host bind names the binddn; an outage is logged at its first
# failure, then throttled, and once on recovery with the count.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/sync/lib.sh"
hs_setup
HB=$SLAPD_DIR/run/hcoop-sync.state
log=$SLAPD_DIR/daemon.log
st() { STATUS=$("$HS_SYNC" -c "$HS_CONF" --status 2>&1); SRC=$?; }

st
is "no heartbeat file: --status judges the cache only (exit 4: no cache yet)" "$SRC" 4
"$HS_SYNC" -c "$HS_CONF" --once >/dev/null 2>&1
st
is "no heartbeat file, valid cache: exit 0" "$SRC" 0
like "... and says no daemon runs" "$STATUS" 'daemon: no heartbeat'

hs_start_daemon "$HS_CONF" "$log"
hs_wait 10 grep -q 'refresh applied' "$log"
check "heartbeat directory created 0755" test "$(stat -c %a "$(dirname "$HB")")" = 755
is "heartbeat: pid" "$(sed -n 's/^pid=//p' "$HB")" "$HS_DAEMON_PID"
is "heartbeat: state" "$(sed -n 's/^state=//p' "$HB")" connected
is "heartbeat: server" "$(sed -n 's/^server=//p' "$HB")" "$LDAP_URI"
for k in since last_contact last_full_refresh changes_applied generation updated last_error; do
	check "heartbeat has $k" grep -q "^$k=" "$HB"
done
u1=$(sed -n 's/^updated=//p' "$HB")
sleep 6
u2=$(sed -n 's/^updated=//p' "$HB")
check "rewritten while idle and connected (updated $u1 -> $u2)" test "$u2" -gt "$u1"
st
is "--status: daemon ok, exit 0" "$SRC" 0
like "--status: state" "$STATUS" $'state: connected\n'
like "--status: server followed" "$STATUS" "following: $LDAP_URI"
like "--status: since" "$STATUS" 'since: [0-9]{4}-[0-9]{2}-[0-9]{2}T'
like "--status: last contact" "$STATUS" 'last_contact: [0-9]{4}-.*s ago'
ls -A "$(dirname "$HB")" | grep -v '^hcoop-sync.state$' >"$SLAPD_DIR/hbleft"
check "no temp file beside the heartbeat" test ! -s "$SLAPD_DIR/hbleft"
kill -TERM "$HS_DAEMON_PID"; wait "$HS_DAEMON_PID"

# Judging hand-made heartbeats.
now=$(date +%s)
hb() { # state since updated
	printf 'pid=%s\nstate=%s\nserver=%s\nsince=%s\nlast_contact=%s\nlast_full_refresh=0\nchanges_applied=0\ngeneration=1\nupdated=%s\nlast_error=boom\n' \
		$$ "$1" "$LDAP_URI" "$2" "$2" "$3" >"$HB"
}
hb connected $((now - 100)) $((now - 2)); st
is "fresh and connected: exit 0" "$SRC" 0
hb connected $((now - 100)) $((now - 60)); st
is "stale heartbeat (60 s): exit 5" "$SRC" 5
like "... says why" "$STATUS" 'daemon: heartbeat stale'
hb backoff $((now - 100)) $((now - 2)); st
is "in back-off for 100 s: still fine (exit 0)" "$SRC" 0
like "... shows the last error" "$STATUS" 'last_error: boom'
hb backoff $((now - 400)) $((now - 2)); st
is "disconnected for 400 s: exit 5" "$SRC" 5
like "... says why" "$STATUS" 'not connected for too long'
hb stopped $((now - 10)) $((now - 10)); st
is "stopped: exit 5" "$SRC" 5
printf 'pid=1\nstate=dancing\nupdated=1\n' >"$HB"; st
is "malformed heartbeat: exit 5" "$SRC" 5
like "... names the file and line" "$STATUS" "hcoop-sync.state:2: state: bad value"

# Issue 18: failed bind names the DN; outage logging.
echo wrong-secret >"$SLAPD_DIR/bindpw"
log2=$SLAPD_DIR/bind.log
"$HS_SYNC" -c "$HS_CONF" --once >"$log2" 2>&1
like "a failed host bind names the binddn" "$(cat "$log2")" "bind as $HOST_DN: Invalid credentials"
printf '%s\n' "$HOST_PW" >"$SLAPD_DIR/bindpw"
slapd_write_config "$HS_CONF" "cache $HS_CACHE" "timeout 1"
slapd_stop
log3=$SLAPD_DIR/outage.log
"$HS_SYNC" -c "$HS_CONF" --foreground >"$log3" 2>&1 </dev/null &
pid=$!
hc_on_exit "hc_stop_pid $pid"
sleep 4
slapd_start_again
hs_wait 15 grep -q 'again after' "$log3"
is "outage: one error line for several failures" "$(grep -c 'cannot connect' "$log3")" 1
like "recovery logged once with the count" "$(cat "$log3")" "connected to $LDAP_URI again after [2-9][0-9]* failed attempts"
kill -TERM "$pid"; wait "$pid"
echo 1..$_hc_n
