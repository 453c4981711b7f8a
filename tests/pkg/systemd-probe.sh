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
say done yes
