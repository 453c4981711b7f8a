#!/bin/bash
# Mail for member@coop.test follows hcoopHost, end to end with real
# components: slapd -> hcoop-sync (daemon) -> cache -> hcoop-routes
# (daemon, inotify) -> postmap'd lmdb transport and relay recipient maps
# -> a real Postfix "main" -> a real Postfix on the member's host -> the
# member's Maildir in the home hcoop-mkhome made. A move (ldapmodify of
# hcoopHost) reroutes the next message within seconds; a member with no
# host and an unknown name are rejected at RCPT; with slapd stopped mail
# keeps flowing (the maps are local).
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/routes/lib.sh"
rt_enter "$@"
source "$HC_SRC/tests/lib/slapd.sh"

slapd_start || { fail "slapd_start"; exit 1; }
W=$RT_T
mkdir -p "$W/main" "$W/routes"
CACHE=$RT_NSS_CACHE
CONF=$W/main/hcoop.conf
HC_CACHE=$CACHE slapd_write_config "$CONF" "host main.hcoop.test" \
	"mail_domain $RT_DOMAIN" \
	"transport_map $W/routes/transport" "recipient_map $W/routes/recipients" \
	"postmap /usr/sbin/postmap -c $W/pf-main/conf" \
	"mail_reload /usr/sbin/postfix -c $W/pf-main/conf reload"
# member hosts read the same cache through NSS (/etc/hcoop.conf here is
# the namespace's overlay, never the real one)
rt_conf /etc/hcoop.conf "$CACHE" "$RT_HOST1"
for h in 1 2; do
	rt_conf "$W/host$h.conf" "$CACHE" "host$h.hcoop.test" "skel none" "maildir yes"
done

"$RT_SYNC" -c "$CONF" --once 2>"$W/sync-once.log"
is "hcoop-sync --once" "$?" 0
export LDAPTLS_REQCERT=demand
"$RT_SYNC" -c "$CONF" --foreground --debug >>"$W/sync.log" 2>&1 </dev/null &
SYNC_PID=$!
hc_on_exit "hc_stop_pid $SYNC_PID"

# Postfix main needs its tables before it starts: one pass first.
mkdir -p "$W/pf-main/conf"
_rt_main_cf "$W/pf-main" main.hcoop.test 127.0.0.1 >"$W/pf-main/conf/main.cf"
# (its mail_reload fails: Postfix is not running yet; the maps are built)
"$RT_ROUTES" -c "$CONF" --once 2>"$W/routes-once.log"
is "hcoop-routes --once: exit 1 when the reload fails" "$?" 1
like "the failed reload is logged" "$(cat "$W/routes-once.log")" "mail_reload: /usr/sbin/postfix failed"
check "the lmdb transport table was built by postmap" test -s "$W/routes/transport.lmdb"
like "transport source routes alice to her host" "$(cat "$W/routes/transport")" \
	"^alice@coop\.test	smtp:\[host1\.hcoop\.test\]$"
like "carol (no host) is not in the recipient map" \
	"$(grep -c '^carol@' "$W/routes/recipients")" '^0$'
check "postmap -q finds alice's route" \
	bash -c "[ \"\$(postmap -c $W/pf-main/conf -q alice@coop.test lmdb:$W/routes/transport)\" = 'smtp:[host1.hcoop.test]' ]"

rt_postfix "$W/pf-main" main.hcoop.test 127.0.0.1 \
	"mydestination = localhost" "relay_domains = $RT_DOMAIN" \
	"transport_maps = lmdb:$W/routes/transport" \
	"relay_recipient_maps = lmdb:$W/routes/recipients" ||
	{ fail "postfix main starts"; exit 1; }
ok "postfix main started"
rt_postfix_member "$W/pf-h1" "$RT_HOST1" "$RT_IP1" "$W/h1home" ||
	{ fail "postfix host1 starts"; exit 1; }
rt_postfix_member "$W/pf-h2" "$RT_HOST2" "$RT_IP2" "$W/h2home" ||
	{ fail "postfix host2 starts"; exit 1; }
