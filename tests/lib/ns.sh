# A private world for a test: a new mount and network namespace (loopback
# only) in which /etc, /usr/lib/<multiarch>, /usr/sbin and /var/lib are
# overlays whose writable upper layers live in the test's temp dir, and
# /run, /var/log, /home are private. Nothing on the host changes.
#
# Usage, at the top of a test, after sourcing tap.sh:
#     source "$HC_SRC/tests/lib/ns.sh"
#     hc_ns_enter "$@"        # re-executes this script inside the namespace
# Then, inside:
#     hc_ns_install_modules   # build's libnss_hcoop/pam_hcoop/programs visible system-wide
#     hc_ns_nsswitch "files hcoop"   # passwd/group/initgroups lines
#     $HC_NS/etc/...  writes to the overlay upper = what /etc shows
#
# HC_NS is the root of the per-test state (removed at exit by the outer
# process). The namespace disappears when the test exits.

hc_ns_enter() {
	if [ "${HC_IN_NS:-0}" = 1 ]; then
		_hc_ns_setup
		return 0
	fi
	need_root
	local ns
	ns=$(mktemp -d /tmp/hcoop-ns.XXXXXX)
	chmod 0755 "$ns"
	local rc=0
	HC_IN_NS=1 HC_NS="$ns" unshare -m -n --propagation private -- "$0" "$@" || rc=$?
	# overlay work dirs may hold root-only leftovers; plain rm suffices
	rm -rf "$ns"
	_hc_run_cleanups
	trap - EXIT
	exit "$rc"
}

_hc_ns_overlay() { # target name
	local target=$1 name=$2
	mkdir -p "$HC_NS/$name.upper" "$HC_NS/$name.work"
	mount -t overlay "hcoop-$name" \
		-o "lowerdir=$target,upperdir=$HC_NS/$name.upper,workdir=$HC_NS/$name.work" "$target"
}

_hc_ns_setup() {
	local multiarch
	multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
	HC_NS_LIBDIR=/usr/lib/$multiarch
	ip link set lo up
	_hc_ns_overlay /etc etc
	_hc_ns_overlay "$HC_NS_LIBDIR" lib
	_hc_ns_overlay /usr/sbin sbin
	_hc_ns_overlay /var/lib varlib
	mount -t tmpfs -o mode=0755 hcoop-run /run
	mkdir -p /run/sshd /run/lock
	chmod 0755 /run/sshd
	mount -t tmpfs -o mode=0755 hcoop-log /var/log
	mkdir -p "$HC_NS/home"
	chmod 0755 "$HC_NS/home"
	mount --bind "$HC_NS/home" /home
	mkdir -p /var/lib/hcoop
	export HC_NS HC_NS_LIBDIR
	# nscd must not answer for the host inside our world
	rm -f /etc/nscd.conf 2>/dev/null || true
}

# Make the build's modules and programs visible as if installed.
hc_ns_install_modules() {
	local b=${1:-$HC_BUILD}
	[ -f "$b/libnss_hcoop.so.2" ] && install -m 0644 "$b/libnss_hcoop.so.2" "$HC_NS_LIBDIR/"
	mkdir -p "$HC_NS_LIBDIR/security"
	[ -f "$b/pam_hcoop.so" ] && install -m 0644 "$b/pam_hcoop.so" "$HC_NS_LIBDIR/security/"
	[ -f "$b/hcoop-sync" ] && install -m 0755 "$b/hcoop-sync" /usr/sbin/
	[ -f "$b/hcoop-mkhome" ] && install -m 0755 "$b/hcoop-mkhome" /usr/sbin/
	return 0
}

# hc_ns_nsswitch "files hcoop" -> passwd/group (and shadow: files) lines
hc_ns_nsswitch() {
	local src=$1
	cat >/etc/nsswitch.conf <<EOT
passwd:         $src
group:          $src
shadow:         files
hosts:          files
EOT
}
