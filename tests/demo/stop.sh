#!/bin/bash
# Stop what `make demo KEEP=1` left running and remove its directory.
#   tests/demo/stop.sh /tmp/hcoop-demo.XXXXXX
# Only the PIDs recorded in DIR/pids are signalled, and only while they
# still live in the demo's mount namespace (a reused PID is left alone).
set -u
dir=${1:?usage: $0 /tmp/hcoop-demo.XXXXXX}
case $dir in /tmp/hcoop-demo.*) ;; *) echo "$0: not a demo dir: $dir" >&2; exit 1 ;; esac
[ -f "$dir/pids" ] || { echo "$0: $dir/pids not found" >&2; exit 1; }

stop_pid() { # pid
	local i
	kill -TERM "$1" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null
}

while read -r pid name ns; do
	case $pid in '#'* | '') continue ;; esac
	if [ "$(readlink "/proc/$pid/ns/mnt" 2>/dev/null)" != "$ns" ]; then
		echo "$name (pid $pid): already gone"
		continue
	fi
	stop_pid "$pid"
	echo "$name (pid $pid): stopped"
done <"$dir/pids"
# the namespace and its overlay mounts vanish with their last process
rm -rf "$dir"
echo "removed $dir"
