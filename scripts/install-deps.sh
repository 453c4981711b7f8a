#!/bin/sh
# The Debian packages of this project, in two lists:
#
#   install-deps.sh [--build]   what building, testing, packaging, the demo
#                               and the benchmarks need (compilers, slapd,
#                               sshd, valgrind, mmdebstrap, lintian, ...).
#                               `make deps`, `make check`, `make demo`,
#                               `make bench` and .ci/run use this list.
#   install-deps.sh --runtime   what a member server needs to run hcoop
#                               built with `make install` (the libraries
#                               only; the .debs pull these themselves).
#   install-deps.sh --list [--build|--runtime]   print the list, install nothing
#
# The build list brings services (slapd, nscd, ssh, ...) that only the
# tests start, as private processes: they are disabled at boot here (not
# just left stopped), every run, so a developer machine never boots an
# LDAP server. A package missing here is missing everywhere.
set -eu

RUNTIME_PACKAGES="
libldap-2.5-0 libacl1 libsystemd0 libpam0g libpam-runtime libgnutls30 libjson-c5
"

BUILD_PACKAGES="
build-essential pkg-config
libldap-dev libpam0g-dev libacl1-dev libcmocka-dev libsystemd-dev
libgnutls28-dev libjson-c-dev
clang libclang-rt-14-dev
slapd ldap-utils openssl
openssh-server openssh-client sshpass
pamtester libpam-wrapper libnss-wrapper libpam-modules
acl valgrind iproute2 util-linux procps psmisc python3 time strace nscd rsync
debhelper dh-nss dpkg-dev fakeroot devscripts lintian mmdebstrap systemd
bind9-utils bind9-dnsutils libdb5.3 libicu72 liblmdb0 libjemalloc2 libcap2 libfstrm0 libprotobuf-c1 libjson-c5 libuv1 libnghttp2-14 libmaxminddb0 libxml2 libnsl2
systemd-container
"

# Services the build list may bring (and others' test harnesses extract):
# never enabled at boot on a build or test machine.
TEST_SERVICES="slapd nscd ssh named postfix"

mode=build list=0
for arg in "$@"; do
	case $arg in
	--build) mode=build ;;
	--runtime) mode=runtime ;;
	--list) list=1 ;;
	*) echo "usage: install-deps.sh [--build|--runtime] [--list]" >&2; exit 1 ;;
	esac
done
if [ "$mode" = runtime ]; then PACKAGES=$RUNTIME_PACKAGES; else PACKAGES=$BUILD_PACKAGES; fi
if [ "$list" = 1 ]; then
	echo $PACKAGES
	exit 0
fi

# Disable a service at boot, idempotently, the way this machine's init
# does it: systemctl when systemd runs, update-rc.d otherwise.
disable_service() {
	name=$1
	if [ -d /run/systemd/system ]; then
		if systemctl list-unit-files "$name.service" 2>/dev/null | grep -q "^$name.service"; then
			systemctl disable --quiet "$name.service" 2>/dev/null || true
		fi
	elif [ -x "/etc/init.d/$name" ] && command -v update-rc.d >/dev/null; then
		# already disabled: no S link left in any runlevel
		if ls /etc/rc[2-5].d/S??"$name" >/dev/null 2>&1; then
			update-rc.d "$name" disable >/dev/null 2>&1 || true
		fi
	fi
}

disable_test_services() {
	[ "$mode" = build ] || return 0
	[ "$(id -u)" -eq 0 ] || return 0
	for s in $TEST_SERVICES; do
		disable_service "$s"
	done
}

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	disable_test_services
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing Debian packages:$missing" >&2
	echo "install-deps: run as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Debian's maintainer scripts would start the system slapd/sshd; tests start
# their own private instances, so keep the packaged services down.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ "$mode" = build ] && [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 0755 "$policy"
	created_policy=1
fi
rc=0
{ apt-get update -q && apt-get install -y -q --no-install-recommends $missing; } || rc=$?
[ "$created_policy" -eq 0 ] || rm -f "$policy"
disable_test_services
exit $rc
