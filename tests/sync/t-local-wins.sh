#!/bin/bash
# Local accounts always win: hcoop-sync never caches an LDAP user or group
# whose name, uid, gid or primary gid is defined by /etc/passwd or
# /etc/group (read directly), nor uid/gid 0 even with "min_uid 0". Each is
# skipped with a log line naming the DN and the local entry, recorded in
# CACHE.skipped and listed by --status. A local account created after the
# first sync (adduser --system) wins at the next change (daemon) and the
# next refresh (--once). /etc is a private overlay (tests/lib/ns.sh).
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
source "$HC_SRC/tests/sync/lib.sh"

# The local world of a Debian host (sudo 27 only exists with the sudo
# package; base-passwd has staff 50 and users 100), plus a local admin
# and a local group with a gid in the members' range.
grep -q '^sudo:' /etc/group || echo 'sudo:x:27:' >>/etc/group
grep -q '^staff:' /etc/group || echo 'staff:x:50:' >>/etc/group
grep -q '^users:' /etc/group || echo 'users:x:100:' >>/etc/group
echo 'localadmin:x:4242:4242:Local Admin:/home/localadmin:/bin/bash' >>/etc/passwd
echo 'localadmin:x:4242:' >>/etc/group
echo 'hostsvc:x:31000:31000:a service:/var/lib/hostsvc:/usr/sbin/nologin' >>/etc/passwd
echo 'hostgrp:x:31100:' >>/etc/group

HS_CACHE=/var/lib/hcoop/cache
hs_setup "min_uid 0"
P="ou=People,$LDAP_BASE" G="ou=Groups,$LDAP_BASE"
user() { # name uid gid
	printf 'dn: uid=%s,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\nobjectClass: hcoopMember\n' "$1" "$P"
	printf 'uid: %s\ncn: %s\nsn: %s\nuidNumber: %s\ngidNumber: %s\n' "$1" "$1" "$1" "$2" "$3"
	printf 'homeDirectory: /home/%s\nloginShell: /bin/bash\nhcoopHost: host1.hcoop.test\n\n' "$1"
}
{
	user root 30003 20000        # name of local root
	user localadmin 30004 20000  # LDAP twin of a local user
	user clone 31000 20000       # uid of local hostsvc
	user zero 0 20000            # uid 0, min_uid 0
	user gid27 30005 27          # primary gid: local sudo
	user gid0 30006 0            # primary gid 0
	user lateuser 30010 20000    # fine until a local lateuser appears
	user lateuser3 30012 20000   # idem, with no LDAP change after it
	user zzroot 30003 20000      # root's LDAP uidNumber: root must not block it
	hs_group_ldif sudo 30100 alice
	hs_group_ldif staff 30101 alice
	hs_group_ldif users 30102 alice
	hs_group_ldif ldapgrp 31100 alice    # gid of local hostgrp
	hs_group_ldif gidzero 0 alice
} | slapd_add >/dev/null
is "entries loaded into LDAP" "$(hs_search -b "$LDAP_BASE" '(|(uid=root)(uid=localadmin)(uid=clone)(uid=zero)(uid=gid27)(uid=gid0)(uid=lateuser)(uid=lateuser3)(uid=zzroot)(cn=sudo)(cn=staff)(cn=users)(cn=ldapgrp)(cn=gidzero))' dn | grep -c '^dn:')" 14

