#!/bin/bash
# pam_hcoop reads the delta file as well (cache_format.h, THE DELTA FILE):
# a member who exists only in the delta (hcoop-mkcache -b over the cache
# pam_setup made) is admitted by the account step on the host assigned,
# and one the delta supersedes is no longer ours; without the delta both
# go back to what the main file says.
# san: yes
source "${HC_SRC:-$(dirname "$0")/../..}/tests/pam/lib.sh"
pam_setup
MKCACHE=$HC_BUILD/tests/hcoop-mkcache
gen=$(od -An -t u8 -j 32 -N 8 "$CACHE" | tr -d ' ')
bobpos=$("$MKCACHE" -d "$CACHE" | grep '^U:' | cut -d: -f2 | grep -nx bob | cut -d: -f1)
"$MKCACHE" -b "$gen" -g $((gen + 1)) "$CACHE" <<EOT
U:zoe:30077:30077:Zoe:/home/zoe:/bin/bash:uid=zoe,ou=People,$LDAP_BASE:host1.hcoop.test:0:
S:U:$((bobpos - 1))
EOT
is "the delta applies to the cache pam_setup made" "$?" 0
pcase "zoe, only in the delta, assigned here" hc_only zoe acct PAM_SUCCESS ""
pcase "bob, superseded by the delta: not ours" hc_only bob acct PAM_IGNORE ""
pcase "alice, untouched in the main file" hc_only alice acct PAM_SUCCESS ""
rm -f "$CACHE.delta"
pcase "without the delta: zoe is not ours" hc_only zoe acct PAM_IGNORE ""
pcase "without the delta: bob is back (assigned elsewhere)" hc_only bob acct PAM_PERM_DENIED "host2"
echo 1..$_hc_n
