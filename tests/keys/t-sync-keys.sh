#!/bin/bash
# hcoop-sync's sshPublicKey validation (sync/sshkey.c) against the real
# slapd with the openssh-lpk schema: valid keys reach the cache as they are
# (a trailing line end cut), every hostile or broken value is skipped with
# a warning naming the DN, the entry itself stays; count and size bounds.
# What is checked in the cache is what hcoop-authorized-keys prints.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
need_root
source "$HC_SRC/tests/sync/lib.sh"
hs_setup
AK=$HC_BUILD/hcoop-authorized-keys
MKCACHE=$HC_BUILD/tests/hcoop-mkcache
P="ou=People,$LDAP_BASE"
K=$SLAPD_DIR/keys
mkdir "$K"
for t in ed25519 ecdsa rsa; do
	ssh-keygen -q -t $t -N '' -C "alice-$t" -f "$K/$t"
done
ssh-keygen -q -t ed25519 -N '' -C mallory -f "$K/mallory"
ED=$(cat "$K/ed25519.pub") EC=$(cat "$K/ecdsa.pub") RSA=$(cat "$K/rsa.pub")
MAL=$(cat "$K/mallory.pub")
ED_B64=$(cut -d' ' -f2 <<<"$ED")
b64() { printf '%s' "$1" | base64 -w0; }

# alice: three valid keys in three forms, then the hostile ones
OPTS='from="127.0.0.1",command="echo hi" '
LONG="$ED $(head -c 9000 /dev/zero | tr '\0' c)"  # > 8192 bytes
MAXLEN="$ED $(head -c $((8192 - ${#ED} - 1)) /dev/zero | tr '\0' m)" # 8192
{
	printf 'dn: uid=alice,%s\nchangetype: modify\nadd: objectClass\nobjectClass: ldapPublicKey\n-\nadd: sshPublicKey\n' "$P"
	printf 'sshPublicKey: %s\n' "$ED"
	printf 'sshPublicKey:: %s\n' "$(b64 "$EC"$'\n')"          # file:// style, trailing newline
	printf 'sshPublicKey: %s\n' "$OPTS$RSA"
	printf 'sshPublicKey:: %s\n' "$(b64 "$ED x"$'\n''command="touch /tmp/hcoop-pwned" '"$MAL")"
	printf 'sshPublicKey: %s\n' "ssh-rsa $ED_B64 wrong-type"
	printf 'sshPublicKey: %s\n' "ssh-ed25519 AAAA!!!notbase64 bad-b64"
	printf 'sshPublicKey: %s\n' "ssh-foo $ED_B64 unknown-type"
	printf 'sshPublicKey:: %s\n' "$(b64 "ssh-ed25519 $ED_B64 nul")$(printf '\0x' | base64 -w0)"
	printf 'sshPublicKey:: %s\n' "$(b64 "ssh-ed25519 $ED_B64"$'\r'"cr-inside")"
	printf 'sshPublicKey: %s\n' "command=\"unclosed $ED"
	printf 'sshPublicKey: %s\n' "ssh-ed25519 "
	printf 'sshPublicKey: %s\n' "$LONG"
	printf 'sshPublicKey: %s\n' "$MAXLEN"
	# bob: 40 distinct valid keys (comments differ)
	printf '\ndn: uid=bob,%s\nchangetype: modify\nadd: objectClass\nobjectClass: ldapPublicKey\n-\nadd: sshPublicKey\n' "$P"
	for i in $(seq 40); do printf 'sshPublicKey: %s bob-%02d\n' "${ED% *}" "$i"; done
	# carol: one 1 MB value and nothing else
	printf '\ndn: uid=carol,%s\nchangetype: modify\nadd: objectClass\nobjectClass: ldapPublicKey\n-\nadd: sshPublicKey\n' "$P"
	printf 'sshPublicKey: %s %s\n' "${ED% *}" "$(head -c 1048576 /dev/zero | tr '\0' A)"
} >"$SLAPD_DIR/keys.ldif"
slapd_modify -f "$SLAPD_DIR/keys.ldif" >/dev/null 2>"$SLAPD_DIR/mod.err"
is "the keys are in LDAP (ldapmodify as admin)" "$?" 0
n=$(slapd_search -o ldif-wrap=no -b "uid=alice,$P" -s base sshPublicKey | grep -c '^sshPublicKey')
is "alice has 13 sshPublicKey values in LDAP" "$n" 13

