#!/bin/bash
# The AuthorizedKeysCommand figure (issue 17), sourced by bench/run.sh:
# hcoop-authorized-keys over a cache of N members with keys, each call a
# process spawned and read through a pipe as sshd does (bench/authkeys.c),
# beside `cat` of a one-line file as the floor. The cache is made with the
# real writer (tests/nss/mkcache.c): every member has one ed25519 key, every
# tenth three more with options and a comment.
#
# Alone (no slapd, no namespace: it touches nothing outside a temp dir):
#   bench/authkeys.sh [N ...]      default 100000; raw lines on stdout
AUTHKEYS_RUNS=${AUTHKEYS_RUNS:-1000}

authkeys_bench() { # n
	local n=$1 d=$W/authkeys.$1 r
	mkdir -p "$d"
	python3 - "$n" "$d" <<'PY' || { skip "authkeys n=$n" "spec generation failed"; return 1; }
import base64, os, random, sys
n, d = int(sys.argv[1]), sys.argv[2]
random.seed(17)
def key(i):
    blob = b"\0\0\0\x0bssh-ed25519\0\0\0\x20" + random.randbytes(32)
    return "ssh-ed25519 " + base64.b64encode(blob).decode()
with open(os.path.join(d, "spec"), "w") as s, open(os.path.join(d, "users"), "w") as u:
    for i in range(n):
        s.write("U:m%07d:%d:%d::/home/m%07d:/bin/bash:uid=m%07d,ou=People,dc=hcoop,dc=test:host1.hcoop.test:0:\n"
                % (i, 100000 + i, 100000 + i, i, i))
    for i in range(n):
        s.write("K:m%07d:%s m%07d@laptop\n" % (i, key(i), i))
        if i % 10 == 0:
            for j in range(3):
                s.write('K:m%07d:from="10.%d.0.0/16",no-agent-forwarding %s key%d\n'
                        % (i, j, key(i), j))
    order = list(range(n)); random.shuffle(order)
    for i in order[:5000]:
        u.write("m%07d\n" % i)
PY
	"$HC_BUILD/tests/hcoop-mkcache" "$d/cache" <"$d/spec" ||
		{ skip "authkeys n=$n" "hcoop-mkcache failed"; return 1; }
	printf 'cache %s/cache\n' "$d" >"$d/hcoop.conf"
	echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne+line+floor" >"$d/one-line"
	for what in command cat; do
		if [ "$what" = command ]; then
			r=$("$HCB/hcb-authkeys" "$AUTHKEYS_RUNS" "$d/users" \
				"$HC_BUILD/hcoop-authorized-keys" -c "$d/hcoop.conf" %u)
		else
			r=$("$HCB/hcb-authkeys" "$AUTHKEYS_RUNS" "$d/users" /bin/cat "$d/one-line")
		fi || { skip "authkeys n=$n $what" "a run failed"; return 1; }
		rec "AUTHKEYS n=$n what=$what $r cache_bytes=$(stat -c %s "$d/cache")"
	done
	rm -rf "$d"
}

# run directly: the figure alone, raw result lines on stdout
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	HC_SRC=$(cd "$(dirname "$0")/.." && pwd)
	HC_BUILD=${HC_BUILD:-$HC_SRC/build}
	HCB=$HC_BUILD/bench
	make -C "$HC_SRC" --no-print-directory all bench-bins >/dev/null || exit 1
	W=$(mktemp -d /tmp/hcoop-authkeys.XXXXXX)
	trap 'rm -rf "$W"' EXIT
	R=$W/results.txt
	rec() { echo "$*" >>"$R"; }
	skip() { echo "bench: not measured: $1: ${*:2}" >&2; }
	for n in "${@:-100000}"; do authkeys_bench "$n"; done
	cat "$R"
fi
