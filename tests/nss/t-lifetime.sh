#!/bin/bash
# The module's cache handle: a lookup from a thread-exit destructor that
# runs after the module's own cleanup, once the cache was replaced, answers
# the new file (was a use-after-free: run under ASan too); fork() while
# other threads hold the module's locks leaves no child blocked; the cache
# rewritten in place (same inode, not truncated) while 8 threads look up
# kills nobody and is noticed; after chroot() the mapping keeps answering.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
BIN=$HC_BUILD/tests/nss-lifetime

for mode in tsd fork chroot rewrite; do
	out=$(timeout 120 "$BIN" /var/lib/hcoop/cache "$mode" 2>&1)
	rc=$?
	diag "$out"
	case $mode in
	tsd) is "tsd: a late thread-exit destructor's lookup answers the new cache" "$rc" 0 ;;
	fork) is "fork: 200 children forked while locks are taken, none blocked" "$rc" 0 ;;
	chroot) is "after chroot (path not stat-able) lookups keep answering" "$rc" 0 ;;
	rewrite) is "rewritten in place under 8 threads: nobody dies, new content served" "$rc" 0 ;;
	esac
	check_not "$mode: no sanitizer report" grep -q "ERROR: AddressSanitizer\|runtime error" <<<"$out"
done
