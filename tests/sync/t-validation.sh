#!/bin/bash
# What a member's entry may put in the cache: homes only in normal form
# (skipped otherwise, the DN logged), gecos capped at 256 bytes and
# sanitised (entry kept, logged), loginShell only if /etc/shells on this
# host lists it, else shell_fallback (default /usr/sbin/nologin, logged).
# /etc is a private overlay (tests/lib/ns.sh), so /etc/shells can change.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/lib/ns.sh"
hc_ns_enter "$@"
source "$HC_SRC/tests/sync/lib.sh"

printf '/bin/sh\n/bin/bash\n# a comment\n  /usr/local/bin/hcsh  # trailing\n' >/etc/shells
hs_setup
P="ou=People,$LDAP_BASE"
n=30100
user() { # name home [extra ldif lines]   (CN=... sets cn, default the name)
	local name=$1 home=$2
	shift 2
	n=$((n + 1))
	printf 'dn: uid=%s,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n' "$name" "$P"
	printf 'uid: %s\ncn: %s\nsn: %s\nuidNumber: %s\ngidNumber: 20000\n' "$name" "${CN:-$name}" "$name" "$n"
	printf 'homeDirectory: %s\n' "$home"
	local l
	for l in "$@"; do printf '%s\n' "$l"; done
	echo
}
long=$(printf 'x%.0s' $(seq 1 4000))
u255=$(printf 'a%.0s' $(seq 1 255))
{
	user dotdot '/home/../etc'
	user dotdot2 '/home/x/../../root'
	user dot '/home/./x'
	user dslash '/home//x'
	user trail '/home/x/'
	user root1 '/'
	user longhome "/home/$long"
	user goodhome '/home/goodhome' 'loginShell: /bin/bash'
	user biggecos '/home/biggecos' "gecos: $long"
	# gecos is IA5: a UTF-8 name comes from cn (the gecos fallback)
	CN="${u255}é" user utf8gecos '/home/utf8gecos'
	user ctlgecos '/home/ctlgecos' "gecos:: $(printf 'Tab\there' | base64)"
	user badshell '/home/badshell' 'loginShell: /usr/bin/not-a-shell'
	user listed '/home/listed' 'loginShell: /usr/local/bin/hcsh'
	user noshell '/home/noshell'
} | slapd_add >/dev/null
is "entries loaded" "$(hs_search -b "$P" '(uidNumber>=30101)' dn | grep -c '^dn:')" 14

"$HS_SYNC" -c "$HS_CONF" --once >"$SLAPD_DIR/once.log" 2>&1
is "--once exits 0" "$?" 0
log=$(cat "$SLAPD_DIR/once.log")
got=$(hs_dump)
st=$("$HS_SYNC" -c "$HS_CONF" --status)
home_skipped() { # name reason
	check_not "home: $1 not in the cache" grep -q "^U:$1:" <<<"$got"
	like "home: $1 logged with DN and reason" "$log" "skipping user uid=$1,$P: homeDirectory $2"
	like "home: $1 listed by --status" "$st" "skipped user: uid=$1,$P: homeDirectory $2"
}
home_skipped dotdot 'has a "." or ".." component'
home_skipped dotdot2 'has a "." or ".." component'
home_skipped dot 'has a "." or ".." component'
home_skipped dslash 'contains "//"'
home_skipped trail "ends with '/'"
home_skipped root1 'is "/"'
home_skipped longhome 'is longer than 1024 bytes'
like "home: a normal home is kept" "$(grep '^U:goodhome:' <<<"$got")" '^U:goodhome:[0-9]+:20000:goodhome:/home/goodhome:/bin/bash:'

g=$(grep '^U:biggecos:' <<<"$got" | cut -d: -f5)
is "gecos: 4000 bytes cut to 256, entry kept" "${#g}" 256
like "gecos: the cut is logged" "$log" "user uid=biggecos,$P: gecos cut to 256 bytes; entry kept"
g=$(grep '^U:utf8gecos:' <<<"$got" | cut -d: -f5)
is "gecos: cut on a UTF-8 boundary (255 bytes, not half an é)" "$(printf '%s' "$g" | wc -c)" 255
like "gecos: a tab becomes a space, entry kept" "$(grep '^U:ctlgecos:' <<<"$got")" '^U:ctlgecos:[0-9]+:20000:Tab here:'
like "gecos: the repair is logged" "$log" "user uid=ctlgecos,$P: gecos had ':' or control characters"

like "shell: an unlisted shell becomes /usr/sbin/nologin" "$(grep '^U:badshell:' <<<"$got")" ':/home/badshell:/usr/sbin/nologin:'
like "shell: the fallback is logged" "$log" \
	"user uid=badshell,$P: loginShell \"/usr/bin/not-a-shell\" is not listed in /etc/shells; serving /usr/sbin/nologin"
like "shell: a shell listed in this host's /etc/shells is kept" "$(grep '^U:listed:' <<<"$got")" ':/home/listed:/usr/local/bin/hcsh:'
like "shell: no loginShell stays empty (passwd(5): /bin/sh)" "$(grep '^U:noshell:' <<<"$got")" ':/home/noshell::'

# shell_fallback, and /etc/shells read again at each run
HC_CACHE=$HS_CACHE slapd_write_config "$SLAPD_DIR/fb.conf" "shell_fallback /bin/false"
sed -i '/hcsh/d' /etc/shells
"$HS_SYNC" -c "$SLAPD_DIR/fb.conf" --once 2>/dev/null
got=$(hs_dump)
like "shell_fallback /bin/false is served" "$(grep '^U:badshell:' <<<"$got")" ':/home/badshell:/bin/false:'
like "a shell removed from /etc/shells falls back at the next run" "$(grep '^U:listed:' <<<"$got")" ':/home/listed:/bin/false:'
out=$("$HS_SYNC" -c "$SLAPD_DIR/fb.conf" --dump-config)
like "--dump-config shows shell_fallback" "$out" 'shell_fallback /bin/false'
HC_CACHE=$HS_CACHE slapd_write_config "$SLAPD_DIR/badfb.conf" "shell_fallback nologin"
out=$("$HS_SYNC" -c "$SLAPD_DIR/badfb.conf" --once 2>&1); rc=$?
is "a relative shell_fallback is a config error (exit 1)" "$rc" 1
like "... naming the keyword" "$out" 'shell_fallback'
echo 1..$_hc_n
