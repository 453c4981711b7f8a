#!/bin/bash
# pam_hcoop inside Debian-style stacks with pam_unix: a LOCAL user with a
# wrong password must not get in (the CVE-2011-0438 class of bug), local
# users keep working with LDAP down, members are admitted only here.
# Runs in a private namespace (a local user in its own /etc/passwd+shadow).
# san: yes
source "${HC_SRC:-$(dirname "$0")/../..}/tests/lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
source "${HC_SRC:-$(dirname "$0")/../..}/tests/pam/lib.sh"
pam_setup

# A local account (only inside this namespace's /etc overlay).
hash=$(openssl passwd -6 -salt hcooptestsalt 'local-secret-7')
echo "localuser:x:4242:4242:Local User:/nonexistent:/bin/sh" >>/etc/passwd
echo "localuser:$hash:19000:0:99999:7:::" >>/etc/shadow
# Members resolve through nss_hcoop (pam_setup: "files hcoop"); a member
# written into /etc/passwd would be a local account and no longer ours.

M="$PAM_SO config=$CONF"
# Debian common-auth with pam_hcoop placed first.
pam_service debian \
	"auth [success=2 default=ignore] $M" \
	"auth [success=1 default=ignore] pam_unix.so nodelay try_first_pass" \
	"auth requisite pam_deny.so" \
	"auth required pam_permit.so" \
	"account [success=2 new_authtok_reqd=done ignore=ignore default=die] $M" \
	"account [success=1 new_authtok_reqd=done default=ignore] pam_unix.so" \
	"account requisite pam_deny.so" \
	"account required pam_permit.so"
# The short form: pam_hcoop ends the stack on success, then pam_unix.
pam_service short \
	"auth [success=done default=ignore] $M" \
	"auth required pam_unix.so nodelay try_first_pass"
# ... and the stricter one, pam_deny after pam_hcoop (members only).
pam_service deny \
	"auth [success=done default=ignore] $M" \
	"auth requisite pam_deny.so"

for svc in debian short; do
	pdeny "$svc: local user, wrong password: NOT admitted" $svc localuser auth wrong-pass
	pdeny "$svc: local user, empty password: NOT admitted" $svc localuser auth ""
	pcase "$svc: local user, right password" $svc localuser auth PAM_SUCCESS "" local-secret-7
	pcase "$svc: member, right password" $svc alice auth PAM_SUCCESS "" alice-secret-1
	pdeny "$svc: member, wrong password: NOT admitted" $svc alice auth alice-secret-X
	pdeny "$svc: member, local user's password: NOT admitted" $svc alice auth local-secret-7
	pdeny "$svc: member, empty password: NOT admitted" $svc alice auth ""
	pdeny "$svc: unknown user: NOT admitted" $svc nosuch auth x
done
pdeny "deny: local user, right password: NOT admitted" deny localuser auth local-secret-7
pcase "deny: member, right password" deny alice auth PAM_SUCCESS "" alice-secret-1

pcase "debian: alice auth+account" debian alice auth,acct PAM_SUCCESS "" alice-secret-1
pcase "debian: bob refused here" debian bob auth,acct PAM_PERM_DENIED "lives on host2\.hcoop\.test" bob-secret-2
pcase "debian: dave (admin) admitted" debian dave auth,acct PAM_SUCCESS "" dave-secret-4
pcase "debian: local user auth+account" debian localuser auth,acct PAM_SUCCESS "" local-secret-7

slapd_stop
pcase "LDAP down: local user still gets in" debian localuser auth,acct PAM_SUCCESS "" local-secret-7
pdeny "LDAP down: local user, wrong password: NOT admitted" debian localuser auth wrong-pass
pdeny "LDAP down: member cannot authenticate" debian alice auth alice-secret-1
pcase "LDAP down: bob (SSH key) still refused by account" debian bob acct PAM_PERM_DENIED "host2"
pcase "LDAP down: alice (SSH key) admitted by account" debian alice acct PAM_SUCCESS ""
