# A real OpenSSH sshd for tests, on 127.0.0.1, with its own host key and
# config, run as a plain tracked process. Meant for use inside hc_ns_enter
# (private /run for /run/sshd, private /var/log, /home); sshd must be root.
#
#     source "$HC_SRC/tests/lib/sshd.sh"
#     sshd_start [extra sshd_config lines...]
#         exports SSHD_DIR SSHD_PORT SSHD_PID SSHD_SERVICE SSHD_LOG
#         OpenSSH takes its PAM service from its program name, so sshd runs
#         through a symlink named $SSHD_SERVICE (default sshd-hcooptest) and
#         uses /etc/pam.d/$SSHD_SERVICE. Stopped by PID at exit (hc_on_exit).
#     sshd_stop
#     sshd_pw USER PASSWORD [remote command...]   password login
#         (keyboard-interactive, so PAM's messages reach the client);
#         client stdout+stderr on stdout, ssh's exit status returned.
#     sshd_key USER KEYFILE [remote command...]   public-key login, BatchMode
#     sshd_dialog USER KEYFILE COMMAND  'regex' 'answer' ...
#         runs COMMAND on a remote pty (ssh -tt, key login, stdin a FIFO,
#         output to a file) and types each answer only once the prompt
#         matching its regex has appeared: a tiny expect in bash, needed
#         because a tty flushes input typed before a no-echo prompt.
#         Transcript (CRs removed) on stdout; non-zero if a prompt never
#         came or ssh failed.
#
# SSHD_TIMEOUT (default 20) bounds every client call.

SSHD_SERVICE=${SSHD_SERVICE:-sshd-hcooptest}
SSHD_TIMEOUT=${SSHD_TIMEOUT:-20}
SSHD_BIN=${SSHD_BIN:-/usr/sbin/sshd}

_sshd_write_config() { # file extra-lines...
	local f=$1; shift
	{
		echo "ListenAddress 127.0.0.1"
		echo "Port $SSHD_PORT"
		echo "HostKey $SSHD_DIR/host_ed25519"
		echo "PidFile $SSHD_DIR/sshd.pid"
		echo "UsePAM yes"
		echo "PasswordAuthentication yes"
		echo "KbdInteractiveAuthentication yes"
		echo "PubkeyAuthentication yes"
		echo "AuthorizedKeysFile .ssh/authorized_keys"
		echo "PermitRootLogin no"
		echo "UseDNS no"
		echo "PrintMotd no"
		echo "PrintLastLog no"
		echo "LogLevel VERBOSE"
		echo "MaxAuthTries 3"
		echo "LoginGraceTime 30"
		local l
		for l in "$@"; do echo "$l"; done
	} >"$f"
}

# Poll until sshd answers with its banner (or dies). Never a fixed sleep.
_sshd_wait_ready() {
	local i banner
	for i in $(seq 200); do
		if ! kill -0 "$SSHD_PID" 2>/dev/null; then
			echo "sshd_start: sshd died; its log:" >&2
			sed 's/^/    /' "$SSHD_LOG" >&2
			return 1
		fi
		banner=$( (exec 3<>"/dev/tcp/127.0.0.1/$SSHD_PORT" &&
			timeout 2 head -c 8 <&3) 2>/dev/null) || banner=
		[ "$banner" = "SSH-2.0-" ] && return 0
		sleep 0.05
	done
	echo "sshd_start: no banner on port $SSHD_PORT after 10 s" >&2
	return 1
}

sshd_start() {
	SSHD_DIR=$(hc_tmpdir)
	SSHD_PORT=${SSHD_PORT:-$(hc_free_port)}
	SSHD_LOG=$SSHD_DIR/sshd.log
	ssh-keygen -q -t ed25519 -N '' -C hcoop-test-host -f "$SSHD_DIR/host_ed25519" || return 1
	chmod 0600 "$SSHD_DIR/host_ed25519"
	_sshd_write_config "$SSHD_DIR/sshd_config" "$@"
	ln -s "$SSHD_BIN" "$SSHD_DIR/$SSHD_SERVICE"
	mkdir -p /run/sshd && chmod 0755 /run/sshd
	"$SSHD_BIN" -t -f "$SSHD_DIR/sshd_config" || return 1
	# absolute path: sshd re-executes itself for every connection
	"$SSHD_DIR/$SSHD_SERVICE" -D -e -f "$SSHD_DIR/sshd_config" \
		</dev/null >>"$SSHD_LOG" 2>&1 &
	SSHD_PID=$!
	hc_on_exit "sshd_stop"
	export SSHD_DIR SSHD_PORT SSHD_PID SSHD_SERVICE SSHD_LOG
	_sshd_wait_ready
}

