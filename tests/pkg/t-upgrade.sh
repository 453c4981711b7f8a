#!/bin/bash
# Upgrades in the clean Debian 12 chroot (see t-install.sh): the same
# version over itself, then a rebuilt higher version. Each time the unit's
# restart is asked for (deb-systemd-invoke, seen by policy-rc.d), the
# cache and its generation survive, the admin's PAM choice and the
# nsswitch.conf entry stay exactly once, and members still log in.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
source "$HC_SRC/tests/pkg/lib.sh"
PKG_NEXT_VERSION=$(cat "$HC_SRC/VERSION")+test1
pkg_prepare
hc_ns_enter "$@"
source "$HC_SRC/tests/lib/slapd.sh"

pkg_debs "$PKG_CACHE/debs" || { fail "the packages build"; exit 1; }
pkg_debs "$PKG_CACHE/debs-next" "$PKG_NEXT_VERSION" ||
	{ fail "the packages build as $PKG_NEXT_VERSION"; exit 1; }
mapfile -t debs < <(pkg_deb_list "$PKG_CACHE/debs")
mapfile -t next < <(pkg_deb_list "$PKG_CACHE/debs-next")
PKG_LOG=$(hc_tmpdir)/dpkg.log
pkg_chroot_up upgrade || { fail "a chroot over the clean Debian 12 root"; exit 1; }
slapd_start || { fail "slapd_start"; exit 1; }

pkg_install "${debs[@]}"
is "first install" "$?" 0
pkg_admin_setup
in_root hcoop-sync --once >/dev/null 2>&1
is "hcoop-sync --once" "$?" 0
in_root pam-auth-update --enable hcoop >/dev/null 2>&1
cache=$PKG_ROOT/var/lib/hcoop/cache
sum0=$(sha256sum <"$cache")
gen() { in_root hcoop-sync --status | sed -n 's/^generation: //p'; }
gen0=$(gen)
is "generation 1 after the first --once" "$gen0" 1
policy_log=$PKG_ROOT/var/log/policy-rc.d.log

# the shape of the system after each upgrade
after_upgrade() { # label version
	local l=$1 v=$2
	is "$l: hcoop-sync --version" "$(in_root hcoop-sync --version)" "hcoop-sync $v"
	is "$l: the cache survived, unchanged" "$(sha256sum <"$cache")" "$sum0"
	is "$l: its generation too" "$(gen)" "$gen0"
	like "$l: the unit's restart was asked for" "$(cat "$policy_log" 2>/dev/null)" \
		'hcoop-sync.service (try-)?restart'
	is "$l: hcoop once in passwd:" "$(grep -c '^passwd:.* hcoop\b' "$PKG_ROOT/etc/nsswitch.conf")" 1
	is "$l: passwd: still files systemd hcoop" \
		"$(grep '^passwd:' "$PKG_ROOT/etc/nsswitch.conf" | tr -s ' \t' ' ')" "passwd: files systemd hcoop"
	is "$l: pam_hcoop still enabled, once in common-account" \
		"$(grep -c pam_hcoop "$PKG_ROOT/etc/pam.d/common-account")" 1
	admitted "$l: alice logs in" alice alice-secret-1
	admitted "$l: the local user logs in" localuser local-secret-7
	like "$l: getent passwd alice" "$(in_root getent passwd alice)" '^alice:x:10001:'
}

rm -f "$policy_log"
pkg_install "${debs[@]}"
is "the same version over itself" "$?" 0
after_upgrade "reinstall" "$(cat "$HC_SRC/VERSION")"

rm -f "$policy_log"
pkg_install "${next[@]}"
is "upgrade to $PKG_NEXT_VERSION" "$?" 0
is "dpkg says $PKG_NEXT_VERSION" "$(in_root dpkg-query -W -f '${Version}' hcoop-sync)" "$PKG_NEXT_VERSION"
after_upgrade "upgrade" "$PKG_NEXT_VERSION"
in_root hcoop-sync --once >/dev/null 2>&1
is "the new hcoop-sync reads the old cache and keeps it (nothing new in LDAP)" "$(gen)" "$gen0"
slapd_modify >/dev/null <<EOT
dn: uid=alice,ou=People,$LDAP_BASE
changetype: modify
replace: gecos
gecos: Alice, upgraded
EOT
in_root hcoop-sync --once >/dev/null 2>&1
is "and writes the next generation over it after a change" "$(gen)" $((gen0 + 1))
like "with the change" "$(in_root getent passwd alice)" '^alice:x:10001:10001:Alice, upgraded:'
