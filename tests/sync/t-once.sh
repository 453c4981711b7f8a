#!/bin/bash
# hcoop-sync --once: the cache equals LDAP (more than 600 users, paged),
# no password data, atomic replacement, mode 0644, --status, failover,
# configuration errors with file:line.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/sync/lib.sh"
hs_setup

out=$("$HS_SYNC" -c "$HS_CONF" --once 2>&1); rc=$?
is "--once exits 0" "$rc" 0
check "the cache directory was made" test -d "$SLAPD_DIR/var"
is "cache mode 0644" "$(stat -c %a "$HS_CACHE")" 644
is "cache directory mode 0755" "$(stat -c %a "$SLAPD_DIR/var")" 755
like "below-min_uid sysacct skipped with its DN" "$out" \
	"uid=sysacct,ou=People,$LDAP_BASE.*min_uid"

expected=$(hs_expected)
got=$(hs_dump)
is "users in LDAP (>600) are all there" "$(grep -c '^U:' <<<"$got")" 606
if [ "$got" = "$expected" ]; then ok "every field of every user and group equals LDAP"
else fail "cache differs from LDAP"; diff <(echo "$expected") <(echo "$got") | head -20 | sed 's/^/# /'; fi
like "alice as expected" "$(grep '^U:alice:' <<<"$got")" \
	"^U:alice:10001:10001:Alice Liddell:/home/alice:/bin/bash:uid=alice,ou=People,$LDAP_BASE:host1.hcoop.test:0:$"
like "erin is locked" "$(grep '^U:erin:' <<<"$got")" ':1:$'
like "frank expired (shadowExpire 1)" "$(grep '^U:frank:' <<<"$got")" ':0:1$'
like "members group has 600 members" "$(grep '^G:members:' <<<"$got" | tr ',' '\n' | wc -l)" '^600$'

# No password material: neither clear fixture passwords nor hashes.
leak=0
for pw in alice-secret-1 bob-secret-2 sys-secret pw-user0001 pw-user0600 host1-secret; do
	grep -qaF "$pw" "$HS_CACHE" && leak=1
done
grep -qaE '\{(SSHA|SHA|CRYPT|MD5|SMD5|ARGON2|PBKDF2)[^}]*\}|userPassword' "$HS_CACHE" && leak=1
is "no password or hash in the cache" "$leak" 0

st=$("$HS_SYNC" -c "$HS_CONF" --status); rc=$?
is "--status exits 0" "$rc" 0
like "--status: generation 1" "$st" $'generation: 1\n'
like "--status: users" "$st" $'users: 606\n'
like "--status: groups" "$st" $'groups: 10'
like "--status: server" "$st" "server: $LDAP_URI"
like "--status: ISO 8601 UTC time" "$st" 'refreshed_at: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'
like "--status: valid" "$st" 'valid: yes'

# Nothing changed in LDAP: the cache is left as it is (same file, same
# generation), nothing left beside it.
ino1=$(stat -c %i "$HS_CACHE")
out=$("$HS_SYNC" -c "$HS_CONF" --once 2>&1); rc=$?
is "--once with nothing new exits 0" "$rc" 0
like "it says the cache is unchanged" "$out" "$HS_CACHE unchanged: 606 users, .*nothing written"
is "the same file (inode) when nothing changed" "$(stat -c %i "$HS_CACHE")" "$ino1"
like "the same generation when nothing changed" "$("$HS_SYNC" -c "$HS_CONF" --status)" $'generation: 1\n'
is "no temporary files left" "$(ls -A "$SLAPD_DIR/var" | tr '\n' ' ')" 'cache cache.skipped '

