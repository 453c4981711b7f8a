#!/bin/bash
# End to end, the way members use it: ssh client -> OpenSSH sshd -> PAM ->
# pam_hcoop -> LDAP (TLS test slapd); NSS -> cache written by the
# hcoop-sync daemon; session -> hcoop-mkhome -> a home with ACLs.
# All inside a private mount+network namespace (tests/lib/ns.sh); every
# process started here is stopped by PID at exit, also on failure.
# Not "san: yes": sshd, getent and PAM are system binaries loading our .so.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
source "$HC_SRC/tests/lib/slapd.sh"
source "$HC_SRC/tests/lib/sshd.sh"
source "$HC_SRC/tests/e2e/world.sh"
hc_ns_enter "$@"

for f in libnss_hcoop.so.2 pam_hcoop.so hcoop-sync hcoop-mkhome; do
	[ -e "$HC_BUILD/$f" ] || { echo "Bail out! $HC_BUILD/$f not built"; exit 1; }
done

T=$(hc_tmpdir)
PEOPLE=ou=People,dc=hcoop,dc=test
slapd_start >"$T/slapd-start.log" 2>&1 || {
	cat "$T/slapd-start.log"; echo "Bail out! slapd_start failed"; exit 1; }
world_setup
world_local_user localuser 3001 local-secret-8
sshd_start || { echo "Bail out! sshd did not start"; exit 1; }
world_start_sync "$T/sync.log" || {
	cat "$T/sync.log"; echo "Bail out! hcoop-sync did not publish alice"; exit 1; }
diag "sshd on 127.0.0.1:$SSHD_PORT (pid $SSHD_PID), hcoop-sync pid $WORLD_SYNC_PID"

# Login helpers: output in $out, exit status in $rc.
pw() { rc=0; out=$(sshd_pw "$@") || rc=$?; }
key() { rc=0; out=$(sshd_key "$@") || rc=$?; }
show() { diag "rc=$rc"; printf '%s\n' "$out" | sed 's/^/#   /'; }
ldap_up() { ldapsearch -x -H "$LDAP_URI" -s base -b '' -o nettimeout=2 >/dev/null 2>&1; }
login_ok() { # description
	if [ "$rc" -eq 0 ]; then ok "$1"; else fail "$1"; show; fi
}
login_refused() { # description
	if [ "$rc" -ne 0 ]; then ok "$1"; else fail "$1"; show; fi
}

# --- 1. alice, assigned here, logs in with her password -----------------
case1() {
	pw alice alice-secret-1 'id; echo "HOME=$HOME"; pwd'
	login_ok "1: alice password login succeeds"
	like "1: id shows alice's LDAP uid and gid" "$out" \
		'uid=10001\(alice\) gid=10001\(alice\)'
	like "1: id shows her LDAP groups hcstaff and www" "$out" \
		'groups=.*5000\(hcstaff\).*5002\(www\)|groups=.*5002\(www\).*5000\(hcstaff\)'
	like "1: the session starts in her home" "$out" '^/home/alice$'
	local h=/home/alice
	check "1: home created by the session" test -d "$h"
	is "1: home owner" "$(stat -c %u:%g "$h")" 10001:10001
	is "1: home mode (default 0750)" "$(stat -c %a "$h")" 750
	is "1: skeleton copied" "$(cat "$h/docs/WELCOME" 2>&1)" "Welcome to host1."
	is "1: skeleton dotfile copied" "$(cat "$h/.bashrc" 2>&1)" "# hcoop test skeleton"
	is "1: skeleton files owned by alice" \
		"$(stat -c %u:%g "$h/.bashrc" "$h/docs" "$h/docs/WELCOME" | sort -u)" 10001:10001
	local acl
	acl=$(getfacl -cp "$h" 2>&1)
	like "1: home ACL gives www-data traverse (getfacl)" "$acl" 'user:www-data:--x'
	acl=$(getfacl -cp "$h/public_html" 2>&1)
	like "1: public_html access ACL for www-data" "$acl" '^user:www-data:r-x'
	like "1: public_html default ACL for www-data" "$acl" 'default:user:www-data:r-x'
	check "1: Maildir made (maildir yes)" test -d "$h/Maildir/new" -a -d "$h/Maildir/cur" -a -d "$h/Maildir/tmp"
}

# --- 2. alice with a wrong password --------------------------------------
case2() {
	pw alice not-her-password id
	login_refused "2: wrong password refused"
	check_not "2: no session ran" grep -q 'uid=10001' <<<"$out"
}

# --- 3. bob lives on host2 ----------------------------------------------
case3() {
	pw bob bob-secret-2 id
	login_refused "3: bob (host2) refused here"
	like "3: client shows the message naming bob's host" "$out" 'host2\.hcoop\.test'
	check_not "3: no session ran" grep -q 'uid=10002' <<<"$out"
	check_not "3: no home made for bob" test -e /home/bob
	grep -q host2 <<<"$out" || show
}

# --- 4. dave is in admin_group, assigned to host2 -----------------------
case4() {
	pw dave dave-secret-4 id
	login_ok "4: admin from another host logs in"
	like "4: id shows dave and group admins" "$out" 'uid=10004\(dave\).*5001\(admins\)'
}