sshd_stop() {
	[ -n "${SSHD_PID:-}" ] || return 0
	hc_stop_pid "$SSHD_PID"
	SSHD_PID=
}

# Options common to every client call: a fresh known_hosts each time (a
# stale entry silently disables password auth), no user/system config,
# no agent, bounded connect.
_sshd_client_opts() {
	printf '%s\n' -F /dev/null -p "$SSHD_PORT" \
		-o "UserKnownHostsFile=$(mktemp "$SSHD_DIR/known_hosts.XXXXXX")" \
		-o StrictHostKeyChecking=no -o GlobalKnownHostsFile=/dev/null \
		-o ConnectTimeout=5 -o IdentityAgent=none -o LogLevel=INFO \
		-o ServerAliveInterval=5 -o ServerAliveCountMax=2
}

sshd_pw() { # user password [cmd...]
	local user=$1 pw=$2; shift 2
	local opts
	mapfile -t opts < <(_sshd_client_opts)
	SSHPASS=$pw timeout -k 2 "$SSHD_TIMEOUT" sshpass -e \
		ssh "${opts[@]}" -o PreferredAuthentications=keyboard-interactive,password \
		-o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 \
		"$user@127.0.0.1" "$@" </dev/null 2>&1
}

sshd_key() { # user keyfile [cmd...]
	local user=$1 key=$2; shift 2
	local opts
	mapfile -t opts < <(_sshd_client_opts)
	timeout -k 2 "$SSHD_TIMEOUT" ssh "${opts[@]}" -o BatchMode=yes \
		-o PreferredAuthentications=publickey -o IdentitiesOnly=yes \
		-i "$key" "$user@127.0.0.1" "$@" </dev/null 2>&1
}

# Wait until file $1, from byte $2 on, matches the extended regex $3
# (max $4 s). Polls the file: prompts end without a newline.
_sshd_expect() {
	local f=$1 from=$2 re=$3 limit=$4 i
	for ((i = 0; i < limit * 20; i++)); do
		tail -c +"$((from + 1))" "$f" | tr -d '\r' | tr '\n' ' ' |
			grep -Eq -- "$re" && return 0
		sleep 0.05
	done
	return 1
}

sshd_dialog() { # user keyfile command [regex answer]...
	local user=$1 key=$2 cmd=$3; shift 3
	local opts rc=0 d pid w from=0
	mapfile -t opts < <(_sshd_client_opts)
	d=$(mktemp -d "$SSHD_DIR/dialog.XXXXXX")
	mkfifo "$d/in"
	timeout -k 2 "$SSHD_TIMEOUT" ssh "${opts[@]}" -tt -o BatchMode=yes \
		-o PreferredAuthentications=publickey -o IdentitiesOnly=yes \
		-i "$key" "$user@127.0.0.1" "$cmd" <"$d/in" >"$d/out" 2>&1 &
	pid=$!
	exec {w}>"$d/in"
	while [ $# -ge 2 ]; do
		if ! _sshd_expect "$d/out" "$from" "$1" 10; then
			printf '\n[sshd_dialog: prompt /%s/ not seen]\n' "$1" >>"$d/out"
			rc=1
			break
		fi
		from=$(stat -c %s "$d/out")
		printf '%s\r' "$2" >&"$w" 2>/dev/null
		shift 2
	done
	exec {w}>&-
	wait "$pid" || [ "$rc" -ne 0 ] || rc=$?
	tr -d '\r' <"$d/out"
	return "$rc"
}
