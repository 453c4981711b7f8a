#!/bin/bash
# kill -9 of the hcoop-sync daemon during a burst of followed changes that
# it writes as delta files (cache_format.h, THE DELTA FILE). The changes
# arrive in order (gecos of user0001, user0002, ...) and every delta holds
# all of them so far, so after each kill the main + delta pair must read
# as one prefix of the burst: users 1..j changed, the others not, every
# name once, whatever moment the kill hit (between two writes, in a
# write's temp file, between its rename and the superseded flag). The
# restarted daemon then converges to what LDAP holds and leaves no temp
# file behind.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/faults/lib.sh"

KILLS=${FAULTS_LONG:+12}
KILLS=${KILLS:-4}
BURST=40
hs_setup "delta_max 100000"
D=$(dirname "$HS_CACHE")
log=$SLAPD_DIR/daemon.log
once_cache=$SLAPD_DIR/var/once-cache
once_conf=$SLAPD_DIR/once.conf
HC_CACHE=$once_cache slapd_write_config "$once_conf"

: >"$log"
log_has() { tail -n +"$1" "$log" | grep -q "$2"; } # FROM-LINE TEXT
start() {
	hs_start_daemon "$HS_CONF" "$log"
	hs_wait 15 log_has "$1" "refresh applied"
}
# The burst numbers of the users whose gecos is "round R i" in the cache.
changed() { hs_dump | sed -n "s/^U:user0*\([0-9]*\):[0-9]*:[0-9]*:round $1 \([0-9]*\):.*/\1/p" | sort -n | tr '\n' ' '; }
prefix() { # "1 2 3 " is a prefix, "1 3 " is not
	local want=1 i
	for i in $1; do
		[ "$i" = "$want" ] || return 1
		want=$((want + 1))
	done
}

wrong=0 crashed=0 deltas=0 summary=
for ((k = 1; k <= KILLS; k++)); do
	lines=$(($(wc -l <"$log") + 1))
	start "$lines" || { fail "round $k: the daemon did not start"; break; }
	pid=$HS_DAEMON_PID
	# one change per operation, so that the daemon writes many deltas
	for ((i = 1; i <= BURST; i++)); do
		printf 'dn: uid=user%04d,ou=People,%s\nchangetype: modify\nreplace: gecos\ngecos: round %d %d\n\n' \
			"$i" "$LDAP_BASE" "$k" "$i" | slapd_modify >/dev/null 2>&1
	done &
	mod=$!
	# a random moment of the burst, once a delta of it was written
	hs_wait 10 log_has "$lines" "wrote $HS_CACHE.delta"
	sleep "0.$((RANDOM % 4))$((RANDOM % 10))"
	kill -KILL "$pid" 2>/dev/null
	rc=0; wait "$pid" || rc=$?
	[ "$rc" -eq 137 ] || [ "$rc" -lt 128 ] || crashed=$((crashed + 1))
	wait "$mod"
	[ -e "$HS_CACHE.delta" ] && deltas=$((deltas + 1))
	got=$(changed "$k")
	dups=$(hs_dump | cut -d: -f1,2 | sort | uniq -d | wc -l)
	if ! hs_dump >/dev/null || ! prefix "$got" || [ "$dups" != 0 ]; then
		wrong=$((wrong + 1))
		diag "round $k: changed users: $got; duplicate names: $dups"
	fi
	summary="$summary $(wc -w <<<"$got")"
done
fault_check "kill -9 during delta writes" "$KILLS kills in bursts of $BURST changes" \
	"$wrong inconsistent pairs, $crashed crashes (users changed at each kill:$summary)" \
	"0 inconsistent, 0 crashes" eval "[ $wrong = 0 ] && [ $crashed = 0 ]"
diag "$deltas of $KILLS kills left a delta file"

# the restarted daemon: a full refresh written over the pair
lines=$(($(wc -l <"$log") + 1))
start "$lines"
check "restarted: refresh applied" log_has "$lines" "refresh applied"
"$HS_SYNC" -c "$once_conf" --once --force >/dev/null 2>&1
same() { cmp -s <(hs_dump) <(hs_dump "$once_cache"); }
check "restarted: the cache equals a fresh --once" hs_wait 5 same
check_not "restarted: the full write removed the delta" test -e "$HS_CACHE.delta"
left=$(temp_files "$D")
fault_check "kill -9 during delta writes: temp files" "a restart after $KILLS kills" \
	"$left temp files left" "0" eval "[ $left = 0 ]"
echo 1..$_hc_n
