#!/bin/bash
# The packages installed for real, as an admin would, in a clean Debian 12
# root (mmdebstrap minbase, cached under build/pkg/) chrooted over an
# overlay inside this test's private mount and network namespace; the test
# slapd runs outside the chroot on 127.0.0.1 (same network namespace).
#
# install -> nsswitch.conf "files systemd hcoop"; pam-auth-update --enable
# hcoop; hcoop-sync --once fills the cache; through real Linux-PAM
# (pamtester): a member assigned here gets in, one assigned elsewhere is
# refused with the message, root and a local user get in with their local
# passwords. Then pam_hcoop.so deleted by hand (no prerm): root and local
# users still get in, members do not. Remove libpam-hcoop: the same, and
# no pam_hcoop left in /etc/pam.d. Purge: no hcoop in nsswitch.conf or
# /etc/pam.d, nothing of the packages left.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
source "$HC_SRC/tests/pkg/lib.sh"
pkg_prepare
hc_ns_enter "$@"
source "$HC_SRC/tests/lib/slapd.sh"

debs_dir=$PKG_CACHE/debs
pkg_debs "$debs_dir" || { fail "the packages build"; exit 1; }
mapfile -t debs < <(pkg_deb_list "$debs_dir")
PKG_LOG=$(hc_tmpdir)/dpkg.log
pkg_chroot_up install || { fail "a chroot over the clean Debian 12 root"; exit 1; }
slapd_start || { fail "slapd_start"; exit 1; }

nss_before=$(cat "$PKG_ROOT/etc/nsswitch.conf")
like "the clean root's nsswitch.conf is Debian 12's (files systemd)" \
	"$(grep '^passwd:' <<<"$nss_before")" '^passwd: +files systemd$'
declare -A pam_before
for t in auth account password session session-noninteractive; do
	pam_before[$t]=$(cat "$PKG_ROOT/etc/pam.d/common-$t")
done

pkg_apt_install "${debs[@]}"
rc=$?
is "apt install ./*.deb of the five packages, as the README says" "$rc" 0
[ "$rc" -eq 0 ] || tail -20 "$PKG_LOG" | sed 's/^/# /'
is "nsswitch.conf passwd: files systemd hcoop" "$(grep '^passwd:' "$PKG_ROOT/etc/nsswitch.conf" | tr -s ' \t' ' ')" "passwd: files systemd hcoop"
is "nsswitch.conf group: files systemd hcoop" "$(grep '^group:' "$PKG_ROOT/etc/nsswitch.conf" | tr -s ' \t' ' ')" "group: files systemd hcoop"
is "nsswitch.conf shadow: untouched" "$(grep '^shadow:' "$PKG_ROOT/etc/nsswitch.conf")" "$(grep '^shadow:' <<<"$nss_before")"
check_not "installing alone does not touch the PAM stacks (Default: no)" \
	grep -q pam_hcoop "$PKG_ROOT"/etc/pam.d/common-*
check "the unit is enabled at install (ConditionPathExists keeps it idle)" \
	test -L "$PKG_ROOT/etc/systemd/system/multi-user.target.wants/hcoop-sync.service"

pkg_admin_setup

out=$(in_root hcoop-sync --once 2>&1); rc=$?
is "the installed hcoop-sync --once against the test slapd" "$rc" 0
[ "$rc" -eq 0 ] || sed 's/^/# /' <<<"$out"
like "getent passwd alice (from the cache, through nsswitch.conf)" \
	"$(in_root getent passwd alice)" '^alice:x:10001:10001:Alice Liddell:/home/alice:/bin/bash$'
like "getent group members (gid 20000)" "$(in_root getent group members)" '^members:x:20000:user0001,'
like "getent group staff is the local one (gid 50): LDAP never shadows local" \
	"$(in_root getent group staff)" '^staff:x:50:'
like "getent passwd root still from files" "$(in_root getent passwd root)" '^root:x:0:0:'

out=$(in_root pam-auth-update --enable hcoop 2>&1); rc=$?
is "pam-auth-update --enable hcoop" "$rc" 0
for t in auth account password; do
	check "common-$t has pam_hcoop" grep -q pam_hcoop "$PKG_ROOT/etc/pam.d/common-$t"
