#!/usr/bin/env bash
# Cross-node fan-out against one node, with the same CPU budget: every server process on
# core 1 (taskset), the generator on core 0. Usage:
#   tools/scripts/bench-cluster.sh NODES [bench fanout options...]
# NODES = 1 (a plain node, no --cluster) or 3 (a Hazelcast cluster of three on loopback).
# Prints the generator's JSON line plus the servers' CPU use over the run (from /proc).
# Needs the jars: ./chat build. SERVER_JVM_EXTRA adds JVM options to every node (e.g. JFR);
# SERVER_ARGS adds server options to every node (e.g. "--cluster-tls --tls-cert C --tls-key K").
# PREWARM=SECONDS first runs the same load, unmeasured, for that long: three JVMs sharing one
# core spend minutes compiling (JIT) before they reach their steady state.
# At the end: the servers' CPU over the measured run, and how much of it was JIT compiler threads.
set -euo pipefail
cd "$(dirname "$0")/../.."
nodes="$1"; shift
jvm=(-Xms512m -Xmx512m -XX:+UseSerialGC -Djava.net.preferIPv4Stack=true -Dvertx.disableDnsResolver=true ${SERVER_JVM_EXTRA:-})
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
members=()
cports=()
for i in $(seq 1 "$nodes"); do cports+=("$(free_port)"); members+=("127.0.0.1:${cports[-1]}"); done
list=$(IFS=,; echo "${members[*]}")
for i in $(seq 0 $((nodes - 1))); do
    extra=()
    [ "$nodes" -gt 1 ] && extra=(--cluster --cluster-port "${cports[$i]}" --cluster-members "$list")
    taskset -c 1 java "${jvm[@]}" -jar server/target/chat-server.jar --host 127.0.0.1 --tcp-port 0 \
        --udp-port 0 --http-port 0 --tls-port off --irc-port 0 --data-dir "$work/data$i" --rate-limit 0 --max-connections-per-ip 100000 --max-pending-per-ip 100000 --no-announce "${extra[@]}" ${SERVER_ARGS:-} \
        >"$work/out$i" 2>"$work/err$i" &
    pids+=($!)
done
servers=()
for i in $(seq 0 $((nodes - 1))); do
    for _ in $(seq 1 600); do grep -q '^READY' "$work/out$i" && break; sleep 0.2; done
    grep -q '^READY' "$work/out$i" || { echo "node $i did not start:" >&2; tail -5 "$work/err$i" >&2; exit 1; }
    servers+=("$(sed -n 's/^READY tcp=\([^ ]*\) .*/\1/p' "$work/out$i")")
done
ticks() { local t=0; for p in "${pids[@]}"; do set -- $(cut -d' ' -f14,15 "/proc/$p/stat"); t=$((t + $1 + $2)); done; echo "$t"; }
# CPU ticks of the nodes' JIT compiler threads (C1, C2)
jit_ticks() {
    local t=0 f
    for p in "${pids[@]}"; do
        for f in /proc/"$p"/task/*/stat; do
            grep -q '(C[12] CompilerThre' "$f" 2>/dev/null || continue
            set -- $(sed 's/^.*) //' "$f" | cut -d' ' -f12,13); t=$((t + $1 + $2))
        done
    done
    echo "$t"
}
servers_csv=$(IFS=,; echo "${servers[*]}")
if [ -n "${PREWARM:-}" ]; then
    warm=(); skip=0
    for a in "$@"; do
        if [ "$skip" = 1 ]; then skip=0; continue; fi
        case "$a" in --duration|--warmup) skip=1; continue ;; --duration=*|--warmup=*) continue ;; esac
        warm+=("$a")
    done
    echo "prewarming for ${PREWARM}s ..." >&2
    taskset -c 0 java -XX:+UseSerialGC -jar tools/target/chat-tools.jar bench fanout --servers "$servers_csv" \
        "${warm[@]}" --duration "${PREWARM}s" --warmup 1s >/dev/null 2>&1 || echo "prewarm run failed" >&2
fi
before=$(ticks); jit_before=$(jit_ticks); start=$(date +%s.%N)
taskset -c 0 java -XX:+UseSerialGC -jar tools/target/chat-tools.jar bench fanout --servers "$servers_csv" "$@"
after=$(ticks); jit_after=$(jit_ticks); end=$(date +%s.%N)
python3 -c "import os; hz=os.sysconf('SC_CLK_TCK'); d=$end-$start; print('servers_cpu_percent_whole_run %.1f jit_compiler_cpu_percent %.1f' % (100.0*($after-$before)/hz/d, 100.0*($jit_after-$jit_before)/hz/d))"
