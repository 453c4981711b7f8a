# Shared set-up for the pam_hcoop tests: a slapd with the fixture, a cache
# made from it, private PAM service files naming the module by absolute
# path, and pamdrive (real Linux-PAM via pam_start_confdir).
#
#   source "$HC_SRC/tests/pam/lib.sh"
#   pam_setup [extra config lines...]   # slapd, $CONF, cache, $PAM_CONFDIR
#   pam_service NAME "type control module args" ...
#   drive SERVICE USER OPS [ANSWER...]  # sets OUT, RV (last op's code)
#   pcase "desc" SERVICE USER OP EXPECTED_RV [MSG_REGEX] [ANSWER...]
#
# Every PAM test runs in a private namespace (tests/lib/ns.sh) whose NSS is
# "files hcoop" over the test cache at the default path: pam_hcoop admits
# a name only if NSS resolves it to the cached uid, as on a member server.
# Sourcing this file enters the namespace unless the test already did.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
[ -n "${HC_NS_LIBDIR:-}" ] || hc_ns_enter "$@"
source "$HC_SRC/tests/lib/slapd.sh"

PAMDRIVE=$HC_BUILD/tests/pamdrive
SYSLOGCAP=$HC_BUILD/tests/libsyslogcap.so
PAM_SO=$HC_BUILD/pam_hcoop.so
PAM_ECHO_IGNORED="hcoop-test: module returned PAM_IGNORE"

pam_need_build() {
	if [ ! -x "$PAMDRIVE" ] || [ ! -f "$PAM_SO" ] || [ ! -f "$SYSLOGCAP" ]; then
		fail "pam_hcoop.so, tests/pamdrive, tests/libsyslogcap.so are built in $HC_BUILD"
		exit 1
	fi
}

# The fixture as an hcoop-mkcache spec (used until hcoop-sync is built).
_pam_fixture_spec() {
	local b=${LDAP_BASE:-dc=hcoop,dc=test} u i
	_pam_u() { printf 'U:%s:%s:%s:%s:/home/%s:/bin/bash:uid=%s,ou=People,%s:%s:%s:%s\n' \
		"$1" "$2" "$2" "${4:-$1}" "$1" "$1" "$b" "$3" "${5:-0}" "${6:-}"; }
	_pam_u alice 10001 host1.hcoop.test "Alice Liddell"
	_pam_u bob 10002 host2.hcoop.test
	_pam_u carol 10003 ""
	_pam_u dave 10004 host2.hcoop.test
	_pam_u erin 10005 host1.hcoop.test erin 1
	_pam_u frank 10006 host1.hcoop.test frank 0 1
	for ((i = 1; i <= 600; i++)); do
		printf -v n 'user%04d' "$i"
		printf 'U:%s:%s:20000:%s:/home/%s:/bin/bash:uid=%s,ou=People,%s:host%s.hcoop.test:0:\n' \
			"$n" $((20000 + i)) "$n" "$n" "$n" "$b" $((2 - i % 2))
	done
	for u in alice:10001 bob:10002 carol:10003 dave:10004 erin:10005 frank:10006; do
		printf 'G:%s:%s:%s\n' "${u%%:*}" "${u#*:}" "${u%%:*}"
	done
	printf 'G:staff:5000:alice,bob,dave\nG:admins:5001:dave\nG:www:5002:alice\n'
}

# pam_make_cache CONF CACHE: the real hcoop-sync when it exists.
pam_make_cache() {
	if [ -x "$HC_BUILD/hcoop-sync" ]; then
		"$HC_BUILD/hcoop-sync" -c "$1" --once
	else
		diag "hcoop-sync not built yet: cache from hcoop-mkcache"
		_pam_fixture_spec | "$HC_BUILD/tests/hcoop-mkcache" "$2"
	fi
}

# nss_hcoop for every process of the namespace. On the ASan tree the
# module comes from the plain tree: an ASan-built NSS module would abort
# every uninstrumented program that looks a name up (chown, stat, su).
pam_ns_nss() {
	hc_ns_install_modules
	if [ "${HC_SAN:-0}" = 1 ]; then
		local plain=${HC_BUILD%-san}/libnss_hcoop.so.2
		[ -f "$plain" ] || { fail "$plain is built (make all)"; exit 1; }
		install -m 0644 "$plain" "$HC_NS_LIBDIR/"
	fi
	hc_ns_nsswitch "files hcoop"
}

