#!/bin/bash
# make bench: lookups, logins and sync against a real slapd, side by side
# with nss_files and a do-nothing "floor" module. Writes bench/RESULTS.md
# and prints a short table. See bench/README.md for what each figure means.
#
#   bench/run.sh                       sizes 10000 100000 1000000
#   BENCH_SIZES="10000 100000" bench/run.sh
#   BENCH_DURATION=0.5   seconds measured per lookup figure (after warm-up)
#
# Everything runs inside a private mount+network namespace (tests/lib/ns.sh):
# /etc/nsswitch.conf, /etc/passwd, /etc/group, /etc/hcoop.conf and
# /var/lib/hcoop/cache are private to the run. Every process started here
# (slapd, hcoop-sync, nscd) is stopped by PID at exit.
set -u
HC_SRC=$(cd "$(dirname "$0")/.." && pwd)
export HC_SRC
HC_BUILD=${HC_BUILD:-$HC_SRC/build}
export HC_BUILD
source "$HC_SRC/tests/lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
source "$HC_SRC/tests/lib/slapd.sh"

if [ "${HC_IN_NS:-0}" != 1 ]; then
	make -C "$HC_SRC" --no-print-directory bench-bins >/dev/null || exit 1
	BENCH_WORK=$(mktemp -d /tmp/hcoop-bench.XXXXXX)
	chmod 0755 "$BENCH_WORK"
	BENCH_T0=$(date +%s)
	export BENCH_WORK BENCH_T0
fi
hc_ns_enter "$@"
# (the outer process exits from hc_ns_enter without running its cleanups)
hc_on_exit "rm -rf '$BENCH_WORK'"

# ---- inside the namespace from here on ----
source "$HC_SRC/bench/lib.sh"
source "$HC_SRC/bench/authkeys.sh"

BENCH_SIZES=${BENCH_SIZES:-10000 100000 1000000}
W=$BENCH_WORK
R=$W/results.txt
: >"$R"
cp /etc/passwd "$W/passwd.orig"
cp /etc/group "$W/group.orig"
install -m 0644 "$HC_BUILD/bench/libnss_hcoopfloor.so.2" \
	"$HC_BUILD/bench/libnss_hcooponemiss.so.2" \
	"$HC_BUILD/bench/libnss_hcooptwomiss.so.2" "$HC_NS_LIBDIR/"
hc_ns_install_modules

bench_versions >>"$R"
first=1
for n in $BENCH_SIZES; do
	t=$(date +%s)
	load=$(cut -d' ' -f1 /proc/loadavg)
	bench_size "$n" "$first"
	first=0
	say "N=$n: AuthorizedKeysCommand"
	authkeys_bench "$n"
	echo "ELAPSED n=$n seconds=$(($(date +%s) - t)) loadavg=$load" >>"$R"
done
echo "ELAPSED n=total seconds=$(($(date +%s) - BENCH_T0))" >>"$R"
cp "$R" "$HC_SRC/bench/results.txt"
python3 "$HC_SRC/bench/report.py" "$R" "$HC_SRC/bench/RESULTS.md"
