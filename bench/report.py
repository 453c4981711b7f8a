#!/usr/bin/python3
"""Turn bench/run.sh's raw results (one "KIND key=value ..." line per
figure) into bench/RESULTS.md, and print a short table.

    report.py RESULTS_TXT RESULTS_MD
"""
import shlex
import statistics
import sys
from collections import defaultdict

OPS = ["getpwnam", "getpwuid", "getpwnam-neg", "getgrnam", "getgrgid",
       "getgrouplist", "getpwent"]


def parse(path):
    rows = []
    with open(path) as f:
        for line in f:
            parts = shlex.split(line)
            if not parts:
                continue
            d = {"_type": parts[0]}
            for p in parts[1:]:
                k, _, v = p.partition("=")
                d[k] = v
            rows.append(d)
    return rows


def ns(v):
    v = float(v)
    if v < 1000:
        return "%.0f ns" % v
    if v < 1e6:
        return "%.2f µs" % (v / 1e3)
    if v < 1e9:
        return "%.1f ms" % (v / 1e6)
    return "%.2f s" % (v / 1e9)


def ns_fine(v):
    """ns() with two decimals below 10 ns (time per member)."""
    return "%.2f ns" % float(v) if float(v) < 10 else ns(v)


def rate(v):
    v = float(v)
    if v >= 1e6:
        return "%.2f M/s" % (v / 1e6)
    if v >= 1e3:
        return "%.1f k/s" % (v / 1e3)
    return "%.1f /s" % v


def size(v):
    v = float(v)
    for unit in ["B", "KiB", "MiB", "GiB"]:
        if v < 1024 or unit == "GiB":
            return "%.1f %s" % (v, unit) if unit != "B" else "%d B" % v
        v /= 1024


class Results:
    def __init__(self, rows):
        self.rows = rows
        self.sizes = []
        for r in rows:
            n = r.get("n")
            if n and n.isdigit() and int(n) not in self.sizes:
                self.sizes.append(int(n))

    def find(self, rtype, **kw):
        for r in self.rows:
            if r["_type"] == rtype and all(r.get(k) == str(v)
                                         for k, v in kw.items()):
                return r
        return None

    def all(self, kind):
        return [r for r in self.rows if r["_type"] == kind]

    def lookup(self, n, be, op, th=1, kind="LOOKUP"):
        return self.find(kind, n=n, backend=be, op=op, threads=th)

    def median(self, n, be, op, th=1, kind="LOOKUP"):
        r = self.lookup(n, be, op, th, kind)
        return float(r["median_ns"]) if r else None


def header(res, out):
    v = res.find("VERSION") or {}
    tot = res.find("ELAPSED", n="total")
    out.append("# Benchmark results\n")
    out.append("Written by `make bench` (bench/run.sh); how each figure is "
               "measured and how to rerun: [README.md](README.md).\n")
    out.append("| | |\n|---|---|")
    for label, key in [("date", "date"), ("CPU", "cpu"), ("cores", "cores"),
                       ("memory (GiB)", "mem_gb"), ("kernel", "kernel"),
                       ("glibc", "glibc"), ("slapd", "slapd"), ("gcc", "gcc"),
                       ("git commit", "commit"),
                       ("kernel memory monitor", "memmon"),
                       ("member split (getgrgid's pass)", "split")]:
        out.append("| %s | %s |" % (label, v.get(key, "?")))
    out.append("| member counts | %s |" % ", ".join(
        "{:,}".format(n) for n in res.sizes))
    if tot:
        per = ", ".join("{:,}: {} s".format(int(r["n"]), r["seconds"])
                        for r in res.all("ELAPSED") if r["n"] != "total")
        out.append("| run time | %s s in all (%s) |" % (tot["seconds"], per))
        loads = ", ".join("{:,}: {}".format(int(r["n"]), r["loadavg"])
                          for r in res.all("ELAPSED") if "loadavg" in r)
        out.append("| 1-min load average before each size (other work on "
                   "the machine) | %s |" % loads)
    out.append("")


def times(x):
    return "{:,.0f}×".format(x) if x >= 10 else "%.2f×" % x


def verdict(ok, how):
    return ("met" if ok else "**missed**") + (" (%s)" % how if how else "")


