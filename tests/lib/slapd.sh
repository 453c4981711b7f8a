# A private slapd (Debian's package) for one test, as a plain process.
#
#   source "$HC_SRC/tests/lib/tap.sh"; source "$HC_SRC/tests/lib/slapd.sh"
#   slapd_start          # temp dir, CA + cert, cn=config, schema, rules, data
#   ... ldapsearch -H "$LDAP_URI" -ZZ ...  /  slapd_write_config conf
#   slapd_stop; slapd_start_again   # "LDAP is down", same dir/ports/data
#
# slapd_start exports SLAPD_DIR SLAPD_PID LDAP_URI LDAPS_URI LDAPI_URI
# LDAP_CACERT LDAP_BASE HOST_DN HOST_PW (and SLAPD_PORT SLAPD_TLS_PORT).
# cn=config is built offline with slapadd -n0 (modules, stock schema, the
# mdb database with syncprov and ppolicy, root over ldapi may manage); then,
# with slapd running, everything else goes in the way an admin does it
# (ldap-schema/README.md): TLS, our schema and rules with ldapadd/ldapmodify
# -Y EXTERNAL over ldapi, and the fixture of tests/lib/fixture.sh.
# Every slapd is stopped by PID at exit (hc_on_exit), also when a test dies.

source "${HC_SRC:?}/tests/lib/fixture.sh"

SLAPD_BIN=${SLAPD_BIN:-/usr/sbin/slapd}
SLAPD_ROOT_DN="gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth"

_slapd_log() { echo "# slapd: $*" >&2; }

# Throwaway CA and a server certificate for IP:127.0.0.1 (not "localhost":
# libldap swaps that for the host name when checking the certificate).
_slapd_make_tls() {
	local d=$1/tls
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/ca.key" -out "$d/ca.crt" -days 2 \
		-subj "/CN=hcoop test CA $$" 2>/dev/null &&
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$d/server.key" -out "$d/server.csr" \
			-subj "/CN=127.0.0.1" 2>/dev/null &&
		printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' \
			>"$d/ext.cnf" &&
		openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" \
			-CAkey "$d/ca.key" -CAcreateserial -days 2 \
			-extfile "$d/ext.cnf" -out "$d/server.crt" 2>/dev/null
}

# slapd_make_other_ca FILE: a self-signed CA that did NOT sign the server
# certificate (for "a wrong CA is refused").
slapd_make_other_ca() {
	local f=$1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$f.key" -out "$f" -days 2 -subj "/CN=some other CA" \
		2>/dev/null
}

_slapd_config_ldif() { # dir
	local d=$1 s
	cat <<EOT
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: $d/slapd.pid
olcArgsFile: $d/slapd.args

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: {0}back_mdb
olcModuleLoad: {1}ppolicy
olcModuleLoad: {2}syncprov

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

EOT
	for s in core cosine nis inetorgperson; do
		printf 'include: file:///etc/ldap/schema/%s.ldif\n\n' "$s"
	done
	cat <<EOT
dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcAccess: {0}to * by dn.exact="$SLAPD_ROOT_DN" manage by * break
olcAccess: {1}to dn.exact="" by * read
olcAccess: {2}to dn.base="cn=Subschema" by * read
olcSizeLimit: 500

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by dn.exact="$SLAPD_ROOT_DN" manage by * break

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcDbDirectory: $d/db
olcSuffix: $LDAP_BASE
olcDbMaxSize: 268435456
olcDbNoSync: TRUE
olcDbIndex: objectClass eq
olcDbIndex: uid,cn,memberUid eq
olcDbIndex: uidNumber,gidNumber eq
olcDbIndex: entryCSN,entryUUID eq
olcAccess: {0}to * by dn.exact="$SLAPD_ROOT_DN" manage by * break
olcSizeLimit: 500

dn: olcOverlay={0}syncprov,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcSyncProvConfig
olcOverlay: {0}syncprov

dn: olcOverlay={1}ppolicy,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {1}ppolicy
olcPPolicyHashCleartext: TRUE
olcPPolicyUseLockout: FALSE
olcPPolicyDefault: cn=default,ou=Policies,$LDAP_BASE
EOT
}

# ldapi:// URL of a socket path (each '/' as %2F).
_slapd_ldapi_url() { printf 'ldapi://%s' "${1//\//%2F}"; }

