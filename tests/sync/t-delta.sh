#!/bin/bash
# The delta file (cache_format.h, THE DELTA FILE; hcoop-sync(8)): a simple
# followed change (add, modify, delete, rename, membership, a private
# group, a new user that a group already named) is written to CACHE.delta
# only, the main file left alone (same
# inode, same generation in its header), and through real glibc (getent,
# id) and the reader's enumeration the pair serves exactly what a fresh
# --once writes. A contested change and a delta past delta_max make a full
# write, which removes the delta.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
[ -f "$HC_BUILD/libnss_hcoop.so.2" ] || skip_all "libnss_hcoop.so.2 not built"
source "$HC_SRC/tests/sync/lib.sh"
# glibc's programs cannot load an ASan module: on the ASan tree the module
# comes from the normal tree, hcoop-sync ($HS_SYNC) is the ASan build's
if [ "${HC_SAN:-0}" = 1 ] && [ -f "$HC_SRC/build/libnss_hcoop.so.2" ]; then
	hc_ns_install_modules "$HC_SRC/build"
else
	hc_ns_install_modules
fi
hc_ns_nsswitch "files hcoop"

HS_CACHE=/var/lib/hcoop/cache
D=$HS_CACHE.delta
hs_setup "delta_max 30"
once_cache=$SLAPD_DIR/var/once-cache
once_conf=$SLAPD_DIR/once.conf
HC_CACHE=$once_cache slapd_write_config "$once_conf"
log=$HC_NS/daemon.log
P="ou=People,$LDAP_BASE"
G="ou=Groups,$LDAP_BASE"

user() { # name uidNumber gidNumber
	printf 'dn: uid=%s,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n' "$1" "$P"
	printf 'uid: %s\ncn: %s\nsn: %s\nuidNumber: %s\ngidNumber: %s\n' "$1" "$1" "$1" "$2" "${3:-20000}"
	printf 'homeDirectory: /home/%s\nloginShell: /bin/sh\n\n' "$1"
}
main_ino() { stat -c %i "$HS_CACHE"; }

hs_start_daemon "$HS_CONF" "$log"
hs_wait 10 grep -q 'refresh applied' "$log"
check "the daemon applied its first refresh" grep -q 'refresh applied' "$log"
check_not "no delta after a full write" test -e "$D"
ino0=$(main_ino)
gen0=$(hs_main_gen)

step() { hs_like_once "$1" "$once_conf" "$once_cache"; }
main_untouched() {
	is "$1: main file not rewritten (inode, generation)" \
		"$(main_ino) $(hs_main_gen)" "$ino0 $gen0"
}

user yan 30010 | slapd_add >/dev/null
step "add"
is "getent passwd yan" "$(getent passwd yan)" "yan:x:30010:20000:yan:/home/yan:/bin/sh"
check "the delta file exists" test -s "$D"
main_untouched "add"
check "the log names the delta write" grep -q "wrote $D: generation" "$log"

slapd_modify >/dev/null <<EOT
dn: uid=yan,$P
changetype: modify
replace: loginShell
loginShell: /bin/bash
EOT
step "modify"
is "getent sees the new shell" "$(getent passwd yan | cut -d: -f7)" /bin/bash

slapd_modify >/dev/null <<EOT
dn: cn=www,$G
changetype: modify
add: memberUid
memberUid: yan
-
delete: memberUid
memberUid: alice
EOT
step "group membership change"
check "id yan lists www (the delta's group list)" eval 'id -Gn yan | grep -qw www'
check_not "id alice no longer lists www" eval 'id -Gn alice | grep -qw www'
is "getent group www" "$(getent group www)" "www:x:5002:yan"
main_untouched "membership"

slapd_modify >/dev/null <<EOT
dn: uid=yan,$P
changetype: modrdn
newrdn: uid=yun
deleteoldrdn: 1
EOT
step "rename (same uidNumber)"
is "the new name" "$(getent passwd yun | cut -d: -f1,3)" "yun:30010"
is "the old name is gone" "$(getent passwd yan)" ""
is "the uid names the new name" "$(getent passwd 30010 | cut -d: -f1)" yun

{
	user pg 30020 30020
	hs_group_ldif pg 30020
} | slapd_add >/dev/null
step "a user and its private group"
is "getent group pg" "$(getent group pg)" "pg:x:30020:"
is "id pg" "$(id pg 2>&1)" "uid=30020(pg) gid=30020(pg) groups=30020(pg)"

printf 'dn: uid=yun,%s\nchangetype: delete\n' "$P" | slapd_modify >/dev/null
step "delete"
is "getent no longer finds the deleted user" "$(getent passwd yun)" ""
main_untouched "after five simple changes"

# a group that names a member before the member's account exists: the new
# user's group list comes from the cache's member blocks (not a full write)
slapd_modify >/dev/null <<EOT
dn: cn=www,$G
changetype: modify
add: memberUid
memberUid: zoe
EOT
step "a group names a member with no account yet"
user zoe 30030 | slapd_add >/dev/null
step "the member's account arrives"
check "id zoe lists www (found in the member blocks)" eval 'id -Gn zoe | grep -qw www'
main_untouched "a new user a group already named"
like "--status counts the delta's entries" "$("$HS_SYNC" -c "$HS_CONF" --status 2>&1)" \
	"delta: [1-9][0-9]* entries"

n_once=$(grep -c '^U:' "$SLAPD_DIR/once.txt")
is "getent passwd: every LDAP user once" \
	"$(getent passwd | awk -F: '$3 >= 10000 && $3 < 65534' | wc -l)" "$n_once"
is "getent passwd: no name twice" "$(getent passwd | cut -d: -f1 | sort | uniq -d)" ""
is "getent group: no name twice" "$(getent group | cut -d: -f1 | sort | uniq -d)" ""
check "getent group lists the delta's group" eval 'getent group | grep -q "^pg:x:30020:$"'

# contested: a second user with alice's uidNumber
user alias 10001 | slapd_add >/dev/null
step "a contested add"
# (an inode number may be reused by a later file: the main header's
# generation tells a full write)
check "contested: a full write (new main file)" test "$(hs_main_gen)" != "$gen0"
check_not "contested: the full write removed the delta" test -e "$D"
like "--status: no delta after the full write" "$("$HS_SYNC" -c "$HS_CONF" --status 2>&1)" \
	"delta: 0 entries"
gen1=$(hs_main_gen)

# past delta_max (30): a burst's delta is merged into a new main file
# once the changes pause
for i in $(seq 1 40); do user "bb$i" $((32000 + i)); done | slapd_add >/dev/null
step "a burst of 40 adds"
hs_wait 5 eval '[ "$(hs_main_gen)" != "$gen1" ]'
check "delta_max: the delta was merged into a new main file" test "$(hs_main_gen)" != "$gen1"
check_not "delta_max: the merged file left no delta" test -e "$D"
step "the merge after the pause"
# past 4 x delta_max (120) within one stream: merged there and then
gen2=$(hs_main_gen)
for i in $(seq 1 150); do user "cc$i" $((33000 + i)); done | slapd_add >/dev/null
step "a burst of 150 adds"
check "4 x delta_max: merged during the stream" grep -q 'would hold more than 4 x delta_max (120) entries: merging' "$log"
check "a new main file" test "$(hs_main_gen)" != "$gen2"
check "the daemon is still up" kill -0 "$HS_DAEMON_PID" ||
	grep -v "^$" "$log" | tail -40 | sed "s/^/# /"
echo 1..$_hc_n
