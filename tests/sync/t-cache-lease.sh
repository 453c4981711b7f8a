#!/bin/bash
# The daemon's cache guard (issue 10 item 2): while 8 threads look names up
# through real glibc and libnss_hcoop (hs-hammer), `cp` of another valid
# cache over /var/lib/hcoop/cache kills nobody (without the guard the
# truncation is a SIGBUS for every mapping reader): cp exits 0 well before
# the kernel's lease-break-time (the guard let it through), the path holds
# the daemon's content again as a new inode (a user only the daemon's cache
# has still resolves, no lookup ever missed), one warning names the file;
# a later LDAP change still reaches the cache, and a second cp and a
# `truncate -s 0` are handled the same way (the guard leased each new
# file); after SIGHUP to a config naming another cache, that one is
# guarded and the old one let go; SIGTERM while a cp waits stops the daemon
# promptly with the guard thread joined, and the cp goes through.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
source "$HC_SRC/tests/sync/lib.sh"
hc_ns_nsswitch "files hcoop"
# The module is found through LD_LIBRARY_PATH by hs-hammer alone, so no
# other program here loads it (it may be the ASan build).
HAMMER=$HC_BUILD/tests/hs-hammer
MKCACHE=$HC_BUILD/tests/hcoop-mkcache
T=$(hc_tmpdir)
HS_CACHE=/var/lib/hcoop/cache
hs_setup
log=$HC_NS/daemon.log

hs_start_daemon "$HS_CONF" "$log"
hs_wait 20 grep -q 'refresh applied' "$log"
check "the daemon applied its first refresh" grep -q 'refresh applied' "$log"
slapd_add >/dev/null <<EOT
dn: uid=zed,ou=People,$LDAP_BASE
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: hcoopMember
uid: zed
cn: Zed Zulu
sn: Zulu
uidNumber: 30001
gidNumber: 5000
homeDirectory: /home/zed
loginShell: /bin/sh
hcoopHost: host1.hcoop.test
EOT
hs_wait 5 eval 'hs_dump | grep -q "^U:zed:"'
check "zed (only in the daemon's cache) is in the cache" eval 'hs_dump | grep -q "^U:zed:"'

# The "backup": a valid cache, much smaller than the daemon's, without zed.
# An old generation of its own, so that no delta the daemon writes beside
# the cache (base_generation) can ever apply to it.
"$MKCACHE" -g 999999 "$T/backup" <<'EOT'
U:old:10001:10001:Old:/home/old:/bin/sh:uid=old,ou=People,dc=hcoop,dc=test:host1.hcoop.test:0:
G:old:10001:
EOT
check "a smaller valid cache to copy over it" test "$(stat -c %s "$T/backup")" -lt \
	"$(stat -c %s "$HS_CACHE")"

stopf=$HC_NS/hammer.stop
LD_LIBRARY_PATH=$HC_BUILD "$HAMMER" "$stopf" alice zed user0600 >"$T/hammer.out" 2>&1 &
hpid=$!
hc_on_exit "hc_stop_pid $hpid"
hs_wait 10 grep -q '^ready' "$T/hammer.out"
check "hs-hammer: 8 threads looking up alice, zed, user0600" grep -q '^ready' "$T/hammer.out"

n_warn() { grep -c "was opened for writing by another process.*never cp over it" "$log"; }

# over WHAT N CMD...: CMD writes over the cache while the hammer runs; the
# readers survive and the daemon's content (as a new inode) is at the path;
# N: warnings expected in all after it.
over() {
	local what=$1 n=$2 before ino0 t0 ms rc=0
	shift 2
	before=$(hs_dump | sha256sum)
	ino0=$(stat -c %i "$HS_CACHE")
	t0=$(date +%s%N)
	timeout 60 "$@" 2>"$T/over.err" || rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	diag "$what: exit $rc after $ms ms $(head -c 200 "$T/over.err")"
	# the kernel lets a writer through by itself after lease-break-time
	check "$what: returned after $ms ms, well before lease-break-time" \
		test "$ms" -lt $(($(cat /proc/sys/fs/lease-break-time) * 1000 / 3))
	check "$what: the lookup threads are alive" eval 'kill -0 $hpid 2>/dev/null'
	is "$what: the path holds the daemon's content" "$(hs_dump | sha256sum)" "$before"
	check "$what: zed, only in the daemon's cache, is there" eval 'hs_dump | grep -q "^U:zed:"'
	check "$what: ... as a new file" test "$(stat -c %i "$HS_CACHE")" != "$ino0"
	hs_wait 5 eval '[ "$(n_warn)" -ge '"$n"' ]'
	is "$what: one warning" "$(n_warn)" "$n"
	return "$rc"
}