def target_rows(res):
    """(target, N, measured, verdict) for every target of issue 7."""
    rows = []
    for n in [100000, 1000000]:
        if n not in res.sizes:
            rows.append(("getpwnam/getpwuid ≤ 1.15× floor", n, "not measured",
                         "size not run"))
            continue
        for op in ["getpwnam", "getpwuid"]:
            h, f = res.median(n, "hcoop", op), res.median(n, "floor", op)
            if h and f:
                rows.append(("%s through glibc ≤ 1.15× floor" % op, n,
                             "%s vs %s = %.2f×" % (ns(h), ns(f), h / f),
                             verdict(h / f <= 1.15, "%+.0f%% of floor"
                                     % ((h / f - 1) * 100))))
            d = res.median(n, "hcoop", op, kind="DIRECT")
            if d:
                rows.append(("%s direct (module alone) < 150 ns" % op, n,
                             ns(d), verdict(d < 150, "")))
    n = 100000
    if n in res.sizes:
        for op in ["getpwnam", "getpwuid"]:
            h, fi = res.median(n, "hcoop", op), res.median(n, "files", op)
            if h and fi:
                rows.append(("%s ≥ 30× faster than files" % op, n,
                             "%s (%s vs %s)" % (times(fi / h), ns(h), ns(fi)),
                             verdict(fi / h >= 30, "")))
    for n in res.sizes:
        p, q = res.median(n, "hcoop", "getpwnam"), \
            res.median(n, "hcoop", "getpwnam-neg")
        if p and q:
            rows.append(("negative getpwnam no slower than positive", n,
                         "%s vs %s" % (ns(q), ns(p)),
                         verdict(q <= p * 1.02, "%+.0f%%" % ((q / p - 1) * 100))))
        h, f = res.median(n, "hcoop", "getgrouplist"), \
            res.median(n, "floor", "getgrouplist")
        if h and f:
            rows.append(("getgrouplist ≤ 2× floor", n, "%.2f×" % (h / f),
                         verdict(h / f <= 2, "")))
    s = res.find("SYNC", n=100000)
    rows.append(("hcoop-sync --once < 5 s", 100000,
                 s["wall_s"] + " s" if s else "not measured",
                 verdict(float(s["wall_s"]) < 5, "") if s else "-"))
    p = res.find("PERSIST", n=100000)
    rows.append(("persist change visible < 1 s (median)", 100000,
                 "%s ms (max %s ms)" % (p["median_ms"], p["max_ms"]) if p
                 else "not measured",
                 verdict(float(p["median_ms"]) < 1000, "") if p else "-"))
    for n in res.sizes:
        c = res.find("SYNC", n=n) or res.find("CACHE", n=n)
        if c:
            text = int(c["passwd_bytes"]) + int(c["group_bytes"])
            ratio = int(c["cache_bytes"]) / text
            rows.append(("cache ≤ 2× passwd+group text", n,
                         "%s vs %s = %.2f×" % (size(c["cache_bytes"]),
                                               size(text), ratio),
                         verdict(ratio <= 2, "")))
    return rows


def vs_target(measured, target):
    """met/missed with the measured value over the target."""
    return verdict(measured <= target, "%.2f× the target" % (measured / target))


def grclass(res, n, members, backend):
    return res.find("GRCLASS", n=n, members=members, backend=backend)


def grclass_rows(res):
    rows = []
    for n, m, limit in [(100000, 2500, 5000), (1000000, 25000, 40000)]:
        t = "getgrgid of a {:,}-member group through glibc ≤ {}".format(
            m, ns(limit))
        q = Rounds([r for r in res.all("GROUND") if r["n"] == str(n) and
                    r["members"] == str(m)], lambda r: r["backend"])
        c = grclass(res, n, m, "memcpy")
        if len(q) and q.median("hcoop"):
            v = q.median("hcoop")
            rows.append((t, n, "%s (median of %d rounds, %s; %.1f× a memcpy "
                         "of the %s packed entry in the same round, %s)" % (
                             ns(v), len(q), q.span("hcoop", fmt=ns),
                             q.median("hcoop", "memcpy"),
                             size(c["packed_bytes"]) if c else "?",
                             q.span("hcoop", "memcpy")), vs_target(v, limit)))
            continue
        h = grclass(res, n, m, "hcoop")
        if not h:
            rows.append((t, n, "not measured", "size not run"
                         if n not in res.sizes else "-"))
            continue
        v = float(h["median_ns"])
        extra = " (%.1f× a memcpy of the %s packed entry, %s)" % (
            v / float(c["median_ns"]), size(c["packed_bytes"]),
            ns(c["median_ns"])) if c else ""
        rows.append((t, n, ns(v) + extra, vs_target(v, limit)))
    return rows


def persist_rows(res):
    rows = []
    for n in res.sizes:
        p = res.find("PERSIST", n=n)
        if not p or p.get("rounds", "0") == "0":
            rows.append(("persist change visible ≤ 50 ms (median)", n,
                         "not measured", "-"))
            continue
        rows.append(("persist change visible ≤ 50 ms (median)", n,
                     "%s ms (max %s ms, %s changes)" % (
                         p["median_ms"], p["max_ms"], p["rounds"]),
                     vs_target(float(p["median_ms"]), 50)))
    return rows


def daemon_worst(res, n):
    """The DAEMONRSS row with the highest VmHWM / cache size."""
    rows = [r for r in res.all("DAEMONRSS") if r["n"] == str(n)]
    return max(rows, key=lambda r: int(r["hwm_kb"]) * 1024 /
               max(1, int(r["cache_bytes"])), default=None)


