# Shared harness of the routes tests (source after tap.sh). Real Postfix
# and BIND from Debian's packages, never installed on this machine: they
# are downloaded once with apt-get download into build/routes-pkgs/,
# unpacked with dpkg-deb -x, and shown at /usr inside a private mount and
# network namespace (an overlay whose lower layers are the unpacked /usr
# and the real one). /etc is an overlay too, with the postfix user and the
# postdrop group, /etc/hosts names for the member hosts (127.0.0.2, .3 on
# the namespace's own loopback) and the NSS module for the member hosts'
# local delivery. Nothing on the host changes; every process is stopped by
# PID (hc_on_exit), also when a test dies.
#
#   source "$HC_SRC/tests/routes/lib.sh"
#   rt_enter "$@"                 # re-executes the test inside the namespace
#   rt_postfix_main DIR ROUTESDIR   rt_postfix_member DIR NAME IP HOMES
#   rt_smtp IP FROM TO...          rt_named DIR ZONEFILE

RT_PKGS="postfix postfix-lmdb postfix-ldap bind9"
RT_LAYOUT=2 # of the unpacked tree (_rt_prune); a change unpacks again
RT_CACHE=${RT_CACHE:-$HC_SRC/build/routes-pkgs}
RT_ROUTES=$HC_BUILD/hcoop-routes
RT_SYNC=$HC_BUILD/hcoop-sync
RT_MKCACHE=$HC_BUILD/tests/hcoop-mkcache
RT_NSS_CACHE=/var/lib/hcoop/cache # inside the namespace: what NSS reads
RT_DOMAIN=coop.test
RT_ZONE=members.coop.test
RT_HOST1=host1.hcoop.test RT_IP1=127.0.0.2
RT_HOST2=host2.hcoop.test RT_IP2=127.0.0.3
RT_PF_UID=64990 RT_PF_GID=64990 RT_PD_GID=64991

_rt_log() { echo "# routes: $*" >&2; }

