#!/bin/bash
# libnss_hcoop.so.2: SONAME, exports only _nss_hcoop_*, every entry point
# present, not linked against libldap/liblber, no environment reads, no
# sockets, installs into LIBDIR under DESTDIR without root.
source "$(dirname "$0")/../lib/tap.sh"
SO=$HC_BUILD/libnss_hcoop.so.2

check "module built" test -f "$SO"
like "SONAME libnss_hcoop.so.2" "$(readelf -d "$SO")" 'SONAME.*\[libnss_hcoop\.so\.2\]'
exports=$(nm -D --defined-only "$SO" | awk '{print $3}' | sort)
is "exports only _nss_hcoop_*" "$(grep -v '^_nss_hcoop_' <<<"$exports")" ""
for f in getpwnam_r getpwuid_r setpwent getpwent_r endpwent getgrnam_r getgrgid_r \
	setgrent getgrent_r endgrent initgroups_dyn; do
	grep -qx "_nss_hcoop_$f" <<<"$exports" || fail "exports _nss_hcoop_$f"
done
ok "exports all 11 entry points"
check_not "not linked against libldap/liblber" grep -Eq 'NEEDED.*(ldap|lber)' <(readelf -d "$SO")
undef=$(nm -D --undefined-only "$SO" | awk '{print $2}')
check_not "reads no environment (no getenv/secure_getenv)" grep -Eq '^(secure_)?getenv' <<<"$undef"
check_not "opens no socket" grep -Eq '^(socket|connect)(@|$)' <<<"$undef"
check_not "writes nothing to stdout/stderr (no printf/puts/stdio)" \
	grep -Eq '^(printf|fprintf|puts|fputs|fwrite|perror|stderr|stdout)(@|$)' <<<"$undef"
check_not "no openlog (the host program's syslog ident is left alone)" grep -q '^openlog' <<<"$undef"
like "full RELRO and BIND_NOW" "$(readelf -d "$SO")" "BIND_NOW|FLAGS.*NOW"
D=$(hc_tmpdir)
check "make install-nss DESTDIR (no root needed)" make -s -C "$HC_SRC" install-nss DESTDIR="$D/stage" >/dev/null
check "installed into LIBDIR" test -f "$D/stage/usr/lib/$(gcc -print-multiarch)/libnss_hcoop.so.2"
check "man page installed" test -f "$D/stage/usr/share/man/man8/nss_hcoop.8"
# every open in the module is O_CLOEXEC: ask the running code
