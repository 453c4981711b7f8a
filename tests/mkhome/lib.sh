# Shared set-up for the hcoop-mkhome tests. Source after tap.sh, at the top
# of a test:
#
#   source "$HC_SRC/tests/lib/tap.sh"; source "$HC_SRC/tests/mkhome/lib.sh"
#   mk_enter "$@"       # root + private mount namespace (/home, /etc private)
#   mk_setup [extra config lines...]
#       -> $CONF (home_base /home, skeleton $SKEL, ACLs for www-data),
#          $CACHE (the real cache: hcoop-sync --once against the test slapd
#          loaded with the fixture of tests/lib/fixture.sh),
#          $MKH (the binary), $W (scratch dir)
#   mk_odd_cache FILE   # a cache with users whose homes are unsafe paths
#   run_mkhome ARGS...  # sets RC and OUT (stdout+stderr)
#   mk_snapshot DIR     # listing of every entry (type owner mode size) + ACLs
source "$HC_SRC/tests/lib/ns.sh"

MKH=$HC_BUILD/hcoop-mkhome
MKCACHE=${HC_MKCACHE:-$HC_BUILD/tests/hcoop-mkcache}

mk_enter() {
	need_root
	hc_ns_enter "$@"
	if [ ! -x "$MKH" ]; then
		fail "$MKH is built"
		exit 1
	fi
}

# _mk_u NAME UID HOST [HOME]: one hcoop-mkcache user line (gid = uid)
_mk_u() {
	printf 'U:%s:%s:%s:%s:%s:/bin/bash:uid=%s,ou=People,dc=hcoop,dc=test:%s:0:\n' \
		"$1" "$2" "$2" "$1" "${4:-/home/$1}" "$1" "$3"
}

# The fixture's users that matter here, as an hcoop-mkcache spec: the base
# of the hand-made caches holding entries LDAP/hcoop-sync would not give.
_mk_fixture_spec() {
	_mk_u alice 10001 host1.hcoop.test
	_mk_u bob 10002 host2.hcoop.test
	_mk_u carol 10003 ""
	_mk_u sysacct 500 host1.hcoop.test
	_mk_u user0001 20001 host1.hcoop.test
	_mk_u user0003 20003 host1.hcoop.test
	printf 'G:alice:10001:alice\nG:www:5002:alice\n'
}

# Users whose homes fail the path checks (not in the LDAP fixture; the
# cache writer stores any path, so mkhome must check it itself).
mk_odd_cache() {
	{
		_mk_fixture_spec
		_mk_u outsider 10101 host1.hcoop.test /srv/outsider
		_mk_u dotdot 10102 host1.hcoop.test /home/../etc/hcoop-evil
		_mk_u nested 10103 host1.hcoop.test /home/sub/nested
		_mk_u relative 10104 host1.hcoop.test home/relative
		_mk_u hidden 10105 host1.hcoop.test /home/.hcoop-mkhome.x.1.00
	} | "$MKCACHE" "$1"
}

_mk_skeleton() {
	SKEL=$W/skel
	mkdir -p "$SKEL/.config/app/deep" "$SKEL/bin"
	printf 'export PS1=x\n' >"$SKEL/.profile"
	printf 'alias ll="ls -l"\n' >"$SKEL/.bashrc"
	chmod 0644 "$SKEL/.profile"
	chmod 0600 "$SKEL/.bashrc"
	printf 'nested\n' >"$SKEL/.config/app/deep/settings.ini"
	chmod 0640 "$SKEL/.config/app/deep/settings.ini"
	chmod 0750 "$SKEL/.config/app"
	printf '#!/bin/sh\necho hi\n' >"$SKEL/bin/suid-tool"
	chmod 4755 "$SKEL/bin/suid-tool"
	printf 'sgid\n' >"$SKEL/bin/sgid-file"
	chmod 2775 "$SKEL/bin/sgid-file"
	ln -s /etc/shadow "$SKEL/shadow-link"
	ln -s .profile "$SKEL/profile-link"
	mkfifo "$SKEL/a-fifo"
}

mk_setup() {
	# not $(hc_tmpdir): its cleanup would be registered in the subshell
	W=$(mktemp -d /tmp/hcoop-test.XXXXXX)
	chmod 0755 "$W"
	hc_on_exit "rm -rf '$W'"
	CONF=$W/hcoop.conf
	CACHE=$W/cache
	_mk_skeleton
	local extra=("home_base /home" "skel $SKEL" "home_mode 0750"
		"home_acl user:www-data:--x" "public_dir public_html"
		"public_mode 0755" "public_acl user:www-data:r-x"
		"public_acl group:www-data:r-x" "maildir yes" "$@")
	if [ ! -x "$HC_BUILD/hcoop-sync" ]; then
		fail "$HC_BUILD/hcoop-sync is built (the cache comes from it)"
		exit 1
	fi
	source "$HC_SRC/tests/lib/slapd.sh"
	slapd_start || { fail "slapd_start"; exit 1; }
	HC_CACHE=$CACHE slapd_write_config "$CONF" "${extra[@]}"
	"$HC_BUILD/hcoop-sync" -c "$CONF" --once ||
		{ fail "hcoop-sync --once made the cache"; exit 1; }
}

# MK_WRAP=(setpriv ...) runs it through a wrapper
MK_WRAP=()
# A cache that still holds sysacct (uid 500): hcoop-sync leaves accounts
# below min_uid out, so sync with min_uid 100 (as before an admin raised
# it) and let mkhome, reading min_uid 1000, make its own check.
mk_lowuid_cache() {
	sed -e 's|^min_uid .*|min_uid 100|' -e "s|^cache .*|cache $1|" \
		"$CONF" >"$W/lowuid-sync.conf"
	"$HC_BUILD/hcoop-sync" -c "$W/lowuid-sync.conf" --once
}

run_mkhome() {
	RC=0
	OUT=$("${MK_WRAP[@]}" "$MKH" "$@" 2>&1) || RC=$?
}

# Every entry under DIR: path type owner:group mode size (+ link target),
# then getfacl -R; used to prove "nothing else changed".
mk_snapshot() {
	(cd "$1" && find . -printf '%p %y %U:%G %m %s %l\n' | sort &&
		getfacl -R -p -n . 2>/dev/null)
}

# The entries of /home other than the ones named: nothing left behind.
mk_home_entries() {
	ls -A /home | sort | tr '\n' ' '
}
