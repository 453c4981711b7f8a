#!/bin/bash
# hcoopctl member add / lock / unlock / delete / move (LDAP side) against a
# real slapd: uids from the counter (Modify-Increment + post-read), never
# reused, 20 adds in parallel get 20 distinct numbers without gaps, two adds
# of one name give one entry and one clear error; names checked against
# the rules, the shipped list and LDAP; the password set by Password Modify;
# --dry-run prints LDIF that ldapmodify applies to the same result; the
# assertion on the old host makes a stale move fail.
# san: yes
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"

T=$(hc_tmpdir)
slapd_start || { fail "slapd starts"; exit 1; }
ha_host host1
printf 'dave-secret-4\n' >"$T/davepw"
chmod 0600 "$T/davepw"
DAVE="uid=dave,ou=People,$LDAP_BASE"
A=("$CTL" -c "$T/host1/hcoop.conf" -D "$DAVE" -y "$T/davepw")
P="ou=People,$LDAP_BASE"
attr() { slapd_search -b "$1" -s base "$2" | sed -n "s/^$2: //p"; }
counter() { attr "cn=idcounter,$LDAP_BASE" hcoopLastId; }
printf 'new-secret-1\n' >"$T/pw"

# write commands need an admin identity
out=$("$CTL" -c "$T/host1/hcoop.conf" member add nobodyid --gecos X --no-password 2>&1); rc=$?
is "member add without an admin identity: exit 1" "$rc" 1
like "and says why" "$out" 'admin identity'
out=$("$CTL" -c "$T/host1/hcoop.conf" -D "uid=alice,$P" -y <(echo alice-secret-1) \
	member add byalice --gecos X --no-password 2>&1); rc=$?
is "a member (not an LDAP admin) cannot add: refused by the server (exit 2)" "$rc" 2
is "no entry for byalice" "$(slapd_search -b "$P" '(uid=byalice)' dn)" ""

# the first add creates the counter above the highest id present (20600)
out=$("${A[@]}" member add newbie --gecos "New Bie" --host host1.hcoop.test --password-file "$T/pw" 2>&1); rc=$?
is "member add: exit 0" "$rc" 0
like "prints what happens next" "$out" 'next: host1.hcoop.test'
is "first uid: above the highest present (20600)" "$(attr "uid=newbie,$P" uidNumber)" 20601
is "counter created and advanced" "$(counter)" 20601
is "gidNumber = uidNumber" "$(attr "uid=newbie,$P" gidNumber)" 20601
is "home under home_base" "$(attr "uid=newbie,$P" homeDirectory)" "$T/host1/home/newbie"
is "assigned host" "$(attr "uid=newbie,$P" hcoopHost)" host1.hcoop.test
like "classes posixAccount + hcoopMember" "$(attr "uid=newbie,$P" objectClass | tr '\n' ' ')" 'posixAccount .*hcoopMember'
is "private group: gid and member" "$(slapd_search -b "cn=newbie,ou=Groups,$LDAP_BASE" -s base gidNumber memberUid | grep -v '^dn' | tr '\n' ' ')" "gidNumber: 20601 memberUid: newbie  "
check "the password works (set by Password Modify)" \
	env LDAPTLS_CACERT="$LDAP_CACERT" ldapwhoami -x -ZZ -H "$LDAP_URI" -D "uid=newbie,$P" -w new-secret-1
like "stored hashed by the server, not in clear" "$(slapd_search -b "uid=newbie,$P" -s base userPassword | sed -n 's/^userPassword:: //p' | base64 -d)" '^\{SSHA'

# refusals: nothing changes, no number is taken
for bad in root postfix postmaster Bad-Name "a:b" alice hcstaff; do
	out=$("${A[@]}" member add "$bad" --gecos X --no-password 2>&1); rc=$?
	[ "$rc" -ne 0 ] && ok "refused: '$bad' (exit $rc: ${out%%$'\n'*})" || fail "refused: '$bad'"
