#!/bin/bash
# hcoop-sync through real glibc: in a private namespace with
# "passwd: files hcoop", getent shows what --once wrote; with the daemon
# running, an add, a modify (shell, group membership, hcoopHost) and a
# delete show through getent within 2 s; nscd's caches are invalidated
# after each write (a fake nscd records the requests); precreate_homes
# runs the real hcoop-mkhome for a member newly assigned to this host.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
[ -f "$HC_BUILD/libnss_hcoop.so.2" ] || skip_all "libnss_hcoop.so.2 not built"
source "$HC_SRC/tests/sync/lib.sh"
hc_ns_install_modules
hc_ns_nsswitch "files hcoop"

# A fake nscd: records each INVALIDATE request (version, type, key) and
# answers 0; any other request (glibc's own lookups) is closed unanswered,
# so glibc falls back to the NSS modules.
mkdir -p /run/nscd
python3 - /run/nscd/socket "$HC_NS/nscd.log" <<'PY' &
import os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(8)
while True:
    c, _ = s.accept()
    hdr = c.recv(12, socket.MSG_WAITALL)
    ver, typ, klen = struct.unpack("iii", hdr)
    key = c.recv(klen, socket.MSG_WAITALL)
    if typ != 10:
        c.close(); continue
    with open(sys.argv[2], "a") as f:
        f.write("%d %d %r\n" % (ver, typ, key)); f.flush()
    c.sendall(struct.pack("i", 0)); c.close()
PY
nscd_pid=$!
hc_on_exit "kill $nscd_pid 2>/dev/null"
hs_wait 5 test -S /run/nscd/socket

MKHOME=/usr/sbin/hcoop-mkhome
[ -x "$MKHOME" ] || MKHOME=/bin/true
HS_CACHE=/var/lib/hcoop/cache
hs_setup "precreate_homes yes" "mkhome $MKHOME" "maildir yes" "home_base /home"

"$HS_SYNC" -c "$HS_CONF" --once 2>"$HC_NS/once.err"
is "--once into /var/lib/hcoop/cache" "$?" 0
is "getent passwd alice" "$(getent passwd alice)" "alice:x:10001:10001:Alice Liddell:/home/alice:/bin/bash"
is "getent group www" "$(getent group www)" "www:x:5002:alice"
is "getent group admins" "$(getent group admins)" "admins:x:5001:dave"
is "getent passwd user0600" "$(getent passwd user0600 | cut -d: -f1,3,6)" "user0600:20600:/home/user0600"
is "sysacct (below min_uid) absent" "$(getent passwd sysacct)" ""
check "root still from files" getent passwd root
is "enumeration: 606 LDAP users" "$(getent passwd | awk -F: '$3 >= 10000 && $3 < 65534' | wc -l)" 606
is "nscd: passwd and group invalidated" "$(cat "$HC_NS/nscd.log")" "2 10 b'passwd\\x00'
2 10 b'group\\x00'"

log=$HC_NS/daemon.log
hs_start_daemon "$HS_CONF" "$log"
hs_wait 10 grep -q 'refresh applied' "$log"
# the first sync counted every host1 member as new; homes were made then
rm -rf /home/* 2>/dev/null

# timed WHAT CMD...: CMD must succeed within 2 s
timed() {
	local what=$1 t0; shift
	t0=$(date +%s%N)
	if hs_wait 2 "$@"; then ok "$what within 2 s ($((($(date +%s%N) - t0) / 1000000)) ms)"
	else fail "$what not within 2 s"; tail -3 "$log" | sed 's/^/# /'; fi
}
slapd_add >/dev/null <<EOT
dn: uid=yan,ou=People,$LDAP_BASE
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: hcoopMember
uid: yan
cn: Yan
sn: Yan
uidNumber: 30010
gidNumber: 5000
homeDirectory: /home/yan
loginShell: /bin/sh
hcoopHost: host2.hcoop.test
EOT
timed "getent sees the added user" eval '[ "$(getent passwd yan)" = "yan:x:30010:5000:Yan:/home/yan:/bin/sh" ]'
slapd_modify >/dev/null <<EOT
dn: uid=yan,ou=People,$LDAP_BASE
changetype: modify
replace: loginShell
loginShell: /bin/bash
EOT
timed "getent sees the new shell" eval '[ "$(getent passwd yan | cut -d: -f7)" = /bin/bash ]'
slapd_modify >/dev/null <<EOT
dn: cn=www,ou=Groups,$LDAP_BASE
changetype: modify
add: memberUid
memberUid: yan
EOT
timed "getent sees the group membership" eval 'getent group www | grep -q ":alice,yan$"'
check "id yan lists www" eval 'id -Gn yan | grep -qw www'
slapd_modify >/dev/null <<EOT
dn: uid=yan,ou=People,$LDAP_BASE
changetype: modify
replace: hcoopHost
hcoopHost: host1.hcoop.test
EOT
timed "the new hcoopHost is in the cache" eval "hs_dump | grep -q '^U:yan:.*:host1.hcoop.test:0:\$'"
if [ "$MKHOME" = /bin/true ]; then
	diag "hcoop-mkhome not built: precreate_homes covered by t-daemon.sh's stub"
else
	hs_wait 5 test -d /home/yan/Maildir/new
	check "precreate_homes: hcoop-mkhome made /home/yan with Maildir" test -d /home/yan/Maildir/new
	is "precreate_homes: owned by yan" "$(stat -c %U /home/yan 2>/dev/null)" yan
	check_not "not made for a member of another host" test -e /home/bob
fi
ldapdelete -Y EXTERNAL -H "$LDAPI_URI" -Q "uid=yan,ou=People,$LDAP_BASE"
timed "getent no longer finds the deleted user" eval '! getent passwd yan >/dev/null'
check "nscd invalidated after the daemon's writes" test "$(grep -c passwd "$HC_NS/nscd.log")" -ge 5
echo 1..$_hc_n
