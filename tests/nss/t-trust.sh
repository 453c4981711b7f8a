#!/bin/bash
# Readers refuse a cache not owned by root or writable by group or others
# (issue 10 item 11): the module answers UNAVAIL (files still answers
# through glibc), hcoop-mkcache -d (the shared reader) fails; a root-owned
# 0644 file written by the real writer is served. A running process
# notices the chown/chmod at its once-a-second check.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
source "$HC_SRC/tests/nss/lib.sh"
SO=$HC_BUILD/libnss_hcoop.so.2
T=$(hc_tmpdir)

nss_spec 5 5 >"$T/spec"
check "mkcache writes the cache as root" "$MKCACHE" "$CACHE" <"$T/spec"
is "written root:root 0644" "$(stat -c '%u %g %a' "$CACHE")" "0 0 644"
is "root-owned 0644: served" "$("$NSS_DLOPEN" "$SO" status pwnam alice)" SUCCESS
check "root-owned 0644: mkcache -d reads it" "$MKCACHE" -d "$CACHE"

chown 65534 "$CACHE"
is "owned by nobody: UNAVAIL" "$("$NSS_DLOPEN" "$SO" status pwnam alice)" UNAVAIL
check_not "owned by nobody: mkcache -d refuses it" "$MKCACHE" -d "$CACHE"
chown 0:65534 "$CACHE"
is "group nogroup, mode 0644: served" "$("$NSS_DLOPEN" "$SO" status pwnam alice)" SUCCESS
chmod g+w "$CACHE"
is "group-writable: UNAVAIL" "$("$NSS_DLOPEN" "$SO" status pwnam alice)" UNAVAIL
chown 0:0 "$CACHE"
chmod 0646 "$CACHE"
is "world-writable: UNAVAIL" "$("$NSS_DLOPEN" "$SO" status pwnam alice)" UNAVAIL
chmod 0644 "$CACHE"
is "back to 0644: served" "$("$NSS_DLOPEN" "$SO" status pwnam alice)" SUCCESS

# through glibc: files answers, the cache is not used
hc_ns_install_modules
hc_ns_nsswitch "files hcoop"
chmod g+w "$CACHE"
check_not "group-writable: getent passwd alice finds nothing" getent passwd alice
is "group-writable: getent passwd root still answers" "$(getent passwd root | cut -d: -f1)" root
chmod g-w "$CACHE"
is "0644 again: getent passwd alice" "$(getent passwd alice | cut -d: -f1)" alice
