#!/bin/bash
# The status attributes of host entries (hcoopServer, ldap-schema/
# access.ldif rule {3}): a host writes its own status and nothing else;
# role and capacity are the admins'; members read.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/slapd.sh"

slapd_start || { fail "slapd starts"; exit 1; }
H1="cn=host1.hcoop.test,ou=Hosts,$LDAP_BASE"
H2="cn=host2.hcoop.test,ou=Hosts,$LDAP_BASE"
as() { # dn pw: ldapmodify as that identity over StartTLS
	LDAPTLS_CACERT=$LDAP_CACERT ldapmodify -x -ZZ -H "$LDAP_URI" -D "$1" -w "$2" >/dev/null 2>&1
}
mod() { printf 'dn: %s\nchangetype: modify\nreplace: %s\n%s: %s\n' "$1" "$2" "$2" "$3"; }

check "host1 writes its own status (hcoopMembersHere)" as "$H1" host1-secret < <(mod "$H1" hcoopMembersHere 7)
check "host1 writes its own status time" as "$H1" host1-secret < <(mod "$H1" hcoopStatusTime 20261201000000Z)
check_not "host1 cannot write host2's status" as "$H1" host1-secret < <(mod "$H2" hcoopMembersHere 9)
check_not "host1 cannot change its own role" as "$H1" host1-secret < <(mod "$H1" hcoopRole spare)
check_not "host1 cannot change its own capacity" as "$H1" host1-secret < <(mod "$H1" hcoopCapacity 99999)
check_not "a member cannot write a host's status" as "uid=alice,ou=People,$LDAP_BASE" alice-secret-1 < <(mod "$H1" hcoopMembersHere 1)
check "an admin (ldapadmins) sets a role" as "uid=dave,ou=People,$LDAP_BASE" dave-secret-4 < <(mod "$H2" hcoopRole down)
v=$(slapd_search -b "$H1" -s base hcoopMembersHere hcoopRole hcoopCapacity)
like "host1's entry holds what it wrote" "$v" 'hcoopMembersHere: 7'
like "host1's role unchanged" "$v" 'hcoopRole: member'
like "host1's capacity unchanged" "$v" 'hcoopCapacity: 400'
r=$(LDAPTLS_CACERT=$LDAP_CACERT ldapsearch -x -ZZ -LLL -H "$LDAP_URI" -D "uid=alice,ou=People,$LDAP_BASE" -w alice-secret-1 -b "$H1" -s base hcoopMembersHere 2>&1)
like "a member reads a host's status" "$r" 'hcoopMembersHere: 7'
