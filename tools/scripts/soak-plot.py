#!/usr/bin/env python3
"""Plots the JSON lines of `./chat bench soak` as one SVG (no libraries needed).

    tools/scripts/soak-plot.py soak.jsonl > soak.svg

Four panels against minutes of churn: RSS and heap (old generation) in MiB, open files and
threads, open connections, and the probe's ping round trip (median and maximum per sample).
"""
import json
import sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = [r for r in rows if r.get("kind") in ("baseline", "sample", "end")]
if not rows:
    sys.exit("soak-plot: no samples in " + sys.argv[1])
t = [r["t_s"] / 60 for r in rows]
MIB = 1 << 20
panels = [
    ("memory, MiB", [("RSS", [r["rss_bytes"] / MIB if r["rss_bytes"] >= 0 else None for r in rows], "#1f77b4"),
                     ("old generation used", [r["old_gen_used_bytes"] / MIB if r["old_gen_used_bytes"] >= 0 else None for r in rows], "#ff7f0e")]),
    ("open files and threads", [("open files", [r["open_files"] for r in rows], "#2ca02c"),
                                ("threads", [r["threads"] for r in rows], "#d62728")]),
    ("open connections", [("connections", [r["connections"] for r in rows], "#9467bd")]),
    ("ping round trip, ms", [("median", [r["probe_rtt_ms_p50"] for r in rows], "#8c564b"),
                             ("max", [r["probe_rtt_ms_max"] for r in rows], "#e377c2")]),
]
W, H, PAD, GAP = 720, 170, 48, 28
out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">'
       % (W, len(panels) * (H + GAP) + 10), '<rect width="100%" height="100%" fill="white"/>']
tmax = max(t) or 1
for i, (title, series) in enumerate(panels):
    y0 = 10 + i * (H + GAP)
    vals = [v for _, s, _ in series for v in s if v is not None]
    vmax = max(vals) * 1.1 if vals and max(vals) > 0 else 1
    x = lambda m: PAD + (W - PAD - 10) * m / tmax
    y = lambda v: y0 + H - 20 - (H - 40) * v / vmax
    out.append('<text x="%d" y="%d" font-weight="bold">%s</text>' % (PAD, y0 + 10, title))
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>' % (PAD, y(0), W - 10, y(0)))
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>' % (PAD, y0 + 20, PAD, y(0)))
    for frac in (0, 0.5, 1):
        v = vmax / 1.1 * frac
        out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>' % (PAD - 4, y(v) + 4, ("%.0f" % v) if v >= 10 else ("%.1f" % v)))
    for frac in (0, 0.25, 0.5, 0.75, 1):
        label = ("%.0f" if tmax >= 8 else "%.1f") % (tmax * frac)
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s min</text>' % (x(tmax * frac), y(0) + 14, label))
    lx = PAD + 160
    for name, s, color in series:
        pts = " ".join("%.1f,%.1f" % (x(m), y(v)) for m, v in zip(t, s) if v is not None)
        out.append('<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>' % (color, pts))
        out.append('<text x="%d" y="%d" fill="%s">%s</text>' % (lx, y0 + 10, color, name))
        lx += 150
out.append("</svg>")
print("\n".join(out))
