#!/usr/bin/env python3
"""Plot the results of `smmusim sweep` (OUT/results.csv).

Draws DMA latency (p50, p90, p99 and the mean) and where the transactions were served (TLB hit
without waiting, hit under another transaction's walk, own walk) against one axis of the sweep:

    plot_sweep.py OUT/results.csv --x 'smmus[0].tlb_entries' \\
        [--series memory.latency_ns] [--facet 'smmus[0].walker_issue_cycles'] \\
        [--where AXIS=VALUE ...] [--out plot.png] [--title TEXT] [--logx | --linx]

--x       the axis along the horizontal axis;
--series  one line (colour) per value of this axis;
--facet   one column of panels per value of this axis;
--where   keep only the rows where AXIS has VALUE (repeatable).
Any other axis that still varies splits the lines further (each combination is its own line).
Only rows with status ok are drawn. Needs matplotlib (Debian: python3-matplotlib); draws with
the Agg backend, no display needed.
"""
import argparse
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from matplotlib.lines import Line2D  # noqa: E402

FIRST_STAT = "issued"  # results.csv: point, <axes...>, issued, ..., status
PERCENTILES = [("latency_p50_ns", "p50", "-", "o"),
               ("latency_p90_ns", "p90", "--", "s"),
               ("latency_p99_ns", "p99", ":", "^"),
               ("latency_mean_ns", "mean", "-.", "x")]
# Fractions of the transactions, by where they were served (results.csv columns added up).
SERVED = [(("utlb_rate", "tlb_rate"), "TLB hit", "-", "o"),
          (("coalesced_rate",), "hit under fill", "--", "s"),
          (("walk_rate",), "walk", ":", "^")]


def die(msg):
    print(f"plot_sweep: {msg}", file=sys.stderr)
    sys.exit(2)


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def sort_key(values):
    """Numeric order when every value is a number, else the text order."""
    nums = [number(v) for v in values]
    if all(n is not None for n in nums):
        return lambda v: number(v)
    return lambda v: v