# A root-over-ldapi request (the admin's way): ldapmodify/ldapadd/ldapsearch.
slapd_modify() { ldapmodify -Y EXTERNAL -H "$LDAPI_URI" -Q "$@"; }
slapd_add() { ldapmodify -a -Y EXTERNAL -H "$LDAPI_URI" -Q "$@"; }
slapd_search() { ldapsearch -Y EXTERNAL -H "$LDAPI_URI" -Q -LLL "$@"; }

# Wait until slapd answers a rootDSE search over ldapi; fail at once if the
# process died (config error: its log is printed). About 40 ms normally.
_slapd_wait_ready() {
	local i
	for ((i = 0; i < 1000; i++)); do
		if ! kill -0 "$SLAPD_PID" 2>/dev/null; then
			_slapd_log "slapd (pid $SLAPD_PID) died; log:"
			sed 's/^/#   /' "$SLAPD_DIR/slapd.log" >&2
			return 1
		fi
		ldapsearch -x -H "$LDAPI_URI" -s base -b "" -LLL dn \
			>/dev/null 2>&1 && return 0
		sleep 0.01
	done
	_slapd_log "slapd (pid $SLAPD_PID) not ready after 10 s"
	return 1
}

_slapd_launch() {
	local sock=$SLAPD_DIR/ldapi
	# -d none keeps it in the foreground (a PID we own) and still prints
	# fatal config errors, unlike -d 0.
	"$SLAPD_BIN" -d none -F "$SLAPD_DIR/slapd.d" \
		-h "$LDAP_URI/ $LDAPS_URI/ $LDAPI_URI" \
		>>"$SLAPD_DIR/slapd.log" 2>&1 </dev/null &
	SLAPD_PID=$!
	export SLAPD_PID
	hc_on_exit "hc_stop_pid $SLAPD_PID"
	_slapd_wait_ready
}

# Stop this test's slapd by PID (no-op when not running).
slapd_stop() {
	[ -n "${SLAPD_PID:-}" ] || return 0
	hc_stop_pid "$SLAPD_PID"
	wait "$SLAPD_PID" 2>/dev/null || true
	SLAPD_PID=
}

# Start the same server again (same directory, ports and data).
slapd_start_again() {
	slapd_stop
	_slapd_launch
}

_slapd_pick_ports() {
	SLAPD_PORT=$(hc_free_port)
	SLAPD_TLS_PORT=$(hc_free_port)
	while [ "$SLAPD_TLS_PORT" = "$SLAPD_PORT" ]; do
		SLAPD_TLS_PORT=$(hc_free_port)
	done
	LDAP_URI=ldap://127.0.0.1:$SLAPD_PORT
	LDAPS_URI=ldaps://127.0.0.1:$SLAPD_TLS_PORT
	export SLAPD_PORT SLAPD_TLS_PORT LDAP_URI LDAPS_URI
}

# Admin steps on the running server, exactly as ldap-schema/README.md says.
_slapd_admin_setup() {
	local t=$SLAPD_DIR/tls
	slapd_modify >/dev/null <<EOT || return 1
dn: cn=config
changetype: modify
replace: olcTLSCACertificateFile
olcTLSCACertificateFile: $t/ca.crt
-
replace: olcTLSCertificateFile
olcTLSCertificateFile: $t/server.crt
-
replace: olcTLSCertificateKeyFile
olcTLSCertificateKeyFile: $t/server.key
EOT
	ldapadd -Y EXTERNAL -H "$LDAPI_URI" -Q \
		-f "$HC_SRC/ldap-schema/hcoop.ldif" >/dev/null || return 1
	ldapadd -Y EXTERNAL -H "$LDAPI_URI" -Q \
		-f "$HC_SRC/ldap-schema/openssh-lpk.ldif" >/dev/null || return 1
	sed "s/dc=hcoop,dc=test/$LDAP_BASE/g" "$HC_SRC/ldap-schema/access.ldif" |
		ldapmodify -Y EXTERNAL -H "$LDAPI_URI" -Q >/dev/null || return 1
	# SLAPD_NO_FIXTURE=1: an empty database (a replica that fills itself
	# by replication, tests/lib/mirror.sh)
	[ -n "${SLAPD_NO_FIXTURE:-}" ] && return 0
	hc_fixture_ldif | slapd_add >/dev/null
}