done
diag "common-account as written by pam-auth-update:"
grep -v '^#' "$PKG_ROOT/etc/pam.d/common-account" | grep . | sed 's/^/#   /'

admitted "alice (assigned here) logs in with her LDAP password" alice alice-secret-1
refused "bob (assigned to host2) is refused, told where his account lives" \
	bob bob-secret-2 'host2\.hcoop\.test'
refused "alice with a wrong password is refused" alice wrong-password
admitted "root logs in with the local password" root root-secret-9
admitted "a local user logs in with the local password" localuser local-secret-7
refused "a local user with a wrong password is refused" localuser wrong-password
refused "a local user with a member's password is refused" localuser alice-secret-1
key_admitted "alice's key login (account only) is admitted" alice
key_refused "bob's key login (account only) is refused" bob 'host2\.hcoop\.test'

# The module deleted by hand (a botched upgrade): no lockout, no bypass.
so=$PKG_ROOT/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/security/pam_hcoop.so
rm -f "$so"
check "pam_hcoop.so is gone, the stacks still name it" grep -q pam_hcoop "$PKG_ROOT/etc/pam.d/common-account"
admitted "module deleted: root still logs in" root root-secret-9
admitted "module deleted: a local user still logs in" localuser local-secret-7
refused "module deleted: a local user with a wrong password is refused" localuser wrong-password
refused "module deleted: alice no longer logs in" alice alice-secret-1
key_refused "module deleted: alice's key login is refused (fails closed)" alice
key_refused "module deleted: bob's key login is refused" bob

# Put it back (reinstall), then remove the package: prerm cleans the stacks.
pkg_install "$(printf '%s\n' "${debs[@]}" | grep /libpam-hcoop_)"
check "reinstalled: pam_hcoop.so is back" test -f "$so"
admitted "reinstalled: alice logs in again" alice alice-secret-1
in_root dpkg -r libpam-hcoop >>"$PKG_LOG" 2>&1
is "dpkg -r libpam-hcoop" "$?" 0
check_not "removed: no pam_hcoop in /etc/pam.d" grep -rq pam_hcoop "$PKG_ROOT/etc/pam.d"
admitted "removed: root logs in" root root-secret-9
admitted "removed: a local user logs in" localuser local-secret-7
refused "removed: alice no longer logs in" alice alice-secret-1
like "removed: alice is still visible through NSS" "$(in_root getent passwd alice)" '^alice:'

# Purge everything.
in_root dpkg --purge libpam-hcoop libnss-hcoop hcoop-routes hcoop-sync hcoop-ldap-schema >>"$PKG_LOG" 2>&1
is "dpkg --purge of the five packages" "$?" 0
check_not "purged: no hcoop in nsswitch.conf" grep -q hcoop "$PKG_ROOT/etc/nsswitch.conf"
is "purged: nsswitch.conf is as before" "$(cat "$PKG_ROOT/etc/nsswitch.conf")" "$nss_before"
check_not "purged: no hcoop in /etc/pam.d (but the test's own service)" \
	grep -rq hcoop "$PKG_ROOT/etc/pam.d" --exclude=hcoop-test
for t in auth account password session session-noninteractive; do
	is "purged: common-$t as before" "$(cat "$PKG_ROOT/etc/pam.d/common-$t")" "${pam_before[$t]}"
done
# What the overlay's upper layer still holds with "hcoop" in its name is
# what the admin wrote (config, secret, CA) and what the test added.
left=$(cd "$PKG_UPPER" && find . -name '*hcoop*' ! -path ./etc/hcoop.conf \
	! -path ./etc/hcoop.secret ! -path ./etc/hcoop-ca.crt \
	! -path ./etc/pam.d/hcoop-test ! -path './tmp/debs*' | sort)
is "purged: no file of the packages left (cache, unit links, dpkg info)" "$left" ""
check_not "purged: /var/lib/hcoop gone" test -e "$PKG_ROOT/var/lib/hcoop"
check "purged: the admin's /etc/hcoop.conf stays (never the package's)" test -f "$PKG_ROOT/etc/hcoop.conf"