def read_results(path):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
            header = list(rows[0].keys()) if rows else []
    except OSError as e:
        die(f"{path}: {e.strerror}")
    if not header or header[0] != "point" or FIRST_STAT not in header or "status" not in header:
        die(f"{path}: not a sweep results.csv (expected point, axes..., {FIRST_STAT}, ..., status)")
    missing = [c for cols, _, _, _ in SERVED for c in cols if c not in header]
    if missing:
        die(f"{path}: no column {', '.join(missing)} (a results.csv of an older smmusim? "
            "re-run the sweep to rebuild it)")
    axes = header[1:header.index(FIRST_STAT)]
    return axes, rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv", help="results.csv written by smmusim sweep")
    ap.add_argument("--x", required=True, help="axis on the horizontal axis")
    ap.add_argument("--series", help="one line per value of this axis")
    ap.add_argument("--facet", help="one column of panels per value of this axis")
    ap.add_argument("--where", action="append", default=[], metavar="AXIS=VALUE",
                    help="keep only rows where AXIS has VALUE (repeatable)")
    ap.add_argument("--out", help="output image (PNG; default: next to the CSV, plot.png)")
    ap.add_argument("--title", help="figure title")
    scale = ap.add_mutually_exclusive_group()
    scale.add_argument("--logx", action="store_true", help="logarithmic x axis")
    scale.add_argument("--linx", action="store_true", help="linear x axis")
    args = ap.parse_args(argv)

    axes, rows = read_results(args.csv)
    for name, value in (("--x", args.x), ("--series", args.series), ("--facet", args.facet)):
        if value is not None and value not in axes:
            die(f"{name} {value}: not an axis of this sweep (axes: {', '.join(axes)})")
    for w in args.where:
        axis, sep, value = w.partition("=")
        if not sep or axis not in axes:
            die(f"--where {w}: expected AXIS=VALUE with one of: {', '.join(axes)}")
        rows = [r for r in rows if r[axis] == value]

    failed = [r for r in rows if r["status"] != "ok"]
    rows = [r for r in rows if r["status"] == "ok"]
    if failed:
        print(f"plot_sweep: leaving out {len(failed)} failed point(s): "
              + " ".join(r["point"] for r in failed), file=sys.stderr)
    if not rows:
        die("no ok rows to plot")

    fixed = {args.x, args.series, args.facet}
    others = [a for a in axes if a not in fixed and len({r[a] for r in rows}) > 1]
    series_axes = ([args.series] if args.series else []) + others

    def series_of(r):
        return tuple(r[a] for a in series_axes)

    def label_of(key):
        return ", ".join(f"{a}={v}" for a, v in zip(series_axes, key)) or "all"

    facets = sorted({r[args.facet] for r in rows}, key=sort_key([r[args.facet] for r in rows])) \
        if args.facet else [None]
    series = sorted({series_of(r) for r in rows},
                    key=lambda k: tuple(number(v) if number(v) is not None else math.inf
                                        for v in k) + k)
    xs_text = [r[args.x] for r in rows]
    numeric_x = all(number(v) is not None for v in xs_text)
    categories = sorted(set(xs_text), key=sort_key(xs_text))

    def xpos(text):
        return number(text) if numeric_x else categories.index(text)

    logx = args.logx
    if numeric_x and not (args.logx or args.linx):  # powers of two spanning >= 8x: log2 scale
        vals = [number(v) for v in xs_text]
        logx = min(vals) > 0 and max(vals) / min(vals) >= 8 and all(
            float(v).is_integer() and (int(v) & (int(v) - 1)) == 0 for v in vals)
    if logx and numeric_x and min(number(v) for v in xs_text) <= 0:
        die("--logx: the x values must be positive")

    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, grid = plt.subplots(2, len(facets), figsize=(5.2 * len(facets) + 1.0, 7.2),
                             sharex=True, sharey="row", squeeze=False)
    for col, facet in enumerate(facets):
        lat, hit = grid[0][col], grid[1][col]
        for i, key in enumerate(series):
            pts = sorted((r for r in rows if series_of(r) == key
                          and (facet is None or r[args.facet] == facet)),
                         key=lambda r: xpos(r[args.x]))
            if not pts:
                continue
            x = [xpos(r[args.x]) for r in pts]
            color = colors[i % len(colors)]
            for column, _, style, marker in PERCENTILES:
                y = [number(r[column]) for r in pts]
                lat.plot(x, y, linestyle=style, marker=marker, color=color, markersize=4)
            for columns, _, style, marker in SERVED:
                y = [sum(number(r[c]) or 0.0 for c in columns) for r in pts]
                hit.plot(x, y, linestyle=style, marker=marker, color=color, markersize=4,
                         label=label_of(key) if columns == SERVED[0][0] else None)
        if facet is not None:
            lat.set_title(f"{args.facet} = {facet}", fontsize=10)
        lat.grid(True, alpha=0.3)
        hit.grid(True, alpha=0.3)
        hit.set_ylim(-0.02, 1.02)
        hit.set_xlabel(args.x)
        if logx:
            lat.set_xscale("log", base=2)
        if not numeric_x:
            hit.set_xticks(range(len(categories)))
            hit.set_xticklabels(categories)
        elif logx or len(categories) <= 12:
            hit.set_xticks([number(c) for c in categories])
            hit.set_xticklabels(categories)
            hit.minorticks_off()
            lat.minorticks_off()
    grid[0][0].set_ylabel("DMA latency (ns)")
    grid[1][0].set_ylabel("fraction of transactions")
    styles = [Line2D([], [], color="0.3", linestyle=s, marker=m, markersize=4, label=n)
              for _, n, s, m in PERCENTILES]
    grid[0][0].legend(handles=styles, loc="upper left", fontsize=8, title="latency",
                      title_fontsize=8)
    served = [Line2D([], [], color="0.3", linestyle=s, marker=m, markersize=4, label=n)
              for _, n, s, m in SERVED]
    kinds = grid[1][0].legend(handles=served, loc="upper left", fontsize=8, title="served by",
                              title_fontsize=8)
    if len(series) > 1 or series_axes:
        if len(facets) == 1:  # the same panel: a second legend() would replace the first
            grid[1][0].add_artist(kinds)
        grid[1][-1].legend(loc="lower right", fontsize=8)
    fig.suptitle(args.title or f"{args.csv}: latency and where transactions were served vs "
                 f"{args.x}", fontsize=11)
    fig.tight_layout()
    out = args.out or os.path.join(os.path.dirname(args.csv), "plot.png")
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
