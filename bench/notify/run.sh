#!/usr/bin/env bash
# Benchmarks `deployotron serve`: 64 connections posting resources events, per store, against
# GET /healthz in the same run as the reference; then counts what was stored (none may be lost)
# and kills the server with SIGKILL mid-run to check that every acknowledged event survived.
#
# Usage: [ROUNDS=3] bench/notify/run.sh [seconds per run, default 10]
# Needs wrk (apt-get install wrk); DynamoDB runs only when moto_server is installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
DURATION="${1:-10}"
ROUNDS="${ROUNDS:-3}"
CONNECTIONS=64
THREADS=2
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
command -v wrk >/dev/null 2>&1 || { echo "bench: wrk is missing; apt-get install wrk" >&2; exit 1; }

echo "bench: building release" >&2
swift build -c release --product deployotron >&2
BIN="$here/.build/release/deployotron"
WORK="$(mktemp -d -t deployotron-bench.XXXXXX)"
SERVER_PID=""
MOTO_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    [ -n "$MOTO_PID" ] && kill "$MOTO_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server STORE [SQLITE_SYNC]: starts deployotron serve on a free loopback port; sets PORT and SERVER_PID.
start_server() {
    PORT=$(free_port)
    DEPLOYOTRON_STORE="$1" DEPLOYOTRON_SQLITE_SYNC="${2:-full}" LOG_LEVEL=warning "$BIN" serve --host 127.0.0.1 --port "$PORT" >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 200); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { echo "bench: the server died; see below" >&2; cat "$WORK/server.log" >&2; exit 1; }
        sleep 0.05
    done
    echo "bench: the server did not start" >&2; exit 1
}

stop_server() {
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

PROJECTS=16
export PROJECTS

# stored_events PREFIX: prints "guid sequence" for every stored event of projects PREFIX-0 ... PREFIX-15.
stored_events() {
    python3 - "$PORT" "$1" "$PROJECTS" <<'PY'
import json, sys, urllib.request
port, prefix, projects = sys.argv[1], sys.argv[2], int(sys.argv[3])
for index in range(projects):
    guid = f"{prefix}-{index}"
    after = 0
    while True:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/projects/{guid}/events?after={after}&limit=5000") as r:
            events = json.load(r)["events"]
        if not events:
            break
        for e in events:
            print(guid, e["sequence"])
        after = events[-1]["sequence"]
PY
}

# wrk_run LABEL ARGS...: runs wrk and prints req/s and p99 (ms); sets RPS and P99 and ACKED.
# server_ticks: CPU time the server has used so far (user + system, in clock ticks).
server_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }

# wrk_run LABEL ARGS...: runs wrk and prints req/s, p99 and the server's CPU time per request;
# sets RPS, P99, ACKED and CPU_US (server CPU microseconds per completed request).
wrk_run() {
    local label="$1"; shift
    local out before after requests
    before=$(server_ticks)
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@")
    after=$(server_ticks)
    echo "$out" > "$WORK/wrk-${label//[^A-Za-z0-9]/_}.txt"
    RPS=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
    P99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    ACKED=$(echo "$out" | awk '$1 == "ACKED" {print $2}')
    ERRORS=$(echo "$out" | awk '/Non-2xx/ {print $5}')
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    CPU_US=$(python3 -c "print(f'{($after - $before) * 1e6 / $(getconf CLK_TCK) / max(1, $requests):.1f}')")
    printf '%-32s %10s req/s   p99 %8s   server CPU %6s us/request   %s\n' "$label" "$RPS" "$P99" "$CPU_US" "${ERRORS:+non-2xx $ERRORS}"
}

