#!/bin/bash
# Issue 12 items 1-2: the provider the daemon follows hangs (SIGSTOP: the
# kernel still holds its TCP connections and answers keepalives). The
# daemon must notice within the liveness bound (3 x timeout), fail over to
# the other provider of a multi-provider pair and converge to ITS content,
# deletes included: 11 changes made on the live provider while the hung one
# cannot see them (a delete among them) all reach the cache. The heartbeat
# and --status say which server is followed. Then the provider followed is
# killed (kill -9): the daemon goes back to the first and converges again.
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/faults/lib.sh"
source "$HC_SRC/tests/lib/mirror.sh"

mirror_start || { fail "mirror_start"; exit 1; }
D=$(hc_tmpdir)
HS_CACHE=$D/cache
HB_FILE=$D/hb.state
T=1
LIVE=$((3 * T))
HC_CACHE=$HS_CACHE mirror_config "$D/hcoop.conf" "timeout $T" "op_timeout 2" \
	"heartbeat $HB_FILE"
log=$D/daemon.log
hs_start_daemon "$D/hcoop.conf" "$log"
hs_wait 10 grep -q 'refresh applied' "$log"
check "follows the first provider" grep -q "following changes on $M1_URI" "$log"
is "heartbeat: connected" "$(hb_get state)" connected
is "heartbeat: server" "$(hb_get server)" "$M1_URI"
st=$("$HS_SYNC" -c "$D/hcoop.conf" --status); rc=$?
is "--status exit 0 while connected" "$rc" 0
like "--status names the server followed" "$st" "following: $M1_URI"
check "--status shows the last contact" grep -q '^last_contact: ' <<<"$st"

# Hang provider 1, then change provider 2 (which cannot replicate to 1).
mirror_freeze 1
t0=$(now_ms)
mirror_ldap 2 ldapdelete "uid=carol,ou=People,$LDAP_BASE"
for i in $(seq 1 5); do
	mirror_ldap 2 ldapadd >/dev/null <<EOT
dn: uid=hung$i,ou=People,$LDAP_BASE
objectClass: inetOrgPerson
objectClass: posixAccount
uid: hung$i
cn: Hung $i
sn: $i
uidNumber: $((31000 + i))
gidNumber: 5000
homeDirectory: /home/hung$i
loginShell: /bin/sh
EOT
done
for i in $(seq 1 5); do
	mirror_ldap 2 ldapmodify >/dev/null <<EOT
dn: uid=user000$i,ou=People,$LDAP_BASE
changetype: modify
replace: gecos
gecos: hung$i
EOT
done
converged() {
	local d
	d=$(hs_dump)
	! grep -q '^U:carol:' <<<"$d" && [ "$(grep -c '^U:hung[1-5]:' <<<"$d")" = 5 ] &&
		[ "$(grep -c '^U:user000[1-5]:[0-9]*:[0-9]*:hung[1-5]:' <<<"$d")" = 5 ]
}
hs_wait $((LIVE + 10)) converged
conv=$(($(now_ms) - t0))
detect=$(grep -m1 -o 'did not answer for [0-9]* ms' "$log" | grep -o '[0-9]*')
BOUND_MS=$(((LIVE + 2) * 1000))
fault_check "hung provider: detected" "SIGSTOP of the followed slapd" \
	"${detect:-never} ms silent before failing over" "${LIVE} s (3 x timeout) + 0.5 s (wait slice, scheduling)" \
	le "$detect" $((LIVE * 1000 + 500))
fault_check "hung provider: converged" "11 changes (1 delete) on the other provider" \
	"$conv ms to the last change, $(converged && echo 0 || echo some) lost" \
	"$((BOUND_MS / 1000)) s" eval "converged && le $conv $BOUND_MS"
check "deleted on the new server while following the old: gone" eval "! hs_dump | grep -q '^U:carol:'"
like "logged the failover" "$(cat "$log")" "did not answer .*failing over"
check "now follows the second provider" grep -q "following changes on $M2_URI" "$log"
is "heartbeat: server is the second provider" "$(hb_get server)" "$M2_URI"
is "heartbeat: connected again" "$(hb_get state)" connected
like "--status names the new server" "$("$HS_SYNC" -c "$D/hcoop.conf" --status)" "following: $M2_URI"

# The hung one comes back: nothing changes, the daemon keeps following 2.
mirror_thaw 1
mirror_ldap 2 ldapmodify >/dev/null <<EOT
dn: uid=alice,ou=People,$LDAP_BASE
changetype: modify
replace: gecos
gecos: after
EOT
hs_wait 5 eval "hs_dump | grep -q '^U:alice:[0-9]*:[0-9]*:after:'"
check "a change after the thaw arrives" eval "hs_dump | grep -q '^U:alice:[0-9]*:[0-9]*:after:'"

# Now the followed provider (2) is killed: back to 1, a change and a delete
# made there arrive.
mirror_canary 1 2 canary3 # 1 caught up after the thaw
mirror_kill 2
t0=$(now_ms)
mirror_ldap 1 ldapdelete "uid=bob,ou=People,$LDAP_BASE"
mirror_ldap 1 ldapmodify >/dev/null <<EOT
dn: uid=dave,ou=People,$LDAP_BASE
changetype: modify
replace: gecos
gecos: killed
EOT
back() { ! hs_dump | grep -q '^U:bob:' && hs_dump | grep -q '^U:dave:[0-9]*:[0-9]*:killed:'; }
hs_wait 15 back
conv=$(($(now_ms) - t0))
fault_check "killed provider: converged" "kill -9 of the followed slapd, 2 changes (1 delete) on the other" \
	"$conv ms, $(back && echo 0 || echo some) lost" "3 s" eval "back && le $conv 3000"
check "daemon alive" kill -0 "$HS_DAEMON_PID"
kill -TERM "$HS_DAEMON_PID"; rc=0; wait "$HS_DAEMON_PID" || rc=$?
is "SIGTERM: exit 0" "$rc" 0
is "heartbeat: stopped" "$(hb_get state)" stopped
"$HS_SYNC" -c "$D/hcoop.conf" --status >/dev/null; rc=$?
is "--status: a stopped daemon is not fine (exit 5)" "$rc" 5
echo 1..$_hc_n
