#!/usr/bin/env bash
# The stores side by side (docs/STORAGE.md, docs/BENCHMARKS.md): the same fan-out load with
# --store memory, sqlite (--durability process and fsync) and postgresql (process), on loopback:
#   - a fresh server per run, on core 1, --rate-limit 0; the generator (./chat bench) on core 0;
#   - PostgreSQL: a private cluster made with Debian's initdb in a temporary directory, as the
#     postgres user, on a free port of 127.0.0.1 (needs root and the postgresql package), stopped
#     and removed at the end;
#   - RUNS rounds, the stores in a rotating order; then one table with deliveries/s, latency and
#     the store's group-commit latency (chat_store_commit_seconds from /metrics, p99 estimated
#     from its buckets) and rows per commit.
#
# Usage: tools/scripts/bench-stores.sh
# Environment (all optional):
#   RUNS=2  DURATION=10s  WARMUP=3s
#   STORES="memory sqlite sqlite-fsync postgresql"
#   SCENARIOS="room1000 rooms100 paced10000"   room1000: one 1,000-member room, 10 senders, window WINDOW;
#                               rooms100: 1,000 clients in 100-member rooms, 10 senders, window WINDOW;
#                               paced10000: 100-member rooms, 10 senders, 10,000 messages/s
#   WINDOW=8                    says in flight per sender in room1000 and rooms100; a window that
#                               leaves the server's core idle while says wait for their commit
#                               measures the commit's latency more than the server's throughput
#   KEEP=DIR                    keep every JSON line and server log there
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

RUNS=${RUNS:-2}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
STORES=${STORES:-"memory sqlite sqlite-fsync postgresql"}
SCENARIOS=${SCENARIOS:-"room1000 rooms100 paced10000"}
WINDOW=${WINDOW:-8}

die() { echo "bench-stores: $*" >&2; exit 1; }
for tool in taskset python3 java curl; do command -v "$tool" >/dev/null || die "$tool not found"; done
[ -f server/target/chat-server.jar ] && [ -f tools/target/chat-tools.jar ] || die "build first: mvn -B package -DskipTests"

work=$(mktemp -d /tmp/bench-stores.XXXXXX)
chmod 755 "$work"
pg_bin=""; pg_data=""; pg_port=""
cleanup() {
    [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
    if [ -n "$pg_data" ]; then runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true; fi
    if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP"; cp -r "$work"/*.jsonl "$work"/*.log "$KEEP"/ 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if [[ " $STORES " == *" postgresql "* ]]; then
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -x "$pg_bin/initdb" ] || die "no PostgreSQL (Debian: apt-get install postgresql), or leave postgresql out of STORES"
    [ "$(id -u)" = 0 ] || die "PostgreSQL is started as the postgres user: run as root"
    pg_data="$work/pg"; pg_port=$(free_port)
    mkdir -p "$pg_data"; echo secret >"$work/pw"; chown -R postgres:postgres "$pg_data" "$work/pw"
    runuser -u postgres -- "$pg_bin/initdb" -D "$pg_data" -U postgres --pwfile="$work/pw" -A scram-sha-256 -E UTF8 --no-locale >/dev/null
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/pg.log" -w -o "-p $pg_port -k $pg_data -c listen_addresses=127.0.0.1" start >/dev/null
    echo "bench-stores: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port" >&2
fi

store_args() {
    case "$1" in
        memory) echo "--store memory" ;;
        sqlite) echo "--store sqlite --durability process --data-dir $work/data-$2" ;;
        sqlite-fsync) echo "--store sqlite --durability fsync --data-dir $work/data-$2" ;;
        postgresql)
            PGPASSWORD=secret psql -h 127.0.0.1 -p "$pg_port" -U postgres -q -c "CREATE DATABASE chat_$2" >/dev/null
            echo "--store postgresql://postgres:secret@127.0.0.1:$pg_port/chat_$2 --durability process" ;;
        *) die "unknown store $1" ;;
    esac
}

bench_args() {
    case "$1" in
        room1000) echo "--clients 1000 --senders 10 --room-size 1000 --window $WINDOW" ;;
        rooms100) echo "--clients 1000 --senders 10 --room-size 100 --window $WINDOW" ;;
        paced*) echo "--clients 1000 --senders 10 --room-size 100 --rate ${1#paced}" ;;
        *) die "unknown scenario $1" ;;
    esac
}

# p99 of a Prometheus histogram (seconds) from two /metrics scrapes: the buckets' growth between them
commit_stats() {
    python3 - "$1" "$2" <<'EOF'
import re, sys
def read(path, name):
    b, s, c = {}, 0.0, 0.0
    for line in open(path):
        m = re.match(name + r'_bucket\{le="([^"]+)"\} (\S+)', line)
        if m: b[m.group(1)] = float(m.group(2))
        m = re.match(name + r'_sum (\S+)', line)
        if m: s = float(m.group(1))
        m = re.match(name + r'_count (\S+)', line)
        if m: c = float(m.group(1))
    return b, s, c
def stats(name):
    b0, s0, c0 = read(sys.argv[1], name); b1, s1, c1 = read(sys.argv[2], name)
    n = c1 - c0
    if n <= 0: return None
    les = sorted((float('inf') if k == '+Inf' else float(k), b1[k] - b0.get(k, 0)) for k in b1)
    p99 = next((le for le, cum in les if cum >= 0.99 * n), float('inf'))
    return n, (s1 - s0) / n, p99
c = stats('chat_store_commit_seconds'); r = stats('chat_store_rows_per_commit')
if c is None: print('- - - -')
else: print('%d %.3f %s %.1f' % (c[0], c[1] * 1000, ('%.1f' % (c[2] * 1000)) if c[2] != float('inf') else 'inf', r[1] if r else 0))
EOF
}