done
like "reserved name: says so" "$("${A[@]}" member add sshd --gecos X --no-password 2>&1)" 'reserved'
like "existing name: says where" "$("${A[@]}" member add alice --gecos X --no-password 2>&1)" 'already exists in LDAP: uid=alice'
like "empty password file refused" "$("${A[@]}" member add okname --gecos X --password-file /dev/null 2>&1)" 'empty password'
is "the counter did not move for refused adds" "$(counter)" 20601
out=$("${A[@]}" member add autoone --gecos X --host auto --no-password 2>&1); rc=$?
is "--host auto with no fresh host status: refused" "$rc" 4
like "--host auto: STALE hosts skipped" "$out" 'skipping host1.hcoop.test: status STALE'
slapd_modify >/dev/null <<EOT
dn: cn=spare.hcoop.test,ou=Hosts,$LDAP_BASE
changetype: modify
replace: hcoopRole
hcoopRole: down
EOT
like "--host with role down refused" "$("${A[@]}" member add downone --gecos X --host spare.hcoop.test --no-password 2>&1)" 'role is down'
like "--host without an entry refused" "$("${A[@]}" member add noent --gecos X --host nowhere.test --no-password 2>&1)" 'no such host entry'

# --dry-run: LDIF only; applied by ldapmodify it gives what the real run gives
out=$("${A[@]}" member add dryone --gecos "Dry One" --host host2.hcoop.test --no-password --dry-run); rc=$?
is "--dry-run: exit 0" "$rc" 0
is "--dry-run changed nothing: no entry" "$(slapd_search -b "$P" '(uid=dryone)' dn)" ""
is "--dry-run changed nothing: counter" "$(counter)" 20601
like "--dry-run: the increment with the post-read control" "$out" $'changetype: modify\nincrement: hcoopLastId\nhcoopLastId: 1'
like "--dry-run: post-read control line" "$out" 'control: 1\.3\.6\.1\.1\.13\.2 true:: '
like "--dry-run: the member entry" "$out" $'dn: uid=dryone,ou=People,dc=hcoop,dc=test\nchangetype: add'
like "--dry-run: with the uid it would get" "$out" 'uidNumber: 20602'
printf '%s\n' "$out" >"$T/dry.ldif"
check "the --dry-run LDIF applies with ldapmodify (as the admin)" \
	env LDAPTLS_CACERT="$LDAP_CACERT" ldapmodify -x -ZZ -H "$LDAP_URI" -D "$DAVE" -w dave-secret-4 -f "$T/dry.ldif"
is "applied: entry with uid 20602, counter 20602" "$(attr "uid=dryone,$P" uidNumber) $(counter)" "20602 20602"
is "applied: private group" "$(attr "cn=dryone,ou=Groups,$LDAP_BASE" gidNumber)" 20602

# 20 adds in parallel: 20 distinct uids, contiguous
pids=()
for i in $(seq -w 1 20); do
	"${A[@]}" member add "par$i" --gecos "Par $i" --host host2.hcoop.test --no-password >"$T/par$i.out" 2>&1 &
	pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
is "20 parallel adds: all exit 0" "$fails" 0
uids=$(slapd_search -b "$P" '(uid=par*)' uidNumber | sed -n 's/^uidNumber: //p' | sort -n)
is "20 entries" "$(wc -l <<<"$uids")" 20
is "20 distinct uids" "$(sort -u <<<"$uids" | wc -l)" 20
is "no gap: 20603..20622" "$(head -1 <<<"$uids")-$(tail -1 <<<"$uids")" "20603-20622"
is "counter at the last" "$(counter)" 20622

# two adds of one name at the same moment: one entry, one clear error
"${A[@]}" member add twin --gecos T1 --no-password >"$T/t1.out" 2>&1 & p1=$!
"${A[@]}" member add twin --gecos T2 --no-password >"$T/t2.out" 2>&1 & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
is "same name twice: one succeeds" "$(( (r1 == 0) + (r2 == 0) ))" 1
is "the other exits 4 (refused)" "$(( r1 + r2 ))" 4
is "one entry" "$(slapd_search -b "$P" '(uid=twin)' dn | grep -c '^dn:')" 1
like "the other says the name exists" "$(cat "$T/t1.out" "$T/t2.out")" "'twin' already exists"

# --uid: refused when used; above the counter it raises it
like "--uid of an existing member refused" "$("${A[@]}" member add uidtaken --gecos X --uid 10001 --no-password 2>&1)" 'already used by uid=alice'
check "--uid 30000" "${A[@]}" member add explicit --gecos X --uid 30000 --no-password
is "--uid above the counter raises it" "$(counter)" 30000
"${A[@]}" member add afterexp --gecos X --no-password >/dev/null
is "the next add continues above it" "$(attr "uid=afterexp,$P" uidNumber)" 30001