# Atomic replacement: a change is a new file (a new inode), nothing left
# beside it.
slapd_modify >/dev/null <<EOT
dn: uid=carol,ou=People,$LDAP_BASE
changetype: modify
replace: gecos
gecos: Carol, changed
EOT
"$HS_SYNC" -c "$HS_CONF" --once 2>/dev/null
ino2=$(stat -c %i "$HS_CACHE")
check "a new inode on a write" test "$ino1" != "$ino2"
is "no temporary files left after it" "$(ls -A "$SLAPD_DIR/var" | tr '\n' ' ')" 'cache cache.skipped '
like "generation increases" "$("$HS_SYNC" -c "$HS_CONF" --status)" $'generation: 2\n'
like "the change is in" "$(hs_dump | grep '^U:carol:')" '^U:carol:[0-9]*:[0-9]*:Carol, changed:'

# A skip-file temp left by a crashed run (its process gone) is removed;
# one of a live process is not.
sleep 0 & dead=$!; wait "$dead"
: >"$HS_CACHE.skipped.tmp.$dead.0"
: >"$HS_CACHE.skipped.tmp.$$.0"
"$HS_SYNC" -c "$HS_CONF" --once 2>/dev/null
check_not "stale skip-file temp of a dead process removed" test -e "$HS_CACHE.skipped.tmp.$dead.0"
check "a live process's temp is left alone" test -e "$HS_CACHE.skipped.tmp.$$.0"
rm -f "$HS_CACHE.skipped.tmp.$$.0"

# Failover: the first uri is a closed port.
closed=$(hc_free_port)
HC_CACHE=$HS_CACHE slapd_write_config "$SLAPD_DIR/fo.conf" \
	"uri ldap://127.0.0.1:$closed" "uri $LDAP_URI"
"$HS_SYNC" -c "$SLAPD_DIR/fo.conf" --once 2>/dev/null; rc=$?
is "failover: --once exits 0" "$rc" 0
like "failover: synced from the second uri" \
	"$("$HS_SYNC" -c "$HS_CONF" --status)" "server: $LDAP_URI"

# No server at all: exit 2, cache kept.
cp -p "$HS_CACHE" "$SLAPD_DIR/before"
HC_CACHE=$HS_CACHE slapd_write_config "$SLAPD_DIR/down.conf" "uri ldap://127.0.0.1:$closed"
out=$("$HS_SYNC" -c "$SLAPD_DIR/down.conf" --once 2>&1); rc=$?
is "unreachable: exit 2" "$rc" 2
like "unreachable: names the server" "$out" "127.0.0.1:$closed"
check "unreachable: cache unchanged" cmp -s "$HS_CACHE" "$SLAPD_DIR/before"

# Configuration errors name file:line.
cp "$HS_CONF" "$SLAPD_DIR/bad.conf"
echo "no_such_keyword 1" >>"$SLAPD_DIR/bad.conf"
line=$(wc -l <"$SLAPD_DIR/bad.conf")
out=$("$HS_SYNC" -c "$SLAPD_DIR/bad.conf" --once 2>&1); rc=$?
is "bad config: exit 1" "$rc" 1
like "bad config: file:line in the message" "$out" "$SLAPD_DIR/bad.conf:$line"
out=$("$HS_SYNC" -c "$SLAPD_DIR/missing.conf" --status 2>&1); rc=$?
is "missing config: exit 1" "$rc" 1
out=$("$HS_SYNC" --bogus 2>&1); rc=$?
is "unknown option: exit 1" "$rc" 1
like "--dump-config prints the cache keyword" \
	"$("$HS_SYNC" -c "$HS_CONF" --dump-config)" "cache $HS_CACHE"
out=$("$HS_SYNC" -c "$HS_CONF" --dump-config)
check_not "--dump-config never prints the secret" grep -qF "$HOST_PW" <<<"$out"

# --status of a missing or corrupt cache
HC_CACHE=$SLAPD_DIR/nothing slapd_write_config "$SLAPD_DIR/none.conf"
out=$("$HS_SYNC" -c "$SLAPD_DIR/none.conf" --status 2>&1); rc=$?
is "--status without a cache: exit 4" "$rc" 4
like "--status without a cache says not valid" "$out" 'valid: no'
echo 1..$_hc_n
