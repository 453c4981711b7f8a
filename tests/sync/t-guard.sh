#!/bin/bash
# The removal guard: a refresh that would drop more than max_removal
# (default 10%) of the users, or of the groups, or admin_group, is
# refused (exit 3), logged, and the old cache stays byte for byte;
# --force applies it.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/sync/lib.sh"
hs_setup

"$HS_SYNC" -c "$HS_CONF" --once 2>/dev/null
is "first --once" "$?" 0
cp -p "$HS_CACHE" "$SLAPD_DIR/before"
ino=$(stat -c %i "$HS_CACHE")

# Delete half of the users (user0001..user0303 of 606).
for i in $(seq -f '%04g' 1 303); do
	echo "uid=user$i,ou=People,$LDAP_BASE"
done | ldapdelete -Y EXTERNAL -H "$LDAPI_URI" -Q
is "303 users deleted in LDAP" "$(hs_expected | grep -c '^U:')" 303

out=$("$HS_SYNC" -c "$HS_CONF" --once 2>&1); rc=$?
is "refused: exit 3" "$rc" 3
like "refused: the message says why" "$out" 'refusing refresh: it would remove 303 of 606 users \(50%, max_removal is 10%\)'
check "refused: cache unchanged byte for byte" cmp "$HS_CACHE" "$SLAPD_DIR/before"
is "refused: same inode (not rewritten)" "$(stat -c %i "$HS_CACHE")" "$ino"

# A daemon refuses the same refresh (and keeps running).
hs_start_daemon "$HS_CONF" "$SLAPD_DIR/daemon.log"
hs_wait 10 grep -q 'refusing refresh' "$SLAPD_DIR/daemon.log"
check "daemon: refused too" grep -q 'refusing refresh' "$SLAPD_DIR/daemon.log"
check "daemon: cache unchanged" cmp "$HS_CACHE" "$SLAPD_DIR/before"
check "daemon: still running" kill -0 "$HS_DAEMON_PID"
hc_stop_pid "$HS_DAEMON_PID"

# A share under max_removal passes: a config allowing 60%.
HC_CACHE=$HS_CACHE slapd_write_config "$SLAPD_DIR/lax.conf" "max_removal 60"
"$HS_SYNC" -c "$SLAPD_DIR/lax.conf" --once 2>/dev/null
is "max_removal 60: applied" "$?" 0
cp -p "$SLAPD_DIR/before" "$HS_CACHE"

out=$("$HS_SYNC" -c "$HS_CONF" --once --force 2>&1); rc=$?
is "--force: exit 0" "$rc" 0
like "--force: 303 users now" "$("$HS_SYNC" -c "$HS_CONF" --status)" $'users: 303\n'
if [ "$(hs_dump)" = "$(hs_expected)" ]; then ok "--force: cache equals LDAP"; else fail "--force: cache differs from LDAP"; fi

# Groups are guarded on their own: an empty group_base drops every group
# and no user.
ngroups=$(hs_dump | grep -c '^G:')
cp -p "$HS_CACHE" "$SLAPD_DIR/before2"
printf 'dn: ou=Empty,%s\nobjectClass: organizationalUnit\nou: Empty\n\n' "$LDAP_BASE" |
	slapd_add >/dev/null
HC_CACHE=$HS_CACHE slapd_write_config "$SLAPD_DIR/emptyg.conf" "group_base ou=Empty,$LDAP_BASE"
out=$("$HS_SYNC" -c "$SLAPD_DIR/emptyg.conf" --once 2>&1); rc=$?
is "empty group_base: refused, exit 3" "$rc" 3
like "empty group_base: the message counts groups" "$out" \
	"refusing refresh: it would remove $ngroups of $ngroups groups \\(100%, max_removal is 10%\\)"
like "empty group_base: admin_group named" "$out" 'admin_group admins would disappear'
check "empty group_base: cache unchanged byte for byte" cmp "$HS_CACHE" "$SLAPD_DIR/before2"

# admin_group disappearing alone (1 group of ~10, under max_removal) is
# refused too; --force applies it.
printf 'dn: cn=admins,ou=Groups,%s\nchangetype: delete\n' "$LDAP_BASE" | slapd_modify >/dev/null
out=$("$HS_SYNC" -c "$HS_CONF" --once 2>&1); rc=$?
is "admin_group gone: refused, exit 3" "$rc" 3
like "admin_group gone: the message says why" "$out" \
	"refusing refresh: admin_group admins would disappear from the cache"
check_not "admin_group gone: not a share refusal" grep -q 'of [0-9]* groups' <<<"$out"
check "admin_group gone: cache unchanged byte for byte" cmp "$HS_CACHE" "$SLAPD_DIR/before2"
"$HS_SYNC" -c "$HS_CONF" --once --force 2>/dev/null
is "admin_group gone: --force applies it" "$?" 0
check_not "admin_group gone: --force: admins out of the cache" grep -q '^G:admins:' <(hs_dump)
echo 1..$_hc_n