# -Y EXTERNAL: root on the LDAP server, over ldapi
out=$("$CTL" -c "$T/host1/hcoop.conf" -H "$LDAPI_URI" -Y EXTERNAL member add viaroot --gecos Root --no-password 2>&1); rc=$?
diag "$out"
is "member add -Y EXTERNAL over ldapi: exit 0" "$rc" 0
is "and the counter went on" "$(slapd_search -b "uid=viaroot,$P" -s base uidNumber | sed -n 's/^uidNumber: //p')" 30002

# lock / unlock
check "member lock" "${A[@]}" member lock newbie
is "pwdAccountLockedTime set (the lock pam_hcoop and sync honour)" "$(attr "uid=newbie,$P" pwdAccountLockedTime)" 000001010000Z
check_not "the server refuses the locked member's bind" \
	env LDAPTLS_CACERT="$LDAP_CACERT" ldapwhoami -x -ZZ -H "$LDAP_URI" -D "uid=newbie,$P" -w new-secret-1
like "lock twice: says so" "$("${A[@]}" member lock newbie)" 'already locked'
like "unlock --dry-run: the LDIF" "$("${A[@]}" member unlock newbie --dry-run)" $'delete: pwdAccountLockedTime\n-'
check "member unlock" "${A[@]}" member unlock newbie
check "unlocked: the bind works again" \
	env LDAPTLS_CACERT="$LDAP_CACERT" ldapwhoami -x -ZZ -H "$LDAP_URI" -D "uid=newbie,$P" -w new-secret-1

# delete: entry, private group, references; the uid is never reused
slapd_modify >/dev/null <<EOT
dn: cn=hcstaff,ou=Groups,$LDAP_BASE
changetype: modify
add: memberUid
memberUid: newbie
EOT
out=$("${A[@]}" member delete newbie --dry-run)
like "delete --dry-run: drops the reference" "$out" $'dn: cn=hcstaff,ou=Groups,dc=hcoop,dc=test\nchangetype: modify\ndelete: memberUid\nmemberUid: newbie'
is "delete --dry-run: nothing changed" "$(slapd_search -b "$P" '(uid=newbie)' dn | grep -c '^dn:')" 1
check "member delete" "${A[@]}" member delete newbie
is "entry gone" "$(slapd_search -b "$P" '(uid=newbie)' dn)" ""
is "private group gone" "$(slapd_search -b "ou=Groups,$LDAP_BASE" '(cn=newbie)' dn)" ""
is "no memberUid reference left" "$(slapd_search -b "$LDAP_BASE" '(memberUid=newbie)' dn)" ""
is "other members of hcstaff kept" "$(attr "cn=hcstaff,ou=Groups,$LDAP_BASE" memberUid | tr '\n' ' ')" "alice bob dave "
"${A[@]}" member add newbie --gecos "Again" --no-password >/dev/null
is "same name again: a NEW uid, not 20601" "$(attr "uid=newbie,$P" uidNumber)" 30003
is "delete of an unknown member: exit 3" "$("${A[@]}" member delete ghost >/dev/null 2>&1; echo $?)" 3

# move: target checks, assertion on the old host
like "move to a host with role down refused" "$("${A[@]}" member move alice spare.hcoop.test 2>&1)" 'role is down'
out=$("${A[@]}" member move alice host2.hcoop.test --dry-run)
like "move --dry-run: assertion on the old value" "$out" '# assertion: \(hcoopHost=host1\.hcoop\.test\)'
like "move --dry-run: assertion control line" "$out" 'control: 1\.3\.6\.1\.1\.12 true:: '
printf '%s\n' "$out" >"$T/move.ldif"
out=$("${A[@]}" member move alice host2.hcoop.test); rc=$?
is "move: exit 0" "$rc" 0
is "hcoopHost changed" "$(attr "uid=alice,$P" hcoopHost)" host2.hcoop.test
like "member usage names move's --copy-dest" "$("${A[@]}" member 2>&1)" \
	'member move NAME HOST \[--copy-from-here \[--copy-dest DEST\]\] \[--dry-run\]'
like "prints the rsync step: the home into the new host's /home/" "$out" 'rsync -aHAX --numeric-ids /home/alice root@host2.hcoop.test:/home/$'
# a second admin's move prepared on the old value (host1), sent after
# this one: its assertion fails, nothing changes
out=$(LDAPTLS_CACERT=$LDAP_CACERT ldapmodify -x -ZZ -H "$LDAP_URI" -D "$DAVE" -w dave-secret-4 -f "$T/move.ldif" 2>&1); rc=$?
is "a move made on a stale view fails its assertion (rc 122)" "$rc" 122
is "and changed nothing" "$(attr "uid=alice,$P" hcoopHost)" host2.hcoop.test
