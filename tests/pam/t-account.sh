#!/bin/bash
# pam_hcoop account: host assignment, admins, locked/expired, decided from
# the cache (so the same with slapd down).
# san: yes
source "${HC_SRC:-$(dirname "$0")/../..}/tests/pam/lib.sh"
pam_setup

account_table() { # label
	local l=$1
	pcase "$l alice assigned here" hc_only alice acct PAM_SUCCESS ""
	pcase "$l user0001 assigned here" hc_only user0001 acct PAM_SUCCESS ""
	pcase "$l bob assigned elsewhere" hc_only bob acct PAM_PERM_DENIED \
		'msg error: Your account lives on host2\.hcoop\.test; log in there'
	pcase "$l user0002 assigned elsewhere" hc_only user0002 acct PAM_PERM_DENIED \
		'lives on host2\.hcoop\.test'
	pcase "$l carol assigned nowhere" hc_only carol acct PAM_PERM_DENIED \
		'msg error: Your account is not assigned to any host'
	pcase "$l dave, admin assigned elsewhere" hc_only dave acct PAM_SUCCESS ""
	pcase "$l erin locked" hc_only erin acct PAM_PERM_DENIED 'msg error: .*locked'
	pcase "$l frank expired" hc_only frank acct PAM_ACCT_EXPIRED 'msg error: .*expired'
	pcase "$l root is not ours" hc_only root acct PAM_IGNORE ""
	pcase "$l unknown user is not ours" hc_only nosuchuser acct PAM_IGNORE ""
}
account_table "[slapd up]"
check_not "bob is not told anything about alice's host" grep -q host1 <<<"$(drive hc_only bob acct; echo "$OUT")"

# SSH-key login: account alone, no auth before it.
pcase "erin locked, account without auth" hc_only erin acct PAM_PERM_DENIED ""

long=$(printf 'b%.0s' $(seq 1000))
for name in '*' 'alice)(uid=*' 'a\' 'Alice' "$long"; do
	pcase "hostile name $(printf '%q' "$name" | head -c 40)" hc_only "$name" acct PAM_IGNORE ""
done

# PAM_USER changed between auth and account (by some other module):
# refused, whoever the new user is.
pam_service lone "auth required $PAM_SO config=$CONF" "account required $PAM_SO config=$CONF"
pcase "PAM_USER changed from bob to alice after auth" lone bob auth,user:alice,acct \
	PAM_PERM_DENIED "" bob-secret-2
like "... and logged" "$(cat "$PAM_LOG")" 'PAM_USER changed from bob to alice'
pcase "(control) same user: admitted" lone alice auth,acct PAM_SUCCESS "" alice-secret-1

# Host names compare case-insensitively, a trailing dot ignored.
HC_CACHE=$CACHE slapd_write_config "$PAM_DIR/case.conf" "host HOST1.Hcoop.Test."
pam_service case "account required $PAM_SO config=$PAM_DIR/case.conf"
pcase "host HOST1.Hcoop.Test. admits alice" case alice acct PAM_SUCCESS ""
pcase "host HOST1.Hcoop.Test. still refuses bob" case bob acct PAM_PERM_DENIED "host2"

# Without an admin_group nobody is admitted everywhere.
HC_CACHE=$CACHE slapd_write_config "$PAM_DIR/noadm.conf" "admin_group nosuchgroup"
pam_service noadm "account required $PAM_SO config=$PAM_DIR/noadm.conf"
pcase "dave without his admin group: refused elsewhere" noadm dave acct PAM_PERM_DENIED "host2"

# The decision comes from the cache: the same with LDAP down.
slapd_stop
account_table "[slapd down]"

# A missing cache or a broken config never locks out local accounts.
HC_CACHE=$PAM_DIR/no-such-cache slapd_write_config "$PAM_DIR/nocache.conf"
pam_service nocache "account [success=done ignore=ignore default=die] $PAM_SO config=$PAM_DIR/nocache.conf" \
	"account optional pam_echo.so $PAM_ECHO_IGNORED"
pcase "cache missing: root left to pam_unix" nocache root acct PAM_IGNORE ""
printf 'uri\nbogus_keyword 1\n' >"$PAM_DIR/broken.conf"
pam_service broken "account [success=done ignore=ignore default=die] $PAM_SO config=$PAM_DIR/broken.conf" \
	"account optional pam_echo.so $PAM_ECHO_IGNORED"
pcase "broken config: root left to pam_unix" broken root acct PAM_IGNORE ""