ok "postfix member hosts started"

rt_mkhome "$W/h1home" "$W/host1.conf" alice
is "hcoop-mkhome made alice's home on host1" "$?" 0
check "her Maildir exists" test -d "$W/h1home/alice/Maildir/new"

rt_routes_daemon "$CONF" "$W/routes.log"
rt_wait 5 grep -q 'watching' "$W/routes.log"

# 1. alice@coop.test -> host1's Maildir
out=$(RT_SUBJ=token-one rt_smtp 127.0.0.1 s1@ext.test alice@coop.test)
like "alice@coop.test accepted at RCPT" "$out" "RCPT alice@coop.test 250"
if rt_wait 10 rt_delivered "$W/h1home" alice token-one; then
	ok "message 1 arrived in alice's Maildir on host1"
else
	fail "message 1 arrived in alice's Maildir on host1"
	tail -n 20 "$W/pf-main/maillog" "$W/pf-h1/maillog" | sed 's/^/# /'
fi

# 2. rejected at RCPT: no host, unknown name, and the daemon-routed case
out=$(rt_smtp 127.0.0.1 s1@ext.test carol@coop.test)
like "carol (no hcoopHost) rejected at RCPT with 550" "$out" "RCPT carol@coop.test 550"
out=$(rt_smtp 127.0.0.1 s1@ext.test nosuchuser@coop.test)
like "an unknown name rejected at RCPT with 550" "$out" "RCPT nosuchuser@coop.test 550"
out=$(rt_smtp 127.0.0.1 s1@ext.test Alice@coop.test)
like "Alice@coop.test (case) is alice's address" "$out" "RCPT Alice@coop.test 250"

# 3. move alice to host2: the next message (new sender: qmgr caches a
# sender+recipient route for 30 s) goes there
slapd_modify >/dev/null <<EOT
dn: uid=alice,ou=People,$LDAP_BASE
changetype: modify
replace: hcoopHost
hcoopHost: $RT_HOST2
EOT
t0=$(date +%s%N)
if rt_wait 10 grep -q "^alice@coop.test	smtp:\[$RT_HOST2\]" "$W/routes/transport"; then
	ok "the transport map follows the move ($((($(date +%s%N) - t0) / 1000000)) ms)"
else
	fail "the transport map follows the move"
	tail -n 5 "$W/routes.log" "$W/sync.log" | sed 's/^/# /'
fi
rt_mkhome "$W/h2home" "$W/host2.conf" alice
is "hcoop-mkhome made alice's home on host2" "$?" 0
out=$(RT_SUBJ=token-two rt_smtp 127.0.0.1 s2@ext.test alice@coop.test)
like "after the move alice is accepted" "$out" "RCPT alice@coop.test 250"
if rt_wait 10 rt_delivered "$W/h2home" alice token-two; then
	ok "message 2 arrived on host2 within seconds of the move"
else
	fail "message 2 arrived on host2"
	tail -n 20 "$W/pf-main/maillog" | sed 's/^/# /'
fi
check_not "message 2 did not go to host1" rt_delivered "$W/h1home" alice token-two

# 4. LDAP down: routing keeps working from the local maps
slapd_stop
out=$(RT_SUBJ=token-three rt_smtp 127.0.0.1 s3@ext.test alice@coop.test)
like "with slapd stopped alice is still accepted" "$out" "RCPT alice@coop.test 250"
check "with slapd stopped the message arrives on host2" \
	rt_wait 10 rt_delivered "$W/h2home" alice token-three
out=$(rt_smtp 127.0.0.1 s3@ext.test carol@coop.test)
like "with slapd stopped carol is still rejected" "$out" "RCPT carol@coop.test 550"
check "no bounce was generated by main" \
	bash -c "! grep -q 'status=bounced' '$W/pf-main/maillog'"
check "the routes daemon is still running" kill -0 "$RT_ROUTES_PID"
echo "1..$_hc_n"
