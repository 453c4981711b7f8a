#!/bin/bash
# A failed member password is logged the way pam_unix logs one
# ("authentication failure; logname= uid= euid= tty= ruser= rhost=  user="),
# so log watchers written for pam_unix (fail2ban's pam-generic filter, or
# an sshd jail fed the auth log) ban the address; the application's items
# cannot forge extra fields.
# san: yes
source "${HC_SRC:-$(dirname "$0")/../..}/tests/pam/lib.sh"
pam_setup
pam_service sshd "auth [success=done ignore=ignore default=die] $PAM_SO config=$CONF" \
	"auth optional pam_echo.so $PAM_ECHO_IGNORED"
# pam_unix's format, as fail2ban's pam-generic failregex reads it (with
# pam_hcoop as the module), anchored at both ends of the message
RE='pam_hcoop\(sshd:auth\): authentication failure; logname=[^ ]* uid=[0-9]+ euid=[0-9]+ tty=ssh ruser=[^ ]* rhost=127\.0\.0\.1  user=alice$'

pcase "wrong password from 127.0.0.1" sshd alice "rhost:127.0.0.1,tty:ssh,auth" PAM_AUTH_ERR "" wrong-pw
diag "$(grep 'authentication failure' "$PAM_LOG")"
check "the failure line matches pam_unix's form" grep -Eq "$RE" "$PAM_LOG"
is "exactly one failure line" "$(grep -c 'authentication failure;' "$PAM_LOG")" 1
check_not "the password is not logged" grep -q wrong-pw "$PAM_LOG"

pcase "empty password from 127.0.0.1" sshd alice "rhost:127.0.0.1,tty:ssh,auth" PAM_AUTH_ERR "" ""
check "an empty password is a failure line too" grep -Eq "$RE" "$PAM_LOG"

pcase "right password" sshd alice "rhost:127.0.0.1,tty:ssh,auth" PAM_SUCCESS "" alice-secret-1
check_not "no failure line for a success" grep -q 'authentication failure' "$PAM_LOG"

pcase "not a member: left to pam_unix" sshd nosuchuser "rhost:127.0.0.1,tty:ssh,auth" PAM_USER_UNKNOWN "" x
check_not "no failure line for a stranger (pam_unix logs its own)" grep -q 'authentication failure' "$PAM_LOG"

# a forged remote user cannot add a second rhost= or end the line early
pcase "forged ruser" sshd alice "rhost:127.0.0.1,tty:ssh,ruser:x rhost=6.6.6.6 user=bob,auth" PAM_AUTH_ERR "" wrong-pw
line=$(grep 'authentication failure' "$PAM_LOG")
diag "$line"
like "forged ruser: blanks masked" "$line" 'ruser=x\?rhost=6\.6\.6\.6\?user=bob rhost=127\.0\.0\.1  user=alice$'
is "forged ruser: one rhost= field" "$(grep -o ' rhost=' <<<"$line" | wc -l)" 1
