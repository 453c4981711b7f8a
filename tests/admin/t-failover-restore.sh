#!/bin/bash
# restore_command on the spare (hcoop.conf(5)): after `hcoopctl failover`,
# the spare's hcoop-sync (precreate_homes) has hcoop-mkhome --restore fill
# each newly assigned member's home from a fake backup directory inside the
# temporary home, then rename it into place: every restored file arrives,
# owned by the member (a symlink in the backup is chowned itself, never
# followed), the home's own mode is the configured one, a failing restore
# installs no home and says why, and `hcoopctl homes restores` on the spare
# counts done and failed.
# san: yes
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nshost.sh"
. "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
nh_setup

T=$(hc_tmpdir)
chmod 0755 "$T"
export HC_FIXTURE_NUSERS=40 # host1: user0001, 0003, ... 0039, alice, erin, frank, sysacct
slapd_start || { fail "slapd starts"; exit 1; }
B=$T/backup
mkdir -p "$B/alice/Mail/cur" "$B/user0001"
printf 'letter\n' >"$B/alice/Mail/cur/1"
printf 'secret\n' >"$B/alice/notes.txt"
chmod 0640 "$B/alice/notes.txt"
ln -s /etc/shadow "$B/alice/shadow-link"
printf 'u1\n' >"$B/user0001/data"
chmod 0777 "$B/alice" # the home's own mode must still be home_mode
cat >"$T/restore.sh" <<EOS
#!/bin/sh
# restore.sh USER HOME: what an admin's backup restore does (rsync -a)
case "\$1" in user0005) echo "backup of user0005 is unreadable" >&2; exit 3;; esac
[ -d "$B/\$1" ] || exit 0
exec /usr/bin/rsync -a "$B/\$1/" "\$2/"
EOS
chmod 0755 "$T/restore.sh"
nh_host host1
nh_host spare "precreate_homes yes" "restore_command $T/restore.sh %u %h" "home_mode 0750"
for h in host1 spare; do nh_start "$h"; done
printf 'dave-secret-4\n' >"$T/davepw"
chmod 0600 "$T/davepw"
P="ou=People,$LDAP_BASE"
A=("$CTL" -c "$T/host1/hcoop.conf" -D "uid=dave,$P" -y "$T/davepw")
spare_ready() { [ -s "$T/spare/varlib/cache" ]; }
check "the spare has its cache" ha_wait 20 spare_ready
shadow_before=$(stat -c '%u:%g %a' /etc/shadow)

check "failover host1 -> spare" "${A[@]}" failover host1.hcoop.test spare.hcoop.test
R=("$CTL" -c "$T/spare/hcoop.conf")
settled() { # every restore has ended (done, failed or skipped)
	nh_in spare "${R[@]}" --json homes restores 2>/dev/null >"$T/restores.json"
	python3 -c "import json,sys; d=json.load(open('$T/restores.json')); sys.exit(0 if d['done'] + d['failed'] >= 20 and d['pending'] + d['running'] == 0 else 1)"
}
check "the restores end" ha_wait 40 settled
is "alice's home restored, owned by her, with the configured mode" "$(stat -c '%u:%g %a' "$T/spare/home/alice" 2>&1)" "10001:10001 750"
is "her mail arrived" "$(cat "$T/spare/home/alice/Mail/cur/1" 2>&1)" letter
is "a file keeps its mode, owner is her" "$(stat -c '%u:%g %a' "$T/spare/home/alice/notes.txt" 2>&1)" "10001:10001 640"
bad=$(find "$T/spare/home/alice" \( ! -user 10001 -o ! -group 10001 \) -printf '%p ')
is "every restored file is hers (none left to root)" "$bad" ""
check "the symlink was restored as a symlink" test -L "$T/spare/home/alice/shadow-link"
is "and what it points to was never chowned" "$(stat -c '%u:%g %a' /etc/shadow)" "$shadow_before"
is "user0001's data, owned by them" "$(stat -c '%u %n' "$T/spare/home/user0001/data" 2>&1 | cut -d' ' -f1) $(cat "$T/spare/home/user0001/data")" "20001 u1"
check "a member without a backup gets an empty home" test -d "$T/spare/home/user0003"
check_not "a failed restore installs no home" test -e "$T/spare/home/user0005"
check "and leaves no temporary behind" test -z "$(ls -A "$T/spare/home" | grep '^\.hcoop-mkhome' || true)"
out=$(nh_in spare "${R[@]}" homes restores); rc=$?
like "homes restores: user0005 failed, with the command's reason" "$out" 'user0005 +failed .*exit status 3: backup of user0005 is unreadable'
like "homes restores: alice done" "$out" 'alice +done '
like "homes restores: the counts" "$out" 'restores: 0 pending, 0 running, [0-9]+ done, 1 failed'
is "homes restores with a failure: exit 4" "$rc" 4
like "hcoopctl status on the spare shows the restores" "$(nh_in spare "${R[@]}" status)" \
	'restores: +0 pending, 0 running, [0-9]+ done, 1 failed'
like "... and in its JSON" "$(nh_in spare "${R[@]}" status --json)" '"restores_failed": ?1'

