#!/bin/sh
# The one list of Debian packages this project needs to build, test, demo
# and benchmark. `make deps`, `make check`, `make demo` and .ci/run all call
# this script, so a package missing here is missing everywhere.
set -eu

PACKAGES="
build-essential pkg-config
libldap-dev libpam0g-dev libacl1-dev libcmocka-dev
libgnutls28-dev
clang libclang-rt-14-dev
slapd ldap-utils openssl
openssh-server openssh-client sshpass
pamtester libpam-wrapper libnss-wrapper libpam-modules
acl valgrind iproute2 util-linux procps psmisc python3 time strace nscd rsync
bind9-utils bind9-dnsutils libdb5.3 libicu72 liblmdb0 libjemalloc2 libcap2 libfstrm0 libprotobuf-c1 libjson-c5 libuv1 libnghttp2-14 libmaxminddb0 libxml2 libnsl2
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
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
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 0755 "$policy"
	created_policy=1
fi
rc=0
{ apt-get update -q && apt-get install -y -q --no-install-recommends $missing; } || rc=$?
[ "$created_policy" -eq 0 ] || rm -f "$policy"
exit $rc
