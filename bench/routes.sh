#!/bin/bash
# Route latency on the main server, end to end with the real things:
# ldapmodify of alice's hcoopHost -> slapd -> hcoop-sync (daemon) -> cache
# -> hcoop-routes (daemon, inotify) -> postmap + `postfix reload` / zone +
# `rndc reload` -> Postfix / BIND. Not run by make check.
#
#   bench/routes.sh            20 moves (BENCH_MOVES=N for another count;
#                              BENCH_ROUTES_BIN=WRAPPER runs hcoop-routes
#                              through e.g. an strace wrapper script)
#
# Per move, from the moment ldapmodify returns:
#   mail: one message per 25 ms is submitted to Postfix main over SMTP,
#         each with a new envelope sender (qmgr caches a sender+recipient
#         route for 30 s); the figure is the submission time of the first
#         message that lands in the NEW host's Maildir.
#   dns:  dig every 10 ms until BIND answers the new host.
# Prints each move and the medians. Runs inside the routes tests' private
# namespace (tests/routes/lib.sh); every process is stopped by PID.
set -u
HC_SRC=$(cd "$(dirname "$0")/.." && pwd)
export HC_SRC
HC_BUILD=${HC_BUILD:-$HC_SRC/build}
export HC_BUILD
source "$HC_SRC/tests/lib/tap.sh"
source "$HC_SRC/tests/routes/lib.sh"
rt_enter "$@"
source "$HC_SRC/tests/lib/slapd.sh"
MOVES=${BENCH_MOVES:-20}
die() { echo "bench/routes.sh: $*" >&2; exit 1; }

slapd_start >/dev/null 2>&1 || die "slapd_start failed"
W=$RT_T
mkdir -p "$W/routes"
ZF=$W/routes/members.zone
CONF=$W/hcoop.conf
base_conf() {
	HC_CACHE=$RT_NSS_CACHE slapd_write_config "$CONF" "host main.hcoop.test" \
		"mail_domain $RT_DOMAIN" "transport_map $W/routes/transport" \
		"recipient_map $W/routes/recipients" \
		"postmap /usr/sbin/postmap -c $W/pf-main/conf" \
		"members_zone $RT_ZONE" "zone_file $ZF" "zone_ns ns1.coop.test" "$@"
}
mkdir -p "$W/pf-main/conf"
_rt_main_cf "$W/pf-main" main.hcoop.test 127.0.0.1 >"$W/pf-main/conf/main.cf"
base_conf
export LDAPTLS_REQCERT=demand
"$RT_SYNC" -c "$CONF" --once 2>/dev/null || die "hcoop-sync --once failed"
"$RT_ROUTES" -c "$CONF" --once 2>/dev/null || die "hcoop-routes --once failed"
rt_postfix "$W/pf-main" main.hcoop.test 127.0.0.1 \
	"mydestination = localhost" "relay_domains = $RT_DOMAIN" \
	"transport_maps = lmdb:$W/routes/transport" \
	"relay_recipient_maps = lmdb:$W/routes/recipients" || die "postfix main"
rt_postfix_member "$W/pf-h1" "$RT_HOST1" "$RT_IP1" "$W/h1home" || die "postfix host1"
rt_postfix_member "$W/pf-h2" "$RT_HOST2" "$RT_IP2" "$W/h2home" || die "postfix host2"
rt_named "$W/named" "$ZF" || die "named"
base_conf "mail_reload /usr/sbin/postfix -c $W/pf-main/conf reload" "dns_reload $RT_RNDC"
for h in h1home h2home; do # alice's Maildir on both hosts (uid/gid 10001)
	install -d -o 10001 -g 10001 -m 0700 "$W/$h/alice" "$W/$h/alice/Maildir" \
		"$W/$h/alice/Maildir/new" "$W/$h/alice/Maildir/cur" "$W/$h/alice/Maildir/tmp"
