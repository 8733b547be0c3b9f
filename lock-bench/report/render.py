#!/usr/bin/env python3
"""Turns lock-bench JMH results into a Markdown report and an SVG chart.

Standard library only. Every ratio is "relative to ReentrantReadWriteLock" (contender `rrwl`) in
the same benchmark and parameters, oriented so that > 1 means better: throughput / RRWL's
throughput, or RRWL's time / time. Error bars come from JMH's 99.9% confidence half-widths
(scoreError), propagated to a ratio as relative errors added in quadrature.

Usage: render.py [--profile P] [--machine TEXT] [--command TEXT] [--date TEXT] [--footprint FILE]
                 [--out-json FILE] [--out-md FILE] [--out-svg FILE] [--out-scaling-svg FILE]
                 JMH_JSON...

Charts: P.svg, bars relative to RRWL, one panel per benchmark point, each panel on its own log
scale; P-scaling.svg, throughput against thread count for every point measured at >= 2 thread
counts, one line per contender, each panel on its own throughput scale.
"""

import argparse
import datetime
import html
import json
import math
import sys

BASELINE = "rrwl"
ORDER = ["rwlock", "rwlock-fair", "rwlock-views", "rwlock-biased", "rrwl", "rrwl-fair", "stamped-rw", "stamped",
         "stamped-opt", "reentrant", "synchronized", "floor", "floor-atomic", "chm", "nbhm"]
LABELS = {
    "rwlock": "RwLock",
    "rwlock-fair": "RwLock(fair)",
    "rwlock-views": "RwLock via views",
    "rwlock-biased": "RwLock(read-biased)",
    "rrwl": "ReentrantRWLock",
    "rrwl-fair": "ReentrantRWLock(fair)",
    "stamped-rw": "Stamped.asReadWriteLock",
    "stamped": "StampedLock stamps",
    "stamped-opt": "Stamped optimistic",
    "reentrant": "ReentrantLock",
    "synchronized": "synchronized",
    "floor": "floor (VarHandle)",
    "floor-atomic": "floor (AtomicLong)",
    "chm": "ConcurrentHashMap",
    "nbhm": "NonBlockingHashMap",
}
COLORS = {
    "rwlock": "#d62728", "rwlock-fair": "#ff7f0e", "rwlock-views": "#e377c2", "rwlock-biased": "#8b0000",
    "rrwl": "#1f77b4", "rrwl-fair": "#aec7e8", "stamped-rw": "#2ca02c", "stamped": "#98df8a",
    "stamped-opt": "#bcbd22", "reentrant": "#9467bd", "synchronized": "#c5b0d5",
    "floor": "#7f7f7f", "floor-atomic": "#c7c7c7", "chm": "#17becf", "nbhm": "#8c564b",
}
MIX_ORDER = ["100:0", "99:1", "95:5", "50:50", "0:100"]
# The contended targets hold at these thread counts (2 = the cores of the reference machine,
# 8 = a service's oversubscribed pool); the other counts are for the scaling chart.
TARGET_THREADS = ("2", "8")


# ---------------------------------------------------------------------------------------------
# Loading

class Result:
    """One JMH result: a benchmark at one set of parameters."""

    def __init__(self, raw):
        self.raw = raw
        full = raw["benchmark"]
        self.cls, self.method = full.split(".")[-2:]
        self.mode = raw["mode"]
        self.params = dict(raw.get("params") or {})
        self.contender = self.params.pop("contender", "?")
        # The thread count (-t, or the sum of -tg) is part of what was measured.
        self.params["threads"] = str(raw.get("threads", "?"))
        pm = raw["primaryMetric"]
        self.score = pm["score"]
        self.error = num(pm.get("scoreError"))
        self.unit = pm["scoreUnit"]
        self.percentiles = {k: v for k, v in (pm.get("scorePercentiles") or {}).items()}
        self.secondary = raw.get("secondaryMetrics") or {}

    def key(self):
        return (self.cls, self.method, tuple(sorted(self.params.items())))

    def sec(self, name):
        return self.secondary.get(name)


def num(x):
    try:
        v = float(x)
    except (TypeError, ValueError):
        return float("nan")
    return v


def slim(raw):
    """A copy small enough to commit: without the sample histograms and without the per-percentile
    secondary results of SampleTime ("p0.99", "writer:p0.99"), which repeat scorePercentiles."""
    r = json.loads(json.dumps(raw))
    r["primaryMetric"].pop("rawDataHistogram", None)
    sec = r.get("secondaryMetrics") or {}
    for name in list(sec):
        if name.split(":")[-1].startswith("p0.") or name.split(":")[-1] == "p1.00":
            del sec[name]
        else:
            sec[name].pop("rawDataHistogram", None)
    return r


# Two-sided Student t quantiles for a 99.9% interval (JMH's default), by degrees of freedom.
T999 = {1: 636.62, 2: 31.599, 3: 12.924, 4: 8.610, 5: 6.869, 6: 5.959, 7: 5.408, 8: 5.041,
        9: 4.781, 10: 4.587, 12: 4.318, 15: 4.073, 20: 3.850, 25: 3.725, 30: 3.646, 40: 3.551,
        60: 3.460, 120: 3.373}


def t999(df):
    best = None
    for k in sorted(T999):
        if k <= df:
            best = T999[k]
    return best if best is not None else float("nan") if df < 1 else 3.291


def percentiles_of(hist):
    """JMH-style percentile table from [(value, count)] pairs."""
    pairs = sorted(hist)
    total = sum(c for _, c in pairs)
    out = {}
    for q in (0.0, 50.0, 90.0, 95.0, 99.0, 99.9, 99.99, 99.999, 99.9999, 100.0):
        rank = max(1, math.ceil(total * q / 100.0))
        acc = 0
        for v, c in pairs:
            acc += c
            if acc >= rank:
                out[f"{q}"] = v
                break
    return out


