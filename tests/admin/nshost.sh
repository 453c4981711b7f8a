# Simulated hosts that look like real ones from inside: each host's
# programs (its hcoop-sync daemon with precreate_homes, hcoop-mkhome,
# hcoopctl explain/homes audit, rsync) run in a private mount namespace
# where $T/NAME/home is bind-mounted on /home (so the members'
# homeDirectory /home/NAME is under that host's home_base), $T/NAME/varlib
# on /var/lib/hcoop (the NSS module, which the admission decision asks,
# reads the cache at its fixed path there) and $T/NAME/hcoop.conf on
# /etc/hcoop.conf. So every command about one host runs through nh_in. Source after lib.sh,
# inside the test's private world (tests/lib/ns.sh), then call nh_setup.

# nh_setup: the NSS module as if installed, "files hcoop", /etc/hcoop.conf.
nh_setup() {
	# the NSS module from the normal build even on the ASan tree: every
	# tool of the test (chown, stat, find, python3) loads it, and an ASan
	# library cannot load into a program built without ASan
	hc_ns_install_modules "$HC_SRC/build"
	hc_ns_nsswitch "files hcoop"
	: >/etc/hcoop.conf
	chmod 0644 /etc/hcoop.conf
	mkdir -p /var/lib/hcoop
}

# nh_host NAME [extra config lines...]: $T/NAME/hcoop.conf
nh_host() {
	local h=$1 d=$T/$1
	shift
	mkdir -p "$d/home" "$d/prom" "$d/varlib"
	chmod 0755 "$d" "$d/home" "$d/varlib"
	printf '%s-secret\n' "$h" >"$d/bindpw"
	chmod 0600 "$d/bindpw"
	HC_CACHE=/var/lib/hcoop/cache slapd_write_config "$d/hcoop.conf" \
		"host $h.hcoop.test" "binddn cn=$h.hcoop.test,ou=Hosts,$LDAP_BASE" \
		"bindpw_file $d/bindpw" "heartbeat $d/state" "home_base /home" \
		"metrics_dir $d/prom" "mkhome $HC_BUILD/hcoop-mkhome" "skel none" \
		"status_interval 1" "$@"
}

# nh_in NAME command...: run it as host NAME sees the world (its /home).
nh_in() {
	local h=$1
	shift
	unshare -m --propagation private -- /bin/sh -c \
		'mount --bind "$1/home" /home && mount --bind "$1/varlib" /var/lib/hcoop &&
		mount --bind "$1/hcoop.conf" /etc/hcoop.conf && shift && exec "$@"' \
		sh "$T/$h" "$@"
}

# nh_start NAME: its hcoop-sync daemon (in its namespace), stopped by PID.
# (unshare, sh and the daemon are one process, exec after exec: $! is the
# daemon's PID; a shell function in the background would be a subshell.)
nh_start() {
	unshare -m --propagation private -- /bin/sh -c \
		'mount --bind "$1/home" /home && mount --bind "$1/varlib" /var/lib/hcoop &&
		mount --bind "$1/hcoop.conf" /etc/hcoop.conf && shift && exec "$@"' \
		sh "$T/$1" "$SYNC" -c "$T/$1/hcoop.conf" --foreground --debug \
		>>"$T/$1/log" 2>&1 </dev/null &
	eval "NH_PID_$1=$!"
	hc_on_exit "hc_stop_pid $!"
}

# nh_verdict HOST USER: explain's exit code on HOST (0 admitted, 4 refused).
nh_verdict() {
	nh_in "$1" "$CTL" -c "$T/$1/hcoop.conf" explain "$2" >/dev/null 2>&1
	echo $?
}

# nh_why HOST USER: explain's verdict (e.g. ADMIT_HERE, REFUSE_ELSEWHERE).
nh_why() {
	nh_in "$1" "$CTL" -c "$T/$1/hcoop.conf" --json explain "$2" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["verdict"])'
}
