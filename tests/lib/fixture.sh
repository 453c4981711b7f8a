# The test directory's contents, as LDIF on stdout (ldapadd -c input).
# Documented in the shared brief; tests rely on every value here:
#
#   user  uid   gid   hcoopHost         password        notes
#   alice 10001 10001 host1.hcoop.test  alice-secret-1  gecos "Alice Liddell"
#   bob   10002 10002 host2.hcoop.test  bob-secret-2
#   carol 10003 10003 (none)            carol-secret-3
#   dave  10004 10004 host2.hcoop.test  dave-secret-4   admins, ldapadmins
#   erin  10005 10005 host1.hcoop.test  erin-secret-5   locked (ppolicy)
#   frank 10006 10006 host1.hcoop.test  frank-secret-6  shadowExpire 1
#   sysacct 500 500   host1.hcoop.test  sys-secret      below min_uid
#   user0001..user0600 uid 20001.. gid 20000, host1/host2 alternating
#     (odd numbers host1), password pw-userNNNN
#   groups: a private group per named user; hcstaff 5000 {alice,bob,dave}
#     (not "staff": Debian has a local staff, which LDAP may never shadow);
#     admins 5001 {dave}; www 5002 {alice}; members 20000 {user0001..0600}
#   cn=ldapadmins,ou=Groups (groupOfNames, member dave): the LDAP admins
#     named by ldap-schema/access.ldif
#   cn=default,ou=Policies: the ppolicy default (no lockout on failures)
#   host accounts cn=host1.hcoop.test / cn=host2.hcoop.test,ou=Hosts
#     (passwords host1-secret / host2-secret), class hcoopServer, role
#     member, capacity 400 / 500; cn=spare.hcoop.test (spare-secret), role
#     spare
# Passwords are given in clear; the ppolicy overlay (olcPPolicyHashCleartext)
# stores them hashed, as a server configured like production would.

HC_FIXTURE_BASE=${HC_FIXTURE_BASE:-dc=hcoop,dc=test}
HC_FIXTURE_NUSERS=${HC_FIXTURE_NUSERS:-600}

_hc_fx_user() { # name uid gid host password [extra ldif lines...]
	local name=$1 uid=$2 gid=$3 host=$4 pw=$5 gecos=${GECOS:-}
	shift 5
	printf 'dn: uid=%s,ou=People,%s\n' "$name" "$HC_FIXTURE_BASE"
	printf 'objectClass: inetOrgPerson\nobjectClass: posixAccount\n'
	printf 'objectClass: shadowAccount\nobjectClass: hcoopMember\n'
	printf 'uid: %s\ncn: %s\nsn: %s\n' "$name" "${gecos:-$name}" "$name"
	printf 'uidNumber: %s\ngidNumber: %s\n' "$uid" "$gid"
	printf 'homeDirectory: /home/%s\nloginShell: /bin/bash\n' "$name"
	[ -z "$gecos" ] || printf 'gecos: %s\n' "$gecos"
	[ -z "$host" ] || printf 'hcoopHost: %s\n' "$host"
	printf 'userPassword: %s\n' "$pw"
	local l
	for l in "$@"; do printf '%s\n' "$l"; done
	printf '\n'
}

_hc_fx_group() { # name gid members...
	local name=$1 gid=$2 m
	shift 2
	printf 'dn: cn=%s,ou=Groups,%s\n' "$name" "$HC_FIXTURE_BASE"
	printf 'objectClass: posixGroup\ncn: %s\ngidNumber: %s\n' "$name" "$gid"
	for m in "$@"; do printf 'memberUid: %s\n' "$m"; done
	printf '\n'
}

hc_fixture_ldif() {
	local b=$HC_FIXTURE_BASE dc i n u
	dc=${b#dc=}
	dc=${dc%%,*}
	printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\n' "$b"
	printf 'dc: %s\no: hcoop test co-operative\n\n' "$dc"
	for u in People Groups Hosts Policies; do
		printf 'dn: ou=%s,%s\nobjectClass: organizationalUnit\nou: %s\n\n' \
			"$u" "$b" "$u"
	done
	# the default password policy (olcPPolicyDefault): honours
	# pwdAccountLockedTime, never locks on failed binds (tests fail many)
	printf 'dn: cn=default,ou=Policies,%s\nobjectClass: device\n' "$b"
	printf 'objectClass: pwdPolicy\ncn: default\npwdAttribute: userPassword\n'
	printf 'pwdLockout: TRUE\npwdMaxFailure: 0\n\n'
	for n in host1:member:400 host2:member:500 spare:spare:; do
		IFS=: read -r h role cap <<<"$n"
		printf 'dn: cn=%s.hcoop.test,ou=Hosts,%s\n' "$h" "$b"
		printf 'objectClass: applicationProcess\nobjectClass: simpleSecurityObject\n'
		printf 'objectClass: hcoopServer\nhcoopRole: %s\n' "$role"
		[ -z "$cap" ] || printf 'hcoopCapacity: %s\n' "$cap"
		printf 'cn: %s.hcoop.test\nuserPassword: %s-secret\n\n' "$h" "$h"
	done
	GECOS="Alice Liddell" _hc_fx_user alice 10001 10001 host1.hcoop.test alice-secret-1
	_hc_fx_user bob 10002 10002 host2.hcoop.test bob-secret-2
	_hc_fx_user carol 10003 10003 "" carol-secret-3
	_hc_fx_user dave 10004 10004 host2.hcoop.test dave-secret-4
	_hc_fx_user erin 10005 10005 host1.hcoop.test erin-secret-5 \
		"pwdAccountLockedTime: 000001010000Z"
	_hc_fx_user frank 10006 10006 host1.hcoop.test frank-secret-6 "shadowExpire: 1"
	_hc_fx_user sysacct 500 500 host1.hcoop.test sys-secret
	for ((i = 1; i <= HC_FIXTURE_NUSERS; i++)); do
		printf -v u 'user%04d' "$i"
		_hc_fx_user "$u" $((20000 + i)) 20000 "host$((2 - i % 2)).hcoop.test" "pw-$u"
	done
	local -a upg=(alice:10001 bob:10002 carol:10003 dave:10004 erin:10005
		frank:10006 sysacct:500)
	for u in "${upg[@]}"; do _hc_fx_group "${u%%:*}" "${u#*:}" "${u%%:*}"; done
	_hc_fx_group hcstaff 5000 alice bob dave
	_hc_fx_group admins 5001 dave
	_hc_fx_group www 5002 alice
	local -a members=()
	for ((i = 1; i <= HC_FIXTURE_NUSERS; i++)); do
		printf -v u 'user%04d' "$i"
		members+=("$u")
	done
	_hc_fx_group members 20000 "${members[@]}"
	printf 'dn: cn=ldapadmins,ou=Groups,%s\nobjectClass: groupOfNames\n' "$b"
	printf 'cn: ldapadmins\nmember: uid=dave,ou=People,%s\n\n' "$b"
}
