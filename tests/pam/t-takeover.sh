#!/bin/bash
# An LDAP name never takes over a local account or group (issue 10,
# critical), through real Linux-PAM and the real setuid su run by an
# unprivileged uid on a pty, with the stacks of pam_hcoop(8) in
# /etc/pam.d/common-*. LDAP holds root (uidNumber 30003), a twin of the
# local user localadmin (4242), toor (uid 0, gid 0, with min_uid 0),
# mallory (primary gidNumber 27) and groups named sudo, users (local gids 27,
# 100) and one with gid 0; the fixture's LDAP staff (5000) clashes with
# Debian's local staff (50). Their LDAP passwords must open nothing; the
# local passwords keep working; a clean member still logs in.
# Two caches: the one hcoop-sync writes (whatever its own filter lets
# through), then a hand-made hostile one holding every colliding entry, so
# pam_hcoop's own wall is tested even when the sync's filter is not there.
# Runs in a private namespace (tests/lib/ns.sh): its own /etc overlay.
source "${HC_SRC:-$(dirname "$0")/../..}/tests/lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
source "$HC_SRC/tests/pam/lib.sh"
pam_need_build
PTYRUN=$HC_SRC/tests/pam/ptyrun.py
MKCACHE=$HC_BUILD/tests/hcoop-mkcache
CACHE=/var/lib/hcoop/cache
B=dc=hcoop,dc=test

slapd_start || { fail "slapd_start"; exit 1; }
PAM_DIR=$(hc_tmpdir)
PAM_CONFDIR=$PAM_DIR/pam.d
PAM_LOG=$PAM_DIR/syslog
mkdir -p "$PAM_CONFDIR"

# --- the LDAP side: colliding entries, each with its own LDAP password ---
{
	_hc_fx_user root 30003 30003 host1.hcoop.test ldap-root-pw
	_hc_fx_user localadmin 30004 30004 host1.hcoop.test ldap-twin-pw
	_hc_fx_user toor 0 0 host1.hcoop.test ldap-toor-pw
	_hc_fx_user mallory 30005 27 host1.hcoop.test ldap-mallory-pw
	_hc_fx_group sudo 30100 user0001
	_hc_fx_group users 30102 user0003
	_hc_fx_group hcwheel 0 user0007
} >"$PAM_DIR/hostile.ldif"
slapd_add -f "$PAM_DIR/hostile.ldif" >/dev/null || { fail "hostile entries added"; exit 1; }

# --- the member server: local accounts with known local passwords ---
world_local() { # name uid password
	local hash
	hash=$(openssl passwd -6 "$3")
	if grep -q "^$1:" /etc/passwd; then
		sed -i "s|^$1:[^:]*:|$1:$hash:|" /etc/shadow
	else
		echo "$1:x:$2:$2:Local $1:/home/$1:/bin/bash" >>/etc/passwd
		echo "$1:x:$2:" >>/etc/group
		echo "$1:$hash:19000:0:99999:7:::" >>/etc/shadow
		mkdir -p "/home/$1" && chown "$2:$2" "/home/$1"
	fi
}
world_local root 0 local-root-pw
world_local localadmin 4242 local-admin-pw
pam_ns_nss
HC_CACHE=$CACHE slapd_write_config /etc/hcoop.conf "min_uid 0" \
	"mkhome /usr/sbin/hcoop-mkhome" "home_base /home" "skel none"
chmod 0644 /etc/hcoop.conf
# the four stacks of pam_hcoop(8), as a Debian member server has them
cat >/etc/pam.d/common-auth <<'EOF'
auth      [success=2 default=ignore]  pam_hcoop.so
auth      [success=1 default=ignore]  pam_unix.so nullok try_first_pass
auth      requisite                   pam_deny.so
auth      required                    pam_permit.so
EOF
cat >/etc/pam.d/common-account <<'EOF'
account   [success=2 new_authtok_reqd=done ignore=ignore default=die]  pam_hcoop.so
account   [success=1 new_authtok_reqd=done default=ignore]  pam_unix.so
account   requisite                   pam_deny.so
account   required                    pam_permit.so
EOF
cat >/etc/pam.d/common-password <<'EOF'
password  [success=2 ignore=ignore default=die]  pam_hcoop.so
password  [success=1 default=ignore]  pam_unix.so obscure yescrypt
password  requisite                   pam_deny.so
password  required                    pam_permit.so
EOF
cat >/etc/pam.d/common-session <<'EOF'
session   required                    pam_unix.so
session   optional                    pam_hcoop.so
EOF
# pamdrive's view of the same module (captured syslog): the module alone
M="pam_hcoop.so config=/etc/hcoop.conf"
pam_service hc_only \
	"auth [success=done ignore=ignore default=die] $M" \
	"auth optional pam_echo.so $PAM_ECHO_IGNORED" \
	"account [success=done ignore=ignore default=die] $M" \
	"account optional pam_echo.so $PAM_ECHO_IGNORED" \
	"password [success=done ignore=ignore default=die] $M" \
	"password optional pam_echo.so $PAM_ECHO_IGNORED" \
	"session [success=done ignore=ignore default=die] $M" \
	"session optional pam_echo.so $PAM_ECHO_IGNORED"

