#!/bin/bash
# Runs every test: each tests/<area>/t-*.sh (or executable t-*) prints TAP
# lines "ok - ..." / "not ok - ...". A test whose file contains the line
# "# san: yes" runs a second time against the ASan/UBSan tree (build-san).
# Prints one closing line "N passed, M failed"; exit status 1 on any failure.
#
#   tests/run.sh                 all tests
#   tests/run.sh tests/nss/t-x.sh ...   just these
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export HC_SRC="$top"
logdir="$top/build/test-logs"
mkdir -p "$logdir"

if [ $# -gt 0 ]; then
	tests=("$@")
else
	mapfile -t tests < <(find tests -mindepth 2 -maxdepth 2 -name 't-*' -type f -perm -u+x | sort)
fi

passed=0 failed=0 skipped=0
failures=()

run_one() { # file build-dir label
	local t=$1 build=$2 label=$3 log rc np nf
	log="$logdir/$(echo "$label" | tr '/ ' '__').log"
	local start=$SECONDS
	HC_BUILD="$top/$build" HC_SAN=$([ "$build" = build-san ] && echo 1 || echo 0) \
		timeout -k 10 900 "$t" >"$log" 2>&1 </dev/null
	rc=$?
	np=$(grep -c '^ok' "$log")
	nf=$(grep -c '^not ok' "$log")
	if [ "$rc" -eq 77 ] && [ "$nf" -eq 0 ]; then
		skipped=$((skipped + 1))
		printf 'SKIP  %-45s %s\n' "$label" "$(grep -m1 -i 'skip' "$log")"
		return
	fi
	if [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
		nf=1 # died without saying why: count it
		echo "not ok - $label exited with status $rc" >>"$log"
	fi
	passed=$((passed + np))
	failed=$((failed + nf))
	if [ "$nf" -gt 0 ]; then
		failures+=("$label")
		printf 'FAIL  %-45s %3d ok, %d not ok (%ds)\n' "$label" "$np" "$nf" $((SECONDS - start))
		grep -E '^not ok' "$log" | head -20 | sed 's/^/      /'
		echo "      --- last lines of $log:"
		tail -15 "$log" | sed 's/^/      | /'
	else
		printf 'PASS  %-45s %3d ok (%ds)\n' "$label" "$np" $((SECONDS - start))
	fi
}

for t in "${tests[@]}"; do
	run_one "$t" build "$t"
	if grep -q '^# san: yes' "$t" 2>/dev/null && [ -d build-san ]; then
		run_one "$t" build-san "$t [asan+ubsan]"
	fi
done

echo
[ "$skipped" -eq 0 ] || echo "($skipped test files skipped)"
[ ${#failures[@]} -eq 0 ] || printf 'failed: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
