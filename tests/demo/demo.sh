#!/bin/bash
# make demo: the whole account layer on a throwaway slapd, in a private
# mount+network namespace (loopback only), shown in numbered steps.
# Changes nothing outside its temp dir; removes it at the end.
#
#   make demo            run and clean up (under a minute)
#   make demo KEEP=1     leave slapd, sshd and hcoop-sync running in the
#                        namespace and print how to try ssh and how to stop
#
# Needs root and a finished build (make does both: `demo: deps all`).
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
source "$HC_SRC/tests/lib/slapd.sh"
source "$HC_SRC/tests/lib/sshd.sh"
source "$HC_SRC/tests/e2e/world.sh"
KEEP=${KEEP:-0}

# Everything lives under DEMO_DIR, temp dirs of the harnesses included.
hc_tmpdir() {
	local d
	d=$(mktemp -d "$DEMO_DIR/tmp.XXXXXX")
	chmod 0755 "$d"
	echo "$d"
}

demo_outer() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "make demo: run as root (it uses a private namespace, starts sshd)" >&2
		exit 1
	fi
	local f
	for f in libnss_hcoop.so.2 pam_hcoop.so hcoop-sync hcoop-mkhome; do
		[ -e "$HC_BUILD/$f" ] || { echo "make demo: $HC_BUILD/$f is not built (run make)" >&2; exit 1; }
	done
	DEMO_DIR=$(mktemp -d /tmp/hcoop-demo.XXXXXX)
	chmod 0755 "$DEMO_DIR"
	mkdir -p "$DEMO_DIR/ns"
	chmod 0755 "$DEMO_DIR/ns"
	local rc=0
	DEMO_DIR=$DEMO_DIR HC_IN_NS=1 HC_NS=$DEMO_DIR/ns KEEP=$KEEP \
		unshare -m -n --propagation private -- "$0" "$@" || rc=$?
	# KEEP=1 and success: the namespace lives on; stop.sh removes the dir
	if [ "$KEEP" != 1 ] || [ "$rc" -ne 0 ]; then
		rm -rf "$DEMO_DIR"
	fi
	trap - EXIT
	exit "$rc"
}

if [ "${HC_IN_NS:-0}" != 1 ]; then
	demo_outer "$@"
fi

