#!/bin/bash
# An existing home is never touched (same inode, mtime, content, modes);
# one owned by another uid (uid reuse) is reported with exit 7 and left as
# it is, by the default run, --check and --repair alike.
# san: yes
source "$(dirname "$0")/../lib/tap.sh"
source "$HC_SRC/tests/mkhome/lib.sh"
mk_enter "$@"
mk_setup

state() { # dir: inode, mtime, ctime of the top + full listing and ACLs
	stat -c '%i %Y %Z %u:%g %a' "$1"
	mk_snapshot "$1"
	find "$1" -type f -exec md5sum {} + | sort
}

# a home made by hcoop-mkhome, then lived in
run_mkhome -c "$CONF" alice
is "first run creates the home" "$RC" 0
echo "my notes" >/home/alice/notes.txt
chown 10001:10001 /home/alice/notes.txt
rm /home/alice/.bashrc
chmod 0700 /home/alice/public_html
sleep 0.01
before=$(state /home/alice)
run_mkhome -c "$CONF" alice
is "second run: exit 0" "$RC" 0
is "second run: same inode, mtime, content, modes, ACLs" "$(state /home/alice)" "$before"
check_not "the deleted skeleton file is not brought back" test -e /home/alice/.bashrc

# a home an admin made by hand: kept exactly as it is
mkdir -m 0700 /home/user0001
echo hand-made >/home/user0001/README
chown -R 20001:20001 /home/user0001
before=$(state /home/user0001)
run_mkhome -c "$CONF" user0001
is "hand-made home: exit 0" "$RC" 0
is "hand-made home: untouched" "$(state /home/user0001)" "$before"
check_not "hand-made home: no public_html added" test -e /home/user0001/public_html
check_not "hand-made home: no Maildir added" test -e /home/user0001/Maildir

# uid reuse: the home belongs to someone else
mkdir -m 0751 /home/user0003
echo "previous owner's data" >/home/user0003/data
chown -R 4242:4242 /home/user0003
before=$(state /home/user0003)
for mode in "" --check --repair; do
	run_mkhome -c "$CONF" $mode user0003
	is "foreign owner ${mode:-default}: exit 7" "$RC" 7
	like "foreign owner ${mode:-default}: reported" "$OUT" "owned by uid 4242, not 20003 \(uid reuse\?\)"
	is "foreign owner ${mode:-default}: nothing changed" "$(state /home/user0003)" "$before"
done
is "no temporaries left" "$(ls -A /home | grep -c '^\.hcoop-mkhome' || true)" 0
