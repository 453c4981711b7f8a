#!/bin/bash
# scripts/install-deps.sh: two lists (a member server's runtime libraries,
# and what building and testing need), and the services the test list
# brings are disabled at boot, idempotently. Runs in a private namespace:
# /etc is an overlay, so the boot links changed here are the namespace's.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
deps=$HC_SRC/scripts/install-deps.sh

runtime=$("$deps" --runtime --list)
build=$("$deps" --list)
is "--build is the default" "$("$deps" --build --list)" "$build"
for p in slapd openssh-server nscd valgrind clang build-essential gcc; do
	check_not "runtime list has no $p" grep -qw -- "$p" <<<"$runtime"
done
for p in libldap-2.5-0 libacl1 libsystemd0 libpam0g; do
	check "runtime list has $p" grep -qw -- "$p" <<<"$runtime"
done
# the runtime list is what the packages depend on, no more
for p in $runtime; do
	check "runtime package $p exists in the archive's index" apt-cache show "$p" >/dev/null 2>&1
done
for p in mmdebstrap lintian debhelper dh-nss devscripts fakeroot libsystemd-dev systemd-container slapd pamtester; do
	check "build list has $p" grep -qw -- "$p" <<<"$build"
done
check "every build package is installed here" sh -c 'dpkg-query -W "$@" >/dev/null' _ $build

# Boot links: a service the tests brought, enabled (S link), is disabled.
if [ -d /run/systemd/system ]; then
	diag "systemd runs here: the systemctl branch is used (not checked by links)"
else
	for s in slapd nscd ssh; do
		[ -x "/etc/init.d/$s" ] || continue
		update-rc.d "$s" enable >/dev/null 2>&1
		check "$s: enabled for the check (S link in rc2.d)" ls /etc/rc2.d/S??"$s"
		"$deps" >/dev/null 2>&1
		is "install-deps.sh: exit 0" "$?" 0
		check_not "$s: no S link left in rc2-5.d" ls /etc/rc[2-5].d/S??"$s"
		check "$s: K links instead" ls /etc/rc2.d/K??"$s"
		"$deps" >/dev/null 2>&1
		is "a second run: exit 0 (idempotent)" "$?" 0
		check_not "$s: still disabled" ls /etc/rc[2-5].d/S??"$s"
	done
fi