# --- 6. alice changes her password with passwd in an ssh session --------
case6() {
	local out6 rc6=0
	out6=$(sshd_dialog alice "$T/alice_key" passwd \
		'[Cc]urrent[^:]*: *$|[Oo]ld[^:]*: *$|\(current\)[^:]*: *$' alice-secret-1 \
		'[Nn]ew [^:]*: *$' alice-new-secret-6 \
		'([Rr]etype|[Rr]e-?enter|[Aa]gain|[Rr]epeat)[^:]*: *$' alice-new-secret-6) || rc6=$?
	is "6: passwd in the ssh session exits 0" "$rc6" 0
	[ "$rc6" -eq 0 ] || printf '%s\n' "$out6" | sed 's/^/#   /'
	like "6: passwd reports success" "$out6" 'updated successfully'
	pw alice alice-secret-1 id
	login_refused "6: the old password now fails"
	pw alice alice-new-secret-6 id
	login_ok "6: the new password works"
	like "6: ... and gives alice's session" "$out" 'uid=10001\(alice\)'
}

# --- 7. bob moves here with one ldapmodify ------------------------------
case7() {
	slapd_modify >/dev/null <<EOF
dn: uid=bob,$PEOPLE
changetype: modify
replace: hcoopHost
hcoopHost: host1.hcoop.test
EOF
	local start=$SECONDS
	pw bob bob-secret-2 id
	while [ "$rc" -ne 0 ] && [ $((SECONDS - start)) -lt 10 ]; do
		sleep 0.2
		pw bob bob-secret-2 id
	done
	diag "bob admitted $((SECONDS - start)) s after the ldapmodify"
	login_ok "7: bob logs in within 10 s of the move"
	like "7: ... as his LDAP uid" "$out" 'uid=10002\(bob\)'
	check "7: his home appeared" test -d /home/bob
	is "7: owned by bob" "$(stat -c %u:%g /home/bob 2>&1)" 10002:10002
}

# --- 5. LDAP down: keys still work, passwords fail fast -----------------
install_key() { # user uid gid keyfile
	local h=/home/$1
	mkdir -p "$h/.ssh"
	cp "$4.pub" "$h/.ssh/authorized_keys"
	chown "$2:$3" "$h" "$h/.ssh" "$h/.ssh/authorized_keys"
	chmod 0700 "$h/.ssh"
	chmod 0600 "$h/.ssh/authorized_keys"
}

case5() {
	slapd_stop
	check_not "5: slapd is really down" ldap_up
	local t0 t1
	t0=$(date +%s%N)
	key alice "$T/alice_key" 'id; ls -l /home'
	t1=$(date +%s%N)
	login_ok "5: alice logs in with her key, admission from the cache"
	like "5: id answers in the session" "$out" 'uid=10001\(alice\).*5000\(hcstaff\)'
	like "5: ls -l shows owner names from the cache" "$out" 'alice +alice .*alice$'
	diag "key login + id + ls -l took $(((t1 - t0) / 1000000)) ms with slapd down"
	check "5: ... and answers at once (under 5 s)" test $(((t1 - t0) / 1000000)) -lt 5000
	key erin "$T/erin_key" id
	login_refused "5: locked erin refused even with a key (from the cache)"
	t0=$(date +%s%N)
	pw alice alice-new-secret-6 id
	t1=$(date +%s%N)
	login_refused "5: password login fails while LDAP is down"
	check_not "5: ... cleanly (client not killed by the bound)" test "$rc" -eq 124
	diag "failed password login took $(((t1 - t0) / 1000000)) ms"
	check "5: ... within 10 s, no hang" test $(((t1 - t0) / 1000000)) -lt 10000
}

# --- 8. a local account logs in while slapd is down ---------------------
case8() {
	check_not "8: slapd is still down" ldap_up
	pw localuser local-secret-8 'id; getent passwd localuser'
	login_ok "8: local user logs in with slapd down"
	like "8: id shows the files uid" "$out" 'uid=3001\(localuser\)'
	pw localuser wrong-pw id
	login_refused "8: wrong local password refused"
}

ssh-keygen -q -t ed25519 -N '' -C alice -f "$T/alice_key"
ssh-keygen -q -t ed25519 -N '' -C erin -f "$T/erin_key"

case1
case2
case3
case4
install_key alice 10001 10001 "$T/alice_key"
install_key erin 10005 10005 "$T/erin_key"
key alice "$T/alice_key" true
login_ok "5 (before): alice's key login works with slapd up"
case6
case7
case5
case8

check "hcoop-sync daemon still running at the end" kill -0 "$WORLD_SYNC_PID"
check "sshd still running at the end" kill -0 "$SSHD_PID"
if [ -n "$(grep -Ei 'sanitizer|segfault|stack smashing' "$SSHD_LOG" "$T/sync.log")" ]; then
	fail "no crash reports in sshd/hcoop-sync logs"
	grep -Ei 'sanitizer|segfault|stack smashing' "$SSHD_LOG" "$T/sync.log" | head | sed 's/^/#   /'
else
	ok "no crash reports in sshd/hcoop-sync logs"
fi
echo "1..$_hc_n"