# name -> the collision the log line and --status must name
declare -A why=(
	[uid=root,$P]='name "root" is a local user \(uid 0 in /etc/passwd\)'
	[uid=localadmin,$P]='name "localadmin" is a local user \(uid 4242 in /etc/passwd\)'
	[uid=clone,$P]='uidNumber 31000 belongs to local user "hostsvc" \(in /etc/passwd\)'
	[uid=zero,$P]='uidNumber 0 is reserved'
	[uid=gid27,$P]='primary gidNumber 27 belongs to local group "sudo" \(in /etc/group\)'
	[uid=gid0,$P]='primary gidNumber 0 is reserved'
	[cn=sudo,$G]='name "sudo" is a local group \(gid 27 in /etc/group\)'
	[cn=staff,$G]='name "staff" is a local group \(gid 50 in /etc/group\)'
	[cn=users,$G]='name "users" is a local group \(gid 100 in /etc/group\)'
	[cn=ldapgrp,$G]='gidNumber 31100 belongs to local group "hostgrp" \(in /etc/group\)'
	[cn=gidzero,$G]='gidNumber 0 is reserved'
)
absent() { # prefix dump-file
	local dn kind name
	for dn in "${!why[@]}"; do
		name=${dn%%,*}
		name=${name#*=}
		kind=U
		case $dn in cn=*) kind=G ;; esac
		check_not "$1: $kind:$name not in the cache" grep -q "^$kind:$name:" "$2"
	done
}
logged() { # prefix log
	local dn kind
	for dn in "${!why[@]}"; do
		kind=user
		case $dn in cn=*) kind=group ;; esac
		like "$1: $dn logged with its collision" "$(cat "$2")" \
			"skipping $kind $dn: ${why[$dn]}"
	done
}
listed() { # prefix
	local st dn kind
	st=$("$HS_SYNC" -c "$HS_CONF" --status)
	for dn in "${!why[@]}"; do
		kind=user
		case $dn in cn=*) kind=group ;; esac
		like "$1: --status lists $dn" "$st" "skipped $kind: $dn: ${why[$dn]}"
	done
}

"$HS_SYNC" -c "$HS_CONF" --once >"$SLAPD_DIR/once.log" 2>&1
is "--once exits 0" "$?" 0
hs_dump >"$SLAPD_DIR/once.txt"
absent "--once" "$SLAPD_DIR/once.txt"
logged "--once" "$SLAPD_DIR/once.log"
listed "--once"
like "--once: alice synced" "$(grep '^U:alice:' "$SLAPD_DIR/once.txt")" '^U:alice:10001:'
like "--once: a refused entry never blocks a valid one (zzroot keeps 30003)" \
	"$(grep '^U:zzroot:' "$SLAPD_DIR/once.txt")" '^U:zzroot:30003:'
like "--once: lateuser synced (no local twin yet)" "$(grep '^U:lateuser:' "$SLAPD_DIR/once.txt")" '^U:lateuser:30010:'
is "skip file is mode 0644" "$(stat -c %a "$HS_CACHE.skipped")" 644
check "skip file: KIND<TAB>DN<TAB>REASON lines" grep -qxF \
	"$(printf 'user\tuid=root,%s\tname "root" is a local user (uid 0 in /etc/passwd)' "$P")" \
	"$HS_CACHE.skipped"
is "skip file: one line per skipped entry" "$(wc -l <"$HS_CACHE.skipped")" 11
is "one log line per skipped entry" "$(grep -c "skipping user uid=root," "$SLAPD_DIR/once.log")" 1

# Through real NSS: the local entries answer, LDAP's twins do not.
hc_ns_install_modules
hc_ns_nsswitch "files hcoop"
is "NSS: root is uid 0 from /etc/passwd" "$(getent passwd root | cut -d: -f3)" 0
is "NSS: sudo is gid 27, no LDAP member" "$(getent group sudo | cut -d: -f3,4)" "27:"
check_not "NSS: alice is in no LDAP sudo/staff/users" \
	grep -qE '(^| )(sudo|staff|users)( |$)' <<<"$(id -Gn alice)"
is "NSS: getent group 30100 finds nothing" "$(getent group 30100)" ""

