#!/bin/bash
# The fault suite's table: every row the tests of tests/faults wrote (in
# build/faults/rows) assembled into build/faults.md and printed here, so the
# figures can be compared release to release. Runs last in the suite (its
# name sorts last). Fails if a row says FAILED or a fault test left no row.
source "$(dirname "$0")/../lib/tap.sh"
rows=$HC_SRC/build/faults/rows
out=$HC_SRC/build/faults.md
{
	echo "# Fault suite: figures of $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	echo "Made by tests/faults (see tests/faults/README.md) with \`make check\`"
	echo "or, with the long sizes, \`make faults\`. Sizes are in the 'injected'"
	echo "column."
	echo
	echo "| fault | injected | figure | bound | held/failed |"
	echo "|---|---|---|---|---|"
	for f in "$rows"/*.rows; do
		[ -e "$f" ] || continue
		cat "$f"
	done
} >"$out"
sed 's/^/# /' "$out"
for t in "$HC_SRC"/tests/faults/t-*.sh; do
	n=$(basename "$t" .sh)
	[ "$n" = t-zz-table ] && continue
	check "$n wrote its rows" test -s "$rows/$n.rows"
done
check_not "no row FAILED" grep -q 'FAILED |$' "$out"
check "table written to build/faults.md" test -s "$out"
echo 1..$_hc_n
