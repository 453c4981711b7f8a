#!/bin/bash
# 8 threads doing lookups, initgroups and enumerations while the cache is
# replaced 100 times: no crash, every answer wholly old or wholly new data,
# replacement seen at once (superseded flag) and a rename by other means
# within the 1 s stat fallback. Again under ThreadSanitizer.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"

out=$(timeout 300 "$HC_BUILD/tests/nss-stress" /var/lib/hcoop/cache 2>&1)
rc=$?
is "stress: 8 threads x 100 replacements, all answers consistent" "$rc" 0
diag "$out"
like "stress: workers really ran" "$out" "iterations [1-9][0-9]{2,}"

if [ "${HC_SAN:-0}" != 1 ]; then
	rm -f /var/lib/hcoop/cache
	out=$(TSAN_OPTIONS="halt_on_error=1 exitcode=66" timeout 600 \
		"$HC_BUILD/tests/nss-stress-tsan" /var/lib/hcoop/cache 2>&1)
	rc=$?
	is "stress under ThreadSanitizer: no race, all answers consistent" "$rc" 0
	[ "$rc" -eq 0 ] || diag "$(printf '%s\n' "$out" | head -60)"
	check_not "ThreadSanitizer reported nothing" grep -q "WARNING: ThreadSanitizer" <<<"$out"
fi
