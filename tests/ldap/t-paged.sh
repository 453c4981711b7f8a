#!/bin/bash
# Simple paged results (RFC 2696): all 607 accounts come back although the
# server gives an ordinary member at most 500 entries per search; a
# truncated result is an error, never a short list.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/slapd.sh"
source "$HC_SRC/tests/ldap/common.sh"

slapd_start || { fail "slapd_start"; exit 1; }
C=$SLAPD_DIR/conf
slapd_write_config "$C" "timeout 2"
ALICE=$(udn alice)
ALL=607 # 7 named accounts + user0001..user0600
F='(objectClass=posixAccount)'

n=$(LDAPTLS_CACERT=$LDAP_CACERT ldapsearch -x -ZZ -H "$LDAP_URI" -D "$ALICE" \
	-w alice-secret-1 -b "$LDAP_BASE" -LLL "$F" dn 2>/dev/null | grep -c '^dn:')
LDAPTLS_CACERT=$LDAP_CACERT ldapsearch -x -ZZ -H "$LDAP_URI" -D "$ALICE" \
	-w alice-secret-1 -b "$LDAP_BASE" -LLL "$F" dn >/dev/null 2>&1
is "unpaged search as a member stops at the size limit (rc 4)" "$?" 4
is "... after 500 entries" "$n" 500

run_rc rc "$LDAPCHECK" -c "$C" -D "$ALICE" -w alice-secret-1 search-count "$LDAP_BASE" "$F" 100
is "paged, member, default server limits: a truncated result is an error (exit 18)" "$rc" 18
like "... saying the size limit was exceeded" "$OUT" "Size limit exceeded"

# The usual server setting: paged searches may go past the soft limit.
printf 'dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\nadd: olcLimits\nolcLimits: users size.soft=500 size.hard=500 size.prtotal=unlimited\n' |
	slapd_modify >/dev/null
for page in 100 500 1000; do
	run_rc rc "$LDAPCHECK" -c "$C" -D "$ALICE" -w alice-secret-1 search-count "$LDAP_BASE" "$F" $page
	is "paged (page $page) as a member: all $ALL accounts" "$OUT" "$ALL"
done
run_rc rc "$LDAPCHECK" -c "$C" -D "$ALICE" -w alice-secret-1 search-count "$LDAP_BASE" "$F"
is "default page size: all $ALL accounts" "$OUT" "$ALL"

run_rc rc "$LDAPCHECK" -c "$C" search-count "$LDAP_BASE" "$F" 200
is "host account (unlimited, access.ldif), paged: all $ALL accounts" "$OUT" "$ALL"
run_rc rc "$LDAPCHECK" -c "$C" search-count "$LDAP_BASE" '(&(objectClass=posixGroup)(cn=members))'
is "the members group is found" "$OUT" 1
run_rc rc "$LDAPCHECK" -c "$C" search-count "ou=Nowhere,$LDAP_BASE" "$F"
is "search under a missing base: no such entry (exit 12)" "$rc" 12
run_rc rc "$LDAPCHECK" -c "$C" -D "$ALICE" -w alice-secret-1 whoami
check "whoami names the bound DN (hc_ldap_authzid_is_dn)" test "$rc" = 0
