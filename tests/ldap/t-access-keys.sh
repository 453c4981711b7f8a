#!/bin/bash
# openssh-lpk (ldap-schema/openssh-lpk.ldif) and the sshPublicKey rules of
# access.ldif ({3}, {4}) against the real server: a member writes their own
# keys (objectClass ldapPublicKey included) and nobody else's; hosts read
# them; anonymous does not.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/slapd.sh"
source "$HC_SRC/tests/ldap/common.sh"

slapd_start || { fail "slapd_start"; exit 1; }
ALICE=$(udn alice) BOB=$(udn bob)
export LDAPTLS_CACERT=$LDAP_CACERT
ssh-keygen -q -t ed25519 -N '' -C alice@test -f "$SLAPD_DIR/k1"
KEY=$(cat "$SLAPD_DIR/k1.pub")

as() { # binddn pw  (LDIF on stdin)
	ldapmodify -x -ZZ -H "$LDAP_URI" -D "$1" -w "$2" >/dev/null 2>&1
}
keys_of() { # dn (as root)
	slapd_search -o ldif-wrap=no -b "$1" -s base sshPublicKey | sed -n 's/^sshPublicKey: //p'
}

slapd_search -b cn=schema,cn=config '(cn=*openssh-lpk)' dn | grep -q openssh-lpk
is "the openssh-lpk schema is loaded with ldapadd, as an admin does" "$?" 0
S=$HC_SRC/ldap-schema
sub=$(slapd_search -b cn=Subschema -s base '(objectClass=*)' attributeTypes objectClasses | tr -d '\n ')
like "server knows sshPublicKey: the lpk OID, octetStringMatch" "$sub" \
	"\(1\.3\.6\.1\.4\.1\.24552\.500\.1\.1\.1\.13NAME'sshPublicKey'[^)]*EQUALITYoctetStringMatch"
like "ldapPublicKey is AUXILIARY, MAY sshPublicKey" "$sub" \
	"NAME'ldapPublicKey'[^)]*AUXILIARYMAY\(sshPublicKey"
# both forms: the same definitions (normalised as tests/ldap/t-schema.sh does)
defs_ldif() {
	sed -e ':a' -e 'N' -e '$!ba' -e 's/\n //g' "$1" |
		sed -n 's/^olc\(AttributeTypes\|ObjectClasses\): *{[0-9]*}//p' |
		tr -s ' \t' ' ' | sort
}
defs_schema() {
	grep -v '^#' "$1" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n[ \t]\+/ /g' |
		sed -n 's/^\(attributetype\|objectclass\) *//p' | tr -s ' \t' ' ' | sort
}
a=$(defs_ldif "$S/openssh-lpk.ldif")
is "openssh-lpk.ldif and .schema carry the same two definitions" \
	"$a|$(printf '%s\n' "$a" | grep -c .)" "$(defs_schema "$S/openssh-lpk.schema")|2"
d=$(hc_tmpdir)
printf 'include /etc/ldap/schema/%s.schema\n' core cosine nis >"$d/slapd.conf"
echo "include $S/openssh-lpk.schema" >>"$d/slapd.conf"
check "slaptest accepts openssh-lpk.schema (slapd.conf form)" slaptest -Q -u -f "$d/slapd.conf"

as "$ALICE" alice-secret-1 <<EOT
dn: $ALICE
changetype: modify
add: objectClass
objectClass: ldapPublicKey
-
add: sshPublicKey
sshPublicKey: $KEY
EOT
is "alice adds ldapPublicKey and her first key herself" "$?" 0
is "... and the key is there" "$(keys_of "$ALICE")" "$KEY"

as "$ALICE" alice-secret-1 <<EOT
dn: $ALICE
changetype: modify
add: objectClass
objectClass: extensibleObject
EOT
is "alice may not add another objectClass value (rc 50)" "$?" 50

as "$ALICE" alice-secret-1 <<EOT
dn: $BOB
changetype: modify
add: objectClass
objectClass: ldapPublicKey
-
add: sshPublicKey
sshPublicKey: $KEY
EOT
is "alice may not put her key on bob's entry (rc 50)" "$?" 50
is "... bob has no key" "$(keys_of "$BOB")" ""

as "$ALICE" alice-secret-1 <<EOT
dn: $ALICE
changetype: modify
delete: sshPublicKey
sshPublicKey: $KEY
EOT
is "alice removes her key" "$?" 0
is "... it is gone" "$(keys_of "$ALICE")" ""

# an admin (dave, cn=ldapadmins) sets bob's key
as "$(udn dave)" dave-secret-4 <<EOT
dn: $BOB
changetype: modify
add: objectClass
objectClass: ldapPublicKey
-
add: sshPublicKey
sshPublicKey: $KEY
EOT
is "an admin writes bob's key" "$?" 0

out=$(ldapsearch -x -ZZ -H "$LDAP_URI" -D "$HOST_DN" -w "$HOST_PW" -LLL \
	-b "$BOB" -s base sshPublicKey 2>&1)
like "the host account reads bob's key" "$out" "sshPublicKey: ssh-ed25519 "
as "$HOST_DN" "$HOST_PW" <<EOT
dn: $BOB
changetype: modify
replace: sshPublicKey
sshPublicKey: $KEY
EOT
is "the host account may not write keys (rc 50)" "$?" 50
out=$(ldapsearch -x -H "$LDAP_URI" -LLL -b "$BOB" -s base sshPublicKey 2>&1)
check_not "anonymous does not read keys" grep -q sshPublicKey <<<"$out"
# the attribute matches byte for byte (octetStringMatch)
n=$(slapd_search -b "$LDAP_BASE" "(sshPublicKey=$KEY)" dn | grep -c '^dn:')
is "equality search by the exact key finds bob" "$n" 1
n=$(slapd_search -b "$LDAP_BASE" "(sshPublicKey=${KEY^^})" dn | grep -c '^dn:')
is "... and the upper-cased key matches nothing (octetStringMatch)" "$n" 0
