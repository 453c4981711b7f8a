#!/bin/bash
# cmocka unit tests of common/ (config, numparse, escape, names, log,
# admission; the cache writer's replacement path, test-replace: a buffer, a
# render into the mapped temp file, the buffered fallback, ENOSPC, a failed
# render; the one hash table, test-hidx: random insert/find/remove against
# a reference at loads up to its maximum; hcoop-sync's ledger, test-ledger:
# loading into its spool file or memory, then indexed and followed).
# Runs each unit binary with cmocka's TAP output and renumbers its results
# into one TAP stream: one ok/not ok line per cmocka test case, named
# "binary: case". A binary that is missing, crashes, or reports fewer
# results than it planned counts as a failure.
# san: yes
. "$(dirname "$0")/../lib/tap.sh"

units="config numparse escape names log admission replace hidx ledger"

run_unit() { # name
	local name=$1 bin="$HC_BUILD/tests/unit/test-$1" out rc line
	local planned=0 seen=0 failed=0
	if [ ! -x "$bin" ]; then
		fail "$name: $bin is built"
		return
	fi
	out=$(cd "$HC_BUILD" && CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*)
			seen=$((seen + 1))
			ok "$name: ${line#ok * - }" ;;
		"not ok "*)
			seen=$((seen + 1)) failed=$((failed + 1))
			fail "$name: ${line#not ok * - }" ;;
		1..*)
			planned=$((planned + ${line#1..})) ;;
		"#"*)
			echo "$line" ;;
		*)
			echo "# $line" ;;
		esac
	done <<<"$out"
	if [ "$seen" -lt "$planned" ] || [ "$seen" -eq 0 ]; then
		fail "$name: only $seen of $planned results (crashed? exit $rc)"
	elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		fail "$name: exited with status $rc"
	fi
}

for u in $units; do
	run_unit "$u"
done
