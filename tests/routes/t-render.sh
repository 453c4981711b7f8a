#!/bin/bash
# hcoop-routes on hand-made caches (the real cache writer, through
# tests/nss's hcoop-mkcache), with Debian's real postmap: hostile names and
# hosts are skipped with a log line and never written; every zone passes
# named-checkzone; the serial rises on every change and only then; a
# failing postmap leaves the previous tables in force and nothing behind;
# a failing reload is retried at the next change (daemon, inotify);
# configuration errors name the file and line.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/routes/lib.sh"
rt_enter "$@"

# the unpacked packages live under build/, where the Makefile includes
# every *.d as a dependency file: a directory named *.d there broke make
check "make still reads its makefiles with the packages unpacked under build/" \
	bash -c "make -C '$HC_SRC' -n all >/dev/null"
W=$RT_T
mkdir -p "$W/out"
CACHE=$W/cache
long63=$(printf 'a%.0s' $(seq 63))
long64=$(printf 'b%.0s' $(seq 64))
u() { # name uid host
	printf 'U:%s:%s:%s:%s:/home/%s:/bin/sh:uid=%s,ou=People,dc=hcoop,dc=test:%s:0:\n' \
		"$1" "$2" "$2" "$1" "$1" "$1" "$3"
}
hostile_spec() {
	u alice 10001 host1.hcoop.test
	u Alice 10002 host2.hcoop.test            # uppercase twin
	u a_b 10003 host1.hcoop.test              # '_' is no DNS label
	u a..b 10004 host1.hcoop.test             # empty label
	u "$long64" 10005 host1.hcoop.test        # 64-char label
	u "$long63" 10006 host1.hcoop.test        # 63 is fine
	u bob 10007 a..b                          # bad hosts
	u carol 10008 -bad.example
	u dave 10009 x_y.example
	u erin 10010 "$long64.example"
	u frank 10011 FRANK.Example.ORG.          # valid: written lower case
	u gina 10012 ""                           # no host: not routed
	u "hank" 10013 'evil.test. IN A 10.0.0.1'
	u ivan 10014 "$(printf 'c%.0s' $(seq 250)).org" # longer than 253
}
hostile_spec | "$RT_MKCACHE" -g 1 "$CACHE" || { fail "mkcache"; exit 1; }

# A reload command that records each run and fails until $W/reload-ok exists.
cat >"$W/reload.sh" <<EOS
#!/bin/sh
echo "run \$# \$(env | wc -l)" >>"$W/reload.calls"
[ -e "$W/reload-ok" ] || { echo "reload refused (test)" >&2; exit 3; }
EOS
chmod 0755 "$W/reload.sh"
touch "$W/reload-ok"

conf() { # file [extra lines]
	local f=$1
	shift
	rt_conf "$f" "$CACHE" main.hcoop.test "mail_domain $RT_DOMAIN" \
		"transport_map $W/out/transport" "recipient_map $W/out/recipients" \
		"members_zone $RT_ZONE" "zone_file $W/out/members.zone" \
		"zone_ns ns1.coop.test" "zone_ns ns2.coop.test." \
		"dns_reload $W/reload.sh a b" "$@"
}
conf "$W/hcoop.conf"
"$RT_ROUTES" -c "$W/hcoop.conf" --once 2>"$W/once1.log"
is "--once on the hostile cache: exit 0" "$?" 0
zone=$(cat "$W/out/members.zone")
tr=$(cat "$W/out/transport")
like "alice is in the zone" "$zone" "^alice\.$RT_ZONE\.	IN	CNAME	host1\.hcoop\.test\.$"
like "a 63-char label is in the zone" "$zone" "^$long63\.$RT_ZONE\."
like "an upper-case host is written lower case" "$zone" "^frank\.$RT_ZONE\.	IN	CNAME	frank\.example\.org\.$"
for bad in Alice a_b 'a\.\.b' "$long64" bob carol dave erin gina hank ivan 'evil' '10\.0\.0\.1'; do
	if grep -qE -- "$bad" "$W/out/members.zone" "$W/out/transport" "$W/out/recipients"; then
		fail "'$bad' never written (found in an output)"
	else
		ok "'$bad' never written into the zone or the maps"
	fi
