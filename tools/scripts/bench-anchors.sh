#!/usr/bin/env bash
# This server side by side with two C++ IRC servers, Debian's ngircd and inspircd, loaded by the
# same generator (./chat bench) with the same options, on loopback only:
#   - the server under test on core 1, the generator on core 0 (taskset);
#   - flood control off on all three (./chat server --rate-limit 0; ngIRCd MaxPenaltyTime = 0 and
#     no per-IP limit; InspIRCd a connect class with no command-rate limit, no fake lag and
#     16 MB send queues);
#   - TCP quick ACKs on loopback (ip route ... quickack 1, restored at the end; see
#     docs/BENCHMARKS.md) so that servers that do not set TCP_NODELAY are not held up by
#     delayed ACKs;
#   - RUNS rounds, alternating the order of the servers; each server is started fresh per
#     round and runs every scenario; then one table.
#
# Usage: tools/scripts/bench-anchors.sh            (needs root for taskset/ip route, ngircd, inspircd)
# Environment (all optional):
#   RUNS=3                      rounds
#   SERVERS="chat ngircd inspircd"
#   SCENARIOS="fanout paced5065 paced10000"   also: idle (10,000 idle registered clients, RSS growth
#                               per connection without a forced GC), pacedN for any rate N
#   DURATION=10s WARMUP=5s      measured time and warm-up of every fan-out/paced scenario
#   CHAT_JAVA_OPTS=...          extra JVM options of ./chat server (as the launcher takes them)
#   CHAT_PROTOCOL=framed        how the generator talks to this server (irc: its IRC listener, found by the
#                               READY key irc=; CHAT_IRC_PORT_ARGS overrides the default "--irc-port 0")
#   CHAT_STORE=memory           this server's --store: memory by default, like the two IRC servers, which
#                               keep no history; sqlite (the server's own default) writes every message
#                               to a database in the run's directory before it is fanned out
#   QUICKACK=1                  0 leaves the loopback route alone
#   MAX_LOAD=                   wait (up to 10 min) until the 1-minute load average is below this
#                               before each run (the machine may be shared)
#   KEEP=                       a directory to keep every JSON line, server log and config in
#   PRIORITY=1                  run server and generator in a session of their own at autogroup nice
#                               -20 and nice -15 (root): on a machine shared with builds they then get
#                               their cores first; the same for all three servers
# Prints one table on stdout; every run's JSON line, with the load average at its start, goes to
# $KEEP/results.jsonl (or a temp dir that is removed).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

RUNS=${RUNS:-3}
SERVERS=${SERVERS:-"chat ngircd inspircd"}
SCENARIOS=${SCENARIOS:-"fanout paced5065 paced10000"}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
QUICKACK=${QUICKACK:-1}
PRIORITY=${PRIORITY:-0}
# prio CMD...: becomes CMD (exec: call it in a subshell, "( prio ... ) &" or "$(prio ...)"), with the
# benchmark's scheduling priority if PRIORITY=1; the PID stays the same, so $! is the server's
prio() {
    if [ "$PRIORITY" = 1 ]; then
        exec setsid bash -c 'echo -20 >/proc/$$/autogroup 2>/dev/null; exec nice -n -15 "$@"' prio "$@"
    else
        exec "$@"
    fi
}
CHAT_PROTOCOL=${CHAT_PROTOCOL:-framed}
CHAT_STORE=${CHAT_STORE:-memory}

die() { echo "bench-anchors: $*" >&2; exit 1; }
for tool in taskset python3 java ip; do command -v "$tool" >/dev/null || die "$tool not found"; done
for s in $SERVERS; do
    case "$s" in
        chat) ;;
        ngircd) command -v ngircd >/dev/null || die "ngircd not found (Debian: apt-get install ngircd)" ;;
        inspircd) command -v inspircd >/dev/null || die "inspircd not found (Debian: apt-get install inspircd)" ;;
        *) die "unknown server '$s' (chat, ngircd, inspircd)" ;;
    esac
done
[ "$(nproc)" -ge 2 ] || die "needs two cores (server on core 1, generator on core 0)"
ulimit -n 20000 2>/dev/null || true
# the launcher builds what is stale (only the modules it runs)
./chat server --help >/dev/null 2>&1 || die "./chat server does not run"
CHAT_JAVA_OPTS= ./chat bench --help >/dev/null 2>&1 || die "./chat bench does not run"

work=$(mktemp -d /tmp/bench-anchors.XXXXXX)
out=${KEEP:-$work}
mkdir -p "$out"
results="$out/results.jsonl"
: >"$results"
server_pid=""
quickack_set=""

stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
set_quickack() { # $1 = "quickack 1" or ""
    ip route replace table local local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 $1
    ip route replace table local local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 $1
}
cleanup() {
    stop_server
    if [ -n "$quickack_set" ]; then set_quickack ""; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$QUICKACK" = 1 ]; then
    set_quickack "quickack 1"
    quickack_set=1
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { # port pid
    for _ in $(seq 1 300); do
        kill -0 "$2" 2>/dev/null || return 1
        python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1)" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# Starts server $1 on core 1; sets server_pid and target (host:port) and proto_args.
start_server() {
    local name=$1 dir="$work/$1"
    mkdir -p "$dir"
    case "$name" in
        chat)
            # started as users start it: the launcher, its default JVM flags, plus CHAT_JAVA_OPTS
            (prio taskset -c 1 ./chat server --host 127.0.0.1 --tcp-port 0 --udp-port 0 --http-port 0 --tls-port off \
                --rate-limit 0 --no-announce --max-connections 11000 --max-connections-per-ip 11000 --max-pending-per-ip 11000 ${CHAT_IRC_PORT_ARGS:---irc-port 0} \
                --store "$CHAT_STORE" --data-dir "$dir/data") \
                >"$dir/stdout" 2>"$dir/stderr" &
            server_pid=$!
            for _ in $(seq 1 600); do grep -q '^READY' "$dir/stdout" && break; kill -0 "$server_pid" || break; sleep 0.1; done
            grep -q '^READY' "$dir/stdout" || { tail -5 "$dir/stderr" >&2; die "chat server did not start"; }
            if [ "$CHAT_PROTOCOL" = irc ]; then
                target=$(sed -n 's/^READY.* irc=\([^ ]*\).*/\1/p' "$dir/stdout")
            else
                target=$(sed -n 's/^READY tcp=\([^ ]*\) .*/\1/p' "$dir/stdout")
            fi
            proto_args=(--protocol "$CHAT_PROTOCOL")
            ;;
        ngircd)
            local port; port=$(free_port)
            cat >"$dir/ngircd.conf" <<EOF
[Global]
	Name = ngircd.bench.local
	Info = chat bench anchor
	Listen = 127.0.0.1
	Ports = $port
	PidFile = $dir/ngircd.pid
	MotdPhrase = "bench"
[Limits]
	# flood control off: no penalty time, no per-IP or total connection limit
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxNickLength = 31
	MaxPenaltyTime = 0
	PingTimeout = 600
	PongTimeout = 600
[Options]
	DNS = no
	Ident = no
	PAM = no
EOF
            (prio taskset -c 1 ngircd -n -f "$dir/ngircd.conf") >"$dir/stdout" 2>"$dir/stderr" &
            server_pid=$!
            target="127.0.0.1:$port"
            proto_args=(--protocol irc)
            ;;
        inspircd)
            local port; port=$(free_port)
            echo "bench" >"$dir/motd"
            cat >"$dir/inspircd.conf" <<EOF
<server name="inspircd.bench.local" description="chat bench anchor" network="bench">
<admin name="bench" nick="bench" email="bench@localhost">
<bind address="127.0.0.1" port="$port" type="clients">
<connect name="bench" allow="127.0.0.1" timeout="60" pingfreq="10m"
         threshold="1000000000" commandrate="4000000000" fakelag="no"
         hardsendq="16M" softsendq="16M" recvq="1M"
         localmax="20000" globalmax="20000" maxconnwarn="no" limit="20000"
         maxchans="100" resolvehostnames="no" useident="no">
<channels users="100" opers="100">
<limits maxnick="31" maxchan="64">
<performance softlimit="20000" somaxconn="4096" netbuffersize="10240" quietbursts="yes" clonesonconnect="no">
<files motd="$dir/motd">
<pid file="$dir/inspircd.pid">
<dns server="127.0.0.1" timeout="1">
<options prefixquit="Quit: " syntaxhints="no">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="$dir/inspircd.log">
EOF
            (cd "$dir" && prio taskset -c 1 inspircd --config="$dir/inspircd.conf" --nofork --runasroot) \
                >"$dir/stdout" 2>"$dir/stderr" &
            server_pid=$!
            target="127.0.0.1:$port"
            proto_args=(--protocol irc)
            ;;
    esac
    wait_port "${target##*:}" "$server_pid" || { tail -5 "$dir/stderr" "$dir/stdout" >&2; die "$name did not start"; }
}

wait_load() {
    [ -n "${MAX_LOAD:-}" ] || return 0
    for _ in $(seq 1 300); do
        python3 -c "import os,sys; sys.exit(0 if os.getloadavg()[0] < $MAX_LOAD else 1)" && return 0
        sleep 2
    done
    echo "bench-anchors: load average still above $MAX_LOAD after 10 minutes; running anyway" >&2
}

scenario_args() {
    case "$1" in
        fanout) echo "--clients 1000 --senders 10 --room-size 1000 --window 16 --duration $DURATION --warmup $WARMUP" ;;
        paced*) echo "--clients 100 --senders 10 --room-size 100 --rate ${1#paced} --duration $DURATION --warmup $WARMUP" ;;
        idle) echo "--clients 10000 --room-size 100 --prime 100 --settle 10s --no-gc" ;;
        *) die "unknown scenario '$1'" ;;
    esac
}

