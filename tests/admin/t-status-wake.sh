#!/bin/bash
# The status thread publishes a changed member count as soon as the sync
# loop has written it to the cache, not at its next 5-second tick: with
# status_interval 3600 (so no periodic publication interferes), a member
# moved here right after a cycle shows in the host entry well before the
# next cycle could have run.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"

T=$(hc_tmpdir)
slapd_start || { fail "slapd starts"; exit 1; }
ha_host host1 "status_interval 3600"
ha_start host1
A="$CTL -c $T/host1/hcoop.conf"

members_here() { # host1's published count, or nothing
	$A hosts --json 2>/dev/null | python3 -c '
import json, sys
h = {x["name"]: x for x in json.load(sys.stdin)["hosts"]}
print(h["host1.hcoop.test"].get("members_here", ""))' 2>/dev/null
}
n1=$(ha_assigned host1)
# host1's count leaves out sysacct (uid 500 < min_uid)
published() { [ "$(members_here)" = "$((n1 - 1))" ]; }
check "host1 publishes its count at start" ha_wait 15 published

# a cycle just ran: the metrics file is rewritten (a new inode) each one
prom=$T/host1/prom/hcoop.prom
inode() { stat -c %i "$prom" 2>/dev/null; }
i0=$(inode)
cycled() { [ -n "$(inode)" ] && [ "$(inode)" != "$i0" ]; }
check "the status thread runs a cycle every 5 s" ha_wait 7 cycled

# a member of host2 moves here, within a second of that cycle
dn=$(slapd_search -b "ou=People,$LDAP_BASE" "(&(hcoopHost=host2.hcoop.test)(uid=bob))" dn |
	sed -n 's/^dn: //p')
t0=$SECONDS
slapd_modify <<EOF
dn: $dn
changetype: modify
replace: hcoopHost
hcoopHost: host1.hcoop.test
EOF
moved() { [ "$(members_here)" = "$n1" ]; }
check "the new count is published within 3 s (the next tick is 4-5 s away)" ha_wait 3 moved
like "the sync loop wrote the change first" "$(cat "$T/host1/log")" "wrote .*cache"
diag "published after $((SECONDS - t0)) s"
