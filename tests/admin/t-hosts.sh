#!/bin/bash
# hcoopctl hosts / status / check against three simulated hosts (host1,
# host2, spare), each with its own hcoop-sync daemon publishing its status
# into its own host entry: counts, order, STALE once a daemon stops, JSON
# and text agree, Prometheus metrics parse, monitoring exit codes.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"

T=$(hc_tmpdir)
slapd_start || { fail "slapd starts"; exit 1; }
for h in host1 host2 spare; do ha_host "$h" "status_interval 1"; ha_start "$h"; done
A="$CTL -c $T/host1/hcoop.conf"

published() { # all three hosts have a status time and their member count
	$A hosts --json >"$T/hosts.json" 2>"$T/hosts.err" &&
		python3 - "$T/hosts.json" <<'PY'
import json, sys
h = {x["name"]: x for x in json.load(open(sys.argv[1]))["hosts"]}
ok = all(h.get(n, {}).get("status_time", 0) > 0 for n in ("host1.hcoop.test", "host2.hcoop.test", "spare.hcoop.test"))
ok = ok and h["host1.hcoop.test"].get("members_here", 0) > 0
sys.exit(0 if ok else 1)
PY
}
check "every host publishes its status within 15 s" ha_wait 15 published
check "--json output parses (python3 -m json.tool)" python3 -m json.tool "$T/hosts.json"
jq() { python3 -c "import json,sys; h={x['name']:x for x in json.load(open('$T/hosts.json'))['hosts']}; print($1)"; }
n1=$(ha_assigned host1) n2=$(ha_assigned host2)
is "host1: members assigned in LDAP" "$(jq "h['host1.hcoop.test']['assigned']")" "$n1"
is "host2: members assigned in LDAP" "$(jq "h['host2.hcoop.test']['assigned']")" "$n2"
is "spare: none assigned" "$(jq "h['spare.hcoop.test']['assigned']")" 0
# host1's own count comes from its cache, which leaves out sysacct (uid 500 < min_uid)
is "host1 reports its members from its cache" "$(jq "h['host1.hcoop.test']['members_here']")" $((n1 - 1))
is "role and capacity from the entry" "$(jq "h['host1.hcoop.test']['role'], h['host1.hcoop.test']['capacity'], h['spare.hcoop.test']['role']")" "member 400 spare"
like "load, CPUs, memory and disk are published" "$(jq "h['host2.hcoop.test']['cpus'], h['host2.hcoop.test']['mem_total'] > 0, h['host2.hcoop.test']['home_size'] > 0, h['host2.hcoop.test']['load_average']")" '^[1-9][0-9]* True True [0-9.]+ [0-9.]+ [0-9.]+$'
is "the version it runs" "$(jq "h['host1.hcoop.test']['sync_version']")" "$("$SYNC" --version | awk '{print $2}')"
is "fullest first (host1 304/400, host2 302/500, spare: no capacity)" \
	"$(python3 -c "import json; print(' '.join(x['name'] for x in json.load(open('$T/hosts.json'))['hosts']))")" \
	"host1.hcoop.test host2.hcoop.test spare.hcoop.test"
txt=$($A hosts)
like "text output: host1 line has the same facts" "$txt" "host1.hcoop.test +member +$n1 +400 +$((n1 - 1)) .* ok"
like "text output: spare line" "$txt" "spare.hcoop.test +spare +0 +- .* ok"
is "--members HOST lists the members assigned there" "$($A hosts --members host2.hcoop.test | wc -l)" "$n2"
check "--members names them" grep -qx bob <<<"$($A hosts --members host2.hcoop.test)"

# stop host2's daemon: its status goes stale
hc_stop_pid "$HA_PID_host2"
sleep 5 # status times are whole seconds: more than 3 s must have passed
$A hosts --stale 3 --json >"$T/stale.json"
is "a stopped host is STALE, the others not" \
	"$(python3 -c "import json; print(' '.join(x['name'].split('.')[0]+'='+str(x['stale']) for x in json.load(open('$T/stale.json'))['hosts']))")" \
	"host1=False host2=True spare=False"
like "text output marks it STALE" "$($A hosts --stale 3)" 'host2.hcoop.test .* STALE'