# bench_store NAME STORE [SYNC] [ROUNDS]: alternates GET /healthz and POST /notify ROUNDS times on one
# server (the machine's noise hits both alike), reports each round and the medians, then counts
# what was stored against what was acknowledged.
bench_store() {
    local name="$1" store="$2" sync="${3:-full}" rounds="${4:-$ROUNDS}"
    local healthz=() notify=() healthz_cpu=() notify_cpu=() acked=0
    start_server "$store" "$sync"
    for round in $(seq 1 "$rounds"); do
        wrk_run "$name GET /healthz" "http://127.0.0.1:$PORT/healthz"
        healthz+=("$RPS")
        healthz_cpu+=("$CPU_US")
        BENCH_GUID="bench-$name" ACK_DIR="" wrk_run "$name POST /notify" -s bench/notify/post-resources.lua "http://127.0.0.1:$PORT"
        notify+=("$RPS")
        notify_cpu+=("$CPU_US")
        acked=$((acked + ACKED))
    done
    local stored
    stored=$(stored_events "bench-$name" | wc -l)
    python3 - "$name" "${healthz[*]}" "${notify[*]}" "${healthz_cpu[*]}" "${notify_cpu[*]}" "$acked" "$stored" <<'PY'
import statistics, sys
name = sys.argv[1]
healthz, notify, healthz_cpu, notify_cpu = ([float(x) for x in arg.split()] for arg in sys.argv[2:6])
acked, stored = int(sys.argv[6]), int(sys.argv[7])
ratios = [n / h for n, h in zip(notify, healthz)]
print(f"{name}: median over {len(notify)} rounds: POST /notify {statistics.median(notify):.0f} req/s, GET /healthz {statistics.median(healthz):.0f} req/s, "
      f"notify/healthz ratio {statistics.median(ratios):.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)}); "
      f"server CPU per request {statistics.median(notify_cpu):.0f} us vs {statistics.median(healthz_cpu):.0f} us for /healthz; "
      f"acknowledged {acked}, stored {stored}, lost {max(0, acked - stored)}")
PY
    stop_server
}

echo "== deployotron serve, $CONNECTIONS connections, ${DURATION}s per run, $ROUNDS rounds, $(nproc) cores =="
bench_store sqlite "sqlite:$WORK/bench.sqlite"
# The same with commits synced at checkpoints only: survives SIGKILL, not a power loss.
bench_store sqlite-sync-normal "sqlite:$WORK/bench-normal.sqlite" normal

if command -v moto_server >/dev/null 2>&1; then
    MOTO_PORT=$(free_port)
    moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
    MOTO_PID=$!
    for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$MOTO_PORT/moto-api/" && break; sleep 0.1; done
    export AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
    if DEPLOYOTRON_STORE="dynamodb:deployotron-bench?region=us-east-1" "$BIN" store init >>"$WORK/server.log" 2>&1; then
        bench_store dynamodb "dynamodb:deployotron-bench?region=us-east-1" full 1
    else
        echo "dynamodb: skipped, the store could not be initialised: $(tail -1 "$WORK/server.log")"
    fi
else
    echo "dynamodb: skipped, moto_server is not installed (scripts/setup.sh --test installs it)"
fi

echo "== SIGKILL in the middle of a run (sqlite) =="
mkdir -p "$WORK/acks"
start_server "sqlite:$WORK/kill.sqlite"
BENCH_GUID="bench-kill" ACK_DIR="$WORK/acks" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s bench/notify/post-resources.lua "http://127.0.0.1:$PORT" >"$WORK/wrk-kill.txt" 2>&1 &
WRK_PID=$!
sleep $((DURATION / 2))
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
wait "$WRK_PID" || true
start_server "sqlite:$WORK/kill.sqlite"
cat "$WORK"/acks/acks-*.txt | sort > "$WORK/acked.txt"
stored_events bench-kill | sort > "$WORK/stored.txt"
acked=$(wc -l < "$WORK/acked.txt")
stored=$(wc -l < "$WORK/stored.txt")
missing=$(comm -23 "$WORK/acked.txt" "$WORK/stored.txt" | wc -l)
echo "killed mid-run: acknowledged $acked, stored after restart $stored, acknowledged but missing $missing"
stop_server
[ "$missing" -eq 0 ] || { echo "bench: FAILED, $missing acknowledged events were lost" >&2; exit 1; }