done
log=$(cat "$W/once1.log")
for bad in Alice a_b a..b "$long64" bob carol dave erin hank ivan; do
	like "skipping '$bad' is logged" "$log" "skipping member '$bad'"
done
check_not "a member with no host is not logged as skipped" grep -q "'gina'" "$W/once1.log"
is "the transport map holds alice, the 63-char name and frank" \
	"$(grep -vc '^#' "$W/out/transport")" 3
like "transport entry" "$tr" "^frank@coop\.test	smtp:\[frank\.example\.org\]$"
like "recipient entry" "$(cat "$W/out/recipients")" "^alice@coop\.test	OK$"
check "named-checkzone accepts the zone" \
	named-checkzone -q "$RT_ZONE" "$W/out/members.zone"
check "postmap built the transport table" \
	bash -c "[ \"\$(postmap -q frank@coop.test lmdb:$W/out/transport)\" = 'smtp:[frank.example.org]' ]"
check_not "postmap: no table entry for a_b" postmap -q a_b@coop.test lmdb:$W/out/transport
is "the reload ran once, with its 2 arguments and an empty environment" \
	"$(cat "$W/reload.calls")" "run 2 1"

serial() { sed -n 's/^; serial //p' "$W/out/members.zone"; }
s1=$(serial)
soa=$(grep -E "	SOA	" "$W/out/members.zone")
like "the SOA carries the serial" "$soa" "\($s1 "
like "the SOA names the first name server and hostmaster" "$soa" "SOA	ns1\.coop\.test\.	hostmaster\.$RT_ZONE\."

# same content, new generation: nothing rewritten, nothing reloaded
cp "$W/out/members.zone" "$W/zone.before"
hostile_spec | "$RT_MKCACHE" -g 2 "$CACHE"
"$RT_ROUTES" -c "$W/hcoop.conf" --once 2>/dev/null
check "an unchanged cache leaves the zone as it was" cmp -s "$W/out/members.zone" "$W/zone.before"
is "and runs no reload" "$(wc -l <"$W/reload.calls")" 1

# a change: the serial rises, also for two changes in the same second
{ hostile_spec; u jo 10020 host2.hcoop.test; } | "$RT_MKCACHE" -g 3 "$CACHE"
"$RT_ROUTES" -c "$W/hcoop.conf" --once 2>/dev/null
s2=$(serial)
{ hostile_spec; u jo 10020 host1.hcoop.test; } | "$RT_MKCACHE" -g 4 "$CACHE"
"$RT_ROUTES" -c "$W/hcoop.conf" --once 2>/dev/null
s3=$(serial)
check "the serial rises on a change ($s1 -> $s2)" test "$s2" -gt "$s1"
check "and again on the next one ($s2 -> $s3)" test "$s3" -gt "$s2"
check "named-checkzone accepts the changed zone" \
	named-checkzone -q "$RT_ZONE" "$W/out/members.zone"
is "each change reloaded once" "$(wc -l <"$W/reload.calls")" 3

# a failing postmap: the previous tables stay, nothing left behind
cat >"$W/badpostmap" <<'EOS'
#!/bin/sh
echo "postmap: fatal: test failure" >&2
exit 1
EOS
chmod 0755 "$W/badpostmap"
conf "$W/bad.conf" "postmap $W/badpostmap"
md5_before=$(md5sum "$W/out/transport.lmdb" "$W/out/transport" | awk '{print $1}')
{ hostile_spec; u kim 10021 host2.hcoop.test; } | "$RT_MKCACHE" -g 5 "$CACHE"
"$RT_ROUTES" -c "$W/bad.conf" --once 2>"$W/bad.log"
is "a failing postmap: exit 1" "$?" 1
like "it is logged with postmap's message" "$(cat "$W/bad.log")" "postmap: .*badpostmap failed \(exit status 1\): postmap: fatal: test failure"
like "and says the previous maps stay" "$(cat "$W/bad.log")" "previous maps stay in force"
is "the previous transport table and source are untouched" \
	"$(md5sum "$W/out/transport.lmdb" "$W/out/transport" | awk '{print $1}')" "$md5_before"
