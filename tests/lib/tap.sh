# TAP helpers for shell tests. Source it, then call ok/fail/check/is.
# Cleanups registered with hc_on_exit run in reverse order on exit, also
# when a test dies, so every process a test starts is stopped by PID.
# Sourcing it twice in one shell (a test and its lib.sh) is a no-op: a
# second load would reset the test numbers and forget registered cleanups.
# (The variable is not exported, so a re-executed script loads it afresh.)
[ "${_hc_tap_loaded:-0}" = 1 ] && return 0
_hc_tap_loaded=1
set -u
HC_SRC=${HC_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
HC_BUILD=${HC_BUILD:-$HC_SRC/build}
_hc_n=0
_hc_cleanups=()

hc_on_exit() { _hc_cleanups+=("$*"); }
_hc_run_cleanups() {
	local i
	for ((i = ${#_hc_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_hc_cleanups[$i]}" || true
	done
	_hc_cleanups=()
}
trap _hc_run_cleanups EXIT
trap 'exit 130' INT TERM

ok() { _hc_n=$((_hc_n + 1)); echo "ok $_hc_n - $*"; }
fail() { _hc_n=$((_hc_n + 1)); echo "not ok $_hc_n - $*"; }
diag() { echo "# $*"; }

# check "description" command args...   (passes when the command succeeds)
check() {
	local d=$1; shift
	if "$@"; then ok "$d"; else fail "$d (command: $*)"; fi
}
# check_not "description" command args...   (passes when it fails)
check_not() {
	local d=$1; shift
	if "$@"; then fail "$d (unexpectedly succeeded: $*)"; else ok "$d"; fi
}
# is "description" got expected
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		fail "$1"
		diag "got:      $(printf '%q' "$2")"
		diag "expected: $(printf '%q' "$3")"
	fi
}
# like "description" got extended-regex
like() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then ok "$1"; else
		fail "$1"
		diag "got: $(printf '%q' "$2" | head -c 2000)"
		diag "expected to match: $3"
	fi
}
skip_all() { echo "1..0 # SKIP $*"; exit 77; }
need_root() { [ "$(id -u)" -eq 0 ] || skip_all "needs root"; }

# A private temp dir removed at exit. Callers use d=$(hc_tmpdir), i.e. a
# subshell whose own cleanups are lost, so every temp dir lives under one
# per-process root that the main shell created (and registered first, so it
# is removed last) when it sourced this file.
_HC_TMPROOT=$(mktemp -d /tmp/hcoop-test.XXXXXX)
chmod 0755 "$_HC_TMPROOT"
hc_on_exit "rm -rf '$_HC_TMPROOT'"
hc_tmpdir() {
	local d
	d=$(mktemp -d "$_HC_TMPROOT/t.XXXXXX")
	chmod 0755 "$d"
	echo "$d"
}

# Stop a process by PID: TERM, wait up to 5 s, then KILL.
hc_stop_pid() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
}

# A free TCP port on 127.0.0.1: a random one not in use (no python3 needed;
# the caller must still cope with losing a race, e.g. by retrying).
hc_free_port() {
	local p i used
	used=$(ss -Htan 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }')
	for ((i = 0; i < 100; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		grep -qx "$p" <<<"$used" || break
	done
	echo "$p"
}