# The daemon: same result, then a local account added after the sync
# wins at the next change.
hs_start_daemon "$HS_CONF" "$SLAPD_DIR/daemon.log"
hs_wait 10 grep -q 'refresh applied' "$SLAPD_DIR/daemon.log"
check "daemon: refresh applied" grep -q 'refresh applied' "$SLAPD_DIR/daemon.log"
hs_dump >"$SLAPD_DIR/daemon.txt"
absent "daemon" "$SLAPD_DIR/daemon.txt"
logged "daemon" "$SLAPD_DIR/daemon.log"
check "daemon: lateuser synced" grep -q '^U:lateuser:30010:' "$SLAPD_DIR/daemon.txt"

# adduser --system lateuser, then any change in LDAP
echo 'lateuser:x:998:65534::/nonexistent:/usr/sbin/nologin' >>/etc/passwd
slapd_modify >/dev/null <<EOT
dn: uid=bob,$P
changetype: modify
replace: gecos
gecos: Bob changed
EOT
gone() { ! hs_dump | grep -q '^U:lateuser:'; }
hs_dump_has_bob() { hs_dump | grep -q '^U:bob:10002:10002:Bob changed:'; }
# the local change is decided by a refresh, the LDAP change that came
# with it may follow as the first delta after it
hs_wait 5 eval 'gone && hs_dump_has_bob'
check "daemon: local lateuser wins at the next change" gone
check "daemon: the change itself applied" hs_dump_has_bob
like "daemon: lateuser logged with its collision" "$(cat "$SLAPD_DIR/daemon.log")" \
	"skipping user uid=lateuser,$P: name \"lateuser\" is a local user \\(uid 998 in /etc/passwd\\)"
like "daemon: --status lists lateuser" "$("$HS_SYNC" -c "$HS_CONF" --status)" \
	"skipped user: uid=lateuser,$P: name \"lateuser\" is a local user"
is "daemon: NSS gives the local lateuser" "$(getent passwd lateuser | cut -d: -f3)" 998

# ... and without any LDAP change: the daemon notices the files change
check "daemon: lateuser3 synced" grep -q '^U:lateuser3:30012:' <(hs_dump)
echo 'lateuser3:x:996:65534::/nonexistent:/usr/sbin/nologin' >>/etc/passwd
gone3() { ! hs_dump | grep -q '^U:lateuser3:'; }
hs_wait 5 gone3
check "daemon: a local account wins without an LDAP change" gone3
like "daemon: the rewrite is logged" "$(cat "$SLAPD_DIR/daemon.log")" \
	'local account files changed: refreshing from'
like "daemon: lateuser3 logged" "$(cat "$SLAPD_DIR/daemon.log")" \
	"skipping user uid=lateuser3,$P: name \"lateuser3\" is a local user \\(uid 996"
hc_stop_pid "$HS_DAEMON_PID"

# --once: a local user added since the last refresh wins too.
echo 'lateuser2:x:997:65534::/nonexistent:/usr/sbin/nologin' >>/etc/passwd
printf 'dn: uid=lateuser2,%s\nobjectClass: account\nobjectClass: posixAccount\nuid: lateuser2\ncn: l\nuidNumber: 30011\ngidNumber: 20000\nhomeDirectory: /home/lateuser2\n\n' "$P" |
	slapd_add >/dev/null
"$HS_SYNC" -c "$HS_CONF" --once >"$SLAPD_DIR/once2.log" 2>&1
check_not "--once: local lateuser2 wins at the next refresh" grep -q '^U:lateuser2:' <(hs_dump)
check_not "--once: lateuser still out" grep -q '^U:lateuser:' <(hs_dump)

# Default min_uid 1000: the same low ids are refused by min_uid.
HC_CACHE=$HS_CACHE slapd_write_config "$SLAPD_DIR/default.conf"
out=$("$HS_SYNC" -c "$SLAPD_DIR/default.conf" --once 2>&1)
like "min_uid 1000: primary gid 27 below min_uid" "$out" \
	"skipping user uid=gid27,$P: primary gidNumber 27 is below min_uid 1000"
echo 1..$_hc_n
