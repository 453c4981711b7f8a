#!/bin/bash
# Issue 12 item 1: SIGTERM stops hcoop-sync within 1 s whatever it waits
# on: a connect to a listener that never answers (timeout 30), StartTLS on a
# frozen slapd, a persist session on a server that froze (liveness 60), the
# back-off between failed connects; exit status 0 each time and the
# heartbeat says "stopped".
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/faults/lib.sh"

hs_setup
start_bad silent || { fail "badserver"; exit 1; }
D=$SLAPD_DIR
HB_FILE=$D/run/hcoop-sync.state
BOUND=1000

# run_case NAME INJECTED READY-REGEX CONF-LINES...: start, wait for the
# log line, SIGTERM, measure.
run_case() {
	local name=$1 inj=$2 ready=$3 conf log ms
	shift 3
	conf=$D/$name.conf
	log=$D/$name.log
	slapd_write_config "$conf" "cache $HS_CACHE" "$@"
	hs_start_daemon "$conf" "$log"
	hs_wait 20 grep -qE "$ready" "$log" || diag "not ready: $(tail -3 "$log")"
	[ -z "${BEFORE_TERM:-}" ] || eval "$BEFORE_TERM"
	sleep 0.3 # inside the wait, not at its edge
	stop_ms "$HS_DAEMON_PID"
	ms=$STOP_MS
	fault_check "SIGTERM while $name" "$inj" "exit after $ms ms, status $STOP_RC" \
		"$BOUND ms, status 0" eval "le $ms $BOUND && [ $STOP_RC = 0 ]"
	is "$name: heartbeat says stopped" "$(hb_get state)" stopped
}

run_case "connecting" "uri = a listener that never answers, timeout 30" \
	'trying ldap://127.0.0.1:'"$BAD_PORT" \
	"uri ldap://127.0.0.1:$BAD_PORT" "timeout 30"

run_case "in back-off" "uri = a closed port (3 failures)" \
	'cannot connect' "uri ldap://127.0.0.1:$(closed_port)" "timeout 1"

run_case "following a frozen server" "SIGSTOP of slapd mid-persist, liveness 60" \
	'refresh applied' "timeout 30" "liveness 60" "op_timeout 60"
kill -CONT "$SLAPD_PID"

kill -STOP "$SLAPD_PID"
hc_on_exit "kill -CONT $SLAPD_PID 2>/dev/null"
run_case "StartTLS on a frozen server" "SIGSTOP of slapd before connect, timeout 30" \
	"trying $LDAP_URI" "timeout 30" "op_timeout 60"
kill -CONT "$SLAPD_PID"
echo 1..$_hc_n
