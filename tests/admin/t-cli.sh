#!/bin/bash
# hcoopctl's command line: per-command --help, --version, usage errors and
# their exit status (hcoopctl(8)), config errors named.
# san: yes
. "$(dirname "$0")/../lib/tap.sh"
CTL=$HC_BUILD/hcoopctl
for c in status explain hosts check; do
	out=$("$CTL" "$c" --help); rc=$?
	is "$c --help exits 0" "$rc" 0
	like "$c --help names the command" "$out" "usage: hcoopctl \[OPTIONS\] $c"
done
like "--version" "$("$CTL" --version)" '^hcoopctl [0-9]+\.[0-9]+'
out=$("$CTL" frobnicate 2>&1); rc=$?
is "unknown command: exit 1" "$rc" 1
like "unknown command: said so" "$out" "unknown command 'frobnicate'"
out=$("$CTL" -Y PLAIN hosts 2>&1); rc=$?
is "-Y other than EXTERNAL: exit 1" "$rc" 1
out=$("$CTL" -D cn=admin hosts 2>&1); rc=$?
is "-D without -W or -y: exit 1" "$rc" 1
like "-D without -W or -y: said so" "$out" '-D needs -W or -y'
t=$(hc_tmpdir)
printf 'uri ldap://127.0.0.1\nbogus_keyword 1\n' >"$t/bad.conf"
out=$("$CTL" -c "$t/bad.conf" status 2>&1); rc=$?
is "bad config: exit 1" "$rc" 1
like "bad config: file and line named" "$out" "$t/bad.conf:2: .*bogus_keyword"
out=$("$CTL" -c "$t/bad.conf" check 2>&1); rc=$?
is "bad config under check: UNKNOWN (3), as monitoring expects" "$rc" 3
like "... with the plugin's one line" "$out" '^HCOOP UNKNOWN - .*bad.conf:2:' 
out=$("$CTL" -c "$t/bad.conf" explain 2>&1); rc=$?
is "explain without a user: exit 1" "$rc" 1
ln -s "$CTL" "$t/check_hcoop"
out=$("$t/check_hcoop" --config "$t/bad.conf" -w 60 2>&1); rc=$?
is "run as check_hcoop it is the check command (config error: UNKNOWN)" "$rc" 3
like "... naming the config it was given" "$out" "^HCOOP UNKNOWN - $t/bad.conf:2:"
