#!/bin/bash
# Issue 12, fault suite: kill -9 of hcoop-sync at random moments while it
# writes a big cache (10,000 users in make check, 100,000 in make faults).
# Half the kills land at a random moment, half inside the write (as soon as
# its temp file exists). After each kill the cache is either the old file
# (byte-compared) or a complete new one (its content equal to what LDAP
# holds); the next start leaves no temp file behind (stale ones from a
# killed writer removed: issue 10 item 13, in the cache writer).
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/faults/lib.sh"

N=${FAULTS_LONG:+100000}
N=${N:-10000}
KILLS=${FAULTS_LONG:+20}
KILLS=${KILLS:-6}
export HC_FIXTURE_NUSERS=$N
hs_setup
D=$(dirname "$HS_CACHE")
"$HS_SYNC" -c "$HS_CONF" --once >"$SLAPD_DIR/once.log" 2>&1
is "first cache" "$?" 0
cp "$HS_CACHE" "$SLAPD_DIR/old"
old_dump=$(hs_dump "$SLAPD_DIR/old")

# The new content: one change in LDAP, measured with a clean run.
slapd_modify >/dev/null <<EOT
dn: uid=alice,ou=People,$LDAP_BASE
changetype: modify
replace: gecos
gecos: killed
EOT
t0=$(now_ms)
"$HS_SYNC" -c "$HS_CONF" --once --force >>"$SLAPD_DIR/once.log" 2>&1
dur=$(($(now_ms) - t0))
new_dump=$(hs_dump)
check "the new content differs" test "$new_dump" != "$old_dump"
diag "a full --once of $N users takes $dur ms"

wrong=0 crashed=0 olds=0 news=0
for ((k = 0; k < KILLS; k++)); do
	cp "$SLAPD_DIR/old" "$HS_CACHE"
	"$HS_SYNC" -c "$HS_CONF" --once --force >>"$SLAPD_DIR/once.log" 2>&1 &
	pid=$!
	if ((k % 2)); then
		# a random moment within the run (the write is its second half)
		sleep "$(awk -v d="$dur" -v r="$RANDOM" 'BEGIN{printf "%.3f", d * (0.2 + 0.8 * r / 32768) / 1000}')"
	else
		# in the write itself: as soon as its temp file exists
		for ((w = 0; w < 2000; w++)); do
			[ "$(temp_files "$D")" = 0 ] || break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.002
		done
	fi
	kill -KILL "$pid" 2>/dev/null
	rc=0; wait "$pid" || rc=$?
	[ "$rc" -lt 128 ] || [ "$rc" -eq 137 ] || crashed=$((crashed + 1))
	if cmp -s "$HS_CACHE" "$SLAPD_DIR/old"; then
		olds=$((olds + 1))
	elif [ "$(hs_dump)" = "$new_dump" ]; then
		news=$((news + 1))
	else
		wrong=$((wrong + 1))
	fi
done
fault_check "kill -9 during a write" "$KILLS kills at random moments, $N users" \
	"$olds old, $news new, $wrong wrong, $crashed crashes" "0 wrong, 0 crashes" \
	eval "[ $wrong = 0 ] && [ $crashed = 0 ]"
left=$(temp_files "$D")
diag "temp files after the kills: $left"
"$HS_SYNC" -c "$HS_CONF" --once --force >>"$SLAPD_DIR/once.log" 2>&1
is "a clean run afterwards" "$?" 0
left=$(temp_files "$D")
fault_check "kill -9: temp files" "the next start after $KILLS kills" \
	"$left temp files left" "0" eval "[ $left = 0 ]"
echo 1..$_hc_n
