#!/bin/bash
# The daemon says each validation warning once per entry and reason: not
# again at every change, SIGHUP refresh or reconnect. A change that alters
# the reason is said again (once).
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/sync/lib.sh"
hs_setup
P="ou=People,$LDAP_BASE"
slapd_add >/dev/null <<EOT
dn: uid=root,$P
objectClass: inetOrgPerson
objectClass: posixAccount
uid: root
cn: root
sn: root
uidNumber: 30003
gidNumber: 20000
homeDirectory: /home/root

dn: uid=badhome,$P
objectClass: inetOrgPerson
objectClass: posixAccount
uid: badhome
cn: badhome
sn: badhome
uidNumber: 30004
gidNumber: 20000
homeDirectory: /home/../etc

dn: uid=badshell,$P
objectClass: inetOrgPerson
objectClass: posixAccount
uid: badshell
cn: badshell
sn: badshell
uidNumber: 30005
gidNumber: 20000
homeDirectory: /home/badshell
loginShell: /usr/bin/not-a-shell
gecos: Colon: here
EOT
L=$SLAPD_DIR/daemon.log
count() { grep -c -- "$1" "$L"; }
root_w="skipping user uid=root,$P: name \"root\" is a local user"
home_w="skipping user uid=badhome,$P: homeDirectory has a"
shell_w="user uid=badshell,$P: loginShell"
gecos_w="user uid=badshell,$P: gecos had"
sys_w="skipping user uid=sysacct,$P: uidNumber 500 is below min_uid"
all_once() { # description
	local w bad=0
	for w in "$root_w" "$home_w" "$shell_w" "$gecos_w" "$sys_w"; do
		[ "$(count "$w")" = 1 ] || { bad=1; diag "$(count "$w") x: $w"; }
	done
	is "$1: each warning logged exactly once" "$bad" 0
}
writes() { grep -c 'wrote .*generation' "$L"; }

hs_start_daemon "$HS_CONF" "$L"
hs_wait 10 grep -q 'refresh applied' "$L"
check "first refresh applied" grep -q 'refresh applied' "$L"
all_once "first refresh"

# unrelated changes: each one rewrites the cache (and rebuilds the view)
w0=$(writes)
for i in 1 2 3; do
	printf 'dn: uid=bob,%s\nchangetype: modify\nreplace: gecos\ngecos: Bob %s\n' "$P" "$i" |
		slapd_modify >/dev/null
	hs_wait 5 grep -q "^U:bob:10002:10002:Bob $i:" <(hs_dump)
done
hs_wait 5 eval '[ "$(writes)" -ge $((w0 + 3)) ]'
check "three changes, three writes" [ "$(writes)" -ge $((w0 + 3)) ]
all_once "after three changes"

# SIGHUP: a new full refresh
n=$(grep -c 'refresh applied' "$L")
kill -HUP "$HS_DAEMON_PID"
hs_wait 10 eval '[ "$(grep -c "refresh applied" "$L")" -gt '"$n"' ]'
check "SIGHUP: a second refresh applied" [ "$(grep -c 'refresh applied' "$L")" -gt "$n" ]
all_once "after a SIGHUP refresh"

# reconnect: slapd goes away and comes back
n=$(grep -c 'refresh applied' "$L")
slapd_stop
slapd_start_again || fail "slapd_start_again"
hs_wait 20 eval '[ "$(grep -c "refresh applied" "$L")" -gt '"$n"' ]'
check "reconnect: a third refresh applied" [ "$(grep -c 'refresh applied' "$L")" -gt "$n" ]
all_once "after a reconnect"

# a change of the reason is news: logged once more
printf 'dn: uid=badhome,%s\nchangetype: modify\nreplace: homeDirectory\nhomeDirectory: /home//x\n' "$P" |
	slapd_modify >/dev/null
hs_wait 5 grep -q "uid=badhome,$P: homeDirectory contains" "$L"
is "a new reason is logged" "$(count "uid=badhome,$P: homeDirectory contains")" 1
is "... the old one still once" "$(count "$home_w")" 1
echo 1..$_hc_n
