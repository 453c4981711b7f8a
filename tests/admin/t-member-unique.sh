#!/bin/bash
# ldap-schema/unique.ldif: slapo-unique loaded the way README.md says
# (ldapmodify -Y EXTERNAL over ldapi) refuses a hand-made duplicate uid,
# uidNumber or group gidNumber, leaves the fixture's shared primary group
# alone, and hcoopctl member add keeps working with it.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"

T=$(hc_tmpdir)
slapd_start || { fail "slapd starts"; exit 1; }
ha_host host1
printf 'dave-secret-4\n' >"$T/davepw"
chmod 0600 "$T/davepw"
P="ou=People,$LDAP_BASE"

user() { # name uid gid
	printf 'dn: uid=%s,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n' "$1" "$P"
	printf 'uid: %s\ncn: %s\nsn: %s\nuidNumber: %s\ngidNumber: %s\nhomeDirectory: /home/%s\n' \
		"$1" "$1" "$1" "$2" "$3" "$1"
}
group() { printf 'dn: cn=%s,ou=Groups,%s\nobjectClass: posixGroup\ncn: %s\ngidNumber: %s\n' "$1" "$LDAP_BASE" "$1" "$2"; }

# without the overlay, a duplicate uidNumber goes in (what the overlay stops)
user dup0 10001 20000 | slapd_add >/dev/null 2>&1
is "without unique.ldif: a duplicate uidNumber is accepted" "$?" 0
# the test database has no rootDN; the overlay searches as it (unique.ldif)
printf 'dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\nadd: olcRootDN\nolcRootDN: %s\n' \
	"$SLAPD_ROOT_DN" | slapd_modify >/dev/null
slapd_modify -f "$HC_SRC/ldap-schema/unique.ldif" >/dev/null 2>"$T/err"
is "unique.ldif applies (ldapmodify -Y EXTERNAL)" "$?" 0
check "the overlay is configured" grep -q 'olcUniqueURI: ldap:///?uidNumber?sub' \
	<(slapd_search -b "cn=config" '(objectClass=olcUniqueConfig)' olcUniqueURI)

user dup1 10002 20000 | slapd_add >/dev/null 2>&1
is "a duplicate uidNumber (bob's) is refused: Constraint violation (19)" "$?" 19
user dup2 10002 20000 | LDAPTLS_CACERT=$LDAP_CACERT ldapadd -x -ZZ -H "$LDAP_URI" -D "uid=dave,$P" -w dave-secret-4 >/dev/null 2>&1
is "also for an LDAP admin's hand-made ldapadd (19)" "$?" 19
group dupgroup 10003 | slapd_add >/dev/null 2>&1
is "a duplicate group gidNumber (carol's group) is refused (19)" "$?" 19
printf 'dn: uid=carol,%s\nchangetype: modify\nreplace: uidNumber\nuidNumber: 10004\n' "$P" | slapd_modify >/dev/null 2>&1
is "changing a uidNumber to dave's is refused (19)" "$?" 19
user shared 31001 20000 | slapd_add >/dev/null 2>&1
is "a new member with the shared primary gid 20000 is accepted" "$?" 0
is "no dup1 entry" "$(slapd_search -b "$P" '(uid=dup1)' dn)" ""

"$CTL" -c "$T/host1/hcoop.conf" -D "uid=dave,$P" -y "$T/davepw" member add uniq1 --gecos U --no-password >/dev/null 2>&1
is "member add works with the overlay" "$?" 0
is "and got a fresh uid" "$(slapd_search -b "uid=uniq1,$P" -s base uidNumber | sed -n 's/^uidNumber: //p')" 31002
