#!/bin/bash
# The members' zone served by a real BIND (named -g on a free loopback
# port, its own directory), rendered by hcoop-routes from the cache that a
# real hcoop-sync keeps from a real slapd: dig answers alice's CNAME with
# her host; after a move (ldapmodify of hcoopHost) the answer changes
# within seconds and the serial rises; hostile hcoopHost values never reach
# the zone; named-checkzone accepts every zone written; LDAP down changes
# nothing.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/routes/lib.sh"
rt_enter "$@"
source "$HC_SRC/tests/lib/slapd.sh"

slapd_start || { fail "slapd_start"; exit 1; }
W=$RT_T
mkdir -p "$W/zone"
CACHE=$W/cache
ZF=$W/zone/members.zone
conf() { # file [extra]
	local f=$1
	shift
	HC_CACHE=$CACHE slapd_write_config "$f" "host main.hcoop.test" \
		"members_zone $RT_ZONE" "zone_file $ZF" "zone_ns ns1.coop.test" \
		"zone_ttl 60" "$@"
}
conf "$W/first.conf"
"$RT_SYNC" -c "$W/first.conf" --once 2>"$W/sync-once.log"
is "hcoop-sync --once" "$?" 0
"$RT_ROUTES" -c "$W/first.conf" --once 2>"$W/once.log"
is "hcoop-routes --once writes the first zone" "$?" 0
check "named-checkzone accepts it" named-checkzone -q "$RT_ZONE" "$ZF"
# every zone written from now on is copied aside by the reload wrapper
rt_named "$W/named" "$ZF" || { fail "named starts"; exit 1; }
ok "named started on port $RT_DNS_PORT"
cat >"$W/reload.sh" <<EOS
#!/bin/sh
cp "$ZF" "$W/zone/seen.\$(date +%s%N)"
exec $RT_RNDC
EOS
chmod 0755 "$W/reload.sh"
conf "$W/hcoop.conf" "dns_reload $W/reload.sh"

is "dig: alice's CNAME is her host" "$(rt_dig alice.$RT_ZONE CNAME)" "$RT_HOST1."
is "dig: bob's CNAME is his host" "$(rt_dig bob.$RT_ZONE CNAME)" "$RT_HOST2."
is "dig: carol (no host) has no name" "$(rt_dig carol.$RT_ZONE CNAME)" ""
is "a fixture bulk member too" "$(rt_dig user0001.$RT_ZONE CNAME)" "$RT_HOST1."
s1=$(rt_serial)

export LDAPTLS_REQCERT=demand
"$RT_SYNC" -c "$W/hcoop.conf" --foreground --debug >>"$W/sync.log" 2>&1 </dev/null &
SYNC_PID=$!
hc_on_exit "hc_stop_pid $SYNC_PID"
rt_routes_daemon "$W/hcoop.conf" "$W/routes.log"
rt_wait 5 grep -q watching "$W/routes.log"

move() { # user host
	slapd_modify >/dev/null <<EOT
dn: uid=$1,ou=People,$LDAP_BASE
changetype: modify
replace: hcoopHost
hcoopHost: $2
EOT
}
move alice "$RT_HOST2"
t0=$(date +%s%N)
if rt_wait 10 bash -c "[ \"\$(dig +short @127.0.0.1 -p $RT_DNS_PORT alice.$RT_ZONE CNAME)\" = '$RT_HOST2.' ]"; then
	ok "after the move dig answers the new host ($((($(date +%s%N) - t0) / 1000000)) ms)"
else
	fail "after the move dig answers the new host"
	tail -n 5 "$W/routes.log" "$W/named/named.log" | sed 's/^/# /'
fi
s2=$(rt_serial)
check "the served serial rose ($s1 -> $s2)" test "$s2" -gt "$s1"

# hostile hcoopHost values (LDAP accepts any string) never reach the zone
long64=$(printf 'x%.0s' $(seq 64))
move bob 'a..b'
move dave "$long64.example.org"
move user0002 'evil.example. IN A 10.9.9.9'
move user0004 'UPPER.Example.ORG'
if rt_wait 10 bash -c "[ \"\$(dig +short @127.0.0.1 -p $RT_DNS_PORT user0004.$RT_ZONE CNAME)\" = 'upper.example.org.' ]"; then
	ok "an upper-case host is served lower case"
else
	fail "an upper-case host is served lower case"
fi
rt_wait 5 grep -q "skipping member 'user0002'" "$W/routes.log"
for who in bob dave user0002; do
	like "skipping $who is logged" "$(cat "$W/routes.log")" "skipping member '$who': hcoopHost"
	is "dig: $who has no name now" "$(rt_dig "$who.$RT_ZONE" CNAME)" ""
done
for bad in 'a\.\.b' "$long64" '10\.9\.9\.9' 'evil'; do
	check_not "'$bad' is not in the zone" grep -qE -- "$bad" "$ZF"
done
n=0 bad=0
for z in "$W"/zone/seen.*; do
	n=$((n + 1))
	named-checkzone -q "$RT_ZONE" "$z" || { bad=$((bad + 1)); diag "rejected: $z"; }
done
check "named-checkzone accepts all $n zones written by the daemon" test "$n" -ge 2 -a "$bad" -eq 0

# contrib's zone stanza, with its DNSSEC lines enabled: BIND signs the
# zone hcoop-routes wrote (dnssec-policy + inline-signing)
mkdir -p "$W/named2/keys"
sed -e "s/members\.coop\.example/$RT_ZONE/" -e "s|/var/lib/hcoop/routes/members.zone|$ZF|" \
	-e 's|//dnssec-policy|dnssec-policy|' -e 's|//inline-signing|inline-signing|' \
	-e "s|//key-directory \"/var/cache/bind/keys\"|key-directory \"$W/named2/keys\"|" \
	"$HC_SRC/contrib/bind/named.conf.hcoop" >"$W/stanza.conf"
check "contrib's stanza has the DNSSEC lines to enable" grep -q '^	dnssec-policy default;' "$W/stanza.conf"
if rt_named "$W/named2" "$ZF" "$W/stanza.conf"; then
	ok "named starts with contrib's stanza (DNSSEC on)"
	check "the signed zone answers alice with an RRSIG" rt_wait 10 bash -c \
		"dig +dnssec +short @127.0.0.1 -p $RT_DNS_PORT alice.$RT_ZONE CNAME | grep -q '^RRSIG\|CNAME [0-9]'"
else
	fail "named starts with contrib's stanza (DNSSEC on)"
fi

# LDAP down: BIND keeps answering (it never depended on LDAP)
slapd_stop
is "with slapd stopped alice's name still answers" "$(rt_dig alice.$RT_ZONE CNAME)" "$RT_HOST2."
check "the routes daemon is still running" kill -0 "$RT_ROUTES_PID"
echo "1..$_hc_n"
