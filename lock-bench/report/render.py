#!/usr/bin/env python3
"""Turns lock-bench JMH results into a Markdown report and an SVG chart.

Standard library only. Every ratio is "relative to ReentrantReadWriteLock" (contender `rrwl`) in
the same benchmark and parameters, oriented so that > 1 means better: throughput / RRWL's
throughput, or RRWL's time / time. Error bars come from JMH's 99.9% confidence half-widths
(scoreError), propagated to a ratio as relative errors added in quadrature.

Usage: render.py [--profile P] [--machine TEXT] [--command TEXT] [--footprint FILE]
                 [--out-json FILE] [--out-md FILE] [--out-svg FILE] JMH_JSON...
"""

import argparse
import datetime
import html
import json
import math
import sys

BASELINE = "rrwl"
ORDER = ["rwlock", "rwlock-fair", "rwlock-views", "rrwl", "rrwl-fair", "stamped-rw", "stamped",
         "stamped-opt", "reentrant", "synchronized", "floor", "floor-atomic", "chm", "nbhm"]
LABELS = {
    "rwlock": "RwLock",
    "rwlock-fair": "RwLock(fair)",
    "rwlock-views": "RwLock via views",
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
    "rwlock": "#d62728", "rwlock-fair": "#ff7f0e", "rwlock-views": "#e377c2",
    "rrwl": "#1f77b4", "rrwl-fair": "#aec7e8", "stamped-rw": "#2ca02c", "stamped": "#98df8a",
    "stamped-opt": "#bcbd22", "reentrant": "#9467bd", "synchronized": "#c5b0d5",
    "floor": "#7f7f7f", "floor-atomic": "#c7c7c7", "chm": "#17becf", "nbhm": "#8c564b",
}
MIX_ORDER = ["100:0", "99:1", "95:5", "50:50", "0:100"]


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
        self.line(f"* Date: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}")
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
        for other in sorted(rest, key=lambda o: [(k, int(v) if v.isdigit() else v) for k, v in o]):
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
        for params, group in sorted(self.groups(con).items()):
            p = dict(params)
            label = f"mix {p.get('mix')}, work {p.get('work')}"
            rw = group.get("rwlock")
            if not rw:
                continue
            if p.get("mix") in ("100:0", "95:5"):
                if BASELINE in group:
                    r, e = ratio(rw.score, rw.error, group[BASELINE].score, group[BASELINE].error)
                    self.target(f"contended {label}: rwlock ≥ 2.5 × rrwl", fmt_ratio(r, e),
                                r >= 2.5, not math.isnan(e) and r + e >= 2.5)
                if "stamped-rw" in group:
                    r, e = ratio(rw.score, rw.error, group["stamped-rw"].score, group["stamped-rw"].error)
                    self.target(f"contended {label}: rwlock ≥ stamped-rw", fmt_ratio(r, e),
                                r >= 1.0, not math.isnan(e) and r + e >= 1.0)
                if "floor" in group:
                    r, e = ratio(group["floor"].score, group["floor"].error, rw.score, rw.error)
                    self.target(f"contended {label}: floor ≤ 1.3 × rwlock", f"floor/rwlock = {fmt_ratio(r, e)}",
                                r <= 1.3, not math.isnan(e) and r - e <= 1.3)
            if p.get("mix") == "0:100" and BASELINE in group:
                r, e = ratio(rw.score, rw.error, group[BASELINE].score, group[BASELINE].error)
                self.target(f"contended {label}: rwlock ≥ rrwl", fmt_ratio(r, e),
                            r >= 1.0, not math.isnan(e) and r + e >= 1.0)
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
        self.footprint_section()
        self.line(f"![chart]({self.args.svg_name})")
        self.line()
        return "\n".join(self.md)


# ---------------------------------------------------------------------------------------------
# Chart

