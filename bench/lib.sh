# Functions of bench/run.sh, run inside the benchmark's namespace.
# Every figure is appended to $R as one line "KIND key=value ..." (values
# with spaces quoted), which bench/report.py turns into RESULTS.md.

BENCH_DURATION=${BENCH_DURATION:-0.5}
# the interleaved rounds of issue 13's item 4 figures (floor_rounds)
BENCH_ROUNDS=${BENCH_ROUNDS:-7}
BENCH_ROUND_DURATION=${BENCH_ROUND_DURATION:-0.3}
BENCH_OPS="getpwnam getpwuid getpwnam-neg getgrnam getgrgid getgrouplist getpwent"
HCB=$HC_BUILD/bench
HC_MOD=$HC_BUILD/libnss_hcoop.so.2
FLOOR_MOD=$HCB/libnss_hcoopfloor.so.2
# the one-miss and two-miss floors (bench/nss_onemiss.c): passwd only
# (backend_answers)
ONEMISS_MOD=$HCB/libnss_hcooponemiss.so.2
TWOMISS_MOD=$HCB/libnss_hcooptwomiss.so.2

rec() { echo "$*" >>"$R"; }
skip() { # what why...
	local what=$1
	shift
	rec "SKIP what=$what why=\"$*\""
	echo "bench: not measured: $what: $*" >&2
}
say() { echo "bench: $(date +%T) $*" >&2; }

bench_versions() {
	local cpu
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	echo "VERSION date=\"$(date -u '+%Y-%m-%d %H:%M UTC')\" kernel=$(uname -r)" \
		"glibc=\"$(ldd --version | head -1 | sed 's/^ldd //')\"" \
		"slapd=\"$(slapd -VV 2>&1 | sed -n 's/.*slapd \([^ ]*\) .*/\1/p' | head -1)\"" \
		"gcc=\"$(gcc -dumpfullversion)\" cpu=\"$cpu\" cores=$(nproc)" \
		"mem_gb=$(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo)" \
		"commit=$(git -C "$HC_SRC" rev-parse --short HEAD 2>/dev/null || echo none)" \
		"nscd=$([ -x /usr/sbin/nscd ] && echo yes || echo no)" \
		"memmon=\"$(memory_monitor)\"" \
		"split=$("$HCB/hcb-lookup" -V 2>/dev/null | sed -n 's/^SPLIT variant=//p')"
}