over "cp over the cache" 1 cp "$T/backup" "$HS_CACHE"
is "cp exits 0" "$?" 0
like "the warning names the file and says mv or install" "$(grep 'never cp over it' "$log")" \
	"$HS_CACHE was opened for writing by another process.*replace the cache with mv or install"

# A later change reaches the cache: the daemon is not stuck, and its write
# goes around its own lease (pause/resume).
slapd_modify >/dev/null <<EOT
dn: uid=zed,ou=People,$LDAP_BASE
changetype: modify
replace: loginShell
loginShell: /bin/bash
EOT
hs_wait 5 eval 'hs_dump | grep -q "^U:zed:.*:/bin/bash:"'
check "a later LDAP change reaches the cache" eval 'hs_dump | grep -q "^U:zed:.*:/bin/bash:"'

# the new file written by the daemon is guarded too
over "a second cp" 2 cp "$T/backup" "$HS_CACHE"
is "the second cp exits 0" "$?" 0
# coreutils' truncate opens with O_NONBLOCK: the lease makes that open fail
# (EAGAIN) and still sends the daemon the break
over "truncate -s 0" 3 truncate -s 0 "$HS_CACHE"
check "truncate did not cut the cache" test "$(stat -c %s "$HS_CACHE")" -gt 0

touch "$stopf"
rc=0
wait "$hpid" || rc=$?
diag "hs-hammer: $(tail -1 "$T/hammer.out") (exit $rc)"
is "hs-hammer: no lookup missed, no SIGBUS (exit 0)" "$rc" 0

# SIGHUP to a configuration naming another cache: the guard follows it
# (the new path is guarded, the old one let go at once).
C2=/var/lib/hcoop/cache2
HC_CACHE=$C2 slapd_write_config "$HS_CONF"
kill -HUP "$HS_DAEMON_PID"
hs_wait 10 test -s "$C2"
hs_wait 5 eval 'grep -q "cache guard: leased $C2 " "$log"'
check "SIGHUP: the daemon writes and leases the cache named by the new config" \
	grep -q "cache guard: leased $C2 " "$log"
ino0=$(stat -c %i "$C2")
cp "$T/backup" "$C2"
hs_wait 5 eval 'grep -q "$C2 was opened for writing by another process" "$log"'
check "SIGHUP: cp over the new cache is handled" \
	grep -q "$C2 was opened for writing by another process" "$log"
check "SIGHUP: ... its content put back as a new file" eval \
	'[ "$(stat -c %i "$C2")" != "$ino0" ] && "$HS_DUMP" "$C2" | grep -q "^U:zed:"'
t0=$(date +%s%N)
cp "$T/backup" "$HS_CACHE"
ms=$((($(date +%s%N) - t0) / 1000000))
is "SIGHUP: the old cache is not guarded any more (cp went through at once, $ms ms)" \
	"$(hs_dump | sha256sum)" "$("$HS_DUMP" "$T/backup" | LC_ALL=C sort | sha256sum)"
HS_CACHE=$C2

# SIGTERM while a cp waits on the lease: a prompt clean exit (the guard's
# wait for readers is cut short), the guard thread joined, leases dropped,
# and the cp then goes through.
cp "$T/backup" "$HS_CACHE" &
cppid=$!
hc_on_exit "hc_stop_pid $cppid"
hs_wait 5 eval '[ "$(grep -c "cache guard: signal" "$log")" -ge 5 ]'
check "one more cp is waiting on the lease" eval 'kill -0 $cppid 2>/dev/null'
kill -TERM "$HS_DAEMON_PID"
hs_wait 5 eval '! kill -0 $HS_DAEMON_PID 2>/dev/null'
check_not "SIGTERM: the daemon is gone within 5 s" eval 'kill -0 $HS_DAEMON_PID 2>/dev/null'
rc=0
wait "$HS_DAEMON_PID" || rc=$?
is "SIGTERM: exit status 0" "$rc" 0
rc=0
wait "$cppid" || rc=$?
is "the waiting cp went through" "$rc" 0
check "the guard thread was joined and its leases released" grep -q 'cache guard: stopped' "$log"
check_not "no sanitizer report from the daemon" grep -q "ERROR: AddressSanitizer\|runtime error" "$log"
ls -A /var/lib/hcoop | grep -v '^cache2\?\(.skipped\|.lock\|.delta\)\?$' >"$T/left"
check "no temporary files left" test ! -s "$T/left"
diag "left: $(cat "$T/left")"
echo 1..$_hc_n
