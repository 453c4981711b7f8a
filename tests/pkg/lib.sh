# Shared helpers of the Debian package tests (source after tap.sh).
#
#   pkg_debs DIR            the .debs of this tree, built (scripts/build-debs.sh)
#                           only when the tree changed since the last build
#   pkg_root                a clean Debian 12 root (mmdebstrap minbase), made
#                           once and cached under build/pkg/; prints its dir
#   pkg_chroot_up NAME      a chroot over an overlay of that root (inside the
#                           test's private mount namespace): $PKG_ROOT
#   in_root CMD...          run a command in it
#
# The network namespace of hc_ns_enter has no route to the mirror: call
# pkg_prepare before hc_ns_enter (it is a no-op when all is cached).
#
# The root holds what the tests need and what the packages depend on, so
# nothing is downloaded into it later: pamtester (real Linux-PAM), libnss-systemd
# (Debian 12's "files systemd" nsswitch.conf), libldap, libacl.

PKG_CACHE=${PKG_CACHE:-$HC_SRC/build/pkg}
PKG_INCLUDE=pamtester,libldap-2.5-0,libacl1,libnss-systemd,systemd,libpam-runtime
PKG_MIRROR=${PKG_MIRROR:-/etc/apt/sources.list.d/debian.sources}

# A hash of the source tree as scripts/build-debs.sh copies it.
_pkg_tree_hash() {
	(cd "$HC_SRC" && find . \( -path ./.git -o -path './build*' \) -prune -o \
		-type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum |
		cut -c1-16)
}