results="$work/results.jsonl"
n=0
for run in $(seq 1 "$RUNS"); do
    set -- $STORES
    order=("$@")
    rot=$(( (run - 1) % ${#order[@]} ))
    order=("${order[@]:$rot}" "${order[@]:0:$rot}")
    for store in "${order[@]}"; do
        for scenario in $SCENARIOS; do
            n=$((n + 1))
            log="$work/server-$n.log"
            # shellcheck disable=SC2046
            taskset -c 1 java -XX:+UseSerialGC -Xmn32m -Djava.net.preferIPv4Stack=true -jar server/target/chat-server.jar \
                --host 127.0.0.1 --tcp-port 0 --udp-port 0 --http-port 0 --no-announce --rate-limit 0 --max-connections-per-ip 100000 --max-pending-per-ip 100000 \
                $(store_args "$store" "$n") >"$work/ready-$n" 2>"$log" &
            server_pid=$!
            for _ in $(seq 1 300); do grep -q '^READY' "$work/ready-$n" 2>/dev/null && break; sleep 0.2; done
            grep -q '^READY' "$work/ready-$n" || { tail -5 "$log" >&2; die "server ($store) did not start"; }
            tcp=$(sed -n 's/^READY tcp=[^ ]*:\([0-9]*\) .*/\1/p' "$work/ready-$n")
            http=$(sed -n 's/.* http=[^ ]*:\([0-9]*\) .*/\1/p' "$work/ready-$n")
            # shellcheck disable=SC2046
            taskset -c 0 java -jar tools/target/chat-tools.jar bench fanout --server "127.0.0.1:$tcp" \
                $(bench_args "$scenario") --warmup "$WARMUP" --duration 1s --text-size 100 >/dev/null 2>&1 || true
            curl -s "http://127.0.0.1:$http/metrics" >"$work/m0"
            # shellcheck disable=SC2046
            line=$(taskset -c 0 java -jar tools/target/chat-tools.jar bench fanout --server "127.0.0.1:$tcp" \
                $(bench_args "$scenario") --warmup 0s --duration "$DURATION" --text-size 100 --server-pid "$server_pid" 2>/dev/null | grep '^{' | tail -1) || true
            curl -s "http://127.0.0.1:$http/metrics" >"$work/m1"
            kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
            commit=$(commit_stats "$work/m0" "$work/m1")
            python3 - "$store" "$scenario" "$run" "$commit" "$line" >>"$results" <<'EOF'
import json, sys
store, scenario, run, commit, line = sys.argv[1:6]
try: r = json.loads(line)
except Exception: r = {"ok": False, "first_error": "no JSON from the generator: " + line[:200]}
c = commit.split()
r.update(store=store, scenario=scenario, round=int(run),
         commits=None if c[0] == '-' else int(c[0]), commit_mean_ms=None if c[0] == '-' else float(c[1]),
         commit_p99_ms=None if c[0] == '-' else c[2], rows_per_commit=None if c[0] == '-' else float(c[3]))
print(json.dumps(r))
EOF
            echo "bench-stores: round $run $store $scenario done" >&2
        done
    done
done

python3 - "$results" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| scenario | store | deliveries/s (each round) | p50 / p99 ms | server CPU | commit mean / p99 ms | rows per commit |")
print("|---|---|---|---|---|---|---|")
for sc in dict.fromkeys(r["scenario"] for r in rows):
    for st in dict.fromkeys(r["store"] for r in rows):
        rs = [r for r in rows if r["scenario"] == sc and r["store"] == st]
        if not rs: continue
        d = " / ".join("{:,.0f}".format(r.get("deliveries_per_s") or 0) + ("" if r.get("ok") else " (!)") for r in rs)
        lat = " ; ".join("%.1f / %.1f" % (r["latency_us"]["p50"] / 1000, r["latency_us"]["p99"] / 1000) for r in rs if r.get("latency_us"))
        cm = " ; ".join("%.2f / %s" % (r["commit_mean_ms"], r["commit_p99_ms"]) for r in rs if r.get("commit_mean_ms") is not None) or "-"
        cpu = " / ".join("%.0f %%" % r["server_cpu_percent"] for r in rs if r.get("server_cpu_percent") is not None) or "-"
        rpc = " ; ".join("%.0f" % r["rows_per_commit"] for r in rs if r.get("rows_per_commit")) or "-"
        print(f"| {sc} | {st} | {d} | {lat} | {cpu} | {cm} | {rpc} |")
EOF
