# The member server as the end-to-end test and `make demo` build it, inside
# hc_ns_enter's private namespace (so every write below lands in overlays):
# our modules installed, nsswitch "files hcoop", /etc/hcoop.conf for the
# test slapd, a PAM service for the test sshd with the stacks pam_hcoop(8)
# recommends, a skeleton, and hcoop-sync running as a daemon.
#
# Needs tap.sh, ns.sh, slapd.sh and sshd.sh sourced, slapd_start done.

WORLD_SKEL=/etc/hcoop-test-skel
WORLD_SYNC_PID=

# The four stacks of pam_hcoop(8), Debian style, in /etc/pam.d/common-*
# (inside the namespace's /etc overlay), so sshd, passwd and su all use them
# as on a real member server: pam_unix first, so root and local accounts
# never depend on pam_hcoop.so (a missing or broken module cannot lock them
# out); members, whom pam_unix cannot authenticate or account for (no
# shadow entry), fall through to pam_hcoop. These are the stacks
# pam-auth-update writes from debian/pam-configs/hcoop (pam_hcoop(8)
# EXAMPLES).
world_pam_stacks() { # pam.d directory
	local d=$1
	cat >"$d/common-auth" <<'EOF'
auth      [success=2 default=ignore]  pam_unix.so nullok
auth      [success=1 default=ignore]  pam_hcoop.so try_first_pass
auth      requisite                   pam_deny.so
auth      required                    pam_permit.so
EOF
	cat >"$d/common-account" <<'EOF'
account   [success=2 new_authtok_reqd=done default=ignore]  pam_unix.so
account   [success=1 new_authtok_reqd=done ignore=ignore default=die]  pam_hcoop.so
account   requisite                   pam_deny.so
account   required                    pam_permit.so
EOF
	cat >"$d/common-password" <<'EOF'
password  [success=2 ignore=ignore default=die]  pam_hcoop.so
password  [success=1 default=ignore]  pam_unix.so obscure yescrypt
password  requisite                   pam_deny.so
password  required                    pam_permit.so
EOF
	cat >"$d/common-session" <<'EOF'
session   required                    pam_unix.so
session   optional                    pam_hcoop.so
EOF
}

# The test sshd's service: Debian's sshd file reduced to the common stacks
# (pam_loginuid, pam_selinux, pam_systemd do not belong in a test).
world_pam_service() { # file
	cat >"$1" <<'EOF'
# sshd-hcooptest: the test sshd's PAM service (tests/e2e/world.sh)
@include common-auth
account    required     pam_nologin.so
@include common-account
@include common-session
@include common-password
EOF
}

world_skeleton() {
	mkdir -p "$WORLD_SKEL/docs"
	printf '# hcoop test skeleton\n' >"$WORLD_SKEL/.bashrc"
	printf '# hcoop test profile\n' >"$WORLD_SKEL/.profile"
	printf 'Welcome to host1.\n' >"$WORLD_SKEL/docs/WELCOME"
}

# hcoop.conf at the fixed path, so NSS, PAM and hcoop-mkhome all read it.
world_config() {
	world_skeleton
	HC_CACHE=/var/lib/hcoop/cache slapd_write_config /etc/hcoop.conf \
		"mkhome /usr/sbin/hcoop-mkhome" \
		"home_base /home" \
		"skel $WORLD_SKEL" \
		"home_acl user:www-data:--x" \
		"public_acl user:www-data:r-x" \
		"maildir yes"
	chmod 0644 /etc/hcoop.conf
}

# Wait (bounded) until NAME resolves through NSS.
world_wait_user() { # name [seconds]
	local i n=$((${2:-10} * 20))
	for ((i = 0; i < n; i++)); do
		getent passwd "$1" >/dev/null && return 0
		sleep 0.05
	done
	return 1
}

world_start_sync() { # [log file]
	local log=${1:-$HC_NS/hcoop-sync.log}
	/usr/sbin/hcoop-sync -c /etc/hcoop.conf --foreground </dev/null >>"$log" 2>&1 &
	WORLD_SYNC_PID=$!
	hc_on_exit "world_stop_sync"
	world_wait_user alice 15
}

world_stop_sync() {
	[ -n "$WORLD_SYNC_PID" ] || return 0
	hc_stop_pid "$WORLD_SYNC_PID"
	WORLD_SYNC_PID=
}

# A local account in the namespace's files database (shadow hash made here).
world_local_user() { # name uid password
	local name=$1 uid=$2 hash
	hash=$(openssl passwd -6 "$3")
	echo "$name:x:$uid:$uid:Local $name:/home/$name:/bin/bash" >>/etc/passwd
	echo "$name:x:$uid:" >>/etc/group
	echo "$name:$hash:19000:0:99999:7:::" >>/etc/shadow
	mkdir -p "/home/$name"
	chown "$uid:$uid" "/home/$name"
	chmod 0750 "/home/$name"
}

# SSH keys from the cache (issue 17): sshd_start "${WORLD_SSHD_KEYS[@]}"
# after world_install_keys, the two lines hcoop-authorized-keys(8) gives.
WORLD_SSHD_KEYS=("AuthorizedKeysCommand /usr/sbin/hcoop-authorized-keys %u"
	"AuthorizedKeysCommandUser nobody")
world_install_keys() {
	install -o root -g root -m 0755 "$HC_BUILD/hcoop-authorized-keys" /usr/sbin/
}

# Everything above, then sshd. Caller did hc_ns_enter and slapd_start.
world_setup() {
	hc_ns_install_modules
	hc_ns_nsswitch "files hcoop"
	world_config
	world_pam_stacks /etc/pam.d
	world_pam_service "/etc/pam.d/$SSHD_SERVICE"
}
