# Shared by tests/nss/t-*.sh: a spec of users and groups (the format of
# hcoop-mkcache) and helpers that turn it into expected getent lines.
# Source after tap.sh (and ns.sh's hc_ns_enter when the test needs the
# fixed cache path /var/lib/hcoop/cache).

MKCACHE=$HC_BUILD/tests/hcoop-mkcache
NSS_DLOPEN=$HC_BUILD/tests/nss-dlopen
CACHE=/var/lib/hcoop/cache

# nss_spec N [BIG]: the named fixture users plus N generated ones, their
# private groups, shared groups, and a group "big" of BIG (default 5,000)
# members (u00001..).
nss_spec() {
	local n=${1:-600} big=${2:-5000}
	cat <<'EOT'
# name:uid:gid:gecos:dir:shell:dn:host:flags:expire
U:alice:10001:10001:Alice Liddell,Room 1,,:/home/alice:/bin/bash:uid=alice,ou=People,dc=hcoop,dc=test:host1.hcoop.test:0:
U:bob:10002:10002::/home/bob:/bin/bash:uid=bob,ou=People,dc=hcoop,dc=test:host2.hcoop.test:0:
U:carol:10003:10003:Carol:/srv/homes/carol:/bin/sh:uid=carol,ou=People,dc=hcoop,dc=test::0:
U:dave:10004:10004:Dave:/home/dave:/bin/zsh:uid=dave,ou=People,dc=hcoop,dc=test:host2.hcoop.test:0:
U:erin:10005:10005:Erin:/home/erin:/bin/bash:uid=erin,ou=People,dc=hcoop,dc=test:host1.hcoop.test:1:
U:frank:10006:10006:Frank:/home/frank:/bin/bash:uid=frank,ou=People,dc=hcoop,dc=test:host1.hcoop.test:0:1
U:m$:10007:10007:machine account:/nonexistent:/usr/sbin/nologin:uid=m$,ou=People,dc=hcoop,dc=test::0:
G:alice:10001:
G:bob:10002:
G:carol:10003:
G:dave:10004:
G:erin:10005:
G:frank:10006:
G:hcstaff:5000:alice,bob,dave
G:admins:5001:dave
G:www:5002:alice,ghost
G:nobodyhere:5003:
EOT
	awk -v n="$n" -v big="$big" 'BEGIN {
		# gecos and home of every length from a few bytes to past 48, so
		# the string scans of the reader meet each edge of their 16- and
		# 8-byte steps
		pad = "Room 1234567890 abcdefghijklmnopqrstuvwxyz"
		for (i = 1; i <= n; i++) {
			u = sprintf("u%05d", i)
			d = (i % 3 == 0) ? substr("/srv/homes/abcdefghijklmnopqrstuvwxyz", 1, 11 + i % 27) "/" u : "/home/" u
			printf "U:%s:%d:20000:User %d%s:%s:/bin/bash:uid=%s,ou=People,dc=hcoop,dc=test:host%d.hcoop.test:0:\n", u, 20000 + i, i, substr(pad, 1, i % 43), d, u, i % 2 + 1
		}
		printf "G:members:20000:"
		for (i = 1; i <= n; i++) printf "%su%05d", (i > 1 ? "," : ""), i
		printf "\nG:big:20001:"
		for (i = 1; i <= big; i++) printf "%su%05d", (i > 1 ? "," : ""), i
		printf "\n"
	}'
}

# Expected getent lines from a spec on stdin.
spec_passwd() { awk -F: '$1 == "U" { printf "%s:x:%s:%s:%s:%s:%s\n", $2, $3, $4, $5, $6, $7 }'; }
spec_group() { awk -F: '$1 == "G" { printf "%s:x:%s:%s\n", $2, $3, $4 }'; }
