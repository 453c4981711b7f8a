#!/bin/bash
# Atomicity: two runs at once give one home and both succeed; a run killed
# with SIGKILL in the middle of a 5,000-file copy leaves no home at the
# final path, and the next run removes the leftover and succeeds; a live
# builder's temporary is never swept.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/mkhome/lib.sh"
mk_enter "$@"
mk_setup

# a 5,000-file skeleton: 50 folders of 100 files
BIG=$W/bigskel
mkdir -p "$BIG"
for d in $(seq -w 1 50); do
	mkdir "$BIG/d$d"
	for f in $(seq -w 1 100); do echo "$d/$f" >"$BIG/d$d/f$f"; done
done
is "the big skeleton has 5,000 files" "$(find "$BIG" -type f | wc -l)" 5000
sed "s|^skel .*|skel $BIG|" "$CONF" >"$W/big.conf"

temps() { ls -A /home | grep '^\.hcoop-mkhome\.' || true; }
# wait until a temporary for $1 exists with at least $2 files (bounded)
wait_temp() {
	local i t
	for i in $(seq 2000); do
		t=$(ls -A /home | grep "^\.hcoop-mkhome\.$1\." | head -1)
		if [ -n "$t" ] && [ "$(find "/home/$t" -type f 2>/dev/null | head -"$2" | wc -l)" -ge "$2" ]; then
			echo "$t"
			return 0
		fi
		sleep 0.005
	done
	return 1
}

# 1. two runs at once, several rounds
for round in 1 2; do
	rm -rf /home/alice
	"$MKH" -c "$W/big.conf" alice >"$W/a.out" 2>&1 &
	pa=$!
	"$MKH" -c "$W/big.conf" alice >"$W/b.out" 2>&1 &
	pb=$!
	ra=0 rb=0
	wait $pa || ra=$?
	wait $pb || rb=$?
	is "round $round: both runs exit 0" "$ra $rb" "0 0"
	is "round $round: one home with all 5,000 files" "$(find /home/alice -type f | wc -l)" 5000
	is "round $round: no temporary left" "$(temps)" ""
	grep -h 'another run' "$W/a.out" "$W/b.out" | sed 's/^/# /'
done

# 2. deterministic overlap: A is stopped mid-copy while B makes the home;
#    B's sweep must leave A's (locked) temporary alone; A then loses the
#    rename, removes its copy and still exits 0.
"$MKH" -c "$W/big.conf" user0003 >"$W/a.out" 2>&1 &
pa=$!
hc_on_exit "kill -CONT $pa 2>/dev/null; hc_stop_pid $pa"
ta=$(wait_temp user0003 200) && kill -STOP $pa
if [ -n "$ta" ] && [ -d "/home/$ta" ]; then
	run_mkhome -c "$W/big.conf" user0003
	is "B creates the home while A is stopped" "$RC" 0
	check "A's temporary survived B's sweep (A holds its lock)" test -d "/home/$ta"
	kill -CONT $pa
	ra=0
	wait $pa || ra=$?
	is "A, having lost the rename, exits 0" "$ra" 0
	like "A says another run made it" "$(cat "$W/a.out")" "created by another run"
	is "one home, complete" "$(find /home/user0003 -type f | wc -l)" 5000
	is "A removed its temporary" "$(temps)" ""
else
	fail "could not catch run A in the middle of its copy"
fi

# 3. kill -9 in the middle of the copy
"$MKH" -c "$W/big.conf" user0001 >/dev/null 2>&1 &
pk=$!
hc_on_exit "hc_stop_pid $pk"
tk=$(wait_temp user0001 500)
kill -KILL $pk
wait $pk 2>/dev/null
check "the killed run was caught mid-copy" test -n "$tk"
diag "killed with $(find "/home/$tk" -type f 2>/dev/null | wc -l) of 5000 files copied"
check_not "no home at the final path after kill -9" test -e /home/user0001
like "the half-made temporary is there" "$(temps)" "^\.hcoop-mkhome\.user0001\.$pk\."
run_mkhome -c "$W/big.conf" user0001
is "the next run succeeds" "$RC" 0
like "it says it removed the leftover" "$OUT" "removed leftover temporary \.hcoop-mkhome\.user0001\.$pk\."
is "the leftover is gone" "$(temps)" ""
is "the new home is complete" "$(find /home/user0001 -type f | wc -l)" 5000
is "and owned by the member throughout" "$(find /home/user0001 ! -uid 20001 | wc -l)" 0

# 4. the sweep's rules for unlocked leftovers
mkdir -m 0700 /home/.hcoop-mkhome.ghost.1.00aa /home/.hcoop-mkhome.ghost.1.00bb
echo x >/home/.hcoop-mkhome.ghost.1.00aa/file
mkdir -p "$W/victim" && echo keep >"$W/victim/file"
ln -s "$W/victim" /home/.hcoop-mkhome.ghost.1.00aa/link
touch -d '-2 minutes' /home/.hcoop-mkhome.ghost.1.00aa
rm -rf /home/alice
run_mkhome -c "$CONF" alice
is "run with leftovers around: exit 0" "$RC" 0
check_not "an old leftover (live PID 1, older than a minute) is removed" test -e /home/.hcoop-mkhome.ghost.1.00aa
check "a fresh one of a live PID is kept" test -d /home/.hcoop-mkhome.ghost.1.00bb
is "removing it did not follow the symlink inside it" "$(cat "$W/victim/file")" keep
rmdir /home/.hcoop-mkhome.ghost.1.00bb
