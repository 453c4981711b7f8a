#!/bin/bash
# The module called directly (dlopen), every entry point with buffer sizes
# from 1 upward: ERANGE until it fits, then exactly the spec's answer; the
# same for enumeration (an ERANGE retry returns the same entry); status
# codes; initgroups with and without a limit.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
source "$HC_SRC/tests/nss/lib.sh"
SO=$HC_BUILD/libnss_hcoop.so.2
T=$(hc_tmpdir)

nss_spec 40 >"$T/spec"
D() { "$NSS_DLOPEN" "$SO" "$@"; }

is "no cache file: UNAVAIL" "$(D status pwnam alice)" UNAVAIL
check "mkcache writes the cache" "$MKCACHE" "$CACHE" <"$T/spec"
is "cache is mode 0644" "$(stat -c %a "$CACHE")" 644

# every user by name and by uid, every group by name and by gid
spec_passwd <"$T/spec" >"$T/passwd"
spec_group <"$T/spec" >"$T/group"
bad=0
while IFS=: read -r name _ uid _; do
	want=$(grep -m1 "^$name:" "$T/passwd")
	[ "$(D pwnam "$name")" = "$want" ] || { bad=1; diag "pwnam $name"; }
	[ "$(D pwuid "$uid")" = "$want" ] || { bad=1; diag "pwuid $uid"; }
done <"$T/passwd"
is "getpwnam_r/getpwuid_r: every user, every buffer size" "$bad" 0
bad=0
while IFS=: read -r name _ gid _; do
	[ "$name" = big ] && continue # the ladder to 45 kB is slow; below
	want=$(grep -m1 "^$name:" "$T/group")
	[ "$(D grnam "$name")" = "$want" ] || { bad=1; diag "grnam $name"; }
	[ "$(D grgid "$gid")" = "$want" ] || { bad=1; diag "grgid $gid"; }
done <"$T/group"
is "getgrnam_r/getgrgid_r: every group, every buffer size" "$bad" 0
is "group of 5,000 members" "$(D grnam big | md5sum)" "$(grep '^big:' "$T/group" | md5sum)"

is "getpwent_r enumerates exactly the spec, by uid" "$(D pwent)" "$(sort -t: -k3,3n "$T/passwd")"
is "getgrent_r enumerates exactly the spec, by gid" "$(D grent)" "$(sort -t: -k3,3n "$T/group")"

is "initgroups alice (primary skipped, ghost ignored)" "$(D initgroups alice 10001)" "SUCCESS 10001 5000 5002"
is "initgroups dave" "$(D initgroups dave 10004)" "SUCCESS 10004 5000 5001"
is "initgroups honours limit" "$(D initgroups dave 10004 2)" "SUCCESS 10004 5000"
is "initgroups u00007 (members' gid is primary)" "$(D initgroups u00007 20000)" "SUCCESS 20000 20001"
like "initgroups unknown user: NOTFOUND" "$(D initgroups nosuch 1)" "^NOTFOUND"

is "absent name: NOTFOUND" "$(D status pwnam nosuch)" NOTFOUND
is "invalid name (upper case): NOTFOUND" "$(D status pwnam Alice)" NOTFOUND
is "invalid name (colon): NOTFOUND" "$(D status pwnam 'a:b')" NOTFOUND
D pwuid 4242 >/dev/null
is "absent uid: NOTFOUND (exit 3)" "$?" 3

printf 'HCOOPC1\n' >"$T/c" && head -c 300 /dev/zero >>"$T/c" && cp "$T/c" "$CACHE"
is "corrupt cache: UNAVAIL" "$(D status pwnam alice)" UNAVAIL
D pwnam alice >/dev/null
is "corrupt cache: not found, no crash (exit 1 = UNAVAIL)" "$?" 1