# status (this host's view, no LDAP)
$A status --json >"$T/status.json"; rc=$?
is "status exits 0" "$rc" 0
is "status: members here from the cache" "$(python3 -c "import json; d=json.load(open('$T/status.json')); print(d['members_here'], d['cache_valid'])")" "$((n1 - 1)) True"
like "status text agrees" "$($A status)" "members here: +$((n1 - 1)) "

# metrics
prom=$T/host1/prom/hcoop.prom
check "hcoop.prom written" test -s "$prom"
check "hcoop.prom parses (strict text format)" python3 - "$prom" <<'PY'
import re, sys
seen_type = {}
for n, line in enumerate(open(sys.argv[1]), 1):
    line = line.rstrip("\n")
    m = re.match(r'^# (HELP|TYPE) (hcoop_[a-z_]+) (.+)$', line)
    if m:
        if m.group(1) == "TYPE":
            assert m.group(3) in ("gauge", "counter"), n
            seen_type[m.group(2)] = m.group(3)
        continue
    m = re.match(r'^(hcoop_[a-z_]+) (-?[0-9.e+]+)$', line)
    assert m, "line %d: %r" % (n, line)
    assert m.group(1) in seen_type, "line %d: no TYPE" % n
    float(m.group(2))
need = {"hcoop_users", "hcoop_groups", "hcoop_skipped_entries", "hcoop_cache_age_seconds",
        "hcoop_cache_generation", "hcoop_connected", "hcoop_last_full_refresh_timestamp_seconds",
        "hcoop_persist_changes_applied_total", "hcoop_status_write_failures_total"}
assert need <= set(seen_type), need - set(seen_type)
PY
like "metrics: connected, users" "$(cat "$prom")" $'hcoop_connected 1\n'
ls -a "$T/host1/prom" | grep -q '^\.hcoop' && fail "no temp files left in the metrics dir" || ok "no temp files left in the metrics dir"

# check (monitoring plugin)
out=$($A check); rc=$?
is "check: OK exits 0" "$rc" 0
like "check: one Monitoring Plugins line with perfdata" "$out" '^HCOOP OK - .* \| cache_age=[0-9]+s;3600;86400 users=[0-9]+ '
out=$($A check -w 0); rc=$?
is "check -w 0: WARNING exits 1" "$rc" 1
like "check: WARNING line" "$out" '^HCOOP WARNING - cache [0-9]+ s old'
out=$($A check -w 0 -c 0); rc=$?
is "check -c 0: CRITICAL exits 2" "$rc" 2
out=$($A check --disk-warn 101); rc=$?
is "check: home base below the disk threshold warns" "$rc" 1
out=$($A check --bogus); rc=$?
is "check: bad option is UNKNOWN (3)" "$rc" 3
out=$("$CTL" -c "$T/host2/hcoop.conf" check -w 86400 -c 86400 --daemon-stale 3); rc=$?
is "check: daemon down is CRITICAL" "$rc" 2
like "check: says so" "$out" 'daemon'
mv "$T/host1/cache" "$T/host1/cache.away"
out=$($A check); rc=$?
is "check: unusable cache is CRITICAL" "$rc" 2
mv "$T/host1/cache.away" "$T/host1/cache"

# status writes never cause persist traffic: host1's cache generation and
# the daemon's count of changes received stay put while host1 and spare
# keep writing their status every second
g1=$(python3 -c "import json; print(json.load(open('$T/status.json'))['generation'])")
c1=$(sed -n 's/^changes_applied=//p' "$T/host1/state")
t1=$(slapd_search -b "cn=host1.hcoop.test,ou=Hosts,$LDAP_BASE" -s base hcoopStatusTime | sed -n 's/^hcoopStatusTime: //p')
sleep 2.5
t2=$(slapd_search -b "cn=host1.hcoop.test,ou=Hosts,$LDAP_BASE" -s base hcoopStatusTime | sed -n 's/^hcoopStatusTime: //p')
check "host1 kept writing its status ($t1 -> $t2)" test "$t2" != "$t1"
is "status writes cause no cache rewrite" \
	"$($A status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])')" "$g1"
is "status writes cause no change traffic to the daemon" "$(sed -n 's/^changes_applied=//p' "$T/host1/state")" "$c1"
