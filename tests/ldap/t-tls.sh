#!/bin/bash
# TLS (StartTLS and ldaps) with certificate checks, and no password ever
# in cleartext: the server is set to refuse cleartext simple binds
# (olcSecurity simple_bind=128) and our client refuses before sending.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/slapd.sh"
source "$HC_SRC/tests/ldap/common.sh"

slapd_start || { fail "slapd_start"; exit 1; }
C=$SLAPD_DIR/conf
ALICE=$(udn alice)

slapd_write_config "$C.starttls" "timeout 2"
run_rc rc "$LDAPCHECK" -c "$C.starttls" -D "$ALICE" -w alice-secret-1 whoami
is "StartTLS: alice binds (exit 0)" "$rc" 0
like "StartTLS: whoami names alice" "$OUT" "^dn:uid=alice,ou=People,$LDAP_BASE"

slapd_write_config "$C.ldaps" "uri $LDAPS_URI" "ssl on" "timeout 2"
run_rc rc "$LDAPCHECK" -c "$C.ldaps" -D "$ALICE" -w alice-secret-1 whoami
is "ldaps: alice binds (exit 0)" "$rc" 0

slapd_write_config "$C.host" "timeout 2"
run_rc rc "$LDAPCHECK" -c "$C.host" whoami
like "bind as the config says (host account from bindpw_file)" "$OUT" \
	"^dn:cn=host1.hcoop.test,ou=Hosts,$LDAP_BASE"

slapd_make_other_ca "$SLAPD_DIR/other-ca.crt"
for mode in starttls ldaps; do
	u=$LDAP_URI s=start_tls
	[ $mode = ldaps ] && u=$LDAPS_URI s=on
	slapd_write_config "$C.wrongca" "uri $u" "ssl $s" "timeout 2" \
		"tls_cacert $SLAPD_DIR/other-ca.crt"
	run_rc rc "$LDAPCHECK" -c "$C.wrongca" -D "$ALICE" -w alice-secret-1 bind
	is "$mode with a wrong CA: refused as unreachable (exit 10)" "$rc" 10
	like "$mode wrong CA: the message names the server and TLS" "$OUT" \
		"127\.0\.0\.1:[0-9]+.*(TLS|Connect error)"
	# issue 18: the cause and the CA file, not just "Connect error"
	like "$mode wrong CA: says unknown CA and names the CA file" "$OUT" \
		"unknown CA .*CA file: $SLAPD_DIR/other-ca.crt"
	slapd_write_config "$C.noca" "uri $u" "ssl $s" "timeout 2"
	sed -i '/^tls_cacert /d' "$C.noca"
	run_rc rc "$LDAPCHECK" -c "$C.noca" -D "$ALICE" -w alice-secret-1 bind
	like "$mode without tls_cacert: says no CA is configured" "$OUT" \
		"unknown CA .*CA file: none configured \(tls_cacert unset"
	slapd_write_config "$C.name" "uri ${u/127.0.0.1/localhost}" "ssl $s" "timeout 2"
	run_rc rc "$LDAPCHECK" -c "$C.name" -D "$ALICE" -w alice-secret-1 bind
	like "$mode by a name the certificate lacks: says name mismatch" "$OUT" \
		"name mismatch \(the certificate is not for 'localhost'\); CA file: $LDAP_CACERT"
done
slapd_write_config "$C.never" "timeout 2" "tls_cacert $SLAPD_DIR/other-ca.crt" \
	"tls_reqcert never"
run_rc rc "$LDAPCHECK" -c "$C.never" -D "$ALICE" -w alice-secret-1 bind
is "same wrong CA with tls_reqcert never: connects (the check is what refused)" "$rc" 0

# --- cleartext ---
run_rc rc "$LDAPCHECK" -c "$C.starttls" -D "$ALICE" -w "" bind
is "empty password refused before any bind (exit 16)" "$rc" 16
slapd_set_bind_anon_dn on
run_rc rc "$LDAPCHECK" -c "$C.starttls" -D "$ALICE" -w "" bind
is "empty password still refused with bind_anon_dn on (exit 16)" "$rc" 16
slapd_set_bind_anon_dn off

slapd_write_config "$C.ldapi" "uri $LDAPI_URI" "ssl off"
run_rc rc "$LDAPCHECK" -c "$C.ldapi" -D "$ALICE" -w alice-secret-1 whoami
is "ldapi:// with ssl off: a password may be sent (local socket)" "$rc" 0

check "server now refuses cleartext simple binds (olcSecurity simple_bind=128)" \
	slapd_require_tls_binds on
LDAPTLS_REQCERT=never ldapwhoami -x -H "$LDAP_URI" -D "$ALICE" -w alice-secret-1 \
	>/dev/null 2>&1
is "ldapwhoami without TLS is refused by the server (rc 13)" "$?" 13

# ssl off to a closed port: if our client tried to connect it would say
# "unreachable" (10); it refuses first (14), so nothing was ever sent.
slapd_write_config "$C.off" "uri ldap://127.0.0.1:$(closed_port)" "ssl off" "timeout 2"
run_rc rc "$LDAPCHECK" -c "$C.off" -D "$ALICE" -w alice-secret-1 bind
is "ssl off: our client refuses to send the password (exit 14, no connect)" "$rc" 14
like "the refusal says why" "$OUT" "refusing to send a password without TLS"
slapd_write_config "$C.off2" "ssl off" "timeout 2"
run_rc rc "$LDAPCHECK" -c "$C.off2" -D "$ALICE" -w alice-secret-1 bind
is "ssl off to the real server: refused by the client too (exit 14)" "$rc" 14
slapd_write_config "$C.clear" "ssl off" "allow_cleartext yes" "timeout 2"
run_rc rc "$LDAPCHECK" -c "$C.clear" -D "$ALICE" -w alice-secret-1 bind
is "allow_cleartext: the client sends, the server refuses (exit 13, -EPERM)" "$rc" 13
run_rc rc "$LDAPCHECK" -c "$C.starttls" -D "$ALICE" -w alice-secret-1 whoami
is "StartTLS bind still works with simple_bind=128" "$rc" 0
run_rc rc "$LDAPCHECK" -c "$C.ldaps" -D "$ALICE" -w alice-secret-1 whoami
is "ldaps bind still works with simple_bind=128" "$rc" 0
run_rc rc "$LDAPCHECK" -c "$C.off2" -A bind
is "ssl off with no password (anonymous): allowed" "$rc" 0

# whoami's answer is compared to the bound DN case- and space-insensitively
run_rc rc "$LDAPCHECK" -c "$C.starttls" -D "UID=Alice, OU=People,$LDAP_BASE" -w alice-secret-1 whoami
is "whoami matches a DN written in another case/spacing (authzid_is_dn)" "$rc" 0
run_rc rc "$LDAPCHECK" -c "$C.host" -D "$(udn bob)" -w bob-secret-2 whoami
is "whoami of bob is bob's DN" "$rc" 0
