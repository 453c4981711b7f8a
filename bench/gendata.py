#!/usr/bin/python3
"""Synthetic co-op for the benchmarks: N members, each with a user private
group, plus 100 shared groups of varied size.

    gendata.py N OUTDIR [BASE]

Writes into OUTDIR:
  data.ldif     users (ou=People) + groups (ou=Groups), for slapadd
  passwd.add    the same users as /etc/passwd lines   (for passwd: files)
  group.add     the same groups as /etc/group lines   (for group: files)
  keys          lookup keys, random order: "U name uid gid" / "G name gid"
                (up to 20,000 random members; 10,000 random private groups
                plus every shared group)
  changes       50 "name" lines: members the persist benchmark modifies
  burst         1,000 other "name" lines: the persist throughput burst
  classes       one line per group size class: "name gid members
                packed_bytes" (packed_bytes: the member names back to back,
                each with its NUL: what a getgrgid must copy at least)
  keys.NAME     a key file naming just that class group (and one member,
                which the key loader requires)
  cache.spec    the same data for tests/hcoop-mkcache (used for the lookup
                figures only when hcoop-sync cannot build the cache)

Members: m0000001.. uid = gid = 100000+i, host1/host2 alternating.
Shared groups grp000..grp099, gid 50000+j, size S*((j+1)/100)^2 (at least
10), S = min(10000, 3N/34): the sizes then sum to about 3N, i.e. each member
is in ~3 shared groups, while no group exceeds 10,000 members. At 1,000,000
members the 10,000 cap holds the total at ~340,000 memberships (most
members then have only their private group).
Size classes (issue 13): one more group per class, gsz<size> with gid
60000+k and 10, 100, 1,000 and N/40 random members (N/40: a 2,500-member
group at 100,000 members, 25,000 at 1,000,000), drawn from their own seeded
generator so the data above stays the same as before they were added.
Deterministic (seeded), so runs are comparable.
"""
import os
import random
import sys


def member(i):
    return "m%07d" % i


def group_sizes(n):
    top = min(10000, max(10, (3 * n) // 34))
    return [min(n, max(10, round(top * ((j + 1) / 100.0) ** 2)))
            for j in range(100)]


def write_users(n, base, ldif, passwd, spec):
    for i in range(1, n + 1):
        name, uid = member(i), 100000 + i
        host = "host%d.hcoop.test" % (2 - i % 2)
        ldif.write(
            "dn: uid=%s,ou=People,%s\nobjectClass: account\n"
            "objectClass: posixAccount\nobjectClass: hcoopMember\n"
            "uid: %s\ncn: %s\nuidNumber: %d\ngidNumber: %d\n"
            "gecos: Member %d\nhomeDirectory: /home/%s\n"
            "loginShell: /bin/bash\nhcoopHost: %s\n\n"
            % (name, base, name, name, uid, uid, i, name, host))
        passwd.write("%s:x:%d:%d:Member %d:/home/%s:/bin/bash\n"
                     % (name, uid, uid, i, name))
        spec.write("U:%s:%d:%d:Member %d:/home/%s:/bin/bash:"
                   "uid=%s,ou=People,%s:%s:0:\n"
                   % (name, uid, uid, i, name, name, base, host))


def write_groups(n, base, ldif, group, rng, spec):
    for i in range(1, n + 1):
        name, gid = member(i), 100000 + i
        ldif.write("dn: cn=%s,ou=Groups,%s\nobjectClass: posixGroup\n"
                   "cn: %s\ngidNumber: %d\n\n" % (name, base, name, gid))
        group.write("%s:x:%d:\n" % (name, gid))
        spec.write("G:%s:%d:\n" % (name, gid))
    for j, size in enumerate(group_sizes(n)):
        name, gid = "grp%03d" % j, 50000 + j
        members = [member(k) for k in sorted(rng.sample(range(1, n + 1), size))]
        ldif.write("dn: cn=%s,ou=Groups,%s\nobjectClass: posixGroup\n"
                   "cn: %s\ngidNumber: %d\n" % (name, base, name, gid))
        ldif.write("".join("memberUid: %s\n" % m for m in members) + "\n")
        group.write("%s:x:%d:%s\n" % (name, gid, ",".join(members)))
        spec.write("G:%s:%d:%s\n" % (name, gid, ",".join(members)))


def class_sizes(n):
    return sorted(set(min(n, s) for s in [10, 100, 1000, max(10, n // 40)]))


def write_classes(n, base, ldif, group, spec, out):
    rng = random.Random(40 + n)
    with open(os.path.join(out, "classes"), "w") as cls:
        for k, size in enumerate(class_sizes(n)):
            name, gid = "gsz%d" % size, 60000 + k
            members = [member(i) for i in
                       sorted(rng.sample(range(1, n + 1), size))]
            ldif.write("dn: cn=%s,ou=Groups,%s\nobjectClass: posixGroup\n"
                       "cn: %s\ngidNumber: %d\n" % (name, base, name, gid))
            ldif.write("".join("memberUid: %s\n" % m for m in members) + "\n")
            group.write("%s:x:%d:%s\n" % (name, gid, ",".join(members)))
            spec.write("G:%s:%d:%s\n" % (name, gid, ",".join(members)))
            packed = sum(len(m) + 1 for m in members)
            cls.write("%s %d %d %d\n" % (name, gid, size, packed))
            with open(os.path.join(out, "keys." + name), "w") as f:
                f.write("U %s %d %d\nG %s %d\n"
                        % (member(1), 100001, 100001, name, gid))


def write_keys(n, out, rng):
    lines = []
    for i in rng.sample(range(1, n + 1), min(n, 20000)):
        lines.append("U %s %d %d\n" % (member(i), 100000 + i, 100000 + i))
    for i in rng.sample(range(1, n + 1), min(n, 10000)):
        lines.append("G %s %d\n" % (member(i), 100000 + i))
    lines += ["G grp%03d %d\n" % (j, 50000 + j) for j in range(100)]
    rng.shuffle(lines)
    with open(os.path.join(out, "keys"), "w") as f:
        f.writelines(lines)
    changed = rng.sample(range(1, n + 1), min(n, 50))
    with open(os.path.join(out, "changes"), "w") as f:
        f.writelines("%s\n" % member(i) for i in changed)
    # the burst's members: others than the latency series' (their own rng,
    # so the keys and changes above stay as they were)
    pool = random.Random(1000 + n).sample(range(1, n + 1), min(n, 1050))
    with open(os.path.join(out, "burst"), "w") as f:
        f.writelines("%s\n" % member(i)
                     for i in [i for i in pool if i not in changed][:1000])


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    base = sys.argv[3] if len(sys.argv) > 3 else "dc=hcoop,dc=test"
    rng = random.Random(20260101 + n)
    os.makedirs(out, exist_ok=True)
    big = 1 << 20
    def w(name):
        return open(os.path.join(out, name), "w", buffering=big)
    with w("data.ldif") as ldif, w("cache.spec") as spec:
        with w("passwd.add") as pw:
            write_users(n, base, ldif, pw, spec)
        with w("group.add") as gr:
            write_groups(n, base, ldif, gr, rng, spec)
            write_classes(n, base, ldif, gr, spec, out)
    write_keys(n, out, rng)


if __name__ == "__main__":
    main()