def memory_rows(res):
    """At the issue's sizes: at 10,000 members the libraries' fixed share
    (libldap, GnuTLS: ~20 MiB) alone is several times the 2 MiB cache."""
    rows = []
    for n in [100000, 1000000]:
        s = res.find("SYNC", n=n)
        t = "`hcoop-sync --once` peak RSS ≤ 1.5× cache"
        if n not in res.sizes:
            rows.append((t, n, "not measured", "size not run"))
            rows.append(("daemon RSS ≤ 1.5× cache (peak VmHWM included)", n,
                         "not measured", "size not run"))
            continue
        if s and int(s["peak_rss_kb"]) >= 0:
            r = int(s["peak_rss_kb"]) * 1024 / int(s["cache_bytes"])
            rows.append((t, n, "%s vs %s = %.2f×" % (
                size(int(s["peak_rss_kb"]) * 1024), size(s["cache_bytes"]),
                r), vs_target(r, 1.5)))
        else:
            rows.append((t, n, "not measured", "-"))
        d = daemon_worst(res, n)
        t = "daemon RSS ≤ 1.5× cache (peak VmHWM included)"
        if d:
            r = int(d["hwm_kb"]) * 1024 / int(d["cache_bytes"])
            rows.append((t, n, "VmRSS %s, VmHWM %s vs %s = %.2f×" % (
                size(int(d["rss_kb"]) * 1024), size(int(d["hwm_kb"]) * 1024),
                size(d["cache_bytes"]), r), vs_target(r, 1.5)))
        else:
            rows.append((t, n, "not measured", "-"))
    return rows


class Rounds:
    """Interleaved rounds (lib.sh floor_rounds, group_rounds): each figure
    is the median over the rounds of a value taken within one round,
    ratios included, with its range. A figure is named by key(row), e.g.
    (mode, backend)."""

    def __init__(self, rows, key):
        self.by = defaultdict(dict)  # round -> key -> ns
        for r in rows:
            self.by[r["round"]][key(r)] = float(r["median_ns"])

    def __len__(self):
        return len(self.by)

    def values(self, k, over=None):
        """k's figure in each round that has it (and over's, if given),
        divided by over's figure of the same round when over is given."""
        v = []
        for fig in self.by.values():
            if k in fig and (not over or over in fig):
                v.append(fig[k] / fig[over] if over else fig[k])
        return v

    def median(self, k, over=None):
        v = self.values(k, over)
        return statistics.median(v) if v else None

    def span(self, k, over=None, fmt=None):
        """ "a–b": the range over the rounds, or "" when there are none."""
        v = self.values(k, over)
        if not v:
            return ""
        f = fmt or (lambda x: "%.2f×" % x)
        return "%s–%s" % (f(min(v)), f(max(v)))


def floor_rounds(res, n, op):
    """floor_rounds' rounds of one size and operation."""
    return Rounds([r for r in res.all("ROUND")
                   if r["n"] == str(n) and r["op"] == op],
                  lambda r: (r["mode"], r["backend"]))


def instr(res, n, be, op):
    """Instructions a call (callgrind, lib.sh `instructions`), or None."""
    r = res.find("INSTR", n=n, backend=be, op=op)
    return int(r["per_call"]) if r else None


def lines(res, n, be, op):
    """Cold cache lines a call (callgrind's cache simulation, lib.sh
    `instructions`), or None."""
    r = res.find("INSTR", n=n, backend=be, op=op)
    return float(r["lines_per_call"]) if r and "lines_per_call" in r else None


def with_instr(res, n, m):
    """m with nss_hcoop's and the one-miss floor's getpwnam path lengths."""
    h, o = instr(res, n, "hcoop", "getpwnam"), instr(res, n, "onemiss",
                                                       "getpwnam")
    if h is None:
        return m
    m += "; %s instructions a call%s" % (
        "{:,}".format(h), ", the one-miss floor {:,}".format(o)
        if o is not None else "")
    hl, ol = lines(res, n, "hcoop", "getpwnam"), lines(res, n, "onemiss",
                                                      "getpwnam")
    if hl is not None:
        m += "; %.2f cache lines a call%s" % (
            hl, ", the one-miss floor %.2f" % ol if ol is not None else "")
    return m + " (callgrind)"


def floor_rows_rounds(n, q):
    """The item 4 rows from the interleaved rounds."""
    G_HC, G_FL = ("glibc", "hcoop"), ("glibc", "floor")
    rows = []
    h, f = q.median(G_HC), q.median(G_FL)
    rh = q.median(G_HC, G_FL)
    ro = q.median(("glibc", "onemiss"), G_FL)
    rt = q.median(("glibc", "twomiss"), G_FL)
    m1 = "not measured"
    if rh:
        m1 = "%s vs %s: %.2f× (median of %d rounds' ratios, %s" % (
            ns(h), ns(f), rh, len(q), q.span(G_HC, G_FL))
        if ro:
            m1 += "; the one-miss floor: %.2f×, %s" % (
                ro, q.span(("glibc", "onemiss"), G_FL))
        if rt:
            m1 += "; two-miss: %.2f×, %s" % (
                rt, q.span(("glibc", "twomiss"), G_FL))
        m1 += ")"
    d = q.median(("direct", "hcoop"))
    m2 = "not measured"
    if d:
        m2 = "%s (median of %d rounds, %s" % (
            ns(d), len(q), q.span(("direct", "hcoop"), fmt=ns))
        od, td = q.median(("direct", "onemiss")), q.median(("direct", "twomiss"))
        if od:
            m2 += "; the one-miss floor: %s" % ns(od)
        if td:
            m2 += "; two-miss: %s" % ns(td)
        m2 += ")"
    rows.append(("getpwnam through glibc ≤ 1.15× floor", n, m1,
                 vs_target(rh, 1.15) if rh else "-"))
    rows.append(("getpwnam, the module alone ≤ 120 ns", n, m2,
                 vs_target(d, 120) if d else "-"))
    return rows


