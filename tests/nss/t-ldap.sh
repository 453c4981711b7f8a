#!/bin/bash
# Issue 3 tests 1 and 5 with the real chain: the test slapd (fixture of
# 600+ users) -> hcoop-sync --once -> cache -> libnss_hcoop through real
# glibc (passwd/group: files hcoop). Every field of getent equals LDAP;
# getent enumeration = local + exactly the LDAP users (uid >= min_uid);
# with slapd stopped, lookups still answer, 1,000 in under a second.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
source "$HC_SRC/tests/lib/fixture.sh"
source "$HC_SRC/tests/lib/slapd.sh"
[ -x "$HC_BUILD/hcoop-sync" ] || { fail "hcoop-sync is built"; exit 1; }
hc_ns_install_modules
hc_ns_nsswitch "files hcoop"
T=$(hc_tmpdir)

slapd_start || { fail "slapd_start"; exit 1; }
HC_CACHE=/var/lib/hcoop/cache slapd_write_config "$T/hcoop.conf"
check "hcoop-sync --once" "$HC_BUILD/hcoop-sync" -c "$T/hcoop.conf" --once

# LDAP's view, one line per entry: attr=value pairs, unwrapped
ldap_lines() { # filter attrs...
	# as the host account: unlimited size limit (root's EXTERNAL has 500)
	LDAPTLS_CACERT=$LDAP_CACERT ldapsearch -LLL -x -ZZ -H "$LDAP_URI" \
		-D "$HOST_DN" -w "$HOST_PW" -o ldif-wrap=no -b "$LDAP_BASE" "$@" |
		awk -v RS= -F'\n' '{ line = ""; for (i = 2; i <= NF; i++) line = line "\t" $i; print line }'
}
field() { # line attr -> first value ("" if none)
	awk -F'\t' -v a="$2: " '{ for (i = 1; i <= NF; i++) if (index($i, a) == 1) { print substr($i, length(a) + 1); exit } }' <<<"$1"
}

n=0 bad=0
: >"$T/ldap-users"
while IFS= read -r e; do
	name=$(field "$e" uid) uid=$(field "$e" uidNumber)
	[ "$uid" -ge 1000 ] || continue
	echo "$name" >>"$T/ldap-users"
	got=$(getent passwd "$name")
	IFS=: read -r gname gpw guid ggid ggecos gdir gshell <<<"$got"
	[ "$gname:$gpw:$guid:$ggid:$gdir:$gshell" = \
	  "$name:x:$uid:$(field "$e" gidNumber):$(field "$e" homeDirectory):$(field "$e" loginShell)" ] ||
		{ bad=$((bad + 1)); diag "passwd $name: $got"; }
	g=$(field "$e" gecos)
	[ -z "$g" ] || [ "$ggecos" = "$g" ] || { bad=$((bad + 1)); diag "gecos $name: $ggecos"; }
	[ "$(getent passwd "$uid")" = "$got" ] || { bad=$((bad + 1)); diag "by uid $uid"; }
	n=$((n + 1))
done < <(ldap_lines '(objectClass=posixAccount)' uid uidNumber gidNumber gecos homeDirectory loginShell)
check "more than 500 LDAP users compared" test "$n" -gt 500
is "getent passwd: every field equals LDAP ($n users, by name and uid)" "$bad" 0

n=0 bad=0
while IFS= read -r e; do
	name=$(field "$e" cn) gid=$(field "$e" gidNumber)
	[ "$gid" -ge 1000 ] || continue # hcoop-sync drops ids below min_uid
	want="$name:x:$gid:$(tr '\t' '\n' <<<"$e" | sed -n 's/^memberUid: //p' | sort | paste -sd,)"
	got=$(getent group "$gid")
	sorted="${got%:*}:$(tr , '\n' <<<"${got##*:}" | sort | paste -sd,)"
	[ "$sorted" = "$want" ] || { bad=$((bad + 1)); diag "group $gid: $got"; }
	n=$((n + 1))
done < <(ldap_lines '(objectClass=posixGroup)' cn gidNumber memberUid)
is "getent group: every field equals LDAP ($n groups, members as sets)" "$bad" 0
is "members group has 600 members" "$(getent group 20000 | cut -d: -f4 | tr , '\n' | wc -l)" 600

getent passwd | cut -d: -f1 | sort >"$T/enum"
(cut -d: -f1 /etc/passwd; cat "$T/ldap-users") | sort >"$T/want-enum"
is "getent passwd = local users + exactly the LDAP users" \
	"$(diff "$T/enum" "$T/want-enum" | head -20)" ""
check_not "sysacct (uid 500 < min_uid) is not served" getent passwd sysacct

# test 5: LDAP down, the cache answers, fast
slapd_stop
is "slapd stopped: getent passwd alice still answers" "$(getent passwd alice | cut -d: -f1,3)" "alice:10001"
t=$(python3 - <<'PY'
import pwd, time
names = ["user%04d" % (i % 600 + 1) for i in range(1000)]
t0 = time.monotonic()
for n in names:
    pwd.getpwnam(n)
print("%.3f" % (time.monotonic() - t0))
PY
)
diag "1,000 getpwnam with slapd stopped: ${t}s"
check "1,000 lookups with slapd stopped in under a second" python3 -c "import sys; sys.exit(0 if $t < 1.0 else 1)"