# Download and unpack the packages once; a failure is a test failure (the
# caller exits), never a skip: Postfix and BIND are required.
rt_fetch() {
	local stamp=$RT_CACHE/root/.complete p
	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$RT_PKGS $RT_LAYOUT" ] && return 0
	rm -rf "$RT_CACHE/debs" "$RT_CACHE/root"
	mkdir -p "$RT_CACHE/debs" "$RT_CACHE/root"
	if ! (cd "$RT_CACHE/debs" && apt-get download $RT_PKGS) \
		>"$RT_CACHE/download.log" 2>&1; then
		_rt_log "apt-get download $RT_PKGS failed:"
		sed 's/^/#   /' "$RT_CACHE/download.log" >&2
		return 1
	fi
	for p in "$RT_CACHE"/debs/*.deb; do
		dpkg-deb -x "$p" "$RT_CACHE/root" || { _rt_log "dpkg-deb -x $p failed"; return 1; }
	done
	_rt_prune "$RT_CACHE/root" || return 1
	echo "$RT_PKGS $RT_LAYOUT" >"$stamp"
}

# Keep /usr and /etc/postfix only, with no directory named *.d: the
# Makefile includes every build/**/*.d as a dependency file. The two
# /etc/postfix/*.d directories are stored as *.d- and renamed back when
# copied into the namespace's /etc.
_rt_prune() {
	local r=$1 d
	mv "$r/etc/postfix" "$r/etc-postfix" && rm -rf "$r/etc" "$r/var" "$r/lib" || return 1
	rm -rf "$r/usr/lib/tmpfiles.d" "$r/usr/lib/networkd-dispatcher"
	for d in "$r"/etc-postfix/*.d; do mv "$d" "$d-" || return 1; done
	if [ -n "$(find "$r" -name '*.d')" ]; then
		_rt_log "unexpected *.d entries in $r: $(find "$r" -name '*.d')"
		return 1
	fi
}

# The unpacked programs find every library they need (installed by
# scripts/install-deps.sh); a missing one is named, and fails the test.
rt_check_libs() {
	local r=$RT_CACHE/root b missing
	for b in "$r/usr/lib/postfix/sbin/master" "$r/usr/sbin/postmap" \
		"$r/usr/lib/postfix/postfix-lmdb.so" "$r/usr/lib/postfix/postfix-ldap.so" \
		"$r/usr/sbin/named"; do
		missing=$(LD_LIBRARY_PATH=$r/usr/lib/postfix ldd "$b" 2>&1 | grep 'not found')
		if [ -n "$missing" ]; then
			_rt_log "$b: missing libraries (scripts/install-deps.sh): $missing"
			return 1
		fi
	done
}

# Re-execute the calling test inside a new mount + network namespace.
rt_enter() {
	if [ "${RT_IN_NS:-0}" = 1 ]; then
		_rt_setup
		return
	fi
	need_root
	if ! rt_fetch; then
		fail "download and unpack $RT_PKGS (apt-get download)"
		exit 1
	fi
	if ! rt_check_libs; then
		fail "the unpacked Postfix and BIND find their libraries"
		exit 1
	fi
	local ns rc=0
	ns=$(mktemp -d /tmp/hcoop-rt.XXXXXX)
	chmod 0755 "$ns"
	RT_IN_NS=1 RT_NS=$ns unshare -m -n --propagation private -- "$0" "$@" || rc=$?
	rm -rf "$ns"
	_hc_run_cleanups
	trap - EXIT
	exit "$rc"
}

_rt_overlay() { # target name lower...
	local target=$1 name=$2 lower
	shift 2
	lower=$(IFS=:; echo "$*")
	mkdir -p "$RT_NS/$name.upper" "$RT_NS/$name.work"
	mount -t overlay "hcoop-rt-$name" -o "lowerdir=$lower,upperdir=$RT_NS/$name.upper,workdir=$RT_NS/$name.work" "$target"
}

_rt_setup() {
	local multiarch
	multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
	ip link set lo up
	# Postfix binds only addresses of a local interface
	ip addr add "$RT_IP1/8" dev lo && ip addr add "$RT_IP2/8" dev lo
	_rt_overlay /usr usr "$RT_CACHE/root/usr" /usr
	_rt_overlay /etc etc /etc
	# the NSS module reads the fixed path /var/lib/hcoop/cache
	_rt_overlay /var/lib varlib /var/lib
	mkdir -p /var/lib/hcoop
	mount -t tmpfs -o mode=0755 hcoop-rt-run /run
	mount -t tmpfs -o mode=0755 hcoop-rt-log /var/log
	mkdir -p "$RT_NS/home"
	mount --bind "$RT_NS/home" /home
	rm -rf /etc/postfix
	cp -a "$RT_CACHE/root/etc-postfix" /etc/postfix
	for d in /etc/postfix/*.d-; do mv "$d" "${d%-}"; done
	cp "$RT_CACHE/root/usr/share/postfix/dynamicmaps.cf" /etc/postfix/
	# the default instance's main.cf, for postmap/postconf without -c
	printf 'compatibility_level = 3.6\n' >/etc/postfix/main.cf
	_rt_master_cf 127.0.0.1 >/etc/postfix/master.cf
	touch -d '10 seconds ago' /etc/postfix/main.cf /etc/postfix/master.cf
	printf 'postfix:x:%s:%s:Postfix:/var/spool/postfix:/usr/sbin/nologin\n' \
		"$RT_PF_UID" "$RT_PF_GID" >>/etc/passwd
	printf 'postfix:x:%s:\npostdrop:x:%s:\n' "$RT_PF_GID" "$RT_PD_GID" >>/etc/group
	printf '%s %s\n%s %s\n' "$RT_IP1" "$RT_HOST1" "$RT_IP2" "$RT_HOST2" >>/etc/hosts
	# the normal build's module even in the ASan run: it is loaded into
	# Postfix's (uninstrumented) daemons
	install -m 0644 "$HC_SRC/build/libnss_hcoop.so.2" "/usr/lib/$multiarch/"
	sed -i -E 's/^(passwd|group):.*/\1: files hcoop/' /etc/nsswitch.conf
	rm -f /etc/nscd.conf
	RT_T=$(hc_tmpdir)
	export RT_T
}

# rt_wait SECONDS command...: poll every 20 ms until the command succeeds.
rt_wait() {
	local deadline=$(($(date +%s%N) + $1 * 1000000000))
	shift
	while :; do
		"$@" && return 0
		[ "$(date +%s%N)" -lt "$deadline" ] || return 1
		sleep 0.02
	done
}

# An hcoop.conf for a host of the test world: the cache, this host's name.
rt_conf() { # file cache host [extra lines...]
	local f=$1 cache=$2 host=$3
	shift 3
	{
		echo "uri ldapi:///"
		echo "base dc=hcoop,dc=test"
		echo "cache $cache"
		echo "host $host"
		echo "min_uid 1000"
		for l in "$@"; do echo "$l"; done
	} >"$f"
}

_rt_master_cf() { # ip
	cat <<EOT
$1:smtp inet n - n - - smtpd
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
local unix - n n - - local
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
EOT
}

_rt_main_cf() { # dir name ip [extra lines]
	local d=$1 name=$2 ip=$3
	shift 3
	cat <<EOT
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = $name
mydomain = hcoop.test
myorigin = \$myhostname
inet_interfaces = $ip
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
smtp_dns_support_level = disabled
maillog_file = $d/maillog
maillog_file_prefixes = $d, /tmp
biff = no
append_dot_mydomain = no
smtputf8_enable = no
EOT
	local l
	for l in "$@"; do echo "$l"; done
}

# rt_postfix DIR NAME IP [main.cf lines...]: an instance, started and
# stopped by PID at exit. RT_PF_PID is its master's PID.
rt_postfix() {
	local d=$1 name=$2 ip=$3
	shift 3
	mkdir -p "$d/conf" "$d/queue"
	_rt_main_cf "$d" "$name" "$ip" "$@" >"$d/conf/main.cf"
	_rt_master_cf "$ip" >"$d/conf/master.cf"
	# a main.cf younger than ~2 s stalls every Postfix command
	touch -d '10 seconds ago' "$d/conf/main.cf" "$d/conf/master.cf"
	if ! postfix -c "$d/conf" check >"$d/check.log" 2>&1; then
		_rt_log "postfix check ($name) failed:"; sed 's/^/#   /' "$d/check.log" >&2
		return 1
	fi
	${RT_PF_WRAP:-} /usr/lib/postfix/sbin/master -c "$d/conf" -d \
		>>"$d/master.log" 2>&1 </dev/null &
	RT_PF_PID=$!
	hc_on_exit "hc_stop_pid $RT_PF_PID"
	rt_wait 10 _rt_smtp_up "$ip" || {
		_rt_log "postfix $name not answering on $ip:25"
		sed 's/^/#   /' "$d/master.log" "$d/maillog" >&2 2>/dev/null
		return 1
	}
}

_rt_smtp_up() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/25" 2>/dev/null; }

# A member host: its own /home (a nested mount namespace, so two hosts in
# one test keep separate homes), local delivery into ~/Maildir/.
rt_postfix_member() { # dir name ip homes
	local d=$1 name=$2 ip=$3 homes=$4
	mkdir -p "$homes"
	RT_PF_WRAP="unshare -m --propagation private -- $RT_NSHOME $homes" \
		rt_postfix "$d" "$name" "$ip" "mydestination = $RT_DOMAIN, localhost" \
		"home_mailbox = Maildir/"
}

# rt_mkhome HOMES CONF USER: hcoop-mkhome as on that host (its /home).
rt_mkhome() {
	unshare -m --propagation private -- "$RT_NSHOME" "$1" \
		"$HC_BUILD/hcoop-mkhome" -c "$2" "$3"
}

# rt_smtp IP FROM TO...: submit one message over SMTP; prints one line
# per recipient "RCPT <to> CODE" and "DATA CODE"; the subject is $RT_SUBJ.
rt_smtp() {
	python3 "$HC_SRC/tests/routes/smtp.py" "$@"
}

# rt_delivered HOMES USER TOKEN: a message with TOKEN is in USER's Maildir.
rt_delivered() {
	grep -rqs -- "$3" "$1/$2/Maildir/new/"
}

# rt_named DIR ZONEFILE [STANZA]: BIND for $RT_ZONE on 127.0.0.1 (free
# port, TCP and UDP), a control channel for rndc; STANZA is a file holding
# the zone statement to use instead of the plain one. Sets RT_DNS_PORT,
# RT_RNDC (the reload command line), RT_NAMED_PID.
rt_named() {
	local d=$1 zf=$2 stanza=${3:-} secret ctl
	mkdir -p "$d"
	secret=$(openssl rand -base64 32)
	RT_DNS_PORT=$(hc_free_port)
	ctl=$(hc_free_port)
	while [ "$ctl" = "$RT_DNS_PORT" ]; do ctl=$(hc_free_port); done
	printf 'key "rndc-key" { algorithm hmac-sha256; secret "%s"; };\n' \
		"$secret" >"$d/rndc.key"
	cat >"$d/named.conf" <<EOT
include "$d/rndc.key";
options {
	directory "$d";
	pid-file "$d/named.pid";
	listen-on port $RT_DNS_PORT { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
};
controls { inet 127.0.0.1 port $ctl allow { 127.0.0.1; } keys { "rndc-key"; }; };
EOT
	if [ -n "$stanza" ]; then
		cat "$stanza" >>"$d/named.conf"
	else
		echo "zone \"$RT_ZONE\" { type primary; file \"$zf\"; };" >>"$d/named.conf"
	fi
	cat >"$d/rndc.conf" <<EOT
include "$d/rndc.key";
options { default-key "rndc-key"; default-server 127.0.0.1; default-port $ctl; };
EOT
	named-checkconf "$d/named.conf" || return 1
	/usr/sbin/named -g -c "$d/named.conf" >"$d/named.log" 2>&1 </dev/null &
	RT_NAMED_PID=$!
	hc_on_exit "hc_stop_pid $RT_NAMED_PID"
	RT_RNDC="/usr/sbin/rndc -c $d/rndc.conf reload $RT_ZONE"
	rt_wait 10 _rt_dns_up || {
		_rt_log "named not answering:"; tail -20 "$d/named.log" | sed 's/^/#   /' >&2
		return 1
	}
}

_rt_dns_up() { dig +short +time=1 +tries=1 @127.0.0.1 -p "$RT_DNS_PORT" "$RT_ZONE" SOA >/dev/null 2>&1 && [ -n "$(rt_dig "$RT_ZONE" SOA)" ]; }

# rt_dig NAME TYPE: the short answer from the test's BIND.
rt_dig() { dig +short +time=1 +tries=2 @127.0.0.1 -p "$RT_DNS_PORT" "$1" "$2"; }

# The members' zone serial as BIND serves it.
rt_serial() { rt_dig "$RT_ZONE" SOA | awk '{print $3}'; }

# rt_routes_daemon CONF LOG: hcoop-routes following the cache.
rt_routes_daemon() {
	"$RT_ROUTES" -c "$1" --debug >>"$2" 2>&1 </dev/null &
	RT_ROUTES_PID=$!
	hc_on_exit "hc_stop_pid $RT_ROUTES_PID"
}

RT_NSHOME=$HC_SRC/tests/routes/with-home.sh