def floor_rows(res):
    rows = []
    for n in [100000, 1000000]:
        q = floor_rounds(res, n, "getpwnam")
        if len(q):
            r1, r2 = floor_rows_rounds(n, q)
            rows.extend([r1, (r2[0], r2[1], with_instr(res, n, r2[2]),
                              r2[3])])
            continue
        h, f = res.median(n, "hcoop", "getpwnam"), \
            res.median(n, "floor", "getpwnam")
        o = res.median(n, "onemiss", "getpwnam")
        t = res.median(n, "twomiss", "getpwnam")
        d = res.median(n, "hcoop", "getpwnam", kind="DIRECT")
        od = res.median(n, "onemiss", "getpwnam", kind="DIRECT")
        td = res.median(n, "twomiss", "getpwnam", kind="DIRECT")
        t1 = "getpwnam through glibc ≤ 1.15× floor"
        t2 = "getpwnam, the module alone ≤ 120 ns"
        m1 = "%s vs %s = %.2f×" % (ns(h), ns(f), h / f) if h and f \
            else "not measured"
        if h and f and o:
            m1 += " (the one-miss floor: %s = %.2f×" % (ns(o), o / f)
            if t:
                m1 += "; two-miss: %s = %.2f×" % (ns(t), t / f)
            m1 += ")"
        m2 = ns(d) if d else "not measured"
        if d and od:
            m2 += " (the one-miss floor: %s" % ns(od)
            if td:
                m2 += "; two-miss: %s" % ns(td)
            m2 += ")"
        rows.append((t1, n, m1, vs_target(h / f, 1.15) if h and f else "-"))
        rows.append((t2, n, m2, vs_target(d, 120) if d else "-"))
    return rows


def onemiss_table(res, n, out):
    """The one- and two-miss floors beside nss_hcoop and the floor (issue
    13, item 4)."""
    bes = ["hcoop", "onemiss", "twomiss", "floor"]
    cells = []
    for op in ["getpwnam", "getpwuid"]:
        h, o, t, f = [res.median(n, be, op) for be in bes]
        hd, od, td, fd = [res.median(n, be, op, kind="DIRECT") for be in bes]
        if not (h and o and f):
            continue
        cells.append("| %s | %s | %s | %s | %s | %.2f× | %.2f× | %s | %s | %s"
                     " | %s |" % (
                         op, ns(h), ns(o), ns(t) if t else "-", ns(f),
                         h / f, o / f, "%.2f×" % (t / f) if t else "-",
                         ns(hd) if hd else "-", ns(od) if od else "-",
                         ns(td) if td else "-"))
    rcells = []
    for op in ["getpwnam", "getpwuid"]:
        q = floor_rounds(res, n, op)
        if not len(q):
            continue
        fl = ("glibc", "floor")
        r = [q.median(("glibc", be), fl) for be in bes[:3]]
        d = [q.median(("direct", be)) for be in bes[:3]]
        rcells.append("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
            op, len(q),
            *["%.2f× (%s)" % (x, q.span(("glibc", be), fl)) if x else "-"
              for x, be in zip(r, bes)],
            *["%s (%s)" % (ns(x), q.span(("direct", be), fmt=ns)) if x
              else "-" for x, be in zip(d, bes)]))
    if not cells and not rcells:
        return
    out.append("#### The one- and two-miss floors (issue 13, item 4)\n")
    out.append("bench/nss_onemiss.c: hashes the key and copies part of the "
               "one 64-byte line of the cache file the hash names, nothing "
               "else (a perfect layout: every record in the first line "
               "looked at). Its ratio to the floor is the least any module "
               "reading this file reaches. The two-miss floor (the same "
               "source, HC_MISS_LINES=2) reads that line, then the line its "
               "bytes name: a slot and a record, today's layout without its "
               "instructions. The difference between the two is what putting "
               "records in the slots' lines could gain. 1 thread, medians, "
               "same run.\n")
    out.append("| op | nss_hcoop | one-miss | two-miss | floor | "
               "hcoop ÷ floor | one-miss ÷ floor | two-miss ÷ floor | "
               "nss_hcoop alone | one-miss alone | two-miss alone |\n"
               "|---|---|---|---|---|---|---|---|---|---|---|")
    out.extend(cells)
    out.append("")
    icells = []
    for op in ["getpwnam", "getpwuid"]:
        v = [instr(res, n, be, op) for be in bes]
        if any(x is not None for x in v):
            icells.append("| %s | %s |" % (op, " | ".join(
                "{:,}".format(x) if x is not None else "-" for x in v)))
    if icells:
        out.append("Instructions a call, counted by callgrind over every "
                   "key once (bench/lib.sh `instructions`): the one figure "
                   "here that the machine's load cannot move.\n")
        out.append("| op | nss_hcoop | one-miss | two-miss | floor |\n"
                   "|---|---|---|---|---|")
        out.extend(icells)
        out.append("")
    lcells = []
    for op in ["getpwnam", "getpwuid"]:
        v = [lines(res, n, be, op) for be in bes]
        if any(x is not None for x in v):
            lcells.append("| %s | %s |" % (op, " | ".join(
                "%.2f" % x if x is not None else "-" for x in v)))
    if lcells:
        out.append("Cache lines a call brings in, in the same callgrind run "
                   "(its cache simulation, a 256 KiB last level: the "
                   "distinct cold lines of one lookup; the keys' own lines "
                   "are in every column). Item 4 asks nss_hcoop for the "
                   "one-miss floor's count.\n")
        out.append("| op | nss_hcoop | one-miss | two-miss | floor |\n"
                   "|---|---|---|---|---|")
        out.extend(lcells)
        out.append("")
    if not rcells:
        return
    out.append("Interleaved rounds (bench/lib.sh `floor_rounds`): each round "
               "runs all of them once, in a rotated order, for "
               "BENCH_ROUND_DURATION each; a ratio is taken within a round, "
               "then the median over the rounds is given with the range. "
               "The issue 13 verdicts above use these.\n")
    out.append("| op | rounds | hcoop ÷ floor | one-miss ÷ floor | "
               "two-miss ÷ floor | nss_hcoop alone | one-miss alone | "
               "two-miss alone |\n|---|---|---|---|---|---|---|---|")
    out.extend(rcells)
    out.append("")