is "no temporary file is left" "$(ls "$W/out" | grep -c '\.new\|\.tmp')" 0
check "the zone was still updated (outputs are independent)" grep -q '^kim\.' "$W/out/members.zone"
"$RT_ROUTES" -c "$W/hcoop.conf" --once 2>/dev/null
check "with postmap working again kim is routed" grep -q '^kim@' "$W/out/transport"

# the daemon: a failing reload is logged, and retried at the next change
rm -f "$W/reload-ok" "$W/reload.calls"
rt_routes_daemon "$W/hcoop.conf" "$W/daemon.log"
rt_wait 5 grep -q watching "$W/daemon.log"
{ hostile_spec; u lee 10022 host2.hcoop.test; } | "$RT_MKCACHE" -g 6 "$CACHE"
check "the daemon sees the new cache (inotify) and runs the reload" \
	rt_wait 5 test -s "$W/reload.calls"
check "the failing reload is logged" \
	rt_wait 5 grep -q 'dns_reload: .*reload.sh failed (exit status 3): reload refused (test)' "$W/daemon.log"
touch "$W/reload-ok"
{ hostile_spec; u lee 10022 host2.hcoop.test; } | "$RT_MKCACHE" -g 7 "$CACHE"
check "at the next change (same zone content) the reload is retried" \
	rt_wait 5 grep -q "written, serial" "$W/daemon.log"
is "two reload runs in all" "$(wc -l <"$W/reload.calls")" 2
kill -HUP "$RT_ROUTES_PID"
check "SIGHUP forces a rewrite and a reload" \
	rt_wait 5 bash -c "[ \$(wc -l <'$W/reload.calls') -eq 3 ]"
hc_stop_pid "$RT_ROUTES_PID"
check "SIGTERM stops the daemon" bash -c "! kill -0 $RT_ROUTES_PID 2>/dev/null"

# a daemon started before the first cache exists waits for it
mkdir -p "$W/late" "$W/late-out"
rt_conf "$W/late.conf" "$W/late/cache" main.hcoop.test "members_zone $RT_ZONE" \
	"zone_file $W/late-out/members.zone" "zone_ns ns1.coop.test"
"$RT_ROUTES" -c "$W/late.conf" --debug >>"$W/late.log" 2>&1 </dev/null &
LATE_PID=$!
hc_on_exit "hc_stop_pid $LATE_PID"
rt_wait 5 grep -q watching "$W/late.log"
check "with no cache yet it logs why and keeps running" \
	bash -c "grep -q 'cannot read the cache' '$W/late.log' && kill -0 $LATE_PID"
u alice 10001 host1.hcoop.test | "$RT_MKCACHE" -g 1 "$W/late/cache"
check "the first cache is rendered as soon as it appears" \
	rt_wait 5 grep -q '^alice\.' "$W/late-out/members.zone"
hc_stop_pid "$LATE_PID"

# configuration errors: clear messages, exit 2
cerr() { # description expected-regex config-lines...
	local d=$1 re=$2 out rc
	shift 2
	printf '%s\n' "$@" >"$W/c.conf"
	out=$("$RT_ROUTES" -c "$W/c.conf" --once 2>&1)
	rc=$?
	is "$d: exit 2" "$rc" 2
	like "$d: message" "$out" "$re"
}
cerr "nothing configured" "nothing to do" "cache $CACHE"
cerr "zone without name servers" "at least one zone_ns" "cache $CACHE" "members_zone $RT_ZONE"
cerr "a relative reload command" "c.conf:3: dns_reload: .*absolute path" \
	"cache $CACHE" "members_zone $RT_ZONE" "dns_reload rndc reload"
cerr "an unknown map type" "map_type 'foo': expected lmdb" \
	"cache $CACHE" "mail_domain $RT_DOMAIN" "map_type foo"
cerr "a domain with '_'" "mail_domain: 'a_b.test': '_' is not allowed in a host name" \
	"cache $CACHE" "mail_domain a_b.test"
"$RT_ROUTES" -c "$W/hcoop.conf" --once --bogus >/dev/null 2>&1
is "an unknown option: exit 2" "$?" 2
echo "1..$_hc_n"
