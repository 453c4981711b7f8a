#!/bin/bash
# Measure getgrgid_r of big groups through glibc (not a test: nothing
# asserted; tests/nss/grperf.c says what is printed).
#   tests/nss/grperf.sh [CALLS [SIZE...]]     (HC_BUILD defaults to build)
# Writes a cache with the real writer: 100,000 members m0000001.. (names
# as bench/gendata.py makes them), each with a private group, and one
# shared group per SIZE (default 2500 25000), gid 60000 + its position;
# then runs nss-grperf in a private namespace with "group: hcoop".
# The 2500/25000 defaults are the size classes of issue 13's targets.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
calls=${1:-2000}
[ $# -gt 0 ] && shift
sizes=(2500 25000)
[ $# -gt 0 ] && sizes=("$@")
T=$(hc_tmpdir)
awk -v sizes="${sizes[*]}" 'BEGIN {
	n = 100000
	for (i = 1; i <= n; i++) {
		printf "U:m%07d:%d:%d:Member %d:/home/m%07d:/bin/bash:uid=m%07d,ou=People,dc=hcoop,dc=test:host1:0:\n", i, 100000 + i, 100000 + i, i, i, i
		printf "G:m%07d:%d:\n", i, 100000 + i
	}
	k = split(sizes, s, " ")
	for (j = 1; j <= k; j++) {
		printf "G:grp%02d:%d:", j, 60000 + j
		step = int(n / s[j]); if (step < 1) step = 1
		for (i = 1; i <= s[j]; i++) printf "%sm%07d", (i > 1 ? "," : ""), ((i - 1) * step) % n + 1
		printf "\n"
	}
}' >"$T/spec"
"$HC_BUILD/tests/hcoop-mkcache" /var/lib/hcoop/cache <"$T/spec"
diag "cache: $(stat -c %s /var/lib/hcoop/cache) bytes"
hc_ns_install_modules
hc_ns_nsswitch hcoop # as make bench: the module alone behind glibc
gids=()
for ((j = 1; j <= ${#sizes[@]}; j++)); do gids+=($((60000 + j))); done
"$HC_BUILD/tests/nss-grperf" "$calls" "${gids[@]}"