# The kernel's own memory monitor, when one runs: DAMON (kdamond) with a
# pageout scheme reclaims pages it finds cold, the cache file's among them,
# and its sampling touches page tables; both move memory-bound figures.
memory_monitor() {
	local k=/sys/kernel/mm/damon/admin/kdamonds s acts=""
	[ "$(cat "$k/0/state" 2>/dev/null)" = on ] || { echo none; return; }
	for s in "$k"/0/contexts/0/schemes/*/action; do
		[ -f "$s" ] && acts="$acts $(cat "$s")"
	done
	echo "DAMON on ($(cat "$k/0/contexts/0/operations" 2>/dev/null)${acts:+;$acts})"
}

# One hcb-lookup run, recorded as one line: the prefix, then its RESULT
# fields (nothing is recorded when it fails).
lookup_rec() { # record-prefix hcb-lookup-arguments...
	local prefix=$1 out
	shift
	out=$("$HCB/hcb-lookup" "$@") && rec "$prefix ${out#RESULT }"
}

# nss_use files|hcoop|floor: what answers passwd/group for the next process
nss_use() {
	case $1 in
	files) hc_ns_nsswitch files ;;
	hcoop) hc_ns_nsswitch hcoop ;;
	floor) hc_ns_nsswitch hcoopfloor ;;
	onemiss) hc_ns_nsswitch hcooponemiss ;;
	twomiss) hc_ns_nsswitch hcooptwomiss ;;
	local) hc_ns_nsswitch "files hcoop" ;;
	esac
}

# /etc/passwd and /etc/group: the host's own entries plus the N members
files_setup() { # datadir
	cat "$W/passwd.orig" "$1/passwd.add" >/etc/passwd
	cat "$W/group.orig" "$1/group.add" >/etc/group
}
files_reset() {
	cp "$W/passwd.orig" /etc/passwd
	cp "$W/group.orig" /etc/group
}

# A harness slapd holding the fixture plus the N members, loaded offline.
slapd_bulk() { # n datadir
	local n=$1 d=$2 t0
	slapd_start || return 1
	# the harness' 256 MiB map is too small for a million members
	slapd_modify >/dev/null <<EOT || return 1
dn: olcDatabase={1}mdb,cn=config
changetype: modify
replace: olcDbMaxSize
olcDbMaxSize: 17179869184
EOT
	slapd_stop
	t0=$(date +%s.%N)
	slapadd -q -F "$SLAPD_DIR/slapd.d" -b "$LDAP_BASE" -l "$d/data.ldif" \
		>"$d/slapadd.log" 2>&1 || { cat "$d/slapadd.log" >&2; return 1; }
	rec "LOAD n=$n slapadd_s=$(elapsed "$t0")" \
		"db_bytes=$(du -sB1 "$SLAPD_DIR/db" | cut -f1)"
	slapd_start_again
}

# The floor for a full sync: fetching the same entries, paged over
# StartTLS as the host account, with ldapsearch (output discarded).
ldapsearch_baseline() { # n
	local t0
	t0=$(date +%s.%N)
	LDAPTLS_CACERT=$LDAP_CACERT ldapsearch -ZZ -x -H "$LDAP_URI" -D "$HOST_DN" \
		-w "$HOST_PW" -b "$LDAP_BASE" -E pr=1000/noprompt -LLL \
		'(|(objectClass=posixAccount)(objectClass=posixGroup))' uid uidNumber \
		gidNumber gecos cn homeDirectory loginShell hcoopHost memberUid \
		>/dev/null 2>&1 &&
		rec "LDAPSEARCH n=$1 wall_s=$(elapsed "$t0")"
}

# timed OUT CMD...: "wall_s=.. peak_rss_kb=.." into OUT, through GNU time
# (Debian package "time") when present, else wall time only.
timed() {
	local out=$1 t0 rc
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f 'wall_s=%e peak_rss_kb=%M' -o "$out" "$@"
		return
	fi
	t0=$(date +%s.%N)
	"$@"
	rc=$?
	echo "wall_s=$(elapsed "$t0") peak_rss_kb=-1" >"$out"
	return $rc
}

# The cache's size on disk: the file plus, when hcoop-sync keeps one, its
# delta file (<cache>.delta), whatever their layout.
CACHE=/var/lib/hcoop/cache
cache_size() { # -> "cache_bytes=.. delta_bytes=.."
	local main=0 delta=0
	[ -f "$CACHE" ] && main=$(stat -c %s "$CACHE")
	[ -f "$CACHE.delta" ] && delta=$(stat -c %s "$CACHE.delta")
	echo "cache_bytes=$((main + delta)) delta_bytes=$delta"
}

# hcoop-sync --once: wall time, peak RSS, cache size. Falls back to the
# test tool (same writer) so the lookup figures exist without the daemon.
sync_once() { # n datadir conf
	local n=$1 d=$2 conf=$3 cache=$CACHE
	rm -f "$cache" "$cache.delta"
	if [ ! -x "$HC_BUILD/hcoop-sync" ]; then
		skip "sync-once n=$n" "hcoop-sync not built yet"
	elif timed "$d/time.out" "$HC_BUILD/hcoop-sync" -c "$conf" --once \
		>"$d/sync.log" 2>&1; then
		rec "SYNC n=$n $(tail -1 "$d/time.out") $(cache_size)" \
			"passwd_bytes=$(stat -c %s "$d/passwd.add")" \
			"group_bytes=$(stat -c %s "$d/group.add")" \
			"users=$(grep -c '' "$d/passwd.add")"
		return 0
	else
		skip "sync-once n=$n" "hcoop-sync --once failed: $(tail -2 "$d/sync.log" | tr '\n"' ' _')"
	fi
	if [ -x "$HC_BUILD/tests/hcoop-mkcache" ] &&
		"$HC_BUILD/tests/hcoop-mkcache" "$cache" <"$d/cache.spec"; then
		rec "CACHE n=$n source=hcoop-mkcache $(cache_size)" \
			"passwd_bytes=$(stat -c %s "$d/passwd.add")" \
			"group_bytes=$(stat -c %s "$d/group.add")"
		return 0
	fi
	return 1
}

# Does the backend answer the operation at all? (the one- and two-miss
# floors: getpwnam and getpwuid only)
backend_answers() { # backend op
	case $1:$2 in
	onemiss:getpwnam | onemiss:getpwuid | twomiss:getpwnam | twomiss:getpwuid) true ;;
	onemiss:* | twomiss:*) false ;;
	*) true ;;
	esac
}

backend_ready() { # backend
	case $1 in
	hcoop) [ -f "$HC_NS_LIBDIR/libnss_hcoop.so.2" ] && [ -s /var/lib/hcoop/cache ] ;;
	onemiss | twomiss) [ -f "$HC_NS_LIBDIR/libnss_hcoop$1.so.2" ] && [ -s /var/lib/hcoop/cache ] ;;
	*) true ;;
	esac
}

# Every operation, 1 and 2 threads, files / hcoop / floor back to back so
# each ratio compares runs made seconds apart; for getpwnam and getpwuid
# the one- and two-miss floors too (between hcoop and floor).
lookups() { # n datadir
	local n=$1 d=$2 op th be
	echo "$n" >/etc/hcoopfloor.count
	for op in $BENCH_OPS; do
		for th in 1 2; do
			[ "$op" = getpwent ] && [ "$th" = 2 ] && continue
			for be in files hcoop onemiss twomiss floor; do
				backend_answers "$be" "$op" && backend_ready "$be" || continue
				nss_use "$be"
				lookup_rec "LOOKUP n=$n backend=$be" -k "$d/keys" \
					-o "$op" -t "$th" -d "$BENCH_DURATION" -l "$be"
			done
		done
	done
	backend_ready hcoop || skip "lookups-hcoop n=$n" "no nss_hcoop module or cache"
}

# getgrgid of one group per size class (gendata.py's "classes", e.g. 10,
# 100, 1,000 and N/40 members): through glibc with nss_files and nss_hcoop,
# the module alone (dlopen), and a memcpy of the packed entry's size (the
# member names back to back: the copy-bound reference), back to back.
grclass_rec() { # n name members bytes backend hcb-lookup-output
	rec "GRCLASS n=$1 group=$2 members=$3 packed_bytes=$4 backend=$5 ${6#RESULT }"
}
group_classes() { # n datadir
	local n=$1 d=$2 name members bytes be out
	[ -s "$d/classes" ] || { skip "group-classes n=$n" "no size classes in the data"; return 1; }
	while read -r -u 3 name _ members bytes; do
		for be in files hcoop; do
			backend_ready "$be" || continue
			nss_use "$be"
			out=$("$HCB/hcb-lookup" -k "$d/keys.$name" -o getgrgid \
				-d "$BENCH_DURATION" -l "$be") &&
				grclass_rec "$n" "$name" "$members" "$bytes" "$be" "$out"
		done
		if [ -f "$HC_MOD" ] && [ -s "$CACHE" ]; then
			out=$("$HCB/hcb-lookup" -k "$d/keys.$name" -o getgrgid \
				-D "$HC_MOD:hcoop" -d "$BENCH_DURATION" -l direct) &&
				grclass_rec "$n" "$name" "$members" "$bytes" direct "$out"
		fi
		out=$("$HCB/hcb-lookup" -k "$d/keys.$name" -o memcpy -M "$bytes" \
			-d "$BENCH_DURATION" -l memcpy) &&
			grclass_rec "$n" "$name" "$members" "$bytes" memcpy "$out"
	done 3<"$d/classes"
}

# The LIB:PREFIX that hcb-lookup -D loads for a backend called directly.
direct_lib() { # backend
	case $1 in
	floor) echo "$FLOOR_MOD:hcoopfloor" ;;
	onemiss) echo "$ONEMISS_MOD:hcooponemiss" ;;
	twomiss) echo "$TWOMISS_MOD:hcooptwomiss" ;;
	*) echo "$HC_MOD:hcoop" ;;
	esac
}

# The module's own cost: its entry points called through dlopen.
direct() { # n datadir
	local n=$1 d=$2 op be lib
	for be in hcoop onemiss twomiss floor; do
		lib=$(direct_lib "$be")
		if [ ! -f "${lib%:*}" ]; then
			skip "direct-$be n=$n" "${lib%:*} not built yet"
			continue
		fi
		for op in $BENCH_OPS; do
			backend_answers "$be" "$op" || continue
			lookup_rec "DIRECT n=$n backend=$be" -k "$d/keys" -o "$op" \
				-D "$lib" -d "$BENCH_DURATION" -l "$be"
		done
	done
}

# Issue 13's item 4 figures (getpwnam and getpwuid: nss_hcoop, the one-
# and two-miss floors and the floor through glibc, and the first three
# alone) in BENCH_ROUNDS interleaved rounds: each round is a short run of
# every one of them, in an order rotated from round to round. report.py
# takes each ratio within a round (runs seconds apart) and gives the
# median over the rounds with its range, so the machine drifting between
# runs minutes apart (a shared host: the single runs above have differed
# by 2x) moves one round, not the verdict.
floor_rounds() { # n datadir
	local n=$1 d=$2 r op be i lib
	local bes=(hcoop onemiss twomiss floor)
	for ((r = 1; r <= BENCH_ROUNDS; r++)); do
		for op in getpwnam getpwuid; do
			for ((i = 0; i < ${#bes[@]}; i++)); do
				be=${bes[(i + r) % ${#bes[@]}]}
				backend_ready "$be" || continue
				nss_use "$be"
				lookup_rec "ROUND n=$n round=$r mode=glibc backend=$be" \
					-k "$d/keys" -o "$op" -d "$BENCH_ROUND_DURATION" -l "$be"
			done
			# alone: nss_hcoop and the one- and two-miss floors
			for ((i = 0; i < 3; i++)); do
				be=${bes[(i + r) % 3]}
				lib=$(direct_lib "$be")
				[ -f "${lib%:*}" ] && [ -s "$CACHE" ] || continue
				lookup_rec "ROUND n=$n round=$r mode=direct backend=$be" \
					-k "$d/keys" -o "$op" -D "$lib" \
					-d "$BENCH_ROUND_DURATION" -l "$be"
			done
		done
	done
}

# Issue 13's big-group figure the same way: getgrgid of the largest size
# class (N/40 members) through glibc with nss_hcoop, and a memcpy of its
# packed size, alternated for BENCH_ROUNDS rounds; report.py takes the
# median of nss_hcoop's time and of its ratio to the copy within a round.
group_rounds() { # n datadir
	local n=$1 d=$2 r name members bytes be
	[ -s "$d/classes" ] && backend_ready hcoop || return 1
	read -r name _ members bytes < <(sort -k3,3n "$d/classes" | tail -1)
	for ((r = 1; r <= BENCH_ROUNDS; r++)); do
		for be in $( ((r % 2)) && echo hcoop memcpy || echo memcpy hcoop); do
			if [ "$be" = hcoop ]; then
				nss_use hcoop
				set -- -o getgrgid
			else
				set -- -o memcpy -M "$bytes"
			fi
			lookup_rec "GROUND n=$n round=$r group=$name members=$members packed_bytes=$bytes backend=$be" \
				-k "$d/keys.$name" "$@" -d "$BENCH_ROUND_DURATION" -l "$be"
		done
	done
}

# Instructions a call, counted by callgrind (deterministic: the same
# binary, file and keys give the same count whatever else the machine
# does, where every timed figure here moves with it). Each key of the key
# file once (hcb-lookup -c), only inside the module's entry point
# (--toggle-collect, callees included); the first call's open of the
# cache is in the count, spread over the keys. In the same run, the cache
# lines a call brings in: callgrind's cache simulation with a last level
# of 256 KiB, far smaller than the file (what one lookup touches of it is
# gone by the next lookups of other keys) and large enough for what every
# call shares (code, the handle, the shells' pool, the caller's buffer):
# its data misses per call are the distinct cold lines of one lookup, the
# "misses" of item 4, counted instead of timed.
instructions() { # n datadir
	local n=$1 d=$2 op be lib fn out calls total dl
	command -v valgrind >/dev/null || { skip "instructions n=$n" "no valgrind"; return 1; }
	for op in getpwnam getpwuid; do
		for be in hcoop onemiss twomiss floor; do
			lib=$(direct_lib "$be")
			[ -f "${lib%:*}" ] && [ -s "$CACHE" ] || continue
			fn=_nss_${lib##*:}_${op}_r
			out=$(valgrind --tool=callgrind --toggle-collect="$fn" \
				--cache-sim=yes --I1=32768,8,64 --D1=32768,8,64 \
				--LL=262144,8,64 \
				--callgrind-out-file="$W/callgrind.out" \
				"$HCB/hcb-lookup" -k "$d/keys" -o "$op" -D "$lib" -c \
				-l "$be" 2>/dev/null) || continue
			calls=$(echo "$out" | sed -n 's/.* calls=\([0-9]*\).*/\1/p')
			# totals: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw
			read -r total dl < <(awk '$1 == "totals:" {print $2, $9 + $10}' \
				"$W/callgrind.out")
			rm -f "$W/callgrind.out"
			[ -n "$calls" ] && [ "$calls" -gt 0 ] && [ -n "$total" ] || continue
			rec "INSTR n=$n backend=$be op=$op calls=$calls instructions=$total" \
				"per_call=$(awk -v t="$total" -v c="$calls" 'BEGIN {printf "%.0f", t / c}')" \
				"data_misses=${dl:-0}" \
				"lines_per_call=$(awk -v t="${dl:-0}" -v c="$calls" 'BEGIN {printf "%.2f", t / c}')"
		done
	done
}