# slapd_start: a fresh server with schema, rules and fixture loaded.
slapd_start() {
	local try
	SLAPD_DIR=$(hc_tmpdir)
	LDAP_BASE=${HC_FIXTURE_BASE:-dc=hcoop,dc=test}
	HC_FIXTURE_BASE=$LDAP_BASE
	LDAP_CACERT=$SLAPD_DIR/tls/ca.crt
	LDAPI_URI=$(_slapd_ldapi_url "$SLAPD_DIR/ldapi")
	HOST_DN="cn=host1.hcoop.test,ou=Hosts,$LDAP_BASE"
	HOST_PW=host1-secret
	export SLAPD_DIR LDAP_BASE LDAP_CACERT LDAPI_URI HOST_DN HOST_PW
	# SLAPD_TLS_FROM=DIR: reuse another server's CA and certificate (one
	# tls_cacert for a pair of servers)
	if [ -n "${SLAPD_TLS_FROM:-}" ]; then
		cp -a "$SLAPD_TLS_FROM/tls" "$SLAPD_DIR/tls" ||
			{ _slapd_log "cannot copy $SLAPD_TLS_FROM/tls"; return 1; }
	else
		_slapd_make_tls "$SLAPD_DIR" || { _slapd_log "openssl failed"; return 1; }
	fi
	mkdir -p "$SLAPD_DIR/slapd.d" "$SLAPD_DIR/db"
	_slapd_config_ldif "$SLAPD_DIR" >"$SLAPD_DIR/config.ldif"
	slapadd -n0 -F "$SLAPD_DIR/slapd.d" -l "$SLAPD_DIR/config.ldif" \
		>"$SLAPD_DIR/slapadd.log" 2>&1 || {
		_slapd_log "slapadd -n0 failed:"
		sed 's/^/#   /' "$SLAPD_DIR/slapadd.log" >&2
		return 1
	}
	# A port taken between choosing and binding makes slapd exit: retry.
	for try in 1 2 3; do
		_slapd_pick_ports
		_slapd_launch && break
		[ "$try" -lt 3 ] || return 1
	done
	_slapd_admin_setup || { _slapd_log "admin setup failed"; return 1; }
}

# slapd_set_bind_anon_dn on|off: olcAllows bind_anon_dn (a DN with an empty
# password binds as anonymous, as AD and others behave by default).
slapd_set_bind_anon_dn() {
	local op=delete
	[ "$1" = on ] && op=add
	slapd_modify >/dev/null <<EOT
dn: cn=config
changetype: modify
$op: olcAllows
olcAllows: bind_anon_dn
EOT
}

# slapd_require_tls_binds [on|off]: olcSecurity simple_bind=128, the server
# refuses simple binds without TLS (rc 13).
slapd_require_tls_binds() {
	if [ "${1:-on}" = on ]; then
		slapd_modify >/dev/null <<EOT
dn: cn=config
changetype: modify
replace: olcSecurity
olcSecurity: simple_bind=128
EOT
	else
		slapd_modify >/dev/null <<EOT
dn: cn=config
changetype: modify
delete: olcSecurity
EOT
	fi
}

# slapd_write_config FILE [extra "keyword value" lines...]
# An hcoop.conf for this server. An extra line whose keyword is one written
# here replaces the default (several extra "uri" lines replace the one uri).
slapd_write_config() {
	local f=$1 k line
	shift
	local -A over=()
	for line in "$@"; do over[${line%% *}]=1; done
	printf '%s\n' "$HOST_PW" >"$SLAPD_DIR/bindpw"
	chmod 0600 "$SLAPD_DIR/bindpw"
	{
		echo "# written by tests/lib/slapd.sh for $SLAPD_DIR"
		for line in "uri $LDAP_URI" "ssl start_tls" "base $LDAP_BASE" \
			"binddn $HOST_DN" "bindpw_file $SLAPD_DIR/bindpw" \
			"tls_cacert $LDAP_CACERT" "host host1.hcoop.test" \
			"admin_group admins" "min_uid 1000" \
			"cache ${HC_CACHE:-$SLAPD_DIR/cache}" \
			"heartbeat $SLAPD_DIR/run/hcoop-sync.state"; do
			k=${line%% *}
			[ -n "${over[$k]:-}" ] || echo "$line"
		done
		for line in "$@"; do echo "$line"; done
	} >"$f"
}
