#!/bin/bash
# Several URIs tried in order, each within the configured timeout: a
# closed port, a listener that accepts and never answers (StartTLS and
# ldaps), every server down; invalid credentials are final (never retried
# on the next server).
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/slapd.sh"
source "$HC_SRC/tests/ldap/common.sh"

slapd_start || { fail "slapd_start"; exit 1; }
start_blackhole || { fail "blackhole"; exit 1; }
C=$SLAPD_DIR/conf
ALICE=$(udn alice)
T=1 # timeout, seconds
LIMIT=$(((T + 1) * 1000))
CLOSED=$(closed_port)

timed() { # description expected-exit expected-uri-regex config [args...]
	local d=$1 want=$2 re=$3 conf=$4 t0 ms
	shift 4
	t0=$(now_ns)
	run_rc rc "$LDAPCHECK" -c "$conf" "$@"
	ms=$(ms_since "$t0")
	is "$d: exit $want" "$rc" "$want"
	[ -z "$re" ] || like "$d: result" "$OUT" "$re"
	if [ "$ms" -le "$LIMIT" ]; then ok "$d: within timeout+1s (${ms} ms)"; else
		fail "$d: took ${ms} ms, limit ${LIMIT} ms"; fi
}

slapd_write_config "$C.closed" "uri ldap://127.0.0.1:$CLOSED" "uri $LDAP_URI" "timeout $T" "op_timeout 5"
timed "closed port first (StartTLS)" 0 "connected $LDAP_URI" "$C.closed" \
	-D "$ALICE" -w alice-secret-1 bind

slapd_write_config "$C.bh" "uri ldap://127.0.0.1:$BH_PORT" "uri $LDAP_URI" "timeout $T" "op_timeout 5"
timed "silent listener first (StartTLS)" 0 "connected $LDAP_URI" "$C.bh" \
	-D "$ALICE" -w alice-secret-1 bind

slapd_write_config "$C.bhs" "uri ldaps://127.0.0.1:$BH_PORT" "uri $LDAPS_URI" "ssl on" "timeout $T" "op_timeout 5"
timed "silent listener first (ldaps)" 0 "connected $LDAPS_URI" "$C.bhs" \
	-D "$ALICE" -w alice-secret-1 bind

slapd_write_config "$C.bhanon" "uri ldap://127.0.0.1:$BH_PORT" "uri $LDAP_URI" "timeout $T" "op_timeout 5"
timed "silent listener first (anonymous, bind as config)" 0 "connected $LDAP_URI" "$C.bhanon" bind

slapd_write_config "$C.none" "uri ldap://127.0.0.1:$CLOSED" "uri ldaps://127.0.0.1:$BH_PORT" "timeout $T" "op_timeout 5"
timed "no server answers" 10 "no LDAP server reachable.*:$CLOSED.*:$BH_PORT" "$C.none" \
	-D "$ALICE" -w alice-secret-1 bind

# Invalid credentials: the second URI is the silent listener, so trying it
# would cost at least timeout; and its failure would turn the answer into
# "unreachable" (10). Exit 11 (-EACCES) within the limit proves no retry.
slapd_write_config "$C.bad" "uri $LDAP_URI" "uri ldap://127.0.0.1:$BH_PORT" "timeout 3" "op_timeout 5"
t0=$(now_ns)
run_rc rc "$LDAPCHECK" -c "$C.bad" -D "$ALICE" -w wrong-password bind
ms=$(ms_since "$t0")
is "wrong password: invalid credentials (exit 11), not retried" "$rc" 11
if [ "$ms" -lt 3000 ]; then ok "wrong password: answered without trying the next server (${ms} ms)"
else fail "wrong password took ${ms} ms: the next server was tried"; fi
run_rc rc "$LDAPCHECK" -c "$C.bad" -D "$(udn erin)" -w erin-secret-5 bind
is "locked account (ppolicy): invalid credentials (exit 11)" "$rc" 11

# Same server twice, wrong password: exactly one bind reaches it.
slapd_write_config "$C.twice" "uri $LDAP_URI" "uri $LDAPS_URI" "timeout $T"
run_rc rc "$LDAPCHECK" -c "$C.twice" -D "$ALICE" -w wrong-password bind
is "wrong password with two good servers: exit 11" "$rc" 11

# A frozen slapd (SIGSTOP): TCP still accepted by the kernel, no answer.
slapd_write_config "$C.frozen" "uri $LDAPS_URI" "ssl on" "timeout $T"
slapd_write_config "$C.one0" "timeout $T"
kill -STOP "$SLAPD_PID"
hc_on_exit "kill -CONT $SLAPD_PID 2>/dev/null"
timed "frozen slapd (ldaps)" 10 "no LDAP server reachable" "$C.frozen" -D "$ALICE" -w alice-secret-1 bind
timed "frozen slapd (StartTLS)" 10 "no LDAP server reachable" "$C.one0" -D "$ALICE" -w alice-secret-1 bind
kill -CONT "$SLAPD_PID"

# Connected, then the server freezes: the search gives up after op_timeout.
slapd_write_config "$C.op" "timeout $T" "op_timeout 1"
"$LDAPCHECK" -c "$C.op" -S 1 search-count "$LDAP_BASE" '(uid=*)' >"$SLAPD_DIR/op.out" 2>&1 &
lc=$!
for ((i = 0; i < 300; i++)); do
	grep -q '^connected' "$SLAPD_DIR/op.out" && break
	sleep 0.01
done
kill -STOP "$SLAPD_PID"
t0=$(now_ns)
wait "$lc"
rc=$?
ms=$(ms_since "$t0")
kill -CONT "$SLAPD_PID"
is "frozen after connect: search times out (exit 15, -ETIMEDOUT)" "$rc" 15
if [ "$ms" -le 3000 ]; then ok "... within pause + op_timeout + 1s (${ms} ms)"
else fail "... took ${ms} ms"; fi

# LDAP down, then back.
slapd_write_config "$C.one" "timeout $T"
slapd_stop
timed "slapd stopped" 10 "no LDAP server reachable" "$C.one" -D "$ALICE" -w alice-secret-1 bind
check "slapd starts again (same data)" slapd_start_again
timed "slapd back" 0 "connected $LDAP_URI" "$C.one" -D "$ALICE" -w alice-secret-1 bind