memory() { # n datadir
	local n=$1 d=$2 be user out
	user=$(awk '$1 == "U" {print $2; exit}' "$d/keys")
	for be in files hcoop floor; do
		backend_ready "$be" || continue
		nss_use "$be"
		out=$("$HCB/hcb-rss" glibc "$user") &&
			rec "RSS n=$n backend=$be mode=glibc ${out#RSS }"
	done
	if [ -f "$HC_MOD" ]; then
		out=$("$HCB/hcb-rss" direct "$HC_MOD" hcoop "$user") &&
			rec "RSS n=$n backend=hcoop mode=direct ${out#RSS }"
	fi
	out=$("$HCB/hcb-rss" direct "$FLOOR_MOD" hcoopfloor "$user") &&
		rec "RSS n=$n backend=floor mode=direct ${out#RSS }"
}

elapsed() { awk -v t0="$1" -v t1="$(date +%s.%N)" 'BEGIN {printf "%.3f", t1 - t0}'; }

# The sync daemon following changes (refreshAndPersist), tracked by PID.
SYNC_PID=
sync_daemon_start() { # conf log
	[ -x "$HC_BUILD/hcoop-sync" ] || return 1
	# shellcheck disable=SC2086
	"$HC_BUILD/hcoop-sync" -c "$1" ${SYNC_DAEMON_ARGS:---foreground} >"$2" 2>&1 </dev/null &
	SYNC_PID=$!
	hc_on_exit "hc_stop_pid $SYNC_PID"
	sleep 0.2
	kill -0 "$SYNC_PID" 2>/dev/null
}
sync_daemon_stop() {
	hc_stop_pid "$SYNC_PID"
	wait "$SYNC_PID" 2>/dev/null
	SYNC_PID=
}

