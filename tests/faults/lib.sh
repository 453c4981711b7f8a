# Shared helpers of the fault suite (source after tap.sh). Each test adds
# rows to the table build/faults.md with fault_row; tests/faults/t-zz-table.sh
# (the last of the suite) assembles and prints it.
source "$HC_SRC/tests/sync/lib.sh"

FAULT_ROWS=$HC_SRC/build/faults/rows
mkdir -p "$FAULT_ROWS"
_fault_file=$FAULT_ROWS/$(basename "$0" .sh)$([ "${HC_SAN:-0}" = 1 ] && echo .san).rows
: >"$_fault_file"

# fault_row FAULT INJECTED FIGURE BOUND held|failed
fault_row() {
	local tag=
	[ "${HC_SAN:-0}" != 1 ] || tag=" [asan]"
	printf '| %s%s | %s | %s | %s | %s |\n' "$1" "$tag" "$2" "$3" "$4" "$5" >>"$_fault_file"
}

# fault_check NAME INJECTED FIGURE BOUND CONDITION...: a TAP line and a row,
# "held" when CONDITION succeeds.
fault_check() {
	local name=$1 inj=$2 fig=$3 bound=$4
	shift 4
	if "$@"; then
		ok "$name: $fig (bound $bound)"
		fault_row "$name" "$inj" "$fig" "$bound" held
	else
		fail "$name: $fig (bound $bound)"
		fault_row "$name" "$inj" "$fig" "$bound" FAILED
	fi
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_ms SECONDS command...: like hs_wait, prints the milliseconds it took
# (or nothing and false when the deadline passed).
wait_ms() {
	local t0 s=$1
	shift
	t0=$(now_ms)
	hs_wait "$s" "$@" || return 1
	echo $(($(now_ms) - t0))
}

# hb_get KEY [FILE]: a value from the daemon's heartbeat file.
hb_get() { sed -n "s/^$1=//p" "${2:-$HB_FILE}" 2>/dev/null; }

# The daemon's temp files left in DIR.
temp_files() { find "$1" -maxdepth 1 -name '*.tmp*' 2>/dev/null | wc -l; }

# No number of ms in $1 over $2.
le() { [ -n "$1" ] && [ "$1" -le "$2" ]; }

# start_bad MODE: a badserver (silent|random|huge); BAD_PORT set.
start_bad() {
	local f
	f=$(hc_tmpdir)/port
	"$HC_BUILD/tests/badserver" "$1" >"$f" 2>/dev/null &
	hc_on_exit "hc_stop_pid $!"
	hs_wait 5 test -s "$f" || return 1
	BAD_PORT=$(head -1 "$f")
}

# A port nothing listens on.
closed_port() {
	local p
	p=$(hc_free_port)
	echo "$p"
}

# stop_ms PID: SIGTERM; STOP_MS the milliseconds until it exited, STOP_RC
# its status (run in this shell: only it can wait for its child).
stop_ms() {
	local pid=$1 t0
	t0=$(now_ms)
	kill -TERM "$pid"
	STOP_RC=0
	wait "$pid" || STOP_RC=$?
	STOP_MS=$(($(now_ms) - t0))
}
