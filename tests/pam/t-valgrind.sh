#!/bin/bash
# 1,000 auth+account transactions in one process under valgrind: no leak,
# no invalid access (pam_hcoop, libpam, libldap together).
source "${HC_SRC:-$(dirname "$0")/../..}/tests/pam/lib.sh"
command -v valgrind >/dev/null || skip_all "valgrind not installed"
[ "${HC_SAN:-0}" = 1 ] && skip_all "valgrind does not run ASan binaries"
pam_setup
pam_service vg "auth required $PAM_SO config=$CONF" \
	"account required $PAM_SO config=$CONF"
N=${HC_VALGRIND_LOOPS:-1000}
log=$PAM_DIR/valgrind.log
t0=$SECONDS
out=$(valgrind --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	--log-file="$log" "$PAMDRIVE" -q -n "$N" "$PAM_CONFDIR" vg alice auth,acct \
	alice-secret-1 2>&1)
rc=$?
diag "valgrind: $N auth+account cycles in $((SECONDS - t0)) s"
is "all $N auth+account cycles succeeded" "$out" "loops $N ok $N"
is "valgrind: no errors, no definite/indirect leak (exit $rc)" "$rc" 0
[ "$rc" = 0 ] || diag "$(grep -E 'definitely|indirectly|Invalid|ERROR SUMMARY' "$log" | head -20)"
grep -E 'definitely lost|indirectly lost|ERROR SUMMARY' "$log" | sed 's/^/# /'
# also a failing path: wrong password + unknown user, 200 times each
valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=99 --log-file="$log.2" "$PAMDRIVE" -q -n 200 \
	"$PAM_CONFDIR" vg alice auth wrong >/dev/null 2>&1
is "valgrind: 200 failed binds, no leak" "$?" 1
valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=99 --log-file="$log.3" "$PAMDRIVE" -q -n 200 \
	"$PAM_CONFDIR" vg nosuchuser auth,acct x >/dev/null 2>&1
is "valgrind: 200 unknown users, no leak" "$?" 1