def merge_metric(ms, mode):
    """Pools the same metric from several runs as if each run were one more fork."""
    ms = [m for m in ms if m]
    if len(ms) <= 1:
        return ms[0] if ms else None
    out = dict(ms[0])
    hist = [pair for m in ms for fork in (m.get("rawDataHistogram") or []) for it in fork for pair in it]
    raw = [x for m in ms for fork in (m.get("rawData") or []) for x in fork]
    if hist:
        total = sum(c for _, c in hist)
        mean = sum(v * c for v, c in hist) / total
        out["score"] = mean
        out["scorePercentiles"] = percentiles_of(hist)
        out["scoreError"] = "NaN"
        out["rawDataHistogram"] = [f for m in ms for f in (m.get("rawDataHistogram") or [])]
    elif raw and mode != "sample":
        n = len(raw)
        mean = sum(raw) / n
        err = float("nan")
        if n > 1:
            sd = math.sqrt(sum((x - mean) ** 2 for x in raw) / (n - 1))
            err = t999(n - 1) * sd / math.sqrt(n)
        out["score"] = mean
        out["scoreError"] = err if not math.isnan(err) else "NaN"
        out["scoreConfidence"] = [mean - err, mean + err] if not math.isnan(err) else [mean, mean]
        out["rawData"] = [f for m in ms for f in (m.get("rawData") or [])]
    else:
        scores = sorted(m["score"] for m in ms)
        out["score"] = scores[len(scores) // 2]
        out["scoreError"] = "NaN"
        keys = ms[0].get("scorePercentiles") or {}
        out["scorePercentiles"] = {k: sorted(m["scorePercentiles"][k] for m in ms)[len(ms) // 2]
                                   for k in keys if all(k in (m.get("scorePercentiles") or {}) for m in ms)}
    return out


def merge_rounds(raws):
    """Results of the same benchmark and parameters from several rounds, pooled into one."""
    groups = {}
    for r in raws:
        key = (r["benchmark"], r["mode"], r.get("threads"), json.dumps(r.get("params") or {}, sort_keys=True))
        groups.setdefault(key, []).append(r)
    merged = []
    for rs in groups.values():
        if len(rs) == 1:
            merged.append(rs[0])
            continue
        mode = rs[0]["mode"]
        m = dict(rs[0])
        m["forks"] = sum(r.get("forks", 1) for r in rs)
        m["primaryMetric"] = merge_metric([r["primaryMetric"] for r in rs], mode)
        names = rs[0].get("secondaryMetrics") or {}
        m["secondaryMetrics"] = {n: merge_metric([(r.get("secondaryMetrics") or {}).get(n) for r in rs], mode)
                                 for n in names}
        merged.append(m)
    return merged


def params_sort_key(params):
    """Parameters (key, value) sorted with numbers as numbers: threads 16 after threads 8."""
    return [(k, (0, int(v), "") if v.isdigit() else (0, mix_key(v)[0], v) if k == "mix" else (1, 0, v))
            for k, v in params]


def order_key(contender):
    return (ORDER.index(contender) if contender in ORDER else len(ORDER), contender)


def mix_key(mix):
    return (MIX_ORDER.index(mix) if mix in MIX_ORDER else len(MIX_ORDER), mix)


# ---------------------------------------------------------------------------------------------
# Numbers

def higher_is_better(mode):
    return mode == "thrpt"


def ratio(a, ea, b, eb, higher_better=True):
    """a relative to b, > 1 = better; with the propagated error."""
    if not a or not b or a <= 0 or b <= 0:
        return float("nan"), float("nan")
    r = a / b if higher_better else b / a
    if math.isnan(ea) or math.isnan(eb):
        return r, float("nan")
    return r, r * math.sqrt((ea / a) ** 2 + (eb / b) ** 2)


def fmt(x, digits=3):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "?"
    if x == 0:
        return "0"
    mag = int(math.floor(math.log10(abs(x))))
    decimals = max(0, digits - 1 - mag)
    return f"{x:,.{decimals}f}"


def fmt_err(v, e):
    if math.isnan(e):
        return fmt(v)
    return f"{fmt(v)} ± {fmt(e, 2)}"


def fmt_ratio(r, e):
    if math.isnan(r):
        return "–"
    if math.isnan(e):
        return f"{r:.2f}×"
    return f"{r:.2f}× ± {e:.2f}"


def alloc_norm(r):
    """gc.alloc.rate.norm (B/op) of a result run with -prof gc, or None; JMH before 1.36 prefixed
    profiler metrics with a middle dot."""
    for name, m in (r.secondary or {}).items():
        if name.lstrip("\u00b7") == "gc.alloc.rate.norm" and m:
            return num(m.get("score"))
    return None


def pct(p, q):
    return p.get(q, float("nan")) if p else float("nan")


# ---------------------------------------------------------------------------------------------
# Report

class Report:
    def __init__(self, results, footprint, args):
        self.results = results
        self.footprint = footprint
        self.args = args
        self.md = []
        self.panels = []   # (title, [(contender, rel, err)]) for the chart
        self.scaling_panels = []  # (title, {contender: [(threads, score, err)]}) for the scaling chart
        self.targets = []  # (target, measured, verdict)

    def by_class(self, cls):
        return [r for r in self.results if r.cls == cls]

    @staticmethod
    def groups(results):
        """{params tuple: {contender: Result}}, parameters in a stable order."""
        out = {}
        for r in results:
            out.setdefault(tuple(sorted(r.params.items())), {})[r.contender] = r
        return out

    def find(self, cls, contender, **params):
        for r in self.results:
            if r.cls == cls and r.contender == contender and all(
                    r.params.get(k) == v for k, v in params.items()):
                return r
        return None

    def line(self, s=""):
        self.md.append(s)

    def table(self, header, rows, left=(0,)):
        """A Markdown table; columns in `left` are left-aligned, the others (numbers) right."""
        self.line("| " + " | ".join(header) + " |")
        self.line("|" + "|".join("---" if i in left else "---:" for i in range(len(header))) + "|")
        for row in rows:
            self.line("| " + " | ".join(row) + " |")
        self.line()

    # -- header ---------------------------------------------------------------------------------

    def header(self):
        a = self.args
        first = self.results[0].raw if self.results else {}
        self.line(f"# lock-bench results: `{a.profile}` profile")
        self.line()
        self.line(f"* Command: `{a.command}`")
        self.line(f"* Date: {a.date or datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}")
        self.line(f"* Machine: {a.machine}")
        if first:
            self.line(f"* JVM: {first.get('vmName')} {first.get('vmVersion')} "
                      f"(JDK {first.get('jdkVersion')}), JMH {first.get('jmhVersion')}, "
                      f"JVM args: `{' '.join(first.get('jvmArgs') or []) or 'none'}`")
        shapes = sorted({(r.cls, r.raw.get("threads"), r.raw.get("forks"),
                          r.raw.get("warmupIterations"), r.raw.get("warmupTime"),
                          r.raw.get("measurementIterations"), r.raw.get("measurementTime"))
                         for r in self.results})
        self.line("* Runs (threads, forks, warmup, measurement):")
        for cls, t, f, wi, wt, mi, mt in shapes:
            self.line(f"  * {cls}: {t} threads, {f} fork(s), {wi} × {wt} warmup, {mi} × {mt} measured")
        self.line()
        self.line("Ratios are relative to `ReentrantReadWriteLock` (non-fair) in the same benchmark and "
                  "parameters, oriented so that **> 1 is better** (more throughput or less time). "
                  "± is JMH's 99.9% confidence half-width, propagated to ratios.")
        self.line()

    # -- sections -------------------------------------------------------------------------------

    def uncontended(self):
        rs = self.by_class("Uncontended")
        if not rs:
            return
        self.line("## Uncontended acquire + release (one thread, ns per acquire + release)")
        self.line()
        data = {}
        for r in rs:
            data.setdefault(r.contender, {})[r.method] = r
        rows = []
        for c in sorted(data, key=order_key):
            row = [f"`{c}`"]
            for m in ("read", "write"):
                r = data[c].get(m)
                base = data.get(BASELINE, {}).get(m)
                floor = data.get("floor", {}).get(m)
                if r is None:
                    row += ["–", "–", "–"]
                    continue
                row.append(fmt_err(r.score, r.error))
                row.append(fmt_ratio(*ratio(r.score, r.error, base.score, base.error, False))
                           if base else "–")
                row.append(f"{r.score / floor.score:.2f}" if floor else "–")
            rows.append(row)
        self.table(["contender", "read ns", "read vs RRWL", "read / floor", "write ns",
                    "write vs RRWL", "write / floor"], rows)
        for m in ("read", "write"):
            self.panels.append((f"Uncontended {m}", self.rel_bars(
                {c: d[m] for c, d in data.items() if m in d})))

    def rel_bars(self, by_contender):
        base = by_contender.get(BASELINE)
        bars = []
        for c in sorted(by_contender, key=order_key):
            r = by_contender[c]
            if base is None:
                continue
            rel, err = ratio(r.score, r.error, base.score, base.error, higher_is_better(r.mode))
            bars.append((c, rel, err))
        return bars

    def pivot(self, cls, title, column_param, unit_note):
        rs = self.by_class(cls)
        if not rs:
            return
        self.line(f"## {title}")
        self.line()
        self.line(unit_note)
        self.line()
        rest = {}
        for r in rs:
            other = tuple((k, v) for k, v in sorted(r.params.items()) if k != column_param)
            rest.setdefault(other, []).append(r)
        for other in sorted(rest, key=params_sort_key):
            group = rest[other]
            cols = sorted({r.params.get(column_param) for r in group}, key=mix_key)
            cells = {(r.contender, r.params.get(column_param)): r for r in group}
            if other:
                self.line("**" + ", ".join(f"{k} = {v}" for k, v in other) + "**")
                self.line()
            rows = []
            for c in sorted({r.contender for r in group}, key=order_key):
                row = [f"`{c}`"]
                for col in cols:
                    r = cells.get((c, col))
                    base = cells.get((BASELINE, col))
                    if r is None:
                        row.append("–")
                        continue
                    cell = fmt_err(r.score, r.error)
                    if base is not None:
                        cell += " (" + fmt_ratio(*ratio(r.score, r.error, base.score, base.error,
                                                         higher_is_better(r.mode))) + ")"
                    row.append(cell)
                rows.append(row)
            self.table(["contender"] + [f"{column_param} {c}" for c in cols], rows)
            for col in cols:
                label = ", ".join([f"{column_param} {col}"] + [f"{k} {v}" for k, v in other])
                self.panels.append((f"{cls}: {label}", self.rel_bars(
                    {c: r for (c, cc), r in cells.items() if cc == col})))

    def readers_writers(self):
        rs = self.by_class("ReadersWriters")
        if not rs:
            return
        self.line("## Dedicated readers and writers (ops/µs: group total, readers, writers)")
        self.line()
        for params, group in sorted(self.groups(rs).items()):
            self.line("**" + ", ".join(f"{k} = {v}" for k, v in params) + "**")
            self.line()
            base = group.get(BASELINE)
            rows = []
            for c in sorted(group, key=order_key):
                r = group[c]
                rd, wr = r.sec("reader"), r.sec("writer")
                rows.append([f"`{c}`", fmt_err(r.score, r.error),
                             fmt_ratio(*ratio(r.score, r.error, base.score, base.error)) if base else "–",
                             fmt_err(rd["score"], num(rd["scoreError"])) if rd else "–",
                             fmt_err(wr["score"], num(wr["scoreError"])) if wr else "–"])
            self.table(["contender", "total", "total vs RRWL", "readers", "writers"], rows)

    def writer_latency(self):
        rs = self.by_class("WriterLatency")
        if not rs:
            return
        self.line("## Writer latency under a reader flood (µs per write acquire + release)")
        self.line()
        for params, group in sorted(self.groups(rs).items()):
            self.line("**" + ", ".join(f"{k} = {v}" for k, v in params) + "**")
            self.line()
            base = group.get(BASELINE)
            base_p99 = pct(base.sec("writer")["scorePercentiles"], "99.0") if base and base.sec("writer") else None
            rows, bars = [], []
            for c in sorted(group, key=order_key):
                w = group[c].sec("writer")
                rd = group[c].sec("reader")
                if not w:
                    continue
                p = w["scorePercentiles"]
                p99 = pct(p, "99.0")
                rel = base_p99 / p99 if base_p99 and p99 else float("nan")
                rows.append([f"`{c}`", fmt(pct(p, "50.0")), fmt(p99), fmt(pct(p, "99.9")),
                             fmt(pct(p, "100.0")), fmt(rel) + "×" if not math.isnan(rel) else "–",
                             fmt(rd["score"]) if rd else "–"])
                bars.append((c, rel, float("nan")))
            self.table(["contender", "writer p50", "writer p99", "writer p99.9", "writer max",
                        "p99 vs RRWL", "reader mean µs"], rows)
            readers = int(dict(params).get("threads", "2")) - 1
            self.panels.append((f"Writer p99, {readers} readers + 1 writer (RRWL p99 / p99)", bars))

    def timed_write(self):
        rs = self.by_class("TimedWrite")
        if not rs:
            return
        self.line("## Timed writes under reader pressure (`tryLockWrite(timeout)`)")
        self.line()
        for params, group in sorted(self.groups(rs).items()):
            self.line("**" + ", ".join(f"{k} = {v}" for k, v in params) + "**")
            self.line()
            rows = []
            for c in sorted(group, key=order_key):
                r = group[c]
                s = r.sec("successes")
                f = r.sec("failures")
                w = r.sec("writer")
                ns, nf = (s["score"] if s else 0.0), (f["score"] if f else 0.0)
                rate = ns / (ns + nf) if ns + nf > 0 else float("nan")
                p = w["scorePercentiles"] if w else {}
                rows.append([f"`{c}`", f"{100 * rate:.2f}%" if not math.isnan(rate) else "?",
                             f"{int(ns):,}", f"{int(nf):,}", fmt(pct(p, "50.0")), fmt(pct(p, "99.0")),
                             fmt(pct(p, "100.0"))])
            self.table(["contender", "success rate", "successes", "timeouts", "attempt p50 µs",
                        "attempt p99 µs", "attempt max µs"], rows)

    def scaling(self):
        """Every throughput point (benchmark, parameters but threads) measured at >= 2 thread counts."""
        points = {}
        for r in self.results:
            if r.mode != "thrpt" or not r.params.get("threads", "").isdigit() or r.cls == "ReadersWriters":
                continue
            other = tuple((k, v) for k, v in sorted(r.params.items()) if k != "threads")
            points.setdefault((r.cls, r.method, other), []).append(r)
        scaled = {k: rs for k, rs in points.items()
                  if len({r.params["threads"] for r in rs}) >= 2}
        self.line("## Scaling with threads (ops/µs, all threads)")
        self.line()
        if not scaled:
            self.line("No benchmark point was measured at two or more thread counts.")
            self.line()
            return
        self.line("The same benchmark point at each thread count this run measured; on a machine with "
                  "fewer cores than threads the lock is oversubscribed, as in a service's thread pool. "
                  "Cells: score ± error (vs RRWL at the same thread count).")
        self.line()
        for (cls, method, other) in sorted(scaled, key=lambda k: (k[0], k[1], params_sort_key(k[2]))):
            rs = scaled[(cls, method, other)]
            threads = sorted({int(r.params["threads"]) for r in rs})
            cells = {(r.contender, int(r.params["threads"])): r for r in rs}
            title = f"{cls}" + ("" if method == "op" else f".{method}") + (
                ": " + ", ".join(f"{k} {v}" for k, v in other) if other else "")
            self.line(f"**{title}**")
            self.line()
            rows = []
            lines = {}
            for c in sorted({r.contender for r in rs}, key=order_key):
                row = [f"`{c}`"]
                for t in threads:
                    r = cells.get((c, t))
                    base = cells.get((BASELINE, t))
                    if r is None:
                        row.append("–")
                        continue
                    lines.setdefault(c, []).append((t, r.score, r.error))
                    cell = fmt_err(r.score, r.error)
                    if base is not None:
                        cell += " (" + fmt_ratio(*ratio(r.score, r.error, base.score, base.error)) + ")"
                    row.append(cell)
                rows.append(row)
            self.table(["contender"] + [f"{t} thread{'' if t == 1 else 's'}" for t in threads], rows)
            self.scaling_panels.append((title, {c: pts for c, pts in lines.items() if len(pts) >= 1}))
        if self.args.scaling_svg_name:
            self.line(f"![scaling chart]({self.args.scaling_svg_name})")
            self.line()

    def guards(self):
        rs = self.by_class("Guards")
        if not rs:
            return
        self.line("## Guards vs bare calls (one thread, ns per acquire + release)")
        self.line()
        self.line("`try (var g = lock.read())` and friends against the bare `lockRead()/unlockRead()` "
                  "pair; `withRead` passes a lambda. B/op is `gc.alloc.rate.norm` from `-prof gc` "
                  "(bytes allocated per operation; ~0 means the guard was scalar-replaced).")
        self.line()
        by = {r.method: r for r in rs}
        pairs = [("read", "bareRead", "guardRead"), ("read", "bareRead", "withRead"),
                 ("write", "bareWrite", "guardWrite"), ("upgrade", "bareUpgrade", "guardUpgrade")]
        named = {m for _, b, g in pairs for m in (b, g)}
        pairs += [("–", None, m) for m in sorted(by) if m not in named]
        rows = []
        for op, bare, guard in pairs:
            g, b = by.get(guard), by.get(bare) if bare else None
            if g is None:
                continue
            ga, ba = alloc_norm(g), alloc_norm(b) if b else None
            rows.append([f"`{guard}`", f"`{bare}`" if b else "–", fmt_err(g.score, g.error),
                         fmt_err(b.score, b.error) if b else "–",
                         fmt_ratio(*ratio(g.score, g.error, b.score, b.error, True)) if b else "–",
                         fmt(ga) if ga is not None else "–", fmt(ba) if ba is not None else "–"])
        self.table(["guard", "bare", "guard ns", "bare ns", "guard ns / bare ns", "guard B/op", "bare B/op"],
                   rows, left=(0, 1))

    def footprint_section(self):
        if not self.footprint:
            return
        self.line("## Footprint (JOL, bytes)")
        self.line()
        self.line(f"JVM: {self.footprint.get('jvm')}. *Per instance* = size(a, b) − size(a) over two "
                  "fresh locks: objects shared by all instances are not counted.")
        self.line()
        rows = [[f"`{r['contender']}`", str(r["shallow"]), str(r["reachable"]), str(r["perInstance"]),
                 r["description"]] for r in self.footprint["rows"]]
        self.table(["contender", "shallow", "reachable", "per instance", "what"], rows, left=(0, 4))

    # -- targets --------------------------------------------------------------------------------

    def target(self, name, measured, ok, close=False):
        verdict = "met" if ok else ("within error" if close else "**missed**")
        self.targets.append((name, measured, verdict))

    def evaluate_targets(self):
        for m in ("read", "write"):
            a = next((r for r in self.by_class("Uncontended") if r.contender == "rwlock" and r.method == m), None)
            f = next((r for r in self.by_class("Uncontended") if r.contender == "floor" and r.method == m), None)
            if a and f:
                q = a.score / f.score
                e = q * math.sqrt((a.error / a.score) ** 2 + (f.error / f.score) ** 2) \
                    if not (math.isnan(a.error) or math.isnan(f.error)) else float("nan")
                self.target(f"uncontended {m}: rwlock ≤ 1.15 × floor",
                            f"{fmt(a.score)} vs {fmt(f.score)} ns = {q:.2f}×" + ("" if math.isnan(e) else f" ± {e:.2f}"),
                            q <= 1.15, not math.isnan(e) and q - e <= 1.15)
        con = self.by_class("Contended")
        def by_threads(pg):  # thread count first, then mix and work
            p = dict(pg[0])
            return (params_sort_key([("threads", p.get("threads", ""))]), params_sort_key(pg[0]))
        for params, group in sorted(self.groups(con).items(), key=by_threads):
            p = dict(params)
            t = p.get("threads")
            label = f"mix {p.get('mix')}, work {p.get('work')}, {t} thread{'' if t == '1' else 's'}"
            rw = group.get("rwlock")
            if not rw or t not in TARGET_THREADS:
                continue
            # Reader-writer locks: at least the better of RRWL and StampedLock.asReadWriteLock().
            rivals = [c for c in (BASELINE, "stamped-rw") if c in group]
            if rivals:
                best = max(rivals, key=lambda c: group[c].score)
                r, e = ratio(rw.score, rw.error, group[best].score, group[best].error)
                self.target(f"contended {label}: rwlock ≥ best of {' / '.join(rivals)}",
                            f"{fmt_ratio(r, e)} vs {best}", r >= 1.0, not math.isnan(e) and r + e >= 1.0)
            # Mutexes where writes are frequent: within 0.9x of the better of ReentrantLock and synchronized.
            mutexes = [c for c in ("reentrant", "synchronized") if c in group]
            if p.get("mix") in ("50:50", "0:100") and mutexes:
                best = max(mutexes, key=lambda c: group[c].score)
                r, e = ratio(rw.score, rw.error, group[best].score, group[best].error)
                self.target(f"contended {label}: rwlock ≥ 0.9 × best of {' / '.join(mutexes)}",
                            f"{fmt_ratio(r, e)} vs {best}", r >= 0.9, not math.isnan(e) and r + e >= 0.9)
            if p.get("mix") in ("100:0", "95:5") and p.get("work") == "100" and BASELINE in group:
                r, e = ratio(rw.score, rw.error, group[BASELINE].score, group[BASELINE].error)
                self.target(f"contended {label}: rwlock ≥ 2.5 × rrwl", fmt_ratio(r, e),
                            r >= 2.5, not math.isnan(e) and r + e >= 2.5)
            # The read-biased lock (opt-in): all reads at work 0 at least 5x rrwl and 2x the default
            # lock; at 95:5, work 100, no worse than the default lock.
            rb = group.get("rwlock-biased")
            if rb and p.get("mix") == "100:0" and p.get("work") == "0":
                if BASELINE in group:
                    r, e = ratio(rb.score, rb.error, group[BASELINE].score, group[BASELINE].error)
                    self.target(f"contended {label}: rwlock-biased ≥ 5 × rrwl", fmt_ratio(r, e),
                                r >= 5.0, not math.isnan(e) and r + e >= 5.0)
                r, e = ratio(rb.score, rb.error, rw.score, rw.error)
                self.target(f"contended {label}: rwlock-biased ≥ 2 × rwlock", fmt_ratio(r, e),
                            r >= 2.0, not math.isnan(e) and r + e >= 2.0)
            if rb and p.get("mix") == "95:5" and p.get("work") == "100":
                r, e = ratio(rb.score, rb.error, rw.score, rw.error)
                self.target(f"contended {label}: rwlock-biased ≥ rwlock (no worse)", fmt_ratio(r, e),
                            r >= 1.0, not math.isnan(e) and r + e >= 1.0)
            if p.get("mix") in ("100:0", "95:5") and "floor" in group:
                r, e = ratio(group["floor"].score, group["floor"].error, rw.score, rw.error)
                self.target(f"contended {label}: floor ≤ 1.3 × rwlock", f"floor/rwlock = {fmt_ratio(r, e)}",
                            r <= 1.3, not math.isnan(e) and r - e <= 1.3)
        for params, group in sorted(self.groups(self.by_class("WriterLatency")).items()):
            a, b = group.get("rwlock"), group.get(BASELINE)
            if a and b and a.sec("writer") and b.sec("writer"):
                pa = pct(a.sec("writer")["scorePercentiles"], "99.0")
                pb = pct(b.sec("writer")["scorePercentiles"], "99.0")
                self.target(f"writer p99 under reader flood ({int(a.params['threads']) - 1} readers + 1 writer): "
                            "rwlock ≤ rrwl",
                            f"{fmt(pa)} vs {fmt(pb)} µs (rrwl/rwlock = {fmt(pb / pa)}×)", pa <= pb)
        if self.footprint:
            for r in self.footprint["rows"]:
                if r["contender"] == "rwlock":
                    self.target("footprint: rwlock ≤ 32 bytes before views", f"{r['perInstance']} bytes",
                                r["perInstance"] <= 32)

    def targets_section(self):
        if not self.targets:
            return
        self.line("## Targets")
        self.line()
        self.table(["target", "measured", "verdict"], [list(t) for t in self.targets], left=(0, 2))

    def render(self):
        self.header()
        self.evaluate_targets()
        self.targets_section()
        self.uncontended()
        self.pivot("Contended", "Contended, shared lock, mixed operations (ops/µs, all threads)", "mix",
                   "Every thread runs the same readers:writers operation mix on one lock; `work` is the "
                   "critical section in `Blackhole.consumeCPU` tokens. Cells: score ± error (vs RRWL).")
        self.readers_writers()
        self.writer_latency()
        self.timed_write()
        self.pivot("CatalogBench", "Catalog: HashMap under a lock vs concurrent maps (map ops/µs)", "mix",
                   "A routing table of `size` entries: lookups under the read lock, value replacements "
                   "under the write lock; `chm` and `nbhm` use no lock. Cells: score ± error (vs RRWL).")
        self.scaling()
        self.guards()
        self.footprint_section()
        self.line(f"![chart]({self.args.svg_name})")
        self.line()
        return "\n".join(self.md)


# ---------------------------------------------------------------------------------------------
# Charts: every panel has its own value axis, fitted to its own data, with ticks chosen so that
# their labels never overlap.

TICK_FONT = 9
TICK_CHAR_W = 5.6   # generous width of one character at TICK_FONT px (sans-serif digits are ~5 px)

# Mantissas per decade for log axes, coarse to fine.
LOG_MANTISSAS = [(1,), (1, 2, 5), (1, 1.5, 2, 3, 5, 7), (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8),
                 (1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2, 2.2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9)]


def tick_label(v):
    """Short, exponent-free label: 0.05, 0.5, 1, 1.5, 20, 1,500."""
    if v >= 1000:
        return f"{v:,.0f}"
    s = f"{v:.4g}"
    return s if "e" not in s else f"{v:f}".rstrip("0").rstrip(".")


def labels_fit(ticks, pos, extent):
    """True when no two tick labels overlap: extent(label) is the label's size along the axis."""
    placed = sorted((pos(v), extent(tick_label(v))) for v in ticks)
    for (a, wa), (b, wb) in zip(placed, placed[1:]):
        if b - a < (wa + wb) / 2 + 4:
            return False
    return True


def log_ticks(lo, hi, pos, extent, max_ticks=9):
    """The densest 'nice' log ticks in [lo, hi] whose labels fit; at least two when possible."""
    candidates = []
    d0, d1 = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    for step in (4, 3, 2):  # every 10^step for very wide ranges
        candidates.append([10.0 ** d for d in range(d0, d1 + 1) if d % step == 0])
    for ms in LOG_MANTISSAS:
        candidates.append([m * 10.0 ** d for d in range(d0 - 1, d1 + 1) for m in ms])
    best = None
    for c in candidates:
        ticks = [v for v in c if lo * 0.9999 <= v <= hi * 1.0001]
        if len(ticks) > max_ticks or not labels_fit(ticks, pos, extent):
            continue
        if best is None or len(ticks) > len(best):
            best = ticks
    if best is None:  # nothing fits: the ends of the axis, if even they fit
        best = [lo, hi] if labels_fit([lo, hi], pos, extent) else [lo]
    return best


def nice_step(span, n):
    raw = span / max(n, 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag


def linear_axis(hi, pos_for, extent, max_ticks=7):
    """Axis from 0 to a nice top above hi; the most ticks (<= max_ticks) whose labels fit."""
    best = None
    for n in range(2, max_ticks + 1):
        step = nice_step(hi, n)
        top = step * math.ceil(hi / step - 1e-9)
        ticks = [round(i * step, 10) for i in range(int(round(top / step)) + 1)]
        if len(ticks) > max_ticks + 1 or not labels_fit(ticks, pos_for(top), extent):
            continue
        if best is None or len(ticks) > len(best[1]):
            best = (top, ticks)
    if best is None:
        best = (hi, [0.0, hi])
    return best


def h_extent(label):
    return len(label) * TICK_CHAR_W


def v_extent(_label):
    return TICK_FONT + 2


def svg_open(width, height, title, subtitle):
    return [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="10">',
            f'<rect width="{width}" height="{height}" fill="white"/>',
            f'<text x="12" y="20" font-size="14" font-weight="bold">{html.escape(title)}</text>',
            f'<text x="12" y="38" fill="#444">{html.escape(subtitle)}</text>']


def svg_chart(panels, title):
    """Horizontal bars relative to RRWL, log scale, one panel per benchmark point; each panel's
    axis spans only that panel's bars and whiskers (always including 1)."""
    panels = [(t, [b for b in bars if not math.isnan(b[1]) and b[1] > 0]) for t, bars in panels]
    panels = [(t, bars) for t, bars in panels if bars]
    bar_h, gap, label_w, plot_w, value_w, pad = 13, 3, 150, 220, 34, 12
    panel_w = label_w + plot_w + value_w + 2 * pad
    cols = 2 if len(panels) > 1 else 1
    heights = [22 + len(bars) * (bar_h + gap) + 26 for _, bars in panels]
    rows = (len(panels) + cols - 1) // cols
    row_h = [max(heights[i * cols:(i + 1) * cols]) for i in range(rows)]
    top = 52
    width = cols * panel_w
    height = top + sum(row_h) + 10
    out = svg_open(width, height, title,
                   "Relative to ReentrantReadWriteLock (> 1 = better: more throughput or less time), "
                   "log scale of its own in each panel. Whiskers: JMH 99.9% CI.")
    if not panels:
        out.append('<text x="12" y="60" fill="#444">No results to chart.</text>')
    for i, (ptitle, bars) in enumerate(panels):
        col, row = i % cols, i // cols
        ox = col * panel_w + pad
        oy = top + sum(row_h[:row])
        vals = [r for _, r, _ in bars] + [1.0]
        blo, bhi = min(vals), max(vals)
        ext = list(vals)
        for _, r, e in bars:
            if not math.isnan(e) and e > 0:
                ext.append(min(r + e, bhi * 4))
                if r - e > 0:
                    ext.append(max(r - e, blo / 4))
                else:
                    ext.append(blo / 4)
        lo, hi = min(ext), max(ext)
        span = max(math.log(hi / lo), math.log(1.25))
        lo, hi = lo / math.exp(0.06 * span), hi * math.exp(0.06 * span)
        llo, lhi = math.log(lo), math.log(hi)

        def x_of(v, llo=llo, lhi=lhi):
            v = min(max(v, math.exp(llo)), math.exp(lhi))
            return label_w + plot_w * (math.log(v) - llo) / (lhi - llo)

        out.append(f'<g transform="translate({ox},{oy})">')
        out.append(f'<text x="0" y="12" font-weight="bold">{html.escape(ptitle)}</text>')
        base_y = 22
        plot_h = len(bars) * (bar_h + gap)
        for v in log_ticks(lo, hi, x_of, h_extent):
            gx = x_of(v)
            out.append(f'<line x1="{gx:.1f}" y1="{base_y - 2}" x2="{gx:.1f}" y2="{base_y + plot_h}" '
                       f'stroke="#ddd" stroke-width="1"/>')
            out.append(f'<text x="{gx:.1f}" y="{base_y + plot_h + 11}" text-anchor="middle" '
                       f'fill="#666" font-size="{TICK_FONT}">{tick_label(v)}</text>')
        x1 = x_of(1.0)
        out.append(f'<line x1="{x1:.1f}" y1="{base_y - 2}" x2="{x1:.1f}" y2="{base_y + plot_h}" '
                   f'stroke="#333" stroke-width="1"/>')
        for j, (c, r, e) in enumerate(bars):
            y = base_y + j * (bar_h + gap)
            xr = x_of(r)
            color = COLORS.get(c, "#999")
            out.append(f'<text x="{label_w - 4}" y="{y + bar_h - 3}" text-anchor="end">'
                       f'{html.escape(LABELS.get(c, c))}</text>')
            out.append(f'<rect x="{min(x1, xr):.1f}" y="{y}" width="{max(abs(xr - x1), 1):.1f}" '
                       f'height="{bar_h}" fill="{color}"/>')
            xe = xr
            if not math.isnan(e) and e > 0:
                xa, xb = x_of(r - e if r - e > 0 else 0.0), x_of(r + e)
                xe = xb
                cy = y + bar_h / 2
                out.append(f'<line x1="{xa:.1f}" y1="{cy}" x2="{xb:.1f}" y2="{cy}" stroke="black"/>')
                for xx, clipped in ((xa, r - e <= lo), (xb, r + e >= hi)):
                    if not clipped:
                        out.append(f'<line x1="{xx:.1f}" y1="{cy - 3}" x2="{xx:.1f}" y2="{cy + 3}" '
                                   f'stroke="black"/>')
            tx = max(xr, x1, xe) + 3
            out.append(f'<text x="{tx:.1f}" y="{y + bar_h - 3}" fill="#222">{r:.2f}</text>')
        out.append('</g>')
    out.append('</svg>')
    return "\n".join(out) + "\n"


def svg_scaling_chart(panels, title):
    """Throughput against thread count, one line per contender, log2 thread axis; one panel per
    benchmark point measured at two or more thread counts, each with its own throughput axis
    (linear from 0, or log when the lines are more than 20x apart)."""
    pw, ph, left, right, ptop, bottom, pad = 420, 210, 52, 14, 24, 30, 12
    cols = 2 if len(panels) > 1 else 1
    present = sorted({c for _, lines in panels for c in lines}, key=order_key)
    rows = (len(panels) + cols - 1) // cols
    width = max(cols * (pw + pad) + pad, 760)  # 760: room for the subtitle
    legend, lx, ly = [], 12, 52
    for c in present:  # swatch + name, wrapped to the chart's width
        w = 23 + len(LABELS.get(c, c)) * 6.2 + 18
        if lx + w > width and lx > 12:
            lx, ly = 12, ly + 16
        legend.append((c, lx, ly))
        lx += w
    top = ly + 22
    height = top + max(rows * (ph + pad), 20) + 10
    out = svg_open(width, height, title,
                   "Throughput (all threads) against thread count, log2 thread axis; each panel has "
                   "its own throughput axis. Whiskers: JMH 99.9% CI.")
    for c, lx, ly in legend:
        out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 18}" y2="{ly}" stroke="{COLORS.get(c, "#999")}" '
                   f'stroke-width="2.5"/>')
        out.append(f'<text x="{lx + 23}" y="{ly + 4}">{html.escape(LABELS.get(c, c))}</text>')
    if not panels:
        out.append(f'<text x="12" y="{top + 8}" fill="#444">No benchmark point was measured at two or '
                   'more thread counts: nothing to chart.</text>')
    for i, (ptitle, lines) in enumerate(panels):
        col, row = i % cols, i // cols
        ox, oy = pad + col * (pw + pad), top + row * (ph + pad)
        threads = sorted({t for pts in lines.values() for t, _, _ in pts})
        tlo, thi = math.log2(threads[0]), math.log2(threads[-1])
        x0, x1 = left, pw - right
        y0, y1 = ph - bottom, ptop + 6

        def x_of(t, tlo=tlo, thi=thi):
            return x0 + (x1 - x0) * (math.log2(t) - tlo) / (thi - tlo)

        scores = [s for pts in lines.values() for _, s, _ in pts if s > 0]
        tops = [s + e for pts in lines.values() for _, s, e in pts if not math.isnan(e)]
        use_log = min(scores) > 0 and max(scores) / min(scores) > 20
        if use_log:
            lo = min(scores) / 1.15
            hi = max(scores) * 1.15
            llo, lhi = math.log(lo), math.log(hi)

            def y_of(v, llo=llo, lhi=lhi):
                v = min(max(v, math.exp(llo)), math.exp(lhi))
                return y0 - (y0 - y1) * (math.log(v) - llo) / (lhi - llo)
            yticks = log_ticks(lo, hi, y_of, v_extent, max_ticks=8)
        else:
            hi = max(scores + [s for s in tops if s <= max(scores) * 1.5])
            top_v, yticks = linear_axis(hi * 1.02, lambda t: (lambda v: y0 - (y0 - y1) * v / t), v_extent)

            def y_of(v, top_v=top_v):
                v = min(max(v, 0.0), top_v)
                return y0 - (y0 - y1) * v / top_v
        out.append(f'<g transform="translate({ox},{oy})">')
        out.append(f'<rect x="0" y="0" width="{pw}" height="{ph}" fill="none" stroke="#eee"/>')
        out.append(f'<text x="6" y="14" font-weight="bold">{html.escape(ptitle)}'
                   f'{" (log scale)" if use_log else ""}</text>')
        for v in yticks:
            gy = y_of(v)
            out.append(f'<line x1="{x0}" y1="{gy:.1f}" x2="{x1}" y2="{gy:.1f}" stroke="#e4e4e4"/>')
            out.append(f'<text x="{x0 - 4}" y="{gy + 3:.1f}" text-anchor="end" fill="#666" '
                       f'font-size="{TICK_FONT}">{tick_label(v)}</text>')
        shown = []
        for t in threads:
            if all(abs(x_of(t) - x_of(s)) >= h_extent(str(t)) / 2 + h_extent(str(s)) / 2 + 4 for s in shown):
                shown.append(t)
        for t in shown:
            gx = x_of(t)
            out.append(f'<line x1="{gx:.1f}" y1="{y1}" x2="{gx:.1f}" y2="{y0}" stroke="#f0f0f0"/>')
            out.append(f'<text x="{gx:.1f}" y="{y0 + 12}" text-anchor="middle" fill="#666" '
                       f'font-size="{TICK_FONT}">{t}</text>')
        out.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#333"/>')
        out.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#333"/>')
        out.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{ph - 4}" text-anchor="middle" fill="#444">threads</text>')
        out.append(f'<text x="10" y="{(y0 + y1) / 2:.1f}" text-anchor="middle" fill="#444" '
                   f'transform="rotate(-90 10 {(y0 + y1) / 2:.1f})">ops/µs</text>')
        for c in sorted(lines, key=order_key):
            pts = sorted(lines[c])
            color = COLORS.get(c, "#999")
            path = " ".join(f"{x_of(t):.1f},{y_of(s):.1f}" for t, s, _ in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
            for t, s, e in pts:
                cx, cy = x_of(t), y_of(s)
                if not math.isnan(e) and e > 0:
                    ya, yb = y_of(s - e), y_of(s + e)
                    out.append(f'<line x1="{cx:.1f}" y1="{ya:.1f}" x2="{cx:.1f}" y2="{yb:.1f}" '
                               f'stroke="{color}" stroke-width="1"/>')
                out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2.5" fill="{color}"/>')
        out.append('</g>')
    out.append('</svg>')
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------

def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", default="custom")
    ap.add_argument("--machine", default="unknown machine")
    ap.add_argument("--command", default="(not given)")
    ap.add_argument("--footprint")
    ap.add_argument("--out-json")
    ap.add_argument("--out-md")
    ap.add_argument("--out-svg")
    ap.add_argument("--out-scaling-svg", help="scaling chart; default: --out-svg with -scaling before .svg")
    ap.add_argument("--date", help="date of the run for the report (default: now)")
    ap.add_argument("inputs", nargs="+")
    args = ap.parse_args(argv)
    raws = []
    for path in args.inputs:
        with open(path, encoding="utf-8") as f:
            raws.extend(json.load(f))
    if not raws:
        print("render.py: no JMH results in " + ", ".join(args.inputs), file=sys.stderr)
        return 1
    raws = merge_rounds(raws)
    results = [Result(r) for r in raws]
    footprint = None
    if args.footprint:
        with open(args.footprint, encoding="utf-8") as f:
            footprint = json.load(f)
    args.svg_name = (args.out_svg or "chart.svg").rsplit("/", 1)[-1]
    if args.out_svg and not args.out_scaling_svg:
        args.out_scaling_svg = (args.out_svg[:-4] if args.out_svg.endswith(".svg") else args.out_svg) + "-scaling.svg"
    args.scaling_svg_name = args.out_scaling_svg.rsplit("/", 1)[-1] if args.out_scaling_svg else None
    report = Report(results, footprint, args)
    md = report.render()
    if args.out_json:
        with open(args.out_json, "w", encoding="utf-8") as f:
            json.dump([slim(r) for r in raws], f, separators=(",", ":"))
            f.write("\n")
    if args.out_md:
        with open(args.out_md, "w", encoding="utf-8") as f:
            f.write(md)
    else:
        print(md)
    if args.out_svg:
        with open(args.out_svg, "w", encoding="utf-8") as f:
            f.write(svg_chart(report.panels, f"lock-bench, {args.profile} profile"))
    if args.out_scaling_svg:
        with open(args.out_scaling_svg, "w", encoding="utf-8") as f:
            f.write(svg_scaling_chart(report.scaling_panels, f"lock-bench, {args.profile} profile: scaling"))
    for name, measured, verdict in report.targets:
        print(f"target: {name}: {measured} -> {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
