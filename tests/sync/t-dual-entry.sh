#!/bin/bash
# One LDAP entry that is both a posixAccount and a posixGroup (a user
# with its private group in the same entry) is a user AND a group in the
# cache: the model is keyed by kind + entryUUID, so neither replaces the
# other, in --once and in the daemon (refresh, modify, delete).
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/sync/lib.sh"
hs_setup
P="ou=People,$LDAP_BASE"

slapd_add >/dev/null <<EOT
dn: uid=dual,$P
objectClass: posixGroup
objectClass: posixAccount
uid: dual
cn: dual
uidNumber: 30050
gidNumber: 30050
homeDirectory: /home/dual
loginShell: /bin/bash
memberUid: alice
EOT
is "dual entry loaded" "$(hs_search -b "$LDAP_BASE" '(&(objectClass=posixAccount)(objectClass=posixGroup))' dn | grep -c '^dn:')" 1

"$HS_SYNC" -c "$HS_CONF" --once 2>/dev/null
is "--once exits 0" "$?" 0
got=$(hs_dump)
like "--once: the user" "$(grep '^U:dual:' <<<"$got")" '^U:dual:30050:30050:dual:/home/dual:/bin/bash:'
like "--once: the group" "$(grep '^G:dual:' <<<"$got")" '^G:dual:30050:alice$'

rm -f "$HS_CACHE"
hs_start_daemon "$HS_CONF" "$SLAPD_DIR/daemon.log"
hs_wait 10 grep -q 'refresh applied' "$SLAPD_DIR/daemon.log"
got=$(hs_dump)
like "daemon: the user" "$(grep '^U:dual:' <<<"$got")" '^U:dual:30050:'
like "daemon: the group" "$(grep '^G:dual:' <<<"$got")" '^G:dual:30050:alice$'

slapd_modify >/dev/null <<EOT
dn: uid=dual,$P
changetype: modify
replace: loginShell
loginShell: /bin/sh
-
add: memberUid
memberUid: bob
EOT
both_changed() {
	hs_dump | grep -q '^U:dual:30050:30050:dual:/home/dual:/bin/sh:' &&
		hs_dump | grep -q '^G:dual:30050:alice,bob$'
}
hs_wait 5 both_changed
check "daemon: a modify updates both the user and the group" both_changed

printf 'dn: uid=dual,%s\nchangetype: delete\n' "$P" | slapd_modify >/dev/null
both_gone() { ! hs_dump | grep -q ':dual:'; }
hs_wait 5 both_gone
check "daemon: a delete removes both" both_gone
check "daemon: the rest stays" grep -q '^U:alice:' <(hs_dump)
echo 1..$_hc_n