# 50 changes per series at every size (BENCH_CHANGE_ROUNDS). A series
# starts no new change after BENCH_CHANGE_BUDGET seconds (default 150) once
# 10 are done, so a persist path that rewrites the whole cache per change
# (~2 s at 1,000,000 members) still fits the 20-minute run; the RESULT line
# and RESULTS.md then say how many ran.
BENCH_CHANGE_ROUNDS=${BENCH_CHANGE_ROUNDS:-50}
BENCH_CHANGE_BUDGET=${BENCH_CHANGE_BUDGET:-150}

# ldapmodify returned -> getpwnam shows it; the first round (60 s
# allowance) also waits for the daemon's initial refresh and is not counted.
change_probe() { # kind n datadir
	"$HCB/hcb-change" -H "$LDAPI_URI" -b "$LDAP_BASE" -f "$3/changes" \
		-r 1 -T 60 >"$3/$1.probe" 2>&1 ||
		{ skip "$1 n=$2" "change never became visible (60 s)"; return 1; }
}
change_series() { # kind n datadir
	local kind=$1 n=$2 d=$3 out
	out=$("$HCB/hcb-change" -H "$LDAPI_URI" -b "$LDAP_BASE" -f "$d/changes" \
		-r "$BENCH_CHANGE_ROUNDS" -L "$BENCH_CHANGE_BUDGET" -T 30 |
		tee "$d/$kind.log" | tail -1)
	case $out in
	RESULT*) rec "$(echo "$kind" | tr a-z A-Z) n=$n ${out#RESULT }" ;;
	*) skip "$kind n=$n" "hcb-change gave no result" ;;
	esac
}
change_latency() { # kind n datadir
	change_probe "$@" && change_series "$@"
}

