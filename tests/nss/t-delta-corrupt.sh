#!/bin/bash
# The delta file through the module's entry points (cache_format.h, THE
# DELTA FILE), made by the real writer (hcoop-mkcache -b): a valid delta
# is applied (replaced, added and superseded entries, its group lists,
# enumeration with each entry once), hcoop-authorized-keys reads a user
# that exists only in the delta, a delta for another main generation is
# ignored, and damaged deltas (truncated, bit-flipped, wrong version,
# hostile section table) are ignored or answered without a crash while
# the main file still answers.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
source "$HC_SRC/tests/nss/lib.sh"
SO=$HC_BUILD/libnss_hcoop.so.2
T=$(hc_tmpdir)
mkdir "$T/bad"
q() { "$NSS_DLOPEN" "$SO" "$@" 2>/dev/null; }

nss_spec 20 30 >"$T/spec"
"$MKCACHE" -g 7 "$CACHE" <"$T/spec"
# main-file positions (USER_TABLE by uid, GROUP_TABLE by gid)
upos() { grep '^U:' "$T/spec" | sort -t: -k3,3n | cut -d: -f2 | grep -nx "$1" | cut -d: -f1 | awk '{ print $1 - 1 }'; }
gpos() { grep '^G:' "$T/spec" | sort -t: -k3,3n | cut -d: -f2 | grep -nx "$1" | cut -d: -f1 | awk '{ print $1 - 1 }'; }
KEY='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGk8gJ8m7xkTn0mWQm3sBvZ0gq0i0mT0yVb2n1dJ6x7y zed@laptop'
cat >"$T/dspec" <<EOT
U:alice:10001:10001:Alice Delta:/home/alice:/bin/bash:uid=alice,ou=People,dc=hcoop,dc=test:host1.hcoop.test:0:
U:zed:30050:30050:Zed:/home/zed:/bin/sh:uid=zed,ou=People,dc=hcoop,dc=test:host1.hcoop.test:0:
K:zed:$KEY
G:zed:30050:
G:www:5002:zed,ghost
M:alice:5000
M:zed:5002
S:U:$(upos alice)
S:U:$(upos carol)
S:G:$(gpos www)
S:G:$(gpos carol)
EOT
"$MKCACHE" -b 7 -g 8 "$CACHE" <"$T/dspec"
cp "$CACHE.delta" "$T/good-delta"

is "replaced in the delta: alice" "$(q pwnam alice | cut -d: -f5)" "Alice Delta"
is "only in the delta: zed" "$(q pwnam zed)" "zed:x:30050:30050:Zed:/home/zed:/bin/sh"
is "zed by uid" "$(q pwuid 30050 | cut -d: -f1)" zed
is "superseded and not in the delta: carol" "$(q status pwnam carol)" NOTFOUND
is "superseded: carol's private group" "$(q status grnam carol)" NOTFOUND
is "the delta's group www" "$(q grnam www)" "www:x:5002:zed,ghost"
is "zed's private group (compact in the delta)" "$(q grgid 30050)" "zed:x:30050:"
is "untouched main entry: bob" "$(q pwnam bob | cut -d: -f1,3)" "bob:10002"
like "alice's groups are the delta's list" "$(q initgroups alice 10001)" "5000"
check_not "alice's groups: not the main file's www" eval 'q initgroups alice 10001 | grep -qw 5002'
like "zed's groups: www" "$(q initgroups zed 30050)" "5002"
n_main=$(grep -c '^U:' "$T/spec")
is "pwent: main minus 2 superseded plus 2" "$(q pwent | wc -l)" "$n_main"
is "pwent: alice once" "$(q pwent | grep -c '^alice:')" 1
is "grent: www once" "$(q grent | grep -c '^www:')" 1
is "grent: carol's group gone" "$(q grent | grep -c '^carol:')" 0

# hcoop-authorized-keys reads the pair as well
printf 'cache %s\n' "$CACHE" >"$T/hcoop.conf"
is "hcoop-authorized-keys: the key of a user only in the delta" \
	"$("$HC_BUILD/hcoop-authorized-keys" -c "$T/hcoop.conf" zed 2>&1)" "$KEY"

# a delta written for another main file is ignored
"$MKCACHE" -b 6 -g 8 "$CACHE" <"$T/dspec"
is "base mismatch: zed absent" "$(q status pwnam zed)" NOTFOUND
is "base mismatch: the main file's alice" "$(q pwnam alice | cut -d: -f5)" "Alice Liddell,Room 1,,"
is "base mismatch: carol served" "$(q status pwnam carol)" SUCCESS

# damaged deltas: corrupt.py's variants of a valid delta
count=$(python3 "$HC_SRC/tests/nss/corrupt.py" "$T/good-delta" "$T/bad")
diag "$count damaged deltas"
crashes=0 mainok=0 n=0
all=("$T"/bad/*)
# under ASan (slow start-up) every fifth variant: the header and section
# checks are the same code for every one
if [ "${HC_SAN:-0}" = 1 ]; then
	all=()
	i=0
	for f in "$T"/bad/*; do
		[ $((i++ % 5)) -eq 0 ] && all+=("$f")
	done
fi
for f in "${all[@]}"; do
	cp "$f" "$CACHE.delta"
	for query in "pwnam alice" "pwnam zed" "pwuid 10003" "grnam www" "grgid 30050" \
		pwent grent "initgroups alice 10001"; do
		# shellcheck disable=SC2086
		timeout 20 "$NSS_DLOPEN" "$SO" $query >/dev/null 2>&1
		rc=$?
		if [ "$rc" -gt 3 ]; then
			crashes=$((crashes + 1))
			diag "$(basename "$f"): $query: exit $rc"
		fi
	done
	[ "$(q status pwnam bob)" = SUCCESS ] && mainok=$((mainok + 1))
	n=$((n + 1))
done
is "no crash or hang over $n damaged deltas x 8 queries" "$crashes" 0
diag "$mainok of $n answered bob from the main file"
for f in empty zeros magic version byteorder filesize no-final-nul trunc-128 \
	sec9-off-huge sec9-size-huge; do
	cp "$T"/bad/*-"$f" "$CACHE.delta"
	is "$f delta ignored: main answers carol" "$(q status pwnam carol)" SUCCESS
done

# a delta that is no regular file, or not root's, is ignored too
rm -f "$CACHE.delta"
mkdir "$CACHE.delta"
is "a directory as delta: ignored" "$(q status pwnam carol)" SUCCESS
rmdir "$CACHE.delta"
# the main file was flagged when its first delta was written; that delta
# gone, the flag must not send every lookup into a reopen
strace -f -e trace=openat -o "$T/strace" "$NSS_DLOPEN" "$SO" pwnam alice >/dev/null 2>&1
is "no delta, main flagged for one: the cache opened once, not per lookup" \
	"$(grep -c "\"$CACHE\"" "$T/strace")" 1
cp "$T/good-delta" "$CACHE.delta"
chmod 0666 "$CACHE.delta"
is "a world-writable delta: ignored" "$(q status pwnam zed)" NOTFOUND
echo 1..$_hc_n
