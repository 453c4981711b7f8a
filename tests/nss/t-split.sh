#!/bin/bash
# The two walks of a packed member block (hc_members_split, the copy-out
# pass of getgrnam_r, and hc_member_next, the reader's iterator) agree
# with a byte-by-byte reference of the format's rule on every chunk-edge
# case and 50,000 random blocks, in every variant of the pass: as built
# (the widest the CPU runs: AVX-512 code where it has AVX-512 VBMI2), the
# x86-64-v3 code, the x86-64 baseline (SSE2 mask), and the portable
# word-at-a-time mask other architectures use. Each binary names the
# variant it ran, and that must be the one this CPU should run, so a
# dispatch that quietly falls back fails here.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
flags=" $(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -1) "
has() { local f; for f; do [[ $flags == *" $f "* ]] || return 1; done; }
v3=sse2
has avx2 bmi1 bmi2 && v3=x86-64-v3
built=$v3
has avx512f avx512bw avx512vl avx512_vbmi2 && built=x86-64-v4
for b in nss-split:$built nss-split-v3:$v3 nss-split-base:sse2 nss-split-swar:portable; do
	want=${b#*:} b=${b%%:*}
	[ "$(uname -m)" = x86_64 ] || want=portable
	out=$("$HC_BUILD/tests/$b" 2>&1)
	rc=$?
	like "$b: every verdict and name pointer as the reference's, in the $want variant" \
		"$rc $out" "^0 [0-9]+ blocks checked: all agree \($want\)"
	[ "$rc" = 0 ] || diag "$out"
done
echo 1..$_hc_n