def target13_rows(res):
    """(target, N, measured, verdict) for every target of issue 13."""
    return grclass_rows(res) + persist_rows(res) + memory_rows(res) + \
        floor_rows(res)


def targets(res, out):
    out.append("## Targets of issue 13 (reported, not asserted)\n")
    out.append("Verdicts give the measured value over the target "
               "(≤ 1.00× is met).\n")
    out.append("| target | members | measured | verdict |\n|---|---|---|---|")
    for t, n, m, v in target13_rows(res):
        out.append("| %s | {:,} | %s | %s |".format(n) % (t, m, v))
    out.append("")
    out.append("## Targets of issue 7 (reported, not asserted)\n")
    out.append("| target | members | measured | verdict |\n|---|---|---|---|")
    for t, n, m, v in target_rows(res):
        out.append("| %s | {:,} | %s | %s |".format(n) % (t, m, v))
    out.append("")


def lookup_table(res, n, out):
    out.append("#### Lookups through glibc (median / p99 per call, calls/s)\n")
    out.append("| op | threads | nss_files | nss_hcoop | floor | "
               "files ÷ hcoop | hcoop ÷ floor |\n|---|---|---|---|---|---|---|")
    for op in OPS:
        for th in [1, 2]:
            cells, med = [], {}
            for be in ["files", "hcoop", "floor"]:
                r = res.lookup(n, be, op, th)
                if not r:
                    cells.append("-")
                    continue
                med[be] = float(r["median_ns"])
                extra = ""
                if op == "getpwent":
                    e = float(r["entries_per_call"]) or 1
                    extra = " (%s/entry)" % ns(med[be] / e)
                cells.append("%s / %s, %s%s" % (ns(r["median_ns"]),
                             ns(r["p99_ns"]), rate(r["calls_per_s"]), extra))
            if all(c == "-" for c in cells):
                continue
            hf = times(med["files"] / med["hcoop"]) \
                if "hcoop" in med and "files" in med else "-"
            hl = "%.2f×" % (med["hcoop"] / med["floor"]) \
                if "hcoop" in med and "floor" in med else "-"
            out.append("| %s | %d | %s | %s | %s | %s | %s |"
                       % (op, th, cells[0], cells[1], cells[2], hf, hl))
    out.append("")


def direct_table(res, n, out):
    rows = [r for r in res.all("DIRECT") if r["n"] == str(n)]
    if not rows:
        return
    out.append("#### The module alone: `_nss_*` called through dlopen "
               "(median / p99 per call)\n")
    out.append("| op | nss_hcoop | floor |\n|---|---|---|")
    for op in OPS:
        cells = []
        for be in ["hcoop", "floor"]:
            r = res.find("DIRECT", n=n, backend=be, op=op)
            cells.append("%s / %s" % (ns(r["median_ns"]), ns(r["p99_ns"]))
                         if r else "-")
        out.append("| %s%s | %s | %s |" % (
            op, " (initgroups_dyn)" if op == "getgrouplist" else "", *cells))
    out.append("")