def svg_chart(panels, title):
    panels = [(t, [b for b in bars if not math.isnan(b[1])]) for t, bars in panels]
    panels = [(t, bars) for t, bars in panels if bars]
    bar_h, gap, label_w, plot_w, pad = 13, 3, 150, 250, 12
    panel_w = label_w + plot_w + 2 * pad
    cols = 2 if len(panels) > 1 else 1
    values = []
    for _, bars in panels:
        for _, r, e in bars:
            values.append(r)
            if not math.isnan(e):
                values.append(r + e)
                if r - e > 0:
                    values.append(r - e)
    lo = 2.0 ** math.floor(math.log2(min(values + [0.5])))
    hi = 2.0 ** math.ceil(math.log2(max(values + [2.0])))

    def x_of(v):
        v = min(max(v, lo), hi)
        return label_w + plot_w * (math.log2(v) - math.log2(lo)) / (math.log2(hi) - math.log2(lo))

    heights = [34 + len(bars) * (bar_h + gap) + 18 for _, bars in panels]
    rows = (len(panels) + cols - 1) // cols
    row_h = [max(heights[i * cols:(i + 1) * cols]) for i in range(rows)]
    top = 56
    width = cols * panel_w
    height = top + sum(row_h) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="10">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{pad}" y="20" font-size="14" font-weight="bold">{html.escape(title)}</text>',
           f'<text x="{pad}" y="38" fill="#444">Relative to ReentrantReadWriteLock (log scale, &gt; 1 = '
           f'better: more throughput or less time). Whiskers: JMH 99.9% CI.</text>']
    for i, (ptitle, bars) in enumerate(panels):
        col, row = i % cols, i // cols
        ox = col * panel_w + pad
        oy = top + sum(row_h[:row])
        out.append(f'<g transform="translate({ox},{oy})">')
        out.append(f'<text x="0" y="12" font-weight="bold">{html.escape(ptitle)}</text>')
        base_y = 22
        plot_h = len(bars) * (bar_h + gap)
        # grid
        v = lo
        while v <= hi * 1.0001:
            gx = x_of(v)
            stroke = "#333" if abs(v - 1) < 1e-9 else "#ddd"
            out.append(f'<line x1="{gx:.1f}" y1="{base_y - 2}" x2="{gx:.1f}" y2="{base_y + plot_h}" '
                       f'stroke="{stroke}" stroke-width="1"/>')
            lbl = f"{v:g}" if v >= 1 else f"1/{1 / v:g}"
            out.append(f'<text x="{gx:.1f}" y="{base_y + plot_h + 11}" text-anchor="middle" '
                       f'fill="#666" font-size="9">{lbl}</text>')
            v *= 2
        x1 = x_of(1.0)
        for j, (c, r, e) in enumerate(bars):
            y = base_y + j * (bar_h + gap)
            xr = x_of(r)
            color = COLORS.get(c, "#999")
            out.append(f'<text x="{label_w - 4}" y="{y + bar_h - 3}" text-anchor="end">'
                       f'{html.escape(LABELS.get(c, c))}</text>')
            out.append(f'<rect x="{min(x1, xr):.1f}" y="{y}" width="{max(abs(xr - x1), 1):.1f}" '
                       f'height="{bar_h}" fill="{color}"/>')
            if not math.isnan(e) and e > 0:
                xa, xb = x_of(max(r - e, lo)), x_of(r + e)
                cy = y + bar_h / 2
                out.append(f'<line x1="{xa:.1f}" y1="{cy}" x2="{xb:.1f}" y2="{cy}" stroke="black"/>')
                for xx in (xa, xb):
                    out.append(f'<line x1="{xx:.1f}" y1="{cy - 3}" x2="{xx:.1f}" y2="{cy + 3}" '
                               f'stroke="black"/>')
            tx = max(xr, x1, x_of(r + e) if not math.isnan(e) else xr) + 3
            out.append(f'<text x="{tx:.1f}" y="{y + bar_h - 3}" fill="#222">{r:.2f}</text>')
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
    for name, measured, verdict in report.targets:
        print(f"target: {name}: {measured} -> {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
