# make demo KEEP=1: leave the namespace running with slapd (restarted),
# sshd and hcoop-sync, held open by a sleeping process, and record their
# PIDs so tests/demo/stop.sh can stop exactly these processes later.
# Sourced by demo.sh inside the namespace.

demo_keep() {
	slapd_start_again >>"$DEMO_DIR/slapd-start.log" 2>&1 ||
		{ echo "KEEP: slapd did not restart"; exit 1; }
	sleep infinity </dev/null >/dev/null 2>&1 &
	local holder=$! mntns
	mntns=$(readlink /proc/self/ns/mnt)
	{
		echo "# pid name mount-namespace (written by tests/demo/keep.sh)"
		echo "$WORLD_SYNC_PID hcoop-sync $mntns"
		echo "$SSHD_PID sshd $mntns"
		echo "$SLAPD_PID slapd $mntns"
		echo "$holder holder $mntns"
	} >"$DEMO_DIR/pids"
	# from here on nothing is stopped when this script exits
	_hc_cleanups=()
	cat <<EOT

Left running (KEEP=1) in a private namespace held by pid $holder:
  slapd $LDAP_URI (pid $SLAPD_PID), sshd 127.0.0.1:$SSHD_PORT (pid $SSHD_PID),
  hcoop-sync (pid $WORLD_SYNC_PID). Logs and data: $DEMO_DIR

Try it (password alice-secret-1; bob-secret-2 for bob, who is refused):
  nsenter --mount --net -t $holder ssh -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no alice@127.0.0.1 -p $SSHD_PORT
  nsenter --mount --net -t $holder getent passwd alice
  nsenter --mount --net -t $holder bash      # a root shell in that world

Move bob here and watch him get in (inside that shell):
  ldapmodify -Y EXTERNAL -H '$LDAPI_URI' -Q <<L
  dn: uid=bob,ou=People,$LDAP_BASE
  changetype: modify
  replace: hcoopHost
  hcoopHost: host1.hcoop.test
  L

Stop everything and remove $DEMO_DIR:
  $HC_SRC/tests/demo/stop.sh $DEMO_DIR
EOT
}
