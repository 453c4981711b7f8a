#!/bin/bash
# pam_hcoop session: a missing home makes the module run the helper once,
# by absolute path, empty environment, no inherited descriptors, killed at
# the 10 s deadline; home_required turns a failure into PAM_SESSION_ERR.
# Runs in a private namespace (its own /home).
# san: yes
source "${HC_SRC:-$(dirname "$0")/../..}/tests/lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
source "${HC_SRC:-$(dirname "$0")/../..}/tests/pam/lib.sh"
REC=$(hc_tmpdir)
# A test double of hcoop-mkhome that records how it was started.
cat >"$REC/stub" <<EOT
#!/bin/sh
fd0=\$(/usr/bin/readlink /proc/\$\$/fd/0)
fd1=\$(/usr/bin/readlink /proc/\$\$/fd/1)
fd2=\$(/usr/bin/readlink /proc/\$\$/fd/2)
fds=\$(/bin/ls /proc/\$\$/fd | /usr/bin/tr '\n' ' ')
env=\$(/usr/bin/tr '\0' ' ' </proc/\$\$/environ)
printf 'argv=%s\nfd0=%s\nfd1=%s\nfd2=%s\nfds=%s\nenv=[%s]\n' "\$*" "\$fd0" "\$fd1" "\$fd2" "\$fds" "\$env" >>$REC/calls
for a; do u=\$a; done
echo "stub: making /home/\$u" >&2
/bin/mkdir -m 0750 "/home/\$u"
/bin/chown "\$u" "/home/\$u"
EOT
printf '#!/bin/sh\necho "stub: refusing" >&2\nexit 3\n' >"$REC/failing"
printf '#!/bin/sh\necho $$ >%s/hang.pid\nexec /bin/sleep 120\n' "$REC" >"$REC/hanging"
chmod 0755 "$REC/stub" "$REC/failing" "$REC/hanging"

pam_setup "mkhome $REC/stub"

# extra descriptors without close-on-exec in the process that runs PAM
exec 7>"$REC/leak7" 8</dev/null
pcase "alice, no home: session opens" hc_only alice open PAM_SUCCESS ""
exec 7>&- 8<&-
check "alice's home was made by the helper" test -d /home/alice
is "helper ran once" "$(grep -c '^argv=' "$REC/calls" 2>/dev/null)" 1
is "helper argv" "$(sed -n 's/^argv=//p' "$REC/calls")" "-c $CONF alice"
is "helper environment is empty" "$(sed -n 's/^env=//p' "$REC/calls")" "[]"
is "helper stdin is /dev/null" "$(sed -n 's/^fd0=//p' "$REC/calls")" /dev/null
is "helper stdout is /dev/null" "$(sed -n 's/^fd1=//p' "$REC/calls")" /dev/null
like "helper stderr is a pipe" "$(sed -n 's/^fd2=//p' "$REC/calls")" '^pipe:'
fds=$(sed -n 's/^fds=//p' "$REC/calls")
diag "descriptors the helper saw: $fds"
check_not "helper did not inherit fd 7 or 8" grep -Eq '(^| )(7|8)( |$)' <<<"$fds"

like "the helper's exit status is logged" "$(cat "$PAM_LOG")" "alice: $REC/stub exit status 0"
like "the helper's stderr is logged" "$(cat "$PAM_LOG")" 'stub: making /home/alice'
pcase "alice again: home exists" hc_only alice open PAM_SUCCESS ""
is "helper not run again" "$(grep -c '^argv=' "$REC/calls")" 1
pcase "bob (assigned elsewhere): session opens" hc_only bob open PAM_SUCCESS ""
check_not "bob's home is not made here" test -e /home/bob
is "helper not run for bob" "$(grep -c '^argv=' "$REC/calls")" 1
pcase "root is not ours" hc_only root open PAM_IGNORE ""
pcase "close session" hc_only alice close PAM_SUCCESS ""

# A failing helper: the login goes on, the member is told.
HC_CACHE=$CACHE slapd_write_config "$PAM_DIR/fail.conf" "mkhome $REC/failing"
pam_service fail "session required $PAM_SO config=$PAM_DIR/fail.conf"
pam_service failreq "session required $PAM_SO config=$PAM_DIR/fail.conf home_required"
pcase "helper fails: login continues" fail user0001 open PAM_SUCCESS \
	'msg error: Could not create your home directory /home/user0001'
like "a failing helper's status is logged" "$(cat "$PAM_LOG")" 'exit status 3: stub: refusing'
pcase "helper fails, home_required option" failreq user0001 open PAM_SESSION_ERR \
	'Could not create your home directory'