# Throughput of the persist path: 1,000 changes sent by one ldapmodify as
# fast as slapd takes them, until the last is visible through getpwnam.
# merges: how many times the daemon merged its delta into a new main file
# meanwhile (its log), since one costs a full write.
merges_logged() { # daemon log
	grep -cE 'merging (it|[0-9]+ changes) into a new' "$1" 2>/dev/null || true
}
burst() { # n datadir
	local out m0 m1
	m0=$(merges_logged "$2/daemon.log")
	out=$("$HCB/hcb-burst" -H "$LDAPI_URI" -b "$LDAP_BASE" -f "$2/burst" \
		-n "${BENCH_BURST:-1000}" -T 300 2>"$2/burst.err")
	m1=$(merges_logged "$2/daemon.log")
	case $out in
	RESULT*) rec "BURST n=$1 ${out#RESULT } merges=$((m1 - m0))" ;;
	*) skip "burst n=$1" "hcb-burst failed: $(head -1 "$2/burst.err" | tr '"' _)" ;;
	esac
}

# The daemon's resident memory now (VmRSS) and its peak so far (VmHWM),
# next to the cache's size on disk at the same moment.
daemon_rss() { # n when
	local st=/proc/$SYNC_PID/status rss hwm
	rss=$(awk '$1 == "VmRSS:" {print $2}' "$st" 2>/dev/null)
	hwm=$(awk '$1 == "VmHWM:" {print $2}' "$st" 2>/dev/null)
	if [ -z "$rss" ] || [ -z "$hwm" ]; then
		skip "daemon-rss n=$1 when=$2" "hcoop-sync daemon (pid $SYNC_PID) gone"
		return 1
	fi
	rec "DAEMONRSS n=$1 when=$2 rss_kb=$rss hwm_kb=$hwm $(cache_size)"
}

