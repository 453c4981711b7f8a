#!/bin/bash
# The installed unit under a real systemd: the clean Debian 12 root with
# the packages installed (as in t-install.sh) is booted with
# systemd-nspawn (systemd as the container's PID 1; this machine's PID 1
# is not systemd, so systemd-run cannot be used on the host), sharing
# this test's loopback-only network with the test slapd. Inside, a
# oneshot unit runs tests/pkg/systemd-probe.sh, whose facts are checked
# here: `systemctl start` returns with the cache written (Type=notify);
# the sandbox is in force (capability bounding set, no_new_privs,
# seccomp, read-only /usr and /etc) and hcoop-mkhome (precreate_homes)
# still creates a member's home under it; a --once during the daemon
# exits 4; a configuration error exits 1 and is not restarted; an
# upgrade to a rebuilt higher version restarts the running daemon and
# keeps the cache.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
source "$HC_SRC/tests/pkg/lib.sh"
PKG_NEXT_VERSION=$(cat "$HC_SRC/VERSION")+test1
pkg_prepare
hc_ns_enter "$@"
HC_FIXTURE_NUSERS=10 # every member assigned here gets a home at the first write
source "$HC_SRC/tests/lib/slapd.sh"

pkg_debs "$PKG_CACHE/debs" || { fail "the packages build"; exit 1; }
mapfile -t debs < <(pkg_deb_list "$PKG_CACHE/debs")
pkg_debs "$PKG_CACHE/debs-next" "$PKG_NEXT_VERSION" ||
	{ fail "the packages build as $PKG_NEXT_VERSION"; exit 1; }
PKG_LOG=$(hc_tmpdir)/dpkg.log
pkg_chroot_up systemd || { fail "a chroot over the clean Debian 12 root"; exit 1; }
slapd_start || { fail "slapd_start"; exit 1; }
pkg_apt_install "${debs[@]}"
is "apt install ./*.deb" "$?" 0
pkg_admin_setup
echo "precreate_homes yes" >>"$PKG_ROOT/etc/hcoop.conf"
mkdir -p "$PKG_ROOT/root/debs-next"
for f in $(pkg_deb_list "$PKG_CACHE/debs-next"); do cp "$f" "$PKG_ROOT/root/debs-next/"; done
install -m 0755 "$HC_SRC/tests/pkg/systemd-probe.sh" "$PKG_ROOT/usr/local/sbin/hcoop-probe"
cat >"$PKG_ROOT/etc/systemd/system/hcoop-probe.service" <<'EOT'
[Unit]
Description=hcoop package test probe
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/hcoop-probe
ExecStopPost=/bin/systemctl --no-block exit 0
[Install]
WantedBy=multi-user.target
EOT
ln -s /etc/systemd/system/hcoop-probe.service \
	"$PKG_ROOT/etc/systemd/system/multi-user.target.wants/hcoop-probe.service"
# nspawn brings its own /proc, /dev and /run
umount "$PKG_ROOT/proc" "$PKG_ROOT/dev/pts" "$PKG_ROOT/run"
boot_log=$(hc_tmpdir)/boot.log
timeout -k 5 180 systemd-nspawn -q -D "$PKG_ROOT" --register=no --keep-unit \
	--boot >"$boot_log" 2>&1 </dev/null
rc=$?
check "the container booted and exited (nspawn rc $rc)" test "$rc" -ne 124 -a -f "$PKG_ROOT/probe.out"
f() { sed -n "s/^$1=//p" "$PKG_ROOT/probe.out" 2>/dev/null; }
[ "$(f done)" = yes ] || { diag "probe incomplete; boot log:"; tail -30 "$boot_log" | sed 's/^/#   /'; }
diag "probe: $(tr '\n' ' ' <"$PKG_ROOT/probe.out" 2>/dev/null)"
is "systemd is PID 1 in the container" "$(f pid1)" systemd
is "systemctl start hcoop-sync: 0" "$(f start_rc)" 0
is "Type=notify: the cache exists when start returns" "$(f cache_at_start)" yes
is "the unit is active" "$(f active)" active
# CAP_CHOWN (0), CAP_DAC_OVERRIDE (1), CAP_FOWNER (3)
is "capability bounding set: CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER only" "$(f capbnd)" 000000000000000b
is "no_new_privs" "$(f nonewprivs)" 1
is "seccomp filter in force" "$(f seccomp)" 2
check "ProtectSystem=strict: /usr read-only for the daemon" test "$(f usr_write_rc)" -ne 0
check "ProtectSystem=strict: /etc read-only for the daemon" test "$(f etc_write_rc)" -ne 0
like "precreate_homes under the sandbox: /home/alice made for alice" "$(f home_alice)" "^alice:alice [0-7]+$"
is "... with her skeleton" "$(f home_alice_profile)" alice
is "... and none for bob (assigned elsewhere)" "$(f home_bob)" no
like "the journal's start-up line names the version" "$(f journal_start)" "hcoop-sync $(cat "$HC_SRC/VERSION") starting"
is "--once while the unit runs: exit 4" "$(f once_rc)" 4
like "... with the lock message" "$(f once_msg)" 'another hcoop-sync \(pid [0-9]+\) holds /var/lib/hcoop/cache.lock'
check "a configuration error: systemctl restart fails" test "$(f bad_restart_rc)" -ne 0
is "... exit status 1" "$(f bad_status)" 1
is "... and the unit stays failed" "$(f bad_active)" failed
is "... not restarted (RestartPreventExitStatus=1)" "$(f bad_nrestarts)" 0
is "fixed config, reset-failed, start again: 0" "$(f good_again_rc)" 0
is "upgrade to $PKG_NEXT_VERSION with the unit running: dpkg -i" "$(f upgrade_rc)" 0
is "... the package restarted the daemon (new MainPID)" "$(f upgrade_restarted)" yes
is "... which is active" "$(f upgrade_active)" active
is "... the cache survived" "$(f upgrade_cache_kept)" yes
is "... the new version runs" "$(f upgrade_version)" "hcoop-sync $PKG_NEXT_VERSION"
like "... and logged its start" "$(f upgrade_journal)" "hcoop-sync ${PKG_NEXT_VERSION//+/\\+} starting"