done
"$RT_SYNC" -c "$CONF" --foreground >>"$W/sync.log" 2>&1 </dev/null &
hc_on_exit "hc_stop_pid $!"
RT_ROUTES=${BENCH_ROUTES_BIN:-$RT_ROUTES} rt_routes_daemon "$CONF" "$W/routes.log"
rt_wait 5 grep -q watching "$W/routes.log" || die "hcoop-routes daemon"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# dig until the answer is $1; prints the time it was first seen
dns_watch() {
	local want=$1.
	while [ "$(dig +short +time=1 +tries=1 @127.0.0.1 -p "$RT_DNS_PORT" alice.$RT_ZONE CNAME)" != "$want" ]; do
		sleep 0.01
	done
	now_ms
}

: >"$W/mail.ms"; : >"$W/dns.ms"; : >"$W/arrive.ms"; : >"$W/cache.ms"; : >"$W/zone.ms"; : >"$W/tmap.ms"
host=$RT_HOST1 home=h1home
printf '%-5s %-18s %8s %8s %8s %8s %10s\n' move to cache zone dns transport mail-arrived
for ((m = 1; m <= MOVES; m++)); do
	if [ "$host" = "$RT_HOST1" ]; then host=$RT_HOST2 home=h2home; else host=$RT_HOST1 home=h1home; fi
	dns_watch "$host" >"$W/dns.seen" &
	dpid=$!
	slapd_modify >/dev/null <<EOT
dn: uid=alice,ou=People,$LDAP_BASE
changetype: modify
replace: hcoopHost
hcoopHost: $host
EOT
	t0=$(now_ms)
	declare -A sent=()
	for ((i = 0; i < 400; i++)); do
		ts=$(now_ms)
		sent[$i]=$ts
		RT_SUBJ="bench-$m-$i-end" rt_smtp 127.0.0.1 "m$m.i$i@ext.test" alice@coop.test >/dev/null
		if grep -rlsq -- "bench-$m-.*-end" "$W/$home/alice/Maildir/new/"; then break; fi
		sleep 0.025
	done
	first=$(grep -rhos -- "bench-$m-[0-9]*-end" "$W/$home/alice/Maildir/new/" |
		sed "s/bench-$m-//; s/-end//" | sort -n | head -1)
	[ -n "$first" ] || die "move $m: no message reached $host"
	wait "$dpid"
	mail=$((sent[$first] - t0)); ((mail < 0)) && mail=0
	# Postfix names a Maildir file SECONDS.V..I..MMICROSECONDS.host
	f=$(grep -rls -- "bench-$m-$first-end" "$W/$home/alice/Maildir/new/" | head -1)
	arr=$(basename "$f" | sed -E 's/^([0-9]+)\.V[0-9a-f]+I[0-9a-f]+M([0-9]+)\..*/\1 \2/')
	arrived=$(( ${arr% *} * 1000 + 10#${arr#* } / 1000 - t0 ))
	echo "$arrived" >>"$W/arrive.ms"
	mt() { local v; v=$(stat -c %.3Y "$1"); echo $(( ${v%.*} * 1000 + 10#${v#*.} - t0 )); }
	cache=$(mt "$RT_NSS_CACHE") zone=$(mt "$ZF") tmap=$(mt "$W/routes/transport.lmdb")
	echo "$cache" >>"$W/cache.ms"; echo "$zone" >>"$W/zone.ms"; echo "$tmap" >>"$W/tmap.ms"
	dns=$(($(cat "$W/dns.seen") - t0)); ((dns < 0)) && dns=0
	echo "$mail" >>"$W/mail.ms"; echo "$dns" >>"$W/dns.ms"
	printf '%-5s %-18s %8s %8s %8s %8s %10s\n' "$m" "$host" "$cache" "$zone" "$dns" "$tmap" "$arrived"
	unset sent
done
echo "median over $MOVES moves, ms from the LDAP change (ldapmodify returned):"
echo "  cache written by hcoop-sync $(median <"$W/cache.ms"), zone file written $(median <"$W/zone.ms")," \
	"transport table renamed in $(median <"$W/tmap.ms")"
echo "  first message taking the new route was submitted after $(median <"$W/mail.ms") ms"
echo "  and arrived in the new host's Maildir after $(median <"$W/arrive.ms") ms"
echo "  BIND answered the new host after $(median <"$W/dns.ms") ms"