persist() { # n datadir conf
	local n=$1 d=$2 conf=$3
	if ! sync_daemon_start "$conf" "$d/daemon.log"; then
		skip "persist n=$n" "hcoop-sync daemon not available or exited:" \
			"$(tail -1 "$d/daemon.log" 2>/dev/null | tr '"' _)"
		return 1
	fi
	nss_use hcoop
	change_probe persist "$n" "$d" || return 1
	daemon_rss "$n" refresh
	change_series persist "$n" "$d"
	daemon_rss "$n" changes
	burst "$n" "$d"
	daemon_rss "$n" burst
	# the burst took the delta past delta_max: the daemon merges it at the
	# first pause (a full write from the cache), whose peak counts too
	if wait_merged 60; then
		daemon_rss "$n" merge
	else
		skip "daemon-rss n=$n when=merge" "no merge within 60 s of the burst"
	fi
}

# The delta is gone: merged into a new main file.
wait_merged() { # seconds
	local end=$((SECONDS + $1))
	while [ -e "$CACHE.delta" ]; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

NSCD_PID=
nscd_conf() {
	local db
	echo "debug-level 0"
	echo "paranoia no"
	for db in passwd group; do
		printf 'enable-cache %s yes\nshared %s yes\n' "$db" "$db"
		printf 'persistent %s no\npositive-time-to-live %s 600\n' "$db" "$db"
		printf 'negative-time-to-live %s 20\nsuggested-size %s 100003\n' "$db" "$db"
		printf 'check-files %s yes\nmax-db-size %s 268435456\n' "$db" "$db"
	done
	for db in hosts services netgroup; do echo "enable-cache $db no"; done
}

# nscd in front of nss_hcoop: misses (first use of each key), hits, and
# the change latency through nscd (hcoop-sync invalidates it).
nscd_bench() { # n datadir
	local n=$1 d=$2 op th out i nk=$2/keys.nscd name members bytes
	if [ ! -x /usr/sbin/nscd ]; then
		skip "nscd n=$n" "package nscd not installed"
		return 1
	fi
	nss_use hcoop
	nscd_conf >/etc/nscd.conf
	mkdir -p /var/run/nscd /var/cache/nscd
	/usr/sbin/nscd -F >"$d/nscd.log" 2>&1 </dev/null &
	NSCD_PID=$!
	hc_on_exit "hc_stop_pid $NSCD_PID"
	for ((i = 0; i < 200; i++)); do
		[ -S /var/run/nscd/socket ] && break
		sleep 0.05
	done
	if ! [ -S /var/run/nscd/socket ]; then
		skip "nscd n=$n" "nscd did not start: $(tail -1 "$d/nscd.log" | tr '"' _)"
		return 1
	fi
	# a key set nscd holds entirely once the miss run has asked for each
	{ grep '^U' "$d/keys" | head -2000; grep '^G' "$d/keys" | head -1000; } >"$nk"
	for op in getpwnam getpwuid getgrnam getgrgid getgrouplist; do
		# empty caches, or a user cached by name would be a hit by uid
		/usr/sbin/nscd -i passwd && /usr/sbin/nscd -i group
		out=$("$HCB/hcb-lookup" -k "$nk" -o "$op" -c -d 60 -l nscd-miss) &&
			rec "NSCD n=$n kind=miss ${out#RESULT }"
		for th in 1 2; do
			out=$("$HCB/hcb-lookup" -k "$nk" -o "$op" -t "$th" \
				-d "$BENCH_DURATION" -l nscd-hit) &&
				rec "NSCD n=$n kind=hit ${out#RESULT }"
		done
	done
	# the size classes' getgrgid with nscd in front (warm-up misses once)
	while read -r -u 3 name _ members bytes; do
		out=$("$HCB/hcb-lookup" -k "$d/keys.$name" -o getgrgid \
			-d "$BENCH_DURATION" -l nscd) &&
			grclass_rec "$n" "$name" "$members" "$bytes" nscd "$out"
	done 3<"$d/classes"
	if [ -n "$SYNC_PID" ]; then
		change_latency nscdchange "$n" "$d"
	else
		skip "nscd-change n=$n" "no hcoop-sync daemon running"
	fi
	hc_stop_pid "$NSCD_PID"
	wait "$NSCD_PID" 2>/dev/null
	rm -f /etc/nscd.conf /var/run/nscd/socket
}

# Full PAM cycles (auth over StartTLS, account, session) against the test
# slapd: alice with her home present; then first logins of fixture users
# assigned to host1, each creating a home from a 100-file skeleton.
login_bench() { # datadir
	local d=$1 i out pamd=$W/pam.d skel=$W/skel
	if [ ! -f "$HC_NS_LIBDIR/security/pam_hcoop.so" ] || [ ! -x /usr/sbin/hcoop-mkhome ]; then
		skip "login" "pam_hcoop.so or hcoop-mkhome not built yet"
		return 1
	fi
	mkdir -p "$pamd" "$skel/.config"
	for ((i = 1; i <= 90; i++)); do head -c 1024 /dev/urandom >"$skel/file$i"; done
	for ((i = 1; i <= 10; i++)); do echo "setting $i" >"$skel/.config/conf$i"; done
	printf '%s\n' "auth required pam_hcoop.so" "account required pam_hcoop.so" \
		"session required pam_hcoop.so" >"$pamd/hcoop-bench"
	HC_CACHE=/var/lib/hcoop/cache slapd_write_config /etc/hcoop.conf "skel $skel"
	nss_use local
	mkdir -p /home/alice && chown 10001:10001 /home/alice
	echo "alice alice-secret-1" >"$d/login-present"
	for ((i = 1; i <= 39; i += 2)); do printf 'user%04d pw-user%04d\n' "$i" "$i"; done >"$d/login-first"
	out=$("$HCB/hcb-login" -s hcoop-bench -C "$pamd" -f "$d/login-present" -n 30 2>"$d/login.err") &&
		rec "LOGIN kind=home-present ${out#RESULT }" ||
		skip "login-present" "PAM cycle failed: $(head -1 "$d/login.err" | tr '"' _)"
	out=$("$HCB/hcb-login" -s hcoop-bench -C "$pamd" -f "$d/login-first" -n 20 2>>"$d/login.err") &&
		rec "LOGIN kind=first-login ${out#RESULT } skel_files=$(find "$skel" -type f | wc -l)" \
			"home_files=$(find /home/user0001 -type f 2>/dev/null | wc -l)" ||
		skip "login-first" "PAM cycle failed: $(tail -1 "$d/login.err" | tr '"' _)"
}

# How much of the cache the module maps with 2 MiB entries after looking
# up every member by uid (huge folios: hcoop-sync(8), cache_folios.c; the
# alignment: hc_map_file): the TLB misses of every lookup below depend on
# it. The members' uids are 100001.. (gendata.py).
cache_folios() { # n
	local out
	[ -s "$CACHE" ] && [ -f "$HC_MOD" ] || return 1
	out=$("$HC_SRC/tests/nss/module_pmd.py" "$HC_MOD" "$1" 100001) &&
		set -- "$1" $out &&
		rec "FOLIOS n=$1 pmd_kib=$2 size_kib=$3 found=$4"
}

# One member count: data, slapd, sync, lookups, memory, persist, nscd.
bench_size() { # n first
	local n=$1 first=$2 d=$W/n$1 conf
	say "N=$n: generating data"
	python3 "$HC_SRC/bench/gendata.py" "$n" "$d" || return 1
	say "N=$n: slapd + slapadd"
	slapd_bulk "$n" "$d" || { skip "all n=$n" "slapd bulk load failed"; return 1; }
	conf=$W/hcoop.conf
	HC_CACHE=/var/lib/hcoop/cache slapd_write_config "$conf"
	cp "$conf" /etc/hcoop.conf
	say "N=$n: hcoop-sync --once"
	sync_once "$n" "$d" "$conf"
	cache_folios "$n"
	ldapsearch_baseline "$n"
	say "N=$n: lookups"
	files_setup "$d"
	lookups "$n" "$d"
	group_classes "$n" "$d"
	direct "$n" "$d"
	if [ "$n" -ge 100000 ]; then
		say "N=$n: item 4 rounds"
		floor_rounds "$n" "$d"
		group_rounds "$n" "$d"
	fi
	instructions "$n" "$d"
	memory "$n" "$d"
	files_reset
	say "N=$n: persist"
	persist "$n" "$d" "$conf"
	say "N=$n: nscd"
	nscd_bench "$n" "$d"
	if [ "$first" = 1 ]; then
		say "logins"
		login_bench "$d"
	fi
	[ -z "$SYNC_PID" ] || sync_daemon_stop
	slapd_stop
	rm -rf "$SLAPD_DIR" "$d"
}