# pkg_debs OUTDIR [VERSION]: build the packages of this tree (as VERSION,
# default the tree's) into OUTDIR unless a build of the same tree is
# already there.
pkg_debs() {
	local out=$1 v=${2:-} h
	h=$(_pkg_tree_hash)$v
	if [ "$(cat "$out/tree.hash" 2>/dev/null)" = "$h" ] &&
		ls "$out"/*.changes >/dev/null 2>&1; then
		return 0
	fi
	rm -rf "$out"
	HC_DEB_VERSION=$v "$HC_SRC/scripts/build-debs.sh" "$out" >/dev/null || return 1
	echo "$h" >"$out/tree.hash"
}

# pkg_root: the extracted clean root, made once per include list (the
# tarball and the tree are kept in build/pkg/; delete them to refresh).
pkg_root() {
	local key dir tar
	key=$(echo "bookworm minbase $PKG_INCLUDE" | sha256sum | cut -c1-12)
	dir=$PKG_CACHE/root-$key
	tar=$PKG_CACHE/bookworm-minbase-$key.tar
	if [ ! -f "$dir/.complete" ]; then
		mkdir -p "$PKG_CACHE"
		if [ ! -f "$tar" ]; then
			mmdebstrap --variant=minbase --mode=root \
				--dpkgopt=force-unsafe-io --include="$PKG_INCLUDE" \
				bookworm "${tar%.tar}.partial.tar" "$PKG_MIRROR" \
				>"$PKG_CACHE/mmdebstrap.log" 2>&1 || {
				echo "# mmdebstrap failed; see $PKG_CACHE/mmdebstrap.log" >&2
				tail -5 "$PKG_CACHE/mmdebstrap.log" | sed 's/^/#   /' >&2
				rm -rf "${tar%.tar}.partial.tar"
				return 1
			}
			mv "${tar%.tar}.partial.tar" "$tar"
		fi
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -C "$dir" -xf "$tar" || return 1
		touch "$dir/.complete"
	fi
	echo "$dir"
}

# Build the packages and the clean root (outside the namespace: the
# mirror is needed once). Failures are reported again inside.
pkg_prepare() {
	[ "${HC_IN_NS:-0}" = 1 ] && return 0
	need_root
	pkg_root >/dev/null || true
	pkg_debs "$PKG_CACHE/debs" || true
	[ -z "${PKG_NEXT_VERSION:-}" ] ||
		pkg_debs "$PKG_CACHE/debs-next" "$PKG_NEXT_VERSION" || true
}

# The .debs to install from a build dir (no -dbgsym).
pkg_deb_list() { ls "$1"/*.deb | grep -v -- -dbgsym_; }

# pkg_chroot_up NAME: a fresh chroot at $PKG_ROOT (overlay: lower the
# clean root, upper $PKG_UPPER in the test's temp dir), with /proc, a
# private devpts and a tmpfs /run, and a policy-rc.d that refuses every
# service action and logs it to /var/log/policy-rc.d.log (the host's
# policy does not apply in a chroot). Call inside the private namespace.
pkg_chroot_up() {
	local name=$1 lower d
	lower=$(pkg_root) || return 1
	d=$(hc_tmpdir)
	PKG_UPPER=$d/upper
	PKG_ROOT=$d/root
	mkdir -p "$PKG_UPPER" "$d/work" "$PKG_ROOT"
	mount -t overlay "hcoop-pkg-$name" \
		-o "lowerdir=$lower,upperdir=$PKG_UPPER,workdir=$d/work" "$PKG_ROOT" || return 1
	# before the temp dir goes (the namespace would drop them only later)
	hc_on_exit "umount -R '$PKG_ROOT'"
	mount -t proc proc "$PKG_ROOT/proc"
	mkdir -p "$PKG_ROOT/dev/pts"
	mount -t devpts -o newinstance,ptmxmode=0666 devpts "$PKG_ROOT/dev/pts"
	mount -t tmpfs -o mode=0755 run "$PKG_ROOT/run"
	# what a systemd host has: the maintainer scripts then ask
	# deb-systemd-invoke to (re)start the unit, which the policy refuses
	mkdir -p "$PKG_ROOT/run/systemd/system" "$PKG_ROOT/run/lock"
	cat >"$PKG_ROOT/usr/sbin/policy-rc.d" <<'EOT'
#!/bin/sh
echo "$*" >>/var/log/policy-rc.d.log
exit 101
EOT
	chmod 0755 "$PKG_ROOT/usr/sbin/policy-rc.d"
	export PKG_ROOT PKG_UPPER
}

in_root() { chroot "$PKG_ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

# pkg_install DEB...: dpkg -i inside the chroot (copied in first).
pkg_install() {
	local f
	mkdir -p "$PKG_ROOT/tmp/debs"
	rm -f "$PKG_ROOT"/tmp/debs/*.deb
	for f in "$@"; do cp "$f" "$PKG_ROOT/tmp/debs/"; done
	in_root sh -c 'dpkg -i /tmp/debs/*.deb' >>"$PKG_LOG" 2>&1
}

# The admin's part, as the README says: root's and a local user's
# passwords, /etc/hcoop.conf for the test slapd (started by the caller),
# the secret (root, 0600), the CA; and a PAM service like sshd's
# (Debian's common-auth and common-account).
_pkg_hash() { openssl passwd -6 -salt "$1" "$2"; }
pkg_admin_setup() {
	in_root usermod -p "$(_pkg_hash rootsalt root-secret-9)" root
	in_root useradd -m -s /bin/bash -p "$(_pkg_hash localsalt local-secret-7)" localuser
	cp "$LDAP_CACERT" "$PKG_ROOT/etc/hcoop-ca.crt"
	install -m 0600 /dev/null "$PKG_ROOT/etc/hcoop.secret"
	printf '%s\n' "$HOST_PW" >"$PKG_ROOT/etc/hcoop.secret"
	cat >"$PKG_ROOT/etc/hcoop.conf" <<EOT
uri $LDAP_URI
ssl start_tls
tls_cacert /etc/hcoop-ca.crt
base $LDAP_BASE
binddn $HOST_DN
bindpw_file /etc/hcoop.secret
host host1.hcoop.test
admin_group admins
min_uid 1000
EOT
	printf '@include common-auth\n@include common-account\n' \
		>"$PKG_ROOT/etc/pam.d/hcoop-test"
}

# login USER PASSWORD: authenticate + account, as sshd/login do.
login() { printf '%s\n' "$2" | in_root timeout 30 pamtester hcoop-test "$1" authenticate acct_mgmt 2>&1; }
# key_login USER: account only, as sshd does for a public-key login.
key_login() { in_root timeout 30 pamtester hcoop-test "$1" acct_mgmt 2>&1; }
admitted() { # description user password
	local out rc
	out=$(login "$2" "$3"); rc=$?
	if [ "$rc" -eq 0 ]; then ok "$1"; else fail "$1"; sed 's/^/# /' <<<"$out"; fi
}
refused() { # description user password [message regexp]
	local out rc
	out=$(login "$2" "$3"); rc=$?
	if [ "$rc" -ne 0 ] && [[ $out =~ ${4:-.} ]]; then ok "$1"
	else fail "$1 (rc $rc)"; sed 's/^/# /' <<<"$out"; fi
}
key_admitted() {
	local out
	if out=$(key_login "$2"); then ok "$1"; else fail "$1"; sed 's/^/# /' <<<"$out"; fi
}
key_refused() { # description user [message regexp]
	local out rc
	out=$(key_login "$2"); rc=$?
	if [ "$rc" -ne 0 ] && [[ $out =~ ${3:-.} ]]; then ok "$1"
	else fail "$1 (rc $rc)"; sed 's/^/# /' <<<"$out"; fi
}

# pkg_apt_install DEB...: as the README says, "apt install ./X.deb" inside
# the chroot (offline: every dependency is already in the clean root).
pkg_apt_install() {
	local f
	mkdir -p "$PKG_ROOT/tmp/debs"
	rm -f "$PKG_ROOT"/tmp/debs/*.deb
	for f in "$@"; do cp "$f" "$PKG_ROOT/tmp/debs/"; done
	in_root sh -c 'apt-get install -y /tmp/debs/*.deb' >>"$PKG_LOG" 2>&1
}
