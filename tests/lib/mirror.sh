# Two slapd in multi-provider ("mirror mode") replication, for failover
# tests. The recipe (tests/faults/README.md explains each step):
#   - server 1 is a normal slapd_start (schema, rules, fixture); server 2
#     has the same CA and certificate (one tls_cacert serves both) and an
#     empty database that fills itself by replication;
#   - each gets a distinct olcServerID (1, 2) in cn=config, and its
#     database an olcRootDN (slapd refuses syncrepl without one; it needs
#     no password: nobody binds as it);
#   - each database gets olcSyncrepl to the other (rid 001 on server 1
#     pulling from 2, rid 002 on server 2 pulling from 1), refreshAndPersist,
#     retry "1 +", bound as root over the peer's ldapi socket (SASL
#     EXTERNAL: root manages and has no size limit), and olcMultiProvider
#     TRUE (mirror mode's name in 2.5);
#   - a canary entry is added on each side and waited for on the other:
#     OpenLDAP 2.5 can lose a change made within ~1 s of a (re)start while
#     the peer's consumer is still refused, so nothing is asserted about
#     replication before both directions have been seen working.
#
#   source tests/lib/tap.sh; source tests/lib/mirror.sh
#   mirror_start            # M1_* and M2_*: DIR PID URI LDAPS LDAPI
#   mirror_ldap N ldapmodify ...   # a command against server N over ldapi
#   mirror_freeze N / mirror_thaw N   (SIGSTOP / SIGCONT)
#   mirror_kill N / mirror_restart N
#   mirror_config FILE [extra lines]  # hcoop.conf with both uris (1 first)
# LDAP_CACERT, LDAP_BASE, HOST_DN, HOST_PW as slapd.sh sets them.

source "${HC_SRC:?}/tests/lib/slapd.sh"

_mirror_save() { # N: the slapd.sh globals of the server just started
	local n=$1
	printf -v "M${n}_DIR" %s "$SLAPD_DIR"
	printf -v "M${n}_PID" %s "$SLAPD_PID"
	printf -v "M${n}_URI" %s "$LDAP_URI"
	printf -v "M${n}_LDAPS" %s "$LDAPS_URI"
	printf -v "M${n}_LDAPI" %s "$LDAPI_URI"
	export "M${n}_DIR" "M${n}_PID" "M${n}_URI" "M${n}_LDAPS" "M${n}_LDAPI"
	hc_on_exit "kill -CONT $SLAPD_PID 2>/dev/null"
}

_mirror_var() { local v="M$1_$2"; echo "${!v}"; }

# mirror_ldap N CMD ARGS...: run an ldap* tool as root over server N's ldapi.
mirror_ldap() {
	local n=$1 cmd=$2
	shift 2
	"$cmd" -Y EXTERNAL -H "$(_mirror_var "$n" LDAPI)" -Q "$@"
}

_mirror_replicate() { # N PEER rid
	local n=$1 peer=$2 rid=$3
	mirror_ldap "$n" ldapmodify >/dev/null <<EOT || return 1
dn: cn=config
changetype: modify
replace: olcServerID
olcServerID: $n

dn: olcDatabase={1}mdb,cn=config
changetype: modify
replace: olcRootDN
olcRootDN: cn=replicator,$LDAP_BASE
-
add: olcSyncrepl
olcSyncrepl: rid=$rid provider=$(_mirror_var "$peer" LDAPI) bindmethod=sasl
  saslmech=EXTERNAL searchbase="$LDAP_BASE" type=refreshAndPersist
  retry="1 +" timeout=1 network-timeout=1
-
replace: olcMultiProvider
olcMultiProvider: TRUE
EOT
}

# mirror_canary N PEER NAME: add ou=NAME on N, wait (10 s) until PEER has it.
mirror_canary() {
	local n=$1 peer=$2 name=$3 i
	mirror_ldap "$n" ldapadd >/dev/null <<EOT || return 1
dn: ou=$name,$LDAP_BASE
objectClass: organizationalUnit
ou: $name
EOT
	for ((i = 0; i < 200; i++)); do
		mirror_ldap "$peer" ldapsearch -LLL -b "ou=$name,$LDAP_BASE" \
			-s base dn >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	_slapd_log "canary ou=$name did not replicate from $n to $peer"
	return 1
}

mirror_start() {
	slapd_start || return 1
	_mirror_save 1
	SLAPD_TLS_FROM=$M1_DIR SLAPD_NO_FIXTURE=1 slapd_start || return 1
	_mirror_save 2
	_mirror_replicate 1 2 001 && _mirror_replicate 2 1 002 || {
		_slapd_log "replication setup failed"
		return 1
	}
	mirror_canary 1 2 canary1 && mirror_canary 2 1 canary2
}

mirror_freeze() { kill -STOP "$(_mirror_var "$1" PID)"; }
mirror_thaw() { kill -CONT "$(_mirror_var "$1" PID)"; }

# Restore slapd.sh's globals to server N (for slapd_stop/start_again).
_mirror_select() {
	SLAPD_DIR=$(_mirror_var "$1" DIR)
	SLAPD_PID=$(_mirror_var "$1" PID)
	LDAP_URI=$(_mirror_var "$1" URI)
	LDAPS_URI=$(_mirror_var "$1" LDAPS)
	LDAPI_URI=$(_mirror_var "$1" LDAPI)
}

mirror_kill() {
	_mirror_select "$1"
	kill -KILL "$SLAPD_PID" 2>/dev/null
	wait "$SLAPD_PID" 2>/dev/null
	SLAPD_PID=
	printf -v "M$1_PID" %s ""
}

mirror_restart() {
	_mirror_select "$1"
	slapd_start_again || return 1
	_mirror_save "$1"
}

# mirror_config FILE [extra lines]: hcoop.conf following both servers
# (server 1 first), unless the extra lines name their own uris.
mirror_config() {
	local f=$1 l uris=("uri $M1_URI" "uri $M2_URI")
	shift
	for l in "$@"; do [ "${l%% *}" != uri ] || uris=(); done
	_mirror_select 1
	slapd_write_config "$f" "${uris[@]}" "$@"
}