pam_setup() {
	pam_need_build
	slapd_start || { fail "slapd_start"; exit 1; }
	PAM_DIR=$(hc_tmpdir)
	PAM_CONFDIR=$PAM_DIR/pam.d
	PAM_LOG=$PAM_DIR/syslog
	mkdir -p "$PAM_CONFDIR"
	CONF=$PAM_DIR/hcoop.conf
	CACHE=/var/lib/hcoop/cache # where nss_hcoop reads it
	pam_ns_nss
	# Debian's local group staff (gid 50) would clash with the fixture's
	# LDAP staff (5000), and pam_hcoop refuses members of a group that
	# clashes with a local one (t-takeover.sh): this world has no local
	# staff, so the fixture's staff is a plain LDAP group here.
	sed -i '/^staff:/d' /etc/group
	HC_CACHE=$CACHE slapd_write_config "$CONF" "timeout 2" "$@"
	pam_make_cache "$CONF" "$CACHE" >"$PAM_DIR/sync.log" 2>&1 ||
		{ fail "cache made"; cat "$PAM_DIR/sync.log"; exit 1; }
	# the module alone; PAM_IGNORE shows as pam_echo's message
	pam_service hc_only \
		"auth [success=done ignore=ignore default=die] $PAM_SO config=$CONF" \
		"auth optional pam_echo.so $PAM_ECHO_IGNORED" \
		"account [success=done ignore=ignore default=die] $PAM_SO config=$CONF" \
		"account optional pam_echo.so $PAM_ECHO_IGNORED" \
		"password [success=done ignore=ignore default=die] $PAM_SO config=$CONF" \
		"password optional pam_echo.so $PAM_ECHO_IGNORED" \
		"session [success=done ignore=ignore default=die] $PAM_SO config=$CONF" \
		"session optional pam_echo.so $PAM_ECHO_IGNORED"
}

pam_service() {
	local name=$1
	shift
	printf '%s\n' "$@" >"$PAM_CONFDIR/$name"
}

# ASan's crypt() interceptor needs libcrypt loaded at start-up, or
# pam_unix (dlopened later) calls a NULL "real" crypt.
_pam_preload=$SYSLOGCAP
if [ "${HC_SAN:-0}" = 1 ]; then
	_pam_crypt=$(ldconfig -p | awk '/libcrypt\.so\.1 .*x86-64|libcrypt\.so\.1 \(libc6,x86-64/{print $NF; exit}')
	[ -z "$_pam_crypt" ] || _pam_preload="$_pam_crypt $SYSLOGCAP"
fi

# pamdrive with syslog captured into $PAM_LOG (what the module logs)
pamdrive() {
	LD_PRELOAD=$_pam_preload HC_SYSLOG_FILE=$PAM_LOG \
		ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 \
		"$PAMDRIVE" "$@"
}

# drive SERVICE USER OPS [ANSWER...]: OUT = everything pamdrive printed,
# RV = the code of the last operation run (PAM_IGNORE when the module
# ignored the user, as pam_echo then says).
drive() {
	local svc=$1 user=$2 ops=$3
	shift 3
	: >"$PAM_LOG"
	OUT=$(pamdrive "$PAM_CONFDIR" "$svc" "$user" "$ops" "$@" 2>&1)
	RV=$(printf '%s\n' "$OUT" | awk '/^(auth|setcred|acct|chauthtok|open|close|start) /{r=$2} END{print r}')
	# pam_echo runs only when pam_hcoop ignored (success=done, default=die)
	if printf '%s' "$OUT" | grep -qF "$PAM_ECHO_IGNORED"; then
		RV=PAM_IGNORE
	fi
}

# pdeny "desc" SERVICE USER OPS [ANSWER...]: anything but success
pdeny() {
	local desc=$1 svc=$2 user=$3 ops=$4
	shift 4
	drive "$svc" "$user" "$ops" "$@"
	if [ -n "$RV" ] && [ "$RV" != PAM_SUCCESS ] && [ "$RV" != PAM_IGNORE ]; then
		ok "$desc: refused ($RV)"
	else
		fail "$desc: got ${RV:-nothing}, expected a refusal"
		diag "$(printf '%s' "$OUT" | head -c 2000)"
	fi
}

# pcase "desc" SERVICE USER OPS EXPECTED_RV MSG_REGEX [ANSWER...]
# MSG_REGEX "" means: no check of the messages.
pcase() {
	local desc=$1 svc=$2 user=$3 ops=$4 want=$5 msg=$6
	shift 6
	drive "$svc" "$user" "$ops" "$@"
	if [ "$RV" = "$want" ]; then
		ok "$desc: $want"
	else
		fail "$desc: got $RV, expected $want"
		diag "$(printf '%s' "$OUT" | head -c 2000)"
	fi
	if [ -n "$msg" ]; then
		like "$desc: message" "$OUT" "$msg"
	fi
}
