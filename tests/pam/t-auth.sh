#!/bin/bash
# pam_hcoop auth through real Linux-PAM against the test slapd.
# san: yes
source "${HC_SRC:-$(dirname "$0")/../..}/tests/pam/lib.sh"
pam_setup

A="auth,setcred"
pcase "alice, right password" hc_only alice "$A" PAM_SUCCESS "" alice-secret-1
pcase "alice, wrong password" hc_only alice auth PAM_AUTH_ERR "" alice-secret-X
pcase "alice, empty password" hc_only alice auth PAM_AUTH_ERR "" ""
pcase "alice, password cut by a NUL (empty)" hc_only alice auth PAM_AUTH_ERR "" $'\0rest'
pcase "user0001, right password" hc_only user0001 auth PAM_SUCCESS "" pw-user0001
pcase "bob (elsewhere) still authenticates" hc_only bob auth PAM_SUCCESS "" bob-secret-2
pcase "erin, locked on the server" hc_only erin auth PAM_AUTH_ERR "" erin-secret-5
pcase "user not in LDAP" hc_only nosuchuser auth PAM_USER_UNKNOWN "" whatever
pcase "root is not ours" hc_only root auth PAM_USER_UNKNOWN "" whatever
# setcred alone: success for a member; a stranger is ignored (a stack
# where every module ignores gives libpam's PAM_PERM_DENIED)
pam_service lone "auth required $PAM_SO config=$CONF"
pcase "setcred for a member" lone alice setcred PAM_SUCCESS ""
pcase "setcred for a stranger: ignored" lone root setcred PAM_PERM_DENIED ""

# Hostile names never authenticate (as alice or anyone) and never crash.
long=$(printf 'a%.0s' $(seq 1000))
for name in '*' 'alice)(uid=*' 'a\' 'Alice' 'alice ' "$long" 'uid=alice,ou=People,dc=hcoop,dc=test'; do
	pcase "hostile name $(printf '%q' "$name" | head -c 40)" hc_only "$name" auth \
		PAM_USER_UNKNOWN "" alice-secret-1
done

# An empty password is refused before any traffic, even where the server
# would answer an empty bind with success (bind_anon_dn).
slapd_set_bind_anon_dn on
if ldapwhoami -x -H "$LDAPI_URI" -D "uid=alice,ou=People,$LDAP_BASE" -w '' >/dev/null 2>&1; then
	ok "slapd now accepts an empty bind for alice's DN (the trap is armed)"
else
	fail "slapd accepts an empty bind with bind_anon_dn"
fi
pcase "alice, empty password, bind_anon_dn on" hc_only alice auth PAM_AUTH_ERR "" ""
if command -v strace >/dev/null; then
	trace=$(strace -f -e trace=connect "$PAMDRIVE" "$PAM_CONFDIR" hc_only alice auth "" 2>&1)
	check_not "empty password: no connection to slapd port $SLAPD_PORT" \
		grep -q "htons($SLAPD_PORT)" <<<"$trace"
	trace=$(strace -f -e trace=connect "$PAMDRIVE" "$PAM_CONFDIR" hc_only alice auth x 2>&1)
	check "(control) a non-empty password does connect" \
		grep -q "htons($SLAPD_PORT)" <<<"$trace"
fi
slapd_set_bind_anon_dn off

# use_first_pass / try_first_pass: the password pam_unix asked for (it
# fails for a member, who has no local entry, but stores PAM_AUTHTOK).
pam_service first "auth optional pam_unix.so nodelay" \
	"auth required $PAM_SO config=$CONF use_first_pass"
drive first alice auth alice-secret-1
is "use_first_pass: the stacked password is used" "$RV" PAM_SUCCESS
is "use_first_pass: asked once (by pam_unix only)" "$(grep -c '^prompt:' <<<"$OUT")" 1
pam_service firstonly "auth required $PAM_SO config=$CONF use_first_pass"
drive firstonly alice auth alice-secret-1
is "use_first_pass without a stacked password: conversation error" "$RV" PAM_CONV_ERR
is "use_first_pass without a stacked password: no prompt" "$(grep -c '^prompt:' <<<"$OUT")" 0
pam_service try "auth optional pam_unix.so nodelay" \
	"auth required $PAM_SO config=$CONF try_first_pass"
