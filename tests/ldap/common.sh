# Shared by tests/ldap/t-*.sh: the driver, the fixture's DNs, timing.
LDAPCHECK=$HC_BUILD/tests/ldapcheck
BLACKHOLE=$HC_BUILD/tests/blackhole
[ -x "$LDAPCHECK" ] && [ -x "$BLACKHOLE" ] ||
	{ echo "not ok - $LDAPCHECK or $BLACKHOLE not built (make ldap-tests)"; exit 1; }

udn() { echo "uid=$1,ou=People,$LDAP_BASE"; }

# ms_since START_NS: milliseconds elapsed
now_ns() { date +%s%N; }
ms_since() { echo $((($(now_ns) - $1) / 1000000)); }

# Start a listener that accepts and never answers; sets BH_PORT.
start_blackhole() {
	local f=$SLAPD_DIR/blackhole.$RANDOM i
	"$BLACKHOLE" >"$f" 2>&1 &
	local pid=$!
	hc_on_exit "hc_stop_pid $pid"
	for ((i = 0; i < 500; i++)); do
		[ -s "$f" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	BH_PORT=$(head -1 "$f")
	[ -n "$BH_PORT" ] || { echo "# blackhole did not start"; return 1; }
}

# A port with nothing listening on 127.0.0.1.
closed_port() {
	local p
	p=$(hc_free_port)
	echo "$p"
}

# run_rc VAR cmd...: run, keep stdout+stderr in $OUT and the status in VAR
run_rc() {
	local __v=$1
	shift
	OUT=$("$@" 2>&1)
	printf -v "$__v" '%s' "$?"
}
