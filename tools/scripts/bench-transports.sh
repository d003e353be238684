#!/usr/bin/env bash
# The server's front doors side by side: the same fan-out load (./chat bench fanout) through the
# framed TCP port, the framed protocol inside TLS (--tls-port), WebSocket (/ws on the HTTP port)
# and IRC (--irc-port), on loopback:
#   - a fresh server per run, as the launcher starts it (its JVM flags), on core 1, --rate-limit 0;
#     the generator on core 0;
#   - RUNS rounds, the transports in a rotating order; then one table with each one's
#     deliveries/s against the framed port's in the same round.
#
# Usage: tools/scripts/bench-transports.sh
# Environment (all optional):
#   RUNS=2  DURATION=10s  WARMUP=5s
#   TRANSPORTS="framed tls ws irc"
#   LOAD="--clients 1000 --senders 10 --room-size 1000 --window 8"   the bench fanout options
#   KEEP=DIR                 keep every JSON line and server log there
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-2}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
TRANSPORTS=${TRANSPORTS:-"framed tls ws irc"}
LOAD=${LOAD:-"--clients 1000 --senders 10 --room-size 1000 --window 8"}

die() { echo "bench-transports: $*" >&2; exit 1; }
for tool in taskset python3 java; do command -v "$tool" >/dev/null || die "$tool not found"; done
[ -f server/target/chat-server.jar ] && [ -f tools/target/chat-tools.jar ] || die "build first: mvn -B package -DskipTests"

work=$(mktemp -d /tmp/bench-transports.XXXXXX)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP"; cp "$work"/*.jsonl "$work"/*.log "$KEEP"/ 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

field() { sed -n "s/.* $1=[^ ]*:\([0-9]*\).*/\1/p" "$2"; }

results="$work/results.jsonl"
n=0
for run in $(seq 1 "$RUNS"); do
    set -- $TRANSPORTS
    order=("$@")
    rot=$(( (run - 1) % ${#order[@]} ))
    order=("${order[@]:$rot}" "${order[@]:0:$rot}")
    for transport in "${order[@]}"; do
        n=$((n + 1))
        # the launcher's JVM flags on a 2-core machine (./chat): serial GC, 32 MB young generation
        taskset -c 1 java -XX:+UseSerialGC -Xmn32m -Djava.net.preferIPv4Stack=true -jar server/target/chat-server.jar \
            --host 127.0.0.1 --tcp-port 0 --udp-port 0 --http-port 0 --tls-port 0 --irc-port 0 --irc-tls-port off \
            --https-port off --no-announce --rate-limit 0 --store memory --max-connections 11000 --max-connections-per-ip 11000 --max-pending-per-ip 11000 \
            --data-dir "$work/data-$n" >"$work/ready-$n" 2>"$work/server-$n.log" &
        server_pid=$!
        for _ in $(seq 1 300); do grep -q '^READY' "$work/ready-$n" 2>/dev/null && break; sleep 0.2; done
        grep -q '^READY' "$work/ready-$n" || { tail -5 "$work/server-$n.log" >&2; die "the server did not start"; }
        case "$transport" in
            framed) target=(--server "127.0.0.1:$(field tcp "$work/ready-$n")") ;;
            tls) target=(--tls --server "127.0.0.1:$(field tls "$work/ready-$n")") ;;
            ws) target=(--protocol ws --server "127.0.0.1:$(field http "$work/ready-$n")") ;;
            irc) target=(--protocol irc --server "127.0.0.1:$(field irc "$work/ready-$n")") ;;
            *) die "unknown transport $transport" ;;
        esac
        # shellcheck disable=SC2086
        line=$(taskset -c 0 java -jar tools/target/chat-tools.jar bench fanout "${target[@]}" $LOAD \
            --warmup "$WARMUP" --duration "$DURATION" --server-pid "$server_pid" 2>>"$work/bench.log" | grep '^{' | tail -1) || true
        kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
        python3 - "$transport" "$run" "$line" >>"$results" <<'EOF'
import json, sys
transport, run, line = sys.argv[1:4]
try: r = json.loads(line)
except Exception: r = {"ok": False, "first_error": "no JSON from the generator: " + line[:200]}
r.update(transport=transport, round=int(run))
print(json.dumps(r))
EOF
        echo "bench-transports: round $run $transport done" >&2
    done
done

python3 - "$results" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
base = {r["round"]: r.get("deliveries_per_s") or 0 for r in rows if r["transport"] == "framed"}
print("| transport | deliveries/s (each round) | against framed, same round | p50 / p99 ms | server CPU | generator CPU | loss, errors |")
print("|---|---|---|---|---|---|---|")
for t in dict.fromkeys(r["transport"] for r in rows):
    rs = [r for r in rows if r["transport"] == t]
    d = " / ".join("{:,.0f}".format(r.get("deliveries_per_s") or 0) + ("" if r.get("ok") else " (!)") for r in rs)
    x = " / ".join("%.2f×" % ((r.get("deliveries_per_s") or 0) / base[r["round"]]) if base.get(r["round"]) else "-" for r in rs)
    lat = " ; ".join("%.1f / %.1f" % (r["latency_us"]["p50"] / 1000, r["latency_us"]["p99"] / 1000) for r in rs if r.get("latency_us"))
    err = " ; ".join("%s, %s" % (r.get("loss"), r.get("errors")) for r in rs)
    pct = lambda k: " / ".join("%.0f %%" % r[k] if r.get(k) is not None else "-" for r in rs)
    print(f"| {t} | {d} | {x} | {lat} | {pct('server_cpu_percent')} | {pct('generator_cpu_percent')} | {err} |")
EOF
