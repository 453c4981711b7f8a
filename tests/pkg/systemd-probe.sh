#!/bin/sh
# Runs INSIDE the booted container of t-systemd.sh (systemd as PID 1),
# as a oneshot unit; writes KEY=VALUE facts to /probe.out for the test to
# check. Not a test by itself.
out=/probe.out
say() { printf '%s=%s\n' "$1" "$2" >>"$out"; }
: >"$out"
say pid1 "$(cat /proc/1/comm)"
systemctl start hcoop-sync.service
say start_rc $?
# Type=notify: start returned only after READY=1, i.e. with a cache
say cache_at_start "$(test -f /var/lib/hcoop/cache && echo yes || echo no)"
say active "$(systemctl is-active hcoop-sync.service)"
pid=$(systemctl show -p MainPID --value hcoop-sync.service)
say capbnd "$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/$pid/status)"
say nonewprivs "$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' /proc/$pid/status)"
say seccomp "$(sed -n 's/^Seccomp:[[:space:]]*//p' /proc/$pid/status)"
nsenter -t "$pid" -m touch /usr/hcoop-probe 2>/dev/null
say usr_write_rc $?
nsenter -t "$pid" -m touch /etc/hcoop-probe 2>/dev/null
say etc_write_rc $?
# precreate_homes: hcoop-mkhome ran under the unit's sandbox
i=0
while [ ! -d /home/alice ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
say home_alice "$(stat -c '%U:%G %a' /home/alice 2>&1)"
say home_alice_profile "$(stat -c '%U' /home/alice/.profile 2>&1)"
say home_bob "$(test -e /home/bob && echo yes || echo no)"
say journal_start "$(journalctl -q -u hcoop-sync.service -o cat | grep -m1 'starting')"
hcoop-sync --once >/tmp/once.out 2>&1
say once_rc $?
say once_msg "$(head -1 /tmp/once.out)"
# a configuration error: exit 1, and the unit does not restart
cp /etc/hcoop.conf /etc/hcoop.conf.good
echo 'no_such_keyword yes' >>/etc/hcoop.conf
systemctl restart hcoop-sync.service
say bad_restart_rc $?
sleep 7 # RestartSec=5: a restart would have happened by now
say bad_active "$(systemctl is-active hcoop-sync.service)"
say bad_status "$(systemctl show -p ExecMainStatus --value hcoop-sync.service)"
say bad_nrestarts "$(systemctl show -p NRestarts --value hcoop-sync.service)"
cp /etc/hcoop.conf.good /etc/hcoop.conf
systemctl reset-failed hcoop-sync.service
systemctl start hcoop-sync.service
say good_again_rc $?
# upgrade to the rebuilt higher version with the unit running: the
# package restarts it (no policy-rc.d now: this is a booted system)
systemctl is-active --quiet hcoop-sync.service
pid_before=$(systemctl show -p MainPID --value hcoop-sync.service)
gen() { hcoop-sync --status 2>/dev/null | sed -n 's/^generation: //p'; }
gen_before=$(gen)
rm -f /usr/sbin/policy-rc.d
dpkg -i /root/debs-next/*.deb >/tmp/upgrade.out 2>&1
say upgrade_rc $?
say upgrade_log "$(tail -3 /tmp/upgrade.out | tr "\n" " ")"
pid_after=$(systemctl show -p MainPID --value hcoop-sync.service)
say upgrade_restarted "$([ -n "$pid_after" ] && [ "$pid_after" != 0 ] && [ "$pid_after" != "$pid_before" ] && echo yes || echo no)"
say upgrade_active "$(systemctl is-active hcoop-sync.service)"
# kept, not recreated: the generation goes on from where it was (the
# restarted daemon may already have written the next one)
gen_after=$(gen)
say upgrade_cache_kept "$([ -n "$gen_after" ] && [ "$gen_after" -ge "$gen_before" ] && echo yes || echo "no ($gen_before -> $gen_after)")"
say upgrade_version "$(hcoop-sync --version)"
say upgrade_journal "$(journalctl -q -u hcoop-sync.service -o cat | grep 'starting' | tail -1)"
say done yes