drive try alice auth alice-secret-1
is "try_first_pass: the stacked password is used" "$RV" PAM_SUCCESS
is "try_first_pass: asked once" "$(grep -c '^prompt:' <<<"$OUT")" 1
pam_service tryonly "auth required $PAM_SO config=$CONF try_first_pass"
drive tryonly alice auth alice-secret-1
is "try_first_pass without a stacked password: prompts, succeeds" "$RV" PAM_SUCCESS
like "try_first_pass without a stacked password: the prompt" "$OUT" '^prompt: LDAP password: '

# The password never appears in the log, even with debug.
pam_service dbg "auth required $PAM_SO config=$CONF debug"
drive dbg alice auth alice-secret-1
is "debug: authenticated" "$RV" PAM_SUCCESS
like "debug: the module logged the bind" "$(cat "$PAM_LOG")" 'alice: authenticated as uid=alice,ou=People'
check_not "debug: the password is not in the log" grep -q 'alice-secret-1' "$PAM_LOG"
drive dbg alice auth wrong-pw-123
like "debug: a failed bind is logged" "$(cat "$PAM_LOG")" 'alice: bind as uid=alice.* failed'
check_not "debug: the wrong password is not in the log" grep -q 'wrong-pw-123' "$PAM_LOG"
if command -v strace >/dev/null; then
	trace=$(strace -f -s 65535 -e trace=write,writev,sendto,sendmsg \
		"$PAMDRIVE" "$PAM_CONFDIR" dbg alice auth,setcred alice-secret-1 2>&1)
	check "strace: authenticated" grep -q 'auth PAM_SUCCESS' <<<"$trace"
	check_not "strace: the password is in no write/send (LDAP is TLS)" \
		grep -q 'alice-secret-1' <<<"$trace"
fi

# Several transactions in one process (the module stays loaded: libldap
# and GnuTLS are initialised once); under ASan LeakSanitizer fails the
# exit status on any leak.
out=$(pamdrive -q -n 5 "$PAM_CONFDIR" hc_only alice auth,acct alice-secret-1 2>&1)
rc=$?
is "5 auth+account transactions in one process" "$(grep '^loops' <<<"$out")" "loops 5 ok 5"
is "... exit status 0 (no leak under ASan)" "$rc" 0
[ "$rc" = 0 ] || diag "$(grep -m3 -E 'SUMMARY|leak' <<<"$out")"

# Failover: the first uri a closed port, the second the real server.
closed=$(hc_free_port)
pam_service fo "auth required $PAM_SO config=$PAM_DIR/fo.conf"
HC_CACHE=$CACHE slapd_write_config "$PAM_DIR/fo.conf" "timeout 2" \
	"uri ldap://127.0.0.1:$closed" "uri $LDAP_URI"
pcase "first uri closed, second alive" fo alice auth PAM_SUCCESS "" alice-secret-1
pcase "first uri closed, second alive, wrong password" fo alice auth PAM_AUTH_ERR "" nope

# All servers down: one black hole (accepts TCP, never answers) and one
# closed port. Bound: timeout x servers + 1 s.
bh_port=$(hc_free_port)
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
print("ready", flush=True)
time.sleep(600)' "$bh_port" >"$PAM_DIR/bh.out" &
bh_pid=$!
hc_on_exit "hc_stop_pid $bh_pid"
for i in $(seq 100); do grep -q ready "$PAM_DIR/bh.out" && break; sleep 0.05; done
T=1
HC_CACHE=$CACHE slapd_write_config "$PAM_DIR/down.conf" "timeout $T" "op_timeout $T" \
	"uri ldap://127.0.0.1:$bh_port" "uri ldap://127.0.0.1:$closed"
pam_service down "auth required $PAM_SO config=$PAM_DIR/down.conf"
t0=$(date +%s%N)
pcase "all servers down (black hole + closed)" down alice auth PAM_AUTHINFO_UNAVAIL "" alice-secret-1
ms=$((($(date +%s%N) - t0) / 1000000))
diag "all servers down answered in $ms ms (bound $((T * 2 * 1000 + 1000)) ms)"
check "all servers down: answered within timeout x 2 + 1 s ($ms ms)" \
	test "$ms" -le $((T * 2 * 1000 + 1000))

slapd_stop
t0=$(date +%s%N)
pcase "slapd stopped" hc_only alice auth PAM_AUTHINFO_UNAVAIL "" alice-secret-1
ms=$((($(date +%s%N) - t0) / 1000000))
check "slapd stopped: answered within timeout x 1 + 1 s ($ms ms)" test "$ms" -le 3000
pcase "slapd stopped: a stranger is still left to pam_unix" hc_only root auth PAM_USER_UNKNOWN "" x
