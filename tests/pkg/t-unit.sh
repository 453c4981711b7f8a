#!/bin/bash
# The systemd unit: what the issue asks of it (Type=notify, ordering
# before nss-user-lookup.target and user sessions, the start limit, no
# restart on a configuration error, the hardening), its exposure by
# `systemd-analyze security --offline=true` at most 3.0, and the daemon's
# sd_notify protocol against a stand-in notify socket: READY=1 only once a
# cache is written (or found valid at start), STOPPING=1 at SIGTERM.
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/sync/lib.sh"
unit=$HC_SRC/sync/hcoop-sync.service

prop() { sed -n "s/^$1=//p" "$unit"; }
is "Type=notify" "$(prop Type)" notify
is "ConditionPathExists=/etc/hcoop.conf" "$(prop ConditionPathExists)" /etc/hcoop.conf
is "Before= nss-user-lookup.target and user sessions" "$(prop Before)" "nss-user-lookup.target systemd-user-sessions.service"
like "Wants=nss-user-lookup.target" "$(prop Wants)" '(^| )nss-user-lookup.target( |$)'
is "Restart=on-failure" "$(prop Restart)" on-failure
check "a start limit (StartLimitBurst, StartLimitIntervalSec)" test -n "$(prop StartLimitBurst)" -a -n "$(prop StartLimitIntervalSec)"
is "RestartPreventExitStatus=1 (configuration error)" "$(prop RestartPreventExitStatus)" 1
is "ProtectSystem=strict" "$(prop ProtectSystem)" strict
like "ReadWritePaths has /var/lib/hcoop and the home base" "$(prop ReadWritePaths)" '/var/lib/hcoop.*/home'
is "CapabilityBoundingSet: chown and the ACL/permission overrides only" \
	"$(prop CapabilityBoundingSet)" "CAP_CHOWN CAP_FOWNER CAP_DAC_OVERRIDE"
is "RestrictAddressFamilies" "$(prop RestrictAddressFamilies)" "AF_UNIX AF_INET AF_INET6"
for p in ProtectKernelTunables ProtectKernelModules ProtectKernelLogs \
	ProtectControlGroups PrivateDevices RestrictNamespaces LockPersonality \
	MemoryDenyWriteExecute NoNewPrivileges; do
	is "$p=yes" "$(prop $p)" yes
done
like "SystemCallFilter=@system-service" "$(prop SystemCallFilter | head -1)" '^@system-service$'

sec=$(systemd-analyze security --offline=true --threshold=30 "$unit" 2>&1); rc=$?
is "systemd-analyze security --offline=true --threshold=30: within the threshold" "$rc" 0
exposure=$(sed -n 's/.*Overall exposure level for hcoop-sync.service: \([0-9.]*\).*/\1/p' <<<"$sec")
diag "systemd-analyze security --offline=true: exposure $exposure"
check "exposure $exposure <= 3.0" awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 3.0) }'
grep '✗' <<<"$sec" | sed 's/^/#   /'

# The configuration error is the status the unit does not restart on.
"$HS_SYNC" -c /nonexistent/hcoop.conf 2>/dev/null
is "a missing config file: exit 1" "$?" 1

# sd_notify, against a stand-in for systemd's notify socket.
hs_setup
ndir=$(hc_tmpdir)
sock=$ndir/notify
msgs=$ndir/messages
python3 "$HC_SRC/tests/pkg/notify-listen.py" "$sock" "$HS_CACHE" "$msgs" &
lpid=$!
hc_on_exit "hc_stop_pid $lpid"
hs_wait 5 test -S "$sock"
slapd_stop # LDAP down, no cache yet: not ready
log=$ndir/daemon.log
NOTIFY_SOCKET=$sock "$HS_SYNC" -c "$HS_CONF" --foreground --debug >>"$log" 2>&1 </dev/null &
dpid=$!
hc_on_exit "hc_stop_pid $dpid"
hs_wait 10 grep -q 'cannot connect' "$log"
check "LDAP down: the daemon runs and retries" grep -q 'cannot connect' "$log"
check_not "LDAP down and no cache: no READY=1" grep -q READY=1 "$msgs"
slapd_start_again
hs_wait 20 grep -q READY=1 "$msgs"
check "LDAP back: READY=1" grep -q READY=1 "$msgs"
is "READY=1 came with the cache already written" "$(sed -n 's/^cache-existed=//p' "$msgs" | head -1)" yes
is "READY=1 once only" "$(grep -c '^READY=1$' "$msgs")" 1
hs_wait 10 grep -q 'refresh applied' "$log"
kill -TERM "$dpid"
wait "$dpid"
is "SIGTERM: exit 0" "$?" 0
check "STOPPING=1 at SIGTERM" grep -q STOPPING=1 "$msgs"

# A valid cache at start: ready at once, even with LDAP down.
: >"$msgs"
slapd_stop
NOTIFY_SOCKET=$sock "$HS_SYNC" -c "$HS_CONF" --foreground --debug >>"$log" 2>&1 </dev/null &
dpid=$!
hc_on_exit "hc_stop_pid $dpid"
hs_wait 10 grep -q READY=1 "$msgs"
check "valid cache, LDAP down: READY=1 at start" grep -q READY=1 "$msgs"
like "... and the start-up line names the version" "$(grep -m1 'starting' "$log")" "hcoop-sync $(cat "$HC_SRC/VERSION") starting"
hc_stop_pid "$dpid"

# systemd-run with the unit's properties needs systemd as PID 1.
if [ "$(ps -p 1 -o comm=)" = systemd ]; then
	props=()
	while IFS= read -r l; do props+=(-p "$l"); done < <(sed -n '/^\[Service\]/,/^\[/{/^[A-Z][A-Za-z]*=/p}' "$unit" |
		grep -vE '^(Type|ExecStart|ExecReload|Restart|RestartSec|RestartPreventExitStatus|TimeoutStartSec|NotifyAccess)=')
	out=$(systemd-run --wait --pipe --collect "${props[@]}" -p ReadWritePaths="$(dirname "$HS_CACHE")" \
		"$HS_SYNC" -c "$HS_CONF" --once 2>&1)
	is "--once under the unit's sandbox (systemd-run)" "$?" 0
else
	diag "PID 1 is $(ps -p 1 -o comm=), not systemd: systemd-run cannot run the daemon under the unit's properties here"
fi
