#!/bin/bash
# hcoopctl check --replication against a real multi-provider pair: OK while
# the providers' contextCSN agree; WARNING (exit 1), naming the gap, once a
# write on one provider has not reached the other (replication 1 -> 2 cut,
# as OpenLDAP mirror mode can silently lose a write after a restart).
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/sync/lib.sh"
source "$HC_SRC/tests/lib/mirror.sh"

mirror_start || { fail "mirror_start"; exit 1; }
D=$(hc_tmpdir)
HC_CACHE=$D/cache mirror_config "$D/hcoop.conf" "heartbeat $D/state" "status_interval 0"
hs_start_daemon "$D/hcoop.conf" "$D/daemon.log"
hs_wait 10 grep -q 'refresh applied' "$D/daemon.log"
CTL="$HC_BUILD/hcoopctl -c $D/hcoop.conf"

out=$($CTL check --replication --replication-lag 0); rc=$?
is "providers in step: OK" "$rc" 0
like "... with the lag in the perfdata" "$out" 'replication_lag=0s;0'

# cut replication 1 -> 2, then write on 1 a second later
mirror_ldap 2 ldapmodify >/dev/null <<EOT
dn: olcDatabase={1}mdb,cn=config
changetype: modify
delete: olcSyncrepl
EOT
sleep 1.2
mirror_ldap 1 ldapmodify >/dev/null <<EOT
dn: uid=bob,ou=People,$LDAP_BASE
changetype: modify
replace: gecos
gecos: only on provider 1
EOT
out=$($CTL check --replication --replication-lag 0); rc=$?
is "a write missing on provider 2: WARNING (exit 1)" "$rc" 1
like "... saying the providers disagree" "$out" "^HCOOP WARNING - .*replication: providers' contextCSN [0-9]+ s apart"
out=$($CTL check --replication --replication-lag 3600); rc=$?
is "within a generous --replication-lag: OK" "$rc" 0
out=$($CTL check); rc=$?
is "without --replication nothing is asked of the providers: OK" "$rc" 0
