#!/bin/bash
# Through real glibc (private namespace, passwd/group: files hcoop): getent
# field by field against the spec, id and getgrouplist exact groups, a
# 5,000-member group, enumeration = local users + exactly the cache users.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
source "$HC_SRC/tests/nss/lib.sh"
hc_ns_install_modules
hc_ns_nsswitch "files hcoop"
T=$(hc_tmpdir)

nss_spec 600 >"$T/spec"
spec_passwd <"$T/spec" >"$T/passwd"
spec_group <"$T/spec" >"$T/group"
check "mkcache" "$MKCACHE" "$CACHE" <"$T/spec"

bad=0 n=0
while IFS= read -r want; do
	name=${want%%:*} uid=$(cut -d: -f3 <<<"$want")
	[ "$(getent passwd "$name")" = "$want" ] || { bad=$((bad + 1)); diag "passwd $name"; }
	[ "$(getent passwd "$uid")" = "$want" ] || { bad=$((bad + 1)); diag "passwd $uid"; }
	n=$((n + 1))
done <"$T/passwd"
is "getent passwd by name and uid: all $n users field by field" "$bad" 0
bad=0 n=0
while IFS= read -r want; do
	name=${want%%:*} gid=$(cut -d: -f3 <<<"$want")
	[ "$(getent group "$name")" = "$want" ] || { bad=$((bad + 1)); diag "group $name"; }
	[ "$(getent group "$gid")" = "$want" ] || { bad=$((bad + 1)); diag "group $gid"; }
	n=$((n + 1))
done <"$T/group"
is "getent group by name and gid: all $n groups field by field" "$bad" 0
is "5,000-member group through glibc" "$(getent group big | tr , '\n' | wc -l)" 5000

is "id alice: exactly her groups" "$(id alice)" \
	"uid=10001(alice) gid=10001(alice) groups=10001(alice),5000(hcstaff),5002(www)"
is "id -G dave" "$(id -G dave)" "10004 5000 5001"
is "id -G u00042 (members is primary, big listed)" "$(id -G u00042)" "20000 20001"
is "getgrouplist(carol) is only her primary group" \
	"$(python3 -c 'import os; print(sorted(os.getgrouplist("carol", 10003)))')" "[10003]"
is "getgrouplist(alice)" \
	"$(python3 -c 'import os; print(sorted(os.getgrouplist("alice", 10001)))')" "[5000, 5002, 10001]"

getent passwd >"$T/all"
is "getent passwd enumerates local users then exactly the cache users, by uid" \
	"$(cat "$T/all")" "$(cat /etc/passwd; sort -t: -k3,3n "$T/passwd")"
getent group >"$T/allg"
is "getent group enumerates local groups then exactly the cache groups, by gid" \
	"$(cat "$T/allg")" "$(cat /etc/group; sort -t: -k3,3n "$T/group")"

is "local root still from files" "$(getent passwd root | cut -d: -f1,3)" "root:0"
check_not "absent user: not found" getent passwd nosuchuser
check_not "invalid name: not found" getent passwd 'Alice'
ls -ln /home >/dev/null
mkdir -p /home/alice && chown 10001:5002 /home/alice
is "ls -l shows the owner from the cache" "$(stat -c '%U %G' /home/alice)" "alice www"

# replacement is noticed: a new cache with a changed shell
sed 's|^U:bob:\(.*\):/bin/bash:|U:bob:\1:/bin/dash:|' "$T/spec" >"$T/spec2"
"$MKCACHE" -g 2 "$CACHE" <"$T/spec2"
is "a replaced cache is served by the next lookup" "$(getent passwd bob | cut -d: -f7)" /bin/dash

# the module opens its cache with O_CLOEXEC (asked of the running code)
opens=$(strace -f -e trace=openat getent passwd alice 2>&1 >/dev/null | grep /var/lib/hcoop/cache)
like "cache opened O_RDONLY|O_CLOEXEC" "$opens" "O_RDONLY.*O_CLOEXEC"
