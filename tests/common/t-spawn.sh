#!/bin/bash
# common/child.c, the one spawn helper (pam_hcoop's session step,
# hcoop-sync's precreate_homes, route reloads): the child starts clean
# whatever state the host process is in, and the host process's signal
# state is never touched.
# san: yes
. "$(dirname "$0")/../lib/tap.sh"

D="$HC_BUILD/tests/common/spawndrive"
t=$(hc_tmpdir)
val() { sed -n "s/^$1=//p" <<<"$out" | head -1; }
errtext() { sed -n '/^err<<$/,/^>>$/p' <<<"$out" | sed '1d;$d'; }

out=$("$D" -- /bin/sh -c 'echo oops >&2; exit 3')
is "exit status returned" "$(val rc) $(sed -n 's/^timed_out=//p' <<<"$out")" "0 0 exited=1 code=3"
like "stderr captured" "$(errtext)" '^oops$'
is "describe" "$(val describe)" "exit status 3"

out=$("$D" -i -- /bin/sh -c 'exit 4')
is "status kept although the host ignores SIGCHLD (no auto-reap)" \
	"$(val rc) $(grep -o 'exited=1 code=4' <<<"$out")" "0 exited=1 code=4"

out=$("$D" -h -- /bin/sh -c 'exit 5')
is "status kept although the host's SIGCHLD handler reaps every child" \
	"$(val rc) $(grep -o 'exited=1 code=5' <<<"$out")" "0 exited=1 code=5"
is "the host's SIGCHLD handler never saw our child" "$(val handler_reaped)" 0
is "the host's SIGCHLD disposition is unchanged" "$(val sigchld_unchanged)" 1

out=$("$D" -- /bin/sh -c 'kill -TERM $$')
is "death by signal reported" "$(grep -o 'exited=0 code=15' <<<"$out")" "exited=0 code=15"

out=$("$D" -b -l -- /bin/sh -c 'grep -E "^Sig(Blk|Ign)" /proc/self/status >&2; ls /proc/self/fd >&2; env >&2')
like "signal mask reset in the child" "$(errtext)" 'SigBlk:[[:space:]]+0+$'
like "ignored signals reset in the child" "$(errtext)" 'SigIgn:[[:space:]]+0+$'
out2=$("$D" -r -- /bin/sh -c 'grep -E "^SigIgn" /proc/self/status >&2')
like "glibc's internal signals 32 and 33, ignored by the host, reset too" \
	"$(sed -n '/^err<<$/,/^>>$/p' <<<"$out2")" 'SigIgn:[[:space:]]+0+$'
check_not "leaked descriptor 7 not inherited" grep -qx 7 <<<"$(errtext)"
check_not "environment not inherited" grep -q HCOOP_SECRET <<<"$(errtext)"

out=$("$D" -t 300 -- /bin/sh -c "sleep 30 & echo \$! > $t/bg; wait")
is "deadline: killed" "$(grep -o 'timed_out=1' <<<"$out")" "timed_out=1"
ms=$(val elapsed_ms)
check "deadline: returned within 300 ms + 1 s ($ms ms)" test "$ms" -lt 1300
sleep 0.2
st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$(cat "$t/bg")/status" 2>/dev/null)
check "deadline: what the child started was killed too (state '${st:-gone}')" \
	test -z "$st" -o "$st" = Z

out=$("$D" -- /nonexistent/prog)
is "missing program: exit 127" "$(grep -o 'exited=1 code=127' <<<"$out")" "exited=1 code=127"
out=$("$D" -- sh -c true)
is "relative path refused" "$(val rc)" -22
out=$("$D" -t 0 -- /bin/true)
is "no deadline refused" "$(val rc)" -22
