#!/bin/bash
# The documented alternative: Postfix querying LDAP live with the
# ldap_table(5) files of contrib/postfix/ (StartTLS required, the test CA,
# the host service account). With slapd up mail reaches the member's host
# and no-host/unknown names get 550; with slapd stopped Postfix answers
# 4xx at RCPT and defers queued mail, never bounces; once slapd is back
# the deferred mail is delivered. (The flush uses `postfix reload` and
# `postqueue -f` to skip qmgr's 30 s cache of the failed route and the
# deferred queue's retry timer; without them delivery waits for those.)
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/routes/lib.sh"
rt_enter "$@"
source "$HC_SRC/tests/lib/slapd.sh"

slapd_start || { fail "slapd_start"; exit 1; }
W=$RT_T
PF=$W/pf-ldap
HC_CACHE=$RT_NSS_CACHE slapd_write_config "$W/sync.conf" "host $RT_HOST1"
"$RT_SYNC" -c "$W/sync.conf" --once 2>"$W/sync.log"
is "hcoop-sync --once (the member host's cache, for NSS)" "$?" 0
rt_conf "$W/host1.conf" "$RT_NSS_CACHE" "$RT_HOST1" "skel none" "maildir yes"

# contrib's files, pointed at the test server
for t in transport recipients; do
	sed -e "s|^server_host = .*|server_host = $LDAP_URI|" \
		-e "s|^tls_ca_cert_file = .*|tls_ca_cert_file = $LDAP_CACERT|" \
		-e "s|^bind_dn = .*|bind_dn = $HOST_DN|" \
		-e "s|^bind_pw = .*|bind_pw = $HOST_PW|" \
		-e "s|^search_base = .*|search_base = ou=People,$LDAP_BASE|" \
		-e "s|^domain = .*|domain = $RT_DOMAIN|" \
		"$HC_SRC/contrib/postfix/ldap-$t.cf" >"$W/ldap-$t.cf"
done
check "the contrib file requires StartTLS with a checked certificate" \
	grep -qx 'tls_require_cert = yes' "$W/ldap-transport.cf"
slapd_require_tls_binds on # a cleartext bind would now fail (rc 13)

rt_postfix "$PF" main.hcoop.test 127.0.0.1 \
	"mydestination = localhost" "relay_domains = $RT_DOMAIN" \
	"transport_maps = ldap:$W/ldap-transport.cf" \
	"relay_recipient_maps = ldap:$W/ldap-recipients.cf" ||
	{ fail "postfix main (ldap tables) starts"; exit 1; }
check "postmap -q: alice's route from LDAP over StartTLS" \
	bash -c "[ \"\$(postmap -c $PF/conf -q alice@coop.test ldap:$W/ldap-transport.cf)\" = 'smtp:[$RT_HOST1]' ]"
rt_postfix_member "$W/pf-h1" "$RT_HOST1" "$RT_IP1" "$W/h1home" ||
	{ fail "postfix host1 starts"; exit 1; }
rt_mkhome "$W/h1home" "$W/host1.conf" alice 2>/dev/null
is "hcoop-mkhome made alice's home" "$?" 0

out=$(RT_SUBJ=ldap-one rt_smtp 127.0.0.1 l1@ext.test alice@coop.test)
like "slapd up: alice accepted" "$out" "RCPT alice@coop.test 250"
check "slapd up: it arrives in her Maildir" rt_wait 10 rt_delivered "$W/h1home" alice ldap-one
out=$(rt_smtp 127.0.0.1 l1@ext.test carol@coop.test nosuch@coop.test)
like "carol (no host) rejected with 550" "$out" "RCPT carol@coop.test 550"
like "an unknown name rejected with 550" "$out" "RCPT nosuch@coop.test 550"

slapd_stop
out=$(RT_SUBJ=ldap-two rt_smtp 127.0.0.1 l2@ext.test alice@coop.test)
like "slapd down: RCPT gets a 4xx (the sender retries)" "$out" "RCPT alice@coop.test 4[0-9][0-9] 4\.3\.0"
# mail already inside (local submission skips smtpd's recipient check)
printf 'Subject: ldap-three\n\nldap-three\n' |
	/usr/sbin/sendmail -C "$PF/conf" -f l3@ext.test alice@coop.test
is "sendmail accepted a message while slapd is down" "$?" 0
check "it is deferred (4.3.0, address resolver failure)" \
	rt_wait 10 grep -qE 'to=<alice@coop.test>.*dsn=4\.3\.0, status=deferred \(address resolver failure\)' "$PF/maillog"
check_not "nothing bounced" grep -q 'status=bounced' "$PF/maillog"
check_not "not delivered while slapd is down" rt_delivered "$W/h1home" alice ldap-three

slapd_start_again || { fail "slapd restarts"; exit 1; }
postfix -c "$PF/conf" reload >/dev/null 2>&1
# the reload restarts qmgr asynchronously: a flush that reaches the old
# one, or none, is lost (seen on a loaded machine: the message then waits
# for the retry timer), so flush again once a second until it is in
last_flush=0
flushed_delivered() {
	local now
	now=$(date +%s)
	if [ "$now" != "$last_flush" ]; then
		last_flush=$now
		postqueue -c "$PF/conf" -f >/dev/null 2>&1
	fi
	rt_delivered "$@"
}
check "slapd back: the deferred message is delivered" \
	rt_wait 15 flushed_delivered "$W/h1home" alice ldap-three
out=$(RT_SUBJ=ldap-four rt_smtp 127.0.0.1 l4@ext.test alice@coop.test)
like "slapd back: RCPT accepted again" "$out" "RCPT alice@coop.test 250"
check "and delivered" rt_wait 10 rt_delivered "$W/h1home" alice ldap-four
check_not "still no bounce at all" grep -q 'status=bounced' "$PF/maillog"
echo "1..$_hc_n"