def sync_section(res, n, out):
    s, c, l = res.find("SYNC", n=n), res.find("CACHE", n=n), \
        res.find("LOAD", n=n)
    out.append("#### Directory and sync\n")
    if l:
        out.append("- slapadd of the synthetic members: %s s (database %s)"
                   % (l["slapadd_s"], size(l["db_bytes"])))
    if s:
        text = int(s["passwd_bytes"]) + int(s["group_bytes"])
        out.append("- `hcoop-sync --once`: **%s s** wall, peak RSS %s, "
                   "cache %s (%.2f× the %s of equivalent passwd+group text)"
                   % (s["wall_s"], "%s (%.2f× the cache)" % (
                       size(int(s["peak_rss_kb"]) * 1024),
                       int(s["peak_rss_kb"]) * 1024 / int(s["cache_bytes"]))
                      if int(s["peak_rss_kb"]) >= 0
                      else "not measured (no /usr/bin/time)",
                      size(s["cache_bytes"]),
                      int(s["cache_bytes"]) / text, size(text)))
    elif c:
        text = int(c["passwd_bytes"]) + int(c["group_bytes"])
        out.append("- `hcoop-sync --once`: not measured (see below); the "
                   "lookups used a cache written by tests/hcoop-mkcache "
                   "(same writer): %s, %.2f× the %s of passwd+group text"
                   % (size(c["cache_bytes"]), int(c["cache_bytes"]) / text,
                      size(text)))
    f = res.find("FOLIOS", n=n)
    if f:
        out.append("- the cache as nss_hcoop maps it, every member looked "
                   "up by uid (%s found): %s of its %s with 2 MiB entries "
                   "(huge folios: hcoop-sync(8); files under 32 MiB are "
                   "left as written)"
                   % ("{:,}".format(int(f["found"])),
                      size(int(f["pmd_kib"]) * 1024),
                      size(int(f["size_kib"]) * 1024)))
    for kind, label in [("PERSIST", "persist mode, ldapmodify → getpwnam"),
                        ("NSCDCHANGE", "through nscd, ldapmodify → getpwnam")]:
        p = res.find(kind, n=n)
        if p:
            out.append("- %s: median **%s ms**, max %s ms over %s changes"
                       " (%s timed out)%s" % (label, p["median_ms"],
                                              p["max_ms"], p["rounds"],
                                              p["timeouts"], budget_note(p)))
    b = res.find("BURST", n=n)
    if b:
        out.append("- throughput of the persist path: {:,} changes sent by one "
                   "ldapmodify in %s s; all visible through getpwnam %s s "
                   "after the first send: **{:,} changes/s** (%s of %s shown%s)"
                   .format(int(b["changes"]), int(b["changes_per_s"]))
                   % (b["sent_s"], b["visible_s"], b["shown"], b["changes"],
                      ", timed out" if b["timeout"] == "1" else "")
                   + merges_note(b))
    daemon_lines(res, n, out)
    out.append("")


def merges_note(b):
    """The merges the daemon made during the burst (its log)."""
    m = b.get("merges")
    if m is None:
        return ""
    if m == "0":
        return "; no merge: every batch went to the delta file"
    return ("; of that, %s merge%s of the delta into a new main file "
            "(the delta passed delta_max): a merge rewrites the whole "
            "cache and the changes that arrive meanwhile wait for it"
            % (m, "" if m == "1" else "s"))


def budget_note(p):
    if p.get("budget_stop") != "1":
        return ""
    return ("; stopped after %s of the %s planned changes: at a median of "
            "%s ms per change the series reached its %s s budget "
            "(BENCH_CHANGE_BUDGET, bench/lib.sh), which keeps the whole run "
            "within 20 minutes" % (p["rounds"], p["planned"], p["median_ms"],
                                   p.get("budget_s", "?")))


def daemon_lines(res, n, out):
    rows = [r for r in res.all("DAEMONRSS") if r["n"] == str(n)]
    if not rows:
        return
    what = {"refresh": "after the first refresh",
            "changes": "after the change series",
            "burst": "after the 1,000-change burst",
            "merge": "after the merge of its delta (at the first pause)"}
    out.append("- `hcoop-sync` daemon memory (VmRSS / VmHWM from "
               "/proc/PID/status; cache = file + delta on disk then): " +
               "; ".join("%s %s / %s, cache %s (%.2f× / %.2f×)" % (
                   what.get(r["when"], r["when"]),
                   size(int(r["rss_kb"]) * 1024),
                   size(int(r["hwm_kb"]) * 1024), size(r["cache_bytes"]),
                   int(r["rss_kb"]) * 1024 / int(r["cache_bytes"]),
                   int(r["hwm_kb"]) * 1024 / int(r["cache_bytes"]))
                   for r in rows))


GRCLASS_BACKENDS = [("files", "nss_files"), ("hcoop", "nss_hcoop"),
                    ("nscd", "nscd → nss_hcoop"), ("direct", "module alone"),
                    ("memcpy", "memcpy of the packed entry")]


def grclass_section(res, n, out):
    rows = [r for r in res.all("GRCLASS") if r["n"] == str(n)]
    groups = []
    for r in rows:
        if r["group"] not in groups:
            groups.append(r["group"])
    if not groups:
        return
    out.append("#### getgrgid by shared-group size (median / p99 per call, "
               "time per member)\n")
    out.append("One group per size class, the same group every call "
               "(bench/gendata.py `gsz*`); memcpy: the member names back to "
               "back with their NULs, the least any getgrgid must copy.\n")
    out.append("| group | members | packed entry | %s | nss_hcoop ÷ memcpy |"
               % " | ".join(label for _, label in GRCLASS_BACKENDS))
    out.append("|---|---|---|%s---|" % ("---|" * len(GRCLASS_BACKENDS)))
    for g in groups:
        cells, med = [], {}
        first = res.find("GRCLASS", n=n, group=g)
        m = int(first["members"])
        for be, _ in GRCLASS_BACKENDS:
            r = res.find("GRCLASS", n=n, group=g, backend=be)
            if not r:
                cells.append("-")
                continue
            med[be] = float(r["median_ns"])
            cells.append("%s / %s (%s)" % (ns(r["median_ns"]), ns(r["p99_ns"]),
                                           ns_fine(med[be] / m)))
        ratio = "%.1f×" % (med["hcoop"] / med["memcpy"]) \
            if "hcoop" in med and "memcpy" in med else "-"
        out.append("| %s | {:,} | %s | %s | %s |".format(m) % (
            g, size(first["packed_bytes"]), " | ".join(cells), ratio))
    out.append("")