out=$("$HS_SYNC" -c "$HS_CONF" --once 2>&1); rc=$?
is "hcoop-sync --once succeeds" "$rc" 0
A="uid=alice,$P: ignoring sshPublicKey value"
like "smuggled newline: warning names the DN" "$out" "$A 4: it contains a control character"
like "type that is not the blob's: warning" "$out" "$A 5: its key blob is not of the type it names"
like "bad base64: warning" "$out" "$A 6: its base64 does not decode"
like "unknown type: warning" "$out" "$A 7: it has no known key type"
like "NUL byte: warning" "$out" "$A 8: it contains a NUL byte"
like "CR inside: warning" "$out" "$A 9: it contains a control character"
like "unclosed option quote: warning" "$out" "$A 10: it has no known key type"
like "no key data: warning" "$out" "$A 11: it has no key data"
like "over 8192 bytes: warning" "$out" "$A 12: it is longer than 8192 bytes"
like "bob's 33rd key: warning" "$out" "uid=bob,$P: ignoring sshPublicKey value 33: the member already has 32 keys"
like "carol's 1 MB value: warning" "$out" "uid=carol,$P: ignoring sshPublicKey value 1: it is longer than 8192 bytes"
check_not "no key text in the log" grep -q "hcoop-pwned\|AAAA!!!" <<<"$out"

C=$SLAPD_DIR/ak.conf
printf 'cache %s\n' "$HS_CACHE" >"$C"
got=$("$AK" -c "$C" alice); rc=$?
is "hcoop-authorized-keys alice: exit 0" "$rc" 0
is "alice's keys: the four valid ones, in LDAP order, line ends cut" "$got" \
	"$ED"$'\n'"$EC"$'\n'"$OPTS$RSA"$'\n'"$MAXLEN"
check_not "no smuggled command= line" grep -q 'hcoop-pwned' <<<"$got"
check_not "mallory's key is not printed" grep -qF "${MAL#* }" <<<"$got"
is "every printed line is at most 8192 bytes" "$(awk 'length > 8192' <<<"$got" | wc -l)" 0
is "bob keeps his first 32 keys" "$("$AK" -c "$C" bob | wc -l)" 32
like "... the 32nd is bob-32" "$("$AK" -c "$C" bob | tail -1)" ' bob-32$'
is "carol (1 MB value only): no keys, exit 0" "$("$AK" -c "$C" carol; echo "rc=$?")" "rc=0"
dump=$("$MKCACHE" -d "$HS_CACHE")
is "the cache holds 4 + 32 keys" "$(grep -c '^K:' <<<"$dump")" 36
check_not "no hostile value in the cache file" grep -qa 'hcoop-pwned\|AAAA!!!\|unknown-type' "$HS_CACHE"
like "the users are all still there (alice too)" "$(grep -c '^U:' <<<"$dump")" '^60[0-9]$'
is "the cache stays world-readable" "$(stat -c %a "$HS_CACHE")" 644

# an old-format (v3) cache: refused by the reader until hcoop-sync
# rewrites it, which its next run does (the format's rule)
python3 - "$HS_CACHE" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
d[8:12] = struct.pack("<I", 3)
h = bytearray(d[:struct.unpack_from("<I", d, 12)[0]]); h[20:24] = h[28:32] = b"\0" * 4
x = 2166136261
for b in h: x = ((x ^ b) * 16777619) & 0xffffffff
d[28:32] = struct.pack("<I", x)
open(sys.argv[1], "wb").write(d)
PY
"$AK" -c "$C" alice >/dev/null 2>&1
is "v3 cache: the command exits 1" "$?" 1
"$HS_SYNC" -c "$HS_CONF" --once >/dev/null 2>&1
is "hcoop-sync --once over the v3 file: exit 0" "$?" 0
v=$(sed -n 's/^#define HC_CACHE_VERSION \([0-9]*\)u$/\1/p' "$HC_SRC/common/cache_format.h")
is "... the file is version $v (this tree's) again" "$(od -An -tu4 -j8 -N4 "$HS_CACHE" | tr -d ' ')" "$v"
is "... and alice's keys are served" "$("$AK" -c "$C" alice | wc -l)" 4
echo 1..$_hc_n