# su USER with PASSWORD, from uid 65534, on a pty: OUT
su_as() { # user password
	OUT=$(cd / && "$PTYRUN" 30 "$2" /usr/bin/setpriv --reuid=65534 \
		--regid=65534 --clear-groups /usr/bin/su "$1" -c /usr/bin/id 2>&1)
}
no_shell() { # desc user password [forbidden ERE in the output]
	su_as "$2" "$3"
	if grep -qx 'exit: 0' <<<"$OUT" || grep -q 'uid=' <<<"$OUT" ||
		{ [ -n "${4:-}" ] && grep -Eq "$4" <<<"$OUT"; }; then
		fail "$1: su $2 with that password gave a shell"
		diag "$(head -c 1500 <<<"$OUT")"
	else
		ok "$1: su $2 refused ($(grep '^exit:' <<<"$OUT"))"
	fi
}
shell() { # desc user password expected-ERE
	su_as "$2" "$3"
	if grep -qx 'exit: 0' <<<"$OUT" && grep -Eq "$4" <<<"$OUT"; then
		ok "$1: su $2 gives $(grep -Eo "$4" <<<"$OUT" | head -1)"
	else
		fail "$1: su $2 should give $4"
		diag "$(head -c 1500 <<<"$OUT")"
	fi
}
logged() { # desc ERE
	like "$1: logged" "$(cat "$PAM_LOG")" "$2"
}

# A member of a colliding LDAP group: with the hostile cache pam_hcoop
# refuses the login; with the synced cache the group may simply be absent
# (hcoop-sync's filter). Either way no local group is granted.
no_grant() { # desc user password forbidden-ERE
	if [ "$STRICT" = 1 ]; then
		no_shell "$@"
		return
	fi
	su_as "$2" "$3"
	if grep -Eq "$4" <<<"$OUT"; then
		fail "$1: su $2 was granted a local group"
		diag "$(head -c 1500 <<<"$OUT")"
	else
		ok "$1: su $2: no local group granted ($(grep '^exit:' <<<"$OUT"))"
	fi
}

su_matrix() { # label
	local l=$1
	no_shell "$l LDAP root's password" root ldap-root-pw 'uid=0'
	check_not "$l root: pam_hcoop did not ask for an LDAP password" \
		grep -q 'prompt: LDAP password' <<<"$OUT"
	shell "$l local root password" root local-root-pw '^uid=0\(root\)'
	no_shell "$l LDAP twin's password" localadmin ldap-twin-pw 'uid=4242'
	shell "$l local localadmin password" localadmin local-admin-pw '^uid=4242\(localadmin\)'
	no_shell "$l LDAP uid 0 (min_uid 0)" toor ldap-toor-pw 'uid=0'
	no_shell "$l LDAP primary gid 27" mallory ldap-mallory-pw 'gid=27'
	no_grant "$l member of LDAP group sudo" user0001 pw-user0001 '\(sudo\)|[=,]27\('
	no_grant "$l member of LDAP group staff" alice alice-secret-1 '\(staff\)|[=,]50\('
	no_grant "$l member of LDAP group users" user0003 pw-user0003 '\(users\)|[=,]100\('
	no_grant "$l member of an LDAP group with gid 0" user0007 pw-user0007 '[=,]0\('
	shell "$l a clean member still logs in" user0005 pw-user0005 '^uid=20005\(user0005\)'
}

pam_matrix() { # label
	local l=$1 sh='SHADOWED_BY_LOCAL' lg='REFUSE_LOCAL_GROUP'
	pcase "$l root, LDAP password" hc_only root auth PAM_USER_UNKNOWN "" ldap-root-pw
	logged "$l root" "root: cache entry uid=root,ou=People,$B is not ours \($sh\): name \"root\" is the local user root \(uid 0 in /etc/passwd\)"
	pcase "$l root, account" hc_only root acct PAM_IGNORE ""
	pcase "$l root, password change" hc_only root chauthtok PAM_IGNORE "" ldap-root-pw x x
	pcase "$l root, session" hc_only root open PAM_IGNORE ""
	pcase "$l localadmin twin, LDAP password" hc_only localadmin auth PAM_USER_UNKNOWN "" ldap-twin-pw
	logged "$l localadmin" "localadmin: .*is the local user localadmin \(uid 4242 in /etc/passwd\)"
	pcase "$l toor (uid 0)" hc_only toor auth PAM_USER_UNKNOWN "" ldap-toor-pw
	logged "$l toor" "toor: .*($sh\): uid 0 is reserved|is the local user root \(uid 0)"
	pcase "$l mallory (gid 27)" hc_only mallory acct PAM_PERM_DENIED \
		'msg error: .*clashes with a local group'
	logged "$l mallory" "mallory: $lg: primary group .*gid 27.* is the local group sudo \(gid 27 in /etc/group\)"
	pcase "$l user0001 (LDAP sudo)" hc_only user0001 acct PAM_PERM_DENIED ""
	logged "$l user0001" "user0001: $lg: group sudo \(gid 30100\) is the local group sudo \(gid 27"
	pcase "$l alice (LDAP staff)" hc_only alice acct PAM_PERM_DENIED ""
	logged "$l alice" "alice: $lg: group staff \(gid 5000\) is the local group staff \(gid 50"
	pcase "$l user0003 (LDAP users)" hc_only user0003 acct PAM_PERM_DENIED ""
	logged "$l user0003" "user0003: $lg: group users \(gid 30102\) is the local group users \(gid 100"
	pcase "$l user0007 (LDAP gid 0)" hc_only user0007 acct PAM_PERM_DENIED ""
	logged "$l user0007" "user0007: $lg: group hcwheel \(gid 0\) is the local group root \(gid 0"
	pcase "$l user0005 (clean)" hc_only user0005 auth,acct PAM_SUCCESS "" pw-user0005
}

