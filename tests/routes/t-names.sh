#!/bin/bash
# cmocka unit test of routes/dnsname.c (DNS labels, host names, canonical
# form), one TAP line per case.
# san: yes
. "$(dirname "$0")/../lib/tap.sh"
bin=$HC_BUILD/tests/routes/test-dnsname
if [ ! -x "$bin" ]; then
	fail "$bin is built"
	exit 1
fi
out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
rc=$?
n=0
while IFS= read -r line; do
	case $line in
	"ok "*) n=$((n + 1)); ok "dnsname: ${line#ok * - }" ;;
	"not ok "*) n=$((n + 1)); fail "dnsname: ${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	esac
done <<<"$out"
[ "$n" -eq 3 ] || fail "dnsname: $n of 3 results (exit $rc)"
[ "$rc" -eq 0 ] || [ "$n" -ne 3 ] || grep -q '^not ok' <<<"$out" || fail "dnsname: exit status $rc"
echo "1..$_hc_n"
