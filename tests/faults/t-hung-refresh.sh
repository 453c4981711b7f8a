#!/bin/bash
# Issue 12 item 1: the first uri hangs (SIGSTOP) while the daemon does its
# first refresh from it, the second uri is live: the refresh is abandoned
# within the liveness bound and done from the second server; SIGTERM is
# obeyed meanwhile. Also: the first uri a listener that never answers, one
# that sends random bytes, one that claims a 2 GiB message: the daemon
# reaches the second server within timeout + 1 s each, never crashes.
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/faults/lib.sh"
source "$HC_SRC/tests/lib/mirror.sh"

# enough entries that the refresh lasts a while
export HC_FIXTURE_NUSERS=${FAULTS_LONG:+20000}
HC_FIXTURE_NUSERS=${HC_FIXTURE_NUSERS:-4000}
mirror_start || { fail "mirror_start"; exit 1; }
D=$(hc_tmpdir)
HS_CACHE=$D/cache
T=1
LIVE=$((3 * T))
mirror_config "$D/hcoop.conf" "cache $HS_CACHE" "timeout $T" "op_timeout 2" \
	"heartbeat $D/hb"
log=$D/daemon.log
hs_start_daemon "$D/hcoop.conf" "$log"
hs_wait 10 grep -q "connected to $M1_URI" "$log"
mirror_freeze 1
t0=$(now_ms)
if grep -q 'refresh applied' "$log"; then
	diag "the refresh was over before the freeze: this run proves less"
fi
ms=$(wait_ms $((LIVE + 15)) grep -q "following changes on $M2_URI" "$log")
n=$(hs_dump 2>/dev/null | grep -c '^U:')
fault_check "hung during the first refresh" \
	"SIGSTOP of uri 1 mid-refresh ($HC_FIXTURE_NUSERS users), uri 2 live" \
	"refreshed from uri 2 after ${ms:-never} ms, $n users cached" \
	"$((LIVE + 5)) s" eval "le '$ms' $(((LIVE + 5) * 1000)) && [ $n -ge $HC_FIXTURE_NUSERS ]"
stop_ms "$HS_DAEMON_PID"
is "SIGTERM afterwards: exit 0 within 1 s" "$STOP_RC:$((STOP_MS <= 1000))" "0:1"
mirror_thaw 1

for mode in silent random huge; do
	start_bad "$mode" || { fail "badserver $mode"; continue; }
	conf=$D/$mode.conf
	rm -f "$HS_CACHE"
	mirror_config "$conf" "cache $HS_CACHE" "uri ldap://127.0.0.1:$BAD_PORT" \
		"uri $M2_URI" "timeout $T" "op_timeout 2" "heartbeat $D/hb.$mode"
	hs_start_daemon "$conf" "$D/$mode.log"
	t0=$(now_ms)
	ms=$(wait_ms 10 test -s "$HS_CACHE")
	pid=$HS_DAEMON_PID
	alive=$(kill -0 "$pid" 2>/dev/null && echo yes || echo no)
	stop_ms "$pid"
	fault_check "first uri: $mode listener" \
		"$( case $mode in silent) echo "accepts, never answers";;
			random) echo "64 KiB of random bytes";;
			huge) echo "LDAP header claiming 2 GiB";; esac)" \
		"cache from uri 2 after ${ms:-never} ms, alive $alive, exit $STOP_RC" \
		"$((T + 1)) s, rc < 128" \
		eval "le '$ms' $(((T + 1) * 1000)) && [ $alive = yes ] && [ $STOP_RC = 0 ]"
done
echo 1..$_hc_n