HC_CACHE=$CACHE slapd_write_config "$PAM_DIR/failkw.conf" "mkhome $REC/failing" "home_required yes"
pam_service failkw "session required $PAM_SO config=$PAM_DIR/failkw.conf"
pcase "helper fails, home_required keyword" failkw user0001 open PAM_SESSION_ERR ""

# A relative mkhome path is never run.
HC_CACHE=$CACHE slapd_write_config "$PAM_DIR/rel.conf" "mkhome stub"
pam_service rel "session required $PAM_SO config=$PAM_DIR/rel.conf home_required"
cd "$REC"
pdeny "relative mkhome path: session refused" rel user0001 open
cd - >/dev/null
is "relative mkhome path: nothing run" "$(grep -c '^argv=' "$REC/calls")" 1

# A helper that hangs is killed at the deadline; the login goes on.
HC_CACHE=$CACHE slapd_write_config "$PAM_DIR/hang.conf" "mkhome $REC/hanging"
pam_service hang "session required $PAM_SO config=$PAM_DIR/hang.conf"
t0=$(date +%s%N)
pcase "hanging helper: login continues" hang user0001 open PAM_SUCCESS 'Could not create'
ms=$((($(date +%s%N) - t0) / 1000000))
diag "hanging helper: session returned after $ms ms (deadline 10 s)"
check "hanging helper: waited for the deadline, not for the helper ($ms ms)" \
	test "$ms" -ge 9500 -a "$ms" -lt 20000
like "the kill is logged" "$(cat "$PAM_LOG")" 'user0001: .*/hanging killed after 10000 ms'
hpid=$(cat "$REC/hang.pid" 2>/dev/null)
check "the hanging helper had started" test -n "$hpid"
alive() { kill -0 "$1" 2>/dev/null; }
check_not "the hanging helper (pid $hpid) is gone" alive "$hpid"

# The real helper, once it is built.
if [ -x "$HC_BUILD/hcoop-mkhome" ]; then
	HC_CACHE=$CACHE slapd_write_config "$PAM_DIR/real.conf" "mkhome $HC_BUILD/hcoop-mkhome" "skel none"
	pam_service real "session required $PAM_SO config=$PAM_DIR/real.conf home_required"
	pcase "real hcoop-mkhome: user0003 session" real user0003 open PAM_SUCCESS ""
	is "real hcoop-mkhome made the home, owned by the member" \
		"$(stat -c %u /home/user0003 2>&1)" 20003
else
	diag "hcoop-mkhome not built yet: real-helper case skipped"
fi

# A home that exists but belongs to another uid (a reused name): the
# session asks hcoop-mkhome, which refuses it (exit 7); home_required turns
# that into PAM_SESSION_ERR, otherwise a warning and a message.
HC_CACHE=$CACHE slapd_write_config "$PAM_DIR/own.conf" "mkhome $HC_BUILD/hcoop-mkhome" "skel none"
pam_service own "session required $PAM_SO config=$PAM_DIR/own.conf"
pam_service ownreq "session required $PAM_SO config=$PAM_DIR/own.conf home_required"
mkdir -m 0750 /home/user0005 && chown 12345:12345 /home/user0005
pcase "foreign home, home_required: session refused" ownreq user0005 open PAM_SESSION_ERR \
	'msg error: Your home directory /home/user0005 belongs to another account'
like "foreign home: hcoop-mkhome's verdict is logged" "$(cat "$PAM_LOG")" \
	'user0005: .*hcoop-mkhome exit status 7: .*owned by uid 12345, not 20005'
like "foreign home: the refusal is logged" "$(cat "$PAM_LOG")" \
	'user0005: home /home/user0005 belongs to another account: session refused'
pcase "foreign home, no home_required: login continues" own user0005 open PAM_SUCCESS \
	'msg error: Your home directory /home/user0005 belongs to another account.*Continuing'
like "foreign home: a warning is logged" "$(cat "$PAM_LOG")" \
	'user0005: home /home/user0005 belongs to another account: session continues'
is "foreign home: left untouched" "$(stat -c %u /home/user0005)" 12345
# an admin visiting (dave, assigned to host2): no helper, same rule
mkdir -m 0750 /home/dave && chown 12345:12345 /home/dave
pcase "admin visiting, foreign home, home_required: refused" ownreq dave open PAM_SESSION_ERR \
	'belongs to another account'
pcase "a member whose home is theirs: session opens" ownreq user0003 open PAM_SUCCESS ""
