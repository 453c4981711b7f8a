#!/bin/bash
# Temporary files left by writers killed during a write (cache.tmp.PID.N)
# are removed at the start of the next write (issue 10 item 13): five files
# of dead PIDs go; a live process's file, a file another process holds
# locked (whatever its PID), and files that only look similar stay.
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/nss/lib.sh"
T=$(hc_tmpdir)
D=$T/lib
mkdir "$D"
nss_spec 5 5 >"$T/spec"

dead=()
for i in 1 2 3 4 5 6; do
	sh -c 'exit 0' &
	dead+=("$!")
	wait "$!"
done
for i in 0 1 2 3 4; do
	head -c 4096 /dev/urandom >"$D/cache.tmp.${dead[$i]}.$i"
done
sleep 60 &
live=$!
hc_on_exit "hc_stop_pid $live"
echo live >"$D/cache.tmp.$live.0"
# a dead PID in the name, but the file is locked by a running process
: >"$D/cache.tmp.${dead[5]}.9"
flock "$D/cache.tmp.${dead[5]}.9" sleep 60 &
locker=$!
hc_on_exit "hc_stop_pid $locker"
for i in $(seq 50); do
	flock -n "$D/cache.tmp.${dead[5]}.9" true || break
	sleep 0.1
done
for f in cache.tmp.x.1 cache.tmp.${dead[0]} cache.tmp.${dead[0]}.1x other.tmp.${dead[0]}.1; do
	: >"$D/$f"
done
keep="cache.tmp.$live.0 cache.tmp.${dead[5]}.9 cache.tmp.x.1 cache.tmp.${dead[0]} cache.tmp.${dead[0]}.1x other.tmp.${dead[0]}.1"

check "a write succeeds" "$MKCACHE" "$D/cache" <"$T/spec"
gone=0
for i in 0 1 2 3 4; do
	[ -e "$D/cache.tmp.${dead[$i]}.$i" ] || gone=$((gone + 1))
done
is "the 5 temp files of dead writers are removed" "$gone" 5
for f in $keep; do
	check "kept: $f" test -e "$D/$f"
done
is "nothing else in the directory" "$(ls "$D" | grep -c .)" 7
