#!/bin/bash
# End to end, SSH keys from LDAP (issue 17): ssh client -> OpenSSH sshd ->
# AuthorizedKeysCommand hcoop-authorized-keys (as nobody) -> the cache that
# the hcoop-sync daemon writes from the test slapd (openssh-lpk schema);
# admission still by pam_hcoop's account step; home by hcoop-mkhome.
# Inside a private mount+network namespace (tests/lib/ns.sh); every process
# started here is stopped by PID at exit, also on failure.
# Not "san: yes": sshd is a system binary (the command itself is covered
# under ASan by tests/keys/).
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
source "$HC_SRC/tests/lib/slapd.sh"
source "$HC_SRC/tests/lib/sshd.sh"
source "$HC_SRC/tests/e2e/world.sh"
hc_ns_enter "$@"

for f in libnss_hcoop.so.2 pam_hcoop.so hcoop-sync hcoop-mkhome hcoop-authorized-keys; do
	[ -e "$HC_BUILD/$f" ] || { echo "Bail out! $HC_BUILD/$f not built"; exit 1; }
done

T=$(hc_tmpdir)
P=ou=People,dc=hcoop,dc=test
slapd_start >"$T/slapd-start.log" 2>&1 || {
	cat "$T/slapd-start.log"; echo "Bail out! slapd_start failed"; exit 1; }
export LDAPTLS_CACERT=$LDAP_CACERT
for k in alice_a alice_b bob erin mallory; do
	ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$T/$k"
done
pub() { cat "$T/$1.pub"; }
b64() { printf '%s' "$1" | base64 -w0; }
as_alice() { ldapmodify -x -ZZ -H "$LDAP_URI" -D "uid=alice,$P" -w alice-secret-1 >/dev/null; }

# alice adds her two keys herself, as a member does (access.ldif {3},{4})
as_alice <<LDIF
dn: uid=alice,$P
changetype: modify
add: objectClass
objectClass: ldapPublicKey
-
add: sshPublicKey
sshPublicKey: $(pub alice_a)
sshPublicKey: $(pub alice_b)
LDIF
is "alice stores her keys in LDAP with ldapmodify as herself" "$?" 0
# hostile values on alice's entry (an admin's mistake or a compromised
# tool): an extra line with command= after a newline, 1 MB, and mallory's
# ed25519 blob announced as ssh-rsa
# (the forced command, if it ever ran, would leave a file in PWN: a
# directory of this run that alice may write to)
PWN=$T/pwn
mkdir -m 1777 "$PWN"
HOSTILE=$(pub alice_a)$'\n''command="touch '"$PWN"'/pwned" '$(pub mallory)
slapd_modify >/dev/null <<LDIF
dn: uid=alice,$P
changetype: modify
add: sshPublicKey
sshPublicKey:: $(b64 "$HOSTILE")
sshPublicKey: ssh-ed25519 $(head -c 1048576 /dev/zero | tr '\0' A) huge
sshPublicKey: ssh-rsa $(pub mallory | cut -d' ' -f2) wrongtype

dn: uid=bob,$P
changetype: modify
add: objectClass
objectClass: ldapPublicKey
-
add: sshPublicKey
sshPublicKey: $(pub bob)

dn: uid=erin,$P
changetype: modify
add: objectClass
objectClass: ldapPublicKey
-
add: sshPublicKey
sshPublicKey: $(pub erin)
LDIF
is "hostile values, bob's and erin's keys loaded by the admin" "$?" 0

world_setup
world_install_keys
sshd_start "${WORLD_SSHD_KEYS[@]}" || { echo "Bail out! sshd did not start"; exit 1; }
world_start_sync "$T/sync.log" || {
	cat "$T/sync.log"; echo "Bail out! hcoop-sync did not publish alice"; exit 1; }
diag "sshd on 127.0.0.1:$SSHD_PORT (pid $SSHD_PID), hcoop-sync pid $WORLD_SYNC_PID"

key() { rc=0; out=$(sshd_key "$@") || rc=$?; }
show() { diag "rc=$rc"; printf '%s\n' "$out" | sed 's/^/#   /'; }
ldap_up() { ldapsearch -x -H "$LDAP_URI" -s base -b '' -o nettimeout=2 >/dev/null 2>&1; }
login_ok() { if [ "$rc" -eq 0 ]; then ok "$1"; else fail "$1"; show; fi; }
login_refused() { if [ "$rc" -ne 0 ]; then ok "$1"; else fail "$1"; show; fi; }
ms() { echo $(($(date +%s%N) / 1000000)); }
AK=/usr/sbin/hcoop-authorized-keys

# --- 1. alice: key in LDAP, no home, logs in on her host ----------------
case1() {
	is "1: the command prints alice's two keys" "$($AK alice)" \
		"$(pub alice_a)"$'\n'"$(pub alice_b)"
	check_not "1: alice has no home (and no authorized_keys) yet" test -e /home/alice
	key alice "$T/alice_a" 'id; pwd'
	login_ok "1: alice logs in with the key from LDAP"
	like "1: her LDAP uid in the session" "$out" 'uid=10001\(alice\)'
	like "1: the session starts in her new home" "$out" '^/home/alice$'
	is "1: home created at that login, owned by alice" \
		"$(stat -c %u:%g /home/alice 2>&1)" 10001:10001
}

