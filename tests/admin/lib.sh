# Shared helpers of the hcoopctl tests (source after tap.sh): a slapd with
# the fixture, and "hosts" simulated on this machine, each with its own
# config, cache, heartbeat, home base and metrics directory.
source "$HC_SRC/tests/lib/slapd.sh"

CTL=$HC_BUILD/hcoopctl
SYNC=$HC_BUILD/hcoop-sync
export LDAPTLS_REQCERT=demand

# ha_host NAME [extra config lines...]: writes $T/NAME/hcoop.conf for host
# NAME.hcoop.test binding as its own host account (password NAME-secret).
ha_host() {
	local h=$1 d=$T/$1
	shift
	mkdir -p "$d/home" "$d/prom"
	printf '%s-secret\n' "$h" >"$d/bindpw"
	chmod 0600 "$d/bindpw"
	HC_CACHE=$d/cache slapd_write_config "$d/hcoop.conf" \
		"host $h.hcoop.test" "binddn cn=$h.hcoop.test,ou=Hosts,$LDAP_BASE" \
		"bindpw_file $d/bindpw" "heartbeat $d/state" "home_base $d/home" \
		"metrics_dir $d/prom" "$@"
}

# ha_start NAME: its hcoop-sync daemon, stopped by PID at exit.
ha_start() {
	"$SYNC" -c "$T/$1/hcoop.conf" --foreground --debug >>"$T/$1/log" 2>&1 </dev/null &
	eval "HA_PID_$1=$!"
	hc_on_exit "hc_stop_pid $!"
}

# ha_wait SECONDS command...: poll every 100 ms until it succeeds.
ha_wait() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# Members LDAP assigns to host NAME.hcoop.test (read as admin).
ha_assigned() {
	slapd_search -b "ou=People,$LDAP_BASE" "(hcoopHost=$1.hcoop.test)" dn | grep -c '^dn:'
}
