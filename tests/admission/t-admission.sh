#!/bin/bash
# cmocka unit test of common/admission.c: every named result of the one
# admission decision and the message the member sees. One ok/not ok line
# per cmocka case; a missing or crashing binary, or fewer results than
# planned, is a failure.
# san: yes
. "$(dirname "$0")/../lib/tap.sh"

bin=$HC_BUILD/tests/admission/test-admission
if [ ! -x "$bin" ]; then
	fail "$bin is built"
	exit 1
fi
out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
rc=$?
planned=0 seen=0 failed=0
while IFS= read -r line; do
	case $line in
	"ok "*) seen=$((seen + 1)); ok "admission: ${line#ok * - }" ;;
	"not ok "*) seen=$((seen + 1)) failed=$((failed + 1))
		fail "admission: ${line#not ok * - }" ;;
	1..*) planned=${line#1..} ;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done <<<"$out"
if [ "$seen" -lt "$planned" ] || [ "$seen" -eq 0 ]; then
	fail "admission: only $seen of $planned results (crashed? exit $rc)"
elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	fail "admission: exited with status $rc"
fi
