#!/bin/bash
# hcoopctl failover with three simulated hosts (host1, host2, spare), each
# with its own hcoop-sync daemon and its own /home: every member of host1
# (200 and more) moves to the spare; killed with -9 half-way and run again,
# it finishes without moving anyone twice and says what it did; within
# 10 s of the start every member is refused on host1 and admitted on the
# spare (which pre-creates their homes); host1's role is down, the spare's
# member. --dry-run prints the LDIF and changes nothing.
# san: yes
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nshost.sh"
. "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
nh_setup

T=$(hc_tmpdir)
chmod 0755 "$T"
export HC_FIXTURE_NUSERS=400 # 200 userNNNN on host1, with alice, erin, frank, sysacct
slapd_start || { fail "slapd starts"; exit 1; }
nh_host host1
nh_host host2
nh_host spare "precreate_homes yes"
for h in host1 host2 spare; do nh_start "$h"; done
printf 'dave-secret-4\n' >"$T/davepw"
chmod 0600 "$T/davepw"
P="ou=People,$LDAP_BASE"
A=("$CTL" -c "$T/host2/hcoop.conf" -D "uid=dave,$P" -y "$T/davepw")
role() { slapd_search -b "cn=$1.hcoop.test,ou=Hosts,$LDAP_BASE" -s base hcoopRole | sed -n 's/^hcoopRole: //p'; }
here() { # members assigned to host $1 in its own cache
	nh_in "$1" "$CTL" -c "$T/$1/hcoop.conf" --json status 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["members_here"])'
}
ready() { [ "$(here host1)" -gt 0 ] 2>/dev/null && [ "$(here spare)" = 0 ]; }
check "the daemons have their caches" ha_wait 20 ready
n=$(ha_assigned host1)
n_cache=$(here host1) # sysacct (uid 500 < min_uid) is in LDAP, not in the cache
diag "host1: $n members in LDAP, $n_cache in its cache"
check "host1 has 200+ members" test "$n" -ge 200

# --dry-run: the LDIF of every change, nothing changed
"${A[@]}" failover host1.hcoop.test spare.hcoop.test --dry-run >"$T/dry.out" 2>&1; rc=$?
is "--dry-run: exit 0" "$rc" 0
is "--dry-run: one guarded modify per member" "$(grep -c '^# assertion: (hcoopHost=host1.hcoop.test)' "$T/dry.out")" "$n"
like "--dry-run: host1's role down" "$(cat "$T/dry.out")" $'dn: cn=host1.hcoop.test,ou=Hosts,dc=hcoop,dc=test\nchangetype: modify\nreplace: hcoopRole\nhcoopRole: down'
is "--dry-run: nothing moved, roles unchanged" "$(ha_assigned host1) $(role host1) $(role spare)" "$n member spare"

# the real run, killed with -9 while it is half-way, then run again
t0=$(date +%s%N)
python3 "$HC_SRC/tests/admin/killmid.py" "${A[@]}" failover host1.hcoop.test spare.hcoop.test >"$T/run1.out" 2>"$T/run1.err"
is "first run: killed -9 half-way" "$?" 0
k=$(ha_assigned spare)
diag "killed after moving $k of $n (printed $(grep -c '^moved ' "$T/run1.out"))"
check "some moved, some not" test "$k" -gt 0 -a "$k" -lt "$n"
is "host1 already down, the spare not yet member" "$(role host1) $(role spare)" "down spare"
"${A[@]}" failover host1.hcoop.test spare.hcoop.test >"$T/run2.out" 2>"$T/run2.err"; rc=$?
is "rerun: exit 0" "$rc" 0
is "rerun moved exactly the rest" "$(grep -c '^moved ' "$T/run2.out")" $((n - k))
like "rerun says host1 was already down" "$(cat "$T/run2.out")" 'host1.hcoop.test: role already down'
like "rerun sums up" "$(cat "$T/run2.out")" "moved $((n - k)) now, 0 left alone .*; $n member\\(s\\) on spare.hcoop.test in all"
grep '^moved ' "$T/run1.out" "$T/run2.out" | awk '{print $2}' | sort | uniq -d >"$T/twice"
is "nobody moved twice" "$(cat "$T/twice")" ""
is "LDAP: nobody left on host1, all on the spare" "$(ha_assigned host1) $(ha_assigned spare)" "0 $n"
is "roles: host1 down, spare member" "$(role host1) $(role spare)" "down member"
done_on_hosts() { [ "$(here host1)" = 0 ] && [ "$(here spare)" = "$n_cache" ]; }
check "every member refused on host1 and assigned on the spare (their caches)" ha_wait 20 done_on_hosts
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
diag "failover with a kill -9 and a rerun: every cache converged after $ms ms"
check "within 10 s of the start (issue 15)" test "$ms" -lt 10000

# the admission decision, member by member (every 10th, and alice)
bad=0
for u in alice $(seq -f 'user%04g' 1 20 399); do
	a=$(nh_why host1 "$u") b=$(nh_why spare "$u")
	[ "$a" = REFUSE_ELSEWHERE ] && [ "$b" = ADMIT_HERE ] || { bad=$((bad + 1)); diag "$u: host1 $a, spare $b"; }
done
is "sampled members: refused on host1, admitted on the spare" "$bad" 0
is "locked erin stays refused on the spare" "$(nh_why spare erin)" REFUSE_LOCKED
homes() { [ "$(find "$T/spare/home" -mindepth 1 -maxdepth 1 -type d | wc -l)" -ge "$((n_cache - 2))" ]; }
check "the spare pre-creates their homes" ha_wait 30 homes
is "user0001's home on the spare is theirs" "$(stat -c %u "$T/spare/home/user0001" 2>&1)" 20001
out=$("${A[@]}" failover host1.hcoop.test spare.hcoop.test 2>&1); rc=$?
is "a third run: nothing to do, exit 0" "$rc" 0
like "says so" "$out" 'moved 0 now'
like "a failover to a host that is not a spare is refused" "$("${A[@]}" failover host2.hcoop.test host1.hcoop.test 2>&1)" 'role is down'
