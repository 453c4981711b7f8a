#!/bin/bash
# Every refusal of hcoop-mkhome has its own exit code, is logged (syslog and
# stderr) with the reason, and leaves nothing behind: no new entry in
# home_base, no temporary, nothing changed where a symlink pointed.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/mkhome/lib.sh"
mk_enter "$@"
mk_setup

# A private /dev with a syslog socket we read (the namespace's own /dev,
# so the host's logging is untouched).
mkdir -p "$W/dev"
for n in null zero full random urandom tty; do
	touch "$W/dev/$n"
	mount --bind "/dev/$n" "$W/dev/$n"
done
mount --bind "$W/dev" /dev
hc_on_exit "umount -l /dev; for n in null zero full random urandom tty; do umount -l '$W/dev/'\$n; done"
SYSLOG=$W/syslog.txt
python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)  # as a real syslog socket: anyone may log
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[1], "ab", 0) as f:
    while True:
        f.write(s.recv(65536) + b"\n")
' "$SYSLOG" &
LOGGER_PID=$!
hc_on_exit "hc_stop_pid $LOGGER_PID"
for _ in $(seq 100); do [ -e "$SYSLOG.ready" ] && break; sleep 0.05; done

# wait (bounded) for a line matching $1 in the syslog capture
syslog_has() {
	local i
	for i in $(seq 50); do
		grep -Eq -- "$1" "$SYSLOG" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

ODD=$W/odd-cache
mk_odd_cache "$ODD" || { fail "odd cache made"; exit 1; }
sed "s|^cache .*|cache $ODD|" "$CONF" >"$W/odd.conf"
etc_before=$(stat -c '%i %Y %Z' /etc; ls -A /etc | md5sum)

# refuse "desc" expected-rc stderr-regex syslog-regex args...
refuse() {
	local d=$1 want=$2 err=$3 log=$4 before
	shift 4
	before=$(mk_home_entries)
	run_mkhome "$@"
	is "$d: exit $want" "$RC" "$want"
	like "$d: the reason on stderr" "$OUT" "$err"
	check "$d: the reason in syslog" syslog_has "hcoop-mkhome\[[0-9]+\]: .*$log"
	is "$d: nothing left in /home" "$(mk_home_entries)" "$before"
}

MK_WRAP=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
refuse "not root (uid 65534)" 2 "must be run by root" "must be run by root \(uid 65534, euid 65534\)" \
	-c "$CONF" alice
MK_WRAP=(setpriv --ruid=65534 --)
refuse "euid 0 but uid not (as if setuid)" 2 "must be run by root" "must be run by root \(uid 65534, euid 0\)" \
	-c "$CONF" alice
MK_WRAP=()
check_not "not root: no home for alice" test -e /home/alice

refuse "user not in LDAP" 3 "not in the account cache" "nosuchuser is not in the account cache" \
	-c "$CONF" nosuchuser
refuse "invalid user name" 3 "not a valid user name" "not a valid user name" -c "$CONF" "../etc"
mk_lowuid_cache "$W/lowuid-cache" || fail "cache with sysacct made"
sed "s|^cache .*|cache $W/lowuid-cache|" "$CONF" >"$W/lowuid.conf"
refuse "uid below min_uid" 4 "below min_uid" "sysacct has uid 500, below min_uid 1000" \
	-c "$W/lowuid.conf" sysacct
refuse "assigned elsewhere" 5 "assigned to host 'host2.hcoop.test'" "bob is assigned to host 'host2" \
	-c "$CONF" bob
refuse "assigned nowhere" 5 "assigned to host ''" "carol is assigned to host ''" -c "$CONF" carol

# home outside home_base, two ways
mkdir -p "$W/homes"
sed "s|^home_base .*|home_base $W/homes|" "$CONF" >"$W/other-base.conf"
refuse "home outside home_base (home_base elsewhere)" 6 "not under home_base" "alice: home '/home/alice' is not under" \
	-c "$W/other-base.conf" alice
is "other home_base: still empty" "$(ls -A "$W/homes")" ""
refuse "home outside home_base (/srv/outsider)" 6 "not under home_base" "outsider: home '/srv/outsider'" \
	-c "$W/odd.conf" outsider
check_not "/srv/outsider not created" test -e /srv/outsider
refuse "'..' in the home path" 6 "not a normalized absolute path" "dotdot: home '/home/../etc/hcoop-evil'" \
	-c "$W/odd.conf" dotdot
check_not "/etc/hcoop-evil not created" test -e /etc/hcoop-evil
refuse "home not directly under home_base" 6 "not a directory directly under" "nested: home" \
	-c "$W/odd.conf" nested
refuse "relative home path" 6 "not a normalized absolute path" "relative: home 'home/relative'" \
	-c "$W/odd.conf" relative
refuse "home named like a temporary" 6 "not a directory directly under" "hidden: home" \
	-c "$W/odd.conf" hidden

# a symlink at the home path pointing to /etc
ln -s /etc /home/alice
refuse "symlink at the home path" 6 "is not a directory \(a symlink\)" "alice: /home/alice exists and is not a directory \(a symlink\)" \
	-c "$CONF" alice
is "the symlink is left as it was" "$(readlink /home/alice)" "/etc"
is "/etc is unchanged" "$(stat -c '%i %Y %Z' /etc; ls -A /etc | md5sum)" "$etc_before"
is "no member-owned file appeared in /etc" "$(find /etc -xdev -uid 10001 2>/dev/null | wc -l)" 0
rm /home/alice

# a regular file at the home path
echo data >/home/alice
refuse "a file at the home path" 6 "is not a directory" "alice: /home/alice exists and is not a directory" \
	-c "$CONF" alice
is "the file is untouched" "$(cat /home/alice)" "data"
rm /home/alice

# home_base reached through a symlink
mkdir -p "$W/real"
ln -s "$W/real" "$W/hb"
{ _mk_fixture_spec; _mk_u viasym 10201 host1.hcoop.test "$W/hb/viasym"; } | "$MKCACHE" "$W/sym-cache"
sed -e "s|^home_base .*|home_base $W/hb|" -e "s|^cache .*|cache $W/sym-cache|" "$CONF" >"$W/sym.conf"
refuse "home_base is a symlink" 6 "without following symlinks" "cannot open home_base .* without following symlinks" \
	-c "$W/sym.conf" viasym
is "nothing created where the symlink points" "$(ls -A "$W/real")" ""

# unsafe parents
chmod 0777 /home
refuse "world-writable parent" 6 "not group/world-writable" "home_base /home must be owned by root and not group/world-writable" \
	-c "$CONF" alice
chmod 0775 /home
refuse "group-writable parent" 6 "not group/world-writable" "mode 0775" -c "$CONF" alice
chmod 0755 /home
chown 65534 /home
refuse "parent not owned by root" 6 "must be owned by root" "owner 65534" -c "$CONF" alice
chown 0 /home
is "no temporaries left anywhere in /home" "$(ls -A /home | grep -c '^\.hcoop-mkhome' || true)" 0

# usage and config errors
run_mkhome
is "no user: exit 1" "$RC" 1
run_mkhome -c "$CONF" --check --repair alice
is "--check with --repair: exit 1" "$RC" 1
run_mkhome -c "$W/missing.conf" alice
is "missing config: exit 1" "$RC" 1
printf 'home_acl user:no-such-account:r-x\n' >>"$W/badacl.conf"
cat "$CONF" "$W/badacl.conf" >"$W/bad.conf"
run_mkhome -c "$W/bad.conf" alice
is "ACL naming an unknown account: exit 1" "$RC" 1
like "ACL naming an unknown account: says which" "$OUT" "no such user 'no-such-account'"
check_not "ACL error: no home made" test -e /home/alice

# and after all that, the normal case still works
run_mkhome -c "$CONF" alice
is "alice's home is then created" "$RC" 0
check "syslog has the creation" syslog_has "hcoop-mkhome\[[0-9]+\]: alice: created home /home/alice"