def memory_section(res, n, out):
    rows = [r for r in res.all("RSS") if r["n"] == str(n)]
    if not rows:
        return
    out.append("#### Memory: RSS added by loading the module and one "
               "getpwnam\n")
    out.append("| backend | how | RSS added | of which file-backed |\n"
               "|---|---|---|---|")
    for r in rows:
        out.append("| %s | %s | %s KiB | %s KiB |" % (
            r["backend"], "through glibc" if r["mode"] == "glibc"
            else "dlopen + direct call", r["added_kb"], r["file_added_kb"]))
    out.append("")


def nscd_section(res, n, out):
    rows = [r for r in res.all("NSCD") if r["n"] == str(n)]
    if not rows:
        return
    out.append("#### nscd in front of nss_hcoop (median / p99 per call, "
               "calls/s)\n")
    out.append("| op | miss (first use of a key) | hit, 1 thread | "
               "hit, 2 threads |\n|---|---|---|---|")
    for op in OPS:
        cells = []
        for kind, th in [("miss", "1"), ("hit", "1"), ("hit", "2")]:
            r = res.find("NSCD", n=n, kind=kind, op=op, threads=th)
            cells.append("%s / %s, %s" % (ns(r["median_ns"]), ns(r["p99_ns"]),
                                          rate(r["calls_per_s"]))
                         if r else "-")
        if any(c != "-" for c in cells):
            out.append("| %s | %s | %s | %s |" % (op, *cells))
    out.append("")


def login_section(res, out):
    rows = res.all("LOGIN")
    out.append("## Logins (PAM auth + account + open/close session, "
               "test slapd over StartTLS)\n")
    if not rows:
        out.append("Not measured (see below).\n")
        return
    for r in rows:
        what = ("home already present (alice)" if r["kind"] == "home-present"
                else "first login, home made by hcoop-mkhome from a %s-file "
                "skeleton (a new user each time; %s files in the new home)"
                % (r.get("skel_files", "?"), r.get("home_files", "?")))
        out.append("- %s: median **%s ms**, p90 %s ms, max %s ms "
                   "(%s of %s cycles succeeded)" % (
                       what, r["median_ms"], r["p90_ms"], r["max_ms"],
                       r["ok"], r["rounds"]))
    out.append("")


def notes(res, out):
    """Where the time goes, from the figures themselves."""
    out.append("## Where the misses come from (computed from the figures "
               "above)\n")
    for n in res.sizes:
        for op in ["getpwnam", "getpwuid"]:
            h, f = res.median(n, "hcoop", op), res.median(n, "floor", op)
            d = res.median(n, "hcoop", op, kind="DIRECT")
            fd = res.median(n, "floor", op, kind="DIRECT")
            if not (h and f and d and fd):
                continue
            out.append("- {:,} members, {}: glibc's dispatch (floor through "
                       "glibc, minus the floor's own {}) costs ~{}; nss_hcoop "
                       "alone costs {}; 1.15× the floor leaves the module "
                       "~{} (+ the floor's {}). Through glibc nss_hcoop adds "
                       "{} over the floor, {} of it measured in the module "
                       "alone.".format(n, op, ns(fd), ns(f - fd), ns(d),
                                       ns(0.15 * f), ns(fd), ns(h - f),
                                       ns(d - fd)))
    rows = [(n, res.find("PERSIST", n=n), res.find("SYNC", n=n))
            for n in res.sizes]
    rows = [(n, p, s) for n, p, s in rows if p and s]
    if rows:
        out.append("- Persist latency against cache size: " + "; ".join(
            "{:,} members: {} ms for a {} cache ({:.1f} ms per MiB)".format(
                n, p["median_ms"], size(s["cache_bytes"]),
                float(p["median_ms"]) / (int(s["cache_bytes"]) / 1048576))
            for n, p, s in rows) + ". " + persist_growth(rows))
    out.append("- The module's own cost has a hardware floor: one memory "
               "access that misses the CPU caches costs ~130-140 ns on this "
               "VM (pointer chase over >16 MiB, printed by "
               "`tests/nss/perf.sh`), and a found lookup makes two "
               "dependent ones (hash slot, then record) once the cache "
               "outgrows the caches; a negative lookup touches only the "
               "slot. Under 120 ns at 1,000,000 members needs one miss per "
               "found lookup: the record in or next to its hash slot.")
    for n in res.sizes:
        s, q = res.find("SYNC", n=n), res.find("LDAPSEARCH", n=n)
        if s and q:
            out.append("- {:,} members: `hcoop-sync --once` takes {} s; "
                       "fetching the same entries with `ldapsearch -ZZ` "
                       "(paged, as the host account, output discarded) "
                       "takes {} s, so ~{:.2f} s is the sync's own "
                       "processing and writing.".format(
                           n, s["wall_s"], q["wall_s"],
                           float(s["wall_s"]) - float(q["wall_s"])))
        c = s or res.find("CACHE", n=n)
        if c and "users" in c:
            extra = int(c["users"]) * (len("uid=m0000001,ou=People,"
                                          "dc=hcoop,dc=test") + 1 +
                                       len("host1.hcoop.test") + 1)
            text = int(c["passwd_bytes"]) + int(c["group_bytes"])
            out.append("- {:,} members: the cache also carries each member's "
                       "DN and host, which the text does not (~{}); without "
                       "them it would be {:.2f}× the text.".format(
                           n, size(extra),
                           (int(c["cache_bytes"]) - extra) / text))
    out.append("- Load: the machine was shared with other work during the "
               "run (load averages in the table at the top); the 2-thread "
               "figures and the slowest figures (sync, slapadd) suffer "
               "first.")
    out.append("")


