# Shared helpers of the hcoop-sync tests (source after tap.sh).
source "$HC_SRC/tests/lib/slapd.sh"

HS_SYNC=$HC_BUILD/hcoop-sync
HS_DUMP=$HC_BUILD/tests/hs-cachedump
export LDAPTLS_REQCERT=demand

# The cache as sorted text lines (see tests/sync/cachedump.c).
hs_dump() { "$HS_DUMP" "${1:-$HS_CACHE}" | LC_ALL=C sort; }

# The generation in the main file's header: it changes with every full
# write (an inode number may be reused, this may not).
hs_main_gen() { od -An -t u8 -j 32 -N 8 "$HS_CACHE" | tr -d ' '; }

# hs_group_ldif NAME GID MEMBER...: a posixGroup under ou=Groups of the
# test directory, as LDIF for slapd_add.
hs_group_ldif() {
	local n=$1 g=$2 m
	shift 2
	printf 'dn: cn=%s,ou=Groups,%s\nobjectClass: posixGroup\ncn: %s\ngidNumber: %s\n' \
		"$n" "$LDAP_BASE" "$n" "$g"
	for m in "$@"; do printf 'memberUid: %s\n' "$m"; done
	echo
}

# hs_like_once WHAT ONCE_CONF ONCE_CACHE: within 5 s the cache served
# (main + delta, sorted dump: the delta's records enumerate after the main
# file's) equals what a fresh --once writes with ONCE_CONF to ONCE_CACHE.
hs_like_once() {
	local what=$1 conf=$2 cache=$3 want=$SLAPD_DIR/once.txt
	rm -f "$cache" "$cache.delta"
	if ! "$HS_SYNC" -c "$conf" --once --force >/dev/null 2>&1; then
		fail "$what: --once failed"
		return
	fi
	hs_dump "$cache" >"$want"
	if hs_wait 5 eval 'cmp -s <(hs_dump 2>/dev/null) "$want"'; then
		ok "$what: the cache served equals a fresh --once"
	else
		fail "$what: the cache served differs from a fresh --once"
		diff <(hs_dump) "$want" | head -10 | sed 's/^/# /'
	fi
}

# Search as the host account (unlimited size, paged) over StartTLS.
hs_search() {
	LDAPTLS_CACERT=$LDAP_CACERT ldapsearch -x -ZZ -H "$LDAP_URI" -D "$HOST_DN" \
		-w "$HOST_PW" -LLL -o ldif-wrap=no -E pr=200/noprompt "$@" |
		grep -v '^# \|^$pagedresults\|^control'
}

# What the cache should hold according to LDAP (read as the host account):
# users with uidNumber >= 1000 and groups with gidNumber >= 1000, in hs_dump's format.
hs_expected() {
	{
		hs_search -b "$LDAP_BASE" '(objectClass=posixAccount)' \
			uid uidNumber gidNumber gecos cn homeDirectory loginShell \
			hcoopHost shadowExpire pwdAccountLockedTime
		hs_search -b "$LDAP_BASE" '(objectClass=posixGroup)' \
			cn gidNumber memberUid
	} | python3 -c '
import sys
entries, cur = [], None
for line in sys.stdin.read().split("\n"):
    if not line:
        if cur: entries.append(cur)
        cur = None; continue
    k, _, v = line.partition(": ")
    if cur is None: cur = {}
    cur.setdefault(k, []).append(v)
if cur: entries.append(cur)
out = []
for e in entries:
    g = lambda k: e.get(k, [""])[0]
    if "uidNumber" in e:
        if int(g("uidNumber")) < 1000: continue
        out.append("U:%s:%s:%s:%s:%s:%s:%s:%s:%d:%s" % (g("uid"), g("uidNumber"),
            g("gidNumber"), g("gecos") or g("cn"), g("homeDirectory"),
            g("loginShell"), g("dn"), g("hcoopHost"),
            1 if "pwdAccountLockedTime" in e else 0, g("shadowExpire")))
    else:
        if int(g("gidNumber")) < 1000: continue
        out.append("G:%s:%s:%s" % (g("cn"), g("gidNumber"), ",".join(e.get("memberUid", []))))
print("\n".join(sorted(out)))
'
}

# hs_wait SECONDS command...: poll every 50 ms until command succeeds;
# false when the deadline passes.
hs_wait() {
	local deadline=$(($(date +%s%N) + ${1%.*} * 1000000000)) 
	shift
	while :; do
		"$@" && return 0
		[ "$(date +%s%N)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# hs_start_daemon CONF LOG: hcoop-sync in the background, stopped at exit.
hs_start_daemon() {
	"$HS_SYNC" -c "$1" --foreground --debug >>"$2" 2>&1 </dev/null &
	HS_DAEMON_PID=$!
	hc_on_exit "hc_stop_pid $HS_DAEMON_PID"
}

# A slapd with the fixture and a config for it (extra config lines as
# arguments); HS_CONF set, the cache at $HS_CACHE (default: in SLAPD_DIR).
hs_setup() {
	slapd_start || { fail "slapd_start"; exit 1; }
	HS_CACHE=${HS_CACHE:-$SLAPD_DIR/var/cache}
	HS_CONF=$SLAPD_DIR/hcoop.conf
	HC_CACHE=$HS_CACHE slapd_write_config "$HS_CONF" "$@"
}
