#!/bin/bash
# hcoop-authorized-keys on its own, over caches made by the real writer
# (tests/nss/mkcache.c): what it prints, exit codes for sshd, old-format
# and damaged caches (never a crash, never a line with a control byte),
# and that it needs nothing but the world-readable cache.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
AK=$HC_BUILD/hcoop-authorized-keys
MKCACHE=$HC_BUILD/tests/hcoop-mkcache
T=$(hc_tmpdir)
chmod 0755 "$T"
C=$T/hcoop.conf
printf 'cache %s/cache\nbindpw_file %s/secret\n' "$T" "$T" >"$C"
echo not-to-be-read >"$T/secret"
chmod 0600 "$T/secret"
K1='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGk8gJ8m7xkTn0mWQm3sBvZ0gq0i0mT0yVb2n1dJ6x7y alice@laptop'
K2='from="10.0.0.0/8",permitopen="host1:22" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== backup'
cat >"$T/spec" <<EOT
U:alice:10001:10001:Alice:/home/alice:/bin/bash:uid=alice,ou=People,dc=t:host1:0:
U:bob:10002:10002::/home/bob:/bin/bash:uid=bob,ou=People,dc=t:host2:1:
U:carol:10003:10003::/home/carol:/bin/sh:uid=carol,ou=People,dc=t::0:
K:alice:$K1
K:alice:$K2
K:bob:$K1 bob
G:staff:5000:alice,bob
EOT
"$MKCACHE" "$T/cache" <"$T/spec"
chmod 0644 "$T/cache"

run() { rc=0; out=$("$AK" "$@" 2>"$T/err") || rc=$?; err=$(cat "$T/err"); }
run -c "$C" alice
is "alice: exit 0" "$rc" 0
is "alice: her two keys, one per line, as stored" "$out" "$K1"$'\n'"$K2"
run -c "$C" bob
is "bob (locked): his key is printed, pam_hcoop's account step decides" "$out" "$K1 bob"
run -c "$C" carol
is "carol (no keys): nothing, exit 0" "$out|$rc" "|0"
run -c "$C" nosuch
is "unknown user: nothing, exit 0" "$out|$rc|$err" "|0|"
run -c "$C" "../alice"
is "not a member name: nothing, exit 0" "$out|$rc" "|0"
run -c "$C" Alice
is "case matters (the cache holds 'alice'): nothing" "$out|$rc" "|0"
run -c "$C"
is "no user: usage, exit 2" "$rc" 2
run -c "$T/nosuch.conf" alice
is "unreadable config: exit 1 (sshd then ignores the output)" "$rc|$out" "1|"
like "... with a message naming the file" "$err" "nosuch.conf"
printf 'cache %s/missing\n' "$T" >"$T/missing.conf"
run -c "$T/missing.conf" alice
is "missing cache: exit 1, nothing printed" "$rc|$out" "1|"
like "... message names the cache" "$err" "$T/missing"

# old format: a v3 header (checksum made right) is refused until
# hcoop-sync rewrites the file
python3 - "$T/cache" "$T/v3" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
d[8:12] = struct.pack("<I", 3)
h = bytearray(d[:struct.unpack_from("<I", d, 12)[0]]); h[20:24] = h[28:32] = b"\0" * 4
x = 2166136261
for b in h: x = ((x ^ b) * 16777619) & 0xffffffff
d[28:32] = struct.pack("<I", x)
open(sys.argv[2], "wb").write(d)
PY
printf 'cache %s/v3\n' "$T" >"$T/v3.conf"
run -c "$T/v3.conf" alice
is "v3 (old-format) cache: exit 1, nothing printed" "$rc|$out" "1|"
like "... the message says hcoop-sync rewrites it" "$err" "hcoop-sync rewrites it"

# damaged KEYS sections: every variant answers exit 0 or 1, prints only
# whole lines without control bytes, never crashes
python3 - "$T/cache" "$T/bad" <<'PY'
import os, struct, sys
d = open(sys.argv[1], "rb").read()
os.mkdir(sys.argv[2])
koff, ksize = struct.unpack_from("<II", d, 72 + 8 * 8)  # v5 section table at 72
nu = struct.unpack_from("<I", d, 52)[0]
lst = struct.unpack_from("<I", d, koff)[0]     # alice's list
n = 0
def emit(name, off, val, fmt="<I"):
    global n
    b = bytearray(d); struct.pack_into(fmt, b, off, val); n += 1
    open(os.path.join(sys.argv[2], "%03d-%s" % (n, name)), "wb").write(b)
for v in (1, 3, koff - 4, koff + 2, koff + ksize, 0xffffffff, koff):
    emit("table-%x" % v, koff, v)
for v in (33, 0xffffffff, (ksize // 8) + 1):
    emit("nkeys-%x" % v, lst, v)
soff, slen = struct.unpack_from("<II", d, lst + 4)
for v in (0, 1, koff - 1, koff + ksize, 0xffffffff, lst):
    emit("stroff-%x" % v, lst + 4, v)
for v in (0, slen + 1, slen - 1, 8193, 0xffffffff, ksize):
    emit("strlen-%x" % v, lst + 8, v)
emit("newline-in-key", soff + 20, ord("\n"), "<B")
emit("nul-in-key", soff + 20, 0, "<B")
PY
crash=0 badline=0 n=0
for f in "$T"/bad/*; do
	n=$((n + 1))
	printf 'cache %s\n' "$f" >"$T/bad.conf"
	rc=0
	out=$(timeout 10 "$AK" -c "$T/bad.conf" alice 2>/dev/null) || rc=$?
	[ "$rc" -le 1 ] || { crash=$((crash + 1)); diag "$(basename "$f"): exit $rc"; }
	if LC_ALL=C grep -q '[[:cntrl:]]' <<<"$out" ||
		{ [ -n "$out" ] && grep -vxF -e "$K1" -e "$K2" <<<"$out" | grep -q .; }; then
		badline=$((badline + 1)); diag "$(basename "$f"): printed $(printf %q "$out")"
	fi
done
is "damaged KEYS ($n variants): no crash, exit 0 or 1" "$crash" 0
is "... and only intact key lines are ever printed" "$badline" 0
printf 'cache %s\n' "$T/bad/"*newline-in-key >"$T/bad.conf"
run -c "$T/bad.conf" alice
is "a key holding a newline in the file is not printed, the other is" "$out" "$K2"

# as nobody: the world-readable cache is all it needs
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ]; then
	asnobody() { rc=0; out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$AK" "$@" 2>"$T/err") || rc=$?; err=$(cat "$T/err"); }
	asnobody -c "$C" alice
	is "as nobody: alice's keys (the secret file is 0600 root and never read)" "$out|$rc" "$K1"$'\n'"$K2|0"
	chmod 0600 "$T/cache"
	asnobody -c "$C" alice
	is "as nobody, cache made 0600: exit 1, nothing printed" "$rc|$out" "1|"
	chmod 0644 "$T/cache"
else
	fail "setpriv and root are required"
fi
echo 1..$_hc_n
