#!/bin/bash
# --once streams the refresh into the cache builder (sync/stream.c): it
# must give exactly the cache, and the skip file, that the daemon's model
# path (the full write of its first refresh) gives for the same data. The
# data set exercises every rule of hcoop-sync(8), Validation and
# duplicates: valid and invalid entries, policy refusals (a local name, an
# id below min_uid) that never block another entry, a contested chain
# whose arrival order makes the stream take a record back out of the
# builder and later put it back (with its SSH keys), groups contested by
# name and by gid, and user private groups. The file lists the records
# in the model's order (normalised DN) too.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/sync/lib.sh"
hs_setup
DUMP=$HC_BUILD/tests/hs-buildertest
P="ou=People,$LDAP_BASE"
Z="ou=Zoo,$LDAP_BASE"
G="ou=Groups,$LDAP_BASE"
ssh-keygen -q -t ed25519 -N '' -C chain-key -f "$SLAPD_DIR/chainkey"
KEY=$(cat "$SLAPD_DIR/chainkey.pub")

user() { # name uidNumber gidNumber ou [extra ldif lines]
	printf 'dn: uid=%s,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n' "$1" "$4"
	printf 'uid: %s\ncn: %s\nsn: %s\nuidNumber: %s\ngidNumber: %s\n' "$1" "$1" "$1" "$2" "$3"
	printf 'homeDirectory: /home/%s\nloginShell: /bin/sh\n' "$1"
	shift 4
	local l
	for l in "$@"; do printf '%s\n' "$l"; done
	printf '\n'
}
group() { # name gidNumber ou members...
	printf 'dn: cn=%s,%s\nobjectClass: posixGroup\ncn: %s\ngidNumber: %s\n' "$1" "$3" "$1" "$2"
	shift 3
	local m
	for m in "$@"; do printf 'memberUid: %s\n' "$m"; done
	printf '\n'
}
# mdb returns a subtree search in the order the entries were added: the
# order below is the order the stream sees them in.
{
	printf 'dn: %s\nobjectClass: organizationalUnit\nou: Zoo\n\n' "$Z"
	# the chain, DN order A < B < C: A = chainx (People), B = chainx
	# (Zoo, 32002), C = chainy (32002). Arrival A, C, B: A and C go into
	# the builder, B takes both out; the view keeps A (with its keys)
	# and C, drops B.
	user chainx 32001 32001 "$P" "objectClass: ldapPublicKey" "sshPublicKey: $KEY"
	group chainx 32001 "$G"                       # A's private group
	user chainy 32002 20000 "$P"
	user chainx 32002 20000 "$Z"
	# invalid: skipped when parsed
	user badhome 32010 20000 "$P" | sed 's|^homeDirectory: .*|homeDirectory: home/badhome|'
	# policy: a local name (with the uidNumber of a valid user that
	# must stay uncontested) and an id below min_uid
	user daemon 32020 20000 "$P"
	user okshare 32020 20000 "$P"
	user lowid 500 20000 "$P"
	user lowgid 32021 20000 "$P" | sed 's|^gidNumber: .*|gidNumber: 7|'
	# groups: by name (the first one, with members, is pulled and wins),
	# by gid (the first one is pulled and loses), a private group of a
	# valid user, a group with a local name
	group gdupname 33001 "$G" alice bob chainx
	group gdupname 33002 "$Z" carol
	group zgid 33010 "$G" alice
	group agid 33010 "$G" bob
	user upg1 32030 32030 "$P"
	group upg1 32030 "$G"
	group sudo 33020 "$G" alice
	group okgrp 33021 "$G" dave
} | slapd_add >/dev/null 2>"$SLAPD_DIR/add.err"
is "the data set is in LDAP" "$(hs_search -b "$LDAP_BASE" '(|(uid=chain*)(uid=badhome)(uid=daemon)(uid=okshare)(uid=lowid)(uid=lowgid)(uid=upg1)(cn=gdupname)(cn=zgid)(cn=agid)(cn=sudo)(cn=okgrp))' dn | grep -c '^dn:')" 15
order=$(hs_search -b "$LDAP_BASE" '(objectClass=posixAccount)' dn |
	sed -n 's/^dn: uid=\(chain[xy]\),\(ou=[A-Za-z]*\),.*/\1,\2/p' | tr '\n' ' ')
is "the server returns the chain as A, C, B" "$order" "chainx,ou=People chainy,ou=People chainx,ou=Zoo "
order=$(hs_search -b "$LDAP_BASE" '(objectClass=posixGroup)' dn |
	sed -n 's/^dn: cn=\(gdupname\|zgid\|agid\),\(ou=[A-Za-z]*\),.*/\1,\2/p' | tr '\n' ' ')