# --- 2. hostile values never reach sshd ---------------------------------
case2() {
	local o log
	o=$($AK alice)
	log=$(cat "$T/sync.log")
	check_not "2: no smuggled command= line in the command's output" grep -q 'command=' <<<"$o"
	check_not "2: mallory's key is not in the output" \
		grep -qF "$(pub mallory | cut -d' ' -f2)" <<<"$o"
	is "2: no output line over 8192 bytes" "$(awk 'length > 8192' <<<"$o" | wc -l)" 0
	check_not "2: nothing hostile in the cache file" grep -qa -e "$PWN" -e wrongtype \
		-e AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA /var/lib/hcoop/cache
	like "2: hcoop-sync logged the smuggled newline, naming the DN" "$log" \
		"uid=alice,$P: ignoring sshPublicKey value 3: it contains a control character"
	like "2: ... the 1 MB value" "$log" \
		"uid=alice,$P: ignoring sshPublicKey value 4: it is longer than 8192 bytes"
	like "2: ... the blob of another type" "$log" \
		"uid=alice,$P: ignoring sshPublicKey value 5: its key blob is not of the type"
	key alice "$T/mallory" "touch $PWN/pwned2"
	login_refused "2: mallory's smuggled key does not log in as alice"
	check_not "2: no command ran" test -e "$PWN/pwned" -o -e "$PWN/pwned2"
}

# --- 3. bob lives on host2: refused here with the host message ----------
case3() {
	key bob "$T/bob" id
	login_refused "3: bob's valid key is refused on host1"
	like "3: the client shows the message naming his host" "$out" 'host2\.hcoop\.test'
	check_not "3: no session ran" grep -q 'uid=10002' <<<"$out"
	check_not "3: no home made for bob" test -e /home/bob
}

# --- 4. erin is locked: a valid key does not help -----------------------
case4() {
	like "4: the command prints erin's key (admission is PAM's)" "$($AK erin)" '^ssh-ed25519 '
	key erin "$T/erin" id
	login_refused "4: locked erin refused with her valid key"
	check_not "4: no session ran" grep -q 'uid=10005' <<<"$out"
}

# --- 5. a key removed in LDAP is refused within 2 s ---------------------
case5() {
	key alice "$T/alice_b" true
	login_ok "5: (before) alice's second key works"
	local t0 t1 i rc5=0
	t0=$(ms)
	as_alice <<LDIF || rc5=$?
dn: uid=alice,$P
changetype: modify
delete: sshPublicKey
sshPublicKey: $(pub alice_b)
LDIF
	is "5: alice deletes her second key herself" "$rc5" 0
	for ((i = 0; i < 40; i++)); do
		$AK alice | grep -qF "$(pub alice_b)" || break
		sleep 0.05
	done
	key alice "$T/alice_b" true
	t1=$(ms)
	login_refused "5: the removed key is refused"
	diag "removal to refused login: $((t1 - t0)) ms"
	check "5: ... within 2 s of the change (the daemon follows LDAP)" test $((t1 - t0)) -lt 2000
	key alice "$T/alice_a" true
	login_ok "5: her other key still works"
}

# --- 6. slapd stopped: key login still works, in under 1 s --------------
case6() {
	slapd_stop
	check_not "6: slapd is really down" ldap_up
	local t0 t1
	t0=$(ms)
	key alice "$T/alice_a" 'id'
	t1=$(ms)
	login_ok "6: alice logs in with her key, LDAP down"
	like "6: id answers from the cache" "$out" 'uid=10001\(alice\)'
	diag "key login with slapd down: $((t1 - t0)) ms"
	check "6: ... in under 1 s" test $((t1 - t0)) -lt 1000
}

# --- 7. the command as nobody reads the world-readable cache, no more ---
case7() {
	local tr=$T/strace rc7=0 opened
	strace -f -qq -e trace=open,openat,socket,connect,execve -o "$tr" \
		setpriv --reuid=nobody --regid=nogroup --clear-groups $AK alice >"$T/o7" || rc7=$?
	is "7: as nobody (setpriv): exit 0 with alice's key" "$rc7|$(cat "$T/o7")" "0|$(pub alice_a)"
	# the command's own calls: from setpriv's exec of it (the last execve)
	awk '/execve\(/ { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' \
		"$tr" >"$tr.cmd"
	like "7: strace saw the command's exec" "$(head -1 "$tr.cmd")" "execve\\(\"$AK\""
	tr=$tr.cmd
	opened=$(grep -v ENOENT "$tr" |
		grep -o 'open[a-z]*([^"]*"[^"]*"' | sed 's/.*"\(.*\)"/\1/' |
		grep -v -e '^/etc/ld.so.cache$' -e '^/lib' -e '^/usr/lib' | sort -u | tr '\n' ' ')
	# (the cache: the main file and, when hcoop-sync wrote one, its delta)
	is "7: it opens the config and the cache, nothing else" \
		"${opened/\/var\/lib\/hcoop\/cache.delta /}" "/etc/hcoop.conf /var/lib/hcoop/cache "
	check_not "7: no socket, no network" grep -qE '^[0-9]+ +(socket|connect)\(' "$tr"
	check_not "7: never opens the bind secret" grep -q bindpw "$tr"
	check_not "7: opens nothing for writing" grep -E 'open(at)?\(' "$tr" |
		grep -qE 'O_WRONLY|O_RDWR|O_CREAT'
	chmod 0600 /var/lib/hcoop/cache
	key alice "$T/alice_a" true
	login_refused "7: cache made 0600: sshd's command (run as nobody) cannot read it"
	chmod 0644 /var/lib/hcoop/cache
	key alice "$T/alice_a" true
	login_ok "7: cache 0644 again: the key works"
}

case1
case2
case3
case4
case5
case6
case7

check "hcoop-sync daemon still running at the end" kill -0 "$WORLD_SYNC_PID"
check "sshd still running at the end" kill -0 "$SSHD_PID"
echo "1..$_hc_n"
