#!/bin/bash
# pam_hcoop password: RFC 3062 Password Modify as the member, old password
# required, the server's reason for a refusal shown to the member.
# san: yes
source "${HC_SRC:-$(dirname "$0")/../..}/tests/pam/lib.sh"
pam_setup

U=user0003
pcase "$U: wrong old password refused" hc_only $U chauthtok PAM_AUTHTOK_RECOVERY_ERR \
	'msg error: Current password is wrong' wrong-old new-pass-1234 new-pass-1234
pcase "$U: old password still works after the refusal" hc_only $U auth PAM_SUCCESS "" pw-$U
pcase "$U: new passwords that differ" hc_only $U chauthtok PAM_AUTHTOK_ERR \
	'do not match' pw-$U new-pass-1234 new-pass-9999
pcase "$U: empty old password" hc_only $U chauthtok PAM_AUTHTOK_RECOVERY_ERR "" "" a b
pcase "$U: change with the right old password" hc_only $U chauthtok PAM_SUCCESS \
	"" pw-$U new-pass-1234 new-pass-1234
like "$U: asked old once, new twice" "$(tr '\n' ' ' <<<"$OUT")" \
	'prompt: Current LDAP password: .*prompt: New LDAP password: .*prompt: Retype new LDAP password: '
is "$U: exactly three prompts" "$(grep -c '^prompt:' <<<"$OUT")" 3
pcase "$U: the new password binds" hc_only $U auth PAM_SUCCESS "" new-pass-1234
pcase "$U: the old password fails" hc_only $U auth PAM_AUTH_ERR "" pw-$U
if LDAPTLS_CACERT=$LDAP_CACERT ldapwhoami -x -ZZ -H "$LDAP_URI" -D "uid=$U,ou=People,$LDAP_BASE" -w new-pass-1234 \
	>/dev/null 2>&1 </dev/null; then
	ok "$U: the server itself accepts the new password"
else
	fail "$U: the server itself accepts the new password"
fi
pcase "a stranger's password is not ours" hc_only root chauthtok PAM_IGNORE "" a b c

# A quality rule on the server: its reason reaches the member.
slapd_modify >/dev/null <<EOT
dn: cn=default,ou=Policies,$LDAP_BASE
changetype: modify
replace: pwdCheckQuality
pwdCheckQuality: 2
-
replace: pwdMinLength
pwdMinLength: 12
EOT
pcase "$U: too short for the server's policy" hc_only $U chauthtok PAM_AUTHTOK_ERR \
	'msg error: Password change refused: .*[A-Za-z]{4}' new-pass-1234 short1 short1
diag "server said: $(grep '^msg error' <<<"$OUT")"
pcase "$U: the refused password does not bind" hc_only $U auth PAM_AUTH_ERR "" short1