echo "bench-anchors: $RUNS round(s) of [$SERVERS] x [$SCENARIOS]; results in $results" >&2
for run in $(seq 1 "$RUNS"); do
    order=$SERVERS
    if [ $((run % 2)) = 0 ]; then order=$(echo "$SERVERS" | tr ' ' '\n' | tac | tr '\n' ' '); fi
    for name in $order; do
        wait_load
        start_server "$name"
        for sc in $SCENARIOS; do
            load=$(cut -d' ' -f1 /proc/loadavg)
            kind=fanout; [ "$sc" = idle ] && kind=idle
            echo "bench-anchors: run $run, $name, $sc (load average $load)" >&2
            set +e
            # shellcheck disable=SC2046
            # CHAT_JAVA_OPTS is for the server only (the launcher would pass it to the generator too)
            # set-ups in flight: ngIRCd listens with a backlog of 10 (more at once are reset);
            # InspIRCd completes registrations once a second, so it needs many at once
            setup=128; [ "$name" = ngircd ] && setup=8
            line=$(CHAT_JAVA_OPTS= prio taskset -c 0 ./chat bench "$kind" $(scenario_args "$sc") "${proto_args[@]}" \
                --setup-in-flight "$setup" \
                --server "$target" --server-pid "$server_pid" 2>>"$out/generator.log" | tail -1)
            code=$?
            set -e
            [ -n "$line" ] || line='{}'
            printf '{"run":%s,"server":"%s","scenario":"%s","load_avg":%s,"exit":%s,"result":%s}\n' \
                "$run" "$name" "$sc" "$load" "$code" "$line" >>"$results"
        done
        stop_server
        if [ -n "${KEEP:-}" ]; then cp -r "$work/$name" "$out/$name-run$run" 2>/dev/null || true; fi
    done
done

python3 - "$results" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
order = []
for r in rows:
    k = (r["scenario"], r["server"])
    if k not in order:
        order.append(k)
order.sort(key=lambda k: (k[0], ["chat", "ngircd", "inspircd"].index(k[1]) if k[1] in ("chat", "ngircd", "inspircd") else 9))
def ms(us):  # microseconds -> milliseconds, 2 decimals below 10 ms
    return "-" if us is None else ("%.2f" % (us / 1000.0) if us < 10000 else "%.0f" % (us / 1000.0))
def cell(r, f):
    res = r["result"]
    if r["exit"] != 0 and not res:
        return "fail"
    v = f(res)
    bad = "" if r["exit"] == 0 else "!"
    return bad + v
lines = []
for sc in dict.fromkeys(k[0] for k in order):
    runs = [k for k in order if k[0] == sc]
    if sc == "idle":
        lines.append("| idle: 10,000 registered clients, no forced GC | RSS per connection | set-up /s | load avg |")
        lines.append("|---|---|---|---|")
    elif sc == "fanout":
        lines.append("| fan-out: 1,000-member room, 10 senders, window 16 | deliveries/s | loss | server CPU | generator CPU | load avg |")
        lines.append("|---|---|---|---|---|---|")
    else:
        lines.append("| paced: 100-member room, 10 senders, %s msg/s | p50 ms | p99 ms | p99.9 ms | max ms | deliveries/s | loss | gen. send lag p99 ms | server CPU | load avg |" % sc[5:])
        lines.append("|---|---|---|---|---|---|---|---|---|---|")
    for k in runs:
        rs = [r for r in rows if (r["scenario"], r["server"]) == k]
        j = lambda f: " / ".join(cell(r, f) for r in rs)
        loads = " / ".join(str(r["load_avg"]) for r in rs)
        if sc == "idle":
            lines.append("| %s | %s B | %s | %s |" % (k[1], j(lambda x: str(x.get("rss_per_connection_bytes", "-"))),
                j(lambda x: "%.0f" % x.get("connections_per_s", 0)), loads))
        elif sc == "fanout":
            lines.append("| %s | %s | %s | %s | %s | %s |" % (k[1], j(lambda x: "%.2f M" % (x.get("deliveries_per_s", 0) / 1e6)),
                j(lambda x: str(x.get("loss", "-"))), j(lambda x: "%s %%" % x.get("server_cpu_percent")),
                j(lambda x: "%s %%" % x.get("generator_cpu_percent")), loads))
        else:
            lat = lambda p: (lambda x: ms((x.get("latency_us") or {}).get(p)))
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (k[1], j(lat("p50")), j(lat("p99")), j(lat("p999")),
                j(lat("max")), j(lambda x: "%.0f k" % (x.get("deliveries_per_s", 0) / 1e3)), j(lambda x: str(x.get("loss", "-"))),
                j(lambda x: ms((x.get("send_lag_us") or {}).get("p99"))),
                j(lambda x: "%s %%" % x.get("server_cpu_percent")), loads))
    lines.append("")
print("\n".join(lines))
print("(values of each run in order, separated by /; ! = the run failed: loss, errors or unanswered says)")
EOF
