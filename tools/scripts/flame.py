#!/usr/bin/env python3
"""A flame graph (SVG) from a JFR recording or from `perf script` output, with no other tool.

  tools/scripts/flame.py RECORDING.jfr OUT.svg [--threads REGEX] [--title TEXT] [--folded OUT.txt]
  tools/scripts/flame.py --perf PERF_SCRIPT.txt OUT.svg [...]

JFR: the jdk.ExecutionSample events (`jfr print --json`): Java code only (a thread inside a
system call is not sampled). perf: `perf record -g -p PID` then `perf script`, with the JVM
started with -XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit
so that JIT-compiled frames have names: Java and kernel time together. Keeps the threads whose
name matches --threads (default: Vert.x event loops; perf cuts thread names at 15 characters),
and draws one box per frame: width = share of the samples in which that call path was on the
stack, root at the bottom. --folded also writes the stacks in the usual folded format
(frame;frame;... count) for other tools.
"""
import argparse
import html
import json
import re
import subprocess
import sys
from collections import defaultdict

W, ROW, FONT = 1200, 16, 11


def frames_of(event):
    st = event["values"].get("stackTrace") or {}
    out = []
    for f in reversed(st.get("frames") or []):
        m = f["method"]
        cls = re.split(r"[./]", m["type"]["name"])[-1]
        out.append(cls + "." + m["name"])
    return out


def perf_samples(path):
    """(thread name, root-first frames) per sample of `perf script` output."""
    thread, frames = None, []
    with open(path, errors="replace") as f:
        for line in f:
            if not line.strip():
                if thread is not None:
                    yield thread, list(reversed(frames))
                thread, frames = None, []
            elif not line[0].isspace():
                m = re.match(r"^(.+?)\s+\d+(/\d+)?\s+\[?\d*\]?\s*[\d.]+:", line)
                thread = m.group(1) if m else line.split()[0]
            else:
                parts = line.strip().split(None, 1)
                sym = parts[1] if len(parts) > 1 else parts[0]
                sym = re.sub(r"\+0x[0-9a-f]+", "", re.sub(r"\s+\(.*\)$", "", sym))
                if "(" in sym and "." in sym:  # JIT frame (perf map): "ret pkg.Class.method(args)"
                    name = sym.split("(")[0].split()[-1]
                    sym = ".".join(re.split(r"[.$]", name)[-2:])
                elif sym.startswith("Interpreter"):
                    sym = "[interpreter]"
                frames.append(sym)
    if thread is not None:
        yield thread, list(reversed(frames))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jfr", help="a .jfr file, or with --perf the output of perf script")
    ap.add_argument("--perf", action="store_true", help="the input is perf script output")
    ap.add_argument("svg")
    ap.add_argument("--threads", default=r"vert\.x-eventloop")
    ap.add_argument("--title", default="CPU samples")
    ap.add_argument("--folded")
    a = ap.parse_args()
    want = re.compile(a.threads if not a.perf or a.threads != r"vert\.x-eventloop" else r"vert\.x-eventlo")
    stacks = defaultdict(int)
    if a.perf:
        for thread, frames in perf_samples(a.jfr):
            if want.search(thread):
                stacks[tuple(frames)] += 1
    else:
        raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "96", "--events", "jdk.ExecutionSample", a.jfr],
                             capture_output=True, text=True, check=True).stdout
        for e in json.loads(raw)["recording"]["events"]:
            t = (e["values"].get("sampledThread") or {}).get("javaName") or ""
            if want.search(t):
                stacks[tuple(frames_of(e))] += 1
    total = sum(stacks.values())
    if total == 0:
        sys.exit("no samples of threads matching " + a.threads)
    if a.folded:
        with open(a.folded, "w") as f:
            for s, n in sorted(stacks.items(), key=lambda x: -x[1]):
                f.write(";".join(s) + " " + str(n) + "\n")
    # tree: node = {name: (count, children)}
    root = {"n": 0, "c": {}}
    for s, n in stacks.items():
        node = root
        node["n"] += n
        for fr in s:
            node = node["c"].setdefault(fr, {"n": 0, "c": {}})
            node["n"] += n
    depth = [0]

    def measure(node, d):
        depth[0] = max(depth[0], d)
        for ch in node["c"].values():
            measure(ch, d + 1)
    measure(root, 0)
    height = (depth[0] + 3) * ROW
    boxes = []

    def draw(node, name, x, d):
        w = W * node["n"] / total
        if w < 0.3:
            return
        y = height - (d + 1) * ROW
        hue = 10 + (hash(name) % 40)
        label = name if w > 7 * len(name) * 0.6 else name[: max(0, int(w / 6.6) - 2)] + ".." if w > 20 else ""
        boxes.append('<g><title>%s (%d samples, %.1f%%)</title><rect x="%.1f" y="%d" width="%.1f" height="%d" '
                     'fill="hsl(%d,80%%,60%%)" stroke="white" stroke-width="0.5"/><text x="%.1f" y="%d">%s</text></g>'
                     % (html.escape(name), node["n"], 100.0 * node["n"] / total, x, y, w, ROW - 1, hue, x + 2,
                        y + ROW - 4, html.escape(label)))
        cx = x
        for cname, ch in sorted(node["c"].items(), key=lambda kv: -kv[1]["n"]):
            draw(ch, cname, cx, d + 1)
            cx += W * ch["n"] / total
    draw(root, "all (%d samples)" % total, 0, 0)
    with open(a.svg, "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="monospace" font-size="%d">'
                % (W, height + ROW, FONT))
        f.write('<rect width="100%%" height="100%%" fill="white"/><text x="4" y="%d" font-size="13">%s</text>'
                % (ROW, html.escape(a.title)))
        f.write("\n".join(boxes))
        f.write("</svg>\n")
    print("%d samples -> %s" % (total, a.svg))


if __name__ == "__main__":
    main()
