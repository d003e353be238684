#!/usr/bin/env python3
"""Where this server's paced tail latency comes from: one server, one configuration, measured runs.

Starts ./chat server (as users start it, plus CHAT_JAVA_OPTS; or SERVER_JAR with the launcher's
flags) on core 1 with GC and safepoint logging, loads it with ./chat bench fanout (paced) on
core 0, first unmeasured for --prewarm seconds (JIT warm-up), then --runs measured runs, and
prints for each run, next to the generator's latency percentiles:

  - CPU of the server's threads over the run, by kind (event loops, JIT compilers, GC, other),
    from /proc/PID/task/*/stat;
  - context switches of the server per say (voluntary + involuntary, all threads);
  - GC pauses and safepoints that began during the run (count, total, longest), from the
    server's -Xlog:gc,safepoint output;
  - the generator's own send lag (how late it sent) and CPU.

Usage: tools/scripts/bench-tail.py [--rate 5065] [--runs 2] [--prewarm 20] [--duration 10]
       [--label NAME] [--priority] [--jfr FILE]
Environment: CHAT_JAVA_OPTS (server JVM options), SERVER_JAR (a patched build instead of ./chat
server), SERVER_ARGS (more server options, e.g. --history 1).
Loopback only; the server is stopped and its temp files removed at the end.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HZ = os.sysconf("SC_CLK_TCK")


def prio(cmd, on):
    if not on:
        return cmd
    return ["setsid", "bash", "-c", 'echo -20 >/proc/$$/autogroup 2>/dev/null; exec nice -n -15 "$@"', "prio"] + cmd


def threads(pid):
    """{tid: (name, cpu_ticks, voluntary_switches, involuntary_switches)}"""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                s = f.read()
            name = s[s.index("(") + 1:s.rindex(")")]
            fields = s[s.rindex(")") + 2:].split()
            ticks = (int(fields[11]), int(fields[12]))  # user, system
            vol = invol = 0
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches"):
                        vol = int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches"):
                        invol = int(line.split()[1])
            out[tid] = (name, ticks, vol, invol)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
    return out


def kind(name):
    if name.startswith("vert.x-eventloo"):
        return "loops"
    if "CompilerThre" in name:
        return "jit"
    if name.startswith(("GC Thread", "G1 ", "VM Thread", "ZWorker", "ZDirector", "ZDriver", "ZStat", "GC ")) or "Conc" in name:
        return "gc+vm"
    return "other"


def diff(before, after, secs):
    cpu = {}
    switches = 0
    user = system = 0
    for tid, (name, ticks, vol, invol) in after.items():
        b = before.get(tid, (name, (0, 0), 0, 0))
        cpu[kind(name)] = cpu.get(kind(name), 0) + (ticks[0] - b[1][0]) + (ticks[1] - b[1][1])
        user += ticks[0] - b[1][0]
        system += ticks[1] - b[1][1]
        switches += (vol - b[2]) + (invol - b[3])
    out = {k: round(100.0 * v / HZ / secs, 1) for k, v in sorted(cpu.items())}
    out["user"] = round(100.0 * user / HZ / secs, 1)
    out["system"] = round(100.0 * system / HZ / secs, 1)
    return out, switches


PAUSE = re.compile(r"^\[(\d+\.\d+)s\].*\[gc\s*\] GC\(\d+\) Pause.* (\d+\.\d+)ms$")
SAFEPOINT = re.compile(r"^\[(\d+\.\d+)s\].*Safepoint \"(\w+)\".*Total: (\d+) ns")


def log_stats(path, t0, t1):
    pauses, safepoints, longest = [], [], {}
    with open(path, errors="replace") as f:
        for line in f:
            m = PAUSE.match(line.strip())
            if m and t0 <= float(m.group(1)) <= t1:
                pauses.append(float(m.group(2)))
            m = SAFEPOINT.match(line.strip())
            if m and t0 <= float(m.group(1)) <= t1:
                ms = int(m.group(3)) / 1e6
                safepoints.append(ms)
                longest[m.group(2)] = max(longest.get(m.group(2), 0), round(ms, 2))
    fmt = lambda xs: {"n": len(xs), "total_ms": round(sum(xs), 1), "max_ms": round(max(xs), 2) if xs else 0}
    sp = fmt(safepoints)
    sp["longest_by_kind"] = longest
    return fmt(pauses), sp


def jvm_uptime(pid):
    """Seconds since the server JVM started, from /proc (matches the -Xlog uptime decoration closely)."""
    with open(f"/proc/{pid}/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        up = float(f.read().split()[0])
    return up - start_ticks / HZ


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", default="5065")
    ap.add_argument("--clients", default="100")
    ap.add_argument("--room-size", default="100")
    ap.add_argument("--senders", default="10")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--prewarm", type=int, default=20)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--label", default=os.environ.get("CHAT_JAVA_OPTS", "default") or "default")
    ap.add_argument("--priority", action="store_true", help="autogroup nice -20 / nice -15 for server and generator")
    ap.add_argument("--jfr", help="record JFR over the first measured run (from 8 s into it, duration - 2 s) into this file")
    ap.add_argument("--jfr-settings", default="profile", help="a .jfc file (jfr configure ...) or profile")
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="bench-tail.")
    gclog = os.path.join(work, "gc.log")
    opts = os.environ.get("CHAT_JAVA_OPTS", "")
    opts += f" -Xlog:gc,safepoint:file={gclog}:uptime,level,tags"
    if a.jfr:
        opts += f" -XX:StartFlightRecording=settings={a.jfr_settings},filename={a.jfr},delay={a.prewarm + 8}s,duration={a.duration - 2}s"
    env = dict(os.environ, CHAT_JAVA_OPTS=opts.strip())
    server_args = ["--host", "127.0.0.1", "--tcp-port", "0", "--udp-port", "0", "--http-port", "0",
                   "--irc-port", "0", "--rate-limit", "0", "--no-announce"] + os.environ.get("SERVER_ARGS", "").split()
    if os.environ.get("SERVER_JAR"):
        # a patched build, started with the launcher's flags (see ./chat)
        cmd = ["java", "-XX:+UseG1GC", "-Djava.net.preferIPv4Stack=true", "-Dvertx.disableDnsResolver=true",
               "-XX:TrimNativeHeapInterval=1000"] + opts.split() + ["-jar", os.environ["SERVER_JAR"]] + server_args
    else:
        cmd = [os.path.join(ROOT, "chat"), "server"] + server_args
    out = open(os.path.join(work, "out"), "w+")
    err = open(os.path.join(work, "err"), "w")
    server = subprocess.Popen(prio(["taskset", "-c", "1"] + cmd, a.priority), stdout=out, stderr=err, env=env, cwd=ROOT)
    try:
        port = None
        for _ in range(600):
            out.seek(0)
            m = re.search(r"READY tcp=[^:]+:(\d+)", out.read())
            if m:
                port = m.group(1)
                break
            if server.poll() is not None:
                break
            time.sleep(0.1)
        if not port:
            sys.exit("server did not start: " + open(os.path.join(work, "err")).read()[-500:])
        pid = server.pid
        gen = [os.path.join(ROOT, "chat"), "bench", "fanout", "--clients", a.clients, "--senders", a.senders,
               "--room-size", a.room_size, "--rate", a.rate, "--server", "127.0.0.1:" + port,
               "--server-pid", str(pid)]
        gen_env = {k: v for k, v in os.environ.items() if k != "CHAT_JAVA_OPTS"}  # the launcher passes it to bench too
        run = lambda args: subprocess.run(prio(["taskset", "-c", "0"] + gen + args, a.priority),
                                          capture_output=True, text=True, cwd=ROOT, env=gen_env)
        if a.prewarm > 0:
            run(["--duration", f"{a.prewarm}s", "--warmup", "1s"])
        for i in range(a.runs):
            load = os.getloadavg()[0]
            t_before = threads(pid)
            up0 = jvm_uptime(pid)
            w0 = time.time()
            r = run(["--duration", f"{a.duration}s", "--warmup", f"{a.warmup}s"])
            secs = time.time() - w0
            up1 = jvm_uptime(pid)
            cpu, switches = diff(t_before, threads(pid), secs)
            try:
                j = json.loads(r.stdout.strip().splitlines()[-1])
            except (IndexError, ValueError):
                print(json.dumps({"label": a.label, "run": i + 1, "failed": (r.stdout + r.stderr)[-600:], "exit": r.returncode}))
                continue
            pauses, sps = log_stats(gclog, up0, up1)
            lat = j["latency_us"]
            says = j["sent"] * (1 + (secs - a.duration) / a.duration) if j["sent"] else 0  # whole run, roughly
            print(json.dumps({
                "label": a.label, "run": i + 1, "load_avg": round(load, 2), "rate": float(a.rate),
                "p50_ms": lat["p50"] / 1000, "p99_ms": lat["p99"] / 1000, "p999_ms": lat["p999"] / 1000,
                "max_ms": lat["max"] / 1000, "deliveries_per_s": j["deliveries_per_s"], "loss": j["loss"],
                "server_cpu": j["server_cpu_percent"], "generator_cpu": j["generator_cpu_percent"],
                "send_lag_p99_ms": (j.get("send_lag_us") or {}).get("p99", 0) / 1000,
                "thread_cpu_whole_run": cpu, "switches_per_say": round(switches / says, 2) if says else None,
                "gc_pauses": pauses, "safepoints": sps}), flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if os.environ.get("KEEP_LOGS"):
            shutil.copy(gclog, os.environ["KEEP_LOGS"])
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