# --- 1: the cache hcoop-sync writes ---
"$HC_BUILD/hcoop-sync" -c /etc/hcoop.conf --once >"$PAM_DIR/sync.log" 2>&1 ||
	{ fail "hcoop-sync --once"; cat "$PAM_DIR/sync.log"; exit 1; }
diag "NSS view of the synced cache (the sync-side filter decides this part):"
for u in root localadmin toor mallory user0001 alice user0003 user0007; do
	diag "  id $u: $(id "$u" 2>&1)"
done
STRICT=0 su_matrix "[synced]"

# --- 2: a hostile cache with every colliding entry in it ---
{
	u() { printf 'U:%s:%s:%s:%s:/home/%s:/bin/bash:uid=%s,ou=People,%s:host1.hcoop.test:0:\n' \
		"$1" "$2" "$3" "$1" "$1" "$1" "$B"; }
	u root 30003 30003
	u localadmin 30004 30004
	u toor 0 0
	u mallory 30005 27
	u alice 10001 10001
	for i in 1 3 5 7 9; do u user000$i $((20000 + i)) 20000; done
	printf 'G:alice:10001:alice\nG:members:20000:\nG:sudo:30100:user0001\n'
	printf 'G:staff:5000:alice\nG:users:30102:user0003\nG:hcwheel:0:user0007\n'
} | "$MKCACHE" "$CACHE" || { fail "hostile cache written"; exit 1; }
diag "NSS view of the hostile cache (what nss_hcoop still shows):"
for u in root localadmin toor mallory user0001 alice user0003 user0007; do
	diag "  id $u: $(id "$u" 2>&1)"
done
STRICT=1 su_matrix "[hostile]"
pam_matrix "[hostile]"

# --- 3: a local account created after the sync wins at once ---
pcase "user0009 before a local user0009 exists" hc_only user0009 auth PAM_SUCCESS "" pw-user0009
echo "user0009:x:4343:4343:adduser --system:/nonexistent:/usr/sbin/nologin" >>/etc/passwd
pcase "user0009 once /etc/passwd has it: not ours" hc_only user0009 auth PAM_USER_UNKNOWN "" pw-user0009
logged "user0009 local" 'user0009: .*is the local user user0009 \(uid 4343 in /etc/passwd\)'
no_shell "[late local user]" user0009 pw-user0009
echo "latecomer:x:20009:20009::/nonexistent:/usr/sbin/nologin" >>/etc/passwd
sed -i '/^user0009:/d' /etc/passwd
pcase "user0009 whose uid a local account took: not ours" hc_only user0009 acct PAM_IGNORE ""
logged "uid taken" 'user0009: .*uid 20009 of "user0009" belongs to the local user latecomer'

# --- 4: what NSS answers must be the cached account ---
# pam_hcoop reads another cache than the one nss_hcoop serves: alice has
# another uid there, ghost is only there.
OTHER=$PAM_DIR/other.cache
printf '%s\n' 'U:alice:10099:10099:alice:/home/alice:/bin/bash:uid=alice,ou=People,dc=hcoop,dc=test:host1.hcoop.test:0:' \
	'U:ghost:10098:10098:ghost:/home/ghost:/bin/bash:uid=ghost,ou=People,dc=hcoop,dc=test:host1.hcoop.test:0:' |
	"$MKCACHE" "$OTHER" || fail "other cache written"
HC_CACHE=$OTHER slapd_write_config "$PAM_DIR/other.conf"
pam_service other "auth [success=done ignore=ignore default=die] pam_hcoop.so config=$PAM_DIR/other.conf" \
	"account [success=done ignore=ignore default=die] pam_hcoop.so config=$PAM_DIR/other.conf" \
	"account optional pam_echo.so $PAM_ECHO_IGNORED"
pcase "NSS gives alice another uid than the cache: not ours" other alice auth PAM_USER_UNKNOWN "" alice-secret-1
logged "uid mismatch" 'alice: .*not ours \(SHADOWED_BY_LOCAL\): name "alice" resolves to uid 10001, not the cached uid 10099'
pcase "a name NSS does not know: not ours" other ghost acct PAM_IGNORE ""
logged "unknown to NSS" 'ghost: .*name "ghost" does not resolve through NSS'
