#!/bin/bash
# The cache builder's streaming API (cache.h: find by name and id, read
# back, swap-remove): tests/sync/buildertest.c adds users (with SSH keys)
# and groups (with DNs), finds and reads them back, removes the first,
# a middle and the last, re-adds a removed name, and checks through the
# reader that the file then written equals one built without the removed
# records; sorting moves the records with their maps; removal is refused
# on a delta builder.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
T=$(mktemp -d)
hc_on_exit "rm -rf '$T'"
out=$("$HC_BUILD/tests/hs-buildertest" check "$T" 2>&1); rc=$?
n=0
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }"; n=$((n + 1)) ;;
	"not ok - "*) fail "${line#not ok - }"; n=$((n + 1)) ;;
	"# "*) diag "${line#\# }" ;;
	esac
done <<<"$out"
is "hs-buildertest exits 0" "$rc" 0
check "it ran all its checks" test "$n" -ge 23
echo 1..$_hc_n
