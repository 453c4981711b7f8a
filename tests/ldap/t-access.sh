#!/bin/bash
# Each rule of ldap-schema/access.ldif holds against the real server.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/slapd.sh"
source "$HC_SRC/tests/ldap/common.sh"

slapd_start || { fail "slapd_start"; exit 1; }
C=$SLAPD_DIR/conf
slapd_write_config "$C" "timeout 2"
ALICE=$(udn alice)
export LDAPTLS_CACERT=$LDAP_CACERT

# as WHO PW: ldapmodify over StartTLS; replace ATTR of DN by VALUE
modify_as() { # binddn pw dn attr value
	printf 'dn: %s\nchangetype: modify\nreplace: %s\n%s: %s\n' "$3" "$4" "$4" "$5" |
		ldapmodify -x -ZZ -H "$LDAP_URI" -D "$1" -w "$2" >/dev/null 2>&1
}
value_of() { # dn attr  (as root)
	slapd_search -b "$1" -s base "$2" | sed -n "s/^$2: //p"
}

for a in "hcoopHost host2.hcoop.test" "uidNumber 0" "gidNumber 0" \
	"homeDirectory /root" "uid mallory"; do
	modify_as "$ALICE" alice-secret-1 "$ALICE" $a
	is "alice may not set her own ${a% *} (rc 50)" "$?" 50
done
is "alice's hcoopHost is unchanged" "$(value_of "$ALICE" hcoopHost)" host1.hcoop.test

# loginShell is the admins' (a member could otherwise undo an admin's
# nologin); gecos stays the member's own.
modify_as "$ALICE" alice-secret-1 "$ALICE" loginShell /bin/zsh
is "alice may not change her loginShell (rc 50)" "$?" 50
is "... it is unchanged" "$(value_of "$ALICE" loginShell)" /bin/bash
modify_as "$(udn dave)" dave-secret-4 "$ALICE" loginShell /usr/sbin/nologin
is "an admin (dave) may set alice's loginShell" "$?" 0
is "... and it changed" "$(value_of "$ALICE" loginShell)" /usr/sbin/nologin
modify_as "$ALICE" alice-secret-1 "$ALICE" loginShell /bin/bash
is "alice may not undo the admin's nologin (rc 50)" "$?" 50
modify_as "$ALICE" alice-secret-1 "$ALICE" gecos "Alice L."
is "alice may change her gecos" "$?" 0
is "... and it changed" "$(value_of "$ALICE" gecos)" "Alice L."
modify_as "$ALICE" alice-secret-1 "$(udn bob)" loginShell /bin/false
is "alice may not change bob's loginShell (rc 50)" "$?" 50

run_rc rc "$LDAPCHECK" -c "$C" -D "$ALICE" -w alice-secret-1 passwd wrong-old new-secret-1
is "password change with a wrong old password: exit 11" "$rc" 11
run_rc rc "$LDAPCHECK" -c "$C" -D "$ALICE" -w alice-secret-1 passwd alice-secret-1 new-secret-1
is "alice changes her own password (RFC 3062)" "$rc" 0
run_rc rc "$LDAPCHECK" -c "$C" -D "$ALICE" -w new-secret-1 bind
is "... the new password binds" "$rc" 0
run_rc rc "$LDAPCHECK" -c "$C" -D "$ALICE" -w alice-secret-1 bind
is "... the old one no longer does (exit 11)" "$rc" 11
run_rc rc "$LDAPCHECK" -c "$C" -D "$ALICE" -w new-secret-1 passwd bob-secret-2 x-new-pw "$(udn bob)"
# slapd cannot verify bob's old password for alice (she has no auth access
# to it) and says so before checking her write access: -EACCES or -EPERM.
like "alice may not change bob's password, even knowing it (exit 11/13)" "$rc" '^1[13]$'
run_rc rc "$LDAPCHECK" -c "$C" -D "$(udn bob)" -w bob-secret-2 bind
is "... bob's password is unchanged" "$rc" 0

# host account: reads users and groups, never userPassword
run_rc rc "$LDAPCHECK" -c "$C" search "$LDAP_BASE" '(uid=bob)' uid hcoopHost userPassword
like "host account reads bob's entry" "$OUT" "hcoopHost: host2.hcoop.test"
if grep -qi '^userPassword' <<<"$OUT"; then fail "host account read userPassword"
else ok "host account gets no userPassword"; fi
run_rc rc "$LDAPCHECK" -c "$C" search-count "$LDAP_BASE" '(userPassword=*)'
is "host account cannot even match on userPassword" "$OUT" 0
run_rc rc "$LDAPCHECK" -c "$C" search-count "$LDAP_BASE" '(objectClass=posixGroup)'
is "host account reads the groups (11)" "$OUT" 11
modify_as "$HOST_DN" "$HOST_PW" "$ALICE" hcoopHost host1.evil
is "host account may not write hcoopHost (rc 50)" "$?" 50
run_rc rc "$LDAPCHECK" -c "$C" -D "$(udn bob)" -w bob-secret-2 search "$LDAP_BASE" '(uid=carol)' userPassword
if grep -qi '^userPassword' <<<"$OUT"; then fail "a member read another's userPassword"
else ok "a member gets no userPassword of others"; fi

# anonymous: nothing but binding
n=$(ldapsearch -x -H "$LDAP_URI" -b "$LDAP_BASE" -LLL '(objectClass=*)' 2>/dev/null | grep -c .)
is "anonymous search returns nothing" "$n" 0
run_rc rc "$LDAPCHECK" -c "$C" -A search-count "$LDAP_BASE" '(uid=*)'
case $rc in 0) is "anonymous search through our client: 0 entries" "$OUT" 0 ;;
12) ok "anonymous search through our client: no such entry" ;;
*) fail "anonymous search: exit $rc: $OUT" ;; esac
run_rc rc "$LDAPCHECK" -c "$C" -D "$(udn carol)" -w carol-secret-3 bind
is "binding (auth on userPassword for anonymous) still works" "$rc" 0

# admins (cn=ldapadmins): write what members may not
DAVE=$(udn dave)
modify_as "$DAVE" dave-secret-4 "$ALICE" hcoopHost host2.hcoop.test
is "dave (ldapadmins) moves alice to host2" "$?" 0
is "... her hcoopHost is host2" "$(value_of "$ALICE" hcoopHost)" host2.hcoop.test
modify_as "$DAVE" dave-secret-4 "$ALICE" homeDirectory /home/alice2
is "dave may set homeDirectory" "$?" 0
modify_as "$DAVE" dave-secret-4 "$(udn bob)" uidNumber 10012
is "dave may set uidNumber" "$?" 0
modify_as "$(udn bob)" bob-secret-2 "$(udn carol)" hcoopHost host1.hcoop.test
is "bob (not an admin) may not set carol's hcoopHost (rc 50)" "$?" 50