def persist_growth(rows):
    """Whether one change's cost grows with N, from the figures."""
    lo, hi = rows[0], rows[-1]
    if len(rows) < 2:
        return ""
    grow = float(hi[1]["median_ms"]) / max(0.001, float(lo[1]["median_ms"]))
    cache = int(hi[2]["cache_bytes"]) / max(1, int(lo[2]["cache_bytes"]))
    if grow > cache ** 0.5:
        return ("From {:,} to {:,} members the median grows {:.1f}× for a "
                "{:.0f}× larger cache: a change still costs in proportion "
                "to the cache (a rewrite of it, not O(change); "
                "`hcoop-sync --debug` logs the time of each write).".format(
                    lo[0], hi[0], grow, cache))
    return ("From {:,} to {:,} members the median changes {:.2f}× for a "
            "{:.0f}× larger cache: one change's cost does not follow the "
            "cache size.".format(lo[0], hi[0], grow, cache))


def authkeys_section(res, out):
    """issue 17: hcoop-authorized-keys per call, as a process, vs cat."""
    rows = [(n, res.find("AUTHKEYS", n=n, what="command"),
             res.find("AUTHKEYS", n=n, what="cat")) for n in res.sizes]
    rows = [r for r in rows if r[1] and r[2]]
    if not rows:
        return
    out.append("## SSH keys: AuthorizedKeysCommand per call\n")
    out.append("`hcoop-authorized-keys -c CONF USER` spawned and read through "
               "a pipe as sshd does (bench/authkeys.c), a random member each "
               "call, %s calls; floor: `cat` of a one-line file, same "
               "harness. Cache made by the real writer, one key per member "
               "(four for every tenth).\n" % rows[0][1]["runs"])
    out.append("| members | cache | command median | p10 / p90 | cat median "
               "| p10 / p90 | command / cat |")
    out.append("|---|---|---|---|---|---|---|")
    for n, c, f in rows:
        out.append("| {:,} | {} | {} | {} / {} | {} | {} / {} | {} |".format(
            n, size(c["cache_bytes"]), ns(c["median_ns"]), ns(c["p10_ns"]),
            ns(c["p90_ns"]), ns(f["median_ns"]), ns(f["p10_ns"]),
            ns(f["p90_ns"]),
            times(float(c["median_ns"]) / float(f["median_ns"]))))
    out.append("")


def write_md(res, path):
    out = []
    header(res, out)
    targets(res, out)
    for n in res.sizes:
        out.append("## {:,} members\n".format(n))
        sync_section(res, n, out)
        lookup_table(res, n, out)
        grclass_section(res, n, out)
        direct_table(res, n, out)
        onemiss_table(res, n, out)
        memory_section(res, n, out)
        nscd_section(res, n, out)
    login_section(res, out)
    authkeys_section(res, out)
    notes(res, out)
    skips = res.all("SKIP")
    out.append("## Not measured\n")
    out.extend("- %s: %s" % (s["what"], s["why"]) for s in skips)
    if not skips:
        out.append("Everything was measured.")
    out.append("")
    with open(path, "w") as f:
        f.write("\n".join(out))


def short_table(res):
    print("%-9s %-10s %-10s %-10s %-9s %-9s %-9s %-10s" % (
        "members", "pwnam:hc", "floor", "files", "direct", "sync", "cache",
        "persist"))
    for n in res.sizes:
        m = [res.median(n, be, "getpwnam") for be in ["hcoop", "floor",
                                                      "files"]]
        d = res.median(n, "hcoop", "getpwnam", kind="DIRECT")
        s = res.find("SYNC", n=n)
        c = s or res.find("CACHE", n=n)
        p = res.find("PERSIST", n=n)
        print("%-9d %-10s %-10s %-10s %-9s %-9s %-9s %-10s" % (
            n, *[ns(x) if x else "-" for x in m], ns(d) if d else "-",
            s["wall_s"] + " s" if s else "-",
            size(c["cache_bytes"]) if c else "-",
            p["median_ms"] + " ms" if p else "-"))
    for t, n, m, v in target13_rows(res) + target_rows(res):
        if "missed" in v:
            print("missed: %s at %d: %s" % (t, n, m))


def main():
    res = Results(parse(sys.argv[1]))
    write_md(res, sys.argv[2])
    short_table(res)
    print("full results: %s" % sys.argv[2])


if __name__ == "__main__":
    main()