is "and the contested groups first-added first" "$order" "gdupname,ou=Groups gdupname,ou=Zoo zgid,ou=Groups agid,ou=Groups "

# the model path: the daemon's first refresh is a full write of its model
log=$SLAPD_DIR/daemon.log
hs_start_daemon "$HS_CONF" "$log"
if hs_wait 20 grep -q 'refresh applied' "$log"; then
	ok "the daemon wrote its first refresh"
else
	fail "the daemon wrote its first refresh"
	sed 's/^/# /' "$log"
fi
hc_stop_pid "$HS_DAEMON_PID"

# the stream: --once into another cache
once_cache=$SLAPD_DIR/var/once-cache
once_conf=$SLAPD_DIR/once.conf
HC_CACHE=$once_cache slapd_write_config "$once_conf"
out=$("$HS_SYNC" -c "$once_conf" --once --debug 2>&1); rc=$?
is "--once succeeds" "$rc" 0
like "--once took records back out of the builder" "$out" "streamed: .* [1-9][0-9]* taken back out of the builder"

dump_to() { "$DUMP" dump "$1" >"$2"; }
check "the model path's cache reads back" dump_to "$HS_CACHE" "$SLAPD_DIR/model.txt"
check "the streamed cache reads back" dump_to "$once_cache" "$SLAPD_DIR/once.txt"
check "both hold the fixture's users" grep -q '^U:alice:' "$SLAPD_DIR/once.txt"
if cmp -s "$SLAPD_DIR/model.txt" "$SLAPD_DIR/once.txt"; then
	ok "--once writes exactly the model path's cache (users, keys, group lists, groups)"
else
	fail "--once writes exactly the model path's cache (users, keys, group lists, groups)"
	diff "$SLAPD_DIR/model.txt" "$SLAPD_DIR/once.txt" | head -20 | sed 's/^/# /'
fi
# the daemon's file lists users and groups in normalised-DN order: the
# stream's too, record for record (hs-cachedump, unsorted)
check "and in the same record order (enumeration)" cmp -s \
	<("$HS_DUMP" "$HS_CACHE") <("$HS_DUMP" "$once_cache")
is "the same skip file (as a set of lines)" \
	"$(LC_ALL=C sort "$once_cache.skipped")" "$(LC_ALL=C sort "$HS_CACHE.skipped")"

# what the rules decide, checked on the streamed cache itself
d=$(cat "$SLAPD_DIR/once.txt")
like "chain: A (ou=People chainx) wins its name" "$(grep '^U:chainx:' <<<"$d")" "^U:chainx:32001:32001:.*:uid=chainx,$P:"
like "chain: C keeps id 32002 (B lost)" "$(grep '^U:chainy:' <<<"$d")" "^U:chainy:32002:"
is "chain: A, pulled out and put back, keeps its SSH key" "$(grep '^K:chainx:' <<<"$d")" "K:chainx:$KEY"
check "chain: A's private group" grep -qx 'G:chainx:32001:' <<<"$d"
check "refused daemon does not block okshare's uidNumber" grep -q '^U:okshare:32020:' <<<"$d"
for n in badhome daemon lowid lowgid; do
	check_not "$n not in the cache" grep -q "^U:$n:" <<<"$d"
done
is "group by name: the first DN wins, members kept" "$(grep '^G:gdupname:' <<<"$d")" "G:gdupname:33001:alice,bob,chainx"
check "its members get it in their group list" grep -qx 'I:chainx:33001' <<<"$d"
is "group by gid: agid wins" "$(grep ':33010:' <<<"$d")" "G:agid:33010:bob"
check "upg1's private group" grep -qx 'G:upg1:32030:' <<<"$d"
check_not "no group named like a local one" grep -q '^G:sudo:' <<<"$d"
check "okgrp kept" grep -qx 'G:okgrp:33021:dave' <<<"$d"
sk=$(cat "$once_cache.skipped")
like "skip file: the invalid entry" "$sk" "user	uid=badhome,$P	homeDirectory is not an absolute path"
like "skip file: the local name" "$sk" "user	uid=daemon,$P	name \"daemon\" is a local user"
like "skip file: below min_uid" "$sk" "user	uid=lowid,$P	uidNumber 500 is below min_uid 1000"
like "skip file: the chain's loser names the winner" "$sk" "user	uid=chainx,$Z	uid chainx / uidNumber 32002 already used by uid=chainx,$P"
like "skip file: the group that lost its gid" "$sk" "group	cn=zgid,$G	cn zgid / gidNumber 33010 already used by cn=agid,$G"
like "skip file: the group that lost its name" "$sk" "group	cn=gdupname,$Z	"
echo 1..$_hc_n
