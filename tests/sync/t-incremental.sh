#!/bin/bash
# The daemon keeps its de-duplicated view up to date change by change
# instead of recomputing it; after every step of a series of changes
# (adds, modifies, deletes, a rename, an entry turning invalid and back,
# duplicates whose winner changes) its cache must equal, record for record
# and in the same order, the cache a fresh --once writes from the same
# directory.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/sync/lib.sh"
# the view in file order: every change a full write (t-delta.sh covers
# the delta file)
hs_setup "delta_max 0"
log=$SLAPD_DIR/daemon.log
once_cache=$SLAPD_DIR/var/once-cache
once_conf=$SLAPD_DIR/once.conf
HC_CACHE=$once_cache slapd_write_config "$once_conf"

P="ou=People,$LDAP_BASE"
G="ou=Groups,$LDAP_BASE"
Z="ou=Zoo,$LDAP_BASE"
user() { # name uidNumber [ou]
	printf 'dn: uid=%s,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n' "$1" "${3:-$P}"
	printf 'uid: %s\ncn: %s\nsn: %s\nuidNumber: %s\ngidNumber: 20000\n' "$1" "$1" "$1" "$2"
	printf 'homeDirectory: /home/%s\nloginShell: /bin/sh\n\n' "$1"
}

hs_start_daemon "$HS_CONF" "$log"
hs_wait 10 grep -q 'refresh applied' "$log"
check "the daemon applied its first refresh" grep -q 'refresh applied' "$log"

same_dump() { cmp -s <("$HS_DUMP" "$HS_CACHE" 2>/dev/null) "$SLAPD_DIR/once.txt"; }
# step "what": after a change, the daemon's cache becomes what --once gives
step() {
	rm -f "$once_cache"
	if ! "$HS_SYNC" -c "$once_conf" --once --force >/dev/null 2>&1; then
		fail "$1: --once failed"
		return
	fi
	"$HS_DUMP" "$once_cache" >"$SLAPD_DIR/once.txt"
	if hs_wait 5 same_dump; then
		ok "$1: daemon cache equals a fresh --once"
	else
		fail "$1: daemon cache differs from a fresh --once"
		diff <("$HS_DUMP" "$HS_CACHE") "$SLAPD_DIR/once.txt" | head -10 | sed 's/^/# /'
	fi
}

# A chain of duplicates: aa1 and aa2 share uidNumber 31001 (aa1's DN
# sorts first: aa2 is dropped), so aa2 in ou=Zoo, which shares only aa2's
# name, is kept.
{
	printf 'dn: %s\nobjectClass: organizationalUnit\nou: Zoo\n\n' "$Z"
	user aa1 31001
	user aa2 31001
	user aa2 31003 "$Z"
} | slapd_add >/dev/null
step "add of a chain of duplicates"
like "dropped duplicate named in the log" "$(cat "$log")" \
	"uid=aa2,$P.*31001 already used by uid=aa1,$P"
check "aa2 of ou=Zoo kept" grep -q "^U:aa2:31003:.*uid=aa2,$Z:" "$SLAPD_DIR/once.txt"

# aa1 moves away from 31001: aa2 of ou=People wins the name now
slapd_modify >/dev/null <<EOT
dn: uid=aa1,$P
changetype: modify
replace: uidNumber
uidNumber: 31009
EOT
step "modify that changes the winner"
check "aa2 of ou=People kept" grep -q "^U:aa2:31001:.*uid=aa2,$P:" "$SLAPD_DIR/once.txt"

printf 'dn: uid=aa2,%s\nchangetype: delete\n' "$P" | slapd_modify >/dev/null
step "delete of a winner"

# rename: the DN (and so the order) and the name change
slapd_modify >/dev/null <<EOT
dn: uid=aa2,$Z
changetype: modrdn
newrdn: uid=aa0
deleteoldrdn: 1
EOT
step "rename"

slapd_modify >/dev/null <<EOT
dn: uid=alice,$P
changetype: modify
replace: homeDirectory
homeDirectory: relative/alice
EOT
step "a user turning invalid"
check_not "alice gone" grep -q "^U:alice:" "$SLAPD_DIR/once.txt"
slapd_modify >/dev/null <<EOT
dn: uid=alice,$P
changetype: modify
replace: homeDirectory
homeDirectory: /home/alice
EOT
step "the user valid again"

# a group whose DN sorts before hcstaff's takes gid 5000, then goes
printf 'dn: cn=aaadup,%s\nobjectClass: posixGroup\ncn: aaadup\ngidNumber: 5000\nmemberUid: bob\n\n' "$G" |
	slapd_add >/dev/null
step "add of a duplicate gid that wins"
check_not "hcstaff dropped" grep -q "^G:hcstaff:" "$SLAPD_DIR/once.txt"
slapd_modify >/dev/null <<EOT
dn: cn=www,$G
changetype: modify
add: memberUid
memberUid: aa1
-
delete: memberUid
memberUid: alice
EOT
printf 'dn: cn=aaadup,%s\nchangetype: delete\n' "$G" | slapd_modify >/dev/null
step "membership change and delete of the winning group"
check "hcstaff back" grep -q "^G:hcstaff:5000:" "$SLAPD_DIR/once.txt"

# a burst: many changes in a row are applied together
for i in $(seq 1 40); do user "bb$i" $((32000 + i)); done | slapd_add >/dev/null
for i in $(seq 1 20); do printf 'dn: uid=bb%d,%s\nchangetype: delete\n\n' "$i" "$P"; done |
	slapd_modify >/dev/null
step "a burst of 60 changes"
