#!/bin/bash
# Not a test (no t- prefix): hcoop-sync's own figures at one member count,
# the way make bench measures them, without the lookup part.
#
#   tests/sync/perf.sh N [ROUNDS]
#     PERF=once|daemon   also record a profile (perf record -g, cpu-clock)
#                        of that phase into $HS_PERF_OUT (default /tmp)
#
# Prints: --once wall time and peak RSS (GNU time), the cache size, and the
# persist-mode latency from ldapmodify's exit to getpwnam showing the
# change (bench/change.c), median and max over ROUNDS (default 30) changes.
# Reuses bench/lib.sh and bench/gendata.py by calling them.
set -u
HC_SRC=$(cd "$(dirname "$0")/../.." && pwd)
HC_BUILD=${HC_BUILD:-$HC_SRC/build}
export HC_SRC HC_BUILD
source "$HC_SRC/tests/lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
source "$HC_SRC/tests/lib/slapd.sh"

N=${1:-100000}
ROUNDS=${2:-30}
if [ "${HC_IN_NS:-0}" != 1 ]; then
	make -C "$HC_SRC" --no-print-directory bench-bins >/dev/null || exit 1
	HS_PERF_WORK=$(mktemp -d /tmp/hs-perf.XXXXXX)
	chmod 0755 "$HS_PERF_WORK"
	export HS_PERF_WORK
fi
hc_ns_enter "$@"
hc_on_exit "rm -rf '$HS_PERF_WORK'"
source "$HC_SRC/bench/lib.sh"

W=$HS_PERF_WORK
R=$W/results.txt
d=$W/n$N
OUT=${HS_PERF_OUT:-/tmp}
: >"$R"
hc_ns_install_modules
python3 "$HC_SRC/bench/gendata.py" "$N" "$d" || exit 1
slapd_bulk "$N" "$d" || exit 1
conf=$W/hcoop.conf
HC_CACHE=/var/lib/hcoop/cache slapd_write_config "$conf"

once=("$HC_BUILD/hcoop-sync" -c "$conf" --once)
[ "${PERF:-}" = once ] &&
	once=(perf record -q -e cpu-clock -g -o "$OUT/hs-once.perf" -- "${once[@]}")
/usr/bin/time -f '%e s %M KiB' -o "$W/time" "${once[@]}" >"$W/once.log" 2>&1 ||
	{ cat "$W/once.log"; exit 1; }
echo "N=$N --once: $(cat "$W/time"), cache $(stat -c %s /var/lib/hcoop/cache) bytes"

sync_daemon_start "$conf" "$W/daemon.log" || exit 1
if [ "${PERF:-}" = daemon ]; then
	perf record -q -e cpu-clock -g -o "$OUT/hs-daemon.perf" -p "$SYNC_PID" \
		2>/dev/null &
	perf_pid=$!
	hc_on_exit "kill -INT $perf_pid; wait $perf_pid"
fi
nss_use hcoop
"$HCB/hcb-change" -H "$LDAPI_URI" -b "$LDAP_BASE" -f "$d/changes" -r 1 -T 60 \
	>/dev/null || { echo "first change never visible"; tail "$W/daemon.log"; exit 1; }
"$HCB/hcb-change" -H "$LDAPI_URI" -b "$LDAP_BASE" -f "$d/changes" -r "$ROUNDS" \
	-T 30 >"$W/change.log"
echo "N=$N persist: $(tail -1 "$W/change.log")"
echo "N=$N daemon: $(grep -E 'VmHWM|VmRSS' /proc/$SYNC_PID/status | tr -s ' \t\n' ' ')"
cp "$W/daemon.log" "$OUT/hs-daemon.log"
