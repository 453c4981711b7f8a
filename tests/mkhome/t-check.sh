#!/bin/bash
# --check reports drift of the home's and public folder's owner, mode and
# ACLs (a member's "chmod g-x ~" rewrites the mask: the web server's 403);
# --repair restores those two directories and changes nothing else.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/mkhome/lib.sh"
mk_enter "$@"
mk_setup

H=/home/alice
P=$H/public_html
run_mkhome -c "$CONF" alice
is "home created" "$RC" 0
run_mkhome -c "$CONF" --check alice
is "--check on a fresh home: exit 0" "$RC" 0
is "--check on a fresh home: says nothing" "$OUT" ""

# the member lives in it: files, private modes, their own ACLs
echo '<p>hi</p>' >"$P/index.html"
mkdir -p "$H/private/deeper"
echo secret >"$H/private/deeper/s.txt"
chmod 0600 "$H/.profile"
chmod 0700 "$H/private"
setfacl -m u:65534:r "$H/private/deeper/s.txt"
chown -R 10001:10001 "$H"

# everything except the home and public_html themselves
others() {
	(cd "$H" && find . -mindepth 1 ! -path ./public_html -printf '%p %y %U:%G %m %s %l %T@\n' | sort &&
		find . -mindepth 1 ! -path ./public_html -print0 | sort -z |
		xargs -0 getfacl -p -n 2>/dev/null &&
		find . -type f -exec md5sum {} + | sort)
}
template_home=$(stat -c '%u:%g %a' "$H"; getfacl -p -n --omit-header "$H")
template_pub=$(stat -c '%u:%g %a' "$P"; getfacl -p -n --omit-header "$P")

# the drift
chmod g-x "$H"
setfacl -x u:www-data "$P"
setfacl -d -x g:www-data "$P"
before=$(others)

run_mkhome -c "$CONF" --check alice
is "--check after chmod g-x and removed ACL entries: exit 9" "$RC" 9
like "reports the home's mode" "$OUT" "^/home/alice: mode is 0740, expected 0750$"
like "reports the home's ACL mask" "$OUT" "^/home/alice: access ACL is .*m::r--.*, expected .*m::r-x"
like "reports public_html's missing access entry" "$OUT" "^/home/alice/public_html: access ACL is .*, expected .*u:www-data:r-x"
like "reports public_html's default ACL" "$OUT" "^/home/alice/public_html: default ACL is .*, expected .*g:www-data:r-x"
check_not "www-data cannot enter the drifted home (the 403)" \
	setpriv --reuid=33 --regid=33 --clear-groups -- cat "$P/index.html" 2>/dev/null

run_mkhome -c "$CONF" --repair alice
is "--repair: exit 0" "$RC" 0
run_mkhome -c "$CONF" --check alice
is "--check after --repair: exit 0" "$RC" 0
is "--check after --repair: nothing to report" "$OUT" ""
is "home owner/mode/ACL back to the template" "$(stat -c '%u:%g %a' "$H"; getfacl -p -n --omit-header "$H")" "$template_home"
is "public_html owner/mode/ACLs back to the template" "$(stat -c '%u:%g %a' "$P"; getfacl -p -n --omit-header "$P")" "$template_pub"
check "www-data reads the page again" \
	setpriv --reuid=33 --regid=33 --clear-groups -- cat "$P/index.html" >/dev/null
is "--repair changed nothing else (listing, modes, ACLs, contents, mtimes)" "$(others)" "$before"

# owner drift is found and repaired too
chown 0:0 "$P"
run_mkhome -c "$CONF" --check alice
is "owner drift: exit 9" "$RC" 9
like "owner drift reported" "$OUT" "public_html: owner is 0:0, expected 10001:10001"
run_mkhome -c "$CONF" --repair alice
is "owner drift repaired" "$(stat -c '%u:%g' "$P")" "10001:10001"

# a public_html replaced by a symlink is reported, never followed
mkdir -m 0700 "$W/elsewhere"
mv "$P" "$H/old_public"
ln -s "$W/elsewhere" "$P"
run_mkhome -c "$CONF" --check alice
is "symlinked public_html: --check exit 9" "$RC" 9
like "symlinked public_html: reported" "$OUT" "public_html: not a plain directory"
run_mkhome -c "$CONF" --repair alice
is "symlinked public_html: --repair exit 9 (cannot repair)" "$RC" 9
is "the symlink's target was not touched" "$(stat -c '%u:%g %a' "$W/elsewhere"; getfacl -p -n --omit-header "$W/elsewhere" | grep -c www)" "0:0 700
0"
rm "$P"
run_mkhome -c "$CONF" --check alice
like "missing public_html: reported" "$OUT" "public_html: missing"
check_not "missing public_html: --repair does not recreate it" \
	bash -c "'$MKH' -c '$CONF' --repair alice >/dev/null 2>&1; test -e '$P'"

# a missing home: --check says so, --repair makes it
run_mkhome -c "$CONF" --check user0001
is "missing home: --check exit 9" "$RC" 9
like "missing home: reported" "$OUT" "^/home/user0001: missing$"
check_not "--check created nothing" test -e /home/user0001
run_mkhome -c "$CONF" --repair user0001
is "missing home: --repair creates it" "$RC" 0
check "the repaired home exists" test -d /home/user0001/public_html
