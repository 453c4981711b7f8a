#!/bin/bash
# hcoop-mkhome makes a home from a skeleton: files, nested folders, a
# symlink to /etc/shadow kept as a symlink (never read), a FIFO skipped,
# setuid/setgid stripped; owner and mode file by file; POSIX ACLs on the
# home and public_html (access + default, inherited by new files); Maildir.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/mkhome/lib.sh"
mk_enter "$@"
mk_setup

run_mkhome -c "$CONF" alice
is "alice's home is created (exit 0)" "$RC" 0
[ "$RC" -eq 0 ] || diag "$OUT"
H=/home/alice
check "the home is a directory" test -d "$H"
check_not "the home is not a symlink" test -L "$H"
is "home owner and mode (mask r-x from home_mode 0750)" "$(stat -c '%u:%g %a' "$H")" "10001:10001 750"
is "no temporary left in /home" "$(ls -A /home | grep -c '^\.hcoop-mkhome' || true)" 0

# file by file: content, owner, mode
for f in .profile .bashrc .config/app/deep/settings.ini bin/suid-tool bin/sgid-file; do
	check "content of $f" cmp -s "$SKEL/$f" "$H/$f"
done
is ".profile owner/mode" "$(stat -c '%u:%g %a %F' "$H/.profile")" "10001:10001 644 regular file"
is ".bashrc owner/mode" "$(stat -c '%u:%g %a' "$H/.bashrc")" "10001:10001 600"
is "nested file owner/mode" "$(stat -c '%u:%g %a' "$H/.config/app/deep/settings.ini")" "10001:10001 640"
is "nested dir owner/mode" "$(stat -c '%u:%g %a' "$H/.config/app")" "10001:10001 750"
is "nested dirs owned by the member" "$(stat -c '%u:%g %F' "$H/.config" "$H/.config/app/deep" | sort -u)" "10001:10001 directory"
is "setuid bit stripped" "$(stat -c '%a' "$H/bin/suid-tool")" "755"
is "setgid bit stripped" "$(stat -c '%a' "$H/bin/sgid-file")" "775"
check "the shadow symlink is a symlink" test -L "$H/shadow-link"
is "it still points to /etc/shadow" "$(readlink "$H/shadow-link")" "/etc/shadow"
is "the symlink is owned by the member" "$(stat -c '%u:%g' "$H/shadow-link")" "10001:10001"
is "relative symlink kept" "$(readlink "$H/profile-link")" ".profile"
check_not "the FIFO is skipped" test -e "$H/a-fifo"
shadow_hits=0
while IFS= read -r -d '' f; do
	if cmp -s /etc/shadow "$f" || { [ -s /etc/shadow ] && grep -qF -f <(head -1 /etc/shadow) "$f"; }; then
		shadow_hits=$((shadow_hits + 1))
	fi
done < <(find "$H" -type f -print0)
is "no file in the home holds /etc/shadow's content" "$shadow_hits" 0
is "same entries as the skeleton minus the FIFO, plus public_html and Maildir" \
	"$(cd "$H" && find . | sort | tr '\n' ' ')" \
	"$( (cd "$SKEL" && find . ! -name a-fifo; printf '%s\n' ./public_html ./Maildir ./Maildir/cur ./Maildir/new ./Maildir/tmp) | sort | tr '\n' ' ')"

# ACLs
acl_home=$(getfacl -p -n --omit-header "$H")
like "home has the named-user entry for www-data (uid 33)" "$acl_home" "user:33:--x"
like "home has a mask" "$acl_home" "mask::r-x"
P=$H/public_html
is "public_html owner/mode" "$(stat -c '%u:%g %a' "$P")" "10001:10001 755"
acl_pub=$(getfacl -p --omit-header "$P")
like "public_html access entry user:www-data" "$acl_pub" "^user:www-data:r-x$"
like "public_html access entry group:www-data" "$acl_pub" "^group:www-data:r-x$"
like "public_html default entry user:www-data" "$acl_pub" "default:user:www-data:r-x"
like "public_html default entry group:www-data" "$acl_pub" "default:group:www-data:r-x"
like "public_html default mask" "$acl_pub" "default:mask::r-x"
echo '<p>hi</p>' >"$P/index.html"
mkdir "$P/sub"
like "a file created later inherits the named-user ACL" \
	"$(getfacl -p --omit-header "$P/index.html")" "user:www-data:r-x"
like "a folder created later inherits the default ACL" \
	"$(getfacl -p --omit-header "$P/sub")" "default:user:www-data:r-x"
check "www-data can read the new file through the ACL" \
	setpriv --reuid=33 --regid=33 --clear-groups cat "$P/index.html" >/dev/null
check_not "another uid cannot enter the home (0750, no ACL entry)" \
	setpriv --reuid=65534 --regid=65534 --clear-groups ls "$H" 2>/dev/null

# libacl's view (acl_cmp against the template): no drift right after creation
run_mkhome -c "$CONF" --check alice
is "--check finds the new home exactly as the template (libacl compare)" "$RC" 0
[ "$RC" -eq 0 ] || diag "$OUT"

# Maildir
is "Maildir/{cur,new,tmp} exist, 0700, the member's" \
	"$(stat -c '%n %u:%g %a' "$H/Maildir" "$H/Maildir/cur" "$H/Maildir/new" "$H/Maildir/tmp" | tr '\n' ' ')" \
	"$H/Maildir 10001:10001 700 $H/Maildir/cur 10001:10001 700 $H/Maildir/new 10001:10001 700 $H/Maildir/tmp 10001:10001 700 "

# a second run changes nothing and succeeds
before=$(mk_snapshot "$H"; stat -c '%i %Y' "$H")
run_mkhome -c "$CONF" alice
is "second run: exit 0" "$RC" 0
is "second run: the home is unchanged" "$(mk_snapshot "$H"; stat -c '%i %Y' "$H")" "$before"

# a nested public_dir is created component by component
cp "$CONF" "$W/nested.conf"
sed -i 's|^public_dir .*|public_dir www/pub|' "$W/nested.conf"
run_mkhome -c "$W/nested.conf" user0001
is "nested public_dir: exit 0" "$RC" 0
is "nested public_dir: www is the member's, 0755" "$(stat -c '%u %a' /home/user0001/www)" "20001 755"
like "nested public_dir carries the default ACL" "$(getfacl -p --omit-header /home/user0001/www/pub 2>/dev/null)" "default:user:www-data:r-x"

# the skeleton "none": only the folders
printf 'skel none\n' >>"$W/nested.conf"
sed -i '/^skel \//d' "$W/nested.conf"
run_mkhome -c "$W/nested.conf" user0003
is "skel none: exit 0" "$RC" 0
is "skel none: only public folder and Maildir" "$(cd /home/user0003 && find . | sort | tr '\n' ' ')" \
	". ./Maildir ./Maildir/cur ./Maildir/new ./Maildir/tmp ./www ./www/pub "

# a default ACL on home_base must not leak into the member's home
setfacl -d -m u:65534:rwx /home
rm -rf /home/user0001
run_mkhome -c "$CONF" user0001
is "home_base with a default ACL: exit 0" "$RC" 0
is "no default ACL on the new home" "$(getfacl -p -n --omit-header -d /home/user0001)" ""
is "no file of the new home carries the inherited entry" \
	"$(getfacl -R -p -n /home/user0001 2>/dev/null | grep -c ':65534:' || true)" 0
setfacl -k /home
