#!/bin/bash
# Packed member blocks (cache format v5, issue 13 item 1). Groups of 0, 1,
# 2 and 50,000 members and a member name of exactly 255 bytes come out
# exactly as written (the reader's walk, the dlopen harness's ERANGE
# ladder, real glibc); getgrnam_r through glibc answers ERANGE one byte
# short of the size nss_hcoop(8) documents and the group at exactly that
# size (aligned and misaligned buffers). Every hostile block of
# tests/nss/packed.py (bounds past GROUP_DATA, no final NUL, fewer or more
# names than the count, a name over 255 bytes, one huge name, hostile
# counts) makes that group UNAVAIL by name and by gid, leaves the other
# entries served, crashes nothing and no lookup takes over 50 ms (a
# generous hang bound, not a benchmark).
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
source "$HC_SRC/tests/nss/lib.sh"
SO=$HC_BUILD/libnss_hcoop.so.2
T=$(hc_tmpdir)

long=$(printf 'l%.0s' $(seq 255))
{ nss_spec 20 50000
  echo "G:nomembers:20010:"
  echo "G:onemember:20011:alice"
  echo "G:twomembers:20012:bob,ghost"
  echo "G:longmember:20013:alice,$long,bob"
} >"$T/spec"
spec_group <"$T/spec" >"$T/group"
check "mkcache: groups of 0, 1, 2, 50,000 members, a 255-byte member name" \
	"$MKCACHE" "$CACHE" <"$T/spec"
cp "$CACHE" "$T/good"

is "the reader's walk gives every group's members exactly as written" \
	"$("$MKCACHE" -d "$CACHE" | grep '^G:')" "$(grep '^G:' "$T/spec" | sort -t: -k3,3n)"
bad=0
for g in nomembers onemember twomembers longmember hcstaff alice; do
	want=$(grep "^$g:" "$T/group")
	[ "$("$NSS_DLOPEN" "$SO" grnam "$g")" = "$want" ] || { bad=$((bad + 1)); diag "grnam $g"; }
	gid=$(cut -d: -f3 <<<"$want")
	[ "$("$NSS_DLOPEN" "$SO" grgid "$gid")" = "$want" ] || { bad=$((bad + 1)); diag "grgid $gid"; }
done
is "dlopen, every buffer size from 1 (ERANGE below the fit): 0, 1, 2 members, 255-byte name" "$bad" 0

# through real glibc (the module installed in the namespace; under the
# sanitizer only our own, instrumented programs load it). The exact
# sizes; "group: hcoop" alone, since nss_files answers ERANGE for any
# /etc/group line longer than the buffer, whatever the key)
hc_ns_install_modules
hc_ns_nsswitch hcoop
for g in big nomembers onemember longmember; do
	out=$("$HC_BUILD/tests/nss-grexact" "$g" 2>&1)
	rc=$?
	is "getgrnam_r($g) through glibc: ERANGE one byte short, the group at the exact size" \
		"$rc $(head -1 <<<"$out")" "0 $(grep "^$g:" "$T/group")"
	[ "$rc" = 0 ] || diag "$out"
	[ "$g" = big ] && diag "big: $(tail -1 <<<"$out") bytes for 50,000 members"
done
hc_ns_nsswitch "files hcoop"
if [ "${HC_SAN:-0}" != 1 ]; then
	is "getent group big: the 50,000 members exactly" \
		"$(getent group big)" "$(grep '^big:' "$T/group")"
	is "getent group 20013: the 255-byte member name" \
		"$(getent group 20013)" "$(grep '^longmember:' "$T/group")"
	is "dlopen ladder over every size up to the 50,000-member fit" \
		"$("$NSS_DLOPEN" "$SO" grnam big)" "$(grep '^big:' "$T/group")"
fi

# hostile blocks of group "big" (gid 20001)
mkdir "$T/hostile"
python3 "$HC_SRC/tests/nss/packed.py" "$T/good" big "$T/hostile" >"$T/variants" ||
	fail "packed.py"
diag "$(wc -l <"$T/variants") hostile variants of big's block"
for v in $(cat "$T/variants"); do
	cp "$T/hostile/$v" "$CACHE"
	out=$(timeout 60 "$HC_BUILD/tests/nss-timing" 50 2>&1)
	rc=$?
	got=$(awk '$1 == "grnam" && $2 == "big" { a = $3 } $1 == "grgid" && $2 == "20001" { b = $3 }
		$1 == "pwnam" && $2 == "alice" { c = $3 } $1 == "grnam" && $2 == "hcstaff" { d = $3 }
		END { print a, b, c, d }' <<<"$out")
	is "$v: big UNAVAIL by name and gid, alice and hcstaff served, no crash, nothing over 50 ms" \
		"$got rc=$rc" "UNAVAIL UNAVAIL SUCCESS SUCCESS rc=0"
	[ "$rc" = 0 ] || diag "$(tail -2 <<<"$out")"
done
if [ "${HC_SAN:-0}" != 1 ]; then
	cp "$T/hostile/packed-huge-name" "$CACHE"
	check_not "glibc: a hostile block is no answer (getent group big)" getent group big
	is "... and files still answers" "$(getent group root | cut -d: -f1,3)" "root:0"
fi
echo 1..$_hc_n
