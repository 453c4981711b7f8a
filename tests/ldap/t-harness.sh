#!/bin/bash
# The slapd harness itself: the fixture is what the brief promises, it
# works inside a private network namespace too, and a test that dies
# leaves no slapd and no temp dir behind.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/slapd.sh"
source "$HC_SRC/tests/ldap/common.sh"

d=$(hc_tmpdir)
# A test that starts slapd and then fails.
cat >"$d/dies.sh" <<EOT
#!/bin/bash
source "$HC_SRC/tests/lib/tap.sh"
source "$HC_SRC/tests/lib/slapd.sh"
slapd_start || exit 9
echo "\$SLAPD_PID \$SLAPD_DIR" >"$d/state"
false
exit 3
EOT
chmod +x "$d/dies.sh"
"$d/dies.sh" >/dev/null 2>&1
is "the failing test exited with its own status" "$?" 3
read -r pid dir <"$d/state"
check_not "its slapd (pid $pid) was stopped" kill -0 "$pid"
check_not "its temp dir was removed" test -e "$dir"

# Inside hc_ns_enter (fresh network namespace, loopback only).
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
	cat >"$d/ns.sh" <<EOT
#!/bin/bash
source "$HC_SRC/tests/lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "\$@"
source "$HC_SRC/tests/lib/slapd.sh"
slapd_start || exit 9
LDAPTLS_CACERT=\$LDAP_CACERT ldapwhoami -x -ZZ -H "\$LDAP_URI" -D "\$HOST_DN" -w "\$HOST_PW"
EOT
	chmod +x "$d/ns.sh"
	out=$("$d/ns.sh" 2>&1)
	like "slapd_start works inside hc_ns_enter" "$out" "^dn:cn=host1.hcoop.test,ou=Hosts"
fi

slapd_start || { fail "slapd_start"; exit 1; }
ok "slapd_start outside a namespace"
for v in SLAPD_DIR SLAPD_PID LDAP_URI LDAPS_URI LDAPI_URI LDAP_CACERT LDAP_BASE HOST_DN HOST_PW; do
	[ -n "${!v:-}" ] || fail "$v is not set"
done
ok "slapd_start sets every documented variable"
cnt() { slapd_search -b "$LDAP_BASE" "$1" dn | grep -c '^dn:'; }
is "fixture: 607 posixAccounts" "$(cnt '(objectClass=posixAccount)')" 607
is "fixture: all of them hcoopMember" "$(cnt '(objectClass=hcoopMember)')" 607
is "fixture: 11 posixGroups" "$(cnt '(objectClass=posixGroup)')" 11
is "fixture: members has 600 memberUid" \
	"$(slapd_search -b "cn=members,ou=Groups,$LDAP_BASE" -s base memberUid | grep -c '^memberUid:')" 600
is "fixture: carol has no host" "$(cnt '(&(uid=carol)(hcoopHost=*))')" 0
is "fixture: frank expired" "$(cnt '(&(uid=frank)(shadowExpire=1))')" 1
like "fixture: alice's entry" "$(slapd_search -b "$(udn alice)" -s base gecos uidNumber homeDirectory loginShell | tr '\n' ' ')" \
	"uidNumber: 10001 homeDirectory: /home/alice loginShell: /bin/bash gecos: Alice Liddell"
pw=$(slapd_search -b "$(udn alice)" -s base userPassword | sed -n 's/^userPassword:: //p' | base64 -d)
like "fixture: passwords are stored hashed" "$pw" '^\{SSHA\}'

slapd_write_config "$d/hcoop.conf" "timeout 2"
like "slapd_write_config: bindpw_file is 0600" "$(stat -c %a "$SLAPD_DIR/bindpw")" '^600$'
run_rc rc "$LDAPCHECK" -c "$d/hcoop.conf" whoami
is "slapd_write_config: the config parser accepts it; binds as the host" "$OUT" "dn:$HOST_DN"

slapd_stop
check_not "slapd_stop: stopped" ldapsearch -x -H "$LDAPI_URI" -s base -b "" dn
check "slapd_start_again: up again" slapd_start_again
is "... with the same data" "$(cnt '(objectClass=posixAccount)')" 607
