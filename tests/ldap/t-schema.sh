#!/bin/bash
# The schema loads into a running slapd the way ldap-schema/README.md says
# (ldapadd -Y EXTERNAL over ldapi), both forms carry the same definitions,
# and the attribute behaves as specified (single-valued, case-insensitive).
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/slapd.sh"
source "$HC_SRC/tests/ldap/common.sh"
S=$HC_SRC/ldap-schema

check "slapd starts with hcoop.ldif and access.ldif added by ldapadd/ldapmodify" slapd_start

dns=$(slapd_search -b cn=schema,cn=config -s one '(cn=*hcoop)' dn)
like "cn=hcoop is in cn=schema,cn=config" "$dns" '^dn: cn=\{[0-9]+\}hcoop,cn=schema,cn=config'

sub=$(slapd_search -b cn=Subschema -s base '(objectClass=*)' attributeTypes objectClasses | tr -d '\n ')
like "server knows hcoopHost: single-valued, IA5 {256}, caseIgnoreIA5Match" "$sub" \
	"NAME'hcoopHost'.*EQUALITYcaseIgnoreIA5Match.*SYNTAX1\.3\.6\.1\.4\.1\.1466\.115\.121\.1\.26\{256\}SINGLE-VALUE"
like "hcoopMember is AUXILIARY with MAY hcoopHost" "$sub" "NAME'hcoopMember'[^)]*AUXILIARYMAYhcoopHost"

# Normalised definitions: one per line, whitespace collapsed, no {N} index.
defs_ldif() {
	sed -e ':a' -e 'N' -e '$!ba' -e 's/\n //g' "$1" |
		sed -n 's/^olc\(AttributeTypes\|ObjectClasses\): *{[0-9]*}//p' |
		tr -s ' \t' ' ' | sort
}
defs_schema() {
	grep -v '^#' "$1" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n[ \t]\+/ /g' |
		sed -n 's/^\(attributetype\|objectclass\) *//p' | tr -s ' \t' ' ' | sort
}
a=$(defs_ldif "$S/hcoop.ldif")
b=$(defs_schema "$S/hcoop.schema")
is "hcoop.ldif and hcoop.schema carry the same definitions" "$a" "$b"
is "23 definitions in each form (hcoopHost, hcoopMember, hcoopServer and its 18 attributes, hcoopIdCounter and hcoopLastId)" "$(printf '%s\n' "$a" | grep -c .)" 23
like "OIDs are under 2.25.<uuid>" "$a" '^\( 2\.25\.[0-9]{30,}\.'

# slapd.conf form: slaptest accepts it after the stock schema.
d=$(hc_tmpdir)
cat >"$d/slapd.conf" <<EOT
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
include $S/hcoop.schema
EOT
check "slaptest accepts hcoop.schema (slapd.conf form)" \
	slaptest -Q -u -f "$d/slapd.conf"

run_ldapadd() { ldapadd -Y EXTERNAL -H "$LDAPI_URI" -Q "$@" >/dev/null 2>&1; }
run_ldapadd -f "$S/hcoop.ldif"
is "adding the schema twice is refused by the server (rc 80)" "$?" 80

mod() { # dn attr value  (as root over ldapi)
	printf 'dn: %s\nchangetype: modify\nadd: %s\n%s: %s\n' "$1" "$2" "$2" "$3" |
		slapd_modify >/dev/null 2>&1
}
mod "uid=alice,ou=People,$LDAP_BASE" hcoopHost host2.hcoop.test
is "hcoopHost is single-valued (second value refused, rc 19)" "$?" 19

n=$(slapd_search -b "$LDAP_BASE" '(hcoopHost=HOST1.Hcoop.TEST)' dn | grep -c '^dn:')
is "hcoopHost equality is case-insensitive (host1 members found)" "$n" 304

printf 'dn: uid=nohost,ou=People,%s\nobjectClass: account\nobjectClass: posixAccount\nuid: nohost\ncn: nohost\nuidNumber: 30000\ngidNumber: 30000\nhomeDirectory: /home/nohost\nhcoopHost: host1.hcoop.test\n' "$LDAP_BASE" |
	slapd_add >/dev/null 2>&1
is "hcoopHost needs the hcoopMember class (rc 65)" "$?" 65

# The examples load (under a scratch ou, so they do not clash with the fixture).
printf 'dn: ou=Examples,%s\nobjectClass: organizationalUnit\nou: Examples\n' "$LDAP_BASE" |
	slapd_add >/dev/null
base="ou=Examples,$LDAP_BASE"
ok_all=1
for f in base member group admin-group host move-member; do
	sed "s/dc=hcoop,dc=test/$base/g" "$S/examples/$f.ldif" |
		ldapmodify -a -Y EXTERNAL -H "$LDAPI_URI" -Q >/dev/null 2>"$d/err" ||
		{ ok_all=0; diag "examples/$f.ldif: $(cat "$d/err")"; }
done
is "every examples/*.ldif loads" "$ok_all" 1
is "move-member.ldif moved the example member" \
	"$(slapd_search -b "uid=alice,ou=People,$base" -s base hcoopHost | sed -n 's/^hcoopHost: //p')" \
	host2.hcoop.test