# ---------------------------------------------------------------- inside
hc_ns_enter "$@"
n=0 failed=0
if [ -t 1 ]; then B=$'\033[1m' G=$'\033[32m' R=$'\033[31m' N=$'\033[0m'; else B= G= R= N=; fi
step() { n=$((n + 1)); printf '\n%s%d. %s%s\n' "$B" "$n" "$*" "$N"; }
good() { printf '   %s✓%s %s\n' "$G" "$N" "$*"; }
bad() { printf '   %s✗%s %s\n' "$R" "$N" "$*"; failed=$((failed + 1)); }
say() { printf '   %s\n' "$*"; }
quote() { tr -d '\r' | sed -e '/^Warning: Permanently added/d' -e '/^[[:space:]]*$/d' -e 's/^/     | /'; }
die() { bad "$*"; exit 1; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

T0=$(date +%s%N)
echo "hcoop demo: a private mount+network namespace; nothing on this machine changes."
echo "  work dir $DEMO_DIR"
slapd_start >"$DEMO_DIR/slapd-start.log" 2>&1 ||
	{ cat "$DEMO_DIR/slapd-start.log"; die "the throwaway slapd did not start"; }
echo "  slapd on $LDAP_URI (StartTLS, throwaway CA): hcoop schema, access rules, sample members"
world_setup
sshd_start >"$DEMO_DIR/sshd-start.log" 2>&1 ||
	{ cat "$DEMO_DIR/sshd-start.log"; die "sshd did not start"; }
echo "  OpenSSH sshd on 127.0.0.1:$SSHD_PORT, PAM service $SSHD_SERVICE (pam_hcoop, then pam_unix)"
if /usr/sbin/hcoop-sync -c /etc/hcoop.conf --once >"$DEMO_DIR/sync-once.log" 2>&1; then
	nusers=$(($(getent passwd | wc -l) - $(wc -l </etc/passwd)))
	echo "  hcoop-sync --once: $nusers members in /var/lib/hcoop/cache ($(stat -c %s /var/lib/hcoop/cache) bytes)"
else
	quote <"$DEMO_DIR/sync-once.log"
	die "hcoop-sync --once failed"
fi
world_start_sync "$DEMO_DIR/sync.log" || die "hcoop-sync daemon did not start"
echo "  hcoop-sync now runs as a daemon (pid $WORLD_SYNC_PID), following LDAP changes"

# 1 ------------------------------------------------------------------------
step "getent passwd alice  (nsswitch.conf: passwd: files hcoop)"
line=$(getent passwd alice)
printf '%s\n' "$line" | quote
if [[ $line == alice:*:10001:10001:* ]] && ! grep -q '^alice:' /etc/passwd; then
	good "alice comes from LDAP through the cache (she is not in /etc/passwd)"
else
	bad "alice did not resolve through the module"
fi
getent group www | quote

# 2 ------------------------------------------------------------------------
step "alice logs in through a real sshd with her LDAP password"
say "\$ ssh alice@127.0.0.1 -p $SSHD_PORT id        (password alice-secret-1)"
rc=0
out=$(sshd_pw alice alice-secret-1 id) || rc=$?
printf '%s\n' "$out" | quote
if [ "$rc" -eq 0 ] && grep -q 'uid=10001(alice)' <<<"$out"; then
	good "logged in; uid and groups from LDAP"
else
	bad "alice could not log in (ssh exit $rc)"
fi
say "her home, made at first login by hcoop-mkhome (skeleton, owner, mode, ACLs):"
ls -la /home/alice 2>&1 | quote
getfacl -p /home/alice /home/alice/public_html 2>&1 |
	grep -E '^# file|user:|default:' | quote
if [ "$(stat -c %U /home/alice 2>/dev/null)" = alice ] &&
	getfacl -cp /home/alice 2>/dev/null | grep -q '^user:www-data:--x'; then
	good "home owned by alice, www-data may traverse it (POSIX ACL)"
else
	bad "home missing or without its ACL"
fi

# 3 ------------------------------------------------------------------------
step "bob lives on host2.hcoop.test: refused here, and told where to go"
say "\$ ssh bob@127.0.0.1 -p $SSHD_PORT id         (password bob-secret-2, correct)"
rc=0
out=$(sshd_pw bob bob-secret-2 id) || rc=$?
printf '%s\n' "$out" | quote
if [ "$rc" -ne 0 ] && grep -q 'host2\.hcoop\.test' <<<"$out"; then
	good "refused, with the message naming his host"
else
	bad "bob was not refused with his host named (ssh exit $rc)"
fi

# 4 ------------------------------------------------------------------------
step "LDAP down: every lookup still answers at once, from the local cache"
slapd_stop
say "slapd stopped."
keys=()
for ((i = 1; i <= 1000; i++)); do keys+=("$(printf 'user%04d' $(((i - 1) % 600 + 1)))"); done
t=$(date +%s%N)
got=$(getent passwd "${keys[@]}" | wc -l)
ms=$(ms_since "$t")
say "\$ getent passwd user0001 ... (1,000 lookups in one process): $got answers in $ms ms"
t=$(date +%s%N)
ok_n=0
for ((i = 1; i <= 200; i++)); do getent passwd alice >/dev/null && ok_n=$((ok_n + 1)); done
ms2=$(ms_since "$t")
say "\$ getent passwd alice, 200 separate processes: $ok_n answers in $ms2 ms (mostly fork+exec)"
id alice | quote
ls -ld /home/alice | quote
if [ "$got" -eq 1000 ] && [ "$ok_n" -eq 200 ] && [ "$ms" -lt 2000 ]; then
	good "1,000 lookups in $ms ms with no LDAP server"
else
	bad "lookups failed or slow with LDAP down ($got/1000 in $ms ms)"
fi

echo
total=$(ms_since "$T0")
if [ "$failed" -eq 0 ]; then
	printf '%sAll %d steps passed%s in %d.%d s.\n' "$G" "$n" "$N" $((total / 1000)) $((total % 1000 / 100))
else
	printf '%s%d of %d steps failed.%s Last lines of the logs:\n' "$R" "$failed" "$n" "$N"
	for f in "$SSHD_LOG" "$DEMO_DIR/sync.log"; do
		echo "== $f"; tail -n 15 "$f"
	done
	exit 1
fi

[ "$KEEP" = 1 ] || exit 0
source "$HC_SRC/tests/demo/keep.sh"
demo_keep
