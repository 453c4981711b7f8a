#!/bin/bash
# hcoopctl explain: the verdict and message for each kind of member, from
# the same decision pam_hcoop's account step runs (common/admission.c), so
# the two never disagree: compared on 20 users through real Linux-PAM.
# san: yes
source "${HC_SRC:-$(dirname "$0")/../..}/tests/pam/lib.sh"
pam_setup
CTL="$HC_BUILD/hcoopctl -c $CONF"

# entries the sync must leave out: a hostile home, and a local name
slapd_add >/dev/null <<EOT
dn: uid=badhome,ou=People,$LDAP_BASE
objectClass: posixAccount
objectClass: account
objectClass: hcoopMember
uid: badhome
cn: badhome
uidNumber: 30001
gidNumber: 30001
homeDirectory: /home/../etc
loginShell: /bin/bash
hcoopHost: host1.hcoop.test

dn: uid=daemon,ou=People,$LDAP_BASE
objectClass: posixAccount
objectClass: account
objectClass: hcoopMember
uid: daemon
cn: daemon
uidNumber: 30002
gidNumber: 30002
homeDirectory: /home/daemon
loginShell: /bin/bash
hcoopHost: host1.hcoop.test
EOT
pam_make_cache "$CONF" "$CACHE" >"$PAM_DIR/sync2.log" 2>&1 || fail "cache rewritten"

ex() { # user [args]: OUT, RC, and J (the JSON)
	OUT=$($CTL explain "$@" 2>&1); RC=$?
	J=$($CTL explain "$@" --json 2>/dev/null)
}
jv() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(d.get('$1'))" "$J"; }

ex alice
is "alice (here): admitted, exit 0" "$RC $(jv verdict)" "0 ADMIT_HERE"
like "alice: facts shown" "$OUT" 'assigned_host +host1\.hcoop\.test'
ex bob
is "bob (elsewhere): refused, exit 4" "$RC $(jv verdict)" "4 REFUSE_ELSEWHERE"
like "bob: the member's message names his host" "$(jv message)" 'lives on host2\.hcoop\.test'
ex bob --host host2.hcoop.test
is "bob --host host2: admitted as host2 would" "$RC $(jv verdict)" "0 ADMIT_HERE"
ex carol
is "carol (no host): refused" "$RC $(jv verdict)" "4 REFUSE_NO_HOST"
ex dave
is "dave (admin, assigned elsewhere): admitted" "$RC $(jv verdict) $(jv admin)" "0 ADMIT_ADMIN True"
ex erin
is "erin (locked): refused" "$RC $(jv verdict) $(jv locked)" "4 REFUSE_LOCKED True"
ex frank
is "frank (expired): refused" "$RC $(jv verdict) $(jv expired)" "4 REFUSE_EXPIRED True"
ex badhome
is "badhome (skipped by validation): not ours, exit 3" "$RC $(jv in_cache)" "3 False"
like "badhome: the sync's reason is shown" "$(jv skipped_by_sync)" 'uid=badhome,.*home'
ex daemon
is "LDAP 'daemon' (a local name): not ours" "$RC $(jv in_cache)" "3 False"
like "daemon: shadowed by the local account, says why" "$(jv skipped_by_sync)" 'local'
ex nosuchuser
is "not in LDAP: exit 3" "$RC $(jv verdict)" "3 NOT_OURS"
ex nosuchuser --ldap
like "not in LDAP, confirmed with --ldap" "$(jv ldap_differs)" 'not in LDAP'

# cache stale vs LDAP: a change the sync has not applied (no daemon here)
slapd_modify >/dev/null <<EOT
dn: uid=alice,ou=People,$LDAP_BASE
changetype: modify
replace: hcoopHost
hcoopHost: host2.hcoop.test
EOT
ex alice --ldap
is "stale cache: verdict still the cache's (what PAM decides now)" "$(jv verdict)" ADMIT_HERE
like "stale cache: --ldap reports the difference" "$(jv ldap_differs)" "hcoopHost: cache 'host1.hcoop.test', LDAP 'host2.hcoop.test'"
like "stale cache: text output too" "$OUT" 'ldap_differs.*hcoopHost'
check "--json parses" python3 -m json.tool <<<"$J"

# explain and PAM agree on 20 users (verdict and message)
users="alice bob carol dave erin frank root nosuchuser badhome daemon"
for i in $(seq 1 10); do users="$users $(printf 'user%04d' "$i")"; done
agree=0 n=0
for u in $users; do
	n=$((n + 1))
	drive hc_only "$u" acct
	prv=$RV pmsg=$(sed -n 's/^msg error: //p' <<<"$OUT" | head -1)
	ex "$u"
	pam_ok=$([ "$prv" = PAM_SUCCESS ] && echo yes || echo no)
	ex_ok=$([ "$RC" = 0 ] && echo yes || echo no)
	emsg=$(jv message)
	[ "$emsg" = None ] && emsg=
	if [ "$pam_ok" = "$ex_ok" ] && [ "$pmsg" = "$emsg" ]; then
		agree=$((agree + 1))
	else
		diag "$u: PAM $prv '$pmsg' vs explain $RC '$emsg'"
	fi
done
is "explain and pam_hcoop agree on all $n users (verdict and message)" "$agree" "$n"
